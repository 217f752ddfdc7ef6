"""``/mina-aviseringar``: the kinds of notice the signed-in person gets by e-mail or chat,
and opting out of some — or back in (issue 16: each person can opt out of a kind of notice,
never of decisions about their own requests).

The registry decides (:meth:`~styrdok.registry.Registry.set_notices`): who may change it,
which kinds exist and that decisions cannot be muted. The page is a plain form of
checkboxes, protected like every form of the app (:mod:`.guard`); it works without
JavaScript and answers with a redirect to itself and a confirmation.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from styrdok.labels import label
from styrdok.notify import ALWAYS_TOLD, NoticeKind
from styrdok_intranet.api.context import registry
from styrdok_intranet.errors import Back
from styrdok_intranet.guard import require_form_user

#: What each group of kinds is about, in the order the page shows them.
GROUPS = (
    (
        "Dokument du äger eller är väktare för",
        (
            NoticeKind.REVIEW,
            NoticeKind.OVERDUE,
            NoticeKind.DOCUMENT_EXPIRY,
        ),
    ),
    (
        "Dispenser",
        (
            NoticeKind.REQUEST,
            NoticeKind.RENEWAL_REQUEST,
            NoticeKind.REQUEST_WITHDRAWN,
            NoticeKind.REQUEST_WAITING,
            NoticeKind.DECISION,
            NoticeKind.DISPENSATION_EXPIRY,
            NoticeKind.EVALUATION,
        ),
    ),
    ("Frågor", (NoticeKind.QUESTION, NoticeKind.QUESTION_WAITING, NoticeKind.ANSWER)),
    ("Att läsa", (NoticeKind.READ, NoticeKind.READ_MANAGER)),
    (
        "Till dig som kontaktperson eller chef",
        (
            NoticeKind.ESCALATION,
            NoticeKind.ESCALATION_MANAGER,
            NoticeKind.REQUEST_ESCALATION,
            NoticeKind.QUESTION_ESCALATION,
        ),
    ),
)


def blueprint() -> Blueprint:
    """The page and its form."""
    bp = Blueprint("notices", __name__)

    def page(saved: bool) -> str:
        person = g.get("person")
        muted = registry().muted_notices(person.ref) if person is not None else frozenset()
        return render_template(
            "notices.html",
            groups=GROUPS,
            muted=muted,
            always=ALWAYS_TOLD,
            label=label,
            saved=saved,
            title_note="Sparat" if saved else None,
        )

    @bp.get("/mina-aviseringar")
    def show() -> str:
        return page(saved=request.args.get("klart") == "sparat" and g.get("person") is not None)

    @bp.post("/mina-aviseringar")
    def save() -> ResponseReturnValue:
        g.back = Back("notices.show", {}, "Tillbaka till Mina aviseringar")
        user = require_form_user("Logga in via intranätet för att välja dina aviseringar.")
        if g.get("person") is None:
            abort(403, f"{user} finns inte i registret.")
        wanted = set(request.form.getlist("vill"))
        kinds = [kind for kind in NoticeKind if kind not in ALWAYS_TOLD]
        registry().set_notices(
            user,
            mute=[k for k in kinds if k.value not in wanted],
            unmute=[k for k in kinds if k.value in wanted],
            actor=user,
        )
        return redirect(url_for("notices.show", klart="sparat") + "#kvitto")

    return bp
