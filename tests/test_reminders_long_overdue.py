"""Reminders people keep reading: long-overdue reviews summed up in one line, and
escalation in steps (the body's contact, then the owner's manager), each exactly once."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import attrs
import pytest

from conftest import policy
from styrdok import Person
from styrdok.config import Config, ReminderSettings
from styrdok.model import Unit
from styrdok.notify import Digest, render_html, render_text, summary_line
from styrdok.registry import Registry
from styrdok.workdays import previous_working_day
from test_reminders import Recorder, remind

D = dt.date
DUE = D(2026, 11, 22)  # POL-1's review date in the seeded register (a Sunday)
ENGLISH = Config(language="en")


def _runs(
    registry: Registry, channel: Recorder, first: dt.date, days: int, config: Config = ENGLISH
) -> None:
    for offset in range(days):
        remind(registry, first + dt.timedelta(days=offset), channel, config=config)


def _late_documents(registry: Registry) -> None:
    """POL-2 "Plan" due 1 September 2026 and POL-3 "Rutin" due 1 July 2026, both owned and
    guarded like POL-1 (due 22 November 2026)."""
    for ref, title, adopted in (
        ("POL-2", "Plan", D(2025, 9, 1)),
        ("POL-3", "Rutin", D(2025, 7, 1)),
    ):
        registry.add_document(policy(ref, title=title), actor="owner")
        registry.adopt_document(ref, actor="owner", body="KS", on=adopted)


def _exactly_once(registry: Registry, channel: Recorder) -> None:
    """Every item delivered is one ledger row, sent once: the summary changed how the
    notices read, not which were sent."""
    with registry.store.transaction(write=False):
        sent = [n for n in registry.store.notices() if n.state == "sent"]
    assert sum(len(d.items) for d in channel.digests) == len(sent)
    keys = Counter((n.item, n.threshold, n.recipient, n.channel) for n in sent)
    assert max(keys.values()) == 1


def _owner(channel: Recorder, on: dt.date) -> Digest:
    return next(d for d in channel.digests if d.recipient.ref == "owner" and d.run_on == on)


# --- the summary line -----------------------------------------------------------------------


def test_long_overdue_reviews_read_as_one_line_after_the_fresh_items(seeded: Registry) -> None:
    """The first run: POL-1's fresh reminder has its line; POL-2 (80 days late) and POL-3
    (142 days) are one line, the most overdue first — and are still items of the digest."""
    _late_documents(seeded)
    channel = Recorder()
    remind(seeded, D(2026, 11, 20), channel, config=ENGLISH)
    digest = _owner(channel, D(2026, 11, 20))
    assert sorted((i.ref, i.days_left) for i in digest.items) == [
        ("POL-1", 2),
        ("POL-2", -80),
        ("POL-3", -142),
    ]
    bullets = [line for line in render_text(digest).splitlines() if line.startswith("* ")]
    assert bullets == [
        "* The review of POL-1 Informationssäkerhetspolicy is due on 22 November 2026 (in 2 days).",
        "* 2 documents are more than 60 days overdue for their review: POL-3 Rutin (142 days); "
        "POL-2 Plan (80 days).",
    ]
    assert render_html(digest).count("<li>") == 2
    _exactly_once(seeded, channel)


def test_the_summary_reads_in_swedish(seeded: Registry) -> None:
    """Swedish by default: "… dokument är mer än 60 dagar försenade med sin
    aktualitetsprövning"."""
    _late_documents(seeded)
    channel = Recorder()
    remind(seeded, D(2026, 11, 20), channel)
    assert summary_line(_owner(channel, D(2026, 11, 20))) == (
        "2 dokument är mer än 60 dagar försenade med sin aktualitetsprövning: "
        "POL-3 Rutin (142 dagar); POL-2 Plan (80 dagar)."
    )


def test_over_simulated_months_nothing_is_missed_or_sent_twice(seeded: Registry) -> None:
    """Daily runs for three months: every reminder still goes out once (the summary is a
    way of reading notices, not a notice of its own); a run whose only items are long
    overdue is the summary line alone."""
    _late_documents(seeded)
    channel = Recorder()
    _runs(seeded, channel, D(2026, 11, 20), 90)
    _exactly_once(seeded, channel)
    pol2 = [when for when, who, _kind, ref in channel.seen() if who == "owner" and ref == "POL-2"]
    # due + 58 (before the first run) was caught up on it; then due + 88, + 118, + 148
    assert pol2 == [D(2026, 11, 20), D(2026, 11, 27), D(2026, 12, 28), D(2027, 1, 27)]
    both = _owner(channel, D(2026, 11, 27))
    assert [line for line in render_text(both).splitlines() if line.startswith("* ")] == [
        "* The review of POL-1 Informationssäkerhetspolicy was due on 22 November 2026: "
        "5 days overdue.",
        "* 1 document is more than 60 days overdue for its review: POL-2 Plan (87 days).",
    ]
    late_only = _owner(channel, D(2026, 12, 28))
    assert [line for line in render_text(late_only).splitlines() if line.startswith("* ")] == [
        "* 1 document is more than 60 days overdue for its review: POL-2 Plan (118 days)."
    ]


def test_a_caught_up_run_is_not_a_burst_and_not_repeated(seeded: Registry) -> None:
    """Missed runs: the first run sends each item once, the same day again sends nothing."""
    _late_documents(seeded)
    channel = Recorder()
    remind(seeded, D(2027, 2, 1), channel, config=ENGLISH)
    again = remind(seeded, D(2027, 2, 1), channel, config=ENGLISH)
    assert (again.planned, again.digests) == (0, ())
    assert Counter(who for _, who, kind, _ in channel.seen() if kind == "overdue") == {
        "owner": 3,
        "guardian": 3,
    }
    _exactly_once(seeded, channel)


def test_the_summary_links_to_the_due_page_with_a_base_url(seeded: Registry) -> None:
    """With ``base_url`` the summary ends with the intranet's list of what is due."""
    _late_documents(seeded)
    config = Config(
        language="en", reminders=ReminderSettings(base_url="https://intranat.mittkoping.se/s")
    )
    channel = Recorder()
    remind(seeded, D(2026, 11, 20), channel, config=config)
    digest = _owner(channel, D(2026, 11, 20))
    assert summary_line(digest).endswith("(80 days). https://intranat.mittkoping.se/s/aktuellt")
    assert '<a href="https://intranat.mittkoping.se/s/aktuellt">' in render_html(digest)


def test_the_summary_threshold_is_a_setting(seeded: Registry) -> None:
    """``overdue_summary_after_days = 100``: POL-2 (80 days) has its own line again."""
    _late_documents(seeded)
    channel = Recorder()
    config = Config(language="en", reminders=ReminderSettings(overdue_summary_after_days=100))
    remind(seeded, D(2026, 11, 20), channel, config=config)
    text = render_text(_owner(channel, D(2026, 11, 20)))
    assert "* The review of POL-2 Plan was due on 1 September 2026: 80 days overdue." in text
    assert "* 1 document is more than 100 days overdue for its review: POL-3 Rutin (142 days)." in (
        text
    )


def test_a_dry_run_shows_the_same_summary(seeded: Registry) -> None:
    """--dry-run renders what the real run will send."""
    _late_documents(seeded)
    channel = Recorder()
    preview = remind(seeded, D(2026, 11, 20), channel, config=ENGLISH, dry_run=True)
    remind(seeded, D(2026, 11, 20), channel, config=ENGLISH)
    assert [render_text(d) for _, d in preview.digests] == [render_text(d) for d in channel.digests]


def test_with_a_link_the_line_names_ten_and_counts_the_rest() -> None:
    """The intranet's list has them all: the line names the ten most overdue, then says
    how many more; without a link every one is named."""
    from styrdok.notify import DigestItem, NoticeKind

    items = tuple(
        DigestItem(NoticeKind.OVERDUE, f"R-{n:02}", "Rutin", DUE, -61 - n) for n in range(12)
    )
    digest = Digest(Person("p", "P"), DUE, "en", items, summary_after_days=60)
    assert summary_line(digest).count("Rutin") == 12
    linked = attrs.evolve(digest, summary_link="https://intranat.example/aktuellt")
    line = summary_line(linked)
    assert line.startswith("12 documents are more than 60 days overdue for their review: R-11")
    assert line.count("Rutin") == 10
    assert line.endswith("R-02 Rutin (63 days) and 2 more. https://intranat.example/aktuellt")


# --- escalation in steps --------------------------------------------------------------------


@pytest.fixture
def organised(seeded: Registry) -> Registry:
    """The owner works in IT (managed by ``chef``), under the municipality (managed by
    ``outsider``)."""
    seeded.add_person(Person("chef", "Cecilia Chef"), actor="admin")
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun", manager="outsider"), actor="admin")
    seeded.add_unit(Unit("IT", "IT-enheten", parent="KOMMUN", manager="chef"), actor="admin")
    seeded.edit_person("owner", {"unit": "IT"}, actor="admin")
    return seeded


def _escalations(channel: Recorder) -> list[tuple[dt.date, str, str]]:
    return [(when, who, kind) for when, who, kind, _ in channel.seen() if "escalation" in kind]


def test_the_contact_after_thirty_days_then_the_owners_manager_once_each(
    organised: Registry,
) -> None:
    """Overdue: the body's contact 30 days after the review date, the manager of the
    owner's unit 30 days later; each once over three months of daily runs."""
    channel = Recorder()
    _runs(organised, channel, D(2026, 11, 23), 100)
    assert _escalations(channel) == [
        (D(2026, 12, 22), "admin", "escalation"),
        (D(2027, 1, 21), "chef", "escalation_manager"),
    ]
    manager = next(d for d in channel.digests if d.recipient.ref == "chef")
    assert render_text(manager).splitlines()[4] == (
        "* Escalation to you as manager: the review of POL-1 Informationssäkerhetspolicy "
        "(owner owner, in a unit you manage) was due on 22 November 2026 and is 60 days "
        "overdue."
    )
    _exactly_once(organised, channel)


def test_the_steps_are_settings(organised: Registry) -> None:
    """``escalate_after_days = 10`` and ``escalate_manager_after_days = 5``: the contact
    on day 10, the manager on day 15 (each moved back to a working day)."""
    settings = ReminderSettings(escalate_after_days=10, escalate_manager_after_days=5)
    channel = Recorder()
    _runs(organised, channel, D(2026, 11, 23), 30, Config(reminders=settings))
    assert _escalations(channel) == [
        (previous_working_day(DUE + dt.timedelta(days=10)), "admin", "escalation"),
        (previous_working_day(DUE + dt.timedelta(days=15)), "chef", "escalation_manager"),
    ]


def test_missed_runs_catch_up_each_step_once(organised: Registry) -> None:
    """The first run 99 days late tells the contact and the manager, once; later runs do
    not tell them again."""
    channel = Recorder()
    _runs(organised, channel, D(2027, 3, 1), 40)
    assert _escalations(channel) == [
        (D(2027, 3, 1), "admin", "escalation"),
        (D(2027, 3, 1), "chef", "escalation_manager"),
    ]


def test_a_manager_of_their_own_unit_answers_to_the_manager_above(organised: Registry) -> None:
    """The owner manages IT: the step goes to the manager of the unit above."""
    organised.edit_unit("IT", {"manager": "owner"}, actor="admin")
    channel = Recorder()
    _runs(organised, channel, D(2027, 1, 20), 3)
    assert (D(2027, 1, 21), "outsider", "escalation_manager") in _escalations(channel)


def test_no_manager_step_without_one_to_tell(organised: Registry) -> None:
    """A manager who is also the guardian has been told already; an owner placed in no
    unit has no manager; a register without units has none either."""
    organised.edit_unit("IT", {"manager": "guardian"}, actor="admin")
    channel = Recorder()
    _runs(organised, channel, D(2027, 1, 20), 3)
    organised.edit_unit("IT", {"manager": "chef"}, actor="admin")
    organised.edit_person("owner", {"unit": None}, actor="admin")
    _runs(organised, channel, D(2027, 1, 23), 3)
    assert [kind for _, _, kind in _escalations(channel)] == ["escalation"]


def test_without_units_only_the_contact_is_told(seeded: Registry) -> None:
    """Before the register has an organisation the manager's step waits."""
    channel = Recorder()
    _runs(seeded, channel, D(2027, 1, 19), 5)
    assert _escalations(channel) == [(D(2027, 1, 19), "admin", "escalation")]


def test_a_contact_who_guards_the_document_gets_one_notice_per_run(seeded: Registry) -> None:
    """The body's contact is also the guardian: the escalation and the overdue reminder
    share the review's cycle, so a run sends the most urgent of the two, never both — also
    when a missed run catches up with both at once."""
    seeded.edit_document("POL-1", {"guardian": "admin"}, actor="owner")
    channel = Recorder()
    _runs(seeded, channel, D(2027, 1, 20), 40)
    admin = [(when, kind) for when, who, kind, _ in channel.seen() if who == "admin"]
    assert admin == [(D(2027, 1, 20), "overdue"), (D(2027, 2, 18), "overdue")]
