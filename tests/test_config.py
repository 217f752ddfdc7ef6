"""styrdok.toml: defaults, overrides, and one clear error for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrdok.config import Config, load_config
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
        ("language = 'de'", "language must be one of sv, en"),
        ("[reminders]\nreview_offsets = [60, -1]", "whole days between 0 and 180"),
        ("[reminders]\nreview_offsets = []", "whole days between 0 and 180"),
        ("[reminders]\nescalate_after_days = 0", "positive whole number"),
        ("[reminders]\nremind_every = 3", "unknown setting reminders.remind_every"),
        ("[reminders\n", "Expected"),
        ("[checks]\nmax_words = 'many'", "checks.max_words must be a positive whole number"),
        ("[checks]\nmin_words = 10", "takes only max_words"),
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
