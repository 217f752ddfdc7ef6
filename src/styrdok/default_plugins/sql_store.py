"""The built-in storage backend: SQLite and PostgreSQL through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable

from styrdok.hookspecs import hookimpl


def _sql_store(url: str) -> object:
    from styrdok.store.sql import SqlStore

    return SqlStore(url)


@hookimpl
def styrdok_register_stores(register: Callable[[str, Callable[[str], object]], None]) -> None:
    register("sqlite", _sql_store)
    register("postgresql", _sql_store)
