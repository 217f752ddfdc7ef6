"""Reminders: offsets, working days, catch-up, escalation, exactly once, isolation, retry."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from conftest import day, request
from styrdok import Person
from styrdok.config import Config, ReminderSettings
from styrdok.notify import Digest, NoticeKind, render_text
from styrdok.registry import Registry
from styrdok.reminders import RunReport
from styrdok.workdays import is_working_day, previous_working_day

D = dt.date


class Recorder:
    """A channel that keeps what it is given (or fails on purpose)."""

    def __init__(self, name: str = "test", *, failing: bool = False) -> None:
        self.name = name
        self.failing = failing
        self.digests: list[Digest] = []

    def wants(self, recipient: Person) -> bool:
        return True

    def deliver(self, digest: Digest) -> None:
        if self.failing:
            raise ConnectionError("mail server unreachable")
        self.digests.append(digest)

    def seen(self) -> list[tuple[dt.date, str, str, str]]:
        """(run day, recipient, kind, ref) for every item delivered."""
        return [
            (d.run_on, d.recipient.ref, i.kind.value, i.ref) for d in self.digests for i in d.items
        ]


def remind(
    registry: Registry,
    today: dt.date,
    *channels: Recorder,
    config: Config | None = None,
    dry_run: bool = False,
) -> RunReport:
    return registry.remind(
        config=config or Config(),
        notifiers={c.name: c for c in channels},
        today=today,
        dry_run=dry_run,
    )


def test_swedish_holidays_and_eves_are_not_working_days() -> None:
    """Weekends, public holidays and midsummer/Christmas/New Year's eve are skipped."""
    assert not is_working_day(D(2026, 6, 19))  # Midsummer Eve
    assert not is_working_day(D(2026, 12, 24))  # Christmas Eve
    assert not is_working_day(D(2026, 12, 31))  # New Year's Eve
    assert not is_working_day(D(2027, 1, 6))  # Epiphany
    assert is_working_day(D(2026, 12, 23))
    assert previous_working_day(D(2026, 12, 27)) == D(2026, 12, 23)
    assert previous_working_day(D(2027, 3, 29)) == D(2027, 3, 25)  # Easter Monday → Thu


def test_review_reminders_at_each_offset_on_working_days(seeded: Registry) -> None:
    """POL-1 is due Sunday 22 Nov: owner and guardian hear 60, 30, 7 and 0 days before,
    each moved back to a working day."""
    channel = Recorder()
    for offset in range((D(2026, 11, 22) - D(2026, 9, 1)).days + 1):
        remind(seeded, D(2026, 9, 1) + dt.timedelta(days=offset), channel)
    days = [(when, who) for when, who, kind, ref in channel.seen() if ref == "POL-1"]
    expected = [D(2026, 9, 23), D(2026, 10, 23), D(2026, 11, 13), D(2026, 11, 20)]
    assert days == [(d, who) for d in expected for who in ("guardian", "owner")]


def test_missed_runs_catch_up_with_only_the_most_urgent(seeded: Registry) -> None:
    """The first run in months sends one reminder per person, not four."""
    channel = Recorder()
    remind(seeded, D(2026, 11, 21), channel)
    assert [(d.recipient.ref, [i.days_left for i in d.items]) for d in channel.digests] == [
        ("guardian", [1]),
        ("owner", [1]),
    ]
    remind(seeded, D(2026, 11, 22), channel)
    assert len(channel.digests) == 2


def test_weekly_while_overdue_then_monthly_and_escalation_after_thirty_days(
    seeded: Registry,
) -> None:
    """Overdue: a reminder a week for four weeks, then one a month, on working days; from
    30 days the adopting body's contact is told, once."""
    channel = Recorder()
    start = D(2026, 11, 23)
    for offset in range(90):
        remind(seeded, start + dt.timedelta(days=offset), channel)
    owner = [(when, kind) for when, who, kind, _ in channel.seen() if who == "owner"]
    assert owner == [
        (D(2026, 11, 23), "review"),  # the day-0 reminder, caught up on the first run
        (D(2026, 11, 27), "overdue"),  # due + 7 is a Sunday: moved back to Friday
        (D(2026, 12, 4), "overdue"),
        (D(2026, 12, 11), "overdue"),
        (D(2026, 12, 18), "overdue"),  # due + 28: the last weekly one
        (D(2027, 1, 19), "overdue"),  # due + 58: monthly from here
        (D(2027, 2, 18), "overdue"),  # due + 88
    ]
    escalations = [(when, who) for when, who, kind, _ in channel.seen() if kind == "escalation"]
    assert escalations == [(D(2026, 12, 22), "admin")]


def test_a_second_run_the_same_day_sends_nothing(seeded: Registry) -> None:
    """Exactly once: the ledger remembers what each channel has delivered."""
    channel = Recorder()
    first = remind(seeded, D(2026, 11, 20), channel)
    second = remind(seeded, D(2026, 11, 20), channel)
    assert (first.planned, len(first.digests)) == (2, 2)
    assert (second.planned, len(second.digests)) == (0, 0)


def test_one_digest_per_person_per_run(seeded: Registry) -> None:
    """A guardian with a review and an ending dispensation gets one message with both."""
    ref = seeded.request_dispensation(
        request(valid_from=day(200), valid_until=day(265)), actor="requester"
    ).ref
    seeded.approve_dispensation(ref, actor="guardian")
    channel = Recorder()
    remind(seeded, D(2026, 11, 20), channel)
    guardian = [d for d in channel.digests if d.recipient.ref == "guardian"]
    assert len(guardian) == 1
    assert sorted((i.kind.value, i.ref) for i in guardian[0].items) == [
        ("dispensation_expiry", ref),
        ("review", "POL-1"),
    ]
    assert Counter(d.recipient.ref for d in channel.digests) == {
        "guardian": 1,
        "owner": 1,
        "responsible": 1,
    }


def test_a_failing_channel_keeps_its_notices_and_the_others_deliver(seeded: Registry) -> None:
    """Isolation and retry: mail down does not stop chat; mail catches up next run, once."""
    chat, mail = Recorder("chat"), Recorder("mail", failing=True)
    report = remind(seeded, D(2026, 11, 20), chat, mail)
    assert len(chat.digests) == 2 and mail.digests == []
    assert report.failures == (
        ("mail", "guardian", "ConnectionError: mail server unreachable"),
        ("mail", "owner", "ConnectionError: mail server unreachable"),
    )
    with seeded.store.transaction(write=False):
        pending = [r for r in seeded.store.notices() if r.channel == "mail"]
    assert {(r.state, r.attempts, r.last_error) for r in pending} == {
        ("pending", 1, "ConnectionError: mail server unreachable")
    }
    mail.failing = False
    remind(seeded, D(2026, 11, 23), chat, mail)
    assert [d.recipient.ref for d in mail.digests] == ["guardian", "owner"]
    assert len(chat.digests) == 2  # chat had them already: nothing twice
    remind(seeded, D(2026, 11, 23), chat, mail)
    assert len(mail.digests) == 2


def test_a_channel_that_keeps_failing_is_given_up_after_max_attempts(seeded: Registry) -> None:
    """After max_attempts runs the notice is marked failed and no longer retried."""
    mail = Recorder("mail", failing=True)
    config = Config(reminders=ReminderSettings(max_attempts=2))
    remind(seeded, D(2026, 11, 20), mail, config=config)
    remind(seeded, D(2026, 11, 20), mail, config=config)
    with seeded.store.transaction(write=False):
        assert {r.state for r in seeded.store.notices()} == {"failed"}
    assert remind(seeded, D(2026, 11, 20), mail, config=config).failures == ()


def test_a_notifier_that_raises_while_choosing_recipients_is_isolated(seeded: Registry) -> None:
    """A broken plugin cannot stop the run; it simply reaches no one."""

    class Broken(Recorder):
        def wants(self, recipient: Person) -> bool:
            raise RuntimeError("bug in plugin")

    chat = Recorder("chat")
    remind(seeded, D(2026, 11, 20), chat, Broken("broken"))
    assert len(chat.digests) == 2


def test_dry_run_shows_what_would_be_sent_and_changes_nothing(seeded: Registry) -> None:
    """--dry-run plans the same digests but writes no ledger row and delivers nothing."""
    channel = Recorder()
    preview = remind(seeded, D(2026, 11, 20), channel, dry_run=True)
    assert [d.recipient.ref for _, d in preview.digests] == ["guardian", "owner"]
    assert channel.digests == []
    with seeded.store.transaction(write=False):
        assert list(seeded.store.notices()) == []
    real = remind(seeded, D(2026, 11, 20), channel)
    assert [d for _, d in real.digests] == [d for _, d in preview.digests]


def test_dispensations_remind_then_expire_and_ask_for_an_evaluation(
    seeded: Registry, approved: str
) -> None:
    """30, 7, 1 days before the end to the responsible person and the approver; at the
    end it expires and the responsible person is asked how it went."""
    channel = Recorder()
    for offset in range(60, 105):
        remind(seeded, day(offset), channel)
    seen = [(when, who, kind) for when, who, kind, ref in channel.seen() if ref == approved]
    ends = day(100)  # Wednesday 10 June 2026
    assert seen == [
        (ends - dt.timedelta(days=30), "guardian", "dispensation_expiry"),
        (ends - dt.timedelta(days=30), "responsible", "dispensation_expiry"),
        (D(2026, 6, 3), "guardian", "dispensation_expiry"),
        (D(2026, 6, 3), "responsible", "dispensation_expiry"),
        (D(2026, 6, 9), "guardian", "dispensation_expiry"),
        (D(2026, 6, 9), "responsible", "dispensation_expiry"),
        (day(101), "responsible", "evaluation"),
    ]
    assert seeded.get_dispensation(approved).status.value == "expired"


def test_a_document_can_have_its_own_offsets(seeded: Registry) -> None:
    """A council document reminded 90 days ahead, beyond the global 60."""
    seeded.edit_document("POL-1", {"reminder_offsets": (90, 0)}, actor="owner")
    channel = Recorder()
    remind(seeded, D(2026, 8, 24), channel)
    assert [(i.days_left, i.kind) for d in channel.digests for i in d.items] == [
        (90, NoticeKind.REVIEW),
        (90, NoticeKind.REVIEW),
    ]


def test_reminders_speak_swedish_by_default_and_english_on_request(seeded: Registry) -> None:
    """The language comes from the configuration."""
    sv, en = Recorder("sv"), Recorder("en")
    remind(seeded, D(2026, 11, 20), sv)
    seeded.remind(config=Config(language="en"), notifiers={"en": en}, today=D(2026, 11, 20))
    assert "ska aktualitetsprövas senast 22 november 2026 (om 2 dagar)" in render_text(
        sv.digests[0]
    )
    assert "is due on 22 November 2026 (in 2 days)" in render_text(en.digests[0])


def test_remind_and_due_agree(tmp_path: Path) -> None:
    """On the demo register, everything remind notifies about is on `due`'s list for the
    same horizon, and every overdue review on that list is notified."""
    from styrdok.demo import build_demo

    today = D(2026, 11, 22)
    with Registry.open(tmp_path / "demo.db", create=True) as registry:
        build_demo(registry, today=today)
        channel = Recorder()
        remind(registry, today, channel)
        due = registry.due(today=today, within_days=60)
    as_due_kind = {
        "review": "review",
        "overdue": "review",
        "escalation": "review",
        "document_expiry": "document_expiry",
        "dispensation_expiry": "dispensation_expiry",
    }
    notified = {
        (as_due_kind[kind], ref) for _, _, kind, ref in channel.seen() if kind in as_due_kind
    }
    assert notified <= {(i.kind.value, i.ref) for i in due}
    overdue = {("review", i.ref) for i in due if i.kind.value == "review" and i.days_left < 0}
    assert overdue and overdue <= notified


def test_the_overdue_cadence_is_set_in_the_settings(seeded: Registry) -> None:
    """`[reminders] overdue_back_off_after_days = 0` and `overdue_then_every_days = 14`:
    every other week from the start."""
    channel = Recorder()
    settings = ReminderSettings(overdue_back_off_after_days=0, overdue_then_every_days=14)
    start = D(2026, 11, 23)
    for offset in range(40):
        remind(
            seeded, start + dt.timedelta(days=offset), channel, config=Config(reminders=settings)
        )
    owner = [when for when, who, kind, _ in channel.seen() if who == "owner" and kind == "overdue"]
    assert owner == [D(2026, 12, 4), D(2026, 12, 18), D(2026, 12, 30)]
