"""The annual cycle as an iCalendar feed a calendar client can subscribe to."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from intranet_support import DEMO_NOW, demo_db, demo_template, make_app
from styrdok_intranet import calendar

from styrdok.enums import DueKind
from styrdok.model import Document, DueItem, FollowUp
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]

TODAY = DEMO_NOW.date()
#: The first word of each kind's UID.
UID_WORDS = {
    DueKind.REVIEW: "review",
    DueKind.DOCUMENT_EXPIRY: "document-end",
    DueKind.DISPENSATION_EXPIRY: "dispensation-end",
}
#: A title whose summary line a fold at 75 octets would cut inside the "ä" of "åtgärder".
FOLDED_TITLE = (
    "Riktlinje för sekretess, åtgärder; förvaring och gallring av handlingar vid "
    "överlämnande av äldre ärenden till arkiv"
)


def fetch(db: Path) -> bytes:
    """The feed of the app over ``db`` as a calendar client gets it."""
    response = make_app(db).test_client().get("/kalender.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    body: bytes = response.data
    return body


def events(body: bytes) -> list[icalendar.Event]:
    """The events of ``body``, parsed by a real iCalendar parser."""
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def add_in_force(db: Path, ref: str, title: str, review_on: dt.date) -> None:
    """Add a routine in force to the register at ``db``, to be reviewed on ``review_on``."""
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        registry.add_document(
            Document(
                ref=ref,
                title=title,
                doc_type="routine",
                owner="anna.lind",
                guardian="gustav.berg",
                follow_up=FollowUp("Årlig uppföljning", "KLF"),
                review_interval_months=12,
                next_review_on=review_on,
            ),
            actor="eva.ek",
        )
        registry.adopt_document(ref, actor="eva.ek", body="KLF", on=TODAY - dt.timedelta(days=30))


def test_the_feed_holds_exactly_what_is_due_to_the_end_of_next_year(demo_db: Path) -> None:
    """One event per item due up to 31 December next year, overdue ones too; none after."""
    add_in_force(demo_db, "RUT-NYAR", "Rutin för nyårsafton", dt.date(2027, 12, 31))
    add_in_force(demo_db, "RUT-SENARE", "Rutin för senare år", dt.date(2028, 1, 1))
    found = events(fetch(demo_db))
    with Registry.open(demo_db) as registry:
        due = registry.due(within_days=calendar.horizon_days(TODAY), today=TODAY)
    expected = {
        f"{UID_WORDS[item.kind]}-{item.ref}-{item.due_on}@styrdok.intranet": item for item in due
    }
    assert [str(e["UID"]) for e in found] == list(expected)  # one each, overdue first
    assert any(item.days_left < 0 for item in due)
    assert "review-RUT-NYAR-2027-12-31@styrdok.intranet" in expected
    assert not any(item.ref == "RUT-SENARE" for item in due)
    for event in found:
        item = expected[str(event["UID"])]
        start = event.decoded("DTSTART")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        assert start == item.due_on
        assert event.decoded("DTEND") == item.due_on + dt.timedelta(days=1)
        assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert item.ref in str(event["SUMMARY"]) and item.title in str(event["SUMMARY"])
        assert item.ref in str(event["DESCRIPTION"])
        page = "dispens" if item.kind is DueKind.DISPENSATION_EXPIRY else "dokument"
        assert str(event["URL"]) == f"http://localhost/{page}/{item.ref}"


def test_uids_are_stable_between_fetches(demo_db: Path) -> None:
    """Two fetches give the same events under the same UIDs."""
    first = {str(e["UID"]): str(e["SUMMARY"]) for e in events(fetch(demo_db))}
    second = {str(e["UID"]): str(e["SUMMARY"]) for e in events(fetch(demo_db))}
    assert first == second
    assert first["review-POL-IS-01-2027-08-09@styrdok.intranet"] == (
        "Aktualitetsprövning: POL-IS-01 Informationssäkerhetspolicy"
    )
    assert first["dispensation-end-D-2026-0009-2026-11-27@styrdok.intranet"] == (
        "Dispens upphör: D-2026-0009 Publicera valresultat i PDF utan tillgänglighetsanpassning"
    )


def test_separators_are_escaped_and_long_lines_folded_between_characters(
    demo_db: Path,
) -> None:
    """A title with ``;`` and ``,`` whose line is folded in the middle of an "ä" comes
    back exactly; every line has at most 75 octets, ends in CRLF and is whole UTF-8."""
    add_in_force(demo_db, "RIKT-FALT-01", FOLDED_TITLE, dt.date(2027, 3, 1))
    summary = f"Aktualitetsprövning: RIKT-FALT-01 {FOLDED_TITLE}"
    unfolded = f"SUMMARY:{summary}".replace(";", "\\;").replace(",", "\\,").encode()
    assert unfolded[75] & 0xC0 == 0x80  # a cut at 75 octets would split a character
    body = fetch(demo_db)
    assert body.endswith(b"END:VCALENDAR\r\n")
    for line in body.removesuffix(b"\r\n").split(b"\r\n"):
        assert len(line) <= 75 and b"\n" not in line and b"\r" not in line
        line.decode()  # whole characters only
    (event,) = (e for e in events(body) if "RIKT-FALT-01" in str(e["UID"]))
    assert str(event["SUMMARY"]) == summary
    assert str(event["DESCRIPTION"]) == (
        f"RIKT-FALT-01 {FOLDED_TITLE} ska prövas senast denna dag."
    )


def due_item(n: int, title: str) -> DueItem:
    """A dispensation ending ``n`` days from now, titled ``title``."""
    day = TODAY + dt.timedelta(days=n)
    return DueItem(DueKind.DISPENSATION_EXPIRY, f"D-2026-{n:04d}", title, day, n, "x", "approved")


def test_text_with_line_breaks_and_backslashes_comes_back_as_it_was() -> None:
    """Line breaks (LF, CRLF, CR), backslashes and separators survive a round trip."""
    title = "Första raden\nandra; med, tecken \\ och\r\ntredje\rfjärde"
    body = b"".join(
        calendar.feed(
            [due_item(3, title)],
            base_url="https://intra.example",
            domain="kommun.example",
            now=DEMO_NOW,
        )
    )
    (event,) = events(body)
    assert str(event["SUMMARY"]) == (
        "Dispens upphör: D-2026-0003 Första raden\nandra; med, tecken \\ och\ntredje\nfjärde"
    )
    assert str(event["UID"]) == "dispensation-end-D-2026-0003-2026-11-25@kommun.example"
    assert str(event["URL"]) == "https://intra.example/dispens/D-2026-0003"
    assert event.decoded("DTSTAMP") == DEMO_NOW


def test_the_feed_is_streamed(demo_db: Path) -> None:
    """The route answers a body that is written as it is sent, not a finished one."""
    app = make_app(demo_db)
    with app.test_request_context("/kalender.ics"):
        response = app.full_dispatch_request()
    assert response.is_streamed
    body = b"".join(response.response)
    response.close()
    assert body.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert len(events(body)) > 0


def test_the_feed_takes_items_only_as_it_writes_them() -> None:
    """Over an endless list of items the first piece of text still comes, after a few."""
    taken = itertools.count()

    def endless() -> Iterator[DueItem]:
        for n in taken:
            yield due_item(n % 9000, "Dispens för ett endast tänkt fall")

    pieces = calendar.feed(endless(), base_url="https://x", domain="x", now=DEMO_NOW)
    first = next(pieces)
    assert first.startswith(b"BEGIN:VCALENDAR\r\n")
    assert calendar.CHUNK_BYTES <= len(first) < 2 * calendar.CHUNK_BYTES
    assert next(taken) < 1_000


def test_a_feed_closed_early_ends_its_read_transaction(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that hangs up leaves no transaction open: the registry then sees what
    was written since (while the feed was open it read the same snapshot)."""
    monkeypatch.setattr(calendar, "CHUNK_BYTES", 1)  # a piece per event: stop after one
    with Registry.open(demo_db, clock=lambda: DEMO_NOW) as registry:
        pieces = calendar.registry_feed(registry, base_url="https://x", domain="x")
        next(pieces)
        add_in_force(demo_db, "RUT-UNDER", "Rutin skriven under flödet", dt.date(2027, 2, 1))
        assert "RUT-UNDER" not in {item.ref for item in registry.due(within_days=365)}
        pieces.close()
        assert "RUT-UNDER" in {item.ref for item in registry.due(within_days=365)}


def test_a_register_with_nothing_due_gives_an_empty_calendar(tmp_path: Path) -> None:
    """An empty register is a valid calendar with its name and no events."""
    db = tmp_path / "tom.db"
    with Registry.open(db, create=True):
        pass
    body = fetch(db)
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["X-WR-CALNAME"]) == "Styrdokument – årshjul"
    assert str(parsed["VERSION"]) == "2.0"
    assert str(parsed["PRODID"]) == "-//styrdok//intranet example//SV"
    assert list(parsed.walk("VEVENT")) == []
    assert body == (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//styrdok//intranet example//SV\r\n"
        + "X-WR-CALNAME:Styrdokument – årshjul\r\n".encode()
        + b"END:VCALENDAR\r\n"
    )
