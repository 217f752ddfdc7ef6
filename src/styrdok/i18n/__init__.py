"""Texts people read in reminders, in Swedish (default) or English.

Source strings are English; ``locale/sv/LC_MESSAGES/styrdok.po`` translates them, compiled to
``styrdok.mo`` (``python -m styrdok.i18n`` re-extracts and recompiles; a test fails when the
catalog is stale or incomplete). Dates are written the way each language writes them, by
Babel.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "styrdok"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog for ``language``; English needs none (the source strings are English)."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def long_date(day: dt.date, language: str) -> str:
    """``22 november 2026`` in Swedish, ``22 November 2026`` in English."""
    from babel.dates import format_date

    return format_date(day, format="long", locale="sv_SE" if language == "sv" else "en_GB")
