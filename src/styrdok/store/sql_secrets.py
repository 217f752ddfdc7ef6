"""The SQL store's own secrets (the :class:`~styrdok.store.base.SecretStore` role): one row
per name in ``register_secret``. The table is in neither ``TABLE_ORDER`` nor ``TABLES``, so
export, import and anonymisation never touch it."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa

from styrdok.errors import AlreadyExists, RegistryUnavailable
from styrdok.store import tables
from styrdok.store.sql_base import SqlBase


class SqlSecrets(SqlBase):
    """The register's secrets in SQL."""

    def get_secret(self, name: str) -> str | None:
        t = tables.register_secret
        value = self.conn.execute(sa.select(t.c.value).where(t.c.name == name)).scalar()
        return None if value is None else str(value)

    def add_secret(self, name: str, value: str) -> str:
        """``INSERT … ON CONFLICT DO NOTHING``, then read what is kept: a writer that lost
        the race (on PostgreSQL it waits for the winner's commit) reads the winner's value."""
        t = tables.register_secret
        dialect = self.conn.dialect.name
        if dialect in ("postgresql", "sqlite"):
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
            statement = insert(t).values(name=name, value=value)
            self.conn.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
        else:  # another engine: a savepoint, and a duplicate left as it is
            with contextlib.suppress(AlreadyExists):
                self._insert(t, {"name": name, "value": value}, f"secret {name}")
        kept = self.get_secret(name)
        if kept is None:  # inserted above, or kept by whoever was first: never
            raise RegistryUnavailable(f"the register's secret {name!r} could not be kept")
        return kept
