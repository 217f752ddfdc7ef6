"""The SQL store: SQLite by default, any SQLAlchemy engine in principle.

Statements are SQLAlchemy Core, not ORM sessions: the registry works with immutable
domain objects, and the hot paths (due lists, bulk import, export) stay set-based.
Every method runs inside :meth:`SqlStore.transaction`; the registry opens one per use case
so a change and its audit event commit together or not at all.
"""

from __future__ import annotations

from styrdok.store.sql_attachments import SqlAttachments
from styrdok.store.sql_audit import SqlAudit
from styrdok.store.sql_base import TABLE_ORDER, TABLES, WRITER_LOCK
from styrdok.store.sql_browse import SqlBrowse
from styrdok.store.sql_bulk import SqlBulk
from styrdok.store.sql_due import SqlDueQueries
from styrdok.store.sql_organisation import SqlOrganisation
from styrdok.store.sql_outbox import SqlOutbox
from styrdok.store.sql_preferences import SqlPreferences
from styrdok.store.sql_records import SqlRecords
from styrdok.store.sql_report import SqlReport
from styrdok.store.sql_search import SqlSearch
from styrdok.store.sql_secrets import SqlSecrets
from styrdok.store.sql_steps import SqlSteps
from styrdok.store.sql_tokens import SqlTokens

__all__ = ["TABLES", "TABLE_ORDER", "WRITER_LOCK", "SqlStore"]


class SqlStore(
    SqlRecords,
    SqlDueQueries,
    SqlBrowse,
    SqlSearch,
    SqlAttachments,
    SqlOrganisation,
    SqlSteps,
    SqlTokens,
    SqlSecrets,
    SqlPreferences,
    SqlAudit,
    SqlReport,
    SqlOutbox,
    SqlBulk,
):
    """Persistence of the registry in a SQL database: every role of
    :class:`styrdok.store.base.Store`, one module per role."""
