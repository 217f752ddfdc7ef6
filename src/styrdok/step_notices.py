"""Notices for each step of a request and a question — planned with the other reminders
(:func:`styrdok.reminders.plan`).

* A dispensation (or a renewal, in words of its own) is requested → the people who may
  decide it (:func:`styrdok.rules.approvers_of`), never the requester or the responsible
  person. It is withdrawn → everyone the ledger says was told of it, that no decision is
  needed (on the day withdrawn: ``ended_on``).
* It is approved or rejected → the requester and the responsible person, not the one who
  decided; revoked or closed → the requester and the responsible person, on the day it ends,
  not the one who ended it (``ended_by``).
* A question is asked → the document's guardian (its owner where there is none); it is
  answered → the one who asked, unless they answered it themselves.
* A request or a question still waiting after ``waiting_after_working_days`` working days →
  a reminder to the same people, once; after ``waiting_escalate_after_days`` days → the
  contact of the body that adopted the document.

Each is a threshold of the item's cycle (the request, the decision, the question, the
answer), so the outbox ledger sends it exactly once and a missed run catches up with the
most urgent one only. They are planned from the records' state, read set-based over the
last :data:`STEP_WINDOW` days (never from the audit log): a step older than that is not
worth telling any more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from styrdok.config import ReminderSettings
from styrdok.enums import DispStatus
from styrdok.notify import NoticeKind
from styrdok.outbox import Notice, QuestionStep, RequestStep
from styrdok.rules import deciders
from styrdok.workdays import add_working_days, previous_working_day

if TYPE_CHECKING:
    from styrdok.reminders import Threshold
    from styrdok.store.base import Store

#: How long after its day a step is still told (a missed run catches up).
STEP_WINDOW = dt.timedelta(days=60)

#: The decisions the requester and the responsible person hear of, and the day each is
#: dated by: the decision's day, or the day the dispensation ends.
_DECIDED = {DispStatus.APPROVED, DispStatus.REJECTED}
_ENDED = {DispStatus.REVOKED, DispStatus.CLOSED}
_APPROVED_ONCE = {DispStatus.APPROVED, DispStatus.EXPIRED, *_ENDED}


def step_thresholds(
    store: Store, *, today: dt.date, settings: ReminderSettings
) -> dict[str, list[Threshold]]:
    """Thresholds per recipient for the recent steps of requests and questions."""
    # Far enough back that a request made then can still be escalated within the window.
    reach = max(settings.waiting_escalate_after_days, 2 * settings.waiting_after_working_days + 14)
    since = today - STEP_WINDOW - dt.timedelta(days=reach)
    by_person: dict[str, list[Threshold]] = defaultdict(list)
    withdrawn: list[RequestStep] = []
    for step in store.request_steps(since=since):
        if step.status == DispStatus.WITHDRAWN:
            withdrawn.append(step)
        else:
            _request(step, today, settings, by_person)
    _withdrawn(store, withdrawn, today, by_person)
    for question in store.question_steps(since=since):
        _question(question, today, settings, by_person)
    return by_person


def _due(send_on: dt.date, today: dt.date) -> bool:
    return today - STEP_WINDOW < send_on <= today


def _add(
    by_person: dict[str, list[Threshold]],
    people: Iterable[str | None],
    item: str,
    kind: NoticeKind,
    key: str,
    due_on: dt.date,
    send_on: dt.date,
    title: str,
    owner: str,
    today: dt.date,
) -> None:
    from styrdok.reminders import Threshold

    if not _due(send_on, today):
        return
    for person in sorted({p for p in people if p}):
        by_person[person].append(Threshold(item, kind, key, due_on, send_on, title, owner))


def _waiting(
    by_person: dict[str, list[Threshold]],
    people: Iterable[str | None],
    contact: str | None,
    item: str,
    kinds: tuple[NoticeKind, NoticeKind, NoticeKind],
    since: dt.date,
    title: str,
    owner: str,
    today: dt.date,
    settings: ReminderSettings,
) -> None:
    """The first notice, the reminder after some working days, the escalation."""
    first, reminder, escalation = kinds
    people = list(people)
    _add(by_person, people, item, first, f"{since}/new", since, since, title, owner, today)
    remind_on = add_working_days(since, settings.waiting_after_working_days)
    _add(by_person, people, item, reminder, f"{since}/wait", since, remind_on, title, owner, today)
    escalate_on = previous_working_day(
        since + dt.timedelta(days=settings.waiting_escalate_after_days)
    )
    key = f"{since}/escalate"
    _add(by_person, [contact], item, escalation, key, since, escalate_on, title, owner, today)


def _request(
    step: RequestStep,
    today: dt.date,
    settings: ReminderSettings,
    by_person: dict[str, list[Threshold]],
) -> None:
    status = DispStatus(step.status)
    parties = {step.requested_by, step.responsible}
    if status is DispStatus.REQUESTED:
        people = deciders(step.guardian, step.approvers) - parties
        first = NoticeKind.RENEWAL_REQUEST if step.renewal_of else NoticeKind.REQUEST
        kinds = (first, NoticeKind.REQUEST_WAITING, NoticeKind.REQUEST_ESCALATION)
        _waiting(
            by_person,
            people,
            step.contact,
            f"request:{step.ref}",
            kinds,
            step.requested_on,
            step.title,
            step.document_ref,
            today,
            settings,
        )
        return
    item = f"decision:{step.ref}"
    if step.decided_on is not None and status in _DECIDED | _APPROVED_ONCE:
        outcome = DispStatus.REJECTED if status is DispStatus.REJECTED else DispStatus.APPROVED
        on = step.decided_on
        key = f"{on}/{outcome.value}"
        told = parties - {step.decided_by}
        _add(
            by_person,
            told,
            item,
            NoticeKind.DECISION,
            key,
            on,
            on,
            step.title,
            outcome.value,
            today,
        )
    if status in _ENDED and step.ended_on is not None:
        on = step.ended_on
        key = f"{on}/{status.value}"
        title = step.title
        told = parties - {step.ended_by}  # who ended it knows
        _add(by_person, told, item, NoticeKind.DECISION, key, on, on, title, status.value, today)


def _withdrawn(
    store: Store,
    steps: list[RequestStep],
    today: dt.date,
    by_person: dict[str, list[Threshold]],
) -> None:
    """Those told of a request that was since withdrawn hear that it needs no decision.

    Who was told is what the ledger holds for the request (its deciders, and the body's
    contact if it was escalated), not who may decide it now: someone who never heard of
    the request is not told it is gone. The withdrawal is an item of its own
    (``withdrawn:REF``), so its cycle never meets the request's, even on the same day."""
    recent = [s for s in steps if s.ended_on is not None and _due(s.ended_on, today)]
    if not recent:
        return  # withdrawn before the day was recorded, or long ago
    told: dict[str, set[str]] = defaultdict(set)
    for item, _due_on, recipient, _channel in store.notice_send_dates(
        [f"request:{s.ref}" for s in recent]
    ):
        told[item].add(recipient)
    for step in recent:
        assert step.ended_on is not None
        on = step.ended_on
        _add(
            by_person,
            told[f"request:{step.ref}"] - {step.ended_by},  # who withdrew it knows
            f"withdrawn:{step.ref}",
            NoticeKind.REQUEST_WITHDRAWN,
            f"{on}/withdrawn",
            on,
            on,
            step.title,
            step.document_ref,
            today,
        )


def _question(
    question: QuestionStep,
    today: dt.date,
    settings: ReminderSettings,
    by_person: dict[str, list[Threshold]],
) -> None:
    if question.answered_on is None:
        keeper = question.guardian or question.owner
        kinds = (NoticeKind.QUESTION, NoticeKind.QUESTION_WAITING, NoticeKind.QUESTION_ESCALATION)
        _waiting(
            by_person,
            [keeper] if keeper != question.asked_by else [],
            question.contact,
            f"question:{question.id}",
            kinds,
            question.asked_on,
            question.title,
            question.document_ref,
            today,
            settings,
        )
        return
    on = question.answered_on
    told = {question.asked_by} - {question.answered_by}
    _add(
        by_person,
        told,
        f"answer:{question.id}",
        NoticeKind.ANSWER,
        f"{on}/answer",
        on,
        on,
        question.title,
        question.document_ref,
        today,
    )


#: Where each kind of item is shown in the intranet (examples/intranet), below the base
#: address; ``{ref}`` is the item's ref, ``{owner}`` the notice's owner field.
_ROUTES = {
    "document": "/dokument/{ref}",
    "read": "/dokument/{ref}",
    "dispensation": "/dispens/{ref}",
    "request": "/dispens/{ref}",
    "decision": "/dispens/{ref}",
    "withdrawn": "/dispens/{ref}",
    # The document's page, where its guardian (or owner) answers each open question.
    "question": "/dokument/{owner}#obesvarade",
    # The asker's own questions, where the answer is shown (a document's page shows it
    # only once it is one of its frequent questions).
    "answer": "/mina-fragor#fraga-{ref}",
}


#: The intranet's page of what falls due, overdue first: where a digest's summary of
#: long-overdue reviews links to.
DUE_PAGE = "/aktuellt"


def due_page_link(base_url: str | None) -> str:
    """The address of the intranet's page of what is due, or ``""`` without a base URL."""
    return base_url.rstrip("/") + DUE_PAGE if base_url else ""


def link_for(notice: Notice, base_url: str | None) -> str:
    """The address of the notice's item in the intranet, or ``""`` without a base URL."""
    if not base_url:
        return ""
    prefix, ref = notice.item.split(":", 1)
    route = _ROUTES.get(prefix)
    if route is None:
        return ""
    return base_url.rstrip("/") + route.format(ref=ref, owner=notice.owner)
