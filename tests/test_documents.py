"""Documents through the Registry: drafts, adoption, versions, reviews, repeal, locking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import day, policy, request
from styrdok import (
    AlreadyExists,
    Conflict,
    Disposition,
    DispStatus,
    DocStatus,
    NotFound,
    PermissionDenied,
    ReviewOutcome,
    RuleViolation,
)
from styrdok.registry import Registry


def test_new_documents_are_drafts_until_adopted(seeded: Registry) -> None:
    """Adding registers a draft; nothing is in force before a decision."""
    doc = seeded.add_document(policy("POL-2"), actor="owner")
    assert (doc.status, doc.version) == (DocStatus.DRAFT, 0)
    assert "POL-2" not in {v.document_ref for v in seeded.documents_in_force(day(0))}


def test_adoption_records_the_decision_and_sets_the_first_review(seeded: Registry) -> None:
    """Adopting puts version 1 in force with its decision and a review a year later."""
    doc = seeded.get_document("POL-1")
    assert (doc.status, doc.version, doc.adopted_by, doc.minute_ref) == (
        DocStatus.IN_FORCE,
        1,
        "KS",
        "§ 1",
    )
    assert doc.decided_on == day(-100)
    assert doc.next_review_on == dt.date(2026, 11, 22)


def test_a_document_without_guardian_cannot_enter_into_force(seeded: Registry) -> None:
    """The rule lives in the core: adopt refuses and names what is missing."""
    seeded.add_document(policy("POL-2", guardian=None, follow_up=None), actor="owner")
    with pytest.raises(RuleViolation, match="without a guardian, a follow-up"):
        seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(0))
    assert seeded.get_document("POL-2").status is DocStatus.DRAFT


def test_a_guardian_cannot_be_removed_from_a_document_in_force(seeded: Registry) -> None:
    """Edits keep an in-force document complete."""
    with pytest.raises(RuleViolation, match="cannot be in force without a guardian"):
        seeded.edit_document("POL-1", {"guardian": None}, actor="owner")


def test_a_stale_edit_gets_a_conflict_and_changes_nothing(seeded: Registry) -> None:
    """Optimistic locking: the second of two edits from the same revision loses."""
    revision = seeded.get_document("POL-1").revision
    seeded.edit_document("POL-1", {"title": "First"}, actor="owner", expected_revision=revision)
    with pytest.raises(Conflict, match="changed by someone else"):
        seeded.edit_document(
            "POL-1", {"title": "Second"}, actor="guardian", expected_revision=revision
        )
    draft = seeded.get_document("POL-1").draft
    assert draft is not None and draft.title == "First"


def test_only_owner_guardian_or_admin_may_edit(seeded: Registry) -> None:
    """Anyone else is refused."""
    with pytest.raises(PermissionDenied):
        seeded.edit_document("POL-1", {"title": "Mine now"}, actor="outsider")


def test_every_mutation_needs_a_known_actor(seeded: Registry) -> None:
    """No actor, or one not in the registry, is refused before anything happens."""
    with pytest.raises(PermissionDenied, match="name the acting person"):
        seeded.edit_document("POL-1", {"title": "X"}, actor=None)
    with pytest.raises(NotFound, match="unknown person 'ghost'"):
        seeded.edit_document("POL-1", {"title": "X"}, actor="ghost")


def test_duplicate_refs_are_refused(seeded: Registry) -> None:
    """Refs are unique."""
    with pytest.raises(AlreadyExists):
        seeded.add_document(policy("POL-1"), actor="owner")


def test_a_revised_version_keeps_the_old_one_in_history(seeded: Registry) -> None:
    """Re-adoption makes version 2; 'what applied then' still answers with version 1."""
    seeded.edit_document("POL-1", {"title": "Informationssäkerhetspolicy 2026"}, actor="owner")
    seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(-10), minute_ref="§ 9")
    versions = seeded.document_versions("POL-1")
    assert [(v.version, v.in_force_from, v.in_force_until) for v in versions] == [
        (1, day(-100), day(-10)),
        (2, day(-10), None),
    ]
    then = {v.document_ref: v for v in seeded.documents_in_force(day(-50))}
    assert then["POL-1"].snapshot.title == "Informationssäkerhetspolicy"
    now = {v.document_ref: v for v in seeded.documents_in_force(day(0))}
    assert now["POL-1"].snapshot.title == "Informationssäkerhetspolicy 2026"


def test_review_sets_the_next_review_from_the_interval(seeded: Registry) -> None:
    """A review is kept with the version it reviewed; the next is a year on."""
    review = seeded.review_document(
        "POL-1", actor="guardian", outcome=ReviewOutcome.CONFIRMED, on=day(0)
    )
    assert (review.document_version, review.next_review_on) == (1, dt.date(2027, 3, 2))
    assert seeded.get_document("POL-1").next_review_on == dt.date(2027, 3, 2)


def test_review_date_must_move_forward(seeded: Registry) -> None:
    """The next review cannot be on or before the review itself."""
    with pytest.raises(RuleViolation, match="must come after"):
        seeded.review_document(
            "POL-1",
            actor="guardian",
            outcome=ReviewOutcome.CONFIRMED,
            on=day(0),
            next_review_on=day(0),
        )


def test_repeal_with_open_dispensations_must_say_what_happens(
    seeded: Registry, approved: str
) -> None:
    """Dispensations are never left dangling from a repealed document."""
    with pytest.raises(RuleViolation, match="say whether to end them or move them"):
        seeded.repeal_document("POL-1", actor="owner", on=day(20))
    assert seeded.get_document("POL-1").status is DocStatus.IN_FORCE


def test_repeal_can_end_the_dispensations(seeded: Registry, approved: str) -> None:
    """Ending closes them from the repeal date, with the reason recorded."""
    seeded.repeal_document("POL-1", actor="owner", on=day(20), dispensations=Disposition.END)
    disp = seeded.get_dispensation(approved)
    assert (disp.status, disp.ended_on) == (DispStatus.CLOSED, day(20))
    assert "repealed" in disp.end_reason
    assert seeded.get_document("POL-1").status is DocStatus.REPEALED
    assert "POL-1" not in {v.document_ref for v in seeded.documents_in_force(day(20))}
    assert "POL-1" in {v.document_ref for v in seeded.documents_in_force(day(19))}


def test_superseding_moves_dispensations_to_the_successor(seeded: Registry, approved: str) -> None:
    """Adopting a successor supersedes the old document and can carry its dispensations."""
    seeded.add_document(policy("POL-2", supersedes="POL-1"), actor="owner")
    with pytest.raises(RuleViolation, match="open dispensation"):
        seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(0))
    seeded.adopt_document(
        "POL-2", actor="owner", body="KS", on=day(0), dispensations=Disposition.MOVE
    )
    assert seeded.get_document("POL-1").status is DocStatus.SUPERSEDED
    assert seeded.get_dispensation(approved).document_ref == "POL-2"


def test_documents_lapse_after_valid_until(seeded: Registry) -> None:
    """expire() marks a document whose validity ended as lapsed, once."""
    seeded.add_document(policy("TMP-1", valid_until=day(5)), actor="owner")
    seeded.adopt_document("TMP-1", actor="owner", body="KS", on=day(-5))
    assert seeded.expire(today=day(5)) == []
    assert seeded.expire(today=day(6)) == ["TMP-1"]
    assert seeded.expire(today=day(7)) == []
    assert seeded.get_document("TMP-1").status is DocStatus.LAPSED


def test_parent_links_may_not_form_a_cycle(seeded: Registry) -> None:
    """A guideline beneath a policy cannot become the policy's parent."""
    seeded.add_document(policy("RIKT-1", doc_type="guideline", parent="POL-1"), actor="owner")
    with pytest.raises(RuleViolation, match="cycle"):
        seeded.edit_document("POL-1", {"parent": "RIKT-1"}, actor="owner")


def test_draft_with_unknown_guardian_is_refused(seeded: Registry) -> None:
    """References to people must resolve."""
    with pytest.raises(NotFound, match="unknown person 'nobody' given as guardian"):
        seeded.add_document(policy("POL-3", guardian="nobody"), actor="owner")


def test_request_against_unknown_document(seeded: Registry) -> None:
    """Requests name a real document."""
    with pytest.raises(NotFound, match="unknown document 'NOPE'"):
        seeded.request_dispensation(request("NOPE"), actor="requester")


def test_today_is_the_swedish_date_not_the_utc_date(db_path: Path) -> None:
    """At 23:30 UTC on New Year's Eve it is already 1 January in Sweden."""
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    with Registry.open(db_path, clock=lambda: late) as registry:
        assert registry.today() == dt.date(2027, 1, 1)


def test_check_reports_what_a_draft_lacks(seeded: Registry) -> None:
    """A draft without guardian or follow-up is reported; a review interval counts as a
    review date (adoption sets it)."""
    seeded.add_document(policy("POL-2", guardian=None, follow_up=None), actor="owner")
    result = seeded.check_document("POL-2")
    assert "appoint a guardian (väktare) to referee questions" in result.findings
    assert "decide how it is followed up and by whom" in result.findings
    assert not any("review date" in f for f in result.findings)
    assert result.score == "4/10"  # purpose, audience, FAQ and (at adoption) review date


def test_an_edit_that_changes_nothing_writes_nothing(seeded: Registry) -> None:
    """Giving a document the guardian it already has: no new revision, no audit event."""
    before = seeded.get_document("POL-1")
    events = len(seeded.history("document:POL-1"))
    after = seeded.edit_document(
        "POL-1", {"guardian": before.guardian}, actor="owner", expected_revision=before.revision
    )
    assert after.revision == before.revision
    assert len(seeded.history("document:POL-1")) == events
