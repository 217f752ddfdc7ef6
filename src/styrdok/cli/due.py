"""``styrdok due`` and ``styrdok expire``: time passing."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows, reader_language, said
from styrdok.cli.params import DATE, HORIZON
from styrdok.labels import N_

if TYPE_CHECKING:
    from styrdok.model import DueItem


#: A table of what is due is fitted to its first this many rows and printed this many at a
#: time, so the first page is on screen while the rest is still being read.
TABLE_BLOCK = 100


def render_due(items: Iterable[DueItem], fmt: str, *, within_days: int | None = None) -> None:
    """What is due: a table in the reader's language, or the codes and the days left in
    JSON and CSV (whose ``when`` stays English, as before: machines read it). Every format
    prints the items as they come; ``within_days``, the horizon they were read for, keeps
    room in the table for the furthest "in … d" when its columns are fitted before the
    last item has come."""
    from styrdok.enums import DueKind
    from styrdok.i18n import translations

    _ = translations(reader_language() if fmt == "table" else "en").gettext

    def when(days_left: int) -> str:
        if days_left < 0:
            return _("{days} d overdue").format(days=-days_left)
        if days_left == 0:
            return _("today")
        return _("in {days} d").format(days=days_left)

    # Sorted by date, the most overdue come first: the rows after the first block are less
    # overdue, due today, or due within the horizon; their kinds are known in advance.
    furthest = [when(0), *([when(within_days)] if within_days is not None else [])]
    emit_rows(
        (
            {
                "due_on": i.due_on,
                "when": when(i.days_left),
                "kind": i.kind,
                "days_left": i.days_left,
                "ref": i.ref,
                "title": i.title,
                "person": i.person,
            }
            for i in items
        ),
        [
            ("due_on", N_("DUE")),
            ("when", N_("WHEN")),
            ("kind", N_("WHAT")),
            ("ref", N_("REF")),
            ("title", N_("TITLE")),
            ("person", N_("RESPONSIBLE")),
        ]
        if fmt == "table"
        else [
            ("due_on", "due_on"),
            ("days_left", "days_left"),
            ("kind", "kind"),
            ("ref", "ref"),
            ("title", "title"),
            ("person", "person"),
        ],
        fmt,
        empty=N_("Nothing is due."),
        block=TABLE_BLOCK,
        room={"when": furthest, "kind": list(DueKind)},
    )


@click.command()
@click.option(
    "--within",
    "within_days",
    type=HORIZON,
    default="30d",
    show_default=True,
    help="How far ahead to look: 30d, 6w, 3m.",
)
@click.option("--today", type=DATE, help="Pretend today is this date.")
@pass_app
def due(app: App, within_days: int, today: dt.date | None) -> None:
    """Reviews and end dates that are due, overdue ones first.

    \b
    Examples:
      styrdok due
      styrdok --format csv due --within 90d > due.csv
    """
    due_items = app.registry().iter_due(within_days=within_days, today=today)
    with contextlib.closing(due_items):  # its read transaction ends here, whatever happens
        render_due(due_items, app.fmt, within_days=within_days)


@click.command()
@click.option("--today", type=DATE, help="Pretend today is this date.")
@pass_app
def expire(app: App, today: dt.date | None) -> None:
    """Mark lapsed documents and expired dispensations (safe to run daily).

    \b
    Example:
      styrdok expire
    """
    changed = app.registry().expire(today=today)
    click.echo(
        said("{count} item(s) ended: {refs}", count=len(changed), refs=", ".join(changed))
        if changed
        else said("{count} item(s) ended.", count=0)
    )
