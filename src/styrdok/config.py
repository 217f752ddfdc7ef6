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

The whole file is checked when it is loaded: every core setting's type and range, unknown
keys, and the shape of every plugin section (a table, nested at most :data:`MAX_DEPTH`
deep). A mistake is one :class:`~styrdok.errors.InvalidValue` naming the file and the key::

    styrdok.toml: [reminders] review_offsets: expected a list of whole days 0–180, got "30"

A plugin checks its own section the same way, declaratively, when it registers::

    section = config.section("smtp", schema={
        "host": config.Str(required=True),
        "port": config.Int(1, 65535, default=587),
        "starttls": config.Bool(default=True),
        "units": config.StrList(),
    })

or one value at a time (``section.get_int("port", 587, min=1, max=65535)``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import attrs

from styrdok.errors import InvalidValue
from styrdok.text import is_clean_line

LANGUAGES = ("sv", "en")
#: Above this many words a document is flagged as long (brevity, ``[checks] max_words``).
DEFAULT_MAX_WORDS = 2_500
#: Per-document offsets may reach this far ahead (and the reminder run looks this far).
MAX_OFFSET_DAYS = 180
#: A settings file larger than this is refused unread (it is a mistake, not settings).
MAX_FILE_BYTES = 1_000_000
#: Lists and tables inside a section may nest this deep; deeper is refused at load time.
MAX_DEPTH = 4
#: A text setting (host, path, variable name …) is one clean line of at most this length.
MAX_TEXT = 1_000


# --- how a value is shown in a message -----------------------------------------------------


def shown(value: Any, *, limit: int = 60) -> str:
    """``value`` as it would be written in TOML, shortened: ``"30"``, ``false``, ``[1, 2]``."""
    text = _toml(value, depth=0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _toml(value: Any, depth: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 80 else value[:80], ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        if depth >= 2:
            return "[…]"
        items = [_toml(v, depth + 1) for v in value[:6]]
        return "[" + ", ".join(items) + (", …" if len(value) > 6 else "") + "]"
    return type(value).__name__


class _Wrong(Exception):
    """Raised by a :class:`Setting` check; the caller adds where the value was."""


# --- what a setting may be (the declarative schema) ----------------------------------------


@attrs.frozen(kw_only=True)
class Setting:
    """One key of a settings section: what it must be, and what it is when absent."""

    default: Any = None
    """Filled in when the key is absent (``None``: the key stays absent)."""
    required: bool = False
    """The section must give this key."""

    @property
    def expected(self) -> str:
        """What the setting must be, for the message: ``a whole number 1–65535``."""
        raise NotImplementedError

    def convert(self, value: Any) -> Any:
        """The value to use, or :class:`_Wrong` when it is not what is expected."""
        raise NotImplementedError

    def check(self, value: Any, where: str) -> Any:
        """The value to use, or one :class:`InvalidValue` naming ``where``."""
        try:
            return self.convert(value)
        except _Wrong:
            raise InvalidValue(f"{where}: expected {self.expected}, got {shown(value)}") from None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@attrs.frozen
class Int(Setting):
    """A whole number from ``min`` to ``max`` (a TOML integer; ``"25"`` is refused)."""

    min: int
    max: int

    @property
    def expected(self) -> str:
        return f"a whole number {self.min}–{self.max}"

    def convert(self, value: Any) -> int:
        if not _whole(value) or not self.min <= value <= self.max:
            raise _Wrong
        return int(value)


@attrs.frozen
class Float(Setting):
    """A number from ``min`` to ``max`` (whole or decimal; never NaN or infinite)."""

    min: float
    max: float

    @property
    def expected(self) -> str:
        return f"a number {self.min:g}–{self.max:g}"

    def convert(self, value: Any) -> float:
        if not (_whole(value) or isinstance(value, float)):
            raise _Wrong
        number = float(value)
        if not math.isfinite(number) or not self.min <= number <= self.max:
            raise _Wrong
        return number


@attrs.frozen
class Bool(Setting):
    """``true`` or ``false`` — a TOML boolean; the text ``"false"`` is refused, not true."""

    @property
    def expected(self) -> str:
        return "true or false (without quotes)"

    def convert(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise _Wrong
        return value


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Str(Setting):
    """One line of text, not empty, without control characters; or one of ``choices``."""

    choices: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    @property
    def expected(self) -> str:
        if self.choices:
            return "one of " + ", ".join(json.dumps(c) for c in self.choices)
        return f"text on one line (1–{MAX_TEXT} characters)"

    def convert(self, value: Any) -> str:
        if not is_clean_line(value, MAX_TEXT) or (self.choices and value not in self.choices):
            raise _Wrong
        return str(value)


@attrs.frozen
class StrList(Setting):
    """A list of texts, each as :class:`Str` requires (``"a"`` alone is refused)."""

    max_items: int = 1_000

    @property
    def expected(self) -> str:
        return f'a list of texts, e.g. ["a", "b"] (at most {self.max_items})'

    def convert(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or len(value) > self.max_items:
            raise _Wrong
        if not all(is_clean_line(v, MAX_TEXT) for v in value):
            raise _Wrong
        return tuple(value)


@attrs.frozen
class Days(Setting):
    """Reminder offsets: a non-empty list of whole days from 0 to ``max``; used largest
    first, each once."""

    max: int = MAX_OFFSET_DAYS

    @property
    def expected(self) -> str:
        return f"a list of whole days 0–{self.max}, e.g. [60, 30, 7, 0]"

    def convert(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list | tuple) or not value or len(value) > self.max + 1:
            raise _Wrong
        if not all(_whole(v) and 0 <= v <= self.max for v in value):
            raise _Wrong
        return tuple(sorted(set(value), reverse=True))


Schema = Mapping[str, Setting]
"""A section's settings by key: ``{"port": Int(1, 65535, default=587), …}``."""


# --- a section -------------------------------------------------------------------------


class Section(dict[str, Any]):
    """One table of the settings file (a ``dict``, as plugins have always received), with
    typed accessors that refuse a wrong type or range with a message naming
    ``[section] key``."""

    def __init__(self, name: str, values: Mapping[str, Any], *, source: str) -> None:
        super().__init__(values)
        self.name = name
        self.source = source

    def where(self, key: str) -> str:
        """How a message names ``key``: ``styrdok.toml: [smtp] port`` (for the top level,
        whose name is empty: ``styrdok.toml: language``)."""
        return f"{self.source}: [{self.name}] {key}" if self.name else f"{self.source}: {key}"

    def read(self, key: str, setting: Setting) -> Any:
        """``key`` checked by ``setting``; its default (or ``None``) when absent."""
        if key not in self:
            if setting.required:
                raise InvalidValue(f"{self.where(key)}: missing; expected {setting.expected}")
            return setting.default
        return setting.check(self[key], self.where(key))

    def validated(self, schema: Schema) -> Section:
        """The section checked as a whole against ``schema``: unknown keys, missing
        required keys, every value's type and range. Defaults are filled in and values
        converted (a list of texts becomes a tuple)."""
        unknown = sorted(set(self) - set(schema))
        if unknown:
            known = ", ".join(sorted(schema)) or "none"
            raise InvalidValue(f"{self.where(unknown[0])}: unknown setting; known: {known}")
        values = {}
        for key, setting in schema.items():
            value = self.read(key, setting)
            if value is not None:
                values[key] = value
        return Section(self.name, values, source=self.source)

    def get_int(self, key: str, default: int, *, min: int, max: int) -> int:
        """A whole number from ``min`` to ``max``; ``default`` when absent."""
        value: int = self.read(key, Int(min, max, default=default))
        return value

    def get_float(self, key: str, default: float, *, min: float, max: float) -> float:
        """A number from ``min`` to ``max``; ``default`` when absent."""
        value: float = self.read(key, Float(min, max, default=default))
        return value

    def get_bool(self, key: str, default: bool) -> bool:
        """``true`` or ``false``; ``default`` when absent."""
        value: bool = self.read(key, Bool(default=default))
        return value

    @overload
    def get_str(self, key: str, default: str, *, choices: Sequence[str] = ()) -> str: ...
    @overload
    def get_str(
        self, key: str, default: None = None, *, choices: Sequence[str] = ()
    ) -> str | None: ...
    def get_str(
        self, key: str, default: str | None = None, *, choices: Sequence[str] = ()
    ) -> str | None:
        """One line of text (or one of ``choices``); ``default`` when absent."""
        value: str | None = self.read(key, Str(default=default, choices=tuple(choices)))
        return value

    def require_str(self, key: str, *, choices: Sequence[str] = ()) -> str:
        """Like :meth:`get_str`, but the key must be there."""
        value: str = self.read(key, Str(required=True, choices=tuple(choices)))
        return value

    def get_list_of_str(self, key: str, default: Sequence[str] = ()) -> tuple[str, ...]:
        """A list of texts, as a tuple; ``default`` when absent."""
        value: tuple[str, ...] = self.read(key, StrList(default=tuple(default)))
        return value


# --- the core settings -------------------------------------------------------------------

REMINDERS: Schema = {
    "review_offsets": Days(),
    "dispensation_offsets": Days(),
    # Upper bounds keep date arithmetic far from the calendar's end and catch typos
    # (ten million days) at load time instead of as an OverflowError in a run.
    "overdue_every_days": Int(1, 365),
    "escalate_after_days": Int(1, 3650),
    "max_attempts": Int(1, 1000),
}
CHECKS: Schema = {"max_words": Int(1, 1_000_000)}
TOP: Schema = {"language": Str(choices=LANGUAGES)}
_CORE = {"": TOP, "reminders": REMINDERS, "checks": CHECKS}


def _valid(table: str, key: str) -> Any:
    """An attrs validator holding a field to the core schema (so a ``Config`` built in
    code obeys the same rules as one read from a file)."""

    setting = _CORE[table][key]
    where = f"[{table}] {key}" if table else key

    def check(_inst: Any, _attribute: Any, value: Any) -> None:
        setting.check(value, where)

    return check


@attrs.frozen
class ReminderSettings:
    review_offsets: tuple[int, ...] = attrs.field(
        default=(60, 30, 7, 0), validator=_valid("reminders", "review_offsets")
    )
    dispensation_offsets: tuple[int, ...] = attrs.field(
        default=(30, 7, 1), validator=_valid("reminders", "dispensation_offsets")
    )
    overdue_every_days: int = attrs.field(
        default=7, validator=_valid("reminders", "overdue_every_days")
    )
    escalate_after_days: int = attrs.field(
        default=30, validator=_valid("reminders", "escalate_after_days")
    )
    max_attempts: int = attrs.field(default=20, validator=_valid("reminders", "max_attempts"))
    """A notice that failed this many runs is marked failed and no longer retried."""


@attrs.frozen
class Config:
    reminders: ReminderSettings = attrs.field(factory=ReminderSettings)
    max_words: int = attrs.field(default=DEFAULT_MAX_WORDS, validator=_valid("checks", "max_words"))
    """``[checks] max_words``: above this a document is flagged as long (brevity)."""
    language: str = attrs.field(default="sv", validator=_valid("", "language"))
    sections: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    path: Path | None = None

    @property
    def source(self) -> str:
        """How messages name the settings: the file's path, or ``configuration``."""
        return str(self.path) if self.path else "configuration"

    def section(self, name: str, *, schema: Schema | None = None) -> Section:
        """A plugin's own settings (empty when absent), checked against ``schema`` when
        given — call it when your plugin registers, so a mistake stops the run before
        anything is sent (the plugin manager passes :class:`InvalidValue` on)."""
        section = Section(name, self.sections.get(name, {}), source=self.source)
        return section.validated(schema) if schema is not None else section


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration; a bad file is one clear :class:`InvalidValue`."""
    explicit = path or os.environ.get("STYRDOK_CONFIG")
    target = Path(explicit) if explicit else Path("styrdok.toml")
    if not target.exists():
        if explicit:
            raise InvalidValue(f"configuration file {target} does not exist")
        return Config()
    if target.is_file() and target.stat().st_size > MAX_FILE_BYTES:
        raise InvalidValue(f"{target}: larger than {MAX_FILE_BYTES:,} bytes; not a settings file")
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidValue(f"{target}: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise InvalidValue(f"{target}: arrays or tables nested too deeply") from None
    return parse_config(data, path=target)


def _depth(value: Any) -> int:
    """How deep lists and tables nest in ``value`` (a scalar is 0)."""
    if isinstance(value, Mapping):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def parse_config(data: Mapping[str, Any], *, path: Path | None = None) -> Config:
    """A :class:`Config` from a parsed settings file, checked as a whole (module docs)."""
    source = str(path) if path else "configuration"
    top = Section("", {k: v for k, v in data.items() if k in TOP}, source=source)
    tables: dict[str, Section] = {}
    for name, value in data.items():
        if name in TOP:
            continue
        if not isinstance(value, Mapping):
            raise InvalidValue(
                f"{source}: {name}: unknown setting; the top level takes only "
                f"{', '.join(TOP)}, everything else is a table such as [{name}]; "
                f"got {shown(value)}"
            )
        tables[name] = Section(name, value, source=source)
        for key, item in value.items():
            if _depth(item) > MAX_DEPTH:
                raise InvalidValue(
                    f"{tables[name].where(key)}: lists or tables nested more than {MAX_DEPTH} deep"
                )
    language = top.read("language", TOP["language"])
    if language is None:
        language = "sv"
    reminders = tables.pop("reminders", Section("reminders", {}, source=source))
    checks = tables.pop("checks", Section("checks", {}, source=source))
    return Config(
        reminders=ReminderSettings(**reminders.validated(REMINDERS)),
        max_words=checks.validated(CHECKS).get("max_words", DEFAULT_MAX_WORDS),
        language=language,
        sections={name: dict(table) for name, table in tables.items()},
        path=path,
    )
