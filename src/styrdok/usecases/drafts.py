"""Draft revisions of documents in force: what a prepared next version changes, and
dropping it.

A draft revision is made by :func:`~styrdok.usecases.documents.edit_document` (an edit of
what a document in force decides) and taken in by
:func:`~styrdok.usecases.documents.adopt_document`. Each function is bound on
:class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from styrdok import diffing, events, rules
from styrdok.errors import RuleViolation
from styrdok.model import Document
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import evolve, load_document

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def compare_draft(registry: Registry, ref: str) -> diffing.VersionDiff:
    """What the draft revision of a document in force would change: every changed field
    and a word-level redline of the text, from the version adopted now to the draft
    (``to_version`` is the number it would get)."""
    with registry.session.read() as store:
        document = load_document(store, ref)
    if document.draft is None:
        raise RuleViolation(f"{ref} has no draft revision (edit it to prepare one)")
    return diffing.compare(
        evolve(document, draft=None),
        rules.with_draft_taken_in(document),
        from_version=document.version,
        to_version=document.version + 1,
    )


@use_case
def discard_draft(
    registry: Registry, ref: str, *, actor: str | None, expected_revision: int | None = None
) -> Document:
    """Drop the draft revision of a document in force: nothing of it is kept but the
    audit trail. The document as adopted is unchanged."""
    with registry.session.work(actor) as work:
        before = work.document(ref)
        rules.require_document_manager(work.actor, before, "discard the draft revision of")
        if before.draft is None:
            raise RuleViolation(f"{ref} has no draft revision to discard")
        return work.save_document(
            before,
            evolve(before, draft=None),
            events.DocumentEdited,
            expected_revision=expected_revision,
        )
