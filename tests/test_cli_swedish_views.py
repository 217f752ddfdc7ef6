"""A record's lines speak the reader's language (issue 18): `doc show`, `disp show`,
`person show`, `body show` and `unit show` name each field in Swedish by default and in
English with ``--lang en``, show codes by their labels and leave out empty fields; JSON
keeps every field under its code. Also: an aborted command and a broken settings file say
so in Swedish."""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from styrdok import Body, Dispensation, Document, Person
from styrdok.cli import main
from styrdok.labels import field_label
from styrdok.model import DocumentVersion
from styrdok.testing.demo import build_demo_file, copy_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Mittköping demo register, only read by these tests."""
    return build_demo_file(tmp_path_factory.mktemp("views"))


@pytest.fixture(autouse=True)
def _no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No settings file chooses a language, unless a test writes one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STYRDOK_CONFIG", raising=False)


def styrdok(db: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], input=input)


def lines(output: str) -> dict[str, str]:
    """A record's lines as {name: value} (a text's further lines left out)."""
    found = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line, maxsplit=1)
        if len(cells) == 2 and cells[0]:
            found.setdefault(cells[0], cells[1])
    return found


def stored(db: Path, *show: str) -> dict[str, Any]:
    """What ``show`` prints as JSON: the record under its codes (the demo's dates count
    from the day it was built)."""
    data: dict[str, Any] = json.loads(styrdok(db, "--format", "json", *show).output)
    return data


#: A field's code as a line would start with it: ``next_review_on``, ``follow_up.by``.
CODE = re.compile(r"^[a-z]+(?:[_.][a-z]+|\[\d+\])+ ", re.M)


def test_doc_show_names_fields_in_swedish_and_in_english_when_asked(demo: Path) -> None:
    """Swedish names by default (nästa aktualitetsprövning, dokumentägare), English ones
    with --lang en; codes as words (gällande, riktlinje); no field shown by its code."""
    swedish = styrdok(demo, "doc", "show", "RIKT-SOC-01")
    assert swedish.exit_code == 0, swedish.output
    shown = lines(swedish.output)
    assert shown["referens"] == "RIKT-SOC-01"
    assert shown["typ"] == "riktlinje"
    assert shown["status"] == "gällande"
    assert shown["dokumentägare"] == "maria.nystrom"
    assert (
        shown["nästa aktualitetsprövning"]
        == stored(demo, "doc", "show", "RIKT-SOC-01")["next_review_on"]
    )
    assert shown["gäller för"] == "KLF-KOM, KFF"
    assert shown["dispens möjlig"] == "ja"
    assert shown["fråga 1"] == "Får min enhet starta ett eget konto?"
    assert shown["svar 1"] == "Ja, efter anmälan till kommunikationsenheten."
    assert CODE.findall(swedish.output) == []
    english = lines(styrdok(demo, "--lang", "en", "doc", "show", "RIKT-SOC-01").output)
    assert english["type"] == "guideline"
    assert english["status"] == "in force"
    assert english["owner"] == "maria.nystrom"
    assert english["next review"] == shown["nästa aktualitetsprövning"]
    assert english["applies to"] == "KLF-KOM, KFF"
    assert english["answer 2"].startswith("Ja, om du är inloggad")


def test_doc_show_leaves_out_fields_without_a_value(demo: Path) -> None:
    """No empty line for a draft there is none of, nor for an unset registry number or end
    date; a draft revision is summed up below the record, not shown as a field."""
    plain = lines(styrdok(demo, "doc", "show", "RIKT-SOC-01").output)
    for empty in ("utkast till ny version", "diarienummer", "gäller till och med", "ersätter"):
        assert empty not in plain
    assert all(value for value in plain.values())
    with_draft = styrdok(demo, "doc", "show", "RIKT-IS-01").output
    assert "utkast till ny version" not in lines(with_draft)
    assert with_draft.endswith(
        "Ett utkast till ny version, ännu inte antaget, ändrar: texten "
        "(styrdok doc diff RIKT-IS-01 --draft).\n"
    )


def test_a_draft_never_adopted_is_not_shown_as_version_0(demo: Path) -> None:
    """A draft's version reads "ännu inte antagen" ("not adopted yet" in English), while
    JSON keeps the number 0."""
    assert lines(styrdok(demo, "doc", "show", "RIKT-AI-01").output)["version"] == (
        "ännu inte antagen"
    )
    english = styrdok(demo, "--lang", "en", "doc", "show", "RIKT-AI-01").output
    assert lines(english)["version"] == "not adopted yet"
    assert stored(demo, "doc", "show", "RIKT-AI-01")["version"] == 0
    adopted = stored(demo, "doc", "show", "RIKT-SOC-01")["version"]
    assert lines(styrdok(demo, "doc", "show", "RIKT-SOC-01").output)["version"] == str(adopted)


def test_json_keeps_the_codes(demo: Path) -> None:
    """--format json is unchanged by the language: field codes as keys, codes as values,
    empty fields included."""
    show = ["--format", "json", "doc", "show", "RIKT-SOC-01"]
    swedish, english = styrdok(demo, *show).output, styrdok(demo, "--lang", "en", *show).output
    assert swedish == english
    data = json.loads(swedish)
    assert data["doc_type"] == "guideline" and data["status"] == "in_force"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["next_review_on"])
    assert data["dispensation_rules"]["allowed"] is True
    assert data["draft"] is None and data["registry_number"] is None
    csv = styrdok(demo, "--format", "csv", "disp", "show", "D-2026-0006").output
    assert csv.splitlines()[0].startswith('"ref","document_ref","scope","requested_by"')
    assert '"expired"' in csv.splitlines()[1]


def test_disp_show_names_fields_in_swedish(demo: Path) -> None:
    """A dispensation's request, funding, decision and evaluation under Swedish names."""
    result = styrdok(demo, "disp", "show", "D-2026-0006")
    shown = lines(result.output)
    assert shown["dokument"] == "RIKT-SOC-01"
    assert shown["sökt av"] == "olle.strand"
    assert shown["status"] == "utgången"
    assert shown["beslutad av"] == "karin.sjoberg"
    assert shown["delegationsbeslut"] == "nej"
    assert shown["finansieras av"] == "Kommunstyrelsens utvecklingsmedel"
    assert shown["regeländring föreslås"] == "ja"
    assert "utvärderad av" in shown and "lärdomar" in shown
    assert CODE.findall(result.output) == []
    english = lines(styrdok(demo, "--lang", "en", "disp", "show", "D-2026-0006").output)
    assert english["status"] == "expired"
    assert english["decided by"] == "karin.sjoberg"
    assert english["rule change suggested"] == "yes"


def test_disp_show_gives_the_cost_as_an_amount_in_each_language(demo: Path) -> None:
    """``18 500 kr`` (a no-break space between thousands), not ``18500.00`` and ``SEK`` on
    a line of its own; JSON keeps the number and the currency apart."""
    shown = lines(styrdok(demo, "disp", "show", "D-2026-0001").output)
    assert shown["beräknad kostnad"] == "18\u00a0500 kr"
    assert "valuta" not in shown
    english = lines(styrdok(demo, "--lang", "en", "disp", "show", "D-2026-0001").output)
    assert english["estimated cost"] == "18,500 SEK"
    data = stored(demo, "disp", "show", "D-2026-0001")
    assert (data["funding"]["estimated_cost"], data["funding"]["currency"]) == ("18500.00", "SEK")


def test_person_body_and_unit_show_name_fields_in_swedish(demo: Path) -> None:
    """A person's title is their job title (befattning); a body's level and a unit's kind
    are words."""
    person = styrdok(demo, "person", "show", "maria.nystrom").output
    assert lines(person) == {
        "referens": "maria.nystrom",
        "namn": "Maria Nyström",
        "e-post": "maria.nystrom@mittkoping.example",
        "enhet": "KLF-KOM",
        "befattning": "Kommunikationschef",
        "administratör": "nej",
        "aktiv": "ja",
        "i enheten sedan": stored(demo, "person", "show", "maria.nystrom")["unit_since"],
    }
    assert "job title" in lines(styrdok(demo, "--lang", "en", "person", "show", "eva.ek").output)
    body = lines(styrdok(demo, "body", "show", "KS").output)
    assert body == {
        "referens": "KS",
        "namn": "Kommunstyrelsen",
        "nivå": "styrelse",
        "kontaktperson": "eva.ek",
    }
    unit = lines(styrdok(demo, "unit", "show", "BUF").output)
    assert unit["slag"] == "förvaltning"
    assert unit["chef"] == "per.ahmadi"
    assert "underliggande enheter" in unit and "personal med underliggande enheter" in unit


def test_a_past_version_says_its_own_dates_once(demo: Path) -> None:
    """`doc show --version`: the version's period under names of its own, the document's
    fields under theirs, and nothing said twice."""
    out = styrdok(demo, "doc", "show", "RIKT-SOC-01", "--version", "1").output
    shown, version = lines(out), stored(demo, "doc", "show", "RIKT-SOC-01", "--version", "1")
    assert shown["versionen i kraft från"] == version["in_force_from"]
    assert shown["versionen inte längre i kraft från"] == version["in_force_until"]
    assert shown["titel"] == "Riktlinjer för sociala medier"
    assert len(re.findall(r"^version +1$", out, re.M)) == 1
    assert CODE.findall(out) == []


def test_doc_diff_shows_codes_and_yes_or_no_in_words(demo: Path, tmp_path: Path) -> None:
    """A changed type or switch in a comparison reads `riktlinje → policy`, `ja → nej`."""
    db = copy_demo(demo, tmp_path)
    edit = ["--as", "maria.nystrom", "doc", "edit", "RIKT-SOC-01", "--type", "policy"]
    assert styrdok(db, *edit, "--no-dispensations").exit_code == 0
    diff = styrdok(db, "doc", "diff", "RIKT-SOC-01", "--draft").output
    assert "  typ: riktlinje → policy\n" in diff
    assert "  dispens möjlig: ja → nej\n" in diff
    english = styrdok(db, "--lang", "en", "doc", "diff", "RIKT-SOC-01", "--draft").output
    assert "  type: guideline → policy\n" in english
    assert "  dispensations allowed: yes → no\n" in english


def test_no_version_is_said_in_swedish(demo: Path) -> None:
    """A version that does not exist: the versions there are, in the reader's language."""
    result = styrdok(demo, "doc", "show", "RIKT-SOC-01", "--version", "9")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: RIKT-SOC-01 har ingen version 9 (antagna versioner: 1, 2, 3)\n",
    )
    before = (dt.date.today() - dt.timedelta(days=365 * 30)).isoformat()
    result = styrdok(demo, "--lang", "en", "doc", "show", "RIKT-SOC-01", "--on", before)
    assert result.stderr == (
        f"Error: RIKT-SOC-01 has no version in force on {before} (adopted versions: 1, 2, 3)\n"
    )


def test_an_aborted_command_says_so_in_swedish(demo: Path) -> None:
    """Answering no to a confirmation: a Swedish question, `Error: avbrutet`, exit 1
    (`Error: aborted` in English); the prefix stays `Error:` for scripts."""
    ask = ["--as", "eva.ek", "person", "anonymise", "sara.jansson"]
    result = styrdok(demo, *ask, input="n\n")
    assert result.exit_code == 1
    assert "Ersätta sara.jansson med en pseudonym överallt? Det går inte att ångra" in (
        result.stdout
    )
    assert result.stderr == "Error: avbrutet\n"
    english = styrdok(demo, "--lang", "en", *ask, input="n\n")
    assert (english.exit_code, english.stderr) == (1, "Error: aborted\n")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            "[reminders]\nreview_offsets = 5\n",
            "styrdok.toml: [reminders] review_offsets: väntade en lista med hela dagar 0–180, "
            "t.ex. [60, 30, 7, 0], fick 5",
        ),
        (
            '[files]\nmax_mb = "x"\n',
            'styrdok.toml: [files] max_mb: väntade ett heltal 1–100000, fick "x"',
        ),
        (
            "[files]\nstorage = {a = 1}\n",
            "styrdok.toml: [files] storage: väntade text på en rad (1–1000 tecken), fick en tabell",
        ),
        (
            '[files]\ntypes = ["exe"]\n',
            'styrdok.toml: [files] types: väntade en lista där varje värde är ett av "pdf", '
            '"docx", "odt", "xlsx", "txt", "md", "png", "jpeg", fick ["exe"]',
        ),
        (
            '[reminders]\nbase_url = "ftp://x"\n',
            "styrdok.toml: [reminders] base_url: väntade en webbadress, "
            't.ex. https://intranat.mittkoping.se/styrdok, fick "ftp://x"',
        ),
        (
            'language = "sv"\nb = ]\n',
            "styrdok.toml, rad 2, kolumn 5: ogiltig TOML (Invalid value)",
        ),
        ("a = [\n", "styrdok.toml: ogiltig TOML i slutet av filen (Invalid value)"),
    ],
)
def test_a_bad_settings_file_is_explained_in_swedish(
    demo: Path, settings: str, message: str
) -> None:
    """What a setting must be, and where a file is not TOML, in Swedish; tomllib's own
    words for what is wrong stay as it writes them."""
    Path("styrdok.toml").write_text(settings, encoding="utf-8")
    result = styrdok(demo, "doc", "list")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


def test_a_settings_file_that_is_not_utf8_is_named_in_swedish(demo: Path) -> None:
    """A file in another encoding: which byte, and what to do."""
    Path("styrdok.toml").write_bytes('language = "sv"\n# ö\n'.encode("latin-1"))
    result = styrdok(demo, "doc", "list")
    assert (
        result.stderr == "Error: styrdok.toml: inte text i UTF-8 (byte 19); spara filen som UTF-8\n"
    )
    # `doc check` reads the settings whatever the language (`doc list` needs them only for it)
    english = styrdok(demo, "--lang", "en", "doc", "check", "RIKT-SOC-01")
    assert english.stderr == "Error: styrdok.toml: not UTF-8 text (byte 19); save it as UTF-8\n"


# --- every field of every record shown has a name ------------------------------------------


def _field_names(cls: type, prefix: str = "") -> Iterator[str]:
    """A record's fields as a record's lines flatten them: ``follow_up.by``,
    ``faq[1].question``, ``snapshot.title``."""
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        hint = hints[field.name]
        nested = [arg for arg in (*typing.get_args(hint), hint) if attrs.has(arg)]
        if not nested or nested[0] is cls:
            yield prefix + field.name
        elif typing.get_origin(hint) is tuple:
            yield from _field_names(nested[0], f"{prefix}{field.name}[1].")
        else:
            yield from _field_names(nested[0], f"{prefix}{field.name}.")


@pytest.mark.parametrize("record", [Document, DocumentVersion, Dispensation, Person, Body])
def test_every_field_of_a_record_has_a_name_in_both_languages(record: type) -> None:
    """No field of a record reaches a person by its code: each has an English name and a
    Swedish one from the catalog."""
    for name in _field_names(record):
        english = field_label(name, "en", record=record.__name__)
        swedish = field_label(name, "sv", record=record.__name__)
        assert not re.search(r"[_.\[\]]", english + swedish), (name, english, swedish)
        assert swedish != english or english in {"status", "version", "revision"}, name
