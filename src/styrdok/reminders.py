"""Reminders: who must hear about what today, and the digests that tell them.

This module decides (pure functions over typed candidates and notices); the run itself is
the use case :func:`styrdok.usecases.reminding.remind` (``Registry.remind``). One run
(``styrdok remind``) does four things:

1. **Expire**: documents past ``valid_until`` lapse, dispensations past theirs expire.
2. **Plan**: for every review (and the steps of its escalation, :mod:`styrdok.escalation`),
   end date, finished dispensation, document not yet confirmed by those asked to read it
   (:mod:`styrdok.reading_reminders`) and recent step of a request or a question
   (:mod:`styrdok.step_notices`) within reach, work out
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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from styrdok.config import Config, ReminderSettings
from styrdok.errors import InvalidValue
from styrdok.escalation import escalation_thresholds
from styrdok.gcpause import paused_gc
from styrdok.model import MAX_REMINDER_OFFSET_DAYS, DispStatus, Person
from styrdok.notify import ALWAYS_TOLD, Digest, DigestItem, NoticeKind, Notifier
from styrdok.outbox import DispensationCandidate, Notice, ReviewCandidate
from styrdok.reading_reminders import read_thresholds
from styrdok.step_notices import due_page_link, link_for, step_thresholds
from styrdok.workdays import previous_working_day

if TYPE_CHECKING:
    from styrdok.store.base import Store

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
    NoticeKind.ESCALATION_MANAGER: 3,
    NoticeKind.EVALUATION: 0,
    NoticeKind.READ: 0,
    NoticeKind.READ_MANAGER: 1,
    NoticeKind.REQUEST: 0,
    NoticeKind.RENEWAL_REQUEST: 0,
    NoticeKind.REQUEST_WITHDRAWN: 0,
    NoticeKind.REQUEST_WAITING: 1,
    NoticeKind.REQUEST_ESCALATION: 2,
    NoticeKind.DECISION: 0,
    NoticeKind.QUESTION: 0,
    NoticeKind.QUESTION_WAITING: 1,
    NoticeKind.QUESTION_ESCALATION: 2,
    NoticeKind.ANSWER: 0,
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


def _overdue_day(n: int, every: int, back_off: int, then_every: int) -> int:
    """The day after the due date of the ``n``-th overdue reminder (n ≥ 1): every
    ``every`` days up to ``back_off`` days, then every ``then_every`` days."""
    weekly = back_off // every  # how many fall in the first phase
    if n <= weekly:
        return n * every
    return weekly * every + (n - weekly) * then_every


def _latest_overdue(
    due: dt.date, today: dt.date, settings: ReminderSettings
) -> tuple[int, dt.date] | None:
    """The latest overdue reminder whose working-day send date has come, as (days after
    the due date, send date). Earlier ones are behind us and never sent late."""
    every = settings.overdue_every_days
    back_off = settings.overdue_back_off_after_days
    then_every = settings.overdue_then_every_days
    late = (today - due).days
    if late < 1 - WORKDAY_SLACK.days:
        return None
    weekly = back_off // every
    # The first reminder at or after today (one more: it may be due already, moved back
    # to a working day), then back to the latest that has come.
    if late <= weekly * every:
        n = late // every + 1
    else:
        n = weekly + (late - weekly * every) // then_every + 1
    while n >= 1:
        days = _overdue_day(n, every, back_off, then_every)
        send_on = previous_working_day(due + dt.timedelta(days=days))
        if send_on <= today:
            return days, send_on
        n -= 1
    return None


def review_thresholds(
    candidate: ReviewCandidate, today: dt.date, settings: ReminderSettings
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient for a document in force: its owner's and guardian's
    reminders of the review and the end of validity (the escalation steps are
    :func:`styrdok.escalation.escalation_thresholds`)."""
    item = f"document:{candidate.ref}"
    offsets = candidate.reminder_offsets or settings.review_offsets
    title = candidate.title
    people = {p for p in (candidate.owner, candidate.guardian) if p}
    by_person: dict[str, list[Threshold]] = defaultdict(list)
    due = candidate.next_review_on
    if due is not None:
        found = _before(item, NoticeKind.REVIEW, due, offsets, today, title)
        overdue = _latest_overdue(due, today, settings)
        if overdue is not None:
            days, send_on = overdue
            found.append(Threshold(item, NoticeKind.OVERDUE, f"{due}/+{days}", due, send_on, title))
        for person in people:
            by_person[person].extend(found)
    end = candidate.valid_until
    if end is not None:
        found = _before(item, NoticeKind.DOCUMENT_EXPIRY, end, offsets, today, title)
        for person in people:
            by_person[person].extend(found)
    return by_person


def dispensation_thresholds(
    candidate: DispensationCandidate, today: dt.date, settings: ReminderSettings
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient for an approved or newly expired dispensation."""
    item = f"dispensation:{candidate.ref}"
    title = candidate.title
    by_person: dict[str, list[Threshold]] = defaultdict(list)
    due = candidate.valid_until
    if candidate.status == DispStatus.EXPIRED:
        if candidate.evaluated:
            return by_person
        ended = candidate.ended_on or due + dt.timedelta(days=1)
        by_person[candidate.responsible].append(
            Threshold(item, NoticeKind.EVALUATION, f"{due}/evaluate", due, ended, title)
        )
        return by_person
    found = _before(
        item, NoticeKind.DISPENSATION_EXPIRY, due, settings.dispensation_offsets, today, title
    )
    for person in {candidate.responsible, candidate.decided_by} - {None}:
        assert person is not None
        by_person[person].extend(found)
    return by_person


def most_urgent(thresholds: Sequence[Threshold]) -> Threshold:
    """The one to send: the latest send date; on a tie, the more urgent kind."""
    return max(thresholds, key=lambda t: (t.send_on, _URGENCY[t.kind], t.key))


# --- planning over the register ------------------------------------------------------------


def plan(
    store: Store, *, today: dt.date, settings: ReminderSettings, notifiers: Mapping[str, Notifier]
) -> list[Notice]:
    """The notices this run adds to the outbox. Call inside a store transaction."""
    with paused_gc():  # tens of thousands of acyclic objects: see styrdok.gcpause
        return _plan(store, today=today, settings=settings, notifiers=notifiers)


def _plan(
    store: Store, *, today: dt.date, settings: ReminderSettings, notifiers: Mapping[str, Notifier]
) -> list[Notice]:
    horizon = max((*settings.review_offsets, *settings.dispensation_offsets))
    until = today + dt.timedelta(days=horizon) + WORKDAY_SLACK
    own_until = today + dt.timedelta(days=MAX_REMINDER_OFFSET_DAYS) + WORKDAY_SLACK
    per_person: list[tuple[str, list[Threshold]]] = []
    reviews = list(store.review_candidates(until=until, own_offsets_until=own_until))
    on_reviews: dict[str, list[Threshold]] = defaultdict(list)
    for review in reviews:
        for person, found in review_thresholds(review, today, settings).items():
            on_reviews[person].extend(found)
    # The escalation steps share the review's cycle: one list per person, so a contact who
    # also owns or guards the document gets the most urgent of the two, not both.
    escalated = escalation_thresholds(store, reviews, today=today, settings=settings)
    for person, found in escalated.items():
        on_reviews[person].extend(found)
    per_person.extend(on_reviews.items())
    for disp in store.dispensation_candidates(until=until, ended_since=today - EVALUATION_WINDOW):
        per_person.extend(dispensation_thresholds(disp, today, settings).items())
    per_person.extend(read_thresholds(store, today=today, settings=settings).items())
    per_person.extend(step_thresholds(store, today=today, settings=settings).items())

    chosen: list[tuple[str, Threshold]] = []
    for person, thresholds in per_person:
        cycles: dict[tuple[str, dt.date], list[Threshold]] = defaultdict(list)
        for threshold in thresholds:
            cycles[(threshold.item, threshold.due_on)].append(threshold)
        chosen.extend((person, most_urgent(group)) for group in cycles.values())
    if not chosen:
        return []

    persons = store.persons_by_ref(person for person, _ in chosen)
    # What each person opted out of is left out (never a decision about a request).
    muted = store.muted_kinds(persons)
    chosen = [
        (ref, t)
        for ref, t in chosen
        if t.kind in ALWAYS_TOLD or t.kind not in muted.get(ref, frozenset())
    ]
    latest = store.notice_send_dates(sorted({t.item for _, t in chosen}))
    notices = []
    for ref, threshold in chosen:
        recipient = persons.get(ref)
        if recipient is None:
            continue
        for channel, notifier in notifiers.items():
            if not _wants(notifier, recipient):
                continue
            already = latest.get((threshold.item, str(threshold.due_on), ref, channel))
            if already is not None and already >= threshold.send_on:
                continue  # this threshold, or a more urgent one, is in the ledger already
            notices.append(
                Notice(
                    item=threshold.item,
                    kind=threshold.kind,
                    threshold=threshold.key,
                    recipient=ref,
                    channel=channel,
                    title=threshold.title,
                    owner=threshold.owner,
                    due_on=threshold.due_on,
                    send_on=threshold.send_on,
                    created_on=today,
                )
            )
    return notices


def _wants(notifier: Notifier, person: Person) -> bool:
    try:
        return bool(notifier.wants(person))
    except Exception:
        log.exception(
            "notifier %s failed deciding whether it reaches %s", notifier.name, person.ref
        )
        return False


def digests(
    notices: Iterable[Notice],
    persons: Mapping[str, Person],
    today: dt.date,
    language: str,
    base_url: str | None = None,
    *,
    summary_after_days: int | None = None,
) -> list[tuple[str, Digest, list[int]]]:
    """One digest per channel and recipient: (channel, digest, ids of its stored notices);
    each item links to its page below ``base_url`` when given. Reviews more than
    ``summary_after_days`` overdue read as one summary line (:func:`styrdok.notify.summary_line`):
    they stay items of the digest, so the ledger marks each sent as before."""
    groups: dict[tuple[str, str], list[Notice]] = defaultdict(list)
    for notice in notices:
        groups[(notice.channel, notice.recipient)].append(notice)
    found = []
    for (channel, recipient), group in sorted(groups.items()):
        group.sort(key=lambda n: (n.due_on, n.item))
        items = tuple(
            DigestItem(
                kind=n.kind,
                ref=n.item.split(":", 1)[1],
                title=n.title,
                due_on=n.due_on,
                days_left=(n.due_on - today).days,
                owner=n.owner,
                link=link_for(n, base_url),
            )
            for n in group
        )
        digest = Digest(
            recipient=persons[recipient],
            run_on=today,
            language=language,
            items=items,
            summary_after_days=summary_after_days,
            summary_link=due_page_link(base_url),
        )
        found.append((channel, digest, [n.id for n in group if n.id is not None]))
    return found


def collect_notifiers(config: Config, *, only: Sequence[str] | None = None) -> dict[str, Notifier]:
    """The notifiers plugins register for this configuration, by channel name (the first
    registration of a name wins). A settings mistake (:class:`InvalidValue`) stops the
    run; any other failure of a plugin is logged and leaves its channels out."""
    from styrdok import plugins

    found: dict[str, Notifier] = {}
    for (notifier,) in plugins.collect(plugins.hook().styrdok_register_notifiers, config=config):
        found.setdefault(notifier.name, notifier)
    if only:
        missing = sorted(set(only) - set(found))
        if missing:
            raise InvalidValue(
                f"no channel named {missing[0]!r}; available: {', '.join(sorted(found)) or 'none'}"
            )
        found = {name: notifier for name, notifier in found.items() if name in only}
    return found
