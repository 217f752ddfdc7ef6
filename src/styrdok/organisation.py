"""The organisation and who has read what: units as a tree, and read acknowledgements.

Part of the domain (pure data and pure functions, no I/O); re-exported by
:mod:`styrdok.model`. A municipality is a tree of units — kommun → förvaltning → avdelning
→ enhet — each with a manager. A document's ``applies_to`` names units, and a unit includes
its sub-units, so "Socialförvaltningen" covers every care home under it. When a version
comes into force with a material change, everyone in those units is asked to read it and
confirm; an :class:`Acknowledgement` records that they did.

The tree is small (a large municipality has a few hundred units), so the core holds it in
memory as a :class:`UnitTree` and expands a unit to its sub-units here; what can be large —
staff and acknowledgements — stays in the store and is counted there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

import attrs

from styrdok import fields
from styrdok.enums import AckChannel, UnitKind
from styrdok.errors import NotFound, RuleViolation


@attrs.frozen
class Unit:
    """A part of the organisation: the municipality itself, a förvaltning, an avdelning
    or an enhet."""

    ref: str = attrs.field(validator=fields.ref)
    """Short unique handle, e.g. ``SOC`` or ``SOC-HT-NORR``; HR's unit code fits here."""
    name: str = attrs.field(converter=fields.norm, validator=fields.line(200))
    """Full name, e.g. *Hemtjänst Norr*."""
    kind: UnitKind = attrs.field(
        default=UnitKind.UNIT, converter=fields.to_unit_kind, validator=fields.one_of(UnitKind)
    )
    """Where it sits: municipality, administration, department or unit."""
    parent: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """The unit it belongs to; ``None`` for the top of the tree."""
    manager: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """Person ref of the manager (chef), who is told when staff have not read a rule."""


@attrs.frozen
class Acknowledgement:
    """One person's confirmation that they have read and understood one version of a
    document ("Jag har läst och förstått"). Final: never changed or withdrawn."""

    person: str = attrs.field(validator=fields.ref)
    document_ref: str = attrs.field(validator=fields.ref)
    version: int = attrs.field(validator=fields.positive)
    """The version read; it counts until a later version with a material change."""
    at: dt.datetime
    """When it was confirmed (UTC)."""
    channel: AckChannel = attrs.field(
        converter=fields.to_ack_channel, validator=fields.one_of(AckChannel)
    )
    """Where: the intranet, the HTTP API, a link in an e-mail, the command line."""


class StaffRecord(NamedTuple):
    """A person as the register stores them, in plain values (no domain object, nothing
    checked): what a staff sync compares HR's list with. Most of 57,000 rows are unchanged,
    and building and checking a :class:`~styrdok.model.Person` for each costs more than the
    comparison itself; a person is built only for the rows that change."""

    ref: str
    name: str
    email: str | None
    unit: str | None
    title: str | None
    is_admin: bool
    """Kept so that a changed person is written back with their administrator right."""
    active: bool
    unit_since: dt.date | None


class UnitTree:
    """Every unit of the register, as a tree one can walk both ways."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units: dict[str, Unit] = {u.ref: u for u in units}
        self._children: dict[str | None, list[str]] = {}
        for unit in sorted(self.units.values(), key=lambda u: (u.name.casefold(), u.ref)):
            self._children.setdefault(unit.parent, []).append(unit.ref)

    def __bool__(self) -> bool:
        return bool(self.units)

    def __contains__(self, ref: object) -> bool:
        return ref in self.units

    def get(self, ref: str) -> Unit:
        """One unit, or :class:`NotFound`."""
        try:
            return self.units[ref]
        except KeyError:
            raise NotFound(f"unknown unit {ref!r}") from None

    def children(self, ref: str | None) -> list[str]:
        """The units directly under ``ref`` (``None``: the top of the tree), by name."""
        return list(self._children.get(ref, ()))

    def subtree(self, refs: Iterable[str]) -> list[str]:
        """``refs`` and every unit under them, each once, in tree order; refs that name no
        unit are left out (a document's free text from before there was an organisation)."""
        seen: dict[str, None] = {}
        for ref in refs:
            if ref in self.units:
                for found in self.walk(ref):
                    seen.setdefault(found.ref, None)
        return list(seen)

    def ancestors(self, ref: str) -> list[str]:
        """``ref`` and the units above it, nearest first."""
        chain: list[str] = []
        current: str | None = ref
        while current is not None and current in self.units and current not in chain:
            chain.append(current)
            current = self.units[current].parent
        return chain

    def depth(self, ref: str) -> int:
        """How far below the top of the tree a unit is (0 for the top)."""
        return len(self.ancestors(ref)) - 1

    def walk(self, ref: str | None = None) -> Iterator[Unit]:
        """The unit ``ref`` and every unit under it (``None``: the whole tree), depth first,
        siblings by name."""
        stack = [ref] if ref is not None else list(reversed(self.children(None)))
        while stack:
            current = stack.pop()
            yield self.units[current]
            stack.extend(reversed(self.children(current)))

    def path(self, ref: str) -> str:
        """The names from the top down, e.g. *Mittköpings kommun › Socialförvaltningen*."""
        return " › ".join(self.units[r].name for r in reversed(self.ancestors(ref)))

    def managed_by(self, person: str) -> list[str]:
        """The units ``person`` manages and every unit under them."""
        return self.subtree(u.ref for u in self.units.values() if u.manager == person)

    def rolled_up(self, ref: str, depth: int) -> str:
        """The unit at ``depth`` above ``ref`` (``ref`` itself if it sits higher)."""
        chain = list(reversed(self.ancestors(ref)))
        return chain[min(depth, len(chain) - 1)]

    def require_parent(self, unit: Unit) -> None:
        """Refuse a parent that does not exist, or one that would make a loop (a unit
        under itself)."""
        if unit.parent is None:
            return
        if unit.parent not in self.units:
            raise NotFound(f"unknown unit {unit.parent!r} given as parent")
        if unit.ref in self.ancestors(unit.parent):
            raise RuleViolation(
                f"{unit.ref} cannot be placed under {unit.parent}: that unit lies under it"
            )


@attrs.frozen
class UnitAcceptance:
    """How many in one unit were asked to read a document, and how many have."""

    unit: str
    asked: int
    """Active staff in the unit (its own, not its sub-units') the document applies to."""
    read: int
    """Of those, how many have confirmed the version asked about (or a later one)."""

    @property
    def share(self) -> float | None:
        """``read / asked``, or ``None`` when nobody was asked."""
        return self.read / self.asked if self.asked else None


def acceptance_by_unit(
    tree: UnitTree,
    targets: Iterable[str],
    headcounts: Mapping[str, int],
    read: Mapping[str, int],
) -> list[UnitAcceptance]:
    """For one document: each unit it applies to (``targets`` and their sub-units, in tree
    order) with its staff (``headcounts``) and how many of them have read it (``read``,
    counted by the store per unit)."""
    rows = []
    for unit in tree.subtree(targets):
        asked = headcounts.get(unit, 0)
        rows.append(UnitAcceptance(unit=unit, asked=asked, read=min(read.get(unit, 0), asked)))
    return rows


def rolled_up(
    tree: UnitTree, rows: Iterable[UnitAcceptance], *, depth: int
) -> list[UnitAcceptance]:
    """``rows`` added up to the units at ``depth`` (1: the förvaltningar), in tree order."""
    asked: dict[str, int] = {}
    done: dict[str, int] = {}
    for row in rows:
        top = tree.rolled_up(row.unit, depth)
        asked[top] = asked.get(top, 0) + row.asked
        done[top] = done.get(top, 0) + row.read
    order = {u.ref: i for i, u in enumerate(tree.walk())}
    return [
        UnitAcceptance(unit=u, asked=asked[u], read=done[u])
        for u in sorted(asked, key=lambda r: order.get(r, 0))
    ]
