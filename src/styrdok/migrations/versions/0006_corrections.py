"""corrections: annulled adoptions and annulled decisions are kept, marked

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000

An adoption recorded by mistake can be annulled: its ``document_version`` row stays, with
``annulled`` saying who annulled it, when and why (NULL for every other version). A
decision on a dispensation recorded by mistake can be annulled too: the dispensation keeps
it in ``annulled``, a list that is empty for every dispensation already registered. See
:mod:`styrdok.usecases.corrections`. Downgrading drops both columns, and with them the
markers on the records (the audit log still holds every annulment).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annulled", sa.JSON(none_as_null=True), nullable=True))
    with op.batch_alter_table("dispensation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annulled", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("dispensation", schema=None) as batch_op:
        batch_op.drop_column("annulled")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_column("annulled")
