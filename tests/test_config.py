"""styrdok.toml: defaults, overrides, and one clear error for each mistake."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from styrdok.config import Bool, Config, Float, Int, ReminderSettings, Str, StrList, load_config
from styrdok.errors import InvalidValue


def test_without_a_file_the_design_defaults_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """60/30/7/0 before a review, 30/7/1 before a dispensation ends, weekly, 30 days."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STYRDOK_CONFIG", raising=False)
    config = load_config()
    assert config == Config()
    assert config.reminders.review_offsets == (60, 30, 7, 0)
    assert config.reminders.dispensation_offsets == (30, 7, 1)
    assert (config.reminders.overdue_every_days, config.reminders.escalate_after_days) == (7, 30)
    assert config.language == "sv"


def test_a_file_overrides_and_keeps_plugin_sections(tmp_path: Path) -> None:
    """Offsets are sorted and de-duplicated; a plugin's table is handed to it as is."""
    path = tmp_path / "styrdok.toml"
    path.write_text(
        'language = "en"\n[reminders]\nreview_offsets = [0, 90, 30, 30]\n'
        '[checks]\nmax_words = 1200\n[smtp]\nhost = "smtp.example"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.language == "en"
    assert config.reminders.review_offsets == (90, 30, 0)
    assert config.max_words == 1200
    assert Config().max_words == 2500
    assert config.section("smtp") == {"host": "smtp.example"}
    assert config.section("webhook") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("language = 'de'", 'language: expected one of "sv", "en", got "de"'),
        ("[reminders]\nreview_offsets = [60, -1]", "whole days 0–180"),
        ("[reminders]\nreview_offsets = []", "whole days 0–180"),
        ("[reminders]\nescalate_after_days = 0", "expected a whole number 1–3650, got 0"),
        ("[reminders]\nremind_every = 3", r"\[reminders\] remind_every: unknown setting"),
        ("[reminders\n", "Expected"),
        ("[checks]\nmax_words = 'many'", r'\[checks\] max_words: expected .*, got "many"'),
        ("[checks]\nmin_words = 10", "min_words: unknown setting; known: max_words"),
    ],
)
def test_mistakes_are_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    """A bad settings file stops with the file's name and what is wrong."""
    path = tmp_path / "styrdok.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidValue, match=message):
        load_config(path)


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    """--config with a wrong path is an error, not silently the defaults."""
    with pytest.raises(InvalidValue, match="does not exist"):
        load_config(tmp_path / "nope.toml")


# --- the whole file is checked at load time (issue 21) ------------------------------------


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "styrdok.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[reminders]\nreview_offsets = "30"',
            "[reminders] review_offsets: expected a list of whole days 0–180, "
            'e.g. [60, 30, 7, 0], got "30"',
        ),
        (
            "[reminders]\nreview_offsets = [30, true]",
            "[reminders] review_offsets: expected a list of whole days 0–180, "
            "e.g. [60, 30, 7, 0], got [30, true]",
        ),
        (
            "[reminders]\nmax_attempts = -3",
            "[reminders] max_attempts: expected a whole number 1–1000, got -3",
        ),
        (
            "[reminders]\noverdue_every_days = 10000000",
            "[reminders] overdue_every_days: expected a whole number 1–365, got 10000000",
        ),
        (
            "[reminders]\nescalate_after_days = 10000000",
            "[reminders] escalate_after_days: expected a whole number 1–3650, got 10000000",
        ),
        (
            '[reminders]\nmax_attempts = "20"',
            '[reminders] max_attempts: expected a whole number 1–1000, got "20"',
        ),
        ("[checks]\nmax_words = 2.5", "[checks] max_words: expected a whole number"),
        ("language = true", 'language: expected one of "sv", "en", got true'),
        (
            "lang = 'en'",
            "lang: unknown setting; the top level takes only language, everything else "
            'is a table such as [lang]; got "en"',
        ),
        ('smtp = "smtp.example"', "smtp: unknown setting; the top level takes only language"),
        ("reminders = 7", "table such as [reminders]; got 7"),
        (
            '[webhook]\nunits = [[[[["x"]]]]]',
            "[webhook] units: lists or tables nested more than 4 deep",
        ),
        ("x = " + "[" * 5000 + "]" * 5000, "arrays or tables nested too deeply"),
        ("x = " + "{a = " * 5000 + "1" + "}" * 5000, "arrays or tables nested too deeply"),
    ],
)
def test_every_mistake_names_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    """Wrong types, absurd values, unknown keys and deep nesting: one error, no traceback."""
    with pytest.raises(InvalidValue) as caught:
        _load(tmp_path, text)
    assert str(caught.value).startswith(f"{tmp_path / 'styrdok.toml'}: ")
    assert message in str(caught.value)


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    """A settings file of megabytes is a mistake (a log, a dump), refused before parsing."""
    with pytest.raises(InvalidValue, match="larger than 1,000,000 bytes"):
        _load(tmp_path, "# " + "x" * 1_000_000)


def test_the_limits_themselves_are_accepted(tmp_path: Path) -> None:
    """The bounds are inclusive: 0 and 180 days, one attempt, ten years to escalate."""
    config = _load(
        tmp_path,
        "[reminders]\nreview_offsets = [180, 0]\ndispensation_offsets = [0]\n"
        "overdue_every_days = 365\nescalate_after_days = 3650\nmax_attempts = 1\n",
    )
    assert config.reminders.review_offsets == (180, 0)
    assert (config.reminders.escalate_after_days, config.reminders.max_attempts) == (3650, 1)


def test_settings_built_in_code_obey_the_same_rules() -> None:
    """A Config made by a program (not read from a file) cannot hold an absurd value either."""
    with pytest.raises(InvalidValue, match=r"\[reminders\] overdue_every_days: .*got 0"):
        ReminderSettings(overdue_every_days=0)
    with pytest.raises(InvalidValue, match="language: expected one of"):
        Config(language="de")


def test_a_plugin_checks_its_section_with_a_schema() -> None:
    """Unknown keys, missing required keys, types and ranges; defaults filled in."""
    schema = {
        "host": Str(required=True),
        "port": Int(1, 65535, default=587),
        "ssl": Bool(default=False),
        "timeout": Float(0.1, 600, default=30.0),
        "units": StrList(),
        "format": Str(choices=("text", "json"), default="text"),
    }
    good = Config(sections={"smtp": {"host": "smtp.example", "units": ["IT"], "timeout": 5}})
    section = good.section("smtp", schema=schema)
    assert section == {
        "host": "smtp.example",
        "port": 587,
        "ssl": False,
        "timeout": 5.0,
        "units": ("IT",),
        "format": "text",
    }
    wrong = {
        "port": ('"25"', '[smtp] port: expected a whole number 1–65535, got "25"'),
        "ssl": ('"false"', '[smtp] ssl: expected true or false (without quotes), got "false"'),
        "timeout": ("nan", "[smtp] timeout: expected a number 0.1–600, got nan"),
        "units": ('"IT"', '[smtp] units: expected a list of texts, e.g. ["a", "b"]'),
        "format": ('"xml"', '[smtp] format: expected one of "text", "json", got "xml"'),
        "host": ('"a\\nb"', "[smtp] host: expected text on one line"),
        "hots": ('"x"', "[smtp] hots: unknown setting; known: format, host, port, ssl"),
    }
    for key, (toml_value, message) in wrong.items():
        values = {"host": "smtp.example", **tomllib.loads(f"{key} = {toml_value}")}
        with pytest.raises(InvalidValue) as caught:
            Config(sections={"smtp": values}).section("smtp", schema=schema)
        assert str(caught.value).startswith(f"configuration: {message}"), str(caught.value)
    with pytest.raises(
        InvalidValue, match=r"^configuration: \[smtp\] host: missing; expected text on one line"
    ):
        Config(sections={"smtp": {"port": 25}}).section("smtp", schema=schema)


def test_typed_accessors_check_one_value_at_a_time(tmp_path: Path) -> None:
    """get_int / get_bool / get_str / get_list_of_str: the value, the default, or an error."""
    config = _load(
        tmp_path,
        '[chat]\nretries = -1\nenabled = "false"\nname = "x"\nunits = "IT"\nok = 3\n',
    )
    section = config.section("chat")
    assert section.get_int("ok", 2, min=0, max=10) == 3
    assert section.get_int("absent", 2, min=0, max=10) == 2
    assert section.get_str("name") == "x"
    assert section.get_str("absent") is None
    assert section.get_list_of_str("absent", ["a"]) == ("a",)
    where = f"{tmp_path / 'styrdok.toml'}: [chat]"
    with pytest.raises(InvalidValue, match=re.escape(f"{where} retries: expected a whole")):
        section.get_int("retries", 2, min=0, max=10)
    with pytest.raises(InvalidValue, match=re.escape(f"{where} enabled: expected true or false")):
        section.get_bool("enabled", True)
    with pytest.raises(InvalidValue, match=re.escape(f"{where} units: expected a list of texts")):
        section.get_list_of_str("units")
    with pytest.raises(InvalidValue, match=re.escape(f"{where} url: missing; expected text")):
        section.require_str("url")
