"""``styrdok ack …``: who is asked to read what, confirming it, and acceptance per unit."""

from __future__ import annotations

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import done, emit_rows, reader_language, said
from styrdok.cli.params import EXPECT_REVISION
from styrdok.labels import N_

STATUS_COLUMNS = [
    ("unit", N_("UNIT")),
    ("name", N_("NAME")),
    ("asked", N_("ASKED")),
    ("read", N_("READ")),
    ("share", N_("SHARE")),
]
UNREAD_COLUMNS = [("ref", N_("REF")), ("name", N_("NAME")), ("unit", N_("UNIT"))]
TODO_COLUMNS = [
    ("ref", N_("REF")),
    ("title", N_("TITLE")),
    ("version", N_("VERSION")),
    ("since", N_("ASKED SINCE")),
    ("read_before", N_("READ BEFORE")),
]


def _(message: str) -> str:
    """``message`` in the reader's language (extracted for the catalog)."""
    from styrdok.i18n import translations

    return translations(reader_language()).gettext(message)


def _share(read: int, asked: int) -> str:
    return f"{round(100 * read / asked)} %" if asked else "–"


@click.group(cls=StyrdokGroup)
def ack() -> None:
    """Communicated and accepted: each document in force asks the people it applies to to
    read it and confirm ("Jag har läst och förstått")."""


@ack.command("todo")
@click.argument("person", required=False)
@pass_app
def ack_todo(app: App, person: str | None) -> None:
    """What a person (default: you, --as) is asked to read and has not confirmed.

    \b
    Example:
      styrdok --as anna.lind ack todo
    """
    who = person or app.actor
    if not who:
        raise click.UsageError(said("name the person: styrdok ack todo PERSON, or --as PERSON"))
    rows = (
        {
            "ref": item.document.ref,
            "title": item.document.title,
            "version": item.document.version,
            "since": item.since,
            "read_before": item.read_before.version if item.read_before else None,
        }
        for item in app.registry().documents_to_read(who)
    )
    emit_rows(rows, TODO_COLUMNS, app.fmt, empty=_("Nothing to read."))


@ack.command("confirm")
@click.argument("ref")
@click.option(
    "--version",
    type=int,
    help="The version you read; refused if another has come into force since.",
)
@pass_app
def ack_confirm(app: App, ref: str, version: int | None) -> None:
    """Confirm, as yourself (--as), that you have read and understood a document's
    version in force. Final: it cannot be withdrawn.

    \b
    Example:
      styrdok --as anna.lind ack confirm POL-IS-01
    """
    stored = app.registry().acknowledge(ref, actor=app.actor, version=version)
    message = _("{person} has read version {version} of {ref}.").format(
        person=stored.person, version=stored.version, ref=ref
    )
    done(message, stored, app.fmt)


@ack.command("ask")
@click.argument("ref")
@EXPECT_REVISION
@pass_app
def ack_ask(app: App, ref: str, expect_revision: int | None) -> None:
    """Ask everyone a document applies to to read its current version and confirm it — for
    a document adopted before the register asked (its owner, guardian or an administrator).

    \b
    Example:
      styrdok --as eva.ek ack ask HPL-DIG-01
    """
    stored = app.registry().ask_to_read(ref, actor=app.actor, expected_revision=expect_revision)
    message = _("Everyone {ref} applies to is asked to read version {version}.")
    done(message.format(ref=ref, version=stored.version), stored, app.fmt)


@ack.command("status")
@click.argument("ref")
@click.option("--unit", metavar="UNIT", help="Only this unit and the units under it.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True,
              help="Most names of people who have not read it.")  # fmt: skip
@pass_app
def ack_status(app: App, ref: str, unit: str | None, limit: int) -> None:
    """Acceptance of a document per unit; for an administrator, or a manager for the units
    they manage, also who has not read it.

    \b
    Example:
      styrdok --as eva.ek ack status POL-IS-01
    """
    registry = app.registry()
    status = registry.reading_status(ref, actor=app.actor, unit=unit, limit=limit)
    tree = registry.unit_tree()
    rows = [
        {
            "unit": row.unit,
            "name": tree.units[row.unit].name,
            "asked": row.asked,
            "read": row.read,
            "share": _share(row.read, row.asked),
        }
        for row in status.units
    ]
    if app.fmt != "table":
        emit_rows(rows, STATUS_COLUMNS, app.fmt)
        return
    document = status.document
    if document.ack_version == 0:
        click.echo(_("{ref} does not ask anyone to read it (styrdok ack ask).").format(ref=ref))
        return
    click.echo(
        _("{ref} version {version}: {read} of {asked} have confirmed ({share}).").format(
            ref=ref,
            version=document.ack_version,
            read=status.read,
            asked=status.asked,
            share=_share(status.read, status.asked),
        )
    )
    emit_rows(rows, STATUS_COLUMNS, app.fmt, empty=_("It applies to no unit."))
    if status.unread:
        click.echo("")
        click.echo(_("Not yet read:"))
        emit_rows(
            ({"ref": p.ref, "name": p.name, "unit": p.unit} for p in status.unread),
            UNREAD_COLUMNS,
            app.fmt,
        )
