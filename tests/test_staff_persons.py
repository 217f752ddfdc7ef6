"""The people a staff sync makes without ``Person()`` (``staff_persons.Persons``, for the
thousands a first sync creates) are the people ``Person()`` makes of the same cells, and a
value one refuses, the other refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from styrdok import staff_list
from styrdok.errors import InvalidValue
from styrdok.model import Person
from styrdok.sheet_layout import HeadingMap
from styrdok.spreadsheets import SheetError
from styrdok.staff_persons import Persons
from styrdok.text import REF_PATTERN

HEADINGS = ["Användarnamn", "Namn", "E-post", "Enhet", "Befattning"]

#: Cells as HR's files hold them: any text (control, invisible and combining characters,
#: odd spaces), text around the 200 characters a line may have, and e-mail addresses.
CELL = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=" \t\n\u00a0\u2000\u200b\u0301\u00adaAåÅé@.-_", max_size=12),
    st.builds(str.__mul__, st.sampled_from(["a", "å", "a\u0301", " "]), st.integers(195, 205)),
    st.emails(),
)
REF = st.one_of(st.from_regex(REF_PATTERN, fullmatch=True), st.just(" anna.lind "))
DAY = st.one_of(st.none(), st.dates(dt.date(1890, 1, 1), dt.date(2210, 12, 31)))

_cells = staff_list._Cells(staff_list._headings(1, HEADINGS, HeadingMap({}, ())))
#: One for every example, so a unit, title or day checked in one is taken as checked later.
_persons = Persons({key: key for key in ("ref", "name", "email", "unit", "title")})


def _ordinary(ref: str, cells: list[str], active: bool, since: dt.date | None) -> Any:
    """``Person()`` of the cells as they are (its converters normalise them), or the
    refusal."""
    name, email, unit, title = cells
    try:
        return Person(ref=ref, name=name, email=email, unit=unit, title=title, active=active,
                      unit_since=since)  # fmt: skip
    except InvalidValue as exc:
        return exc


def test_the_fast_way_is_taken() -> None:
    """Person is declared as Persons relies on (else every row would go to Person())."""
    assert _persons.fast


@example(ref="anna.lind", cells=["Anna Lind", "anna@kommun.se", "IT", "Chef"], active=True,
         since=dt.date(2026, 1, 1))  # fmt: skip
@example(ref="anna.lind", cells=[" ", "", "", ""], active=True, since=None)
@example(ref="Anna.Lind", cells=[" Åsa ", " a@b.se", "Sko\u0308la ", "La\u0308rare"], active=True,
         since=None)  # fmt: skip
@example(ref="anna.lind", cells=["a\u0301", "a@b", "x" * 201, "\u200b"], active=False,
         since=dt.date(1899, 12, 31))  # fmt: skip
@settings(max_examples=300)
@given(ref=REF, cells=st.lists(CELL, min_size=4, max_size=4), active=st.booleans(), since=DAY)
def test_a_row_makes_the_person_person_makes(
    ref: str, cells: list[str], active: bool, since: dt.date | None
) -> None:
    """Read as a staff list reads a row, the cells make the same person through Persons as
    through Person(), or both refuse them (Persons naming the row and column)."""
    values = _cells.read(2, [ref, *cells])
    row = staff_list.StaffRow(2, *values[:5], active)
    assert row.ref is not None and REF_PATTERN.fullmatch(row.ref)  # as read() requires

    expected = _ordinary(row.ref, cells, active, since)

    for _ in range(2):  # the second time, what was checked once is remembered
        if isinstance(expected, InvalidValue):
            with pytest.raises(SheetError):
                _persons.person(row, unit_since=since)
        else:
            made = _persons.person(row, unit_since=since)
            assert type(made) is Person
            assert attrs.asdict(made) == attrs.asdict(expected)
            assert made == expected and hash(made) == hash(expected)
