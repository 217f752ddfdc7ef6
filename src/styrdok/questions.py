"""Which questions staff keep asking: open questions grouped and ranked per guardian.

A question asked by several people is the strongest hint that a document does not say
something clearly; the guardian should answer it once and promote the answer to the FAQ.
Questions count as the same when their words are the same, ignoring case, punctuation and
spacing ("Gäller policyn konsulter?" and "gäller policyn konsulter").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import attrs

from styrdok.model import Document, Question

_NOT_WORD = re.compile(r"[\W_]+")


def question_key(text: str) -> str:
    """What two phrasings of the same question have in common."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


@attrs.frozen
class QuestionGroup:
    """One open question about one document, and everyone who asked it."""

    guardian: str
    """Who should answer: the document's guardian, or its owner when it has none."""
    document_ref: str
    text: str
    """The first phrasing asked."""
    asked: int
    first_asked_on: dt.date
    question_ids: tuple[int, ...]


def most_asked_open(
    questions: Iterable[Question], documents: Mapping[str, Document]
) -> list[QuestionGroup]:
    """Unanswered questions grouped by document and wording; per guardian, the most asked
    first, then the longest waiting."""
    grouped: dict[tuple[str, str], list[Question]] = {}
    for question in questions:
        if question.answer is not None:
            continue
        grouped.setdefault((question.document_ref, question_key(question.text)), []).append(
            question
        )
    groups = []
    for (document_ref, _key), asked in grouped.items():
        asked.sort(key=lambda q: (q.asked_on, q.id or 0))
        document = documents[document_ref]
        groups.append(
            QuestionGroup(
                guardian=document.guardian or document.owner,
                document_ref=document_ref,
                text=asked[0].text,
                asked=len(asked),
                first_asked_on=asked[0].asked_on,
                question_ids=tuple(q.id for q in asked if q.id is not None),
            )
        )
    return sorted(groups, key=lambda g: (g.guardian, -g.asked, g.first_asked_on, g.document_ref))
