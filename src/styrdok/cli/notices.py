"""``styrdok person notices``: which kinds of notice a person gets, and opting out."""

from __future__ import annotations

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows, reader_language
from styrdok.labels import N_

COLUMNS = [("kind", N_("KIND")), ("name", N_("NAME")), ("muted", N_("MUTED"))]


def _(message: str) -> str:
    """``message`` in the reader's language (extracted for the catalog)."""
    from styrdok.i18n import translations

    return translations(reader_language()).gettext(message)


@click.command("notices")
@click.argument("ref")
@click.option(
    "--mute",
    multiple=True,
    metavar="KIND",
    help="Stop getting this kind of notice (repeatable); see the list for the kinds.",
)
@click.option(
    "--unmute", multiple=True, metavar="KIND", help="Get this kind of notice again (repeatable)."
)
@pass_app
def person_notices(app: App, ref: str, mute: tuple[str, ...], unmute: tuple[str, ...]) -> None:
    """List the kinds of notice and which of them a person has opted out of; with --mute
    or --unmute, change that first (the person themself or an administrator). Decisions
    about a request are always told and cannot be muted.

    \b
    Examples:
      styrdok person notices sara.jansson
      styrdok --as sara.jansson person notices sara.jansson --mute overdue --mute read
      styrdok --as sara.jansson person notices sara.jansson --unmute read
    """
    from styrdok.labels import label
    from styrdok.notify import ALWAYS_TOLD, NoticeKind

    registry = app.registry()
    if mute or unmute:
        muted = registry.set_notices(ref, mute=mute, unmute=unmute, actor=app.actor)
        click.echo(_("Notices for {person} updated.").format(person=ref), err=True)
    else:
        muted = registry.muted_notices(ref)
    language = reader_language()
    rows = [
        {
            "kind": kind.value,
            "name": label(kind.value, language),
            "muted": "-" if kind in ALWAYS_TOLD else kind in muted,
        }
        for kind in NoticeKind
    ]
    emit_rows(rows, COLUMNS, app.fmt)
