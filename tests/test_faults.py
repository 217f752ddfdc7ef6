"""Faults of the machine, not of the input: a full disk and a database another process has
locked. Each is one clear line, exit code 1, and nothing half-written.

(Faults of the reminder channels — SMTP down, silent or refusing the login, webhooks
answering 500 or timing out — are tested with their plugins against real local servers.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from conftest import DEMO_TODAY
from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.registry import Registry


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "mittkoping.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=DEMO_TODAY)
    return path


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate a full disk: SQLite may not grow its file by more than a few pages."""
    from styrdok.store import sql_base as sql

    real = sql.make_engine

    def capped(url: str) -> sa.Engine:
        engine = real(url)

        @sa.event.listens_for(engine, "connect")
        def cap(dbapi_connection: Any, _record: Any) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

        return engine

    monkeypatch.setattr(sql, "make_engine", capped)


def test_an_import_onto_a_full_disk_writes_nothing(
    demo: Path, tmp_path: Path, template_db: Path, disk_full: None
) -> None:
    export = tmp_path / "register.json"
    assert CliRunner().invoke(main, ["--db", str(demo), "export", "-o", str(export)]).exit_code == 0
    target = tmp_path / "empty.db"
    target.write_bytes(template_db.read_bytes())
    before = dump(target)
    result = CliRunner().invoke(main, ["--db", str(target), "import", str(export)])
    assert result.exit_code == 1
    assert result.output == "Error: databasfel: database or disk is full\n"
    assert dump(target) == before


def test_a_change_on_a_full_disk_is_refused_whole(demo: Path, disk_full: None) -> None:
    """The change and its audit event go together or not at all."""
    before = dump(demo)
    long_text = "Ett långt syfte. " * 1100  # within the 20,000 characters allowed
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(demo),
            "--as",
            "anna.lind",
            "doc",
            "edit",
            "POL-IS-01",
            "--purpose",
            long_text,
        ],
    )
    assert result.exit_code == 1
    assert result.output == "Error: databasfel: database or disk is full\n"
    assert dump(demo) == before


def test_a_locked_database_is_one_clear_line(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("styrdok.store.engine.SQLITE_BUSY_TIMEOUT", 0.2)
    blocker = sqlite3.connect(demo, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        result = CliRunner().invoke(
            main, ["--db", str(demo), "--as", "anna.lind", "doc", "edit", "POL-IS-01",
                   "--title", "Ny titel"],
        )  # fmt: skip
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 1
    assert result.output == (
        "Error: databasen är låst av en annan styrdok-process; försök igen om en stund\n"
    )
    with Registry.open(demo) as registry:
        assert registry.get_document("POL-IS-01").title == "Informationssäkerhetspolicy"
