"""``styrdok search`` and ``styrdok doc diff``: what documents say, and what a new version
changed. ``doc diff`` is registered on the ``doc`` group in :mod:`styrdok.cli.doc`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows, reader_language, said
from styrdok.labels import N_, field_label

if TYPE_CHECKING:
    from styrdok.diffing import VersionDiff


@click.command()
@click.argument("query")
@click.option(
    "--all", "everything", is_flag=True, help="Search every document, not only those in force."
)
@click.option(
    "--limit", type=click.IntRange(1, 100), default=20, show_default=True, help="Most hits."
)
@pass_app
def search(app: App, query: str, everything: bool, limit: int) -> None:
    """Find documents by title, purpose, text and FAQ, best first, with the words found
    shown in context. Every word must occur. By default only documents in force.

    \b
    Examples:
      styrdok search "informationssäkerhet"
      styrdok --format json search "distansarbete hemma" --all
    """
    from styrdok.enums import DocStatus

    hits = app.registry().search_documents(
        query, status=None if everything else DocStatus.IN_FORCE, limit=limit
    )
    if app.fmt == "json":
        from styrdok.serialize import to_data

        click.echo(json.dumps(to_data(hits), ensure_ascii=False, indent=2))
        return
    from styrdok.search import snippet_text

    if app.fmt in ("csv", "csv-excel"):
        rows = (
            {
                "ref": hit.ref,
                "title": hit.title,
                "status": hit.status.value,
                "snippet": snippet_text(hit.snippet),
            }
            for hit in hits
        )
        emit_rows(
            rows,
            [
                ("ref", N_("REF")),
                ("title", N_("TITLE")),
                ("status", N_("STATUS")),
                ("snippet", N_("SNIPPET")),
            ],
            app.fmt,
        )
        return
    if not hits:
        click.echo(said("No documents match."))
        return
    from styrdok.labels import label

    language = app.language()
    # Matched words in bold on a terminal; between » « otherwise, so they stay visible.
    color = sys.stdout.isatty()
    for hit in hits:
        status = label(hit.status, language)
        click.echo(f"{click.style(hit.ref, bold=True)}  {hit.title}  ({status})")
        text = "".join(
            (click.style(part.text, bold=True) if color else f"»{part.text}«")
            if part.matched
            else part.text
            for part in hit.snippet
        )
        if text.strip():
            click.echo(f"    {text}")


@click.command("diff")
@click.argument("ref")
@click.option("--from", "from_version", type=click.IntRange(1), help="The older version.")
@click.option("--to", "to_version", type=click.IntRange(1), help="The newer version.")
@click.option("--draft", is_flag=True, help="The draft revision against the version adopted now.")
@pass_app
def doc_diff(
    app: App, ref: str, from_version: int | None, to_version: int | None, draft: bool
) -> None:
    """What changed between two adopted versions: every changed field, and the text word
    by word ([-removed-] {+added+}). By default the last version against the one before;
    with --draft, what the draft revision (prepared with ``doc edit``) would change.

    \b
    Examples:
      styrdok doc diff RIKT-SOC-01
      styrdok --format json doc diff RIKT-SOC-01 --from 1 --to 3
    """
    if draft and (from_version is not None or to_version is not None):
        raise click.UsageError(said("give --draft or --from/--to, not both"))
    registry = app.registry()
    diff = (
        registry.compare_draft(ref)
        if draft
        else registry.compare_versions(ref, from_version=from_version, to_version=to_version)
    )
    if app.fmt != "table":
        from styrdok.serialize import to_data

        click.echo(json.dumps(to_data(diff), ensure_ascii=False, indent=2))
        return
    _print_diff(diff, color=sys.stdout.isatty())


def _print_diff(diff: VersionDiff, *, color: bool) -> None:
    click.echo(
        said(
            "{ref}: version {before} → version {after}",
            ref=diff.ref,
            before=diff.from_version,
            after=diff.to_version,
        )
    )
    if not diff.fields and not diff.text_changed:
        click.echo(said("Nothing changed."))
        return
    language = reader_language()
    for change in diff.fields:
        name = field_label(change.field, language)
        before, after = (_shown(v, change.field, language) for v in (change.before, change.after))
        click.echo(f"  {name}: {before} → {after}")
    if not diff.text_changed:
        return
    click.echo(said("Text:"))
    styles = {"delete": ("[-", "-]", "red"), "insert": ("{+", "+}", "green")}
    out = []
    for part in diff.text:
        if part.op == "equal":
            out.append(part.text)
            continue
        start, end, colour = styles[part.op]
        # The markers stay with colour too: a redline must not depend on seeing colour.
        marked = f"{start}{part.text}{end}"
        out.append(click.style(marked, fg=colour) if color else marked)
    click.echo("".join(out).rstrip("\n"))


#: A document's fields whose values are codes (``guideline``), shown by their labels.
_CODED = frozenset({"doc_type", "status"})


def _shown(value: object, field: str, language: str) -> str:
    """A compared value as people read it: a code by its label, yes/no in ``language``."""
    from styrdok.i18n import translations
    from styrdok.labels import label

    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        gettext = translations(language).gettext
        return gettext("yes") if value else gettext("no")
    if field in _CODED and isinstance(value, str):
        return label(value, language)
    if isinstance(value, list):
        return ", ".join(
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
        )
    return " ".join(str(value).split())
