"""The YAML store's audit log and reminder ledger, kept as given in memory (the core
chains the log and decides what a reminder says); :mod:`styrdok_yamlstore.folder` writes
them to ``audit.jsonl`` and ``outbox.yaml``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from styrdok.model import AuditEvent
from styrdok.outbox import Notice, NoticeState
from styrdok_yamlstore.folder import State, in_order, number


def _utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


class Ledger:
    """The :class:`~styrdok.store.base.AuditStore` and
    :class:`~styrdok.store.base.OutboxStore` roles over the register in memory."""

    _state: State

    # --- the audit log -------------------------------------------------------------------

    def audit_head(self) -> tuple[int, str] | None:
        log = self._state.audit_event
        return (log[-1].seq, log[-1].hash) if log else None

    def insert_audit(self, event: AuditEvent) -> None:
        self._state.audit_event.append(event)

    def iter_audit(self, entity: str | None = None) -> Iterator[AuditEvent]:
        # A list first: the caller may go on reading after the transaction has ended.
        return iter([e for e in self._state.audit_event if not entity or e.entity == entity])

    def _audit_index(self, seq: int) -> int | None:
        index, log = self._state.audit_index(seq), self._state.audit_event
        return index if index < len(log) and log[index].seq == seq else None

    def audit_hash_of(self, seq: int) -> str | None:
        index = self._audit_index(seq)
        return None if index is None else self._state.audit_event[index].hash

    def audit_page(self, from_seq: int, limit: int) -> list[AuditEvent]:
        start = self._state.audit_index(from_seq)
        return self._state.audit_event[start : start + limit]

    def first_audit_mentioning(self, needles: Sequence[str]) -> int | None:
        # Case-folded, as the core rewrites e-mail addresses whatever their case. JSON
        # escapes character by character, so an escaped needle is in the escaped text
        # wherever the needle is in the original.
        escaped = [json.dumps(n.casefold(), ensure_ascii=False)[1:-1] for n in needles]
        for e in self._state.audit_event:
            text = json.dumps([e.actor, e.entity, e.before, e.after], ensure_ascii=False)
            if any(needle in text.casefold() for needle in escaped):
                return e.seq
        return None

    def replace_audit(self, event: AuditEvent) -> None:
        index = self._audit_index(event.seq)
        if index is None:
            raise LookupError(f"no audit event {event.seq} to replace")
        self._state.audit_event[index] = event

    # --- the reminder ledger -------------------------------------------------------------

    def notice_send_dates(self, items: Sequence[str]) -> dict[tuple[str, str, str, str], dt.date]:
        wanted, latest = set(items), dict[tuple[str, str, str, str], dt.date]()
        for n in self._state.notice.values():
            if n.item in wanted:
                key = (n.item, n.due_on.isoformat(), n.recipient, n.channel)
                latest[key] = max(n.send_on, latest.get(key, n.send_on))
        return latest

    def insert_notices(self, notices: Sequence[Notice]) -> int:
        """Returns how many were given, as the SQL store does."""
        ledger = self._state.notice
        keys = {n.key for n in ledger.values()}
        for notice in notices:
            if notice.key not in keys:
                keys.add(notice.key)
                number(ledger, attrs.evolve(notice, id=None))
        return len(notices)

    def claim_notices(self, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> list[Notice]:
        ledger, now_text = self._state.notice, _utc_text(now)
        for i, n in ledger.items():
            # Free: never claimed, or its lease ran out (UTC ISO text sorts as time).
            if n.state == NoticeState.PENDING and (n.claimed_until or "") < now_text:
                ledger[i] = attrs.evolve(n, claimed_by=worker, claimed_until=_utc_text(now + lease))
        mine = (
            n for n in ledger.values() if n.state == NoticeState.PENDING and n.claimed_by == worker
        )
        return sorted(mine, key=lambda n: (n.channel, n.recipient, n.due_on, n.id or 0))

    def _attempted(
        self, ids: Sequence[int], worker: str, state: Callable[[int], NoticeState], **changes: Any
    ) -> None:
        """Count an attempt on the notices of ``ids`` that ``worker`` holds and let them
        go; ``state`` tells their new state from the number of attempts."""
        ledger = self._state.notice
        for i in ids:
            if (n := ledger[i]).claimed_by == worker:
                attempts = n.attempts + 1
                ledger[i] = attrs.evolve(
                    n, state=state(attempts), attempts=attempts, claimed_by=None,
                    claimed_until=None, **changes,
                )  # fmt: skip

    def mark_sent(self, ids: Sequence[int], *, worker: str, at: dt.datetime) -> None:
        sent_at = _utc_text(at)
        self._attempted(ids, worker, lambda _: NoticeState.SENT, sent_at=sent_at, last_error="")

    def mark_failed_attempt(
        self, ids: Sequence[int], *, worker: str, error: str, max_attempts: int
    ) -> None:
        def state(attempts: int) -> NoticeState:
            return NoticeState.FAILED if attempts >= max_attempts else NoticeState.PENDING

        self._attempted(ids, worker, state, last_error=error[:2000])

    def release_claims(self, *, worker: str) -> None:
        ledger = self._state.notice
        for i, n in ledger.items():
            if n.claimed_by == worker and n.state == NoticeState.PENDING:
                ledger[i] = attrs.evolve(n, claimed_by=None, claimed_until=None)

    def notices(self) -> list[Notice]:
        return in_order(self._state.notice)
