"""register secrets: the key confirmation links in reminders are signed with

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 09:00:00.000000

Issue 17, the e-mail confirmation link. A new table, ``register_secret``: the register's own
secrets by name. The first is the key that signs the links with which a reminder's reader
confirms having read a document without logging in; it is created on first use, so nothing
is written here. Kept in the register, not in a setting, so the reminder run and the
intranet — which open the same register — agree without configuration. Nothing existing
changes, so the upgrade is instant at any size.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "register_secret",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("register_secret")
