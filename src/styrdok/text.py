"""Cleaning and checking of references and free text.

Governing documents are official records: text is normalised to Unicode NFC so that the
same words always compare equal, and characters that hide or reorder what a reader sees
(control and bidirectional-override characters, the "Trojan Source" trick) are refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from styrdok.errors import InvalidValue

REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Explicit directional formatting characters (Unicode TR9) and the byte-order mark.
_HIDDEN = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
# The same rules as one regular expression, for the fast path: control characters (Unicode
# category Cc is exactly U+0000–001F and U+007F–009F) and the hidden ones above.
_BAD_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def _shorten(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


def valid_ref(value: Any) -> str:
    """Return ``value`` if it is a reference: 1–64 ASCII letters, digits, ``.``, ``_``, ``-``."""
    if type(value) is not str or not REF_PATTERN.fullmatch(value):
        raise InvalidValue(
            f"invalid reference {_shorten(str(value))}: use 1–64 letters A–Z, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    return value


def _check_characters(value: str, *, allow_newlines: bool) -> None:
    for char in value:
        if char in _HIDDEN:
            raise InvalidValue(
                f"text contains a hidden direction-changing character U+{ord(char):04X}"
            )
        if unicodedata.category(char) == "Cc" and not (allow_newlines and char in "\n\t"):
            raise InvalidValue(f"text contains the control character U+{ord(char):04X}")


def normalise(text: str) -> str:
    """Unicode NFC, surrounding white space removed."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def normalise_text(text: str) -> str:
    """Like :func:`normalise`, for free text of several lines: line breaks become LF.

    Browsers send a textarea's line breaks as CR LF (the HTML standard says so), files
    from Windows carry CR LF and old Mac files a lone CR. They all mean "new line", so every
    edge (a form, the API, an import) gets the same text, and the rule that refuses
    control characters still refuses a CR anywhere else (single-line fields keep
    refusing CR and LF alike: they use :func:`normalise`).
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return normalise(text)


def is_clean_line(value: object, limit: int) -> bool:
    """Fast check: a non-empty line within ``limit`` without forbidden characters."""
    return type(value) is str and 0 < len(value) <= limit and _BAD_IN_LINE.search(value) is None


def is_clean_text(value: object, limit: int) -> bool:
    """Fast check: free text within ``limit`` without forbidden characters."""
    return type(value) is str and len(value) <= limit and _BAD_IN_TEXT.search(value) is None


def check_line(value: Any, *, limit: int) -> str:
    """Check one line of text: not empty, no hidden characters, at most ``limit`` long."""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    if not value:
        raise InvalidValue("text must not be empty")
    _check_characters(value, allow_newlines=False)
    if len(value) > limit:
        raise InvalidValue(f"text is {len(value)} characters long; at most {limit} are allowed")
    return value


def check_text(value: Any, *, limit: int) -> str:
    """Check free text (may be empty, newlines allowed)."""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    _check_characters(value, allow_newlines=True)
    if len(value) > limit:
        raise InvalidValue(f"text is {len(value)} characters long; at most {limit} are allowed")
    return value


def valid_email(value: Any) -> str | None:
    """Return a plausible e-mail address, or ``None`` for none."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value):
        raise InvalidValue(f"invalid e-mail address {_shorten(str(value))}")
    return value
