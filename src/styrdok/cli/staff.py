"""``styrdok staff sync FILE``: the people in the register brought in line with HR's staff
list (``docs/staff.md``).

Texts are in the reader's language (``--lang``, else the settings, else Swedish) through the
gettext catalog. A table (the default) shows what changed, the leavers' open duties and a
summary; ``--format json|csv`` gives every change as a row, the summary on standard error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import emit_rows
from styrdok.cli.progress import progress
from styrdok.labels import N_

if TYPE_CHECKING:
    from styrdok.usecases.staff import Duty, StaffChange, StaffSync

#: A table lists at most this many changes (``--format csv`` lists them all).
SHOWN = 50

#: How each kind of change is named in a table.
CHANGES = {
    "created": N_("new"),
    "updated": N_("changed"),
    "reactivated": N_("back"),
    "deactivated": N_("left"),
}

#: The synced fields, as a table names them.
FIELDS = {"name": N_("name"), "email": N_("e-mail"), "unit": N_("unit"), "title": N_("title")}

#: A leaver's duties, by role (``{refs}``: the documents, dispensations, bodies or units).
DUTIES = {
    "owner": N_("owner of {refs}"),
    "guardian": N_("guardian of {refs}"),
    "approver": N_("approves dispensations from {refs}"),
    "responsible": N_("responsible for {refs}"),
    "contact": N_("contact of {refs}"),
    "decider": N_("to decide {refs}"),
    "manager": N_("manager of {refs}"),
}

COLUMNS = [
    ("row", N_("ROW")),
    ("change", N_("CHANGE")),
    ("ref", N_("REF")),
    ("name", N_("NAME")),
    ("unit", N_("UNIT")),
    ("changed", N_("CHANGED")),
]
DATA_COLUMNS = [
    ("change", "change"),
    ("row", "row"),
    ("ref", "ref"),
    ("name", "name"),
    ("email", "email"),
    ("unit", "unit"),
    ("title", "title"),
    ("changed", "changed"),
    ("duties", "duties"),
]


@click.group(cls=StyrdokGroup)
def staff() -> None:
    """Staff from the HR system or the directory (docs/staff.md)."""


@staff.command("sync")
@click.argument("source", metavar="FILE")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@pass_app
def staff_sync(app: App, source: str, dry_run: bool) -> None:
    """Bring the people in the register in line with the staff list that HR or the
    directory exports, an XLSX or CSV file (columns: docs/staff.md; other headings are
    mapped under [staff] in styrdok.toml). Creates new people, updates changed ones (a new
    unit counts from today), reactivates those who are back and deactivates leavers —
    active people with a unit who are not in the file — never deleting anyone. People
    without a unit are left alone. The leavers' open duties are listed for handover. A bad
    row is one error naming it, and nothing is written (administrators only).

    \b
    Examples:
      styrdok export --xlsx register.xlsx
      styrdok --as eva.ek staff sync register.xlsx --dry-run
      styrdok --as eva.ek --lang en staff sync register.xlsx
    """
    from styrdok.i18n import translations
    from styrdok.spreadsheets import SheetError
    from styrdok.usecases.staff import heading_map

    lang = app.language()
    _ = translations(lang).gettext
    config = app.config()
    mapping = heading_map(config.sections.get("staff", {}), source=config.source)
    name = Path(source).name
    try:
        with progress(_("Reading {name}").format(name=name)) as advance:
            result = app.registry().sync_staff(
                source,
                actor=app.actor,
                columns=mapping.columns,
                ignore=mapping.ignore,
                dry_run=dry_run,
                progress=advance,
            )
    except SheetError as exc:
        raise click.ClickException(exc.message(lang)) from None
    if app.fmt != "table":
        emit_rows(_data_rows(result), DATA_COLUMNS, app.fmt)
        click.echo(_summary(result, name, _, translations(lang).ngettext), err=True)
        return
    _show(result, lang)
    click.echo(_summary(result, name, _, translations(lang).ngettext))


def _changes(result: StaffSync) -> Iterator[tuple[str, StaffChange]]:
    for kind in ("created", "updated", "reactivated", "deactivated"):
        for change in getattr(result, kind):
            yield kind, change


def _data_rows(result: StaffSync) -> Iterator[dict[str, Any]]:
    """Every change with the person as left by the sync, codes as they are."""
    duties = _duties_by_person(result.duties)
    for kind, change in _changes(result):
        person = change.person
        yield {
            "change": kind,
            "row": change.row,
            "ref": person.ref,
            "name": person.name,
            "email": person.email,
            "unit": person.unit,
            "title": person.title,
            "changed": list(change.changed),
            "duties": [f"{d.role} {d.ref}" for d in duties.get(person.ref, [])],
        }


def _show(result: StaffSync, lang: str) -> None:
    """The changes (the first :data:`SHOWN`), the counts and the leavers' duties."""
    from styrdok.i18n import translations

    _ = translations(lang).gettext
    rows: list[dict[str, Any]] = []
    for kind, change in _changes(result):
        if len(rows) == SHOWN:
            break
        rows.append(
            {
                "row": change.row,
                "change": _(CHANGES[kind]),
                "ref": change.person.ref,
                "name": change.person.name,
                "unit": change.person.unit,
                "changed": ", ".join(_(FIELDS[field]) for field in change.changed),
            }
        )
    if rows:
        emit_rows(rows, COLUMNS, "table", language=lang)
        if result.changes > SHOWN:
            click.echo(
                _("… and {count} more (--format csv lists every change)").format(
                    count=result.changes - SHOWN
                )
            )
        click.echo()
    counts = [
        (_("created"), len(result.created)),
        (_("updated"), len(result.updated)),
        (_("reactivated"), len(result.reactivated)),
        (_("deactivated"), len(result.deactivated)),
        (_("unchanged"), result.unchanged),
    ]
    width = max(len(label) for label, _count in counts)
    digits = max(len(str(count)) for _label, count in counts)
    for label, count in counts:
        click.echo(f"  {label.ljust(width)}  {count:>{digits}}")
    duties = _duties_by_person(result.duties)
    if duties:
        click.echo()
        click.echo(_("To hand over (styrdok person handover FROM TO):"))
        for person, theirs in duties.items():
            click.echo(f"  {person}: {_duty_text(theirs, _)}")
    click.echo()


def _duties_by_person(duties: tuple[Duty, ...]) -> dict[str, list[Duty]]:
    found: dict[str, list[Duty]] = {}
    for duty in duties:
        found.setdefault(duty.person, []).append(duty)
    return found


def _duty_text(duties: list[Duty], gettext: Callable[[str], str]) -> str:
    """``ägare av POL-1, RIKT-2; väktare av RUT-3``."""
    refs: dict[str, list[str]] = {}
    for duty in duties:
        refs.setdefault(duty.role, []).append(duty.ref)
    return "; ".join(
        gettext(DUTIES.get(role, role + " {refs}")).format(refs=", ".join(these))
        for role, these in refs.items()
    )


def _summary(
    result: StaffSync,
    name: str,
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
) -> str:
    """The last line: what was written, what would be, or that nothing changes."""
    if not result.changes:
        return gettext("The register already matches {name}: nothing changed.").format(name=name)
    if result.dry_run:
        return ngettext(
            "Would change {count} person; nothing was written (--dry-run).",
            "Would change {count} people; nothing was written (--dry-run).",
            result.changes,
        ).format(count=result.changes)
    return ngettext(
        "Synced {name}: {count} person changed.",
        "Synced {name}: {count} people changed.",
        result.changes,
    ).format(name=name, count=result.changes)
