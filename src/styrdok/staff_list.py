"""The staff list that HR or the directory exports, as ``styrdok staff sync`` reads it
(:mod:`styrdok.usecases.staff`, ``docs/staff.md``): its columns, each row in plain values,
and a row as a checked :class:`~styrdok.model.Person` when the sync needs one.

The file is read by the spreadsheet machinery (:mod:`styrdok.spreadsheets`: CSV in any of
the encodings and separators Excel writes, XLSX streamed) in a layout of its own
(:data:`COLUMNS`, headings mapped in ``styrdok.toml`` ``[staff]``). Each row becomes a
:class:`StaffRow` of plain values, normalised exactly as a person's fields are (Unicode NFC,
stripped, an empty cell unset), so a row that says what the register already holds compares
equal to it. Reading checks what every row must pass whatever the register holds — each
cell reads as its column's kind, the username is a valid ref, not reserved and on one row
only, a unit's name is not shared by two units — and leaves the field rules to
:func:`person`, which the sync calls only for rows that create or change someone: in a list
of 57,000 that HR exports every night nearly every row is unchanged, and building and
checking a person for each cost more than everything else the sync does. When a sync does
create or change thousands (the first one creates every person),
:class:`styrdok.staff_persons.Persons` makes them: a row is already normalised, so only
the field validators run, once each.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from styrdok.errors import InvalidValue
from styrdok.fields import evolve
from styrdok.labels import N_
from styrdok.model import Person
from styrdok.text import REF_PATTERN, normalise, ref_key

if TYPE_CHECKING:
    from styrdok.organisation import UnitTree
    from styrdok.sheet_layout import HeadingMap, Headings, Layout

#: The fields a staff list sets; a person's administrator right is the register's own.
SYNCED = ("name", "email", "unit", "title")

#: The column keys of a staff list, each with the headings it is recognised by (Swedish,
#: English, then other common names), whatever their case and spacing. ``active``
#: (``nej``: has left) is optional; so are e-mail, unit and title.
COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("Användarnamn", "Username", "Referens", "Reference", "Användar-id", "User ID"),
    "name": ("Namn", "Name"),
    "email": ("E-post", "Email", "E-postadress", "E-mail"),
    "unit": ("Enhet", "Unit"),
    "title": ("Befattning", "Job title", "Titel", "Title"),
    "active": ("Aktiv", "Active", "Anställd", "Employed"),
}

#: Columns of the register's own people sheet (``styrdok export --xlsx``) that a sync
#: leaves out, so that sheet reads as a staff list: the sync never grants or removes an
#: administrator right, and it sets ``unit_since`` itself.
LEFT_OUT = ("Administratör", "Administrator", "I enheten sedan", "In the unit since")

#: A workbook's sheet is the first called one of these, else its first sheet.
SHEET_NAMES = ("Personal", "Staff", "Personer", "People")

#: How often (in rows) reading the file reports progress.
PROGRESS_EVERY = 250

#: The text fields of a row, in :class:`StaffRow` order.
_TEXT_FIELDS = ("ref", "name", "email", "unit", "title")


class StaffRow(NamedTuple):
    """One row of the list in plain values, normalised as a person's fields are (NFC,
    stripped; an empty cell, or a column the list lacks, is ``None``), not yet checked
    against the field rules (:func:`person` does that)."""

    number: int
    """As the spreadsheet numbers it (the headings are row 1)."""
    ref: str
    name: str | None
    email: str | None
    unit: str | None
    """A unit's ref when the cell names one (by ref or by name), else the text as given."""
    title: str | None
    active: bool
    """``False`` for a row marked as left (``Aktiv``: ``nej``)."""


@attrs.define
class StaffList:
    """The staff list as read: its rows by ref key, and which fields the file has."""

    rows: dict[str, StaffRow]
    """By :func:`~styrdok.text.ref_key`, in the file's order."""
    count: int
    unknown: dict[str, tuple[int, str]]
    """Ref key → row number and unit, of rows whose unit names no unit of the organisation
    (allowed only as the free text a person already has, from before there were units)."""
    present: tuple[str, ...]
    """The synced fields the file has a column for; the others stay as stored."""
    shown: Mapping[str, str]
    """How an error names each column: ``"Enhet" (D)``."""
    sha256: str


def read(
    path: os.PathLike[str] | str,
    mapping: HeadingMap,
    units: UnitNames,
    progress: Callable[[int], None] | None,
    *,
    reserved: str,
) -> StaffList:
    """Every row of the file in plain values (:class:`StaffRow`); a bad cell, a username
    that is no ref, is ``reserved`` or on two rows is one
    :class:`~styrdok.spreadsheets.SheetError` naming the row and column. ``progress`` is
    called with the number of rows read since its last call."""
    from styrdok.spreadsheets import SheetError, open_sheet, read_rows

    sheet = open_sheet(path)
    source = read_rows(sheet, sheet_names=SHEET_NAMES)
    first = next(source, None)
    if first is None:
        raise SheetError(N_("{name}: the sheet is empty"), name=sheet.path.name)
    headings = _headings(first[0], first[1], mapping)
    cells = _Cells(headings)
    shown = headings.shown
    rows: dict[str, StaffRow] = {}
    unknown: dict[str, tuple[int, str]] = {}
    # Memory grows with the list (about half a kilobyte a row): a unit or title most rows
    # share is kept once (_Cells), and a ref already in lower case is its own key.
    exact = units.exact or {}  # the common unit: one of the organisation's, by its ref
    pending = 0
    for number, values in source:
        ref, name, email, unit, title, active = cells.read(number, values)
        resolved = exact.get(unit)  # an empty cell's None is no key
        if resolved is None and unit is not None:
            resolved = units.resolve(unit, number, shown)
        row = StaffRow(number, ref, name, email, resolved or unit, title, active)
        if ref is None or not REF_PATTERN.fullmatch(ref):
            person(row, shown, unit_since=None)  # the username's own error, as any import's
        key = ref_key(ref)
        if key == ref:
            key = ref
        if key == reserved:
            raise SheetError(
                N_("{ref} is reserved for automatic changes"),
                row=number, column=shown["ref"], ref=reserved,
            )  # fmt: skip
        earlier = rows.get(key)
        if earlier is not None:
            raise SheetError(
                N_("{ref} is also on row {first}: each person is on one row"),
                row=number, column=shown["ref"], ref=row.ref, first=earlier.number,
            )  # fmt: skip
        rows[key] = row
        if unit is not None and resolved is None:
            unknown[key] = (number, unit)
        pending += 1
        if progress is not None and pending == PROGRESS_EVERY:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    if not rows:
        raise SheetError(N_("{name}: no rows below the headings"), name=sheet.path.name)
    present = tuple(key for key in SYNCED if key in shown)
    return StaffList(rows, len(rows), unknown, present, shown, sheet.sha256)


def person(row: StaffRow, shown: Mapping[str, str], *, unit_since: dt.date | None) -> Person:
    """The row as a person, every field rule applied (an empty cell leaves the field's
    default), with ``unit_since``; a problem is one
    :class:`~styrdok.spreadsheets.SheetError` naming the row and the column (``shown``)."""
    try:
        # An empty cell's None is each optional field's default; a missing name or ref
        # fails here and is reported below as an import reports it.
        return Person(
            ref=row.ref,
            name=row.name,
            email=row.email,
            unit=row.unit,
            title=row.title,
            active=row.active,
            unit_since=unit_since,
        )
    except InvalidValue:  # built the strict way, to name row and column
        from styrdok.sheet_layout import build

        data = {key: value for key, value in zip(_TEXT_FIELDS, row[1:6], strict=True)
                if value is not None}  # fmt: skip
        built: Person = build(layout(), row.number, {**data, "active": row.active}, shown)
        return evolve(built, unit_since=unit_since)


class _Cells:
    """How one row's cells read into plain values. The common row — text (or empty)
    cells, as every CSV file has, one per heading — is read here directly, as
    :func:`styrdok.sheet_layout.read_row` and a person's converters together would read it;
    any other row goes through ``read_row`` itself, so its errors and its forgiving reading
    of numbers, dates and booleans are an import's."""

    def __init__(self, headings: Headings) -> None:
        from styrdok import sheet_cells

        self.headings = headings
        self.width = len(headings.columns)
        where = {column.key: i for i, column in enumerate(headings.columns) if column is not None}
        self.ref = where["ref"]
        # (position in the result, cell index) of each other text column the list has:
        # name and e-mail, different on each row, and unit and title, a few hundred values
        # on 57,000 rows, each read once (and kept once) in ``seen``.
        columns = [(n, where[key]) for n, key in enumerate(_TEXT_FIELDS) if key in where]
        self.text = [(n, i) for n, i in columns if _TEXT_FIELDS[n] in ("name", "email")]
        self.shared = [(n, i) for n, i in columns if _TEXT_FIELDS[n] in ("unit", "title")]
        self.seen: dict[str, str | None] = {}
        self.active = where.get("active")
        self.boolean, self.bad = sheet_cells.BOOLEAN.read, sheet_cells.BadCell
        self.strays = [
            i for i, column in enumerate(headings.columns)
            if column is None and i not in headings.ignored
        ]  # fmt: skip

    def read(self, number: int, cells: Sequence[Any]) -> list[Any]:
        """``[ref, name, email, unit, title, active]``; ``None`` for an empty cell or a
        column the list lacks, ``active`` ``True`` unless the row says otherwise."""
        if len(cells) != self.width or (
            self.strays and any(_filled(cells[i]) for i in self.strays)
        ):
            return self._imported(number, cells)
        ref = cells[self.ref]
        if type(ref) is not str:
            return self._imported(number, cells)
        values: list[Any] = [ref.strip() or None, None, None, None, None, True]
        for n, i in self.text:
            value = cells[i]
            if type(value) is str:
                # normalise() itself, without a call for the common ASCII cell (NFC changes
                # nothing there): four cells a row, 57,000 rows.
                values[n] = (value.strip() if value.isascii() else normalise(value)) or None
            elif value is not None:
                return self._imported(number, cells)
        seen = self.seen
        for n, i in self.shared:
            value = cells[i]
            if type(value) is str:
                text = seen.get(value, _UNSEEN)
                if text is _UNSEEN:
                    text = seen[value] = normalise(value) or None
                values[n] = text
            elif value is not None:
                return self._imported(number, cells)
        if self.active is not None:
            try:
                active = self.boolean(cells[self.active])
            except self.bad:
                return self._imported(number, cells)
            values[5] = active is not False  # an empty cell: still employed
        return values

    def _imported(self, number: int, cells: Sequence[Any]) -> list[Any]:
        """The row read as an import reads it (:func:`~styrdok.sheet_layout.read_row`)."""
        from styrdok.sheet_layout import read_row

        data = read_row(layout(), self.headings, number, cells)
        values: list[Any] = [data.get(key) for key in _TEXT_FIELDS]
        for n in range(1, len(values)):  # as the person's converters make them
            if values[n] is not None:
                values[n] = normalise(values[n]) or None
        return [*values, data.get("active", True)]


#: What :attr:`_Cells.seen` gives for a cell not yet read.
_UNSEEN: Any = object()


def _filled(cell: Any) -> bool:
    return cell is not None and bool(str(cell).strip())


@functools.cache
def layout() -> Layout:
    """The staff list's columns as a spreadsheet layout (every recognised heading of a key
    is a column of that key, so any one of them matches)."""
    from styrdok import sheet_cells as cells
    from styrdok.sheet_layout import Column, Layout

    kinds = {"ref": cells.REF, "active": cells.BOOLEAN}
    found = []
    for key, headings in COLUMNS.items():
        for sv, en in zip(headings[::2], headings[1::2], strict=True):
            kind = kinds.get(key, cells.TEXT)
            found.append(Column(key, sv, en, kind, required=key in ("ref", "name")))
    return Layout("staff", Person, ("Personal", "Staff"), tuple(found))


def _headings(row: int, cells: list[Any], mapping: HeadingMap) -> Headings:
    """The heading row matched to the staff layout; an unknown heading points to the
    ``[staff]`` settings (not to a spreadsheet import's)."""
    from styrdok.sheet_layout import match_headings
    from styrdok.spreadsheets import SheetError

    try:
        return match_headings(layout(), row, cells, mapping)
    except SheetError as exc:
        if exc.column is None or "[import." not in exc.template:
            raise
        raise SheetError(
            N_(
                "no column of a staff list is called that; see docs/staff.md, or map it in "
                "styrdok.toml [staff] (or list it under ignore)"
            ),
            row=exc.row, column=exc.column,
        ) from None  # fmt: skip


def heading_map(settings: Mapping[str, Any], *, source: str) -> HeadingMap:
    """The ``[staff]`` table of ``styrdok.toml`` checked: each key a column key of
    :data:`COLUMNS` (the value: the heading your file uses instead) or ``ignore`` (headings
    of columns to leave out)."""
    from styrdok.settings_schema import Section, Str, StrList
    from styrdok.sheet_layout import HeadingMap

    schema: dict[str, Any] = {key: Str() for key in COLUMNS}
    schema["ignore"] = StrList()
    checked = dict(Section("staff", settings, source=source).validated(schema))
    ignore = checked.pop("ignore", ())
    return HeadingMap(checked, tuple(ignore))


class UnitNames:
    """A unit named in a staff list: by its ref, else its ref or name regardless of case
    (HR systems often export the unit's name). Without an organisation any text is kept."""

    def __init__(self, tree: UnitTree) -> None:
        self.tree = tree
        # What a unit's own ref resolves to (anything resolves to itself without units):
        # looked up once per row, so a plain dict.
        self.exact: dict[str, str] | None = {ref: ref for ref in tree.units} if tree else None
        self.keys: dict[str, str | None] = {}
        for unit in tree.units.values():
            for key in {_unit_key(unit.name), _unit_key(unit.ref)}:
                # A name two units share names neither: the row is refused.
                self.keys[key] = unit.ref if self.keys.get(key, unit.ref) == unit.ref else None
        for unit in tree.units.values():  # a ref beats another unit's name
            self.keys[_unit_key(unit.ref)] = unit.ref

    def known(self, value: str) -> bool:
        """Whether ``value`` may be a person's unit: one of the organisation's, or anything
        while there is no organisation."""
        return not self.tree or value in self.tree

    def resolve(self, value: str, row: int, shown: Mapping[str, str]) -> str | None:
        """The unit's ref (``value`` itself while there is no organisation), or ``None`` if
        ``value`` names no unit."""
        if self.exact is None:
            return value
        found = self.exact.get(value)
        if found is not None:
            return found
        key = _unit_key(value)
        if key in self.keys and self.keys[key] is None:
            from styrdok.spreadsheets import SheetError

            raise SheetError(
                N_("{value} is the name of more than one unit: give the unit's ref"),
                row=row, column=shown["unit"], value=repr(value),
            )  # fmt: skip
        return self.keys.get(key)


def _unit_key(text: str) -> str:
    return " ".join(text.casefold().split())
