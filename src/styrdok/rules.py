"""Governance rules as pure functions: who may do what, and what a valid change looks like.

Nothing here touches the database. The registry loads what a rule needs, calls the rule,
and only then writes; a rule either returns or raises a :class:`~styrdok.errors.StyrdokError`
whose message can be shown to the user as it is.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from styrdok import fields
from styrdok.errors import PermissionDenied, RuleViolation
from styrdok.model import (
    Body,
    Dispensation,
    DispensationRules,
    DispStatus,
    DocStatus,
    Document,
    Funding,
    Person,
    Unit,
)

#: Fields ``edit_document`` may change; the rest change through adopt, review and repeal.
EDITABLE_FIELDS = frozenset(
    {
        "title",
        "doc_type",
        "owner",
        "guardian",
        "registry_number",
        "purpose",
        "intended_effects",
        "audience",
        "applies_to",
        "limits",
        "follow_up",
        "review_interval_months",
        "next_review_on",
        "valid_until",
        "non_compliance",
        "dispensation_rules",
        "faq",
        "parent",
        "supersedes",
        "related",
        "text_url",
        "text",
        "reminder_offsets",
        "word_count",
    }
)


#: Editable fields that say what a document decides: in a document in force they change
#: only by adopting a new version, so an edit of them prepares a draft revision
#: (:attr:`~styrdok.model.Document.draft`) and what applies stays as adopted. The other
#: editable fields — who owns and guards it, when it is reviewed, where it sits among the
#: documents, when reminders go — are the register's housekeeping and change at once.
DECIDED_FIELDS = frozenset(
    {
        "title",
        "doc_type",
        "purpose",
        "intended_effects",
        "audience",
        "applies_to",
        "limits",
        "follow_up",
        "valid_until",
        "non_compliance",
        "dispensation_rules",
        "supersedes",
        "text_url",
        "text",
        "word_count",
    }
)


def _combined(decided_from: Document, housekeeping_from: Document) -> Document:
    """What ``decided_from`` decides (:data:`DECIDED_FIELDS`) on the register's
    housekeeping of ``housekeeping_from``, without a draft. Who may approve dispensations
    is housekeeping too (a handover must not wait for a board meeting), though the rest of
    the dispensation rules are decided."""
    decided = {name: getattr(decided_from, name) for name in DECIDED_FIELDS}
    decided["dispensation_rules"] = attrs.evolve(
        decided_from.dispensation_rules,
        approvers=housekeeping_from.dispensation_rules.approvers,
    )
    # Only what differs is set (and checked): a value stored under an earlier rule and
    # kept on both sides stays as stored (see styrdok.fields.evolve).
    changes = {
        name: value for name, value in decided.items() if getattr(housekeeping_from, name) != value
    }
    if housekeeping_from.draft is not None:
        changes["draft"] = None
    return fields.evolve(housekeeping_from, **changes) if changes else housekeeping_from


def with_draft_taken_in(document: Document) -> Document:
    """``document`` with what its draft revision decides in place and no draft: what
    adopting the draft makes of it."""
    if document.draft is None:
        return document
    return _combined(document.draft, document)


def as_adopted(document: Document, edited: Document) -> Document:
    """``edited`` with what ``document`` decides kept as adopted: the housekeeping part of
    an edit of a document in force, which applies at once."""
    return _combined(document, edited)


def draft_of(current: Document, proposed: Document) -> Document | None:
    """The draft revision that says what ``proposed`` decides, on ``current`` as it
    stands (``None`` when they decide the same: nothing to prepare)."""
    draft = _combined(proposed, current)
    return None if draft == _combined(current, current) else draft


def shown_to(person: Person | None, document: Document) -> Document:
    """``document`` as ``person`` may read it: a draft revision is work in progress, seen
    only by those who work on the document (as a draft is, :func:`may_see_draft`)."""
    if document.draft is None or (person is not None and may_manage_document(person, document)):
        return document
    return attrs.evolve(document, draft=None)


# --- who may do what ---------------------------------------------------------------------


def require_admin(actor: Person, action: str) -> None:
    """Only registry administrators manage people and bodies."""
    if not actor.is_admin:
        raise PermissionDenied(f"{actor.ref} may not {action}: only an administrator may")


def may_manage_document(actor: Person, document: Document) -> bool:
    """Owner, guardian and administrators may edit, adopt, review and repeal a document."""
    return actor.is_admin or actor.ref in (document.owner, document.guardian)


def require_document_manager(actor: Person, document: Document, action: str) -> None:
    """Raise unless ``actor`` may ``action`` the document."""
    if not may_manage_document(actor, document):
        raise PermissionDenied(
            f"{actor.ref} may not {action} {document.ref}: "
            "only its owner, its guardian or an administrator may"
        )


def may_see_draft(person: Person | None, document: Document) -> bool:
    """A draft is work in progress: only those who work on it — its owner, its guardian
    and administrators — see it. Any other status is for every reader; ``None`` (nobody
    signed in) sees no drafts."""
    if document.status is not DocStatus.DRAFT:
        return True
    return person is not None and may_manage_document(person, document)


def may_answer(person_ref: str | None, document: Document) -> bool:
    """The guardian referees questions about a document; its owner may answer them too.
    ``None`` (nobody signed in) may not."""
    return person_ref is not None and person_ref in (document.guardian, document.owner)


def require_may_answer(person: Person, document: Document) -> None:
    """Raise unless ``person`` may answer questions about ``document``."""
    if not may_answer(person.ref, document):
        raise PermissionDenied(
            f"{person.ref} may not answer questions about {document.ref}: "
            "its guardian or owner does"
        )


def approvers_of(document: Document) -> frozenset[str]:
    """Who may decide dispensation requests: the guardian and any listed approvers."""
    return deciders(document.guardian, document.dispensation_rules.approvers)


def deciders(guardian: str | None, approvers: Iterable[str]) -> frozenset[str]:
    """:func:`approvers_of` from a document's guardian and listed approvers (the reminder
    run reads only these, not whole documents)."""
    found = set(approvers)
    if guardian:
        found.add(guardian)
    return frozenset(found)


def require_decider(actor: Person, document: Document, dispensation: Dispensation) -> None:
    """Separation of duties: the guardian or a listed approver decides, never a party."""
    if actor.ref in (dispensation.requested_by, dispensation.responsible):
        role = "requested" if actor.ref == dispensation.requested_by else "is responsible for"
        raise PermissionDenied(
            f"{actor.ref} may not decide {dispensation.ref}: they {role} it (separation of duties)"
        )
    if actor.ref not in approvers_of(document):
        raise PermissionDenied(
            f"{actor.ref} may not decide {dispensation.ref}: only the guardian of "
            f"{document.ref} or a listed approver may"
        )


def require_may_end(
    actor: Person, document: Document, dispensation: Dispensation, action: str
) -> None:
    """Revoking is a sanction: for those who could approve, the owner and admins, but
    never a party to the dispensation. Closing early is also open to the responsible
    person, who may end a dispensation they no longer need."""
    parties = {dispensation.requested_by, dispensation.responsible}
    if action == "revoke" and actor.ref in parties:
        raise PermissionDenied(
            f"{actor.ref} may not revoke {dispensation.ref}: they are a party to it "
            "(separation of duties); close it instead"
        )
    allowed = set(approvers_of(document)) | {document.owner}
    if action == "close":
        allowed |= parties
    if not (actor.is_admin or actor.ref in allowed):
        raise PermissionDenied(f"{actor.ref} may not {action} {dispensation.ref}")


def require_may_withdraw(actor: Person, dispensation: Dispensation) -> None:
    """A request is the requester's to withdraw (or an administrator's, for them)."""
    if not (actor.is_admin or actor.ref == dispensation.requested_by):
        raise PermissionDenied(
            f"{actor.ref} may not withdraw {dispensation.ref}: only {dispensation.requested_by}, "
            "who requested it, or an administrator may"
        )


def require_may_annul_decision(actor: Person, dispensation: Dispensation) -> None:
    """A decision recorded by mistake is annulled by whoever made it, or an administrator."""
    decider = dispensation.decision.by if dispensation.decision else None
    if not (actor.is_admin or actor.ref == decider):
        raise PermissionDenied(
            f"{actor.ref} may not annul the decision on {dispensation.ref}: only {decider}, "
            "who made it, or an administrator may"
        )


def require_evaluator(actor: Person, document: Document, dispensation: Dispensation) -> None:
    """The responsible person evaluates; the guardian may record it on their behalf."""
    if actor.ref not in (dispensation.responsible, document.guardian) and not actor.is_admin:
        raise PermissionDenied(
            f"{actor.ref} may not evaluate {dispensation.ref}: "
            "only the responsible person or the document's guardian may"
        )


# --- documents ---------------------------------------------------------------------------


def missing_for_force(document: Document) -> list[str]:
    """What a document lacks before it may enter into force (empty when ready)."""
    missing = []
    if not document.owner:
        missing.append("an owner")
    if not document.guardian:
        missing.append("a guardian")
    if document.follow_up is None:
        missing.append("a follow-up (how and by whom)")
    if document.next_review_on is None and document.valid_until is None:
        missing.append("a review date or a valid-until date")
    return missing


def require_ready_for_force(document: Document) -> None:
    """A document may not be in force without owner, guardian, follow-up and a date."""
    missing = missing_for_force(document)
    if missing:
        raise RuleViolation(f"{document.ref} cannot be in force without " + ", ".join(missing))


#: The furthest ahead a decision may set its date of effect, in days (about five years):
#: further is a typing mistake, not a plan.
MAX_DAYS_TO_EFFECT = 5 * 366


def require_date_of_effect(
    before: Document, *, decided_on: dt.date, effective_from: dt.date
) -> None:
    """A decision takes effect on its day or later, and a new version is neither decided
    nor takes effect before the version it replaces."""
    in_force = before.status is DocStatus.IN_FORCE
    if in_force and before.decided_on is not None and decided_on < before.decided_on:
        raise RuleViolation(
            f"version {before.version} of {before.ref} was adopted on "
            f"{before.decided_on}; a new version cannot predate it"
        )
    if effective_from < decided_on:
        raise RuleViolation(
            f"{before.ref} cannot take effect on {effective_from}, before the decision "
            f"({decided_on})"
        )
    if (effective_from - decided_on).days > MAX_DAYS_TO_EFFECT:
        raise RuleViolation(
            f"{before.ref} cannot take effect on {effective_from}: more than five years "
            f"after the decision ({decided_on})"
        )
    current = before.effective_from or before.decided_on
    if in_force and current is not None and effective_from < current:
        raise RuleViolation(
            f"version {before.version} of {before.ref} takes effect on {current}; a new "
            "version cannot take effect before it"
        )


def require_document_status(document: Document, allowed: Iterable[DocStatus], action: str) -> None:
    """Raise unless the document is in one of the ``allowed`` states."""
    allowed = tuple(allowed)
    if document.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise RuleViolation(
            f"cannot {action} {document.ref}: it is {document.status.value}, not {wanted}"
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(document: Document, reviewed_on: dt.date) -> dt.date | None:
    """The default next review date: ``reviewed_on`` plus the document's review interval."""
    if document.review_interval_months is None:
        return None
    return add_months(reviewed_on, document.review_interval_months)


class ReviewState(enum.StrEnum):
    """Where a document stands against its next review date."""

    OVERDUE = "overdue"
    """In force, and the review date has passed."""
    SOON = "soon"
    """In force, and the review date is within the next ``soon_days``."""
    OK = "ok"
    """In force, and the review date is further off."""
    NONE = "none"
    """Not in force, or no review date: nothing to review."""


#: Review dates this many days ahead count as coming up soon.
REVIEW_SOON_DAYS = 60


def review_state(
    document: Document, today: dt.date, soon_days: int = REVIEW_SOON_DAYS
) -> ReviewState:
    """Whether a document in force is overdue for review, due soon, fine, or not reviewed.
    The review date itself is not overdue yet: the review may be done that day."""
    if not document.in_force_on(today) or document.next_review_on is None:
        return ReviewState.NONE
    if document.next_review_on < today:
        return ReviewState.OVERDUE
    if document.next_review_on <= today + dt.timedelta(days=soon_days):
        return ReviewState.SOON
    return ReviewState.OK


def require_no_parent_cycle(ref: str, parent: str | None, parents: dict[str, str | None]) -> None:
    """A document may not end up beneath itself. ``parents`` maps ref → parent ref."""
    seen = {ref}
    while parent is not None:
        if parent in seen:
            raise RuleViolation(f"{ref} cannot have {parent} above it: that makes a cycle")
        seen.add(parent)
        parent = parents.get(parent)


# --- dispensations -----------------------------------------------------------------------


def require_dispensable(document: Document, valid_from: dt.date | None = None) -> None:
    """Dispensations are only granted from a document in force that allows them; one
    adopted with a later date of effect may be applied for in advance, from that day on
    (a dispensation ``valid_from`` earlier would exempt from a rule that does not apply)."""
    if document.status is not DocStatus.IN_FORCE:
        raise RuleViolation(
            f"{document.ref} is {document.status.value}: dispensations are only granted "
            "from a document in force"
        )
    if not document.dispensation_rules.allowed:
        raise RuleViolation(f"{document.ref} does not allow dispensations")
    start = document.in_force_from
    if valid_from is not None and start is not None and valid_from < start:
        raise RuleViolation(
            f"{document.ref} is in force from {start}: a dispensation from it cannot start "
            f"before that ({valid_from})"
        )


def require_valid_terms(
    rules: DispensationRules,
    *,
    valid_from: dt.date,
    valid_until: dt.date,
    funding: Funding,
    renewal_number: int,
) -> None:
    """Dates, duration, renewals and funding of a dispensation request or decision.

    ``renewal_number`` is 0 for a first dispensation, 1 for its first renewal, and so on.
    """
    if valid_until <= valid_from:
        raise RuleViolation(f"valid until ({valid_until}) must be after valid from ({valid_from})")
    days = (valid_until - valid_from).days + 1
    if rules.max_duration_days is not None and days > rules.max_duration_days:
        raise RuleViolation(
            f"a dispensation may last at most {rules.max_duration_days} days; "
            f"{valid_from} to {valid_until} is {days}"
        )
    if rules.max_renewals is not None and renewal_number > rules.max_renewals:
        raise RuleViolation(
            f"the document allows at most {rules.max_renewals} renewal(s); "
            f"this would be renewal {renewal_number}"
        )
    if not funding.is_stated:
        raise RuleViolation(
            "funding must be stated: name who funds the costs, or state 'no extra cost'"
        )


def require_dispensation_status(
    dispensation: Dispensation, allowed: Iterable[DispStatus], action: str
) -> None:
    """Raise unless the dispensation is in one of the ``allowed`` states."""
    allowed = tuple(allowed)
    if dispensation.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise RuleViolation(
            f"cannot {action} {dispensation.ref}: it is {dispensation.status.value}, not {wanted}"
        )


def require_end_date(dispensation: Dispensation, on: dt.date) -> None:
    """An approved dispensation ends on a day within its period (or on its first day)."""
    if not (dispensation.valid_from <= on <= dispensation.valid_until + dt.timedelta(days=1)):
        raise RuleViolation(
            f"{dispensation.ref} runs {dispensation.valid_from} to {dispensation.valid_until}; "
            f"it cannot end on {on}"
        )


def require_not_before(on: dt.date, action: str, *earlier: tuple[str, dt.date | None]) -> None:
    """A decision is never dated before what it decides on: an approval not before the
    request or the document's adoption, an evaluation not before the dispensation ended.
    ``earlier`` pairs say what happened, and when (``None``: not yet, no bound)."""
    for what, when in earlier:
        if when is not None and on < when:
            raise RuleViolation(f"cannot {action} on {on}: {what} on {when}")


def require_history_kept(before: Document, after: Document, today: dt.date) -> None:
    """An edit may not move a document's end into the past: what was in force on a past
    day is history, changed only by a decision (repeal) that is itself recorded."""
    if (
        before.status is DocStatus.IN_FORCE
        and after.valid_until != before.valid_until
        and after.valid_until is not None
        and after.valid_until < today
    ):
        raise RuleViolation(
            f"{before.ref} is in force: its valid-until date cannot be moved into the past "
            f"({after.valid_until}, before today {today}); repeal it to end it"
        )


def duties_of(
    person: str,
    *,
    documents: Iterable[Document],
    dispensations: Iterable[Dispensation],
    bodies: Iterable[Body],
    units: Iterable[Unit] = (),
) -> list[str]:
    """What ``person`` is still answerable for: a document in preparation or in force they
    own, guard or may approve exemptions from; an undecided or running dispensation they
    are responsible for; a body whose contact they are; a unit they manage. Someone has to
    take these over before the person can be anonymised — a pseudonym cannot answer a
    question."""
    duties = []
    for document in documents:
        if document.status not in (DocStatus.DRAFT, DocStatus.IN_FORCE):
            continue
        if person == document.owner:
            duties.append(f"owner of {document.ref}")
        if person == document.guardian:
            duties.append(f"guardian of {document.ref}")
        if person in document.dispensation_rules.approvers:
            duties.append(f"approver for {document.ref}")
    for disp in dispensations:
        if person == disp.responsible and disp.status in (
            DispStatus.REQUESTED,
            DispStatus.APPROVED,
        ):
            duties.append(f"responsible for {disp.ref}")
    duties += [f"contact of {b.ref}" for b in bodies if b.contact == person]
    duties += [f"manager of {u.ref}" for u in units if u.manager == person]
    return duties


def require_no_duties(person: str, duties: list[str]) -> None:
    if duties:
        shown = ", ".join(duties[:5]) + (f" and {len(duties) - 5} more" if len(duties) > 5 else "")
        raise RuleViolation(f"{person} is still {shown}: hand these over first")
