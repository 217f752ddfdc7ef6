"""Spreadsheets in and out: import rows of documents, dispensations, people or bodies from
an XLSX or CSV file, and export the register as an XLSX workbook.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.

An import goes the way of a merged JSON import (:mod:`styrdok.usecases.importing`): every row
is built into a domain object by the one strict converter, then the whole set is checked by
:func:`styrdok.exchange.validate` with the governance rules of a merge
(:mod:`styrdok.merging`), inserted in one transaction and audited record by record. Rows are
new records: a reference already in the registry is refused, naming its row. A few rules a
merge leaves to history are added here because a spreadsheet row is a record made *now*: a
pending request must be one the document accepts today, and an open dispensation must hang
from a document in force. The first problem is one error naming the row and the column, and
nothing is written; a dry run does everything, then rolls back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import attrs

from styrdok import events, rules
from styrdok.errors import AlreadyExists, NotFound, RuleViolation, StyrdokError
from styrdok.labels import N_
from styrdok.model import OPEN_STATUSES, DispStatus, DocStatus, DocumentVersion, scope_title
from styrdok.usecases.arguments import use_case
from styrdok.usecases.importing import record_each
from styrdok.usecases.work import SYSTEM_ACTOR, Work

if TYPE_CHECKING:
    from styrdok.registry import Registry
    from styrdok.sheet_layout import HeadingMap, Headings, Layout
    from styrdok.spreadsheets import SheetFile

Kind = Literal["documents", "dispensations", "persons", "bodies"]

#: How often (in rows) a long import or export reports progress.
PROGRESS_EVERY = 250


@attrs.frozen
class Added:
    """One record an import added (or, in a dry run, would add)."""

    row: int
    ref: str
    title: str
    """Title, name or a dispensation's scope in one line."""
    status: str
    """Status code (documents, dispensations), level (bodies), or empty."""


@attrs.frozen
class SheetImport:
    """What a spreadsheet import did."""

    kind: str
    added: tuple[Added, ...]
    sha256: str
    """The file's SHA-256, as the audit log names it."""
    dry_run: bool
    """Nothing was written: this is what the import would add."""


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, so that it rolls back."""


@use_case
def import_spreadsheet(
    registry: Registry,
    path: os.PathLike[str] | str,
    *,
    kind: Kind,
    actor: str | None,
    columns: Mapping[str, str] | None = None,
    ignore: tuple[str, ...] = (),
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SheetImport:
    """Add the rows of an XLSX or CSV file (layout: ``docs/spreadsheets.md``) as new records
    of ``kind``. Administrators only (people may also be the first records of an empty
    registry, one of them an administrator). All or nothing: any problem is one
    :class:`~styrdok.spreadsheets.SheetError` naming the row and the column, and nothing is
    written. ``columns`` maps column keys to other headings, ``ignore`` lists headings to
    leave out; ``progress`` is called with the number of rows read since its last call."""
    from styrdok.sheet_layout import LAYOUTS, HeadingMap, build, locate
    from styrdok.spreadsheets import open_sheet

    layout = LAYOUTS[kind]
    sheet = open_sheet(path)
    headings, rows = _read(layout, sheet, HeadingMap(dict(columns or {}), ignore), progress)
    if not rows:
        from styrdok.spreadsheets import SheetError

        raise SheetError(N_("{name}: no rows below the headings"), name=sheet.path.name)
    numbers: dict[str, list[int]] = {kind: [number for number, _ in rows]}
    result: SheetImport | None = None
    try:
        with registry.session.work(actor, bootstrap=True) as work:
            acting = _acting(work, kind, actor)
            if kind == "dispensations":
                _fill_dispensations(work, rows, today=registry.today().isoformat())
            records = [build(layout, number, data, headings.shown) for number, data in rows]
            parsed = _sections(kind, records, numbers)
            _refuse_known(work, kind, records, numbers[kind])
            _check_new_records(work, kind, records, numbers[kind], headings)
            from styrdok import exchange

            try:
                exchange.validate(work.store, parsed, merge=True)
            except StyrdokError as exc:
                raise locate(exc, numbers, headings.shown) from None
            counts = exchange.insert(work.store, parsed)
            record_each(work, parsed, sheet.sha256, acting)
            work.record(
                events.RegistryImported,
                "registry:",
                None,
                {"counts": counts, "source_sha256": sheet.sha256, "merge": True},
                actor=acting,
            )
            result = SheetImport(
                kind, tuple(_added(kind, numbers[kind], records)), sheet.sha256, dry_run
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    assert result is not None
    return result


def _read(
    layout: Layout,
    sheet: SheetFile,
    mapping: HeadingMap,
    progress: Callable[[int], None] | None,
) -> tuple[Headings, list[tuple[int, dict[str, Any]]]]:
    """The heading row matched, and every row below it as plain data (before any
    transaction: reading a large file must not hold the registry's write lock)."""
    from styrdok.sheet_layout import match_headings, read_row
    from styrdok.spreadsheets import read_rows

    source: Iterator[tuple[int, list[Any]]] = read_rows(sheet, sheet_names=layout.sheet)
    first = next(source, None)
    if first is None:
        from styrdok.spreadsheets import SheetError

        raise SheetError(N_("{name}: the sheet is empty"), name=sheet.path.name)
    headings = match_headings(layout, first[0], first[1], mapping)
    rows, pending = [], 0
    for number, values in source:
        rows.append((number, read_row(layout, headings, number, values)))
        pending += 1
        if progress is not None and pending == PROGRESS_EVERY:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    return headings, rows


def _acting(work: Work, kind: str, actor: str | None) -> str:
    """Who the import is recorded as: the acting administrator, or — people brought into
    an empty registry, as a restore is — the system."""
    if kind == "persons" and work.store.is_empty():
        return SYSTEM_ACTOR
    rules.require_admin(work.actor, "import")
    return work.actor.ref


def _fill_dispensations(work: Work, rows: list[tuple[int, dict[str, Any]]], *, today: str) -> None:
    """What a sheet of dispensations may leave out: the requester is the responsible
    person, the request date the decision's date (else today), and the ref the next
    ``D-YYYY-NNNN`` of the request's year, after those the registry and the sheet hold."""
    taken = {data["ref"] for _, data in rows if "ref" in data}
    following: dict[str, int] = {}
    for _, data in rows:
        if "requested_by" not in data and "responsible" in data:
            data["requested_by"] = data["responsible"]
        if "requested_on" not in data:
            data["requested_on"] = data.get("decision", {}).get("on") or today
        if "ref" in data:
            continue
        year = str(data["requested_on"])[:4]
        if year not in following:
            stored = int(work.store.next_dispensation_ref(int(year)).rsplit("-", 1)[1])
            in_sheet = [int(r.rsplit("-", 1)[1]) for r in taken if _numbered(r, year)]
            following[year] = max([stored, *(n + 1 for n in in_sheet)])
        data["ref"] = f"D-{year}-{following[year]:04d}"
        following[year] += 1


def _numbered(ref: str, year: str) -> bool:
    prefix = f"D-{year}-"
    return ref.startswith(prefix) and ref[len(prefix) :].isdigit()


def _sections(kind: str, records: list[Any], numbers: dict[str, list[int]]) -> dict[str, Any]:
    """The records as the sections of an export; an imported document in force gets its
    current version, in force from its decision date, so "what applied on day X" knows it."""
    from styrdok.exchange import SECTIONS

    parsed: dict[str, list[Any]] = {section.name: [] for section in SECTIONS}
    parsed[kind] = records
    if kind == "documents":
        rows = numbers["document_versions"] = []
        for number, document in zip(numbers[kind], records, strict=True):
            if document.status is DocStatus.IN_FORCE and document.decided_on is not None:
                parsed["document_versions"].append(
                    DocumentVersion(
                        document_ref=document.ref,
                        version=document.version,
                        in_force_from=document.effective_from or document.decided_on,
                        in_force_until=None,
                        snapshot=document,
                    )
                )
                rows.append(number)
    return parsed


_TABLES = {"documents": "document", "dispensations": "dispensation", "persons": "person",
           "bodies": "body"}  # fmt: skip


def _refuse_known(work: Work, kind: str, records: list[Any], numbers: list[int]) -> None:
    """A row is a new record: one whose reference the registry already holds is refused,
    naming the row (records are compared regardless of case, as refs are)."""
    from styrdok.spreadsheets import SheetError

    known = set(work.store.existing_refs(_TABLES[kind], sorted({r.ref for r in records})))
    if not known:
        return
    folded = {ref.casefold() for ref in known}
    for number, record in zip(numbers, records, strict=True):
        if record.ref in known or record.ref.casefold() in folded:
            raise SheetError(
                N_("{ref} is already in the registry; a spreadsheet import only adds new records"),
                row=number,
                ref=record.ref,
            )
    raise AlreadyExists(f"{_TABLES[kind]} {sorted(known)[0]} is already in the registry")


def _check_new_records(
    work: Work, kind: str, records: list[Any], numbers: list[int], headings: Headings
) -> None:
    """The rules a row meets as a record made today, beyond a merge's (module docs)."""
    from styrdok.sheet_layout import locate

    for number, record in zip(numbers, records, strict=True):
        try:
            if kind == "persons" and record.ref == SYSTEM_ACTOR:
                raise RuleViolation(f"{SYSTEM_ACTOR!r} is reserved for automatic changes @ $.ref")
            if kind == "documents" and record.supersedes == record.ref:
                raise RuleViolation(f"{record.ref} cannot supersede itself @ $.supersedes")
            if kind == "dispensations" and record.status in OPEN_STATUSES:
                _check_open(work, record, records)
            # Once the register has an organisation, units are named by its refs.
            try:
                if kind == "persons":
                    work.require_units([record.unit], "unit")
                if kind in ("documents", "dispensations"):
                    work.require_units(record.applies_to, "applies_to")
            except NotFound as exc:
                raise NotFound(f"{exc} @ $.{str(exc).split(':', 1)[0]}") from None
        except StyrdokError as exc:
            raise locate(exc, {"": [number]}, headings.shown) from None
    if kind == "persons" and work.store.is_empty() and not any(p.is_admin for p in records):
        raise RuleViolation("the first person in a registry must be an administrator")


def _check_open(work: Work, dispensation: Any, sheet: list[Any]) -> None:
    """An open dispensation hangs from a document in force; a pending request is one the
    document accepts today (allowed, within its duration, renewals and funding rules)."""
    document = work.store.get_document(dispensation.document_ref)
    if document is None:
        return  # the reference check names it
    if document.status is not DocStatus.IN_FORCE:
        raise RuleViolation(
            f"{document.ref} is {document.status.value}: an open dispensation must hang "
            "from a document in force @ $.document_ref"
        )
    if dispensation.status is not DispStatus.REQUESTED:
        return
    try:
        rules.require_dispensable(document)
    except RuleViolation as exc:
        raise RuleViolation(f"{exc} @ $.document_ref") from None
    in_sheet = {x.ref: x for x in sheet}
    renewals, current, seen = 0, dispensation.renewal_of, {dispensation.ref}
    while current is not None and current not in seen:
        seen.add(current)
        renewals += 1
        renewed = in_sheet.get(current) or work.store.get_dispensation(current)
        current = renewed.renewal_of if renewed is not None else None
    try:
        rules.require_valid_terms(
            document.dispensation_rules,
            valid_from=dispensation.valid_from,
            valid_until=dispensation.valid_until,
            funding=dispensation.funding,
            renewal_number=renewals,
        )
    except RuleViolation as exc:
        raise RuleViolation(f"{exc} @ $.valid_until") from None


def _added(kind: str, numbers: list[int], records: list[Any]) -> Iterator[Added]:
    for number, record in zip(numbers, records, strict=True):
        if kind == "documents":
            yield Added(number, record.ref, record.title, record.status.value)
        elif kind == "dispensations":
            yield Added(number, record.ref, scope_title(record.scope), record.status.value)
        elif kind == "bodies":
            yield Added(number, record.ref, record.name, record.level.value)
        else:
            yield Added(number, record.ref, record.name, "")


@use_case
def export_xlsx(
    registry: Registry,
    path: os.PathLike[str] | str,
    *,
    language: Literal["sv", "en"] = "sv",
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write the register as an XLSX workbook: documents, dispensations, people and bodies
    on sheets of their own, in the layout the import reads (``docs/spreadsheets.md``),
    headed in ``language``. Dates are Excel dates; text that looks like a formula stays
    text. Streamed, and written whole or not at all; returns the rows on each sheet."""
    from styrdok.exchange import SECTIONS, iter_records
    from styrdok.files import write_bytes_atomically
    from styrdok.sheet_layout import LAYOUTS
    from styrdok.spreadsheets import SheetData, write_xlsx

    def rows(store: Any, kind: str) -> Iterator[list[Any]]:
        section = next(s for s in SECTIONS if s.name == kind)
        pending = 0
        for record in iter_records(store, section):
            yield LAYOUTS[kind].row(record, language)
            pending += 1
            if progress is not None and pending == PROGRESS_EVERY:
                progress(pending)
                pending = 0
        if progress is not None and pending:
            progress(pending)

    counts: dict[str, int] = {}
    with registry.session.read() as store:
        sheets = [
            SheetData(
                title=LAYOUTS[kind].sheet_name(language),
                headings=[column.heading(language) for column in LAYOUTS[kind].columns],
                rows=rows(store, kind),
                widths=[column.width for column in LAYOUTS[kind].columns],
            )
            for kind in ("documents", "dispensations", "persons", "bodies")
        ]

        def write(handle: IO[bytes]) -> None:
            counts.update(write_xlsx(handle, sheets))

        write_bytes_atomically(Path(path), write)
    return counts
