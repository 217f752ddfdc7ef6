"""``styrdok audit verify`` and ``styrdok audit rekey``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import reader_language, said
from styrdok.labels import action_label

if TYPE_CHECKING:
    from styrdok.audit import ChainReport


@click.group(cls=StyrdokGroup)
def audit() -> None:
    """The tamper-evident audit log."""


def _hash(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from styrdok.audit import check_hash
    from styrdok.errors import InvalidValue

    try:
        return check_hash(value, "the expected head hash")
    except InvalidValue as exc:
        raise click.BadParameter(str(exc)) from None


def _as_json(report: ChainReport) -> dict[str, Any]:
    anchor = None
    if report.anchor is not None and report.reached is not None:
        resealed_by = report.reached.resealed_by
        anchor = {
            "hash": report.anchor.hash,
            "events": report.anchor.events,
            "reached_at_event": report.reached.seq,
            "resealed_by_event": resealed_by.seq if resealed_by is not None else None,
        }
    return {
        "verified": True,
        "events": report.events,
        "head": report.last_hash,
        "chain": report.chain,
        "anchor": anchor,
    }


@audit.command("verify")
@click.option(
    "--expect",
    metavar="HASH",
    callback=_hash,
    help="Also fail unless the log still reaches this head hash, recorded earlier.",
)
@click.option(
    "--expect-count",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --expect: the event count recorded with that hash.",
)
@pass_app
def audit_verify(app: App, expect: str | None, expect_count: int | None) -> None:
    """Check the audit log's hash chain; name the first event that does not verify. Prints
    the event count and the full hash of the last event (the head).

    A chain only proves that nobody changed it *without recomputing it*. To also catch a
    log rewritten, cut short or emptied, record the head outside the database — read the
    count and hash into the council's minutes, mail them to the auditors, or publish them
    (`styrdok report` and `styrdok export --public` do) — and later check that the log
    still reaches it with --expect (and --expect-count). Anonymising a person or keying
    the log re-seals it; a head recorded just before is still found, in that event.

    With an audit key set (STYRDOK_AUDIT_KEY_FILE or STYRDOK_AUDIT_KEY), every event must
    be sealed with it; a keyed log cannot be verified without its key.

    \b
    Examples:
      styrdok audit verify
      styrdok audit verify --expect HASH --expect-count N   # as recorded: 64 hex digits, a count
      styrdok --format json audit verify
    """
    if expect_count is not None and expect is None:
        raise click.UsageError(said("--expect-count needs --expect HASH"))
    report = app.registry().verify_audit(expect=expect, expect_count=expect_count)
    problem = report.problem()
    if problem is not None:
        raise click.ClickException(problem)
    if app.fmt == "json":
        click.echo(json.dumps(_as_json(report), indent=2))
        return
    chain = said("keyed, HMAC-SHA256") if report.keyed else said("plain SHA-256")
    click.echo(
        said(
            "The audit log verifies: {events} events, last hash {hash} ({chain}).",
            events=report.events,
            hash=report.last_hash,
            chain=chain,
        )
    )
    if report.reached is not None:
        resealed = report.reached.resealed_by
        since = (
            said(
                ", re-sealed since by event {seq} ({action} by {actor} at {at} UTC)",
                seq=resealed.seq,
                action=action_label(resealed.action, reader_language()),
                actor=resealed.actor,
                at=f"{resealed.at:%Y-%m-%d %H:%M}",
            )
            if resealed is not None
            else ""
        )
        click.echo(
            said(
                "It reaches the head you recorded: event {seq}{since}.",
                seq=report.reached.seq,
                since=since,
            )
        )


@audit.command("rekey")
@pass_app
def audit_rekey(app: App) -> None:
    """Key the audit log, once: verify it as it is, then re-seal every event with the
    audit key (HMAC-SHA256) and record the plain head it replaced in an `audit.rekey`
    event. From then on every event is keyed, and the key is needed to write and verify.
    Administrators only.

    Put the key (at least 32 characters, e.g. `openssl rand -hex 32`) in a file readable
    only by the service, outside the database and its backups, and name it in
    STYRDOK_AUDIT_KEY_FILE for every styrdok process. Do this once: a keyed log that
    suddenly asks to be keyed again was rewritten without the key — do not re-key it;
    compare it with the head last recorded.

    \b
    Example:
      STYRDOK_AUDIT_KEY_FILE=/etc/styrdok/audit.key styrdok --as eva.ek audit rekey
    """
    event = app.registry().rekey_audit(actor=app.actor)
    after = event.after or {}
    click.echo(
        said(
            "The audit log is keyed: {events} events re-sealed with the key; event {seq} "
            "records the plain head {head}.",
            events=after.get("events_resealed"),
            seq=event.seq,
            head=after.get("previous_head"),
        )
    )
    click.echo(
        said(
            "New head: {seq} events, last hash {hash} — record it (see "
            "`styrdok audit verify --help`).",
            seq=event.seq,
            hash=event.hash,
        )
    )
