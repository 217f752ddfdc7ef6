"""The domain: governing documents, dispensations and the people around them.

Pure data, no I/O. Every class is frozen; a change is a new object made with
:func:`attrs.evolve`, so a value read from the registry can never drift from what was
stored (:class:`DueItem`, a row of what falls due, is an immutable named tuple instead).
Field validators (in :mod:`styrdok.fields`) reject values that are wrong in themselves (a
malformed reference, an over-long title); rules that need context (who may approve, how
long a dispensation may last) live in :mod:`styrdok.rules`.

The dispensation classes are defined in :mod:`styrdok.dispensation` and the enums in
:mod:`styrdok.enums`; both are re-exported here, so everything can be imported from this
module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

import attrs

from styrdok import fields, markdown, weblinks

# Re-exported so that this module stays the one place to import the domain from.
from styrdok.annulment import Annulment as Annulment
from styrdok.dispensation import GRANTED_STATUSES as GRANTED_STATUSES
from styrdok.dispensation import OPEN_STATUSES as OPEN_STATUSES
from styrdok.dispensation import SCOPE_TITLE_LENGTH as SCOPE_TITLE_LENGTH
from styrdok.dispensation import AnnulledDecision as AnnulledDecision
from styrdok.dispensation import Decision as Decision
from styrdok.dispensation import Dispensation as Dispensation
from styrdok.dispensation import DispensationRequest as DispensationRequest
from styrdok.dispensation import Evaluation as Evaluation
from styrdok.dispensation import Funding as Funding
from styrdok.dispensation import scope_title as scope_title

# The enums live in styrdok.enums (no attrs classes to build, so the command line can use
# them without importing this module); they are re-exported here.
from styrdok.enums import AckChannel as AckChannel
from styrdok.enums import BodyLevel as BodyLevel
from styrdok.enums import Disposition as Disposition
from styrdok.enums import DispStatus as DispStatus
from styrdok.enums import DocStatus as DocStatus
from styrdok.enums import DocType as DocType
from styrdok.enums import DueKind as DueKind
from styrdok.enums import ReviewOutcome as ReviewOutcome
from styrdok.enums import UnitKind as UnitKind
from styrdok.errors import InvalidValue

# Moved to styrdok.fields with the other field helpers; re-exported so that code importing
# them from the model keeps working.
from styrdok.fields import MAX_REMINDER_OFFSET_DAYS as MAX_REMINDER_OFFSET_DAYS
from styrdok.fields import Validator as Validator
from styrdok.organisation import Acknowledgement as Acknowledgement
from styrdok.organisation import Unit as Unit


def _faq(values: Iterable[Any]) -> tuple[FaqEntry, ...]:
    # Here, not in styrdok.fields: it builds FaqEntry, defined below.
    entries = []
    for value in values:
        if isinstance(value, dict):  # from an import or a JSON column
            try:
                value = FaqEntry(**value)
            except TypeError:
                raise InvalidValue("faq: each entry needs a question and an answer") from None
        entries.append(value)
    return tuple(entries)


def _draft_revision(instance: Any, _attribute: Any, value: Any) -> None:
    # A draft revision is the same document, one level deep (its own draft is None).
    if value is None:
        return
    if not isinstance(value, Document):
        raise InvalidValue(f"draft: expected a document, got {type(value).__name__}")
    if value.ref != instance.ref or value.draft is not None:
        raise InvalidValue(f"draft: a draft revision of {instance.ref} must be that document")


# --- people and bodies -------------------------------------------------------------------


@attrs.frozen
class Person:
    """Someone who owns, guards, requests, approves or answers."""

    ref: str = attrs.field(validator=fields.ref)
    """Short unique handle, e.g. ``anna.lind``."""
    name: str = attrs.field(converter=fields.norm, validator=fields.line(200))
    """Full name as shown to others."""
    email: str | None = attrs.field(default=None, converter=fields.norm_opt, validator=fields.email)
    """Where reminders go."""
    unit: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_line(200)
    )
    """Organisational unit (förvaltning, enhet)."""
    title: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_line(200)
    )
    """Job title."""
    is_admin: bool = False
    """Registry administrators may manage people, bodies and any document."""
    active: bool = True
    """``False`` once the person has left (``staff sync`` deactivates leavers, never
    deletes them): they can no longer act, and are no longer asked to read anything."""
    unit_since: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """The day they joined :attr:`unit`: documents in force for it are asked of them from
    then (new staff, staff who moved)."""


@attrs.frozen
class Body:
    """A deciding body (beslutsinstans): council, board, committee, administration, unit."""

    ref: str = attrs.field(validator=fields.ref)
    """Short unique handle, e.g. ``KF`` or ``BUN``."""
    name: str = attrs.field(converter=fields.norm, validator=fields.line(200))
    """Full name, e.g. *Kommunfullmäktige*."""
    level: BodyLevel = attrs.field(
        converter=fields.to_body_level, validator=fields.one_of(BodyLevel)
    )
    """Where it sits in the chain of governance."""
    contact: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """Person ref of the registrar told when reviews under this body run late."""


# --- documents ---------------------------------------------------------------------------


@attrs.frozen
class FollowUp:
    """How a document is followed up and by whom (decided when it is written)."""

    method: str = attrs.field(converter=fields.norm, validator=fields.line(500))
    """How, e.g. *yearly report to the executive board*."""
    by: str = attrs.field(converter=fields.norm, validator=fields.line(200))
    """By whom: a person, role or body."""


@attrs.frozen
class FaqEntry:
    """One common question and its answer."""

    question: str = attrs.field(converter=fields.norm, validator=fields.line(500))
    answer: str = attrs.field(converter=fields.norm_text, validator=fields.text(5_000))


@attrs.frozen
class DispensationRules:
    """A document's exemption process: whether and how dispensations may be granted."""

    allowed: bool = False
    """Whether dispensations may be granted at all."""
    requirements: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(5_000)
    )
    """What a request must show."""
    approvers: tuple[str, ...] = attrs.field(
        default=(), converter=fields.norm_tuple, validator=fields.refs
    )
    """Person refs who may approve besides the guardian."""
    max_duration_days: int | None = attrs.field(default=365, validator=fields.positive)
    """Longest period one decision may cover; ``None`` for no limit."""
    max_renewals: int | None = attrs.field(default=1, validator=fields.not_negative)
    """How many times a dispensation may be renewed; ``None`` for no limit."""


@attrs.frozen
class Document:
    """A governing document (styrdokument) as it stands now."""

    ref: str = attrs.field(validator=fields.ref)
    """Unique human reference, e.g. ``POL-IS-01``."""
    title: str = attrs.field(converter=fields.norm, validator=fields.line(300))
    doc_type: DocType = attrs.field(converter=fields.to_doc_type, validator=fields.one_of(DocType))
    owner: str = attrs.field(validator=fields.ref)
    """Person ref of the document owner (dokumentägare)."""
    guardian: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """Person ref of the guardian (väktare) who referees questions about it."""
    status: DocStatus = attrs.field(
        default=DocStatus.DRAFT,
        converter=fields.to_doc_status,
        validator=fields.one_of(DocStatus),
    )
    version: int = attrs.field(default=0, validator=fields.not_negative)
    """Adopted version; 0 until first adopted, +1 on each adopted change."""
    adopted_by: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """Body ref that adopted the current version."""
    decided_on: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """Day the current version was adopted (beslutad)."""
    effective_from: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """First day the current version applies (gäller från): the decision day unless the
    decision names a later one."""
    in_force_from: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """First day the document is in force at all: the first version's date of effect, kept
    through later versions. Until then it is adopted but not yet in force
    (:meth:`in_force_on`); it becomes in force on that day by itself, with no job to run."""
    minute_ref: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_line(100)
    )
    """Paragraph in the minutes, e.g. ``§ 45``."""
    registry_number: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_line(100)
    )
    """Diarienummer, e.g. ``KS 2025/123``."""
    purpose: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text())
    intended_effects: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text()
    )
    audience: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(2_000)
    )
    applies_to: tuple[str, ...] = attrs.field(
        default=(), converter=fields.norm_tuple, validator=fields.lines(200)
    )
    """Units the document applies to."""
    limits: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text())
    follow_up: FollowUp | None = None
    review_interval_months: int | None = attrs.field(default=12, validator=fields.positive)
    next_review_on: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    valid_until: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """Last day in force; ``None`` means until further notice (tillsvidare)."""
    non_compliance: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text()
    )
    dispensation_rules: DispensationRules = attrs.field(factory=DispensationRules)
    faq: tuple[FaqEntry, ...] = attrs.field(default=(), converter=_faq)
    parent: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    supersedes: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    related: tuple[str, ...] = attrs.field(
        default=(), converter=fields.norm_tuple, validator=fields.refs
    )
    reminder_offsets: tuple[int, ...] | None = attrs.field(
        default=None, converter=fields.to_offsets, validator=fields.offsets
    )
    """Days before a review or end date to remind; ``None`` uses the global setting."""
    text_url: str | None = attrs.field(
        default=None, converter=weblinks.norm_url, validator=weblinks.opt_web_url
    )
    """Where the full text is published: an ``https``/``http`` address (see
    :func:`styrdok.weblinks.check_web_url`)."""
    text: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(markdown.MAX_TEXT)
    )
    """The document's own words (Markdown), kept with each adopted version; rendered
    without raw HTML (see :mod:`styrdok.markdown`)."""
    word_count: int | None = attrs.field(default=None, validator=fields.not_negative)
    """Length in words: counted from :attr:`text` when there is one, else as given (for a
    document whose text lives at :attr:`text_url`)."""
    ack_version: int = attrs.field(default=0, validator=fields.not_negative)
    """The version people are asked to confirm they have read: the last one adopted as a
    material change (an editorial change does not ask again); 0 while nobody is asked."""
    draft: Document | None = attrs.field(default=None, validator=_draft_revision)
    """A draft revision of a document in force: the document as its next version would
    read once adopted (see :data:`styrdok.rules.DECIDED_FIELDS`). Changing what a document
    in force says prepares it here; what applies stays as adopted until the next adoption
    takes the draft in. ``None`` when nothing is being prepared."""
    revision: int = 0
    """Optimistic-lock token: bumped on every stored change; pass it back when editing."""

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the document is in force on ``day``: adopted, not ended, and its date of
        effect (:attr:`in_force_from`) reached."""
        return self.status is DocStatus.IN_FORCE and (
            self.in_force_from is None or self.in_force_from <= day
        )

    def upcoming_on(self, day: dt.date) -> bool:
        """Whether the document is adopted but takes effect only after ``day``."""
        return (
            self.status is DocStatus.IN_FORCE
            and self.in_force_from is not None
            and self.in_force_from > day
        )

    def new_version_from(self, day: dt.date) -> dt.date | None:
        """The date of effect of an adopted version that does not apply yet on ``day``
        while an earlier one still does; ``None`` when there is none."""
        if self.in_force_on(day) and self.effective_from is not None and self.effective_from > day:
            return self.effective_from
        return None

    @property
    def asks_to_be_read(self) -> bool:
        """Whether people are asked to confirm this document now: in force, with a version
        asked about (:attr:`ack_version`)."""
        return self.status is DocStatus.IN_FORCE and self.ack_version > 0

    def __attrs_post_init__(self) -> None:
        # One rule on every path (API, import, store, merge): the text decides the count.
        if self.text:
            object.__setattr__(self, "word_count", markdown.word_count(self.text))
        # The dates of a decision hang together on every path too (an import, a sheet).
        decided, effect, since = self.decided_on, self.effective_from, self.in_force_from
        if decided is not None and effect is not None and effect < decided:
            raise InvalidValue(
                f"effective_from: {effect} is before the decision ({decided}); a decision "
                "takes effect on its day or later"
            )
        if since is not None and effect is not None and since > effect:
            raise InvalidValue(
                f"in_force_from: {since} is after the current version's date of effect "
                f"({effect}); the document is in force from its first version's"
            )


@attrs.frozen
class DocumentVersion:
    """An adopted version of a document and the period it was in force."""

    document_ref: str
    version: int
    in_force_from: dt.date = attrs.field(validator=fields.day)
    in_force_until: dt.date | None = attrs.field(validator=fields.opt_day)
    """First day no longer in force; ``None`` while still in force. An annulled version
    was never in force: its period is empty (``in_force_until == in_force_from``)."""
    snapshot: Document
    annulled: Annulment | None = None
    """Set when the adoption was recorded by mistake and annulled: who, when and why. The
    version stays in the history, marked."""


@attrs.frozen
class Review:
    """A review (aktualitetsprövning) of one document version."""

    document_ref: str = attrs.field(validator=fields.ref)
    document_version: int
    reviewed_on: dt.date = attrs.field(validator=fields.day)
    reviewer: str = attrs.field(validator=fields.ref)
    outcome: ReviewOutcome = attrs.field(
        converter=fields.to_review_outcome, validator=fields.one_of(ReviewOutcome)
    )
    next_review_on: dt.date | None = attrs.field(validator=fields.opt_day)
    notes: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(5_000))
    id: int | None = None


# --- questions, audit, due ---------------------------------------------------------------


#: The longest question or answer to a guardian, in characters.
QUESTION_MAX = 5_000


@attrs.frozen
class Question:
    """A question to a document's guardian; a good answer may become an FAQ entry."""

    document_ref: str = attrs.field(validator=fields.ref)
    asked_by: str = attrs.field(validator=fields.ref)
    asked_on: dt.date = attrs.field(validator=fields.day)
    text: str = attrs.field(
        converter=fields.norm_text, validator=fields.required_text(QUESTION_MAX)
    )
    answer: str | None = attrs.field(
        default=None,
        converter=fields.norm_opt_text,
        validator=fields.opt_required_text(QUESTION_MAX),
    )
    """The same text rules as the question: a blank, oversized or hidden-character answer
    is refused whichever edge it comes from."""
    answered_by: str | None = None
    answered_on: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    promoted_to_faq: bool = False
    id: int | None = None


@attrs.frozen
class AuditEvent:
    """One entry of the append-only, hash-chained audit log."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    """``kind:ref``, e.g. ``document:POL-IS-01``."""
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str


# An immutable named tuple, not an attrs class: a read of what is due builds one per row of
# the whole register, and a tuple is built in a fifth of the time (architecture.md). Its
# fields are read by name as before; ``item._asdict()`` and ``item._replace(…)`` stand in
# for attrs.asdict and attrs.evolve. The docstring is the API's description of it.
class DueItem(NamedTuple):
    """Something that falls due: a review, a document's or a dispensation's end date."""

    kind: DueKind
    ref: str
    title: str
    due_on: dt.date
    days_left: int
    """Negative when overdue."""
    person: str
    """Who is chiefly responsible: document owner or dispensation responsible."""
    status: str
