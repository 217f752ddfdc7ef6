"""Use cases for the notices a person wants: opting out of a kind of notice, and back in.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
A person changes their own opt-outs; an administrator anyone's. Decisions about a request
cannot be muted (:data:`ALWAYS_TOLD`): the seeds' promise is that whoever asks for a
dispensation hears what was decided. The reminder run leaves out every other kind a
person muted (:func:`styrdok.reminders.plan`); nothing is recorded in the ledger for it, so
opting back in brings the next reminder due, not a backlog.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from styrdok import events
from styrdok.errors import InvalidValue, NotFound, PermissionDenied, RuleViolation
from styrdok.notify import ALWAYS_TOLD, NoticeKind
from styrdok.usecases.arguments import use_case

if TYPE_CHECKING:
    from styrdok.registry import Registry


def _kinds(values: Iterable[NoticeKind | str]) -> frozenset[NoticeKind]:
    """``values`` as kinds of notice (their codes are taken too); one line for an unknown."""
    if isinstance(values, str):
        raise InvalidValue("kinds: expected a collection of kinds of notice, got one text")
    found = set()
    for value in values:
        try:
            found.add(NoticeKind(value))
        except ValueError:
            choices = ", ".join(kind.value for kind in NoticeKind)
            raise InvalidValue(f"unknown kind of notice {value!r}; one of {choices}") from None
    return frozenset(found)


@use_case
def muted_notices(registry: Registry, person: str) -> frozenset[NoticeKind]:
    """The kinds of notice ``person`` opted out of (empty: they hear everything)."""
    with registry.session.read() as store:
        if store.get_person(person) is None:
            raise NotFound(f"unknown person {person!r}")
        return store.muted_kinds([person]).get(person, frozenset())


@use_case
def set_notices(
    registry: Registry,
    person: str,
    *,
    mute: Iterable[NoticeKind | str] = (),
    unmute: Iterable[NoticeKind | str] = (),
    actor: str | None,
) -> frozenset[NoticeKind]:
    """Opt ``person`` out of the kinds in ``mute`` and back into those in ``unmute``, and
    return what they are opted out of now. Only the person themself or an administrator
    may; decisions about requests cannot be muted (:class:`RuleViolation`). Audited as
    ``person.notices`` when anything changes; nothing is written otherwise."""
    muting, unmuting = _kinds(mute), _kinds(unmute)
    if muting & unmuting:
        both = ", ".join(sorted(kind.value for kind in muting & unmuting))
        raise InvalidValue(f"{both}: both muted and unmuted; choose one")
    if muting & ALWAYS_TOLD:
        raise RuleViolation(
            "decisions about a request are always told to its requester and the responsible "
            "person; that notice cannot be muted"
        )
    with registry.session.work(actor) as work:
        holder = work.person(person)
        if work.actor.ref != holder.ref and not work.actor.is_admin:
            raise PermissionDenied(
                f"{work.actor.ref} may not change which notices {holder.ref} gets: only they "
                "or an administrator may"
            )
        before = work.store.muted_kinds([holder.ref]).get(holder.ref, frozenset())
        after = (before | muting) - unmuting
        if after != before:
            work.store.set_muted(holder.ref, after)
            work.record(
                events.PersonNoticesChanged,
                f"person:{holder.ref}",
                {"muted": sorted(kind.value for kind in before)},
                {"muted": sorted(kind.value for kind in after)},
            )
    return after
