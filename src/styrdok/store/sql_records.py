"""The SQL store's records role: people, bodies, documents, versions, reviews, dispensations
and questions (see :class:`styrdok.store.base.RecordStore`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from styrdok import fields
from styrdok.errors import Conflict, NotFound
from styrdok.model import (
    Body,
    Dispensation,
    DispStatus,
    Document,
    DocumentVersion,
    Person,
    Question,
    Review,
)
from styrdok.store import convert, tables
from styrdok.store.sql_base import (
    ID_RANGE,
    TABLE_ORDER,
    TABLES,
    SqlBase,
    dispensation_active_on,
    mentions,
    without_key,
)


class SqlRecords(SqlBase):
    """Registry records in SQL."""

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
        row = without_key(convert.person_to_row(person))
        self.conn.execute(p.update().where(p.c.ref == person.ref).values(**row))

    def replace_persons(self, persons: Sequence[Person]) -> None:
        if not persons:
            return
        p = tables.person
        names = [c for c in convert.person_to_row(persons[0]) if c != "ref"]
        statement = (
            p.update()
            .where(p.c.ref == sa.bindparam("key"))
            .values({name: sa.bindparam(name) for name in names})
        )
        self.conn.execute(
            statement,
            [{**without_key(convert.person_to_row(x)), "key": x.ref} for x in persons],
        )

    def replace_body(self, body: Body) -> None:
        b = tables.body
        row = without_key(convert.body_to_row(body))
        self.conn.execute(b.update().where(b.c.ref == body.ref).values(**row))

    def rewrite_records(self, rewrite: Callable[[Any], Any], needles: Sequence[str]) -> int:
        """Rewrite every row outside the audit log that mentions a needle.

        Rows are found in SQL (a substring match on text and JSON columns — JSON may hold
        non-ASCII text escaped, so both spellings are searched) and rewritten in Python, the
        primary key included: foreign keys are deferred to the commit."""
        rows = 0
        # API tokens are not exported (not in TABLE_ORDER) but name their person, and
        # their name may name them too ("Anna Linds skript"); the approver rows name them
        # as the documents' JSON does.
        for name in (*TABLE_ORDER, "api_token", "document_approver"):
            table = TABLES[name]
            key = list(table.primary_key.columns)
            for row in self.conn.execute(
                sa.select(table).where(mentions(table, needles))
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
        self._write_targets(document.ref, document.applies_to, fresh=True)
        self._write_approvers(document.ref, document.dispensation_rules.approvers, fresh=True)

    def update_document(self, document: Document, *, expected_revision: int) -> Document:
        """Store ``document`` if nobody changed it since ``expected_revision``."""
        stored = fields.evolve(document, revision=expected_revision + 1)
        result = self.conn.execute(
            tables.document.update()
            .where(
                tables.document.c.ref == document.ref,
                tables.document.c.revision == expected_revision,
            )
            .values(**without_key(convert.document_to_row(stored)))
        )
        if result.rowcount != 1:
            raise Conflict(
                f"{document.ref} was changed by someone else (you had revision "
                f"{expected_revision}); reload it and try again"
            )
        self._write_targets(document.ref, document.applies_to, fresh=False)
        self._write_approvers(document.ref, document.dispensation_rules.approvers, fresh=False)
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

    def replace_version(self, version: DocumentVersion) -> None:
        v = tables.document_version
        row = convert.version_to_row(version)
        result = self.conn.execute(
            v.update()
            .where(v.c.document_ref == version.document_ref, v.c.version == version.version)
            .values(
                in_force_from=row["in_force_from"],
                in_force_until=row["in_force_until"],
                annulled=row["annulled"],
            )
        )
        if result.rowcount != 1:
            raise NotFound(f"{version.document_ref} has no version {version.version}")

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
        return fields.evolve(review, id=int(key[0]))

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
        stored = fields.evolve(disp, revision=expected_revision + 1)
        d = tables.dispensation
        result = self.conn.execute(
            d.update()
            .where(d.c.ref == disp.ref, d.c.revision == expected_revision)
            .values(**without_key(convert.dispensation_to_row(stored)))
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
                dispensation_active_on(on),
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
        return fields.evolve(question, id=int(key[0]))

    def get_question(self, question_id: int) -> Question | None:
        if question_id not in ID_RANGE:
            return None
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

    def persons_by_ref(self, refs: Iterable[str]) -> dict[str, Person]:
        wanted = sorted(set(refs))
        found: dict[str, Person] = {}
        p = tables.person
        for start in range(0, len(wanted), 500):
            rows = self._rows(sa.select(p).where(p.c.ref.in_(wanted[start : start + 500])))
            found.update({r["ref"]: convert.person_from_row(r) for r in rows})
        return found
