"""Attached files' text in the full-text index (migration 0005).

:mod:`styrdok.store.search_schema` builds the index from one row per document of the view
``search_source``. This module redefines that view so that a document's body ends with the
text read from each of its files (in the order they were attached; nothing at all for a
document without files), and adds triggers on ``attachment`` that refresh the document's
row of ``search_text`` when a file is attached, detached or its text rewritten (a GDPR
rewrite) — in the same transaction, on every path. The document's own triggers read the
same view, so an edit of the document keeps its files' words.

The view here is the one of 0004 plus the files; a later change to what is searched is a
new migration redefining it again (:func:`styrdok.store.search_schema.replace_source`).
Every object made here is named ``search_…``, so
:func:`~styrdok.store.search_schema.is_search_object` keeps Alembic away from them.
"""

from __future__ import annotations

import sqlalchemy as sa

from styrdok.store import search_schema

_SQLITE_SOURCE = """
CREATE VIEW search_source AS
SELECT d.ref AS ref, d.title AS title, d.status AS status,
       d.purpose || char(10) || d.text || char(10) || coalesce((
           SELECT group_concat(
               json_extract(f.value, '$.question') || char(10)
               || json_extract(f.value, '$.answer'), char(10))
           FROM json_each(d.faq) AS f), '')
       || coalesce(char(10) || (
           SELECT group_concat(a.text, char(10))
           FROM (SELECT text FROM attachment WHERE document_ref = d.ref ORDER BY id) AS a), '')
       AS body
FROM document AS d
"""

_SQLITE_TRIGGERS = tuple(
    f"""
    CREATE TRIGGER search_attachment_{name} AFTER {event} ON attachment BEGIN
        DELETE FROM search_text WHERE ref IN ({refs});
        INSERT INTO search_text (ref, title, body, status)
        SELECT ref, title, body, status FROM search_source WHERE ref IN ({refs});
    END
    """
    for name, event, refs in (
        ("added", "INSERT", "new.document_ref"),
        ("changed", "UPDATE OF document_ref, text", "old.document_ref, new.document_ref"),
        ("removed", "DELETE", "old.document_ref"),
    )
)

_POSTGRESQL_SOURCE = """
CREATE VIEW search_source AS
SELECT d.ref AS ref, d.title AS title, d.status AS status,
       d.purpose || E'\\n' || d.text || E'\\n' || coalesce((
           SELECT string_agg((f ->> 'question') || E'\\n' || (f ->> 'answer'), E'\\n')
           FROM json_array_elements(d.faq) AS f), '')
       || coalesce(E'\\n' || (
           SELECT string_agg(a.text, E'\\n' ORDER BY a.id)
           FROM attachment AS a WHERE a.document_ref = d.ref), '')
       AS body
FROM document AS d
"""

_POSTGRESQL_TRIGGERS = (
    """
    CREATE FUNCTION search_attachment_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        refs VARCHAR(64)[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            refs := ARRAY[NEW.document_ref];
        ELSIF TG_OP = 'DELETE' THEN
            refs := ARRAY[OLD.document_ref];
        ELSE
            refs := ARRAY[OLD.document_ref, NEW.document_ref];
        END IF;
        DELETE FROM search_text WHERE ref = ANY (refs);
        INSERT INTO search_text (ref, title, body, status)
        SELECT ref, title, body, status FROM search_source WHERE ref = ANY (refs);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER search_attachment_sync
    AFTER INSERT OR DELETE OR UPDATE OF document_ref, text ON attachment
    FOR EACH ROW EXECUTE FUNCTION search_attachment_sync()
    """,
)


def add(conn: sa.Connection) -> None:
    """Search files' text with their documents (the ``attachment`` table must exist):
    the view redefined, every document indexed again, the triggers made."""
    search_schema.replace_source(conn, sqlite=_SQLITE_SOURCE, postgresql=_POSTGRESQL_SOURCE)
    postgresql = conn.dialect.name == "postgresql"
    for statement in _POSTGRESQL_TRIGGERS if postgresql else _SQLITE_TRIGGERS:
        conn.exec_driver_sql(statement)


def remove(conn: sa.Connection) -> None:
    """Undo :func:`add` (a downgrade, before the ``attachment`` table is dropped): the
    triggers dropped, and the index built again as 0004 made it."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER search_attachment_sync ON attachment")
        conn.exec_driver_sql("DROP FUNCTION search_attachment_sync()")
    else:
        for trigger in ("added", "changed", "removed"):
            conn.exec_driver_sql(f"DROP TRIGGER search_attachment_{trigger}")
    search_schema.drop(conn)
    search_schema.create(conn)
