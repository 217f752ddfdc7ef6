"""``styrdok plugins``: what is installed."""

from __future__ import annotations

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows
from styrdok.labels import N_


@click.command("plugins")
@pass_app
def plugins_command(app: App) -> None:
    """List installed plugins, their versions and the hooks each implements.

    \b
    Example:
      styrdok --format json plugins
    """
    from styrdok.plugins import list_plugins

    emit_rows(
        (
            {"name": p.name, "version": p.version, "hooks": ", ".join(p.hooks)}
            for p in list_plugins()
        ),
        [("name", N_("NAME")), ("version", N_("VERSION")), ("hooks", N_("HOOKS"))],
        app.fmt,
    )
