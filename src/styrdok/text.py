"""Cleaning and checking of references and free text.

Governing documents are official records: text is normalised to Unicode NFC so that the
same words always compare equal (queries too: :func:`normalise_query`), and characters that
hide or reorder what a reader sees (control and bidirectional-override characters, the
"Trojan Source" trick) are refused; a line (a name, a title) refuses every invisible
character too, so two names that look the same are the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from styrdok.errors import AlreadyExists, InvalidValue

REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Explicit directional formatting characters (Unicode TR9) and the byte-order mark.
_HIDDEN = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
# Characters that show nothing, so two lines that look the same can differ: every format
# character (Unicode category Cf: soft hyphen, zero-width space and joiners, word joiner,
# directional marks, the byte-order mark, tag characters, …), the line and paragraph
# separators (Zl, Zp: a line break inside one line), and the other default-ignorable code
# points Unicode says render as nothing (combining grapheme joiner, Hangul fillers,
# variation selectors, Mongolian free variation selectors). One line of text (a name, a
# title, a clause) refuses them all; ``test_lookalikes`` checks this class against the
# running Python's Unicode database, so a character added to Cf later is not missed.
_INVISIBLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
# The same rules as one regular expression each, for the fast path (an import checks about
# a million fields): control characters (Unicode category Cc is exactly U+0000–001F and
# U+007F–009F), plus the invisible ones above in a line, or the hidden ones in free text.
_BAD_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def as_line(value: str, limit: int) -> str:
    """Free text made into one line: white space (line breaks too) collapsed to single
    spaces, characters a line refuses dropped, cut at ``limit`` characters. For a question
    that becomes an FAQ heading: what free text allows must not stop it there."""
    return " ".join(_BAD_IN_LINE.sub(" ", value).split())[:limit]


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


def ref_key(ref: str) -> str:
    """What refs are compared by: two refs that differ only in case (``Anna.Lind``,
    ``anna.lind``) are the same ref. Refs are ASCII, so this is SQL's ``lower(ref)`` too."""
    return ref.lower()


def check_new_ref(kind: str, ref: str, existing: Sequence[str]) -> None:
    """Refuse ``ref`` for a new ``kind`` (person, body, document) when ``existing`` — the
    stored refs equal to it regardless of case (``BulkStore.existing_refs``) — holds one,
    naming the ref as stored."""
    key = ref_key(ref)
    for stored in existing:
        if ref_key(stored) == key:
            why = "" if stored == ref else " (refs are compared regardless of case)"
            raise AlreadyExists(f"{kind} {stored} already exists{why}")


def _check_characters(value: str, *, allow_newlines: bool) -> None:
    """Explain the first character the fast check refuses (it and this must agree)."""
    found = (_BAD_IN_TEXT if allow_newlines else _BAD_IN_LINE).search(value)
    if found is None:
        return
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char in _HIDDEN:
        raise InvalidValue(f"text contains a hidden direction-changing character {code}")
    if unicodedata.category(char) == "Cc":
        raise InvalidValue(f"text contains the control character {code}")
    name = unicodedata.name(char, "")
    if unicodedata.category(char) in ("Zl", "Zp"):
        raise InvalidValue(f"text contains the line break {code} ({name}); give one line")
    raise InvalidValue(
        f"text contains the invisible character {code}{f' ({name})' if name else ''}; remove it"
    )


def normalise(text: str) -> str:
    """Unicode NFC, surrounding white space removed."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.strip()


def normalise_query(text: str) -> str:
    """A search or filter text as the stored text it is compared with: NFC, stripped.

    Stored text passed :func:`normalise`, so a query must too, or "ä" sent decomposed
    ("a" + U+0308, as some systems and keyboards send it) finds nothing. Every place a
    user's query meets stored text calls this one function."""
    return normalise(text)


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
