"""The storage seam: what the registry, exchange and reminder engine need from a backend.

A backend is any object with these methods; plugins offer one per URL scheme through
``styrdok_register_stores``. The built-in :class:`~styrdok.store.sql.SqlStore` serves SQLite
and PostgreSQL. ``styrdok.testing.contract.StoreContract`` is the test suite every backend
must pass.

Conventions every method follows:

* All reads and writes happen inside :meth:`Store.transaction`; a transaction is all or
  nothing, and the registry opens one per use case.
* Domain objects go in and come out (:mod:`styrdok.model`); bulk and report methods use
  plain *rows*: mappings keyed by the column names in :mod:`styrdok.store.tables`, with
  ``datetime.date`` values for dates, so :mod:`styrdok.store.convert` can read them.
* ``update_*`` methods implement optimistic locking: they write only if the stored
  ``revision`` equals ``expected_revision`` and raise :class:`~styrdok.errors.Conflict`
  otherwise; they return the object with its new revision.
* ``insert_*`` methods raise :class:`~styrdok.errors.AlreadyExists` for a duplicate ref.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from styrdok.gdpr import RewriteResult
from styrdok.model import (
    AuditEvent,
    Body,
    Dispensation,
    Document,
    DocumentVersion,
    DueItem,
    Person,
    Question,
    Review,
)

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping or a plain dict keyed by column name


class Store(Protocol):
    """A storage backend for one registry."""

    url: str
    """Where the data lives, as given to the factory."""

    # --- lifecycle ------------------------------------------------------------------------

    def transaction(
        self, *, write: bool = True, exclusive: bool = True
    ) -> AbstractContextManager[None]:
        """One unit of work. Nested calls join the outer one. An *exclusive* write runs
        alone (it may number things from what it reads); ``exclusive=False`` writes touch
        only the outbox rows a worker has claimed."""
        ...

    def schema_revision(self) -> str | None:
        """The schema version the data is at (``None`` if not initialised). The registry
        refuses to open data that is not at :data:`styrdok.migrations.HEAD`."""
        ...

    def close(self) -> None: ...

    # --- people and bodies ----------------------------------------------------------------

    def count_persons(self) -> int: ...
    def get_person(self, ref: str) -> Person | None: ...
    def list_persons(self) -> list[Person]: ...
    def insert_person(self, person: Person) -> None: ...
    def replace_person(self, person: Person) -> None:
        """Overwrite the stored person with the same ref (used by anonymisation)."""
        ...

    def rewrite_everywhere(
        self, rewrite: Callable[[Any], Any], needles: Sequence[str]
    ) -> RewriteResult:
        """Apply ``rewrite`` to every stored value that may contain one of ``needles``, in
        every table and in the audit log, and re-seal the audit chain from the first event
        that changed (see :mod:`styrdok.gdpr`). Stores that cannot rewrite their history
        (a git-kept folder) raise :class:`~styrdok.errors.RuleViolation` saying why."""
        ...

    def persons_by_ref(self, refs: Iterable[str]) -> dict[str, Person]: ...
    def get_body(self, ref: str) -> Body | None: ...
    def list_bodies(self) -> list[Body]: ...
    def insert_body(self, body: Body) -> None: ...

    # --- documents ------------------------------------------------------------------------

    def get_document(self, ref: str) -> Document | None: ...

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

    def insert_document(self, document: Document) -> None: ...
    def update_document(self, document: Document, *, expected_revision: int) -> Document: ...
    def insert_version(self, version: DocumentVersion) -> None: ...

    def end_version(self, document_ref: str, *, version: int, until: dt.date) -> None:
        """Close an adopted version's period (``until`` is the first day not in force)."""
        ...

    def list_versions(self, document_ref: str) -> list[DocumentVersion]: ...

    def versions_in_force(self, on: dt.date) -> list[DocumentVersion]:
        """Each document's version in force on ``on``, sorted by document ref."""
        ...

    def lapsed_documents(self, today: dt.date) -> list[Document]:
        """Documents in force whose ``valid_until`` is before ``today``."""
        ...

    def insert_review(self, review: Review) -> Review:
        """Store and return it with its new ``id``."""
        ...

    def list_reviews(self, document_ref: str) -> list[Review]: ...

    # --- dispensations ---------------------------------------------------------------------

    def next_dispensation_ref(self, year: int) -> str:
        """``D-<year>-NNNN``, one more than the highest number that year (numerically)."""
        ...

    def insert_dispensation(self, dispensation: Dispensation) -> None: ...
    def get_dispensation(self, ref: str) -> Dispensation | None: ...

    def update_dispensation(
        self, dispensation: Dispensation, *, expected_revision: int
    ) -> Dispensation: ...

    def list_dispensations(
        self,
        *,
        status: str | None = None,
        document_ref: str | None = None,
        person: str | None = None,
    ) -> list[Dispensation]:
        """Sorted by ref; ``person`` matches requester, responsible or decider."""
        ...

    def dispensations_active_on(
        self, on: dt.date, document_ref: str | None = None
    ) -> list[Dispensation]: ...

    def open_dispensations_of(self, document_ref: str) -> list[Dispensation]:
        """Requested or approved dispensations from one document."""
        ...

    def renewals_of(self, ref: str) -> list[Dispensation]: ...

    def expired_dispensations(self, today: dt.date) -> list[Dispensation]:
        """Approved dispensations whose ``valid_until`` is before ``today``."""
        ...

    # --- questions ------------------------------------------------------------------------

    def insert_question(self, question: Question) -> Question: ...
    def get_question(self, question_id: int) -> Question | None: ...
    def update_question(self, question: Question) -> None: ...
    def list_questions(self, document_ref: str | None = None) -> list[Question]: ...

    # --- audit ----------------------------------------------------------------------------

    def append_audit(
        self,
        *,
        at: dt.datetime,
        actor: str,
        action: str,
        entity: str,
        before: Any,
        after: Any,
    ) -> AuditEvent:
        """Append one event to the hash chain (see :func:`styrdok.store.sql.audit_hash`)."""
        ...

    def iter_audit(self, entity: str | None = None) -> Iterator[AuditEvent]: ...

    # --- due and reminders ----------------------------------------------------------------

    def due(self, *, today: dt.date, until: dt.date) -> list[DueItem]:
        """Reviews and end dates up to ``until``, sorted by date, kind, ref."""
        ...

    def review_candidates(self, *, until: dt.date, own_offsets_until: dt.date) -> Sequence[Row]:
        """Rows with ref, title, owner, guardian, next_review_on, valid_until,
        reminder_offsets and contact (the adopting body's)."""
        ...

    def dispensation_candidates(self, *, until: dt.date, ended_since: dt.date) -> Sequence[Row]:
        """Rows with ref, scope, status, valid_until, ended_on, responsible, decided_by,
        evaluation."""
        ...

    def notice_send_dates(
        self, items: Sequence[str]
    ) -> dict[tuple[str, str, str, str], dt.date]: ...

    def insert_notices(self, rows: Sequence[Row]) -> int:
        """Add outbox rows; a row with an existing key is left untouched."""
        ...

    def claim_notices(self, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> Sequence[Row]:
        """Lease the pending rows no live worker holds; two workers never get the same."""
        ...

    def mark_sent(self, ids: Sequence[int], *, worker: str, at: dt.datetime) -> None: ...

    def mark_failed_attempt(
        self, ids: Sequence[int], *, worker: str, error: str, max_attempts: int
    ) -> None: ...

    def release_claims(self, *, worker: str) -> None: ...
    def notices(self) -> Sequence[Row]: ...

    # --- bulk export and import -----------------------------------------------------------

    def is_empty(self) -> bool: ...

    def iter_table(self, name: str, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        """Rows of one table (see :data:`styrdok.store.sql.TABLE_ORDER`) in key order."""
        ...

    def bulk_insert(self, name: str, rows: Iterable[Row], *, batch: int = 5_000) -> int: ...
    def existing_refs(self, name: str, refs: Sequence[str]) -> list[str]: ...
