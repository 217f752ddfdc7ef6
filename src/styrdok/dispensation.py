"""Dispensations (dispens, undantag, avsteg) from a document, and what goes with them.

Part of the domain model: frozen attrs classes for a request, its funding, the decision on
it, the dispensation itself and what it taught. All are re-exported by
:mod:`styrdok.model`, the usual place to import them from.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from styrdok import fields
from styrdok.annulment import Annulment
from styrdok.enums import DispStatus
from styrdok.errors import InvalidValue

#: Statuses under which a dispensation counts as granted for some period.
GRANTED_STATUSES = frozenset(
    {DispStatus.APPROVED, DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED}
)

#: How long a one-line title made from a dispensation's scope may be.
SCOPE_TITLE_LENGTH = 80


def scope_title(scope: str) -> str:
    """A dispensation's scope as a one-line title (reminders, due lists, digests): at most
    :data:`SCOPE_TITLE_LENGTH` characters; a longer scope is cut after its last whole word
    that fits and ends with "…", so a reader sees that it goes on."""
    line = " ".join(scope.split())
    if len(line) <= SCOPE_TITLE_LENGTH:
        return line
    # The whole words among the first SCOPE_TITLE_LENGTH characters, which leaves room
    # for the "…" (a single word longer than that: its first characters).
    head = line[:SCOPE_TITLE_LENGTH]
    kept = head.rsplit(" ", 1)[0] if " " in head else head[: SCOPE_TITLE_LENGTH - 1]
    return kept.rstrip(" ,;:.–-") + "…"


#: Statuses of a dispensation still open: one a document that ends must settle.
OPEN_STATUSES = frozenset({DispStatus.REQUESTED, DispStatus.APPROVED})


@attrs.frozen
class Funding:
    """How costs caused by a dispensation are funded. ``no_extra_cost`` is a statement too."""

    funded_by: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_line(200)
    )
    """Budget or body that pays."""
    estimated_cost: Decimal | None = attrs.field(default=None, converter=fields.to_amount)
    currency: str = attrs.field(default="SEK", converter=fields.norm, validator=fields.line(3))
    no_extra_cost: bool = False
    note: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(2_000))

    @property
    def is_stated(self) -> bool:
        """True when the funding question has been answered one way or the other."""
        return self.no_extra_cost or bool(self.funded_by)


@attrs.frozen
class Decision:
    """Who decided a dispensation request, when and why."""

    by: str = attrs.field(validator=fields.ref)
    on: dt.date = attrs.field(validator=fields.day)
    reasoning: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(5_000)
    )
    delegated: bool = False
    """Taken under delegation (delegationsbeslut)."""
    reported_to: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """Body the delegated decision is reported to (anmälan till nämnd)."""


#: The statuses a decision gives: the ones an annulled decision may have given.
DECIDED_STATUSES = frozenset({DispStatus.APPROVED, DispStatus.REJECTED})


def _decided(_inst: object, attribute: attrs.Attribute[DispStatus], value: DispStatus) -> None:
    if value not in DECIDED_STATUSES:
        raise InvalidValue(f"{attribute.name}: a decision approves or rejects, not {value}")


@attrs.frozen
class AnnulledDecision:
    """A decision on a dispensation that was recorded by mistake and annulled: kept on the
    dispensation, never erased."""

    status: DispStatus = attrs.field(
        converter=fields.to_disp_status, validator=[fields.one_of(DispStatus), _decided]
    )
    """What the decision made the dispensation: approved or rejected."""
    decision: Decision
    """The decision as it was recorded."""
    annulment: Annulment
    """Who annulled it, when and why."""


def _annulled(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, AnnulledDecision) for v in value):
        raise InvalidValue(f"{attribute.name}: expected a tuple of annulled decisions")


@attrs.frozen
class Evaluation:
    """What a dispensation taught (lyckade missar): outcome, lessons, a rule to change?"""

    by: str = attrs.field(validator=fields.ref)
    on: dt.date = attrs.field(validator=fields.day)
    outcome: str = attrs.field(converter=fields.norm_text, validator=fields.text(5_000))
    lessons: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(5_000))
    rule_change_suggested: bool = False


@attrs.frozen
class DispensationRequest:
    """What someone asks for when requesting a dispensation."""

    document_ref: str = attrs.field(validator=fields.ref)
    scope: str = attrs.field(converter=fields.norm_text, validator=fields.text(5_000))
    """What it covers."""
    responsible: str = attrs.field(validator=fields.ref)
    """Person responsible for the dispensation and its consequences."""
    valid_from: dt.date = attrs.field(validator=fields.day)
    valid_until: dt.date = attrs.field(validator=fields.day)
    funding: Funding
    applies_to: tuple[str, ...] = attrs.field(
        default=(), converter=fields.norm_tuple, validator=fields.lines(200)
    )
    """People, units or systems it applies to."""
    clause: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(500))
    limits: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(5_000))
    justification: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(5_000)
    )
    conditions: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(5_000)
    )
    """Compensating measures."""


@attrs.frozen
class Dispensation:
    """A dispensation (dispens, undantag, avsteg) from a document."""

    ref: str = attrs.field(validator=fields.ref)
    """Automatic, e.g. ``D-2026-0001``."""
    document_ref: str = attrs.field(validator=fields.ref)
    scope: str = attrs.field(converter=fields.norm_text, validator=fields.text(5_000))
    requested_by: str = attrs.field(validator=fields.ref)
    requested_on: dt.date = attrs.field(validator=fields.day)
    responsible: str = attrs.field(validator=fields.ref)
    valid_from: dt.date = attrs.field(validator=fields.day)
    valid_until: dt.date = attrs.field(validator=fields.day)
    funding: Funding
    status: DispStatus = attrs.field(
        default=DispStatus.REQUESTED,
        converter=fields.to_disp_status,
        validator=fields.one_of(DispStatus),
    )
    applies_to: tuple[str, ...] = attrs.field(
        default=(), converter=fields.norm_tuple, validator=fields.lines(200)
    )
    clause: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(500))
    limits: str = attrs.field(default="", converter=fields.norm_text, validator=fields.text(5_000))
    justification: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(5_000)
    )
    conditions: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(5_000)
    )
    decision: Decision | None = None
    renewal_of: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """The dispensation this one renews; history is never overwritten."""
    ended_on: dt.date | None = attrs.field(default=None, validator=fields.opt_day)
    """First day no longer in effect after a revoke, close or expiry; for a withdrawn
    request, the day it was withdrawn (none for one withdrawn before issue 16)."""
    end_reason: str = attrs.field(
        default="", converter=fields.norm_text, validator=fields.text(2_000)
    )
    """Why it was revoked, closed or withdrawn."""
    ended_by: str | None = attrs.field(
        default=None, converter=fields.norm_opt, validator=fields.opt_ref
    )
    """Who revoked, closed or withdrew it (they are not told of their own step); ``None``
    when it expired, or ended before styrdok recorded who ended it."""
    evaluation: Evaluation | None = None
    annulled: tuple[AnnulledDecision, ...] = attrs.field(default=(), validator=_annulled)
    """Decisions on it annulled as recorded by mistake, oldest first."""
    revision: int = 0
    """Optimistic-lock token."""

    def active_on(self, day: dt.date) -> bool:
        """Whether this dispensation applied on ``day``."""
        if self.status not in GRANTED_STATUSES:
            return False
        if not (self.valid_from <= day <= self.valid_until):
            return False
        return self.ended_on is None or day < self.ended_on
