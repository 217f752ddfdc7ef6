"""``styrdok disp withdraw|annul`` and ``styrdok doc annul``: corrections.

A request withdrawn, a decision or an adoption recorded by mistake annulled — each audited,
nothing erased (:mod:`styrdok.usecases.corrections`). The commands are registered on the
``disp`` group in :mod:`styrdok.cli.disp` and on the ``doc`` group in
:mod:`styrdok.cli.doc`.
"""

from __future__ import annotations

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import done, said
from styrdok.cli.params import EXPECT_REVISION


@click.command("withdraw")
@click.argument("ref")
@click.option("--reason", default="", help="Why the request is withdrawn.")
@EXPECT_REVISION
@pass_app
def disp_withdraw(app: App, ref: str, reason: str, expect_revision: int | None) -> None:
    """Withdraw your request before it is decided (a renewal request too). Only the
    person who requested it, or an administrator.

    \b
    Example:
      styrdok --as maria.nystrom disp withdraw D-2026-0004 --reason "Kontot behövs inte"
    """
    stored = app.registry().withdraw_dispensation(
        ref, actor=app.actor, reason=reason, expected_revision=expect_revision
    )
    done(said("Withdrew {ref}.", ref=stored.ref), stored, app.fmt)


@click.command("annul")
@click.argument("ref")
@click.option("--reason", required=True, help="What the mistake was.")
@EXPECT_REVISION
@pass_app
def disp_annul(app: App, ref: str, reason: str, expect_revision: int | None) -> None:
    """Annul a decision (approval or rejection) recorded by mistake: the request is
    pending again, and the dispensation keeps the annulled decision. Whoever made the
    decision, or an administrator; not once the dispensation has ended.

    \b
    Example:
      styrdok --as erik.makinen disp annul D-2026-0005 --reason "Beslutet gällde ett annat ärende"
    """
    stored = app.registry().annul_dispensation_decision(
        ref, actor=app.actor, reason=reason, expected_revision=expect_revision
    )
    done(
        said("Annulled the decision on {ref}; it is requested again.", ref=stored.ref),
        stored,
        app.fmt,
    )


@click.command("annul")
@click.argument("ref")
@click.option("--reason", required=True, help="What the mistake was.")
@EXPECT_REVISION
@pass_app
def doc_annul(app: App, ref: str, reason: str, expect_revision: int | None) -> None:
    """Annul the latest adoption of a document, recorded by mistake: the document is
    again a draft, or its previous version is in force once more. The annulled version
    stays in the history, marked. Administrators only; refused when something was built
    on the adoption since (an FAQ change, a review, a dispensation granted, a document
    superseded).

    \b
    Example:
      styrdok --as eva.ek doc annul RIKT-SOC-01 --reason "§ 132 gällde ett annat ärende"
    """
    stored = app.registry().annul_adoption(
        ref, actor=app.actor, reason=reason, expected_revision=expect_revision
    )
    message = (
        said(
            "Annulled the latest adoption of {ref}; it is version {version} in force again.",
            ref=stored.ref,
            version=stored.version,
        )
        if stored.version
        else said("Annulled the latest adoption of {ref}; it is a draft again.", ref=stored.ref)
    )
    done(message, stored, app.fmt)
