"""Two simulated years of daily reminder runs, about 20 % of days missed at random.

Checks the promises of the reminder engine end to end on the Mittköping register:

* every review, document end and dispensation end is notified to each responsible person
  on the first run on or after its first reminder date — before the date itself, or on the
  first run after a missed window;
* nothing is delivered twice: per (item, threshold, recipient, channel) at most once;
* one digest per recipient per channel per run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

from styrdok.config import Config, ReminderSettings
from styrdok.demo import build_demo
from styrdok.model import DispensationRequest, DispStatus, DocStatus, Funding, ReviewOutcome
from styrdok.registry import Registry
from styrdok.workdays import previous_working_day
from test_reminders import Recorder

START = dt.date(2026, 11, 22)
DAYS = 2 * 365


def test_two_years_of_daily_runs(tmp_path: Path) -> None:
    """Reliable (none missed), exactly once, one digest per person per run."""
    rng = random.Random(20261122)
    config = Config()
    settings = config.reminders
    mail, chat = Recorder("mail"), Recorder("chat")
    cycles: dict[tuple[str, dt.date], tuple[int, frozenset[str]]] = {}
    current_on: dict[dt.date, set[tuple[str, dt.date]]] = {}
    runs: list[dt.date] = []
    with Registry.open(tmp_path / "sim.db", create=True) as registry:
        build_demo(registry, today=START)
        for offset in range(DAYS):
            today = START + dt.timedelta(days=offset)
            current_on[today] = _note_cycles(registry, cycles, settings)
            if rng.random() < 0.2:
                continue  # the server was down, or cron forgot
            runs.append(today)
            before = len(mail.digests)
            registry.remind(config=config, notifiers={"mail": mail, "chat": chat}, today=today)
            per_person = Counter(d.recipient.ref for d in mail.digests[before:])
            assert max(per_person.values(), default=1) == 1, today
            _people_do_their_reviews(registry, today, rng)
            _people_ask_for_dispensations(registry, today, rng)
        with registry.store.transaction(write=False):
            sent = [r for r in registry.store.notices() if r.state == "sent"]

    # Nothing twice: each delivered item is one ledger row, and each row was sent once.
    for channel in (mail, chat):
        delivered = sum(len(d.items) for d in channel.digests)
        assert delivered == sum(1 for r in sent if r.channel == channel.name)
    keys = Counter((r.item, r.threshold, r.recipient, r.channel) for r in sent)
    assert max(keys.values()) == 1

    # None missed: each cycle reached each person on the first run after its first date.
    heard = {
        (d.run_on, d.recipient.ref, item.ref, item.due_on) for d in mail.digests for item in d.items
    }
    checked = 0
    for (ref, due), (lead, people) in cycles.items():
        first = previous_working_day(due - dt.timedelta(days=lead))
        if first <= START or due > START + dt.timedelta(days=DAYS - 1):
            continue  # began before the simulation, or falls after it
        first_run = next(day for day in runs if day >= first)
        if (ref, due) not in current_on[first_run]:
            continue  # reviewed early, lapsed or ended before anyone was to be reminded
        for person in people:
            assert (first_run, person, ref, due) in heard, (ref, due, person, first_run)
            checked += 1
    assert checked > 150  # the check really covered the register's cycles


def _note_cycles(
    registry: Registry,
    cycles: dict[tuple[str, dt.date], tuple[int, frozenset[str]]],
    settings: ReminderSettings,
) -> set[tuple[str, dt.date]]:
    """Record every review, document end and dispensation end the register has now, and
    return them."""
    now: set[tuple[str, dt.date]] = set()
    for doc in registry.list_documents(status=DocStatus.IN_FORCE):
        people = frozenset(p for p in (doc.owner, doc.guardian) if p)
        lead = max(doc.reminder_offsets or settings.review_offsets)
        for due in (doc.next_review_on, doc.valid_until):
            if due is not None:
                cycles.setdefault((doc.ref, due), (lead, people))
                now.add((doc.ref, due))
    for disp in registry.list_dispensations(status=DispStatus.APPROVED):
        people = frozenset({disp.responsible, disp.decision.by if disp.decision else ""} - {""})
        lead = max(settings.dispensation_offsets)
        cycles.setdefault((disp.ref, disp.valid_until), (lead, people))
        now.add((disp.ref, disp.valid_until))
    return now


def _people_do_their_reviews(registry: Registry, today: dt.date, rng: random.Random) -> None:
    """Guardians review overdue documents after a while, starting the next cycle."""
    for doc in registry.list_documents(status=DocStatus.IN_FORCE):
        due = doc.next_review_on
        if due is not None and (today - due).days >= rng.randint(0, 40):
            registry.review_document(
                doc.ref, actor=doc.guardian, on=today, outcome=ReviewOutcome.CONFIRMED
            )


# (document, requester, responsible, approver)
PILOTS = [
    ("RIKT-MOLN-SKOLA", "lisa.holm", "lisa.holm", "erik.makinen"),
    ("RIKT-SOC-01", "sara.jansson", "maria.nystrom", "olle.strand"),
    ("POL-IS-01", "jonas.ali", "hanna.persson", "gustav.berg"),
    ("RIKT-IS-02", "amir.yusuf", "lena.oberg", "gustav.berg"),
]


def _people_ask_for_dispensations(registry: Registry, today: dt.date, rng: random.Random) -> None:
    """Now and then a unit gets a time-limited dispensation; ended ones are evaluated."""
    if rng.random() < 0.15:
        document, requester, responsible, approver = rng.choice(PILOTS)
        start = today + dt.timedelta(days=rng.randint(0, 20))
        request = DispensationRequest(
            document_ref=document,
            scope=f"Pilot från {start}",
            responsible=responsible,
            valid_from=start,
            valid_until=start + dt.timedelta(days=rng.randint(20, 170)),
            funding=Funding(no_extra_cost=True),
        )
        ref = registry.request_dispensation(request, actor=requester, on=today).ref
        registry.approve_dispensation(ref, actor=approver, on=today)
    for disp in registry.list_dispensations(status=DispStatus.EXPIRED):
        if disp.evaluation is None and rng.random() < 0.1:
            registry.evaluate_dispensation(
                disp.ref, actor=disp.responsible, on=today, outcome="Gick bra"
            )
