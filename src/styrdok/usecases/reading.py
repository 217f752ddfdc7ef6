"""Use cases for "communicated and accepted": who is asked to read what, confirming it,
and how far each unit has come.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.

A document asks to be read from the version in :attr:`~styrdok.model.Document.ack_version`
(set when a version is adopted as a material change, or by :func:`ask_to_read`). Everyone
active in the units it applies to — a unit includes its sub-units — is asked; an
acknowledgement of that version or a later one counts. Nothing is stored for "asked":
it follows from the document, the tree and the staff list, so a new employee or one who
moves is asked at once for what applies to their unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from styrdok import events, rules
from styrdok.enums import AckChannel, DocStatus
from styrdok.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from styrdok.model import Acknowledgement, Document, Person
from styrdok.organisation import UnitAcceptance, UnitTree, acceptance_by_unit, rolled_up
from styrdok.outbox import ReadCandidate
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import evolve, load_document

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def acknowledge(
    registry: Registry,
    document_ref: str,
    *,
    actor: str | None,
    channel: AckChannel = AckChannel.CLI,
    version: int | None = None,
) -> Acknowledgement:
    """Confirm, as ``actor``, having read and understood the version of a document in
    force ("Jag har läst och förstått"). Pass the ``version`` that was shown: if a newer
    one came into force meanwhile, the confirmation is refused so nobody confirms words
    they did not see. Final — it cannot be withdrawn — and confirming again while an earlier
    confirmation still counts (the same version, or one before an editorial change) returns
    that confirmation without writing anything."""
    with registry.session.work(actor) as work:
        document = work.document(document_ref)
        if document.status is not DocStatus.IN_FORCE:
            raise RuleViolation(
                f"{document_ref} is {document.status.value}: only a document in force is confirmed"
            )
        if version is not None and version != document.version:
            # A Conflict, as for a record changed since it was read: the page is stale.
            raise Conflict(
                f"version {version} of {document_ref} is no longer the one in force: "
                f"read version {document.version} and confirm that"
            )
        person = work.actor.ref
        # A confirmation that still counts (this version, or one since the last material
        # change) is not repeated: one per person in the range keeps the counts a plain
        # COUNT(*) (see SqlOrganisation.read_counts).
        earlier = work.store.acknowledgement_of(
            person, document_ref, versions=(max(document.ack_version, 1), document.version)
        )
        if earlier is not None:
            return earlier
        ack = Acknowledgement(
            person=person,
            document_ref=document_ref,
            version=document.version,
            at=registry.now(),
            channel=channel,
        )
        work.store.insert_acknowledgement(ack)
        work.record(events.Acknowledged, f"document:{document_ref}", None, ack)
    return ack


@use_case
def ask_to_read(
    registry: Registry, ref: str, *, actor: str | None, expected_revision: int | None = None
) -> Document:
    """Ask everyone the document applies to to read its current version, as an adoption
    with a material change does — for a document adopted before the register asked, or
    after a change adopted as editorial that turned out to matter. Its owner, guardian or
    an administrator."""
    with registry.session.work(actor) as work:
        before = work.document(ref)
        rules.require_document_manager(work.actor, before, "ask people to read")
        rules.require_document_status(before, (DocStatus.IN_FORCE,), "ask people to read")
        if before.ack_version == before.version:
            raise RuleViolation(f"version {before.version} of {ref} is already asked to be read")
        return work.save_document(
            before,
            evolve(before, ack_version=before.version),
            events.AskedToRead,
            expected_revision=expected_revision,
        )


@attrs.frozen
class ToRead:
    """A document someone is asked to read."""

    document: Document
    since: dt.date
    """Asked since: when the version came into force, or when they joined the unit."""
    read_before: Acknowledgement | None
    """Their confirmation of an earlier version, if any: what changed is worth showing."""


def _units_of(tree: UnitTree, person: Person) -> list[str]:
    if person.unit is None:
        return []
    # A unit that is not (yet) in the tree is still matched as written: documents whose
    # applies_to holds the same free text ask its people too.
    return tree.ancestors(person.unit) if person.unit in tree else [person.unit]


@use_case
def documents_to_read(registry: Registry, person: str) -> list[ToRead]:
    """What ``person`` is asked to read and has not confirmed, by title: documents in
    force that apply to their unit or a unit above it, from the day the version asked about
    takes effect. Nothing for someone who has left."""
    with registry.session.read() as store:
        found = store.get_person(person)
        if found is None:
            raise NotFound(f"unknown person {person!r}")
        if not found.active:
            return []
        tree = UnitTree(store.list_units())
        pending = store.documents_to_read(found.ref, _units_of(tree, found))
    joined, today = found.unit_since or dt.date.min, registry.today()
    return [
        ToRead(doc, max(since, joined), earlier)
        for doc, since, earlier in pending
        if since <= today  # asked from the version's date of effect, not before
    ]


@use_case
def acknowledgement_of(
    registry: Registry,
    person: str,
    document_ref: str,
    *,
    versions: tuple[int, int] | None = None,
) -> Acknowledgement | None:
    """``person``'s latest confirmation of a document with a version in ``versions``
    (default: those that count now, from the version asked about to the one in force),
    or ``None``."""
    with registry.session.read() as store:
        document = load_document(store, document_ref)
        if versions is None:
            if document.ack_version == 0:
                return None
            versions = (document.ack_version, document.version)
        return store.acknowledgement_of(person, document_ref, versions=versions)


@attrs.frozen
class ReadingStatus:
    """How far a document has come in being read: per unit, and who has not read it."""

    document: Document
    units: tuple[UnitAcceptance, ...]
    """Each unit the document applies to (with its sub-units), in tree order."""
    unread: tuple[Person, ...] | None
    """Who has not confirmed — only for an administrator, or a manager for the units they
    manage; ``None`` when the one asking may not see names."""

    @property
    def asked(self) -> int:
        """Everyone asked."""
        return sum(row.asked for row in self.units)

    @property
    def read(self) -> int:
        """Everyone who has confirmed."""
        return sum(row.read for row in self.units)


@use_case
def reading_status(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    unit: str | None = None,
    limit: int | None = None,
) -> ReadingStatus:
    """Acceptance of a document per unit (within ``unit`` when given) and, for an
    administrator or a manager (for the units they manage), who has not read it — up to
    ``limit`` names. Numbers are for anyone registered; names are personal data."""
    with registry.session.read() as store:
        viewer = store.get_person(actor) if actor else None
        if viewer is None:
            raise PermissionDenied("name the person asking (--as PERSON or STYRDOK_USER)")
        document = load_document(store, ref)
        tree = UnitTree(store.list_units())
        targets = list(document.applies_to)
        if unit is not None:
            tree.get(unit)
            inside = set(tree.subtree([unit]))
            targets = [u for u in tree.subtree(targets) if u in inside]
        asking = document.asks_to_be_read
        read: dict[str, int] = {}
        if asking:
            read = {u: n for _, u, n in store.read_counts(ref)}
        rows = acceptance_by_unit(tree, targets, store.unit_headcounts() if asking else {}, read)
        managed = set(tree.managed_by(viewer.ref))  # once, not per row
        visible = [r.unit for r in rows if viewer.is_admin or r.unit in managed]
        unread: tuple[Person, ...] | None = None
        if viewer.is_admin or visible:
            unread = ()
            if asking and visible:
                unread = tuple(
                    store.unread_persons(
                        ref, visible, versions=(document.ack_version, document.version), limit=limit
                    )
                )
    return ReadingStatus(document, tuple(rows), unread)


@attrs.frozen
class DocumentAcceptance:
    """One document's acceptance, per unit (or per unit rolled up to a level)."""

    document: ReadCandidate
    """The document as far as acceptance needs it: ref, title, versions, what it applies
    to and since when it asks."""
    units: tuple[UnitAcceptance, ...]

    @property
    def asked(self) -> int:
        """Everyone asked."""
        return sum(row.asked for row in self.units)

    @property
    def read(self) -> int:
        """Everyone who has confirmed."""
        return sum(row.read for row in self.units)


@use_case
def acceptance(registry: Registry, *, depth: int | None = None) -> Iterator[DocumentAcceptance]:
    """Acceptance of every document in force that asks to be read, by ref: per unit, or
    with ``depth`` added up to the units at that level (1: the förvaltningar). Counted in
    the store in one grouped query and streamed, one document at a time."""
    with registry.session.read() as store:
        tree = UnitTree(store.list_units())
        headcounts = store.unit_headcounts()
        # Ref, title and versions only, not whole documents (texts included): the stream
        # stays small at any size of register.
        documents = sorted(store.read_candidates(), key=lambda d: d.ref)
        counts = store.read_counts(None)
        pending = next(counts, None)
        for document in documents:
            read: dict[str, int] = {}
            while pending is not None and pending[0] <= document.ref:
                if pending[0] == document.ref:
                    read[pending[1]] = pending[2]
                pending = next(counts, None)
            rows = acceptance_by_unit(tree, document.applies_to, headcounts, read)
            if depth is not None:
                rows = rolled_up(tree, rows, depth=depth)
            yield DocumentAcceptance(document, tuple(rows))
