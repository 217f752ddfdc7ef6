"""The annual cycle as an iCalendar feed: review dates, documents' end dates and the end
dates of approved dispensations, one all-day event each.

The feed holds what :meth:`~styrdok.registry.Registry.due` lists with the horizon of
:func:`horizon_days`: everything due up to the end of *next* calendar year (13 to 24 months
ahead), and everything overdue however old. An årshjul is planned by the calendar year, so
next year is whole in the feed by the time it is planned in the autumn; a review or end
date further off appears in time, as the feed is fetched again. Overdue items have no lower
bound: a review not done, or the end date of a document still in force, is still
outstanding and stays on its day until it is dealt with (a dispensation past its end date
until the daily expiry run marks it expired).

The text is written here, not by a calendar library, so that a register of any size is
streamed a few events at a time in constant memory (:func:`feed`): CRLF line endings,
TEXT values escaped (RFC 5545 3.3.11) and lines folded at 75 octets, never inside a
UTF-8 character (3.1).

Each event's UID is built from what it is about (kind, ref, date), so a calendar client
that polls the feed keeps the same event across refreshes; when a date moves (a review
was done, a dispensation renewed) the old event disappears and a new one appears.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import closing
from typing import TYPE_CHECKING
from urllib.parse import quote

from styrdok.enums import DueKind
from styrdok.model import DueItem

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: The feed's product identifier (``PRODID``).
PRODID = "-//styrdok//intranet example//SV"
#: The name calendar clients show for the feed (``X-WR-CALNAME``).
NAME = "Styrdokument – årshjul"
#: :func:`feed` hands on its text in pieces of about this many bytes.
CHUNK_BYTES = 64 * 1024
#: The longest line, in octets without the line break (RFC 5545 3.1).
LINE_OCTETS = 75

# Backslash first, so the escapes added after it are not escaped again. A lone CR is a line
# break too; other control characters are not allowed in TEXT at all (3.3.11).
_ESCAPES = {ord("\\"): "\\\\", ord(";"): "\\;", ord(","): "\\,", ord("\n"): "\\n"}
_ESCAPES |= {c: " " for c in (*range(0x20), 0x7F) if c not in (0x09, 0x0A)}
_ESCAPES[ord("\r")] = "\\n"
# Most values need no escape: finding that out is much faster than translating them.
_NEEDS_ESCAPE = re.compile(r"[\\;,\x00-\x08\x0a-\x1f\x7f]")


def horizon_days(today: dt.date) -> int:
    """How many days ahead of ``today`` the feed reaches: to the end of next calendar
    year (see the module's description)."""
    return (dt.date(today.year + 1, 12, 31) - today).days


def escape_text(value: str) -> str:
    """``value`` as an iCalendar TEXT value: backslash, semicolon, comma and line breaks
    escaped (CRLF as one break), other control characters as spaces."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.replace("\r\n", "\n").translate(_ESCAPES)


def content_line(name: str, value: str) -> bytes:
    """The content line ``name:value`` in UTF-8, folded to lines of at most 75 octets
    and ended with CRLF. A fold never splits a character: it moves back to where one
    starts. ``value`` is already escaped as its type needs."""
    line = f"{name}:{value}".encode()
    if len(line) <= LINE_OCTETS:
        return line + b"\r\n"
    parts = []
    start, width = 0, LINE_OCTETS  # a continuation line's leading space is one of its 75
    while len(line) - start > width:
        end = start + width
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: not a place to cut
            end -= 1
        parts.append(line[start:end])
        start, width = end, LINE_OCTETS - 1
    parts.append(line[start:])
    return b"\r\n ".join(parts) + b"\r\n"


@functools.lru_cache(maxsize=4096)
def _dates(day: dt.date) -> bytes:
    """The all-day ``DTSTART`` and ``DTEND`` lines of ``day`` (many events share one)."""
    end = day + dt.timedelta(days=1)
    return f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\nDTEND;VALUE=DATE:{end:%Y%m%d}\r\n".encode()


#: Per kind: the UID's first word, the summary, the description and the page, each
#: formatted with the item's ``ref`` and ``title`` (a dispensation's: from its scope).
_TEXTS = {
    DueKind.REVIEW: (
        "review",
        "Aktualitetsprövning: {ref} {title}",
        "{ref} {title} ska prövas senast denna dag.",
        "dokument",
    ),
    DueKind.DOCUMENT_EXPIRY: (
        "document-end",
        "Upphör att gälla: {ref} {title}",
        "Sista dagen {ref} {title} gäller.",
        "dokument",
    ),
    DueKind.DISPENSATION_EXPIRY: (
        "dispensation-end",
        "Dispens upphör: {ref} {title}",
        "Sista dagen dispensen {ref} gäller: {title}",
        "dispens",
    ),
}


def event(item: DueItem, *, base_url: str, domain: str, stamp: str) -> bytes:
    """One all-day ``VEVENT`` for ``item``, its page under ``base_url``; ``stamp`` is the
    ``DTSTAMP`` (UTC, ``YYYYMMDDTHHMMSSZ``)."""
    word, summary, description, page = _TEXTS[item.kind]
    ref, title = escape_text(item.ref), escape_text(item.title)
    return b"".join(
        (
            b"BEGIN:VEVENT\r\n",
            content_line("UID", f"{word}-{ref}-{item.due_on}@{escape_text(domain)}"),
            content_line("DTSTAMP", stamp),
            _dates(item.due_on),
            content_line("SUMMARY", summary.format(ref=ref, title=title)),
            content_line("DESCRIPTION", description.format(ref=ref, title=title)),
            content_line("URL", f"{base_url}/{page}/{quote(item.ref, safe='')}"),
            # A reminder, not a meeting: it never makes the day busy.
            b"TRANSP:TRANSPARENT\r\n",
            b"END:VEVENT\r\n",
        )
    )


def feed(
    items: Iterable[DueItem],
    *,
    base_url: str,
    domain: str,
    now: dt.datetime,
    name: str = NAME,
) -> Iterator[bytes]:
    """The ``VCALENDAR`` of ``items``, one all-day event each, as pieces of about
    :data:`CHUNK_BYTES`: the items are taken as the text is written, so a streamed
    ``items`` is never held whole. ``now`` (aware) is every event's ``DTSTAMP``; event
    pages are under ``base_url`` and UIDs end in ``@domain``."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    pending = [
        b"BEGIN:VCALENDAR\r\n",
        content_line("VERSION", "2.0"),
        content_line("PRODID", escape_text(PRODID)),
        content_line("X-WR-CALNAME", escape_text(name)),
    ]
    size = 0
    for item in items:
        text = event(item, base_url=base_url, domain=domain, stamp=stamp)
        pending.append(text)
        size += len(text)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    pending.append(b"END:VCALENDAR\r\n")
    yield b"".join(pending)


def registry_feed(registry: Registry, *, base_url: str, domain: str) -> Iterator[bytes]:
    """:func:`feed` of what ``registry`` has due within :func:`horizon_days`, read from
    it a chunk at a time (:meth:`~styrdok.registry.Registry.iter_due`) in one read
    transaction that is open while the text is written, and ended when the feed is
    finished or closed (a client that hangs up). Nothing is read before the first piece
    is asked for."""
    today = registry.today()
    due = registry.iter_due(within_days=horizon_days(today), today=today)
    with closing(due) as items:
        yield from feed(items, base_url=base_url, domain=domain, now=registry.now())
