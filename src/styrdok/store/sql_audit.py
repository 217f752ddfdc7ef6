"""The SQL store's audit role: the hash-chained log kept exactly as the core made it
(see :class:`styrdok.store.base.AuditStore`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from styrdok.audit import time_text
from styrdok.model import (
    AuditEvent,
)
from styrdok.store import tables
from styrdok.store.sql_base import SqlBase, mentions


class SqlAudit(SqlBase):
    """The audit log in SQL."""

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
        found = self.conn.execute(sa.select(sa.func.min(a.c.seq)).where(mentions(a, needles)))
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


def _audit_row(event: AuditEvent) -> dict[str, Any]:
    row = attrs.asdict(event, recurse=False)
    row["at"] = time_text(event.at)
    return row


def _audit_event(row: Mapping[Any, Any]) -> AuditEvent:
    return AuditEvent(**{**row, "at": dt.datetime.fromisoformat(row["at"])})
