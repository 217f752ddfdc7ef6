"""The Swedish working-day calendar: reminders never fall on a weekend or holiday.

Public holidays come from the ``holidays`` package. Midsummer Eve, Christmas Eve and New
Year's Eve are not public holidays in law, but municipal offices are closed and agreements
treat them as Sundays, so a reminder on those days would be read a day late: they count as
non-working days too.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _non_working(year: int) -> frozenset[dt.date]:
    days = set(holidays.country_holidays("SE", years=year))
    midsummer_day = next(d for d in days if d.month == 6 and d.weekday() == 5 and d.day >= 20)
    days.update(
        {midsummer_day - dt.timedelta(days=1), dt.date(year, 12, 24), dt.date(year, 12, 31)}
    )
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, and not a Swedish public holiday or de facto holiday eve."""
    return day.weekday() < 5 and day not in _non_working(day.year)


@cache  # a reminder run asks about the same few hundred dates again and again
def previous_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
