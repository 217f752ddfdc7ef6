"""Errors the registry raises. Each carries a one-line message fit to show a user."""

from __future__ import annotations


class StyrdokError(Exception):
    """Base of every error styrdok raises on purpose."""


class InvalidValue(StyrdokError, ValueError):
    """A value is malformed in itself: a bad reference, date, length or character."""


class NotFound(StyrdokError, LookupError):
    """A referenced person, body, document or dispensation does not exist."""


class AlreadyExists(StyrdokError):
    """Something with that reference already exists."""


class PermissionDenied(StyrdokError):
    """The acting person may not do this."""


class RuleViolation(StyrdokError):
    """The change breaks a governance rule (dates, durations, states, funding …)."""


class Conflict(StyrdokError):
    """Someone else changed the item since it was read (optimistic locking)."""


class RegistryUnavailable(StyrdokError):
    """The database is missing, not initialised, out of date or locked."""
