"""The annual cycle as an iCalendar feed: review dates, documents' end dates and the end
dates of dispensations in effect, one all-day event each.

Each event's UID is built from what it is about (kind, ref, date), so a calendar client
that polls the feed keeps the same event across refreshes; when a date moves (a review
was done, a dispensation renewed) the old event disappears and a new one appears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from styrdok.enums import DocStatus
from styrdok.model import Dispensation, Document


def _event(uid: str, day: dt.date, summary: str, description: str, url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: never blocks the day
    return event


def feed(
    documents: Iterable[Document],
    dispensations: Iterable[Dispensation],
    *,
    base_url: str,
    domain: str,
    name: str = "Styrdokument – årshjul",
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//styrdok//intranet example//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for document in documents:
        if document.status is not DocStatus.IN_FORCE:
            continue
        url = f"{base_url}/dokument/{document.ref}"
        if document.next_review_on is not None:
            calendar.add_component(
                _event(
                    f"review-{document.ref}-{document.next_review_on}@{domain}",
                    document.next_review_on,
                    f"Aktualitetsprövning: {document.ref} {document.title}",
                    f"{document.ref} {document.title} ska prövas senast denna dag.",
                    url,
                )
            )
        if document.valid_until is not None:
            calendar.add_component(
                _event(
                    f"document-end-{document.ref}-{document.valid_until}@{domain}",
                    document.valid_until,
                    f"Upphör att gälla: {document.ref} {document.title}",
                    f"Sista dagen {document.ref} {document.title} gäller.",
                    url,
                )
            )
    for disp in dispensations:
        calendar.add_component(
            _event(
                f"dispensation-end-{disp.ref}-{disp.valid_until}@{domain}",
                disp.valid_until,
                f"Dispens upphör: {disp.ref} från {disp.document_ref}",
                f"Sista dagen dispensen {disp.ref} gäller: {disp.scope}",
                f"{base_url}/dispens/{disp.ref}",
            )
        )
    ical: bytes = calendar.to_ical()
    return ical
