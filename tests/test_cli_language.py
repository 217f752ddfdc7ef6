"""Tables speak the reader's language: Swedish by default, English with ``--lang en`` or
``language = "en"`` in the settings; JSON and CSV keep the codes."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import TODAY
from styrdok.registry import Registry

Run = Callable[..., Result]


def _cells(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


def test_table_headings_are_swedish_by_default_and_english_with_lang_en(
    seeded: Registry, cli: Run
) -> None:
    """`doc list` has Swedish headings unless --lang en."""
    swedish = cli("doc", "list").output.splitlines()
    assert _cells(swedish[0]) == [
        "REFERENS", "TYP", "STATUS", "V", "TITEL", "ÄGARE", "VÄKTARE", "NÄSTA PRÖVNING",
    ]  # fmt: skip
    english = cli("--lang", "en", "doc", "list").output.splitlines()
    assert _cells(english[0]) == [
        "REF", "TYPE", "STATUS", "V", "TITLE", "OWNER", "GUARDIAN", "NEXT REVIEW",
    ]  # fmt: skip


def test_codes_are_shown_by_their_labels_in_tables(
    seeded: Registry, approved: str, cli: Run
) -> None:
    """A status, a type and a level are words, not codes: gällande, beviljad, styrelse."""
    doc = _cells(cli("doc", "list").output.splitlines()[2])
    assert doc[1:3] == ["policy", "gällande"]
    assert _cells(cli("--lang", "en", "doc", "list").output.splitlines()[2])[2] == "in force"
    disp = _cells(cli("disp", "list").output.splitlines()[2])
    assert disp[:3] == [approved, "POL-1", "beviljad"]
    assert _cells(cli("--lang", "en", "disp", "list").output.splitlines()[2])[2] == "approved"
    body = _cells(cli("body", "list").output.splitlines()[2])
    assert body == ["KS", "Kommunstyrelsen", "styrelse", "admin"]
    assert _cells(cli("--lang", "en", "body", "list").output.splitlines()[2])[2] == (
        "executive board"
    )


def test_a_record_shows_labels_and_ja_or_nej(seeded: Registry, approved: str, cli: Run) -> None:
    """`doc show` and `disp show`: field names, status and yes/no in the reader's language."""
    shown = dict(_cells(line) for line in cli("doc", "show", "POL-1").output.splitlines()[:30]
                 if len(_cells(line)) == 2)  # fmt: skip
    assert shown["status"] == "gällande"
    assert shown["typ"] == "policy"
    assert shown["dispens möjlig"] == "ja"
    english = cli("--lang", "en", "doc", "show", "POL-1").output
    assert re.search(r"^status +in force$", english, re.M)
    assert re.search(r"^dispensations allowed +yes$", english, re.M)
    assert re.search(r"^status +beviljad$", cli("disp", "show", approved).output, re.M)


def test_yes_and_no_are_ja_and_nej_in_swedish(seeded: Registry, cli: Run) -> None:
    """A bool column says ja/nej in Swedish, yes/no in English."""
    rows = {_cells(line)[0]: _cells(line)[-1] for line in cli("person", "list").output.splitlines()}
    assert rows["REFERENS"] == "ADMINISTRATÖR"
    assert rows["admin"] == "ja"
    assert rows["owner"] == "nej"
    english = cli("--lang", "en", "person", "list").output.splitlines()
    rows = {_cells(line)[0]: _cells(line)[-1] for line in english}
    assert (rows["REF"], rows["admin"], rows["owner"]) == ("ADMIN", "yes", "no")


def test_the_settings_language_makes_tables_english(
    seeded: Registry, cli: Run, tmp_path: Path
) -> None:
    """`language = "en"` in styrdok.toml, and --lang overrides it."""
    settings = tmp_path / "styrdok.toml"
    settings.write_text('language = "en"\n', encoding="utf-8")
    listed = cli("--config", str(settings), "body", "list").output.splitlines()
    assert _cells(listed[0]) == ["REF", "NAME", "LEVEL", "CONTACT"]
    assert _cells(listed[2])[2] == "executive board"
    listed = cli("--config", str(settings), "--lang", "sv", "body", "list").output.splitlines()
    assert _cells(listed[0]) == ["REFERENS", "NAMN", "NIVÅ", "KONTAKT"]


def test_due_says_when_and_what_in_swedish(seeded: Registry, cli: Run) -> None:
    """`due`: the day's distance and what falls due, in words of the reader's language."""
    swedish = cli("due", "--within", "400d", "--today", str(TODAY)).output.splitlines()
    assert _cells(swedish[0])[:3] == ["DATUM", "NÄR", "VAD"]
    assert _cells(swedish[2])[1:3] == ["om 265 d", "aktualitetsprövning"]
    english = cli("--lang", "en", "due", "--within", "400d", "--today", str(TODAY))
    english = english.output.splitlines()
    assert _cells(english[0])[:3] == ["DUE", "WHEN", "WHAT"]
    assert _cells(english[2])[1:3] == ["in 265 d", "review"]


def test_json_and_csv_keep_the_codes_whatever_the_language(
    seeded: Registry, approved: str, cli: Run
) -> None:
    """Machines read codes and true/false: no label reaches JSON or CSV."""
    assert json.loads(cli("--format", "json", "disp", "list").output)[0]["status"] == "approved"
    body = json.loads(cli("--format", "json", "body", "list").output)[0]
    assert body["level"] == "executive_board"
    documents = list(csv.DictReader(io.StringIO(cli("--format", "csv", "doc", "list").output)))
    assert (documents[0]["status"], documents[0]["doc_type"]) == ("in_force", "policy")
    people = list(csv.DictReader(io.StringIO(cli("--format", "csv", "person", "list").output)))
    assert {p["is_admin"] for p in people} == {"yes", "no"}
    shown = json.loads(cli("--format", "json", "doc", "show", "POL-1").output)
    assert (shown["status"], shown["dispensation_rules"]["allowed"]) == ("in_force", True)
