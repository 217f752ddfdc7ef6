"""Questions and answers follow the same text rules whichever edge they come from."""

from __future__ import annotations

import pytest

from styrdok import InvalidValue
from styrdok.registry import Registry


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "text: must not be empty"),
        (" \n\t ", "text: must not be empty"),
        ("x" * 5_001, "text: "),
        ("Vem\u202eäger regeln?", "text: "),
    ],
    ids=["empty", "blank", "too long", "bidi override"],
)
def test_a_question_must_say_something_cleanly(seeded: Registry, text: str, message: str) -> None:
    """Empty, blank, oversized and hidden-character questions are refused; none stored."""
    with pytest.raises(InvalidValue, match=f"^{message}"):
        seeded.ask("POL-1", text, actor="requester")
    assert seeded.questions("POL-1") == []


@pytest.mark.parametrize(
    "answer",
    ["", "   ", "x" * 5_001, "Svar\u202e"],
    ids=["empty", "blank", "too long", "bidi override"],
)
def test_an_answer_must_say_something_cleanly(seeded: Registry, answer: str) -> None:
    """Through the API too, a bad answer is refused and the question stays open."""
    question = seeded.ask("POL-1", "Gäller regeln vikarier?", actor="requester")
    with pytest.raises(InvalidValue, match=r"^answer: "):
        seeded.answer(question.id or 0, answer, actor="guardian")
    assert seeded.questions("POL-1")[0].answer is None


def test_an_answer_keeps_its_lines_as_lf(seeded: Registry) -> None:
    """CR LF from any caller is stored as LF."""
    question = seeded.ask("POL-1", "Rad ett\r\nrad två", actor="requester")
    answered = seeded.answer(question.id or 0, "Ja.\r\nMen fråga först.", actor="guardian")
    assert (question.text, answered.answer) == ("Rad ett\nrad två", "Ja.\nMen fråga först.")
