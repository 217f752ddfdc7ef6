"""A bulk insert the database refuses (PostgreSQL loads with COPY, SQLite with
executemany) fails as the same SQLAlchemy error on both engines and leaves nothing behind."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from styrdok.registry import Registry

PERSON = {"ref": "p1", "name": "Pia Person", "is_admin": False, "active": True}


def _person_row(registry: Registry, ref: str) -> dict[str, Any]:
    """A person row naming every column of the table (the rest left empty)."""
    columns = sa.inspect(registry.store.engine).get_columns("person")
    return {column["name"]: None for column in columns} | PERSON | {"ref": ref}


def test_a_duplicate_row_in_a_bulk_insert_is_an_integrity_error(registry: Registry) -> None:
    """A chunk that repeats a key: the database refuses, as SQLAlchemy's IntegrityError on
    both engines, and the transaction leaves none of the chunk behind."""
    store = registry.store
    with store.transaction():
        assert store.bulk_insert("person", [_person_row(registry, "p0")]) == 1
    chunk = [_person_row(registry, "p1"), _person_row(registry, "p2"), _person_row(registry, "p1")]
    with pytest.raises(sa.exc.IntegrityError), store.transaction():
        store.bulk_insert("person", chunk)
    with store.transaction(write=False):
        assert store.get_person("p0") is not None
        assert store.get_person("p1") is None and store.get_person("p2") is None
