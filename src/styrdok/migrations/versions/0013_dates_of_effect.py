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
Three added columns and two UPDATEs: quick at any size.
"""

from __future__ import annotations

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
    op.execute("UPDATE document SET effective_from = decided_on WHERE decided_on IS NOT NULL")
    op.execute(
        "UPDATE document SET in_force_from = COALESCE("
        "(SELECT MIN(v.in_force_from) FROM document_version v"
        " WHERE v.document_ref = document.ref AND v.annulled IS NULL), decided_on)"
        " WHERE status <> 'draft'"
    )


def downgrade() -> None:
    op.drop_index("ix_document_status_in_force_from", table_name="document")
    op.drop_column("document", "draft")
    op.drop_column("document", "in_force_from")
    op.drop_column("document", "effective_from")
