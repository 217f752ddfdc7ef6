"""How one spreadsheet cell is read into a field, and how a field is written into a cell.

A cell is read into the plain data the JSON export holds — a date as ``"2026-11-22"``, an
amount as ``"18500.00"``, a status as ``"in_force"`` — and the record is then built from that
data by the one strict converter (:func:`styrdok.serialize.from_data`), so every field rule
applies exactly as on any other import. Reading is forgiving about *form* only, the way people
write in Swedish spreadsheets: dates in ISO or Swedish forms, ``ja``/``nej``, amounts with a
decimal comma and spaces between thousands, lists separated by ``;`` or line breaks, codes by
their Swedish or English names. It never guesses at *content*: what does not read as the
field's kind is one error naming the row and column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from styrdok.labels import N_, label


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: What an empty cell reads as: the field keeps its default.
MISSING: Any = _Missing()


class BadCell(Exception):
    """A cell that does not read as its column's kind; ``template`` is an English source
    string of the gettext catalog, filled in from ``values``."""

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template)
        self.template = template
        self.values = values


@attrs.frozen
class CellKind:
    """One kind of column: how its cells read into plain data, and how a value is written."""

    name: str
    read: Callable[[Any], Any]
    """A cell's value → plain data, or :data:`MISSING` for an empty cell; raises
    :class:`BadCell`."""
    write: Callable[[Any, str], Any]
    """Plain data (as the JSON export holds it) and a language → a cell's value."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> Any:
    if _blank(value):
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a text column: "45", not "45.0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_text(value: Any, _language: str) -> Any:
    return value if value not in (None, "") else None


# --- lists ---------------------------------------------------------------------------------


def _split(value: Any) -> Any:
    text = _as_text(value)
    if text is MISSING:
        return MISSING
    # Line breaks separate when there are any, so an item may itself contain a ";".
    parts = text.splitlines() if "\n" in text or "\r" in text else text.split(";")
    items = [part.strip() for part in parts if part.strip()]
    return items or MISSING


def _join(value: Any, _language: str) -> Any:
    if not value:
        return None
    if any(";" in item for item in value):
        return "\n".join(value) + ("\n" if len(value) == 1 else "")
    return "; ".join(value)


# --- dates ---------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("mars", "march", "mar"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augusti", "august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_SPELLED = re.compile(r"(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})")


def _date(value: Any) -> Any:
    if _blank(value):
        return MISSING
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise BadCell(N_("{value} has a time of day; a date is expected"), value=value)
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise BadCell(
            N_("{value} is not a date (format the cell as a date, or write 2026-11-22)"),
            value=value,
        )
    text = " ".join(value.split()).casefold()
    if match := _ISO.fullmatch(text) or _COMPACT.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _SPELLED.fullmatch(text)) and match[2] in _MONTHS:
        day, month, year = int(match[1]), _MONTHS[match[2]], int(match[3])
    else:
        raise BadCell(
            N_("{value} is not a date (write 2026-11-22, 22/11/2026 or 22 november 2026)"),
            value=repr(value),
        )
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise BadCell(N_("{value} is not a date in the calendar"), value=repr(value)) from None


def _write_date(value: Any, _language: str) -> Any:
    return dt.date.fromisoformat(value) if value else None


# --- numbers, booleans, codes --------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NO_LIMIT = {"ingen", "ingen gräns", "obegränsat", "none", "no limit", "unlimited"}
_NO_LIMIT_WRITTEN = {"sv": "ingen gräns", "en": "no limit"}


def _whole(value: Any) -> Any:
    if _blank(value):
        return MISSING
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", _SPACES.sub("", value)):
        return int(_SPACES.sub("", value))
    raise BadCell(N_("{value} is not a whole number"), value=repr(value))


def _limit(value: Any) -> Any:
    # A limit whose default is not "none": the words say "no limit", an empty cell the default.
    if isinstance(value, str) and " ".join(value.split()).casefold() in _NO_LIMIT:
        return None
    try:
        return _whole(value)
    except BadCell:
        raise BadCell(
            N_("{value} is not a whole number (or «ingen gräns» for no limit)"), value=repr(value)
        ) from None


def _write_limit(value: Any, language: str) -> Any:
    return _NO_LIMIT_WRITTEN.get(language, "no limit") if value is None else value


def _amount(value: Any) -> Any:
    if _blank(value):
        return MISSING
    if isinstance(value, bool):
        raise BadCell(N_("{value} is not an amount"), value=repr(value))
    if isinstance(value, int | float | Decimal):
        return str(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    text = _SPACES.sub("", str(value)).casefold().removesuffix(":-")
    for unit in ("kr", "sek"):
        text = text.removesuffix(unit)
    if "," in text and ("." not in text or text.rindex(",") > text.rindex(".")):
        text = text.replace(".", "").replace(",", ".")  # 18.500,50 or 18500,50
    else:
        text = text.replace(",", "")  # 18,500.50
    try:
        return str(Decimal(text))
    except InvalidOperation:
        raise BadCell(N_("{value} is not an amount (write 18 500,00)"), value=repr(value)) from None


def _write_amount(value: Any, _language: str) -> Any:
    return Decimal(value) if value is not None else None


_TRUE = {"ja", "j", "yes", "y", "true", "sant", "x", "1"}
_FALSE = {"nej", "n", "no", "false", "falskt", "0"}


def _boolean(value: Any) -> Any:
    if _blank(value):
        return MISSING
    if isinstance(value, bool):
        return value
    text = _as_text(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadCell(N_("{value} is not ja or nej"), value=repr(value))


def _write_boolean(value: Any, language: str) -> Any:
    if value is None:
        return None
    return ("ja" if value else "nej") if language == "sv" else ("yes" if value else "no")


def _offsets(value: Any) -> Any:
    if _blank(value):
        return MISSING
    if isinstance(value, int | float):
        return [_whole(value)]
    parts = [part for part in re.split(r"[;,\s]+", str(value)) if part]
    try:
        return [_whole(part) for part in parts]
    except BadCell:
        raise BadCell(
            N_("{value} is not a list of days (write 60; 30; 7)"), value=repr(value)
        ) from None


def _write_offsets(value: Any, _language: str) -> Any:
    return "; ".join(str(day) for day in value) if value else None


def _faq(value: Any) -> Any:
    if _blank(value):
        return MISSING
    try:
        entries = json.loads(str(value))
    except ValueError:
        entries = None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BadCell(
            N_('not a list of questions and answers as JSON: [{{"question": …, "answer": …}}]')
        )
    return entries


def _write_faq(value: Any, _language: str) -> Any:
    return json.dumps(value, ensure_ascii=False) if value else None


def _records(value: Any) -> Any:
    # Records within a record (annulled decisions) travel as the JSON export writes them.
    if _blank(value):
        return MISSING
    try:
        entries = json.loads(str(value))
    except ValueError:
        entries = None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BadCell(N_("not a list of records as JSON: [{{…}}, …]"))
    return entries


def enum(kind: type[Any]) -> CellKind:
    """A code of ``kind`` (an enum), read by its code or its Swedish or English name
    (``in_force``, ``gällande``, ``in force``) and written by its name in the language."""
    names: dict[str, str] = {}
    for member in kind:
        for name in (member.value, member.value.replace("_", " "), label(member.value, "sv")):
            names[name.casefold()] = member.value
        names[label(member.value, "en").casefold()] = member.value
    choices = ", ".join(label(member.value, "sv") for member in kind)

    def read(value: Any) -> Any:
        text = _as_text(value)
        if text is MISSING:
            return MISSING
        code = names.get(" ".join(text.split()).casefold())
        if code is None:
            raise BadCell(N_("{value} is not one of {choices}"), value=repr(text), choices=choices)
        return code

    def write(value: Any, language: str) -> Any:
        return label(value, language) if value is not None else None

    return CellKind(f"enum:{kind.__name__}", read, write)


def _ref(value: Any) -> Any:
    text = _as_text(value)
    return text.strip() if text is not MISSING else MISSING


TEXT = CellKind("text", _as_text, _write_text)
REF = CellKind("ref", _ref, _write_text)
LINES = CellKind("lines", _split, _join)
DATE = CellKind("date", _date, _write_date)
WHOLE = CellKind("whole", _whole, lambda value, _language: value)
LIMIT = CellKind("limit", _limit, _write_limit)
AMOUNT = CellKind("amount", _amount, _write_amount)
BOOLEAN = CellKind("boolean", _boolean, _write_boolean)
OFFSETS = CellKind("offsets", _offsets, _write_offsets)
FAQ = CellKind("faq", _faq, _write_faq)
RECORDS = CellKind("records", _records, _write_faq)
