"""Who is calling the API, and which other sites' pages may call it from a browser.

Two ways to say who you are, both decided by the registry:

* **A personal API token** — ``Authorization: Bearer styrdok_…`` — for programs: a
  Sitevision or SharePoint page's server side, an integration. The registry checks it
  (:meth:`~styrdok.Registry.authenticate_token`: stored hashed, expires, revocable, only
  for a person still active). A token that does not hold is a 401, never a quiet
  anonymous read: a program with a broken token should find out at once.
* **The login proxy's header**, as the pages use it (:mod:`styrdok_intranet.identity`),
  for a browser on the intranet.

Reading the register needs neither; anything personal or any change needs one (401 with
``WWW-Authenticate: Bearer`` otherwise).

**CORS**: a page on another origin (the intranet portal) may call the API from the
browser only when that origin is configured (``--cors-origin``). Its requests may carry
the browser's credentials (the login proxy's cookie), so origins are named one by one —
never ``*``, never a pattern — and each response says ``Vary: Origin``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, g, request

from styrdok.errors import StyrdokError
from styrdok.model import Person
from styrdok.registry import Registry
from styrdok_intranet.api.http import ApiProblem
from styrdok_intranet.errors import registry_reason, request_language
from styrdok_intranet.security import ORIGIN

#: What a browser on a configured origin may send and read.
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match"
EXPOSED_HEADERS = "ETag, Link, Location, X-Total-Count"
#: How long a browser may keep a preflight's answer (seconds).
PREFLIGHT_MAX_AGE = "600"

_CHALLENGE = 'Bearer realm="styrdok"'


def check_cors_origins(values: Iterable[str]) -> tuple[str, ...]:
    """Each origin as a browser sends it (``https://intranet.kommun.se``, lower case);
    ``ValueError`` with one line for a path, a wildcard, ``*`` or anything else."""
    found = []
    for value in values:
        origin = value.strip().rstrip("/").lower()
        if not ORIGIN.fullmatch(origin):
            raise ValueError(
                f"{value!r} is not an origin: write one address such as "
                "https://intranet.kommun.se (scheme and host, optionally a port; no path, "
                "no wildcard)"
            )
        found.append(origin)
    return tuple(found)


def authenticate(reg: Registry) -> None:
    """Believe a bearer token over the proxy's header: ``g.user`` and ``g.person`` become
    the token's person. A malformed, unknown, expired or revoked token is a 401."""
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiProblem(
            401,
            "invalid_request",
            "Authorization ska vara Bearer följt av en API-nyckel från styrdok token create.",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_request"'},
        )
    try:
        person = reg.authenticate_token(secret.strip())
    except StyrdokError as exc:
        raise ApiProblem(
            401,
            "invalid_token",
            "API-nyckeln gäller inte (okänd, utgången eller återkallad).",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
            reason=registry_reason(exc, request_language()),
        ) from None
    g.user = person.ref
    g.person = person


def signed_in() -> Person:
    """The person calling (token or proxy), or a 401 asking them to say who they are."""
    person: Person | None = g.get("person")
    if person is None:
        user = g.get("user")
        detail = (
            f"{user} finns inte i registret."
            if user
            else "Logga in via intranätet eller skicka en API-nyckel (Authorization: Bearer …)."
        )
        raise ApiProblem(401, "unauthenticated", detail, headers={"WWW-Authenticate": _CHALLENGE})
    return person


def cors_headers(response: Response, origins: tuple[str, ...]) -> Response:
    """Allow a configured origin's page to read ``response`` (and a preflight to go on)."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin", "").lower()
    if not origin or origin not in origins:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response
