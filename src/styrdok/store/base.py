"""The storage seam: what the use cases, exchange and reminder job need from a backend.

The contract is split by role — :class:`RecordStore` (records and the queries over them),
:class:`AuditStore` (persisting the hash-chained log), :class:`OutboxStore` (the reminder
ledger), :class:`BulkStore` (export and import), :class:`SearchStore` (full-text search),
:class:`AttachmentStore` (the record of each document's files), :class:`BrowseStore`
(filtered pages of the register), :class:`OrganisationStore` (units, staff per unit,
read acknowledgements), :class:`StepStore` (recent steps of requests and questions, for
the reminder run), :class:`TokenStore` (personal API tokens) and :class:`SecretStore` (the
register's own keys) — and :class:`Store` is all eleven. A backend persists and queries;
it never decides. Hashing the audit chain
(:func:`styrdok.audit.next_event`, :func:`styrdok.audit.reseal`), which statuses count as
due, granted or open, titles made from free text and what a reminder says are computed once
in the core and passed in, so a second backend cannot drift from the first.

A backend is any object with these methods; plugins offer one per URL scheme through
``styrdok_register_stores``. The built-in :class:`~styrdok.store.sql.SqlStore` serves SQLite
and PostgreSQL. ``styrdok.testing.contract.StoreContract`` is the test suite every backend
must pass.

Conventions every method follows:

* All reads and writes happen inside :meth:`Store.transaction`; a transaction is all or
  nothing, and the registry opens one per use case.
* Domain objects go in and come out (:mod:`styrdok.model`, :mod:`styrdok.outbox`); only
  the bulk methods use plain *rows*: mappings keyed by the column names in
  :mod:`styrdok.store.tables`, with ``datetime.date`` values for dates.
* ``update_*`` methods implement optimistic locking: they write only if the stored
  ``revision`` equals ``expected_revision`` and raise :class:`~styrdok.errors.Conflict`
  otherwise; they return the object with its new revision.
* ``insert_*`` methods raise :class:`~styrdok.errors.AlreadyExists` for a duplicate ref.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from styrdok.attachment import Attachment
from styrdok.model import (
    Acknowledgement,
    AuditEvent,
    Body,
    Dispensation,
    DispStatus,
    DocStatus,
    Document,
    DocumentVersion,
    Person,
    Question,
    Review,
    Unit,
)
from styrdok.notify import NoticeKind
from styrdok.organisation import StaffRecord
from styrdok.outbox import (
    DispensationCandidate,
    Notice,
    QuestionStep,
    ReadCandidate,
    RequestStep,
    ReviewCandidate,
)
from styrdok.search import SearchHit
from styrdok.tokens import ApiToken

if TYPE_CHECKING:
    from styrdok.escalation import LongOverdue
    from styrdok.report_tally import DocumentDispensations, ReportTallies

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict keyed by column name


class DatedRow(NamedTuple):
    """A date something falls due on, as :meth:`RecordStore.dated_items` reads it."""

    kind: str
    """``review`` or ``document_expiry`` (documents), ``dispensation_expiry``."""
    ref: str
    text: str
    """A document's title, or a dispensation's scope as stored (the core makes a title)."""
    due_on: dt.date
    person: str
    """The owner, or the responsible person."""
    status: str


#: A row of :meth:`RecordStore.dated_items`: the fields of a :class:`DatedRow`, in its
#: order. A store may hand over its driver's plain tuples as they are (at a national
#: register's 185,000 rows, copying each into a DatedRow was a tenth of ``due``'s time on
#: PostgreSQL); readers unpack positionally.
DatedTuple = tuple[str, str, str, dt.date, str, str]


def in_chunks(rows: Sequence[DatedTuple], size: int) -> Iterator[Sequence[DatedTuple]]:
    """``rows`` at most ``size`` at a time, in order: :meth:`RecordStore.stream_dated_items`
    for a store whose :meth:`~RecordStore.dated_items` has the rows in memory already."""
    if size < 1:
        raise ValueError("a chunk holds at least one row")
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


#: Why a write inside a read transaction is refused by every store: joined to the read it
#: would go without the writers' lock (and number audit events and dispensations from
#: what it read unlocked), fail on a read-only snapshot, or be dropped with the read.
WRITE_IN_READ = (
    "a write cannot join a read transaction: finish reading before writing "
    "(e.g. close an iter_due or streamed_report first)"
)


class RecordStore(Protocol):
    """Registry records — people, bodies, documents and their versions and reviews,
    dispensations, questions — and the queries the use cases run over them."""

    url: str
    """Where the data lives, as given to the factory."""

    # --- lifecycle ------------------------------------------------------------------------

    def transaction(
        self, *, write: bool = True, exclusive: bool = True
    ) -> AbstractContextManager[None]:
        """One unit of work. Nested calls join the outer one, except that a write cannot
        join a read: it raises ``RuntimeError`` with :data:`WRITE_IN_READ`, and nothing is
        written. An *exclusive* write runs alone (it may number things from what it reads);
        ``exclusive=False`` writes touch only the outbox rows a worker has claimed."""
        ...

    def schema_revision(self) -> str | None:
        """The schema version the data is at (``None`` if not initialised). The registry
        refuses to open data that is not at :data:`styrdok.migrations.HEAD`."""
        ...

    def close(self) -> None:
        """Release connections and locks."""
        ...

    # --- people and bodies ----------------------------------------------------------------

    def count_persons(self) -> int:
        """How many people are registered (``0``: the first one must be an administrator)."""
        ...

    def get_person(self, ref: str) -> Person | None:
        """The person with exactly this ref, or ``None``."""
        ...

    def list_persons(self) -> list[Person]:
        """Every person, sorted by ref."""
        ...

    def persons_by_ref(self, refs: Iterable[str]) -> dict[str, Person]:
        """The people with these refs, keyed by ref; refs not registered are left out."""
        ...

    def insert_person(self, person: Person) -> None:
        """Store a new person; :class:`~styrdok.errors.AlreadyExists` if the ref is taken."""
        ...

    def replace_person(self, person: Person) -> None:
        """Overwrite the stored person with the same ref (an edit, or anonymisation)."""
        ...

    def replace_persons(self, persons: Sequence[Person]) -> None:
        """Store many changed people under their refs at once (``staff sync``): one
        ``executemany``, not one statement each."""
        ...

    def rewrite_records(self, rewrite: Callable[[Any], Any], needles: Sequence[str]) -> int:
        """Apply ``rewrite`` to every stored value outside the audit log that may contain
        one of ``needles`` (keys included) and return the number of records changed. The
        core re-seals the audit log itself (:func:`styrdok.audit.reseal`). Stores that
        cannot rewrite their history (a git-kept folder) raise
        :class:`~styrdok.errors.RuleViolation` saying why."""
        ...

    def get_body(self, ref: str) -> Body | None:
        """The deciding body with exactly this ref, or ``None``."""
        ...

    def list_bodies(self) -> list[Body]:
        """Every deciding body, sorted by ref."""
        ...

    def insert_body(self, body: Body) -> None:
        """Store a new body; :class:`~styrdok.errors.AlreadyExists` if the ref is taken."""
        ...

    def replace_body(self, body: Body) -> None:
        """Overwrite the stored body with the same ref (an edit or a handover)."""
        ...

    # --- documents ------------------------------------------------------------------------

    def get_document(self, ref: str) -> Document | None:
        """The document with exactly this ref, or ``None``."""
        ...

    def list_documents(
        self,
        *,
        status: str | None = None,
        doc_type: str | None = None,
        adopted_by: str | None = None,
        person: str | None = None,
        parent: str | None = None,
    ) -> list[Document]:
        """Sorted by ref; ``person`` matches owner or guardian."""
        ...

    def insert_document(self, document: Document) -> None:
        """Store a new document as given; :class:`~styrdok.errors.AlreadyExists` if the ref
        is taken."""
        ...

    def update_document(self, document: Document, *, expected_revision: int) -> Document:
        """Overwrite the stored document with the same ref if its ``revision`` is still
        ``expected_revision``, else :class:`~styrdok.errors.Conflict`; return it with
        ``revision`` one higher."""
        ...

    def insert_version(self, version: DocumentVersion) -> None:
        """Keep an adopted version; :class:`~styrdok.errors.AlreadyExists` if that version of
        the document is already kept."""
        ...

    def end_version(self, document_ref: str, *, version: int, until: dt.date) -> None:
        """Close an adopted version's period (``until`` is the first day not in force)."""
        ...

    def replace_version(self, version: DocumentVersion) -> None:
        """Store ``version``'s period and annulment in place of the stored version with the
        same document and number (a correction: an annulled adoption); its snapshot is kept
        as stored. :class:`~styrdok.errors.NotFound` if there is no such version."""
        ...

    def list_versions(self, document_ref: str) -> list[DocumentVersion]:
        """A document's adopted versions, oldest first (empty for an unknown ref)."""
        ...

    def versions_in_force(self, on: dt.date) -> list[DocumentVersion]:
        """Each document's version in force on ``on``, sorted by document ref."""
        ...

    def documents_ending_before(self, day: dt.date, *, status: DocStatus) -> list[Document]:
        """Documents of ``status`` whose ``valid_until`` is before ``day``, sorted by ref."""
        ...

    def insert_review(self, review: Review) -> Review:
        """Store and return it with its new ``id``."""
        ...

    def list_reviews(self, document_ref: str) -> list[Review]:
        """A document's reviews, by review date, then ``id``."""
        ...

    # --- dispensations ---------------------------------------------------------------------

    def next_dispensation_ref(self, year: int) -> str:
        """``D-<year>-NNNN``, one more than the highest number that year (numerically)."""
        ...

    def insert_dispensation(self, dispensation: Dispensation) -> None:
        """Store a new dispensation as given (its ref from :meth:`next_dispensation_ref`);
        :class:`~styrdok.errors.AlreadyExists` if the ref is taken."""
        ...

    def get_dispensation(self, ref: str) -> Dispensation | None:
        """The dispensation with exactly this ref, or ``None``."""
        ...

    def update_dispensation(
        self, dispensation: Dispensation, *, expected_revision: int
    ) -> Dispensation:
        """Overwrite the stored dispensation with the same ref if its ``revision`` is still
        ``expected_revision``, else :class:`~styrdok.errors.Conflict`; return it with
        ``revision`` one higher."""
        ...

    def list_dispensations(
        self,
        *,
        status: str | None = None,
        document_ref: str | None = None,
        person: str | None = None,
        statuses: Iterable[DispStatus] | None = None,
    ) -> list[Dispensation]:
        """Sorted by ref; ``person`` matches requester, responsible or decider;
        ``statuses`` keeps those with any of them."""
        ...

    def dispensations_in_effect(
        self, on: dt.date, *, statuses: Iterable[DispStatus], document_ref: str | None = None
    ) -> list[Dispensation]:
        """Dispensations of ``statuses`` whose period covers ``on`` and that had not ended
        by then (``ended_on`` after ``on`` or none), sorted by ref."""
        ...

    def renewals_of(self, ref: str) -> list[Dispensation]:
        """The dispensations whose ``renewal_of`` is ``ref``, sorted by ref."""
        ...

    def dispensations_ending_before(
        self, day: dt.date, *, status: DispStatus
    ) -> list[Dispensation]:
        """Dispensations of ``status`` whose ``valid_until`` is before ``day``, sorted by
        ref."""
        ...

    # --- questions ------------------------------------------------------------------------

    def insert_question(self, question: Question) -> Question:
        """Store a question and return it with its new ``id``."""
        ...

    def get_question(self, question_id: int) -> Question | None:
        """The question with this ``id``, or ``None``."""
        ...

    def update_question(self, question: Question) -> None:
        """Overwrite the stored question with the same ``id`` (when it is answered)."""
        ...

    def list_questions(self, document_ref: str | None = None) -> list[Question]:
        """A document's questions (every document's when ``None``), by ``id``."""
        ...

    # --- what falls due (set-based: these run over the whole register) -----------------

    def dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
    ) -> Sequence[DatedTuple]:
        """Review dates and valid-until dates of documents of ``document_status``, and
        valid-until dates of dispensations of ``dispensation_status``, up to ``until``;
        sorted by date, kind, ref; each row shaped as a :class:`DatedRow`
        (:data:`DatedTuple`)."""
        ...

    def stream_dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
        chunk: int = 1_000,
    ) -> Iterator[Sequence[DatedTuple]]:
        """The rows of :meth:`dated_items`, the same rows in the same order, at most
        ``chunk`` at a time, each chunk read only when it is asked for: a list of a million
        dates is shown while it is read rather than held whole. Consumed inside one
        :meth:`transaction`. A store that holds its register in memory may slice
        :meth:`dated_items` (:func:`in_chunks`)."""
        ...

    def review_candidates(
        self, *, until: dt.date, own_offsets_until: dt.date
    ) -> Iterable[ReviewCandidate]:
        """Documents in force whose review or end date is up to ``until`` — and also, for
        documents with their own reminder offsets, up to ``own_offsets_until`` — with their
        adopting body's contact."""
        ...

    def dispensation_candidates(
        self, *, until: dt.date, ended_since: dt.date
    ) -> Iterable[DispensationCandidate]:
        """Approved dispensations ending by ``until``, and expired ones that ended on or
        after ``ended_since``."""
        ...


class AuditStore(Protocol):
    """Persistence of the hash-chained audit log. The chain is computed by the core
    (:mod:`styrdok.audit`); a store keeps events exactly as given."""

    def audit_head(self) -> tuple[int, str] | None:
        """The last event's ``(seq, hash)``, or ``None`` for an empty log."""
        ...

    def insert_audit(self, event: AuditEvent) -> None:
        """Append one event, as given (its ``at`` stored as ISO text in UTC to the
        microsecond, see :func:`styrdok.audit.time_text`)."""
        ...

    def iter_audit(self, entity: str | None = None) -> Iterator[AuditEvent]:
        """Events oldest first, all or of one entity (streamed)."""
        ...

    def audit_hash_of(self, seq: int) -> str | None:
        """The hash of event ``seq`` (``None`` if there is none)."""
        ...

    def audit_page(self, from_seq: int, limit: int) -> list[AuditEvent]:
        """Up to ``limit`` events from ``from_seq`` on, oldest first."""
        ...

    def first_audit_mentioning(self, needles: Sequence[str]) -> int | None:
        """The lowest ``seq`` whose actor, entity or snapshots may contain a needle,
        compared regardless of case (the GDPR rewrite matches e-mail addresses so), or
        ``None``. A superset is fine: the rewrite decides."""
        ...

    def replace_audit(self, event: AuditEvent) -> None:
        """Overwrite the stored event with the same ``seq`` (re-sealing only; an unknown
        ``seq`` is a programming error, and what happens then is the backend's own)."""
        ...


class OutboxStore(Protocol):
    """The reminder ledger: one :class:`~styrdok.outbox.Notice` per reminder, recipient
    and channel, unique by :attr:`~styrdok.outbox.Notice.key`."""

    def notice_send_dates(self, items: Sequence[str]) -> dict[tuple[str, str, str, str], dt.date]:
        """For each (item, cycle due date as ISO text, recipient, channel) of ``items``:
        the latest send date already in the ledger."""
        ...

    def insert_notices(self, notices: Sequence[Notice]) -> int:
        """Add notices; one whose key is already in the ledger is left untouched. Returns
        the number given."""
        ...

    def claim_notices(self, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> list[Notice]:
        """Lease the pending notices no live worker holds; two workers never get the same.
        Sorted by channel, recipient, due date, id."""
        ...

    def mark_sent(self, ids: Sequence[int], *, worker: str, at: dt.datetime) -> None:
        """Record the notices ``worker`` still holds among ``ids`` as sent ``at`` (one more
        attempt, the error cleared, the claim released); others are left as they are.
        ``ids`` are the notices of many digests, thousands at a time."""
        ...

    def mark_failed_attempt(
        self, ids: Sequence[int], *, worker: str, error: str, max_attempts: int
    ) -> None:
        """Count a failed attempt and keep the error; ``failed`` after ``max_attempts``."""
        ...

    def release_claims(self, *, worker: str) -> None:
        """Give back the pending notices ``worker`` holds, so another run can claim them
        at once rather than when the lease runs out."""
        ...

    def notices(self) -> list[Notice]:
        """The whole ledger, by id."""
        ...


class BulkStore(Protocol):
    """Whole-register export and import, as rows keyed by column name."""

    def is_empty(self) -> bool:
        """True if no table has a row: a whole register is imported only into an empty one."""
        ...

    def iter_table(self, name: str, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        """Rows of one table (see :data:`styrdok.store.sql.TABLE_ORDER`) in key order."""
        ...

    def bulk_insert(self, name: str, rows: Iterable[Row], *, batch: int = 5_000) -> int:
        """Add ``rows`` to table ``name`` as given, ids included (a restore), ``batch`` at a
        time; return how many. The core has checked them; they are not audited here. A
        streaming restore calls it many times for one table in one transaction, a chunk at
        a time."""
        ...

    def existing_refs(self, name: str, refs: Sequence[str]) -> list[str]:
        """The stored refs of table ``name`` that equal one of ``refs`` regardless of case,
        as stored (``["POL-IS-01"]`` for ``["pol-is-01"]``); dispensation refs, numbered by
        styrdok, are compared exactly. A ref to be added must not come back at all. Rows
        added earlier in the same transaction count (a streaming restore checks each chunk
        against those before it)."""
        ...


class SearchStore(Protocol):
    """Full-text search of documents, kept up to date in the same transaction as every
    write (SQL stores: by the database itself, see :mod:`styrdok.store.search_schema`)."""

    def search_documents(
        self,
        query: str,
        *,
        statuses: Collection[DocStatus] | None,
        limit: int,
        effective_on: dt.date | None = None,
    ) -> list[SearchHit]:
        """Documents whose title, purpose, text, FAQ or attached files' text hold every
        word of ``query`` (:func:`styrdok.search.terms` reads it), best first, at most
        ``limit``, only those with one of ``statuses`` unless it is ``None``; with
        ``effective_on``, not those in force only from a later day
        (:meth:`~styrdok.model.Document.upcoming_on`). Each hit's snippet marks the matched
        words (see :mod:`styrdok.search`)."""
        ...


class AttachmentStore(Protocol):
    """The register's record of each document's files: what each is, and its text for
    search. The bytes are not here but in a file storage (:mod:`styrdok.filestore`),
    addressed by the SHA-256 recorded with each attachment."""

    def insert_attachment(self, attachment: Attachment, *, text: str) -> Attachment:
        """Store an attachment and the ``text`` read from it (searched with its document's
        own words from then on, see :class:`SearchStore`); return it with its new ``id``.
        :class:`~styrdok.errors.AlreadyExists` if the document already has a file of
        that name or that SHA-256 (the core checks first, to say which)."""
        ...

    def get_attachment(self, attachment_id: int) -> Attachment | None:
        """The attachment with this ``id``, or ``None`` (also once it is detached)."""
        ...

    def list_attachments(self, document_ref: str | None = None) -> list[Attachment]:
        """A document's attachments (every document's when ``None``), by ``id``."""
        ...

    def delete_attachment(self, attachment_id: int) -> None:
        """Remove an attachment and its text (its audit events stay)."""
        ...

    def count_attachments_with(self, sha256: str) -> int:
        """How many attachments, of any document, have this content."""
        ...


class DocumentFilter(NamedTuple):
    """Which documents :meth:`BrowseStore.page_documents` counts and reads: every
    criterion given must hold (``None``: not given). Who may see what is the core's
    decision (:mod:`styrdok.usecases.browsing`), passed in as ``hidden`` and ``shown_to``."""

    statuses: frozenset[DocStatus] | None = None
    doc_type: str | None = None
    adopted_by: str | None = None
    owner_unit: str | None = None
    """The unit of the document's owner (:attr:`~styrdok.model.Person.unit`)."""
    review_before: dt.date | None = None
    """``next_review_on`` before this day."""
    hidden: DocStatus | None = None
    """Documents of this status are left out, except those ``shown_to`` manages."""
    shown_to: str | None = None
    """A person ref: documents of the ``hidden`` status whose owner or guardian they are
    are kept."""
    refs: frozenset[str] | None = None
    """Only these documents."""
    ref_part: str | None = None
    """Refs that contain this text, compared regardless of case (refs are ASCII)."""
    not_refs: frozenset[str] = frozenset()
    """Not these documents."""
    effective_on: dt.date | None = None
    """With ``statuses`` naming ``in_force``: a document counts as in force only from its
    :attr:`~styrdok.model.Document.in_force_from`, so one adopted to take effect after this
    day is left out (:meth:`~styrdok.model.Document.in_force_on`)."""


class DispensationFilter(NamedTuple):
    """Which dispensations :meth:`BrowseStore.page_dispensations` counts and reads: every
    criterion given must hold (``None``: not given). Who may decide is the core's rule
    (:func:`styrdok.rules.require_decider`), passed in as ``approver`` and ``not_party``."""

    statuses: frozenset[DispStatus] | None = None
    document_ref: str | None = None
    party: str | None = None
    """A person ref: they requested the dispensation or are responsible for it."""
    approver: str | None = None
    """A person ref: the document's guardian, or listed among its dispensation rules'
    approvers (:func:`styrdok.rules.approvers_of`)."""
    not_party: str | None = None
    """A person ref: they neither requested the dispensation nor are responsible for it."""


class QuestionFilter(NamedTuple):
    """Which questions :meth:`BrowseStore.page_questions` counts and reads: every criterion
    given must hold (``None``: not given). Who may answer and who may see a draft are the
    core's rules, passed in as ``answerer``, ``hidden`` and ``shown_to``."""

    document_ref: str | None = None
    asked_by: str | None = None
    answerer: str | None = None
    """A person ref: the guardian or the owner of the question's document
    (:func:`styrdok.rules.may_answer`)."""
    unanswered: bool = False
    """Only questions without an answer."""
    hidden: DocStatus | None = None
    """Questions on documents of this status are left out, except on those ``shown_to``
    manages."""
    shown_to: str | None = None
    """A person ref: questions on documents of the ``hidden`` status whose owner or
    guardian they are are kept."""


class BrowseStore(Protocol):
    """Pages of the register for lists that must not read it whole (the intranet, the
    API): a filtered count and one page, and what the filters offer."""

    def page_documents(
        self, where: DocumentFilter, *, offset: int, limit: int
    ) -> tuple[list[Document], int]:
        """Up to ``limit`` documents matching ``where``, from the ``offset``-th on, sorted
        by title, then ref; and how many match in all."""
        ...

    def document_types(self) -> list[str]:
        """Every document type some document has, sorted."""
        ...

    def person_units(self) -> list[str]:
        """Every unit some person belongs to, sorted."""
        ...

    def body_names(self) -> list[tuple[str, str]]:
        """Every deciding body's ref and name, sorted by ref (a filter's choices, without
        building each body)."""
        ...

    def page_dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
        offset: int,
        limit: int,
    ) -> tuple[list[DatedRow], int]:
        """Up to ``limit`` rows of :meth:`RecordStore.dated_items` (the same rows in the
        same order) from the ``offset``-th on; and how many there are in all."""
        ...

    def page_dispensations(
        self, where: DispensationFilter, *, offset: int, limit: int
    ) -> tuple[list[Dispensation], int]:
        """Up to ``limit`` dispensations matching ``where``, from the ``offset``-th on,
        newest first (requested on, then ref, both descending); and how many match in all."""
        ...

    def page_questions(
        self, where: QuestionFilter, *, offset: int, limit: int
    ) -> tuple[list[Question], int]:
        """Up to ``limit`` questions matching ``where``, from the ``offset``-th on, newest
        first (asked on, then ``id``, both descending); and how many match in all."""
        ...


class OrganisationStore(Protocol):
    """The organisation and read acknowledgements: units (a small tree, which the core
    walks), staff per unit and acknowledgements (large: counted and listed here)."""

    def list_units(self) -> list[Unit]:
        """Every unit, by ref."""
        ...

    def get_unit(self, ref: str) -> Unit | None:
        """One unit by ref."""
        ...

    def insert_unit(self, unit: Unit) -> None:
        """Add a unit (:class:`~styrdok.errors.AlreadyExists` for a duplicate ref)."""
        ...

    def replace_unit(self, unit: Unit) -> None:
        """Store a changed unit (name, kind, parent, manager) under its ref."""
        ...

    def unit_headcounts(self) -> dict[str, int]:
        """Active people per unit ref (people with no unit left out)."""
        ...

    def staff_records(self) -> Iterator[StaffRecord]:
        """Every person, leavers and people without a unit too, as the plain values
        stored (no :class:`~styrdok.model.Person` built, nothing checked or normalised), in
        no particular order: what ``staff sync`` compares a staff list with. Streamed:
        the whole register is never held at once; read it to the end before writing in
        the same transaction."""
        ...

    def insert_acknowledgement(self, ack: Acknowledgement) -> None:
        """Record an acknowledgement (:class:`~styrdok.errors.AlreadyExists` if that
        person already confirmed that version)."""
        ...

    def acknowledgement_of(
        self, person: str, document_ref: str, *, versions: tuple[int, int]
    ) -> Acknowledgement | None:
        """``person``'s latest acknowledgement of ``document_ref`` whose version lies in
        the closed range ``versions``."""
        ...

    def acknowledgements_by(self, person: str) -> list[Acknowledgement]:
        """Everything ``person`` has confirmed, newest first."""
        ...

    def read_counts(self, document_ref: str | None = None) -> Iterator[tuple[str, str, int]]:
        """``(document, unit, people)`` ordered by document: how many active people of
        each unit have confirmed a version between the document's ``ack_version`` and its
        ``version``, for documents in force with ``ack_version`` > 0 (one, or all)."""
        ...

    def unread_persons(
        self,
        document_ref: str,
        units: Sequence[str],
        *,
        versions: tuple[int, int],
        limit: int | None = None,
        offset: int = 0,
        joined_since: dt.date | None = None,
    ) -> list[Person]:
        """Active people of ``units`` with no acknowledgement of ``document_ref`` in the
        closed version range ``versions``, by unit, name and ref; a page with ``limit``;
        only those who joined their unit on or after ``joined_since``, when given."""
        ...

    def read_candidates(self) -> list[ReadCandidate]:
        """Every document in force that asks to be read (``ack_version`` > 0), with the
        day the version asked about came into force (the reminder run's input)."""
        ...

    def documents_to_read(
        self, person: str, units: Sequence[str]
    ) -> list[tuple[Document, dt.date, Acknowledgement | None]]:
        """Documents in force with ``ack_version`` > 0 whose ``applies_to`` names one of
        ``units`` and which ``person`` has not confirmed between ``ack_version`` and
        ``version``, by title and ref; each with the day the version asked about came into
        force and the person's latest acknowledgement of an earlier version, if any."""
        ...


class StepStore(Protocol):
    """The recent steps of requests and questions, read set-based for the reminder run
    (:mod:`styrdok.step_notices`): one query each, never one per record."""

    def request_steps(self, *, since: dt.date) -> list[RequestStep]:
        """Dispensations requested, decided or ended (``ended_on``) on or after ``since``,
        any status, with their document's guardian, listed approvers and adopting body's
        contact; sorted by ref."""
        ...

    def question_steps(self, *, since: dt.date) -> list[QuestionStep]:
        """Questions asked or answered on or after ``since``, with their document's title,
        guardian, owner and adopting body's contact; sorted by id."""
        ...


class TokenStore(Protocol):
    """Personal API tokens (:mod:`styrdok.tokens`): kept with the SHA-256 of their secret,
    found by their public id on every request of the HTTP API. Not exported."""

    def insert_token(self, token: ApiToken) -> None:
        """Store a new token (:class:`~styrdok.errors.AlreadyExists` if its id is taken)."""
        ...

    def get_token(self, token_id: str) -> ApiToken | None:
        """The token with exactly this id, or ``None``."""
        ...

    def list_tokens(self, person: str | None = None) -> list[ApiToken]:
        """Every token (revoked and expired ones too), or one person's, by person, then
        creation time, then id."""
        ...

    def replace_token(self, token: ApiToken) -> None:
        """Store a changed token (revoked) under its id."""
        ...

    def mark_token_used(self, token_id: str, on: dt.date) -> None:
        """Record that the token was used on ``on``, unless that day or a later one is
        recorded already; nothing else about it changes."""
        ...


class SecretStore(Protocol):
    """The register's own secrets by name — so far one: the key confirmation links are
    signed with (:mod:`styrdok.confirm_links`). Kept in the register so every process that
    opens it agrees without configuration; never exported, listed, audited or logged."""

    def get_secret(self, name: str) -> str | None:
        """The value kept under ``name``, or ``None``."""
        ...

    def add_secret(self, name: str, value: str) -> str:
        """Keep ``value`` under ``name`` unless a value is kept there already, and return
        the value kept: the first writer wins, so two processes creating the same secret
        at once both end up with one. A kept value is never replaced."""
        ...


class PreferenceStore(Protocol):
    """What each person has asked not to be told: the kinds of notice they opted out of
    (the reminder run leaves those out). Never exported; cleared on anonymisation."""

    def muted_kinds(self, persons: Iterable[str]) -> dict[str, frozenset[NoticeKind]]:
        """The kinds each of ``persons`` opted out of; a person who opted out of nothing is
        left out of the answer."""
        ...

    def set_muted(self, person: str, kinds: Iterable[NoticeKind]) -> None:
        """Replace ``person``'s opt-outs with ``kinds`` (none: they hear everything)."""
        ...


@runtime_checkable
class ReportStore(Protocol):
    """Optional: the governance report from the database itself (issue 19): its counts,
    and its three long lists streamed in the order the report shows them, so that neither
    is held in memory whole. A store without it is counted record by record
    (:func:`styrdok.report_tally.tally`); the contract suite holds the two to the same
    numbers and the same lists in the same order. Call each inside a :meth:`transaction`."""

    def report_tallies(self, *, today: dt.date) -> ReportTallies:
        """What :func:`styrdok.report_tally.tally` counts over every document and
        dispensation, counted in the store."""
        ...

    def report_without_guardian(self) -> Iterator[str]:
        """Refs of drafts and documents in force without a guardian, by code point
        (:attr:`~styrdok.report_tally.ReportLists.without_guardian`), streamed."""
        ...

    def report_by_document(self, *, today: dt.date) -> Iterator[DocumentDispensations]:
        """Each document with a granted dispensation active on ``today`` or a granted
        renewal, sorted by :func:`~styrdok.report_tally.by_document_order`, streamed."""
        ...

    def report_long_overdue(self, *, today: dt.date, after_days: int) -> Iterator[LongOverdue]:
        """Documents in force ``after_days`` or more past their review date, named and
        sorted as :func:`styrdok.escalation.long_overdue` names and sorts them, streamed."""
        ...


class Store(
    RecordStore,
    AuditStore,
    OutboxStore,
    BulkStore,
    SearchStore,
    AttachmentStore,
    BrowseStore,
    OrganisationStore,
    StepStore,
    TokenStore,
    SecretStore,
    PreferenceStore,
    Protocol,
):
    """A storage backend for one registry: every role."""
