"""``styrdok-intranet`` speaks Swedish first (issue 18): its help, what it says at start-up
and why it cannot start, in English with ``--lang en`` or a settings file that says so.
Through click's runner; no server is started (a missing register or a bad option stops it
first, and where it gets as far as serving, waitress is replaced)."""

from __future__ import annotations

import errno
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from intranet_support import demo_db, demo_template
from styrdok_intranet.__main__ import main
from styrdok_intranet.api.access import check_cors_origins
from styrdok_intranet.identity import proxy_network
from styrdok_intranet.security import check_frame_ancestors

__all__ = ["demo_db", "demo_template"]  # fixtures used below

SWEDISH_USAGE = (
    "Användning: styrdok-intranet [FLAGGOR]\nSe 'styrdok-intranet --help' för hjälp.\n\n"
)
ENGLISH_USAGE = "Usage: styrdok-intranet [OPTIONS]\nTry 'styrdok-intranet --help' for help.\n\n"


@pytest.fixture(autouse=True)
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No settings file: neither ``$STYRDOK_CONFIG`` nor a ``styrdok.toml`` where it runs."""
    monkeypatch.delenv("STYRDOK_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="styrdok-intranet", env=env)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """waitress replaced: the command gets as far as serving, and returns."""
    import waitress  # type: ignore[import-untyped]

    seen: dict[str, Any] = {}
    monkeypatch.setattr(waitress, "serve", lambda app, **settings: seen.update(settings))
    return seen


# --- help ----------------------------------------------------------------------------------


def test_the_help_is_swedish_by_default() -> None:
    """Usage, description, example headings, options and click's own words in Swedish."""
    result = run("--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Användning: styrdok-intranet [FLAGGOR]\n\n"
        "  Publicera styrdok-registret som intranätsidor, ett JSON-API och ett"
    )
    assert (
        "\n\n  Exempel (Mittköpings demo på http://127.0.0.1:8000):\n"
        "    styrdok-intranet --db mittkoping.db --demo\n"
        "  Bakom inloggningsproxyn på 10.0.0.5, i en ram i intranätportalen, på två kärnor:\n"
    ) in result.output
    for said in (
        "Flaggor:",
        "Registret: en SQLite-fil eller en SQLAlchemy-URL",
        "[standard: 127.0.0.1]",
        "Visa den här hjälpen och avsluta.",
    ):
        assert said in result.output
    for english in ("Usage:", "Options:", "Serve the", "Address to listen on", "default:"):
        assert english not in result.output


def test_the_help_is_english_with_lang_en() -> None:
    """``--lang en``, before or after ``--help``: the help as written in the code."""
    for args in (("--lang", "en", "--help"), ("--help", "--lang=en")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(
            "Usage: styrdok-intranet [OPTIONS]\n\n"
            "  Serve the styrdok register as intranet pages, a JSON API and a calendar"
        )
        assert (
            "\n\n  Example (the Mittköping demo on http://127.0.0.1:8000):\n"
            "    styrdok-intranet --db mittkoping.db --demo\n"
        ) in result.output
        assert "Show this message and exit." in result.output
        assert "Användning" not in result.output


def test_the_settings_file_chooses_english(tmp_path: Path) -> None:
    """``language = "en"`` in the settings file, as for ``styrdok``; ``--lang`` still wins."""
    settings = tmp_path / "settings.toml"
    settings.write_text('language = "en"\n', encoding="utf-8")
    env = {"STYRDOK_CONFIG": str(settings)}
    assert run("--help", env=env).output.startswith("Usage: styrdok-intranet [OPTIONS]")
    assert run("--lang", "sv", "--help", env=env).output.startswith("Användning:")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_examples_in_the_help_run_as_printed(lang: str) -> None:
    """The example command lines are not translated: each parses as printed."""
    output = run("--lang", lang, "--help").output.replace("\\\n", " ")
    examples = [line for line in output.splitlines() if line.startswith("    styrdok-intranet ")]
    assert len(examples) == 2
    for line in examples:
        words = shlex.split(line)
        main.make_context("styrdok-intranet", shlex.split(" ".join(words[1:])))


# --- start-up errors -------------------------------------------------------------------------


def test_a_missing_register_is_one_swedish_line(tmp_path: Path) -> None:
    """The registry's refusal in Swedish, after ``Error:``, exit 1, nothing more."""
    missing = tmp_path / "saknas.db"
    result = run("--db", str(missing))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: inget register på {missing}; kör 'styrdok init' först\n",
    )


def test_a_missing_register_in_english(tmp_path: Path) -> None:
    """The same refusal with ``--lang en``: the core's own words."""
    missing = tmp_path / "missing.db"
    result = run("--db", str(missing), "--lang", "en")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: no registry at {missing}; run 'styrdok init' first\n",
    )


def test_an_unknown_storage_is_swedish(tmp_path: Path) -> None:
    """A URL of a scheme no backend takes: refused in Swedish, exit 1."""
    result = run("--db", "nosuch://register")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ingen lagring för 'nosuch' (installerade: ")


def test_a_bad_trusted_proxy_is_a_swedish_usage_error() -> None:
    """Exit 2, click's usage lines and the reason in Swedish; ``Error:`` for scripts."""
    result = run("--trusted-proxy", "10.0.0.5/8")
    assert (result.exit_code, result.output) == (
        2,
        SWEDISH_USAGE + "Error: Ogiltigt värde för '--trusted-proxy': '10.0.0.5/8' har "
        "värdbitar satta: skriv 10.0.0.5 för just den adressen, eller 10.0.0.0/8 för hela "
        "/8-nätverket\n",
    )


def test_a_bad_trusted_proxy_in_english() -> None:
    """The same usage error with ``--lang en``, as the check says it."""
    result = run("--trusted-proxy", "10.0.0.5/8", "--lang", "en")
    assert (result.exit_code, result.output) == (
        2,
        ENGLISH_USAGE + "Error: Invalid value for '--trusted-proxy': '10.0.0.5/8' has host "
        "bits set: write 10.0.0.5 for that one address, or 10.0.0.0/8 for the whole /8 "
        "network\n",
    )


@pytest.mark.parametrize(
    ("option", "value", "check"),
    [
        ("--trusted-proxy", "intranet-proxy", proxy_network),
        ("--trusted-proxy", "fd00::1/64", proxy_network),
        ("--frame-ancestors", "", check_frame_ancestors),
        ("--frame-ancestors", "https://kommun.se/portal", check_frame_ancestors),
        ("--frame-ancestors", "'none' https://kommun.se", check_frame_ancestors),
        ("--cors-origin", "https://*.kommun.se", lambda value: check_cors_origins([value])),
    ],
)
def test_every_reason_of_the_intranets_checks_is_swedish(
    option: str, value: str, check: Callable[[str], object]
) -> None:
    """Each reason the intranet's checks give in English reaches the reader in Swedish:
    REASONS keeps up with the checks."""
    try:
        check(value)
    except ValueError as exc:
        english = str(exc)
    else:
        pytest.fail(f"{value!r} passed the check")
    result = run(option, value)
    assert result.exit_code == 2
    assert result.output.startswith(SWEDISH_USAGE + f"Error: Ogiltigt värde för '{option}': ")
    assert not result.output.endswith(f"{english}\n")
    assert run(option, value, "--lang", "en").output.endswith(f"'{option}': {english}\n")


def test_an_unknown_language_is_a_usage_error() -> None:
    """``--lang de``: exit 2, said in Swedish (the language it falls back to)."""
    result = run("--lang", "de")
    assert (result.exit_code, result.output) == (
        2,
        SWEDISH_USAGE + "Error: Ogiltigt värde för '--lang': 'de' är inte något av 'sv', 'en'.\n",
    )


# --- start-up messages ----------------------------------------------------------------------


def test_start_up_is_told_in_swedish(demo_db: Path, served: dict[str, Any]) -> None:
    """Whom it believes and where it serves, in Swedish."""
    result = run("--db", str(demo_db), "--trusted-proxy", "10.0.0.5", "--port", "8123")
    assert (result.exit_code, result.output) == (
        0,
        "Litar på X-Remote-User bara från 10.0.0.5.\n"
        f"Publicerar {demo_db} på http://127.0.0.1:8123/ (Ctrl+C stoppar)\n",
    )
    assert served["port"] == 8123


def test_start_up_is_told_in_english_with_lang_en(demo_db: Path, served: dict[str, Any]) -> None:
    """The same in English with ``--lang en``."""
    result = run("--db", str(demo_db), "--lang", "en")
    assert (result.exit_code, result.output) == (
        0,
        "No --trusted-proxy: nobody is logged in; everyone may read, no one may ask or "
        "answer. Give the login proxy's address to believe its X-Remote-User header.\n"
        f"Serving {demo_db} on http://127.0.0.1:8000/ (Ctrl+C stops)\n",
    )


def test_the_demo_warning_is_swedish(tmp_path: Path, served: dict[str, Any]) -> None:
    """``--demo`` builds the register and warns, in Swedish, that anyone here is believed."""
    db = tmp_path / "mittkoping.db"
    result = run("--db", str(db), "--demo")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"Byggde Mittköpings demoregister i {db}.",
        "Demo: litar på X-Remote-User från den här datorn (127.0.0.1, ::1), så vilket program "
        "som helst här kan utge sig för att vara vem som helst. Använd aldrig --demo i "
        "produktion.",
    ]


def test_an_address_in_use_is_one_swedish_line(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port another program holds: exit 1, the system's reason in Swedish."""
    import waitress

    def taken(app: object, **settings: object) -> None:
        raise OSError(errno.EADDRINUSE, "Address already in use")

    monkeypatch.setattr(waitress, "serve", taken)
    result = run("--db", str(demo_db), "--trusted-proxy", "10.0.0.5", "--port", "8123")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: kan inte lyssna på 127.0.0.1:8123: Adressen används redan"
    )


def test_a_missing_statement_file_is_named_wholly_in_each_language(tmp_path: Path) -> None:
    """click names the kind of path when the option is declared; it is named again in the
    reader's language: ``Filen '…' finns inte``, not ``File '…' finns inte``."""
    missing = str(tmp_path / "saknas.md")
    swedish = run("--db", str(tmp_path / "x.db"), "--statement", missing)
    assert swedish.exit_code == 2
    assert f"Filen '{missing}' finns inte." in swedish.output
    english = run("--lang", "en", "--db", str(tmp_path / "x.db"), "--statement", missing)
    assert f"File '{missing}' does not exist." in english.output
