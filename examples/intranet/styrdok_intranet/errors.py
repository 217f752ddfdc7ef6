"""Every error as a page of the app's own: Swedish, with the menu, the skip link and a way
back — whether the registry refused (:class:`~styrdok.errors.StyrdokError`) or the web
framework did (an unknown address, a wrong method, an expired form, a server error).
Under ``/api`` the same errors are JSON: RFC 9457 problem details
(``application/problem+json``: ``type``, ``title``, ``status``, ``detail``), which also
carry the message as ``error``, the member the API answered with before.

The registry gives its reasons in English; they are shown in Swedish
(:func:`registry_reason`, from styrdok's catalog), under a Swedish heading and explanation.
A program may ask the API for English (``Accept-Language: en``).
"""

from __future__ import annotations

import json

import attrs
from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

from styrdok.errors import NotFound, PermissionDenied, StyrdokError
from styrdok.i18n.errors import translate_error

#: Heading and explanation of an error page, by HTTP status.
PAGES = {
    400: ("Det gick inte", "Begäran gick inte att förstå."),
    403: ("Du har inte behörighet", "Du har inte behörighet till det här."),
    404: (
        "Sidan finns inte",
        "Sidan finns inte. Kontrollera adressen, eller sök bland styrdokumenten.",
    ),
    405: ("Det gick inte", "Sidan kan inte användas på det sättet."),
    413: ("För stort", "Det du skickade är för stort."),
    500: (
        "Något gick fel",
        "Något gick fel hos oss. Försök igen om en stund; händer det igen, kontakta "
        "intranätets förvaltare.",
    ),
}

#: What the registry's refusals mean, said in Swedish before its own (English) reason.
REGISTRY_PAGES = {
    404: ("Finns inte", "Det du söker finns inte i registret, eller så får du inte se det."),
    403: ("Du har inte behörighet", "Registret tillåter dig inte att göra det här."),
    400: ("Det gick inte", "Registret tog inte emot det du skickade."),
}


def registry_reason(exc: BaseException, language: str = "sv") -> str:
    """Why the registry refused, which it says in English, in ``language`` (Swedish)."""
    return translate_error(str(exc), language)


def request_language() -> str:
    """The language of a problem's ``detail`` for a program: Swedish, as the intranet
    is, unless the request prefers English (``Accept-Language``)."""
    return request.accept_languages.best_match(("sv", "en"), default="sv") or "sv"


@attrs.frozen
class Back:
    """A link back to where the reader came from, set by a view as ``g.back``."""

    endpoint: str
    args: dict[str, str]
    text: str


def install(app: Flask) -> None:
    """Register the error handlers on ``app``."""

    @app.errorhandler(StyrdokError)
    def refused(exc: StyrdokError) -> Response:
        status = (
            404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 400
        )
        if request.path.startswith("/api/"):
            return problem(status, registry_reason(exc, request_language()))
        heading, message = REGISTRY_PAGES[status]
        response = Response(page(heading, message, detail=registry_reason(exc)))
        response.status_code = status
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        """Werkzeug's own errors (an unknown address, a wrong method, an expired form, a
        crash: Flask hands an unhandled exception here as a 500) in the app's layout."""
        status = exc.code or 500
        if status < 400:
            return exc  # type: ignore[return-value]
        heading, default = PAGES.get(status, ("Det gick inte", "Något gick fel."))
        # A description written by this app (abort(400, "…")) is Swedish and says more.
        own = exc.description if exc.description != type(exc).description else None
        message = own or default
        if request.path.startswith("/api/"):
            response = problem(status, message)
        else:
            response = Response(page(heading, message))
        response.status_code = status
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response


#: ``code`` of a problem by HTTP status, where nothing more precise is known (an unknown
#: address, a wrong method): the versioned API's problems always carry one.
CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
}


def problem(status: int, detail: str, **extensions: object) -> Response:
    """An RFC 9457 problem details response: ``about:blank`` with the status's own title,
    ``detail`` saying what went wrong (Swedish when this app wrote it, the registry's
    English otherwise), ``code`` naming it for programs, ``error`` repeating ``detail`` for
    clients of the older error shape, and any ``extensions`` (such as the version now in
    force)."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": CODES.get(status, "server_error" if status >= 500 else "bad_request"),
        "error": detail,
        **extensions,
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        mimetype="application/problem+json",
    )


def page(heading: str, message: str, *, detail: str | None = None) -> str:
    """The error page: ``heading``, ``message`` (Swedish), the registry's ``detail``
    (English), and links back: to the page the request came from (``g.back``, a
    :class:`Back` set by a view that knows it) and to the register."""
    return render_template(
        "error.html", heading=heading, message=message, detail=detail, back=g.get("back")
    )
