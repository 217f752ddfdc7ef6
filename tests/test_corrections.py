"""Corrections: a request withdrawn, a decision or an adoption made by mistake annulled —
audited, history kept, nothing erased."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import TODAY, day, policy, request
from styrdok import Conflict, Disposition, DispStatus, DocStatus, Person, ReviewOutcome
from styrdok.errors import PermissionDenied, RuleViolation
from styrdok.labels import label
from styrdok.registry import Registry


def _last_event(registry: Registry, entity: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    event = registry.history(entity)[-1]
    assert event.before is not None and event.after is not None
    return event.action, event.before, event.after


def _requested(registry: Registry, **changes: object) -> str:
    return registry.request_dispensation(request(**changes), actor="requester").ref


def _new_version(registry: Registry, on_day: int = -10) -> None:
    """POL-1 gets a revised text and is adopted again as version 2, under § 9."""
    registry.edit_document("POL-1", {"text": "Ny lydelse."}, actor="owner")
    registry.adopt_document("POL-1", actor="owner", body="KS", on=day(on_day), minute_ref="§ 9")


# --- withdrawing a request -----------------------------------------------------------------


def test_a_requester_withdraws_their_pending_request(seeded: Registry) -> None:
    """The request ends as withdrawn with the reason; the audit event holds before and
    after."""
    ref = _requested(seeded)
    withdrawn = seeded.withdraw_dispensation(ref, actor="requester", reason="Behövs inte")
    assert (withdrawn.status, withdrawn.end_reason) == (DispStatus.WITHDRAWN, "Behövs inte")
    assert seeded.get_dispensation(ref) == withdrawn
    action, before, after = _last_event(seeded, f"dispensation:{ref}")
    assert action == "dispensation.withdraw"
    assert (before["status"], after["status"]) == ("requested", "withdrawn")


def test_an_administrator_may_withdraw_a_request_for_the_requester(seeded: Registry) -> None:
    """An administrator withdraws on the requester's behalf; no reason is needed."""
    ref = _requested(seeded)
    assert seeded.withdraw_dispensation(ref, actor="admin").status is DispStatus.WITHDRAWN


@pytest.mark.parametrize("who", ["responsible", "guardian", "owner", "outsider"])
def test_nobody_else_withdraws_a_request(seeded: Registry, who: str) -> None:
    """Not even the responsible person or the decider: the request is the requester's."""
    ref = _requested(seeded)
    with pytest.raises(PermissionDenied, match=f"{who} may not withdraw {ref}"):
        seeded.withdraw_dispensation(ref, actor=who)
    assert seeded.get_dispensation(ref).status is DispStatus.REQUESTED


def test_a_decided_request_cannot_be_withdrawn(seeded: Registry, approved: str) -> None:
    """Withdrawal is for a pending request; an approved one is closed instead."""
    with pytest.raises(RuleViolation, match="it is approved, not requested"):
        seeded.withdraw_dispensation(approved, actor="requester")


def test_a_withdrawn_request_is_final_and_never_applied(seeded: Registry) -> None:
    """It cannot be decided afterwards, and it applied on no day."""
    ref = _requested(seeded)
    seeded.withdraw_dispensation(ref, actor="requester")
    with pytest.raises(RuleViolation, match="it is withdrawn, not requested"):
        seeded.approve_dispensation(ref, actor="guardian")
    assert seeded.dispensations_active_on(day(50)) == []
    assert [d.ref for d in seeded.list_dispensations(status=DispStatus.WITHDRAWN)] == [ref]


def test_a_pending_renewal_can_be_withdrawn_and_asked_for_again(
    seeded: Registry, approved: str
) -> None:
    """A renewal request is withdrawn like any request; a new renewal may then be asked."""
    renewal = seeded.renew_dispensation(approved, actor="requester", valid_until=day(150))
    seeded.withdraw_dispensation(renewal.ref, actor="requester", reason="Fel datum")
    again = seeded.renew_dispensation(approved, actor="requester", valid_until=day(140))
    assert again.renewal_of == approved and again.ref != renewal.ref


def test_withdrawn_reads_in_swedish() -> None:
    """The new status has a Swedish label, as every status does."""
    assert label("withdrawn") == "återtagen"
    assert label("withdrawn", "en") == "withdrawn"


# --- annulling a decision on a dispensation ------------------------------------------------


def test_an_approval_made_by_mistake_is_annulled_and_kept(seeded: Registry, approved: str) -> None:
    """The dispensation is requested again, keeps the annulled decision with who, when and
    why, and can then be decided properly."""
    decision = seeded.get_dispensation(approved).decision
    again = seeded.annul_dispensation_decision(approved, actor="guardian", reason="Fel ärende")
    assert (again.status, again.decision) == (DispStatus.REQUESTED, None)
    [annulled] = again.annulled
    assert (annulled.status, annulled.decision) == (DispStatus.APPROVED, decision)
    assert (annulled.annulment.by, annulled.annulment.on) == ("guardian", TODAY)
    assert annulled.annulment.reason == "Fel ärende"
    decided = seeded.reject_dispensation(approved, actor="approver", reasoning="Nej")
    assert decided.status is DispStatus.REJECTED and decided.annulled == (annulled,)


def test_the_audit_trail_keeps_the_annulled_decision(seeded: Registry, approved: str) -> None:
    """``before`` holds the decision as it was; ``after`` keeps it under ``annulled``."""
    seeded.annul_dispensation_decision(approved, actor="guardian", reason="Fel ärende")
    action, before, after = _last_event(seeded, f"dispensation:{approved}")
    assert action == "dispensation.annul"
    assert before["status"] == "approved" and before["decision"]["by"] == "guardian"
    assert after["decision"] is None
    assert after["annulled"][0]["decision"] == before["decision"]
    assert after["annulled"][0]["annulment"]["reason"] == "Fel ärende"


def test_an_administrator_may_annul_a_rejection(seeded: Registry) -> None:
    """A rejection is a decision too; an administrator may annul anyone's."""
    ref = _requested(seeded)
    seeded.reject_dispensation(ref, actor="approver", reasoning="Fel dokument")
    again = seeded.annul_dispensation_decision(ref, actor="admin", reason="Gällde ett annat")
    assert again.status is DispStatus.REQUESTED
    assert again.annulled[0].status is DispStatus.REJECTED


@pytest.mark.parametrize("who", ["approver", "requester", "owner"])
def test_only_the_decider_or_an_administrator_annuls_a_decision(
    seeded: Registry, approved: str, who: str
) -> None:
    """Another approver, a party or the owner may not undo the guardian's decision."""
    with pytest.raises(PermissionDenied, match="only guardian, who made it"):
        seeded.annul_dispensation_decision(approved, actor=who, reason="Fel")
    assert seeded.get_dispensation(approved).status is DispStatus.APPROVED


@pytest.mark.parametrize("reason", ["", "   "])
def test_annulling_a_decision_needs_a_reason(seeded: Registry, approved: str, reason: str) -> None:
    """No reason, no annulment: the record says why it was annulled."""
    with pytest.raises(RuleViolation, match="a reason is required"):
        seeded.annul_dispensation_decision(approved, actor="guardian", reason=reason)
    assert seeded.get_dispensation(approved).status is DispStatus.APPROVED


@pytest.mark.parametrize("end", ["close", "revoke"])
def test_a_dispensation_that_has_ended_keeps_its_decision(
    seeded: Registry, approved: str, end: str
) -> None:
    """What applied until it ended is history, not a mistake to annul."""
    if end == "close":
        seeded.close_dispensation(approved, actor="responsible", reason="Klart", on=day(20))
    else:
        seeded.revoke_dispensation(approved, actor="guardian", reason="Villkor", on=day(20))
    with pytest.raises(RuleViolation, match=r"has ended .* history and cannot be annulled"):
        seeded.annul_dispensation_decision(approved, actor="admin", reason="Fel")


def test_a_pending_request_has_no_decision_to_annul(seeded: Registry) -> None:
    """Nothing was decided, so nothing is annulled."""
    ref = _requested(seeded)
    with pytest.raises(RuleViolation, match="it is requested, not approved or rejected"):
        seeded.annul_dispensation_decision(ref, actor="admin", reason="Fel")


def test_a_renewed_dispensation_keeps_its_decision_while_the_renewal_stands(
    seeded: Registry, approved: str
) -> None:
    """The renewal builds on the approval; once it is withdrawn, the approval may go."""
    renewal = seeded.renew_dispensation(approved, actor="requester", valid_until=day(150)).ref
    with pytest.raises(RuleViolation, match=f"{renewal} .requested. renews {approved}"):
        seeded.annul_dispensation_decision(approved, actor="guardian", reason="Fel")
    seeded.withdraw_dispensation(renewal, actor="requester")
    seeded.annul_dispensation_decision(approved, actor="guardian", reason="Fel")


def test_a_decision_stays_when_its_document_is_no_longer_in_force(seeded: Registry) -> None:
    """A request rejected because its document was repealed cannot be pending again."""
    ref = _requested(seeded)
    seeded.repeal_document("POL-1", actor="owner", dispensations=Disposition.END)
    with pytest.raises(RuleViolation, match="POL-1 is repealed"):
        seeded.annul_dispensation_decision(ref, actor="admin", reason="Fel")


def test_an_annulment_based_on_an_old_read_is_a_conflict(seeded: Registry, approved: str) -> None:
    """Optimistic locking: a stale revision writes nothing."""
    stale = seeded.get_dispensation(approved).revision - 1
    with pytest.raises(Conflict):
        seeded.annul_dispensation_decision(
            approved, actor="guardian", reason="Fel", expected_revision=stale
        )
    assert seeded.get_dispensation(approved).status is DispStatus.APPROVED


# --- annulling an adoption -----------------------------------------------------------------


def test_a_mistaken_first_adoption_makes_the_document_a_draft_again(seeded: Registry) -> None:
    """Back to a draft; the version stays in the history, marked, and was never in force."""
    seeded.add_document(policy("POL-2"), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-3), minute_ref="§ 7")
    draft = seeded.annul_adoption("POL-2", actor="admin", reason="Fel dokument")
    assert (draft.status, draft.version, draft.adopted_by, draft.decided_on) == (
        DocStatus.DRAFT,
        0,
        None,
        None,
    )
    [kept] = seeded.document_versions("POL-2")
    assert kept.annulled is not None and kept.annulled.reason == "Fel dokument"
    assert (kept.in_force_from, kept.in_force_until) == (day(-3), day(-3))
    assert kept.snapshot.minute_ref == "§ 7"
    assert "POL-2" not in [v.document_ref for v in seeded.documents_in_force(day(-1))]


def test_a_mistaken_new_version_puts_the_previous_one_back_in_force(seeded: Registry) -> None:
    """The decision, period and review date of version 1 return; the edited text stays, as
    it was before the adoption, waiting for a proper one."""
    review_before = seeded.get_document("POL-1").next_review_on
    _new_version(seeded)
    document = seeded.annul_adoption("POL-1", actor="admin", reason="Fel sammanträde")
    assert (document.status, document.version, document.decided_on) == (
        DocStatus.IN_FORCE,
        1,
        day(-100),
    )
    assert document.minute_ref == "§ 1" and document.next_review_on == review_before
    assert document.text == "Ny lydelse."
    first, second = seeded.document_versions("POL-1")
    assert (first.in_force_until, first.annulled) == (None, None)
    assert second.annulled is not None and second.in_force_until == second.in_force_from
    [in_force] = seeded.documents_in_force(day(-5))
    assert in_force.version == 1


def test_the_next_adoption_takes_a_new_number(seeded: Registry) -> None:
    """A number never names two versions: after version 2 is annulled, the next is 3."""
    _new_version(seeded)
    seeded.annul_adoption("POL-1", actor="admin", reason="Fel sammanträde")
    adopted = seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(-2))
    assert adopted.version == 3
    versions = seeded.document_versions("POL-1")
    assert [(v.version, v.annulled is not None) for v in versions] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    assert versions[0].in_force_until == day(-2)


def test_the_audit_trail_keeps_the_annulled_version(seeded: Registry) -> None:
    """``before`` is the document as adopted by mistake; ``after`` names the version annulled
    with its snapshot and the reason."""
    _new_version(seeded)
    seeded.annul_adoption("POL-1", actor="admin", reason="Fel sammanträde")
    action, before, after = _last_event(seeded, "document:POL-1")
    assert action == "document.annul"
    assert before["version"] == 2 and after["document"]["version"] == 1
    assert after["version"]["version"] == 2
    assert after["version"]["snapshot"]["minute_ref"] == "§ 9"
    assert after["version"]["annulled"] == {
        "by": "admin",
        "on": TODAY.isoformat(),
        "reason": "Fel sammanträde",
    }


def test_only_an_administrator_annuls_an_adoption(seeded: Registry) -> None:
    """Not even the owner who recorded it."""
    with pytest.raises(PermissionDenied, match="only an administrator may"):
        seeded.annul_adoption("POL-1", actor="owner", reason="Fel")
    assert seeded.get_document("POL-1").status is DocStatus.IN_FORCE


def test_annulling_an_adoption_needs_a_reason(seeded: Registry) -> None:
    """The history says why a version was annulled."""
    with pytest.raises(RuleViolation, match="say why the adoption of POL-1 is annulled"):
        seeded.annul_adoption("POL-1", actor="admin", reason=" ")


@pytest.mark.parametrize("status", ["draft", "repealed"])
def test_only_a_document_in_force_has_an_adoption_to_annul(seeded: Registry, status: str) -> None:
    """A draft was never adopted; a repealed document's adoption is history."""
    if status == "draft":
        seeded.add_document(policy("POL-2"), actor="owner")
    else:
        seeded.repeal_document("POL-1", actor="owner")
    ref = "POL-2" if status == "draft" else "POL-1"
    with pytest.raises(RuleViolation, match=f"it is {status}, not in_force"):
        seeded.annul_adoption(ref, actor="admin", reason="Fel")


def _faq_change(registry: Registry) -> None:
    registry.add_faq_entry("POL-1", question="Gäller den alla?", answer="Ja.", actor="owner")


def _review(registry: Registry) -> None:
    registry.review_document("POL-1", actor="owner", outcome=ReviewOutcome.CONFIRMED)


def _granted_under_the_first(registry: Registry) -> None:
    registry.approve_dispensation(_requested(registry), actor="guardian")


def _granted_under_a_new_version(registry: Registry) -> None:
    _new_version(registry)
    _granted_under_the_first(registry)


def _superseding(registry: Registry) -> None:
    """POL-2 is adopted, and supersedes POL-1."""
    registry.add_document(policy("POL-2", supersedes="POL-1"), actor="owner")
    registry.adopt_document("POL-2", actor="owner", body="KS", on=day(-1))


@pytest.mark.parametrize(
    ("build", "ref", "message"),
    [
        (_faq_change, "POL-1", r"its FAQ has changed since \(version 2"),
        (_review, "POL-1", "it was reviewed on"),
        (_granted_under_the_first, "POL-1", r"dispensations were requested under it \(D-"),
        (_granted_under_a_new_version, "POL-1", r"dispensations were granted under it \(D-"),
        (_superseding, "POL-2", "it superseded POL-1"),
    ],
    ids=["faq change", "review", "dispensation", "dispensation under v2", "supersession"],
)
def test_an_adoption_something_was_built_on_stays(
    seeded: Registry, build: Callable[[Registry], None], ref: str, message: str
) -> None:
    """The refusal says what was built on the adoption since; nothing is changed."""
    build(seeded)
    before = seeded.get_document(ref)
    with pytest.raises(RuleViolation, match=f"cannot annul the adoption of {ref}.*{message}"):
        seeded.annul_adoption(ref, actor="admin", reason="Fel")
    assert seeded.get_document(ref) == before
    assert all(v.annulled is None for v in seeded.document_versions(ref))


# --- what is kept travels: export, restore, merge ------------------------------------------


def _corrected(registry: Registry) -> None:
    """A withdrawn request, an annulled approval and an annulled version."""
    registry.withdraw_dispensation(_requested(registry), actor="requester", reason="Ånger")
    approved = _requested(registry)
    registry.approve_dispensation(approved, actor="guardian")
    registry.annul_dispensation_decision(approved, actor="guardian", reason="Fel ärende")
    _new_version(registry)
    registry.annul_adoption("POL-1", actor="admin", reason="Fel sammanträde")


def _export(registry: Registry) -> str:
    out = io.StringIO()
    registry.export_json(out)
    return out.getvalue()


def _empty(template_db: Path, tmp_path: Path) -> Registry:
    path = tmp_path / "other.db"
    shutil.copy(template_db, path)
    return Registry.open(path)


def test_an_export_restores_what_was_annulled_and_withdrawn(
    seeded: Registry, template_db: Path, tmp_path: Path
) -> None:
    """Export → restore into an empty register → export is identical, marks included."""
    _corrected(seeded)
    exported = _export(seeded)
    assert '"withdrawn"' in exported and '"Fel ärende"' in exported
    with _empty(template_db, tmp_path) as restored:
        restored.import_json(io.StringIO(exported), actor=None)
        assert _export(restored) == exported


def test_a_merge_accepts_what_was_annulled_and_withdrawn(
    seeded: Registry, template_db: Path, tmp_path: Path
) -> None:
    """A merge holds records to the rules: a withdrawn request records no decision, and an
    annulled version above the document's own is one it once had."""
    _corrected(seeded)
    exported = _export(seeded)
    with _empty(template_db, tmp_path) as other:
        other.add_person(Person("boss", "Bo Ss", is_admin=True), actor=None)
        counts = other.import_json(io.StringIO(exported), actor="boss", merge=True)
        assert counts["document_versions"] == 2
        assert [v.annulled is not None for v in other.document_versions("POL-1")] == [
            False,
            True,
        ]


# --- the command line ----------------------------------------------------------------------


def test_the_commands_withdraw_and_annul(seeded: Registry, cli: Callable[..., Result]) -> None:
    """One confirmation line each; a refusal is one error line and exit 1."""
    pending = _requested(seeded)
    decided = _requested(seeded)
    seeded.approve_dispensation(decided, actor="guardian")
    _new_version(seeded)
    out = cli(
        "--lang", "en", "--as", "requester", "disp", "withdraw", pending, "--reason", "Behövs inte"
    )
    assert (out.exit_code, out.output) == (0, f"Withdrew {pending}.\n")
    out = cli(
        "--lang", "en", "--as", "guardian", "disp", "annul", decided, "--reason", "Fel ärende"
    )
    assert (out.exit_code, out.output) == (
        0,
        f"Annulled the decision on {decided}; it is requested again.\n",
    )
    out = cli(
        "--lang", "en", "--as", "admin", "doc", "annul", "POL-1", "--reason", "Fel sammanträde"
    )
    assert (out.exit_code, out.output) == (
        0,
        "Annulled the latest adoption of POL-1; it is version 1 in force again.\n",
    )
    out = cli("--lang", "en", "--as", "requester", "disp", "withdraw", pending)
    assert out.exit_code == 1
    assert out.output == f"Error: cannot withdraw {pending}: it is withdrawn, not requested\n"
    assert (
        cli("--lang", "en", "--as", "admin", "doc", "annul", "POL-1").exit_code == 2
    )  # --reason is required


def test_doc_history_marks_the_annulled_version(
    seeded: Registry, cli: Callable[..., Result]
) -> None:
    """The history lists the annulled version with who annulled it, when and why."""
    _new_version(seeded)
    seeded.annul_adoption("POL-1", actor="admin", reason="Fel sammanträde")
    table = cli("doc", "history", "POL-1").output
    assert f"{TODAY} av admin: Fel sammanträde" in table.split("Aktualitetsprövningar")[0]
    rows = cli("--lang", "en", "--format", "json", "doc", "history", "POL-1").output
    assert f"v2 annulled {TODAY} by admin: Fel sammanträde" in rows


def test_migration_0006_goes_down_and_up_again(seeded: Registry) -> None:
    """Downgrading to 0005 drops the marks (the audit log keeps them); upgrading again
    gives a register whose versions and dispensations read, with nothing annulled."""
    from alembic import command
    from alembic.config import Config

    from styrdok import migrations

    _corrected(seeded)
    alembic = Config()
    alembic.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    alembic.attributes["url"] = seeded.store.url
    seeded.close()
    command.downgrade(alembic, "0005")
    command.upgrade(alembic, "head")
    with Registry.open(seeded.store.url) as again:
        assert [v.annulled for v in again.document_versions("POL-1")] == [None, None]
        assert all(d.annulled == () for d in again.list_dispensations())
        assert "document.annul" in {e.action for e in again.audit_events()}
