"""``styrdok due`` and ``styrdok expire``: time passing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows
from styrdok.cli.params import DATE, HORIZON
from styrdok.enums import DueKind

if TYPE_CHECKING:
    from styrdok.model import DueItem

_KIND_LABEL = {
    DueKind.REVIEW: "review",
    DueKind.DOCUMENT_EXPIRY: "document ends",
    DueKind.DISPENSATION_EXPIRY: "dispensation ends",
}


def render_due(items: Sequence[DueItem], fmt: str) -> None:
    def when(item: DueItem) -> str:
        if item.days_left < 0:
            return f"{-item.days_left} d overdue"
        return "today" if item.days_left == 0 else f"in {item.days_left} d"

    emit_rows(
        (
            {
                "due_on": i.due_on,
                "when": when(i),
                "kind": _KIND_LABEL[i.kind] if fmt == "table" else i.kind.value,
                "days_left": i.days_left,
                "ref": i.ref,
                "title": i.title,
                "person": i.person,
            }
            for i in items
        ),
        [
            ("due_on", "DUE"),
            ("when", "WHEN"),
            ("kind", "WHAT"),
            ("ref", "REF"),
            ("title", "TITLE"),
            ("person", "RESPONSIBLE"),
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
        empty="Nothing is due.",
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
    render_due(app.registry().due(within_days=within_days, today=today), app.fmt)


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
    click.echo(f"{len(changed)} item(s) ended" + (": " + ", ".join(changed) if changed else "."))
