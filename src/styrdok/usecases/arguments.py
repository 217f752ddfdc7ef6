"""Every use case checks its caller's arguments against its own type hints.

The Python API is an edge like the CLI and the intranet: a caller may pass a ``datetime``
where a date is meant, a string where a status is meant, a dict where a document is meant,
or a subclass that smuggles extra fields. :func:`use_case` reads each use case's annotations
once and, on every call, refuses a wrong argument with one :class:`InvalidValue` that names
the parameter — never a ``TypeError`` or ``AttributeError`` from deep inside. Strings are
turned into enum members where the annotation asks for an enum (``status="in_force"``), the
one conversion done here; everything else is refused, not guessed.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from styrdok.errors import InvalidValue
from styrdok.fields import EARLIEST_DAY, LATEST_DAY

F = TypeVar("F", bound=Callable[..., Any])

_UNCHECKED = object()  # an annotation this module does not check (IO, PathLike, Registry)


def use_case(function: F) -> F:
    """Check ``function``'s arguments (all but the first, the registry) on every call."""
    signature = inspect.signature(function)
    checks: dict[str, Callable[[Any], Any]] | None = None

    @functools.wraps(function)
    def checked(registry: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal checks
        if checks is None:  # resolved on first call: by then every module is imported
            checks = _checks(function, signature)
        try:
            bound = signature.bind(registry, *args, **kwargs)
        except TypeError as exc:
            raise InvalidValue(f"{function.__name__}: {exc}") from None
        for name, value in list(bound.arguments.items())[1:]:
            check = checks.get(name)
            if check is not None:
                bound.arguments[name] = check(value)
        return function(*bound.args, **bound.kwargs)

    return typing.cast(F, checked)


def _checks(function: Callable[..., Any], signature: inspect.Signature) -> dict[str, Any]:
    from styrdok.edits import DocumentEdit
    from styrdok.registry import Registry

    names = {**vars(typing), **function.__globals__, "Registry": Registry}
    names["DocumentEdit"] = DocumentEdit
    checks = {}
    for name, parameter in list(signature.parameters.items())[1:]:
        annotation = parameter.annotation
        if isinstance(annotation, str):
            try:
                annotation = eval(annotation, names)
            except NameError:
                continue  # a type only known to the type checker: not checked here
        check = _check_for(name, annotation)
        if check is not _UNCHECKED:
            checks[name] = check
    return checks


def _check_for(name: str, annotation: Any) -> Any:
    """A function that returns the value (converted) or raises, for one annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [_check_for(name, a) for a in typing.get_args(annotation)]
        if _UNCHECKED in options:
            return _UNCHECKED
        return lambda value: _first_that_accepts(name, value, options, annotation)
    if annotation is type(None):
        return lambda value: _require(value is None, name, "nothing", value)
    if origin is typing.Literal:
        allowed = typing.get_args(annotation)
        return lambda value: _require(
            value in allowed, name, " or ".join(map(repr, allowed)), value
        )
    if annotation is dt.date:
        # A datetime is a date to Python; as a decision date it would carry a time and a
        # zone nobody asked for, so it is refused rather than silently cut.
        return lambda value: _require(
            type(value) is dt.date and EARLIEST_DAY <= value <= LATEST_DAY,
            name,
            f"a date (not a date and time) from {EARLIEST_DAY} to {LATEST_DAY}",
            value,
        )
    if annotation is bool:
        return lambda value: _require(type(value) is bool, name, "true or false", value)
    if annotation is int:
        return lambda value: _require(
            isinstance(value, int) and not isinstance(value, bool), name, "a whole number", value
        )
    if annotation is str:
        return lambda value: _require(isinstance(value, str), name, "text", value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return lambda value: _to_enum(name, annotation, value)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return lambda value: _require(isinstance(value, Mapping), name, "a mapping", value)
    if isinstance(annotation, type) and hasattr(annotation, "__attrs_attrs__"):
        return lambda value: _require(
            isinstance(value, annotation), name, f"a {annotation.__name__}", value
        )
    return _UNCHECKED


def _first_that_accepts(name: str, value: Any, options: list[Any], annotation: Any) -> Any:
    if value is not None and len(options) == 2 and type(None) in typing.get_args(annotation):
        # ``X | None`` with a value: X's own message says what was expected.
        return options[typing.get_args(annotation).index(type(None)) ^ 1](value)
    for check in options:
        try:
            return check(value)
        except InvalidValue:
            continue
    readable = str(annotation).replace("datetime.", "").replace("styrdok.", "")
    raise InvalidValue(f"{name}: expected {readable}, got {_shown(value)}")


def _require(ok: bool, name: str, expected: str, value: Any) -> Any:
    if not ok:
        raise InvalidValue(f"{name}: expected {expected}, got {_shown(value)}")
    return value


def _to_enum(name: str, kind: type[enum.Enum], value: Any) -> Any:
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):
        choices = ", ".join(str(member.value) for member in kind)
        raise InvalidValue(f"{name}: expected one of {choices}, got {_shown(value)}") from None


def _shown(value: Any) -> str:
    if type(value) is dt.date:
        return value.isoformat()
    text = repr(value)
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {shown}"
