"""Spreadsheet files in and out: CSV as Excel and SharePoint write it, and XLSX.

Reading yields the rows of one sheet as ``(row number, cells)``, numbered as the spreadsheet
program shows them (the heading row is row 1), so an error can name the row a person sees.
Nothing is read whole: a CSV file is decoded as it is read, an XLSX sheet is streamed by
openpyxl in read-only mode.

A CSV file may come from anywhere, so its encoding and separator are found, not assumed:
UTF-8 with or without a byte order mark, or Windows-1252 (what Swedish Excel writes when a
sheet is saved as plain "CSV"); a semicolon (Swedish Excel, where the comma is the decimal
sign) or a comma. The file is read twice: once to settle the encoding and fingerprint it
(SHA-256, which names the file in the audit log), once to read its rows.

Writing an XLSX workbook goes through :func:`write_xlsx` in openpyxl's write-only mode (rows
are streamed to the file). Text that a spreadsheet would take for a formula is stored as a
text cell with Excel's "quote prefix" set, so it is shown as typed and stays text even when
someone edits the cell, and it reads back unchanged (see :mod:`styrdok.csvsafe` for the
attack this prevents).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from styrdok.csvsafe import FORMULA_STARTS, safe_cell
from styrdok.errors import InvalidValue
from styrdok.labels import N_

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: File name endings read as XLSX workbooks, and as CSV text.
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")

#: The most characters an Excel cell holds; a longer text would be cut by Excel.
EXCEL_CELL_LIMIT = 32_767

_CHUNK = 1 << 20


class SheetError(InvalidValue):
    """A problem with a spreadsheet, naming its row and column where it has them.

    ``str()`` is the English line; :meth:`message` gives it in the reader's language
    (``template`` is an English source string of the gettext catalog, filled in from
    ``values``)."""

    def __init__(
        self,
        template: str,
        *,
        row: int | None = None,
        column: str | None = None,
        **values: Any,
    ) -> None:
        self.template = template
        self.row = row
        self.column = column
        self.values = values
        super().__init__(self.message("en"))

    def message(self, language: str) -> str:
        """The problem in ``language``: ``rad 7, kolumn "Beslutsdatum" (F): …``."""
        from styrdok.i18n import translations

        _ = translations(language).gettext
        problem = _(self.template).format(**self.values)
        if self.row is not None and self.column is not None:
            return _("row {row}, column {column}: {problem}").format(
                row=self.row, column=self.column, problem=problem
            )
        if self.row is not None:
            return _("row {row}: {problem}").format(row=self.row, problem=problem)
        return problem


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → ``A``, 27 → ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file (hex), read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- reading -----------------------------------------------------------------------------


@attrs.frozen
class SheetFile:
    """A spreadsheet file about to be read: where, what kind and its fingerprint."""

    path: Path
    kind: str
    """``xlsx`` or ``csv``."""
    sha256: str
    encoding: str | None = None
    """Of a CSV file: ``utf-8-sig``, ``utf-8`` or ``cp1252``."""


def open_sheet(path: str | os.PathLike[str]) -> SheetFile:
    """Look at ``path``: refuse what is not a spreadsheet, settle a CSV file's encoding,
    and fingerprint the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return SheetFile(path, "xlsx", file_sha256(path))
    if suffix in CSV_SUFFIXES:
        encoding, sha256 = _csv_encoding(path)
        return SheetFile(path, "csv", sha256, encoding)
    raise SheetError(
        N_("{name}: not a spreadsheet (expected a .xlsx or .csv file)"), name=path.name
    )


def read_rows(
    sheet: SheetFile, *, sheet_names: Sequence[str] = ()
) -> Iterator[tuple[int, list[Any]]]:
    """The rows of ``sheet`` as ``(row number, cells)``, entirely blank rows left out.

    Of a workbook, the first sheet whose name is one of ``sheet_names`` (compared without
    regard to case), else the first sheet. Cells are what the file holds: text, numbers,
    dates and booleans from a workbook, text from a CSV file (a leading ``'`` that
    :mod:`styrdok.csvsafe` put before a formula-like text is taken off again)."""
    if sheet.kind == "xlsx":
        rows = _xlsx_rows(sheet.path, sheet_names)
    else:
        rows = _csv_rows(sheet.path, sheet.encoding or "utf-8")
    for number, cells in rows:
        if any(cell is not None and cell != "" for cell in cells):
            yield number, cells


def _csv_encoding(path: Path) -> tuple[str, str]:
    """UTF-8 (with or without a byte order mark) if the whole file decodes as UTF-8, else
    Windows-1252; and the file's SHA-256. Decoded incrementally: memory stays flat."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, first = True, b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            first = first or chunk[:3]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"), digest.hexdigest()
    return "cp1252", digest.hexdigest()


def _delimiter(first_line: str) -> str:
    """The separator of a CSV file, from its heading row: whichever of semicolon, comma and
    tab occurs most outside quotes (headings hardly ever contain one)."""
    counts = dict.fromkeys(";,\t", 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    # A document's text may be far longer than the csv module's default cell limit (128 KiB).
    csv.field_size_limit(max(csv.field_size_limit(), 4 * _CHUNK))
    try:
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            reader = csv.reader(handle, delimiter=_delimiter(first), strict=True)
            for number, cells in enumerate(reader, start=1):
                yield number, [_unquote(cell) for cell in cells]
    except csv.Error as exc:
        raise SheetError(N_("not a readable CSV file: {reason}"), reason=str(exc)) from None
    except UnicodeDecodeError:
        raise SheetError(N_("not UTF-8 or Windows-1252 text")) from None


def _unquote(cell: str) -> str:
    # Undo what csvsafe.safe_cell does to formula-like text: "'=SUM(A1)" was "=SUM(A1)".
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) and safe_cell(cell[1:]) == cell:
        return cell[1:]
    return cell


def _xlsx_rows(path: Path, sheet_names: Sequence[str]) -> Iterator[tuple[int, list[Any]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        # read_only streams the sheet's XML; data_only gives a formula's last computed value.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise SheetError(N_("{name}: not a readable XLSX workbook"), name=path.name) from None
    try:
        wanted = {name.casefold() for name in sheet_names}
        chosen = next((ws for ws in workbook.worksheets if ws.title.casefold() in wanted), None)
        sheet = chosen if chosen is not None else workbook.worksheets[0]
        # Some programs write a wrong size into the file; without this rows past it are lost.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


# --- writing -----------------------------------------------------------------------------


@attrs.frozen
class SheetData:
    """One sheet of a workbook to write."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Any]]
    """Cells: text, whole numbers, ``Decimal`` amounts, dates, or ``None`` for empty."""
    widths: Sequence[int] = ()
    """Column widths in characters (the rest keep the default)."""
    name_row: Callable[[Sequence[Any]], str] = attrs.field(default=lambda row: str(row[0]))
    """How an error names a row (its reference)."""


def write_xlsx(handle: IO[bytes], sheets: Iterable[SheetData]) -> dict[str, int]:
    """Write ``sheets`` as an XLSX workbook to ``handle``, streaming; returns the number of
    rows on each sheet. Dates are real Excel dates (``yyyy-mm-dd``), amounts numbers with
    two decimals; a text longer than an Excel cell holds is refused, naming the row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for data in sheets:
        sheet = workbook.create_sheet(data.title)
        sheet.freeze_panes = "A2"  # the headings stay in view
        for index, width in enumerate(data.widths):
            sheet.column_dimensions[column_letter(index)].width = width
        bold = Font(bold=True)
        headings = []
        for heading in data.headings:
            cell = WriteOnlyCell(sheet, value=heading)
            cell.font = bold
            headings.append(cell)
        sheet.append(headings)
        count = 0
        for row in data.rows:
            sheet.append([_xlsx_cell(sheet, data, row, i, value) for i, value in enumerate(row)])
            count += 1
        counts[data.title] = count
    workbook.save(handle)
    return counts


def _xlsx_cell(
    sheet: WriteOnlyWorksheet, data: SheetData, row: Sequence[Any], i: int, value: Any
) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # openpyxl gives a date the yyyy-mm-dd format
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl takes it
        cell.number_format = "0.00"
        return cell
    if not isinstance(value, str):
        return value
    if len(value) > EXCEL_CELL_LIMIT:
        raise SheetError(
            N_(
                "{ref}: {column} is {length} characters long, more than an Excel cell holds "
                "({limit}); export it as JSON instead (styrdok export -o FILE)"
            ),
            ref=data.name_row(row),
            column=data.headings[i],
            length=len(value),
            limit=EXCEL_CELL_LIMIT,
        )
    if value.startswith(FORMULA_STARTS):
        # openpyxl would store "=…" as a formula: keep it text, and marked so in Excel.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value
