"""Swedish first: the registry's refusals, the command line's confirmations and the audit
log's actions are shown in Swedish unless English is asked for (issue 18)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from styrdok.cli import main
from styrdok.events import EVENTS
from styrdok.i18n import translations
from styrdok.i18n.errors import (
    TEMPLATES_FILE,
    WORD_CONTEXT,
    WORDS,
    found_templates,
    messages,
    placeholders,
    raise_sites,
    translate_error,
    untranslated,
)
from styrdok.labels import action_label


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "mittkoping.db"
    result = CliRunner().invoke(main, ["--db", str(path), "demo", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "register.db"
    shutil.copy(demo_db, copy)
    return copy


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_refused_rule_reads_in_swedish_and_in_english_when_asked(db: Path) -> None:
    """The same refusal: Swedish by default, English with --lang en, `Error: ` before both."""
    edit = ["--as", "sara.jansson", "doc", "edit", "POL-IS-01", "--title", "X"]
    assert run(db, *edit) == (
        1,
        "",
        "Error: sara.jansson får inte ändra POL-IS-01: bara dess dokumentägare, dess väktare "
        "eller en administratör får det\n",
    )
    assert run(db, "--lang", "en", *edit) == (
        1,
        "",
        "Error: sara.jansson may not edit POL-IS-01: only its owner, its guardian or an "
        "administrator may\n",
    )


def test_a_state_in_a_refusal_is_named_not_coded(db: Path) -> None:
    """`it is rejected, not requested`: states by their Swedish labels, no raw codes."""
    code, _out, err = run(db, "--as", "erik.makinen", "disp", "approve", "D-2026-0005")
    assert code == 1
    rejected, requested = (translations("sv").gettext(s) for s in ("rejected", "requested"))
    assert err == (
        f"Error: kan inte bevilja D-2026-0005: dess status är {rejected}, inte {requested}\n"
    )
    assert "rejected" not in err and "requested" not in err


def test_separation_of_duties_is_jav(db: Path) -> None:
    """A party may not decide their own request: said as jäv, with the role in Swedish."""
    _code, _out, err = run(db, "--as", "maria.nystrom", "disp", "approve", "D-2026-0004")
    assert err.startswith("Error: maria.nystrom får inte besluta om D-2026-0004: hen ")
    assert err.endswith(" (jäv)\n")


def test_an_unknown_record_and_a_bad_value_in_swedish(db: Path) -> None:
    """NotFound and InvalidValue, the latter wrapped in a field's name."""
    assert run(db, "doc", "show", "NOPE")[2] == "Error: okänt dokument 'NOPE'\n"
    _code, _out, err = run(db, "--as", "eva.ek", "person", "add", "x y", "--name", "X")
    assert err.startswith("Error: ") and "ogiltig beteckning 'x y'" in err, err


def test_a_confirmation_reads_in_swedish(db: Path) -> None:
    """A change is confirmed in one Swedish line; in English when asked."""

    def add(ref: str) -> list[str]:
        return ["--as", "eva.ek", "body", "add", ref, "--name", ref, "--level", "committee"]

    assert run(db, *add("NY-1")) == (0, "Lade till beslutsinstansen NY-1.\n", "")
    assert run(db, "--lang", "en", *add("NY-2")) == (0, "Added body NY-2.\n", "")


def test_document_history_names_its_changes_in_swedish(db: Path) -> None:
    """`doc history` shows what happened as words, not as audit codes like document.adopt."""
    code, out, _err = run(db, "doc", "history", "POL-IS-01")
    assert code == 0
    assert "Versioner" in out and "Ändringar" in out
    assert "antaget" in out
    assert not re.search(r"\b(document|dispensation|person)\.[a-z_]+\b", out), out


def test_every_raise_site_has_a_swedish_translation() -> None:
    """No message the core raises reaches a Swedish reader in English: every template of a
    `raise <StyrdokError>(f"…")` in src/styrdok is in the catalog, translated, and its
    translation uses only the template's own placeholders (`python -m styrdok.i18n`)."""
    assert len(messages()) > 200
    assert untranslated("sv") == []
    gettext = translations("sv").gettext
    for text in messages():
        assert placeholders(gettext(text)) <= placeholders(text), text


def test_the_list_of_templates_is_up_to_date() -> None:
    """error_templates.json lists what the source raises (`python -m styrdok.i18n`)."""
    assert json.loads(TEMPLATES_FILE.read_text(encoding="utf-8")) == found_templates()


def test_every_word_put_into_a_refusal_is_translated() -> None:
    """`may not {action}`: each verb and noun the core passes in has a Swedish word."""
    pgettext = translations("sv").pgettext
    for word in set(WORDS) - {"person", "text"}:  # the same word in Swedish
        assert pgettext(WORD_CONTEXT, word) != word, word


def test_every_audit_action_has_a_label_in_both_languages() -> None:
    """Every event the registry records has a readable name, Swedish from the catalog."""
    for name in EVENTS:
        english = action_label(name, "en")
        assert english != name and "." not in english, name
        assert action_label(name, "sv") != english, name


def test_a_message_that_fits_no_template_is_shown_as_it_is() -> None:
    """A plugin's own message is not garbled: it stays as written."""
    assert translate_error("the moon is made of cheese", "sv") == "the moon is made of cheese"
    assert translate_error("unknown document 'X'", "en") == "unknown document 'X'"


def test_a_located_message_keeps_its_location() -> None:
    """An import's ` @ $.path` stays after the translated message."""
    message = "unknown person 'ghost' @ $.documents[2].owner"
    assert translate_error(message, "sv") == "okänd person 'ghost' @ $.documents[2].owner"


def test_every_template_recognises_a_message_formatted_from_it() -> None:
    """Filling every placeholder of a template with a sample gives a message the same
    template (or an equally specific one) translates."""
    gettext = translations("sv").gettext
    for _path, _line, template in raise_sites():
        parts = dict.fromkeys(placeholders(template.text), "X1")
        sample = template.text.format_map(parts)
        assert template.pattern.match(sample), template.text
        swedish = gettext(template.text).format_map(parts)
        assert translate_error(sample, "sv") != sample or swedish == sample, template.text


def test_a_refusal_is_never_half_swedish() -> None:
    """A phrase the core fills in that the catalog lacks keeps the whole message English
    (never "väntade a blue banana"); one it has is translated with the rest."""
    from styrdok.i18n.errors import translate_error

    odd = "limit: expected a blue banana, got 3"
    assert translate_error(odd, "sv") == odd
    known = "limit: expected a whole number, got 'tre'"
    assert translate_error(known, "sv") == "limit: väntade ett heltal, fick 'tre'"
