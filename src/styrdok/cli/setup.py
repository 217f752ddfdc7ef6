"""``styrdok init`` and ``styrdok demo``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import said
from styrdok.cli.params import DATE


@click.command()
@click.option("--admin", metavar="REF", help="Create the first administrator with this ref.")
@click.option("--name", help="The administrator's full name (with --admin).")
@click.option("--email", help="The administrator's e-mail (with --admin).")
@pass_app
def init(app: App, admin: str | None, name: str | None, email: str | None) -> None:
    """Create a registry, or upgrade an existing one to this version's schema.

    \b
    Example:
      styrdok --db register.db init --admin ada --name "Ada Admin" --email ada@example.se
    """
    from styrdok.model import Person
    from styrdok.registry import Registry

    if admin and not name:
        raise click.UsageError(said("--admin needs --name"))
    first = Person(ref=admin, name=name or "", email=email, is_admin=True) if admin else None
    with Registry.open(app.db, create=True) as registry:
        if first is not None:
            registry.add_person(first, actor=None)
        click.echo(said("Registry ready at {url}", url=registry.store.url))


@click.command()
@click.option("--today", type=DATE, help="Pretend today is this date.")
@click.option("--within", "within_days", default=30, show_default=True, help="Days ahead to show.")
@click.option("--force", is_flag=True, help="Replace the demo file if it exists.")
@click.pass_context
def demo(ctx: click.Context, today: dt.date | None, within_days: int, force: bool) -> None:
    """Build the Mittköping demo register in a fresh SQLite file and show what is due.

    The file is --db if given, else ./mittkoping.db. Dates are relative to today, so
    there is always something overdue and something coming up.

    \b
    Example:
      styrdok demo && styrdok --db mittkoping.db doc show POL-IS-01
    """
    from styrdok.demo import build_demo
    from styrdok.registry import Registry

    app: App = ctx.obj
    target = Path(app.db or "mittkoping.db")
    if "://" in str(target):
        raise click.UsageError(said("the demo builds a SQLite file; give --db a file path"))
    if target.exists():
        if not force:
            raise click.ClickException(
                said("{target} exists; use --force to replace it", target=target)
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    if today is None:
        from styrdok.registry import local_zone

        today = dt.datetime.now(local_zone()).date()
    from styrdok.filestore import file_store

    with (
        Registry.open(target, create=True) as registry,
        file_store(app.config(), registry.store.url) as files,
    ):
        summary = build_demo(registry, today=today, files=files, language=app.language())
        # Keep standard output machine-readable when a format other than table is asked for.
        to_stderr = app.fmt != "table"
        built = said(
            "Built the Mittköping register in {target}: {summary}.", target=target, summary=summary
        )
        click.echo(built, err=to_stderr)
        due = said(
            "Due within {days} days of {today} (overdue first):", days=within_days, today=today
        )
        click.echo(f"\n{due}\n", err=to_stderr)
        from styrdok.cli.due import render_due

        due_items = registry.due(today=today, within_days=within_days)
        render_due(due_items, app.fmt, within_days=within_days)
