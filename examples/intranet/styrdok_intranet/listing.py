"""The register's list: what its search form filters, and what each filter offers."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from styrdok import rules
from styrdok.enums import DocStatus
from styrdok.errors import InvalidValue
from styrdok.labels import label
from styrdok.model import Document, Person
from styrdok.registry import Registry
from styrdok.search import SnippetPart
from styrdok.text import normalise_query

#: The most hits a search on the register page shows.
MAX_HITS = 100


@attrs.frozen
class Listing:
    """The register page's documents, as its search form asked."""

    filters: dict[str, str]
    documents: list[Document]
    snippets: dict[str, tuple[SnippetPart, ...]]
    """For a text search: each found document's words in context, by ref."""


def filtered(
    reg: Registry, persons: list[Person], args: Mapping[str, str], reader: Person | None
) -> Listing:
    """The register list as the search form (``args``) asks: words searched in the full
    text (title, purpose, text, FAQ, best first; a ref typed whole or in part also finds
    its document), type, body, unit, status and overdue review; documents in force unless
    asked otherwise. Drafts only for a ``reader`` who works on them."""
    filters = {
        "q": normalise_query(args.get("q", "")),
        "typ": args.get("typ", ""),
        "instans": args.get("instans", ""),
        "enhet": args.get("enhet", ""),
        "status": args.get("status", DocStatus.IN_FORCE.value),
        "forsenad": args.get("forsenad", ""),
    }
    status = DocStatus(filters["status"]) if filters["status"] in set(DocStatus) else None
    documents = reg.list_documents(
        status=status, doc_type=filters["typ"] or None, body=filters["instans"] or None
    )
    units = {p.ref: p.unit for p in persons}
    today = reg.today()

    def keep(doc: Document) -> bool:
        if not rules.may_see_draft(reader, doc):
            return False
        if filters["enhet"] and units.get(doc.owner) != filters["enhet"]:
            return False
        return not (
            filters["forsenad"] and rules.review_state(doc, today) is not rules.ReviewState.OVERDUE
        )

    shown = [d for d in documents if keep(d)]
    if not filters["q"]:
        return Listing(filters, shown, {})
    try:
        hits = reg.search_documents(filters["q"], status=status, limit=MAX_HITS)
    except InvalidValue:
        hits = []  # no words in the query (only punctuation): only the ref match below
    by_ref = {d.ref: d for d in shown}
    ranked = [by_ref[h.ref] for h in hits if h.ref in by_ref]
    found = {d.ref for d in ranked}
    typed = filters["q"].casefold()
    by_ref_text = [d for d in shown if d.ref not in found and typed in d.ref.casefold()]
    snippets = {h.ref: h.snippet for h in hits if h.ref in found}
    return Listing(filters, by_ref_text + ranked, snippets)


def choices(reg: Registry, persons: list[Person]) -> dict[str, list[tuple[str, str]]]:
    """What each of the register's filters offers: (value, text) pairs."""
    return {
        "typ": [
            (t.value, label(t.value)) for t in sorted({d.doc_type for d in reg.list_documents()})
        ],
        "instans": [(b.ref, b.name) for b in reg.list_bodies()],
        "enhet": [(u, u) for u in sorted({p.unit for p in persons if p.unit})],
        "status": [(s.value, label(s.value)) for s in DocStatus],
    }
