"""A git-friendly storage backend for styrdok: the register as YAML files in a folder.

Layout (``yaml:///srv/register`` or ``yaml://register`` for a relative folder)::

    register/
      styrdok.yaml                 format, schema revision, a change counter
      people.yaml  units.yaml  bodies.yaml  questions.yaml
      documents/POL-IS-01.yaml     the document, its adopted versions, its reviews, and
                                   what each attached file is (its bytes are in the file
                                   storage: ``[files]`` in styrdok.toml)
      dispensations/D-2026-0001.yaml
      acknowledgements.jsonl       who confirmed reading which version, one per line
      tokens.yaml                  personal API tokens, each with its secret's SHA-256
      secrets.yaml                 the key confirmation links are signed with (owner-only;
                                   keep it out of a repository others read)
      preferences.yaml             the kinds of notice each person opted out of
      audit.jsonl                  the hash-chained audit log, one JSON event per line
      outbox.yaml                  the reminder ledger

One file per document and per dispensation keeps diffs small: a change to a guideline
touches that guideline's file (and the audit log). Meant for a small municipality that
wants to review its register like code; larger registers belong on SQLite or PostgreSQL.

Consistency: a write transaction holds an exclusive lock on the folder (``fcntl.flock``),
changes are kept in memory and written when it commits — each file atomically (write a
temporary file, then rename). A crash in the middle of a commit can leave some files of
that one commit unwritten; the audit log is written last, so ``styrdok audit verify`` and
``git diff`` show exactly what the interrupted change touched.

This module answers the :class:`~styrdok.store.base.Store` contract from the register in
memory; :mod:`styrdok_yamlstore.folder` reads and writes the files. It keeps, filters and
sorts: the audit chain, titles, what is due and which statuses count are the core's.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import attrs

from styrdok import fields, search
from styrdok.errors import AlreadyExists, Conflict, NotFound, RuleViolation
from styrdok.exchange import SECTIONS
from styrdok.model import (
    Body,
    Dispensation,
    DispStatus,
    DocStatus,
    Document,
    DocumentVersion,
    DueKind,
    Person,
    Question,
    Review,
    scope_title,
)
from styrdok.outbox import DispensationCandidate, ReviewCandidate
from styrdok.search import SearchHit
from styrdok.store import convert
from styrdok.store.base import WRITE_IN_READ, DatedRow, Row
from styrdok_yamlstore.attachments import Attachments
from styrdok_yamlstore.browse import Browse
from styrdok_yamlstore.folder import FORMAT, Folder, State, in_order, number, review_order
from styrdok_yamlstore.ledger import Ledger
from styrdok_yamlstore.organisation import Organisation
from styrdok_yamlstore.preferences import Preferences
from styrdok_yamlstore.register_secrets import Secrets
from styrdok_yamlstore.steps import Steps
from styrdok_yamlstore.tokens import Tokens

#: The records kept under optimistic locking.
R = TypeVar("R", Document, Dispensation)


class _Rows(NamedTuple):
    from_row: Callable[[Any], Any]
    to_row: Callable[[Any], dict[str, Any]]


#: Each table's row converters, as export and import use them: the exported sections',
#: and the organisation's, which the SQL store's TABLE_ORDER names too.
_ROWS: dict[str, _Rows] = {
    "unit": _Rows(convert.unit_from_row, convert.unit_to_row),
    "acknowledgement": _Rows(convert.acknowledgement_from_row, convert.acknowledgement_to_row),
} | {section.table: _Rows(section.from_row, section.to_row) for section in SECTIONS}


def _update(table: dict[str, R], record: R, expected_revision: int) -> R:
    """Optimistic locking: store ``record`` only over ``expected_revision``."""
    current = table.get(record.ref)
    if current is None or current.revision != expected_revision:
        raise Conflict(
            f"{record.ref} was changed by someone else (you had revision "
            f"{expected_revision}); reload it and try again"
        )
    table[record.ref] = stored = fields.evolve(record, revision=expected_revision + 1)
    return stored


def _fits(record: Any, **wanted: Any) -> bool:
    """Whether the record has every criterion given (an empty one is not given)."""
    return all(not value or getattr(record, name) == value for name, value in wanted.items())


def _decider(dispensation: Dispensation) -> str | None:
    return dispensation.decision.by if dispensation.decision else None


class YamlStore(Attachments, Ledger, Browse, Organisation, Steps, Tokens, Secrets, Preferences):
    """The styrdok :class:`~styrdok.store.base.Store` over a folder of YAML files."""

    def __init__(self, url: str) -> None:
        self.url = url
        # yaml:///srv/register is absolute, yaml://register relative to the working folder
        self.folder = Path(url.split("://", 1)[1] or ".")
        self._files = Folder(self.folder)
        self._state = State()
        self._generation: int | None = None
        """The folder's change counter when last read or written (``None``: read it)."""
        self._open = False
        self._open_for_write = False

    # --- lifecycle -----------------------------------------------------------------------

    def initialise(self) -> None:
        """Create the folder layout (``styrdok init``)."""
        self._files.initialise()

    @contextmanager
    def transaction(self, *, write: bool = True, exclusive: bool = True) -> Iterator[None]:
        """One unit of work; nested calls join the outer one. Every write holds the
        folder's exclusive lock (so ``exclusive`` changes nothing), works on a copy of the
        register in memory and writes the files it changed when it commits. A write cannot
        join a read (:data:`styrdok.store.base.WRITE_IN_READ`): the read would drop it."""
        if self._open:
            if write and not self._open_for_write:
                raise RuntimeError(WRITE_IN_READ)
            yield
            return
        with self._files.locked(write=write):
            generation = self._files.marker().get("generation")
            if generation is None or generation != self._generation:
                self._state, self._generation = self._files.load(), generation
            before, self._state, self._open = self._state, self._state.copy(), True
            self._open_for_write = write
            saving = False
            try:
                yield
                if not write:
                    self._state = before  # a read changes nothing, even by mistake
                else:
                    saving = True
                    if (saved := self._files.save(before, self._state)) is not None:
                        self._generation = saved
            except BaseException:
                self._state = before
                # A save may have stopped half-way: read the folder again. A refusal before
                # the save wrote nothing, so the folder is still what ``before`` holds.
                if saving:
                    self._generation = None
                raise
            finally:
                self._open = False

    def schema_revision(self) -> str | None:
        marker = self._files.marker()
        return marker.get("schema") if marker.get("format") == FORMAT else None

    def close(self) -> None:
        """Nothing to release: the lock is held only during a transaction."""

    # --- people and bodies ---------------------------------------------------------------

    def count_persons(self) -> int:
        return len(self._state.person)

    def get_person(self, ref: str) -> Person | None:
        return self._state.person.get(ref)

    def list_persons(self) -> list[Person]:
        return in_order(self._state.person)

    def persons_by_ref(self, refs: Iterable[str]) -> dict[str, Person]:
        return {ref: self._state.person[ref] for ref in set(refs) if ref in self._state.person}

    def insert_person(self, person: Person) -> None:
        self._state.add("person", person)

    def replace_person(self, person: Person) -> None:
        self._state.person[person.ref] = person

    def replace_persons(self, persons: Sequence[Person]) -> None:
        self._state.person.update((person.ref, person) for person in persons)

    def rewrite_records(self, rewrite: Callable[[Any], Any], needles: Sequence[str]) -> int:
        """Refused: rewriting the files would leave the person in every earlier git commit
        of the folder, and pretending to anonymise would be worse than refusing."""
        raise RuleViolation(
            "the YAML store cannot anonymise: the person stays in the folder's git history. "
            "Export the register, import it into SQLite or PostgreSQL, and anonymise there"
        )

    def get_body(self, ref: str) -> Body | None:
        return self._state.body.get(ref)

    def list_bodies(self) -> list[Body]:
        return in_order(self._state.body)

    def insert_body(self, body: Body) -> None:
        self._state.add("body", body)

    def replace_body(self, body: Body) -> None:
        self._state.body[body.ref] = body

    # --- documents, versions, reviews ----------------------------------------------------

    def get_document(self, ref: str) -> Document | None:
        return self._state.document.get(ref)

    def list_documents(
        self,
        *,
        status: str | None = None,
        doc_type: str | None = None,
        adopted_by: str | None = None,
        person: str | None = None,
        parent: str | None = None,
    ) -> list[Document]:
        return [
            d
            for d in in_order(self._state.document)
            if _fits(d, status=status, doc_type=doc_type, adopted_by=adopted_by, parent=parent)
            and (not person or person in (d.owner, d.guardian))
        ]

    def insert_document(self, document: Document) -> None:
        self._state.add("document", document)

    def update_document(self, document: Document, *, expected_revision: int) -> Document:
        return _update(self._state.document, document, expected_revision)

    def insert_version(self, version: DocumentVersion) -> None:
        key, versions = (version.document_ref, version.version), self._state.document_version
        if key in versions:
            raise AlreadyExists(
                f"version {version.version} of {version.document_ref} already exists"
            )
        versions[key] = version

    def end_version(self, document_ref: str, *, version: int, until: dt.date) -> None:
        versions = self._state.document_version
        if (key := (document_ref, version)) in versions:
            versions[key] = fields.evolve(versions[key], in_force_until=until)

    def replace_version(self, version: DocumentVersion) -> None:
        versions = self._state.document_version
        if (key := (version.document_ref, version.version)) not in versions:
            raise NotFound(f"{version.document_ref} has no version {version.version}")
        versions[key] = fields.evolve(
            versions[key],
            in_force_from=version.in_force_from,
            in_force_until=version.in_force_until,
            annulled=version.annulled,
        )

    def list_versions(self, document_ref: str) -> list[DocumentVersion]:
        return [v for v in in_order(self._state.document_version) if v.document_ref == document_ref]

    def versions_in_force(self, on: dt.date) -> list[DocumentVersion]:
        return [
            v
            for v in in_order(self._state.document_version)
            if v.in_force_from <= on and (v.in_force_until is None or v.in_force_until > on)
        ]

    def documents_ending_before(self, day: dt.date, *, status: DocStatus) -> list[Document]:
        """Sorted by ref."""
        return [
            d for d in self.list_documents(status=status) if d.valid_until and d.valid_until < day
        ]

    def search_documents(
        self,
        query: str,
        *,
        statuses: Collection[DocStatus] | None,
        limit: int,
        effective_on: dt.date | None = None,
    ) -> list[SearchHit]:
        """Every document read in memory (a folder register is small): see
        :func:`styrdok.search.rank_in_memory`."""
        return search.rank_in_memory(
            (
                (
                    d.ref,
                    d.title,
                    d.doc_type,
                    d.status,
                    # The files' text after the document's own, as the SQL index has it.
                    "\n".join(
                        [
                            search.searchable_body(
                                d.purpose, d.text, ((f.question, f.answer) for f in d.faq)
                            ),
                            *self.attachment_texts(d.ref),
                        ]
                    ),
                )
                for d in in_order(self._state.document)
                if effective_on is None or not d.upcoming_on(effective_on)
            ),
            query,
            statuses=statuses,
            limit=limit,
        )

    def insert_review(self, review: Review) -> Review:
        return number(self._state.review, attrs.evolve(review, id=None))

    def list_reviews(self, document_ref: str) -> list[Review]:
        reviews = (r for r in self._state.review.values() if r.document_ref == document_ref)
        return sorted(reviews, key=review_order)

    # --- dispensations -------------------------------------------------------------------

    def next_dispensation_ref(self, year: int) -> str:
        prefix = f"D-{year}-"
        numbers = [
            int(number)
            for ref in self._state.dispensation
            if ref.startswith(prefix) and (number := ref[len(prefix) :]).isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1:04d}"

    def insert_dispensation(self, dispensation: Dispensation) -> None:
        self._state.add("dispensation", dispensation)

    def get_dispensation(self, ref: str) -> Dispensation | None:
        return self._state.dispensation.get(ref)

    def update_dispensation(
        self, dispensation: Dispensation, *, expected_revision: int
    ) -> Dispensation:
        return _update(self._state.dispensation, dispensation, expected_revision)

    def list_dispensations(
        self,
        *,
        status: str | None = None,
        document_ref: str | None = None,
        person: str | None = None,
        statuses: Iterable[DispStatus] | None = None,
    ) -> list[Dispensation]:
        kept = None if statuses is None else set(statuses)
        return [
            x
            for x in in_order(self._state.dispensation)
            if _fits(x, status=status, document_ref=document_ref)
            and (kept is None or x.status in kept)
            and (not person or person in (x.responsible, x.requested_by, _decider(x)))
        ]

    def dispensations_in_effect(
        self, on: dt.date, *, statuses: Iterable[DispStatus], document_ref: str | None = None
    ) -> list[Dispensation]:
        return [
            x
            for x in self.list_dispensations(document_ref=document_ref, statuses=statuses)
            if x.valid_from <= on <= x.valid_until and (x.ended_on is None or x.ended_on > on)
        ]

    def renewals_of(self, ref: str) -> list[Dispensation]:
        return [x for x in in_order(self._state.dispensation) if x.renewal_of == ref]

    def dispensations_ending_before(
        self, day: dt.date, *, status: DispStatus
    ) -> list[Dispensation]:
        """Sorted by ref."""
        return [x for x in self.list_dispensations(status=status) if x.valid_until < day]

    # --- questions -----------------------------------------------------------------------

    def insert_question(self, question: Question) -> Question:
        return number(self._state.question, attrs.evolve(question, id=None))

    def get_question(self, question_id: int) -> Question | None:
        return self._state.question.get(question_id)

    def update_question(self, question: Question) -> None:
        assert question.id is not None, "only a stored question is updated"
        self._state.question[question.id] = question

    def list_questions(self, document_ref: str | None = None) -> list[Question]:
        return [q for q in in_order(self._state.question) if _fits(q, document_ref=document_ref)]

    # --- what falls due ------------------------------------------------------------------

    def dated_items(
        self, *, until: dt.date, document_status: DocStatus, dispensation_status: DispStatus
    ) -> list[DatedRow]:
        rows = [
            DatedRow(kind.value, d.ref, d.title, when, d.owner, d.status.value)
            for d in self.list_documents(status=document_status)
            for kind, when in (
                (DueKind.REVIEW, d.next_review_on),
                (DueKind.DOCUMENT_EXPIRY, d.valid_until),
            )
            if when is not None and when <= until
        ]
        ends = DueKind.DISPENSATION_EXPIRY.value
        rows += [
            DatedRow(ends, x.ref, x.scope, x.valid_until, x.responsible, x.status.value)
            for x in self.list_dispensations(status=dispensation_status)
            if x.valid_until <= until
        ]
        return sorted(rows, key=lambda r: (r.due_on, r.kind, r.ref))

    def review_candidates(
        self, *, until: dt.date, own_offsets_until: dt.date
    ) -> list[ReviewCandidate]:
        found = []
        for d in self.list_documents(status=DocStatus.IN_FORCE):
            reach = max(until, own_offsets_until) if d.reminder_offsets else until
            if any(day and day <= reach for day in (d.next_review_on, d.valid_until)):
                body = self._state.body.get(d.adopted_by or "")
                found.append(
                    ReviewCandidate(
                        ref=d.ref,
                        title=d.title,
                        owner=d.owner,
                        guardian=d.guardian,
                        next_review_on=d.next_review_on,
                        valid_until=d.valid_until,
                        reminder_offsets=d.reminder_offsets or None,
                        contact=body.contact if body else None,
                    )
                )
        return found

    def dispensation_candidates(
        self, *, until: dt.date, ended_since: dt.date
    ) -> list[DispensationCandidate]:
        return [
            DispensationCandidate(
                ref=x.ref,
                title=scope_title(x.scope),
                status=x.status.value,
                valid_until=x.valid_until,
                ended_on=x.ended_on,
                responsible=x.responsible,
                decided_by=_decider(x),
                evaluated=x.evaluation is not None,
            )
            for x in in_order(self._state.dispensation)
            if (x.status is DispStatus.APPROVED and x.valid_until <= until)
            or (x.status is DispStatus.EXPIRED and x.ended_on and x.ended_on >= ended_since)
        ]

    # --- bulk export and import (tables by their schema names) ---------------------------

    def is_empty(self) -> bool:
        return not any(getattr(self._state, name) for name in _ROWS)

    def iter_table(self, name: str, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        # An attachment's text is kept beside it, as the SQL store keeps it in its row.
        records: Iterable[Any] = (
            self.attachment_records()
            if name == "attachment"
            else in_order(getattr(self._state, name))
        )
        yield from map(_ROWS[name].to_row, records)

    def bulk_insert(self, name: str, rows: Iterable[Row], *, batch: int = 5_000) -> int:
        """Reviews and questions keep their numbers where they are free."""
        adders: dict[str, Callable[[Any], object]] = {
            "person": self.insert_person,
            "unit": self.insert_unit,
            "body": self.insert_body,
            "document": self.insert_document,
            "document_version": self.insert_version,
            "review": functools.partial(number, self._state.review),
            "dispensation": self.insert_dispensation,
            "question": functools.partial(number, self._state.question),
            "attachment": self.restore_attachment,
            "acknowledgement": self.insert_acknowledgement,
        }
        add, count = adders[name], 0
        for row in rows:
            # Rows merged into a register in use come without their number.
            add(_ROWS[name].from_row({"id": None, **row}))
            count += 1
        return count

    def existing_refs(self, name: str, refs: Sequence[str]) -> list[str]:
        """The stored refs equal to one of ``refs`` regardless of case (see
        :meth:`~styrdok_yamlstore.folder.State.add`)."""
        folded = self._state.folded(name)
        return list(dict.fromkeys(folded[f] for ref in refs if (f := ref.lower()) in folded))
