"""``styrdok unit …``: the organisation as a tree of units, each with a manager."""

from __future__ import annotations

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import done, emit_object, emit_rows, reader_language, said
from styrdok.cli.params import choice
from styrdok.enums import UnitKind
from styrdok.labels import N_

UNIT_COLUMNS = [
    ("ref", N_("REF")),
    ("name", N_("NAME")),
    ("kind", N_("KIND")),
    ("manager", N_("MANAGER")),
    ("staff", N_("STAFF")),
]


def _(message: str) -> str:
    """``message`` in the reader's language (extracted for the catalog)."""
    from styrdok.i18n import translations

    return translations(reader_language()).gettext(message)


@click.group(cls=StyrdokGroup)
def unit() -> None:
    """The organisation: kommun → förvaltning → avdelning → enhet, each with a manager.
    What a document applies to names units, and a unit includes its sub-units."""


@unit.command("add")
@click.argument("ref")
@click.option("--name", required=True, help="Full name, e.g. 'Hemtjänst Norr'.")
@click.option("--parent", metavar="UNIT", help="The unit it belongs to (none for the top).")
@click.option("--kind", type=choice(UnitKind), default="unit", show_default=True, help="Level.")
@click.option("--manager", metavar="PERSON", help="The manager (chef).")
@pass_app
def unit_add(
    app: App, ref: str, name: str, parent: str | None, kind: str, manager: str | None
) -> None:
    """Register a unit (administrators only). The first is the top: the municipality.

    \b
    Example:
      styrdok --as eva.ek unit add KLF-DIG --name "Digitaliseringsenheten" \\
          --parent KLF --kind unit --manager jonas.berg
    """
    from styrdok.model import Unit

    stored = app.registry().add_unit(
        Unit(ref=ref, name=name, kind=kind, parent=parent, manager=manager), actor=app.actor
    )
    done(_("Added unit {ref}.").format(ref=stored.ref), stored, app.fmt)


@unit.command("edit")
@click.argument("ref")
@click.option("--name", help="Full name.")
@click.option("--kind", type=choice(UnitKind), help="Level.")
@click.option("--manager", metavar="PERSON", help="The manager (chef).")
@pass_app
def unit_edit(app: App, /, ref: str, **options: object) -> None:
    """Correct a unit's name, level or manager (administrators only).

    \b
    Example:
      styrdok --as eva.ek unit edit KLF-IT --manager jonas.berg
    """
    changes = {key: value for key, value in options.items() if value is not None}
    if not changes:
        raise click.UsageError(said("nothing to change: give at least one option"))
    stored = app.registry().edit_unit(ref, changes, actor=app.actor)
    done(_("Updated unit {ref}.").format(ref=stored.ref), stored, app.fmt)


@unit.command("move")
@click.argument("ref")
@click.option("--to", "parent", required=True, metavar="UNIT", help="The new parent unit.")
@pass_app
def unit_move(app: App, ref: str, parent: str) -> None:
    """Move a unit, with every unit under it, to another parent (administrators only):
    a reorganisation. Its staff are then asked what applies in the new place.

    \b
    Example:
      styrdok --as eva.ek unit move KLF-IT --to KLF
    """
    stored = app.registry().edit_unit(ref, {"parent": parent}, actor=app.actor)
    message = _("Moved {ref} under {parent}.").format(ref=stored.ref, parent=parent)
    done(message, stored, app.fmt)


@unit.command("list")
@pass_app
def unit_list(app: App) -> None:
    """The organisation as a tree, with each unit's manager and active staff.

    \b
    Example:
      styrdok unit list
    """
    registry = app.registry()
    tree = registry.unit_tree()
    staff = registry.unit_headcounts()
    indent = app.fmt == "table"
    rows = (
        {
            "ref": u.ref,
            "name": ("  " * tree.depth(u.ref) if indent else "") + u.name,
            "kind": u.kind,
            "parent": u.parent,
            "manager": u.manager,
            "staff": staff.get(u.ref, 0),
        }
        for u in tree.walk()
    )
    columns = (
        UNIT_COLUMNS if indent else [*UNIT_COLUMNS[:3], ("parent", N_("PARENT")), *UNIT_COLUMNS[3:]]
    )
    emit_rows(
        rows,
        columns,
        app.fmt,
        empty=_("No units yet: add the top with `styrdok unit add`."),
    )


@unit.command("show")
@click.argument("ref")
@pass_app
def unit_show(app: App, ref: str) -> None:
    """One unit: where it sits, its manager, the units under it and its staff.

    \b
    Example:
      styrdok unit show KLF
    """
    registry = app.registry()
    tree = registry.unit_tree()
    found = tree.get(ref)
    staff = registry.unit_headcounts()
    under = tree.subtree([ref])
    emit_object(
        {
            "ref": found.ref,
            "name": found.name,
            "kind": found.kind,
            "path": tree.path(ref),
            "manager": found.manager,
            "units_under": tree.children(ref),
            "staff": staff.get(ref, 0),
            "staff_with_units_under": sum(staff.get(u, 0) for u in under),
        },
        app.fmt,
    )


@unit.command("map")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@pass_app
def unit_map(app: App, dry_run: bool) -> None:
    """Replace free-text units — people's units, what documents and dispensations apply to
    — with the refs of the units they name (by ref or name, regardless of case), once the
    units exist. Values that match no unit are listed and left as they are
    (administrators only).

    \b
    Example:
      styrdok --as eva.ek unit map --dry-run
    """
    result = app.registry().map_units(actor=app.actor, dry_run=dry_run)
    if app.fmt != "table":
        emit_object(result, app.fmt)
        return
    for line in result.changes:
        click.echo(line)
    for value, count in result.unmatched:
        click.echo(
            _("No unit matches {value!r} ({count} records): left as it is.").format(
                value=value, count=count
            )
        )
    if not result.changes:
        click.echo(_("Nothing to map."))
    elif dry_run:
        click.echo(
            _("Dry run: {count} values would be mapped; nothing was changed.").format(
                count=len(result.changes)
            )
        )
    else:
        click.echo(_("{count} values mapped to units.").format(count=len(result.changes)))
