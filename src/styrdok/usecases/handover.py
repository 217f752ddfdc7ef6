"""Corrections to people and bodies, and handing a person's duties over to another.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
A handover is what makes a person free to leave: until nobody depends on them
(:func:`styrdok.rules.duties_of`), they cannot be anonymised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from styrdok import events, rules
from styrdok.errors import InvalidValue, NotFound, RuleViolation
from styrdok.model import OPEN_STATUSES, Body, DocStatus, Person
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: The duties a handover moves, in the order they are listed.
ROLES = ("owner", "guardian", "approver", "responsible", "contact", "manager")
#: What may be changed on a person (the ref is the key; anonymise replaces it).
PERSON_FIELDS = frozenset({"name", "email", "unit", "title", "is_admin", "active"})
#: What may be changed on a body.
BODY_FIELDS = frozenset({"name", "level", "contact"})


@use_case
def edit_person(
    registry: Registry, ref: str, changes: dict[str, Any], *, actor: str | None
) -> Person:
    """Correct a person's name, e-mail address, unit, title, administrator right or whether
    they are active (administrators only; nobody removes their own administrator right or
    deactivates themselves, so a registry always keeps one). A new unit must be one of the
    organisation's, and the person is asked to read what applies there from today."""
    _require_known(changes, PERSON_FIELDS, "person")
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "edit people")
        before = work.person(ref)
        if ref == work.actor.ref and changes.get("is_admin") is False:
            raise RuleViolation(f"{ref} may not remove their own administrator right")
        after = evolve(before, **changes)
        if after == before:
            return before  # nothing changes: nothing is written or audited
        work.require_units([after.unit], "unit", before=[before.unit])
        if after.unit != before.unit:
            # Moved: the documents in force for the new unit are asked of them from today.
            after = evolve(after, unit_since=registry.today())
        if ref == work.actor.ref and not after.active:
            raise RuleViolation(f"{ref} may not deactivate themselves")
        work.store.replace_person(after)
        work.record(events.PersonEdited, f"person:{ref}", before, after)
    return after


@use_case
def edit_body(registry: Registry, ref: str, changes: dict[str, Any], *, actor: str | None) -> Body:
    """Correct a deciding body's name, level or contact (administrators only)."""
    _require_known(changes, BODY_FIELDS, "body")
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "edit bodies")
        before = work.store.get_body(ref)
        if before is None:
            raise NotFound(f"unknown body {ref!r}")
        after = evolve(before, **changes)
        work.require_person(after.contact, "contact")
        work.store.replace_body(after)
        work.record(events.BodyEdited, f"body:{ref}", before, after)
    return after


@use_case
def hand_over(
    registry: Registry,
    from_person: str,
    to_person: str,
    *,
    actor: str | None,
    only: tuple[str, ...] = (),
    dry_run: bool = False,
) -> list[str]:
    """Hand ``from_person``'s duties to ``to_person`` in one audited step: owner, guardian
    and approver of documents in preparation or in force, responsible for open
    dispensations, contact of bodies, manager of units (``only`` picks some of
    :data:`ROLES`). Requests
    waiting on ``from_person`` as guardian or approver then wait on ``to_person``.
    Administrators only. Returns one line per duty moved; ``dry_run`` changes nothing."""
    roles = set(only or ROLES)
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise InvalidValue(f"only: unknown role {unknown[0]!r}; choose from {', '.join(ROLES)}")
    if from_person == to_person:
        raise RuleViolation("a handover needs two different people")
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "hand over duties")
        work.person(from_person, role="the person handing over")
        work.person(to_person, role="the person taking over")
        changes = _move(work, from_person, to_person, roles, write=not dry_run)
        if dry_run or not changes:
            return changes
        work.record(
            events.PersonHandedOver,
            f"person:{from_person}",
            None,
            {"from": from_person, "to": to_person, "roles": sorted(roles), "changes": changes},
        )
    return changes


def _move(work: Work, old: str, new: str, roles: set[str], *, write: bool) -> list[str]:
    """Find (and with ``write``, make) every change the handover consists of."""
    changes: list[str] = []
    for document in work.store.list_documents(person=None):
        if document.status not in (DocStatus.DRAFT, DocStatus.IN_FORCE):
            continue
        update: dict[str, Any] = {}
        if "owner" in roles and document.owner == old:
            update["owner"] = new
        if "guardian" in roles and document.guardian == old:
            update["guardian"] = new
        approvers = document.dispensation_rules.approvers
        if "approver" in roles and old in approvers:
            moved = tuple(dict.fromkeys(new if a == old else a for a in approvers))
            update["dispensation_rules"] = evolve(document.dispensation_rules, approvers=moved)
        if update:
            changes += [f"{role} of {document.ref}" for role in _roles_of(update)]
            if write:
                work.save_document(document, evolve(document, **update), events.DocumentEdited)
    if "responsible" in roles:
        for disp in work.store.list_dispensations(person=old, statuses=OPEN_STATUSES):
            if disp.responsible == old:
                changes.append(f"responsible for {disp.ref}")
                if write:
                    after = evolve(disp, responsible=new)
                    work.save_dispensation(disp, after, events.DispensationReassigned)
    if "contact" in roles:
        for body in work.store.list_bodies():
            if body.contact == old:
                changes.append(f"contact of {body.ref}")
                if write:
                    after_body = evolve(body, contact=new)
                    work.store.replace_body(after_body)
                    work.record(events.BodyEdited, f"body:{body.ref}", body, after_body)
    if "manager" in roles:
        for unit in work.store.list_units():
            if unit.manager == old:
                changes.append(f"manager of {unit.ref}")
                if write:
                    after_unit = evolve(unit, manager=new)
                    work.store.replace_unit(after_unit)
                    work.record(events.UnitEdited, f"unit:{unit.ref}", unit, after_unit)
    return changes


def _roles_of(update: dict[str, Any]) -> list[str]:
    names = {"owner": "owner", "guardian": "guardian", "dispensation_rules": "approver"}
    return [names[field] for field in update]


def _require_known(changes: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    if not changes:
        raise InvalidValue(f"nothing to change: give at least one field of the {what}")
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidValue(
            f"cannot edit {', '.join(unknown)} of a {what}; editable: {', '.join(sorted(allowed))}"
        )
