"""Web addresses in the register: only a web page may be behind a link.

A URL field holds a link someone will click. A ``javascript:``, ``data:`` or ``vbscript:``
link runs code in the reader's session, and a ``file:`` link reaches into their own machine.
So a URL is refused unless it is an absolute ``https``/``http`` address with a host, nothing
a browser or a person could read two ways (spaces, control, invisible or bidi characters, a
backslash, ``user:pass@`` before the host), and at most :data:`MAX_URL_LENGTH` characters.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import attrs

from styrdok.errors import InvalidValue
from styrdok.fields import DOMAIN_LABEL, _checked, norm_opt
from styrdok.text import check_line, is_clean_line

#: The schemes a link in the register may have.
WEB_SCHEMES = frozenset({"https", "http"})
#: The longest address a URL field keeps (the columns hold 2,000 characters).
MAX_URL_LENGTH = 2_000
# Characters RFC 3986 never allows unencoded, and a backslash, which browsers read as "/"
# in a web address (``https://good.example\@evil.example`` goes to evil.example).
_URL_FORBIDDEN = frozenset(' "<>\\^`{|}')
_HOST = re.compile(rf"{DOMAIN_LABEL}(?:\.{DOMAIN_LABEL})*\.?")


def _url_problem(value: str) -> str | None:
    """Why ``value`` is not a web address a reader may safely click, or ``None``."""
    if len(value) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters"
    scheme, colon, _rest = value.partition(":")
    if not colon or scheme.lower() not in WEB_SCHEMES:
        return "is not a web address: only https:// and http:// links are kept"
    for char in value:
        if char in _URL_FORBIDDEN or unicodedata.category(char)[0] in "CZ":
            return f"contains {_char_name(char)}; write it percent-encoded (a space as %20)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number 0–65535
    except ValueError as exc:
        return f"cannot be read as a web address ({exc})"
    if "@" in parts.netloc:
        return "names a user or password before the host (user:pass@); leave them out"
    host = parts.hostname or ""
    if not host:
        return "has no host: write it as https://host/path"
    if parts.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"has an invalid host {host!r}"
    elif len(host) > 253 or not _HOST.fullmatch(host):
        return f"has an invalid host {host[:60]!r}"
    return None


def _char_name(char: str) -> str:
    return f"{unicodedata.name(char, 'a control character')} (U+{ord(char):04X})"


def is_web_url(value: object) -> bool:
    """Whether ``value`` is a web address a reader may safely click (see
    :func:`check_web_url`); for a renderer that re-checks every link before it makes one."""
    return isinstance(value, str) and _url_problem(value) is None


def check_web_url(value: Any) -> str:
    """Return ``value`` if it is an absolute ``https``/``http`` address with a host, no
    credentials, no spaces or hidden characters and at most :data:`MAX_URL_LENGTH`
    characters; else :class:`InvalidValue` saying what is wrong, on one line."""
    if not isinstance(value, str):
        raise InvalidValue(f"expected a web address, got {type(value).__name__}")
    problem = _url_problem(value)
    if problem is not None:
        shown = value if len(value) <= 60 else value[:59] + "…"
        raise InvalidValue(f"{shown!r} {problem}, e.g. https://kommun.se/styrdokument/pol-1")
    return value


class StoredUrl(str):
    """A URL read back from the register that the rule above refuses because it was
    stored before the rule existed. Reading it never fails (the register stays readable
    and exportable); it is kept as it was until someone replaces it, and nothing renders
    it as a link. Only the store makes these (:func:`stored_url`); a value given by a user,
    an import or the Python API is a plain ``str`` and is checked in full."""

    __slots__ = ()


def stored_url(value: Any) -> Any:
    """A URL column as read from the store: a :class:`StoredUrl` if it no longer passes
    :func:`check_web_url`, otherwise the value as it is."""
    if isinstance(value, str) and not isinstance(value, StoredUrl) and not is_web_url(value):
        return StoredUrl(value)
    return value


def norm_url(value: Any) -> Any:
    """Like :func:`norm_opt`; a :class:`StoredUrl` is kept as it is (and as what it is)."""
    return value if isinstance(value, StoredUrl) else norm_opt(value)


def opt_web_url(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A web address as :func:`check_web_url` requires, or ``None``. A
    :class:`StoredUrl` (read from the store) is held to the older rule it was stored
    under: one clean line of at most :data:`MAX_URL_LENGTH` characters."""
    if value is None:
        return
    if isinstance(value, StoredUrl):
        if not is_clean_line(value, MAX_URL_LENGTH):
            _checked(attribute, lambda v: check_line(v, limit=MAX_URL_LENGTH), value)
        return
    _checked(attribute, check_web_url, value)
