"""document text and full-text search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:40:00.000000

Each document gets its text (Markdown; empty for the documents already registered), and the
register a full-text index of titles, purposes, texts and FAQs that the database keeps up
to date itself (see :mod:`styrdok.store.search_schema`). The index is built here for every
document already in the register.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from styrdok.store import search_schema

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
    search_schema.create(op.get_bind())


def downgrade() -> None:
    search_schema.drop(op.get_bind())
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("text")
