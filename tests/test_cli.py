"""The command line: exact output, formats, help, start-up and a whole workflow."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from styrdok.cli import COMMANDS, main

Run = Callable[..., Result]


def demo(path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["--db", str(path), *args, "demo", "--today", "2026-11-22"], catch_exceptions=False
    )


def test_demo_builds_mittkoping_and_shows_what_is_due(tmp_path: Path) -> None:
    """`styrdok demo` prints the register's due items, overdue first, in Swedish."""
    result = demo(tmp_path / "demo.db")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        f"Byggde Mittköpings register i {tmp_path / 'demo.db'}: "
        "17 dokument, 10 dispenser, 271 personer i 52 enheter, 1\u00a0297 läsbekräftelser."
    )
    assert "Infaller inom 30 dagar från 2026-11-22 (försenade först):" in lines
    rows = [line for line in lines if re.match(r"\d{4}-\d{2}-\d{2} ", line)]
    assert [re.split(r"\s{2,}", row)[3] for row in rows] == [
        "POL-KOM-01",
        "RIKT-IS-01",
        "RIKT-MOLN-SKOLA",
        "POL-DATA-01",
        "RUT-DOK-01",
        "D-2026-0009",
        "RIKT-DISTANS",
        "RUT-IS-03",
        "D-2026-0001",
        "RIKT-IS-02",
        "D-2026-0002",
    ]
    first, seventh = re.split(r"\s{2,}", rows[0]), re.split(r"\s{2,}", rows[6])
    assert first[:3] == ["2026-10-14", "39 d över tiden", "aktualitetsprövning"]
    assert seventh[:3] == ["2026-12-04", "om 12 d", "dokumentet upphör"]


def test_demo_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """An existing file is only replaced on request."""
    path = tmp_path / "demo.db"
    assert demo(path).exit_code == 0
    again = demo(path)
    assert again.exit_code == 1
    assert again.stderr == f"Error: {path} finns redan; använd --force för att ersätta den\n"
    forced = CliRunner().invoke(main, ["--lang", "en", "--db", str(path), "demo", "--force"])
    assert forced.exit_code == 0


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["doc", "--help"]])
def test_start_up_does_not_import_sqlalchemy(args: list[str]) -> None:
    """--help and --version stay fast: the database layer is loaded only when needed."""
    code = (
        "import sys\n"
        "from styrdok.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'cattrs'))\n"
        "print(heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_version_imports_no_command_module() -> None:
    """`styrdok --version` answers before any command's module is imported (start-up)."""
    code = (
        "import sys\n"
        "from styrdok.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('styrdok.cli.') "
        "and m != 'styrdok.cli.app'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_built_in_command_is_found_by_its_name(name: str) -> None:
    """Each lazily loaded command answers to the name it is listed under."""
    ctx = click.Context(main, info_name="styrdok")
    command = main.get_command(ctx, name)
    assert command is not None and command.name == name


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group, info_name="styrdok")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize(("name", "command"), list(_commands(main)))
def test_every_command_has_an_example_in_its_help(name: str, command: click.Command) -> None:
    """`--help` of each command shows how to use it."""
    if isinstance(command, click.Group):
        return
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Exempel" in result.output, name  # the help is Swedish by default
    assert "styrdok " in result.output.split("Exempel", 1)[1]


def test_a_whole_workflow_on_the_command_line(cli: Run) -> None:
    """init → people → body → draft → adopt → request → approve → due, with exact output."""
    assert cli("--lang", "en", "init", "--admin", "ada", "--name", "Ada Admin").exit_code == 0
    for ref, name in [("anna", "Anna Lind"), ("gustav", "Gustav Berg"), ("lisa", "Lisa Holm")]:
        result = cli("--lang", "en", "--as", "ada", "person", "add", ref, "--name", name)
        assert (result.exit_code, result.output) == (0, f"Added person {ref}.\n")
    assert (
        cli(
            "--lang",
            "en",
            "--as",
            "ada",
            "body",
            "add",
            "KS",
            "--name",
            "Kommunstyrelsen",
            "--level",
            "executive_board",
        ).output
        == "Added body KS.\n"
    )
    result = cli(
        "--lang",
        "en",
        "--as",
        "anna",
        "doc",
        "add",
        "POL-IS-01",
        "--title",
        "Informationssäkerhetspolicy",
        "--type",
        "policy",
        "--owner",
        "anna",
        "--guardian",
        "gustav",
        "--follow-up-how",
        "Årlig rapport",
        "--follow-up-by",
        "KS",
        "--review-months",
        "24",
        "--dispensations",
        "--max-days",
        "200",
        "--faq",
        "Vem frågar jag?",
        "Väktaren.",
    )
    assert result.output == "Added draft POL-IS-01 (revision 0).\n"
    result = cli(
        "--lang",
        "en",
        "--as",
        "anna",
        "doc",
        "adopt",
        "POL-IS-01",
        "--body",
        "KS",
        "--on",
        "2025-01-15",
        "--minute",
        "§ 12",
    )
    assert result.output == (
        "POL-IS-01 version 1 in force from 2025-01-15; next review 2027-01-15.\n"
    )
    result = cli(
        "--lang",
        "en",
        "--as",
        "lisa",
        "disp",
        "request",
        "--document",
        "POL-IS-01",
        "--scope",
        "Molntjänst i åk 7",
        "--responsible",
        "lisa",
        "--from",
        "2026-08-17",
        "--until",
        "2027-01-15",
        "--funded-by",
        "BUN",
        "--cost",
        "12 000,50",
        "--on",
        "2026-06-01",
    )
    assert result.output == "Requested D-2026-0001 from POL-IS-01.\n"
    result = cli(
        "--lang", "en", "--as", "gustav", "disp", "approve", "D-2026-0001", "--on", "2026-06-10"
    )
    assert result.output == "Approved D-2026-0001: valid 2026-08-17 to 2027-01-15.\n"
    result = cli(
        "--lang", "en", "--format", "csv", "due", "--today", "2026-12-20", "--within", "4w"
    )
    assert result.output.splitlines() == [
        '"due_on","days_left","kind","ref","title","person"',
        '"2027-01-15","26","dispensation_expiry","D-2026-0001","Molntjänst i åk 7","lisa"',
        '"2027-01-15","26","review","POL-IS-01","Informationssäkerhetspolicy","anna"',
    ]
    shown = json.loads(
        cli("--lang", "en", "--format", "json", "disp", "show", "D-2026-0001").output
    )
    assert shown["funding"]["estimated_cost"] == "12000.50"
    assert shown["decision"]["by"] == "gustav"


def test_list_formats_agree(cli: Run, tmp_path: Path) -> None:
    """table, json and csv list the same records."""
    demo(tmp_path / "d.db")
    base = ["--db", str(tmp_path / "d.db")]
    runner = CliRunner()
    as_json = json.loads(runner.invoke(main, [*base, "--format", "json", "doc", "list"]).output)
    as_csv = list(
        csv.DictReader(
            io.StringIO(runner.invoke(main, [*base, "--format", "csv", "doc", "list"]).output)
        )
    )
    table = runner.invoke(main, [*base, "doc", "list"]).output.splitlines()[2:]
    assert len(as_json) == len(as_csv) == len(table) == 17
    assert (
        [d["ref"] for d in as_json]
        == [r["ref"] for r in as_csv]
        == [line.split()[0] for line in table]
    )


def test_export_and_import_on_the_command_line(tmp_path: Path, template_db: Path) -> None:
    """`export -o` then `import` into a fresh registry gives an identical export."""
    demo(tmp_path / "a.db")
    runner = CliRunner()
    out = tmp_path / "register.json"
    assert (
        runner.invoke(
            main, ["--lang", "en", "--db", str(tmp_path / "a.db"), "export", "-o", str(out)]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(main, ["--lang", "en", "--db", str(tmp_path / "b.db"), "init"]).exit_code == 0
    )
    result = runner.invoke(
        main, ["--lang", "en", "--db", str(tmp_path / "b.db"), "import", str(out)]
    )
    assert result.output.startswith("Imported 271 persons, 52 units, 5 bodies, 17 documents")
    again = runner.invoke(main, ["--lang", "en", "--db", str(tmp_path / "b.db"), "export"]).output
    assert again == out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.partial"))


def test_doc_list_on_a_past_date_shows_the_versions_then_in_force(tmp_path: Path) -> None:
    """--on answers 'what applied then': superseded documents appear, later ones don't."""
    demo(tmp_path / "d.db")
    runner = CliRunner()
    then = runner.invoke(
        main,
        ["--db", str(tmp_path / "d.db"), "--format", "json", "doc", "list", "--on", "2026-11-01"],
    ).output
    refs = {row["ref"] for row in json.loads(then)}
    assert "RIKT-WEBB-01" in refs and "RIKT-WEBB-02" not in refs
    assert "RIKT-PANDEMI" not in refs and "RIKT-AI-01" not in refs


def test_remind_on_the_command_line(tmp_path: Path) -> None:
    """--dry-run lists what would go out; a real run prints digests (console channel) in
    the chosen language, and a second run the same day sends nothing."""
    db = tmp_path / "d.db"
    demo(db)
    runner = CliRunner()
    base = ["--db", str(db)]
    preview = runner.invoke(
        main,
        ["--lang", "en", *base, "--format", "csv", "remind", "--dry-run", "--today", "2026-11-23"],
    )
    assert preview.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(preview.output)))
    assert {
        "channel": "console",
        "recipient": "eva.ek",
        "kind": "escalation",
        "ref": "POL-KOM-01",
        "due_on": "2026-10-14",
        "days_left": "-40",
    } in rows
    sent = runner.invoke(
        main, ["--lang", "en", *base, "--lang", "en", "remind", "--today", "2026-11-23"]
    )
    assert sent.exit_code == 0
    assert "── To: Eva Ek <eva.ek@mittkoping.example>" in sent.stdout
    assert (
        "Escalation: the review of POL-KOM-01 Kommunikationspolicy (owner maria.nystrom) "
        "was due on 14 October 2026 and is 40 days overdue."
    ) in sent.stdout
    assert sent.stderr.startswith(f"2026-11-23: 0 item(s) ended, {len(rows)} new notice(s)")
    again = runner.invoke(main, ["--lang", "en", *base, "remind", "--today", "2026-11-23"])
    assert again.stdout == ""
    assert "0 new notice(s), 0 digest(s)" in again.stderr


def test_remind_with_an_unknown_channel_is_a_clear_error(tmp_path: Path) -> None:
    """Asking for a channel that is not configured names the ones that are."""
    db = tmp_path / "d.db"
    demo(db)
    result = CliRunner().invoke(
        main, ["--db", str(db), "--lang", "en", "remind", "--channel", "sms"]
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: no channel named 'sms'; available: console\n"


def test_version_does_not_even_build_the_domain_model() -> None:
    """`styrdok --version` loads the command line and the enums, not the model's classes."""
    code = (
        "import sys\n"
        "from styrdok.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('styrdok.model' in sys.modules, 'styrdok.rules' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False False"
