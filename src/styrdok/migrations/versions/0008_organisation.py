"""organisation: units as a tree, staff who leave, read acknowledgements

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 14:00:00.000000

Issue 17 ("communicated and accepted"). New tables: ``unit`` (the organisation as a tree,
each unit with a manager), ``acknowledgement`` (who confirmed reading which version, when
and where) and ``document_target`` (each entry of a document's ``applies_to`` as a row, so
"what must this person read" is an indexed join). A person gets ``active`` (leavers are
deactivated, never deleted) and ``unit_since``; a document gets ``ack_version``, the
version people are asked to read — 0 for every document already registered, so upgrading
asks nobody anything until a version is adopted as a material change or an administrator
asks (``styrdok ack ask``).

Free-text values (a person's unit, a document's ``applies_to``) are kept as they are: a
migration cannot know the organisation before it is entered. Once the units exist,
``styrdok unit map`` maps the values that name a unit and reports those that match none.
``document_target`` is filled from every document's ``applies_to`` here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(target: str, **kwargs: object) -> sa.ForeignKey:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED", **kwargs)  # type: ignore[arg-type]


def upgrade() -> None:
    # add_column, not batch_alter_table: SQLite adds a column in place, so the search
    # index's triggers on `document` (migration 0004) survive.
    op.add_column(
        "person", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("person", sa.Column("unit_since", sa.Date(), nullable=True))
    op.create_index("ix_person_unit_active", "person", ["unit", "active"])
    op.add_column(
        "document", sa.Column("ack_version", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_table(
        "unit",
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent", sa.String(length=64), _fk("unit.ref"), nullable=True),
        sa.Column("manager", sa.String(length=64), _fk("person.ref"), nullable=True),
        sa.PrimaryKeyConstraint("ref"),
    )
    op.create_index("ix_unit_parent", "unit", ["parent"])
    op.create_index("ix_unit_manager", "unit", ["manager"])
    op.create_index("uq_unit_ref_lower", "unit", [sa.text("lower(ref)")], unique=True)
    op.create_table(
        "document_target",
        sa.Column(
            "document_ref",
            sa.String(length=64),
            _fk("document.ref", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("document_ref", "target"),
    )
    op.create_index("ix_document_target_target", "document_target", ["target", "document_ref"])
    op.create_table(
        "acknowledgement",
        sa.Column("document_ref", sa.String(length=64), _fk("document.ref"), nullable=False),
        sa.Column("person", sa.String(length=64), _fk("person.ref"), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("document_ref", "person", "version"),
    )
    op.create_index("ix_acknowledgement_person", "acknowledgement", ["person", "document_ref"])
    _fill_targets()


def _fill_targets() -> None:
    """One ``document_target`` row per entry of each document's ``applies_to``."""
    conn = op.get_bind()
    target = sa.table("document_target", sa.column("document_ref"), sa.column("target"))
    batch: list[dict[str, str]] = []
    for ref, applies_to in conn.execute(sa.text("SELECT ref, applies_to FROM document")):
        values = json.loads(applies_to) if isinstance(applies_to, str) else applies_to
        batch.extend({"document_ref": ref, "target": t} for t in dict.fromkeys(values or ()))
        if len(batch) >= 5_000:
            conn.execute(target.insert(), batch)
            batch = []
    if batch:
        conn.execute(target.insert(), batch)


def downgrade() -> None:
    op.drop_index("ix_acknowledgement_person", table_name="acknowledgement")
    op.drop_table("acknowledgement")
    op.drop_index("ix_document_target_target", table_name="document_target")
    op.drop_table("document_target")
    op.drop_index("uq_unit_ref_lower", table_name="unit")
    op.drop_index("ix_unit_manager", table_name="unit")
    op.drop_index("ix_unit_parent", table_name="unit")
    op.drop_table("unit")
    # Columns dropped in place (SQLite 3.35+), not by batch: recreating `person` would trip
    # the foreign keys that point at it, and `document` keeps its search triggers.
    op.drop_index("ix_person_unit_active", table_name="person")
    op.drop_column("person", "unit_since")
    op.drop_column("person", "active")
    op.drop_column("document", "ack_version")
