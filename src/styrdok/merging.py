"""Holding a merged import to the rules: a file cannot bring in what a person could not do.

A merged export carries decisions already taken. :func:`check_rules` holds each record to the
rules the use cases apply when the same decision is taken here (:mod:`styrdok.rules`), and
names the first record and field that breaks one. ``states`` are what the registry knows of
a document at the time: the document as the file has it, the versions in force on the
decision day and, for a dispensation moved to a successor, the document it came from. A
decision passes if one of those states allowed it (an approver added by an edit, or rules
tightened later, do not make an honest history fail).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from styrdok import rules
from styrdok.enums import DispStatus
from styrdok.errors import PermissionDenied, RuleViolation, StyrdokError
from styrdok.model import (
    GRANTED_STATUSES,
    Dispensation,
    DocStatus,
    Document,
    DocumentVersion,
    Question,
)
from styrdok.store.base import Store


@contextlib.contextmanager
def _at(where: str) -> Iterator[None]:
    """Name the record and field in a rule's error: ``… @ $.dispensations[3].decision.by``."""
    try:
        yield
    except StyrdokError as exc:
        raise type(exc)(f"{exc} @ {where}") from None


class _Known:
    """Documents, versions and dispensations as the file has them, else as the registry
    does (read once each, only those the file's records name)."""

    def __init__(self, store: Store, parsed: dict[str, list[Any]]) -> None:
        self.store = store
        self.documents: dict[str, Document | None] = {d.ref: d for d in parsed["documents"]}
        self.versions: dict[str, list[DocumentVersion]] = {}
        for version in parsed["document_versions"]:
            self.versions.setdefault(version.document_ref, []).append(version)
        self.dispensations: dict[str, Dispensation | None] = {
            x.ref: x for x in parsed["dispensations"]
        }

    def document(self, ref: str) -> Document | None:
        if ref not in self.documents:
            self.documents[ref] = self.store.get_document(ref)
        return self.documents[ref]

    def states(self, ref: str, on: dt.date) -> list[Document]:
        """The document, the versions of it in force on ``on``, and the same for each
        document it succeeded (a dispensation may have been moved here from one)."""
        states: list[Document] = []
        seen: set[str] = set()
        current: str | None = ref
        while current is not None and current not in seen:
            seen.add(current)
            document = self.document(current)
            if document is None:
                break
            if current not in self.versions:
                self.versions[current] = self.store.list_versions(current)
            states.append(document)
            states += [
                v.snapshot
                for v in self.versions[current]
                # An annulled version never was in force, whatever its period says.
                if v.annulled is None
                and v.in_force_from <= on
                and (v.in_force_until is None or on <= v.in_force_until)
            ]
            current = document.supersedes
        return states

    def renewal_number(self, dispensation: Dispensation) -> int:
        """0 for an original dispensation, 1 for its first renewal, …"""
        number, seen, current = 0, {dispensation.ref}, dispensation.renewal_of
        while current is not None:
            if current in seen:
                raise RuleViolation(f"{dispensation.ref} renews itself through {current}")
            seen.add(current)
            number += 1
            if current not in self.dispensations:
                self.dispensations[current] = self.store.get_dispensation(current)
            renewed = self.dispensations[current]
            current = renewed.renewal_of if renewed is not None else None
        return number


def check_rules(store: Store, parsed: dict[str, list[Any]]) -> None:
    """Hold every record of a merge to the rules the use cases apply to the same change made
    by hand (:mod:`styrdok.rules`): statuses that agree with the adoption and the decision
    recorded, approvals by the guardian or a listed approver and never by a party, on terms
    the document allowed, no decision dated before what it decides. The first violation
    raises, naming the record and field. Call after the references have been checked."""
    known = _Known(store, parsed)
    in_file = set()
    for i, document in enumerate(parsed["documents"]):
        in_file.add(document.ref)
        with _at(f"$.documents[{i}].status"):
            require_adoption_recorded(document)
        parents: dict[str, str | None] = {}
        parent = document.parent
        while parent is not None and parent not in parents and parent != document.ref:
            above = known.document(parent)
            parents[parent] = above.parent if above is not None else None
            parent = parents[parent]
        with _at(f"$.documents[{i}].parent"):
            rules.require_no_parent_cycle(document.ref, document.parent, parents)
    for i, version in enumerate(parsed["document_versions"]):
        with _at(f"$.document_versions[{i}].version"):
            if version.document_ref not in in_file:
                raise RuleViolation(
                    f"{version.document_ref} is already in the registry: "
                    "its versions come only from its own adoptions"
                )
            owner = known.document(version.document_ref)
            assert owner is not None  # in the file
            require_version_recorded(owner, version)
    for i, x in enumerate(parsed["dispensations"]):
        _check_dispensation(known, x, f"$.dispensations[{i}]")
    for i, q in enumerate(parsed["questions"]):
        with _at(f"$.questions[{i}].answered_by"):
            require_recorded_answer(q, known.states(q.document_ref, q.answered_on or q.asked_on))
    _check_attachments(store, known, parsed, in_file)
    _check_units(store, parsed["units"])
    counting: set[tuple[str, str]] = set()
    for i, ack in enumerate(parsed["acknowledgements"]):
        with _at(f"$.acknowledgements[{i}].version"):
            read = known.document(ack.document_ref)
            if read is None:
                continue
            if ack.version > read.version:
                raise RuleViolation(
                    f"{ack.document_ref} has no version {ack.version} to have been read"
                )
            if read.ack_version <= ack.version:
                # As Registry.acknowledge: one confirmation per person that counts now.
                key = (ack.document_ref, ack.person)
                repeated = key in counting or store.acknowledgement_of(
                    ack.person, ack.document_ref, versions=(read.ack_version, read.version)
                )
                if repeated:
                    raise RuleViolation(
                        f"{ack.person} has already confirmed {ack.document_ref} in a version "
                        "that still counts"
                    )
                counting.add(key)


def _check_attachments(
    store: Store, known: _Known, parsed: dict[str, list[Any]], in_file: set[str]
) -> None:
    """A merge brings in the files of the documents it adds, each recorded as attached by
    someone who could attach it then: the owner or guardian in one of the document's states
    on that day, or an administrator. A document already in the registry gets its files by
    ``doc attach``, which reads each file and checks its type: a file's record alone is not
    taken for it."""
    people = {p.ref: p for p in parsed["persons"]}
    for i, attachment in enumerate(parsed["attachments"]):
        ref = attachment.document_ref
        with _at(f"$.attachments[{i}].document_ref"):
            if ref not in in_file:
                raise RuleViolation(
                    f"{ref} is already in the registry: a merge brings in only the files "
                    f"of the documents it adds; attach {attachment.name} with doc attach"
                )
        with _at(f"$.attachments[{i}].added_by"):
            person = people.get(attachment.added_by) or store.get_person(attachment.added_by)
            assert person is not None  # the references have been checked
            states = known.states(ref, attachment.added_at.date())
            if not any(rules.may_manage_document(person, state) for state in states):
                raise PermissionDenied(
                    f"{person.ref} may not attach files to {ref}: "
                    "only its owner, its guardian or an administrator may"
                )


def _check_units(store: Store, units: list[Any]) -> None:
    """Merged units join the register's tree without a loop or a second top."""
    from styrdok.organisation import UnitTree

    tree = UnitTree([*store.list_units(), *units])
    tops = tree.children(None)
    for i, unit in enumerate(units):
        with _at(f"$.units[{i}].parent"):
            tree.require_parent(unit)
            if unit.parent is None and len(tops) > 1:
                raise RuleViolation(f"the organisation has one top unit: {unit.ref} needs a parent")


def _check_dispensation(known: _Known, x: Dispensation, where: str) -> None:
    with _at(f"{where}.status"):
        require_status_recorded(x)
    with _at(f"{where}.renewal_of"):
        renewal_number = known.renewal_number(x)
    with _at(f"{where}.decision.on"):
        require_decision_dated(x)
    with _at(f"{where}.evaluation.on"):
        require_evaluation_dated(x)
    if x.status in GRANTED_STATUSES and x.decision is not None:
        states = known.states(x.document_ref, x.decision.on)
        with _at(f"{where}.decision.by"):
            require_recorded_decider(x.decision.by, states, x)
        with _at(f"{where}.document_ref"):
            require_recorded_allowed(states, x)
        with _at(f"{where}.valid_until"):
            require_recorded_terms(states, x, renewal_number=renewal_number)
    else:
        document = known.document(x.document_ref)
        with _at(f"{where}.document_ref"):
            if document is not None and document.status is DocStatus.DRAFT:
                raise RuleViolation(
                    f"{document.ref} is a draft: dispensations are only requested from a "
                    "document in force"
                )


def require_adoption_recorded(document: Document) -> None:
    """A document's status and its adoption agree: a draft was never adopted (version 0),
    anything else was (a version, a decision date and the body that decided), and a
    document in force has what force requires."""
    if document.status is DocStatus.DRAFT:
        if document.version != 0:
            raise RuleViolation(
                f"{document.ref} is a draft but at version {document.version}: "
                "a draft has never been adopted (version 0)"
            )
        return
    missing = [
        what
        for what, value in (
            ("a version", document.version or None),
            ("a decision date", document.decided_on),
            ("the body that adopted it", document.adopted_by),
        )
        if value is None
    ]
    if missing:
        raise RuleViolation(
            f"{document.ref} is {document.status.value} but was never adopted: "
            "it lacks " + ", ".join(missing)
        )
    if document.status is DocStatus.IN_FORCE:
        rules.require_ready_for_force(document)


def require_version_recorded(document: Document, version: DocumentVersion) -> None:
    """A recorded version of a document is one it has reached; an annulled one may be
    above it (its number is never given again)."""
    number = version.version
    if number < 1 or (version.annulled is None and number > document.version):
        raise RuleViolation(
            f"version {number} of {document.ref} is recorded, but {document.ref} is at "
            f"version {document.version}"
        )


def require_status_recorded(dispensation: Dispensation) -> None:
    """A dispensation's status agrees with what is recorded on it: a decision exactly when
    one was taken, an end date exactly when it has ended."""
    ref, status = dispensation.ref, dispensation.status
    decided = status not in (DispStatus.REQUESTED, DispStatus.WITHDRAWN)
    if decided and dispensation.decision is None:
        raise RuleViolation(f"{ref} is {status.value} but records no decision")
    if not decided and dispensation.decision is not None:
        raise RuleViolation(f"{ref} is {status.value} but already records a decision")
    ended = status in (DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED)
    if ended and dispensation.ended_on is None:
        raise RuleViolation(f"{ref} is {status.value} but records no end date")
    # A withdrawn request records the day it was withdrawn — since issue 16; before, none.
    withdrawn = status is DispStatus.WITHDRAWN
    if not ended and not withdrawn and dispensation.ended_on is not None:
        raise RuleViolation(f"{ref} is {status.value} but records an end date")
    if dispensation.evaluation is not None and not ended:
        raise RuleViolation(f"{ref} is {status.value}: only an ended dispensation is evaluated")


def require_recorded_decider(
    decider: str, states: Iterable[Document], dispensation: Dispensation
) -> None:
    """:func:`require_decider` for a recorded approval: never a party, and the guardian
    or a listed approver of the document in one of its ``states``."""
    states = tuple(states)
    if decider in (dispensation.requested_by, dispensation.responsible):
        role = "requested" if decider == dispensation.requested_by else "are responsible for"
        raise PermissionDenied(
            f"{decider} may not decide {dispensation.ref}: they {role} it (separation of duties)"
        )
    if not any(decider in rules.approvers_of(state) for state in states):
        raise PermissionDenied(
            f"{decider} may not decide {dispensation.ref}: only the guardian of "
            f"{dispensation.document_ref} or a listed approver may"
        )


def require_recorded_allowed(states: Iterable[Document], dispensation: Dispensation) -> None:
    """A recorded approval came from a document that allowed dispensations, in one of its
    ``states`` (:func:`require_dispensable` at the time)."""
    if not any(state.dispensation_rules.allowed for state in states):
        raise RuleViolation(f"{dispensation.document_ref} does not allow dispensations")


def require_recorded_terms(
    states: Iterable[Document], dispensation: Dispensation, *, renewal_number: int
) -> None:
    """A recorded approval is on terms (:func:`require_valid_terms`) the rules of one of
    the document's ``states`` that allowed dispensations accepted; if none did, the first
    such state's objection is raised."""
    first: RuleViolation | None = None
    for state in states:
        if not state.dispensation_rules.allowed:
            continue
        try:
            rules.require_valid_terms(
                state.dispensation_rules,
                valid_from=dispensation.valid_from,
                valid_until=dispensation.valid_until,
                funding=dispensation.funding,
                renewal_number=renewal_number,
            )
            return
        except RuleViolation as exc:
            first = first or exc
    if first is not None:
        raise first


def require_decision_dated(dispensation: Dispensation) -> None:
    """A recorded decision is not dated before the request, an approval not after the
    period it grants, and a delegated decision names the body it is reported to."""
    decision = dispensation.decision
    if decision is None:
        return
    action = "approve" if dispensation.status in GRANTED_STATUSES else "decide"
    rules.require_not_before(decision.on, action, ("it was requested", dispensation.requested_on))
    if action == "approve" and decision.on > dispensation.valid_until:
        raise RuleViolation(
            f"{dispensation.ref} would have ended on {dispensation.valid_until}; "
            f"it cannot have been approved on {decision.on}"
        )
    if decision.delegated and decision.reported_to is None:
        raise RuleViolation("a delegated decision must name the body it is reported to")


def require_evaluation_dated(dispensation: Dispensation) -> None:
    """A recorded evaluation is not dated before the dispensation ended."""
    if dispensation.evaluation is not None:
        rules.require_not_before(
            dispensation.evaluation.on, "evaluate", ("it ended", dispensation.ended_on)
        )


def require_recorded_answer(question: Question, states: Iterable[Document]) -> None:
    """A recorded answer was given by the document's guardian or owner (in one of its
    ``states``), not before the question was asked."""
    if question.answered_by is None:
        return
    if not any(rules.may_answer(question.answered_by, state) for state in states):
        raise PermissionDenied(
            f"{question.answered_by} may not answer questions about {question.document_ref}: "
            "its guardian or owner does"
        )
    if question.answered_on is not None:
        rules.require_not_before(
            question.answered_on, "answer", ("it was asked", question.asked_on)
        )
