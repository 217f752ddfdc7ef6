"""Reading documents: one, a filtered list, their versions, reviews, history, checks.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
Reads need no actor.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from styrdok import checklist
from styrdok.config import DEFAULT_MAX_WORDS
from styrdok.model import AuditEvent, DocStatus, Document, DocumentVersion, Review
from styrdok.text import normalise_query
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import load_document

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def get_document(registry: Registry, ref: str) -> Document:
    """One document by ref, as it is now."""
    with registry.session.read() as store:
        return load_document(store, ref)


@use_case
def list_documents(
    registry: Registry,
    *,
    status: DocStatus | None = None,
    doc_type: str | None = None,
    body: str | None = None,
    person: str | None = None,
    parent: str | None = None,
) -> list[Document]:
    """Documents now, filtered by status, type, adopting body, owner/guardian, parent.
    Each filter is normalised as stored text is (:func:`styrdok.text.normalise_query`)."""
    with registry.session.read() as store:
        return store.list_documents(
            status=status.value if status else None,
            doc_type=_query(doc_type),
            adopted_by=_query(body),
            person=_query(person),
            parent=_query(parent),
        )


def _query(value: str | None) -> str | None:
    return None if value is None else normalise_query(value)


@use_case
def document_versions(registry: Registry, ref: str) -> list[DocumentVersion]:
    """Every adopted version of a document and when it was in force."""
    with registry.session.read() as store:
        load_document(store, ref)
        return store.list_versions(ref)


@use_case
def reviews(registry: Registry, ref: str) -> list[Review]:
    """Every recorded review of a document, oldest first."""
    with registry.session.read() as store:
        load_document(store, ref)
        return store.list_reviews(ref)


@use_case
def history(registry: Registry, entity: str) -> list[AuditEvent]:
    """The audit trail of one entity, e.g. ``document:POL-IS-01``."""
    with registry.session.read() as store:
        return list(store.iter_audit(entity))


@use_case
def documents_in_force(registry: Registry, on: dt.date | None = None) -> list[DocumentVersion]:
    """What was in force on a day: each document's version as adopted then."""
    with registry.session.read() as store:
        return store.versions_in_force(on or registry.today())


@use_case
def check_document(
    registry: Registry, ref: str, *, max_words: int = DEFAULT_MAX_WORDS
) -> checklist.CheckResult:
    """A document against the LEDA checklist, with the lessons its dispensations teach
    ("the rule may need to change") and every plugin's own checks."""
    from styrdok import plugins

    with registry.session.read() as store:
        document = load_document(store, ref)
        dispensations = store.list_dispensations(document_ref=ref)
    checks = checklist.checklist(
        document,
        max_words=max_words,
        review_date_at_adoption=document.status is DocStatus.DRAFT,
    )
    extra = checklist.lessons(dispensations)
    for found in plugins.hook().styrdok_check_document(document=document):
        extra.extend(str(f) for f in found or ())
    return checklist.CheckResult(ref=ref, checks=checks, extra=tuple(extra))
