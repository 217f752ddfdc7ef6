"""refs unique regardless of case

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00.000000

A person, body or document ref may no longer differ from another only in case
(``Anna.Lind`` beside ``anna.lind``): a unique index on ``lower(ref)`` for each. A register
that already holds such pairs is not changed at all; the upgrade stops and names them, so
someone who knows the records decides which one stays.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from styrdok.errors import AlreadyExists

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("person", "body", "document")
#: At most this many clashes are named; the message stays one readable line.
SHOWN = 20


def case_duplicates(conn: sa.Connection) -> list[str]:
    """Each group of refs that differ only in case, e.g. ``person Anna.Lind = anna.lind``."""
    groups: list[str] = []
    for name in TABLES:
        table = sa.table(name, sa.column("ref", sa.String))
        key = sa.func.lower(table.c.ref)
        clashing = sa.select(key).group_by(key).having(sa.func.count() > 1)
        rows = conn.execute(
            sa.select(key, table.c.ref).where(key.in_(clashing)).order_by(key, table.c.ref)
        ).all()
        spellings: dict[str, list[str]] = {}
        for lowered, ref in rows:
            spellings.setdefault(lowered, []).append(ref)
        groups.extend(f"{name} {' = '.join(refs)}" for refs in spellings.values())
    return groups


def upgrade() -> None:
    clashes = case_duplicates(op.get_bind())
    if clashes:
        shown = "; ".join(clashes[:SHOWN])
        more = f" and {len(clashes) - SHOWN} more" if len(clashes) > SHOWN else ""
        raise AlreadyExists(
            f"{len(clashes)} ref(s) differ only in case, which styrdok no longer allows: "
            f"{shown}{more}. Nothing was changed: rename or merge one of each, then run "
            "'styrdok init' again"
        )
    for name in TABLES:
        op.create_index(f"uq_{name}_ref_lower", name, [sa.text("lower(ref)")], unique=True)


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_index(f"uq_{name}_ref_lower", table_name=name)
