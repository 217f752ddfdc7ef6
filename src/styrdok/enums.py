"""The registry's enumerations (glossary in DESIGN.md), in a module of their own: light
enough for the command line to import for its option choices without the domain model."""

from __future__ import annotations

import enum


class DocType(enum.StrEnum):
    """Kind of governing document (dokumenttyp)."""

    POLICY = "policy"
    STRATEGY = "strategy"
    PROGRAMME = "programme"
    PLAN = "plan"
    ACTION_PLAN = "action_plan"
    GUIDELINE = "guideline"
    RULE = "rule"
    ROUTINE = "routine"
    INSTRUCTION = "instruction"
    CHARTER = "charter"
    ORDINANCE = "ordinance"
    TARIFF = "tariff"


class BodyLevel(enum.StrEnum):
    """Where a deciding body sits in the chain of governance (styrkedjan)."""

    COUNCIL = "council"
    EXECUTIVE_BOARD = "executive_board"
    COMMITTEE = "committee"
    ADMINISTRATION = "administration"
    UNIT = "unit"


class DocStatus(enum.StrEnum):
    """Life of a document: draft → in_force → superseded | repealed | lapsed."""

    DRAFT = "draft"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"
    REPEALED = "repealed"
    LAPSED = "lapsed"


class DispStatus(enum.StrEnum):
    """Life of a dispensation: requested → approved | rejected | withdrawn; approved →
    ended (expired, revoked, closed). A decision annulled as recorded by mistake makes it
    requested again."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    """The requester withdrew the request before it was decided."""


class ReviewOutcome(enum.StrEnum):
    """What a review (aktualitetsprövning) concluded."""

    CONFIRMED = "confirmed"
    REVISE = "revise"
    REPEAL = "repeal"


class DueKind(enum.StrEnum):
    """What falls due."""

    REVIEW = "review"
    DOCUMENT_EXPIRY = "document_expiry"
    DISPENSATION_EXPIRY = "dispensation_expiry"


class Disposition(enum.StrEnum):
    """What happens to a document's active dispensations when it is repealed or superseded."""

    END = "end"
    MOVE = "move"


class FileKind(enum.StrEnum):
    """What a file is to its document."""

    DECISION = "decision"
    """The adopted decision (protokollsutdrag, the signed PDF)."""
    APPENDIX = "appendix"
    """An appendix (bilaga)."""
    TEMPLATE = "template"
    """A template staff fill in (mall)."""


class UnitKind(enum.StrEnum):
    """Where a unit sits in the organisation (kommun → förvaltning → avdelning → enhet)."""

    MUNICIPALITY = "municipality"
    """The whole organisation: a kommun or a region."""
    ADMINISTRATION = "administration"
    """A förvaltning (or a company the municipality owns)."""
    DEPARTMENT = "department"
    """An avdelning within a förvaltning."""
    UNIT = "unit"
    """An enhet: a school, a care home, a team."""


class AckChannel(enum.StrEnum):
    """Where someone confirmed that they have read a document."""

    INTRANET = "intranet"
    API = "api"
    EMAIL = "email"
    """A link in an e-mail reminder."""
    CLI = "cli"
