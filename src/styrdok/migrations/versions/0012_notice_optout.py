"""notice opt-out: the kinds of notice each person does not want

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 05:40:00.000000

Issue 16, item 1: each person can opt out of a kind of notice (never of decisions about
their own requests). A new table, ``notice_optout``: one row per person and kind. Nothing
existing changes, so the upgrade is instant at any size.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_optout",
        sa.Column(
            "person",
            sa.String(length=64),
            sa.ForeignKey("person.ref", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("person", "kind"),
    )


def downgrade() -> None:
    op.drop_table("notice_optout")
