"""``styrdok doc …``: governing documents.

The ``doc`` group and the commands that change documents (add, edit, adopt, review,
repeal). The commands that only look documents up are in :mod:`styrdok.cli.doc_read`, the
content options that ``add`` and ``edit`` share in :mod:`styrdok.cli.doc_options`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.content import doc_diff
from styrdok.cli.corrections import doc_annul
from styrdok.cli.doc_faq import doc_faq
from styrdok.cli.doc_options import CLEARABLE as CLEARABLE
from styrdok.cli.doc_options import content_options as content_options
from styrdok.cli.doc_options import document_edit
from styrdok.cli.doc_read import LIST_COLUMNS as LIST_COLUMNS
from styrdok.cli.doc_read import doc_check, doc_history, doc_list, doc_show
from styrdok.cli.files import doc_attach, doc_detach, doc_file, doc_files
from styrdok.cli.output import done, reader_language, said
from styrdok.cli.params import DATE, EXPECT_REVISION, choice
from styrdok.enums import Disposition, ReviewOutcome
from styrdok.labels import label


@click.group(cls=StyrdokGroup)
def doc() -> None:
    """Governing documents: add, edit, adopt, review, repeal, and look them up."""


@doc.command("add")
@click.argument("ref")
@content_options
@pass_app
def doc_add(app: App, /, ref: str, **opts: Any) -> None:
    """Register a new document as a draft.

    \b
    Example:
      styrdok --as anna.lind doc add RIKT-MOBIL-01 --title "Riktlinjer för mobila enheter" \\
          --type guideline --owner anna.lind --guardian gustav.berg --parent POL-IS-01 \\
          --purpose "Skydda kommunens information i mobilen" --follow-up-how "Årlig rapport" \\
          --follow-up-by "Kommunstyrelsen" --review-months 24 --dispensations --max-days 180
    """
    edit = document_edit(opts)
    missing = edit.missing_for_new()
    if missing:
        flags = {param.name: param.opts[0] for param in click.get_current_context().command.params}
        raise click.UsageError("missing " + ", ".join(flags.get(m, m) for m in missing))
    stored = app.registry().add_document(edit.new_document(ref), actor=app.actor)
    done(
        said("Added draft {ref} (revision {revision}).", ref=stored.ref, revision=stored.revision),
        stored,
        app.fmt,
    )


@doc.command("edit")
@click.argument("ref")
@content_options
@click.option(
    "--clear", multiple=True, type=click.Choice(CLEARABLE), help="Remove a value (repeat)."
)
@EXPECT_REVISION
@pass_app
def doc_edit(
    app: App, /, ref: str, clear: tuple[str, ...], expect_revision: int | None, **opts: Any
) -> None:
    """Change a document's fields; only the options given change.

    \b
    Example:
      styrdok --as anna.lind doc edit POL-IS-01 --review-months 12 --expect-revision 2
    """
    if opts.get("faq"):
        raise click.UsageError(
            "--faq would replace the whole FAQ: change it one entry at a time with "
            "'styrdok doc faq add|edit|remove'"
        )
    edit = document_edit(opts, clear)
    if edit.is_empty:
        raise click.UsageError(said("nothing to change: give at least one option"))
    # The registry merges the edit with the document it reads in its own transaction.
    stored = app.registry().edit_document(
        ref, edit, actor=app.actor, expected_revision=expect_revision
    )
    message = said("Updated {ref} (revision {revision}).", ref=stored.ref, revision=stored.revision)
    if stored.draft is not None:
        message += " " + said(
            "What it decides changes in a draft revision, applied when adopted "
            "(styrdok doc diff {ref} --draft).",
            ref=stored.ref,
        )
    done(message, stored, app.fmt)


@doc.command("discard-draft")
@click.argument("ref")
@EXPECT_REVISION
@pass_app
def doc_discard_draft(app: App, ref: str, expect_revision: int | None) -> None:
    """Drop the draft revision of a document in force (the changes prepared with
    ``doc edit`` and not yet adopted). The document as adopted stays as it is.

    \b
    Example:
      styrdok --as anna.lind doc discard-draft RIKT-IS-01
    """
    stored = app.registry().discard_draft(ref, actor=app.actor, expected_revision=expect_revision)
    done(said("Discarded the draft revision of {ref}.", ref=stored.ref), stored, app.fmt)


@doc.command("adopt")
@click.argument("ref")
@click.option("--body", required=True, metavar="BODY", help="The deciding body.")
@click.option("--on", "on", type=DATE, required=True, help="Date of the decision.")
@click.option(
    "--effective-from",
    type=DATE,
    help="Date the decision takes effect (gäller från) [default: the decision date]. "
    "Until then the earlier version, or nothing, applies.",
)
@click.option("--minute", "minute_ref", help="Paragraph in the minutes, e.g. '§ 45'.")
@click.option("--registry-number", help="Diarienummer of the decision.")
@click.option(
    "--dispensations",
    type=choice(Disposition),
    help="If it supersedes a document with open dispensations: end or move them.",
)
@click.option(
    "--editorial",
    is_flag=True,
    help="An editorial change (spelling, a contact, a link): nobody is asked to read and "
    "confirm it again; confirmations of the earlier version still count.",
)
@EXPECT_REVISION
@pass_app
def doc_adopt(
    app: App,
    ref: str,
    body: str,
    on: dt.date,
    effective_from: dt.date | None,
    minute_ref: str | None,
    registry_number: str | None,
    dispensations: str | None,
    editorial: bool,
    expect_revision: int | None,
) -> None:
    """Record the decision that puts a document (or a revised version) in force. Everyone
    it applies to is then asked to read it and confirm (``styrdok ack``), unless the
    revision is ``--editorial``.

    A decision may take effect later than it is taken (``--effective-from``): the
    document is then adopted but not in force until that day (a revised version: the
    earlier one applies until then), and becomes so by itself.

    \b
    Examples:
      styrdok --as anna.lind doc adopt POL-IS-01 --body KF --on 2025-02-10 --minute "§ 12"
      styrdok --as sofia.karlsson doc adopt RIKT-AI-01 --body KS --on 2026-11-20 \\
          --effective-from 2027-01-01
    """
    stored = app.registry().adopt_document(
        ref,
        actor=app.actor,
        body=body,
        on=on,
        effective_from=effective_from,
        minute_ref=minute_ref,
        registry_number=registry_number,
        dispensations=Disposition(dispensations) if dispensations else None,
        expected_revision=expect_revision,
        material=not editorial,
    )
    effect = stored.effective_from or on
    parts = {
        "ref": stored.ref,
        "version": stored.version,
        "decided": on,
        "effective": effect,
        "review": stored.next_review_on or "-",
    }
    done(
        said("{ref} version {version} in force from {effective}; next review {review}.", **parts)
        if effect == on
        else said(
            "{ref} version {version} adopted {decided}, in force from {effective}; "
            "next review {review}.",
            **parts,
        ),
        stored,
        app.fmt,
    )


@doc.command("review")
@click.argument("ref")
@click.option(
    "--outcome", type=choice(ReviewOutcome), required=True, help="confirmed, revise or repeal."
)
@click.option("--on", "on", type=DATE, help="Review date [default: today].")
@click.option("--notes", default="", help="What the review found.")
@click.option(
    "--next",
    "next_review_on",
    type=DATE,
    help="Next review [default: the review interval from --on].",
)
@pass_app
def doc_review(
    app: App, ref: str, outcome: str, on: dt.date | None, notes: str, next_review_on: dt.date | None
) -> None:
    """Record a review (aktualitetsprövning) and set the next one.

    \b
    Example:
      styrdok --as gustav.berg doc review POL-IS-01 --outcome confirmed --notes "Still apt"
    """
    review = app.registry().review_document(
        ref,
        actor=app.actor,
        outcome=ReviewOutcome(outcome),
        on=on,
        notes=notes,
        next_review_on=next_review_on,
    )
    done(
        said(
            "Reviewed {ref} ({outcome}); next review {review}.",
            ref=ref,
            outcome=label(review.outcome.value, reader_language()),
            review=review.next_review_on or "-",
        ),
        review,
        app.fmt,
    )


@doc.command("repeal")
@click.argument("ref")
@click.option("--on", "on", type=DATE, help="Date of the decision [default: today].")
@click.option("--reason", default="", help="Why it is repealed.")
@click.option(
    "--dispensations",
    type=choice(Disposition),
    help="What happens to its open dispensations: end, or move to --successor.",
)
@click.option("--successor", metavar="DOC", help="Document that takes over.")
@pass_app
def doc_repeal(
    app: App,
    ref: str,
    on: dt.date | None,
    reason: str,
    dispensations: str | None,
    successor: str | None,
) -> None:
    """Repeal a document (upphäva). Open dispensations must be ended or moved.

    \b
    Example:
      styrdok --as anna.lind doc repeal RIKT-IS-02 --reason "Ingår nu i policyn" \\
          --dispensations move --successor POL-IS-01
    """
    stored = app.registry().repeal_document(
        ref,
        actor=app.actor,
        on=on,
        reason=reason,
        dispensations=Disposition(dispensations) if dispensations else None,
        successor=successor,
    )
    done(said("Repealed {ref}.", ref=stored.ref), stored, app.fmt)


# The read-only commands are defined apart; they belong to the same group.
for _command in (
    doc_show,
    doc_list,
    doc_check,
    doc_history,
    doc_diff,
    doc_faq,
    doc_attach,
    doc_files,
    doc_detach,
    doc_file,
    doc_annul,
):
    doc.add_command(_command)
