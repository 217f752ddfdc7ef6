"""The versioned HTTP API, ``/api/v1``: the register and its day-to-day use cases for any
intranet (Sitevision, SharePoint, Optimizely …), described by the OpenAPI 3.1 document at
``/api/openapi.json``.

The API decides nothing: each route calls one registry method, which applies the rules and
the permissions. This package only speaks HTTP — who is calling (:mod:`.access`), JSON in
and out, pages, revisions and problems (:mod:`.http`), reads (:mod:`.reads`), changes
(:mod:`.actions`) and the description (:mod:`.openapi`). The unversioned ``/api/…`` routes
of earlier releases stay as they were for the clients that use them.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from styrdok.errors import (
    AlreadyExists,
    Conflict,
    InvalidValue,
    NotFound,
    PermissionDenied,
    RegistryUnavailable,
    RuleViolation,
    StyrdokError,
)
from styrdok_intranet.api import actions, openapi, reads
from styrdok_intranet.api.access import authenticate, cors_headers
from styrdok_intranet.api.context import registry
from styrdok_intranet.api.http import ApiProblem, json_response, problem
from styrdok_intranet.errors import registry_reason, request_language

#: The registry's refusals as HTTP: status, and ``code`` for programs.
REFUSALS: tuple[tuple[type[StyrdokError], int, str], ...] = (
    (NotFound, 404, "not_found"),
    (PermissionDenied, 403, "forbidden"),
    (AlreadyExists, 409, "already_exists"),
    (Conflict, 409, "conflict"),
    (RuleViolation, 422, "rule_violation"),
    (InvalidValue, 422, "invalid_value"),
    (RegistryUnavailable, 503, "unavailable"),
)


def blueprint(*, cors_origins: tuple[str, ...] = ()) -> Blueprint:
    """The API's routes; a browser page on one of ``cors_origins`` may call them."""
    bp = Blueprint("api_v1", __name__)
    reads.register(bp)
    actions.register(bp)

    @bp.get("/api/openapi.json")
    def description() -> Response:
        """The OpenAPI 3.1 document of this API."""
        return json_response(openapi.document())

    @bp.before_request
    def who() -> None:
        if request.method != "OPTIONS":
            authenticate(registry())

    @bp.after_request
    def cross_origin(response: Response) -> Response:
        return cors_headers(response, cors_origins)

    @bp.errorhandler(ApiProblem)
    def api_problem(exc: ApiProblem) -> Response:
        return cors_headers(
            problem(exc.status, exc.code, exc.detail, headers=exc.headers, **exc.extensions),
            cors_origins,
        )

    @bp.errorhandler(StyrdokError)
    def refused(exc: StyrdokError) -> Response:
        status, code = next(
            ((s, c) for kind, s, c in REFUSALS if isinstance(exc, kind)), (400, "refused")
        )
        return cors_headers(
            problem(status, code, registry_reason(exc, request_language())), cors_origins
        )

    @bp.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status < 400:
            return exc  # type: ignore[return-value]
        own = exc.description if exc.description != type(exc).description else None
        code = "server_error" if status >= 500 else "bad_request"
        detail = own or (
            "Något gick fel hos oss. Försök igen om en stund."
            if status >= 500
            else "Begäran gick inte att förstå."
        )
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        return cors_headers(problem(status, code, detail, headers=headers), cors_origins)

    return bp


__all__ = ["blueprint"]
