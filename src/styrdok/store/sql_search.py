"""The SQL store's full-text search (see :mod:`styrdok.store.search_schema` for the index
and :class:`styrdok.store.base.SearchStore` for the contract)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import sqlalchemy as sa

from styrdok import search
from styrdok.enums import DocStatus, DocType
from styrdok.search import MARK_END, MARK_START, SNIPPET_WORDS, SearchHit
from styrdok.store.sql_base import SqlBase

# FTS5: rank by BM25 with a title match weighing ten body matches, status filtered inside
# the index; only the page of hits is joined. Snippets are drawn in Python from the bodies
# of that page (search.marked_snippet, the same prefix rule as the query): FTS5's snippet()
# would need the index matched a second time, a third of the time of a search.
_SQLITE = """
WITH best AS (
    SELECT rowid AS id, bm25(search_index, 10.0, 1.0, 0.0) AS rank
    FROM search_index WHERE search_index MATCH :query
    ORDER BY rank LIMIT :limit
)
SELECT t.ref, d.title, d.doc_type, d.status, t.body, -best.rank AS score
FROM best
JOIN search_text AS t ON t.id = best.id
JOIN document AS d ON d.ref = t.ref
WHERE :today IS NULL OR d.status <> 'in_force' OR d.in_force_from IS NULL
   OR d.in_force_from <= :today
ORDER BY best.rank, t.ref
"""

# PostgreSQL: ranking reads each candidate's whole tsvector (stored out of line), so a word
# that most documents hold would cost a read of every document. The candidates are every
# document whose title holds the words (its own small index) and the first CANDIDATES
# others; those are ranked, and headlines drawn only for the page shown.
_POSTGRESQL = """
WITH q AS (SELECT to_tsquery('swedish', :query) AS query),
candidates AS (
    (SELECT t.ref FROM search_text AS t, q WHERE t.title_words @@ q.query {status} LIMIT :cap)
    UNION
    (SELECT t.ref FROM search_text AS t, q WHERE t.words @@ q.query {status} LIMIT :cap)
),
best AS (
    SELECT t.ref, t.body, d.title, d.doc_type, d.status, ts_rank_cd(t.words, q.query) AS score
    FROM candidates JOIN search_text AS t ON t.ref = candidates.ref
    JOIN document AS d ON d.ref = t.ref, q
    WHERE CAST(:today AS date) IS NULL OR d.status <> 'in_force' OR d.in_force_from IS NULL
       OR d.in_force_from <= CAST(:today AS date)
    ORDER BY score DESC, t.ref
    LIMIT :limit
)
SELECT best.ref, best.title, best.doc_type, best.status,
       ts_headline('swedish', best.body, q.query, :options) AS body_snippet,
       best.score
FROM best, q
ORDER BY best.score DESC, best.ref
"""

#: How many documents, at most, are ranked on PostgreSQL besides those whose title matches.
CANDIDATES = 1_000


class SqlSearch(SqlBase):
    """Full-text search over the index the database keeps."""

    def search_documents(
        self,
        query: str,
        *,
        statuses: Collection[DocStatus] | None,
        limit: int,
        effective_on: dt.date | None = None,
    ) -> list[SearchHit]:
        words = search.terms(query)
        # A document adopted to take effect later is left out by the date (in force today).
        today = None if effective_on is None else effective_on.isoformat()
        params: dict[str, object] = {"limit": limit, "today": today}
        if self.conn.dialect.name == "postgresql":
            status = ""
            if statuses is not None:
                names = [f":status{i}" for i in range(len(statuses))]
                status = f"AND t.status IN ({', '.join(names) or 'NULL'})"
                params.update({f"status{i}": s.value for i, s in enumerate(statuses)})
            statement = _POSTGRESQL.format(status=status)
            # Each word stemmed and matched as a prefix, all required: "molntjänster" finds
            # "molntjänst" (stem) and "tvåfaktor" finds "tvåfaktorsinloggning" (prefix), as
            # on SQLite. The words are letters and digits only, so no operator gets in.
            params["query"] = " & ".join(f"{word}:*" for word in words)
            params["cap"] = CANDIDATES
            params["options"] = (
                f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
                f"MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, ShortWord=2"
            )
        else:
            statement = _SQLITE
            params["query"] = search.fts5_query(words, statuses=statuses)
        rows = self.conn.execute(sa.text(statement), params).all()
        postgresql = self.conn.dialect.name == "postgresql"
        return [
            SearchHit(
                ref=ref,
                title=title,
                doc_type=DocType(doc_type),
                status=DocStatus(status_),
                snippet=search.parse_snippet(
                    text if postgresql else search.marked_snippet(text, words)
                ),
                score=float(score),
            )
            for ref, title, doc_type, status_, text, score in rows
        ]
