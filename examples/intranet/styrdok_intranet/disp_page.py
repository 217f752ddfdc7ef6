"""A dispensation's page, and how a form sent from it is answered: with the forms its
reader may use (:mod:`.disp_steps`), a confirmation after a form that went through, the
page as it is now when the dispensation changed meanwhile, and the registry's refusals
said next to the form they concern. The routes are in :mod:`.selfservice`.

A form that went through redirects here (Post/Redirect/Get) with ``?klart=…#kvitto``, which
the page confirms in a ``role="status"`` region only when it is true (:func:`said`): a
made-up address confirms nothing. A change based on the revision the page showed, after
someone else changed the dispensation, is answered with the page as it is now (409)
saying so, with what was typed kept.
"""

from __future__ import annotations

import attrs
from flask import abort, g, render_template, request
from flask.typing import ResponseReturnValue

from styrdok.dispensation import Dispensation
from styrdok.enums import DispStatus
from styrdok.errors import InvalidValue, NotFound, PermissionDenied, RuleViolation
from styrdok.model import Document, Person
from styrdok_intranet import disp_forms, disp_steps, step_forms
from styrdok_intranet.api.context import registry, visible
from styrdok_intranet.disp_forms import Form
from styrdok_intranet.errors import registry_reason
from styrdok_intranet.forms import REFUSED, Field

#: The registry's refusals a form shows next to itself (a Conflict has a page of its own).
REFUSALS = (InvalidValue, NotFound, PermissionDenied, RuleViolation)
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
    "aterkallad": (
        "Dispensen är återkallad",
        "Dispensen är återkallad. Dokumentets regel gäller igen från den dag som står nedan.",
    ),
    "avslutad": (
        "Dispensen är avslutad",
        "Dispensen är avslutad i förtid. Dokumentets regel gäller igen från den dag som står "
        "nedan.",
    ),
}
#: The forms a dispensation's page may show, by the prefix of their fields' ids.
FORMS = ("beslut", "ater", "forny", "utv", "aterkalla", "avsluta")
#: The forms that end an approved dispensation early (revoke, close).
ENDS = ("aterkalla", "avsluta")

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


def said(notice: str | None, disp: Dispensation, user: str | None) -> bool:
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
        "aterkallad": disp.status is DispStatus.REVOKED and disp.ended_by == user,
        "avslutad": disp.status is DispStatus.CLOSED and disp.ended_by == user,
    }.get(notice or "", False)


def shown(ref: str) -> tuple[Dispensation, Document]:
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
    disp, doc = shown(ref)
    person: Person | None = g.get("person")
    offers = disp_steps.offers(reg, disp, doc, person)
    decider = disp.decision.by if disp.decision else None
    evaluator = disp.evaluation.by if disp.evaluation else None
    named = (disp.responsible, disp.requested_by, decider, evaluator, disp.ended_by)
    offered = {
        "beslut": offers.decide,
        "ater": offers.withdraw,
        "forny": offers.renewal.offered,
        "utv": offers.evaluate,
        "aterkalla": offers.revoke,
        "avsluta": offers.close,
    }
    forms = forms or {}
    for name, form in forms.items():
        if form.failed and not offered[name] and problem is None:
            # A form sent from a page the reader no longer gets (the step is not theirs,
            # or no longer open): what went wrong is said at the top instead.
            problem = Problem(form.message, form.refused)
    title_note, message = NOTICES.get(notice or "", (None, None))
    if not said(notice, disp, g.get("user")):
        title_note, message = None, None
    failed = problem is not None or any(f.failed for f in forms.values())
    today = reg.today()
    first, last = disp_steps.end_days(disp)
    # An end form starts at today (or the nearest day the dispensation may end on).
    ends = {"upphor": Field(min(max(today, first), last).isoformat())}
    tree = reg.unit_tree()
    return render_template(
        "dispensation.html",
        disp=disp,
        doc=doc,
        # Whom it applies to by name, where that is a unit of the organisation.
        applies_to=[tree.get(u).name if u in tree else u for u in disp.applies_to],
        people=reg.persons_by_ref(r for r in (*named, *offers.deciders) if r),
        active=disp.active_on(today),
        today=today,
        offers=offers,
        forms={
            name: forms.get(name, Form(prefix=f"{name}-", fields=ends if name in ENDS else {}))
            for name in FORMS
        },
        end_days=(first, last),
        bodies=reg.body_names() if offers.decide else [],
        problem=problem,
        notice=message,
        title_note="Fel" if failed else title_note,
        limits=disp_forms.LIMITS,
    )


def sent_revision() -> int:
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


def changed(ref: str, form: Form, detail: str | None = None) -> ResponseReturnValue:
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


def refusal(form: Form, exc: Exception, forbidden: str) -> tuple[Form, int]:
    """``form`` with the registry's reason for refusing it, and the page's status: 403
    with ``forbidden`` said in Swedish when the registry says the person may not, 400
    with the general words (:data:`.forms.REFUSED`) otherwise."""
    if isinstance(exc, PermissionDenied):
        return form.refuse(registry_reason(exc), forbidden), 403
    return form.refuse(registry_reason(exc), REFUSED), 400
