"""Questions to guardians: the most asked open ones first, and answers that become FAQ."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

from conftest import day, policy
from styrdok.registry import Registry


def test_open_questions_count_the_same_question_once_and_rank_by_how_often(
    seeded: Registry,
) -> None:
    seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester", on=day(-5))
    seeded.ask("POL-1", "Vem godkänner undantag?", actor="outsider", on=day(-9))
    seeded.ask("POL-1", "gäller  policyn KONSULTER", actor="outsider", on=day(-1))
    groups = seeded.open_questions()
    assert [(g.guardian, g.asked, g.text) for g in groups] == [
        ("guardian", 2, "Gäller policyn konsulter?"),  # asked twice beats asked earlier
        ("guardian", 1, "Vem godkänner undantag?"),
    ]
    assert groups[0].first_asked_on == day(-5)


def test_answered_questions_leave_the_list_and_guardians_see_only_their_own(
    seeded: Registry,
) -> None:
    seeded.add_document(policy("POL-2", guardian=None), actor="owner")
    seeded.ask("POL-2", "Vem är väktare?", actor="outsider")  # no guardian: the owner answers
    answered = seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester")
    seeded.answer(answered.id or 0, "Ja.", actor="guardian")
    assert [(g.guardian, g.document_ref) for g in seeded.open_questions()] == [("owner", "POL-2")]
    assert seeded.open_questions(guardian="guardian") == []


def test_promoting_an_answer_to_the_faq_makes_a_new_version(seeded: Registry) -> None:
    question = seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester", on=day(-3))
    seeded.answer(question.id or 0, "Ja, via avtalet.", actor="guardian", promote_to_faq=True)
    document = seeded.get_document("POL-1")
    assert document.version == 2
    assert document.faq[-1].question == "Gäller policyn konsulter?"
    versions = seeded.document_versions("POL-1")
    assert [(v.version, v.in_force_from, v.in_force_until) for v in versions] == [
        (1, day(-100), day(0)),
        (2, day(0), None),
    ]
    # What staff read yesterday is still answerable: the old version without the entry.
    yesterday = {v.document_ref: v for v in seeded.documents_in_force(day(-1))}
    assert len(yesterday["POL-1"].snapshot.faq) == 1
    assert document.adopted_by == "KS"  # an FAQ explains the rule; the decision stands


def test_questions_command_lists_open_questions(
    seeded: Registry, cli: Callable[..., Result]
) -> None:
    seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester")
    result = cli("--lang", "en", "questions", "--guardian", "guardian")
    assert result.exit_code == 0
    assert "guardian  POL-1     1      2026-03-02  1    Gäller policyn konsulter?" in result.output
    assert (
        cli("--lang", "en", "questions", "--guardian", "owner").output
        == "No unanswered questions.\n"
    )
