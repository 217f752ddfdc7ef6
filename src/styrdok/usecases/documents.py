"""Use cases for governing documents: register, edit, adopt, review, repeal.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name
and runs in one :class:`~styrdok.usecases.work.Work`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from styrdok import events, rules
from styrdok.edits import DocumentEdit
from styrdok.errors import RuleViolation
from styrdok.model import (
    OPEN_STATUSES,
    Decision,
    Disposition,
    DispStatus,
    DocStatus,
    Document,
    DocumentVersion,
    Review,
    ReviewOutcome,
)
from styrdok.serialize import to_data
from styrdok.text import check_new_ref
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve, require_revision

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def add_document(registry: Registry, document: Document, *, actor: str | None) -> Document:
    """Register a new document as a draft. Any registered person may propose one."""
    if document.status is not DocStatus.DRAFT or document.version != 0:
        raise RuleViolation("a new document starts as a draft; adopt it to put it in force")
    document = evolve(
        document,
        revision=0,
        adopted_by=None,
        decided_on=None,
        effective_from=None,
        in_force_from=None,
        minute_ref=None,
        draft=None,
    )
    with registry.session.work(actor) as work:
        check_new_ref(
            "document", document.ref, work.store.existing_refs("document", [document.ref])
        )
        check_links(work, document)
        work.require_units(document.applies_to, "applies_to")
        work.store.insert_document(document)
        work.record(events.DocumentAdded, f"document:{document.ref}", None, document)
    return document


@use_case
def edit_document(
    registry: Registry,
    ref: str,
    changes: Mapping[str, Any] | DocumentEdit,
    *,
    actor: str | None,
    expected_revision: int | None = None,
) -> Document:
    """Change a document's fields (a :class:`~styrdok.edits.DocumentEdit`, or a mapping of
    field names to values). Pass the ``revision`` you read as ``expected_revision``: if
    someone else changed it since, :class:`~styrdok.errors.Conflict` is raised and nothing
    is written.

    In a document in force, what it decides (:data:`~styrdok.rules.DECIDED_FIELDS`: its
    title, text, scope, rules…) changes only by adopting a new version: an edit of those
    fields prepares a draft revision (:attr:`~styrdok.model.Document.draft`), built on by
    later edits and taken in by :func:`adopt_document`; what applies stays as adopted.
    Housekeeping fields (owner, guardian, review dates, links, reminders) change at once.
    """
    edit = DocumentEdit.of(changes)
    with registry.session.work(actor) as work:
        before = work.document(ref)
        rules.require_document_manager(work.actor, before, "edit")
        if before.status not in (DocStatus.DRAFT, DocStatus.IN_FORCE):
            raise RuleViolation(f"{ref} is {before.status.value} and can no longer be edited")
        after = edit.apply_to(before)
        if before.status is DocStatus.IN_FORCE:
            if after.faq != before.faq:
                raise RuleViolation(
                    f"the FAQ of {ref}, which is in force, changes one entry at a time "
                    "(add_faq_entry, edit_faq_entry, remove_faq_entry): each change is a new "
                    "version"
                )
            # Housekeeping at once; what the document decides waits in the draft revision,
            # the edit made on top of the draft there is.
            proposed = edit.apply_to(before.draft) if before.draft is not None else after
            rules.require_history_kept(before, proposed, registry.today())
            check_links(work, proposed)
            work.require_units(
                proposed.applies_to, "applies_to", before=(before.draft or before).applies_to
            )
            current = rules.as_adopted(before, after)
            after = evolve(current, draft=rules.draft_of(current, proposed))
        rules.require_history_kept(before, after, registry.today())
        check_links(work, after)
        work.require_units(after.applies_to, "applies_to", before=before.applies_to)
        if after == before:
            # Nothing changes: nothing is written or audited, the revision stays.
            require_revision(before.ref, before.revision, expected_revision)
            return before
        if after.status is DocStatus.IN_FORCE:
            rules.require_ready_for_force(after)
        return work.save_document(
            before, after, events.DocumentEdited, expected_revision=expected_revision
        )


@use_case
def adopt_document(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    body: str,
    on: dt.date,
    minute_ref: str | None = None,
    registry_number: str | None = None,
    dispensations: Disposition | None = None,
    expected_revision: int | None = None,
    material: bool = True,
    effective_from: dt.date | None = None,
) -> Document:
    """Record the decision that puts a draft in force, or a revised version of a document
    already in force (version + 1). If the document supersedes another, that one becomes
    ``superseded`` and ``dispensations`` says what happens to its open dispensations.

    The decision is taken ``on`` and takes effect on ``effective_from`` (default: the same
    day). A draft adopted with a later date of effect is adopted but not in force until
    then; a revised version with one leaves the earlier version in force until then. Either
    way the change happens on that day by itself: what applies is worked out from the
    dates, with no job to run.

    A first adoption, and a revision adopted as a ``material`` change (the default), asks
    everyone the document applies to to read the new version and confirm it; a revision
    with ``material=False`` (editorial: spelling, a new contact, a broken link) asks
    nobody again, and confirmations of the earlier version still count.

    A draft revision prepared by :func:`edit_document` is what the new version says."""
    with registry.session.work(actor) as work:
        before = work.document(ref)
        rules.require_document_manager(work.actor, before, "adopt")
        rules.require_document_status(before, (DocStatus.DRAFT, DocStatus.IN_FORCE), "adopt")
        work.require_body(body, "adopting body")
        effect = effective_from or on
        first = before.status is DocStatus.DRAFT
        rules.require_date_of_effect(before, decided_on=on, effective_from=effect)
        next_review_on = before.next_review_on
        if next_review_on is None or next_review_on <= effect:
            next_review_on = rules.next_review(before, effect)
        version = work.next_version(before)
        after = evolve(
            rules.with_draft_taken_in(before),
            status=DocStatus.IN_FORCE,
            version=version,
            ack_version=version if material or first else before.ack_version,
            adopted_by=body,
            decided_on=on,
            effective_from=effect,
            in_force_from=effect if first else before.in_force_from or before.decided_on,
            minute_ref=minute_ref or before.minute_ref,
            registry_number=registry_number or before.registry_number,
            next_review_on=next_review_on,
        )
        rules.require_ready_for_force(after)
        if after.valid_until is not None and after.valid_until < effect:
            raise RuleViolation(f"{ref} is valid until {after.valid_until}, before {effect}")
        if before.status is DocStatus.IN_FORCE:
            work.store.end_version(ref, version=before.version, until=effect)
        if after.supersedes is not None:
            if effect != on:
                # The replaced document would have to stay in force until the date of
                # effect and then end by itself; its status is stored, so it cannot.
                raise RuleViolation(
                    f"{ref} supersedes {after.supersedes}: a document that replaces another "
                    "takes effect on the day it is adopted; adopt it on its date of effect"
                )
            _supersede(work, after.supersedes, successor=after, on=on, dispensations=dispensations)
        stored = work.save_document(
            before, after, events.DocumentAdopted, expected_revision=expected_revision
        )
        work.store.insert_version(
            DocumentVersion(
                document_ref=ref,
                version=stored.version,
                in_force_from=effect,
                in_force_until=None,
                snapshot=stored,
            )
        )
    return stored


def _supersede(
    work: Work,
    ref: str,
    *,
    successor: Document,
    on: dt.date,
    dispensations: Disposition | None,
) -> None:
    old = work.document(ref)
    if old.status is not DocStatus.IN_FORCE:
        return
    rules.require_document_manager(work.actor, old, "supersede")
    settle_dispensations(
        work,
        old,
        on=on,
        dispensations=dispensations,
        successor=successor,
        why=f"superseded by {successor.ref}",
    )
    work.save_document(old, evolve(old, status=DocStatus.SUPERSEDED), events.DocumentSuperseded)
    work.store.end_version(ref, version=old.version, until=on)


def settle_dispensations(
    work: Work,
    document: Document,
    *,
    on: dt.date,
    dispensations: Disposition | None,
    successor: Document | None,
    why: str,
) -> None:
    """Never leave a dispensation dangling from a document that stops being in force."""
    open_ones = work.store.list_dispensations(document_ref=document.ref, statuses=OPEN_STATUSES)
    if not open_ones:
        return
    if dispensations is None:
        refs = ", ".join(d.ref for d in open_ones[:5]) + (" …" if len(open_ones) > 5 else "")
        raise RuleViolation(
            f"{document.ref} has {len(open_ones)} open dispensation(s) ({refs}); "
            "say whether to end them or move them to the successor"
        )
    if dispensations is Disposition.MOVE:
        if successor is None:
            raise RuleViolation("moving dispensations needs a successor document")
        if not successor.dispensation_rules.allowed:
            raise RuleViolation(f"{successor.ref} does not allow dispensations; end them instead")
    for disp in open_ones:
        event: type[events.Event]
        if dispensations is Disposition.MOVE:
            assert successor is not None
            after = evolve(disp, document_ref=successor.ref)
            event = events.DispensationMoved
        elif disp.status is DispStatus.REQUESTED:
            after = evolve(
                disp,
                status=DispStatus.REJECTED,
                decision=Decision(by=work.actor.ref, on=on, reasoning=f"The document was {why}."),
            )
            event = events.DispensationRejected
        else:
            after = evolve(
                disp,
                status=DispStatus.CLOSED,
                ended_on=max(on, disp.valid_from),
                end_reason=f"The document was {why}.",
                ended_by=work.actor.ref,
            )
            event = events.DispensationClosed
        work.save_dispensation(disp, after, event)


@use_case
def review_document(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    outcome: ReviewOutcome,
    on: dt.date | None = None,
    notes: str = "",
    next_review_on: dt.date | None = None,
    expected_revision: int | None = None,
) -> Review:
    """Record a review (aktualitetsprövning) and set the next review date (by default
    ``on`` plus the document's review interval)."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        before = work.document(ref)
        rules.require_document_manager(work.actor, before, "review")
        rules.require_document_status(before, (DocStatus.IN_FORCE,), "review")
        if before.decided_on is not None and on < before.decided_on:
            raise RuleViolation(
                f"{ref} was adopted on {before.decided_on}; it cannot be reviewed on {on}"
            )
        following = next_review_on or rules.next_review(before, on)
        if following is not None and following <= on:
            raise RuleViolation(f"the next review ({following}) must come after {on}")
        if following is None and before.valid_until is None:
            raise RuleViolation(
                f"{ref} needs a next review date (it has no review "
                "interval and no valid-until date)"
            )
        stored_review = work.store.insert_review(
            Review(
                document_ref=ref,
                document_version=before.version,
                reviewed_on=on,
                reviewer=work.actor.ref,
                outcome=outcome,
                notes=notes,
                next_review_on=following,
            )
        )
        work.save_document(
            before,
            evolve(before, next_review_on=following),
            events.DocumentReviewed,
            expected_revision=expected_revision,
        )
    return stored_review


@use_case
def repeal_document(
    registry: Registry,
    ref: str,
    *,
    actor: str | None,
    on: dt.date | None = None,
    reason: str = "",
    dispensations: Disposition | None = None,
    successor: str | None = None,
    expected_revision: int | None = None,
) -> Document:
    """Repeal a document. If it has open dispensations, ``dispensations`` must say
    whether they end or move to ``successor``."""
    on = on or registry.today()
    with registry.session.work(actor) as work:
        before = work.document(ref)
        rules.require_document_manager(work.actor, before, "repeal")
        rules.require_document_status(before, (DocStatus.IN_FORCE, DocStatus.LAPSED), "repeal")
        if before.decided_on is not None and on < before.decided_on:
            raise RuleViolation(
                f"{ref} was adopted on {before.decided_on}; it cannot be repealed on {on}"
            )
        target = None
        if successor is not None:
            target = work.document(successor)
            if target.ref == ref or target.status is not DocStatus.IN_FORCE:
                raise RuleViolation(f"the successor {successor} must be another document in force")
        settle_dispensations(
            work, before, on=on, dispensations=dispensations, successor=target, why="repealed"
        )
        if before.status is DocStatus.IN_FORCE:
            work.store.end_version(ref, version=before.version, until=on)
        # The audit event keeps the reason beside the stored document.
        return work.save_document(
            before,
            evolve(before, status=DocStatus.REPEALED),
            events.DocumentRepealed,
            expected_revision=expected_revision,
            audit_after=lambda stored: {"document": to_data(stored), "reason": reason},
        )


def check_links(work: Work, document: Document) -> None:
    """Every person, body and document a document names must exist, and its parents must
    not form a cycle."""
    work.require_person(document.owner, "owner")
    work.require_person(document.guardian, "guardian")
    for approver in document.dispensation_rules.approvers:
        work.require_person(approver, "approver")
    for role, ref in (("parent", document.parent), ("supersedes", document.supersedes)):
        if ref is not None:
            if ref == document.ref:
                raise RuleViolation(f"{document.ref} cannot name itself as {role}")
            work.document(ref)
    for ref in document.related:
        work.document(ref)
    parents: dict[str, str | None] = {}
    parent = document.parent
    while parent is not None and parent not in parents and parent != document.ref:
        above = work.store.get_document(parent)
        parents[parent] = above.parent if above else None
        parent = parents[parent]
    rules.require_no_parent_cycle(document.ref, document.parent, parents)
