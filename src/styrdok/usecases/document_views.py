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
from styrdok.usecases.work import evolve, load_document

if TYPE_CHECKING:
    from styrdok.registry import Registry
    from styrdok.store.base import Store


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
    Each filter is normalised as stored text is (:func:`styrdok.text.normalise_query`).
    ``status=in_force`` means in force today: a document adopted to take effect later is
    left out until its date of effect (:meth:`~styrdok.model.Document.in_force_on`)."""
    with registry.session.read() as store:
        found = store.list_documents(
            status=status.value if status else None,
            doc_type=_query(doc_type),
            adopted_by=_query(body),
            person=_query(person),
            parent=_query(parent),
        )
    if status is DocStatus.IN_FORCE:
        today = registry.today()
        found = [d for d in found if d.in_force_on(today)]
    return found


def applying_now(store: Store, document: Document, today: dt.date) -> Document:
    """``document`` as it applies on ``today``: itself, or — when a new version is adopted
    but takes effect later — the version still in force, with today's owner and guardian
    (the people to ask now)."""
    if document.new_version_from(today) is None:
        return document
    for version in store.list_versions(document.ref):
        period_ends = version.in_force_until
        if version.in_force_from <= today and (period_ends is None or today < period_ends):
            return evolve(
                version.snapshot,
                owner=document.owner,
                guardian=document.guardian,
                revision=document.revision,
            )
    return document


@use_case
def document_applying(registry: Registry, ref: str, *, on: dt.date | None = None) -> Document:
    """A document as it applies today (or ``on``): the version in force then, even when a
    newer one is adopted to take effect later (see :func:`applying_now`)."""
    with registry.session.read() as store:
        return applying_now(store, load_document(store, ref), on or registry.today())


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
