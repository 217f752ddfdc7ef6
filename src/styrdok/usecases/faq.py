"""Use cases for a document's FAQ, one entry at a time.

An FAQ is part of what staff read: on a document in force, every change to it is a new
version from the day it is made, so what the FAQ said on any past day stays answerable.
The adopting decision is unchanged (an FAQ explains the rule; it does not change it). On a
draft the FAQ is still being written and no version is made.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from styrdok import events, rules
from styrdok.errors import InvalidValue, RuleViolation
from styrdok.model import DocStatus, Document, DocumentVersion, FaqEntry
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry


def replace_faq(
    work: Work,
    document: Document,
    faq: tuple[FaqEntry, ...],
    event: type[events.Event],
    *,
    on: dt.date,
    expected_revision: int | None = None,
) -> Document:
    """Store ``document`` with ``faq``; a document in force gets a new version from ``on``."""
    in_force = document.status is DocStatus.IN_FORCE
    if in_force and document.decided_on is not None and on < document.decided_on:
        raise RuleViolation(
            f"{document.ref} was adopted on {document.decided_on}; its FAQ cannot change on {on}"
        )
    # A version adopted to take effect later gets its FAQ change from that day on: the
    # change cannot apply before the version it amends.
    start = max(on, document.effective_from or on)
    after = evolve(
        document,
        faq=faq,
        version=work.next_version(document) if in_force else document.version,
        effective_from=start if in_force else document.effective_from,
    )
    if in_force:
        work.store.end_version(document.ref, version=document.version, until=start)
    stored = work.save_document(document, after, event, expected_revision=expected_revision)
    if in_force:
        work.store.insert_version(
            DocumentVersion(
                document_ref=document.ref,
                version=stored.version,
                in_force_from=start,
                in_force_until=None,
                snapshot=evolve(stored, draft=None),  # what was adopted, not what is prepared
            )
        )
    return stored


def _editable(work: Work, ref: str) -> Document:
    document = work.document(ref)
    rules.require_document_manager(work.actor, document, "change the FAQ of")
    rules.require_document_status(
        document, (DocStatus.DRAFT, DocStatus.IN_FORCE), "change the FAQ of"
    )
    return document


def _index(document: Document, number: int) -> int:
    if not 1 <= number <= len(document.faq):
        count = len(document.faq)
        raise InvalidValue(
            f"number: {document.ref} has {count} FAQ entr{'y' if count == 1 else 'ies'}; "
            f"there is no number {number}"
        )
    return number - 1


@use_case
def add_faq_entry(
    registry: Registry,
    ref: str,
    *,
    question: str,
    answer: str,
    actor: str | None,
    expected_revision: int | None = None,
) -> Document:
    """Add a question and its answer at the end of a document's FAQ."""
    entry = FaqEntry(question=question, answer=answer)
    with registry.session.work(actor) as work:
        document = _editable(work, ref)
        return replace_faq(
            work,
            document,
            (*document.faq, entry),
            events.DocumentFaqAdded,
            on=registry.today(),
            expected_revision=expected_revision,
        )


@use_case
def edit_faq_entry(
    registry: Registry,
    ref: str,
    number: int,
    *,
    question: str | None = None,
    answer: str | None = None,
    actor: str | None,
    expected_revision: int | None = None,
) -> Document:
    """Change entry ``number`` (from 1) of a document's FAQ: its question, its answer or
    both."""
    if question is None and answer is None:
        raise InvalidValue("give a new question, a new answer or both")
    with registry.session.work(actor) as work:
        document = _editable(work, ref)
        index = _index(document, number)
        old = document.faq[index]
        entry = FaqEntry(
            question=old.question if question is None else question,
            answer=old.answer if answer is None else answer,
        )
        if entry == old:
            raise InvalidValue(f"FAQ entry {number} of {ref} already says that")
        faq = (*document.faq[:index], entry, *document.faq[index + 1 :])
        return replace_faq(
            work,
            document,
            faq,
            events.DocumentFaqEdited,
            on=registry.today(),
            expected_revision=expected_revision,
        )


@use_case
def remove_faq_entry(
    registry: Registry,
    ref: str,
    number: int,
    *,
    actor: str | None,
    expected_revision: int | None = None,
) -> Document:
    """Remove entry ``number`` (from 1) of a document's FAQ."""
    with registry.session.work(actor) as work:
        document = _editable(work, ref)
        index = _index(document, number)
        faq = (*document.faq[:index], *document.faq[index + 1 :])
        return replace_faq(
            work,
            document,
            faq,
            events.DocumentFaqRemoved,
            on=registry.today(),
            expected_revision=expected_revision,
        )
