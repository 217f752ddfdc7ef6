"""Use cases for the organisation: units as a tree, and mapping free text onto them.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
Administrators manage units. Once the register has units, a person's ``unit`` and what a
document or a dispensation ``applies_to`` must name them (:meth:`Work.require_units
<styrdok.usecases.work.Work.require_units>`); values stored before are kept until
:func:`map_units` maps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from styrdok import events, rules
from styrdok.errors import InvalidValue, RuleViolation
from styrdok.model import Unit
from styrdok.organisation import UnitTree
from styrdok.text import check_new_ref
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: What may be changed on a unit (the ref is its key).
UNIT_FIELDS = frozenset({"name", "kind", "parent", "manager"})


@use_case
def add_unit(registry: Registry, unit: Unit, *, actor: str | None) -> Unit:
    """Register a unit of the organisation under its ``parent`` (``None`` for the top).
    Administrators only. The tree has one top: the municipality or region itself."""
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "add units")
        check_new_ref("unit", unit.ref, work.store.existing_refs("unit", [unit.ref]))
        tree = work.units()
        if unit.parent is None and tree.children(None):
            top = tree.children(None)[0]
            raise RuleViolation(
                f"the organisation already has its top unit {top}: give {unit.ref} a parent"
            )
        tree.require_parent(unit)
        _require_manager(work, unit)
        work.store.insert_unit(unit)
        work.forget_units()
        work.record(events.UnitAdded, f"unit:{unit.ref}", None, unit)
    return unit


@use_case
def edit_unit(registry: Registry, ref: str, changes: dict[str, Any], *, actor: str | None) -> Unit:
    """Change a unit's name, kind, manager or parent — a new parent moves the unit with
    every unit under it (administrators only). A unit cannot be moved under itself, and the
    top of the tree stays the top."""
    unknown = sorted(set(changes) - UNIT_FIELDS)
    if unknown:
        raise InvalidValue(f"unit: {unknown[0]!r} cannot be changed (ref is the key)")
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "edit units")
        tree = work.units()
        before = tree.get(ref)
        after = evolve(before, **changes)
        if after == before:
            return before
        if (before.parent is None) != (after.parent is None):
            raise RuleViolation(
                f"{ref} is the top of the organisation and stays it"
                if before.parent is None
                else f"the organisation has one top unit: {ref} needs a parent"
            )
        tree.require_parent(after)
        _require_manager(work, after)
        work.store.replace_unit(after)
        work.forget_units()
        work.record(events.UnitEdited, f"unit:{ref}", before, after)
    return after


@use_case
def get_unit(registry: Registry, ref: str) -> Unit:
    """One unit by ref (:class:`~styrdok.errors.NotFound` if there is none)."""
    return unit_tree(registry).get(ref)


@use_case
def unit_tree(registry: Registry) -> UnitTree:
    """The whole organisation, to walk (:class:`~styrdok.organisation.UnitTree`)."""
    with registry.session.read() as store:
        return UnitTree(store.list_units())


@use_case
def unit_headcounts(registry: Registry) -> dict[str, int]:
    """Active staff per unit ref (each unit's own, not its sub-units')."""
    with registry.session.read() as store:
        return store.unit_headcounts()


def _require_manager(work: Work, unit: Unit) -> None:
    if unit.manager is not None:
        manager = work.person(unit.manager, role="manager")
        if not manager.active:
            raise RuleViolation(
                f"{unit.manager} has left (deactivated) and cannot manage {unit.ref}"
            )


# --- mapping free text onto units ------------------------------------------------------


@attrs.frozen
class UnitMapping:
    """What :func:`map_units` changed (or, with ``dry_run``, would change)."""

    changes: tuple[str, ...]
    """One line per value mapped: ``person anna.lind: 'IT-avdelningen' → IT``."""
    unmatched: tuple[tuple[str, int], ...]
    """Each free-text value that names no unit (or several), with how many records use it."""
    dry_run: bool


def _key(value: str) -> str:
    return " ".join(value.casefold().split())


def _matcher(tree: UnitTree) -> dict[str, str | None]:
    """Free text → unit ref: a unit's ref or name, regardless of case and spacing; a name
    two units share maps to ``None`` (ambiguous, left alone)."""
    found: dict[str, str | None] = {}
    for unit in tree.units.values():
        for key in {_key(unit.ref), _key(unit.name)}:
            found[key] = unit.ref if found.get(key, unit.ref) == unit.ref else None
    return found


@use_case
def map_units(registry: Registry, *, actor: str | None, dry_run: bool = False) -> UnitMapping:
    """Replace free-text units — a person's ``unit``, what documents and dispensations
    ``applies_to`` — with the refs of the units they name (by ref or name, regardless of
    case). Values that match no unit, or several, are reported and left as they are.
    Administrators only; one audited step; ``dry_run`` changes nothing."""
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "map units")
        tree = work.units()
        if not tree:
            raise RuleViolation("the register has no units yet: add them first (styrdok unit add)")
        match = _matcher(tree)
        changes: list[str] = []
        unmatched: dict[str, int] = {}

        def mapped(values: Iterable[str], what: str) -> tuple[str, ...]:
            out = []
            for value in values:
                ref = value if value in tree else match.get(_key(value))
                if ref is None:
                    unmatched[value] = unmatched.get(value, 0) + 1
                    out.append(value)
                    continue
                if ref != value:
                    changes.append(f"{what}: {value!r} → {ref}")
                out.append(ref)
            return tuple(dict.fromkeys(out))

        for person in work.store.list_persons():
            if person.unit is None:
                continue
            (unit,) = mapped([person.unit], f"person {person.ref}")
            if unit != person.unit and not dry_run:
                work.store.replace_person(evolve(person, unit=unit))
        for document in work.store.list_documents():
            targets = mapped(document.applies_to, f"document {document.ref}")
            if targets != document.applies_to and not dry_run:
                work.store.update_document(
                    evolve(document, applies_to=targets), expected_revision=document.revision
                )
        for disp in work.store.list_dispensations():
            targets = mapped(disp.applies_to, f"dispensation {disp.ref}")
            if targets != disp.applies_to and not dry_run:
                work.store.update_dispensation(
                    evolve(disp, applies_to=targets), expected_revision=disp.revision
                )
        ranked = sorted(unmatched.items(), key=lambda kv: (-kv[1], kv[0]))
        result = UnitMapping(tuple(changes), tuple(ranked), dry_run)
        if changes and not dry_run:
            work.record(
                events.UnitsMapped,
                "registry:",
                None,
                {"changes": list(changes), "unmatched": [v for v, _ in result.unmatched]},
            )
    return result
