"""Converters and validators for the fields of the domain classes in :mod:`styrdok.model`.

Converters only normalise (Unicode NFC, stripped, lists to tuples); validators then check
and name the field in their message, e.g. ``owner: invalid reference 'x y'``. Both follow
attrs' calling conventions and are meant to be used as ``fields.ref``, ``fields.line(200)``
and so on, so that a field's declaration says what it accepts.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import typing
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from styrdok.enums import (
    AckChannel,
    BodyLevel,
    DispStatus,
    DocStatus,
    DocType,
    ReviewOutcome,
    UnitKind,
)
from styrdok.errors import InvalidValue
from styrdok.text import (
    REF_PATTERN,
    check_line,
    check_text,
    is_clean_line,
    is_clean_text,
    normalise,
    normalise_text,
    valid_ref,
)

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
"""The signature attrs calls a field validator with: instance, attribute, value."""

#: How far ahead a per-document reminder may be (the reminder run looks this far).
MAX_REMINDER_OFFSET_DAYS = 180

# --- converters --------------------------------------------------------------------------


def norm(value: Any) -> Any:
    """A string in Unicode NFC and stripped; anything else as it is, for the validator."""
    return normalise(value) if isinstance(value, str) else value


def norm_opt(value: Any) -> Any:
    """Like :func:`norm`, but an empty string becomes ``None`` (an optional field unset)."""
    value = norm(value)
    return None if value == "" else value


def norm_text(value: Any) -> Any:
    """Like :func:`norm`, but ``None`` becomes ``""`` (free text is never missing), and
    line breaks (CR LF, CR) become LF, as a browser's textarea sends them."""
    if value is None:
        return ""
    return normalise_text(value) if isinstance(value, str) else value


def norm_tuple(values: Any) -> Any:
    """A list of strings as a tuple of normalised strings; ``None`` as an empty tuple."""
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values
    return tuple(norm(v) for v in values)


def _to_enum(kind: type[enum.StrEnum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value  # the validator explains what would have been right


def to_doc_type(value: Any) -> Any:
    """A :class:`~styrdok.enums.DocType` from its value, if it is one."""
    return _to_enum(DocType, value)


def to_body_level(value: Any) -> Any:
    """A :class:`~styrdok.enums.BodyLevel` from its value, if it is one."""
    return _to_enum(BodyLevel, value)


def to_doc_status(value: Any) -> Any:
    """A :class:`~styrdok.enums.DocStatus` from its value, if it is one."""
    return _to_enum(DocStatus, value)


def to_disp_status(value: Any) -> Any:
    """A :class:`~styrdok.enums.DispStatus` from its value, if it is one."""
    return _to_enum(DispStatus, value)


def to_review_outcome(value: Any) -> Any:
    """A :class:`~styrdok.enums.ReviewOutcome` from its value, if it is one."""
    return _to_enum(ReviewOutcome, value)


def to_unit_kind(value: Any) -> Any:
    """A :class:`~styrdok.enums.UnitKind` from its code."""
    return _to_enum(UnitKind, value)


def to_ack_channel(value: Any) -> Any:
    """An :class:`~styrdok.enums.AckChannel` from its code."""
    return _to_enum(AckChannel, value)


def to_amount(value: Any) -> Decimal | None:
    """Money in whole öre (two decimals), never negative: stored and shown the same way."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise InvalidValue(f"estimated_cost: {value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise InvalidValue(f"estimated_cost: {value!r} is not a sensible amount")
    # "-0.00" is zero: stored with a sign it would print as "-0,00 kr".
    return amount.quantize(Decimal("0.01")) if amount else Decimal("0.00")


def to_offsets(values: Any) -> Any:
    """Reminder offsets in days, largest first and each once; none given as ``None``."""
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values
    values = tuple(values)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return values
    return tuple(sorted(set(values), reverse=True)) or None


# --- validators --------------------------------------------------------------------------
# Validators run for every field of every record an import reads (about a million at
# national scale), so each has a fast path for the common, valid case and only falls back
# to the detailed check, which explains what is wrong, when something is.


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: True while a record is rebuilt from what the register stored (see :func:`reads_stored`).
_STORED: ContextVar[bool] = ContextVar("styrdok_stored_records", default=False)


def reads_stored(function: F) -> F:
    """Decorate a function that rebuilds records from what the register stored: values
    that a later, stricter rule refuses (an invisible character in a name, an e-mail
    address or a date styrdok now refuses) are kept, so an upgrade never makes a register
    unreadable. Every new value — from a person, an import, the API, or an edit of the
    record — is checked in full; the flag is consulted only where a check fails, so checking
    stays as fast as before."""

    @functools.wraps(function)
    def reading(*args: Any, **kwargs: Any) -> Any:
        token = _STORED.set(True)
        try:
            return function(*args, **kwargs)
        finally:
            _STORED.reset(token)

    return typing.cast(F, reading)


def evolve(obj: T, **changes: Any) -> T:
    """``attrs.evolve`` for a change to a stored record: the fields that change are
    checked in full, the fields it keeps as they were stored (an old value a later rule
    refuses stays until someone replaces it, so a lapse or an unrelated edit never fails on
    it). A wrong type is an :class:`InvalidValue` naming the field."""
    token = _STORED.set(True)
    try:
        changed = attrs.evolve(obj, **changes)  # type: ignore[misc]
    except TypeError as exc:
        raise InvalidValue(str(exc).splitlines()[0]) from None
    finally:
        _STORED.reset(token)
    by_name = attrs.fields_dict(type(obj))  # type: ignore[arg-type]
    for name in changes:
        field = by_name[name]
        if field.validator is not None:
            field.validator(changed, field, getattr(changed, name))
    return changed


def _checked(attribute: attrs.Attribute[Any], check: Callable[[Any], Any], value: Any) -> None:
    try:
        check(value)
    except InvalidValue as exc:
        if _STORED.get():
            return  # stored under an earlier rule: kept (see reads_stored)
        raise InvalidValue(f"{attribute.name}: {exc}") from None


def _as_tuple(values: Any) -> tuple[Any, ...]:
    if not isinstance(values, tuple):
        raise InvalidValue(f"expected a list, got {type(values).__name__}")
    return values


def ref(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A reference (handle) such as ``POL-IS-01`` or ``anna.lind``."""
    if type(value) is str and REF_PATTERN.fullmatch(value):
        return
    _checked(attribute, valid_ref, value)


def opt_ref(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A reference, or ``None``."""
    if value is not None:
        ref(_inst, attribute, value)


def refs(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A tuple of references."""
    _checked(attribute, lambda values: [valid_ref(v) for v in _as_tuple(values)], value)


# One plain address, ``local@domain``, and nothing that a mail program could read as a
# second address, a display name, a comment or a group: the local part is RFC 5322 dot-atom
# text (letters of any script allowed, RFC 6531), so spaces, ``< > , ; : " ( ) [ ] \``,
# ``@`` and control characters are impossible; the domain is dot-separated labels of
# letters, digits and inner hyphens, with at least one dot. Reminders are sent to exactly
# this string, so it must be one recipient and no more.
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]+"
#: One label of a domain name (letters of any script, digits, inner hyphens).
DOMAIN_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_EMAIL = re.compile(rf"(?P<local>{_ATEXT}(?:\.{_ATEXT})*)@{DOMAIN_LABEL}(?:\.{DOMAIN_LABEL})+")


def _valid_email(value: Any) -> None:
    if not isinstance(value, str):
        raise InvalidValue(f"invalid e-mail address: expected text, got {type(value).__name__}")
    found = _EMAIL.fullmatch(value)
    if found is None or len(value) > 254 or len(found["local"]) > 64:
        shown = value if len(value) <= 40 else value[:39] + "…"
        raise InvalidValue(
            f"invalid e-mail address {shown!r}: give one address such as name@kommun.se, "
            "without a name, spaces, quotes or any of < > , ;"
        )


def email(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """One e-mail address ``local@domain`` (no display name, no second address), or
    ``None``."""
    if value is not None:
        _checked(attribute, _valid_email, value)


def line(limit: int) -> Validator:
    """One line of clean text, at most ``limit`` characters."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_clean_line(value, limit):
            _checked(attribute, lambda v: check_line(v, limit=limit), value)

    return check


def opt_line(limit: int) -> Validator:
    """Like :func:`line`, or ``None``."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not is_clean_line(value, limit):
            _checked(attribute, lambda v: check_line(v, limit=limit), value)

    return check


def text(limit: int = 20_000) -> Validator:
    """Clean free text, line breaks allowed, at most ``limit`` characters."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_clean_text(value, limit):
            _checked(attribute, lambda v: check_text(v, limit=limit), value)

    return check


def required_text(limit: int) -> Validator:
    """Like :func:`text`, and not empty or blank: a question or an answer must say something."""
    clean = text(limit)

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        clean(inst, attribute, value)
        if not value.strip() and not _STORED.get():
            raise InvalidValue(f"{attribute.name}: must not be empty")

    return check


def opt_required_text(limit: int) -> Validator:
    """Like :func:`required_text`, or ``None`` (not given yet)."""
    required = required_text(limit)

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            required(inst, attribute, value)

    return check


def norm_opt_text(value: Any) -> Any:
    """Like :func:`norm_text`, but ``None`` stays ``None`` (an answer not given yet)."""
    return None if value is None else norm_text(value)


#: The calendar styrdok keeps: wide enough for any real decision, far enough from the ends
#: of Python's calendar that adding a review interval or a day can never overflow.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)


def day(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A calendar date (not a date and time) between 1900-01-01 and 2199-12-31."""
    if type(value) is dt.date and EARLIEST_DAY <= value <= LATEST_DAY:
        return  # the common case first: every date of every record an import reads
    if _STORED.get() and isinstance(value, dt.date):
        return  # stored under an earlier rule (see reads_stored)
    if type(value) is not dt.date:
        shown = type(value).__name__
        raise InvalidValue(f"{attribute.name}: expected a date (not a date and time), got {shown}")
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise InvalidValue(
            f"{attribute.name}: {value} is outside the calendar styrdok keeps "
            f"({EARLIEST_DAY} to {LATEST_DAY})"
        )


def opt_day(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Like :func:`day`, or ``None``."""
    if value is not None:
        day(inst, attribute, value)


def lines(limit: int) -> Validator:
    """A tuple of lines, each as :func:`line` requires."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is tuple and all(is_clean_line(v, limit) for v in value):
            return
        _checked(attribute, lambda vs: [check_line(v, limit=limit) for v in _as_tuple(vs)], value)

    return check


def one_of(kind: type[enum.StrEnum]) -> Validator:
    """A member of ``kind``; the message lists the values that would do."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            choices = ", ".join(member.value for member in kind)
            raise InvalidValue(f"{attribute.name}: {value!r} is not one of: {choices}")

    return check


def offsets(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Reminder offsets: whole days from 0 to :data:`MAX_REMINDER_OFFSET_DAYS`, or ``None``."""
    if value is None:
        return
    if not isinstance(value, tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_REMINDER_OFFSET_DAYS
        for v in value
    ):
        raise InvalidValue(
            f"{attribute.name}: give whole days between 0 and {MAX_REMINDER_OFFSET_DAYS}, "
            "e.g. 90, 30, 0"
        )


def positive(_inst: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """A number above zero, or ``None``."""
    if value is not None and value <= 0:
        raise InvalidValue(f"{attribute.name} must be a positive number, not {value}")


def not_negative(_inst: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """A number of zero or more, or ``None``."""
    if value is not None and value < 0:
        raise InvalidValue(f"{attribute.name} must not be negative, not {value}")
