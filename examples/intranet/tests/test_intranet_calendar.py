"""The annual cycle as an iCalendar feed a calendar client can subscribe to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
from intranet_support import demo_db, demo_template, make_app

from styrdok.enums import DocStatus
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]


def events(db: Path) -> list[icalendar.Event]:
    response = make_app(db).test_client().get("/kalender.ics")
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    return list(calendar.walk("VEVENT"))


def test_every_event_has_a_uid_a_date_and_names_its_document_or_dispensation(
    demo_db: Path,
) -> None:
    found = events(demo_db)
    with Registry.open(demo_db) as registry:
        in_force = registry.list_documents(status=DocStatus.IN_FORCE)
        active = registry.dispensations_active_on(dt.date(2026, 11, 22))
    refs = {d.ref for d in in_force} | {d.ref for d in active}
    reviews = sum(d.next_review_on is not None for d in in_force)
    ends = sum(d.valid_until is not None for d in in_force)
    assert len(found) == reviews + ends + len(active)
    for event in found:
        assert event["UID"]
        start = event.decoded("DTSTART")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        assert any(ref in str(event["SUMMARY"]) for ref in refs)
    assert len({str(e["UID"]) for e in found}) == len(found)


def test_uids_are_stable_between_fetches(demo_db: Path) -> None:
    first = {str(e["UID"]): str(e["SUMMARY"]) for e in events(demo_db)}
    second = {str(e["UID"]): str(e["SUMMARY"]) for e in events(demo_db)}
    assert first == second
    assert "review-POL-IS-01-2027-08-09@styrdok.intranet" in first
