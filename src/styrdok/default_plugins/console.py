"""The built-in console notifier: prints each digest (handy on its own, and in cron logs).

Turn it off with ``[console] enabled = false`` in ``styrdok.toml``. The section is checked
when the plugin registers: ``enabled = "false"`` (text, not a boolean) or an unknown key
stops the run with one error naming ``[console] enabled``; it never silently turns the
channel on or off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from styrdok.config import Bool, Config, Schema
from styrdok.hookspecs import hookimpl
from styrdok.notify import Digest, Notifier, render_text, subject

if TYPE_CHECKING:
    from styrdok.model import Person


SCHEMA: Schema = {"enabled": Bool(default=True)}
"""``[console]``: one switch."""


class ConsoleNotifier:
    name = "console"

    def wants(self, recipient: Person) -> bool:
        return True

    def deliver(self, digest: Digest) -> None:
        email = f" <{digest.recipient.email}>" if digest.recipient.email else ""
        click.echo(f"── To: {digest.recipient.name}{email}\n── {subject(digest)}\n")
        click.echo(render_text(digest) + "\n")


@hookimpl
def styrdok_register_notifiers(register: Callable[[Notifier], None], config: Config) -> None:
    if config.section("console", schema=SCHEMA)["enabled"]:
        register(ConsoleNotifier())
