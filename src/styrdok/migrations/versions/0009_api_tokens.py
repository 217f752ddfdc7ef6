"""api tokens: personal tokens for the intranet's HTTP API, stored hashed

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 16:00:00.000000

Issue 16, item 3. A new table, ``api_token``: one row per personal token, holding its
public id, the person it acts as, what it is for, when it was created, the last day it
works, when it was revoked and the last day it was used — and the SHA-256 of its secret,
never the secret. Nothing existing changes, so the upgrade is instant at any size.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column(
            "person",
            sa.String(length=64),
            sa.ForeignKey("person.ref", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=True),
        sa.Column("last_used_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_api_token_person", "api_token", ["person"])


def downgrade() -> None:
    op.drop_index("ix_api_token_person", table_name="api_token")
    op.drop_table("api_token")
