"""What a setting may be: a small declarative schema for ``styrdok.toml``'s sections.

:mod:`styrdok.config` checks the core settings with it, and plugins check their own
section (``config.section("smtp", schema={...})``): types, ranges, choices and unknown keys,
each mistake one :class:`~styrdok.errors.InvalidValue` naming ``[section] key``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, overload

import attrs

from styrdok.errors import InvalidValue
from styrdok.text import is_clean_line

#: Per-document offsets may reach this far ahead (and the reminder run looks this far).
MAX_OFFSET_DAYS = 180
#: A text setting (host, path, variable name …) is one clean line of at most this length.
MAX_TEXT = 1_000


# --- how a message says what a setting must be, and what it got ---------------------------
#
# Each kind of setting says what it must be with one of these phrases, its ``{…}`` filled in
# from the setting: ``[smtp] port: expected a whole number 1–65535, got "25"``. They are
# English here; ``styrdok.i18n.errors`` recognises a phrase filled in and translates it
# (they are in the catalog with the context ``error``), so the message reads whole in the
# reader's language.

WHOLE_NUMBER = "a whole number {min}–{max}"
NUMBER = "a number {min}–{max}"
TRUE_OR_FALSE = "true or false (without quotes)"
ONE_OF = "one of {choices}"
ONE_LINE = "text on one line (1–{max} characters)"
ANY_OF = "a list of any of {choices}"
TEXTS = 'a list of texts, e.g. ["a", "b"] (at most {max})'
DAYS = "a list of whole days 0–{max}, e.g. [60, 30, 7, 0]"
WEB_ADDRESS = "a web address, e.g. https://intranat.mittkoping.se/styrdok"
#: What a message says was given where a table was not expected.
A_TABLE = "a table"

#: Every phrase above.
PHRASES = (
    WHOLE_NUMBER,
    NUMBER,
    TRUE_OR_FALSE,
    ONE_OF,
    ONE_LINE,
    ANY_OF,
    TEXTS,
    DAYS,
    WEB_ADDRESS,
    A_TABLE,
)


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
        return A_TABLE
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
        """``a whole number MIN–MAX``."""
        return WHOLE_NUMBER.format(min=self.min, max=self.max)

    def convert(self, value: Any) -> int:
        """The whole number, if it is one from ``min`` to ``max``."""
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
        """``a number MIN–MAX``."""
        return NUMBER.format(min=f"{self.min:g}", max=f"{self.max:g}")

    def convert(self, value: Any) -> float:
        """The number as a ``float``, if it is finite and from ``min`` to ``max``."""
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
        """``true or false (without quotes)``."""
        return TRUE_OR_FALSE

    def convert(self, value: Any) -> bool:
        """The boolean, if it is one (not text)."""
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
        """The choices, or ``text on one line (1–N characters)``."""
        if self.choices:
            return ONE_OF.format(choices=", ".join(json.dumps(c) for c in self.choices))
        return ONE_LINE.format(max=MAX_TEXT)

    def convert(self, value: Any) -> str:
        """The text, if it is a clean line (and one of ``choices`` when given)."""
        if not is_clean_line(value, MAX_TEXT) or (self.choices and value not in self.choices):
            raise _Wrong
        return str(value)


@attrs.frozen
class StrList(Setting):
    """A list of texts, each as :class:`Str` requires (``"a"`` alone is refused), or each
    one of ``choices`` when given."""

    max_items: int = 1_000
    choices: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    @property
    def expected(self) -> str:
        """The choices, or ``a list of texts, e.g. ["a", "b"] (at most N)``."""
        if self.choices:
            return ANY_OF.format(choices=", ".join(json.dumps(c) for c in self.choices))
        return TEXTS.format(max=self.max_items)

    def convert(self, value: Any) -> tuple[str, ...]:
        """The texts as a tuple, if it is a list of at most ``max_items`` clean lines (each
        one of ``choices`` when given)."""
        if not isinstance(value, list | tuple) or len(value) > self.max_items:
            raise _Wrong
        if not all(is_clean_line(v, MAX_TEXT) for v in value):
            raise _Wrong
        if self.choices and not set(value) <= set(self.choices):
            raise _Wrong
        return tuple(value)


@attrs.frozen
class Days(Setting):
    """Reminder offsets: a non-empty list of whole days from 0 to ``max``; used largest
    first, each once."""

    max: int = MAX_OFFSET_DAYS

    @property
    def expected(self) -> str:
        """``a list of whole days 0–MAX, e.g. [60, 30, 7, 0]``."""
        return DAYS.format(max=self.max)

    def convert(self, value: Any) -> tuple[int, ...]:
        """The days, largest first, each once, if it is a non-empty list of whole days from
        0 to ``max``."""
        if not isinstance(value, list | tuple) or not value or len(value) > self.max + 1:
            raise _Wrong
        if not all(_whole(v) and 0 <= v <= self.max for v in value):
            raise _Wrong
        return tuple(sorted(set(value), reverse=True))


@attrs.frozen
class WebUrl(Setting):
    """An absolute ``https``/``http`` address (:func:`styrdok.weblinks.check_web_url`),
    kept without a trailing ``/``."""

    @property
    def expected(self) -> str:
        """``a web address, e.g. https://…``."""
        return WEB_ADDRESS

    def convert(self, value: Any) -> str:
        """The address without its trailing ``/``, if it is a web address."""
        from styrdok.weblinks import check_web_url

        try:
            return check_web_url(value).rstrip("/")
        except InvalidValue:
            raise _Wrong from None


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
