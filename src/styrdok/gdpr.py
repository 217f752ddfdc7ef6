"""Pseudonymisation (GDPR art. 17 and 5.1 e): replace one person's data everywhere.

A person's ref, name and e-mail address can sit in many places: the person record, every
document they own or guard, dispensations, decisions, questions, version snapshots,
reminder ledgers, free text ("ring Anna Lind") and the audit log's before/after payloads.
:func:`replacer` builds one function that rewrites any stored value — a string, or JSON of
any depth — and the store applies it to every row. Refs and e-mail addresses are replaced
where they stand as whole words; the full name wherever it appears.

What stays: the unit (an organisational fact the governance report groups by) and every
decision, date and text that does not name the person. History stays intact — only who it
was becomes a pseudonym.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import attrs

from styrdok.model import Person

#: Replaces an e-mail address found in free text.
EMAIL_REMOVED = "[e-post borttagen]"


@attrs.frozen
class RewriteResult:
    """What a store's rewrite changed."""

    rows: int
    """Rows outside the audit log that mentioned the person."""
    events_resealed: int
    """Audit events re-hashed: the first that mentioned the person and every later one."""
    resealed_from: int | None
    previous_head: str | None
    """The chain's last hash before the rewrite, for anyone who anchored it elsewhere."""


@attrs.frozen
class Pseudonym:
    ref: str
    name: str


def new_pseudonym(taken: Callable[[str], bool]) -> Pseudonym:
    """A random pseudonym (not derived from the person, so it cannot be recomputed)."""
    while True:
        token = secrets.token_hex(4)
        ref = f"anon-{token}"
        if not taken(ref):
            return Pseudonym(ref=ref, name=f"Anonymiserad {token}")


def _whole_word(text: str, *, flags: int = 0) -> re.Pattern[str]:
    # Refs may contain dots and dashes (anna.lind, anna-lind): a match must not be part of a
    # longer ref such as anna.lindqvist or anna.lind2.
    return re.compile(rf"(?<![\w.@-]){re.escape(text)}(?![\w@-]|\.\w)", flags)


def replacer(person: Person, pseudonym: Pseudonym) -> Callable[[Any], Any]:
    """A function that returns any stored value with ``person`` replaced by ``pseudonym``;
    values that do not mention them are returned as they are (the same object)."""
    patterns: list[tuple[re.Pattern[str], str]] = [(_whole_word(person.ref), pseudonym.ref)]
    if len(person.name) >= 3:
        patterns.append((_whole_word(person.name), pseudonym.name))
    if person.email:
        patterns.append((_whole_word(person.email, flags=re.IGNORECASE), EMAIL_REMOVED))
    email = person.email.casefold() if person.email else None

    def text(value: str) -> str | None:
        if value == person.ref:
            return pseudonym.ref
        if value == person.name:
            return pseudonym.name
        if email is not None and value.casefold() == email:
            return None  # an e-mail field: the address is gone, not replaced by prose
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value

    def rewrite(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, dict):
            changed = {k: rewrite(v) for k, v in value.items()}
            return value if changed == value else changed
        if isinstance(value, list):
            items = [rewrite(v) for v in value]
            return value if items == value else items
        return value

    return rewrite


def needles(person: Person) -> list[str]:
    """Substrings a stored row must contain to possibly mention ``person`` — a cheap filter
    before the exact rewrite."""
    found = [person.ref, person.name]
    if person.email:
        found.append(person.email)
    return found
