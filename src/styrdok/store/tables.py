"""All tables, in one module (SQLModel metadata is the source of truth for Alembic).

Rows are not domain objects: :mod:`styrdok.store.convert` maps between the two, so the
business model and the storage format can change independently. References (``ref``) are
the natural keys users know, so they are the primary keys too. Every foreign key is
checked at commit (DEFERRABLE INITIALLY DEFERRED) so a bulk import can insert documents
that point at each other in any order and still never commit a dangling reference.

Queries that must stay fast at national scale (300 000 documents, 1 000 000
dispensations) each have an index that serves them; the comment beside it names the query.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# SQLModel reads these annotations at class creation, so no postponed evaluation trickery
# beyond `from __future__ import annotations`, which SQLModel supports.


def _fk(target: str, **kwargs: Any) -> Any:
    return sa.ForeignKey(target, deferrable=True, initially="DEFERRED", **kwargs)


def _ref_fk(target: str, *, nullable: bool, index: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=sa.Column(sa.String(64), _fk(target), nullable=nullable, index=index),
    )


def _json(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(sa.JSON, nullable=nullable))


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        # staff per unit (who is asked to read), active people only (0008)
        sa.Index("ix_person_unit_active", "unit", "active"),
    )

    ref: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    unit: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200)
    is_admin: bool = False
    # Leavers are deactivated, never deleted (migration 0008).
    active: bool = Field(
        default=True, sa_column=sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    )
    unit_since: dt.date | None = None


class UnitRow(SQLModel, table=True):
    """A unit of the organisation (migration 0008); the tree is ``parent``."""

    __tablename__ = "unit"

    ref: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    parent: str | None = _ref_fk("unit.ref", nullable=True, index=True)
    manager: str | None = _ref_fk("person.ref", nullable=True, index=True)


class BodyRow(SQLModel, table=True):
    __tablename__ = "body"

    ref: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    level: str = Field(max_length=20)
    contact: str | None = _ref_fk("person.ref", nullable=True)


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (
        # due: reviews coming up among documents in force
        sa.Index("ix_document_status_review", "status", "next_review_on"),
        # due: documents whose validity ends
        sa.Index("ix_document_status_valid_until", "status", "valid_until"),
        # the register a page at a time: documents of a status in title order (0007),
        # whether each is in force yet read from the index too (0015)
        sa.Index("ix_document_status_title", "status", "title", "ref", "in_force_from"),
        # the register's type filter: the types in use, SELECT DISTINCT (0007)
        sa.Index("ix_document_doc_type", "doc_type"),
        # in force today: a count of the register's pages reads only the index (0013)
        sa.Index("ix_document_status_in_force_from", "status", "in_force_from"),
    )

    ref: str = Field(primary_key=True, max_length=64)
    title: str = Field(max_length=300)
    doc_type: str = Field(max_length=20)
    status: str = Field(max_length=20)
    version: int = 0
    adopted_by: str | None = _ref_fk("body.ref", nullable=True, index=True)
    decided_on: dt.date | None = None
    # The current version's date of effect and the document's first (migration 0013).
    effective_from: dt.date | None = None
    in_force_from: dt.date | None = None
    minute_ref: str | None = Field(default=None, max_length=100)
    registry_number: str | None = Field(default=None, max_length=100)
    owner: str = _ref_fk("person.ref", nullable=False, index=True)
    guardian: str | None = _ref_fk("person.ref", nullable=True, index=True)
    purpose: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    intended_effects: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    audience: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    applies_to: list[str] = _json()
    limits: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    follow_up: dict[str, Any] | None = _json(nullable=True)
    review_interval_months: int | None = None
    next_review_on: dt.date | None = None
    valid_until: dt.date | None = None
    non_compliance: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    dispensation_rules: dict[str, Any] = _json()
    faq: list[dict[str, Any]] = _json()
    parent: str | None = _ref_fk("document.ref", nullable=True, index=True)
    supersedes: str | None = _ref_fk("document.ref", nullable=True)
    related: list[str] = _json()
    text_url: str | None = Field(default=None, max_length=2000)
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    word_count: int | None = None
    # SQL NULL (not JSON null) when unset, so "has its own offsets" is a plain IS NOT NULL.
    reminder_offsets: list[int] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON(none_as_null=True), nullable=True)
    )
    # The version people are asked to confirm they have read (migration 0008).
    ack_version: int = Field(
        default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0")
    )
    # A draft revision of a document in force, as the whole document (migration 0013);
    # SQL NULL when there is none.
    draft: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON(none_as_null=True), nullable=True)
    )
    revision: int = 0


class DocumentTargetRow(SQLModel, table=True):
    """Each entry of a document's ``applies_to``, one row each, kept by the store with the
    document (migration 0008): "what must this person read" is then an indexed join
    instead of a scan of every document's JSON."""

    __tablename__ = "document_target"
    __table_args__ = (
        # what a person must read: documents that apply to one of their units
        sa.Index("ix_document_target_target", "target", "document_ref"),
    )

    document_ref: str = Field(
        sa_column=sa.Column(
            sa.String(64), _fk("document.ref", ondelete="CASCADE"), primary_key=True
        )
    )
    target: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))


class DocumentApproverRow(SQLModel, table=True):
    """Each person a document's dispensation rules name among its approvers, one row each,
    kept by the store with the document (migration 0013): "what waits for this person's
    decision" is then an indexed join instead of a scan of every document's JSON."""

    __tablename__ = "document_approver"
    __table_args__ = (
        # what a person may decide: the documents that name them
        sa.Index("ix_document_approver_person", "person", "document_ref"),
    )

    document_ref: str = Field(
        sa_column=sa.Column(
            sa.String(64), _fk("document.ref", ondelete="CASCADE"), primary_key=True
        )
    )
    person: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))


class AcknowledgementRow(SQLModel, table=True):
    """One person's confirmation that they have read a version (migration 0008)."""

    __tablename__ = "acknowledgement"
    __table_args__ = (
        # a person's own: what they have confirmed
        sa.Index("ix_acknowledgement_person", "person", "document_ref"),
    )

    # Document first: "who has read X" and the counts per unit read one document's range.
    document_ref: str = Field(
        sa_column=sa.Column(sa.String(64), _fk("document.ref"), primary_key=True)
    )
    person: str = Field(sa_column=sa.Column(sa.String(64), _fk("person.ref"), primary_key=True))
    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    # ISO 8601 text in UTC, as the audit log keeps time: the same on every engine.
    at: str = Field(max_length=40)
    channel: str = Field(max_length=20)


class DocumentVersionRow(SQLModel, table=True):
    __tablename__ = "document_version"
    __table_args__ = (
        # documents_in_force(on=…): versions whose period covers a day
        sa.Index("ix_document_version_period", "in_force_from", "in_force_until"),
    )

    document_ref: str = Field(
        sa_column=sa.Column(sa.String(64), _fk("document.ref"), primary_key=True)
    )
    version: int = Field(primary_key=True)
    in_force_from: dt.date
    in_force_until: dt.date | None = None
    snapshot: dict[str, Any] = _json()
    # Who annulled the adoption, when and why (migration 0006); SQL NULL for every
    # version not annulled.
    annulled: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON(none_as_null=True), nullable=True)
    )


class ReviewRow(SQLModel, table=True):
    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    document_ref: str = _ref_fk("document.ref", nullable=False, index=True)
    document_version: int
    reviewed_on: dt.date
    reviewer: str = _ref_fk("person.ref", nullable=False)
    outcome: str = Field(max_length=20)
    next_review_on: dt.date | None = None
    notes: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))


class DispensationRow(SQLModel, table=True):
    __tablename__ = "dispensation"
    __table_args__ = (
        # due: approved dispensations whose end date is near or past
        sa.Index("ix_dispensation_status_valid_until", "status", "valid_until"),
        # "my requests" (requested_by; responsible has its own index) and the lists newest
        # first, a page at a time (migration 0010)
        sa.Index("ix_dispensation_requested_by", "requested_by"),
        sa.Index("ix_dispensation_requested_on_ref", "requested_on", "ref"),
    )

    ref: str = Field(primary_key=True, max_length=64)
    document_ref: str = _ref_fk("document.ref", nullable=False, index=True)
    clause: str = Field(default="", max_length=500)
    scope: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    limits: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    applies_to: list[str] = _json()
    justification: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    conditions: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    requested_by: str = _ref_fk("person.ref", nullable=False)
    requested_on: dt.date
    responsible: str = _ref_fk("person.ref", nullable=False, index=True)
    # Funding as columns, not JSON: reports sum costs per funder in SQL.
    funded_by: str | None = Field(default=None, max_length=200)
    estimated_cost: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    currency: str = Field(default="SEK", max_length=3)
    no_extra_cost: bool = False
    funding_note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    valid_from: dt.date
    valid_until: dt.date
    status: str = Field(max_length=20)
    decided_by: str | None = _ref_fk("person.ref", nullable=True)
    decided_on: dt.date | None = None
    decision_reasoning: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    delegated: bool = False
    reported_to: str | None = _ref_fk("body.ref", nullable=True)
    renewal_of: str | None = _ref_fk("dispensation.ref", nullable=True, index=True)
    ended_on: dt.date | None = None
    end_reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    ended_by: str | None = _ref_fk("person.ref", nullable=True)
    evaluation: dict[str, Any] | None = _json(nullable=True)
    # Decisions annulled as recorded by mistake (migration 0006): a list, usually empty.
    annulled: list[dict[str, Any]] = Field(
        default=None, sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]")
    )
    revision: int = 0


class QuestionRow(SQLModel, table=True):
    __tablename__ = "question"
    __table_args__ = (
        # "my questions", and the list newest first a page at a time (migration 0010)
        sa.Index("ix_question_asked_by", "asked_by"),
        sa.Index("ix_question_asked_on_id", "asked_on", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_ref: str = _ref_fk("document.ref", nullable=False, index=True)
    asked_by: str = _ref_fk("person.ref", nullable=False)
    asked_on: dt.date
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    answer: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    answered_by: str | None = _ref_fk("person.ref", nullable=True)
    answered_on: dt.date | None = None
    promoted_to_faq: bool = False


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    # ISO 8601 text, not a DateTime: the hash covers this exact string on every engine.
    at: str = Field(max_length=40)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=100, index=True)
    before: dict[str, Any] | None = _json(nullable=True)
    after: dict[str, Any] | None = _json(nullable=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class NoticeRow(SQLModel, table=True):
    """The outbox ledger: one row per reminder per recipient per channel."""

    __tablename__ = "notice"
    __table_args__ = (
        # Exactly once: a threshold is recorded for a recipient and channel only once.
        sa.UniqueConstraint(
            "item", "kind", "threshold", "recipient", "channel", name="uq_notice_key"
        ),
        # claiming: pending notices of a channel
        sa.Index("ix_notice_state_channel", "state", "channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item: str = Field(max_length=100)
    """``document:REF`` or ``dispensation:REF``."""
    kind: str = Field(max_length=30)
    threshold: str = Field(max_length=40)
    """Due date and offset, e.g. ``2027-01-15/-30`` or ``2027-01-15/+14``."""
    recipient: str = _ref_fk("person.ref", nullable=False)
    channel: str = Field(max_length=40)
    title: str = Field(max_length=300)
    owner: str = Field(default="", max_length=64)
    due_on: dt.date
    send_on: dt.date
    state: str = Field(max_length=20)
    attempts: int = 0
    last_error: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    created_on: dt.date
    sent_at: str | None = Field(default=None, max_length=40)
    # A worker leases pending rows before delivering, so two workers never send the same.
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: str | None = Field(default=None, max_length=40)


class AttachmentRow(SQLModel, table=True):
    """A file of a document; its bytes are in the file storage, under ``sha256``."""

    __tablename__ = "attachment"
    __table_args__ = (
        # A document has each file once, by name and by content.
        sa.UniqueConstraint("document_ref", "name", name="uq_attachment_name"),
        sa.UniqueConstraint("document_ref", "sha256", name="uq_attachment_content"),
        # Numbers are never given twice (SQLite would reuse the highest after a detach).
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    document_ref: str = _ref_fk("document.ref", nullable=False)
    name: str = Field(max_length=200)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=20)
    media_type: str = Field(max_length=100)
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    # detach: is this content still some other attachment's?
    sha256: str = Field(max_length=64, index=True)
    added_by: str = _ref_fk("person.ref", nullable=False)
    # ISO 8601 text in UTC, as the audit log keeps time: the same on every engine.
    added_at: str = Field(max_length=40)
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    """The text read from the file, for search (the search index reads it)."""


class ApiTokenRow(SQLModel, table=True):
    """A personal API token (migration 0009): only the SHA-256 of its secret is kept. Not
    exported: a token belongs to the register that issued it."""

    __tablename__ = "api_token"

    id: str = Field(primary_key=True, max_length=12)
    # a person's own tokens (`token list --person`), and revoking them on anonymisation
    person: str = _ref_fk("person.ref", nullable=False, index=True)
    name: str = Field(max_length=100)
    digest: str = Field(max_length=64)
    # ISO 8601 text in UTC, as the audit log keeps time: the same on every engine.
    created_at: str = Field(max_length=40)
    expires_on: dt.date
    revoked_at: str | None = Field(default=None, max_length=40)
    last_used_on: dt.date | None = None


class NoticeOptOutRow(SQLModel, table=True):
    """A kind of notice a person does not want (migration 0012): one row per person and
    kind. Not exported: a person's own setting, not a record of the register; cleared when
    the person is anonymised."""

    __tablename__ = "notice_optout"

    person: str = Field(sa_column=sa.Column(sa.String(64), _fk("person.ref"), primary_key=True))
    kind: str = Field(primary_key=True, max_length=40)


class RegisterSecretRow(SQLModel, table=True):
    """A secret of the register's own by name (migration 0011): the key confirmation links
    are signed with. Not exported, and outside the anonymisation rewrite (not in
    :data:`styrdok.store.sql_base.TABLES`): it names nobody."""

    __tablename__ = "register_secret"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=200)


metadata = SQLModel.metadata

person = PersonRow.__table__  # type: ignore[attr-defined]
body = BodyRow.__table__  # type: ignore[attr-defined]
document = DocumentRow.__table__  # type: ignore[attr-defined]
document_version = DocumentVersionRow.__table__  # type: ignore[attr-defined]
review = ReviewRow.__table__  # type: ignore[attr-defined]
dispensation = DispensationRow.__table__  # type: ignore[attr-defined]
question = QuestionRow.__table__  # type: ignore[attr-defined]
audit_event = AuditRow.__table__  # type: ignore[attr-defined]
notice = NoticeRow.__table__  # type: ignore[attr-defined]
attachment = AttachmentRow.__table__  # type: ignore[attr-defined]
unit = UnitRow.__table__  # type: ignore[attr-defined]
document_target = DocumentTargetRow.__table__  # type: ignore[attr-defined]
document_approver = DocumentApproverRow.__table__  # type: ignore[attr-defined]
acknowledgement = AcknowledgementRow.__table__  # type: ignore[attr-defined]
api_token = ApiTokenRow.__table__  # type: ignore[attr-defined]
register_secret = RegisterSecretRow.__table__  # type: ignore[attr-defined]
notice_optout = NoticeOptOutRow.__table__  # type: ignore[attr-defined]

# Refs a person types must not differ only in case: `Anna.Lind` beside `anna.lind`, or
# `pol-is-01` beside `POL-IS-01`, would look like one record and be two. The core refuses
# such a ref with a clear message; these indexes make the database refuse it too, whatever
# the path (an import, another program), and serve the import's case-insensitive lookup
# (:meth:`styrdok.store.sql_bulk.SqlBulk.existing_refs`). Refs are ASCII, so ``lower()``
# means the same on every engine. Dispensation refs are numbered by styrdok
# (``D-YYYY-NNNN``) and keep their plain key.
REF_CASE_INDEXES = {
    table.name: sa.Index(f"uq_{table.name}_ref_lower", sa.func.lower(table.c.ref), unique=True)
    for table in (person, body, document, unit)
}
