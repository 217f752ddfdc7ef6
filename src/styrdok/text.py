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


def _shorten(value: str, limit: int = 40) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


def valid_ref(value: Any) -> str:
    """Return ``value`` if it is a reference: 1–64 ASCII letters, digits, ``.``, ``_``, ``-``."""
    if not isinstance(value, str) or not REF_PATTERN.fullmatch(value):
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


def clean_line(value: Any, *, limit: int) -> str:
    """Return one line of text, stripped and NFC-normalised, at most ``limit`` characters."""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise InvalidValue("text must not be empty")
    _check_characters(text, allow_newlines=False)
    if len(text) > limit:
        raise InvalidValue(f"text is {len(text)} characters long; at most {limit} are allowed")
    return text


def clean_text(value: Any, *, limit: int) -> str:
    """Return free text (newlines allowed), stripped and NFC-normalised; may be empty."""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip()
    _check_characters(text, allow_newlines=True)
    if len(text) > limit:
        raise InvalidValue(f"text is {len(text)} characters long; at most {limit} are allowed")
    return text


def valid_email(value: Any) -> str | None:
    """Return a plausible e-mail address, or ``None`` for none."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.fullmatch(value.strip()):
        raise InvalidValue(f"invalid e-mail address {_shorten(str(value))}")
    return value.strip()
