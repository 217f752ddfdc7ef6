"""Reminders to read: once to each reader who has not confirmed, once to their manager."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import day, policy
from styrdok import Person
from styrdok.model import Unit
from styrdok.notify import render_text
from styrdok.registry import Registry
from test_reminders import Recorder, remind


@pytest.fixture
def asked(seeded: Registry) -> Registry:
    """POL-2 applies to Socialförvaltningen (manager ``owner``) and came into force on
    day 0; tim and ulla work in Hemtjänst Norr under it, vera elsewhere."""
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun", "municipality"), actor="admin")
    seeded.add_unit(
        Unit("SOC", "Socialförvaltningen", "administration", parent="KOMMUN", manager="owner"),
        actor="admin",
    )
    seeded.add_unit(Unit("SOC-HT", "Hemtjänst Norr", parent="SOC"), actor="admin")
    seeded.add_unit(Unit("BUF", "Barn och utbildning", parent="KOMMUN"), actor="admin")
    for ref, unit in (("tim", "SOC-HT"), ("ulla", "SOC-HT"), ("vera", "BUF")):
        seeded.add_person(Person(ref, ref.title(), unit=unit, unit_since=day(-400)), actor="admin")
    seeded.add_document(policy("POL-2", applies_to=("SOC",)), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(0))
    return seeded


def _reads(channel: Recorder) -> list[tuple[dt.date, str, str]]:
    return [(when, who, kind) for when, who, kind, ref in channel.seen() if ref == "POL-2"]


def test_each_reader_is_reminded_once_and_the_manager_later(asked: Registry) -> None:
    """Default: 14 days for the reader, 30 for the manager; exactly once each, whatever
    the number of runs."""
    asked.acknowledge("POL-2", actor="tim")
    channel = Recorder()
    for offset in range(0, 70):
        remind(asked, day(offset), channel)
    assert _reads(channel) == [
        (day(14), "ulla", "read"),
        (day(30), "owner", "read_manager"),
    ]


def test_nobody_is_reminded_once_everyone_has_confirmed(asked: Registry) -> None:
    for person in ("tim", "ulla"):
        asked.acknowledge("POL-2", actor=person)
    channel = Recorder()
    for offset in (14, 30, 31):
        remind(asked, day(offset), channel)
    assert _reads(channel) == []


def test_a_missed_run_catches_up_and_a_very_late_one_does_not(asked: Registry) -> None:
    channel = Recorder()
    remind(asked, day(20), channel)  # the day-14 run was missed
    assert ("ulla", "read") in {(who, kind) for _, who, kind in _reads(channel)}
    later = Recorder()
    remind(asked, day(200), later)  # months later: no stale reminders to read
    assert _reads(later) == []


def test_someone_who_joins_is_reminded_from_the_day_they_joined(asked: Registry) -> None:
    for person in ("tim", "ulla"):
        asked.acknowledge("POL-2", actor=person)
    channel = Recorder()
    asked.edit_person("vera", {"unit": "SOC-HT"}, actor="admin")  # moves on day 0 (the clock)
    for offset in range(0, 20):
        remind(asked, day(offset + 1), channel)
    assert [(who, kind) for _, who, kind in _reads(channel)] == [("vera", "read")]


def test_the_reminder_says_what_to_read_in_swedish(asked: Registry) -> None:
    channel = Recorder()
    remind(asked, day(14), channel)
    (digest,) = [d for d in channel.digests if d.recipient.ref == "ulla"]
    assert "Läs POL-2" in render_text(digest)
