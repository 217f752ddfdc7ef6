"""Personal API tokens: how a program acts as a person in the intranet's HTTP API.

Part of the domain (pure data and pure functions, no I/O). A person — or an administrator
for them — creates a token for one purpose ("Sitevision-sidan"); the program presents its
secret with every request and acts as that person until the token expires or is revoked.

The secret is ``styrdok_<id>_<random>``: the public :attr:`ApiToken.id` (12 hex digits,
shown in lists, so a token can be named and revoked without handling its secret), then 32
random bytes in URL-safe Base64. It is handed out once; the register keeps only its SHA-256
(:attr:`ApiToken.digest`). Presenting a secret never raises anything but
:class:`~styrdok.errors.PermissionDenied`, whatever the string: it comes from the network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from styrdok import fields
from styrdok.errors import InvalidValue, PermissionDenied

if TYPE_CHECKING:
    from styrdok.model import Person

#: How long a new token works: at least a day, at most a year, three months unless asked.
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 365, 90

#: What every secret begins with: a secret scanner (GitHub's, a log filter) can find one
#: that leaked, and a person can tell a styrdok token from another system's.
PREFIX = "styrdok_"

_ID = re.compile(r"[0-9a-f]{12}")
_DIGEST = re.compile(r"[0-9a-f]{64}")
# token_urlsafe(32): 32 bytes in URL-safe Base64 without padding, always 43 characters.
_SECRET = re.compile(rf"{PREFIX}(?P<id>[0-9a-f]{{12}})_[A-Za-z0-9_-]{{43}}")
_SECRET_LENGTH = len(PREFIX) + 12 + 1 + 43

#: The one answer to a secret that does not open a token, whatever the reason: a caller
#: guessing must not learn whether an id exists or only the random part was wrong.
UNKNOWN = "unknown or wrong API token"


def _hex(pattern: re.Pattern[str], what: str) -> fields.Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is not str or not pattern.fullmatch(value):
            raise InvalidValue(f"{attribute.name}: expected {what}")

    return check


def _utc(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (type(value) is not dt.datetime or value.utcoffset() is None):
        raise InvalidValue(f"{attribute.name}: expected a date and time with its time zone")


@attrs.frozen
class ApiToken:
    """A personal API token as the register keeps it: everything but its secret."""

    id: str = attrs.field(validator=_hex(_ID, "12 lowercase hex digits"))
    """Public handle, e.g. ``3f9c0a7b12de``: shown in lists, named to revoke, part of the
    secret (so the register finds the token without trying every digest)."""
    person: str = attrs.field(validator=fields.ref)
    """The person the token acts as."""
    name: str = attrs.field(converter=fields.norm, validator=fields.line(100))
    """What it is for, e.g. *Sitevision-sidan*: so its owner knows which one to revoke."""
    digest: str = attrs.field(repr=False, validator=_hex(_DIGEST, "a SHA-256 in hex"))
    """SHA-256 of the whole secret, in hex. Never shown, exported, audited or sent in an
    event (see :func:`without_digest`)."""
    created_at: dt.datetime = attrs.field(validator=_utc)
    """When it was created (UTC)."""
    expires_on: dt.date = attrs.field(validator=fields.day)
    """The last day it works."""
    revoked_at: dt.datetime | None = attrs.field(default=None, validator=_utc)
    """When it was revoked (UTC); ``None`` while it is not."""
    last_used_on: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """The last day a request presented it (recorded once a day at most)."""

    def usable_on(self, day: dt.date) -> bool:
        """Whether the token opens the API on ``day``: not revoked, not expired. (Its
        person must be active too; the use case checks that.)"""
        return self.revoked_at is None and day <= self.expires_on

    def state_on(self, day: dt.date) -> str:
        """``valid``, ``expired`` or ``revoked`` on ``day`` (revoked wins)."""
        if self.revoked_at is not None:
            return "revoked"
        return "valid" if day <= self.expires_on else "expired"


def without_digest(token: ApiToken) -> dict[str, Any]:
    """The token as plain fields without its digest: what the audit log, events and
    lists show. The digest cannot give back the secret, but nothing outside the token's
    own row needs it, so it is kept there only."""
    return attrs.asdict(token, filter=lambda attribute, _value: attribute.name != "digest")


# --- secrets ---------------------------------------------------------------------------------


def new_token_id(taken: Callable[[str], bool]) -> str:
    """A random id not ``taken`` (48 bits: a clash is unlikely, and retried if it happens)."""
    while True:
        token_id = secrets.token_hex(6)
        if not taken(token_id):
            return token_id


def new_secret(token_id: str) -> str:
    """A new secret for the token ``token_id``: 256 random bits after the public part."""
    return f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"


def digest_of(secret: str) -> str:
    """The SHA-256 of a secret, in hex.

    A plain hash, not a slow password hash (bcrypt, Argon2): those exist to make guessing a
    *human-chosen* password from its hash expensive. A token's secret is 256 random bits, so
    guessing it from its SHA-256 is already out of reach, and a slow hash would only make
    every API request slower."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def token_id_of(secret: object) -> str:
    """The id inside a presented secret, or :class:`PermissionDenied` for anything that is
    not a styrdok secret — any string, of any length or content, or not a string at all;
    the message never repeats what was given."""
    if type(secret) is not str or len(secret) != _SECRET_LENGTH:
        raise PermissionDenied(f"{UNKNOWN}: expected styrdok_<id>_<secret>")
    found = _SECRET.fullmatch(secret)
    if found is None:
        raise PermissionDenied(f"{UNKNOWN}: expected styrdok_<id>_<secret>")
    return found["id"]


def opens(token: ApiToken, secret: str) -> bool:
    """Whether ``secret`` is this token's, compared in constant time (so the time taken
    does not tell a guesser how much of the digest they got right)."""
    return hmac.compare_digest(digest_of(secret).encode(), token.digest.encode())


def is_token_id(value: object) -> bool:
    """Whether ``value`` has the form of a token id (12 lowercase hex digits)."""
    return type(value) is str and _ID.fullmatch(value) is not None


# --- rules -----------------------------------------------------------------------------------


def require_days(days: int) -> None:
    """A token works from 1 to 365 days: a forgotten token must run out by itself."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidValue(
            f"days: a token works {MIN_DAYS} to {MAX_DAYS} days, not {days}; "
            "create a new one when it runs out"
        )


def require_may_manage(actor: Person, person: str, action: str) -> None:
    """Only the person a token acts as, or an administrator, may create or revoke it."""
    if actor.ref != person and not actor.is_admin:
        raise PermissionDenied(
            f"{actor.ref} may not {action} API tokens for {person}: only {person} or an "
            "administrator may"
        )
