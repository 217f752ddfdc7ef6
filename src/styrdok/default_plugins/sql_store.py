"""The built-in storage backend: SQLite and PostgreSQL through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from styrdok.hookspecs import hookimpl

if TYPE_CHECKING:
    from styrdok.store.base import Store


def _sql_store(url: str) -> Store:
    from styrdok.store.sql import SqlStore

    return SqlStore(url)  # mypy checks here that SqlStore satisfies the Store protocol


@hookimpl
def styrdok_register_stores(register: Callable[[str, Callable[[str], Store]], None]) -> None:
    register("sqlite", _sql_store)
    register("postgresql", _sql_store)
