"""Dispensations through the Registry: request, decide, renew, end, evaluate, expire."""

from __future__ import annotations

import pytest

from conftest import day, policy, request
from styrdok import (
    DispensationRules,
    DispStatus,
    Funding,
    PermissionDenied,
    RuleViolation,
)
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise


def test_requests_get_yearly_numbered_refs(seeded: Registry) -> None:
    """Refs are D-<year of request>-NNNN, counting up."""
    first = seeded.request_dispensation(request(), actor="requester")
    second = seeded.request_dispensation(request(), actor="requester")
    later = seeded.request_dispensation(request(), actor="requester", on=day(400))
    assert [first.ref, second.ref, later.ref] == ["D-2026-0001", "D-2026-0002", "D-2027-0001"]
    assert (first.status, first.requested_by) == (DispStatus.REQUESTED, "requester")


def test_approval_records_who_decided_and_when(seeded: Registry) -> None:
    """The decision keeps the approver, the date and the reasoning."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    disp = seeded.approve_dispensation(ref, actor="approver", reasoning="Kort pilot")
    assert disp.status is DispStatus.APPROVED
    assert disp.decision is not None
    assert (disp.decision.by, disp.decision.on, disp.decision.reasoning) == (
        "approver",
        day(0),
        "Kort pilot",
    )


@pytest.mark.parametrize("party", ["requester", "responsible"])
def test_no_one_approves_their_own_dispensation(seeded: Registry, party: str) -> None:
    """Separation of duties, even for the guardian requesting on their own behalf."""
    ref = seeded.request_dispensation(request(responsible="responsible"), actor=party).ref
    with pytest.raises(PermissionDenied, match="separation of duties"):
        seeded.approve_dispensation(ref, actor=party)
    assert seeded.get_dispensation(ref).status is DispStatus.REQUESTED


def test_the_guardian_cannot_approve_what_they_requested(seeded: Registry) -> None:
    """Being the guardian gives no exemption from separation of duties."""
    ref = seeded.request_dispensation(request(), actor="guardian").ref
    with pytest.raises(PermissionDenied, match="separation of duties"):
        seeded.approve_dispensation(ref, actor="guardian")
    seeded.approve_dispensation(ref, actor="approver")


def test_unlisted_people_cannot_approve(seeded: Registry) -> None:
    """Neither the owner nor an admin is an approver unless listed."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    for who in ("owner", "admin", "outsider"):
        with pytest.raises(PermissionDenied, match="listed approver"):
            seeded.approve_dispensation(ref, actor=who)


def test_duration_over_the_documents_maximum_is_refused(seeded: Registry) -> None:
    """POL-1 allows 180 days; 181 is refused at request time."""
    with pytest.raises(RuleViolation, match="at most 180 days"):
        seeded.request_dispensation(
            request(valid_from=day(0), valid_until=day(180)), actor="requester"
        )
    seeded.request_dispensation(request(valid_from=day(0), valid_until=day(179)), actor="requester")


def test_funding_must_be_stated(seeded: Registry) -> None:
    """Silence about costs is refused; 'no extra cost' is accepted."""
    with pytest.raises(RuleViolation, match="funding must be stated"):
        seeded.request_dispensation(request(funding=Funding()), actor="requester")
    seeded.request_dispensation(request(funding=Funding(no_extra_cost=True)), actor="requester")


def test_documents_that_forbid_dispensations_grant_none(seeded: Registry) -> None:
    """Only documents that allow dispensations grant them."""
    seeded.add_document(
        policy("POL-NO", dispensation_rules=DispensationRules(allowed=False)), actor="owner"
    )
    seeded.adopt_document("POL-NO", actor="owner", body="KS", on=day(-1))
    with pytest.raises(RuleViolation, match="does not allow dispensations"):
        seeded.request_dispensation(request("POL-NO"), actor="requester")


def test_drafts_grant_no_dispensations(seeded: Registry) -> None:
    """A document not in force cannot be departed from."""
    seeded.add_document(policy("POL-DRAFT"), actor="owner")
    with pytest.raises(RuleViolation, match="only granted from a document in force"):
        seeded.request_dispensation(request("POL-DRAFT"), actor="requester")


def test_rules_are_checked_again_at_decision_time(seeded: Registry) -> None:
    """If the document tightens its maximum meanwhile, the old request can't be approved."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    revise(
        seeded,
        "POL-1",
        {
            "dispensation_rules": DispensationRules(
                allowed=True, approvers=("approver",), max_duration_days=30
            )
        },
        actor="owner",
    )
    with pytest.raises(RuleViolation, match="at most 30 days"):
        seeded.approve_dispensation(ref, actor="approver")


def test_a_rejected_request_cannot_be_approved(seeded: Registry) -> None:
    """Decisions are final; a new request is the way forward."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    seeded.reject_dispensation(ref, actor="guardian", reasoning="Risken är för stor")
    with pytest.raises(RuleViolation, match="it is rejected, not requested"):
        seeded.approve_dispensation(ref, actor="approver")


def test_delegated_decisions_name_the_body_they_are_reported_to(seeded: Registry) -> None:
    """A delegationsbeslut is reported to a body (anmälan till nämnd)."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    with pytest.raises(RuleViolation, match="reported to"):
        seeded.approve_dispensation(ref, actor="approver", delegated=True)
    disp = seeded.approve_dispensation(ref, actor="approver", delegated=True, reported_to="KS")
    assert disp.decision is not None and disp.decision.reported_to == "KS"


def test_renewal_is_a_new_linked_decision(seeded: Registry, approved: str) -> None:
    """Renewing never overwrites: a new request starts the day after the old one ends."""
    renewal = seeded.renew_dispensation(approved, actor="responsible", valid_until=day(200))
    assert (renewal.renewal_of, renewal.valid_from, renewal.status) == (
        approved,
        day(101),
        DispStatus.REQUESTED,
    )
    assert seeded.get_dispensation(approved).status is DispStatus.APPROVED


def test_renewals_stop_at_the_documents_maximum(seeded: Registry, approved: str) -> None:
    """POL-1 allows one renewal; the renewal of the renewal is refused."""
    renewal = seeded.renew_dispensation(approved, actor="responsible", valid_until=day(200))
    seeded.approve_dispensation(renewal.ref, actor="guardian")
    with pytest.raises(RuleViolation, match="at most 1 renewal"):
        seeded.renew_dispensation(renewal.ref, actor="responsible", valid_until=day(300))


def test_one_pending_renewal_at_a_time(seeded: Registry, approved: str) -> None:
    """A second renewal request while one is pending is refused."""
    seeded.renew_dispensation(approved, actor="responsible", valid_until=day(200))
    with pytest.raises(RuleViolation, match="already has a pending or approved renewal"):
        seeded.renew_dispensation(approved, actor="responsible", valid_until=day(150))


def test_revoke_ends_a_dispensation_from_a_date(seeded: Registry, approved: str) -> None:
    """Revoked from day 50: it applied on day 49, not on day 50."""
    disp = seeded.revoke_dispensation(
        approved, actor="guardian", reason="Villkor bröts", on=day(50)
    )
    assert (disp.status, disp.ended_on) == (DispStatus.REVOKED, day(50))
    assert [d.ref for d in seeded.dispensations_active_on(day(49))] == [approved]
    assert seeded.dispensations_active_on(day(50)) == []


def test_the_responsible_person_may_close_but_not_revoke(seeded: Registry, approved: str) -> None:
    """Closing early is theirs; revoking is for those who could approve."""
    with pytest.raises(PermissionDenied):
        seeded.revoke_dispensation(approved, actor="responsible", reason="x", on=day(20))
    disp = seeded.close_dispensation(approved, actor="responsible", reason="Klart", on=day(20))
    assert disp.status is DispStatus.CLOSED


def test_expiry_and_evaluation(seeded: Registry, approved: str) -> None:
    """After valid_until it expires; then the responsible person records the lessons."""
    with pytest.raises(RuleViolation, match="cannot evaluate"):
        seeded.evaluate_dispensation(approved, actor="responsible", outcome="?")
    assert seeded.expire(today=day(101)) == [approved]
    disp = seeded.evaluate_dispensation(
        approved,
        actor="responsible",
        outcome="Bra",
        lessons="Regeln kan ändras",
        rule_change_suggested=True,
        on=day(102),
    )
    assert disp.status is DispStatus.EXPIRED and disp.ended_on == day(101)
    assert disp.evaluation is not None and disp.evaluation.rule_change_suggested
    assert [d.ref for d in seeded.dispensations_active_on(day(100))] == [approved]


def test_an_evaluation_is_kept_as_given(seeded: Registry, approved: str) -> None:
    """A second evaluation does not silently replace the first."""
    seeded.expire(today=day(101))
    seeded.evaluate_dispensation(approved, actor="responsible", outcome="Bra", on=day(102))
    with pytest.raises(RuleViolation, match=r"was evaluated on .* by responsible"):
        seeded.evaluate_dispensation(approved, actor="responsible", outcome="Dålig", on=day(103))
    evaluation = seeded.get_dispensation(approved).evaluation
    assert evaluation is not None and evaluation.outcome == "Bra"


def test_due_lists_overdue_first_with_reviews_and_expiries(seeded: Registry, approved: str) -> None:
    """due() covers reviews and end dates, sorted by date, negative days when overdue."""
    items = seeded.due(today=day(300), within_days=0)
    assert [(i.kind.value, i.ref, i.days_left) for i in items] == [
        ("dispensation_expiry", approved, -200),
        ("review", "POL-1", -35),
    ]
    assert seeded.due(today=day(0), within_days=30) == []


def test_numbering_continues_past_9999(seeded: Registry) -> None:
    """D-2026-9999 is followed by D-2026-10000 and then D-2026-10001, never a clash."""
    seeded.request_dispensation(request(), actor="requester")
    with seeded.store.transaction():
        seeded.store.conn.exec_driver_sql(
            "UPDATE dispensation SET ref = 'D-2026-9999' WHERE ref = 'D-2026-0001'"
        )
    refs = [seeded.request_dispensation(request(), actor="requester").ref for _ in range(2)]
    assert refs == ["D-2026-10000", "D-2026-10001"]


@pytest.mark.parametrize(
    ("scope", "title"),
    [
        ("Pilot av\n  molntjänst ", "Pilot av molntjänst"),
        ("x" * 80, "x" * 80),
        (
            "Löneservern saknar stöd för tvåfaktorsinloggning; inloggning med lösenord "
            "tills vidare",
            "Löneservern saknar stöd för tvåfaktorsinloggning; inloggning med lösenord tills…",
        ),
        ("Ett ord " * 9 + "sista; " + "ord " * 5, "Ett ord " * 9 + "sista…"),
        ("y" * 100, "y" * 79 + "…"),
    ],
)
def test_a_long_scope_is_a_title_of_whole_words_that_says_it_goes_on(
    scope: str, title: str
) -> None:
    """A dispensation's scope as one line of at most 80 characters (digests, due lists):
    a longer one ends after a whole word, with "…", never with half a word or a space."""
    from styrdok.model import scope_title

    assert scope_title(scope) == title
    assert len(scope_title(scope)) <= 80
