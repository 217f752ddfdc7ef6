"""The SQL store: SQLite by default, any SQLAlchemy engine in principle.

Statements are SQLAlchemy Core, not ORM sessions: the registry works with immutable
domain objects, and the hot paths (due lists, bulk import, export) stay set-based.
Every method runs inside :meth:`SqlStore.transaction`; the registry opens one per use case
so a change and its audit event commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from styrdok.audit import time_text
from styrdok.errors import AlreadyExists, Conflict, RegistryUnavailable
from styrdok.model import (
    AuditEvent,
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
from styrdok.notify import NoticeKind
from styrdok.outbox import DispensationCandidate, Notice, NoticeState, ReviewCandidate
from styrdok.store import convert, tables
from styrdok.store.base import DatedRow
from styrdok.store.engine import make_engine, sqlite_path

#: PostgreSQL advisory-lock key that serialises styrdok's numbering writers ("styrdok").
WRITER_LOCK = 0x7374_7972_646F_6B

#: Tables in an order that satisfies foreign keys on insert (export/import use it too).
TABLE_ORDER: tuple[str, ...] = (
    "person",
    "body",
    "document",
    "document_version",
    "review",
    "dispensation",
    "question",
)
_TABLES: dict[str, sa.Table] = {
    "person": tables.person,
    "body": tables.body,
    "document": tables.document,
    "document_version": tables.document_version,
    "review": tables.review,
    "dispensation": tables.dispensation,
    "question": tables.question,
    "audit_event": tables.audit_event,
    "notice": tables.notice,
}


class SqlStore:
    """Persistence of the registry in a SQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._conn: sa.Connection | None = None

    def close(self) -> None:
        self.engine.dispose()

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool = True, exclusive: bool = True) -> Iterator[None]:
        """One unit of work; nested calls join the outer transaction.

        An exclusive write transaction runs alone, because it may number things (audit
        events, ``D-YYYY-NNNN``) from what it reads: SQLite takes its write lock up front
        (``BEGIN IMMEDIATE``), PostgreSQL a transaction-scoped advisory lock. The outbox
        delivery bookkeeping passes ``exclusive=False`` and relies on row locks instead.
        """
        if self._conn is not None:
            yield
            return
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(styrdok_write=write)
                with conn.begin():
                    if write and exclusive and conn.dialect.name == "postgresql":
                        conn.execute(
                            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK}
                        )
                    self._conn = conn
                    try:
                        yield
                    finally:
                        self._conn = None
        except OperationalError as exc:
            raise _unavailable(exc) from None

    @property
    def conn(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("store used outside a transaction")
        return self._conn

    def _rows(self, statement: sa.Executable) -> Sequence[sa.RowMapping]:
        return self.conn.execute(statement).mappings().all()

    def _one(self, statement: sa.Executable) -> sa.RowMapping | None:
        return self.conn.execute(statement).mappings().first()

    def _insert(self, table: sa.Table, row: Mapping[str, Any], what: str) -> Any:
        try:
            with self.conn.begin_nested():
                return self.conn.execute(table.insert().values(**row))
        except IntegrityError:
            raise AlreadyExists(f"{what} already exists") from None

    # --- schema --------------------------------------------------------------------------

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at, or ``None`` when not initialised."""
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            return None
        inspector = sa.inspect(self.conn)
        if not inspector.has_table("alembic_version"):
            return None
        return self.conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()

    # --- people and bodies ---------------------------------------------------------------

    def count_persons(self) -> int:
        return int(
            self.conn.execute(sa.select(sa.func.count()).select_from(tables.person)).scalar_one()
        )

    def get_person(self, ref: str) -> Person | None:
        row = self._one(sa.select(tables.person).where(tables.person.c.ref == ref))
        return convert.person_from_row(row) if row else None

    def list_persons(self) -> list[Person]:
        rows = self._rows(sa.select(tables.person).order_by(tables.person.c.ref))
        return [convert.person_from_row(r) for r in rows]

    def insert_person(self, person: Person) -> None:
        self._insert(tables.person, convert.person_to_row(person), f"person {person.ref}")

    def replace_person(self, person: Person) -> None:
        p = tables.person
        row = _without_key(convert.person_to_row(person))
        self.conn.execute(p.update().where(p.c.ref == person.ref).values(**row))

    def rewrite_records(self, rewrite: Callable[[Any], Any], needles: Sequence[str]) -> int:
        """Rewrite every row outside the audit log that mentions a needle.

        Rows are found in SQL (a substring match on text and JSON columns — JSON may hold
        non-ASCII text escaped, so both spellings are searched) and rewritten in Python, the
        primary key included: foreign keys are deferred to the commit."""
        rows = 0
        for name in TABLE_ORDER:
            table = _TABLES[name]
            key = list(table.primary_key.columns)
            for row in self.conn.execute(
                sa.select(table).where(_mentions(table, needles))
            ).mappings():
                changes = {
                    column: new
                    for column, old in row.items()
                    if (new := rewrite(old)) is not old and new != old
                }
                if changes:
                    rows += 1
                    self.conn.execute(
                        table.update()
                        .where(*(column == row[column.name] for column in key))
                        .values(**changes)
                    )
        return rows

    def get_body(self, ref: str) -> Body | None:
        row = self._one(sa.select(tables.body).where(tables.body.c.ref == ref))
        return convert.body_from_row(row) if row else None

    def list_bodies(self) -> list[Body]:
        rows = self._rows(sa.select(tables.body).order_by(tables.body.c.ref))
        return [convert.body_from_row(r) for r in rows]

    def insert_body(self, body: Body) -> None:
        self._insert(tables.body, convert.body_to_row(body), f"body {body.ref}")

    # --- documents -----------------------------------------------------------------------

    def get_document(self, ref: str) -> Document | None:
        row = self._one(sa.select(tables.document).where(tables.document.c.ref == ref))
        return convert.document_from_row(row) if row else None

    def list_documents(
        self,
        *,
        status: str | None = None,
        doc_type: str | None = None,
        adopted_by: str | None = None,
        person: str | None = None,
        parent: str | None = None,
    ) -> list[Document]:
        d = tables.document
        query = sa.select(d).order_by(d.c.ref)
        if status:
            query = query.where(d.c.status == status)
        if doc_type:
            query = query.where(d.c.doc_type == doc_type)
        if adopted_by:
            query = query.where(d.c.adopted_by == adopted_by)
        if person:
            query = query.where(sa.or_(d.c.owner == person, d.c.guardian == person))
        if parent:
            query = query.where(d.c.parent == parent)
        return [convert.document_from_row(r) for r in self._rows(query)]

    def insert_document(self, document: Document) -> None:
        self._insert(tables.document, convert.document_to_row(document), f"document {document.ref}")

    def update_document(self, document: Document, *, expected_revision: int) -> Document:
        """Store ``document`` if nobody changed it since ``expected_revision``."""
        stored = attrs.evolve(document, revision=expected_revision + 1)
        result = self.conn.execute(
            tables.document.update()
            .where(
                tables.document.c.ref == document.ref,
                tables.document.c.revision == expected_revision,
            )
            .values(**_without_key(convert.document_to_row(stored)))
        )
        if result.rowcount != 1:
            raise Conflict(
                f"{document.ref} was changed by someone else (you had revision "
                f"{expected_revision}); reload it and try again"
            )
        return stored

    def insert_version(self, version: DocumentVersion) -> None:
        self._insert(
            tables.document_version,
            convert.version_to_row(version),
            f"version {version.version} of {version.document_ref}",
        )

    def end_version(self, document_ref: str, *, version: int, until: dt.date) -> None:
        v = tables.document_version
        self.conn.execute(
            v.update()
            .where(v.c.document_ref == document_ref, v.c.version == version)
            .values(in_force_until=until)
        )

    def list_versions(self, document_ref: str) -> list[DocumentVersion]:
        v = tables.document_version
        rows = self._rows(
            sa.select(v).where(v.c.document_ref == document_ref).order_by(v.c.version)
        )
        return [convert.version_from_row(r) for r in rows]

    def versions_in_force(self, on: dt.date) -> list[DocumentVersion]:
        v = tables.document_version
        rows = self._rows(
            sa.select(v)
            .where(
                v.c.in_force_from <= on,
                sa.or_(v.c.in_force_until.is_(None), v.c.in_force_until > on),
            )
            .order_by(v.c.document_ref)
        )
        return [convert.version_from_row(r) for r in rows]

    # --- reviews -------------------------------------------------------------------------

    def insert_review(self, review: Review) -> Review:
        result = self.conn.execute(tables.review.insert().values(**convert.review_to_row(review)))
        key = result.inserted_primary_key
        assert key is not None
        return attrs.evolve(review, id=int(key[0]))

    def list_reviews(self, document_ref: str) -> list[Review]:
        r = tables.review
        rows = self._rows(
            sa.select(r).where(r.c.document_ref == document_ref).order_by(r.c.reviewed_on, r.c.id)
        )
        return [convert.review_from_row(row) for row in rows]

    # --- dispensations -------------------------------------------------------------------

    def next_dispensation_ref(self, year: int) -> str:
        prefix = f"D-{year}-"
        d = tables.dispensation
        # A numeric max: as text, D-2026-10000 would sort before D-2026-9999. On SQLite
        # a range on the primary key finds the year's refs from the index (its LIKE cannot);
        # elsewhere the collation may not order '-' and '.' bytewise, so LIKE it is.
        number = sa.cast(sa.func.substr(d.c.ref, len(prefix) + 1), sa.Integer)
        if self.conn.dialect.name == "sqlite":
            of_year = sa.and_(d.c.ref > prefix, d.c.ref < f"D-{year}.")
        else:
            of_year = d.c.ref.startswith(prefix, autoescape=True)
        last = self.conn.execute(sa.select(sa.func.max(number)).where(of_year)).scalar()
        return f"{prefix}{(last or 0) + 1:04d}"

    def insert_dispensation(self, disp: Dispensation) -> None:
        self._insert(
            tables.dispensation, convert.dispensation_to_row(disp), f"dispensation {disp.ref}"
        )

    def get_dispensation(self, ref: str) -> Dispensation | None:
        d = tables.dispensation
        row = self._one(sa.select(d).where(d.c.ref == ref))
        return convert.dispensation_from_row(row) if row else None

    def update_dispensation(self, disp: Dispensation, *, expected_revision: int) -> Dispensation:
        stored = attrs.evolve(disp, revision=expected_revision + 1)
        d = tables.dispensation
        result = self.conn.execute(
            d.update()
            .where(d.c.ref == disp.ref, d.c.revision == expected_revision)
            .values(**_without_key(convert.dispensation_to_row(stored)))
        )
        if result.rowcount != 1:
            raise Conflict(
                f"{disp.ref} was changed by someone else (you had revision "
                f"{expected_revision}); reload it and try again"
            )
        return stored

    def list_dispensations(
        self,
        *,
        status: str | None = None,
        document_ref: str | None = None,
        person: str | None = None,
        statuses: Iterable[DispStatus] | None = None,
    ) -> list[Dispensation]:
        d = tables.dispensation
        query = sa.select(d).order_by(d.c.ref)
        if status:
            query = query.where(d.c.status == status)
        if statuses is not None:
            query = query.where(d.c.status.in_(sorted(s.value for s in statuses)))
        if document_ref:
            query = query.where(d.c.document_ref == document_ref)
        if person:
            query = query.where(
                sa.or_(
                    d.c.responsible == person, d.c.requested_by == person, d.c.decided_by == person
                )
            )
        return [convert.dispensation_from_row(r) for r in self._rows(query)]

    def dispensations_in_effect(
        self, on: dt.date, *, statuses: Iterable[DispStatus], document_ref: str | None = None
    ) -> list[Dispensation]:
        d = tables.dispensation
        query = (
            sa.select(d)
            .where(
                d.c.status.in_(sorted(s.value for s in statuses)),
                d.c.valid_from <= on,
                d.c.valid_until >= on,
                sa.or_(d.c.ended_on.is_(None), d.c.ended_on > on),
            )
            .order_by(d.c.ref)
        )
        if document_ref:
            query = query.where(d.c.document_ref == document_ref)
        return [convert.dispensation_from_row(r) for r in self._rows(query)]

    def renewals_of(self, ref: str) -> list[Dispensation]:
        d = tables.dispensation
        rows = self._rows(sa.select(d).where(d.c.renewal_of == ref).order_by(d.c.ref))
        return [convert.dispensation_from_row(r) for r in rows]

    # --- questions -----------------------------------------------------------------------

    def insert_question(self, question: Question) -> Question:
        result = self.conn.execute(
            tables.question.insert().values(**convert.question_to_row(question))
        )
        key = result.inserted_primary_key
        assert key is not None
        return attrs.evolve(question, id=int(key[0]))

    def get_question(self, question_id: int) -> Question | None:
        q = tables.question
        row = self._one(sa.select(q).where(q.c.id == question_id))
        return convert.question_from_row(row) if row else None

    def update_question(self, question: Question) -> None:
        q = tables.question
        self.conn.execute(
            q.update().where(q.c.id == question.id).values(**convert.question_to_row(question))
        )

    def list_questions(self, document_ref: str | None = None) -> list[Question]:
        q = tables.question
        query = sa.select(q).order_by(q.c.id)
        if document_ref:
            query = query.where(q.c.document_ref == document_ref)
        return [convert.question_from_row(r) for r in self._rows(query)]

    # --- audit ---------------------------------------------------------------------------

    def audit_head(self) -> tuple[int, str] | None:
        a = tables.audit_event
        last = self._one(sa.select(a.c.seq, a.c.hash).order_by(a.c.seq.desc()).limit(1))
        return (last["seq"], last["hash"]) if last else None

    def insert_audit(self, event: AuditEvent) -> None:
        self.conn.execute(tables.audit_event.insert().values(**_audit_row(event)))

    def audit_hash_of(self, seq: int) -> str | None:
        a = tables.audit_event
        return self.conn.execute(sa.select(a.c.hash).where(a.c.seq == seq)).scalar()

    def audit_page(self, from_seq: int, limit: int) -> list[AuditEvent]:
        a = tables.audit_event
        query = sa.select(a).where(a.c.seq >= from_seq).order_by(a.c.seq).limit(limit)
        return [_audit_event(row) for row in self.conn.execute(query).mappings()]

    def first_audit_mentioning(self, needles: Sequence[str]) -> int | None:
        a = tables.audit_event
        found = self.conn.execute(sa.select(sa.func.min(a.c.seq)).where(_mentions(a, needles)))
        return found.scalar_one()  # type: ignore[no-any-return]

    def replace_audit(self, event: AuditEvent) -> None:
        a = tables.audit_event
        row = _audit_row(event)
        del row["seq"]
        self.conn.execute(a.update().where(a.c.seq == event.seq).values(**row))

    def iter_audit(self, entity: str | None = None) -> Iterator[AuditEvent]:
        a = tables.audit_event
        query = sa.select(a).order_by(a.c.seq)
        if entity:
            query = query.where(a.c.entity == entity)
        for row in self.conn.execute(query).mappings():
            yield _audit_event(row)

    # --- due and lapses (set-based: these run over the whole register) -------------------

    def dated_items(
        self, *, until: dt.date, document_status: DocStatus, dispensation_status: DispStatus
    ) -> list[DatedRow]:
        d, x = tables.document, tables.dispensation
        in_force = document_status.value
        reviews = sa.select(
            sa.literal(DueKind.REVIEW.value).label("kind"),
            d.c.ref,
            d.c.title.label("text"),
            d.c.next_review_on.label("due_on"),
            d.c.owner.label("person"),
            d.c.status,
        ).where(d.c.status == in_force, d.c.next_review_on <= until)
        doc_ends = sa.select(
            sa.literal(DueKind.DOCUMENT_EXPIRY.value).label("kind"),
            d.c.ref,
            d.c.title.label("text"),
            d.c.valid_until.label("due_on"),
            d.c.owner.label("person"),
            d.c.status,
        ).where(d.c.status == in_force, d.c.valid_until <= until)
        disp_ends = sa.select(
            sa.literal(DueKind.DISPENSATION_EXPIRY.value).label("kind"),
            x.c.ref,
            x.c.scope.label("text"),
            x.c.valid_until.label("due_on"),
            x.c.responsible.label("person"),
            x.c.status,
        ).where(x.c.status == dispensation_status.value, x.c.valid_until <= until)
        # Ordered as a compound select, not through a subquery SQLite would materialise.
        query = sa.union_all(reviews, doc_ends, disp_ends).order_by(
            sa.literal_column("due_on"), sa.literal_column("kind"), sa.literal_column("ref")
        )
        # This runs over the whole register: fetch in one call and parse dates with the C
        # ISO parser (a union's column loses its Date type on SQLite: dates arrive as text).
        from_iso = dt.date.fromisoformat
        return [
            DatedRow(kind, ref, text, from_iso(day) if type(day) is str else day, person, status)
            for kind, ref, text, day, person, status in self.conn.execute(query).fetchall()
        ]

    def documents_ending_before(self, day: dt.date, *, status: DocStatus) -> list[Document]:
        d = tables.document
        rows = self._rows(sa.select(d).where(d.c.status == status.value, d.c.valid_until < day))
        return [convert.document_from_row(r) for r in rows]

    def dispensations_ending_before(
        self, day: dt.date, *, status: DispStatus
    ) -> list[Dispensation]:
        x = tables.dispensation
        rows = self._rows(sa.select(x).where(x.c.status == status.value, x.c.valid_until < day))
        return [convert.dispensation_from_row(r) for r in rows]

    # --- reminders: candidates and the outbox ledger (set-based) -------------------------

    def review_candidates(
        self, *, until: dt.date, own_offsets_until: dt.date
    ) -> list[ReviewCandidate]:
        """Documents in force whose review or end date is within reach of a reminder:
        within the global horizon, or further ahead for documents with their own offsets."""
        d, b = tables.document, tables.body
        near = sa.or_(d.c.next_review_on <= until, d.c.valid_until <= until)
        further = sa.and_(
            d.c.reminder_offsets.is_not(None),
            sa.or_(d.c.next_review_on <= own_offsets_until, d.c.valid_until <= own_offsets_until),
        )
        query = (
            sa.select(
                d.c.ref,
                d.c.title,
                d.c.owner,
                d.c.guardian,
                d.c.next_review_on,
                d.c.valid_until,
                d.c.reminder_offsets,
                b.c.contact,
            )
            .select_from(d.outerjoin(b, b.c.ref == d.c.adopted_by))
            .where(d.c.status == DocStatus.IN_FORCE.value, sa.or_(near, further))
        )
        return [
            ReviewCandidate(**{**row, "reminder_offsets": _offsets(row["reminder_offsets"])})
            for row in self._rows(query)
        ]

    def dispensation_candidates(
        self, *, until: dt.date, ended_since: dt.date
    ) -> list[DispensationCandidate]:
        """Approved dispensations ending by ``until``, and expired ones since
        ``ended_since`` that still lack an evaluation."""
        x = tables.dispensation
        query = sa.select(
            x.c.ref,
            x.c.scope,
            x.c.status,
            x.c.valid_until,
            x.c.ended_on,
            x.c.responsible,
            x.c.decided_by,
            x.c.evaluation,
        ).where(
            sa.or_(
                sa.and_(x.c.status == DispStatus.APPROVED.value, x.c.valid_until <= until),
                # Whether it was evaluated is left to the caller: the JSON column holds
                # JSON null, which SQL's IS NULL does not see.
                sa.and_(x.c.status == DispStatus.EXPIRED.value, x.c.ended_on >= ended_since),
            )
        )
        return [
            DispensationCandidate(
                ref=row["ref"],
                title=scope_title(row["scope"]),
                status=row["status"],
                valid_until=row["valid_until"],
                ended_on=row["ended_on"],
                responsible=row["responsible"],
                decided_by=row["decided_by"],
                evaluated=row["evaluation"] is not None,
            )
            for row in self._rows(query)
        ]

    def persons_by_ref(self, refs: Iterable[str]) -> dict[str, Person]:
        wanted = sorted(set(refs))
        found: dict[str, Person] = {}
        p = tables.person
        for start in range(0, len(wanted), 500):
            rows = self._rows(sa.select(p).where(p.c.ref.in_(wanted[start : start + 500])))
            found.update({r["ref"]: convert.person_from_row(r) for r in rows})
        return found

    def notice_send_dates(self, items: Sequence[str]) -> dict[tuple[str, str, str, str], dt.date]:
        """For each (item, cycle due date, recipient, channel): the latest send date
        already in the ledger. A new notice is only planned past it."""
        n = tables.notice
        latest: dict[tuple[str, str, str, str], dt.date] = {}
        for start in range(0, len(items), 500):
            rows = self.conn.execute(
                sa.select(
                    n.c.item, n.c.due_on, n.c.recipient, n.c.channel, sa.func.max(n.c.send_on)
                )
                .where(n.c.item.in_(items[start : start + 500]))
                .group_by(n.c.item, n.c.due_on, n.c.recipient, n.c.channel)
            )
            date_of = sa.Date().result_processor(self.conn.dialect, None)
            for item, due_on, recipient, channel, send_on in rows:
                if date_of is not None and isinstance(send_on, str):
                    send_on = date_of(send_on)
                latest[(item, str(due_on), recipient, channel)] = send_on
        return latest

    def insert_notices(self, notices: Sequence[Notice]) -> int:
        """Add ledger rows; a row another worker recorded meanwhile is left as it is."""
        if not notices:
            return 0
        rows = [_notice_row(notice) for notice in notices]
        if self.conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        statement = insert(tables.notice).on_conflict_do_nothing(
            index_elements=["item", "kind", "threshold", "recipient", "channel"]
        )
        for start in range(0, len(rows), 5_000):
            self.conn.execute(statement, list(rows[start : start + 5_000]))
        return len(rows)

    def claim_notices(self, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> list[Notice]:
        """Lease every pending notice no other live worker holds, and return them.

        One UPDATE claims the rows, so concurrent workers split the work and a notice is
        never handed to two of them; a crashed worker's lease simply runs out.
        """
        n = tables.notice
        now_text = now.astimezone(dt.UTC).isoformat()
        claimable = sa.and_(
            n.c.state == "pending",
            sa.or_(n.c.claimed_until.is_(None), n.c.claimed_until < now_text),
        )
        if self.conn.dialect.name == "postgresql":
            # Rows another worker is claiming right now are skipped, not waited for.
            claimable = n.c.id.in_(
                sa.select(n.c.id).where(claimable).with_for_update(skip_locked=True)
            )
        self.conn.execute(
            n.update()
            .where(claimable)
            .values(claimed_by=worker, claimed_until=(now + lease).astimezone(dt.UTC).isoformat())
        )
        rows = self._rows(
            sa.select(n)
            .where(n.c.state == "pending", n.c.claimed_by == worker)
            .order_by(n.c.channel, n.c.recipient, n.c.due_on, n.c.id)
        )
        return [_notice(row) for row in rows]

    def mark_sent(self, ids: Sequence[int], *, worker: str, at: dt.datetime) -> None:
        n = tables.notice
        self.conn.execute(
            n.update()
            .where(n.c.id.in_(ids), n.c.claimed_by == worker)
            .values(
                state="sent",
                sent_at=at.astimezone(dt.UTC).isoformat(),
                attempts=n.c.attempts + 1,
                last_error="",
                claimed_by=None,
                claimed_until=None,
            )
        )

    def mark_failed_attempt(
        self, ids: Sequence[int], *, worker: str, error: str, max_attempts: int
    ) -> None:
        """Keep the notices pending with the error, or give up after ``max_attempts``."""
        n = tables.notice
        self.conn.execute(
            n.update()
            .where(n.c.id.in_(ids), n.c.claimed_by == worker)
            .values(
                attempts=n.c.attempts + 1,
                last_error=error[:2000],
                claimed_by=None,
                claimed_until=None,
                state=sa.case((n.c.attempts + 1 >= max_attempts, "failed"), else_="pending"),
            )
        )

    def release_claims(self, *, worker: str) -> None:
        n = tables.notice
        self.conn.execute(
            n.update()
            .where(n.c.claimed_by == worker, n.c.state == "pending")
            .values(claimed_by=None, claimed_until=None)
        )

    def notices(self) -> list[Notice]:
        n = tables.notice
        return [_notice(row) for row in self._rows(sa.select(n).order_by(n.c.id))]

    # --- bulk export / import ------------------------------------------------------------

    def is_empty(self) -> bool:
        for name in TABLE_ORDER:
            if self.conn.execute(sa.select(_TABLES[name]).limit(1)).first() is not None:
                return False
        return True

    def iter_table(self, name: str, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        """Stream a table's rows in primary-key order, ``batch`` rows at a time."""
        table = _TABLES[name]
        result = self.conn.execution_options(stream_results=True, yield_per=batch).execute(
            sa.select(table).order_by(*table.primary_key.columns)
        )
        for row in result.mappings():
            yield dict(row)

    def bulk_insert(
        self, name: str, rows: Iterable[Mapping[str, Any]], *, batch: int = 5_000
    ) -> int:
        """``executemany`` in batches; returns the number of rows written."""
        table = _TABLES[name]
        insert = self._driver_insert(table) if self.conn.dialect.name == "sqlite" else None
        count, chunk = 0, []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                self._insert_chunk(table, chunk, insert)
                count, chunk = count + len(chunk), []
        if chunk:
            self._insert_chunk(table, chunk, insert)
            count += len(chunk)
        if count and self.conn.dialect.name == "postgresql" and "id" in table.c:
            # Rows came with their own ids (a restore): move the id sequence past them.
            self.conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"GREATEST((SELECT max(id) FROM {table.name}), 1))"
                )
            )
        return count

    def _driver_insert(self, table: sa.Table) -> dict[str, Any]:
        """Each column's bind processor as SQLAlchemy would apply it, for the driver's own
        ``executemany``: the values stored are the same, without SQLAlchemy's per-row
        bookkeeping, which costs more than SQLite's insert itself on a bulk import."""
        return {
            column.name: column.type.bind_processor(self.conn.dialect) for column in table.columns
        }

    def _insert_chunk(
        self, table: sa.Table, chunk: list[Mapping[str, Any]], processors: dict[str, Any] | None
    ) -> None:
        if processors is None:
            self.conn.execute(table.insert(), chunk)
            return
        # The columns these rows carry (an autoincrement id may be left out).
        names = [name for name in processors if name in chunk[0]]
        convert = [(i, processors[name]) for i, name in enumerate(names) if processors[name]]
        sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        )
        pick = operator.itemgetter(*names)
        values = []
        for row in chunk:
            value = list(pick(row))
            for i, process in convert:
                value[i] = process(value[i])
            values.append(tuple(value))
        self.conn.exec_driver_sql(sql, values)

    def existing_refs(self, name: str, refs: Sequence[str]) -> list[str]:
        table = _TABLES[name]
        found: list[str] = []
        for start in range(0, len(refs), 500):
            part = refs[start : start + 500]
            found.extend(
                self.conn.execute(sa.select(table.c.ref).where(table.c.ref.in_(part))).scalars()
            )
        return found


def _audit_row(event: AuditEvent) -> dict[str, Any]:
    row = attrs.asdict(event, recurse=False)
    row["at"] = time_text(event.at)
    return row


def _audit_event(row: Mapping[Any, Any]) -> AuditEvent:
    return AuditEvent(**{**row, "at": dt.datetime.fromisoformat(row["at"])})


def _notice_row(notice: Notice) -> dict[str, Any]:
    row = attrs.asdict(notice, recurse=False)
    row["kind"], row["state"] = notice.kind.value, notice.state.value
    if row["id"] is None:
        del row["id"]
    return row


def _notice(row: Mapping[Any, Any]) -> Notice:
    return Notice(**{**row, "kind": NoticeKind(row["kind"]), "state": NoticeState(row["state"])})


def _offsets(value: Any) -> tuple[int, ...] | None:
    return tuple(value) if value else None


def _without_key(row: dict[str, Any]) -> dict[str, Any]:
    """A row for UPDATE without its primary key. Setting ``ref`` (even to itself) makes
    SQLite check every table that refers to it for orphans — a full scan where the
    referring column has no index, on every update."""
    row.pop("ref", None)
    return row


def _is_text(kind: sa.types.TypeEngine[Any]) -> bool:
    # SQLModel's str columns are a TypeDecorator (AutoString) over String, not String.
    return isinstance(kind, sa.String) or isinstance(getattr(kind, "impl", None), sa.String)


def _mentions(table: sa.Table, needles: Sequence[str]) -> sa.ColumnElement[bool]:
    """Rows where any text or JSON column contains any needle (a superset: the exact
    rewrite decides)."""
    tests = []
    for column in table.columns:
        if isinstance(column.type, sa.JSON):
            text: sa.ColumnElement[Any] = sa.cast(column, sa.Text)
            spellings = {s for n in needles for s in (n, json.dumps(n)[1:-1])}
        elif _is_text(column.type):
            text, spellings = column, set(needles)
        else:
            continue
        tests += [text.icontains(s, autoescape=True) for s in sorted(spellings)]
    return sa.or_(sa.false(), *tests)


def _unavailable(exc: OperationalError) -> RegistryUnavailable:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in message or "busy" in message:
        return RegistryUnavailable(
            "the database is locked by another styrdok process; try again in a moment"
        )
    return RegistryUnavailable(f"database error: {message.splitlines()[0]}")
