"""The SQL store's foundation: engine, transactions, table order and shared SQL helpers.

Every role of :class:`~styrdok.store.sql.SqlStore` (records, audit, due queries, outbox,
bulk) is a class on top of :class:`SqlBase`; they share one connection per transaction.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError, IntegrityError

from styrdok.errors import AlreadyExists, RegistryUnavailable
from styrdok.store import tables
from styrdok.store.base import WRITE_IN_READ
from styrdok.store.engine import make_engine, sqlite_path

#: PostgreSQL advisory-lock key that serialises styrdok's numbering writers ("styrdok").
WRITER_LOCK = 0x7374_7972_646F_6B

#: Tables in an order that satisfies foreign keys on insert (export/import use it too).
TABLE_ORDER: tuple[str, ...] = (
    "person",
    "unit",
    "body",
    "document",
    "document_version",
    "review",
    "dispensation",
    "question",
    "attachment",
    "acknowledgement",
)
TABLES: dict[str, sa.Table] = {
    "person": tables.person,
    "body": tables.body,
    "document": tables.document,
    "document_version": tables.document_version,
    "review": tables.review,
    "dispensation": tables.dispensation,
    "question": tables.question,
    "audit_event": tables.audit_event,
    "notice": tables.notice,
    "attachment": tables.attachment,
    "unit": tables.unit,
    "acknowledgement": tables.acknowledgement,
    "api_token": tables.api_token,
    "document_approver": tables.document_approver,
}


#: The range of a SQL BIGINT (SQLite's INTEGER, PostgreSQL's BIGINT): a number outside
#: it names no row, and the driver would raise OverflowError on it.
ID_RANGE = range(-(2**63), 2**63)


#: Where a connection keeps its remembered counts (see :meth:`SqlBase._counted`).
_COUNTS = "styrdok_counts"
#: Distinct filters a connection remembers counts for until the database changes: the
#: register's usual lists, not every search anyone typed.
MAX_COUNTS_KEPT = 256


def _snapshot(conn: sa.Connection, write: bool) -> dict[str, Any]:
    """The options that make a read on PostgreSQL see the register at one moment.

    A read on SQLite sees the database as of its first statement (WAL). PostgreSQL's
    default, READ COMMITTED, gives each statement its own moment, so a backup streamed table
    by table while others wrote could hold a dispensation without its document and fail to
    restore, and a report's counts could disagree with its lists. A read is REPEATABLE READ
    and read-only — a read path cannot write — which the driver puts into its BEGIN (no
    extra round trip); the pool puts both back when the connection returns. Writers keep
    READ COMMITTED: they are serialised by their lock and read what they change under it."""
    if write or conn.dialect.name != "postgresql":
        return {}
    return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


class SqlBase:
    """Connections and transactions for one SQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._conn: sa.Connection | None = None

    def close(self) -> None:
        self.engine.dispose()

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool = True, exclusive: bool = True) -> Iterator[None]:
        """One unit of work; nested calls join the outer transaction.

        An exclusive write transaction runs alone, because it may number things (audit
        events, ``D-YYYY-NNNN``) from what it reads: SQLite takes its write lock up front
        (``BEGIN IMMEDIATE``), PostgreSQL a transaction-scoped advisory lock. The outbox
        delivery bookkeeping passes ``exclusive=False`` and relies on row locks instead.
        A write cannot join a read (:data:`styrdok.store.base.WRITE_IN_READ`).
        """
        if self._conn is not None:
            if write and not self._conn.get_execution_options().get("styrdok_write"):
                raise RuntimeError(WRITE_IN_READ)
            yield
            return
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(styrdok_write=write, **_snapshot(conn, write))
                with conn.begin():
                    if write and exclusive and conn.dialect.name == "postgresql":
                        conn.execute(
                            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK}
                        )
                    self._conn = conn
                    try:
                        yield
                    finally:
                        self._conn = None
        except IntegrityError:
            raise  # a broken reference at commit: the caller's to explain
        except DatabaseError as exc:  # locked, gone, full, or not a database at all
            _unavailable(exc)

    @property
    def conn(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("store used outside a transaction")
        return self._conn

    def _rows(self, statement: sa.Executable) -> Sequence[sa.RowMapping]:
        return self.conn.execute(statement).mappings().all()

    def _one(self, statement: sa.Executable) -> sa.RowMapping | None:
        return self.conn.execute(statement).mappings().first()

    def _counted(self, key: Hashable, query: sa.Executable) -> int:
        """The number ``query`` (a ``SELECT count(*)``) gives, remembered under ``key`` on
        SQLite while the database is unchanged.

        A page of the register counts what matches before it reads the page: 28,657
        documents in force took 1.1 ms of the API's 5 ms for one page at 0.1 scale, the
        same count for every reader. SQLite says when anything changed: ``PRAGMA
        data_version`` moves when another connection (or process) commits, and the
        connection's own ``total_changes`` when it writes. Read inside the transaction
        that counts, the pragma also fixes the snapshot the count and the page are read
        from — so a remembered count is always the count of the rows the page is read
        from. ``key`` must name everything the count depends on (the filter). Other
        databases count every time."""
        if self.conn.dialect.name != "sqlite":
            return int(self.conn.execute(query).scalar_one())
        raw = self.conn.connection.dbapi_connection
        assert raw is not None  # an open transaction has its connection
        state = (raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes)
        kept = self.conn.info.get(_COUNTS)
        if kept is None or kept[0] != state:
            kept = self.conn.info[_COUNTS] = (state, {})
        counts: dict[Hashable, int] = kept[1]
        found = counts.get(key)
        if found is None:
            found = int(self.conn.execute(query).scalar_one())
            if len(counts) < MAX_COUNTS_KEPT:
                counts[key] = found
        return found

    def _insert(self, table: sa.Table, row: Mapping[str, Any], what: str) -> Any:
        try:
            with self.conn.begin_nested():
                return self.conn.execute(table.insert().values(**row))
        except IntegrityError:
            raise AlreadyExists(f"{what} already exists") from None

    @contextmanager
    def _planned_with_values(self) -> Iterator[None]:
        """On PostgreSQL, plan the statements inside for their parameters' values, every
        time. psycopg prepares a statement run five times on a connection, and PostgreSQL
        may then keep one generic plan for it, made before it knew the values or how big
        the ledger has grown since. For the ledger lookup that was a scan of every notice
        comparing each with every item of the list — 217 ms for 500 items among 59,000
        notices, where a plan for the values takes 7 ms; 27 s of a 34-second run at a tenth
        of national scale (issue 19, item 5). A streaming restore's lookups in the tables
        it is filling had the same trouble. For these statements only: the setting is put
        back after."""
        if self.conn.dialect.name != "postgresql":
            yield
            return
        setting = sa.text("SELECT set_config('plan_cache_mode', :mode, true)")
        before = self.conn.execute(sa.text("SELECT current_setting('plan_cache_mode')")).scalar()
        self.conn.execute(setting, {"mode": "force_custom_plan"})
        try:
            yield
        finally:
            self.conn.execute(setting, {"mode": before})

    def _write_targets(self, document_ref: str, targets: Iterable[str], *, fresh: bool) -> None:
        """Keep ``document_target`` (each entry of a document's ``applies_to`` as a row)
        in step with the document: called wherever a document row is written."""
        t = tables.document_target
        if not fresh:
            self.conn.execute(t.delete().where(t.c.document_ref == document_ref))
        rows = [{"document_ref": document_ref, "target": v} for v in dict.fromkeys(targets)]
        if rows:
            self.conn.execute(t.insert(), rows)

    def _write_approvers(self, document_ref: str, approvers: Iterable[str], *, fresh: bool) -> None:
        """Keep ``document_approver`` (each approver a document's dispensation rules name,
        as a row) in step with the document: called wherever a document row is written."""
        t = tables.document_approver
        if not fresh:
            self.conn.execute(t.delete().where(t.c.document_ref == document_ref))
        rows = [{"document_ref": document_ref, "person": p} for p in dict.fromkeys(approvers)]
        if rows:
            self.conn.execute(t.insert(), rows)

    # --- schema --------------------------------------------------------------------------

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at, or ``None`` when not initialised."""
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            return None
        inspector = sa.inspect(self.conn)
        if not inspector.has_table("alembic_version"):
            return None
        return self.conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def without_key(row: dict[str, Any]) -> dict[str, Any]:
    """A row for UPDATE without its primary key. Setting ``ref`` (even to itself) makes
    SQLite check every table that refers to it for orphans — a full scan where the
    referring column has no index, on every update."""
    row.pop("ref", None)
    return row


def _is_text(kind: sa.types.TypeEngine[Any]) -> bool:
    # SQLModel's str columns are a TypeDecorator (AutoString) over String, not String.
    return isinstance(kind, sa.String) or isinstance(getattr(kind, "impl", None), sa.String)


def mentions(table: sa.Table, needles: Sequence[str]) -> sa.ColumnElement[bool]:
    """Rows where any text or JSON column contains any needle (a superset: the exact
    rewrite decides)."""
    tests = []
    for column in table.columns:
        if isinstance(column.type, sa.JSON):
            text: sa.ColumnElement[Any] = sa.cast(column, sa.Text)
            spellings = {s for n in needles for s in (n, json.dumps(n)[1:-1])}
        elif _is_text(column.type):
            text, spellings = column, set(needles)
        else:
            continue
        tests += [text.icontains(s, autoescape=True) for s in sorted(spellings)]
    return sa.or_(sa.false(), *tests)


def dispensation_active_on(day: Any) -> sa.ColumnElement[bool]:
    """Dispensations in effect on ``day`` (a date or a bound parameter), as
    :meth:`~styrdok.dispensation.Dispensation.active_on` says: begun, not past their end,
    not ended early by then."""
    x = tables.dispensation
    return sa.and_(
        x.c.valid_from <= day,
        x.c.valid_until >= day,
        sa.or_(x.c.ended_on.is_(None), x.c.ended_on > day),
    )


def _unavailable(exc: DatabaseError) -> NoReturn:
    """Raise what went wrong with the database as one line. Raised here, not returned:
    the message translation reads its templates off ``raise`` statements."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in message or "busy" in message:
        raise RegistryUnavailable(
            "the database is locked by another styrdok process; try again in a moment"
        ) from None
    raise RegistryUnavailable(f"database error: {message.splitlines()[0]}") from None
