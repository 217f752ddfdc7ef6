"""The SQL store's set-based queries over the whole register: dates falling due, ends
passed, and reminder candidates (see :class:`styrdok.store.base.RecordStore`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa

from styrdok.model import (
    Dispensation,
    DispStatus,
    DocStatus,
    Document,
    DueKind,
    scope_title,
)
from styrdok.outbox import DispensationCandidate, ReviewCandidate
from styrdok.store import convert, tables
from styrdok.store.base import DatedTuple
from styrdok.store.sql_base import SqlBase


class SqlDueQueries(SqlBase):
    """What falls due, read set-based."""

    # --- due and lapses (set-based: these run over the whole register) -------------------

    def dated_items(
        self, *, until: dt.date, document_status: DocStatus, dispensation_status: DispStatus
    ) -> Sequence[DatedTuple]:
        # This runs over the whole register: fetch in one call from the driver's own cursor
        # (SQLAlchemy's result rows were a sixth of `due`'s time, issue 19 item 4), the
        # statement compiled once per dialect and statuses.
        sql, names, params = _compiled_dated(
            self.conn.dialect, document_status, dispensation_status
        )
        params = {**params, "until": until}
        rows = self._fetch_all(sql, [params[name] for name in names] if names else params)
        if self.conn.dialect.name != "sqlite":
            # The driver's tuples are rows of the right shape, dates already dates: handed
            # over as they are.
            return cast("list[DatedTuple]", rows)
        # A union's column loses its Date type on SQLite: dates arrive as text, parsed with
        # the C ISO parser, each distinct date once.
        from_iso = dt.date.fromisoformat
        days = {day: from_iso(day) if type(day) is str else day for day in {r[3] for r in rows}}
        return [
            (kind, ref, text, days[day], person, status)
            for kind, ref, text, day, person, status in rows
        ]

    def stream_dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
        chunk: int = 1_000,
    ) -> Iterator[list[DatedTuple]]:
        query = _dated_query(
            until=until, document_status=document_status, dispensation_status=dispensation_status
        ).execution_options(stream_results=True, yield_per=chunk)
        # Read as the chunks are asked for: PostgreSQL through a server-side cursor, SQLite
        # by stepping its statement, whose plan merges the three parts from their (status,
        # date) indexes without sorting the whole. Options on this statement only (see
        # SqlBulk.iter_table).
        result = self.conn.execute(query)
        from_iso = dt.date.fromisoformat
        try:
            for part in result.partitions():
                # A union's column loses its Date type on SQLite: each distinct date once.
                days = {d: from_iso(d) if type(d) is str else d for d in {r[3] for r in part}}
                yield [
                    (kind, ref, text, days[day], person, status)
                    for kind, ref, text, day, person, status in part
                ]
        finally:
            result.close()

    def _fetch_all(self, sql: str, args: Any) -> list[tuple[Any, ...]]:
        """Every row of the compiled ``sql`` as the driver's plain tuples, in this
        transaction."""
        if self.conn.dialect.name == "sqlite":  # stored as ISO text, as SQLAlchemy binds them
            args = [v.isoformat() if isinstance(v, dt.date) else v for v in args]
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, args)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def documents_ending_before(self, day: dt.date, *, status: DocStatus) -> list[Document]:
        d = tables.document
        rows = self._rows(
            sa.select(d).where(d.c.status == status.value, d.c.valid_until < day).order_by(d.c.ref)
        )
        return [convert.document_from_row(r) for r in rows]

    def dispensations_ending_before(
        self, day: dt.date, *, status: DispStatus
    ) -> list[Dispensation]:
        x = tables.dispensation
        rows = self._rows(
            sa.select(x).where(x.c.status == status.value, x.c.valid_until < day).order_by(x.c.ref)
        )
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


def _offsets(value: Any) -> tuple[int, ...] | None:
    return tuple(value) if value else None


@functools.lru_cache(maxsize=32)
def _compiled_dated(
    dialect: sa.Dialect, document_status: DocStatus, dispensation_status: DispStatus
) -> tuple[str, tuple[str, ...], Mapping[str, Any]]:
    """The statement of :meth:`SqlDueQueries.dated_items` compiled for ``dialect`` with the
    day as the parameter ``until``: its SQL, its parameters' names in order (empty for a
    driver with named parameters) and their values but the day's."""
    query = _dated_query(
        until=sa.bindparam("until", type_=sa.Date(), required=False),
        document_status=document_status,
        dispensation_status=dispensation_status,
    )
    compiled = query.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ()) if compiled.positional else ()
    return str(compiled), names, dict(compiled.construct_params())


def _dated_query(
    *,
    until: dt.date | sa.BindParameter[dt.date],
    document_status: DocStatus,
    dispensation_status: DispStatus,
) -> sa.CompoundSelect[Any]:
    """The rows of :meth:`SqlDueQueries.dated_items`, sorted by date, kind, ref."""
    parts = dated_union(
        until=until, document_status=document_status, dispensation_status=dispensation_status
    )
    # Ordered as a compound select, not through a subquery SQLite would materialise.
    return sa.union_all(*parts).order_by(
        sa.literal_column("due_on"), sa.literal_column("kind"), sa.literal_column("ref")
    )


def dated_union(
    *,
    until: dt.date | sa.BindParameter[dt.date],
    document_status: DocStatus,
    dispensation_status: DispStatus,
) -> tuple[sa.Select[Any], sa.Select[Any], sa.Select[Any]]:
    """The three parts of :meth:`SqlDueQueries.dated_items` (reviews, documents' ends,
    dispensations' ends), each with the columns of a :class:`DatedRow`."""
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
    return reviews, doc_ends, disp_ends
