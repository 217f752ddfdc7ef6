"""The styrdok register on a municipal intranet: a small Flask app that embeds the Registry.

Pages are rendered on the server as plain HTML (works without JavaScript); every page has
a JSON twin under ``/api`` and the annual cycle is an iCalendar feed. The registry decides
what each user may do: this app only passes on who they are (:mod:`.identity`).

Every response that depends on who is asking — every HTML page (it names the logged-in
person and carries their form token) and anything answered to a logged-in person — is sent
``Cache-Control: private, no-store``: no shared cache may hand one person's page to another,
and the browser keeps no copy after the session.

Every response also carries the security headers of :mod:`.security` (a strict
Content-Security-Policy with a configurable ``frame-ancestors``), every link to another site
goes through :func:`.security.web_href`, and drafts are shown only to those who work on
them (:func:`styrdok.rules.may_see_draft`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from styrdok import rules
from styrdok.enums import DocStatus
from styrdok.errors import NotFound, PermissionDenied, StyrdokError
from styrdok.labels import label
from styrdok.model import Document, Person
from styrdok.registry import Registry
from styrdok.serialize import to_data
from styrdok.text import normalise_query, normalise_text
from styrdok_intranet import calendar
from styrdok_intranet.identity import IdentityPolicy, form_token, token_ok
from styrdok_intranet.security import (
    check_frame_ancestors,
    mailto_href,
    security_headers,
    web_href,
)

#: What the error page says for a refusal that comes from the web layer, not the registry.
HTTP_MESSAGES = {
    400: "Begäran gick inte att förstå.",
    403: "Du har inte behörighet till den här sidan.",
    404: "Sidan finns inte. Kontrollera adressen, eller sök bland styrdokumenten.",
    405: "Sidan kan inte användas på det sättet.",
    413: "Det du skickade är för stort.",
}


def create_app(
    db: str,
    *,
    trusted_proxies: tuple[str, ...] = (),
    user_header: str = "X-Remote-User",
    frame_ancestors: str = "'self'",
    secret: bytes | None = None,
    calendar_domain: str = "styrdok.intranet",
    clock: Callable[[], dt.datetime] | None = None,
) -> Flask:
    """The intranet app over the registry at ``db`` (a path or SQLAlchemy URL).

    Nobody is logged in unless ``trusted_proxies`` names the login proxy: the user header
    is believed from those addresses only. ``frame_ancestors`` says who may show the pages
    in a frame (``'self'``, ``'none'`` or origins; ``ValueError`` for anything else)."""
    app = Flask(__name__)
    app.config["STYRDOK_DB"] = db
    policy = IdentityPolicy.from_settings(user_header, trusted_proxies)
    headers = security_headers(check_frame_ancestors(frame_ancestors))
    form_secret = (
        secret
        or os.environ.get("STYRDOK_INTRANET_SECRET", "").encode()
        or (secrets.token_bytes(32))
    )
    local = threading.local()

    def registry() -> Registry:
        # One Registry per server thread: a registry holds one connection at a time.
        if getattr(local, "registry", None) is None:
            local.registry = Registry.open(db, clock=clock) if clock else Registry.open(db)
        reg: Registry = local.registry
        return reg

    @app.before_request
    def identify() -> None:
        g.user = policy.user(request.remote_addr, {k.lower(): v for k, v in request.headers})
        g.person = None
        if g.user is not None:
            try:
                g.person = registry().get_person(g.user)
            except NotFound:
                g.person = None

    @app.after_request
    def private_when_personal(response: Response) -> Response:
        if g.get("user") is not None or response.mimetype == "text/html":
            response.headers["Cache-Control"] = "private, no-store"
        response.headers.update(headers)
        return response

    app.jinja_env.filters["web_href"] = web_href
    app.jinja_env.filters["mailto_href"] = mailto_href

    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {
            "label": label,
            "today": registry().today(),
            "user": g.get("user"),
            "person": g.get("person"),
            "token": form_token(form_secret, g.user) if g.get("user") else "",
        }

    def require_form_user() -> str:
        user: str | None = g.get("user")
        if user is None:
            raise PermissionDenied("logga in via intranätet för att ställa eller besvara frågor")
        if not token_ok(form_secret, user, request.form.get("token", "")):
            abort(400, "formuläret har gått ut; ladda om sidan och försök igen")
        return user

    def form_text(name: str) -> str:
        """A form field as text, its line breaks as LF: browsers send a textarea's line
        breaks as CR LF, which the text rules would refuse as a control character."""
        return normalise_text(request.form.get(name, ""))

    @app.errorhandler(StyrdokError)
    def refused(exc: StyrdokError) -> tuple[str, int]:
        status = (
            404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 400
        )
        if request.path.startswith("/api/"):
            return jsonify(error=str(exc)), status  # type: ignore[return-value]
        return render_template("error.html", message=str(exc)), status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        """Werkzeug's own pages (an unknown address, a wrong method, an expired form) in
        Swedish and in the app's layout, or as JSON under ``/api``."""
        status = exc.code or 500
        if status < 400:
            return exc  # type: ignore[return-value]
        own = exc.description if exc.description != type(exc).description else None
        message = own or HTTP_MESSAGES.get(status, "Något gick fel.")
        if request.path.startswith("/api/"):
            response = jsonify(error=message)
        else:
            response = Response(render_template("error.html", message=message))
        response.status_code = status
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    def visible(doc: Document) -> Document:
        """``doc``, or :class:`NotFound` as for a ref that does not exist: a draft is not
        shown (nor said to exist) to those who do not work on it."""
        if not rules.may_see_draft(g.get("person"), doc):
            raise NotFound(f"unknown document {doc.ref!r}")
        return doc

    # --- pages ----------------------------------------------------------------------------

    @app.get("/")
    def register() -> str:
        reg = registry()
        persons = reg.list_persons()
        filters, documents = _filtered(reg, persons)
        return render_template(
            "register.html",
            documents=documents,
            filters=filters,
            choices=_choices(reg, persons),
            persons={p.ref: p for p in persons},
        )

    @app.get("/dokument/<ref>")
    def document(ref: str) -> str:
        reg = registry()
        doc = visible(reg.get_document(ref))
        people = {p.ref: p for p in reg.list_persons()}
        questions = reg.questions(ref)
        parent = reg.get_document(doc.parent) if doc.parent else None
        may_answer = rules.may_answer(g.user, doc)
        return render_template(
            "document.html",
            doc=doc,
            owner=people.get(doc.owner),
            guardian=people.get(doc.guardian or ""),
            parent=parent if parent and rules.may_see_draft(g.person, parent) else None,
            children=[
                c for c in reg.list_documents(parent=ref) if rules.may_see_draft(g.person, c)
            ],
            active=reg.dispensations_active_on(document=ref),
            review=rules.review_state(doc, reg.today()),
            open_questions=[q for q in questions if q.answer is None] if may_answer else [],
            asked=request.args.get("fragan") == "skickad",
        )

    @app.post("/dokument/<ref>/fraga")
    def ask(ref: str) -> Response:
        user = require_form_user()
        visible(registry().get_document(ref))
        registry().ask(ref, form_text("text"), actor=user)
        return redirect(url_for("document", ref=ref, fragan="skickad") + "#fraga")  # type: ignore[return-value]

    @app.post("/fragor/<int:question_id>/svar")
    def answer(question_id: int) -> Response:
        user = require_form_user()
        question = registry().answer(
            question_id,
            form_text("answer"),
            actor=user,
            promote_to_faq=request.form.get("faq") == "ja",
        )
        return redirect(url_for("document", ref=question.document_ref) + "#faq")  # type: ignore[return-value]

    @app.get("/fragor")
    def my_questions() -> str:
        groups = registry().open_questions(guardian=g.user) if g.user else []
        return render_template("questions.html", groups=groups)

    @app.get("/dispens/<ref>")
    def dispensation(ref: str) -> str:
        reg = registry()
        disp = reg.get_dispensation(ref)
        people = {p.ref: p for p in reg.list_persons()}
        return render_template(
            "dispensation.html",
            disp=disp,
            doc=visible(reg.get_document(disp.document_ref)),
            people=people,
            active=disp.active_on(reg.today()),
        )

    @app.get("/aktuellt")
    def due() -> str:
        return render_template("due.html", items=registry().due(within_days=rules.REVIEW_SOON_DAYS))

    # --- JSON API and calendar ------------------------------------------------------------

    @app.get("/api/dokument")
    def api_documents() -> Response:
        reg = registry()
        _filters, documents = _filtered(reg, reg.list_persons())
        return jsonify([to_data(d) for d in documents])

    @app.get("/api/dokument/<ref>")
    def api_document(ref: str) -> Response:
        reg = registry()
        return jsonify(
            {
                "document": to_data(visible(reg.get_document(ref))),
                "active_dispensations": [
                    to_data(d) for d in reg.dispensations_active_on(document=ref)
                ],
                "children": [
                    d.ref
                    for d in reg.list_documents(parent=ref)
                    if rules.may_see_draft(g.person, d)
                ],
            }
        )

    @app.get("/api/dispenser/<ref>")
    def api_dispensation(ref: str) -> Response:
        reg = registry()
        disp = reg.get_dispensation(ref)
        visible(reg.get_document(disp.document_ref))
        return jsonify(to_data(disp))

    @app.get("/api/aktuellt")
    def api_due() -> Response:
        return jsonify([to_data(i) for i in registry().due(within_days=rules.REVIEW_SOON_DAYS)])

    @app.get("/kalender.ics")
    def ical() -> Response:
        reg = registry()
        body = calendar.feed(
            reg.list_documents(status=DocStatus.IN_FORCE),
            reg.dispensations_active_on(),
            base_url=request.host_url.rstrip("/"),
            domain=calendar_domain,
        )
        return Response(body, mimetype="text/calendar; charset=utf-8")

    return app


def _filtered(reg: Registry, persons: list[Person]) -> tuple[dict[str, str], list[Document]]:
    """The register list as the search form asks: free text, type, body, unit, status and
    overdue review. Defaults to documents in force."""
    args = request.args
    filters = {
        "q": normalise_query(args.get("q", "")),
        "typ": args.get("typ", ""),
        "instans": args.get("instans", ""),
        "enhet": args.get("enhet", ""),
        "status": args.get("status", DocStatus.IN_FORCE.value),
        "forsenad": args.get("forsenad", ""),
    }
    status = DocStatus(filters["status"]) if filters["status"] in set(DocStatus) else None
    documents = reg.list_documents(
        status=status, doc_type=filters["typ"] or None, body=filters["instans"] or None
    )
    units = {p.ref: p.unit for p in persons}
    today = reg.today()

    def keep(doc: Document) -> bool:
        if not rules.may_see_draft(g.get("person"), doc):
            return False
        if filters["enhet"] and units.get(doc.owner) != filters["enhet"]:
            return False
        if filters["forsenad"] and rules.review_state(doc, today) is not rules.ReviewState.OVERDUE:
            return False
        text = filters["q"].casefold()
        return not text or any(
            text in field.casefold() for field in (doc.ref, doc.title, doc.purpose, doc.audience)
        )

    return filters, [d for d in documents if keep(d)]


def _choices(reg: Registry, persons: list[Person]) -> dict[str, list[tuple[str, str]]]:
    return {
        "typ": [
            (t.value, label(t.value)) for t in sorted({d.doc_type for d in reg.list_documents()})
        ],
        "instans": [(b.ref, b.name) for b in reg.list_bodies()],
        "enhet": [(u, u) for u in sorted({p.unit for p in persons if p.unit})],
        "status": [(s.value, label(s.value)) for s in DocStatus],
    }


__all__ = ["create_app"]
