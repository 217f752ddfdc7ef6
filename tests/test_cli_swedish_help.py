"""Help and usage errors speak the reader's language: Swedish by default, English with
``--lang en`` or ``language = "en"`` in the settings; example commands stay as written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from styrdok.cli import COMMANDS, builtin_command, main
from styrdok.i18n import translations
from styrdok.i18n.help import help_messages, message

EXAMPLE_HEADINGS = {"Example:", "Examples:", "Try it:", "Exempel:", "Prova:"}


@pytest.fixture(autouse=True)
def _no_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No settings file chooses a language, unless a test writes one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STYRDOK_CONFIG", raising=False)


def styrdok(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="styrdok")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _examples(help_text: str) -> list[str]:
    """The example lines of a help, as printed."""
    lines = help_text.splitlines()
    found = []
    for at, line in enumerate(lines):
        if line.strip() in EXAMPLE_HEADINGS:
            for example in lines[at + 1 :]:
                if not example.startswith("    ") or not example.strip():
                    break
                found.append(example)
    return found


def test_styrdok_help_is_swedish_by_default() -> None:
    """`styrdok --help`: Swedish prose, headings, option help and command list."""
    result = styrdok("--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Användning: styrdok [FLAGGOR] KOMMANDO [ARGUMENT]...\n")
    assert "Håll styrdokument, deras väktare, aktualitetsprövningar och dispenser" in _flat(out)
    for heading in ("Prova:", "Flaggor:", "Kommandon:"):
        assert f"\n{heading}\n" in out or f"\n  {heading}\n" in out, heading
    assert "Visa den här hjälpen och avsluta." in out
    assert "Visa versionen och avsluta." in out
    assert "[standard: table]" in _flat(out)
    assert re.search(r"^  doc +Styrdokument: lägg till", out, re.M)
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Keep governing"):
        assert english not in out


def test_styrdok_help_is_english_with_lang_en_wherever_it_is_given() -> None:
    """`--lang en` before or after `--help` gives click's and styrdok's English help."""
    for args in (("--lang", "en", "--help"), ("--help", "--lang", "en"), ("--lang=en", "-h")):
        out = styrdok(*args).output
        assert out.startswith("Usage: styrdok [OPTIONS] COMMAND [ARGS]...\n"), args
        assert "Keep governing documents (styrdokument)" in out
        assert "\nOptions:\n" in out and "\nCommands:\n" in out
        assert "Show this message and exit." in out and "[default: table]" in _flat(out)
        assert re.search(r"^  doc +Governing documents: add, edit", out, re.M)


def test_doc_help_lists_its_commands_in_swedish() -> None:
    """`styrdok doc --help`: the group's text and each command's short help in Swedish."""
    out = styrdok("doc", "--help").output
    assert out.startswith("Användning: styrdok doc [FLAGGOR] KOMMANDO [ARGUMENT]...\n")
    assert "Styrdokument: lägg till, ändra, anta, aktualitetspröva" in _flat(out)
    assert re.search(r"^  add +Registrera ett nytt dokument som utkast\.$", out, re.M)
    english = styrdok("--lang", "en", "doc", "--help").output
    assert english.startswith("Usage: styrdok doc [OPTIONS] COMMAND [ARGS]...\n")
    assert re.search(r"^  add +Register a new document as a draft\.$", english, re.M)


def test_doc_adopt_help_is_swedish_and_its_examples_are_unchanged() -> None:
    """`styrdok doc adopt --help`: Swedish text and option help, `[obligatorisk]`, and the
    example commands exactly as in English (they run as printed)."""
    swedish = styrdok("doc", "adopt", "--help").output
    flat = _flat(swedish)
    assert swedish.startswith("Användning: styrdok doc adopt [FLAGGOR] REF\n")
    assert "Registrera beslutet som gör att ett dokument" in flat
    assert "Beslutsinstansen. [obligatorisk]" in flat
    assert "Dag då beslutet börjar gälla (gäller från) [standard: beslutsdatumet]." in flat
    assert "\n  Exempel:\n" in swedish
    english = styrdok("--lang", "en", "doc", "adopt", "--help").output
    assert "Record the decision that puts a document" in _flat(english)
    assert "The deciding body. [required]" in _flat(english)
    assert _examples(swedish) == _examples(english) != []
    assert _examples(swedish)[0].strip().startswith("styrdok --as ")


def test_the_settings_file_chooses_the_language_of_help(tmp_path: Path) -> None:
    """`language = "en"` in the settings gives English help; `--lang sv` still wins."""
    (tmp_path / "styrdok.toml").write_text('language = "en"\n', encoding="utf-8")
    assert styrdok("doc", "--help").output.startswith("Usage: styrdok doc")
    assert styrdok("--lang", "sv", "doc", "--help").output.startswith("Användning:")
    other = tmp_path / "other.toml"
    other.write_text('language = "sv"\n', encoding="utf-8")
    assert styrdok("--config", str(other), "doc", "--help").output.startswith("Användning:")


def _builtin_commands() -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield (), main
    stack = [((name,), builtin_command(name)) for name in sorted(COMMANDS)]
    while stack:
        path, command = stack.pop(0)
        yield path, command
        if isinstance(command, click.Group):
            stack[:0] = [((*path, name), sub) for name, sub in sorted(command.commands.items())]


BUILTIN = list(_builtin_commands())


def _prose(command: click.Command) -> list[str]:
    """The English help of ``command`` a person reads: its text's paragraphs and example
    headings, its short help and each parameter's help."""
    texts = list(help_messages(command.help)) if command.help else []
    if command.short_help:
        texts.append(message(command.short_help))
    texts += [message(param.help) for param in command.params if param.help]
    return texts


@pytest.mark.parametrize(
    ("path", "command"), BUILTIN, ids=[" ".join(path) or "styrdok" for path, _ in BUILTIN]
)
def test_every_help_is_swedish_but_its_examples(
    path: tuple[str, ...], command: click.Command
) -> None:
    """Each built-in command's help has every prose paragraph and option help translated
    in the catalog, and none of that English shows in its Swedish --help; the example
    lines are the same in both languages."""
    gettext = translations("sv").gettext
    untranslated = [text for text in _prose(command) if gettext(text) == text]
    assert untranslated == [], f"no Swedish for: {untranslated}"
    swedish = styrdok(*path, "--help")
    assert swedish.exit_code == 0
    flat = _flat(swedish.output)
    shown_in_english = [text for text in _prose(command) if len(text) > 12 and text in flat]
    assert shown_in_english == []
    english = styrdok("--lang", "en", *path, "--help").output
    assert _examples(swedish.output) == _examples(english)


def test_a_usage_error_is_swedish_after_error() -> None:
    """A usage mistake keeps the `Error:` prefix and says the rest in Swedish (English
    with --lang en); exit code 2, one line, nothing on standard output."""
    missing = styrdok("doc", "adopt")
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr == "Error: Argument saknas: 'REF'. (se 'styrdok doc adopt --help')\n"
    unknown = styrdok("doc", "adopt", "POL-1", "--nope")
    assert unknown.stderr.startswith("Error: Flaggan '--nope' finns inte.")
    choice = styrdok("--format", "xml", "doc", "list")
    assert choice.stderr == (
        "Error: Ogiltigt värde för '--format': 'xml' är inte något av 'table', 'json', "
        "'csv', 'csv-excel'. (se 'styrdok --help')\n"
    )
    english = styrdok("--lang", "en", "doc", "adopt")
    assert english.stderr == "Error: Missing argument 'REF'. (see 'styrdok doc adopt --help')\n"


def test_other_click_programs_keep_clicks_english() -> None:
    """Routing click's messages to styrdok's catalog changes nothing for another program
    using click in the same process, even right after a Swedish styrdok command."""

    @click.command()
    @click.argument("name")
    def greet(name: str) -> None:
        """Say hello."""

    assert styrdok("--help").output.startswith("Användning:")
    assert CliRunner().invoke(greet, ["--help"]).output.startswith("Usage: greet [OPTIONS] NAME")
    assert "Missing argument 'NAME'." in CliRunner().invoke(greet, []).output
