"""Use cases for questions to a document's guardian, and the FAQ they feed.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from styrdok import events, rules
from styrdok.errors import NotFound
from styrdok.model import Document, FaqEntry, Question
from styrdok.store.base import DocumentFilter, QuestionFilter
from styrdok.text import as_line
from styrdok.usecases import faq
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve

if TYPE_CHECKING:
    from styrdok.questions import QuestionGroup
    from styrdok.registry import Registry


@use_case
def ask(
    registry: Registry,
    document_ref: str,
    text: str,
    *,
    actor: str | None,
    on: dt.date | None = None,
) -> Question:
    """Put a question to a document's guardian."""
    with registry.session.work(actor) as work:
        work.document(document_ref)
        question = work.store.insert_question(
            Question(
                document_ref=document_ref,
                asked_by=work.actor.ref,
                asked_on=on or registry.today(),
                text=text,
            )
        )
        work.record(events.QuestionAsked, f"question:{question.id}", None, question)
    return question


@use_case
def answer(
    registry: Registry,
    question_id: int,
    answer: str,
    *,
    actor: str | None,
    promote_to_faq: bool = False,
    on: dt.date | None = None,
) -> Question:
    """Answer a question (the guardian or the owner); optionally add it to the FAQ."""
    with registry.session.work(actor) as work:
        before = work.question(question_id)
        document = work.document(before.document_ref)
        rules.require_may_answer(work.actor, document)
        answered_on = on or registry.today()
        after = evolve(
            before,
            answer=answer,
            answered_by=work.actor.ref,
            answered_on=answered_on,
            promoted_to_faq=promote_to_faq,
        )
        work.store.update_question(after)
        work.record(events.QuestionAnswered, f"question:{question_id}", before, after)
        if promote_to_faq:
            _add_faq_entry(work, document, before.text, answer, on=answered_on)
    return after


def _add_faq_entry(
    work: Work, document: Document, question: str, answer: str, *, on: dt.date
) -> Document:
    """Add an answered question to the FAQ (a new version if the document is in force)."""
    entry = FaqEntry(question=as_line(question, 500), answer=answer)
    return faq.replace_faq(work, document, (*document.faq, entry), events.DocumentFaqAdded, on=on)


@use_case
def get_question(registry: Registry, question_id: int) -> Question:
    """One question by its number, or :class:`~styrdok.errors.NotFound`."""
    with registry.session.read() as store:
        question = store.get_question(question_id)
    if question is None:
        raise NotFound(f"unknown question {question_id}")
    return question


@use_case
def questions(registry: Registry, document_ref: str | None = None) -> list[Question]:
    """Every question (about one document, or all), oldest first."""
    with registry.session.read() as store:
        return store.list_questions(document_ref)


@use_case
def open_questions(registry: Registry, *, guardian: str | None = None) -> list[QuestionGroup]:
    """Unanswered questions, the same question asked by several people counted once,
    most asked first per guardian (or owner, for documents without a guardian)."""
    from styrdok import questions as grouping

    # Only the open questions (for a guardian: those they or an owner may answer) and the
    # documents they are about are read, not the register: a request, not a batch job.
    where = QuestionFilter(unanswered=True, answerer=guardian)
    with registry.session.read() as store:
        _, count = store.page_questions(where, offset=0, limit=0)
        open_ones, _ = store.page_questions(where, offset=0, limit=count)
        refs = frozenset(q.document_ref for q in open_ones)
        about = store.page_documents(DocumentFilter(refs=refs), offset=0, limit=len(refs))[0]
        groups = grouping.most_asked_open(open_ones, {d.ref: d for d in about})
    return [g for g in groups if guardian is None or g.guardian == guardian]
