"""Self-service for dispensations and questions: request a dispensation, follow one's own
requests and questions, decide what waits on oneself, withdraw, renew, evaluate.

Each page that changes something calls exactly one registry method, which applies every
rule of the core — separation of duties, the longest allowed duration, renewals, funding —
exactly as for the command line and the API; this module decides nothing. It checks each
form first by the same rules to say, in Swedish and next to the field, what the registry
would refuse (:mod:`.disp_forms`, :mod:`.step_forms`), offers each form only to those the
rules let use it (:mod:`.disp_steps`), and shows what the registry still refuses with its
own reason. One's own lists are in :mod:`.mylists`.

A change to a dispensation carries the revision the page showed: if someone else changed
it in between (another decider was quicker), nothing is written and the page says so and
shows the dispensation as it is now. Every form carries the user's form token
(:func:`.guard.require_form_user`); a form that went through redirects to the
dispensation's page with a confirmation in a ``role="status"`` region (Post/Redirect/Get).
"""

from __future__ import annotations

import attrs
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from styrdok import rules
from styrdok.dispensation import Dispensation
from styrdok.enums import DispStatus
from styrdok.errors import Conflict, InvalidValue, NotFound, PermissionDenied, RuleViolation
from styrdok.model import Document, Person
from styrdok_intranet import disp_forms, disp_steps, mylists, step_forms
from styrdok_intranet.api.context import registry, visible
from styrdok_intranet.disp_forms import Form
from styrdok_intranet.errors import Back, registry_reason
from styrdok_intranet.forms import REFUSED, Field
from styrdok_intranet.guard import require_form_user

#: Said (403) to someone who sends a dispensation form without being signed in.
LOGIN = "Logga in via intranätet för att ansöka om, besluta om eller följa upp dispenser."
#: The registry's refusals a form shows next to itself (a Conflict has a page of its own).
REFUSALS = (InvalidValue, NotFound, PermissionDenied, RuleViolation)
#: Said in Swedish before the registry's reason when it says the person may not.
NOT_DECIDER = (
    "Du får inte besluta om den här ansökan: det gör dokumentets väktare eller en "
    "godkännare som dokumentet utser, aldrig den som ansökt eller är ansvarig."
)
NOT_WITHDRAWER = "Bara den som ansökte, eller en administratör, får återta ansökan."
NOT_EVALUATOR = (
    "Bara den ansvariga, dokumentets väktare eller en administratör får utvärdera dispensen."
)
#: What a dispensation's page confirms after a form (``?klart=…#kvitto``): its title's
#: first words, the message, and when it is true (the page says it only then).
NOTICES = {
    "ansokan": (
        "Ansökan är skickad",
        "Tack! Din ansökan om dispens är skickad och väntar nu på beslut.",
    ),
    "fornyelse": (
        "Ansökan är skickad",
        "Tack! Din ansökan om förlängning är skickad och väntar nu på beslut.",
    ),
    "beviljad": ("Beslutet är sparat", "Beslutet är sparat: ansökan är beviljad."),
    "avslagen": ("Beslutet är sparat", "Beslutet är sparat: ansökan är avslagen."),
    "atertagen": ("Ansökan är återtagen", "Ansökan är återtagen. Ingen behöver besluta om den."),
    "utvarderad": ("Utvärderingen är sparad", "Tack! Utvärderingen är sparad."),
}

#: Said on the page when a dispensation changed after the page showed it.
CHANGED = (
    "Dispensen har ändrats sedan du öppnade sidan: någon annan kan ha fattat beslut om den "
    "eller ändrat den. Inget av det du skickade har sparats. Så här ser den ut nu; gör om "
    "det du ville göra om det fortfarande behövs."
)


@attrs.frozen
class Problem:
    """Something said at the top of a dispensation's page: a change that did not go through."""

    message: str
    """In Swedish."""
    detail: str | None = None
    """The registry's own reason, in English."""


def _said(notice: str | None, disp: Dispensation, user: str | None) -> bool:
    """Whether the confirmation ``notice`` is true of ``disp`` for ``user``: a made-up
    address confirms nothing."""
    decided_by = disp.decision.by if disp.decision else None
    return user is not None and {
        "ansokan": disp.status is DispStatus.REQUESTED and disp.requested_by == user,
        "fornyelse": disp.renewal_of is not None and disp.requested_by == user,
        "beviljad": decided_by == user and disp.status is not DispStatus.REJECTED,
        "avslagen": decided_by == user and disp.status is DispStatus.REJECTED,
        "atertagen": disp.status is DispStatus.WITHDRAWN,
        "utvarderad": disp.evaluation is not None and disp.evaluation.by == user,
    }.get(notice or "", False)


def _shown(ref: str) -> tuple[Dispensation, Document]:
    """Dispensation ``ref`` and its document, if the reader may see the document."""
    reg = registry()
    disp = reg.get_dispensation(ref)
    return disp, visible(reg.get_document(disp.document_ref))


def dispensation_page(
    ref: str,
    *,
    notice: str | None = None,
    forms: dict[str, Form] | None = None,
    problem: Problem | None = None,
) -> str:
    """A dispensation's page, with the forms its reader may use: ``forms`` are forms
    shown again with what was typed and what is wrong with it (by their prefix),
    ``problem`` a change that did not go through, ``notice`` a key of :data:`NOTICES`."""
    reg = registry()
    disp, doc = _shown(ref)
    person: Person | None = g.get("person")
    offers = disp_steps.offers(reg, disp, doc, person)
    decider = disp.decision.by if disp.decision else None
    evaluator = disp.evaluation.by if disp.evaluation else None
    named = (disp.responsible, disp.requested_by, decider, evaluator, *offers.deciders)
    shown = {
        "beslut": offers.decide,
        "ater": offers.withdraw,
        "forny": offers.renewal.offered,
        "utv": offers.evaluate,
    }
    forms = forms or {}
    for name, form in forms.items():
        if form.failed and not shown[name] and problem is None:
            # A form sent from a page the reader no longer gets (the step is not theirs,
            # or no longer open): what went wrong is said at the top instead.
            problem = Problem(form.message, form.refused)
    title_note, message = NOTICES.get(notice or "", (None, None))
    if not _said(notice, disp, g.get("user")):
        title_note, message = None, None
    failed = problem is not None or any(f.failed for f in forms.values())
    tree = reg.unit_tree()
    return render_template(
        "dispensation.html",
        disp=disp,
        doc=doc,
        # Whom it applies to by name, where that is a unit of the organisation.
        applies_to=[tree.get(u).name if u in tree else u for u in disp.applies_to],
        people=reg.persons_by_ref(r for r in named if r),
        active=disp.active_on(reg.today()),
        offers=offers,
        forms={
            name: forms.get(name, Form(prefix=f"{name}-"))
            for name in ("beslut", "ater", "forny", "utv")
        },
        bodies=reg.body_names() if offers.decide else [],
        problem=problem,
        notice=message,
        title_note="Fel" if failed else title_note,
        limits=disp_forms.LIMITS,
    )


def _revision() -> int:
    """The revision of the dispensation the form was sent from (a hidden field); 400 in
    the app's layout if the form carries none."""
    revision = step_forms.form_revision(request.form)
    if revision is None:
        abort(
            400,
            "Formuläret säger inte vilken version av dispensen du såg. Gå tillbaka, ladda "
            "om sidan och försök igen.",
        )
    return revision


def _changed(ref: str, form: Form, detail: str | None = None) -> ResponseReturnValue:
    """The page as it is now (409), saying the change did not go through; what was typed
    into ``form`` is kept, without the mistakes of a form that no longer applies."""
    kept = attrs.evolve(
        form,
        fields={n: Field(f.value, checked=f.checked) for n, f in form.fields.items()},
        refused=None,
    )
    return dispensation_page(
        ref, forms={form.prefix.rstrip("-"): kept}, problem=Problem(CHANGED, detail)
    ), 409


def blueprint() -> Blueprint:
    """The self-service pages (register it after the app's own ``before_request``: the
    count of what waits on the reader is read only for someone it has identified)."""
    bp = Blueprint("selfservice", __name__)

    @bp.route("/dispens/ny", methods=["GET", "POST"])
    def new_request() -> ResponseReturnValue:
        """Request a dispensation from ``?dokument=REF`` (its page links here)."""
        ref = request.args.get("dokument", "").strip()
        if not ref:
            abort(
                400,
                "Ange vilket dokument du vill ansöka om dispens från: öppna dokumentets sida "
                "och välj ”Ansök om dispens”.",
            )
        g.back = Back("document", {"ref": ref}, "Tillbaka till dokumentet")
        reg = registry()
        doc = visible(reg.get_document(ref))
        if request.method == "GET":
            today = reg.today().isoformat()
            fresh = {"ansvarig": Field(g.get("user") or ""), "giltig_fran": Field(today)}
            return _request_page(doc, Form(fields=fresh))
        user = require_form_user(LOGIN)
        form, wanted = disp_forms.request_form(
            request.form,
            document=doc.ref,
            rules=doc.dispensation_rules,
            units=reg.unit_tree(),
            known=lambda person: bool(reg.persons_by_ref([person])),
        )
        status = 400
        if wanted is not None:
            try:
                disp = reg.request_dispensation(wanted, actor=user)
            except REFUSALS as exc:
                form, status = _refusal(form, exc, "Registret tar inte emot ansökningar från dig.")
            else:
                target = url_for(".dispensation", ref=disp.ref, klart="ansokan")
                return redirect(target + "#kvitto")
        return _request_page(doc, form), status

    def _request_page(doc: Document, form: Form) -> str:
        """The request form for ``doc``, beside the document's dispensation rules."""
        reg = registry()
        deciders = sorted(rules.approvers_of(doc))
        tree = reg.unit_tree()
        return render_template(
            "dispensation_new.html",
            doc=doc,
            form=form,
            dispensable=_dispensable(doc),
            deciders=deciders,
            people=reg.persons_by_ref(deciders),
            # Each unit under its parent, indented by its depth (no-break spaces: a select
            # shows no other markup, and a screen reader reads no spaces aloud).
            units=[(u.ref, "\u00a0" * 3 * tree.depth(u.ref) + u.name) for u in tree.walk()]
            if tree
            else [],
            limits=disp_forms.LIMITS,
            title_note="Fel" if form.failed else None,
        )

    @bp.get("/dispens/<ref>")
    def dispensation(ref: str) -> str:
        """One dispensation, with the forms its reader may use."""
        return dispensation_page(ref, notice=request.args.get("klart"))

    @bp.post("/dispens/<ref>/beslut")
    def decide(ref: str) -> ResponseReturnValue:
        """Approve or reject a request (its deciders; never a party to it)."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        reg = registry()
        disp, doc = _shown(ref)
        form, wanted = step_forms.decision_form(
            request.form, dict(reg.body_names()), last_day=disp.valid_until, today=reg.today()
        )
        revision = _revision()
        if revision != disp.revision:
            return _changed(ref, form)
        person = _person()
        try:  # separation of duties first: a party is told so, whatever the form says
            rules.require_decider(person, doc, disp)
        except PermissionDenied as exc:
            offers = disp_steps.offers(reg, disp, doc, person)
            why = offers.party or NOT_DECIDER
            return dispensation_page(ref, problem=Problem(why, registry_reason(exc))), 403
        status = 400
        if wanted is not None:
            try:
                if wanted.approve:
                    after = reg.approve_dispensation(
                        ref,
                        actor=user,
                        reasoning=wanted.reasoning,
                        delegated=wanted.delegated,
                        reported_to=wanted.reported_to,
                        expected_revision=revision,
                    )
                else:
                    after = reg.reject_dispensation(
                        ref, actor=user, reasoning=wanted.reasoning, expected_revision=revision
                    )
            except Conflict as exc:
                return _changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = _refusal(form, exc, NOT_DECIDER)
            else:
                done = "avslagen" if after.status is DispStatus.REJECTED else "beviljad"
                return redirect(url_for(".dispensation", ref=ref, klart=done) + "#kvitto")
        return dispensation_page(ref, forms={"beslut": form}), status

    @bp.post("/dispens/<ref>/atertagande")
    def withdraw(ref: str) -> ResponseReturnValue:
        """Withdraw a request not yet decided (the requester, or an administrator)."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        disp, _doc = _shown(ref)
        form, reason = step_forms.withdraw_form(request.form)
        revision = _revision()
        if revision != disp.revision:
            return _changed(ref, form)
        status = 400
        if reason is not None:
            try:
                registry().withdraw_dispensation(
                    ref, actor=user, reason=reason, expected_revision=revision
                )
            except Conflict as exc:
                return _changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = _refusal(form, exc, NOT_WITHDRAWER)
            else:
                return redirect(url_for(".dispensation", ref=ref, klart="atertagen") + "#kvitto")
        return dispensation_page(ref, forms={"ater": form}), status

    @bp.post("/dispens/<ref>/fornyelse")
    def renew(ref: str) -> ResponseReturnValue:
        """Request a renewal: a new request that starts the day after this one ends."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        disp, doc = _shown(ref)
        form, wanted = step_forms.renewal_form(
            request.form, starts=disp_steps.renewal_start(disp), rules=doc.dispensation_rules
        )
        status = 400
        if wanted is not None:
            try:
                renewal = registry().renew_dispensation(
                    ref,
                    actor=user,
                    valid_until=wanted.valid_until,
                    justification=wanted.justification,
                )
            except REFUSALS as exc:
                form, status = _refusal(form, exc, "Registret tar inte emot ansökningar från dig.")
            else:
                target = url_for(".dispensation", ref=renewal.ref, klart="fornyelse")
                return redirect(target + "#kvitto")
        return dispensation_page(ref, forms={"forny": form}), status

    @bp.post("/dispens/<ref>/utvardering")
    def evaluate(ref: str) -> ResponseReturnValue:
        """Record what a dispensation that has ended taught (its responsible person, the
        document's guardian, or an administrator)."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        disp, _doc = _shown(ref)
        form, wanted = step_forms.evaluation_form(request.form)
        revision = _revision()
        if revision != disp.revision:
            return _changed(ref, form)
        status = 400
        if wanted is not None:
            try:
                registry().evaluate_dispensation(
                    ref,
                    actor=user,
                    outcome=wanted.outcome,
                    lessons=wanted.lessons,
                    rule_change_suggested=wanted.rule_change_suggested,
                    expected_revision=revision,
                )
            except Conflict as exc:
                return _changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = _refusal(form, exc, NOT_EVALUATOR)
            else:
                return redirect(url_for(".dispensation", ref=ref, klart="utvarderad") + "#kvitto")
        return dispensation_page(ref, forms={"utv": form}), status

    mylists.register(bp)
    return bp


def _person() -> Person:
    """The signed-in person (403 for someone the register does not know)."""
    person: Person | None = g.get("person")
    if person is None:
        abort(403, f"{g.get('user')} finns inte i registret och kan inte besluta om dispenser.")
    return person


def _dispensable(doc: Document) -> bool:
    """Whether dispensations may be requested from ``doc`` now (in force, allowed)."""
    try:
        rules.require_dispensable(doc)
    except RuleViolation:
        return False
    return True


def _refusal(form: Form, exc: Exception, forbidden: str) -> tuple[Form, int]:
    """``form`` with the registry's reason for refusing it, and the page's status: 403
    with ``forbidden`` said in Swedish when the registry says the person may not, 400
    with the general words (:data:`.forms.REFUSED`) otherwise."""
    if isinstance(exc, PermissionDenied):
        return form.refuse(registry_reason(exc), forbidden), 403
    return form.refuse(registry_reason(exc), REFUSED), 400
