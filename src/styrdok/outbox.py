"""What the reminder job reads and writes, as typed objects rather than rows.

A store hands the planner :class:`ReviewCandidate` and :class:`DispensationCandidate`
objects (read set-based over the whole register) and keeps the outbox ledger as
:class:`Notice` objects; :mod:`styrdok.reminders` decides, the store only persists.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from styrdok.notify import NoticeKind


class NoticeState(enum.StrEnum):
    """Where a notice is in its delivery."""

    PENDING = "pending"
    """Planned, not yet accepted by its channel (also after a failed attempt)."""
    SENT = "sent"
    """Accepted by its channel."""
    FAILED = "failed"
    """Given up after the configured number of attempts."""


@attrs.frozen
class ReviewCandidate:
    """A document in force whose review or end date is within reach of a reminder."""

    ref: str
    title: str
    owner: str
    guardian: str | None
    next_review_on: dt.date | None
    valid_until: dt.date | None
    reminder_offsets: tuple[int, ...] | None
    """The document's own offsets, or ``None`` for the global setting."""
    contact: str | None
    """The adopting body's contact, told when a review is long overdue."""


@attrs.frozen
class ReadCandidate:
    """A document in force that asks the people it applies to to read a version."""

    ref: str
    title: str
    version: int
    """The version in force."""
    ack_version: int
    """The version asked about; a confirmation of it or a later one counts."""
    applies_to: tuple[str, ...]
    since: dt.date
    """When the version asked about came into force."""


@attrs.frozen
class DispensationCandidate:
    """An approved dispensation ending soon, or an expired one not yet evaluated."""

    ref: str
    title: str
    """Its scope as one line (:func:`styrdok.model.scope_title`)."""
    status: str
    valid_until: dt.date
    ended_on: dt.date | None
    responsible: str
    decided_by: str | None
    evaluated: bool


@attrs.frozen
class RequestStep:
    """A dispensation requested, decided or ended recently (or still waiting): what the
    reminder run needs to tell the next person (:mod:`styrdok.step_notices`)."""

    ref: str
    title: str
    """Its scope as one line (:func:`styrdok.model.scope_title`)."""
    document_ref: str
    status: str
    requested_by: str
    requested_on: dt.date
    responsible: str
    decided_by: str | None
    decided_on: dt.date | None
    ended_on: dt.date | None
    ended_by: str | None
    """Who revoked, closed or withdrew it (``None`` when unknown or it expired)."""
    guardian: str | None
    """The document's guardian (who may decide, with ``approvers``)."""
    approvers: tuple[str, ...]
    """The document's listed approvers."""
    contact: str | None
    """The contact of the body that adopted the document (told when it waits long)."""
    renewal_of: str | None = None
    """The dispensation it renews, if it is a renewal."""


@attrs.frozen
class QuestionStep:
    """A question asked or answered recently (or still waiting for its answer)."""

    id: int
    document_ref: str
    title: str
    """The document's title."""
    asked_by: str
    asked_on: dt.date
    answered_by: str | None
    answered_on: dt.date | None
    guardian: str | None
    owner: str
    """The document's owner: told instead of the guardian where there is none."""
    contact: str | None
    """The contact of the body that adopted the document."""


@attrs.frozen
class Notice:
    """One reminder for one recipient on one channel: a row of the outbox ledger."""

    item: str
    """``KIND:REF``: ``document``, ``dispensation``, ``read``, ``request``, ``decision``,
    ``withdrawn`` (a dispensation's ref), ``question`` or ``answer`` (a question's id)."""
    kind: NoticeKind
    threshold: str
    """The cycle's due date and offset, e.g. ``2027-01-15/-30`` or ``2027-01-15/+14``."""
    recipient: str
    channel: str
    title: str
    due_on: dt.date
    send_on: dt.date
    created_on: dt.date
    owner: str = ""
    state: NoticeState = NoticeState.PENDING
    attempts: int = 0
    last_error: str = ""
    sent_at: str | None = None
    claimed_by: str | None = None
    claimed_until: str | None = None
    id: int | None = None
    """Given by the store; ``None`` until stored."""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What makes a notice unique: nothing is planned twice for the same key."""
        return (self.item, self.kind.value, self.threshold, self.recipient, self.channel)
