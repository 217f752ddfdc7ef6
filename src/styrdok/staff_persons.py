"""People made from the rows of a staff list without building each through ``Person()``
(:class:`Persons`): the first sync of a large municipality creates 57,000 of them, and the
constructor's converters were a third of that sync. See :mod:`styrdok.staff_list` for how a
row is read and checked before it gets here.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from typing import Any

import attrs

from styrdok.errors import InvalidValue
from styrdok.fields import Validator, norm, norm_opt
from styrdok.model import Person
from styrdok.staff_list import StaffRow, person
from styrdok.store import rebuild

#: The fields of a person, as :class:`Persons` sets them.
_PERSON_FIELDS = ("ref", "name", "email", "unit", "title", "is_admin", "active", "unit_since")


class Persons:
    """Rows of one sync as checked people, exactly as :func:`person` makes them, for the
    tens of thousands a first sync creates (building each through ``Person()`` cost a
    third of that sync).

    A row as :func:`read` leaves it already holds what each field's converter makes of its
    cell (normalised as a person's fields are: NFC, stripped, an empty cell ``None``), and
    :func:`read` held its ref to the ref rule. So a person is made without converting
    again, and each other field's own validator (``attrs.fields(Person)``) runs once, as
    ``Person()`` runs it; a unit, a title and ``unit_since``, a few hundred values over
    57,000 rows, once per value. A value a validator refuses goes to :func:`person`, whose
    error names the row and column. Only for rows :func:`read` made (their refs checked).

    Should Person be declared otherwise (a field, converter or validator this does not
    know, an ``__attrs_post_init__``), every row goes to :func:`person` instead (``fast``
    is ``False``). While :data:`styrdok.store.rebuild.CHECK` is on (the test suite turns it
    on), every row is made both ways and the two compared, as a record rebuilt from the
    store is."""

    def __init__(self, shown: Mapping[str, str]) -> None:
        self.shown = shown
        declared = attrs.fields(Person)
        # What the checks below rely on: each field's converter (the reader's
        # normalisation is norm's and norm_opt's) and whether it has a validator.
        relied_on = {
            "ref": (None, True), "name": (norm, True), "email": (norm_opt, True),
            "unit": (norm_opt, True), "title": (norm_opt, True),
            "is_admin": (None, False), "active": (None, False), "unit_since": (None, True),
        }  # fmt: skip
        slots = [vars(Person).get(name) for name in _PERSON_FIELDS]
        self.fast = (
            {field.name: (field.converter, field.validator is not None) for field in declared}
            == relied_on
            and all(isinstance(slot, types.MemberDescriptorType) for slot in slots)
            and not hasattr(Person, "__attrs_post_init__")
        )
        # Each field set through its slot, in order, as attrs' own __init__ sets it.
        self.setters = [slot.__set__ for slot in slots if slot is not None] if self.fast else []
        self.is_admin = declared.is_admin.default
        self.name = _check(declared.name)
        self.email = _check(declared.email)
        self.unit = _check(declared.unit)
        self.title = _check(declared.title)
        self.since = _check(declared.unit_since)
        # The units, titles and days that passed their field's validator.
        self.units: set[str | None] = set()
        self.titles: set[str | None] = set()
        self.days: set[dt.date | None] = set()

    def person(self, row: StaffRow, *, unit_since: dt.date | None) -> Person:
        """The row as a person with ``unit_since``, every field rule applied (a problem is
        one :class:`~styrdok.spreadsheets.SheetError` naming the row and the column)."""
        if not self.fast:
            return person(row, self.shown, unit_since=unit_since)
        _, ref, name, email, unit, title, active = row
        made = object.__new__(Person)
        set_ref, set_name, set_email, set_unit, set_title, set_admin, set_active, set_since = (
            self.setters
        )
        set_ref(made, ref)
        set_name(made, name)
        set_email(made, email)
        set_unit(made, unit)
        set_title(made, title)
        set_admin(made, self.is_admin)
        set_active(made, active)
        set_since(made, unit_since)
        try:  # then validated, as Person() validates: the instance and each field
            field, check = self.name
            check(made, field, name)
            field, check = self.email
            check(made, field, email)
            if unit not in self.units:
                _once(made, self.unit, unit, self.units)
            if title not in self.titles:
                _once(made, self.title, title, self.titles)
            if unit_since not in self.days:
                _once(made, self.since, unit_since, self.days)
        except InvalidValue:
            ordinary = person(row, self.shown, unit_since=unit_since)  # names row and column
            if rebuild.CHECK:
                message = f"row {row.number}: Person() takes what Persons refuses"
                raise AssertionError(message) from None
            return ordinary
        if rebuild.CHECK:
            _compare(row, made, self.shown, unit_since)
        return made


def _check(field: attrs.Attribute[Any]) -> tuple[attrs.Attribute[Any], Validator]:
    """A field and its validator (a stand-in for a field without one: then
    :class:`Persons` is not ``fast`` and never calls it)."""
    return field, field.validator or _unchecked


def _unchecked(_inst: Any, _attribute: Any, _value: Any) -> None:
    return None


def _compare(
    row: StaffRow, made: Person, shown: Mapping[str, str], unit_since: dt.date | None
) -> None:
    """Raise ``AssertionError`` when Person() refuses the row Persons made ``made`` of, or
    makes another person of it."""
    from styrdok.spreadsheets import SheetError

    try:
        ordinary = person(row, shown, unit_since=unit_since)
    except SheetError as exc:
        raise AssertionError(f"row {row.number}: Persons takes what Person() refuses") from exc
    differ = [
        name
        for name in _PERSON_FIELDS
        if getattr(made, name) != getattr(ordinary, name)
        or type(getattr(made, name)) is not type(getattr(ordinary, name))
    ]
    if differ:
        raise AssertionError(f"row {row.number}: Persons and Person() differ in {differ}")


def _once(
    made: Person, checked: tuple[attrs.Attribute[Any], Validator], value: Any, passed: set[Any]
) -> None:
    """Validate ``value`` with its field's own validator, and remember that it passed."""
    field, check = checked
    check(made, field, value)
    passed.add(value)
