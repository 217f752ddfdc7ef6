"""Chat reminders for styrdok through incoming webhooks (Teams, Slack, Mattermost)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import attrs

from styrdok.config import Config
from styrdok.errors import InvalidValue
from styrdok.hookspecs import hookimpl
from styrdok.model import Person
from styrdok.notify import Digest, Notifier, item_line, subject

__version__ = "0.1.0"

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


class WebhookError(Exception):
    """The webhook did not accept the digest."""


@attrs.frozen
class WebhookSettings:
    url: str = attrs.field(repr=False)
    format: str = "text"
    units: tuple[str, ...] = ()
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> WebhookSettings:
        allowed = {"url", "url_env", "format", "units", "timeout", "retries", "backoff"}
        unknown = sorted(set(section) - allowed)
        if unknown:
            raise InvalidValue(f"[webhook]: unknown setting {unknown[0]!r}")
        url = section.get("url")
        if "url_env" in section:
            url = os.environ.get(section["url_env"])
            if not url:
                raise InvalidValue(f"[webhook]: the variable {section['url_env']} is not set")
        if not url or not str(url).startswith(("https://", "http://")):
            raise InvalidValue("[webhook]: 'url' must be an http(s) address")
        fmt = section.get("format", "text")
        if fmt not in ("text", "json"):
            raise InvalidValue("[webhook]: format must be 'text' or 'json'")
        return cls(
            url=str(url),
            format=fmt,
            units=tuple(section.get("units", ())),
            timeout=float(section.get("timeout", 10)),
            retries=int(section.get("retries", 2)),
            backoff=float(section.get("backoff", 1.0)),
        )


def payload(digest: Digest, fmt: str) -> dict[str, Any]:
    """What is posted: chat text, or the structured digest for other systems."""
    lines = [f"**{subject(digest)}** ({digest.recipient.name})", ""]
    lines += [f"- {item_line(item, digest.language)}" for item in digest.items]
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
            }
            for i in digest.items
        ],
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
        body = payload(digest, s.format)
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
    section = config.section("webhook")
    if "url" in section or "url_env" in section:
        register(WebhookNotifier(WebhookSettings.from_section(section)))
