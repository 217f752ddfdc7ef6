"""``styrdok token …``: personal API tokens for programs that use the HTTP API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import done, emit_object, emit_rows, reader_language
from styrdok.labels import N_

if TYPE_CHECKING:
    from styrdok.tokens import ApiToken

TOKEN_COLUMNS = [
    ("id", N_("ID")),
    ("person", N_("PERSON")),
    ("name", N_("NAME")),
    ("status", N_("STATUS")),
    ("created_on", N_("CREATED")),
    ("expires_on", N_("EXPIRES")),
    ("last_used_on", N_("LAST USED")),
    ("revoked_on", N_("REVOKED")),
]
#: A token's state as a table shows it (JSON and CSV keep the code).
STATES = {"valid": N_("valid"), "expired": N_("expired"), "revoked": N_("revoked")}


def _(message: str) -> str:
    """``message`` in the reader's language (extracted for the catalog)."""
    from styrdok.i18n import translations

    return translations(reader_language()).gettext(message)


def _rows(tokens: list[ApiToken], app: App) -> Iterator[dict[str, Any]]:
    """Tokens as a list shows them: days where the municipality is, never a digest (the
    exact times are in the audit log)."""
    from styrdok.opening import local_zone

    today, zone = app.registry().today(), local_zone()
    for token in tokens:
        state = token.state_on(today)
        yield {
            "id": token.id,
            "person": token.person,
            "name": token.name,
            "status": _(STATES[state]) if app.fmt == "table" else state,
            "created_on": token.created_at.astimezone(zone).date(),
            "expires_on": token.expires_on,
            "last_used_on": token.last_used_on,
            "revoked_on": token.revoked_at.astimezone(zone).date() if token.revoked_at else None,
        }


@click.group(cls=StyrdokGroup)
def token() -> None:
    """Personal API tokens: how a program — an intranet page, a script — acts as a person
    in the HTTP API. A token works until the day it expires or until it is revoked; the
    register keeps only a hash of its secret."""


@token.command("create")
@click.argument("person")
@click.option("--name", required=True, help="What it is for, e.g. 'Sitevision-sidan'.")
@click.option(
    "--days", type=int, metavar="N", help="How many days it works: 1 to 365 [default: 90]."
)
@pass_app
def token_create(app: App, person: str, name: str, days: int | None) -> None:
    """Create a token for PERSON (yourself, or anyone if you are an administrator) and
    print its secret — this once: only a hash of it is kept. Give the secret to the program
    as ``Authorization: Bearer <secret>``.

    \b
    Examples:
      styrdok --as anna.lind token create anna.lind --name "Sitevision-sidan"
      styrdok --as eva.ek token create jonas.berg --name "Rapportskript" --days 30
    """
    from styrdok.tokens import without_digest

    options = {} if days is None else {"days": days}
    created, secret = app.registry().create_token(person, name=name, actor=app.actor, **options)
    if app.fmt != "table":
        emit_object({**without_digest(created), "secret": secret}, app.fmt)
    else:
        click.echo(secret)
    # The secret alone on standard output (SECRET=$(styrdok token create …) works); what
    # it is, on standard error.
    click.echo(
        _("Created API token {id} for {person}, valid through {day}.").format(
            id=created.id, person=created.person, day=created.expires_on
        ),
        err=True,
    )
    click.echo(
        _("The secret is shown only now: store it safely. styrdok keeps only a hash of it."),
        err=True,
    )


@token.command("list")
@click.option("--person", metavar="PERSON", help="Only this person's tokens.")
@pass_app
def token_list(app: App, person: str | None) -> None:
    """Tokens with their person, purpose, status and dates — revoked and expired ones too.
    Secrets are never kept, so they are never shown.

    \b
    Example:
      styrdok token list --person anna.lind
    """
    tokens = app.registry().list_tokens(person=person)
    emit_rows(
        _rows(tokens, app),
        TOKEN_COLUMNS,
        app.fmt,
        empty=_("No API tokens."),
    )


@token.command("revoke")
@click.argument("token_id", metavar="ID")
@pass_app
def token_revoke(app: App, token_id: str) -> None:
    """Revoke the token ID at once (its person, or an administrator). Revoking it again
    changes nothing.

    \b
    Examples:
      styrdok --as anna.lind token create anna.lind --name "Test"
      styrdok --as anna.lind token revoke ID     # the id that create printed
    """
    from styrdok.tokens import without_digest

    revoked = app.registry().revoke_token(token_id, actor=app.actor)
    message = _("API token {id} is revoked and no longer works.").format(id=revoked.id)
    done(message, without_digest(revoked), app.fmt)
