"""Staff from the HR system: bring the register's people in line with the staff list that HR
or the directory exports (``styrdok staff sync FILE``, ``docs/staff.md``).

Bound on :class:`~styrdok.registry.Registry` as :meth:`sync_staff`.

The file is read by the spreadsheet machinery (:mod:`styrdok.spreadsheets`: CSV in any of
the encodings and separators Excel writes, XLSX streamed) in a layout of its own (module
constant :data:`COLUMNS`, headings mapped in ``styrdok.toml`` ``[staff]``), before the
transaction starts. A row names a person by their username (``ref``); the file is the truth
for the columns it has:

* a person not in the register is created, with ``unit_since`` today;
* a person whose name, e-mail, unit or title differs is updated (a new unit sets
  ``unit_since`` to today, so they are asked to read what applies there);
* a person who had left and is back is reactivated;
* an active person with a unit who is not in the file has left, and is deactivated — never
  deleted. People with no unit (administrators, politicians, consultants: nobody HR lists)
  are left alone, and so is the administrator running the sync, who is refused instead.

Refs are compared regardless of case, as everywhere (``Anna.Lind`` is ``anna.lind``); the
register keeps its own spelling. The whole file is checked first: a bad row is one
:class:`~styrdok.spreadsheets.SheetError` naming its row and column, and nothing is written.
The register is read and written set-wise — its people a few units or a batch of refs at a
time, new people in one bulk insert, changed ones in bulk updates, never a statement per
person — and the sync is audited as one ``staff.sync`` event.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from styrdok import events, rules
from styrdok.errors import Conflict, InvalidValue
from styrdok.labels import N_
from styrdok.model import Dispensation, DispStatus, DocStatus, Document, Person
from styrdok.text import ref_key
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import SYSTEM_ACTOR, Work, evolve

if TYPE_CHECKING:
    from styrdok.organisation import UnitTree
    from styrdok.registry import Registry
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

#: The open duties listed for a leaver, in this order: owner, guardian and approver of a
#: document in preparation or in force, responsible for an open dispensation, contact of a
#: body (:func:`styrdok.rules.duties_of`), a request waiting on their decision, manager of
#: a unit.
DUTY_ROLES = ("owner", "guardian", "approver", "responsible", "contact", "decider", "manager")

_ROLE_ORDER = {role: order for order, role in enumerate(DUTY_ROLES)}

#: How often (in rows) reading the file reports progress.
PROGRESS_EVERY = 250

#: People are looked up and written this many at a time (one ``executemany`` each).
BATCH = 5_000

#: The active people of this many units are read at a time (to find who has left).
UNITS_AT_A_TIME = 50


@attrs.frozen
class StaffChange:
    """One person a sync created, changed, reactivated or deactivated (or, in a dry run,
    would)."""

    row: int | None
    """Their row in the file; ``None`` for a leaver, who is not in it."""
    person: Person
    """The person as the sync leaves them."""
    changed: tuple[str, ...] = ()
    """Of an update or a reactivation: the fields that changed (``name``, ``email``,
    ``unit``, ``title``)."""


@attrs.frozen
class Duty:
    """Something a leaver is still answerable for, to hand over (``styrdok person
    handover``)."""

    person: str
    role: str
    """One of :data:`DUTY_ROLES`."""
    ref: str
    """The document, dispensation, body or unit."""


@attrs.frozen
class StaffSync:
    """What a staff sync did (or, with ``dry_run``, would do)."""

    rows: int
    """People in the file."""
    created: tuple[StaffChange, ...]
    updated: tuple[StaffChange, ...]
    reactivated: tuple[StaffChange, ...]
    deactivated: tuple[StaffChange, ...]
    """Leavers: not in the file (row ``None``), or marked as not active in it."""
    duties: tuple[Duty, ...]
    """The leavers' open duties, by person."""
    sha256: str
    """The file's SHA-256, as the audit log names it."""
    dry_run: bool

    @property
    def changes(self) -> int:
        """How many people changed."""
        return len(self.created) + len(self.updated) + len(self.reactivated) + len(self.deactivated)

    @property
    def unchanged(self) -> int:
        """People in the file the sync left as they were."""
        in_file = sum(1 for change in self.deactivated if change.row is not None)
        return self.rows - len(self.created) - len(self.updated) - len(self.reactivated) - in_file


@use_case
def sync_staff(
    registry: Registry,
    path: os.PathLike[str] | str,
    *,
    actor: str | None,
    columns: Mapping[str, str] | None = None,
    ignore: tuple[str, ...] = (),
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> StaffSync:
    """Bring the register's people in line with HR's staff list, an XLSX or CSV file
    (``docs/staff.md``): create new people, update changed ones, reactivate returning ones
    and deactivate leavers, listing the leavers' open duties. Administrators only; all or
    nothing (a bad row is one :class:`~styrdok.spreadsheets.SheetError` naming the row and
    column); one ``staff.sync`` audit event, none when nothing changes. ``columns`` maps
    column keys (:data:`COLUMNS`) to other headings, ``ignore`` lists headings to leave
    out; ``progress`` is called with the number of rows read since its last call;
    ``dry_run`` writes nothing."""
    from styrdok.sheet_layout import HeadingMap

    mapped = {heading.casefold() for heading in (columns or {}).values()}
    left_out = tuple(heading for heading in LEFT_OUT if heading.casefold() not in mapped)
    mapping = HeadingMap(dict(columns or {}), (*ignore, *left_out))
    with registry.session.work(actor) as work:  # refused before a large file is read
        rules.require_admin(work.actor, "sync staff")
        units = work.units()
    # Read before the transaction: reading a large file must not hold the write lock.
    staff = _read(path, mapping, _UnitNames(units), registry.today(), progress)
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "sync staff")
        if work.units().units != units.units:
            raise Conflict("the organisation changed while the staff list was read: run it again")
        plan = _Plan(work, staff, registry.today())
        plan.compare()
        leavers = {change.person.ref for change in plan.deactivated}
        if work.actor.ref in leavers:
            from styrdok.spreadsheets import SheetError

            raise SheetError(
                N_(
                    "{ref} is not in the staff list as active, and a sync never deactivates "
                    "the administrator running it: add {ref} to the list, or let another "
                    "administrator run the sync"
                ),
                ref=work.actor.ref,
            )
        result = StaffSync(
            rows=staff.count,
            created=tuple(plan.created),
            updated=_by_row(plan.updated),
            reactivated=_by_row(plan.reactivated),
            deactivated=_by_row(plan.deactivated),
            duties=tuple(_duties(work, leavers)),
            sha256=staff.sha256,
            dry_run=dry_run,
        )
        if dry_run or not result.changes:
            return result
        _write(work, result)
    return result


# --- reading the file ----------------------------------------------------------------------


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


@attrs.frozen
class _Row:
    number: int
    person: Person
    """As the row gives it, its unit resolved to a unit's ref and ``unit_since`` today (as
    a new person gets it); ``active`` is ``False`` for a row marked as left."""


@attrs.define
class _Staff:
    """The staff list as read: the people by ref key, and which fields the file has."""

    rows: dict[str, _Row]
    count: int
    unknown: dict[str, tuple[int, str]]
    """Ref key → row number and unit, of rows whose unit names no unit of the organisation
    (allowed only as the free text a person already has, from before there were units)."""
    present: tuple[str, ...]
    """The synced fields the file has a column for; the others stay as stored."""
    shown: Mapping[str, str]
    """How an error names each column: ``"Enhet" (D)``."""
    sha256: str


def _read(
    path: os.PathLike[str] | str,
    mapping: HeadingMap,
    units: _UnitNames,
    today: dt.date,
    progress: Callable[[int], None] | None,
) -> _Staff:
    """Every row as a person, checked one by one."""
    from styrdok.sheet_layout import build, read_row
    from styrdok.spreadsheets import SheetError, open_sheet, read_rows

    sheet = open_sheet(path)
    source = read_rows(sheet, sheet_names=SHEET_NAMES)
    first = next(source, None)
    if first is None:
        raise SheetError(N_("{name}: the sheet is empty"), name=sheet.path.name)
    headings = _headings(first[0], first[1], mapping)
    rows: dict[str, _Row] = {}
    unknown: dict[str, tuple[int, str]] = {}
    pending = 0
    for number, values in source:
        data = read_row(layout(), headings, number, values)
        unit = data.get("unit")
        if unit is not None:
            data["unit"] = units.resolve(unit, number, headings.shown) or unit
        since = today if unit is not None else None  # as a new person gets it
        try:
            person = Person(**data, unit_since=since)
        except (InvalidValue, TypeError):  # built the strict way, to name row and column
            person = evolve(build(layout(), number, data, headings.shown), unit_since=since)
        key = ref_key(person.ref)
        if key == SYSTEM_ACTOR:
            raise SheetError(
                N_("{ref} is reserved for automatic changes"),
                row=number, column=headings.shown["ref"], ref=SYSTEM_ACTOR,
            )  # fmt: skip
        earlier = rows.get(key)
        if earlier is not None:
            raise SheetError(
                N_("{ref} is also on row {first}: each person is on one row"),
                row=number, column=headings.shown["ref"], ref=person.ref, first=earlier.number,
            )  # fmt: skip
        rows[key] = _Row(number, person)
        if person.unit is not None and not units.known(person.unit):
            unknown[key] = (number, person.unit)
        pending += 1
        if progress is not None and pending == PROGRESS_EVERY:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    if not rows:
        raise SheetError(N_("{name}: no rows below the headings"), name=sheet.path.name)
    present = tuple(key for key in SYNCED if key in headings.shown)
    return _Staff(rows, len(rows), unknown, present, headings.shown, sheet.sha256)


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


# --- comparing with the register -----------------------------------------------------------


class _Plan:
    """The changes a staff list makes, found with set-wise reads: the active people of a
    few units at a time (each either on the list or a leaver), then the rest of the list
    by ref, a batch at a time (people without a unit or who had left, refs spelt in
    another case, and new people). Memory: the staff list and the changes."""

    def __init__(self, work: Work, staff: _Staff, today: dt.date) -> None:
        self.work = work
        self.staff = staff
        self.today = today
        self.created: list[StaffChange] = []
        self.updated: list[StaffChange] = []
        self.reactivated: list[StaffChange] = []
        self.deactivated: list[StaffChange] = []

    def compare(self) -> None:
        from styrdok.spreadsheets import SheetError

        store = self.work.store
        rows = self.staff.rows  # taken as the register's people are met: what is left is new
        units = store.person_units()
        for start in range(0, len(units), UNITS_AT_A_TIME):
            for stored in store.persons_in_units(units[start : start + UNITS_AT_A_TIME]):
                self._meet(stored)
        rest = [row.person.ref for row in rows.values()]
        for start in range(0, len(rest), BATCH):
            # Refs regardless of case, as stored; the rest of the batch is new.
            stored_refs = store.existing_refs("person", rest[start : start + BATCH])
            for stored in store.persons_by_ref(stored_refs).values():
                self._meet(stored)
        if self.staff.unknown:
            number, unit = min(self.staff.unknown.values())
            raise SheetError(
                N_("{value} is not a unit of the organisation (see styrdok unit list)"),
                row=number, column=self.staff.shown["unit"], value=repr(unit),
            )  # fmt: skip
        # In the file, not in the register: new (with unit_since today, as read).
        self.created = [StaffChange(row.number, row.person) for row in rows.values()
                        if row.person.active]  # fmt: skip

    def _meet(self, stored: Person) -> None:
        """Compare a person in the register with their row, or see that they have left."""
        key = ref_key(stored.ref)
        row = self.staff.rows.pop(key, None)
        if row is None:
            if stored.active and stored.unit is not None:
                self.deactivated.append(StaffChange(None, evolve(stored, active=False)))
            return
        if key in self.staff.unknown and row.person.unit == stored.unit:
            del self.staff.unknown[key]  # free text from before the organisation, kept
        self._compare(stored, row)

    def _compare(self, stored: Person, row: _Row) -> None:
        incoming = row.person
        changes: dict[str, Any] = {
            field: getattr(incoming, field)
            for field in self.staff.present
            if getattr(incoming, field) != getattr(stored, field)
        }
        fields = tuple(changes)
        if incoming.active != stored.active:
            changes["active"] = incoming.active
        if not changes:
            return
        if "unit" in changes or (incoming.active and not stored.active):
            # Moved, or back: asked to read what applies to their unit from today.
            unit = changes.get("unit", stored.unit)
            changes["unit_since"] = self.today if unit is not None else None
        after = evolve(stored, **changes)
        change = StaffChange(row.number, after, fields)
        if after.active and not stored.active:
            self.reactivated.append(change)
        elif stored.active and not after.active:
            self.deactivated.append(change)
        else:
            self.updated.append(change)


class _UnitNames:
    """A unit named in a staff list: by its ref, else its ref or name regardless of case
    (HR systems often export the unit's name). Without an organisation any text is kept."""

    def __init__(self, tree: UnitTree) -> None:
        self.tree = tree
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
        """The unit's ref, or ``None`` if ``value`` names no unit."""
        if not self.tree or value in self.tree:
            return value
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


def _by_row(changes: list[StaffChange]) -> tuple[StaffChange, ...]:
    """In the file's order, then leavers (not in the file) by ref."""
    return tuple(sorted(changes, key=lambda c: (c.row is None, c.row or 0, ref_key(c.person.ref))))


# --- the leavers' duties -------------------------------------------------------------------


def _duties(work: Work, leavers: set[str]) -> Iterator[Duty]:
    """Each leaver's open duties (:data:`DUTY_ROLES`), by person and in that order."""
    if not leavers:
        return
    store = work.store
    documents = [
        doc for doc in store.list_documents() if doc.status in (DocStatus.DRAFT, DocStatus.IN_FORCE)
    ]
    open_dispensations = store.list_dispensations(
        statuses=(DispStatus.REQUESTED, DispStatus.APPROVED)
    )
    bodies = store.list_bodies()
    by_document = {doc.ref: doc for doc in documents}
    mine: dict[str, list[Document]] = {}
    for doc in documents:
        for person in leavers & {doc.owner, doc.guardian, *doc.dispensation_rules.approvers}:
            mine.setdefault(person, []).append(doc)
    waiting: dict[str, list[str]] = {}
    for disp in open_dispensations:
        document = by_document.get(disp.document_ref)
        if disp.status is not DispStatus.REQUESTED or document is None:
            continue
        parties = {disp.requested_by, disp.responsible}
        for person in sorted((leavers & rules.approvers_of(document)) - parties):
            waiting.setdefault(person, []).append(disp.ref)
    responsible: dict[str, list[Dispensation]] = {}
    for disp in open_dispensations:
        if disp.responsible in leavers:
            responsible.setdefault(disp.responsible, []).append(disp)
    managed: dict[str, list[str]] = {}
    for unit in work.units().walk():
        if unit.manager in leavers:
            managed.setdefault(unit.manager, []).append(unit.ref)
    for person in sorted(leavers, key=ref_key):
        # The one rule for what a person answers for; its lines read "<role> of|for <ref>".
        lines = rules.duties_of(
            person,
            documents=mine.get(person, []),
            dispensations=responsible.get(person, []),
            bodies=bodies,
        )
        theirs = [Duty(person, line.split()[0], line.split()[-1]) for line in lines]
        theirs += [Duty(person, "decider", ref) for ref in waiting.get(person, [])]
        theirs += [Duty(person, "manager", ref) for ref in managed.get(person, [])]
        yield from sorted(theirs, key=lambda d: (_ROLE_ORDER.get(d.role, 99), ref_key(d.ref)))


# --- writing -------------------------------------------------------------------------------


def _write(work: Work, result: StaffSync) -> None:
    """New people in one bulk insert, changed ones in bulk updates, one audit event."""
    from styrdok.exchange import SECTIONS

    section = next(s for s in SECTIONS if s.name == "persons")
    work.store.bulk_insert("person", (section.to_row(c.person) for c in result.created))
    changed = [*result.updated, *result.reactivated, *result.deactivated]
    for start in range(0, len(changed), BATCH):
        work.store.replace_persons([c.person for c in changed[start : start + BATCH]])
    work.record(
        events.StaffSynced,
        "registry:",
        None,
        {
            "source_sha256": result.sha256,
            "created": _refs(result.created),
            "updated": _refs(result.updated),
            "deactivated": _refs(result.deactivated),
            "reactivated": _refs(result.reactivated),
        },
    )


def _refs(changes: Iterable[StaffChange]) -> list[str]:
    return [change.person.ref for change in changes]
