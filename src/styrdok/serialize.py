"""Domain objects ⇄ plain JSON-able data, for export/import, audit snapshots and JSON columns.

One strict converter serves every use, so a document exported, stored in the audit log or
kept as an adopted version always has the same shape. Structuring is strict on purpose:
an import with ``"allowed": "false"`` or an unknown field is refused, never guessed at.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

import cattrs
from cattrs.preconf.json import make_converter
from cattrs.v import format_exception

from styrdok.errors import InvalidValue

T = TypeVar("T")


def _strict_bool(value: Any, _type: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _strict_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    return value


def _strict_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _date(value: Any, _type: type) -> dt.date:
    if not isinstance(value, str):
        raise TypeError("expected a date as YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def _datetime(value: Any, _type: type) -> dt.datetime:
    if not isinstance(value, str):
        raise TypeError("expected a timestamp in ISO 8601")
    return dt.datetime.fromisoformat(value)


def _decimal(value: Any, _type: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError('expected an amount as text, e.g. "1500.00"')
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"invalid amount {value!r}") from None


def _strict_enum(value: Any, type_: type[enum.StrEnum]) -> enum.StrEnum:
    try:
        return type_(value)
    except ValueError:
        choices = ", ".join(member.value for member in type_)
        raise ValueError(f"invalid {type_.__name__} {value!r} (one of {choices})") from None


@cache
def converter() -> cattrs.Converter:
    """The converter shared by every serialisation in styrdok."""
    # Fields with an attrs converter get the raw value (their validator checks it): one
    # check per field instead of two, which matters for an import of a million records.
    conv = make_converter(forbid_extra_keys=True, prefer_attrib_converters=True)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(str, _strict_str)
    # Before str in a StrEnum's MRO: without this, its values would come back as plain,
    # unchecked text (``from_data("bogus", NoticeKind) == "bogus"``).
    conv.register_structure_hook(enum.StrEnum, _strict_enum)
    conv.register_structure_hook(dt.date, _date)
    conv.register_structure_hook(dt.datetime, _datetime)
    conv.register_structure_hook(Decimal, _decimal)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    # A due item is a named tuple (for speed: see above its class) but a record to a reader:
    # an object with its field names, as it was when it was an attrs class.
    # (Only written, never read: nothing structures a due item.)
    from cattrs.cols import namedtuple_dict_unstructure_factory

    from styrdok.model import DueItem

    conv.register_unstructure_hook(DueItem, namedtuple_dict_unstructure_factory(DueItem, conv))
    return conv


def to_data(obj: Any) -> Any:
    """A domain object (or a list of them) as plain JSON-able data."""
    return converter().unstructure(obj)


def from_data(data: Any, cls: type[T], *, where: str = "$") -> T:
    """Build a ``cls`` from plain data; any problem becomes one :class:`InvalidValue` line
    naming the field, e.g. ``invalid value … @ $.documents[3].owner``."""
    try:
        return converter().structure(data, cls)
    except InvalidValue as exc:
        raise InvalidValue(f"{exc} @ {where}") from None
    except Exception as exc:  # cattrs gathers many kinds of errors into a group
        messages = cattrs.transform_error(exc, path=where, format_exception=_describe)
        raise InvalidValue(_first_line(messages, exc)) from None


def _describe(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, InvalidValue):
        return str(exc)
    return format_exception(exc, type_)


def _first_line(messages: list[str], exc: Exception) -> str:
    if not messages:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    extra = f" (and {len(messages) - 1} more problems)" if len(messages) > 1 else ""
    return messages[0] + extra
