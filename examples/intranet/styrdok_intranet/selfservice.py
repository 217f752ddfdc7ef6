"""Self-service for dispensations and questions: request a dispensation, follow one's own
requests and questions, decide what waits on oneself, withdraw, renew, revoke or close
early, evaluate.

Each page that changes something calls exactly one registry method, which applies every
rule of the core — separation of duties, the longest allowed duration, renewals, funding,
who may end a dispensation — exactly as for the command line and the API; this module
decides nothing. It checks each form first by the same rules to say, in Swedish and next
to the field, what the registry would refuse (:mod:`.disp_forms`, :mod:`.step_forms`),
offers each form only to those the rules let use it (:mod:`.disp_steps`), and shows what
the registry still refuses with its own reason. The dispensation's page, and how a form
sent from it is answered, are in :mod:`.disp_page`; one's own lists in :mod:`.mylists`.

A change to a dispensation carries the revision the page showed: if someone else changed
it in between (another decider was quicker), nothing is written and the page says so and
shows the dispensation as it is now. Every form carries the user's form token
(:func:`.guard.require_form_user`); a form that went through redirects to the
dispensation's page with a confirmation in a ``role="status"`` region (Post/Redirect/Get).
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from styrdok import rules
from styrdok.enums import DispStatus
from styrdok.errors import Conflict, PermissionDenied, RuleViolation
from styrdok.model import Document, Person
from styrdok_intranet import disp_forms, disp_steps, mylists, step_forms
from styrdok_intranet.api.context import registry, visible
from styrdok_intranet.disp_forms import Form
from styrdok_intranet.disp_page import (
    REFUSALS,
    Problem,
    changed,
    dispensation_page,
    refusal,
    sent_revision,
    shown,
)
from styrdok_intranet.errors import Back, registry_reason
from styrdok_intranet.forms import Field
from styrdok_intranet.guard import require_form_user

#: Said (403) to someone who sends a dispensation form without being signed in.
LOGIN = "Logga in via intranätet för att ansöka om, besluta om eller följa upp dispenser."
#: Said in Swedish before the registry's reason when it says the person may not.
NOT_DECIDER = (
    "Du får inte besluta om den här ansökan: det gör dokumentets väktare eller en "
    "godkännare som dokumentet utser, aldrig den som ansökt eller är ansvarig."
)
NOT_WITHDRAWER = "Bara den som ansökte, eller en administratör, får återta ansökan."
NOT_EVALUATOR = (
    "Bara den ansvariga, dokumentets väktare eller en administratör får utvärdera dispensen."
)
#: Said, by the action the rules name, to someone who may not end a dispensation early.
NOT_ENDER = {
    "revoke": (
        "Bara den som får besluta om dispenser från dokumentet, dokumentets ägare eller en "
        "administratör får återkalla dispensen."
    ),
    "close": (
        "Bara den ansvariga, den som ansökte, den som får besluta om dispenser från "
        "dokumentet, dokumentets ägare eller en administratör får avsluta dispensen."
    ),
}
#: Said to a party to the dispensation who tries to revoke it (separation of duties).
PARTY_REVOKES = (
    "Du kan inte återkalla dispensen, eftersom du själv har ansökt om den eller ansvarar "
    "för den: att återkalla är ett beslut om den, och den som har en dispens beslutar "
    "aldrig själv om den (åtskillnad mellan roller). Behövs den inte längre kan du "
    "avsluta den i förtid."
)
#: What a dispensation's page confirms after it was ended, by the action.
ENDED = {"revoke": "aterkallad", "close": "avslutad"}


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
                form, status = refusal(form, exc, "Registret tar inte emot ansökningar från dig.")
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
        disp, doc = shown(ref)
        form, wanted = step_forms.decision_form(
            request.form, dict(reg.body_names()), last_day=disp.valid_until, today=reg.today()
        )
        revision = sent_revision()
        if revision != disp.revision:
            return changed(ref, form)
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
                return changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = refusal(form, exc, NOT_DECIDER)
            else:
                done = "avslagen" if after.status is DispStatus.REJECTED else "beviljad"
                return redirect(url_for(".dispensation", ref=ref, klart=done) + "#kvitto")
        return dispensation_page(ref, forms={"beslut": form}), status

    @bp.post("/dispens/<ref>/atertagande")
    def withdraw(ref: str) -> ResponseReturnValue:
        """Withdraw a request not yet decided (the requester, or an administrator)."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        disp, _doc = shown(ref)
        form, reason = step_forms.withdraw_form(request.form)
        revision = sent_revision()
        if revision != disp.revision:
            return changed(ref, form)
        status = 400
        if reason is not None:
            try:
                registry().withdraw_dispensation(
                    ref, actor=user, reason=reason, expected_revision=revision
                )
            except Conflict as exc:
                return changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = refusal(form, exc, NOT_WITHDRAWER)
            else:
                return redirect(url_for(".dispensation", ref=ref, klart="atertagen") + "#kvitto")
        return dispensation_page(ref, forms={"ater": form}), status

    @bp.post("/dispens/<ref>/fornyelse")
    def renew(ref: str) -> ResponseReturnValue:
        """Request a renewal: a new request that starts the day after this one ends."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        disp, doc = shown(ref)
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
                form, status = refusal(form, exc, "Registret tar inte emot ansökningar från dig.")
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
        disp, _doc = shown(ref)
        form, wanted = step_forms.evaluation_form(request.form)
        revision = sent_revision()
        if revision != disp.revision:
            return changed(ref, form)
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
                return changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = refusal(form, exc, NOT_EVALUATOR)
            else:
                return redirect(url_for(".dispensation", ref=ref, klart="utvarderad") + "#kvitto")
        return dispensation_page(ref, forms={"utv": form}), status

    @bp.post("/dispens/<ref>/aterkallelse")
    def revoke(ref: str) -> ResponseReturnValue:
        """Revoke an approved dispensation: a sanction, for those who could approve it,
        the document's owner and administrators — never a party to it."""
        return _end(ref, "revoke")

    @bp.post("/dispens/<ref>/avslut")
    def close(ref: str) -> ResponseReturnValue:
        """Close an approved dispensation early, no longer needed: also for its requester
        and its responsible person."""
        return _end(ref, "close")

    def _end(ref: str, action: str) -> ResponseReturnValue:
        """End ``ref`` early by ``action`` ("revoke", "close"): why, and from which day."""
        g.back = Back("selfservice.dispensation", {"ref": ref}, "Tillbaka till dispensen")
        user = require_form_user(LOGIN)
        reg = registry()
        disp, doc = shown(ref)
        first, last = disp_steps.end_days(disp)
        form, wanted = step_forms.end_form(request.form, action, first=first, last=last)
        revision = sent_revision()
        if revision != disp.revision:
            return changed(ref, form)
        person = _person()
        try:  # who may first: a party is told so, whatever the form says
            rules.require_may_end(person, doc, disp, action)
        except PermissionDenied as exc:
            party = action == "revoke" and person.ref in (disp.requested_by, disp.responsible)
            why = PARTY_REVOKES if party else NOT_ENDER[action]
            return dispensation_page(ref, problem=Problem(why, registry_reason(exc))), 403
        status = 400
        if wanted is not None:
            end = reg.revoke_dispensation if action == "revoke" else reg.close_dispensation
            try:
                end(ref, actor=user, reason=wanted.reason, on=wanted.on, expected_revision=revision)
            except Conflict as exc:
                return changed(ref, form, registry_reason(exc))
            except REFUSALS as exc:
                form, status = refusal(form, exc, NOT_ENDER[action])
            else:
                done = url_for(".dispensation", ref=ref, klart=ENDED[action])
                return redirect(done + "#kvitto")
        return dispensation_page(ref, forms={form.prefix.rstrip("-"): form}), status

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
