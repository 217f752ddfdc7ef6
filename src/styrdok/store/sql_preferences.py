"""The SQL store's opt-outs (the :class:`~styrdok.store.base.PreferenceStore` role): one row
per person and kind of notice in ``notice_optout``. Not exported; the anonymisation use case
clears a person's rows before their ref is rewritten."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa

from styrdok.notify import NoticeKind
from styrdok.store import tables
from styrdok.store.sql_base import SqlBase

#: Persons looked up per statement: well below every engine's limit on parameters.
_CHUNK = 500


class SqlPreferences(SqlBase):
    """What each person opted out of, in SQL."""

    def muted_kinds(self, persons: Iterable[str]) -> dict[str, frozenset[NoticeKind]]:
        t = tables.notice_optout
        wanted = sorted(set(persons))
        found: dict[str, set[NoticeKind]] = defaultdict(set)
        known = {kind.value: kind for kind in NoticeKind}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self.conn.execute(sa.select(t.c.person, t.c.kind).where(t.c.person.in_(chunk)))
            for person, kind in rows:
                if kind in known:  # a kind a later version dropped is simply not muted
                    found[person].add(known[kind])
        return {person: frozenset(kinds) for person, kinds in found.items()}

    def set_muted(self, person: str, kinds: Iterable[NoticeKind]) -> None:
        t = tables.notice_optout
        self.conn.execute(sa.delete(t).where(t.c.person == person))
        rows = [{"person": person, "kind": kind.value} for kind in sorted(set(kinds))]
        if rows:
            self.conn.execute(sa.insert(t), rows)
