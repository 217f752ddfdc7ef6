"""The built-in SQL store passes the storage contract, on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from styrdok.store.sql import SqlStore
from styrdok.testing.contract import StoreContract, StoreFactory
from styrdok.testing.postgres import PostgresServer


class TestSqlStore(StoreContract):
    @pytest.fixture(params=["sqlite", "postgresql"])
    def store_factory(
        self, request: pytest.FixtureRequest, tmp_path: Path, template_db: Path
    ) -> StoreFactory:
        counter = itertools.count()
        if request.param == "sqlite":

            def sqlite() -> SqlStore:
                path = tmp_path / f"store{next(counter)}.db"
                shutil.copy(template_db, path)
                return SqlStore(f"sqlite:///{path}")

            return sqlite
        server: PostgresServer = request.getfixturevalue("postgres")
        template: str = request.getfixturevalue("pg_template")
        return lambda: SqlStore(server.create_database(template=template))
