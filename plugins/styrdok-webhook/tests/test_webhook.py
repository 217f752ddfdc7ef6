"""The chat channel against a real HTTP server on loopback."""

from __future__ import annotations

import datetime as dt
import html
import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import pytest
import styrdok_webhook
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from styrdok_webhook import (
    WebhookError,
    WebhookNotifier,
    WebhookSettings,
    escape_markdown,
    escape_slack,
    styrdok_register_notifiers,
)

from styrdok.config import Config
from styrdok.errors import InvalidValue
from styrdok.model import Person
from styrdok.notify import Digest, DigestItem, NoticeKind
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing.demo import build_demo_file, copy_demo, outbox, remind_with

sys._styrdok_testing = True  # type: ignore[attr-defined]

DIGEST = Digest(
    recipient=Person("anna.lind", "Anna Lind", email="anna@mittkoping.example", unit="IT"),
    run_on=dt.date(2026, 11, 20),
    language="sv",
    items=(DigestItem(NoticeKind.OVERDUE, "RIKT-IS-01", "Riktlinjer", dt.date(2026, 11, 1), -19),),
)


class Hook:
    """A webhook endpoint: answers with the queued statuses, records what it receives.

    ``silent`` makes it hold every request without answering until :meth:`answer_again`:
    a client's timeout then fires whatever the machine's load, which a fixed delay longer
    than the timeout did not promise (a busy machine could also slow a healthy answer
    past a short timeout)."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[dict[str, Any]] = []
        self.content_types: list[str] = []
        self._speak = threading.Event()
        self._speak.set()

    def go_silent(self) -> None:
        self._speak.clear()

    def answer_again(self) -> None:
        self._speak.set()

    def wait_until_allowed(self) -> None:
        self._speak.wait(timeout=30)


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(json.loads(body))
            state.content_types.append(self.headers["Content-Type"])
            state.wait_until_allowed()
            status = state.statuses.pop(0) if state.statuses else 200
            try:
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"nope")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test): nothing to answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hooks/abc"
    state.answer_again()  # release any held request so the server can stop
    server.shutdown()
    server.server_close()


def notifier(url: str, **changes: Any) -> WebhookNotifier:
    fields: dict[str, Any] = {"url": url, "timeout": 1.0, "retries": 2, "backoff": 0.01}
    fields.update(changes)
    return WebhookNotifier(WebhookSettings(**fields))


def test_a_digest_is_posted_as_chat_text(hook: tuple[Hook, str]) -> None:
    """Teams, Slack and Mattermost all take {"text": …}, in the recipient's language."""
    state, url = hook
    notifier(url).deliver(DIGEST)
    assert state.content_types == ["application/json"]
    assert state.received == [
        {
            "text": (
                "**styrdok: 1 ärende behöver din uppmärksamhet** (Anna Lind)\n\n"
                "- Aktualitetsprövningen av RIKT-IS-01 Riktlinjer skulle vara klar "
                "1 november 2026: 19 dagar försenad."
            )
        }
    ]


def test_the_json_format_carries_the_structured_digest(hook: tuple[Hook, str]) -> None:
    """For systems that want data, not prose."""
    state, url = hook
    notifier(url, format="json").deliver(DIGEST)
    body = state.received[0]
    assert body["recipient"]["ref"] == "anna.lind"
    assert body["items"] == [
        {
            "kind": "overdue",
            "ref": "RIKT-IS-01",
            "title": "Riktlinjer",
            "due_on": "2026-11-01",
            "days_left": -19,
            "summarised": False,
            "confirm_link": None,
        }
    ]
    assert body["summary"] is None


def test_a_confirmation_link_is_data_for_the_json_format_and_never_chat_text(
    hook: tuple[Hook, str],
) -> None:
    """A chat channel's members would all see one person's credential: the text never
    carries the link; the JSON format's item does, for a system that forwards it to the
    person alone."""
    state, url = hook
    confirm = "https://intranat.mittkoping.se/styrdok/bekrafta/MSBhbm5hLmxpbmQ.c2lnbmF0dXJl"
    read = DigestItem(
        NoticeKind.READ, "POL-IS-01", "Policy", dt.date(2026, 11, 6), -14, confirm_link=confirm
    )
    digest = attrs.evolve(DIGEST, items=(read,))
    notifier(url).deliver(digest)
    notifier(url, format="json").deliver(digest)
    text, data = state.received
    assert "bekrafta" not in text["text"] and "bekrafta" not in data["text"]
    assert [i["confirm_link"] for i in data["items"]] == [confirm]


LATE = Digest(
    recipient=DIGEST.recipient,
    run_on=dt.date(2026, 11, 20),
    language="en",
    items=(
        DigestItem(NoticeKind.OVERDUE, "RIKT-IS-01", "Riktlinjer", dt.date(2026, 11, 1), -19),
        DigestItem(NoticeKind.OVERDUE, "POL-1", "Policy", dt.date(2026, 6, 1), -172),
        DigestItem(NoticeKind.OVERDUE, "POL-2", "Plan", dt.date(2026, 8, 1), -111),
    ),
    summary_after_days=60,
    summary_link="https://intranat.mittkoping.se/styrdok/aktuellt",
)


def test_long_overdue_reviews_are_one_line_of_chat_text(hook: tuple[Hook, str]) -> None:
    """Reviews more than 60 days overdue read as one summary line after the others, the
    most overdue first, with the link to the intranet's list."""
    state, url = hook
    notifier(url).deliver(LATE)
    assert state.received[0]["text"].splitlines()[2:] == [
        "- The review of RIKT-IS-01 Riktlinjer was due on 1 November 2026: 19 days overdue.",
        "- 2 documents are more than 60 days overdue for their review: POL-1 Policy "
        "\\(172 days\\); POL-2 Plan \\(111 days\\). "
        "https://intranat.mittkoping.se/styrdok/aktuellt",
    ]


def test_the_json_format_keeps_every_item_and_marks_those_summed_up(
    hook: tuple[Hook, str],
) -> None:
    """Systems reading the data still get one item per notice, with a marker."""
    state, url = hook
    notifier(url, format="json").deliver(LATE)
    body = state.received[0]
    assert [(i["ref"], i["summarised"]) for i in body["items"]] == [
        ("RIKT-IS-01", False),
        ("POL-1", True),
        ("POL-2", True),
    ]
    assert body["summary"].startswith("2 documents are more than 60 days overdue")


def test_a_server_error_is_retried(hook: tuple[Hook, str]) -> None:
    """500 then 200: delivered on the second attempt."""
    state, url = hook
    state.statuses = [500]
    notifier(url).deliver(DIGEST)
    assert len(state.received) == 2


def test_a_webhook_that_keeps_failing_raises_after_the_retries(hook: tuple[Hook, str]) -> None:
    """Three attempts, then an error for the engine to record; the notices stay pending."""
    state, url = hook
    state.statuses = [503, 503, 503]
    with pytest.raises(WebhookError, match="gave up after 3 attempts; last: HTTP 503"):
        notifier(url).deliver(DIGEST)
    assert len(state.received) == 3


def test_a_wrong_url_is_not_retried(hook: tuple[Hook, str]) -> None:
    """404 will not get better by asking again."""
    state, url = hook
    state.statuses = [404]
    with pytest.raises(WebhookError, match="HTTP 404"):
        notifier(url).deliver(DIGEST)
    assert len(state.received) == 1


def test_a_slow_webhook_times_out(hook: tuple[Hook, str]) -> None:
    """No answer within the timeout counts as a failure, retried, then given up."""
    state, url = hook
    state.go_silent()
    started = time.monotonic()
    with pytest.raises(WebhookError, match=r"no answer within 0\.2 s"):
        notifier(url, timeout=0.2, retries=1).deliver(DIGEST)
    assert time.monotonic() - started < 10


def test_units_limit_who_this_channel_reaches() -> None:
    """A team channel can be limited to its own unit."""
    only_it = notifier("http://127.0.0.1/x", units=("IT",))
    assert only_it.wants(DIGEST.recipient)
    assert not only_it.wants(Person("per", "Per", unit="Skola"))


def test_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The URL may come from the environment; the plugin registers whenever [webhook]
    exists, and every mistake is one clear error naming the key."""
    found: list[Any] = []
    styrdok_register_notifiers(found.append, Config())
    assert found == []
    monkeypatch.setenv("HOOK_URL", "https://chat.example/hook")
    styrdok_register_notifiers(found.append, Config(sections={"webhook": {"url_env": "HOOK_URL"}}))
    assert [n.name for n in found] == ["webhook"]
    settings = found[0].settings
    assert (settings.url, settings.format, settings.timeout, settings.retries) == (
        "https://chat.example/hook",
        "text",
        10.0,
        2,
    )
    with pytest.raises(InvalidValue, match=r"^configuration: \[webhook\] url: missing"):
        styrdok_register_notifiers(found.append, Config(sections={"webhook": {}}))
    assert len(found) == 1
    with pytest.raises(InvalidValue, match=r"\[webhook\] url: expected an http\(s\) address"):
        WebhookSettings.from_section({"url": "ftp://x"})
    with pytest.raises(InvalidValue, match=r"\[webhook\] format: expected one of"):
        WebhookSettings.from_section({"url": "https://x", "format": "xml"})
    monkeypatch.setenv("HOOK_URL", "chat.example/hook")
    with pytest.raises(
        InvalidValue,
        match=r"\[webhook\] url_env: the variable HOOK_URL does not hold an http\(s\) address$",
    ):
        WebhookSettings.from_section({"url_env": "HOOK_URL"})


@pytest.mark.parametrize(
    "url",
    [
        "https://chat.example/hook with space",
        "https://chat.example:99999/hook",
        "https:///hook",
        "http://[::1/hook",
        "mailto:chat@example",
    ],
)
def test_an_address_a_post_could_not_reach_is_refused_at_once(url: str) -> None:
    """Not at the first delivery (which would leave every notice pending, run after run),
    and without showing the address: webhook URLs are secrets."""
    with pytest.raises(InvalidValue) as error:
        WebhookSettings.from_section({"url": url})
    assert url not in str(error.value)


def test_through_the_engine_failures_stay_pending_and_the_next_run_sends_them_once(
    hook: tuple[Hook, str], tmp_path: Any
) -> None:
    """A chat server answering 500 (then timing out) during a reminder run: every notice
    stays pending with the error; when it answers again, the next run posts each digest
    once and a third run posts nothing."""
    from styrdok.demo import build_demo

    state, url = hook
    today = dt.date(2026, 11, 23)
    impatient = notifier(url, timeout=0.2, retries=0)
    # Once the server answers, a generous timeout: only the silent phase may time out.
    patient = notifier(url, timeout=30, retries=0)
    with Registry.open(tmp_path / "demo.db", create=True) as registry:
        build_demo(registry, today=today)
        state.statuses = [500] * 1000
        broken = registry.remind(config=Config(), notifiers={"chat": impatient}, today=today)
        state.statuses = []
        state.go_silent()
        before_slow = len(state.received)
        slow = registry.remind(config=Config(), notifiers={"chat": impatient}, today=today)
        # Each timed-out post reached the server (or will, on a busy machine): count them
        # all before counting what the next run sends.
        deadline = time.monotonic() + 30
        while len(state.received) < before_slow + len(slow.failures):
            assert time.monotonic() < deadline, "a timed-out post never reached the server"
            time.sleep(0.01)
        with registry.store.transaction(write=False):
            pending = [r for r in registry.store.notices() if r.state == "pending"]
        state.answer_again()
        received_before = len(state.received)
        healthy = registry.remind(config=Config(), notifiers={"chat": patient}, today=today)
        quiet = registry.remind(config=Config(), notifiers={"chat": patient}, today=today)
    people = {person for _, person, _ in broken.failures}
    assert people and broken.digests == ()
    assert {person for _, person, _ in slow.failures} == people
    assert pending and all("no answer within 0.2 s" in r.last_error for r in pending)
    assert {d.recipient.ref for _, d in healthy.digests} == people
    assert len(state.received) - received_before == len(people)
    assert quiet.digests == () and quiet.failures == ()


HOSTILE = (
    "<!channel> @channel @here @everyone @all <@U123> [x](https://evil) "
    "**b** `c` ~d~ _e_ a|b &amp; \\"
)
"""User text that a chat would act on if it were posted verbatim."""
HOSTILE_DIGEST = attrs.evolve(
    DIGEST,
    recipient=Person("karin", f"Karin {HOSTILE}", unit="IT"),
    items=(
        DigestItem(
            NoticeKind.OVERDUE, "RIKT-IS-01", f"Riktlinjer {HOSTILE}", dt.date(2026, 11, 1), -19
        ),
    ),
)
SHOWN = HOSTILE.replace("@", "@\u200b")
"""What a reader sees instead: the same characters, each @ followed by a zero-width space."""


def test_markdown_chats_show_user_text_and_act_on_none_of_it(hook: tuple[Hook, str]) -> None:
    """Mattermost and Teams (Markdown): names and titles full of mentions, links and
    emphasis are posted so that a real CommonMark renderer makes no link, emphasis, code or
    HTML of them, and shows every character; no mention survives."""
    state, url = hook
    notifier(url, markup="markdown").deliver(HOSTILE_DIGEST)
    text = state.received[0]["text"]
    rendered = MarkdownIt("commonmark").render(text)
    head = "styrdok: 1 ärende behöver din uppmärksamhet"
    line = (
        "Aktualitetsprövningen av RIKT-IS-01 Riktlinjer {} skulle vara klar 1 november 2026: "
        "19 dagar försenad."
    )
    assert rendered == (
        f"<p><strong>{head}</strong> ({html.escape(f'Karin {SHOWN}', quote=False)})</p>\n"
        f"<ul>\n<li>{html.escape(line.format(SHOWN), quote=False)}</li>\n</ul>\n"
    )
    for mention in ("<!channel>", "<@U123>", "@channel", "@here", "@everyone", "@all"):
        assert mention not in text


def test_slack_shows_user_text_and_acts_on_none_of_it(hook: tuple[Hook, str]) -> None:
    """Slack (mrkdwn), chosen with chat = "slack": &, < and > as Slack's entities, so
    <!channel>, <@U123> and <url|label> cannot ping or link; no @mention survives."""
    state, url = hook
    settings = WebhookSettings.from_section({"url": url, "chat": "slack", "retries": 0})
    WebhookNotifier(settings).deliver(HOSTILE_DIGEST)
    shown = SHOWN.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert state.received == [
        {
            "text": (
                f"*styrdok: 1 ärende behöver din uppmärksamhet* (Karin {shown})\n\n"
                f"- Aktualitetsprövningen av RIKT-IS-01 Riktlinjer {shown} skulle vara klar "
                "1 november 2026: 19 dagar försenad."
            )
        }
    ]


def test_the_chat_decides_the_escaping() -> None:
    """chat = slack, mattermost or teams; unset, Slack's own webhook host means Slack and
    anything else Markdown (whose escaping is safe in Slack too). A typo is an error."""

    def markup(section: dict[str, Any]) -> str:
        return WebhookSettings.from_section(section).markup

    assert markup({"url": "https://hooks.slack.com/services/T/B/x"}) == "slack"
    assert markup({"url": "https://chat.kommun.se/hooks/x"}) == "markdown"
    assert markup({"url": "https://x.webhook.office.com/webhookb2/x", "chat": "teams"}) == (
        "markdown"
    )
    assert markup({"url": "https://chat.kommun.se/hooks/x", "chat": "mattermost"}) == "markdown"
    assert markup({"url": "https://proxy.kommun.se/slack", "chat": "slack"}) == "slack"
    with pytest.raises(InvalidValue, match=r"\[webhook\] chat: expected one of"):
        markup({"url": "https://x", "chat": "discord"})
    with pytest.raises(ValueError, match="markup"):
        WebhookSettings(url="https://x", markup="html")


_SPECIAL = "<>&@!*_`~[]()|#\\:/ .-"
_ANY_LINE = st.text(
    alphabet=st.one_of(
        st.sampled_from(_SPECIAL),
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    ),
    max_size=60,
)


@given(_ANY_LINE)
def test_markdown_escaping_renders_as_the_text_itself(text: str) -> None:
    """For any one line, CommonMark renders the escaped text as plain text (no element)
    that reads exactly as written, each @ defused."""
    rendered = MarkdownIt("commonmark").renderInline(escape_markdown(text))
    assert "<" not in rendered  # no element of any kind: link, emphasis, code, HTML
    assert html.unescape(rendered) == text.replace("@", "@\u200b")


@given(_ANY_LINE)
def test_slack_escaping_leaves_no_control_character(text: str) -> None:
    """For any text, Slack sees no < or >, & only in the three entities Slack decodes,
    and no @ directly before a name; decoding gives back the text."""
    escaped = escape_slack(text)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.count("&") == sum(escaped.count(e) for e in ("&amp;", "&lt;", "&gt;"))
    assert escaped.count("@") == escaped.count("@\u200b")
    decoded = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert decoded == text.replace("@", "@\u200b")


# --- through `styrdok remind`: a wrong [webhook] stops the run -----------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_file(tmp_path_factory.mktemp("webhook-cli"))


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_template, tmp_path)


@pytest.fixture
def webhook_plugin() -> Iterator[None]:
    """The plugin registered as its entry point would (tests load no entry points)."""
    manager = get_plugin_manager()
    manager.register(styrdok_webhook, name="webhook")
    yield
    manager.unregister(styrdok_webhook)


def remind(db: Path, settings: str, tmp_path: Path, *args: str) -> Result:
    return remind_with(db, settings, tmp_path, *args)


@pytest.mark.usefixtures("webhook_plugin")
def test_good_settings_post_through_styrdok_remind(
    demo_db: Path, tmp_path: Path, hook: tuple[Hook, str]
) -> None:
    """The control for the cases below: the same settings, right, post every digest."""
    state, url = hook
    settings = f'[webhook]\nurl = "{url}"\nretries = 0\n[console]\nenabled = false\n'
    result = remind(demo_db, settings, tmp_path)
    assert result.exit_code == 0, result.stderr
    rows = outbox(demo_db)
    assert rows and {r.channel for r in rows} == {"webhook"} and {r.state for r in rows} == {"sent"}
    assert len(state.received) == len({r.recipient for r in rows})


@pytest.mark.usefixtures("webhook_plugin")
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            '[webhook]\nurl = "{url}"\nretries = -1\n',
            "[webhook] retries: expected a whole number 0–10, got -1",
        ),
        (
            '[webhook]\nurl = "{url}"\nretries = "2"\n',
            '[webhook] retries: expected a whole number 0–10, got "2"',
        ),
        (
            '[webhook]\nurl = "{url}"\nunits = "IT"\n',
            '[webhook] units: expected a list of texts, e.g. ["a", "b"] (at most 1000), got "IT"',
        ),
        (
            '[webhook]\nurl = "{url}"\ntimeout = 0\n',
            "[webhook] timeout: expected a number 0.1–300, got 0",
        ),
        (
            '[webhook]\nurl = "{url}"\nchat = "discord"\n',
            '[webhook] chat: expected one of "teams", "mattermost", "slack", got "discord"',
        ),
        (
            '[webhook]\nuri = "{url}"\n',
            "[webhook] uri: unknown setting; known: backoff, chat, format, retries, timeout, "
            "units, url, url_env",
        ),
        (
            "[webhook]\n",
            "[webhook] url: missing; give url, or url_env naming the variable that holds it",
        ),
        (
            '[webhook]\nurl = "{url}"\nurl_env = "STYRDOK_TEST_HOOK"\n',
            "[webhook] url: give url or url_env, not both",
        ),
        (
            '[webhook]\nurl = "ftp://127.0.0.1/hooks/abc"\n',
            "[webhook] url: expected an http(s) address, e.g. https://chat.kommun.example/hooks/…",
        ),
        (
            '[webhook]\nurl_env = "STYRDOK_TEST_NO_SUCH_HOOK"\n',
            "[webhook] url_env: the variable STYRDOK_TEST_NO_SUCH_HOOK is not set (or is empty)",
        ),
    ],
)
def test_a_wrong_webhook_setting_fails_the_run_and_nothing_is_recorded(
    demo_db: Path,
    tmp_path: Path,
    hook: tuple[Hook, str],
    monkeypatch: pytest.MonkeyPatch,
    settings: str,
    message: str,
) -> None:
    """A chat server is up and the console channel works, yet a mistake in [webhook] is
    one `Error:` line naming the key, exit 1, before anything is recorded or posted: the
    chat channel is never silently left out."""
    state, url = hook
    monkeypatch.setenv("STYRDOK_TEST_HOOK", url)
    monkeypatch.delenv("STYRDOK_TEST_NO_SUCH_HOOK", raising=False)
    # In English (the settings file's language), as the messages below are written.
    result = remind(demo_db, 'language = "en"\n' + settings.format(url=url), tmp_path)
    path = tmp_path / "styrdok.toml"
    expected = f"Error: plugin webhook: {path}: {message}\n"
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected)
    assert outbox(demo_db) == []
    assert state.received == []
