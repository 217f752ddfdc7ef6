"""Alembic environment: the URL comes from styrdok, the metadata from the tables module."""

from __future__ import annotations

from alembic import context

from styrdok.store.engine import make_engine
from styrdok.store.search_schema import include_name
from styrdok.store.tables import metadata

config = context.config
url = str(config.attributes.get("url") or config.get_main_option("sqlalchemy.url"))
connection = config.attributes.get("connection")


def run_migrations(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        # The search index is made of raw SQL (virtual tables, views, triggers), not models.
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(url)
    with engine.connect() as conn:
        run_migrations(conn)
    engine.dispose()
