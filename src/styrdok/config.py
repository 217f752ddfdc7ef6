"""Settings from ``styrdok.toml``: reminder offsets, language and each plugin's section.

Looked for at ``--config PATH``, then ``$STYRDOK_CONFIG``, then ``./styrdok.toml``; without
a file the defaults of DESIGN.md apply. Example::

    language = "sv"                     # or "en"

    [reminders]
    review_offsets = [60, 30, 7, 0]     # days before a review date
    dispensation_offsets = [30, 7, 1]   # days before a dispensation ends
    overdue_every_days = 7              # while a review is overdue
    escalate_after_days = 30            # then the adopting body's contact is told

    [checks]
    max_words = 2500                    # brevity, for `styrdok doc check`

    [smtp]                              # a plugin's own section
    host = "smtp.mittkoping.example"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import attrs

from styrdok.errors import InvalidValue

LANGUAGES = ("sv", "en")
#: Above this many words a document is flagged as long (brevity, ``[checks] max_words``).
DEFAULT_MAX_WORDS = 2_500
#: Per-document offsets may reach this far ahead (and the reminder run looks this far).
MAX_OFFSET_DAYS = 180


def _offsets(value: Any, where: str) -> tuple[int, ...]:
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not all(0 <= v <= MAX_OFFSET_DAYS for v in value)
    ):
        raise InvalidValue(
            f"{where} must be a list of whole days between 0 and {MAX_OFFSET_DAYS}, "
            f"e.g. [60, 30, 7, 0]"
        )
    return tuple(sorted(set(value), reverse=True))


@attrs.frozen
class ReminderSettings:
    review_offsets: tuple[int, ...] = (60, 30, 7, 0)
    dispensation_offsets: tuple[int, ...] = (30, 7, 1)
    overdue_every_days: int = 7
    escalate_after_days: int = 30
    max_attempts: int = 20
    """A notice that failed this many runs is marked failed and no longer retried."""


@attrs.frozen
class Config:
    reminders: ReminderSettings = attrs.field(factory=ReminderSettings)
    max_words: int = DEFAULT_MAX_WORDS
    """``[checks] max_words``: above this a document is flagged as long (brevity)."""
    language: str = "sv"
    sections: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    path: Path | None = None

    def section(self, name: str) -> dict[str, Any]:
        """A plugin's own settings (an empty dict when absent)."""
        return dict(self.sections.get(name, {}))


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration; a bad file is one clear :class:`InvalidValue`."""
    explicit = path or os.environ.get("STYRDOK_CONFIG")
    target = Path(explicit) if explicit else Path("styrdok.toml")
    if not target.exists():
        if explicit:
            raise InvalidValue(f"configuration file {target} does not exist")
        return Config()
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidValue(f"{target}: {exc}") from None
    return parse_config(data, path=target)


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    where = str(path) if path else "configuration"
    language = data.get("language", "sv")
    if language not in LANGUAGES:
        raise InvalidValue(f"{where}: language must be one of {', '.join(LANGUAGES)}")
    raw = data.get("reminders", {})
    if not isinstance(raw, dict):
        raise InvalidValue(f"{where}: [reminders] must be a table")
    unknown = sorted(set(raw) - {f.name for f in attrs.fields(ReminderSettings)})
    if unknown:
        raise InvalidValue(f"{where}: unknown setting reminders.{unknown[0]}")
    settings = ReminderSettings()
    changes: dict[str, Any] = {}
    for name in ("review_offsets", "dispensation_offsets"):
        if name in raw:
            changes[name] = _offsets(raw[name], f"{where}: reminders.{name}")
    for name in ("overdue_every_days", "escalate_after_days", "max_attempts"):
        if name in raw:
            value = raw[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidValue(f"{where}: reminders.{name} must be a positive whole number")
            changes[name] = value
    checks = data.get("checks", {})
    if not isinstance(checks, dict) or set(checks) - {"max_words"}:
        raise InvalidValue(f"{where}: [checks] takes only max_words")
    max_words = checks.get("max_words", DEFAULT_MAX_WORDS)
    if not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 1:
        raise InvalidValue(f"{where}: checks.max_words must be a positive whole number")
    sections = {
        k: v for k, v in data.items() if isinstance(v, dict) and k not in ("reminders", "checks")
    }
    return Config(
        reminders=attrs.evolve(settings, **changes),
        max_words=max_words,
        language=language,
        sections=sections,
        path=path,
    )
