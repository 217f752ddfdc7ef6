"""The HTTP conventions of the versioned API, in one place: problem details, the JSON a
request must send, a list's page as an envelope, and revisions as ETags.

* **Errors** are RFC 9457 problem details (``application/problem+json``) raised as
  :class:`ApiProblem` from anywhere in a view; ``code`` names the kind of problem for
  programs, ``detail`` says it for people, in Swedish — the registry's own reasons too,
  translated (English for a request that prefers it: ``Accept-Language: en``).
* **Writes** take ``application/json`` only (415 otherwise). A page on another site can
  post a form or plain text to this app without asking, but not JSON: the browser would
  first ask this app (CORS preflight), which answers only configured origins — so a
  logged-in browser cannot be made to decide or answer anything (CSRF).
* **Lists** are one page in an envelope — ``items``, ``total``, ``page``, ``per_page``,
  ``pages`` — with ``Link`` (RFC 8288) and ``X-Total-Count`` headers as the older routes.
* **Revisions**: a record's ``revision`` is its ``ETag`` (``"r3"``). A change to a record
  that has one must say which revision it was based on in ``If-Match``: 428 without it,
  412 when the record changed since (two editors cannot overwrite each other).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Response, request
from werkzeug.http import HTTP_STATUS_CODES

from styrdok.usecases.browsing import Paging
from styrdok_intranet import listing

#: An ETag as this API writes it for a record's revision.
_REVISION_TAG = re.compile(r'(?:W/)?"r([0-9]{1,9})"')


class ApiProblem(Exception):
    """A request the API answers with a problem: raised in a view, written by the
    blueprint's error handler as :func:`problem`."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extensions: object,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = dict(headers or {})
        self.extensions = extensions


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: object,
) -> Response:
    """An RFC 9457 problem details response (``type`` ``about:blank``, the status's own
    ``title``), with ``code`` for programs and any ``extensions``."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        **extensions,
    }
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    response.headers.update(headers or {})
    return response


def json_body() -> dict[str, Any]:
    """The request's JSON object: 415 unless sent as ``application/json``, 400 unless it
    parses as one JSON object."""
    if request.mimetype != "application/json":
        raise ApiProblem(
            415,
            "unsupported_media_type",
            "Skicka innehållet som application/json.",
            headers={"Accept-Post": "application/json"},
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiProblem(400, "bad_json", "Innehållet ska vara ett JSON-objekt: {…}.")
    return data


def known_members(data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    """400 for a member the operation does not take (a typo would otherwise be ignored)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApiProblem(
            400,
            "unknown_member",
            f"Okänt fält: {', '.join(unknown)}. Tillåtna: {', '.join(allowed)}.",
        )


def text_member(data: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    """The string member ``name`` (``""`` when absent and not ``required``); 400 for
    anything else."""
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        wanted = "en text som inte är tom" if required else "en text"
        raise ApiProblem(400, "bad_member", f"{name} ska vara {wanted}.")
    return value


def bool_member(data: Mapping[str, Any], name: str) -> bool:
    """The boolean member ``name`` (``false`` when absent); 400 for anything else."""
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ApiProblem(400, "bad_member", f"{name} ska vara true eller false.")
    return value


def etag(revision: int) -> str:
    """The ETag of a record at ``revision``."""
    return f'"r{revision}"'


def with_etag(response: Response, revision: int) -> Response:
    """``response`` carrying the record's revision as its ETag."""
    response.headers["ETag"] = etag(revision)
    return response


def if_match() -> int | None:
    """The revision the client's change is based on, from ``If-Match``: ``None`` for
    ``*`` (any revision); 428 without the header, 412 for a tag this API never wrote."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise ApiProblem(
            428,
            "if_match_required",
            "Ange vilken version av posten ändringen bygger på: If-Match med ETag från "
            'GET (till exempel If-Match: "r3").',
        )
    if header == "*":
        return None
    found = _REVISION_TAG.fullmatch(header)
    if found is None:
        raise ApiProblem(
            412,
            "precondition_failed",
            "If-Match stämmer inte med postens ETag. Hämta posten igen.",
        )
    return int(found.group(1))


def page_response(
    items: list[Any], paging: Paging, endpoint: str, params: Mapping[str, str]
) -> Response:
    """One page of a list as the envelope, with its ``Link`` and ``X-Total-Count``."""
    body = {
        "items": items,
        "total": paging.total,
        "page": paging.page,
        "per_page": paging.per_page,
        "pages": paging.pages,
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
    kept = {**params, "per_sida": request.args.get("per_sida", "")}
    listing.link_headers(response, paging, endpoint, kept)
    return response


def json_response(data: Any, status: int = 200) -> Response:
    """``data`` as JSON (UTF-8, not escaped: Swedish text stays readable)."""
    return Response(
        json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json"
    )


def choice(args: Mapping[str, str], name: str, allowed: Sequence[str], default: str) -> str:
    """The query parameter ``name``, one of ``allowed``; 400 for anything else."""
    value = args.get(name, default)
    if value not in allowed:
        raise ApiProblem(400, "bad_parameter", f"{name} ska vara ett av: {', '.join(allowed)}.")
    return value
