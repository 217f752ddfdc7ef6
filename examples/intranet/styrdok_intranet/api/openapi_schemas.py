"""The shapes only the API has — problems, pages, the bodies of changes, the reading list —
for the OpenAPI description (:mod:`.openapi`); the records' own schemas come from the
domain classes."""

from __future__ import annotations

from typing import Any

from styrdok.usecases.browsing import MAX_PER_PAGE
from styrdok_intranet.api.actions import OUTCOMES

SCHEMAS = "#/components/schemas/"
TEXT = {"type": "string"}
DAY = {"type": "string", "format": "date"}


def ref(name: str) -> dict[str, str]:
    """A reference to the component schema ``name``."""
    return {"$ref": f"{SCHEMAS}{name}"}


def _page_of(name: str) -> dict[str, Any]:
    """The envelope of one page of ``name`` records."""
    return {
        "type": "object",
        "description": f"One page of {name} records, in order; the other pages in `Link`.",
        "required": ["items", "total", "page", "per_page", "pages"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "total": {"type": "integer", "minimum": 0, "description": "Rows in the whole list."},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 1},
        },
    }


def _body(properties: dict[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def own_schemas() -> dict[str, Any]:
    """The shapes only the API has: problems, pages, bodies of changes, the reading list."""
    return {
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details. `code` names the problem for programs.",
            "required": ["type", "title", "status", "detail", "code"],
            "properties": {
                "type": TEXT,
                "title": TEXT,
                "status": {"type": "integer"},
                "detail": TEXT,
                "code": TEXT,
            },
            "additionalProperties": True,
        },
        "DocumentPage": _page_of("Document"),
        "DispensationPage": _page_of("Dispensation"),
        "QuestionPage": _page_of("Question"),
        "DuePage": _page_of("DueItem"),
        "ToRead": {
            "type": "object",
            "description": "A document the caller is asked to read and has not confirmed.",
            "required": ["ref", "title", "doc_type", "version", "since", "read_before"],
            "additionalProperties": False,
            "properties": {
                "ref": TEXT,
                "title": TEXT,
                "doc_type": TEXT,
                "version": {"type": "integer", "minimum": 1},
                "since": DAY,
                "read_before": {
                    "anyOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": ["version", "at", "channel"],
                            "additionalProperties": False,
                            "properties": {
                                "version": {"type": "integer"},
                                "at": {"type": "string", "format": "date-time"},
                                "channel": TEXT,
                            },
                        },
                    ]
                },
                "page": {**TEXT, "description": "The document's page on the intranet."},
                "confirm": {**TEXT, "description": "Where to POST the confirmation."},
            },
        },
        "DecisionBody": _body(
            {
                "outcome": {"type": "string", "enum": list(OUTCOMES)},
                "reasoning": {**TEXT, "description": "Required except for an approval."},
                "delegated": {"type": "boolean", "description": "Decided under delegation."},
                "reported_to": {
                    **TEXT,
                    "description": "Body a delegated decision is reported to.",
                },
            },
            ["outcome"],
            "Approve or reject a request; revoke or close a dispensation in effect.",
        ),
        "WithdrawalBody": _body({"reason": TEXT}, [], "Withdraw a request not yet decided."),
        "RenewalBody": _body(
            {"valid_until": DAY, "justification": TEXT},
            ["valid_until"],
            "Request a renewal, from the day after the dispensation ends.",
        ),
        "EvaluationBody": _body(
            {"outcome": TEXT, "lessons": TEXT, "rule_change_suggested": {"type": "boolean"}},
            ["outcome"],
            "The evaluation of a dispensation that has ended.",
        ),
        "QuestionBody": _body({"text": TEXT}, ["text"], "A question to the guardian."),
        "AnswerBody": _body(
            {"answer": TEXT, "promote_to_faq": {"type": "boolean"}},
            ["answer"],
            "The answer; `promote_to_faq` also adds it to the document's FAQ.",
        ),
        "ConfirmationBody": _body(
            {"version": {"type": "integer", "minimum": 1}},
            ["version"],
            "The version of the document that was read.",
        ),
    }
