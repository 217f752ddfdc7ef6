"""Reminders to read: who has not confirmed a document they were asked to read, and their
managers — planned with the other reminders (:func:`styrdok.reminders.plan`).

Someone asked to read a document (its version came into force, or they joined a unit it
applies to) and who has not confirmed it is reminded once, ``read_after_days`` later, in
their usual digest. ``read_manager_after_days`` after the version came into force, each
manager of a unit it applies to whose staff have not all confirmed is told, once per
version. Both go through the outbox ledger like every reminder, so each is sent exactly
once; a missed run catches up.

Only what fell due within :data:`READ_WINDOW` is planned: a reminder that could not be sent
for months is not worth sending, and the window keeps each run's work to recent adoptions
and recent arrivals instead of every unread pair of the register (the "Att läsa" page and
``styrdok ack todo`` still list everything).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from styrdok.config import ReminderSettings
from styrdok.notify import NoticeKind
from styrdok.organisation import UnitTree
from styrdok.outbox import ReadCandidate

if TYPE_CHECKING:
    from styrdok.reminders import Threshold
    from styrdok.store.base import Store

#: How long after its day a reminder to read is still sent (a missed run catches up).
READ_WINDOW = dt.timedelta(days=60)


def read_thresholds(
    store: Store, *, today: dt.date, settings: ReminderSettings
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient: readers who have not confirmed, and their managers."""
    candidates = store.read_candidates()
    if not candidates:
        return {}
    tree = UnitTree(store.list_units())
    # Each manager's units with those under them, walked once per run, not per document.
    managed = {
        manager: tree.managed_by(manager)
        for manager in sorted({u.manager for u in tree.units.values() if u.manager})
    }
    by_person: dict[str, list[Threshold]] = defaultdict(list)
    for candidate in candidates:
        targets = tree.subtree(candidate.applies_to)
        if targets:
            _readers(store, candidate, targets, today, settings, by_person)
            _managers(store, tree, managed, candidate, targets, today, settings, by_person)
    return by_person


def _in_window(send_on: dt.date, today: dt.date) -> bool:
    return today - READ_WINDOW < send_on <= today


def _readers(
    store: Store,
    candidate: ReadCandidate,
    targets: list[str],
    today: dt.date,
    settings: ReminderSettings,
    by_person: dict[str, list[Threshold]],
) -> None:
    from styrdok.reminders import Threshold

    after = dt.timedelta(days=settings.read_after_days)
    # Everyone unread when the version itself is recent; otherwise only recent arrivals.
    recent = _in_window(candidate.since + after, today)
    unread = store.unread_persons(
        candidate.ref,
        targets,
        versions=(candidate.ack_version, candidate.version),
        joined_since=None if recent else today - READ_WINDOW - after,
    )
    for person in unread:
        since = max(candidate.since, person.unit_since or candidate.since)
        send_on = since + after
        if _in_window(send_on, today):
            by_person[person.ref].append(
                Threshold(
                    f"read:{candidate.ref}",
                    NoticeKind.READ,
                    f"{candidate.ack_version}/read",
                    since,
                    send_on,
                    candidate.title,
                )
            )


def _managers(
    store: Store,
    tree: UnitTree,
    managed: dict[str, list[str]],
    candidate: ReadCandidate,
    targets: list[str],
    today: dt.date,
    settings: ReminderSettings,
    by_person: dict[str, list[Threshold]],
) -> None:
    from styrdok.reminders import Threshold

    send_on = candidate.since + dt.timedelta(days=settings.read_manager_after_days)
    if not _in_window(send_on, today):
        return
    inside = set(targets)
    managers = {tree.units[u].manager for u in targets if tree.units[u].manager}
    for manager in sorted(m for m in managers if m is not None):
        units = [u for u in managed[manager] if u in inside]
        unread = store.unread_persons(
            candidate.ref, units, versions=(candidate.ack_version, candidate.version), limit=1
        )
        if unread:
            by_person[manager].append(
                Threshold(
                    f"read:{candidate.ref}",
                    NoticeKind.READ_MANAGER,
                    f"{candidate.ack_version}/manager",
                    candidate.since,
                    send_on,
                    candidate.title,
                    units[0],  # the highest unit they manage that it applies to
                )
            )
