"""``styrdok export`` and ``styrdok import``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from styrdok.cli.app import App, pass_app


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
def export(app: App, output: str, csv_dir: str | None, public_dir: str | None, people: str) -> None:
    """Export the whole register: lossless JSON, CSV for spreadsheets, or open data.

    \b
    Examples:
      styrdok export -o register.json
      styrdok export --csv register-csv/
      styrdok export --public www/styrdokument/ --people roles
    """
    registry = app.registry()
    if csv_dir is not None and public_dir is not None:
        raise click.UsageError("choose one of --csv and --public")
    if public_dir is not None:
        names = registry.export_public(
            public_dir,
            people=people,  # type: ignore[arg-type]
            language="en" if (app.lang or app.config().language) == "en" else "sv",
        )
        click.echo(f"Wrote {', '.join(names)} to {public_dir}", err=True)
        return
    if csv_dir is not None:
        names = registry.export_csv(csv_dir)
        click.echo(f"Wrote {', '.join(names)} to {csv_dir}", err=True)
        return
    if output == "-":
        registry.export_json(sys.stdout)
        return
    target = Path(output)
    from styrdok.files import write_atomically

    write_atomically(target, registry.export_json)
    click.echo(f"Wrote {target}", err=True)


@click.command("import")
@click.argument("source", type=click.File("rb"))
@click.option(
    "--merge",
    is_flag=True,
    help="Add the file's records to a registry in use (administrators): each is checked "
    "against the rules as if entered by hand, and audited on its own.",
)
@pass_app
def import_(app: App, source: IO[bytes], merge: bool) -> None:
    """Import a JSON export. All or nothing: on any problem nothing is written.

    Into an empty registry this restores a backup. A registry in use takes an export only
    with --merge.

    \b
    Examples:
      styrdok --db new.db init && styrdok --db new.db import register.json
      styrdok --as ada.admin import --merge other-unit.json
    """
    counts = app.registry().import_json(source, actor=app.actor, merge=merge)
    click.echo("Imported " + ", ".join(f"{n} {name}" for name, n in counts.items() if n) + ".")
