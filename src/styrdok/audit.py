"""The audit log's hash chain, shared by every storage backend.

Each event's hash covers the previous event's hash and the event itself, as canonical JSON:
change one byte of any stored event and every later hash stops matching.

A chain is *plain* (SHA-256, anyone can recompute it) or *keyed* (HMAC-SHA256 with a key
read from ``STYRDOK_AUDIT_KEY_FILE`` or ``STYRDOK_AUDIT_KEY``, never stored in the
database, so someone who can write the database but lacks the key cannot re-forge it). A
keyed chain is keyed from its first event: event 1 names a keyed genesis, a MAC of a fixed
label, instead of the plain genesis of zeros. That tells a verifier without the key that one
is needed, and one with a key whether it is the right one, without revealing the key. A
plain register is converted once by :func:`rekey` (``styrdok audit rekey``); see
``docs/architecture.md``, "Audit chain".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from styrdok import events
from styrdok.audit_key import AuditKeyError, configured_key, key_source
from styrdok.errors import InvalidValue, RuleViolation
from styrdok.model import AuditEvent

if TYPE_CHECKING:
    from styrdok.store.base import AuditStore

GENESIS_HASH = "0" * 64
#: Events re-hashed per read when the chain is re-sealed, so a long log never sits in memory.
RESEAL_PAGE = 1_000
#: What event 1 of a keyed chain follows: HMAC(key, this label).
_GENESIS_LABEL = b"styrdok audit chain, keyed genesis, v1"
#: Events that re-seal the chain and record the head they replaced as ``previous_head``.
RESEAL_ACTIONS = frozenset({events.PersonAnonymised.name, events.AuditRekeyed.name})
_HASH = re.compile(r"[0-9a-f]{64}")


class ChainBroken(RuleViolation):
    """The chain does not verify, so it may not be re-sealed (that would hide the break)."""


# --- hashing ---------------------------------------------------------------------------------


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
    key: bytes | None = None,
) -> str:
    """SHA-256 over the previous hash and this event; HMAC-SHA256 with ``key``."""
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
    message = (prev_hash + body).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def genesis(key: bytes | None) -> str:
    """What event 1 follows: zeros in a plain chain, HMAC(key, a fixed label) in a keyed one."""
    if key is None:
        return GENESIS_HASH
    return hmac.new(key, _GENESIS_LABEL, hashlib.sha256).hexdigest()


def _event_hash(event: AuditEvent, prev_hash: str, key: bytes | None) -> str:
    return audit_hash(
        prev_hash=prev_hash, seq=event.seq, at=time_text(event.at), actor=event.actor,
        action=event.action, entity=event.entity, before=event.before, after=event.after,
        key=key,
    )  # fmt: skip


def time_text(at: dt.datetime) -> str:
    """An event's time as hashed and stored: ISO 8601 in UTC to the microsecond, so the
    hashed bytes are the same on every engine."""
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


# --- which key seals the next event -------------------------------------------------------


def _first_event(log: AuditStore) -> AuditEvent | None:
    page = log.audit_page(1, 1)
    return page[0] if page else None


def is_keyed(first: AuditEvent | None) -> bool:
    """Whether the chain that starts with ``first`` is keyed (an empty one is not yet)."""
    return first is not None and first.prev_hash != GENESIS_HASH


def sealing_key(log: AuditStore) -> bytes | None:
    """The key the next event of ``log`` is sealed with (``None``: plain), or an
    :class:`AuditKeyError` when the configured key does not fit the chain: a keyed chain
    without the key, a plain one with a key (convert it with ``styrdok audit rekey``), or a
    chain sealed with another key. An empty log is keyed from its first event if a key is
    set. A chain is never mixed, so no process can append a plain event to a keyed one."""
    key, first = configured_key(), _first_event(log)
    if first is None:
        return key
    if not is_keyed(first):
        if key is not None:
            raise AuditKeyError(
                "the audit log is not keyed, but an audit key is set: convert it once with "
                f"`styrdok audit rekey`, or unset {key_source()}"
            )
        return None
    if key is None:
        raise AuditKeyError(f"the audit log is keyed: set {key_source()} to its key")
    if first.prev_hash != genesis(key):
        raise AuditKeyError(
            f"the audit log was sealed with another key than the one in {key_source()}"
        )
    return key


# --- writing ---------------------------------------------------------------------------------


def next_event(
    head: tuple[int, str] | None,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    before: Any,
    after: Any,
    key: bytes | None = None,
) -> AuditEvent:
    """The event that follows ``head`` (the last event's ``(seq, hash)``, ``None`` for an
    empty log), with its hash (an HMAC with ``key``): the one place an event is chained."""
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, genesis(key))
    at_text = time_text(at)
    digest = audit_hash(
        prev_hash=prev_hash, seq=seq, at=at_text, actor=actor, action=action,
        entity=entity, before=before, after=after, key=key,
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


def _require_intact(log: AuditStore, key: bytes | None, doing: str) -> None:
    report = verify_chain(log.iter_audit(), key=key)
    if report.broken is not None:
        raise ChainBroken(
            f"the audit chain breaks at event {report.broken.seq}: {report.broken.reason}; "
            f"{doing} would hide that — find out what happened first"
        )


def _reseal_from(
    log: AuditStore,
    first: int,
    previous: str,
    key: bytes | None,
    rewrite: Callable[[Any], Any] | None = None,
) -> int:
    """Re-hash every event from ``first`` on, after ``previous``; returns how many."""
    resealed, start = 0, first
    while page := log.audit_page(start, RESEAL_PAGE):
        for event in page:
            if rewrite is not None:
                event = attrs.evolve(
                    event,
                    actor=rewrite(event.actor),
                    entity=rewrite(event.entity),
                    before=rewrite(event.before),
                    after=rewrite(event.after),
                )
            digest = _event_hash(event, previous, key)
            log.replace_audit(attrs.evolve(event, prev_hash=previous, hash=digest))
            previous, resealed = digest, resealed + 1
        start = page[-1].seq + 1
    return resealed


def reseal(
    log: AuditStore, rewrite: Callable[[Any], Any], needles: Sequence[str]
) -> tuple[int, int | None, str | None]:
    """Rewrite every event from the first that mentions a needle and re-hash the chain
    from there (GDPR anonymisation), with the chain's key if it is keyed. A chain that does
    not verify is refused (:class:`ChainBroken`): re-sealing it would launder the break.
    Returns (events re-sealed, first seq, previous head hash); ``(0, None, None)`` when no
    event mentions a needle."""
    first = log.first_audit_mentioning(needles)
    if first is None:
        return 0, None, None
    key = sealing_key(log)
    _require_intact(log, key, "re-sealing it")
    head = log.audit_head()
    previous = log.audit_hash_of(first - 1) or genesis(key)
    resealed = _reseal_from(log, first, previous, key, rewrite)
    return resealed, first, head[1] if head else None


def rekey(log: AuditStore) -> tuple[int, str | None]:
    """Convert a plain chain to a keyed one with the configured key: verify it as it is,
    then re-seal every event with the key from a keyed genesis. Returns (events re-sealed,
    the plain head hash it replaced, ``None`` for an empty log). Refused without a key, for
    a chain already keyed, and for a chain that does not verify."""
    key = configured_key()
    if key is None:
        raise AuditKeyError(f"no audit key is set: put one in {key_source()} first")
    first = _first_event(log)
    if is_keyed(first):
        assert first is not None
        if first.prev_hash == genesis(key):
            raise RuleViolation("the audit log is already keyed with this key")
        raise AuditKeyError(
            "the audit log is keyed with another key; changing the key is not supported"
        )
    _require_intact(log, None, "keying it")
    head = log.audit_head()
    return _reseal_from(log, 1, genesis(key), key), head[1] if head else None


# --- reading and verifying ---------------------------------------------------------------


@attrs.frozen
class AuditHead:
    """The audit log's last event as stored (not verified): what a report publishes."""

    events: int
    """The last event's sequence number: the number of events in an intact log."""
    hash: str
    """Its hash in full (zeros for an empty log)."""
    keyed: bool
    """Whether the chain is keyed (HMAC-SHA256) rather than plain SHA-256."""

    @property
    def chain(self) -> str:
        """``hmac-sha256`` or ``sha256``."""
        return "hmac-sha256" if self.keyed else "sha256"


def read_head(log: AuditStore) -> AuditHead:
    """The stored head, cheaply (two indexed reads; ``styrdok audit verify`` checks it)."""
    head = log.audit_head()
    if head is None:
        return AuditHead(0, GENESIS_HASH, keyed=configured_key() is not None)
    return AuditHead(head[0], head[1], keyed=is_keyed(_first_event(log)))


def check_hash(text: str, what: str = "a head hash") -> str:
    """``text`` as a full audit hash (64 hex digits, lower case), or :class:`InvalidValue`."""
    value = text.strip().lower()
    if not _HASH.fullmatch(value):
        raise InvalidValue(
            f"{what} is 64 hexadecimal digits, as `styrdok audit verify` prints it; got {text!r}"
        )
    return value


@attrs.frozen
class Anchor:
    """A head someone wrote down outside the database (the minutes, a published file)."""

    hash: str
    events: int | None = None
    """The event count written down with it, if any."""


@attrs.frozen
class AnchorMatch:
    """Where the verified chain reaches an anchor."""

    seq: int
    """The anchored event."""
    resealed_by: AuditEvent | None = None
    """When the anchored head was since re-sealed (GDPR, re-keying): the event that did it
    and recorded the anchor as its ``previous_head``."""


@attrs.frozen
class ChainBreak:
    """Where the audit chain stops verifying, and why."""

    seq: int
    reason: str


@attrs.frozen
class ChainReport:
    """What verifying the audit log found (:meth:`~styrdok.registry.Registry.verify_audit`):
    :meth:`problem` says in one line whether it passes."""

    events: int
    """How many events were read (up to and including the broken one, if any)."""
    last_hash: str
    """The head in full (zeros for an empty log)."""
    broken: ChainBreak | None
    """The first event that does not verify, and why (``None``: the chain holds)."""
    keyed: bool = False
    """Whether the chain is keyed (HMAC-SHA-256) rather than plain SHA-256."""
    anchor: Anchor | None = None
    """The head written down earlier that the log was checked against, if one was given."""
    reached: AnchorMatch | None = None
    """Where the chain reaches :attr:`anchor` (``None``: it does not, or none was given)."""

    @property
    def chain(self) -> str:
        """``hmac-sha256`` or ``sha256``."""
        return "hmac-sha256" if self.keyed else "sha256"

    def problem(self) -> str | None:
        """Why the log fails verification, in one line, or ``None`` when it passes: a
        broken chain, or one that no longer reaches the anchor."""
        if self.broken is not None:
            return f"the audit chain breaks at event {self.broken.seq}: {self.broken.reason}"
        if self.anchor is None:
            return None
        if self.reached is None:
            recorded = f" (event {self.anchor.events})" if self.anchor.events is not None else ""
            return (
                f"the audit log no longer reaches the head you recorded{recorded}: no event "
                f"has hash {self.anchor.hash} (the log has {self.events} events) — events "
                "were removed or rewritten"
            )
        expected = self.anchor.events
        if expected is not None and expected != self.reached.seq:
            return (
                f"the head you recorded is event {self.reached.seq} in this log, not event "
                f"{expected}: check what was written down"
            )
        return None


def verify_chain(
    events: Iterable[AuditEvent], *, key: bytes | None = None, anchor: Anchor | None = None
) -> ChainReport:
    """Walk the chain from the start; report the first event that does not verify, and
    whether the chain reaches ``anchor``.

    An event fails when its sequence number skips (an event was removed), when it does not
    name the previous event's hash, or when its own hash does not match its contents (it
    was edited after it was written). With ``key`` every event must be keyed with it, from
    a keyed genesis: a chain rewritten as plain SHA-256 fails at event 1. Without a key a
    keyed chain cannot be checked: :class:`AuditKeyError` says a key is needed.

    The anchor is reached by an event with its hash, or by a later re-sealing event
    (:data:`RESEAL_ACTIONS`) that recorded it as the head it replaced.
    """
    start = genesis(key)
    previous, expected_seq, count = start, 1, 0
    reached: AnchorMatch | None = None

    def report(broken: ChainBreak | None) -> ChainReport:
        head = previous if count else GENESIS_HASH
        return ChainReport(count, head, broken, key is not None, anchor, reached)

    for event in events:
        count += 1
        if event.seq == 1 and event.prev_hash != start:
            if key is None:
                raise AuditKeyError(
                    f"the audit log is keyed (HMAC-SHA256): verifying it needs its key — "
                    f"set {key_source()}"
                )
            reason = (
                "it is not keyed, but an audit key is set: convert the log once with "
                "`styrdok audit rekey`, unless it was keyed before — then someone rewrote it "
                "without the key"
                if event.prev_hash == GENESIS_HASH
                else "it was sealed with another key than the one set"
            )
            return report(ChainBreak(1, reason))
        if event.seq != expected_seq:
            return report(
                ChainBreak(event.seq, f"expected event {expected_seq}: an event is missing")
            )
        if event.prev_hash != previous:
            return report(ChainBreak(event.seq, "it does not follow the previous event's hash"))
        if _event_hash(event, previous, key) != event.hash:
            return report(
                ChainBreak(
                    event.seq,
                    f"its contents were changed after it was written "
                    f"({event.action} on {event.entity})",
                )
            )
        if anchor is not None and reached is None:
            if event.hash == anchor.hash:
                reached = AnchorMatch(event.seq)
            elif event.action in RESEAL_ACTIONS and _replaced_head(event) == anchor.hash:
                reached = AnchorMatch(event.seq - 1, resealed_by=event)
        previous, expected_seq = event.hash, expected_seq + 1
    return report(None)


def _replaced_head(event: AuditEvent) -> object:
    return (event.after or {}).get("previous_head")
