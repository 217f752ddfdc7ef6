"""``styrdok remind``."""

from __future__ import annotations

import datetime as dt

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows, said
from styrdok.cli.params import DATE
from styrdok.labels import N_


@click.command()
@click.option("--dry-run", is_flag=True, help="Show what would be sent; change nothing.")
@click.option("--today", type=DATE, help="Pretend today is this date.")
@click.option(
    "--channel",
    "channels",
    multiple=True,
    metavar="NAME",
    help="Only this channel (repeat); default: every configured one.",
)
@pass_app
def remind(app: App, dry_run: bool, today: dt.date | None, channels: tuple[str, ...]) -> None:
    """Send reminder digests: one per person per channel, each notice exactly once.

    Ends lapsed documents and expired dispensations first, then reminds owners and
    guardians before reviews (60, 30, 7, 0 days; while overdue weekly for four weeks,
    then monthly, and after 60 days in one summary line; the adopting body's contact
    after 30 days, the manager of the owner's unit 30 days later), and responsible
    people and approvers before dispensations end (30, 7, 1 days). Safe to run as often
    as you like, e.g. daily from cron; a missed day is caught up without a burst of old
    reminders.

    \b
    Examples:
      styrdok remind --dry-run
      styrdok --config /etc/styrdok.toml --lang en remind --channel smtp
    """
    from styrdok import reminders

    config = app.config()
    notifiers = reminders.collect_notifiers(config, only=channels or None)
    if not notifiers:
        raise click.ClickException(said("no reminder channel is configured; see docs/plugins.md"))
    report = app.registry().remind(
        config=config,
        notifiers=notifiers,
        today=today,
        dry_run=dry_run,
        language=app.lang,
    )
    if dry_run:
        emit_rows(
            (
                {
                    "channel": channel,
                    "recipient": digest.recipient.ref,
                    "kind": item.kind,
                    "ref": item.ref,
                    "due_on": item.due_on,
                    "days_left": item.days_left,
                }
                for channel, digest in report.digests
                for item in digest.items
            ),
            [
                ("channel", N_("CHANNEL")),
                ("recipient", N_("TO")),
                ("kind", N_("WHY")),
                ("ref", N_("REF")),
                ("due_on", N_("DUE")),
                ("days_left", N_("DAYS")),
            ],
            app.fmt,
            empty=N_("Nothing to send."),
        )
        return
    people = len({digest.recipient.ref for _, digest in report.digests})
    click.echo(
        said(
            "{today}: {ended} item(s) ended, {planned} new notice(s), {digests} digest(s) "
            "delivered to {people} person(s), {failed} failed.",
            today=report.today,
            ended=len(report.ended),
            planned=report.planned,
            digests=len(report.digests),
            people=people,
            failed=len(report.failures),
        ),
        err=True,
    )
    for channel, recipient, error in report.failures:
        kept = said("kept for the next run")
        click.echo(f"  {channel} → {recipient}: {error} ({kept})", err=True)
    if report.failures:
        raise SystemExit(1)
