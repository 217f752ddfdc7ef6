"""attachments: documents' files, and their text in search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:00:00.000000

Each document may have files (the adopted decision as PDF, appendices, templates): the
``attachment`` table records what each is — SHA-256, size, media type, name, title, kind,
who added it and when — and the text read from it. The bytes are in a file storage, not
in the database (see :mod:`styrdok.filestore`). The search index's source is redefined so
that a document is found by its files' words too (:mod:`styrdok.store.search_files`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from styrdok.store import search_files

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_ref", sa.String(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"], ["person.ref"], initially="DEFERRED", deferrable=True
        ),
        sa.ForeignKeyConstraint(
            ["document_ref"], ["document.ref"], initially="DEFERRED", deferrable=True
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_ref", "name", name="uq_attachment_name"),
        sa.UniqueConstraint("document_ref", "sha256", name="uq_attachment_content"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)
    search_files.add(op.get_bind())


def downgrade() -> None:
    search_files.remove(op.get_bind())
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
    op.drop_table("attachment")
