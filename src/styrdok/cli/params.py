"""Parameter types: dates, horizons such as ``30d``, and the enum choices."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import TYPE_CHECKING, Any, ClassVar

import click

from styrdok.cli.output import said

if TYPE_CHECKING:  # click's ParamType is generic for type checkers only in recent releases
    _DateParam = click.ParamType[dt.date]
    _IntParam = click.ParamType[int]
else:
    _DateParam = _IntParam = click.ParamType


class DateType(_DateParam):
    """A calendar date written YYYY-MM-DD."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.fail(
                said("{value} is not a date; write YYYY-MM-DD", value=repr(value)), param, ctx
            )
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(said("{value} is not a real date", value=repr(value)), param, ctx)


class HorizonType(_IntParam):
    """A number of days: ``30``, ``30d``, ``6w`` or ``3m`` (months of 30 days)."""

    name = "horizon"
    _UNITS: ClassVar[dict[str, int]] = {"d": 1, "w": 7, "m": 30}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"(\d{1,4})([dwm]?)", str(value).strip().lower())
        if not match:
            self.fail(
                said("{value} is not a horizon; write e.g. 30d, 6w or 3m", value=repr(value)),
                param,
                ctx,
            )
        return int(match.group(1)) * self._UNITS[match.group(2) or "d"]


DATE = DateType()
HORIZON = HorizonType()


def choice(kind: type[enum.Enum]) -> click.Choice[str]:
    return click.Choice([str(member.value) for member in kind])


#: ``--expect-revision N``: the optimistic lock of every command that changes a record.
EXPECT_REVISION = click.option(
    "--expect-revision",
    type=int,
    metavar="N",
    help="Refuse the change if the record is no longer at revision N (someone else changed it).",
)
