"""Spreadsheets on the command line: ``styrdok import FILE.xlsx --kind …`` and
``styrdok export --xlsx FILE`` (the commands themselves are in :mod:`styrdok.cli.exchange`).

Texts are in the reader's language (``--lang``, else the settings, else Swedish) through the
gettext catalog, like the reminders.
"""

from __future__ import annotations

from pathlib import Path

import click

from styrdok.cli.app import App
from styrdok.cli.output import emit_rows
from styrdok.cli.progress import progress


def language(app: App) -> str:
    """The language people read: ``--lang``, else the settings file's, else Swedish."""
    return app.lang or app.config().language


def counted(kind: str, count: int, lang: str) -> str:
    """``3 dokument``, ``1 dispens``: a number of records of ``kind`` in ``lang``."""
    from styrdok.i18n import translations

    ngettext = translations(lang).ngettext
    if kind == "documents":
        text = ngettext("{count} document", "{count} documents", count)
    elif kind == "dispensations":
        text = ngettext("{count} dispensation", "{count} dispensations", count)
    elif kind == "persons":
        text = ngettext("{count} person", "{count} people", count)
    else:
        text = ngettext("{count} deciding body", "{count} deciding bodies", count)
    return text.format(count=count)


def import_sheet(app: App, source: str, kind: str, dry_run: bool) -> None:
    """Import a spreadsheet's rows as new records of ``kind``; print what was (or, with
    ``dry_run``, would be) added. A problem is one line in the reader's language."""
    from styrdok.i18n import translations
    from styrdok.labels import label
    from styrdok.sheet_layout import mapping_from_settings
    from styrdok.spreadsheets import SheetError

    lang = language(app)
    _ = translations(lang).gettext
    config = app.config()
    mapping = mapping_from_settings(config.sections.get("import", {}), kind, source=config.source)
    registry = app.registry()
    try:
        with progress(_("Reading {name}").format(name=Path(source).name)) as advance:
            result = registry.import_spreadsheet(
                source,
                kind=kind,  # type: ignore[arg-type]
                actor=app.actor,
                columns=mapping.columns,
                ignore=mapping.ignore,
                dry_run=dry_run,
                progress=advance,
            )
    except SheetError as exc:
        raise click.ClickException(exc.message(lang)) from None
    what = counted(kind, len(result.added), lang)
    if not dry_run:
        click.echo(_("Imported {what} from {name}.").format(what=what, name=Path(source).name))
        return
    emit_rows(
        (
            {"row": a.row, "ref": a.ref, "title": a.title, "status": label(a.status, lang)}
            for a in result.added
        ),
        [("row", _("ROW")), ("ref", _("REF")), ("title", _("TITLE")), ("status", _("STATUS"))],
        app.fmt,
    )
    # After a table on standard output; beside JSON or CSV on standard error, so that the
    # data stays clean.
    click.echo(
        _("Would import {what}; nothing was written (--dry-run).").format(what=what),
        err=app.fmt != "table",
    )


def export_xlsx(app: App, target: str) -> None:
    """Write the register as an XLSX workbook and say so on standard error."""
    from styrdok.i18n import translations

    lang = language(app)
    _ = translations(lang).gettext
    with progress(_("Writing {name}").format(name=Path(target).name)) as advance:
        counts = app.registry().export_xlsx(
            target,
            language="en" if lang == "en" else "sv",
            progress=advance,
        )
    sheets = ", ".join(f"{name} ({count})" for name, count in counts.items())
    click.echo(_("Wrote {path}: {sheets}.").format(path=target, sheets=sheets), err=True)
