"""The full-text index of documents, in SQL: kept up to date by the database itself.

What is searched for a document is one row of the view ``search_source``: its title, a
body of purpose, text and FAQ, and its status (so a search for documents in force filters
inside the index instead of joining every match). Triggers on ``document`` copy that row
into ``search_text`` whenever one of those fields changes, so the index is written in the
same transaction as the document on every path — a use case, a bulk import, a GDPR
rewrite, a migration — and no code can forget it. Attachments' text joins the body by
redefining the view.

* SQLite: an FTS5 table over ``search_text`` (external content, so the words are stored
  once). The ``unicode61`` tokenizer with ``remove_diacritics 0``: å, ä and ö stay letters
  of their own (``sal`` does not find ``säl``), while case is folded (``Å`` finds ``å``).
  SQLite has no Swedish stemmer, so search words match as prefixes.
* PostgreSQL: a generated ``tsvector`` with the ``swedish`` dictionary (so ``molntjänst``
  finds ``molntjänster``), the title weighted above the body, under a GIN index; and the
  title's own, so that a search can find title matches without reading every body.

None of this is in the SQLModel metadata (virtual tables, views and triggers are not what
it describes); :func:`is_search_object` tells Alembic's comparison to leave them alone.
"""

from __future__ import annotations

import sqlalchemy as sa

#: Tables and views this module owns, including FTS5's own shadow tables.
SEARCH_PREFIX = "search_"

# Each statement separately: neither driver runs several in one call.
_SQLITE_SOURCE = """
CREATE VIEW search_source AS
SELECT d.ref AS ref, d.title AS title, d.status AS status,
       d.purpose || char(10) || d.text || char(10) || coalesce((
           SELECT group_concat(
               json_extract(f.value, '$.question') || char(10)
               || json_extract(f.value, '$.answer'), char(10))
           FROM json_each(d.faq) AS f), '') AS body
FROM document AS d
"""

_SQLITE = (
    """
    CREATE TABLE search_text (
        id INTEGER PRIMARY KEY,
        ref VARCHAR(64) NOT NULL UNIQUE,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        status VARCHAR(20) NOT NULL
    )
    """,
    """
    CREATE VIRTUAL TABLE search_index USING fts5(
        title, body, status, content='search_text', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_text_added AFTER INSERT ON search_text BEGIN
        INSERT INTO search_index (rowid, title, body, status)
        VALUES (new.id, new.title, new.body, new.status);
    END
    """,
    """
    CREATE TRIGGER search_text_removed AFTER DELETE ON search_text BEGIN
        INSERT INTO search_index (search_index, rowid, title, body, status)
        VALUES ('delete', old.id, old.title, old.body, old.status);
    END
    """,
    """
    CREATE TRIGGER search_document_added AFTER INSERT ON document BEGIN
        INSERT INTO search_text (ref, title, body, status)
        SELECT ref, title, body, status FROM search_source WHERE ref = new.ref;
    END
    """,
    """
    CREATE TRIGGER search_document_changed
    AFTER UPDATE OF ref, title, purpose, text, faq, status ON document BEGIN
        DELETE FROM search_text WHERE ref = old.ref;
        INSERT INTO search_text (ref, title, body, status)
        SELECT ref, title, body, status FROM search_source WHERE ref = new.ref;
    END
    """,
    """
    CREATE TRIGGER search_document_removed AFTER DELETE ON document BEGIN
        DELETE FROM search_text WHERE ref = old.ref;
    END
    """,
)

_POSTGRESQL_SOURCE = """
CREATE VIEW search_source AS
SELECT d.ref AS ref, d.title AS title, d.status AS status,
       d.purpose || E'\\n' || d.text || E'\\n' || coalesce((
           SELECT string_agg((f ->> 'question') || E'\\n' || (f ->> 'answer'), E'\\n')
           FROM json_array_elements(d.faq) AS f), '') AS body
FROM document AS d
"""

_POSTGRESQL = (
    """
    CREATE TABLE search_text (
        ref VARCHAR(64) PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        status VARCHAR(20) NOT NULL,
        words TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('swedish', title), 'A')
            || setweight(to_tsvector('swedish', body), 'B')
        ) STORED,
        title_words TSVECTOR GENERATED ALWAYS AS (to_tsvector('swedish', title)) STORED
    )
    """,
    "CREATE INDEX search_text_words ON search_text USING gin (words)",
    "CREATE INDEX search_text_title_words ON search_text USING gin (title_words)",
    """
    CREATE FUNCTION search_document_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM search_text WHERE ref = OLD.ref;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO search_text (ref, title, body, status)
            SELECT ref, title, body, status FROM search_source WHERE ref = NEW.ref;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER search_document_sync
    AFTER INSERT OR DELETE OR UPDATE OF ref, title, purpose, text, faq, status ON document
    FOR EACH ROW EXECUTE FUNCTION search_document_sync()
    """,
)

_FILL = (
    "INSERT INTO search_text (ref, title, body, status)"
    " SELECT ref, title, body, status FROM search_source"
)


def is_search_object(name: str | None) -> bool:
    """Whether a table or view of that name belongs to the search index (not the models)."""
    return name is not None and name.startswith(SEARCH_PREFIX)


def include_name(name: str | None, kind: str, _parent: object) -> bool:
    """Alembic's ``include_name`` hook: compare every table but the search index's."""
    return kind != "table" or not is_search_object(name)


def create(conn: sa.Connection) -> None:
    """Create the index, its source view and its triggers, and index every document."""
    if conn.dialect.name == "postgresql":
        statements: tuple[str, ...] = (_POSTGRESQL_SOURCE, *_POSTGRESQL)
    else:
        statements = (_SQLITE_SOURCE, *_SQLITE)
    for statement in (*statements, _FILL):
        conn.exec_driver_sql(statement)


def replace_source(conn: sa.Connection, *, sqlite: str, postgresql: str) -> None:
    """Redefine what is searched (the ``search_source`` view) and index every document
    again; for a later migration that adds, say, attachments' text to the body."""
    conn.exec_driver_sql("DROP VIEW search_source")
    conn.exec_driver_sql(postgresql if conn.dialect.name == "postgresql" else sqlite)
    conn.exec_driver_sql("DELETE FROM search_text")
    conn.exec_driver_sql(_FILL)


def drop(conn: sa.Connection) -> None:
    """Remove everything :func:`create` made (for a downgrade)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER search_document_sync ON document")
        conn.exec_driver_sql("DROP FUNCTION search_document_sync()")
        conn.exec_driver_sql("DROP TABLE search_text")
    else:
        for trigger in ("added", "changed", "removed"):
            conn.exec_driver_sql(f"DROP TRIGGER search_document_{trigger}")
        conn.exec_driver_sql("DROP TABLE search_index")
        conn.exec_driver_sql("DROP TABLE search_text")
    conn.exec_driver_sql("DROP VIEW search_source")
