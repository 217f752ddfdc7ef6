"""The LEDA checklist and the lessons dispensations teach."""

from __future__ import annotations

import datetime as dt

from conftest import policy
from styrdok import Dispensation, DispensationRules, Document, Evaluation, Funding
from styrdok.checklist import checklist, lessons


def _disp(
    ref: str,
    clause: str = "",
    renewal_of: str | None = None,
    status: str = "expired",
    suggest: bool = False,
) -> Dispensation:
    day = dt.date(2026, 1, 1)
    return Dispensation(
        ref=ref,
        document_ref="POL-1",
        scope="s",
        requested_by="a",
        requested_on=day,
        responsible="b",
        valid_from=day,
        valid_until=day + dt.timedelta(days=30),
        funding=Funding(no_extra_cost=True),
        status=status,
        clause=clause,
        renewal_of=renewal_of,
        evaluation=Evaluation(by="b", on=day, outcome="ok", rule_change_suggested=True)
        if suggest
        else None,
    )


def test_a_bare_draft_misses_most_of_the_checklist() -> None:
    """Every point the report lists is checked, each with what to do about it."""
    bare = Document("POL-9", "Policy", "policy", owner="anna")
    failed = [c.name for c in checklist(bare) if not c.passed]
    assert failed == [
        "purpose",
        "intended effects",
        "audience",
        "follow-up",
        "non-compliance",
        "guardian",
        "faq",
        "brevity",
        "review date",
    ]


def test_a_complete_document_scores_full_marks() -> None:
    """The test fixtures' policy meets every point once it has a length and rules text."""
    complete = policy(
        word_count=900,
        non_compliance="Anmäls till chef",
        intended_effects="Färre incidenter",
        next_review_on=dt.date(2027, 1, 1),
        dispensation_rules=DispensationRules(allowed=True, requirements="DPIA"),
    )
    assert all(c.passed for c in checklist(complete))


def test_brevity_follows_the_configured_limit() -> None:
    """Less is more: over the word limit is a finding that says by how much."""
    long = policy(word_count=4000)
    brevity = next(c for c in checklist(long, max_words=2500) if c.name == "brevity")
    assert not brevity.passed and "4000 words, more than 2500" in brevity.finding
    assert next(c for c in checklist(long, max_words=5000) if c.name == "brevity").passed


def test_repeated_dispensations_from_one_clause_flag_the_rule() -> None:
    """Three departures from clause 3.2: maybe the rule, not the units, is wrong."""
    found = lessons(
        [_disp(f"D-2026-000{n}", clause="3.2") for n in range(1, 4)]
        + [_disp("D-2026-0009", clause="4.1")]
    )
    assert found == ["the rule may need to change: 3 dispensations from clause '3.2'"]


def test_a_dispensation_renewed_again_and_again_flags_the_rule() -> None:
    """An original renewed twice is a rule people cannot live by."""
    chain = [
        _disp("D-2026-0001"),
        _disp("D-2026-0002", renewal_of="D-2026-0001"),
        _disp("D-2026-0003", renewal_of="D-2026-0002", status="approved"),
    ]
    assert lessons(chain) == ["the rule may need to change: D-2026-0001 has been renewed 2 times"]


def test_evaluations_that_suggest_a_change_are_passed_on() -> None:
    """What the responsible person learnt reaches the next review; rejected requests don't
    count as departures."""
    found = lessons(
        [
            _disp("D-2026-0001", suggest=True),
            _disp("D-2026-0002", clause="3.2", status="rejected"),
            _disp("D-2026-0003", clause="3.2", status="rejected"),
            _disp("D-2026-0004", clause="3.2", status="rejected"),
        ]
    )
    assert found == ["the rule may need to change: evaluations of D-2026-0001 suggest so"]
