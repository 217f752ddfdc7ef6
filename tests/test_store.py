"""The SQL store: migrations, SQLite settings, indexes, and clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from styrdok import RegistryUnavailable, migrations
from styrdok.registry import Registry
from styrdok.store.search_schema import include_name
from styrdok.store.tables import metadata


def test_the_migrated_schema_equals_the_models(db_path: Path) -> None:
    """Alembic's scripts and the SQLModel tables describe the same schema."""
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, metadata)
        table_sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'dispensation'"
        ).scalar_one()
    engine.dispose()
    assert _without_inline_deferral(differences) == []
    # Added in place by 0014, the reference is a column constraint, whose deferral SQLite
    # keeps but SQLAlchemy does not read back: it is in the table's own definition.
    assert "ended_by VARCHAR(64) REFERENCES person (ref) DEFERRABLE INITIALLY DEFERRED" in (
        table_sql
    )


def _without_inline_deferral(differences: list[Any]) -> list[Any]:
    """The differences, less a reference reflected without its ``DEFERRABLE INITIALLY
    DEFERRED`` (SQLite's reflection reads it only from a table constraint) and its twin."""

    def key(fk: sa.ForeignKeyConstraint) -> tuple[str, tuple[str, ...], str]:
        return fk.parent.name, tuple(c.name for c in fk.columns), fk.referred_table.name

    removed = {key(d[1]) for d in differences if d[0] == "remove_fk" and d[1].deferrable is None}
    added = {key(d[1]) for d in differences if d[0] == "add_fk" and d[1].deferrable}
    twins = removed & added
    return [d for d in differences if not (d[0] in ("remove_fk", "add_fk") and key(d[1]) in twins)]


def test_head_constant_matches_the_newest_migration() -> None:
    """The registry's expected schema revision is the scripts' head."""
    config = Config()
    config.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    assert ScriptDirectory.from_config(config).get_current_head() == migrations.HEAD


def test_init_is_idempotent(db_path: Path) -> None:
    """Running init on an up-to-date registry changes nothing and succeeds."""
    Registry.open(db_path, create=True).close()
    Registry.open(db_path, create=True).close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db_path: Path) -> None:
    """WAL lets readers work while a writer commits; foreign keys are enforced."""
    with Registry.open(db_path) as registry, registry.store.transaction(write=False):
        conn = registry.store.conn
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        (
            "SELECT ref FROM document WHERE status = 'in_force' AND next_review_on <= '2026-01-01'",
            "ix_document_status_review",
        ),
        (
            "SELECT ref FROM dispensation WHERE status = 'approved' AND valid_until <= '2026-1-1'",
            "ix_dispensation_status_valid_until",
        ),
    ],
)
def test_due_queries_use_their_index(db_path: Path, sql: str, index: str) -> None:
    """The due list reads an index range, never a full table scan."""
    with sqlite3.connect(db_path) as conn:
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert f"USING INDEX {index}" in plan


def test_opening_a_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    """No file is created by merely opening; the error names the fix."""
    path = tmp_path / "none.db"
    with pytest.raises(RegistryUnavailable, match="run 'styrdok init' first"):
        Registry.open(path)
    assert not path.exists()


def test_opening_a_foreign_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file that is not a registry is left alone."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(RegistryUnavailable, match="not a styrdok registry"):
        Registry.open(path)


def test_a_registry_behind_the_code_asks_for_an_upgrade(db_path: Path) -> None:
    """An older schema is detected, with the command that upgrades it."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(RegistryUnavailable, match="run 'styrdok init' to upgrade"):
        Registry.open(db_path)


def test_a_locked_database_gives_a_clear_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that cannot get the lock reports it instead of hanging or crashing."""
    monkeypatch.setattr("styrdok.store.engine.SQLITE_BUSY_TIMEOUT", 0.1)
    registry = Registry.open(db_path)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(RegistryUnavailable, match="locked by another styrdok process"):
            registry.expire()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        registry.close()
