"""Safe at the edges (issue 21), in the core.

Settings: a wrong styrdok.toml stops a run with one line and exit 1, before anything is
ended, recorded or sent; a channel that cannot start is never dropped. Line breaks: free
text of several lines takes CR LF and CR as LF at every edge (the API here; the intranet's
forms in examples/intranet), while one-line fields still refuse them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import policy
from styrdok.cli import main
from styrdok.config import Config, Int
from styrdok.errors import InvalidValue
from styrdok.hookspecs import hookimpl
from styrdok.notify import Digest, Notifier
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing.demo import REMIND_DAY, build_demo_file, copy_demo, outbox


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_file(tmp_path_factory.mktemp("edges"))


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_template, tmp_path)


def remind(db: Path, settings: str, tmp_path: Path, *args: str) -> Result:
    """`styrdok remind` with these settings, its messages in English (what each setting's
    refusal says is what these tests pin; the Swedish is tests/test_swedish_messages.py's)."""
    config = tmp_path / "styrdok.toml"
    config.write_text(settings, encoding="utf-8")
    return CliRunner().invoke(
        main,
        ["--db", str(db), "--lang", "en", "--config", str(config), "remind", "--today",
         REMIND_DAY, *args],
    )  # fmt: skip


def untouched(db: Path) -> bool:
    """Nothing recorded in the outbox (so nothing was planned or sent)."""
    return outbox(db) == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            '[console]\nenabled = "false"\n',
            "plugin console: {path}: [console] enabled: expected true or false "
            '(without quotes), got "false"',
        ),
        (
            "[console]\nenable = false\n",
            "plugin console: {path}: [console] enable: unknown setting; known: enabled",
        ),
        (
            '[reminders]\nreview_offsets = "30"\n',
            "{path}: [reminders] review_offsets: expected a list of whole days 0–180, "
            'e.g. [60, 30, 7, 0], got "30"',
        ),
        (
            "[reminders]\nescalate_after_days = 10000000\n",
            "{path}: [reminders] escalate_after_days: expected a whole number 1–3650, got 10000000",
        ),
        (
            "[reminders]\nmax_attempts = -1\n",
            "{path}: [reminders] max_attempts: expected a whole number 1–1000, got -1",
        ),
        ("x = " + "[" * 3000 + "]" * 3000, "{path}: arrays or tables nested too deeply"),
    ],
)
def test_a_bad_setting_fails_the_run_before_anything_happens(
    demo_db: Path, tmp_path: Path, settings: str, message: str
) -> None:
    """One `Error:` line naming the key, exit 1, no traceback, nothing ended or recorded."""
    result = remind(demo_db, settings, tmp_path)
    expected = message.format(path=tmp_path / "styrdok.toml")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {expected}\n")
    assert untouched(demo_db)


def test_the_console_switch_as_a_boolean_turns_it_off(demo_db: Path, tmp_path: Path) -> None:
    """`enabled = false` (a real boolean) leaves no channel, which is itself an error."""
    result = remind(demo_db, "[console]\nenabled = false\n", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == "Error: no reminder channel is configured; see docs/plugins.md\n"
    assert untouched(demo_db)


class Chat:
    """A channel plugin that checks its section with a schema, as plugins should."""

    @hookimpl
    def styrdok_register_notifiers(
        self, register: Callable[[Notifier], None], config: Config
    ) -> None:
        section = config.section("chat", schema={"retries": Int(0, 10, default=2)})
        register(Silent(section["retries"]))


class Silent:
    name = "chat"

    def __init__(self, retries: int) -> None:
        self.retries = retries

    def wants(self, recipient: Any) -> bool:
        return True

    def deliver(self, digest: Digest) -> None:
        pass


@pytest.fixture
def chat() -> Iterator[None]:
    plugin = Chat()
    get_plugin_manager().register(plugin, name="chat")
    yield
    get_plugin_manager().unregister(plugin)


@pytest.mark.usefixtures("chat")
def test_a_channel_whose_settings_are_wrong_fails_the_run(demo_db: Path, tmp_path: Path) -> None:
    """Another channel working does not hide it: the run stops, naming plugin and key."""
    result = remind(demo_db, "[chat]\nretries = -1\n", tmp_path)
    path = tmp_path / "styrdok.toml"
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: plugin chat: {path}: [chat] retries: expected a whole number 0–10, got -1\n"
    )
    assert untouched(demo_db)
    fine = remind(demo_db, "[chat]\nretries = 3\n[console]\nenabled = false\n", tmp_path)
    assert fine.exit_code == 0, fine.stderr
    assert not untouched(demo_db)


# --- line breaks in free text --------------------------------------------------------------


def test_the_api_takes_crlf_and_cr_in_multi_line_text_as_lf(seeded: Registry) -> None:
    """A question and an FAQ answer sent with Windows or browser line breaks get LF."""
    question = seeded.ask("POL-1", "Rad ett\r\nRad två\rRad tre\r\n", actor="requester")
    assert question.text == "Rad ett\nRad två\nRad tre"
    seeded.answer(question.id, "Ja.\r\n\r\nMen fråga först.", actor="guardian", promote_to_faq=True)
    assert seeded.get_document("POL-1").faq[-1].answer == "Ja.\n\nMen fråga först."
    assert seeded.questions("POL-1")[-1].text == "Rad ett\nRad två\nRad tre"


def test_one_line_fields_still_refuse_line_breaks() -> None:
    """A title is one line: CR LF in it is refused, not turned into a second line."""
    with pytest.raises(InvalidValue, match=r"title: text contains the control character U\+000D"):
        policy(title="Policy\r\nför IT")
    with pytest.raises(InvalidValue, match=r"title: text contains the control character U\+000A"):
        policy(title="Policy\nför IT")


def test_other_control_characters_in_multi_line_text_are_still_refused(seeded: Registry) -> None:
    """Only CR and CR LF become LF; a vertical tab or a NUL is refused as before."""
    for bad in ("a\x0bb", "a\x00b", "a\r\x0bb"):
        with pytest.raises(InvalidValue, match="text: text contains the control character"):
            seeded.ask("POL-1", bad, actor="requester")
