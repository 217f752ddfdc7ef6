"""The SQL store's pages of the register: a filtered count and one page, set-based, for
lists that must not read the whole register (see :class:`styrdok.store.base.BrowseStore`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from styrdok.model import DispStatus, DocStatus, Document
from styrdok.store import convert, tables
from styrdok.store.base import DatedRow, DocumentFilter
from styrdok.store.sql_base import SqlBase
from styrdok.store.sql_due import dated_union


def _conditions(where: DocumentFilter) -> list[sa.ColumnElement[bool]]:
    """``where`` as SQL conditions on the ``document`` table."""
    d, p = tables.document, tables.person
    found: list[sa.ColumnElement[bool]] = []
    if where.statuses is not None:
        found.append(d.c.status.in_(sorted(s.value for s in where.statuses)))
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


class SqlBrowse(SqlBase):
    """Filtered pages of documents and of what falls due, read in SQL."""

    def page_documents(
        self, where: DocumentFilter, *, offset: int, limit: int
    ) -> tuple[list[Document], int]:
        d = tables.document
        conditions = _conditions(where)
        total = int(
            self.conn.execute(
                sa.select(sa.func.count()).select_from(d).where(*conditions)
            ).scalar_one()
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
        total = sum(
            int(
                self.conn.execute(
                    sa.select(sa.func.count()).select_from(part.subquery())
                ).scalar_one()
            )
            for part in parts
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
