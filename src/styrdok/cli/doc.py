"""``styrdok doc …``: governing documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import done, emit_object, emit_rows
from styrdok.cli.params import DATE, choice
from styrdok.enums import Disposition, DocStatus, DocType, ReviewOutcome

if TYPE_CHECKING:
    from styrdok.edits import DocumentEdit

LIST_COLUMNS = [
    ("ref", "REF"),
    ("doc_type", "TYPE"),
    ("status", "STATUS"),
    ("version", "V"),
    ("title", "TITLE"),
    ("owner", "OWNER"),
    ("guardian", "GUARDIAN"),
    ("next_review_on", "NEXT REVIEW"),
]
# The core's styrdok.edits.CLEARABLE_FIELDS, spelt out so that --help needs no domain model;
# tests/test_edits.py keeps the two the same.
CLEARABLE = (
    "guardian",
    "registry_number",
    "follow_up",
    "review_interval_months",
    "next_review_on",
    "valid_until",
    "parent",
    "supersedes",
    "text_url",
    "word_count",
    "reminder_offsets",
)


def _offsets(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a list of days such as 90,30,0") from None


_CONTENT_OPTIONS: list[Callable[[Any], Any]] = [
    click.option("--title", help="Title."),
    click.option("--type", "doc_type", type=choice(DocType), help="Kind of document."),
    click.option("--owner", metavar="PERSON", help="Document owner (dokumentägare)."),
    click.option("--guardian", metavar="PERSON", help="Guardian (väktare) who referees."),
    click.option("--registry-number", help="Diarienummer, e.g. 'KS 2025/123'."),
    click.option("--purpose", help="Why the document exists."),
    click.option("--effects", "intended_effects", help="The effects it should achieve."),
    click.option("--audience", help="Who it is written for."),
    click.option(
        "--applies-to",
        multiple=True,
        metavar="UNIT",
        help="A unit it applies to (repeat for several).",
    ),
    click.option("--limits", help="What it does not cover."),
    click.option("--follow-up-how", "follow_up_method", help="How it is followed up."),
    click.option("--follow-up-by", help="By whom it is followed up."),
    click.option(
        "--review-months",
        "review_interval_months",
        type=click.IntRange(1, 120),
        help="Months between reviews (e.g. 12, 24, 36, 48).",
    ),
    click.option("--next-review", "next_review_on", type=DATE, help="Next review date."),
    click.option(
        "--valid-until", type=DATE, help="Last day in force (omit: until further notice)."
    ),
    click.option("--non-compliance", help="How non-compliance is handled."),
    click.option(
        "--dispensations/--no-dispensations",
        "dispensations_allowed",
        default=None,
        help="Whether dispensations may be granted.",
    ),
    click.option("--requirements", "dispensation_requirements", help="What a request must show."),
    click.option(
        "--approver",
        "dispensation_approvers",
        multiple=True,
        metavar="PERSON",
        help="May approve dispensations besides the guardian (repeat).",
    ),
    click.option(
        "--max-days",
        "dispensation_max_days",
        type=click.IntRange(1, 36_500),
        help="Longest dispensation, in days.",
    ),
    click.option(
        "--max-renewals",
        "dispensation_max_renewals",
        type=click.IntRange(0, 100),
        help="How many renewals a dispensation may have.",
    ),
    click.option(
        "--faq",
        nargs=2,
        multiple=True,
        metavar="QUESTION ANSWER",
        help="A common question and its answer (repeat).",
    ),
    click.option("--parent", metavar="DOC", help="The document above this one."),
    click.option("--supersedes", metavar="DOC", help="The document this one replaces."),
    click.option("--related", multiple=True, metavar="DOC", help="A related document."),
    click.option("--url", "text_url", help="Where the full text is published."),
    click.option(
        "--remind-at",
        "reminder_offsets",
        callback=_offsets,
        metavar="DAYS",
        help="Days before the review to remind, e.g. 90,30,0 [default: the global setting].",
    ),
    click.option("--words", "word_count", type=click.IntRange(0), help="Length in words."),
]


def content_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_CONTENT_OPTIONS):
        command = option(command)
    return command


#: Repeatable options: given no times means not given, not "make the list empty".
_REPEATABLE = frozenset({"applies_to", "related", "faq", "dispensation_approvers"})


def _edit(opts: dict[str, Any], clear: tuple[str, ...] = ()) -> DocumentEdit:
    """The edit the options ask for. The options are named after its fields."""
    # Imported here, not at the top: `styrdok --version` never builds the domain model.
    from styrdok.edits import DocumentEdit

    given = {
        name: (value or None) if name in _REPEATABLE else value for name, value in opts.items()
    }
    return DocumentEdit(**given, clear=frozenset(clear))


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
      styrdok --as anna.lind doc add POL-IS-01 --title "Informationssäkerhetspolicy" \\
          --type policy --owner anna.lind --guardian gustav.berg \\
          --purpose "Skydda kommunens information" --follow-up-how "Årlig rapport" \\
          --follow-up-by "Kommunstyrelsen" --review-months 24 --dispensations --max-days 180
    """
    edit = _edit(opts)
    missing = edit.missing_for_new()
    if missing:
        flags = {param.name: param.opts[0] for param in click.get_current_context().command.params}
        raise click.UsageError("missing " + ", ".join(flags.get(m, m) for m in missing))
    stored = app.registry().add_document(edit.new_document(ref), actor=app.actor)
    done(f"Added draft {stored.ref} (revision {stored.revision}).", stored, app.fmt)


@doc.command("edit")
@click.argument("ref")
@content_options
@click.option(
    "--clear", multiple=True, type=click.Choice(CLEARABLE), help="Remove a value (repeat)."
)
@click.option(
    "--expect-revision",
    type=int,
    metavar="N",
    help="Refuse the edit if the document is no longer at revision N.",
)
@pass_app
def doc_edit(
    app: App, /, ref: str, clear: tuple[str, ...], expect_revision: int | None, **opts: Any
) -> None:
    """Change a document's fields; only the options given change.

    \b
    Example:
      styrdok --as anna.lind doc edit POL-IS-01 --guardian gustav.berg --expect-revision 3
    """
    edit = _edit(opts, clear)
    if edit.is_empty:
        raise click.UsageError("nothing to change: give at least one option")
    # The registry merges the edit with the document it reads in its own transaction.
    stored = app.registry().edit_document(
        ref, edit, actor=app.actor, expected_revision=expect_revision
    )
    done(f"Updated {stored.ref} (revision {stored.revision}).", stored, app.fmt)


@doc.command("show")
@click.argument("ref")
@pass_app
def doc_show(app: App, ref: str) -> None:
    """Show everything about one document.

    \b
    Example:
      styrdok doc show POL-IS-01 --format json
    """
    emit_object(app.registry().get_document(ref), app.fmt)


@doc.command("list")
@click.option("--status", type=choice(DocStatus), help="Only this status.")
@click.option("--type", "doc_type", type=choice(DocType), help="Only this kind.")
@click.option("--body", metavar="BODY", help="Only documents adopted by this body.")
@click.option("--person", metavar="PERSON", help="Only documents this person owns or guards.")
@click.option("--parent", metavar="DOC", help="Only documents directly beneath this one.")
@click.option("--on", type=DATE, help="What was in force on this date, as then adopted.")
@pass_app
def doc_list(
    app: App,
    status: str | None,
    doc_type: str | None,
    body: str | None,
    person: str | None,
    parent: str | None,
    on: dt.date | None,
) -> None:
    """List documents, or with --on, the versions in force on a past date.

    \b
    Examples:
      styrdok doc list --status in_force --type guideline
      styrdok doc list --on 2025-03-01
    """
    registry = app.registry()
    if on is not None:
        if any((status, doc_type, body, person, parent)):
            raise click.UsageError("--on cannot be combined with other filters")
        versions = registry.documents_in_force(on)
        emit_rows(
            (
                {
                    "ref": v.document_ref,
                    "version": v.version,
                    "doc_type": v.snapshot.doc_type.value,
                    "title": v.snapshot.title,
                    "in_force_from": v.in_force_from,
                    "in_force_until": v.in_force_until,
                }
                for v in versions
            ),
            [
                ("ref", "REF"),
                ("version", "V"),
                ("doc_type", "TYPE"),
                ("title", "TITLE"),
                ("in_force_from", "FROM"),
                ("in_force_until", "UNTIL"),
            ],
            app.fmt,
            empty=f"Nothing was in force on {on}.",
        )
        return
    documents = registry.list_documents(
        status=DocStatus(status) if status else None,
        doc_type=doc_type,
        body=body,
        person=person,
        parent=parent,
    )
    emit_rows(
        (attrs.asdict(d, recurse=False) for d in documents),
        LIST_COLUMNS,
        app.fmt,
        empty="No documents match.",
    )


@doc.command("adopt")
@click.argument("ref")
@click.option("--body", required=True, metavar="BODY", help="The deciding body.")
@click.option("--on", "on", type=DATE, required=True, help="Date of the decision.")
@click.option("--minute", "minute_ref", help="Paragraph in the minutes, e.g. '§ 45'.")
@click.option("--registry-number", help="Diarienummer of the decision.")
@click.option(
    "--dispensations",
    type=choice(Disposition),
    help="If it supersedes a document with open dispensations: end or move them.",
)
@click.option(
    "--expect-revision",
    type=int,
    metavar="N",
    help="Refuse if the document is no longer at revision N.",
)
@pass_app
def doc_adopt(
    app: App,
    ref: str,
    body: str,
    on: dt.date,
    minute_ref: str | None,
    registry_number: str | None,
    dispensations: str | None,
    expect_revision: int | None,
) -> None:
    """Record the decision that puts a document (or a revised version) in force.

    \b
    Example:
      styrdok --as anna.lind doc adopt POL-IS-01 --body KF --on 2025-02-10 --minute "§ 12"
    """
    stored = app.registry().adopt_document(
        ref,
        actor=app.actor,
        body=body,
        on=on,
        minute_ref=minute_ref,
        registry_number=registry_number,
        dispensations=Disposition(dispensations) if dispensations else None,
        expected_revision=expect_revision,
    )
    done(
        f"{stored.ref} version {stored.version} in force from {on}; next review "
        f"{stored.next_review_on or '-'}.",
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
        f"Reviewed {ref} ({review.outcome.value}); next review {review.next_review_on or '-'}.",
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
      styrdok --as anna.lind doc repeal RIKT-OLD --reason "Ersatt" \\
          --dispensations move --successor RIKT-NEW
    """
    stored = app.registry().repeal_document(
        ref,
        actor=app.actor,
        on=on,
        reason=reason,
        dispensations=Disposition(dispensations) if dispensations else None,
        successor=successor,
    )
    done(f"Repealed {stored.ref}.", stored, app.fmt)


@doc.command("check")
@click.argument("ref", required=False)
@click.option("--all", "check_all", is_flag=True, help="Check every draft and document in force.")
@click.option("--strict", is_flag=True, help="Exit 1 if anything is found (for pipelines).")
@pass_app
def doc_check(app: App, ref: str | None, check_all: bool, strict: bool) -> None:
    """Score documents against the LEDA checklist: purpose, intended effects, audience,
    follow-up, non-compliance, dispensation process, guardian, FAQ, brevity and review
    date; plus what their dispensations teach and your plugins' own checks.

    The word limit for brevity is `[checks] max_words` in styrdok.toml (default 2500).

    \b
    Examples:
      styrdok doc check POL-IS-01
      styrdok doc check --all --strict --format csv > findings.csv
    """
    if bool(ref) == check_all:
        raise click.UsageError("give a document REF or --all")
    from styrdok.checklist import is_checked

    max_words = app.config().max_words
    registry = app.registry()
    refs = [ref] if ref else [d.ref for d in registry.list_documents() if is_checked(d)]
    results = [registry.check_document(r, max_words=max_words) for r in refs]
    rows = [
        {"ref": result.ref, "score": result.score, "finding": finding}
        for result in results
        for finding in (result.findings or [""])
    ]
    emit_rows(
        rows,
        [("ref", "REF"), ("score", "SCORE"), ("finding", "FINDING")],
        app.fmt,
        empty="No documents to check.",
    )
    if strict and any(result.findings for result in results):
        raise SystemExit(1)


@doc.command("history")
@click.argument("ref")
@pass_app
def doc_history(app: App, ref: str) -> None:
    """Adopted versions, reviews and every recorded change of one document.

    \b
    Example:
      styrdok doc history POL-IS-01
    """
    registry = app.registry()
    versions = registry.document_versions(ref)
    reviews = registry.reviews(ref)
    events = registry.history(f"document:{ref}")
    if app.fmt != "table":
        rows = (
            [
                {
                    "what": "version",
                    "on": v.in_force_from,
                    "by": v.snapshot.adopted_by,
                    "detail": f"v{v.version} until {v.in_force_until or '-'}",
                }
                for v in versions
            ]
            + [
                {"what": "review", "on": r.reviewed_on, "by": r.reviewer, "detail": r.outcome.value}
                for r in reviews
            ]
            + [
                {"what": e.action, "on": e.at.date(), "by": e.actor, "detail": e.hash[:12]}
                for e in events
            ]
        )
        emit_rows(
            rows, [("what", "WHAT"), ("on", "ON"), ("by", "BY"), ("detail", "DETAIL")], app.fmt
        )
        return
    click.echo("Versions")
    emit_rows(
        (
            {
                "version": v.version,
                "from": v.in_force_from,
                "until": v.in_force_until,
                "body": v.snapshot.adopted_by,
                "minute": v.snapshot.minute_ref,
            }
            for v in versions
        ),
        [
            ("version", "V"),
            ("from", "IN FORCE FROM"),
            ("until", "UNTIL"),
            ("body", "ADOPTED BY"),
            ("minute", "MINUTE"),
        ],
        "table",
        empty="Never adopted.",
    )
    click.echo("\nReviews")
    emit_rows(
        (
            {
                "on": r.reviewed_on,
                "version": r.document_version,
                "by": r.reviewer,
                "outcome": r.outcome.value,
                "next": r.next_review_on,
                "notes": r.notes,
            }
            for r in reviews
        ),
        [
            ("on", "ON"),
            ("version", "V"),
            ("by", "BY"),
            ("outcome", "OUTCOME"),
            ("next", "NEXT"),
            ("notes", "NOTES"),
        ],
        "table",
        empty="No reviews yet.",
    )
    click.echo("\nChanges")
    emit_rows(
        (
            {"at": e.at.strftime("%Y-%m-%d %H:%M"), "actor": e.actor, "action": e.action}
            for e in events
        ),
        [("at", "AT (UTC)"), ("actor", "BY"), ("action", "WHAT")],
        "table",
    )
