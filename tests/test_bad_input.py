"""Bad input on the command line: one clear line, exit 1 (2 for usage), nothing changed.

Each case runs against a copy of the Mittköping demo register; a full SQL dump of the
database before and after must be identical.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from styrdok.cli import main

LONG = "Lång text " * 1_000  # 10 000 characters
SQLISH = "x'; DROP TABLE document; --"
DISP_REQUEST = [
    "disp",
    "request",
    "--document",
    "RIKT-MOLN-SKOLA",
    "--scope",
    "Pilot",
    "--responsible",
    "lisa.holm",
    "--funded-by",
    "BUN",
]

# (id, arguments, exit code, what the error says)
CASES: list[tuple[str, list[str], int, str]] = [
    # dates
    ("impossible date", ["due", "--today", "2026-02-30"], 2, "not a real date"),
    ("malformed date", ["due", "--today", "22/11/2026"], 2, "not a date; write YYYY-MM-DD"),
    (
        "month 13",
        ["--as", "lisa.holm", *DISP_REQUEST, "--from", "2026-13-01", "--until", "2027-01-01"],
        2,
        "not a real date",
    ),
    ("not a leap year", ["doc", "list", "--on", "2026-02-29"], 2, "not a real date"),
    ("bad horizon", ["due", "--within", "soon"], 2, "not a horizon"),
    (
        "until before from",
        ["--as", "lisa.holm", *DISP_REQUEST, "--from", "2027-02-01", "--until", "2027-01-01"],
        1,
        "must be after valid from",
    ),
    (
        "until equals from",
        ["--as", "lisa.holm", *DISP_REQUEST, "--from", "2027-02-01", "--until", "2027-02-01"],
        1,
        "must be after valid from",
    ),
    (
        "duration over maximum",
        ["--as", "lisa.holm", *DISP_REQUEST, "--from", "2027-01-01", "--until", "2027-12-31"],
        1,
        "at most 200 days",
    ),
    (
        "review next before review",
        [
            "--as",
            "erik.makinen",
            "doc",
            "review",
            "RIKT-MOLN-SKOLA",
            "--outcome",
            "confirmed",
            "--on",
            "2026-11-22",
            "--next",
            "2026-01-01",
        ],
        1,
        "must come after",
    ),
    (
        "adopt before previous version",
        ["--as", "anna.lind", "doc", "adopt", "POL-IS-01", "--body", "KF", "--on", "2020-01-01"],
        1,
        "cannot predate it",
    ),
    # unknown references
    ("unknown document", ["doc", "show", "POL-NOPE-99"], 1, "unknown document 'POL-NOPE-99'"),
    (
        "unknown dispensation",
        ["--as", "olle.strand", "disp", "approve", "D-2026-9999"],
        1,
        "unknown dispensation 'D-2026-9999'",
    ),
    (
        "unknown actor",
        ["--as", "ghost", "doc", "edit", "POL-IS-01", "--title", "X"],
        1,
        "unknown person 'ghost'",
    ),
    (
        "unknown responsible",
        [
            "--as",
            "lisa.holm",
            "disp",
            "request",
            "--document",
            "RIKT-MOLN-SKOLA",
            "--scope",
            "Pilot",
            "--responsible",
            "nobody",
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--funded-by",
            "BUN",
        ],
        1,
        "unknown person 'nobody' given as responsible",
    ),
    (
        "unknown body",
        [
            "--as",
            "sofia.karlsson",
            "doc",
            "adopt",
            "RIKT-AI-01",
            "--body",
            "XYZ",
            "--on",
            "2026-11-22",
        ],
        1,
        "unknown body 'XYZ'",
    ),
    (
        "unknown owner",
        [
            "--as",
            "eva.ek",
            "doc",
            "add",
            "POL-NEW",
            "--title",
            "T",
            "--type",
            "policy",
            "--owner",
            "nobody",
        ],
        1,
        "unknown person 'nobody' given as owner",
    ),
    ("no actor", ["doc", "edit", "POL-IS-01", "--title", "X"], 1, "name the acting person"),
    # permissions and separation of duties
    (
        "self-approval",
        ["--as", "maria.nystrom", "disp", "approve", "D-2026-0004"],
        1,
        "separation of duties",
    ),
    (
        "unauthorised approver",
        ["--as", "sara.jansson", "disp", "approve", "D-2026-0004"],
        1,
        "only the guardian of RIKT-SOC-01 or a listed approver",
    ),
    (
        "admin is no approver",
        ["--as", "eva.ek", "disp", "approve", "D-2026-0004"],
        1,
        "listed approver",
    ),
    (
        "outsider edits",
        ["--as", "sara.jansson", "doc", "edit", "POL-IS-01", "--title", "X"],
        1,
        "only its owner, its guardian or an administrator",
    ),
    (
        "outsider reviews",
        ["--as", "lisa.holm", "doc", "review", "POL-IS-01", "--outcome", "confirmed"],
        1,
        "may not review POL-IS-01",
    ),
    (
        "non-admin adds body",
        ["--as", "lisa.holm", "body", "add", "XN", "--name", "X", "--level", "committee"],
        1,
        "only an administrator",
    ),
    (
        "non-admin adds person",
        ["--as", "lisa.holm", "person", "add", "new.one", "--name", "Ny"],
        1,
        "only an administrator",
    ),
    (
        "responsible revokes",
        ["--as", "sofia.karlsson", "disp", "revoke", "D-2026-0010", "--reason", "x"],
        1,
        "party to it (separation of duties)",
    ),
    # states and lifecycle rules
    (
        "approve rejected",
        ["--as", "erik.makinen", "disp", "approve", "D-2026-0005"],
        1,
        "it is rejected, not requested",
    ),
    (
        "approve approved",
        ["--as", "erik.makinen", "disp", "approve", "D-2026-0001"],
        1,
        "it is approved, not requested",
    ),
    (
        "renewal past max",
        ["--as", "sofia.karlsson", "disp", "renew", "D-2026-0010", "--until", "2027-08-01"],
        1,
        "at most 0 renewal",
    ),
    (
        "close a request",
        ["--as", "maria.nystrom", "disp", "close", "D-2026-0004", "--reason", "x"],
        1,
        "it is requested, not approved",
    ),
    (
        "evaluate active",
        ["--as", "lisa.holm", "disp", "evaluate", "D-2026-0001", "--outcome", "ok"],
        1,
        "cannot evaluate",
    ),
    (
        "repeal with open dispensations",
        ["--as", "anna.lind", "doc", "repeal", "RIKT-IS-02"],
        1,
        "open dispensation",
    ),
    (
        "move without successor",
        ["--as", "anna.lind", "doc", "repeal", "RIKT-IS-02", "--dispensations", "move"],
        1,
        "needs a successor",
    ),
    (
        "stale revision",
        [
            "--as",
            "anna.lind",
            "doc",
            "edit",
            "POL-IS-01",
            "--title",
            "Ny",
            "--expect-revision",
            "0",
        ],
        1,
        "changed by someone else",
    ),
    (
        "request on draft",
        [
            "--as",
            "lisa.holm",
            "disp",
            "request",
            "--document",
            "RIKT-AI-01",
            "--scope",
            "x",
            "--responsible",
            "lisa.holm",
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--no-extra-cost",
        ],
        1,
        "is draft",
    ),
    (
        "request where forbidden",
        [
            "--as",
            "lisa.holm",
            "disp",
            "request",
            "--document",
            "POL-PERS-01",
            "--scope",
            "x",
            "--responsible",
            "lisa.holm",
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--no-extra-cost",
        ],
        1,
        "does not allow dispensations",
    ),
    (
        "funding not stated",
        [
            "--as",
            "lisa.holm",
            "disp",
            "request",
            "--document",
            "RIKT-MOLN-SKOLA",
            "--scope",
            "x",
            "--responsible",
            "lisa.holm",
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
        ],
        1,
        "funding must be stated",
    ),
    (
        "clear guardian in force",
        ["--as", "anna.lind", "doc", "edit", "POL-IS-01", "--clear", "guardian"],
        1,
        "cannot be in force without a guardian",
    ),
    (
        "parent cycle",
        ["--as", "anna.lind", "doc", "edit", "POL-IS-01", "--parent", "RIKT-IS-01"],
        1,
        "cycle",
    ),
    (
        "duplicate ref",
        [
            "--as",
            "anna.lind",
            "doc",
            "add",
            "POL-IS-01",
            "--title",
            "T",
            "--type",
            "policy",
            "--owner",
            "anna.lind",
        ],
        1,
        "already exists",
    ),
    (
        "delegated without body",
        ["--as", "olle.strand", "disp", "approve", "D-2026-0004", "--delegated"],
        1,
        "reported to",
    ),
    # odd text
    (
        "very long title",
        ["--as", "anna.lind", "doc", "edit", "POL-IS-01", "--title", LONG],
        1,
        "at most 300 are allowed",
    ),
    (
        "bidi override",
        ["--as", "anna.lind", "doc", "edit", "POL-IS-01", "--title", "Policy \u202egnp.exe"],
        1,
        "hidden direction-changing character",
    ),
    (
        "control character",
        [
            "--as",
            "lisa.holm",
            "disp",
            "request",
            "--document",
            "RIKT-MOLN-SKOLA",
            "--scope",
            "Pling\x07",
            "--responsible",
            "lisa.holm",
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--no-extra-cost",
        ],
        1,
        "control character U+0007",
    ),
    (
        "sql in ref",
        [
            "--as",
            "eva.ek",
            "doc",
            "add",
            SQLISH,
            "--title",
            "T",
            "--type",
            "policy",
            "--owner",
            "eva.ek",
        ],
        1,
        "invalid reference",
    ),
    (
        "sql in actor",
        ["--as", "admin' OR '1'='1", "doc", "edit", "POL-IS-01", "--title", "X"],
        1,
        "unknown person",
    ),
    ("sql in lookup", ["disp", "show", SQLISH], 1, "unknown dispensation"),
    (
        "bad e-mail",
        ["--as", "eva.ek", "person", "add", "new.one", "--name", "Ny", "--email", "not-an-address"],
        1,
        "invalid e-mail address",
    ),
    (
        "negative cost",
        [
            "--as",
            "lisa.holm",
            *DISP_REQUEST,
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--cost",
            "-5",
        ],
        1,
        "not a sensible amount",
    ),
    (
        "bad cost",
        [
            "--as",
            "lisa.holm",
            *DISP_REQUEST,
            "--from",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--cost",
            "lots",
        ],
        2,
        "not an amount",
    ),
    # usage
    (
        "bad type choice",
        [
            "--as",
            "eva.ek",
            "doc",
            "add",
            "X-1",
            "--title",
            "T",
            "--type",
            "memo",
            "--owner",
            "eva.ek",
        ],
        2,
        "'memo' är inte något av",
    ),
    (
        "missing required",
        ["--as", "gustav.berg", "disp", "revoke", "D-2026-0002"],
        2,
        "Flagga saknas: '--reason'",
    ),
    ("nothing to edit", ["--as", "anna.lind", "doc", "edit", "POL-IS-01"], 2, "nothing to change"),
    # governance insight
    (
        "anonymise unknown person",
        ["--as", "eva.ek", "person", "anonymise", "ghost", "--yes"],
        1,
        "unknown person 'ghost'",
    ),
    (
        "anonymise someone still a guardian",
        ["--as", "eva.ek", "person", "anonymise", "gustav.berg", "--yes"],
        1,
        "hand these over first",
    ),
    (
        "anonymise as a non-admin",
        ["--as", "anna.lind", "person", "anonymise", "sara.jansson", "--yes"],
        1,
        "only an administrator may",
    ),
    ("report bad date", ["report", "--today", "2026-02-30"], 2, "not a real date"),
    (
        "html report into a missing folder",
        ["report", "--html", "{tmp}/no/such/dir/r.html"],
        2,
        "no such folder",
    ),
    # files
    (
        "import malformed json",
        ["--as", "eva.ek", "import", "--merge", "{tmp}/broken.json"],
        1,
        "not valid JSON",
    ),
    (
        "import missing file",
        ["--as", "eva.ek", "import", "{tmp}/missing.json"],
        2,
        "missing.json' finns inte",
    ),
    (
        "export to missing folder",
        ["export", "-o", "{tmp}/no/such/dir/out.json"],
        1,
        "No such file or directory",
    ),
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "mittkoping.db"
    result = CliRunner().invoke(main, ["--db", str(path), "demo", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return path


def _dump(path: Path) -> list[str]:
    # The planner's statistics (sqlite_stat1, kept as a connection closes) are not data.
    with sqlite3.connect(path) as conn:
        return [line for line in conn.iterdump() if "sqlite_stat1" not in line]


def test_the_table_is_large_enough() -> None:
    """The issue asks for at least 30 kinds of bad input."""
    assert len(CASES) >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("args", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_cleanly(
    demo_db: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    """One line on stderr, the right exit code, and the database exactly as before; the
    line in Swedish unless English is asked for."""
    (tmp_path / "broken.json").write_text(
        '{"format": "styrdok-export", "persons": [', encoding="utf-8"
    )
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    said, chosen = {}, {"en": ["--lang", "en"], "sv": []}  # Swedish: the default
    for language in ("en", "sv"):
        db = tmp_path / f"register-{language}.db"
        shutil.copy(demo_db, db)
        before = _dump(db)
        result = CliRunner().invoke(
            main, ["--db", str(db), *chosen[language], *args], catch_exceptions=False
        )
        assert result.exit_code == code, result.output
        assert result.stdout == ""
        assert re.fullmatch(r"Error: [^\n]+\n", result.stderr), result.stderr
        assert _dump(db) == before
        said[language] = result.stderr
    assert said["sv"] != said["en"]
    assert message in said["en"] or message in said["sv"]


def test_a_file_that_is_not_a_database_is_one_clear_line(tmp_path: Path) -> None:
    """--db pointing at some other file: one line, exit 1, the file untouched."""
    other = tmp_path / "notes.db"
    other.write_bytes(b"Inte en databas, bara anteckningar.\n" * 10)
    before = other.read_bytes()
    result = CliRunner().invoke(main, ["--db", str(other), "due"], catch_exceptions=False)
    assert result.exit_code == 1
    # Swedish around the database's own words.
    assert result.stderr == "Error: databasfel: file is not a database\n"
    assert other.read_bytes() == before


def test_minus_zero_is_zero() -> None:
    """A cost of -0.00 is stored as 0.00, never as a signed zero."""
    from decimal import Decimal

    from styrdok.model import Funding

    assert str(Funding(funded_by="BUN", estimated_cost=Decimal("-0.00")).estimated_cost) == "0.00"
