"""Staff from the HR system: bring the register's people in line with the staff list that HR
or the directory exports (``styrdok staff sync FILE``, ``docs/staff.md``).

Bound on :class:`~styrdok.registry.Registry` as :meth:`sync_staff`.

The file is read by the spreadsheet machinery (:mod:`styrdok.spreadsheets`: CSV in any of
the encodings and separators Excel writes, XLSX streamed) in a layout of its own
(:data:`styrdok.staff_list.COLUMNS`, headings mapped in ``styrdok.toml`` ``[staff]``), before
the transaction starts. A row names a person by their username (``ref``); the file is the truth
for the columns it has:

* a person not in the register is created, with ``unit_since`` today;
* a person whose name, e-mail, unit or title differs is updated (a new unit sets
  ``unit_since`` to today, so they are asked to read what applies there);
* a person who had left and is back is reactivated;
* an active person with a unit who is not in the file has left, and is deactivated — never
  deleted. People with no unit (administrators, politicians, consultants: nobody HR lists)
  are left alone, and so is the administrator running the sync, who is refused instead.

Refs are compared regardless of case, as everywhere (``Anna.Lind`` is ``anna.lind``); the
register keeps its own spelling. Every row is checked before anything is written: a bad
row is one :class:`~styrdok.spreadsheets.SheetError` naming its row and column, and nothing
is written.
The register is read and written set-wise — its people as plain values in one streamed
query, new people in one bulk insert, changed ones in bulk updates, never a statement per
person — and the sync is audited as one ``staff.sync`` event. Reading the file is
:mod:`styrdok.staff_list`; a person is built, and so held to every field rule, only for
the rows that create or change someone (a row that says what the register holds needs
none).
"""

from __future__ import annotations

import datetime as dt
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from styrdok import events, fields, rules, staff_list
from styrdok.errors import Conflict
from styrdok.gcpause import paused_gc
from styrdok.labels import N_
from styrdok.model import Dispensation, DispStatus, DocStatus, Document, Person
from styrdok.organisation import StaffRecord
from styrdok.staff_list import LEFT_OUT, StaffList, StaffRow
from styrdok.staff_list import heading_map as heading_map  # the command line checks [staff]
from styrdok.staff_persons import Persons
from styrdok.text import ref_key
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import SYSTEM_ACTOR, Work, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: The open duties listed for a leaver, in this order: owner, guardian and approver of a
#: document in preparation or in force, responsible for an open dispensation, contact of a
#: body (:func:`styrdok.rules.duties_of`), a request waiting on their decision, manager of
#: a unit.
DUTY_ROLES = ("owner", "guardian", "approver", "responsible", "contact", "decider", "manager")

_ROLE_ORDER = {role: order for order, role in enumerate(DUTY_ROLES)}

#: Changed people are written this many at a time (one ``executemany`` each).
BATCH = 5_000


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
    column keys (:data:`styrdok.staff_list.COLUMNS`) to other headings, ``ignore`` lists
    headings to leave out; ``progress`` is called with the number of rows read since its
    last call; ``dry_run`` writes nothing."""
    from styrdok.sheet_layout import HeadingMap

    mapped = {heading.casefold() for heading in (columns or {}).values()}
    left_out = tuple(heading for heading in LEFT_OUT if heading.casefold() not in mapped)
    mapping = HeadingMap(dict(columns or {}), (*ignore, *left_out))
    with registry.session.work(actor) as work:  # refused before a large file is read
        rules.require_admin(work.actor, "sync staff")
        units = work.units()
    # Tens of thousands of rows, records and people, none in a cycle: see styrdok.gcpause.
    with paused_gc():
        # Read before the transaction: reading a large file must not hold the write lock.
        staff = staff_list.read(
            path, mapping, staff_list.UnitNames(units), progress, reserved=SYSTEM_ACTOR
        )
        with registry.session.work(actor) as work:
            rules.require_admin(work.actor, "sync staff")
            if work.units().units != units.units:
                raise Conflict(
                    "the organisation changed while the staff list was read: run it again"
                )
            result = _result(work, staff, registry.today(), dry_run=dry_run)
            if not dry_run and result.changes:
                _write(work, result)
    return result


def _result(work: Work, staff: StaffList, today: dt.date, *, dry_run: bool) -> StaffSync:
    """What the staff list changes, and the leavers' duties; the administrator running
    the sync may not be one of the leavers."""
    plan = _Plan(work, staff, today)
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
    return StaffSync(
        rows=staff.count,
        created=tuple(plan.created),
        updated=_by_row(plan.updated),
        reactivated=_by_row(plan.reactivated),
        deactivated=_by_row(plan.deactivated),
        duties=tuple(_duties(work, leavers)),
        sha256=staff.sha256,
        dry_run=dry_run,
    )


# --- comparing with the register -----------------------------------------------------------


class _Plan:
    """The changes a staff list makes. The register's people are met in one streamed pass
    of plain values (:meth:`~styrdok.store.base.OrganisationStore.staff_records`): each is
    on the list or, if active with a unit, a leaver; what is left of the list is new. A row
    that says what the register holds is done with there; only new and changed rows become
    people — checked by every field rule, in the file's order, so the first bad row is the
    one reported. Memory: the staff list, a batch of the register, and the changes."""

    def __init__(self, work: Work, staff: StaffList, today: dt.date) -> None:
        self.work = work
        self.staff = staff
        self.today = today
        self.persons = Persons(staff.shown)
        self.created: list[StaffChange] = []
        self.updated: list[StaffChange] = []
        self.reactivated: list[StaffChange] = []
        self.deactivated: list[StaffChange] = []

    def compare(self) -> None:
        """Find every change, checking each new or changed row (a bad one is one
        :class:`~styrdok.spreadsheets.SheetError`); the leavers are :attr:`deactivated`."""
        from styrdok.spreadsheets import SheetError

        rows, unknown = self.staff.rows, self.staff.unknown  # rows are taken as they are met
        compared = (*self.staff.present, "active")
        # The compared fields of a row and of a record, as tuples compared in one step.
        incoming = operator.itemgetter(*(StaffRow._fields.index(f) for f in compared))
        holding = operator.itemgetter(*(StaffRecord._fields.index(f) for f in compared))
        differing: list[tuple[int, StaffRow, StaffRecord | None]] = []
        leavers: list[StaffRecord] = []
        for stored in self.work.store.staff_records():
            key = ref_key(stored.ref)
            row = rows.pop(key, None)
            if row is None:
                if stored.active and _stored(stored.unit) is not None:
                    leavers.append(stored)
                continue
            if key in unknown and row.unit == _stored(stored.unit):
                del unknown[key]  # free text from before the organisation, kept
            if incoming(row) != holding(stored) and any(
                map(_differs, incoming(row), holding(stored))
            ):
                differing.append((row.number, row, stored))
        # Every stored person has been met (refs regardless of case): the rest is new.
        differing.extend((row.number, row, None) for row in rows.values())
        rows.clear()
        # In the file's order: people are created in it, and the first bad row is reported.
        # Row numbers are unique, so the sort compares nothing else.
        differing.sort()
        person, today, created = self.persons.person, self.today, self.created
        for number, row, record in differing:
            if record is not None:
                self._change(row, record)
                continue
            since = today if row.unit is not None else None
            new = person(row, unit_since=since)
            if new.active:  # someone who has left and was never registered: nothing
                created.append(StaffChange(number, new))
        for record in leavers:
            self.deactivated.append(StaffChange(None, evolve(_person(record), active=False)))
        if unknown:
            number, unit = min(unknown.values())
            raise SheetError(
                N_("{value} is not a unit of the organisation (see styrdok unit list)"),
                row=number, column=self.staff.shown["unit"], value=repr(unit),
            )  # fmt: skip

    def _change(self, row: StaffRow, record: StaffRecord) -> None:
        """A row that differs from what is stored, as a checked person and the change it
        makes."""
        since = self.today if row.unit is not None else None  # as a new person gets it
        incoming = self.persons.person(row, unit_since=since)
        stored = _person(record)
        changes: dict[str, Any] = {
            field: getattr(incoming, field)
            for field in self.staff.present
            if getattr(incoming, field) != getattr(stored, field)
        }
        changed = tuple(changes)
        if incoming.active != stored.active:
            changes["active"] = incoming.active
        if not changes:
            return
        if "unit" in changes or (incoming.active and not stored.active):
            # Moved, or back: asked to read what applies to their unit from today.
            unit = changes.get("unit", stored.unit)
            changes["unit_since"] = self.today if unit is not None else None
        after = evolve(stored, **changes)
        change = StaffChange(row.number, after, changed)
        if after.active and not stored.active:
            self.reactivated.append(change)
        elif stored.active and not after.active:
            self.deactivated.append(change)
        else:
            self.updated.append(change)


def _stored(value: Any) -> Any:
    """A stored value as the person built from it would hold it (an optional text
    normalised, empty as ``None``)."""
    return fields.norm_opt(value)


def _differs(incoming: Any, stored: Any) -> bool:
    """Whether a row's value differs from the stored one. Nearly always they are equal as
    they are; a stored text is normalised only when they are not (one written before a
    rule, or by another program, still equals the same text in the file)."""
    return bool(incoming != stored and incoming != _stored(stored))


@fields.reads_stored
def _person(record: StaffRecord) -> Person:
    """The person as stored (a value a later rule refuses is kept, as every read keeps
    it): built only for those the sync changes."""
    return Person(**record._asdict())


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
    units = list(work.units().walk())
    for person in sorted(leavers, key=ref_key):
        # The one rule for what a person answers for; its lines read "<role> of|for <ref>".
        lines = rules.duties_of(
            person,
            documents=mine.get(person, []),
            dispensations=responsible.get(person, []),
            bodies=bodies,
            units=units,
        )
        theirs = [Duty(person, line.split()[0], line.split()[-1]) for line in lines]
        theirs += [Duty(person, "decider", ref) for ref in waiting.get(person, [])]
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
