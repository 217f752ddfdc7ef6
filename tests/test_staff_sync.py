"""Staff from the HR system: ``styrdok staff sync FILE`` creates, updates, reactivates and
deactivates people from a staff list, all or nothing, and lists the leavers' duties."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from conftest import NOW, TODAY, day, policy, request
from styrdok import PermissionDenied
from styrdok.cli import main
from styrdok.errors import Conflict
from styrdok.model import Body, DispensationRules, Person, Unit
from styrdok.registry import Registry
from styrdok.serialize import to_data
from styrdok.spreadsheets import SheetError

#: The register was set up two months before the sync runs.
SET_UP = NOW - dt.timedelta(days=60)

HEADINGS = ["Användarnamn", "Namn", "E-post", "Enhet", "Befattning"]

#: The staff as HR has them on the day the register was set up.
STAFF = [
    ["anna.lind", "Anna Lind", "anna.lind@mittkoping.example", "IT", "IT-chef"],
    ["bo.berg", "Bo Berg", "bo.berg@mittkoping.example", "IT", "Systemförvaltare"],
    ["cecilia.ek", "Cecilia Ek", "cecilia.ek@mittkoping.example", "NORD", "Rektor"],
    ["dan.nord", "Dan Nord", "dan.nord@mittkoping.example", "NORD", "Lärare"],
]


def organise(registry: Registry) -> None:
    """An administrator and a politician (no unit), four units, the staff above, and
    duties for bo.berg: owner and approver of POL-1, contact of KS, manager of IT,
    responsible for an approved dispensation and approver of a waiting request."""
    registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
    registry.add_person(Person("politiker", "Pia Politiker"), actor="admin")
    for unit in (
        Unit("KOMMUN", "Mittköpings kommun", kind="municipality"),
        Unit("KLF", "Kommunledningsförvaltningen", kind="administration", parent="KOMMUN"),
        Unit("IT", "IT-enheten", parent="KLF"),
        Unit("NORD", "Nordskolan", parent="KOMMUN"),
    ):
        registry.add_unit(unit, actor="admin")
    for ref, name, email, where, title in STAFF:
        registry.add_person(Person(ref, name, email=email, unit=where, title=title), actor="admin")
    registry.edit_unit("IT", {"manager": "bo.berg"}, actor="admin")
    registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board", contact="bo.berg"),
                      actor="admin")  # fmt: skip
    rules = DispensationRules(allowed=True, approvers=("bo.berg",), max_duration_days=180)
    document = policy(owner="bo.berg", guardian="anna.lind", dispensation_rules=rules,
                      applies_to=("KOMMUN",))  # fmt: skip
    registry.add_document(document, actor="bo.berg")
    registry.adopt_document("POL-1", actor="bo.berg", body="KS", on=day(-100), minute_ref="§ 1")
    approved = registry.request_dispensation(
        request(responsible="bo.berg", applies_to=("NORD",)), actor="cecilia.ek"
    )
    registry.approve_dispensation(approved.ref, actor="anna.lind")
    registry.request_dispensation(
        request(responsible="dan.nord", applies_to=("NORD",)), actor="cecilia.ek"
    )


@pytest.fixture
def org(db_path: Path) -> Iterator[Registry]:
    """The organised register (SQLite), its clock at the tests' today."""
    with Registry.open(db_path, clock=lambda: SET_UP) as setting_up:
        organise(setting_up)
    registry = Registry.open(db_path, clock=lambda: NOW)
    yield registry
    registry.close()


def staff_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    headings: Sequence[str] = HEADINGS,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    """A staff list as HR exports it: Swedish Excel's CSV unless told otherwise."""
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def changed_staff() -> list[list[str]]:
    """HR's list two months on: bo.berg has left, Anna is IT-direktör, Dan moved to IT and
    erik.strom has started at Nordskolan."""
    rows = [list(row) for row in STAFF if row[0] != "bo.berg"]
    rows[0][4] = "IT-direktör"
    rows[2][3] = "IT"
    rows.append(["erik.strom", "Erik Ström", "erik.strom@mittkoping.example", "NORD", "Lärare"])
    return rows


def styrdok(db: Path, *args: str) -> Result:
    """Run ``styrdok --db DB ARGS…`` as the administrator."""
    return CliRunner().invoke(main, ["--db", str(db), "--as", "admin", *args])


def people(registry: Registry) -> dict[str, Person]:
    return {person.ref: person for person in registry.list_persons()}


def state(registry: Registry) -> tuple[Any, ...]:
    """Everything a sync could change: people and the audit log."""
    return [to_data(p) for p in registry.list_persons()], len(list(registry.audit_events()))


def sync_events(registry: Registry) -> list[Any]:
    return [e for e in registry.audit_events() if e.action == "staff.sync"]


# --- what a sync does --------------------------------------------------------------------


def test_a_staff_list_creates_updates_and_deactivates(org: Registry, tmp_path: Path) -> None:
    """New people are created, changed ones updated, leavers deactivated (not deleted), in
    one audited step naming the file's SHA-256 and the refs of each kind of change."""
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    result = org.sync_staff(path, actor="admin")

    assert [c.person.ref for c in result.created] == ["erik.strom"]
    assert [(c.person.ref, c.changed) for c in result.updated] == [
        ("anna.lind", ("title",)),
        ("dan.nord", ("unit",)),
    ]
    assert [(c.row, c.person.ref) for c in result.deactivated] == [(None, "bo.berg")]
    assert result.reactivated == ()
    assert (result.rows, result.unchanged) == (4, 1)
    stored = people(org)
    assert stored["erik.strom"] == Person(
        "erik.strom", "Erik Ström", email="erik.strom@mittkoping.example", unit="NORD",
        title="Lärare", unit_since=TODAY,
    )  # fmt: skip
    assert stored["anna.lind"].title == "IT-direktör"
    assert stored["bo.berg"].active is False and stored["bo.berg"].unit == "IT"
    (event,) = sync_events(org)
    assert event.actor == "admin" and event.entity == "registry:"
    assert event.after == {
        "source_sha256": result.sha256,
        "created": ["erik.strom"],
        "updated": ["anna.lind", "dan.nord"],
        "deactivated": ["bo.berg"],
        "reactivated": [],
    }


def test_a_sync_and_its_second_run_on_each_engine(registry: Registry, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL alike: created, updated and deactivated in bulk, and the
    same file a second time changes nothing."""
    organise(registry)
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    first = registry.sync_staff(path, actor="admin")
    assert (len(first.created), len(first.updated), len(first.deactivated)) == (1, 2, 1)
    assert registry.sync_staff(path, actor="admin").changes == 0
    stored = people(registry)
    assert not stored["bo.berg"].active
    assert (stored["dan.nord"].unit, stored["dan.nord"].unit_since) == ("IT", TODAY)
    assert stored["erik.strom"].unit_since == TODAY


def test_a_second_run_with_the_same_file_changes_nothing(
    org: Registry, db_path: Path, tmp_path: Path
) -> None:
    """Running the same staff list again writes and audits nothing, and says so."""
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    org.sync_staff(path, actor="admin")
    before = state(org)

    again = org.sync_staff(path, actor="admin")

    assert again.changes == 0 and again.unchanged == 4 and again.duties == ()
    assert state(org) == before
    shown = styrdok(db_path, "staff", "sync", str(path))
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.endswith("Registret stämmer redan med personal.csv: inget ändrades.\n")


def test_a_dry_run_writes_nothing(org: Registry, tmp_path: Path) -> None:
    """--dry-run finds exactly what a real run would do, and writes nothing."""
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    before = state(org)

    dry = org.sync_staff(path, actor="admin", dry_run=True)

    assert state(org) == before
    real = org.sync_staff(path, actor="admin")
    assert dry.dry_run and not real.dry_run
    assert (dry.created, dry.updated, dry.deactivated, dry.duties) == (
        real.created, real.updated, real.deactivated, real.duties,
    )  # fmt: skip


def test_a_move_counts_from_today(org: Registry, tmp_path: Path) -> None:
    """A person who moves unit is asked to read from today (unit_since); one whose unit
    stays keeps the day they joined it."""
    org.sync_staff(staff_csv(tmp_path / "personal.csv", changed_staff()), actor="admin")
    stored = people(org)
    assert stored["dan.nord"].unit == "IT" and stored["dan.nord"].unit_since == TODAY
    assert stored["anna.lind"].unit_since == SET_UP.date()


def test_a_leaver_is_deactivated_with_their_duties_listed(org: Registry, tmp_path: Path) -> None:
    """Every open duty of a leaver is listed for handover: documents owned, approver
    lists, dispensations they answer for, bodies, requests waiting on them, units."""
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    result = org.sync_staff(path, actor="admin")
    assert [(d.person, d.role, d.ref) for d in result.duties] == [
        ("bo.berg", "owner", "POL-1"),
        ("bo.berg", "approver", "POL-1"),
        ("bo.berg", "responsible", "D-2026-0001"),
        ("bo.berg", "contact", "KS"),
        ("bo.berg", "decider", "D-2026-0002"),
        ("bo.berg", "manager", "IT"),
    ]
    with pytest.raises(PermissionDenied, match=r"bo\.berg has left"):
        org.ask_to_read("POL-1", actor="bo.berg")


def test_people_without_a_unit_are_never_deactivated(org: Registry, tmp_path: Path) -> None:
    """Administrators and politicians (no unit) are not on HR's list and stay active."""
    org.sync_staff(staff_csv(tmp_path / "personal.csv", STAFF[:1]), actor="admin")
    stored = people(org)
    assert stored["admin"].active and stored["politiker"].active
    assert [ref for ref, p in stored.items() if not p.active] == [
        "bo.berg", "cecilia.ek", "dan.nord",
    ]  # fmt: skip


def test_a_returning_person_is_reactivated(org: Registry, tmp_path: Path) -> None:
    """Someone who left and is on the list again is active again, from today in their
    unit."""
    org.sync_staff(staff_csv(tmp_path / "utan-bo.csv", changed_staff()), actor="admin")
    back = [*changed_staff(), ["bo.berg", "Bo Berg", "bo.berg@mittkoping.example", "NORD", ""]]
    result = org.sync_staff(staff_csv(tmp_path / "med-bo.csv", back), actor="admin")

    assert [(c.person.ref, c.changed) for c in result.reactivated] == [
        ("bo.berg", ("unit", "title"))
    ]
    bo = people(org)["bo.berg"]
    assert (bo.active, bo.unit, bo.title, bo.unit_since) == (True, "NORD", None, TODAY)


def test_a_row_marked_as_left_deactivates(org: Registry, tmp_path: Path) -> None:
    """An "Aktiv" column with nej deactivates that person even though they are listed."""
    rows = [[*row, "nej" if row[0] == "dan.nord" else "ja"] for row in STAFF]
    path = staff_csv(tmp_path / "personal.csv", rows, [*HEADINGS, "Aktiv"])
    result = org.sync_staff(path, actor="admin")
    assert [(c.row, c.person.ref) for c in result.deactivated] == [(5, "dan.nord")]
    assert result.unchanged == 3


def test_a_column_the_file_lacks_is_left_as_it_is(org: Registry, tmp_path: Path) -> None:
    """A list without e-mail addresses or titles changes neither; an empty cell clears."""
    rows = [[ref, name, unit] for ref, name, _email, unit, _title in STAFF]
    result = org.sync_staff(
        staff_csv(tmp_path / "a.csv", rows, ["Användarnamn", "Namn", "Enhet"]), actor="admin"
    )
    assert result.changes == 0
    cleared = [[*row[:4], ""] if row[0] == "anna.lind" else row for row in STAFF]
    result = org.sync_staff(staff_csv(tmp_path / "b.csv", cleared), actor="admin")
    assert [(c.person.ref, c.person.title) for c in result.updated] == [("anna.lind", None)]


def test_refs_and_units_are_matched_as_people_write_them(org: Registry, tmp_path: Path) -> None:
    """A username in another case is the same person (the register keeps its spelling);
    a unit may be given by its name, in any case."""
    rows = [list(row) for row in STAFF]
    rows[0][0] = "Anna.Lind"
    rows[1][3] = "it-enheten"
    rows[2][3] = "NORDSKOLAN"
    result = org.sync_staff(staff_csv(tmp_path / "personal.csv", rows), actor="admin")
    assert result.changes == 0 and result.unchanged == 4


def test_a_unit_name_two_units_share_must_be_given_by_ref(org: Registry, tmp_path: Path) -> None:
    """When two units have the same name, a row giving that name is refused, not guessed."""
    org.add_unit(Unit("NORD2", "Nordskolan", parent="KLF"), actor="admin")
    rows = [list(row) for row in STAFF]
    rows[2][3] = "Nordskolan"
    with pytest.raises(SheetError, match=r"row 4, column \"Enhet\" \(D\): 'Nordskolan' is the"):
        org.sync_staff(staff_csv(tmp_path / "personal.csv", rows), actor="admin")


# --- refusals: one line naming the row, nothing written ----------------------------------


@pytest.mark.parametrize(
    ("at", "row", "message"),
    [
        (
            1,
            ["cecilia.ek", "Cecilia Ek", "", "Skolan", ""],
            "rad 3, kolumn \"Enhet\" (D): 'Skolan' är ingen enhet i organisationen "
            "(se styrdok unit list)",
        ),
        (
            2,
            ["dan.nord", "Dan Nord", "dan.nord@", "IT", ""],
            'rad 4, kolumn "E-post" (C): email: invalid e-mail address',
        ),
        (
            4,
            ["Anna.Lind", "Anna Lind", "", "IT", ""],
            'rad 6, kolumn "Användarnamn" (A): Anna.Lind finns också på rad 2: varje '
            "person står på en rad",
        ),
        (1, ["frida.falk", "", "", "NORD", ""], 'rad 3, kolumn "Namn" (B): '),
        (
            1,
            ["system", "System", "", "IT", ""],
            'rad 3, kolumn "Användarnamn" (A): system är reserverat för automatiska ändringar',
        ),
    ],
    ids=["unknown unit", "bad e-mail", "duplicate ref", "missing name", "reserved ref"],
)
def test_a_bad_row_is_named_and_nothing_is_written(
    org: Registry, db_path: Path, tmp_path: Path, at: int, row: list[str], message: str
) -> None:
    """Unknown unit, bad e-mail address, a person twice, no name: one line in Swedish
    naming the row (as the spreadsheet numbers it) and the column; exit 1; nothing
    written."""
    rows = changed_staff()
    rows[at : at + 1] = [row]
    path = staff_csv(tmp_path / "personal.csv", rows)
    before = state(org)

    with pytest.raises(SheetError):
        org.sync_staff(path, actor="admin")
    result = styrdok(db_path, "staff", "sync", str(path))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stderr.count("\n") == 1
    assert state(org) == before


def test_an_unknown_heading_points_to_the_staff_settings(org: Registry, tmp_path: Path) -> None:
    """A heading the layout does not know names its column and the [staff] table."""
    path = staff_csv(tmp_path / "personal.csv", STAFF, [*HEADINGS[:4], "Kostnadsställe"])
    with pytest.raises(SheetError, match=r'row 1, column "Kostnadsställe" \(E\).*\[staff\]'):
        org.sync_staff(path, actor="admin")


def test_the_acting_administrator_is_never_deactivated(org: Registry, tmp_path: Path) -> None:
    """An administrator with a unit who is missing from the list may not sync it: that
    would lock them out. Nothing is written."""
    org.edit_person("admin", {"unit": "KLF"}, actor="admin")
    before = state(org)
    with pytest.raises(SheetError, match="admin is not in the staff list as active"):
        org.sync_staff(staff_csv(tmp_path / "personal.csv", STAFF), actor="admin")
    assert state(org) == before


def test_only_administrators_sync_staff(org: Registry, tmp_path: Path) -> None:
    """Anyone else is refused before the file is read."""
    with pytest.raises(PermissionDenied):
        org.sync_staff(tmp_path / "not-read.csv", actor="anna.lind")


def test_the_organisation_must_not_change_while_the_list_is_read(
    org: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units are resolved while the file is read; if they change before the write, the
    sync is refused rather than applied against another organisation."""
    from styrdok import staff_list

    read = staff_list.read

    def read_then_reorganise(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        org.add_unit(Unit("SYD", "Södra skolan", parent="KOMMUN"), actor="admin")
        return found

    monkeypatch.setattr(staff_list, "read", read_then_reorganise)
    with pytest.raises(Conflict, match="organisation changed"):
        org.sync_staff(staff_csv(tmp_path / "personal.csv", STAFF), actor="admin")


# --- files as HR exports them, and other layouts ------------------------------------------


def test_a_workbook_and_a_windows_csv_read_alike(org: Registry, tmp_path: Path) -> None:
    """An XLSX workbook, and a comma-separated CSV file in Windows-1252, give the same
    result as Swedish Excel's CSV."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADINGS)
    for row in changed_staff():
        sheet.append(row)
    workbook.save(tmp_path / "personal.xlsx")
    windows = staff_csv(tmp_path / "personal-win.csv", changed_staff(), delimiter=",",
                        encoding="cp1252")  # fmt: skip
    swedish = staff_csv(tmp_path / "personal.csv", changed_staff())

    def found(path: Path) -> tuple[Any, ...]:
        result = org.sync_staff(path, actor="admin", dry_run=True)
        return result.created, result.updated, result.deactivated

    assert found(tmp_path / "personal.xlsx") == found(windows) == found(swedish)
    assert len(found(swedish)[0]) == 1


def test_other_headings_are_mapped_in_styrdok_toml(
    org: Registry, db_path: Path, tmp_path: Path
) -> None:
    """[staff] maps a column key to the heading HR uses, and lists columns to leave out."""
    (tmp_path / "styrdok.toml").write_text(
        '[staff]\nref = "Anst.id"\nunit = "Org.enhet"\nignore = ["Kostnadsställe"]\n',
        encoding="utf-8",
    )
    rows = [[ref, name, unit, "4711"] for ref, name, _email, unit, _title in STAFF]
    path = staff_csv(tmp_path / "hr.csv", rows, ["Anst.id", "Namn", "Org.enhet", "Kostnadsställe"])
    result = styrdok(db_path, "--config", str(tmp_path / "styrdok.toml"), "staff", "sync",
                     str(path))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("Registret stämmer redan med hr.csv: inget ändrades.\n")


def test_a_wrong_staff_setting_is_named(org: Registry, db_path: Path, tmp_path: Path) -> None:
    """A key that is no column of a staff list is refused, naming the file and the key."""
    (tmp_path / "styrdok.toml").write_text('[staff]\nnamn = "Namn"\n', encoding="utf-8")
    path = staff_csv(tmp_path / "personal.csv", STAFF)
    result = styrdok(db_path, "--config", str(tmp_path / "styrdok.toml"), "staff", "sync",
                     str(path))  # fmt: skip
    assert result.exit_code == 1
    assert "[staff] namn: okänd inställning" in result.stderr


def test_the_registers_own_people_sheet_reads_as_a_staff_list(
    org: Registry, tmp_path: Path
) -> None:
    """The people sheet of `styrdok export --xlsx` is a staff list: syncing it back
    changes nothing."""
    org.export_xlsx(tmp_path / "register.xlsx")
    result = org.sync_staff(tmp_path / "register.xlsx", actor="admin")
    assert result.changes == 0 and result.rows == 6


def test_progress_is_reported_as_rows_are_read(org: Registry, tmp_path: Path) -> None:
    """The progress callback (a bar on a terminal) hears of every row read."""
    rows = [[f"p{i:04d}", f"Person {i}", "", "NORD", ""] for i in range(600)]
    heard: list[int] = []
    org.sync_staff(staff_csv(tmp_path / "personal.csv", [*STAFF, *rows]), actor="admin",
                   dry_run=True, progress=heard.append)  # fmt: skip
    assert sum(heard) == 604 and len(heard) == 3


# --- a row is checked when it changes someone ---------------------------------------------


def _store_raw(db_path: Path, sql: str, *params: Any) -> None:
    """Write to the register as another program would, past every rule of styrdok's."""
    with sqlite3.connect(db_path) as conn:
        conn.execute(sql, params)
    conn.close()


def test_equal_is_equal_however_either_side_is_written(
    org: Registry, db_path: Path, tmp_path: Path
) -> None:
    """A row that says what the register holds is unchanged, compared as a person's fields
    are normalised: the file's cells padded with spaces, the register's text decomposed
    (NFD) or an empty text where styrdok stores none. Equal, the row is not checked again
    (bo.berg's e-mail address, stored before today's rule, would fail)."""
    _store_raw(db_path, "UPDATE person SET title = ?, email = 'bo@intranat' WHERE ref = 'bo.berg'",
               unicodedata.normalize("NFD", "Systemförvaltare"))  # fmt: skip
    _store_raw(db_path, "UPDATE person SET title = '' WHERE ref = 'dan.nord'")
    rows = [list(row) for row in STAFF]
    rows[1][2] = "bo@intranat"
    rows[1] = [f"  {cell} " for cell in rows[1]]
    rows[3][4] = ""
    before = state(org)

    result = org.sync_staff(staff_csv(tmp_path / "personal.csv", rows), actor="admin")

    assert result.changes == 0 and result.unchanged == 4
    assert state(org) == before


def test_only_a_row_that_changes_someone_is_checked(
    org: Registry, db_path: Path, tmp_path: Path
) -> None:
    """An e-mail address stored before today's rule (or by another program) does not stop
    a sync that leaves it as it is; once the row changes the person, the whole row is held
    to every rule, named by row and column, and nothing is written."""
    _store_raw(db_path, "UPDATE person SET email = 'anna.lind@intranat' WHERE ref = 'anna.lind'")
    rows = [list(row) for row in STAFF]
    rows[0][2] = "anna.lind@intranat"
    path = staff_csv(tmp_path / "personal.csv", rows)
    assert org.sync_staff(path, actor="admin").changes == 0

    rows[0][4] = "IT-direktör"
    before = state(org)
    with pytest.raises(SheetError, match=r'row 2, column "E-post" \(C\): email: invalid e-mail'):
        org.sync_staff(staff_csv(tmp_path / "changed.csv", rows), actor="admin")
    assert state(org) == before


def test_an_administrator_on_the_list_stays_one(org: Registry, tmp_path: Path) -> None:
    """Updating a person from the list keeps what the list does not set: an
    administrator whose title changes is still an administrator, in the unit since they
    joined it."""
    org.edit_person("admin", {"unit": "KLF"}, actor="admin")
    since = people(org)["admin"].unit_since
    rows = [*STAFF, ["admin", "Ada Admin", "", "KLF", "Systemadministratör"]]
    result = org.sync_staff(staff_csv(tmp_path / "personal.csv", rows), actor="admin")
    assert [(c.person.ref, c.changed) for c in result.updated] == [("admin", ("title",))]
    admin = people(org)["admin"]
    assert (admin.is_admin, admin.title, admin.unit_since) == (True, "Systemadministratör", since)


@pytest.mark.parametrize(
    ("headings", "row", "message"),
    [
        (HEADINGS, [*STAFF[0], "x"], r"row 2, column \(F\): a value in a column without a heading"),
        ([*HEADINGS, ""], [*STAFF[0], "x"], r"row 2, column \(F\): a value in a column without"),
        ([*HEADINGS, "Aktiv"], [*STAFF[0], "kanske"], r'row 2, column "Aktiv" \(F\): \'kanske\''),
    ],
    ids=["beyond the headings", "under an empty heading", "not ja or nej"],
)
def test_cells_read_as_any_import_reads_them(
    org: Registry, tmp_path: Path, headings: list[str], row: list[str], message: str
) -> None:
    """A value in a column without a heading, or a cell that does not read as its kind,
    is refused naming the row and column, as a spreadsheet import refuses it."""
    path = staff_csv(tmp_path / "personal.csv", [row, *STAFF[1:]], headings)
    with pytest.raises(SheetError, match=message):
        org.sync_staff(path, actor="admin")


def test_a_short_row_reads_its_missing_cells_as_empty(org: Registry, tmp_path: Path) -> None:
    """A row with fewer cells than headings (as some exports end a row early) reads the
    missing ones as empty: the title is cleared."""
    rows = [STAFF[0][:4], *STAFF[1:]]
    result = org.sync_staff(staff_csv(tmp_path / "personal.csv", rows), actor="admin")
    assert [(c.person.ref, c.changed, c.person.title) for c in result.updated] == [
        ("anna.lind", ("title",), None)
    ]


# --- the command line ----------------------------------------------------------------------


def test_the_command_reports_in_swedish(org: Registry, db_path: Path, tmp_path: Path) -> None:
    """What changed, the counts, the leavers' duties and a summary, in Swedish by
    default; no progress bar off a terminal."""
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    result = styrdok(db_path, "staff", "sync", str(path))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        "RAD  ÄNDRING  REFERENS    NAMN        ENHET  ÄNDRAT\n"
        "---  -------  ----------  ----------  -----  ----------\n"
        "5    ny       erik.strom  Erik Ström  NORD\n"
        "2    ändrad   anna.lind   Anna Lind   IT     befattning\n"
        "4    ändrad   dan.nord    Dan Nord    IT     enhet\n"
        "     slutat   bo.berg     Bo Berg     IT\n"
        "\n"
        "  nya             1\n"
        "  ändrade         2\n"
        "  återaktiverade  0\n"
        "  avaktiverade    1\n"
        "  oförändrade     1\n"
        "\n"
        "Att lämna över (styrdok person handover FRÅN TILL):\n"
        "  bo.berg: ägare av POL-1; beslutar om dispens från POL-1; ansvarig för "
        "D-2026-0001; kontaktperson för KS; ska besluta om D-2026-0002; chef för IT\n"
        "\n"
        "Synkade personal.csv: 4 personer ändrade.\n"
    )


def test_the_command_reports_in_english_and_as_data(
    org: Registry, db_path: Path, tmp_path: Path
) -> None:
    """--lang en gives the summary in English; --format csv every change as a row, the
    summary on standard error."""
    path = staff_csv(tmp_path / "personal.csv", changed_staff())
    english = styrdok(db_path, "--lang", "en", "staff", "sync", str(path), "--dry-run")
    assert english.exit_code == 0, english.output
    assert "  bo.berg: owner of POL-1; approves dispensations from POL-1;" in english.stdout
    assert english.stdout.endswith("\nWould change 4 people; nothing was written (--dry-run).\n")
    data = styrdok(db_path, "--format", "csv", "staff", "sync", str(path))
    assert data.exit_code == 0, data.output
    rows = list(csv.reader(data.stdout.splitlines()))
    assert rows[0] == ["change", "row", "ref", "name", "email", "unit", "title", "changed",
                       "duties"]  # fmt: skip
    assert rows[1] == ["created", "5", "erik.strom", "Erik Ström",
                       "erik.strom@mittkoping.example", "NORD", "Lärare", "", ""]  # fmt: skip
    assert rows[2][:3] == ["updated", "2", "anna.lind"] and rows[2][7] == "title"
    assert rows[-1][:3] == ["deactivated", "", "bo.berg"]
    assert rows[-1][8] == ("owner POL-1, approver POL-1, responsible D-2026-0001, contact KS, "
                           "decider D-2026-0002, manager IT")  # fmt: skip
    assert data.stderr == "Synkade personal.csv: 4 personer ändrade.\n"


# --- at scale: set-based ------------------------------------------------------------------


def _statements(registry: Registry, work: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """How many statements the database runs for ``work(*args, **kwargs)``."""
    count = 0

    def counted(*_args: Any) -> None:
        nonlocal count
        count += 1

    engine = registry.store.engine  # type: ignore[attr-defined]
    sa.event.listen(engine, "before_cursor_execute", counted)
    try:
        work(*args, **kwargs)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counted)
    return count


def test_a_large_list_is_written_set_wise(template_db: Path, tmp_path: Path) -> None:
    """Statements do not grow person by person: people are read a batch at a time, new
    ones inserted and changed ones updated in bulk."""

    def listing(n: int, title: str) -> Path:
        rows = [[f"p{i:05d}", f"Person {i}", "", "NORD", title] for i in range(n)]
        return staff_csv(tmp_path / f"{n}-{title}.csv", [*STAFF, *rows])

    counts = []
    for n in (100, 3_000):
        fresh = tmp_path / f"{n}.db"
        fresh.write_bytes(template_db.read_bytes())
        with Registry.open(fresh, clock=lambda: SET_UP) as setting_up:
            organise(setting_up)
        with Registry.open(fresh, clock=lambda: NOW) as registry:
            first, second = listing(n, "Lärare"), listing(n, "Förstelärare")
            created = _statements(registry, registry.sync_staff, first, actor="admin")
            updated = _statements(registry, registry.sync_staff, second, actor="admin")
            assert sum(p.title == "Förstelärare" for p in registry.list_persons()) == n
        counts.append((created, updated))
    (small_created, small_updated), (large_created, large_updated) = counts
    # Lookups by ref go a few hundred refs a statement; nothing goes one person at a time.
    assert large_created - small_created <= 2_900 // 200
    assert large_updated - small_updated <= 2_900 // 200
