"""Use cases for dispensations: request, renew, decide, end early, evaluate.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name
and runs in one :class:`~styrdok.usecases.work.Work`. Status and decision change only here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from styrdok import events, rules
from styrdok.errors import RuleViolation
from styrdok.model import (
    GRANTED_STATUSES,
    Decision,
    Dispensation,
    DispensationRequest,
    DispStatus,
    Evaluation,
)
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import SYSTEM_ACTOR, Work, evolve

#: The fields a requester gives; everything else a dispensation holds is the registry's.
REQUEST_FIELDS = attrs.fields(DispensationRequest)

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def request_dispensation(
    registry: Registry,
    request: DispensationRequest,
    *,
    actor: str | None,
    on: dt.date | None = None,
) -> Dispensation:
    """Ask for a dispensation. It gets the next ``D-YYYY-NNNN`` reference."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        document = work.document(request.document_ref)
        rules.require_dispensable(document, request.valid_from)
        work.require_person(request.responsible, "responsible")
        work.require_units(request.applies_to, "applies_to")
        rules.require_valid_terms(
            document.dispensation_rules,
            valid_from=request.valid_from,
            valid_until=request.valid_until,
            funding=request.funding,
            renewal_number=0,
        )
        dispensation = Dispensation(
            ref=work.store.next_dispensation_ref(on.year),
            requested_by=work.actor.ref,
            requested_on=on,
            # Only what a request may say: a subclass carrying a status or a decision
            # cannot smuggle them in (those change only through the decision use cases).
            **{field.name: getattr(request, field.name) for field in REQUEST_FIELDS},
        )
        work.store.insert_dispensation(dispensation)
        work.record(
            events.DispensationRequested, f"dispensation:{dispensation.ref}", None, dispensation
        )
    return dispensation


@use_case
def renew_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    valid_until: dt.date,
    justification: str | None = None,
    on: dt.date | None = None,
) -> Dispensation:
    """Request a renewal: a new linked dispensation that starts the day after ``ref``
    ends. It must be approved like any request; the original is never overwritten."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        original = work.dispensation(ref)
        rules.require_dispensation_status(
            original, (DispStatus.APPROVED, DispStatus.EXPIRED), "renew"
        )
        if any(
            d.status in (DispStatus.REQUESTED, DispStatus.APPROVED)
            for d in work.store.renewals_of(ref)
        ):
            raise RuleViolation(f"{ref} already has a pending or approved renewal")
        document = work.document(original.document_ref)
        valid_from = original.valid_until + dt.timedelta(days=1)
        rules.require_dispensable(document, valid_from)
        rules.require_valid_terms(
            document.dispensation_rules,
            valid_from=valid_from,
            valid_until=valid_until,
            funding=original.funding,
            renewal_number=_renewal_number(work, original) + 1,
        )
        renewal = evolve(
            original,
            ref=work.store.next_dispensation_ref(on.year),
            status=DispStatus.REQUESTED,
            requested_by=work.actor.ref,
            requested_on=on,
            valid_from=valid_from,
            valid_until=valid_until,
            decision=None,
            renewal_of=ref,
            ended_on=None,
            end_reason="",
            evaluation=None,
            revision=0,
            justification=justification or original.justification,
        )
        work.store.insert_dispensation(renewal)
        work.record(
            events.DispensationRenewalRequested, f"dispensation:{renewal.ref}", None, renewal
        )
    return renewal


def _renewal_number(work: Work, dispensation: Dispensation) -> int:
    """0 for an original dispensation, 1 for its first renewal, …"""
    number, current = 0, dispensation
    while current.renewal_of is not None:
        number += 1
        current = work.dispensation(current.renewal_of)
    return number


@use_case
def approve_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    on: dt.date | None = None,
    reasoning: str = "",
    delegated: bool = False,
    reported_to: str | None = None,
    expected_revision: int | None = None,
) -> Dispensation:
    """Approve a request: only the document's guardian or a listed approver, never the
    requester or the responsible person. The rules are checked again at decision time."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        before = work.dispensation(ref)
        document = work.document(before.document_ref)
        rules.require_decider(work.actor, document, before)
        rules.require_dispensation_status(before, (DispStatus.REQUESTED,), "approve")
        rules.require_not_before(
            on,
            "approve",
            ("it was requested", before.requested_on),
            (f"{document.ref} was adopted", document.decided_on),
        )
        rules.require_dispensable(document, before.valid_from)
        rules.require_valid_terms(
            document.dispensation_rules,
            valid_from=before.valid_from,
            valid_until=before.valid_until,
            funding=before.funding,
            renewal_number=_renewal_number(work, before),
        )
        if on > before.valid_until:
            raise RuleViolation(
                f"{ref} would have ended on {before.valid_until}; it cannot be approved afterwards"
            )
        if delegated and reported_to is None:
            raise RuleViolation("a delegated decision must name the body it is reported to")
        work.require_body(reported_to, "reported to")
        decision = Decision(
            by=work.actor.ref,
            on=on,
            reasoning=reasoning,
            delegated=delegated,
            reported_to=reported_to,
        )
        approved = work.save_dispensation(
            before,
            evolve(before, status=DispStatus.APPROVED, decision=decision),
            events.DispensationApproved,
            expected_revision=expected_revision,
        )
        if approved.valid_until < registry.today():
            # A decision recorded after the period ran out (history being entered): it
            # expires at once, as the daily run would have, so nothing stays "approved"
            # past its end.
            return expire_now(work, approved)
        return approved


def expire_now(work: Work, dispensation: Dispensation) -> Dispensation:
    """End an approved dispensation whose period has run out (as the actor ``system``)."""
    return work.save_dispensation(
        dispensation,
        evolve(
            dispensation,
            status=DispStatus.EXPIRED,
            ended_on=dispensation.valid_until + dt.timedelta(days=1),
        ),
        events.DispensationExpired,
        actor=SYSTEM_ACTOR,
    )


@use_case
def reject_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reasoning: str,
    on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Dispensation:
    """Reject a request, with reasons (the same people may reject as may approve)."""
    on = on or registry.today()
    if not reasoning.strip():
        raise RuleViolation("a rejection must give its reasons")
    with registry.session.work(actor) as work:
        before = work.dispensation(ref)
        document = work.document(before.document_ref)
        rules.require_decider(work.actor, document, before)
        rules.require_dispensation_status(before, (DispStatus.REQUESTED,), "reject")
        rules.require_not_before(on, "reject", ("it was requested", before.requested_on))
        decision = Decision(by=work.actor.ref, on=on, reasoning=reasoning)
        return work.save_dispensation(
            before,
            evolve(before, status=DispStatus.REJECTED, decision=decision),
            events.DispensationRejected,
            expected_revision=expected_revision,
        )


@use_case
def revoke_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reason: str,
    on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Dispensation:
    """Withdraw an approved dispensation before it runs out."""
    return _end(
        registry,
        ref,
        actor=actor,
        reason=reason,
        on=on,
        event=events.DispensationRevoked,
        status=DispStatus.REVOKED,
        expected_revision=expected_revision,
    )


@use_case
def close_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reason: str,
    on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Dispensation:
    """End an approved dispensation early because it is no longer needed."""
    return _end(
        registry,
        ref,
        actor=actor,
        reason=reason,
        on=on,
        event=events.DispensationClosed,
        status=DispStatus.CLOSED,
        expected_revision=expected_revision,
    )


def _end(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reason: str,
    on: dt.date | None,
    event: type[events.Event],
    status: DispStatus,
    expected_revision: int | None,
) -> Dispensation:
    on = on or registry.today()
    action = event.name.split(".", 1)[1]  # "revoke", "close": the verb the rules name
    if not reason.strip():
        raise RuleViolation(f"say why the dispensation is {status.value}")
    with registry.session.work(actor) as work:
        before = work.dispensation(ref)
        document = work.document(before.document_ref)
        rules.require_may_end(work.actor, document, before, action)
        rules.require_dispensation_status(before, (DispStatus.APPROVED,), action)
        rules.require_end_date(before, on)
        return work.save_dispensation(
            before,
            evolve(before, status=status, ended_on=on, end_reason=reason, ended_by=work.actor.ref),
            event,
            expected_revision=expected_revision,
        )


@use_case
def evaluate_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    outcome: str,
    lessons: str = "",
    rule_change_suggested: bool = False,
    on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Dispensation:
    """Record what an ended dispensation taught, and whether the rule should change."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        before = work.dispensation(ref)
        document = work.document(before.document_ref)
        rules.require_evaluator(work.actor, document, before)
        rules.require_dispensation_status(
            before, (DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED), "evaluate"
        )
        rules.require_not_before(on, "evaluate", ("it ended", before.ended_on))
        if before.evaluation is not None:
            done = before.evaluation
            raise RuleViolation(
                f"{ref} was evaluated on {done.on} by {done.by}; an evaluation is kept as "
                "it was given, not replaced"
            )
        evaluation = Evaluation(
            by=work.actor.ref,
            on=on,
            outcome=outcome,
            lessons=lessons,
            rule_change_suggested=rule_change_suggested,
        )
        return work.save_dispensation(
            before,
            evolve(before, evaluation=evaluation),
            events.DispensationEvaluated,
            expected_revision=expected_revision,
        )


@use_case
def get_dispensation(registry: Registry, ref: str) -> Dispensation:
    """One dispensation by ref."""
    from styrdok.usecases.work import load_dispensation

    with registry.session.read() as store:
        return load_dispensation(store, ref)


@use_case
def list_dispensations(
    registry: Registry,
    *,
    status: DispStatus | None = None,
    document: str | None = None,
    person: str | None = None,
) -> list[Dispensation]:
    """Dispensations sorted by ref, filtered by status, document and person (requester,
    responsible or decider)."""
    with registry.session.read() as store:
        return store.list_dispensations(
            status=status.value if status else None, document_ref=document, person=person
        )


@use_case
def dispensations_active_on(
    registry: Registry, on: dt.date | None = None, *, document: str | None = None
) -> list[Dispensation]:
    """Dispensations that applied on a day (whatever their status is now)."""
    with registry.session.read() as store:
        return store.dispensations_in_effect(
            on or registry.today(), statuses=GRANTED_STATUSES, document_ref=document
        )
