"""The forms for the steps on a dispensation that exists — decide, withdraw, renew,
revoke, close early, evaluate — read and checked in Swedish by the registry's rules, as
:mod:`.disp_forms` does for a request (see there for why).

Each form that changes a dispensation also carries, hidden, the revision the page showed
(:func:`form_revision`): the registry refuses a change based on an older one, so two
deciders cannot overwrite each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
from werkzeug.datastructures import MultiDict

from styrdok.model import DispensationRules
from styrdok_intranet.disp_forms import LIMITS, Form, Reader, duration_problem
from styrdok_intranet.forms import Field


@attrs.frozen
class DecisionInput:
    """A decision as the form asks for it (approve or reject, with reasons)."""

    approve: bool
    reasoning: str
    delegated: bool
    reported_to: str | None


#: What a decision form says when it is sent without a choice, or a rejection without reasons.
NO_CHOICE = "Välj om ansökan beviljas eller avslås."
NO_REASONS = "Skriv varför ansökan avslås: ett avslag ska alltid motiveras."


def decision_form(
    data: MultiDict[str, str], bodies: Mapping[str, str], *, last_day: dt.date, today: dt.date
) -> tuple[Form, DecisionInput | None]:
    """The decision form as posted; ``bodies`` the deciding bodies (ref → name) a
    delegated approval may be reported to. A request whose ``last_day`` has passed by
    ``today`` cannot be approved any more (``approve_dispensation``), only rejected."""
    read = Reader(data, "beslut-")
    choice = data.get("val", "")
    read.fields["val"] = Field(choice)
    if choice not in ("bifall", "avslag"):
        read.fail("val", NO_CHOICE)
    approve = choice == "bifall"
    if approve and today > last_day:
        read.fail(
            "val",
            f"Ansökan gällde till och med {last_day}, som redan har passerat: den kan inte "
            "beviljas i efterhand. Avslå den med en motivering; behövs undantaget, kan en ny "
            "ansökan göras.",
        )
    reasoning = read.text(
        "motivering", "Motivering", LIMITS["text"], empty=NO_REASONS if choice == "avslag" else None
    )
    delegated = read.flag("delegation")
    reported_to = read.line("anmals_till", "Anmäls till", 64) or None
    if reported_to is not None and reported_to not in bodies:
        read.fail("anmals_till", "Välj nämnden i listan.")
    if choice == "avslag" and (delegated or reported_to):
        read.fail(
            "delegation",
            "Delegation och anmälan registreras bara när ansökan beviljas. Ta bort krysset "
            "och nämnden, eller välj bifall.",
        )
    elif delegated and reported_to is None:
        read.fail("anmals_till", "Välj vilken nämnd delegationsbeslutet anmäls till.")
    form = read.form()
    if form.errors:
        return form, None
    return form, DecisionInput(approve, reasoning, delegated, reported_to)


def withdraw_form(data: MultiDict[str, str]) -> tuple[Form, str | None]:
    """The withdraw form as posted, and the reason given (may be empty)."""
    read = Reader(data, "ater-")
    reason = read.text("anledning", "Varför ansökan återtas", LIMITS["end_reason"])
    form = read.form()
    return form, None if form.errors else reason


@attrs.frozen
class RenewalInput:
    """A renewal as the form asks for it."""

    valid_until: dt.date
    justification: str | None


def renewal_form(
    data: MultiDict[str, str], *, starts: dt.date, rules: DispensationRules
) -> tuple[Form, RenewalInput | None]:
    """The renewal form as posted: the new last day, checked against the day the renewal
    ``starts`` (the day after the dispensation ends) and the document's ``rules``."""
    read = Reader(data, "forny-")
    until = read.day("giltig_till", "sista dagen förlängningen gäller")
    if until is not None:
        wrong = duration_problem(rules, starts, until)
        if wrong:
            read.fail("giltig_till", wrong)
    justification = read.text("motivering", "Varför den behövs längre", LIMITS["text"])
    form = read.form()
    if form.errors or until is None:
        return form, None
    return form, RenewalInput(until, justification or None)


@attrs.frozen
class EndInput:
    """A revocation or an early close as the form asks for it."""

    reason: str
    on: dt.date
    """The first day the dispensation no longer applies."""


#: The forms that end an approved dispensation early, by the action the rules name
#: (:func:`styrdok.rules.require_may_end`): the prefix of their fields, the label of the
#: reason, and what is said when none is given (the registry requires one).
ENDINGS = {
    "revoke": ("aterkalla-", "Varför dispensen återkallas", "Skriv varför dispensen återkallas."),
    "close": ("avsluta-", "Varför dispensen avslutas", "Skriv varför dispensen avslutas."),
}


def end_form(
    data: MultiDict[str, str], action: str, *, first: dt.date, last: dt.date
) -> tuple[Form, EndInput | None]:
    """The form that revokes or closes (``action``) an approved dispensation, as posted:
    why, and the first day it no longer applies, from ``first`` to ``last``
    (:func:`.disp_steps.end_days`, by :func:`styrdok.rules.require_end_date`)."""
    prefix, label, empty = ENDINGS[action]
    read = Reader(data, prefix)
    reason = read.text("anledning", label, LIMITS["end_reason"], empty=empty)
    on = read.day("upphor", "första dagen dispensen inte gäller")
    if on is not None and not first <= on <= last:
        read.fail(
            "upphor",
            f"Dispensen gäller {first} till och med {last - dt.timedelta(days=1)}. Välj en dag "
            f"från {first} till och med {last} som första dag den inte gäller.",
        )
    form = read.form()
    if form.errors or on is None:
        return form, None
    return form, EndInput(reason, on)


@attrs.frozen
class EvaluationInput:
    """An evaluation as the form asks for it."""

    outcome: str
    lessons: str
    rule_change_suggested: bool


NO_OUTCOME = "Skriv hur det gick: vad dispensen ledde till."


def evaluation_form(data: MultiDict[str, str]) -> tuple[Form, EvaluationInput | None]:
    """The evaluation form as posted."""
    read = Reader(data, "utv-")
    outcome = read.text("utfall", "Hur det gick", LIMITS["text"], empty=NO_OUTCOME)
    lessons = read.text("lardomar", "Lärdomar", LIMITS["text"])
    suggested = read.flag("regelandring")
    form = read.form()
    if form.errors:
        return form, None
    return form, EvaluationInput(outcome, lessons, suggested)


def form_revision(data: Mapping[str, Any]) -> int | None:
    """The revision of the dispensation the page showed (a hidden field), or ``None``."""
    text = str(data.get("revision", "")).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)
