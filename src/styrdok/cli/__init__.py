"""The ``styrdok`` command: thin commands that parse, call one Registry method, render.

Commands live in one module per noun. Nothing here imports SQLAlchemy at import time, so
``styrdok --help`` and ``styrdok --version`` start fast.
"""

from __future__ import annotations

import click

from styrdok._version import __version__
from styrdok.cli import disp, doc, exchange, people, setup, status
from styrdok.cli.app import App, StyrdokGroup


@click.group(cls=StyrdokGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="styrdok")
@click.option(
    "--db",
    envvar="STYRDOK_DB",
    metavar="URL|PATH",
    help="Registry database: a SQLite file or a SQLAlchemy URL "
    "[env STYRDOK_DB; default ./styrdok.db].",
)
@click.option(
    "--as",
    "actor",
    envvar="STYRDOK_USER",
    metavar="PERSON",
    help="Who is acting (a person ref) [env STYRDOK_USER].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.pass_context
def main(ctx: click.Context, db: str | None, actor: str | None, fmt: str) -> None:
    """Keep governing documents (styrdokument), their guardians, reviews and
    dispensations in one trustworthy registry.

    \b
    Try it:
      styrdok demo                      # the Mittköping demo register, and what is due
      styrdok --db mittkoping.db doc list
      styrdok --db mittkoping.db due --within 60d
    """
    app = App(db=db, actor=actor, fmt=fmt)
    ctx.obj = app
    ctx.call_on_close(app.close)


for command in (
    setup.init,
    setup.demo,
    people.person,
    people.body,
    doc.doc,
    disp.disp,
    status.due,
    status.expire,
    status.ask,
    status.answer,
    exchange.export,
    exchange.import_,
):
    main.add_command(command)
