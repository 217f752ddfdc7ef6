"""Reminders: who must hear about what today, the outbox ledger, digests and delivery.

One run (``styrdok remind``) does four things:

1. **Expire**: documents past ``valid_until`` lapse, dispensations past theirs expire.
2. **Plan**: for every review, end date and finished dispensation within reach, work out
   the thresholds whose (working-day adjusted) send date has come, keep only the most
   urgent per item and recipient, and record it in the outbox ledger once per channel —
   unless the ledger already holds that threshold or a later one for the same cycle. So a
   run missed for days catches up with one notice, not a burst, and nothing is sent twice.
3. **Claim**: lease the pending notices (also earlier failures), so concurrent workers
   split them and never deliver one twice.
4. **Deliver**: one digest per recipient per channel. A notifier that raises leaves its
   notices pending with the error, for the next run; the other channels are unaffected.

A notice is marked sent only after its channel has accepted it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from styrdok.config import Config, ReminderSettings
from styrdok.errors import InvalidValue
from styrdok.model import MAX_REMINDER_OFFSET_DAYS, Person
from styrdok.notify import Digest, DigestItem, NoticeKind, Notifier
from styrdok.workdays import previous_working_day

log = logging.getLogger(__name__)

#: How long a worker holds its claimed notices before another may take them over.
LEASE = dt.timedelta(minutes=15)
#: A reminder moved back over weekends and holidays (Christmas to New Year is the longest
#: stretch) is sent up to this much before its nominal date, so planning looks this much
#: further ahead than the largest offset.
WORKDAY_SLACK = dt.timedelta(days=10)
#: Evaluation requests go out for dispensations that ended at most this long ago.
EVALUATION_WINDOW = dt.timedelta(days=60)

# When two thresholds fall on the same day, the more urgent kind wins.
_URGENCY = {
    NoticeKind.REVIEW: 0,
    NoticeKind.DOCUMENT_EXPIRY: 0,
    NoticeKind.DISPENSATION_EXPIRY: 0,
    NoticeKind.OVERDUE: 1,
    NoticeKind.ESCALATION: 2,
    NoticeKind.EVALUATION: 0,
}


@attrs.frozen
class Threshold:
    """One reason to remind someone on ``send_on`` about an item falling due on ``due_on``."""

    item: str
    kind: NoticeKind
    key: str
    due_on: dt.date
    send_on: dt.date
    title: str
    owner: str = ""


@attrs.frozen
class RunReport:
    """What one run did (or, with ``dry_run``, would do)."""

    today: dt.date
    dry_run: bool
    ended: tuple[str, ...]
    planned: int
    digests: tuple[tuple[str, Digest], ...]
    """(channel, digest) for each digest delivered — or due for delivery on a dry run."""
    failures: tuple[tuple[str, str, str], ...]
    """(channel, recipient, error) for each digest a channel did not accept."""


# --- planning (pure) -----------------------------------------------------------------------


def _before(
    item: str,
    kind: NoticeKind,
    due: dt.date,
    offsets: Iterable[int],
    today: dt.date,
    title: str,
    owner: str = "",
) -> list[Threshold]:
    """The most urgent of the reminders before ``due`` whose send date has come, if any.

    The others could never be chosen (only the latest send date per cycle is), so they are
    not built: this runs for every document and dispensation within reach.
    """
    for offset in sorted(offsets):  # the nearest to the due date first
        send_on = previous_working_day(due - dt.timedelta(days=offset))
        if send_on <= today:
            return [Threshold(item, kind, f"{due}/-{offset}", due, send_on, title, owner)]
    return []


def _latest_overdue(due: dt.date, today: dt.date, every: int) -> tuple[int, dt.date] | None:
    """The latest weekly overdue reminder whose working-day send date has come, as (days
    after the due date, send date). Earlier weeks are behind us and never sent late."""
    weeks = (today - due).days // every + 1  # the next one may already be due, moved back
    while weeks >= 1:
        send_on = previous_working_day(due + dt.timedelta(days=weeks * every))
        if send_on <= today:
            return weeks * every, send_on
        weeks -= 1
    return None


def review_thresholds(
    row: Mapping[str, Any], today: dt.date, settings: ReminderSettings
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient for a document in force (reviews and end of validity)."""
    item = f"document:{row['ref']}"
    offsets = row["reminder_offsets"] or settings.review_offsets
    people = {p for p in (row["owner"], row["guardian"]) if p}
    by_person: dict[str, list[Threshold]] = defaultdict(list)
    due = row["next_review_on"]
    if due is not None:
        found = _before(item, NoticeKind.REVIEW, due, offsets, today, row["title"])
        weekly = _latest_overdue(due, today, settings.overdue_every_days)
        if weekly is not None:
            days, send_on = weekly
            found.append(
                Threshold(item, NoticeKind.OVERDUE, f"{due}/+{days}", due, send_on, row["title"])
            )
        for person in people:
            by_person[person].extend(found)
        contact = row["contact"]
        send_on = previous_working_day(due + dt.timedelta(days=settings.escalate_after_days))
        if contact and send_on <= today:
            by_person[contact].append(
                Threshold(
                    item,
                    NoticeKind.ESCALATION,
                    f"{due}/escalate",
                    due,
                    send_on,
                    row["title"],
                    row["owner"],
                )
            )
    end = row["valid_until"]
    if end is not None:
        found = _before(item, NoticeKind.DOCUMENT_EXPIRY, end, offsets, today, row["title"])
        for person in people:
            by_person[person].extend(found)
    return by_person


def dispensation_thresholds(
    row: Mapping[str, Any], today: dt.date, settings: ReminderSettings
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient for an approved or newly expired dispensation."""
    item = f"dispensation:{row['ref']}"
    title = " ".join(row["scope"].split())[:80]
    by_person: dict[str, list[Threshold]] = defaultdict(list)
    due = row["valid_until"]
    if row["status"] == "expired":
        if row["evaluation"] is not None:
            return by_person
        ended = row["ended_on"] or due + dt.timedelta(days=1)
        by_person[row["responsible"]].append(
            Threshold(item, NoticeKind.EVALUATION, f"{due}/evaluate", due, ended, title)
        )
        return by_person
    found = _before(
        item, NoticeKind.DISPENSATION_EXPIRY, due, settings.dispensation_offsets, today, title
    )
    for person in {row["responsible"], row["decided_by"]} - {None}:
        by_person[person].extend(found)
    return by_person


def most_urgent(thresholds: Sequence[Threshold]) -> Threshold:
    """The one to send: the latest send date; on a tie, the more urgent kind."""
    return max(thresholds, key=lambda t: (t.send_on, _URGENCY[t.kind], t.key))


# --- the run -------------------------------------------------------------------------------


def plan(
    registry: Any, *, today: dt.date, settings: ReminderSettings, notifiers: Mapping[str, Notifier]
) -> list[dict[str, Any]]:
    """The ledger rows this run adds. Call inside a store transaction."""
    store = registry.store
    horizon = max((*settings.review_offsets, *settings.dispensation_offsets))
    until = today + dt.timedelta(days=horizon) + WORKDAY_SLACK
    own_until = today + dt.timedelta(days=MAX_REMINDER_OFFSET_DAYS) + WORKDAY_SLACK
    per_person: list[tuple[str, list[Threshold]]] = []
    for row in store.review_candidates(until=until, own_offsets_until=own_until):
        per_person.extend(review_thresholds(row, today, settings).items())
    for row in store.dispensation_candidates(until=until, ended_since=today - EVALUATION_WINDOW):
        per_person.extend(dispensation_thresholds(row, today, settings).items())

    chosen: list[tuple[str, Threshold]] = []
    for person, thresholds in per_person:
        cycles: dict[tuple[str, dt.date], list[Threshold]] = defaultdict(list)
        for threshold in thresholds:
            cycles[(threshold.item, threshold.due_on)].append(threshold)
        chosen.extend((person, most_urgent(group)) for group in cycles.values())
    if not chosen:
        return []

    persons = store.persons_by_ref(person for person, _ in chosen)
    latest = store.notice_send_dates(sorted({t.item for _, t in chosen}))
    rows = []
    for ref, threshold in chosen:
        person = persons.get(ref)
        if person is None:
            continue
        for channel, notifier in notifiers.items():
            if not _wants(notifier, person):
                continue
            already = latest.get((threshold.item, str(threshold.due_on), ref, channel))
            if already is not None and already >= threshold.send_on:
                continue  # this threshold, or a more urgent one, is in the ledger already
            rows.append(
                {
                    "item": threshold.item,
                    "kind": threshold.kind.value,
                    "threshold": threshold.key,
                    "recipient": ref,
                    "channel": channel,
                    "title": threshold.title,
                    "owner": threshold.owner,
                    "due_on": threshold.due_on,
                    "send_on": threshold.send_on,
                    "state": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "created_on": today,
                }
            )
    return rows


def _wants(notifier: Notifier, person: Person) -> bool:
    try:
        return bool(notifier.wants(person))
    except Exception:
        log.exception(
            "notifier %s failed deciding whether it reaches %s", notifier.name, person.ref
        )
        return False


def _digests(
    rows: Iterable[Mapping[str, Any]], persons: Mapping[str, Person], today: dt.date, language: str
) -> list[tuple[str, Digest, list[int]]]:
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["channel"], row["recipient"])].append(row)
    digests = []
    for (channel, recipient), group in sorted(groups.items()):
        group.sort(key=lambda r: (r["due_on"], r["item"]))
        items = tuple(
            DigestItem(
                kind=NoticeKind(r["kind"]),
                ref=r["item"].split(":", 1)[1],
                title=r["title"],
                due_on=r["due_on"],
                days_left=(r["due_on"] - today).days,
                owner=r["owner"],
            )
            for r in group
        )
        digest = Digest(recipient=persons[recipient], run_on=today, language=language, items=items)
        digests.append((channel, digest, [r["id"] for r in group if r.get("id") is not None]))
    return digests


def run(
    registry: Any,
    *,
    config: Config,
    notifiers: Mapping[str, Notifier],
    today: dt.date | None = None,
    dry_run: bool = False,
    language: str | None = None,
) -> RunReport:
    """One reminder run. See the module docstring for what it does."""
    store = registry.store
    today = today or registry.today()
    language = language or config.language
    settings = config.reminders
    if dry_run:
        with store.transaction(write=False):
            rows = plan(registry, today=today, settings=settings, notifiers=notifiers)
            pending = [
                r for r in store.notices() if r["state"] == "pending" and r["channel"] in notifiers
            ]
            everything = [*pending, *rows]
            persons = store.persons_by_ref(r["recipient"] for r in everything)
        digests = _digests(everything, persons, today, language)
        return RunReport(
            today,
            True,
            (),
            len(rows),
            tuple((channel, digest) for channel, digest, _ in digests),
            (),
        )

    ended = registry.expire(today=today)
    with store.transaction():
        rows = plan(registry, today=today, settings=settings, notifiers=notifiers)
        store.insert_notices(rows)
    worker = f"{socket.gethostname()}:{os.getpid()}:{id(rows)}"
    now = registry.now()
    with store.transaction(exclusive=False):
        claimed = [dict(r) for r in store.claim_notices(worker=worker, now=now, lease=LEASE)]
        persons = store.persons_by_ref(r["recipient"] for r in claimed)
    delivered: list[tuple[str, Digest]] = []
    failures: list[tuple[str, str, str]] = []
    deliverable = [r for r in claimed if r["channel"] in notifiers]
    for channel, digest, ids in _digests(deliverable, persons, today, language):
        try:
            notifiers[channel].deliver(digest)
        except Exception as exc:  # isolation: one channel's failure is only its own
            error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            log.warning("%s could not deliver to %s: %s", channel, digest.recipient.ref, error)
            with store.transaction(exclusive=False):
                store.mark_failed_attempt(
                    ids, worker=worker, error=error, max_attempts=settings.max_attempts
                )
            failures.append((channel, digest.recipient.ref, error))
            continue
        with store.transaction(exclusive=False):
            store.mark_sent(ids, worker=worker, at=registry.now())
        delivered.append((channel, digest))
    with store.transaction(exclusive=False):
        store.release_claims(worker=worker)  # e.g. notices of a channel no longer installed
    return RunReport(today, False, tuple(ended), len(rows), tuple(delivered), tuple(failures))


def collect_notifiers(config: Config, *, only: Sequence[str] | None = None) -> dict[str, Notifier]:
    """The notifiers plugins register for this configuration, by channel name."""
    from styrdok.plugins import implementations

    found: dict[str, Notifier] = {}

    def register(notifier: Notifier) -> None:
        if notifier.name not in found:
            found[notifier.name] = notifier

    for name, function in implementations("styrdok_register_notifiers"):
        try:
            function(register=register, config=config)
        except InvalidValue:
            raise  # a settings mistake must be seen, not silently leave a channel out
        except Exception:
            log.exception("plugin %s failed registering notifiers", name)
    if only:
        missing = sorted(set(only) - set(found))
        if missing:
            raise InvalidValue(
                f"no channel named {missing[0]!r}; available: {', '.join(sorted(found)) or 'none'}"
            )
        found = {name: notifier for name, notifier in found.items() if name in only}
    return found
