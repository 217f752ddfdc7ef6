"""Texts people read — reminders, tables, reports, the command line's help and usage
errors — in Swedish (default) or English.

Source strings are English; ``locale/sv/LC_MESSAGES/styrdok.po`` translates them, compiled to
``styrdok.mo`` (``python -m styrdok.i18n`` re-extracts and recompiles; a test fails when the
catalog is stale or incomplete). Dates are written the way each language writes them, by
Babel. The errors the core raises stay English in the code and are translated where they
are shown (:mod:`styrdok.i18n.errors`).
"""

from __future__ import annotations

import datetime as dt
import gettext
from decimal import Decimal
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "styrdok"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog for ``language``; English needs none (the source strings are English)."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def money(amount: Decimal, currency: str, language: str) -> str:
    """An amount the way each language writes it, by Babel: ``18 500 kr`` in Swedish (a
    no-break space between thousands, the currency after), ``18,500 SEK`` in English; öre
    or cents only when there are any (``1 200,50 kr``)."""
    from babel.numbers import format_currency

    locale = "sv_SE" if language == "sv" else "en_GB"
    pattern = "#,##0 ¤" if amount == amount.to_integral_value() else "#,##0.00 ¤"
    return format_currency(amount, currency, locale=locale, format=pattern, currency_digits=False)


def long_date(day: dt.date, language: str) -> str:
    """``22 november 2026`` in Swedish, ``22 November 2026`` in English."""
    from babel.dates import format_date

    return format_date(day, format="long", locale="sv_SE" if language == "sv" else "en_GB")
