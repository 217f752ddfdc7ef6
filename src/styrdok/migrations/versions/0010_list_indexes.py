"""list indexes: dispensations and questions a page at a time, newest first

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 05:00:00.000000

Issue 19, item 1 (and the API of issue 16): the paged lists of dispensations and questions
filter by who asked and sort newest first. Without these indexes "my requests" and "my
questions" scan their whole table and every page sorts every matching row. Indexes only:
nothing is rewritten; on a large register the upgrade reads each table once.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: name, table, columns
INDEXES = (
    ("ix_dispensation_requested_by", "dispensation", ["requested_by"]),
    ("ix_dispensation_requested_on_ref", "dispensation", ["requested_on", "ref"]),
    ("ix_question_asked_by", "question", ["asked_by"]),
    ("ix_question_asked_on_id", "question", ["asked_on", "id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
