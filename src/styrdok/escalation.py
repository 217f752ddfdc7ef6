"""An overdue review escalated in steps, and the list its adopting body sees.

1. ``escalate_after_days`` after the review date the contact of the body that adopted the
   document is told (:attr:`NoticeKind.ESCALATION`), once.
2. ``escalate_manager_after_days`` after that, the manager of the owner's unit is told
   (:attr:`NoticeKind.ESCALATION_MANAGER`), once — when the register has units and the
   owner is placed in one. That is the nearest manager at or above the owner's unit who is
   not the owner: someone who manages their own unit answers to the manager above it.
   Someone already told of the review (its owner, its guardian, the body's contact) is not
   told again, and nobody further up is told instead: the step reaches the owner's manager
   or no one.
3. The governance report lists, per adopting body, the documents at least
   ``escalate_after_days`` overdue (:func:`long_overdue`), for the body's next meeting.

Steps 1 and 2 are thresholds of the review's cycle in the outbox ledger (``DUE/escalate``,
``DUE/manager``; planned with the other reminders by :func:`styrdok.reminders.plan`), so
each is sent exactly once, a missed run catches up, and a review moved to a new date
starts its steps afresh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from styrdok.config import ReminderSettings
from styrdok.notify import NoticeKind
from styrdok.organisation import UnitTree
from styrdok.outbox import ReviewCandidate
from styrdok.workdays import previous_working_day

if TYPE_CHECKING:
    from styrdok.model import Body, Document, Person
    from styrdok.reminders import Threshold
    from styrdok.store.base import Store


def escalation_thresholds(
    store: Store,
    candidates: Iterable[ReviewCandidate],
    *,
    today: dt.date,
    settings: ReminderSettings,
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient for the escalation steps of overdue reviews whose send date
    has come. The owners and the organisation are read only when a manager's step is due."""
    from styrdok.reminders import Threshold

    by_person: dict[str, list[Threshold]] = defaultdict(list)
    to_manager: list[tuple[ReviewCandidate, dt.date, dt.date]] = []
    contact_after = dt.timedelta(days=settings.escalate_after_days)
    manager_after = contact_after + dt.timedelta(days=settings.escalate_manager_after_days)
    for candidate in candidates:
        due = candidate.next_review_on
        if due is None:
            continue
        send_on = previous_working_day(due + contact_after)
        if send_on > today:
            continue  # the manager's step comes later still
        if candidate.contact:
            by_person[candidate.contact].append(
                Threshold(
                    f"document:{candidate.ref}",
                    NoticeKind.ESCALATION,
                    f"{due}/escalate",
                    due,
                    send_on,
                    candidate.title,
                    candidate.owner,
                )
            )
        manager_on = previous_working_day(due + manager_after)
        if manager_on <= today:
            to_manager.append((candidate, due, manager_on))
    if to_manager:
        _to_managers(store, to_manager, by_person)
    return by_person


def _to_managers(
    store: Store,
    due: Sequence[tuple[ReviewCandidate, dt.date, dt.date]],
    by_person: dict[str, list[Threshold]],
) -> None:
    from styrdok.reminders import Threshold

    tree = UnitTree(store.list_units())
    if not tree:
        return  # no organisation yet: the step waits until there is one
    owners = store.persons_by_ref(sorted({candidate.owner for candidate, _, _ in due}))
    for candidate, due_on, send_on in due:
        owner = owners.get(candidate.owner)
        if owner is None or not owner.unit or owner.unit not in tree:
            continue  # not placed in a unit (or free text from before the organisation)
        manager = manager_of(tree, owner.unit, candidate.owner)
        if manager is None or manager in {candidate.owner, candidate.guardian, candidate.contact}:
            continue
        by_person[manager].append(
            Threshold(
                f"document:{candidate.ref}",
                NoticeKind.ESCALATION_MANAGER,
                f"{due_on}/manager",
                due_on,
                send_on,
                candidate.title,
                candidate.owner,
            )
        )


def manager_of(tree: UnitTree, unit: str, person: str) -> str | None:
    """The manager ``person`` answers to: the nearest manager of ``unit`` or a unit above
    it who is not ``person``; ``None`` when there is none."""
    for ref in tree.ancestors(unit):
        manager = tree.units[ref].manager
        if manager and manager != person:
            return manager
    return None


# --- the third step: the list for the body's next meeting ----------------------------------

#: The report's default for "long overdue": when the body's contact is told, by default.
LONG_OVERDUE_AFTER_DAYS: int = ReminderSettings().escalate_after_days


@attrs.frozen
class LongOverdue:
    """A document in force whose review is long overdue: one line of its body's list."""

    body: str | None
    """The ref of the body that adopted it; ``None`` for one recorded without a body."""
    body_name: str | None
    """The body's name (its ref if it is not registered); ``None`` without a body."""
    ref: str
    """The document's ref."""
    title: str
    """The document's title."""
    owner: str
    """The owner's ref."""
    owner_name: str
    """The owner's name (their ref if they are not registered)."""
    next_review_on: dt.date
    """The review date that has passed."""
    days_overdue: int
    """Days from the review date to the report's day."""


def long_overdue(
    documents: Iterable[Document],
    persons: Iterable[Person],
    bodies: Iterable[Body],
    *,
    today: dt.date,
    after_days: int,
) -> tuple[LongOverdue, ...]:
    """The documents in force at least ``after_days`` past their review date (their body's
    contact has been told), by body and then the most overdue first; owners and bodies
    named from ``persons`` and ``bodies``."""
    owner_names = {p.ref: p.name for p in persons}
    body_names = {b.ref: b.name for b in bodies}
    found = []
    for document in documents:
        due = document.next_review_on
        if not document.in_force_on(today) or due is None:
            continue
        days = (today - due).days
        if days < after_days:
            continue
        body = document.adopted_by
        found.append(
            LongOverdue(
                body=body,
                body_name=body_names.get(body, body) if body else None,
                ref=document.ref,
                title=document.title,
                owner=document.owner,
                owner_name=owner_names.get(document.owner, document.owner),
                next_review_on=due,
                days_overdue=days,
            )
        )
    found.sort(key=lambda d: (d.body is None, d.body or "", -d.days_overdue, d.ref))
    return tuple(found)
