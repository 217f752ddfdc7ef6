"""The SQL store's full-text search (see :mod:`styrdok.store.search_schema` for the index
and :class:`styrdok.store.base.SearchStore` for the contract)."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from styrdok import search
from styrdok.enums import DocStatus, DocType
from styrdok.search import MARK_END, MARK_START, SNIPPET_WORDS, SearchHit
from styrdok.store.sql_base import SqlBase

# FTS5: rank by BM25 with a title match weighing ten body matches, status filtered inside
# the index. The best page of rowids is found first; only those get a snippet and a join
# (SQLite would otherwise draw a snippet for every match before sorting: seconds for a
# word that most documents hold).
_SQLITE = """
WITH best AS (
    SELECT rowid AS id, bm25(search_index, 10.0, 1.0, 0.0) AS rank
    FROM search_index WHERE search_index MATCH :query
    ORDER BY rank LIMIT :limit
)
SELECT t.ref, d.title, d.doc_type, d.status,
       snippet(search_index, 1, :start, :end, '…', :words) AS body_snippet,
       -best.rank AS score
FROM best
JOIN search_index ON search_index.rowid = best.id
JOIN search_text AS t ON t.id = best.id
JOIN document AS d ON d.ref = t.ref
WHERE search_index MATCH :query
ORDER BY best.rank, t.ref
"""

# PostgreSQL: rank the matches first, then draw headlines for the few that are shown
# (ts_headline re-reads the whole text, so it must not run for every match).
_POSTGRESQL = """
WITH q AS (SELECT to_tsquery('swedish', :query) AS query),
best AS (
    SELECT t.ref, t.body, d.title, d.doc_type, d.status, ts_rank_cd(t.words, q.query) AS score
    FROM search_text AS t JOIN document AS d ON d.ref = t.ref, q
    WHERE t.words @@ q.query {status}
    ORDER BY score DESC, t.ref
    LIMIT :limit
)
SELECT best.ref, best.title, best.doc_type, best.status,
       ts_headline('swedish', best.body, q.query, :options) AS body_snippet,
       best.score
FROM best, q
ORDER BY best.score DESC, best.ref
"""


class SqlSearch(SqlBase):
    """Full-text search over the index the database keeps."""

    def search_documents(
        self, query: str, *, statuses: Collection[DocStatus] | None, limit: int
    ) -> list[SearchHit]:
        words = search.terms(query)
        params: dict[str, object] = {"limit": limit}
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
            params["options"] = (
                f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
                f"MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, ShortWord=2"
            )
        else:
            statement = _SQLITE
            params.update(
                query=search.fts5_query(words, statuses=statuses),
                start=MARK_START,
                end=MARK_END,
                words=SNIPPET_WORDS,
            )
        rows = self.conn.execute(sa.text(statement), params).all()
        return [
            SearchHit(
                ref=ref,
                title=title,
                doc_type=DocType(doc_type),
                status=DocStatus(status_),
                snippet=search.parse_snippet(body_snippet or ""),
                score=float(score),
            )
            for ref, title, doc_type, status_, body_snippet, score in rows
        ]
