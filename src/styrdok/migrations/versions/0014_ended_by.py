"""who ended a dispensation

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 09:50:00.000000

Issue 16: a dispensation revoked, closed or withdrawn records who did it
(``dispensation.ended_by``), so the reminder run tells the requester and the responsible
person of the step but not the one who took it. Dispensations that ended before keep it
NULL: who ended them is in the audit log, not worth guessing here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # In batch mode, as 0006 changes this table: on SQLite a copy of the table, so the new
    # reference is a table constraint like the others (deferred to the commit); elsewhere
    # an ALTER TABLE. No trigger or view hangs on `dispensation`.
    with op.batch_alter_table("dispensation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ended_by", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            "fk_dispensation_ended_by",
            "person",
            ["ended_by"],
            ["ref"],
            deferrable=True,
            initially="DEFERRED",
        )


def downgrade() -> None:
    with op.batch_alter_table("dispensation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_dispensation_ended_by", type_="foreignkey")
        batch_op.drop_column("ended_by")
