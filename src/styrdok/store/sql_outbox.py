"""The SQL store's outbox role: the reminder ledger, claimed with leases
(see :class:`styrdok.store.base.OutboxStore`).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from styrdok.notify import NoticeKind
from styrdok.outbox import Notice, NoticeState
from styrdok.store import tables
from styrdok.store.sql_base import SqlBase


class SqlOutbox(SqlBase):
    """The reminder ledger in SQL."""

    def notice_send_dates(self, items: Sequence[str]) -> dict[tuple[str, str, str, str], dt.date]:
        """For each (item, cycle due date, recipient, channel): the latest send date
        already in the ledger. A new notice is only planned past it."""
        n = tables.notice
        latest: dict[tuple[str, str, str, str], dt.date] = {}
        date_of = sa.Date().result_processor(self.conn.dialect, None)
        for wanted in self._among(n.c.item, items, sa.String()):
            query = (
                sa.select(
                    n.c.item, n.c.due_on, n.c.recipient, n.c.channel, sa.func.max(n.c.send_on)
                )
                .where(wanted)
                .group_by(n.c.item, n.c.due_on, n.c.recipient, n.c.channel)
            )
            with self._planned_with_values():
                rows = self.conn.execute(query).all()
            for item, due_on, recipient, channel, send_on in rows:
                if date_of is not None and isinstance(send_on, str):
                    send_on = date_of(send_on)
                latest[(item, str(due_on), recipient, channel)] = send_on
        return latest

    def _among(
        self, column: sa.ColumnElement[Any], values: Sequence[Any], kind: sa.types.TypeEngine[Any]
    ) -> Iterator[sa.ColumnElement[bool]]:
        """``column`` among ``values``, as few conditions as the engine allows: one array
        parameter on PostgreSQL (one statement, whatever the count), lists of 500 on
        SQLite (older builds allow 999 parameters a statement)."""
        if not values:
            return
        if self.conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import ARRAY

            yield column == sa.any_(sa.bindparam(None, list(values), type_=ARRAY(kind)))
            return
        for start in range(0, len(values), 500):
            yield column.in_(values[start : start + 500])

    def insert_notices(self, notices: Sequence[Notice]) -> int:
        """Add ledger rows; a row another worker recorded meanwhile is left as it is."""
        if not notices:
            return 0
        if self.conn.dialect.name == "sqlite":
            return self._insert_notices_sqlite(notices)
        return self._insert_notices_postgresql(notices)

    def _insert_notices_postgresql(self, notices: Sequence[Notice]) -> int:
        """The notices as one JSON parameter per 10,000, made rows again by the server
        (``json_populate_recordset``): an ``executemany`` sends a statement a row, and
        array parameters are quoted element by element in Python by psycopg — both took
        over a second for the 58,000 notices of a run at a tenth of national scale."""
        columns = ", ".join(_NEW_COLUMNS)
        sql = sa.text(
            f"INSERT INTO notice ({columns}) SELECT {columns} "
            "FROM json_populate_recordset(NULL::notice, CAST(:rows AS json)) "
            "ON CONFLICT (item, kind, threshold, recipient, channel) DO NOTHING"
        )
        convert = [(c, to) for c in _NEW_COLUMNS if (to := _plain(c))]
        for start in range(0, len(notices), 10_000):
            rows = []
            for notice in notices[start : start + 10_000]:
                row = dict(zip(_NEW_COLUMNS, _new_values(notice), strict=True))
                for column, to in convert:
                    row[column] = to(row[column])
                rows.append(row)
            self.conn.execute(sql, {"rows": json.dumps(rows, ensure_ascii=False)})
        return len(notices)

    def _insert_notices_sqlite(self, notices: Sequence[Notice]) -> int:
        """The driver's own ``executemany`` with values stored exactly as SQLAlchemy would
        store them (dates as ISO text, enums as their codes): a run writes tens of
        thousands of notices, and SQLAlchemy's per-row bookkeeping cost more than SQLite."""
        columns = ", ".join(_NEW_COLUMNS)
        marks = ", ".join("?" * len(_NEW_COLUMNS))
        sql = (
            f"INSERT INTO notice ({columns}) VALUES ({marks}) "
            "ON CONFLICT (item, kind, threshold, recipient, channel) DO NOTHING"
        )
        convert = [(i, to) for i, column in enumerate(_NEW_COLUMNS) if (to := _plain(column))]
        for start in range(0, len(notices), 5_000):
            rows = []
            for notice in notices[start : start + 5_000]:
                values = list(_new_values(notice))
                for i, to in convert:
                    values[i] = to(values[i])
                rows.append(tuple(values))
            self.conn.exec_driver_sql(sql, rows)
        return len(notices)

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
        """Record as sent the notices of ``ids`` that ``worker`` holds: one statement for
        all of them on PostgreSQL, so a run records many digests in one transaction."""
        n = tables.notice
        for wanted in self._among(n.c.id, ids, sa.BigInteger()):
            statement = (
                n.update()
                .where(wanted, n.c.claimed_by == worker)
                .values(
                    state="sent",
                    sent_at=at.astimezone(dt.UTC).isoformat(),
                    attempts=n.c.attempts + 1,
                    last_error="",
                    claimed_by=None,
                    claimed_until=None,
                )
            )
            with self._planned_with_values():
                self.conn.execute(statement)

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


#: A new notice's columns (the id is the database's), read in one call per notice: a run
#: writes tens of thousands, and ``attrs.asdict`` costs several times more.
_NEW_COLUMNS = tuple(field.name for field in attrs.fields(Notice) if field.name != "id")
_new_values = operator.attrgetter(*_NEW_COLUMNS)


def _plain(column: str) -> Callable[[Any], Any] | None:
    """How a notice field's value is stored in its SQLite column (``None``: as it is)."""
    kind = attrs.fields_dict(Notice)[column].type
    if kind in ("dt.date", dt.date):
        return dt.date.isoformat
    if kind in ("NoticeKind", "NoticeState", NoticeKind, NoticeState):
        return operator.attrgetter("value")
    return None


def _notice(row: Mapping[Any, Any]) -> Notice:
    return Notice(**{**row, "kind": NoticeKind(row["kind"]), "state": NoticeState(row["state"])})
