"""Notices for each step of a request and a question: who hears, once, with a link."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import day, request
from styrdok.config import Config, ReminderSettings, parse_config
from styrdok.errors import InvalidValue
from styrdok.notify import render_html, render_text
from styrdok.registry import Registry
from styrdok.workdays import add_working_days, previous_working_day
from test_reminders import Recorder, remind

STEPS = {
    "request",
    "renewal_request",
    "request_withdrawn",
    "request_waiting",
    "request_escalation",
    "decision",
    "question",
    "question_waiting",
    "question_escalation",
    "answer",
}


def _steps(channel: Recorder) -> list[tuple[dt.date, str, str, str]]:
    return sorted(s for s in channel.seen() if s[2] in STEPS)


def _runs(registry: Registry, channel: Recorder, days: range, **kwargs: object) -> None:
    for offset in days:
        remind(registry, day(offset), channel, **kwargs)  # type: ignore[arg-type]


def test_a_request_is_told_once_to_those_who_may_decide_it(seeded: Registry) -> None:
    """The guardian and the listed approver hear of a new request once, however many runs;
    the requester and the responsible person do not."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    _runs(seeded, channel, range(0, 4))
    assert _steps(channel) == [
        (day(0), "approver", "request", ref),
        (day(0), "guardian", "request", ref),
    ]


def test_a_responsible_approver_is_not_asked_to_decide(seeded: Registry) -> None:
    """Separation of duties: a decider who is a party to the request is not told to
    decide it."""
    ref = seeded.request_dispensation(request(responsible="approver"), actor="requester").ref
    channel = Recorder()
    remind(seeded, day(0), channel)
    assert _steps(channel) == [(day(0), "guardian", "request", ref)]


def test_a_decision_is_told_to_the_parties_not_to_the_decider(seeded: Registry) -> None:
    """An approval reaches the requester and the responsible person once; the guardian who
    decided hears nothing of it, and the waiting request is no longer told."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    seeded.approve_dispensation(ref, actor="guardian", on=day(1))
    channel = Recorder()
    _runs(seeded, channel, range(1, 12))
    assert _steps(channel) == [
        (day(1), "requester", "decision", ref),
        (day(1), "responsible", "decision", ref),
    ]
    text = render_text(channel.digests[0])
    assert f"Dispens {ref} (Pilot av molntjänst) beviljades" in text


def test_a_revocation_is_told_on_the_day_it_ends(approved: str, seeded: Registry) -> None:
    """A revocation is a step of its own: the parties hear of it on the day it ends."""
    seeded.revoke_dispensation(approved, actor="guardian", reason="Risk", on=day(20))
    channel = Recorder()
    _runs(seeded, channel, range(19, 22))
    assert _steps(channel) == [
        (day(19), "requester", "decision", approved),
        (day(19), "responsible", "decision", approved),
        (day(20), "requester", "decision", approved),
        (day(20), "responsible", "decision", approved),
    ]
    revoked = next(d for d in channel.digests if d.run_on == day(20))
    assert "återkallas från och med" in render_text(revoked)


def test_a_missed_run_catches_up_once(seeded: Registry) -> None:
    """No run for three days: the first run tells the decider, once."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    _runs(seeded, channel, range(3, 5))
    assert _steps(channel) == [
        (day(3), "approver", "request", ref),
        (day(3), "guardian", "request", ref),
    ]


def test_nothing_stale_is_told(seeded: Registry) -> None:
    """A request made long before the first run is not told any more (60-day window)."""
    seeded.request_dispensation(request(), actor="requester", on=day(-100))
    channel = Recorder()
    remind(seeded, day(0), channel)
    assert _steps(channel) == []


def test_a_waiting_request_is_reminded_then_escalated(seeded: Registry) -> None:
    """After five working days the deciders are reminded; after fifteen days the
    adopting body's contact (``admin``) is told; each once."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    _runs(seeded, channel, range(0, 40))
    wait = add_working_days(day(0), 5)
    escalate = previous_working_day(day(15))
    assert _steps(channel) == sorted(
        [
            (day(0), "approver", "request", ref),
            (day(0), "guardian", "request", ref),
            (wait, "approver", "request_waiting", ref),
            (wait, "guardian", "request_waiting", ref),
            (escalate, "admin", "request_escalation", ref),
        ]
    )


def test_the_waiting_periods_are_settings(seeded: Registry) -> None:
    """``waiting_after_working_days`` and ``waiting_escalate_after_days`` move them."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    settings = ReminderSettings(waiting_after_working_days=2, waiting_escalate_after_days=30)
    channel = Recorder()
    _runs(seeded, channel, range(1, 40), config=Config(reminders=settings))
    kinds = {(when, kind) for when, _, kind, _ in _steps(channel)}
    assert kinds == {
        (day(1), "request"),
        (add_working_days(day(0), 2), "request_waiting"),
        (previous_working_day(day(30)), "request_escalation"),
    }
    assert all(r == ref for *_, r in _steps(channel))


def test_a_question_reaches_the_guardian_and_the_answer_the_asker(seeded: Registry) -> None:
    """The guardian hears of a question; once answered, the asker hears of the answer;
    the one who answered hears nothing of their own answer."""
    question = seeded.ask("POL-1", "Gäller detta vikarier?", actor="requester")
    channel = Recorder()
    remind(seeded, day(0), channel)
    seeded.answer(question.id or 0, "Ja.", actor="guardian", on=day(2))
    _runs(seeded, channel, range(1, 30))
    assert _steps(channel) == [
        (day(0), "guardian", "question", str(question.id)),
        (day(2), "requester", "answer", str(question.id)),
    ]


def test_an_unanswered_question_is_reminded_then_escalated(seeded: Registry) -> None:
    """Unanswered after five working days: the guardian again; after fifteen days the
    body's contact."""
    question = seeded.ask("POL-1", "Gäller detta vikarier?", actor="requester")
    channel = Recorder()
    _runs(seeded, channel, range(0, 30))
    ref = str(question.id)
    assert _steps(channel) == sorted(
        [
            (day(0), "guardian", "question", ref),
            (add_working_days(day(0), 5), "guardian", "question_waiting", ref),
            (previous_working_day(day(15)), "admin", "question_escalation", ref),
        ]
    )


def test_each_line_links_to_its_item_with_a_base_url(seeded: Registry) -> None:
    """With ``base_url`` each line ends with the address where its reader acts: the
    request's page, the document's open questions (where the guardian answers), and the
    asker's own question with its answer."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    question = seeded.ask("POL-1", "Gäller detta vikarier?", actor="outsider")
    base = "https://intranat.mittkoping.se/styrdok/"
    config = Config(reminders=ReminderSettings(base_url=base))
    channel = Recorder()
    remind(seeded, day(0), channel, config=config)
    guardian = next(d for d in channel.digests if d.recipient.ref == "guardian")
    text = render_text(guardian)
    assert f"https://intranat.mittkoping.se/styrdok/dispens/{ref}" in text
    assert "https://intranat.mittkoping.se/styrdok/dokument/POL-1#obesvarade" in text
    assert f'<a href="https://intranat.mittkoping.se/styrdok/dispens/{ref}">' in render_html(
        guardian
    )
    seeded.answer(question.id or 0, "Ja.", actor="guardian", on=day(1))
    remind(seeded, day(1), channel, config=config)
    asker = next(d for d in channel.digests if d.recipient.ref == "outsider")
    (line,) = [line for line in render_text(asker).splitlines() if "besvarades" in line]
    assert line.endswith(f" https://intranat.mittkoping.se/styrdok/mina-fragor#fraga-{question.id}")


def test_without_a_base_url_there_is_no_link(seeded: Registry) -> None:
    """No ``base_url``: no address in the digest."""
    seeded.request_dispensation(request(), actor="requester")
    channel = Recorder()
    remind(seeded, day(0), channel)
    assert "http" not in render_text(channel.digests[0])


@pytest.mark.parametrize("url", ["intranat.mittkoping.se", "ftp://x.se", "https://"])
def test_a_base_url_must_be_a_web_address(url: str) -> None:
    """A wrong ``base_url`` is refused when the settings are loaded, naming the key."""
    with pytest.raises(InvalidValue, match=r"\[reminders\] base_url"):
        parse_config({"reminders": {"base_url": url}})
    with pytest.raises(InvalidValue, match=r"\[reminders\] base_url"):
        ReminderSettings(base_url=url)


def test_the_settings_file_takes_the_new_keys() -> None:
    """The three keys are read from the file; the URL loses its trailing slash."""
    config = parse_config(
        {
            "reminders": {
                "waiting_after_working_days": 3,
                "waiting_escalate_after_days": 20,
                "base_url": "https://intranat.mittkoping.se/styrdok/",
            }
        }
    )
    assert config.reminders.waiting_after_working_days == 3
    assert config.reminders.waiting_escalate_after_days == 20
    assert config.reminders.base_url == "https://intranat.mittkoping.se/styrdok"


def test_the_notices_read_in_swedish_and_english(seeded: Registry) -> None:
    """In Swedish (the default) the decider reads that the request waits for their
    decision; in English too."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    seeded.remind(config=Config(), notifiers={"test": channel}, today=day(0), dry_run=True)
    english = seeded.remind(
        config=Config(), notifiers={"test": channel}, today=day(0), dry_run=True, language="en"
    )
    assert "waits for your decision" in render_text(english.digests[0][1])
    remind(seeded, day(0), channel)
    text = render_text(channel.digests[0])
    assert f"Dispens {ref} från POL-1 (Pilot av molntjänst)" in text
    assert "väntar på ditt beslut" in text


# --- a request withdrawn, a renewal requested (issue 16, item 1 leftovers) ------------------


def test_a_withdrawn_request_is_told_to_those_who_were_told_of_it(seeded: Registry) -> None:
    """The deciders told of a request hear, once, that it was withdrawn and needs no
    decision; the requester, who withdrew it, hears nothing."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    remind(seeded, day(0), channel)
    seeded.withdraw_dispensation(ref, actor="requester", on=day(2))
    _runs(seeded, channel, range(1, 30))
    assert _steps(channel) == [
        (day(0), "approver", "request", ref),
        (day(0), "guardian", "request", ref),
        (day(2), "approver", "request_withdrawn", ref),
        (day(2), "guardian", "request_withdrawn", ref),
    ]
    told = next(d for d in channel.digests if d.run_on == day(2))
    assert f"Ansökan om dispens {ref} från POL-1 (Pilot av molntjänst) återtogs" in (
        render_text(told)
    )


def test_a_withdrawal_reaches_the_contact_it_was_escalated_to(seeded: Registry) -> None:
    """Escalated to the body's contact, then withdrawn: the contact hears of it too."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    _runs(seeded, channel, range(0, 20))
    seeded.withdraw_dispensation(ref, actor="requester", on=day(20))
    _runs(seeded, channel, range(20, 25))
    withdrawn = [
        (when, who) for when, who, kind, _ in _steps(channel) if kind.endswith("withdrawn")
    ]
    assert withdrawn == [(day(20), "admin"), (day(20), "approver"), (day(20), "guardian")]


def test_who_withdraws_a_request_for_someone_is_not_told_of_it(seeded: Registry) -> None:
    """The administrator who withdrew the request (and had heard of it as the body's
    contact) knows; the deciders hear that it needs no decision."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    _runs(seeded, channel, range(0, 20))
    seeded.withdraw_dispensation(ref, actor="admin", on=day(20))
    assert seeded.get_dispensation(ref).ended_by == "admin"
    _runs(seeded, channel, range(20, 25))
    withdrawn = [
        (when, who) for when, who, kind, _ in _steps(channel) if kind.endswith("withdrawn")
    ]
    assert withdrawn == [(day(20), "approver"), (day(20), "guardian")]


def test_the_responsible_who_closes_their_own_dispensation_is_not_told_of_it(
    approved: str, seeded: Registry
) -> None:
    """Closing early is a step the requester hears of; the one who closed it does not."""
    seeded.close_dispensation(approved, actor="responsible", reason="Klart", on=day(30))
    assert seeded.get_dispensation(approved).ended_by == "responsible"
    channel = Recorder()
    _runs(seeded, channel, range(30, 33))
    # The approval, caught up by the first run, reaches both; the closing only the requester.
    assert _steps(channel) == [
        (day(30), "requester", "decision", approved),
        (day(30), "requester", "decision", approved),
        (day(30), "responsible", "decision", approved),
    ]


def test_a_request_withdrawn_before_anyone_was_told_is_not_announced(seeded: Registry) -> None:
    """Nobody heard of it, so nobody is told it is gone — and the withdrawal on the day of
    the request, after the run told the deciders, still reaches them."""
    quiet = seeded.request_dispensation(request(), actor="requester").ref
    seeded.withdraw_dispensation(quiet, actor="requester")
    channel = Recorder()
    remind(seeded, day(0), channel)
    same_day = seeded.request_dispensation(request(), actor="requester").ref
    remind(seeded, day(0), channel)
    seeded.withdraw_dispensation(same_day, actor="requester")
    _runs(seeded, channel, range(0, 5))
    assert _steps(channel) == [
        (day(0), "approver", "request", same_day),
        (day(0), "approver", "request_withdrawn", same_day),
        (day(0), "guardian", "request", same_day),
        (day(0), "guardian", "request_withdrawn", same_day),
    ]


def test_a_renewal_request_has_a_sentence_of_its_own(approved: str, seeded: Registry) -> None:
    """The deciders read that a renewal was asked for, not a new dispensation."""
    renewal = seeded.renew_dispensation(approved, actor="requester", valid_until=day(150)).ref
    channel = Recorder()
    english = seeded.remind(
        config=Config(), notifiers={"test": channel}, today=day(0), dry_run=True, language="en"
    )
    guardian = next(d for _, d in english.digests if d.recipient.ref == "guardian")
    assert (
        f"A renewal of a dispensation from POL-1 (Pilot av molntjänst), {renewal}, was "
        "requested on 2 March 2026 and waits for your decision."
    ) in render_text(guardian)
    _runs(seeded, channel, range(0, 3))
    assert [s for s in _steps(channel) if s[3] == renewal] == [
        (day(0), "approver", "renewal_request", renewal),
        (day(0), "guardian", "renewal_request", renewal),
    ]
    text = render_text(next(d for d in channel.digests if d.recipient.ref == "guardian"))
    assert f"En förlängning av en dispens från POL-1 (Pilot av molntjänst), {renewal}, söktes" in (
        text
    )


def test_migration_0014_keeps_who_ended_a_dispensation_unknown_before_it(
    approved: str, seeded: Registry
) -> None:
    """A register from before ``ended_by``: its ended dispensations read, with nobody named,
    and the next closing names its closer."""
    from alembic import command
    from alembic.config import Config

    from styrdok import migrations

    seeded.close_dispensation(approved, actor="responsible", reason="Klart", on=day(30))
    alembic = Config()
    alembic.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    alembic.attributes["url"] = seeded.store.url
    seeded.close()
    command.downgrade(alembic, "0013")
    command.upgrade(alembic, "head")
    with Registry.open(seeded.store.url) as again:
        closed = again.get_dispensation(approved)
        assert (closed.status, closed.ended_on, closed.ended_by) == ("closed", day(30), None)
