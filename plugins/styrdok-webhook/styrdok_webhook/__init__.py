"""Chat reminders for styrdok through incoming webhooks (Teams, Slack, Mattermost)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

from styrdok.config import Config, Float, Int, Schema, Section, Str, StrList
from styrdok.errors import InvalidValue
from styrdok.hookspecs import hookimpl
from styrdok.model import Person
from styrdok.notify import Digest, Notifier, item_line, subject, summary_line
from styrdok.weblinks import is_web_url  # the register's own rule for a web address

__version__ = "0.1.0"

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})

# A zero-width space after every "@" keeps the text readable but stops the chat from
# seeing a mention: Mattermost's and Slack's mention syntax is "@" followed directly by a
# name (the technique discord.py's ``escape_mentions`` uses for @everyone). Every "@", not
# only the ones at a word's start: chats disagree on what may come before a mention.
_MENTION = "@"
_DEFUSED = "@\u200b"
# CommonMark's backslash escapes for every inline construct: emphasis, code, strike-through,
# links and images, tables, and the hashtags Mattermost makes clickable.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]()|#!])")


def _entities(text: str) -> str:
    # Slack's documented escaping: only these three, and & first.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_slack(text: str) -> str:
    """``text`` for Slack's mrkdwn, shown as written and never acted on.

    ``&``, ``<`` and ``>`` become ``&amp;``, ``&lt;``, ``&gt;`` as Slack's formatting
    reference asks, so ``<!channel>``, ``<@U123>`` and ``<https://…|label>`` are plain text;
    ``@channel``, ``@here``, ``@everyone`` and ``@name`` get a zero-width space after the
    ``@`` so they notify nobody. (mrkdwn has no escape for ``*`` or ``_``: they can at most
    make a word bold, never link or notify.)
    """
    return _entities(text).replace(_MENTION, _DEFUSED)


def escape_markdown(text: str) -> str:
    """``text`` for Markdown chats (Mattermost, Teams), shown as written and never acted on.

    Every inline Markdown character is backslash-escaped (so ``[x](https://evil)`` is no
    link and ``**`` no emphasis); ``&``, ``<``, ``>`` become entities (no HTML, no
    autolink, and safe should the text reach Slack); mentions are broken as in
    :func:`escape_slack`.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _entities(text)).replace(_MENTION, _DEFUSED)


ESCAPES: dict[str, Callable[[str], str]] = {"slack": escape_slack, "markdown": escape_markdown}
"""The escaping function for each chat markup: every piece of user text goes through it."""

CHATS = {"slack": "slack", "mattermost": "markdown", "teams": "markdown"}
"""The ``chat`` setting: which markup each chat reads."""


def markup_for(url: str) -> str:
    """The markup when ``chat`` is not set: Slack's for Slack's webhook host, else Markdown
    (whose escaping is also safe, if less tidy, in Slack)."""
    return "slack" if urlsplit(url).hostname == "hooks.slack.com" else "markdown"


SCHEMA: Schema = {
    "url": Str(),
    "url_env": Str(),
    "format": Str(choices=("text", "json"), default="text"),
    "chat": Str(choices=("teams", "mattermost", "slack")),
    "units": StrList(),
    "timeout": Float(0.1, 300, default=10.0),
    "retries": Int(0, 10, default=2),
    "backoff": Float(0, 60, default=1.0),
}
"""``[webhook]``, checked whole when the plugin registers; exactly one of ``url`` and
``url_env`` must be given."""


class WebhookError(Exception):
    """The webhook did not accept the digest."""


@attrs.frozen
class WebhookSettings:
    url: str = attrs.field(repr=False)
    format: str = "text"
    markup: str = attrs.field(
        default=attrs.Factory(lambda self: markup_for(self.url), takes_self=True),
        validator=attrs.validators.in_(ESCAPES),
    )
    """How the chat reads ``text``: ``slack`` (mrkdwn) or ``markdown`` (Mattermost, Teams)."""
    units: tuple[str, ...] = ()
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> WebhookSettings:
        """Settings from ``[webhook]``, checked whole against :data:`SCHEMA` (checking is
        idempotent, so a section already checked may be passed); anything that would keep
        the channel from starting is one :class:`InvalidValue` naming ``[webhook] key``.
        The address itself is never shown in a message: it is a secret."""
        if not isinstance(section, Section):
            section = Section("webhook", section, source="configuration")
        values = section.validated(SCHEMA)
        if "url" in values and "url_env" in values:
            raise InvalidValue(f"{values.where('url')}: give url or url_env, not both")
        if "url_env" in values:
            variable = values["url_env"]
            url = os.environ.get(variable)
            if not url:
                raise InvalidValue(
                    f"{values.where('url_env')}: the variable {variable} is not set (or is empty)"
                )
            if not is_web_url(url):
                raise InvalidValue(
                    f"{values.where('url_env')}: the variable {variable} does not hold an "
                    "http(s) address"
                )
        elif "url" in values:
            url = values["url"]
            if not is_web_url(url):
                raise InvalidValue(
                    f"{values.where('url')}: expected an http(s) address, "
                    "e.g. https://chat.kommun.example/hooks/…"
                )
        else:
            raise InvalidValue(
                f"{values.where('url')}: missing; give url, or url_env naming the variable "
                "that holds it"
            )
        chat = values.get("chat")
        return cls(
            url=url,
            format=values["format"],
            markup=CHATS[chat] if chat else markup_for(url),
            units=values.get("units", ()),
            timeout=values["timeout"],
            retries=values["retries"],
            backoff=values["backoff"],
        )


def payload(digest: Digest, fmt: str, markup: str = "markdown") -> dict[str, Any]:
    """What is posted: chat text, or the structured digest for other systems.

    All text that is not styrdok's own markup goes through the escaping function for
    ``markup``: names, titles and references are user text and may look like mentions or
    links. The structured fields of ``json`` are data, not chat text, and are not escaped.
    Long-overdue reviews are one summary line in the text; ``json`` keeps every item, those
    summed up marked ``"summarised": true``, and the line itself as ``summary``. A reminder
    to read carries its reader's ``confirm_link`` in ``json`` only: the chat text never
    shows it, as a channel's members would all see one person's credential.
    """
    escape = ESCAPES[markup]
    bold = "*" if markup == "slack" else "**"
    head = f"{bold}{escape(subject(digest))}{bold} ({escape(digest.recipient.name)})"
    lines = [head, ""]
    lines += [f"- {escape(item_line(item, digest.language))}" for item in digest.listed]
    summary = summary_line(digest)
    if summary:
        lines.append(f"- {escape(summary)}")
    text = "\n".join(lines)
    if fmt == "text":
        return {"text": text}
    return {
        "text": text,
        "recipient": {
            "ref": digest.recipient.ref,
            "name": digest.recipient.name,
            "email": digest.recipient.email,
        },
        "run_on": digest.run_on.isoformat(),
        "language": digest.language,
        "items": [
            {
                "kind": i.kind.value,
                "ref": i.ref,
                "title": i.title,
                "due_on": i.due_on.isoformat(),
                "days_left": i.days_left,
                "summarised": digest.summed_up(i),
                # For the system that forwards it to the person alone; never in `text`,
                # which a chat channel shows to everyone in it.
                "confirm_link": i.confirm_link or None,
            }
            for i in digest.items
        ],
        "summary": summary or None,
    }


class WebhookNotifier:
    name = "webhook"

    def __init__(
        self, settings: WebhookSettings, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.settings = settings
        self._sleep = sleep

    def wants(self, recipient: Person) -> bool:
        return not self.settings.units or recipient.unit in self.settings.units

    def deliver(self, digest: Digest) -> None:
        import httpx  # imported on use: keeps `styrdok --help` fast

        s = self.settings
        body = payload(digest, s.format, s.markup)
        last = ""
        for attempt in range(s.retries + 1):
            if attempt:
                self._sleep(s.backoff * 2 ** (attempt - 1))
            try:
                response = httpx.post(s.url, json=body, timeout=s.timeout)
            except httpx.TimeoutException:
                last = f"no answer within {s.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.is_success:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code not in RETRYABLE:
                raise WebhookError(last)  # a wrong URL or payload: retrying won't help
        raise WebhookError(f"gave up after {s.retries + 1} attempts; last: {last}")


@hookimpl
def styrdok_register_notifiers(register: Callable[[Notifier], None], config: Config) -> None:
    # Registered whenever the table exists: a mistake in it (a misspelt key, retries given
    # as text, no address at all) stops the run instead of silently leaving chat out.
    if "webhook" in config.sections:
        section = config.section("webhook", schema=SCHEMA)
        register(WebhookNotifier(WebhookSettings.from_section(section)))
