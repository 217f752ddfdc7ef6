"""Corrections: a request withdrawn, and a decision or an adoption recorded by mistake
annulled.

Nothing is rewritten silently and nothing is erased. A withdrawn request ends with a
status of its own. An annulled decision stays on its dispensation (``annulled``) and an
annulled adoption stays in its document's history as a version marked annulled, each with
who annulled it, when and why; the audit event holds the record before and after.

An annulment undoes a mistake, not a history: a dispensation that has ended, or an adoption
that something was built on since (an FAQ change, a review, a dispensation granted, a
document superseded), is refused with a message that says what.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name
and runs in one :class:`~styrdok.usecases.work.Work`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from styrdok import events, rules
from styrdok.errors import RuleViolation
from styrdok.model import (
    GRANTED_STATUSES,
    AnnulledDecision,
    Annulment,
    Dispensation,
    DispStatus,
    DocStatus,
    Document,
    DocumentVersion,
)
from styrdok.serialize import to_data
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: Statuses of a dispensation that has ended: what was decided on it is history.
ENDED_STATUSES = (DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED)
#: A renewal in one of these does not depend on the decision on what it renews.
SETTLED_RENEWALS = (DispStatus.REJECTED, DispStatus.WITHDRAWN)


@use_case
def withdraw_dispensation(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reason: str = "",
    on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Dispensation:
    """Withdraw a request that has not been decided (a renewal request too): only the person
    who requested it, or an administrator. It ends as ``withdrawn`` on ``on`` (default
    today: ``ended_on``, so the reminder run can tell those who were told of the request),
    with the reason."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        before = work.dispensation(ref)
        rules.require_may_withdraw(work.actor, before)
        rules.require_dispensation_status(before, (DispStatus.REQUESTED,), "withdraw")
        rules.require_not_before(on, "withdraw", ("it was requested", before.requested_on))
        return work.save_dispensation(
            before,
            evolve(
                before,
                status=DispStatus.WITHDRAWN,
                ended_on=on,
                end_reason=reason,
                ended_by=work.actor.ref,
            ),
            events.DispensationWithdrawn,
            expected_revision=expected_revision,
        )


@use_case
def annul_dispensation_decision(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reason: str,
    expected_revision: int | None = None,
) -> Dispensation:
    """Annul a decision (an approval or a rejection) recorded by mistake: the dispensation
    is requested again, to be decided properly, and keeps the annulled decision in
    ``annulled``. Only whoever made the decision, or an administrator, and with a reason;
    never once the dispensation has ended."""
    _require_reason(reason, f"the decision on {ref}")
    with registry.session.work(actor) as work:
        before = work.dispensation(ref)
        if before.status in ENDED_STATUSES:
            raise RuleViolation(
                f"{ref} has ended ({before.status.value}): what was decided on it is "
                "history and cannot be annulled"
            )
        rules.require_dispensation_status(
            before, (DispStatus.APPROVED, DispStatus.REJECTED), "annul the decision on"
        )
        assert before.decision is not None  # approved and rejected ones record it
        rules.require_may_annul_decision(work.actor, before)
        document = work.document(before.document_ref)
        if document.status is not DocStatus.IN_FORCE:
            raise RuleViolation(
                f"{document.ref} is {document.status.value}: {ref} cannot be pending again "
                "from a document that is not in force"
            )
        for renewal in work.store.renewals_of(ref):
            if renewal.status not in SETTLED_RENEWALS:
                raise RuleViolation(
                    f"{renewal.ref} ({renewal.status.value}) renews {ref} and builds on its "
                    f"decision: withdraw it, or annul its decision, first"
                )
        annulled = AnnulledDecision(
            status=before.status,
            decision=before.decision,
            annulment=Annulment(by=work.actor.ref, on=registry.today(), reason=reason),
        )
        return work.save_dispensation(
            before,
            evolve(
                before,
                status=DispStatus.REQUESTED,
                decision=None,
                annulled=(*before.annulled, annulled),
            ),
            events.DispensationDecisionAnnulled,
            expected_revision=expected_revision,
        )


@use_case
def annul_adoption(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    reason: str,
    expected_revision: int | None = None,
) -> Document:
    """Annul the latest adoption of a document, recorded by mistake (the wrong document, the
    wrong meeting): the document is again what it was before it — a draft if it was the
    first adoption, else its previous version in force once more. The annulled version stays
    in the history, marked, with an empty period (it was never in force); its number is not
    given again. Administrators only, with a reason; refused when something was built on
    the adoption since."""
    _require_reason(reason, f"the adoption of {ref}")
    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "annul an adoption")
        before = work.document(ref)
        rules.require_document_status(before, (DocStatus.IN_FORCE,), "annul the adoption of")
        versions = [v for v in work.store.list_versions(ref) if v.annulled is None]
        if not versions or versions[-1].version != before.version:
            raise RuleViolation(
                f"{ref} is at version {before.version}, which its history does not record: "
                "there is no adoption to annul"
            )
        latest, earlier = versions[-1], (versions[-2] if len(versions) > 1 else None)
        if earlier is not None and _decision(earlier.snapshot) == _decision(latest.snapshot):
            # An FAQ change makes a new version under the same decision (usecases/faq.py).
            adoption = _adoption_of(versions)
            raise RuleViolation(
                f"cannot annul the adoption of {ref} (version {adoption.version}, "
                f"{adoption.in_force_from}): its FAQ has changed since (version "
                f"{latest.version}, {latest.in_force_from}), which builds on it"
            )
        built = _built_on(work, latest, earlier)
        if built:
            raise RuleViolation(
                f"cannot annul the adoption of {ref} (version {latest.version}, "
                f"{latest.in_force_from}): " + "; ".join(built)
            )
        annulled = evolve(
            latest,
            in_force_until=latest.in_force_from,
            annulled=Annulment(by=work.actor.ref, on=registry.today(), reason=reason),
        )
        work.store.replace_version(annulled)
        if earlier is not None:  # in force again, from where it was before
            work.store.replace_version(evolve(earlier, in_force_until=None))
        return work.save_document(
            before,
            _as_before(work, before, latest, earlier),
            events.DocumentAdoptionAnnulled,
            expected_revision=expected_revision,
            audit_after=lambda stored: {"document": to_data(stored), "version": to_data(annulled)},
        )


def _require_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise RuleViolation(f"say why {what} is annulled: a reason is required")


def _built_on(work: Work, latest: DocumentVersion, earlier: DocumentVersion | None) -> list[str]:
    """What was built on the adoption of ``latest`` since (empty: it may be annulled)."""
    ref, since, adopted = latest.document_ref, latest.in_force_from, latest.snapshot
    built = []
    for review in work.store.list_reviews(ref):
        if review.document_version == latest.version:
            built.append(f"it was reviewed on {review.reviewed_on}")
    dispensations = work.store.list_dispensations(document_ref=ref)
    if earlier is None:  # back to a draft, from which nothing may be requested
        depending = [d.ref for d in dispensations]
        what = "requested under it"
    else:
        depending = [
            d.ref
            for d in dispensations
            if d.status in GRANTED_STATUSES and d.decision is not None and d.decision.on >= since
        ]
        what = "granted under it"
    if depending:
        shown = ", ".join(depending[:5]) + (" …" if len(depending) > 5 else "")
        built.append(f"dispensations were {what} ({shown})")
    old = work.store.get_document(adopted.supersedes) if adopted.supersedes else None
    if old is not None and old.status is DocStatus.SUPERSEDED:
        ends = [v.in_force_until for v in work.store.list_versions(old.ref) if v.annulled is None]
        if ends and ends[-1] == since:
            built.append(f"it superseded {old.ref}")
    return built


def _adoption_of(versions: list[DocumentVersion]) -> DocumentVersion:
    """The version the adoption behind the last of ``versions`` made: the first of the
    versions at the end that share its decision."""
    adoption = versions[-1]
    for version in reversed(versions[:-1]):
        if _decision(version.snapshot) != _decision(adoption.snapshot):
            break
        adoption = version
    return adoption


def _decision(document: Document) -> tuple[str | None, dt.date | None, str | None]:
    """The adopting decision a version was made under: body, date, minute."""
    return document.adopted_by, document.decided_on, document.minute_ref


def _as_before(
    work: Work, current: Document, latest: DocumentVersion, earlier: DocumentVersion | None
) -> Document:
    """``current`` as it was before ``latest`` was adopted: the decision of ``earlier`` (or
    a draft's none); the registry number and the next review date the adoption set are put
    back as they were, unless someone has changed them since. Everything else — the text,
    edits and reviews made since — stays as it is."""
    if earlier is None:
        restored: dict[str, Any] = {
            "status": DocStatus.DRAFT,
            "version": 0,
            "adopted_by": None,
            "decided_on": None,
            "effective_from": None,
            "in_force_from": None,
            "minute_ref": None,
        }
    else:
        restored = {
            "status": DocStatus.IN_FORCE,
            "version": earlier.version,
            "adopted_by": earlier.snapshot.adopted_by,
            "decided_on": earlier.snapshot.decided_on,
            # A version stored before dates of effect were kept took effect on its decision.
            "effective_from": earlier.in_force_from,
            "in_force_from": current.in_force_from,
            "minute_ref": earlier.snapshot.minute_ref,
        }
    prior = _before_adoption(work, latest)
    if prior is not None:
        if current.registry_number == latest.snapshot.registry_number:
            restored["registry_number"] = prior.get("registry_number")
        if current.next_review_on == latest.snapshot.next_review_on:
            day = prior.get("next_review_on")
            restored["next_review_on"] = dt.date.fromisoformat(day) if day else None
    return evolve(current, **restored)


def _before_adoption(work: Work, version: DocumentVersion) -> dict[str, Any] | None:
    """The document just before ``version`` was adopted, as its audit event recorded it;
    ``None`` for a version that came by an import (no adoption event)."""
    found = None
    for event in work.store.iter_audit(f"document:{version.document_ref}"):
        after = event.after
        if (
            event.action == events.DocumentAdopted.name
            and isinstance(after, dict)
            and after.get("version") == version.version
            and isinstance(event.before, dict)
        ):
            found = event.before
    return found
