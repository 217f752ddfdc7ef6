"""The domain: governing documents, dispensations and the people around them.

Pure data, no I/O. Every class is frozen; a change is a new object made with
:func:`attrs.evolve`, so a value read from the registry can never drift from what was
stored. Field validators reject values that are wrong in themselves (a malformed
reference, an over-long title); rules that need context (who may approve, how long a
dispensation may last) live in :mod:`styrdok.rules`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import attrs

# The enums live in styrdok.enums (no attrs classes to build, so the command line can use
# them without importing this module); they are re-exported here.
from styrdok.enums import BodyLevel as BodyLevel
from styrdok.enums import Disposition as Disposition
from styrdok.enums import DispStatus as DispStatus
from styrdok.enums import DocStatus as DocStatus
from styrdok.enums import DocType as DocType
from styrdok.enums import DueKind as DueKind
from styrdok.enums import ReviewOutcome as ReviewOutcome
from styrdok.errors import InvalidValue
from styrdok.text import (
    REF_PATTERN,
    check_line,
    check_text,
    is_clean_line,
    is_clean_text,
    normalise,
    valid_email,
    valid_ref,
)

#: Statuses under which a dispensation counts as granted for some period.
GRANTED_STATUSES = frozenset(
    {DispStatus.APPROVED, DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED}
)

#: How long a one-line title made from a dispensation's scope may be.
SCOPE_TITLE_LENGTH = 80


def scope_title(scope: str) -> str:
    """A dispensation's scope as a one-line title (reminders, due lists, digests)."""
    return " ".join(scope.split())[:SCOPE_TITLE_LENGTH]


#: Statuses of a dispensation still open: one a document that ends must settle.
OPEN_STATUSES = frozenset({DispStatus.REQUESTED, DispStatus.APPROVED})

# --- field helpers -----------------------------------------------------------------------
# Converters only normalise (Unicode NFC, stripped, lists to tuples); validators then check
# and name the field in their message, e.g. ``owner: invalid reference 'x y'``.

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _norm(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value


def _norm_opt(value: Any) -> Any:
    value = _norm(value)
    return None if value == "" else value


def _norm_text(value: Any) -> Any:
    return "" if value is None else _norm(value)


def _norm_tuple(values: Any) -> Any:
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values
    return tuple(_norm(v) for v in values)


def _to_enum(kind: type[enum.StrEnum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value  # the validator explains what would have been right


def _doc_type(value: Any) -> Any:
    return _to_enum(DocType, value)


def _body_level(value: Any) -> Any:
    return _to_enum(BodyLevel, value)


def _doc_status(value: Any) -> Any:
    return _to_enum(DocStatus, value)


def _disp_status(value: Any) -> Any:
    return _to_enum(DispStatus, value)


def _review_outcome(value: Any) -> Any:
    return _to_enum(ReviewOutcome, value)


def _faq(values: Iterable[Any]) -> tuple[FaqEntry, ...]:
    entries = []
    for value in values:
        if isinstance(value, dict):  # from an import or a JSON column
            try:
                value = FaqEntry(**value)
            except TypeError:
                raise InvalidValue("faq: each entry needs a question and an answer") from None
        entries.append(value)
    return tuple(entries)


def _checked(attribute: attrs.Attribute[Any], check: Callable[[Any], Any], value: Any) -> None:
    try:
        check(value)
    except InvalidValue as exc:
        raise InvalidValue(f"{attribute.name}: {exc}") from None


# Validators run for every field of every record an import reads (about a million at
# national scale), so each has a fast path for the common, valid case and only falls back
# to the detailed check, which explains what is wrong, when something is.


def _ref(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is str and REF_PATTERN.fullmatch(value):
        return
    _checked(attribute, valid_ref, value)


def _opt_ref(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _ref(_inst, attribute, value)


def _refs(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _checked(attribute, lambda values: [valid_ref(v) for v in _as_tuple(values)], value)


def _email(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _checked(attribute, valid_email, value)


def _as_tuple(values: Any) -> tuple[Any, ...]:
    if not isinstance(values, tuple):
        raise InvalidValue(f"expected a list, got {type(values).__name__}")
    return values


def _line(limit: int) -> Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_clean_line(value, limit):
            _checked(attribute, lambda v: check_line(v, limit=limit), value)

    return check


def _opt_line(limit: int) -> Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not is_clean_line(value, limit):
            _checked(attribute, lambda v: check_line(v, limit=limit), value)

    return check


def _text(limit: int = 20_000) -> Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_clean_text(value, limit):
            _checked(attribute, lambda v: check_text(v, limit=limit), value)

    return check


def _lines(limit: int) -> Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if type(value) is tuple and all(is_clean_line(v, limit) for v in value):
            return
        _checked(attribute, lambda vs: [check_line(v, limit=limit) for v in _as_tuple(vs)], value)

    return check


def _enum(kind: type[enum.StrEnum]) -> Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            choices = ", ".join(member.value for member in kind)
            raise InvalidValue(f"{attribute.name}: {value!r} is not one of: {choices}")

    return check


def _amount(value: Any) -> Decimal | None:
    """Money in whole öre (two decimals), never negative: stored and shown the same way."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise InvalidValue(f"estimated_cost: {value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise InvalidValue(f"estimated_cost: {value!r} is not a sensible amount")
    return amount.quantize(Decimal("0.01"))


#: How far ahead a per-document reminder may be (the reminder run looks this far).
MAX_REMINDER_OFFSET_DAYS = 180


def _offsets_or_none(values: Any) -> Any:
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, Iterable):
        return values
    values = tuple(values)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return values
    return tuple(sorted(set(values), reverse=True)) or None


def _offsets(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_REMINDER_OFFSET_DAYS
        for v in value
    ):
        raise InvalidValue(
            f"{attribute.name}: give whole days between 0 and {MAX_REMINDER_OFFSET_DAYS}, "
            "e.g. 90, 30, 0"
        )


def _positive(_inst: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value <= 0:
        raise InvalidValue(f"{attribute.name} must be a positive number, not {value}")


def _not_negative(_inst: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 0:
        raise InvalidValue(f"{attribute.name} must not be negative, not {value}")


# --- people and bodies -------------------------------------------------------------------


@attrs.frozen
class Person:
    """Someone who owns, guards, requests, approves or answers."""

    ref: str = attrs.field(validator=_ref)
    """Short unique handle, e.g. ``anna.lind``."""
    name: str = attrs.field(converter=_norm, validator=_line(200))
    """Full name as shown to others."""
    email: str | None = attrs.field(default=None, converter=_norm_opt, validator=_email)
    """Where reminders go."""
    unit: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_line(200))
    """Organisational unit (förvaltning, enhet)."""
    title: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_line(200))
    """Job title."""
    is_admin: bool = False
    """Registry administrators may manage people, bodies and any document."""


@attrs.frozen
class Body:
    """A deciding body (beslutsinstans): council, board, committee, administration, unit."""

    ref: str = attrs.field(validator=_ref)
    """Short unique handle, e.g. ``KF`` or ``BUN``."""
    name: str = attrs.field(converter=_norm, validator=_line(200))
    """Full name, e.g. *Kommunfullmäktige*."""
    level: BodyLevel = attrs.field(converter=_body_level, validator=_enum(BodyLevel))
    """Where it sits in the chain of governance."""
    contact: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    """Person ref of the registrar told when reviews under this body run late."""


# --- documents ---------------------------------------------------------------------------


@attrs.frozen
class FollowUp:
    """How a document is followed up and by whom (decided when it is written)."""

    method: str = attrs.field(converter=_norm, validator=_line(500))
    """How, e.g. *yearly report to the executive board*."""
    by: str = attrs.field(converter=_norm, validator=_line(200))
    """By whom: a person, role or body."""


@attrs.frozen
class FaqEntry:
    """One common question and its answer."""

    question: str = attrs.field(converter=_norm, validator=_line(500))
    answer: str = attrs.field(converter=_norm_text, validator=_text(5_000))


@attrs.frozen
class DispensationRules:
    """A document's exemption process: whether and how dispensations may be granted."""

    allowed: bool = False
    """Whether dispensations may be granted at all."""
    requirements: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    """What a request must show."""
    approvers: tuple[str, ...] = attrs.field(default=(), converter=_norm_tuple, validator=_refs)
    """Person refs who may approve besides the guardian."""
    max_duration_days: int | None = attrs.field(default=365, validator=_positive)
    """Longest period one decision may cover; ``None`` for no limit."""
    max_renewals: int | None = attrs.field(default=1, validator=_not_negative)
    """How many times a dispensation may be renewed; ``None`` for no limit."""


@attrs.frozen
class Document:
    """A governing document (styrdokument) as it stands now."""

    ref: str = attrs.field(validator=_ref)
    """Unique human reference, e.g. ``POL-IS-01``."""
    title: str = attrs.field(converter=_norm, validator=_line(300))
    doc_type: DocType = attrs.field(converter=_doc_type, validator=_enum(DocType))
    owner: str = attrs.field(validator=_ref)
    """Person ref of the document owner (dokumentägare)."""
    guardian: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    """Person ref of the guardian (väktare) who referees questions about it."""
    status: DocStatus = attrs.field(
        default=DocStatus.DRAFT,
        converter=_doc_status,
        validator=_enum(DocStatus),
    )
    version: int = attrs.field(default=0, validator=_not_negative)
    """Adopted version; 0 until first adopted, +1 on each adopted change."""
    adopted_by: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    """Body ref that adopted the current version."""
    decided_on: dt.date | None = None
    minute_ref: str | None = attrs.field(
        default=None, converter=_norm_opt, validator=_opt_line(100)
    )
    """Paragraph in the minutes, e.g. ``§ 45``."""
    registry_number: str | None = attrs.field(
        default=None, converter=_norm_opt, validator=_opt_line(100)
    )
    """Diarienummer, e.g. ``KS 2025/123``."""
    purpose: str = attrs.field(default="", converter=_norm_text, validator=_text())
    intended_effects: str = attrs.field(default="", converter=_norm_text, validator=_text())
    audience: str = attrs.field(default="", converter=_norm_text, validator=_text(2_000))
    applies_to: tuple[str, ...] = attrs.field(
        default=(), converter=_norm_tuple, validator=_lines(200)
    )
    """Units the document applies to."""
    limits: str = attrs.field(default="", converter=_norm_text, validator=_text())
    follow_up: FollowUp | None = None
    review_interval_months: int | None = attrs.field(default=12, validator=_positive)
    next_review_on: dt.date | None = None
    valid_until: dt.date | None = None
    """Last day in force; ``None`` means until further notice (tillsvidare)."""
    non_compliance: str = attrs.field(default="", converter=_norm_text, validator=_text())
    dispensation_rules: DispensationRules = attrs.field(factory=DispensationRules)
    faq: tuple[FaqEntry, ...] = attrs.field(default=(), converter=_faq)
    parent: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    supersedes: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    related: tuple[str, ...] = attrs.field(default=(), converter=_norm_tuple, validator=_refs)
    reminder_offsets: tuple[int, ...] | None = attrs.field(
        default=None, converter=_offsets_or_none, validator=_offsets
    )
    """Days before a review or end date to remind; ``None`` uses the global setting."""
    text_url: str | None = attrs.field(
        default=None, converter=_norm_opt, validator=_opt_line(2_000)
    )
    word_count: int | None = attrs.field(default=None, validator=_not_negative)
    revision: int = 0
    """Optimistic-lock token: bumped on every stored change; pass it back when editing."""


@attrs.frozen
class DocumentVersion:
    """An adopted version of a document and the period it was in force."""

    document_ref: str
    version: int
    in_force_from: dt.date
    in_force_until: dt.date | None
    """First day no longer in force; ``None`` while still in force."""
    snapshot: Document


@attrs.frozen
class Review:
    """A review (aktualitetsprövning) of one document version."""

    document_ref: str = attrs.field(validator=_ref)
    document_version: int
    reviewed_on: dt.date
    reviewer: str = attrs.field(validator=_ref)
    outcome: ReviewOutcome = attrs.field(converter=_review_outcome, validator=_enum(ReviewOutcome))
    next_review_on: dt.date | None
    notes: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    id: int | None = None


# --- dispensations -----------------------------------------------------------------------


@attrs.frozen
class Funding:
    """How costs caused by a dispensation are funded. ``no_extra_cost`` is a statement too."""

    funded_by: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_line(200))
    """Budget or body that pays."""
    estimated_cost: Decimal | None = attrs.field(default=None, converter=_amount)
    currency: str = attrs.field(default="SEK", converter=_norm, validator=_line(3))
    no_extra_cost: bool = False
    note: str = attrs.field(default="", converter=_norm_text, validator=_text(2_000))

    @property
    def is_stated(self) -> bool:
        """True when the funding question has been answered one way or the other."""
        return self.no_extra_cost or bool(self.funded_by)


@attrs.frozen
class Decision:
    """Who decided a dispensation request, when and why."""

    by: str = attrs.field(validator=_ref)
    on: dt.date
    reasoning: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    delegated: bool = False
    """Taken under delegation (delegationsbeslut)."""
    reported_to: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    """Body the delegated decision is reported to (anmälan till nämnd)."""


@attrs.frozen
class Evaluation:
    """What a dispensation taught (lyckade missar): outcome, lessons, a rule to change?"""

    by: str = attrs.field(validator=_ref)
    on: dt.date
    outcome: str = attrs.field(converter=_norm_text, validator=_text(5_000))
    lessons: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    rule_change_suggested: bool = False


@attrs.frozen
class DispensationRequest:
    """What someone asks for when requesting a dispensation."""

    document_ref: str = attrs.field(validator=_ref)
    scope: str = attrs.field(converter=_norm_text, validator=_text(5_000))
    """What it covers."""
    responsible: str = attrs.field(validator=_ref)
    """Person responsible for the dispensation and its consequences."""
    valid_from: dt.date
    valid_until: dt.date
    funding: Funding
    applies_to: tuple[str, ...] = attrs.field(
        default=(), converter=_norm_tuple, validator=_lines(200)
    )
    """People, units or systems it applies to."""
    clause: str = attrs.field(default="", converter=_norm_text, validator=_text(500))
    limits: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    justification: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    conditions: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    """Compensating measures."""


@attrs.frozen
class Dispensation:
    """A dispensation (dispens, undantag, avsteg) from a document."""

    ref: str = attrs.field(validator=_ref)
    """Automatic, e.g. ``D-2026-0001``."""
    document_ref: str = attrs.field(validator=_ref)
    scope: str = attrs.field(converter=_norm_text, validator=_text(5_000))
    requested_by: str = attrs.field(validator=_ref)
    requested_on: dt.date
    responsible: str = attrs.field(validator=_ref)
    valid_from: dt.date
    valid_until: dt.date
    funding: Funding
    status: DispStatus = attrs.field(
        default=DispStatus.REQUESTED,
        converter=_disp_status,
        validator=_enum(DispStatus),
    )
    applies_to: tuple[str, ...] = attrs.field(
        default=(), converter=_norm_tuple, validator=_lines(200)
    )
    clause: str = attrs.field(default="", converter=_norm_text, validator=_text(500))
    limits: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    justification: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    conditions: str = attrs.field(default="", converter=_norm_text, validator=_text(5_000))
    decision: Decision | None = None
    renewal_of: str | None = attrs.field(default=None, converter=_norm_opt, validator=_opt_ref)
    """The dispensation this one renews; history is never overwritten."""
    ended_on: dt.date | None = None
    """First day no longer in effect after a revoke, close or expiry."""
    end_reason: str = attrs.field(default="", converter=_norm_text, validator=_text(2_000))
    evaluation: Evaluation | None = None
    revision: int = 0
    """Optimistic-lock token."""

    def active_on(self, day: dt.date) -> bool:
        """Whether this dispensation applied on ``day``."""
        if self.status not in GRANTED_STATUSES:
            return False
        if not (self.valid_from <= day <= self.valid_until):
            return False
        return self.ended_on is None or day < self.ended_on


# --- questions, audit, due ---------------------------------------------------------------


@attrs.frozen
class Question:
    """A question to a document's guardian; a good answer may become an FAQ entry."""

    document_ref: str = attrs.field(validator=_ref)
    asked_by: str = attrs.field(validator=_ref)
    asked_on: dt.date
    text: str = attrs.field(converter=_norm_text, validator=_text(5_000))
    answer: str | None = None
    answered_by: str | None = None
    answered_on: dt.date | None = None
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


@attrs.frozen
class DueItem:
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
