"""``styrdok disp …``: dispensations (dispens, undantag, avsteg)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.corrections import disp_annul, disp_withdraw
from styrdok.cli.output import done, emit_object, emit_rows, said
from styrdok.cli.params import DATE, EXPECT_REVISION, choice
from styrdok.enums import DispStatus
from styrdok.labels import N_

if TYPE_CHECKING:
    from styrdok.model import Dispensation

LIST_COLUMNS = [
    ("ref", N_("REF")),
    ("document_ref", N_("DOCUMENT")),
    ("status", N_("STATUS")),
    ("valid_from", N_("FROM")),
    ("valid_until", N_("UNTIL")),
    ("responsible", N_("RESPONSIBLE")),
    ("scope", N_("SCOPE")),
]


def _amount(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    # Accept Swedish notation ("1 500,50"); the domain checks the amount is sensible.
    try:
        return Decimal(value.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise click.BadParameter(said("{value} is not an amount", value=repr(value))) from None


@click.group(cls=StyrdokGroup)
def disp() -> None:
    """Dispensations: request, decide, renew, end and evaluate them; withdraw a request,
    annul a decision made by mistake."""


@disp.command("request")
@click.option(
    "--document", "document_ref", required=True, metavar="DOC", help="The document to depart from."
)
@click.option("--scope", required=True, help="What the dispensation covers.")
@click.option(
    "--responsible",
    required=True,
    metavar="PERSON",
    help="Responsible for it and its consequences.",
)
@click.option("--from", "valid_from", type=DATE, required=True, help="First day.")
@click.option("--until", "valid_until", type=DATE, required=True, help="Last day (required).")
@click.option("--funded-by", help="Who pays the costs it causes.")
@click.option("--no-extra-cost", is_flag=True, help="State that it causes no extra cost.")
@click.option("--cost", callback=_amount, help="Estimated cost.")
@click.option("--currency", default="SEK", show_default=True)
@click.option("--funding-note", default="", help="More about the funding.")
@click.option(
    "--applies-to",
    multiple=True,
    metavar="WHO",
    help="Person, unit or system it applies to (repeat).",
)
@click.option("--clause", default="", help="The clause departed from.")
@click.option("--limits", default="", help="Its limits.")
@click.option("--justification", default="", help="Why it is needed.")
@click.option("--conditions", default="", help="Compensating measures.")
@click.option("--on", "on", type=DATE, help="Request date [default: today].")
@pass_app
def disp_request(
    app: App,
    document_ref: str,
    scope: str,
    responsible: str,
    valid_from: dt.date,
    valid_until: dt.date,
    funded_by: str | None,
    no_extra_cost: bool,
    cost: Decimal | None,
    currency: str,
    funding_note: str,
    applies_to: tuple[str, ...],
    clause: str,
    limits: str,
    justification: str,
    conditions: str,
    on: dt.date | None,
) -> None:
    """Request a dispensation from a document in force.

    \b
    Example:
      styrdok --as lisa.holm disp request --document RIKT-MOLN-SKOLA \\
          --scope "Pilot av molntjänst i åk 7" --responsible lisa.holm \\
          --from 2027-01-18 --until 2027-06-11 --funded-by "Barn- och utbildningsnämnden" \\
          --cost 12000 --applies-to BUF-GR-NORD
    """
    from styrdok.model import DispensationRequest, Funding

    request = DispensationRequest(
        document_ref=document_ref,
        scope=scope,
        responsible=responsible,
        valid_from=valid_from,
        valid_until=valid_until,
        funding=Funding(
            funded_by=funded_by,
            estimated_cost=cost,
            currency=currency,
            no_extra_cost=no_extra_cost,
            note=funding_note,
        ),
        applies_to=applies_to,
        clause=clause,
        limits=limits,
        justification=justification,
        conditions=conditions,
    )
    stored = app.registry().request_dispensation(request, actor=app.actor, on=on)
    done(
        said("Requested {ref} from {document}.", ref=stored.ref, document=stored.document_ref),
        stored,
        app.fmt,
    )


@disp.command("approve")
@click.argument("ref")
@click.option("--reasoning", default="", help="Grounds for the decision.")
@click.option("--delegated", is_flag=True, help="A decision under delegation.")
@click.option("--reported-to", metavar="BODY", help="Body the decision is reported to.")
@click.option("--on", "on", type=DATE, help="Decision date [default: today].")
@EXPECT_REVISION
@pass_app
def disp_approve(
    app: App,
    ref: str,
    reasoning: str,
    delegated: bool,
    reported_to: str | None,
    on: dt.date | None,
    expect_revision: int | None,
) -> None:
    """Approve a request (the guardian or a listed approver; never a party to it).

    \b
    Example:
      styrdok --as gustav.berg disp approve D-2026-0003 --reasoning "Upphandlingen är försenad"
    """
    stored = app.registry().approve_dispensation(
        ref,
        actor=app.actor,
        on=on,
        reasoning=reasoning,
        delegated=delegated,
        reported_to=reported_to,
        expected_revision=expect_revision,
    )
    done(
        said(
            "Approved {ref}: valid {start} to {end}.",
            ref=stored.ref,
            start=stored.valid_from,
            end=stored.valid_until,
        ),
        stored,
        app.fmt,
    )


@disp.command("reject")
@click.argument("ref")
@click.option("--reasoning", required=True, help="Why it is rejected.")
@click.option("--on", "on", type=DATE, help="Decision date [default: today].")
@pass_app
def disp_reject(app: App, ref: str, reasoning: str, on: dt.date | None) -> None:
    """Reject a request, with reasons.

    \b
    Example:
      styrdok --as olle.strand disp reject D-2026-0004 --reasoning "Personuppgifter i USA"
    """
    stored = app.registry().reject_dispensation(ref, actor=app.actor, reasoning=reasoning, on=on)
    done(said("Rejected {ref}.", ref=stored.ref), stored, app.fmt)


@disp.command("renew")
@click.argument("ref")
@click.option("--until", "valid_until", type=DATE, required=True, help="New last day.")
@click.option("--justification", help="Why it is still needed.")
@click.option("--on", "on", type=DATE, help="Request date [default: today].")
@pass_app
def disp_renew(
    app: App, ref: str, valid_until: dt.date, justification: str | None, on: dt.date | None
) -> None:
    """Request a renewal: a new linked request starting the day after REF ends.

    \b
    Example:
      styrdok --as lisa.holm disp renew D-2026-0001 --until 2027-06-15
    """
    stored = app.registry().renew_dispensation(
        ref, actor=app.actor, valid_until=valid_until, justification=justification, on=on
    )
    done(
        said("Requested renewal {ref} of {renewed}.", ref=stored.ref, renewed=ref), stored, app.fmt
    )


def _ender(action: str, verb: str, example: str) -> click.Command:
    @click.command(action)
    @click.argument("ref")
    @click.option("--reason", required=True, help=f"Why it is {verb}.")
    @click.option("--on", "on", type=DATE, help="First day it no longer applies [default: today].")
    @pass_app
    def command(app: App, ref: str, reason: str, on: dt.date | None) -> None:
        registry = app.registry()
        method = registry.revoke_dispensation if action == "revoke" else registry.close_dispensation
        stored = method(ref, actor=app.actor, reason=reason, on=on)
        message = (
            said("Revoked {ref} from {day}.", ref=stored.ref, day=stored.ended_on)
            if action == "revoke"
            else said("Closed {ref} from {day}.", ref=stored.ref, day=stored.ended_on)
        )
        done(message, stored, app.fmt)

    command.help = example
    return command


disp.add_command(
    _ender(
        "revoke",
        "revoked",
        """Revoke an approved dispensation.

    \b
    Example:
      styrdok --as gustav.berg disp revoke D-2026-0002 --reason "Villkoren följs inte"
    """,
    )
)
disp.add_command(
    _ender(
        "close",
        "closed",
        """Close an approved dispensation early: it is
    no longer needed.

    \b
    Example:
      styrdok --as lisa.holm disp close D-2026-0001 --reason "Piloten avslutad"
    """,
    )
)


disp.add_command(disp_withdraw)
disp.add_command(disp_annul)


@disp.command("evaluate")
@click.argument("ref")
@click.option("--outcome", required=True, help="What happened.")
@click.option("--lessons", default="", help="What was learnt.")
@click.option("--rule-change", is_flag=True, help="The rule itself should change.")
@click.option("--on", "on", type=DATE, help="Date [default: today].")
@pass_app
def disp_evaluate(
    app: App, ref: str, outcome: str, lessons: str, rule_change: bool, on: dt.date | None
) -> None:
    """Record the evaluation of an ended dispensation (lyckade missar).

    \b
    Example:
      styrdok --as hanna.persson disp evaluate D-2026-0008 --outcome "Fungerade väl" \\
          --lessons "Policyn kan tillåta detta" --rule-change
    """
    stored = app.registry().evaluate_dispensation(
        ref,
        actor=app.actor,
        outcome=outcome,
        lessons=lessons,
        rule_change_suggested=rule_change,
        on=on,
    )
    done(said("Recorded the evaluation of {ref}.", ref=stored.ref), stored, app.fmt)


@disp.command("show")
@click.argument("ref")
@pass_app
def disp_show(app: App, ref: str) -> None:
    """Show one dispensation with its decision and funding.

    \b
    Example:
      styrdok disp show D-2026-0001
    """
    emit_object(app.registry().get_dispensation(ref), app.fmt)


@disp.command("list")
@click.option("--status", type=choice(DispStatus), help="Only this status.")
@click.option("--document", metavar="DOC", help="Only dispensations from this document.")
@click.option(
    "--person",
    metavar="PERSON",
    help="Only those this person requested, is responsible for or decided.",
)
@click.option("--active-on", type=DATE, help="Only those that applied on this date.")
@pass_app
def disp_list(
    app: App,
    status: str | None,
    document: str | None,
    person: str | None,
    active_on: dt.date | None,
) -> None:
    """List dispensations.

    \b
    Examples:
      styrdok disp list --status approved
      styrdok disp list --active-on 2026-03-01 --document POL-IS-01
    """
    registry = app.registry()
    items: list[Dispensation]
    if active_on is not None:
        if status or person:
            raise click.UsageError(said("--active-on combines only with --document"))
        items = registry.dispensations_active_on(active_on, document=document)
    else:
        items = registry.list_dispensations(
            status=DispStatus(status) if status else None, document=document, person=person
        )
    emit_rows(
        (
            {
                "ref": d.ref,
                "document_ref": d.document_ref,
                "status": d.status,
                "valid_from": d.valid_from,
                "valid_until": d.valid_until,
                "responsible": d.responsible,
                "scope": d.scope,
            }
            for d in items
        ),
        LIST_COLUMNS,
        app.fmt,
        empty=N_("No dispensations match."),
    )
