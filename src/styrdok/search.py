"""Full-text search of documents: what a hit is, how a query is read, and a search over
documents in memory for stores without an index of their own.

A store finds and ranks (:meth:`styrdok.store.base.SearchStore.search_documents`); the
snippet it returns marks each matched word between :data:`MARK_START` and
:data:`MARK_END`. Those are control characters that no stored text may contain
(:mod:`styrdok.text` refuses them), so a mark can never be forged by a document's own
words, and each face renders the parts its own way — bold on a terminal, ``<mark>`` in a
page, after escaping everything else.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

import attrs

from styrdok.enums import DocStatus, DocType
from styrdok.errors import InvalidValue

MARK_START = "\x02"
MARK_END = "\x03"

#: The longest query taken, in characters: a search box, not a document.
MAX_QUERY = 200
#: At most this many words of a query are used.
MAX_TERMS = 12
#: Words in a snippet around the first match.
SNIPPET_WORDS = 24

_TERM = re.compile(r"\w+")


@attrs.frozen
class SnippetPart:
    """A stretch of a snippet; ``matched`` when it is a word the query found."""

    text: str
    matched: bool = False


@attrs.frozen
class SearchHit:
    """A document a search found, best first."""

    ref: str
    title: str
    doc_type: DocType
    status: DocStatus
    snippet: tuple[SnippetPart, ...]
    """A few lines of the document's purpose, text or FAQ around what matched."""
    score: float
    """Higher is better; comparable only within one search."""


def terms(query: str) -> list[str]:
    """The words of ``query``, folded to lower case; operators and punctuation are
    dropped, so no input can break the search syntax of any store."""
    if not isinstance(query, str):
        raise InvalidValue(f"query: expected text, got {type(query).__name__}")
    if len(query) > MAX_QUERY:
        raise InvalidValue(f"query: at most {MAX_QUERY} characters")
    found = _TERM.findall(query.casefold())
    if not found:
        raise InvalidValue("query: give at least one word to search for")
    return found[:MAX_TERMS]


def fts5_query(words: Iterable[str], *, statuses: Collection[DocStatus] | None = None) -> str:
    """An SQLite FTS5 query that needs every word in the title or body, each matching as a
    word prefix (SQLite has no Swedish stemmer: ``molntjänst`` finds ``molntjänster`` this
    way), of a document with one of ``statuses`` (any when ``None``)."""
    query = "{title body} : (" + " AND ".join(f'"{word}"*' for word in words) + ")"
    if statuses is not None:
        # A status is indexed as its words ("in_force" → "in force"): matched as a phrase.
        wanted = " OR ".join(f'"{status.value}"' for status in statuses) or '"none"'
        query += f" AND status : ({wanted})"
    return query


def parse_snippet(marked: str) -> tuple[SnippetPart, ...]:
    """Split a store's marked snippet into parts."""
    parts: list[SnippetPart] = []
    for index, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", marked)):
        if piece:
            # Line breaks of the text become spaces: a snippet is one line.
            parts.append(SnippetPart(re.sub(r"\s+", " ", piece), matched=index % 2 == 1))
    return tuple(parts)


def snippet_text(parts: Iterable[SnippetPart], *, mark: tuple[str, str] = ("", "")) -> str:
    """A snippet as one line of plain text, each matched word between ``mark``."""
    start, end = mark
    text = "".join(f"{start}{p.text}{end}" if p.matched else p.text for p in parts)
    return " ".join(text.split())


# --- a search without an index ------------------------------------------------------------


def _matches(word: str, terms_: list[str]) -> bool:
    folded = word.casefold()
    return any(folded.startswith(term) for term in terms_)


def marked_snippet(body: str, terms_: list[str]) -> str:
    """Up to :data:`SNIPPET_WORDS` words of ``body`` around the first match, matched words
    marked as a store marks them."""
    words = body.split()
    first = next((i for i, w in enumerate(words) if _matches(_bare(w), terms_)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    shown = words[start : start + SNIPPET_WORDS]
    marked = [
        _TERM.sub(lambda m: f"{MARK_START}{m[0]}{MARK_END}" if _matches(m[0], terms_) else m[0], w)
        for w in shown
    ]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_WORDS < len(words) else ""
    return prefix + " ".join(marked) + suffix


def _bare(word: str) -> str:
    found = _TERM.search(word)
    return found.group() if found else ""


def rank_in_memory(
    candidates: Iterable[tuple[str, str, DocType, DocStatus, str]],
    query: str,
    *,
    statuses: Collection[DocStatus] | None,
    limit: int,
) -> list[SearchHit]:
    """Search ``(ref, title, doc_type, status, body)`` rows without an index: every word
    of the query must begin a word of the title or body; a word in the title counts ten
    times one in the body. For small registers kept in files; SQL stores use their own
    index."""
    terms_ = terms(query)
    hits = []
    for ref, title, doc_type, status, body in candidates:
        if statuses is not None and status not in statuses:
            continue
        title_words = [_bare(w) for w in title.split()]
        body_words = [_bare(w) for w in body.split()]
        score = 0.0
        for term in terms_:
            in_title = sum(w.casefold().startswith(term) for w in title_words)
            in_body = sum(w.casefold().startswith(term) for w in body_words)
            if not in_title and not in_body:
                break
            score += 10 * in_title + in_body
        else:
            snippet = parse_snippet(marked_snippet(body, terms_))
            hits.append(SearchHit(ref, title, doc_type, status, snippet, score))
    hits.sort(key=lambda hit: (-hit.score, hit.ref))
    return hits[:limit]


def searchable_body(purpose: str, text: str, faq: Iterable[tuple[str, str]]) -> str:
    """What is searched besides the title, as the SQL stores' ``search_source`` view
    builds it: purpose, text and each FAQ question and answer, one per line."""
    return "\n".join([purpose, text, *(f"{q}\n{a}" for q, a in faq)])
