"""The pieces an HTML report page is made of: its style, a bar chart in inline SVG, tables
written a row at a time, and a page handed over a part at a time (see
:mod:`styrdok.report_html`, which fills them with the governance report)."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from html import escape
from typing import TypeVar

T = TypeVar("T")

_BAR_HEIGHT = 22
_LABEL_WIDTH = 250
_CHART_WIDTH = 720

#: The page's own style sheet (no external files: the page is mailed and archived as it is).
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 56rem;
       color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .date { color: #555; margin-top: 0; }
.tiles { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1.5rem 0; padding: 0; }
.tiles li { list-style: none; border: 1px solid #ccc; border-radius: 6px;
            padding: .6rem 1rem; min-width: 9rem; }
.tiles strong { display: block; font-size: 1.7rem; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .8rem .25rem 0; text-align: left; }
td.n, th.n { text-align: right; } td { overflow-wrap: anywhere; }
svg text { font: 13px system-ui, sans-serif; fill: #1b1b1b; }
.bar { fill: #1f6f8b; } .bar.bad { fill: #b3261e; } .track { fill: #eef2f4; }
.scroll { overflow-x: auto; max-width: 100%; } .scroll:focus { outline: 3px solid #1b1b1b; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
td.none { color: #555; }
"""


def bars(
    title: str, items: Sequence[tuple[str, float, str]], *, maximum: float, bad: float | None
) -> str:
    """A horizontal bar chart: (label, value, text shown after the bar) per row. Bars whose
    value reaches ``bad`` are drawn in red."""
    if not items:
        return ""
    chart_id = f"c{zlib.crc32(title.encode()):x}"
    height = len(items) * (_BAR_HEIGHT + 6) + 6
    span = _CHART_WIDTH - _LABEL_WIDTH - 90
    parts = [
        f'<svg role="img" aria-labelledby="{chart_id}" width="{_CHART_WIDTH}" '
        f'height="{height}" viewBox="0 0 {_CHART_WIDTH} {height}">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for i, (name, value, shown) in enumerate(items):
        y = 6 + i * (_BAR_HEIGHT + 6)
        width = 0 if maximum <= 0 else max(value / maximum * span, 0)
        css = "bar bad" if bad is not None and value >= bad and value > 0 else "bar"
        short = name if len(name) <= 30 else name[:29] + "…"
        parts += [
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(short)}</text>',
            f'<rect class="track" x="{_LABEL_WIDTH}" y="{y}" width="{span}" '
            f'height="{_BAR_HEIGHT}"/>',
            f'<rect class="{css}" x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
            f'height="{_BAR_HEIGHT}"/>',
            f'<text x="{_LABEL_WIDTH + span + 8}" y="{y + 15}">{escape(shown)}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def cell(value: object, tag: str) -> str:
    """One table cell (``td`` or ``th``), escaped; a number aligned right."""
    numeric = isinstance(value, int | float | Decimal)
    return f"<{tag}{' class=n' if numeric else ''}>{escape(str(value))}</{tag}>"


def table_pieces(headings: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A table in pieces, a row at a time as ``rows`` are read."""
    head = "".join(f"<th scope=col>{escape(h)}</th>" for h in headings)
    yield f"<table><thead><tr>{head}</tr></thead><tbody>"
    for row in rows:
        yield "<tr>" + "".join(cell(v, "td") for v in row) + "</tr>"
    yield "</tbody></table>"


def table(headings: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A whole table of ``rows`` under ``headings``."""
    return "".join(table_pieces(headings, rows))


def peeked(items: Iterable[T]) -> Iterator[T] | None:
    """``items`` as an iterator, or ``None`` when there are none: a streamed list says
    whether it is empty only once it is read."""
    iterator = iter(items)
    for first in iterator:
        return itertools.chain((first,), iterator)
    return None


class Page:
    """The page's parts handed to ``write`` as they are made, a line break between two."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._started = False

    def add(self, *parts: str) -> None:
        """Each of ``parts`` as a part of its own."""
        for part in parts:
            self.add_pieces((part,))

    def add_pieces(self, pieces: Iterable[str]) -> None:
        """One part, written a piece at a time."""
        if self._started:
            self._write("\n")
        self._started = True
        for piece in pieces:
            self._write(piece)
