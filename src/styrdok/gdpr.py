"""Pseudonymisation (GDPR art. 17 and 5.1 e): replace one person's data everywhere.

A person's ref, name and e-mail address can sit in many places: the person record, every
document they own or guard, dispensations, decisions, questions, version snapshots,
reminder ledgers, free text ("ring Anna Lind") and the audit log's before/after payloads.
:func:`replacer` builds one function that rewrites any stored value — a string, or JSON of
any depth — and the store applies it to every row. Refs and e-mail addresses are replaced
where they stand as whole words, and the name in any case, in the genitive, across any
white space and in NFC or NFD form (:mod:`styrdok.scrub`, shared with the public export).

What stays: the unit (an organisational fact the governance report groups by) and every
decision, date and text that does not name the person. History stays intact — only who it
was becomes a pseudonym.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import attrs

from styrdok import scrub
from styrdok.model import Person
from styrdok.scrub import Scrubber, Shown

#: Replaces an e-mail address found in free text.
EMAIL_REMOVED = "[e-post borttagen]"


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


def replacer(person: Person, pseudonym: Pseudonym) -> Callable[[Any], Any]:
    """A function that returns any stored value with ``person`` replaced by ``pseudonym``;
    values that do not mention them are returned as they are (the same object).

    Mentions are found by :mod:`styrdok.scrub` (name in any case, in the genitive, across
    any white space, NFC or NFD; ref; ``@ref``; e-mail address), the same matcher the public
    export uses. A given name alone ("Tove") is not replaced: see that module's limits."""
    scrubber = Scrubber(
        [
            (
                person,
                Shown(
                    name=pseudonym.name,
                    ref=pseudonym.ref,
                    mention=f"@{pseudonym.ref}",
                    email=EMAIL_REMOVED,
                ),
            )
        ]
    )
    email = person.email.casefold() if person.email else None

    def rewrite(value: Any) -> Any:
        if isinstance(value, str):
            if value == person.ref:
                return pseudonym.ref
            if value == person.name:  # a name field, however short the name
                return pseudonym.name
            if email is not None and value.casefold() == email:
                return None  # an e-mail field: the address is gone, not replaced by prose
            return scrubber.text(value)
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
    before the exact rewrite (:func:`styrdok.scrub.needles`: they also catch the name in
    another case, the genitive, NFD and across a no-break space)."""
    return scrub.needles(person)
