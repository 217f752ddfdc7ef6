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
import tempfile
import threading
from collections.abc import Callable
from typing import Any, BinaryIO, cast

from flask import (
    Flask,
    Response,
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from styrdok import rules
from styrdok.enums import AckChannel
from styrdok.errors import Conflict, InvalidValue, NotFound, RuleViolation
from styrdok.i18n import money
from styrdok.labels import label
from styrdok.model import Person, Question
from styrdok.registry import Registry
from styrdok.serialize import to_data
from styrdok.text import normalise_text
from styrdok_intranet import (
    api,
    calendar,
    confirm_link,
    content,
    errors,
    forms,
    guard,
    listing,
    notices,
    reading,
    selfservice,
    statement,
)
from styrdok_intranet.api import context
from styrdok_intranet.api.access import check_cors_origins
from styrdok_intranet.api.context import REGISTRY_KEY
from styrdok_intranet.errors import Back, registry_reason
from styrdok_intranet.guard import require_form_user
from styrdok_intranet.identity import IdentityPolicy, form_token
from styrdok_intranet.security import (
    check_frame_ancestors,
    mailto_href,
    security_headers,
    web_href,
)

#: What a document page confirms after a form was sent (``?klart=…#kvitto``): the page
#: title's first words, and the message in the region the address's fragment focuses.
NOTICES = {
    "fraga": ("Frågan är skickad", "Tack! Din fråga är skickad till väktaren."),
    "svar": ("Svaret är sparat", "Ditt svar är sparat."),
    "faq": (
        "Svaret är sparat",
        "Ditt svar är sparat och finns nu bland vanliga frågor på den här sidan.",
    ),
    "last": (
        "Bekräftat",
        "Tack! Du har bekräftat att du har läst och förstått dokumentet.",
    ),
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
    statement_file: str | os.PathLike[str] | None = None,
    cors_origins: tuple[str, ...] = (),
) -> Flask:
    """The intranet app over the registry at ``db`` (a path or SQLAlchemy URL).

    Nobody is logged in unless ``trusted_proxies`` names the login proxy: the user header
    is believed from those addresses only. ``frame_ancestors`` says who may show the pages
    in a frame (``'self'``, ``'none'`` or origins; ``ValueError`` for anything else).
    ``statement_file`` is the accessibility statement served at ``/tillganglighet``
    (Markdown; the bundled template until the municipality has filled in its own).
    ``cors_origins`` are the other sites whose pages may call the versioned API from a
    browser (``ValueError`` for anything but origins, see
    :func:`.api.access.check_cors_origins`)."""
    app = Flask(__name__)
    app.config["STYRDOK_DB"] = db
    policy = IdentityPolicy.from_settings(user_header, trusted_proxies)
    headers = security_headers(check_frame_ancestors(frame_ancestors))
    form_secret = (
        secret
        or os.environ.get("STYRDOK_INTRANET_SECRET", "").encode()
        or (secrets.token_bytes(32))
    )
    origins = check_cors_origins(cors_origins)
    local = threading.local()
    statement_html = statement.render(statement_file)

    def registry() -> Registry:
        # One Registry per server thread: a registry holds one connection at a time.
        if getattr(local, "registry", None) is None:
            local.registry = Registry.open(db, clock=clock) if clock else Registry.open(db)
        reg: Registry = local.registry
        return reg

    app.extensions[REGISTRY_KEY] = registry
    app.register_blueprint(api.blueprint(cors_origins=origins))
    app.register_blueprint(confirm_link.blueprint())  # /bekrafta/<token>: no login needed

    @app.before_request
    def identify() -> None:
        g.user = policy.user(request.remote_addr, {k.lower(): v for k, v in request.headers})
        g.person = None
        g.to_read = None
        if g.user is not None:
            try:
                g.person = registry().get_person(g.user)
            except NotFound:
                g.person = None
        # What the person is asked to read: its count is in every page's menu.
        page = not request.path.startswith("/api/") and request.endpoint not in (
            "static",
            "ical",
        )
        if page and g.person is not None and g.person.active:
            g.to_read = registry().documents_to_read(g.person.ref)

    @app.after_request
    def private_when_personal(response: Response) -> Response:
        if g.get("user") is not None or response.mimetype == "text/html":
            response.headers["Cache-Control"] = "private, no-store"
        response.headers.update(headers)
        return response

    app.jinja_env.filters["web_href"] = web_href
    app.jinja_env.filters["mailto_href"] = mailto_href
    app.jinja_env.filters["swedish_number"] = forms.swedish_number

    @app.context_processor
    def helpers() -> dict[str, Any]:
        # Nothing here may read the registry: the error page for a broken database uses it.
        return {
            "label": label,
            "money": money,
            "file_kinds": content.FILE_KINDS,
            "file_size": content.file_size,
            "user": g.get("user"),
            "person": g.get("person"),
            "token": form_token(form_secret, g.user) if g.get("user") else "",
            "to_read_count": len(g.to_read) if g.get("to_read") is not None else None,
        }

    guard.install(app, form_secret)
    errors.install(app)
    # Requests, decisions and one's own lists; after identify(), whose person it reads.
    app.register_blueprint(selfservice.blueprint())
    app.register_blueprint(notices.blueprint())

    visible = context.visible  # a draft, or a draft revision, only for its makers

    # --- pages ----------------------------------------------------------------------------

    @app.get("/")
    def register() -> str:
        """One page of the register (``?sida=N``), filtered as its form asks."""
        reg = registry()
        found = listing.filtered(reg, request.args, g.person)
        documents = found.found.documents
        return render_template(
            "register.html",
            found=found.found,
            documents=documents,
            filters=found.filters,
            snippets=found.found.snippets,
            pager=listing.pager(found.found, "register", found.filters),
            choices=listing.filter_options(reg),
            persons=reg.persons_by_ref(d.guardian for d in documents if d.guardian),
            today=reg.today(),
        )

    def document_page(
        ref: str,
        *,
        asking: forms.Field | None = None,
        answering: dict[int, forms.Field] | None = None,
        notice: str | None = None,
        refused: reading.Refusal | None = None,
    ) -> str:
        """A document's page; ``asking`` and ``answering`` are forms shown again with what
        was typed and what is wrong with it, ``notice`` a key of :data:`NOTICES`,
        ``refused`` a confirmation that did not go through."""
        reg = registry()
        doc = visible(reg.get_document(ref))
        tree = reg.unit_tree()
        standing = reading.standing(reg, doc, person=g.person, to_read=g.get("to_read"), tree=tree)
        if notice == "last" and (standing is None or standing.mine is None):
            notice = None  # says "confirmed" only when it is so
        before = standing.pending.read_before if standing and standing.pending else None
        people = reg.persons_by_ref(r for r in (doc.owner, doc.guardian) if r)
        answering = answering or {}
        questions = reg.questions(ref)
        parent = reg.get_document(doc.parent) if doc.parent else None
        may_answer = rules.may_answer(g.user, doc)
        title_note, message = NOTICES.get(notice or "", (None, None))
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
            upcoming=doc.upcoming_on(reg.today()),
            coming=(coming := doc.new_version_from(reg.today())),
            applying_version=reg.document_applying(ref).version if coming else None,
            # Each open question with its answer form's field (an answered one too, if its
            # form comes back with a mistake: a second post of the form).
            open_questions=[
                (q, answering.get(q.id or 0, forms.Field()))
                for q in questions
                if may_answer and (q.answer is None or q.id in answering)
            ],
            asking=asking or forms.Field(),
            limits={"question": forms.QUESTION.limit, "answer": forms.ANSWER.limit},
            notice=message,
            title_note="Fel" if asking or answering or refused else title_note,
            standing=standing,
            # What it applies to by name, where that is a unit of the organisation.
            applies_to=[tree.get(u).name if u in tree else u for u in doc.applies_to],
            refused=refused,
            percent=reading.percent,
            local_day=reading.local_day,
            unread_shown=reading.UNREAD_SHOWN,
            **content.page_context(reg, doc, since=before.version if before else None),
        )

    @app.get("/dokument/<ref>")
    def document(ref: str) -> str:
        return document_page(ref, notice=request.args.get("klart"))

    @app.get("/dokument/<ref>/fil/<int:number>")
    def document_file(ref: str, number: int) -> Response:
        """A document's file, from the file storage, checked against its SHA-256 on the
        way (a changed or missing file is an error page, never other bytes)."""
        reg = registry()
        visible(reg.get_document(ref))
        # Closed by send_file once the response is sent; here only if the fetch fails.
        spool = tempfile.SpooledTemporaryFile(max_size=1_000_000)  # noqa: SIM115
        try:
            attachment = reg.fetch_file(ref, str(number), cast(BinaryIO, spool))
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return send_file(
            spool,
            mimetype=attachment.media_type,
            download_name=attachment.name,
            as_attachment=True,
        )

    @app.post("/dokument/<ref>/fraga")
    def ask(ref: str) -> ResponseReturnValue:
        """Ask the guardian; a mistake is shown next to the field, with the question kept;
        the answer to a question sent is a redirect to the page's confirmation."""
        g.back = Back("document", {"ref": ref}, "Tillbaka till dokumentet")
        user = require_form_user()
        visible(registry().get_document(ref))
        typed = request.form.get("text", "")
        # A textarea's line breaks come as CR LF, which the text rules would refuse as a
        # control character: stored as LF; the page shows again what was typed.
        text = normalise_text(typed)
        error, detail = forms.problem(forms.QUESTION, text), None
        if error is None:
            try:
                registry().ask(ref, text, actor=user)
            except InvalidValue as exc:
                error, detail = forms.REFUSED, registry_reason(exc)
            else:
                return redirect(url_for("document", ref=ref, klart="fraga") + "#kvitto")
        return document_page(ref, asking=forms.Field(typed, error, detail)), 400

    @app.post("/fragor/<int:question_id>/svar")
    def answer(question_id: int) -> ResponseReturnValue:
        """Answer a question, the same way as :func:`ask`."""
        g.back = Back("my_questions", {}, "Till frågorna till dig")
        user = require_form_user()
        typed = request.form.get("answer", "")
        text = normalise_text(typed)
        faq = request.form.get("faq") == "ja"
        error, detail = forms.problem(forms.ANSWER, text), None
        if error is None:
            try:
                question = registry().answer(question_id, text, actor=user, promote_to_faq=faq)
            except InvalidValue as exc:
                error, detail = forms.REFUSED, registry_reason(exc)
            else:
                done = "faq" if faq else "svar"
                target = url_for("document", ref=question.document_ref, klart=done)
                return redirect(target + "#kvitto")
        question = find_question(question_id)
        doc = visible(registry().get_document(question.document_ref))
        if not rules.may_answer(user, doc):
            abort(403, "Bara dokumentets väktare eller ägare får besvara frågor om det.")
        field = forms.Field(typed, error, detail, checked=faq)
        return document_page(doc.ref, answering={question_id: field}), 400

    def find_question(question_id: int) -> Question:
        return registry().get_question(question_id)

    # --- read acknowledgement ---------------------------------------------------------------

    def to_read_page(
        *, notice_ref: str | None = None, refused: reading.Refusal | None = None
    ) -> str:
        """The signed-in person's documents to read; ``notice_ref`` the one just confirmed
        (said only when it is so), ``refused`` a confirmation that did not go through."""
        reg = registry()
        confirmed = None
        if notice_ref and g.person is not None:
            try:
                doc = reg.get_document(notice_ref)
            except NotFound:
                doc = None
            if doc is not None and rules.may_see_draft(g.person, doc):
                ack = reading.acknowledgement(reg, g.person.ref, doc)
                confirmed = (doc, ack) if ack is not None else None
        items = reading.items(reg, g.get("to_read") or [])
        return render_template(
            "to_read.html",
            items=items,
            confirmed=confirmed,
            refused=refused,
            refused_here=refused is not None and any(i.document.ref == refused.ref for i in items),
            title_note="Fel" if refused else "Bekräftat" if confirmed else None,
            local_day=reading.local_day,
        )

    @app.get("/att-lasa")
    def to_read() -> str:
        return to_read_page(notice_ref=request.args.get("klart"))

    @app.post("/dokument/<ref>/bekraftelse")
    def confirm(ref: str) -> ResponseReturnValue:
        """Confirm ("Jag har läst och förstått") the version the page showed, then back to
        the page the form was on (the "Att läsa" list or the document) with its
        confirmation; a refusal is said on that page."""
        from_list = request.form.get("fran") == "lista"
        g.back = (
            Back("to_read", {}, "Till Att läsa")
            if from_list
            else Back("document", {"ref": ref}, "Tillbaka till dokumentet")
        )
        user = require_form_user()
        version = reading.form_version(request.form.get("version", ""))
        if version is None:
            abort(
                400,
                "Formuläret säger inte vilken version du läste. Gå tillbaka, ladda om sidan "
                "och bekräfta igen.",
            )
        reg = registry()
        visible(reg.get_document(ref))
        try:
            reg.acknowledge(ref, actor=user, channel=AckChannel.INTRANET, version=version)
        except (Conflict, RuleViolation) as exc:  # a newer version, or no longer in force
            refused = reading.refusal(reg.get_document(ref), version, registry_reason(exc))
            page = (
                to_read_page(refused=refused) if from_list else document_page(ref, refused=refused)
            )
            return page, refused.status
        if from_list:
            return redirect(url_for("to_read", klart=ref) + "#kvitto")
        return redirect(url_for("document", ref=ref, klart="last") + "#kvitto")

    @app.get("/tillganglighet")
    def accessibility() -> str:
        return render_template("statement.html", body=statement_html)

    @app.get("/fragor")
    def my_questions() -> str:
        groups = registry().open_questions(guardian=g.user) if g.user else []
        return render_template("questions.html", groups=groups)

    @app.get("/aktuellt")
    def due() -> str:
        """One page (``?sida=N``) of what falls due within 60 days, overdue first."""
        reg = registry()
        found = reg.due_page(
            within_days=rules.REVIEW_SOON_DAYS, page=listing.page_number(request.args)
        )
        return render_template(
            "due.html",
            items=found.items,
            # People by name, as readers know them: only those on this page are read.
            people=reg.persons_by_ref({item.person for item in found.items}),
            found=found,
            pager=listing.pager(found, "due", {}),
        )

    # --- JSON API and calendar ------------------------------------------------------------

    @app.get("/api/dokument")
    def api_documents() -> Response:
        """One page of the register as a JSON list (``sida``, ``per_sida``: 50, at most
        200), the filters as on ``/``; the total and the other pages in the headers."""
        size = listing.page_size(request.args)
        found = listing.filtered(registry(), request.args, g.person, per_page=size)
        response = jsonify([to_data(d) for d in found.found.documents])
        params = {**found.filters, "per_sida": request.args.get("per_sida", "")}
        listing.link_headers(response, found.found, "api_documents", params)
        return response

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
        """One page of ``/aktuellt`` as a JSON list, paged as ``/api/dokument``."""
        size = listing.page_size(request.args)
        found = registry().due_page(
            within_days=rules.REVIEW_SOON_DAYS,
            page=listing.page_number(request.args),
            per_page=size,
        )
        response = jsonify([to_data(i) for i in found.items])
        params = {"per_sida": request.args.get("per_sida", "")}
        listing.link_headers(response, found, "api_due", params)
        return response

    def api_person() -> Person:
        """The signed-in person, for the API's personal routes (403 otherwise)."""
        if g.get("user") is None:
            abort(403, "Logga in via intranätet.")
        if g.person is None:
            abort(403, f"{g.user} finns inte i registret.")
        person: Person = g.person
        return person

    @app.get("/api/att-lasa")
    def api_to_read() -> Response:
        """What the signed-in person is asked to read, as ``/att-lasa`` shows it."""
        person = api_person()
        return jsonify(reading.to_read_list(registry(), person.ref, "api_confirm"))

    @app.post("/api/dokument/<ref>/bekraftelse")
    def api_confirm(ref: str) -> ResponseReturnValue:
        """Confirm ``{"version": N}`` of a document: 201 with the acknowledgement, 200 if
        that version was already confirmed. Only ``application/json`` is taken (415
        otherwise): a page on another site cannot send that without the browser asking
        this app first, which it never allows — the API's defence against CSRF."""
        person = api_person()
        if request.mimetype != "application/json":
            response = errors.problem(
                415, 'Skicka bekräftelsen som application/json: {"version": N}.'
            )
            response.headers["Accept-Post"] = "application/json"
            return response
        version = reading.json_version(request.get_json(silent=True))
        if version is None:
            return errors.problem(
                400,
                'Ange versionen du läste som ett heltal från 1: {"version": N}.',
            )
        reg = registry()
        doc = visible(reg.get_document(ref))
        try:
            ack, created = reading.confirm_json(reg, person.ref, doc, version)
        except reading.NotConfirmed as refused:
            return errors.problem(
                refused.refusal.status,
                refused.refusal.message,
                reason=refused.refusal.detail,
                version=refused.document.version,
                document_status=refused.document.status.value,
            )
        return jsonify(to_data(ack)), 201 if created else 200

    @app.get("/kalender.ics")
    def ical() -> Response:
        """The annual cycle as an iCalendar feed (:mod:`.calendar`), written as it is
        read. The body needs neither the request nor ``g``: it reads this thread's
        registry, which serves no other request until the body is sent."""
        body = calendar.registry_feed(
            registry(), base_url=request.host_url.rstrip("/"), domain=calendar_domain
        )
        return Response(body, mimetype="text/calendar; charset=utf-8")

    return app


__all__ = ["create_app"]
