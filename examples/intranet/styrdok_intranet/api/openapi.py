"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/openapi.json``.

The records' schemas are not written here: they come from the domain classes
(:func:`styrdok.json_schema.definitions`), the same source as the published export schema,
so a field added to a class is in the next description. What is written here is what only
the API knows — its paths, parameters, bodies, envelopes and problems — and the tests hold
every real response of every route to it (``tests/test_intranet_api_openapi.py``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from styrdok import __version__
from styrdok.dispensation import Dispensation, DispensationRequest
from styrdok.enums import DispStatus
from styrdok.json_schema import definitions
from styrdok.model import Acknowledgement, Document, DueItem, Person, Question
from styrdok.usecases.browsing import MAX_PER_PAGE, PER_PAGE
from styrdok_intranet.api.openapi_schemas import SCHEMAS, TEXT, own_schemas, ref
from styrdok_intranet.api.reads import DISPENSATION_SCOPES, QUESTION_SCOPES


def _param(name: str, where: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


_PAGING = [
    _param("sida", "query", {"type": "integer", "minimum": 1}, "Page, from 1."),
    _param(
        "per_sida",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": PER_PAGE},
        "Rows per page.",
    ),
]
_REF_PATH = _param("ref", "path", TEXT, "The record's reference.")
_ID_PATH = _param("question_id", "path", {"type": "integer", "minimum": 0}, "The question's id.")
_ETAG = {"ETag": {"schema": TEXT, "description": 'The record\'s revision, e.g. "r3".'}}
_LINK = {
    "Link": {"schema": TEXT, "description": "RFC 8288 links to first, prev, next, last."},
    "X-Total-Count": {"schema": {"type": "integer"}},
}
_IF_MATCH = _param("If-Match", "header", TEXT, 'The ETag the change is based on ("r3"), or `*`.')


def _json(schema: dict[str, Any], description: str, headers: dict[str, Any] | None = None) -> Any:
    found: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        found["headers"] = headers
    return found


def _problems(*statuses: int) -> dict[str, Any]:
    return {
        str(status): {
            "description": "A problem (RFC 9457).",
            "content": {"application/problem+json": {"schema": ref("Problem")}},
        }
        for status in statuses
    }


def _read(summary: str, schema: dict[str, Any], params: list[Any], *problems: int) -> Any:
    return {
        "summary": summary,
        "parameters": params,
        "responses": {"200": _json(schema, "OK"), **_problems(400, *problems)},
    }


def _change(summary: str, body: str, ok: dict[str, Any], params: list[Any], *extra: int) -> Any:
    return {
        "summary": summary,
        "parameters": params,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        },
        "responses": {
            **ok,
            **_problems(400, 401, 403, 404, 409, 415, 422, 503, *extra),
        },
    }


def _paths() -> dict[str, Any]:
    record = _json(ref("Dispensation"), "The dispensation as it is now.", _ETAG)
    created = _json(
        ref("Dispensation"),
        "Created.",
        {**_ETAG, "Location": {"schema": TEXT, "description": "The new record's address."}},
    )
    filters = [
        _param(name, "query", TEXT, text)
        for name, text in (
            ("q", "Words in title, purpose, text, FAQ and files."),
            ("typ", "Document type."),
            ("instans", "Adopting body."),
            ("enhet", "The owner's unit."),
            ("status", "Document status (default: in force)."),
            ("forsenad", "`ja`: only overdue for review."),
        )
    ]
    statuses = ", ".join(s.value for s in DispStatus)
    return {
        "/api/v1/mig": {"get": _read("Who is calling.", ref("Person"), [], 401)},
        "/api/v1/dokument": {
            "get": {
                **_read("One page of the register.", ref("DocumentPage"), filters + _PAGING),
                "responses": {
                    "200": _json(ref("DocumentPage"), "OK", _LINK),
                    **_problems(400, 401),
                },
            }
        },
        "/api/v1/dokument/{ref}": {
            "get": {
                **_read("One document.", ref("Document"), [_REF_PATH], 401, 404),
                "responses": {
                    "200": _json(ref("Document"), "OK", _ETAG),
                    "304": {"description": "Not modified (If-None-Match)."},
                    **_problems(400, 401, 404),
                },
            }
        },
        "/api/v1/aktuellt": {
            "get": _read("What falls due within 60 days.", ref("DuePage"), _PAGING, 401)
        },
        "/api/v1/dispenser": {
            "get": _read(
                "One page of dispensations, newest first.",
                ref("DispensationPage"),
                [
                    _param("dokument", "query", TEXT, "Only on this document."),
                    _param("status", "query", TEXT, f"Comma-separated: {statuses}."),
                    _param(
                        "urval",
                        "query",
                        {"type": "string", "enum": list(DISPENSATION_SCOPES)},
                        "`mina`: requested by or responsible; `att-besluta`: yours to decide.",
                    ),
                    *_PAGING,
                ],
                401,
            ),
            "post": _change(
                "Request a dispensation.",
                "DispensationRequest",
                {"201": created},
                [],
            ),
        },
        "/api/v1/dispenser/{ref}": {
            "get": {
                **_read("One dispensation.", ref("Dispensation"), [_REF_PATH], 401, 404),
                "responses": {
                    "200": record,
                    "304": {"description": "Not modified (If-None-Match)."},
                    **_problems(400, 401, 404),
                },
            }
        },
        "/api/v1/dispenser/{ref}/beslut": {
            "post": _change(
                "Decide a request, or end a dispensation early.",
                "DecisionBody",
                {"200": record},
                [_REF_PATH, _IF_MATCH],
                412,
                428,
            )
        },
        "/api/v1/dispenser/{ref}/atertagande": {
            "post": _change(
                "Withdraw a request.",
                "WithdrawalBody",
                {"200": record},
                [_REF_PATH, _IF_MATCH],
                412,
                428,
            )
        },
        "/api/v1/dispenser/{ref}/fornyelse": {
            "post": _change("Request a renewal.", "RenewalBody", {"201": created}, [_REF_PATH])
        },
        "/api/v1/dispenser/{ref}/utvardering": {
            "post": _change(
                "Evaluate a dispensation.",
                "EvaluationBody",
                {"200": record},
                [_REF_PATH, _IF_MATCH],
                412,
                428,
            )
        },
        "/api/v1/fragor": {
            "get": _read(
                "One page of questions, newest first.",
                ref("QuestionPage"),
                [
                    _param(
                        "urval",
                        "query",
                        {"type": "string", "enum": list(QUESTION_SCOPES)},
                        "`mina` (default), `till-mig`, or `alla` (administrators).",
                    ),
                    _param("dokument", "query", TEXT, "Only about this document."),
                    _param("obesvarade", "query", TEXT, "`ja`: only unanswered."),
                    *_PAGING,
                ],
                401,
                403,
            )
        },
        "/api/v1/fragor/{question_id}": {
            "get": _read("One question.", ref("Question"), [_ID_PATH], 401, 404)
        },
        "/api/v1/dokument/{ref}/fragor": {
            "post": _change(
                "Ask the guardian.",
                "QuestionBody",
                {"201": _json(ref("Question"), "Asked.")},
                [_REF_PATH],
            )
        },
        "/api/v1/fragor/{question_id}/svar": {
            "post": _change(
                "Answer a question.",
                "AnswerBody",
                {"200": _json(ref("Question"), "Answered.")},
                [_ID_PATH],
            )
        },
        "/api/v1/att-lasa": {
            "get": _read(
                "What the caller is asked to read.",
                {"type": "array", "items": ref("ToRead")},
                [],
                401,
            )
        },
        "/api/v1/dokument/{ref}/bekraftelse": {
            "post": _change(
                "Confirm having read a version.",
                "ConfirmationBody",
                {
                    "200": _json(ref("Acknowledgement"), "Already confirmed."),
                    "201": _json(ref("Acknowledgement"), "Confirmed."),
                },
                [_REF_PATH],
            )
        },
    }


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document (built once: it depends on the code, not on the register)."""
    records = definitions(
        Document,
        Dispensation,
        DispensationRequest,
        Question,
        Acknowledgement,
        DueItem,
        Person,
        prefix=SCHEMAS,
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "styrdok API",
            "version": "1",
            "summary": "Styrdokument och dispenser: registret och dess vardagliga steg.",
            "description": (
                "Read the register of governing documents and take its day-to-day steps: "
                "request, decide, withdraw, renew and evaluate dispensations; ask and "
                "answer questions; confirm having read a document. Lists are paged "
                "(`sida`, `per_sida`); a change to an existing dispensation needs its ETag "
                "in `If-Match`; errors are RFC 9457 problem details. Messages written by "
                "the app are in Swedish; the registry's reasons (`detail` of a 4xx it "
                f"refused) in English. styrdok {__version__}."
            ),
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "security": [{}, {"token": []}, {"loginProxy": []}],
        "paths": _paths(),
        "components": {
            "schemas": {**records, **own_schemas()},
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from `styrdok token create`.",
                },
                "loginProxy": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Remote-User",
                    "description": (
                        "Set by the intranet's login proxy (believed only from its "
                        "address); the header's name is configurable."
                    ),
                },
            },
        },
    }
