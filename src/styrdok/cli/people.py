"""``styrdok person …`` and ``styrdok body …``."""

from __future__ import annotations

import attrs
import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.notices import person_notices
from styrdok.cli.output import done, emit_object, emit_rows, said
from styrdok.cli.params import choice
from styrdok.enums import BodyLevel
from styrdok.labels import N_

PERSON_COLUMNS = [
    ("ref", N_("REF")),
    ("name", N_("NAME")),
    ("email", N_("E-MAIL")),
    ("unit", N_("UNIT")),
    ("title", N_("TITLE")),
    ("active", N_("ACTIVE")),
    ("is_admin", N_("ADMIN")),
]
BODY_COLUMNS = [
    ("ref", N_("REF")),
    ("name", N_("NAME")),
    ("level", N_("LEVEL")),
    ("contact", N_("CONTACT")),
]


@click.group(cls=StyrdokGroup)
def person() -> None:
    """People: owners, guardians, requesters, approvers."""


@person.command("add")
@click.argument("ref")
@click.option("--name", required=True, help="Full name.")
@click.option("--email", help="E-mail address for reminders.")
@click.option("--unit", help="Organisational unit: a unit's ref once there are units.")
@click.option("--title", help="Job title.")
@click.option("--admin", "is_admin", is_flag=True, help="Make them a registry administrator.")
@pass_app
def person_add(
    app: App,
    ref: str,
    name: str,
    email: str | None,
    unit: str | None,
    title: str | None,
    is_admin: bool,
) -> None:
    """Register a person (administrators only).

    \b
    Example:
      styrdok --as eva.ek person add tove.sund --name "Tove Sund" \\
          --email tove.sund@mittkoping.example --unit KLF-IT
    """
    from styrdok.model import Person

    new = Person(ref=ref, name=name, email=email, unit=unit, title=title, is_admin=is_admin)
    stored = app.registry().add_person(new, actor=app.actor)
    done(said("Added person {ref}.", ref=stored.ref), stored, app.fmt)


@person.command("list")
@pass_app
def person_list(app: App) -> None:
    """List everyone in the registry.

    \b
    Example:
      styrdok --format csv person list > people.csv
    """
    emit_rows((attrs.asdict(p) for p in app.registry().list_persons()), PERSON_COLUMNS, app.fmt)


@person.command("anonymise")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def person_anonymise(app: App, ref: str, yes: bool) -> None:
    """Replace a person's ref, name and e-mail address everywhere with a pseudonym (GDPR).
    History stays: what they decided, asked and answered remains, under the pseudonym. The
    audit log is re-sealed so it still verifies; the new audit event records the previous
    chain head. Cannot be undone. Hand over their documents, dispensations and body
    contacts first (administrators only).

    \b
    Example:
      styrdok --as eva.ek person anonymise sara.jansson --yes
    """
    if not yes:
        click.confirm(
            said("Replace {ref} with a pseudonym everywhere? This cannot be undone", ref=ref),
            abort=True,
        )
    anonymous = app.registry().anonymise_person(ref, actor=app.actor)
    done(
        said(
            "{ref} is now {anonymous} ({name}).",
            ref=ref,
            anonymous=anonymous.ref,
            name=anonymous.name,
        ),
        anonymous,
        app.fmt,
    )


person.add_command(person_notices)


@person.command("show")
@click.argument("ref")
@pass_app
def person_show(app: App, ref: str) -> None:
    """Show one person.

    \b
    Example:
      styrdok person show anna.lind
    """
    emit_object(app.registry().get_person(ref), app.fmt)


@person.command("edit")
@click.argument("ref")
@click.option("--name", help="Full name.")
@click.option("--email", help="E-mail address for reminders.")
@click.option("--unit", help="Organisational unit.")
@click.option("--title", help="Job title.")
@click.option("--admin/--no-admin", "is_admin", default=None, help="Administrator right.")
@click.option(
    "--active/--left",
    "active",
    default=None,
    help="--left deactivates someone who has left (never deleted); --active brings them back.",
)
@pass_app
def person_edit(app: App, /, ref: str, **options: object) -> None:
    """Correct a person (administrators only); only the options given change.

    \b
    Example:
      styrdok --as eva.ek person edit sara.jansson --title "Förstelärare"
    """
    changes = {key: value for key, value in options.items() if value is not None}
    if not changes:
        raise click.UsageError(said("nothing to change: give at least one option"))
    stored = app.registry().edit_person(ref, changes, actor=app.actor)
    done(said("Updated person {ref}.", ref=stored.ref), stored, app.fmt)


@person.command("handover")
@click.argument("from_person", metavar="FROM")
@click.argument("to_person", metavar="TO")
@click.option(
    "--only",
    metavar="ROLES",
    help="Comma-separated duties to move: owner, guardian, approver, responsible, contact "
    "[default: all].",
)
@click.option("--dry-run", is_flag=True, help="Show what would move; change nothing.")
@pass_app
def person_handover(
    app: App, from_person: str, to_person: str, only: str | None, dry_run: bool
) -> None:
    """Hand a person's duties over to another, in one audited step (administrators only):
    documents they own, guard or approve exemptions from, open dispensations they are
    responsible for, bodies they are the contact of. Then they can leave, or be anonymised.

    \b
    Examples:
      styrdok --as eva.ek person handover anna.lind gustav.berg --dry-run
      styrdok --as eva.ek person handover anna.lind gustav.berg --only owner,guardian
    """
    roles = tuple(r.strip() for r in only.split(",") if r.strip()) if only else ()
    changes = app.registry().hand_over(
        from_person, to_person, actor=app.actor, only=roles, dry_run=dry_run
    )
    if not changes:
        click.echo(said("{person} has no such duties to hand over.", person=from_person), err=True)
        return
    emit_rows(({"duty": change} for change in changes), [("duty", N_("DUTY"))], app.fmt)
    parts = {"count": len(changes), "giver": from_person, "taker": to_person}
    message = (
        said("Would move {count} duties from {giver} to {taker}.", **parts)
        if dry_run
        else said("Moved {count} duties from {giver} to {taker}.", **parts)
    )
    click.echo(message, err=True)


@click.group(cls=StyrdokGroup)
def body() -> None:
    """Deciding bodies: council, executive board, committees, administrations, units."""


@body.command("add")
@click.argument("ref")
@click.option("--name", required=True, help="Full name, e.g. Kommunfullmäktige.")
@click.option(
    "--level",
    type=choice(BodyLevel),
    required=True,
    help="Where it sits in the chain of governance.",
)
@click.option(
    "--contact", metavar="PERSON", help="Registrar told when reviews under this body run late."
)
@pass_app
def body_add(app: App, ref: str, name: str, level: str, contact: str | None) -> None:
    """Register a deciding body (administrators only).

    \b
    Example:
      styrdok --as eva.ek body add MBN --name "Miljö- och byggnämnden" --level committee \\
          --contact nils.wikstrom
    """
    from styrdok.model import Body

    stored = app.registry().add_body(
        Body(ref=ref, name=name, level=level, contact=contact), actor=app.actor
    )
    done(said("Added body {ref}.", ref=stored.ref), stored, app.fmt)


@body.command("edit")
@click.argument("ref")
@click.option("--name", help="Full name.")
@click.option("--level", type=choice(BodyLevel), help="Where it sits in the chain of governance.")
@click.option("--contact", metavar="PERSON", help="Registrar told when reviews run late.")
@pass_app
def body_edit(app: App, /, ref: str, **options: object) -> None:
    """Correct a deciding body (administrators only); only the options given change.

    \b
    Example:
      styrdok --as eva.ek body edit BUN --contact per.ahmadi
    """
    changes = {key: value for key, value in options.items() if value is not None}
    if not changes:
        raise click.UsageError(said("nothing to change: give at least one option"))
    stored = app.registry().edit_body(ref, changes, actor=app.actor)
    done(said("Updated body {ref}.", ref=stored.ref), stored, app.fmt)


@body.command("show")
@click.argument("ref")
@pass_app
def body_show(app: App, ref: str) -> None:
    """Show one deciding body.

    \b
    Example:
      styrdok body show KS
    """
    emit_object(app.registry().get_body(ref), app.fmt)


@body.command("list")
@pass_app
def body_list(app: App) -> None:
    """List the deciding bodies.

    \b
    Example:
      styrdok body list
    """
    emit_rows(
        (
            {"ref": b.ref, "name": b.name, "level": b.level, "contact": b.contact}
            for b in app.registry().list_bodies()
        ),
        BODY_COLUMNS,
        app.fmt,
    )
