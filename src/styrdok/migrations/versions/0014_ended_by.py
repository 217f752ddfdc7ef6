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
    if op.get_bind().dialect.name == "sqlite":
        # In place: a copy of the table (batch mode) would drop the old one while the copy,
        # not yet indexed, refers to it by name — SQLite then scans the copy once per row
        # (renewal_of), hours on a register of 100,000 dispensations. SQLite takes a
        # reference, deferred like the others, on a column added without a default.
        op.execute(
            "ALTER TABLE dispensation ADD COLUMN ended_by VARCHAR(64) "
            "REFERENCES person (ref) DEFERRABLE INITIALLY DEFERRED"
        )
        return
    op.add_column("dispensation", sa.Column("ended_by", sa.String(length=64), nullable=True))
    op.create_foreign_key(
        "fk_dispensation_ended_by",
        "dispensation",
        "person",
        ["ended_by"],
        ["ref"],
        deferrable=True,
        initially="DEFERRED",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column only without a reference on it: the table is copied (fine
        # for going back, which nobody does on a big register).
        with op.batch_alter_table("dispensation", schema=None) as batch_op:
            batch_op.drop_column("ended_by")
        return
    op.drop_constraint("fk_dispensation_ended_by", "dispensation", type_="foreignkey")
    op.drop_column("dispensation", "ended_by")
