"""``styrdok export``, ``styrdok import`` and ``styrdok schema``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import said
from styrdok.labels import N_


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="JSON file to write ('-' for standard output).",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False),
    help="Instead write one CSV file per kind of record into this folder.",
)
@click.option(
    "--csv-excel",
    "csv_excel_dir",
    type=click.Path(file_okay=False),
    help="The same CSV files in the form Swedish Excel opens by double-click: semicolon "
    "separated, decimal comma, UTF-8 with a byte order mark.",
)
@click.option(
    "--xlsx",
    "xlsx_file",
    type=click.Path(dir_okay=False),
    help="Instead write an Excel workbook: documents, dispensations, people and bodies on "
    "sheets of their own, Swedish headings (English with --lang en), real dates; "
    "'styrdok import FILE --kind …' reads it back.",
)
@click.option(
    "--public",
    "public_dir",
    type=click.Path(file_okay=False),
    help="Instead write open data for the website into this folder: register.json, "
    "documents.csv, dispensations.csv — documents in force and decided dispensations, "
    "no person refs, e-mail addresses, questions or reasoning — and audit-head.json, the "
    "audit log's head for outsiders to anchor.",
)
@click.option(
    "--people",
    type=click.Choice(["none", "roles", "names"]),
    default="roles",
    show_default=True,
    help="With --public: how owners, guardians and responsible people appear (job title and "
    "unit; also names; or not at all).",
)
@pass_app
def export(
    app: App,
    output: str,
    csv_dir: str | None,
    csv_excel_dir: str | None,
    xlsx_file: str | None,
    public_dir: str | None,
    people: str,
) -> None:
    """Export the whole register: lossless JSON, spreadsheets (XLSX, CSV), or open data.

    The JSON follows a published JSON Schema: see 'styrdok schema'.

    \b
    Examples:
      styrdok export -o register.json
      styrdok export --xlsx register.xlsx
      styrdok export --csv-excel register-csv/
      styrdok export --public www/styrdokument/ --people roles
    """
    chosen = [csv_dir, csv_excel_dir, xlsx_file, public_dir]
    if sum(option is not None for option in chosen) > 1:
        raise click.UsageError(said("choose one of --csv, --csv-excel, --xlsx and --public"))
    registry = app.registry()
    if xlsx_file is not None:
        from styrdok.cli.sheets import export_xlsx

        export_xlsx(app, xlsx_file)
        return
    if csv_excel_dir is not None:
        names = registry.export_csv(csv_excel_dir, excel=True)
        click.echo(
            said("Wrote {files} to {where}", files=", ".join(names), where=csv_excel_dir), err=True
        )
        return
    if public_dir is not None:
        names = registry.export_public(
            public_dir,
            people=people,  # type: ignore[arg-type]
            language="en" if (app.lang or app.config().language) == "en" else "sv",
        )
        click.echo(
            said("Wrote {files} to {where}", files=", ".join(names), where=public_dir), err=True
        )
        return
    if csv_dir is not None:
        names = registry.export_csv(csv_dir)
        click.echo(
            said("Wrote {files} to {where}", files=", ".join(names), where=csv_dir), err=True
        )
        return
    from styrdok.cli.progress import progress

    with progress("Exporterar") as step:
        if output == "-":
            registry.export_json(sys.stdout, progress=step)
            return
        target = Path(output)
        from styrdok.files import write_atomically

        write_atomically(target, lambda handle: registry.export_json(handle, progress=step))
    click.echo(said("Wrote {target}", target=target), err=True)


#: The sections of an export, as counted after an import (the code is the English).
SECTIONS = {
    "persons": N_("persons"),
    "units": N_("units"),
    "bodies": N_("bodies"),
    "documents": N_("documents"),
    "attachments": N_("attachments"),
    "document_versions": N_("document_versions"),
    "reviews": N_("reviews"),
    "dispensations": N_("dispensations"),
    "questions": N_("questions"),
    "acknowledgements": N_("acknowledgements"),
}


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--merge",
    is_flag=True,
    help="Add a JSON export's records to a registry in use (administrators): each is checked "
    "against the rules as if entered by hand, and audited on its own.",
)
@click.option(
    "--kind",
    type=click.Choice(["documents", "dispensations", "persons", "bodies"]),
    help="For a spreadsheet (.xlsx, .csv): what its rows are. Required for one.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="For a spreadsheet: check every row and show what would be added; write nothing.",
)
@click.option(
    "--parallel",
    is_flag=True,
    help="For a restore: check the records in a second process while this one stores them "
    "(about a quarter faster with two cores; the second process needs its own memory).",
)
@pass_app
def import_(
    app: App, source: str, merge: bool, kind: str | None, dry_run: bool, parallel: bool
) -> None:
    """Import a JSON export, or rows of a spreadsheet. All or nothing: on any problem
    nothing is written.

    Into an empty registry a JSON export restores a backup. A registry in use takes an
    export only with --merge.

    A spreadsheet (.xlsx, or .csv as Excel or SharePoint saves it) adds new records of one
    --kind, each held to the registry's rules (administrators); its columns are laid out
    as docs/spreadsheets.md describes ('styrdok export --xlsx' writes that layout), and
    styrdok.toml can map other headings. A bad row is named by its row and column.
    (register.xlsx below is what 'styrdok export --xlsx register.xlsx' wrote.)

    \b
    Examples:
      styrdok --db new.db init && styrdok --db new.db import register.json
      styrdok --db big.db init && styrdok --db big.db import --parallel register.json
      styrdok --as eva.ek import --merge other-unit.json
      styrdok --db ny.db init && styrdok --db ny.db import register.xlsx --kind persons
      styrdok --db ny.db --as eva.ek import register.xlsx --kind bodies --dry-run
    """
    from styrdok.spreadsheets import CSV_SUFFIXES, XLSX_SUFFIXES

    if Path(source).suffix.lower() in (*XLSX_SUFFIXES, *CSV_SUFFIXES) and source != "-":
        if kind is None:
            raise click.UsageError(
                "a spreadsheet needs --kind (documents, dispensations, persons or bodies)"
            )
        if merge:
            raise click.UsageError(
                "--merge is for a JSON export; a spreadsheet's rows are always added as "
                "new, checked records"
            )
        if parallel:
            raise click.UsageError(said("--parallel is for a JSON export"))
        from styrdok.cli.sheets import import_sheet

        import_sheet(app, source, kind, dry_run)
        return
    if kind is not None or dry_run:
        raise click.UsageError(said("--kind and --dry-run are for a spreadsheet (.xlsx or .csv)"))
    if parallel and merge:
        raise click.UsageError(
            said("--parallel is for a restore into an empty registry; a merge is read whole")
        )
    from styrdok.cli.progress import progress

    with click.open_file(source, "rb") as handle, progress("Importerar") as step:
        counts = app.registry().import_json(
            handle, actor=app.actor, merge=merge, progress=step, parallel=parallel
        )
    imported = ", ".join(f"{n} {said(SECTIONS.get(name, name))}" for name, n in counts.items() if n)
    click.echo(said("Imported {counts}.", counts=imported))


@click.command("schema")
def schema() -> None:
    """Print the JSON Schema (Draft 2020-12) of the JSON export, of this version of the
    export format. A copy is in docs/schema/ in the source.

    \b
    Examples:
      styrdok schema > styrdok-export-v1.json
    """
    from styrdok.json_schema import schema_text

    click.echo(schema_text(), nl=False)
