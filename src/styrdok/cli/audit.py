"""``styrdok audit verify``."""

from __future__ import annotations

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app


@click.group(cls=StyrdokGroup)
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@pass_app
def audit_verify(app: App) -> None:
    """Check the audit log's hash chain; name the first event that does not verify.

    \b
    Example:
      styrdok audit verify
    """
    report = app.registry().verify_audit()
    if report.broken is not None:
        raise click.ClickException(
            f"the audit chain breaks at event {report.broken.seq}: {report.broken.reason}"
        )
    click.echo(
        f"The audit log verifies: {report.events} events, last hash {report.last_hash[:16]}…"
    )
