"""The events styrdok emits: one small documented class per kind of change.

Every change a use case makes is recorded twice with the same name: as an audit event (the
``action`` column of the hash-chained log) and, after the transaction has committed, as an
instance of one of the classes below handed to plugins through ``styrdok_event``. Use cases
name the class, never a string, so an event that is not listed here cannot be emitted; the
list is :data:`EVENTS`, and ``docs/plugins.md`` documents each one (a test checks both).

Every event has the same four fields (:class:`Event`); the class says what happened and
what ``after`` holds. Pattern: datasette's ``datasette/events.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs


@attrs.frozen
class Event:
    """Something that happened in the registry (the base of every event class)."""

    name: ClassVar[str] = ""
    """What happened, e.g. ``document.adopt``: the audit log's ``action``."""

    entity: str
    """``kind:ref``, e.g. ``dispensation:D-2026-0001`` (``registry:`` for the whole one)."""
    actor: str
    """The person who made the change, or ``system`` for automatic ones."""
    at: dt.datetime
    """When it was recorded (UTC)."""
    after: dict[str, Any] | None
    """The record as stored after the change, as plain data (see each class)."""

    @property
    def action(self) -> str:
        """The event's name (the audit log calls it the action)."""
        return self.name


#: Every event class by name, in the order they are documented.
EVENTS: dict[str, type[Event]] = {}


def _listed(name: str) -> Any:
    """Give an event class its name and list it in :data:`EVENTS`."""

    def decorate(cls: type[Event]) -> type[Event]:
        if name in EVENTS:
            raise ValueError(f"event {name!r} is listed twice")
        cls.name = name
        EVENTS[name] = cls
        return cls

    return decorate


# --- people and bodies ---------------------------------------------------------------------


@_listed("person.add")
class PersonAdded(Event):
    """A person was registered. ``after``: the person."""


@_listed("person.anonymise")
class PersonAnonymised(Event):
    """A person was replaced by a pseudonym everywhere and the audit log re-sealed.
    ``after``: ``rows_rewritten``, ``events_resealed``, ``resealed_from``,
    ``previous_head`` (the chain head before the re-seal)."""


@_listed("body.add")
class BodyAdded(Event):
    """A deciding body was registered. ``after``: the body."""


@_listed("person.import")
class PersonImported(Event):
    """A person was brought in by a merged import.
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the person."""


@_listed("body.import")
class BodyImported(Event):
    """A deciding body was brought in by a merged import.
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the body."""


@_listed("person.edit")
class PersonEdited(Event):
    """A person's name, e-mail address, unit, title or administrator right was changed.
    ``after``: the person."""


@_listed("body.edit")
class BodyEdited(Event):
    """A deciding body's name, level or contact was changed. ``after``: the body."""


@_listed("person.notices")
class PersonNoticesChanged(Event):
    """A person opted out of kinds of notice, or back in. ``before`` and ``after``:
    ``muted``, the codes of the kinds they do not want."""


@_listed("person.handover")
class PersonHandedOver(Event):
    """A person's duties were handed over to another in one step (each changed record has
    its own event beside this one). ``after``: ``from``, ``to``, ``roles`` and
    ``changes``, one line per duty moved."""


# --- the organisation and its staff ---------------------------------------------------------


@_listed("unit.add")
class UnitAdded(Event):
    """A unit of the organisation was registered. ``after``: the unit."""


@_listed("unit.edit")
class UnitEdited(Event):
    """A unit's name, kind, manager or place in the tree (its parent) was changed.
    ``after``: the unit."""


@_listed("unit.map")
class UnitsMapped(Event):
    """Free-text units (of people, and of what documents and dispensations apply to) were
    replaced by the refs of the units they name (``entity`` is ``registry:``). ``after``:
    ``changes``, one line per value mapped, and ``unmatched``, the values left as they
    were."""


@_listed("unit.import")
class UnitImported(Event):
    """A unit was brought in by a merged import.
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the unit."""


@_listed("staff.sync")
class StaffSynced(Event):
    """The staff list from HR was applied (``entity`` is ``registry:``). ``after``:
    ``source_sha256`` of the file, ``created``, ``updated``, ``deactivated`` and
    ``reactivated`` (lists of person refs)."""


# --- personal API tokens -------------------------------------------------------------------


@_listed("token.create")
class TokenCreated(Event):
    """A personal API token was created (``entity`` is ``token:<id>``). ``after``: the
    token — ``id``, ``person``, ``name``, ``created_at``, ``expires_on`` — never its secret
    or the secret's hash."""


@_listed("token.revoke")
class TokenRevoked(Event):
    """A personal API token was revoked: by its person or an administrator, or because its
    person was anonymised. ``after``: the token with ``revoked_at``, without its hash."""


# --- documents -----------------------------------------------------------------------------


@_listed("document.add")
class DocumentAdded(Event):
    """A document was registered as a draft. ``after``: the document."""


@_listed("document.edit")
class DocumentEdited(Event):
    """A draft or a document in force was edited. ``after``: the document."""


@_listed("document.adopt")
class DocumentAdopted(Event):
    """A draft came into force, or a new version of a document in force was adopted.
    ``after``: the document with its new version."""


@_listed("document.supersede")
class DocumentSuperseded(Event):
    """A document was replaced by the one that names it in ``supersedes``.
    ``after``: the superseded document."""


@_listed("document.review")
class DocumentReviewed(Event):
    """A document's review (aktualitetsprövning) was recorded. ``after``: the document
    with its next review date."""


@_listed("document.repeal")
class DocumentRepealed(Event):
    """A document was repealed. ``after``: ``document`` and ``reason``."""


@_listed("document.lapse")
class DocumentLapsed(Event):
    """A document passed its valid-until date (actor ``system``). ``after``: the document."""


@_listed("document.annul")
class DocumentAdoptionAnnulled(Event):
    """The latest adoption of a document, recorded by mistake, was annulled: the document is
    again what it was before (a draft, or its previous version in force once more). The
    annulled version stays in the history, marked. ``after``: ``document``, as it is again,
    and ``version``, the annulled version with its snapshot and its ``annulled``
    (``by``, ``on``, ``reason``)."""


@_listed("document.faq")
class DocumentFaqAdded(Event):
    """An answer was added to a document's FAQ (a new version if it is in force).
    ``after``: the document."""


@_listed("document.faq_edit")
class DocumentFaqEdited(Event):
    """An entry of a document's FAQ was reworded (a new version if it is in force).
    ``after``: the document."""


@_listed("document.faq_remove")
class DocumentFaqRemoved(Event):
    """An entry was removed from a document's FAQ (a new version if it is in force).
    ``after``: the document."""


@_listed("document.import")
class DocumentImported(Event):
    """A document was brought in by a merged import, its status and adoption checked.
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the document."""


@_listed("document.import_version")
class DocumentVersionImported(Event):
    """A version of an imported document was brought in by a merged import.
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the version with its snapshot."""


@_listed("document.import_review")
class DocumentReviewImported(Event):
    """A review of a document was brought in by a merged import (it gets a new number).
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the review."""


@_listed("document.acknowledge")
class Acknowledged(Event):
    """Someone confirmed that they have read and understood a version of a document
    (``entity`` is the document; ``actor`` is the person). ``after``: the acknowledgement —
    ``person``, ``document_ref``, ``version``, ``at``, ``channel``."""


@_listed("document.import_acknowledgement")
class AcknowledgementImported(Event):
    """An acknowledgement was brought in by a merged import (``entity`` is the document).
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``, the
    acknowledgement."""


@_listed("document.ask_to_read")
class AskedToRead(Event):
    """Everyone a document applies to is asked to read its current version, as after an
    adoption with a material change (an administrator or the owner asked again).
    ``after``: the document."""


# --- attachments (files of a document) -----------------------------------------------------


@_listed("attachment.add")
class AttachmentAdded(Event):
    """A file was attached to a document (``entity`` is the document). ``after``: the
    attachment — ``id``, ``name``, ``title``, ``kind``, ``media_type``, ``size``,
    ``sha256`` (the content's address in the file storage), ``added_by``, ``added_at``."""


@_listed("attachment.remove")
class AttachmentRemoved(Event):
    """A file was detached from a document (``entity`` is the document); its content is
    removed from the file storage unless another attachment has the same. ``after``: the
    attachment as it was."""


@_listed("attachment.import")
class AttachmentImported(Event):
    """A file's record was brought in by a merged import with the document it belongs to
    (``entity`` is the document; it gets a new number; its bytes must be in the file
    storage already). ``after``: ``source_sha256``, the SHA-256 of the export file, and
    ``record``, the attachment without its number and text."""


# --- dispensations -------------------------------------------------------------------------


@_listed("dispensation.request")
class DispensationRequested(Event):
    """A dispensation was requested. ``after``: the dispensation."""


@_listed("dispensation.renew")
class DispensationRenewalRequested(Event):
    """A renewal was requested: a new linked dispensation. ``after``: the renewal."""


@_listed("dispensation.approve")
class DispensationApproved(Event):
    """A request was approved. ``after``: the dispensation with its decision."""


@_listed("dispensation.reject")
class DispensationRejected(Event):
    """A request was rejected (or closed unanswered because its document ended).
    ``after``: the dispensation with its decision."""


@_listed("dispensation.revoke")
class DispensationRevoked(Event):
    """An approved dispensation was withdrawn. ``after``: the dispensation."""


@_listed("dispensation.close")
class DispensationClosed(Event):
    """An approved dispensation was ended early (no longer needed, or its document ended).
    ``after``: the dispensation."""


@_listed("dispensation.move")
class DispensationMoved(Event):
    """A dispensation was moved to the document that succeeds its own.
    ``after``: the dispensation."""


@_listed("dispensation.expire")
class DispensationExpired(Event):
    """An approved dispensation passed its valid-until date (actor ``system``).
    ``after``: the dispensation."""


@_listed("dispensation.evaluate")
class DispensationEvaluated(Event):
    """What an ended dispensation taught was recorded. ``after``: the dispensation."""


@_listed("dispensation.import")
class DispensationImported(Event):
    """A dispensation was brought in by a merged import, its decision held to the rules.
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the dispensation."""


@_listed("dispensation.reassign")
class DispensationReassigned(Event):
    """Another person became responsible for a dispensation (a handover).
    ``after``: the dispensation."""


@_listed("dispensation.withdraw")
class DispensationWithdrawn(Event):
    """The requester (or an administrator) withdrew a request before it was decided.
    ``after``: the dispensation, ``withdrawn``, with the reason in ``end_reason``."""


@_listed("dispensation.annul")
class DispensationDecisionAnnulled(Event):
    """A decision on a dispensation, recorded by mistake, was annulled: it is requested
    again. ``before`` holds the decision; ``after``: the dispensation, which keeps it in
    ``annulled`` with who annulled it, when and why."""


# --- questions and the register ------------------------------------------------------------


@_listed("question.ask")
class QuestionAsked(Event):
    """A question was put to a document's guardian. ``after``: the question."""


@_listed("question.answer")
class QuestionAnswered(Event):
    """A question was answered. ``after``: the question."""


@_listed("registry.import")
class RegistryImported(Event):
    """An export was loaded. ``after``: ``counts``, records per kind; ``source_sha256``,
    the SHA-256 of the export file; ``merge``, whether it was a checked merge into a
    registry in use (each record then also has its own ``….import`` event)."""


@_listed("question.import")
class QuestionImported(Event):
    """A question was brought in by a merged import (it gets a new number).
    ``after``: ``source_sha256``, the SHA-256 of the export file, and ``record``,
    the question."""


# --- the audit log -------------------------------------------------------------------------


@_listed("audit.rekey")
class AuditRekeyed(Event):
    """The audit log was converted from plain SHA-256 to a keyed chain (HMAC-SHA256) and
    re-sealed from its first event. ``after``: ``events_resealed``, ``previous_head`` (the
    plain chain's head, so an anchor taken before still leads here)."""
