"""The audit log's hash chain, shared by every storage backend.

Each event's hash covers the previous event's hash and the event itself, as canonical JSON:
change one byte of any stored event and every later hash stops matching.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from styrdok.model import AuditEvent

GENESIS_HASH = "0" * 64


def canonical_json(data: Any) -> str:
    """The exact text an audit hash is computed over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def audit_hash(
    *,
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    before: Any,
    after: Any,
) -> str:
    """SHA-256 over the previous hash and this event."""
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "entity": entity,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


@attrs.frozen
class ChainBreak:
    """Where the audit chain stops verifying, and why."""

    seq: int
    reason: str


@attrs.frozen
class ChainReport:
    events: int
    last_hash: str
    broken: ChainBreak | None


def verify_chain(events: Iterable[AuditEvent]) -> ChainReport:
    """Walk the chain from the start; report the first event that does not verify.

    An event fails when its sequence number skips (an event was removed), when it does not
    name the previous event's hash, or when its own hash does not match its contents (it
    was edited after it was written).
    """
    previous, expected_seq, count = GENESIS_HASH, 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(
                count,
                previous,
                ChainBreak(event.seq, f"expected event {expected_seq}: an event is missing"),
            )
        if event.prev_hash != previous:
            return ChainReport(
                count,
                previous,
                ChainBreak(event.seq, "it does not follow the previous event's hash"),
            )
        digest = audit_hash(
            prev_hash=previous,
            seq=event.seq,
            at=event.at.isoformat(timespec="microseconds"),
            actor=event.actor,
            action=event.action,
            entity=event.entity,
            before=event.before,
            after=event.after,
        )
        if digest != event.hash:
            return ChainReport(
                count,
                previous,
                ChainBreak(
                    event.seq,
                    f"its contents were changed after it was written "
                    f"({event.action} on {event.entity})",
                ),
            )
        previous, expected_seq = event.hash, expected_seq + 1
    return ChainReport(count, previous, None)
