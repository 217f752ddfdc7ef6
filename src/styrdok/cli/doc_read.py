"""``styrdok doc show|list|history|check``: the commands that only look documents up.

They are registered on the ``doc`` group in :mod:`styrdok.cli.doc`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs
import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_object, emit_rows, said
from styrdok.cli.params import DATE, choice
from styrdok.enums import DocStatus, DocType
from styrdok.i18n import translations
from styrdok.labels import N_, action_label, field_label

if TYPE_CHECKING:
    from styrdok.model import Document, DocumentVersion
    from styrdok.registry import Registry

#: Columns of `doc list`: (field, heading).
LIST_COLUMNS = [
    ("ref", N_("REF")),
    ("doc_type", N_("TYPE")),
    ("status", N_("STATUS")),
    ("version", N_("V")),
    ("title", N_("TITLE")),
    ("owner", N_("OWNER")),
    ("guardian", N_("GUARDIAN")),
    ("next_review_on", N_("NEXT REVIEW")),
]


@click.command("show")
@click.argument("ref")
@click.option("--version", "version", type=click.IntRange(1), help="Version N as adopted.")
@click.option("--on", type=DATE, help="The version that was in force on this date.")
@pass_app
def doc_show(app: App, ref: str, version: int | None, on: dt.date | None) -> None:
    """Show everything about one document, its text included: as it is now, or as a past
    version was adopted.

    \b
    Examples:
      styrdok --format json doc show POL-IS-01
      styrdok doc show RIKT-SOC-01 --version 1
      styrdok doc show RIKT-SOC-01 --on 2026-06-01
    """
    if version is not None and on is not None:
        raise click.UsageError(said("give --version or --on, not both"))
    registry = app.registry()
    if version is None and on is None:
        document = registry.get_document(ref)
        if app.fmt != "table":
            emit_object(document, app.fmt)
            return
        emit_object(attrs.evolve(document, draft=None), app.fmt)
        for line in _dates_of_effect(registry, document, app.language()):
            click.echo(line)
        if document.draft is not None:
            changed = registry.compare_draft(ref)
            language = app.language()
            # The count of words follows the text: naming both says nothing more.
            names = [
                field_label(c.field, language)
                for c in changed.fields
                if not (c.field == "word_count" and changed.text_changed)
            ]
            names += [field_label("text", language)] if changed.text_changed else []
            gettext = translations(language).gettext
            click.echo(
                gettext(
                    "A draft revision, not yet adopted, changes: {fields} "
                    "(styrdok doc diff {ref} --draft)."
                ).format(fields=", ".join(dict.fromkeys(names)) or "-", ref=ref)
            )
        return
    versions = registry.document_versions(ref)
    chosen = [
        v
        for v in versions
        if (
            v.version == version
            if on is None
            else v.in_force_from <= on and (v.in_force_until is None or on < v.in_force_until)
        )
    ]
    if not chosen:
        known = ", ".join(str(v.version) for v in versions) or said("none")
        if version is not None:
            message = said(
                "{ref} has no version {version} (adopted versions: {known})",
                ref=ref,
                version=version,
                known=known,
            )
        else:
            message = said(
                "{ref} has no version in force on {on} (adopted versions: {known})",
                ref=ref,
                on=on,
                known=known,
            )
        raise click.ClickException(message)
    emit_object(chosen[0], app.fmt)


def _dates_of_effect(registry: Registry, document: Document, language: str) -> list[str]:
    """What a reader must know beside the record: it is adopted but not in force yet, or
    a newer version is adopted but an earlier one applies until its date of effect."""
    today, gettext = registry.today(), translations(language).gettext
    if document.upcoming_on(today):
        return [
            gettext("Adopted on {decided}, in force from {effective}: not in force yet.").format(
                decided=document.decided_on, effective=document.in_force_from
            )
        ]
    coming = document.new_version_from(today)
    if coming is None:
        return []
    applying = registry.document_applying(document.ref, on=today)
    return [
        gettext(
            "Version {version} takes effect on {effective}; until then version {current} "
            "applies (styrdok doc show {ref} --version {current})."
        ).format(
            version=document.version,
            effective=coming,
            current=applying.version,
            ref=document.ref,
        )
    ]


@click.command("list")
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
            raise click.UsageError(said("--on cannot be combined with other filters"))
        versions = registry.documents_in_force(on)
        emit_rows(
            (
                {
                    "ref": v.document_ref,
                    "version": v.version,
                    "doc_type": v.snapshot.doc_type,
                    "title": v.snapshot.title,
                    "in_force_from": v.in_force_from,
                    "in_force_until": v.in_force_until,
                }
                for v in versions
            ),
            [
                ("ref", N_("REF")),
                ("version", N_("V")),
                ("doc_type", N_("TYPE")),
                ("title", N_("TITLE")),
                ("in_force_from", N_("FROM")),
                ("in_force_until", N_("UNTIL")),
            ],
            app.fmt,
            empty=said("Nothing was in force on {on}.", on=on),
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
        empty=N_("No documents match."),
    )


@click.command("check")
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
      styrdok --format csv doc check --all > findings.csv
    """
    if bool(ref) == check_all:
        raise click.UsageError(said("give a document REF or --all"))
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
        [("ref", N_("REF")), ("score", N_("SCORE")), ("finding", N_("FINDING"))],
        app.fmt,
        empty=N_("No documents to check."),
    )
    if strict and any(result.findings for result in results):
        raise SystemExit(1)


@click.command("history")
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
                    "detail": _version_detail(v),
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
            rows,
            [("what", N_("WHAT")), ("on", N_("ON")), ("by", N_("BY")), ("detail", N_("DETAIL"))],
            app.fmt,
        )
        return
    click.echo(said("Versions"))
    # An annulled version says so, with who, when and why, in a column of its own.
    annulled = [("annulled", N_("ANNULLED"))] if any(v.annulled for v in versions) else []
    emit_rows(
        (
            {
                "version": v.version,
                "from": v.in_force_from,
                "until": v.in_force_until,
                "body": v.snapshot.adopted_by,
                "minute": v.snapshot.minute_ref,
                "annulled": _annulment(v),
            }
            for v in versions
        ),
        [
            ("version", N_("V")),
            ("from", N_("IN FORCE FROM")),
            ("until", N_("UNTIL")),
            ("body", N_("ADOPTED BY")),
            ("minute", N_("MINUTE")),
            *annulled,
        ],
        "table",
        empty=N_("Never adopted."),
    )
    click.echo("\n" + said("Reviews"))
    emit_rows(
        (
            {
                "on": r.reviewed_on,
                "version": r.document_version,
                "by": r.reviewer,
                "outcome": r.outcome,
                "next": r.next_review_on,
                "notes": r.notes,
            }
            for r in reviews
        ),
        [
            ("on", N_("ON")),
            ("version", N_("V")),
            ("by", N_("BY")),
            ("outcome", N_("OUTCOME")),
            ("next", N_("NEXT")),
            ("notes", N_("NOTES")),
        ],
        "table",
        empty=N_("No reviews yet."),
    )
    click.echo("\n" + said("Changes"))
    emit_rows(
        (
            {
                "at": e.at.strftime("%Y-%m-%d %H:%M"),
                "actor": e.actor,
                "action": action_label(e.action, app.language()),
            }
            for e in events
        ),
        [("at", N_("AT (UTC)")), ("actor", N_("BY")), ("action", N_("WHAT"))],
        "table",
    )


def _annulment(version: DocumentVersion) -> str:
    """Who annulled a version, when and why (empty for a version not annulled)."""
    if version.annulled is None:
        return ""
    annulled = version.annulled
    return said("{on} by {by}: {reason}", on=annulled.on, by=annulled.by, reason=annulled.reason)


def _version_detail(version: DocumentVersion) -> str:
    if version.annulled is not None:
        return said("v{version} annulled {how}", version=version.version, how=_annulment(version))
    until = version.in_force_until or "-"
    return said("v{version} until {until}", version=version.version, until=until)
