"""The SQL store's pages of the register: a filtered count and one page, set-based, for
lists that must not read the whole register (see :class:`styrdok.store.base.BrowseStore`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

import sqlalchemy as sa

from styrdok.model import Dispensation, DispStatus, DocStatus, Document, Question
from styrdok.store import convert, tables
from styrdok.store.base import DatedRow, DispensationFilter, DocumentFilter, QuestionFilter
from styrdok.store.sql_base import SqlBase
from styrdok.store.sql_due import dated_union


def _conditions(where: DocumentFilter) -> list[sa.ColumnElement[bool]]:
    """``where`` as SQL conditions on the ``document`` table."""
    d, p = tables.document, tables.person
    found: list[sa.ColumnElement[bool]] = []
    if where.statuses is not None:
        found.append(d.c.status.in_(sorted(s.value for s in where.statuses)))
        if where.effective_on is not None and DocStatus.IN_FORCE in where.statuses:
            found.append(
                sa.or_(
                    d.c.status != DocStatus.IN_FORCE.value,
                    d.c.in_force_from.is_(None),
                    d.c.in_force_from <= where.effective_on,
                )
            )
    if where.doc_type is not None:
        found.append(d.c.doc_type == where.doc_type)
    if where.adopted_by is not None:
        found.append(d.c.adopted_by == where.adopted_by)
    if where.owner_unit is not None:
        found.append(d.c.owner.in_(sa.select(p.c.ref).where(p.c.unit == where.owner_unit)))
    if where.review_before is not None:
        found.append(d.c.next_review_on < where.review_before)
    if where.hidden is not None:
        managed = (
            sa.or_(d.c.owner == where.shown_to, d.c.guardian == where.shown_to)
            if where.shown_to is not None
            else sa.false()
        )
        found.append(sa.or_(d.c.status != where.hidden.value, managed))
    if where.refs is not None:
        found.append(d.c.ref.in_(sorted(where.refs)))
    if where.ref_part is not None:
        found.append(d.c.ref.icontains(where.ref_part, autoescape=True))
    if where.not_refs:
        found.append(d.c.ref.not_in(sorted(where.not_refs)))
    return found


def _dispensation_conditions(where: DispensationFilter) -> list[sa.ColumnElement[bool]]:
    """``where`` as SQL conditions on the ``dispensation`` table."""
    x, d = tables.dispensation, tables.document
    found: list[sa.ColumnElement[bool]] = []
    if where.statuses is not None:
        found.append(x.c.status.in_(sorted(s.value for s in where.statuses)))
    if where.document_ref is not None:
        found.append(x.c.document_ref == where.document_ref)
    if where.party is not None:
        found.append(sa.or_(x.c.requested_by == where.party, x.c.responsible == where.party))
    if where.not_party is not None:
        found += [x.c.requested_by != where.not_party, x.c.responsible != where.not_party]
    if where.approver is not None:
        # The person's documents once — those they guard (ix_document_guardian) and those
        # whose rules name them (document_approver, ix_document_approver_person) — then
        # either their dispensations (ix_dispensation_document_ref) or those of a status
        # (ix_dispensation_status_valid_until) checked against that set.
        a = tables.document_approver
        found.append(
            x.c.document_ref.in_(
                sa.union(
                    sa.select(d.c.ref).where(d.c.guardian == where.approver),
                    sa.select(a.c.document_ref).where(a.c.person == where.approver),
                )
            )
        )
    return found


def _question_conditions(where: QuestionFilter, dialect: str) -> list[sa.ColumnElement[bool]]:
    """``where`` as SQL conditions on the ``question`` table."""
    q, d = tables.question, tables.document
    found: list[sa.ColumnElement[bool]] = []
    if where.document_ref is not None:
        found.append(q.c.document_ref == where.document_ref)
    if where.asked_by is not None:
        found.append(q.c.asked_by == where.asked_by)
    if where.unanswered:
        found.append(q.c.answer.is_(None))
    if where.answerer is not None:
        # The documents a person answers for, from the owner and guardian indexes.
        found.append(
            q.c.document_ref.in_(
                sa.select(d.c.ref).where(
                    sa.or_(d.c.guardian == where.answerer, d.c.owner == where.answerer)
                )
            )
        )
    if where.hidden is not None:
        # Not on a hidden document the reader does not manage (a guardian may be NULL,
        # which must not show a draft).
        hidden = [d.c.status == where.hidden.value]
        if where.shown_to is not None:
            hidden += [
                d.c.owner != where.shown_to,
                sa.or_(d.c.guardian.is_(None), d.c.guardian != where.shown_to),
            ]
        if dialect == "postgresql":
            # An anti-join, probing only the documents of the questions the other
            # criteria keep (NOT IN cannot be one: an inbox read every question, 10 ms
            # instead of 0.4 over 93,000 questions).
            found.append(~sa.exists().where(d.c.ref == q.c.document_ref, *hidden).correlate(q))
        else:
            # SQLite lists the hidden drafts once (few, by the status index) and checks
            # each question against the list; NOT EXISTS probed the document of every
            # question, 4x slower over 93,000 questions.
            found.append(q.c.document_ref.not_in(sa.select(d.c.ref).where(*hidden)))
    return found


class SqlBrowse(SqlBase):
    """Filtered pages of documents, dispensations, questions and of what falls due, read
    in SQL."""

    def page_documents(
        self, where: DocumentFilter, *, offset: int, limit: int
    ) -> tuple[list[Document], int]:
        d = tables.document
        conditions = _conditions(where)
        total = self._counted(
            ("document", where), sa.select(sa.func.count()).select_from(d).where(*conditions)
        )
        if limit <= 0 or offset >= total:
            return [], total
        # The page's refs first, from the (status, title, ref) index where it serves: then
        # only the page's rows are read whole, not every matching document's text.
        page = (
            sa.select(d.c.ref)
            .where(*conditions)
            .order_by(d.c.title, d.c.ref)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        rows = self._rows(
            sa.select(d).join(page, page.c.ref == d.c.ref).order_by(d.c.title, d.c.ref)
        )
        return [convert.document_from_row(r) for r in rows], total

    def page_dispensations(
        self, where: DispensationFilter, *, offset: int, limit: int
    ) -> tuple[list[Dispensation], int]:
        x = tables.dispensation
        conditions = _dispensation_conditions(where)
        total = self._count(("dispensation", where), x, conditions)
        if limit <= 0 or offset >= total:
            return [], total
        newest = (x.c.requested_on.desc(), x.c.ref.desc())
        # The page's refs first: only the sort keys of the matching rows are sorted, and
        # only the page's rows are read whole.
        page = (
            sa.select(x.c.ref)
            .where(*conditions)
            .order_by(*newest)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        rows = self._rows(sa.select(x).join(page, page.c.ref == x.c.ref).order_by(*newest))
        return [convert.dispensation_from_row(r) for r in rows], total

    def page_questions(
        self, where: QuestionFilter, *, offset: int, limit: int
    ) -> tuple[list[Question], int]:
        q = tables.question
        conditions = _question_conditions(where, self.conn.dialect.name)
        total = self._count(("question", where), q, conditions)
        if limit <= 0 or offset >= total:
            return [], total
        newest = (q.c.asked_on.desc(), q.c.id.desc())
        page = (
            sa.select(q.c.id)
            .where(*conditions)
            .order_by(*newest)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        rows = self._rows(sa.select(q).join(page, page.c.id == q.c.id).order_by(*newest))
        return [convert.question_from_row(r) for r in rows], total

    def _count(
        self, key: Hashable, table: sa.Table, conditions: list[sa.ColumnElement[bool]]
    ) -> int:
        query = sa.select(sa.func.count()).select_from(table).where(*conditions)
        return self._counted(key, query)

    def document_types(self) -> list[str]:
        d = tables.document
        return sorted(self.conn.execute(sa.select(d.c.doc_type).distinct()).scalars().all())

    def person_units(self) -> list[str]:
        p = tables.person
        query = sa.select(p.c.unit).where(p.c.unit.is_not(None), p.c.unit != "").distinct()
        return sorted(self.conn.execute(query).scalars().all())

    def body_names(self) -> list[tuple[str, str]]:
        b = tables.body
        rows = self.conn.execute(sa.select(b.c.ref, b.c.name).order_by(b.c.ref)).all()
        return [(ref, name) for ref, name in rows]

    def page_dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
        offset: int,
        limit: int,
    ) -> tuple[list[DatedRow], int]:
        parts = dated_union(
            until=until, document_status=document_status, dispensation_status=dispensation_status
        )
        # Three counts, each from its own (status, date) index, not a count of the union.
        key = ("dated", until, document_status, dispensation_status)
        total = sum(
            self._counted((*key, n), sa.select(sa.func.count()).select_from(part.subquery()))
            for n, part in enumerate(parts)
        )
        if limit <= 0 or offset >= total:
            return [], total
        query = (
            sa.union_all(*parts)
            .order_by(
                sa.literal_column("due_on"), sa.literal_column("kind"), sa.literal_column("ref")
            )
            .offset(offset)
            .limit(limit)
        )
        return [_dated_row(row) for row in self.conn.execute(query).fetchall()], total


def _dated_row(row: Any) -> DatedRow:
    kind, ref, text, day, person, status = row
    # A union's column loses its Date type on SQLite: dates arrive as text there.
    return DatedRow(
        kind, ref, text, dt.date.fromisoformat(day) if type(day) is str else day, person, status
    )
