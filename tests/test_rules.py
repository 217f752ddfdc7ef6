"""The governance rules as pure functions."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styrdok import (
    Dispensation,
    DispensationRules,
    Document,
    Funding,
    PermissionDenied,
    Person,
    RuleViolation,
)
from styrdok.checklist import is_checked
from styrdok.enums import DocStatus
from styrdok.rules import (
    REVIEW_SOON_DAYS,
    ReviewState,
    add_months,
    may_answer,
    missing_for_force,
    require_decider,
    require_document_manager,
    require_may_answer,
    require_no_parent_cycle,
    require_valid_terms,
    review_state,
)

DOC = Document(
    "POL-1",
    "Policy",
    "policy",
    owner="owner",
    guardian="guardian",
    dispensation_rules=DispensationRules(
        allowed=True, approvers=("approver",), max_duration_days=30, max_renewals=1
    ),
)
DISP = Dispensation(
    ref="D-2026-0001",
    document_ref="POL-1",
    scope="s",
    requested_by="req",
    requested_on=dt.date(2026, 1, 1),
    responsible="resp",
    valid_from=dt.date(2026, 1, 1),
    valid_until=dt.date(2026, 1, 30),
    funding=Funding(no_extra_cost=True),
)


@pytest.mark.parametrize("who", ["guardian", "approver"])
def test_guardian_and_listed_approvers_may_decide(who: str) -> None:
    """The guardian or a listed approver decides a request."""
    require_decider(Person(who, "X"), DOC, DISP)


@pytest.mark.parametrize("who", ["req", "resp"])
def test_parties_to_a_request_never_decide_it(who: str) -> None:
    """Separation of duties holds even when the party is also the guardian."""
    doc = Document("POL-1", "Policy", "policy", owner="owner", guardian=who)
    with pytest.raises(PermissionDenied, match="separation of duties"):
        require_decider(Person(who, "X", is_admin=True), doc, DISP)


def test_admins_are_not_approvers_by_default() -> None:
    """Being an administrator gives no right to grant dispensations."""
    with pytest.raises(PermissionDenied, match="guardian of POL-1 or a listed approver"):
        require_decider(Person("boss", "X", is_admin=True), DOC, DISP)


@pytest.mark.parametrize(("who", "admin"), [("owner", False), ("guardian", False), ("boss", True)])
def test_owner_guardian_and_admin_manage_documents(who: str, admin: bool) -> None:
    """Owner, guardian or admin may edit, adopt, review and repeal."""
    require_document_manager(Person(who, "X", is_admin=admin), DOC, "edit")


def test_others_may_not_manage_documents() -> None:
    """Anyone else is refused, with the rule in the message."""
    with pytest.raises(PermissionDenied, match="only its owner, its guardian or an admin"):
        require_document_manager(Person("someone", "X"), DOC, "edit")


def test_in_force_needs_guardian_follow_up_and_a_date() -> None:
    """A bare document lists everything it lacks before it may enter into force."""
    bare = Document("POL-2", "Policy", "policy", owner="owner")
    assert missing_for_force(bare) == [
        "a guardian",
        "a follow-up (how and by whom)",
        "a review date or a valid-until date",
    ]


@pytest.mark.parametrize(
    ("start", "end", "renewal", "funding", "message"),
    [
        (dt.date(2026, 1, 10), dt.date(2026, 1, 10), 0, Funding(no_extra_cost=True), "after"),
        (dt.date(2026, 1, 10), dt.date(2026, 1, 5), 0, Funding(no_extra_cost=True), "after"),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31), 0, Funding(no_extra_cost=True), "at most 30"),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 30), 2, Funding(no_extra_cost=True), "renewal"),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 30), 0, Funding(), "funding must be stated"),
    ],
)
def test_dispensation_terms(
    start: dt.date, end: dt.date, renewal: int, funding: Funding, message: str
) -> None:
    """Dates in order, within the maximum duration and renewals, funding stated."""
    with pytest.raises(RuleViolation, match=message):
        require_valid_terms(
            DOC.dispensation_rules,
            valid_from=start,
            valid_until=end,
            funding=funding,
            renewal_number=renewal,
        )


def test_a_thirty_day_dispensation_fits_a_thirty_day_maximum() -> None:
    """Both the first and the last day count: 1–30 January is 30 days."""
    require_valid_terms(
        DOC.dispensation_rules,
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 1, 30),
        funding=Funding(funded_by="KS"),
        renewal_number=1,
    )


def test_parent_cycles_are_refused() -> None:
    """A document may not end up beneath itself."""
    with pytest.raises(RuleViolation, match="cycle"):
        require_no_parent_cycle("A", "B", {"B": "C", "C": "A"})


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 1, 1)),
    st.integers(min_value=0, max_value=600),
)
def test_add_months_lands_in_the_right_month_never_overshooting(day: dt.date, months: int) -> None:
    """Review dates: +N months is in month M+N, on the same day or the month's last day."""
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (
        result.day < day.day and (result + dt.timedelta(days=1)).day == 1
    )


@pytest.mark.parametrize("who", ["guardian", "owner"])
def test_guardian_and_owner_may_answer_questions(who: str) -> None:
    """Questions about a document are answered by its guardian or its owner."""
    assert may_answer(who, DOC)
    require_may_answer(Person(who, "X"), DOC)


@pytest.mark.parametrize("who", ["approver", "boss", None])
def test_nobody_else_may_answer_questions(who: str | None) -> None:
    """Approvers, others and nobody signed in may not answer, administrators neither."""
    assert not may_answer(who, DOC)


def test_refusing_an_answer_names_who_does() -> None:
    """The refusal says who answers instead, in the registry's words."""
    with pytest.raises(PermissionDenied) as refused:
        require_may_answer(Person("boss", "X", is_admin=True), DOC)
    assert str(refused.value) == (
        "boss may not answer questions about POL-1: its guardian or owner does"
    )


TODAY = dt.date(2026, 6, 1)
IN_FORCE = Document("POL-3", "Policy", "policy", owner="owner", status=DocStatus.IN_FORCE)


@pytest.mark.parametrize(
    ("next_review_on", "state"),
    [
        (TODAY - dt.timedelta(days=1), ReviewState.OVERDUE),
        (TODAY, ReviewState.SOON),
        (TODAY + dt.timedelta(days=REVIEW_SOON_DAYS), ReviewState.SOON),
        (TODAY + dt.timedelta(days=REVIEW_SOON_DAYS + 1), ReviewState.OK),
        (None, ReviewState.NONE),
    ],
)
def test_review_state_of_a_document_in_force(
    next_review_on: dt.date | None, state: ReviewState
) -> None:
    """Overdue the day after the review date; soon up to 60 days ahead; none without a date."""
    document = attrs.evolve(IN_FORCE, next_review_on=next_review_on)
    assert review_state(document, TODAY) is state


def test_review_state_takes_its_own_horizon() -> None:
    """How far ahead counts as soon can be chosen."""
    document = attrs.evolve(IN_FORCE, next_review_on=TODAY + dt.timedelta(days=10))
    assert review_state(document, TODAY, soon_days=7) is ReviewState.OK


@pytest.mark.parametrize("status", [DocStatus.DRAFT, DocStatus.REPEALED, DocStatus.SUPERSEDED])
def test_only_documents_in_force_are_due_for_review(status: DocStatus) -> None:
    """A draft or a document no longer in force is never overdue, whatever its date says."""
    document = attrs.evolve(IN_FORCE, status=status, next_review_on=TODAY - dt.timedelta(days=9))
    assert review_state(document, TODAY) is ReviewState.NONE


def test_review_states_compare_as_their_names() -> None:
    """Templates and JSON see the plain words: overdue, soon, ok, none."""
    assert [str(s) for s in ReviewState] == ["overdue", "soon", "ok", "none"]


@pytest.mark.parametrize(
    ("status", "checked"),
    [
        (DocStatus.DRAFT, True),
        (DocStatus.IN_FORCE, True),
        (DocStatus.SUPERSEDED, False),
        (DocStatus.REPEALED, False),
        (DocStatus.LAPSED, False),
    ],
)
def test_checking_the_register_covers_drafts_and_documents_in_force(
    status: DocStatus, checked: bool
) -> None:
    """`doc check --all` scores what is still worth improving, not history."""
    assert is_checked(attrs.evolve(IN_FORCE, status=status)) is checked
