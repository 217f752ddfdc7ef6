"""Read acknowledgement on the intranet: what a person is asked to read, their one-click
"Jag har läst och förstått", and how far a document has come in being read.

The registry decides who is asked (a document in force that asks to be read, applying to
the person's unit or a unit above it) and what counts (a confirmation of the version asked
about or a later one); this module only gets each page what it shows, and says in Swedish
why a confirmation was refused. A confirmation carries the version the page showed, so a
page left open while a new version came into force cannot confirm words nobody saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
from flask import url_for

from styrdok.enums import AckChannel, DocStatus
from styrdok.errors import Conflict, RuleViolation
from styrdok.labels import label
from styrdok.model import Acknowledgement, Document, Person
from styrdok.organisation import UnitTree
from styrdok.registry import Registry, local_zone
from styrdok.usecases.reading import ReadingStatus, ToRead
from styrdok_intranet import content
from styrdok_intranet.errors import registry_reason

#: At most this many names of people who have not read a document on its page (the
#: registry counts them all; a page of 57,000 names helps nobody).
UNREAD_SHOWN = 200


@attrs.frozen
class Refusal:
    """Why a confirmation did not go through, for the page it was sent from."""

    ref: str
    status: int
    """409 when the document changed under the page (a new version, no longer in force)."""
    message: str
    """In Swedish, for the reader."""
    detail: str
    """The registry's own reason (English)."""


@attrs.frozen
class Item:
    """One document on the "Att läsa" page."""

    document: Document
    since: dt.date
    read_before: Acknowledgement | None
    changed: tuple[str, ...]
    """What changed since the version they confirmed (Swedish field names), if they did."""


@attrs.frozen
class Standing:
    """A document's read acknowledgement as its page shows it to one person."""

    pending: ToRead | None
    """They are asked to read it and have not confirmed the version asked about."""
    mine: Acknowledgement | None
    """Their confirmation that counts for the version in force."""
    status: ReadingStatus | None
    """Per unit, and who has not read it: for administrators, managers, owner, guardian."""
    units: dict[str, Any]
    """Each unit of :attr:`status` by ref: name and depth in the tree."""
    more_unread: bool
    """More people have not read it than :data:`UNREAD_SHOWN`."""


def asks_to_be_read(document: Document) -> bool:
    """Whether anyone is asked to confirm ``document`` (the core's rule)."""
    return document.asks_to_be_read


def acknowledgement(
    reg: Registry, person: str, document: Document, *, versions: tuple[int, int] | None = None
) -> Acknowledgement | None:
    """``person``'s latest confirmation of ``document`` in ``versions`` (default: those
    that count now, from the version asked about to the one in force)."""
    if versions is None and not asks_to_be_read(document):
        return None
    return reg.acknowledgement_of(person, document.ref, versions=versions)


def local_day(at: dt.datetime) -> dt.date:
    """The day a UTC time falls on where the municipality is."""
    return at.astimezone(local_zone()).date()


def form_version(value: str) -> int | None:
    """The version a confirm form carries, or ``None`` if it is not a version number."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    number = int(text)
    return number if number >= 1 else None


def json_version(body: object) -> int | None:
    """``version`` of a JSON body ``{"version": N}``, or ``None`` if it is missing or not a
    whole number from 1 (``true`` is not a version, nor is ``2.0``)."""
    if not isinstance(body, dict):
        return None
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return None
    return version


def refusal(document: Document, version: int, reason: str) -> Refusal:
    """What to say when the registry refused ``version`` of ``document`` (as it is now)."""
    if document.status is not DocStatus.IN_FORCE:
        return Refusal(
            document.ref,
            409,
            f"”{document.title}” gäller inte längre ({label(document.status)}) och behöver "
            "inte bekräftas.",
            reason,
        )
    if document.version != version:
        return Refusal(
            document.ref,
            409,
            f"”{document.title}” har fått en ny version (version {document.version}) sedan "
            f"sidan visades, och du såg version {version}. Läs den nya versionen och bekräfta "
            "den i stället.",
            reason,
        )
    return Refusal(document.ref, 400, "Registret tog inte emot bekräftelsen.", reason)


def items(reg: Registry, to_read: Sequence[ToRead]) -> list[Item]:
    """The "Att läsa" page's documents, each with what changed since the version the
    person confirmed before, if they did."""
    found = []
    for entry in to_read:
        changed: tuple[str, ...] = ()
        if entry.read_before is not None:
            changes = content.changes(reg, entry.document, since=entry.read_before.version)
            if changes is not None:
                changed = changes.fields + (("Texten",) if changes.text else ())
        found.append(Item(entry.document, entry.since, entry.read_before, changed))
    return found


def may_follow(person: Person, document: Document, tree: UnitTree) -> bool:
    """Whether ``person`` sees how far ``document`` has come in being read: administrators,
    managers of a unit, and those who answer for the document."""
    return (
        person.is_admin
        or person.ref in (document.owner, document.guardian)
        or any(unit.manager == person.ref for unit in tree.units.values())
    )


def standing(
    reg: Registry,
    document: Document,
    *,
    person: Person | None,
    to_read: Sequence[ToRead] | None,
    tree: UnitTree | None = None,
) -> Standing | None:
    """What the document page says about reading ``document`` to ``person``; ``None`` when
    nobody is asked to read it or nobody is logged in."""
    if person is None or not asks_to_be_read(document):
        return None
    pending = next((t for t in to_read or () if t.document.ref == document.ref), None)
    mine = None if pending else acknowledgement(reg, person.ref, document)
    status, units, more = None, {}, False
    tree = tree if tree is not None else reg.unit_tree()
    if tree and may_follow(person, document, tree):
        status = reg.reading_status(document.ref, actor=person.ref, limit=UNREAD_SHOWN + 1)
        if status.unread is not None and len(status.unread) > UNREAD_SHOWN:
            status = attrs.evolve(status, unread=status.unread[:UNREAD_SHOWN])
            more = True
        # Indented below the highest unit shown (a document for one school starts there).
        top = min((tree.depth(row.unit) for row in status.units), default=0)
        units = {
            row.unit: {"name": tree.get(row.unit).name, "depth": min(tree.depth(row.unit) - top, 4)}
            for row in status.units
        }
        for unread in status.unread or ():
            unit = unread.unit
            if unit is not None and unit in tree and unit not in units:
                units[unit] = {"name": tree.get(unit).name, "depth": 0}
    if pending is None and mine is None and status is None:
        return None
    return Standing(pending, mine, status, units, more)


def percent(share: float | None) -> str:
    """``75 %`` (a no-break space, as Swedish writes it); ``–`` when nobody was asked."""
    return "–" if share is None else f"{round(share * 100)}\u00a0%"


class NotConfirmed(Exception):
    """The registry refused a confirmation sent as JSON: why (:attr:`refusal`), and the
    document as it is now (:attr:`document`, for the version now in force)."""

    def __init__(self, refusal: Refusal, document: Document) -> None:
        super().__init__(refusal.detail)
        self.refusal = refusal
        self.document = document


def confirm_json(
    reg: Registry, person: str, document: Document, version: int
) -> tuple[Acknowledgement, bool]:
    """Confirm ``version`` of ``document`` as ``person`` through an API (channel ``api``):
    the acknowledgement, and whether it is new (``False``: that version was confirmed
    before, nothing written). :class:`NotConfirmed` when a newer version is in force or the
    document no longer is — both API versions answer it as a problem of their own shape."""
    existed = acknowledgement(reg, person, document, versions=(version, version))
    try:
        ack = reg.acknowledge(document.ref, actor=person, channel=AckChannel.API, version=version)
    except (Conflict, RuleViolation) as exc:
        now = reg.get_document(document.ref)
        raise NotConfirmed(refusal(now, version, registry_reason(exc)), now) from None
    return ack, existed is None


def to_read_list(reg: Registry, person: str, confirm_endpoint: str) -> list[dict[str, Any]]:
    """What ``person`` is asked to read, as the APIs list it: each with its page and where
    to POST the confirmation (``confirm_endpoint``, taking ``ref``)."""
    return [
        to_read_data(
            entry,
            page=url_for("document", ref=entry.document.ref),
            confirm=url_for(confirm_endpoint, ref=entry.document.ref),
        )
        for entry in reg.documents_to_read(person)
    ]


def to_read_data(entry: ToRead, *, page: str, confirm: str) -> dict[str, Any]:
    """One document of ``GET /api/att-lasa``: what to read, since when, where, and the
    earlier confirmation if there is one."""
    doc, before = entry.document, entry.read_before
    return {
        "ref": doc.ref,
        "title": doc.title,
        "doc_type": doc.doc_type.value,
        "version": doc.version,
        "since": entry.since.isoformat(),
        "read_before": None
        if before is None
        else {
            "version": before.version,
            "at": before.at.isoformat(),
            "channel": before.channel.value,
        },
        "page": page,
        "confirm": confirm,
    }
