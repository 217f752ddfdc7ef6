"""Confirmation links: a reminder to read carries a personal link with which its reader
confirms, without logging in, that they have read the version they were asked about —
the way staff read reminders: on a phone, outside the intranet.

Part of the domain (pure data and pure functions, no I/O): the key is passed in. A link is
``{base_url}/bekrafta/{token}``. The token names a person, a document, a version and the
last day it works (:class:`LinkClaim`), in URL-safe Base64, followed by an HMAC-SHA256 of
all that under the register's own key: whoever holds the link may confirm exactly that one
version for exactly that person, and nothing else. The key is 256 random bits kept in the
register (created on first use by :mod:`styrdok.usecases.confirm_links`), so the reminder
run and the intranet, which open the same register, agree without any configuration.

Reading a token never raises anything but :class:`~styrdok.errors.PermissionDenied`
(:class:`ExpiredLink` for one that ran out), whatever the string: it comes from the
network, and from mail scanners that rewrite links. No message repeats the token.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
import secrets

import attrs

from styrdok import fields
from styrdok.errors import InvalidValue, PermissionDenied, RegistryUnavailable
from styrdok.notify import Digest, NoticeKind
from styrdok.text import REF_PATTERN

#: How long a link works after the reminder that carried it was made: long enough for a
#: reminder read after the summer holidays (four or five weeks in Sweden), and as long as
#: a reminder to read is planned at all (:data:`styrdok.reading_reminders.READ_WINDOW`);
#: short enough that an old e-mail found in a mailbox is not a credential for ever.
LINK_DAYS = 60

#: The name the key is kept under in the register (:class:`~styrdok.store.base.SecretStore`).
KEY_NAME = "confirm_link"

#: Where the intranet serves a link (``{base_url}/bekrafta/{token}``).
PATH = "/bekrafta/"

#: The one answer to a token that is not a link this register made, whatever is wrong
#: with it: a guesser must not learn which part was right.
INVALID = "not a valid confirmation link (cut short, mistyped or not made by this register)"

# The HMAC is cut to 128 bits: still far beyond guessing (each try is a request to the
# intranet), and the link stays short enough to survive mail clients that wrap long lines.
_MAC_BYTES = 16
_MAC_CHARS = 22  # 16 bytes in URL-safe Base64 without padding
# Hashed before the payload, so a MAC made with this key for another purpose can never
# pass for a link (the key signs nothing else today; this keeps it so).
_LABEL = b"styrdok confirmation link\n"
_FORMAT = "1"
# A payload is at most "1 " + 64 + " " + 64 + " " + 9 digits + " " + 10 = 152 bytes.
_MAX_PAYLOAD_CHARS = 204
_TOKEN = re.compile(
    rf"(?P<payload>[A-Za-z0-9_-]{{4,{_MAX_PAYLOAD_CHARS}}})\.(?P<mac>[A-Za-z0-9_-]{{{_MAC_CHARS}}})"
)
_MAX_TOKEN_CHARS = _MAX_PAYLOAD_CHARS + 1 + _MAC_CHARS
_REF = REF_PATTERN.pattern
_PAYLOAD = re.compile(
    rf"{_FORMAT} (?P<person>{_REF}) (?P<document>{_REF}) (?P<version>[1-9][0-9]{{0,8}}) "
    r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})"
)
_KEY = re.compile(r"[0-9a-f]{64}")


class ExpiredLink(PermissionDenied):
    """A genuine confirmation link whose last day has passed."""


def _version(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 1 <= value <= 999_999_999:
        raise InvalidValue(f"{attribute.name}: expected a version number from 1")


@attrs.frozen
class LinkClaim:
    """What a confirmation link is about: who may confirm which version of what, until
    when."""

    person: str = attrs.field(validator=fields.ref)
    """The person the reminder was sent to: the link confirms as them."""
    document_ref: str = attrs.field(validator=fields.ref)
    version: int = attrs.field(validator=_version)
    """The version in force when the reminder was made: the one confirmed."""
    last_day: dt.date = attrs.field(validator=fields.day)
    """The last day the link works."""

    def usable_on(self, day: dt.date) -> bool:
        """Whether the link still works on ``day``."""
        return day <= self.last_day


# --- the key -------------------------------------------------------------------------------


def new_key() -> str:
    """A new key as the register keeps it: 256 random bits in lowercase hex."""
    return secrets.token_hex(32)


def key_bytes(stored: str) -> bytes:
    """The key the register keeps (:func:`new_key`'s form) as bytes; a damaged one is a
    :class:`~styrdok.errors.RegistryUnavailable` that never shows it."""
    if type(stored) is not str or not _KEY.fullmatch(stored):
        raise RegistryUnavailable(
            f"the register's key for confirmation links ({KEY_NAME!r}) is damaged: "
            "expected 64 hexadecimal digits"
        )
    return bytes.fromhex(stored)


# --- tokens --------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:  # one spelling per token: unused bits must be zero
        raise ValueError("not canonical")
    return data


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _LABEL + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def sign(key: bytes, claim: LinkClaim) -> str:
    """The token for ``claim``, signed with ``key``: URL-safe (letters, digits, ``-``,
    ``_`` and one ``.``), about 70 characters."""
    payload = (
        f"{_FORMAT} {claim.person} {claim.document_ref} {claim.version} "
        f"{claim.last_day.isoformat()}"
    ).encode("ascii")
    return f"{_b64(payload)}.{_b64(_mac(key, payload))}"


def read(key: bytes, token: object) -> LinkClaim:
    """What ``token`` claims, once its signature under ``key`` holds — however old it is
    (:func:`verify` also checks the day). :class:`PermissionDenied` (:data:`INVALID`) for
    anything else: any string of any length or content, or not a string at all."""
    if type(token) is not str or len(token) > _MAX_TOKEN_CHARS:
        raise PermissionDenied(INVALID)
    found = _TOKEN.fullmatch(token)
    if found is None:
        raise PermissionDenied(INVALID)
    try:
        payload, mac = _unb64(found["payload"]), _unb64(found["mac"])
    except (binascii.Error, ValueError):
        raise PermissionDenied(INVALID) from None
    # Compared in constant time, before the payload is looked at: nothing about a forged
    # token is read, and the time taken does not tell how much of the MAC was right.
    if not hmac.compare_digest(_mac(key, payload), mac):
        raise PermissionDenied(INVALID)
    # Signed by this key, so made by sign(); checked anyway, as a key may leak.
    parts = _PAYLOAD.fullmatch(payload.decode("ascii", errors="replace"))
    if parts is None:
        raise PermissionDenied(INVALID)
    try:
        return LinkClaim(
            parts["person"],
            parts["document"],
            int(parts["version"]),
            dt.date.fromisoformat(parts["day"]),
        )
    except (InvalidValue, ValueError):
        raise PermissionDenied(INVALID) from None


def verify(key: bytes, token: object, *, today: dt.date) -> LinkClaim:
    """What ``token`` claims, if it is a link signed with ``key`` that still works on
    ``today``: :class:`ExpiredLink` after its last day, :class:`PermissionDenied` for
    anything that is not a link (see :func:`read`)."""
    claim = read(key, token)
    if not claim.usable_on(today):
        raise ExpiredLink(
            f"this confirmation link worked until {claim.last_day}: confirm on the intranet instead"
        )
    return claim


def link(base_url: str, token: str) -> str:
    """The address of ``token``'s page below ``base_url`` (``[reminders] base_url``)."""
    return base_url.rstrip("/") + PATH + token


def with_links(
    digest: Digest,
    *,
    key: bytes,
    versions: dict[str, int],
    base_url: str,
    last_day: dt.date,
) -> Digest:
    """``digest`` with a confirmation link on each reminder to read whose document still
    asks to be read (``versions``: the version in force by ref), for its recipient, working
    until ``last_day``. Other items, and reminders of documents no longer asking, stay as
    they are."""
    items = []
    for item in digest.items:
        version = versions.get(item.ref) if item.kind is NoticeKind.READ else None
        if version is not None and REF_PATTERN.fullmatch(digest.recipient.ref):
            claim = LinkClaim(digest.recipient.ref, item.ref, version, last_day)
            item = attrs.evolve(item, confirm_link=link(base_url, sign(key, claim)))
        items.append(item)
    return attrs.evolve(digest, items=tuple(items)) if items != list(digest.items) else digest
