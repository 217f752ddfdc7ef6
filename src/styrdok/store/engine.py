"""Engine creation, in one place: URL handling and SQLite's connection settings."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

DEFAULT_DB = "styrdok.db"
#: Seconds a writer waits for another writer's lock before giving up with a clear error.
SQLITE_BUSY_TIMEOUT = 10.0


def normalise_url(target: str | os.PathLike[str] | None) -> str:
    """Accept a SQLAlchemy URL or a plain file path (the common case on the command line)."""
    if target is None:
        target = os.environ.get("STYRDOK_DB") or DEFAULT_DB
    text = os.fspath(target)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser())


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or ``None`` for in-memory and other engines."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str) -> sa.Engine:
    """An engine configured for styrdok: WAL and immediate write transactions on SQLite
    (a read on PostgreSQL is made one snapshot per transaction: ``sql_base._snapshot``)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    in_memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT}}
    if in_memory:
        # One shared connection, or every checkout would see a fresh empty database.
        kwargs.update(poolclass=StaticPool)
        kwargs["connect_args"]["check_same_thread"] = False
    engine = sa.create_engine(url, **kwargs)
    _configure_sqlite(engine, wal=not in_memory)
    return engine


#: Set on a connection that committed a write (see ``on_close``).
_WROTE = "styrdok_committed_write"


def _configure_sqlite(engine: sa.Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the sqlite3 module, start transactions, so
        # writers can take the lock up front (BEGIN IMMEDIATE) instead of failing midway.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    if wal:  # a file, not a throw-away in-memory database

        @event.listens_for(engine, "commit")
        def on_commit(connection: sa.Connection) -> None:
            if connection.get_execution_options().get("styrdok_write", False):
                connection.info[_WROTE] = True

        @event.listens_for(engine, "close")
        def on_close(dbapi_connection: Any, record: Any) -> None:
            # What SQLite recommends before a connection closes: statistics for the tables
            # its planner used (sqlite_stat1), sampled (analysis_limit) so it stays quick.
            # Without them it read every requested dispensation for "what waits for my
            # decision" instead of the person's few documents: 4.7 ms against 0.05 ms on
            # the 0.1-scale register. Only after a write was committed (the data the
            # statistics describe changed): a refused import, rolled back, leaves the
            # file as it was. Never a reason to fail: a busy or read-only database simply
            # keeps the statistics it has.
            if not record.info.get(_WROTE):
                return
            try:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA analysis_limit=400")
                cursor.execute("PRAGMA optimize")
                cursor.close()
            except sqlite3.Error:
                pass

    @event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get("styrdok_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
