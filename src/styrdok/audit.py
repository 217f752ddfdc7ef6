"""The audit log's hash chain, shared by every storage backend.

Each event's hash covers the previous event's hash and the event itself, as canonical JSON:
change one byte of any stored event and every later hash stops matching.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from styrdok.model import AuditEvent

if TYPE_CHECKING:
    from styrdok.store.base import AuditStore

GENESIS_HASH = "0" * 64
#: Events re-hashed per read when the chain is re-sealed, so a long log never sits in memory.
RESEAL_PAGE = 1_000


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


def time_text(at: dt.datetime) -> str:
    """An event's time as hashed and stored: ISO 8601 in UTC to the microsecond, so the
    hashed bytes are the same on every engine."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def next_event(
    head: tuple[int, str] | None,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    before: Any,
    after: Any,
) -> AuditEvent:
    """The event that follows ``head`` (the last event's ``(seq, hash)``, ``None`` for an
    empty log), with its hash: the one place an event is chained."""
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    at_text = time_text(at)
    digest = audit_hash(
        prev_hash=prev_hash, seq=seq, at=at_text, actor=actor, action=action,
        entity=entity, before=before, after=after,
    )  # fmt: skip
    return AuditEvent(
        seq=seq,
        at=dt.datetime.fromisoformat(at_text),
        actor=actor,
        action=action,
        entity=entity,
        before=before,
        after=after,
        prev_hash=prev_hash,
        hash=digest,
    )


def reseal(
    log: AuditStore, rewrite: Callable[[Any], Any], needles: Sequence[str]
) -> tuple[int, int | None, str | None]:
    """Rewrite every event from the first that mentions a needle and re-hash the chain
    from there (GDPR anonymisation). Returns (events re-sealed, first seq, previous head
    hash); ``(0, None, None)`` when no event mentions a needle."""
    first = log.first_audit_mentioning(needles)
    if first is None:
        return 0, None, None
    head = log.audit_head()
    previous = log.audit_hash_of(first - 1) or GENESIS_HASH
    resealed, start = 0, first
    while page := log.audit_page(start, RESEAL_PAGE):
        for event in page:
            actor, entity = rewrite(event.actor), rewrite(event.entity)
            before, after = rewrite(event.before), rewrite(event.after)
            digest = audit_hash(
                prev_hash=previous, seq=event.seq, at=time_text(event.at), actor=actor,
                action=event.action, entity=entity, before=before, after=after,
            )  # fmt: skip
            log.replace_audit(
                attrs.evolve(
                    event,
                    actor=actor,
                    entity=entity,
                    before=before,
                    after=after,
                    prev_hash=previous,
                    hash=digest,
                )
            )
            previous, resealed = digest, resealed + 1
        start = page[-1].seq + 1
    return resealed, first, head[1] if head else None


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
            at=time_text(event.at),
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
