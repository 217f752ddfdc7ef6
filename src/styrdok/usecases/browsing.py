"""Browsing the register a page at a time: the filtered list of documents (the intranet's
register page and its JSON twin), what falls due, what the filters offer, and the people a
page names — each read without loading the whole register.

The store counts and reads one page (:class:`~styrdok.store.base.BrowseStore`). Who may
see a draft and what counts as overdue are decided here, from the rules in
:mod:`styrdok.rules`, and handed to the store as a
:class:`~styrdok.store.base.DocumentFilter`, so every backend shows the same documents (the
contract suite holds each to :func:`styrdok.rules.may_see_draft` and
:func:`styrdok.rules.review_state`).

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
Reads need no actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from styrdok import rules
from styrdok.errors import InvalidValue
from styrdok.model import DispStatus, DocStatus, Document, DueItem, Person
from styrdok.search import SnippetPart
from styrdok.store.base import DocumentFilter, Store
from styrdok.text import normalise_query
from styrdok.usecases.arguments import use_case
from styrdok.usecases.dates import due_items

if TYPE_CHECKING:
    from styrdok.registry import Registry

#: Rows on a page unless the caller asks otherwise.
PER_PAGE = 50
#: The most rows one page may hold.
MAX_PER_PAGE = 200
#: The most full-text hits a search of the register ranks (as
#: :data:`styrdok.usecases.content.MAX_HITS`).
MAX_HITS = 100


@attrs.frozen(kw_only=True)
class Paging:
    """Where a page is in its list."""

    total: int
    """How many rows the whole list has."""
    page: int
    """This page's number, from 1. It may lie beyond the last page: then it is empty."""
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (1 for an empty list)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def beyond(self) -> bool:
        """Whether this page lies after the last one (and so shows nothing)."""
        return self.page > self.pages


@attrs.frozen(kw_only=True)
class DocumentPage(Paging):
    """One page of the register's documents, as :func:`browse_documents` found them."""

    documents: tuple[Document, ...]
    snippets: Mapping[str, tuple[SnippetPart, ...]] = attrs.field(factory=dict)
    """For a search: each found document's words in context, by ref."""


@attrs.frozen(kw_only=True)
class DuePage(Paging):
    """One page of what falls due, as :func:`due_page` found it."""

    items: tuple[DueItem, ...]


def _paging(page: int, per_page: int) -> int:
    """The offset of ``page``, once both numbers are checked."""
    if page < 1:
        raise InvalidValue(f"page: expected 1 or more, got {page}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidValue(f"per_page: expected 1 to {MAX_PER_PAGE}, got {per_page}")
    return (page - 1) * per_page


def _filter(
    *,
    status: DocStatus | None,
    doc_type: str | None,
    body: str | None,
    unit: str | None,
    overdue: bool,
    reader: Person | None,
    today: dt.date,
) -> DocumentFilter:
    """The store's filter for what the caller asked and ``reader`` may see."""
    statuses = None if status is None else frozenset({status})
    review_before = None
    if overdue:
        # rules.review_state: only a document in force is overdue, from the day after its
        # review date (the review may be done on the day itself).
        statuses = frozenset({DocStatus.IN_FORCE}) & (statuses or frozenset(DocStatus))
        review_before = today
    # rules.may_see_draft: administrators see every draft, a person the drafts they own or
    # guard (rules.may_manage_document), nobody signed in none.
    admin = reader is not None and reader.is_admin
    return DocumentFilter(
        statuses=statuses,
        doc_type=_query(doc_type),
        adopted_by=_query(body),
        owner_unit=_query(unit),
        review_before=review_before,
        hidden=None if admin else DocStatus.DRAFT,
        shown_to=None if admin or reader is None else reader.ref,
        effective_on=today,
    )


def _query(value: str | None) -> str | None:
    """A filter's text as stored text is normalised; ``None`` when empty."""
    if value is None:
        return None
    return normalise_query(value) or None


@use_case
def browse_documents(
    registry: Registry,
    *,
    words: str | None = None,
    status: DocStatus | None = DocStatus.IN_FORCE,
    doc_type: str | None = None,
    body: str | None = None,
    unit: str | None = None,
    overdue: bool = False,
    reader: Person | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: dt.date | None = None,
) -> DocumentPage:
    """One page of the register, sorted by title, as a search form asks: of ``status``
    (``None``: any), type, adopting ``body``, the owner's ``unit``, only those ``overdue``
    for review; drafts only for a ``reader`` who works on them
    (:func:`styrdok.rules.may_see_draft`). ``page`` counts from 1; a page after the last is
    empty.

    With ``words``: documents whose ref contains them (sorted by title), then the best
    :data:`MAX_HITS` documents whose title, purpose, text, FAQ or files hold every word,
    best first, each with a snippet — the same filters applied to both."""
    offset = _paging(page, per_page)
    where = _filter(
        status=status,
        doc_type=doc_type,
        body=body,
        unit=unit,
        overdue=overdue,
        reader=reader,
        today=today or registry.today(),
    )
    typed = _query(words)
    if where.statuses == frozenset():  # overdue among drafts, say: nothing can match
        return DocumentPage(documents=(), total=0, page=page, per_page=per_page)
    with registry.session.read() as store:
        if typed is None:
            documents, total = store.page_documents(where, offset=offset, limit=per_page)
            found = DocumentPage(
                documents=tuple(documents), total=total, page=page, per_page=per_page
            )
        else:
            found = _search_page(store, where, typed, offset=offset, page=page, per_page=per_page)
    if any(d.draft is not None for d in found.documents):
        # A draft revision is work in progress: only those who work on it see it.
        shown = tuple(rules.shown_to(reader, d) for d in found.documents)
        found = attrs.evolve(found, documents=shown)
    return found


def _search_page(
    store: Store, where: DocumentFilter, typed: str, *, offset: int, page: int, per_page: int
) -> DocumentPage:
    """Documents whose ref contains ``typed``, then the full-text hits, paged as one list:
    only the hits (at most :data:`MAX_HITS`) and one page of ref matches are read."""
    try:
        hits = store.search_documents(typed, statuses=where.statuses, limit=MAX_HITS)
    except InvalidValue:
        hits = []  # no words in the query (only punctuation): only refs can match
    wanted = [hit.ref for hit in hits]
    kept, _ = (
        store.page_documents(where._replace(refs=frozenset(wanted)), offset=0, limit=len(wanted))
        if wanted
        else ([], 0)
    )
    by_ref = {d.ref: d for d in kept}
    ranked = [by_ref[ref] for ref in wanted if ref in by_ref]
    named, named_total = store.page_documents(
        where._replace(ref_part=typed, not_refs=frozenset(by_ref)), offset=offset, limit=per_page
    )
    start = max(0, offset - named_total)
    documents = (*named, *ranked[start : start + per_page - len(named)])
    shown = {d.ref for d in documents}
    return DocumentPage(
        documents=documents,
        total=named_total + len(ranked),
        page=page,
        per_page=per_page,
        snippets={hit.ref: hit.snippet for hit in hits if hit.ref in shown},
    )


@use_case
def due_page(
    registry: Registry,
    *,
    within_days: int = 30,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: dt.date | None = None,
) -> DuePage:
    """One page of :meth:`~styrdok.registry.Registry.due` — reviews and end dates falling
    due within ``within_days``, overdue ones first — with how many there are in all."""
    if within_days < 0:
        raise InvalidValue("the horizon must not be negative")
    offset = _paging(page, per_page)
    today = today or registry.today()
    with registry.session.read() as store:
        rows, total = store.page_dated_items(
            until=today + dt.timedelta(days=within_days),
            document_status=DocStatus.IN_FORCE,
            dispensation_status=DispStatus.APPROVED,
            offset=offset,
            limit=per_page,
        )
    # Titled and counted by the same function as Registry.due, for one page only.
    items = due_items(rows, today)
    return DuePage(items=tuple(items), total=total, page=page, per_page=per_page)


@use_case
def document_types(registry: Registry) -> list[str]:
    """Every document type some document has (a filter's choices), sorted."""
    with registry.session.read() as store:
        return store.document_types()


@use_case
def person_units(registry: Registry) -> list[str]:
    """Every unit some person belongs to (a filter's choices), sorted."""
    with registry.session.read() as store:
        return store.person_units()


@use_case
def body_names(registry: Registry) -> list[tuple[str, str]]:
    """Every deciding body's ref and name, sorted by ref (a filter's choices)."""
    with registry.session.read() as store:
        return store.body_names()


@use_case
def persons_by_ref(registry: Registry, refs: Iterable[str]) -> dict[str, Person]:
    """The people among ``refs`` who are registered, by ref (unknown refs are left out):
    what a page needs to name its owners and guardians without reading everyone."""
    if isinstance(refs, str):
        raise InvalidValue("refs: expected a collection of refs, got one text")
    wanted = {ref for ref in refs if isinstance(ref, str) and ref}
    if not wanted:
        return {}
    with registry.session.read() as store:
        return store.persons_by_ref(wanted)
