"""dates of effect and draft revisions

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 07:10:00.000000

Issue 15, item 5: an adoption records when it was decided (``decided_on``) and when it
takes effect. ``document.effective_from`` is the current version's date of effect,
``document.in_force_from`` the first day the document is in force at all (a document
adopted with a later date of effect is not in force until then, with no job to run).
Every register so far took effect on its decision day: ``effective_from`` is filled from
``decided_on``, ``in_force_from`` from the first version not annulled (or ``decided_on``).
``document.draft`` holds a draft revision of a document in force (the whole document as
its next version would read), NULL when none is being prepared.

``document_approver`` (each approver a document's dispensation rules name, as a row, kept by
the store with the document) makes "what waits for my decision" an indexed join instead of
a scan of every document's JSON; it is filled from the documents here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # add_column, not batch_alter_table: SQLite adds a column in place, so the search
    # view and triggers on the table stay as they are (see 0008).
    op.add_column("document", sa.Column("effective_from", sa.Date(), nullable=True))
    op.add_column("document", sa.Column("in_force_from", sa.Date(), nullable=True))
    op.add_column("document", sa.Column("draft", sa.JSON(none_as_null=True), nullable=True))
    # "In force today" is status and in_force_from: the register's count reads the index.
    op.create_index("ix_document_status_in_force_from", "document", ["status", "in_force_from"])
    op.create_table(
        "document_approver",
        sa.Column(
            "document_ref",
            sa.String(length=64),
            sa.ForeignKey(
                "document.ref", ondelete="CASCADE", deferrable=True, initially="DEFERRED"
            ),
            nullable=False,
        ),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("document_ref", "person"),
    )
    op.create_index("ix_document_approver_person", "document_approver", ["person", "document_ref"])
    _fill_approvers()


def _fill_approvers() -> None:
    """One ``document_approver`` row per approver in each document's dispensation rules."""
    conn = op.get_bind()
    approver = sa.table("document_approver", sa.column("document_ref"), sa.column("person"))
    batch: list[dict[str, str]] = []
    rows = conn.execute(sa.text("SELECT ref, dispensation_rules FROM document"))
    for ref, rules in rows:
        values = json.loads(rules) if isinstance(rules, str) else rules
        people = (values or {}).get("approvers") or ()
        batch.extend({"document_ref": ref, "person": p} for p in dict.fromkeys(people))
        if len(batch) >= 5_000:
            conn.execute(approver.insert(), batch)
            batch = []
    if batch:
        conn.execute(approver.insert(), batch)
    op.execute("UPDATE document SET effective_from = decided_on WHERE decided_on IS NOT NULL")
    op.execute(
        "UPDATE document SET in_force_from = COALESCE("
        "(SELECT MIN(v.in_force_from) FROM document_version v"
        " WHERE v.document_ref = document.ref AND v.annulled IS NULL), decided_on)"
        " WHERE status <> 'draft'"
    )


def downgrade() -> None:
    op.drop_index("ix_document_approver_person", table_name="document_approver")
    op.drop_table("document_approver")
    op.drop_index("ix_document_status_in_force_from", table_name="document")
    op.drop_column("document", "draft")
    op.drop_column("document", "in_force_from")
    op.drop_column("document", "effective_from")
