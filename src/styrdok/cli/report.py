"""``styrdok report``: where governance is slipping."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_fitted, emit_rows, said
from styrdok.cli.params import DATE
from styrdok.i18n import money, translations
from styrdok.labels import N_, label

if TYPE_CHECKING:
    from styrdok.report import DocumentReading, StreamedReport


def _lowest(reading: DocumentReading) -> str:
    """The unit furthest behind on a document, with its share."""
    asked = [u for u in reading.units if u.share is not None]
    if not asked:
        return ""
    unit = min(asked, key=lambda u: (u.share or 0.0, -u.asked, u.name))
    return f"{unit.name} {unit.share:.0%}"


def _echo_joined(items: Iterable[str], otherwise: str) -> None:
    """``", ".join(items) or otherwise`` as one line, echoed a thousand items at a time."""
    iterator = iter(items)
    written = False
    while chunk := list(itertools.islice(iterator, 1_000)):
        click.echo((", " if written else "") + ", ".join(chunk), nl=False)
        written = True
    click.echo("" if written else otherwise)


def _print_table(streamed: StreamedReport, language: str) -> None:
    from styrdok.report import NO_EXTRA_COST, UNSTATED

    report = streamed.summary
    # Titles and the funder groups as in the HTML report.
    _ = translations(language).gettext
    click.echo(f"{_('Governance report')} {report.today}")
    click.echo(
        _(
            "{in_force} documents in force, {overdue} overdue for review ({percent}); "
            "{unguarded} without a guardian; {active} dispensations in effect, "
            "{renewals} renewals."
        ).format(
            in_force=report.documents_in_force,
            overdue=report.overdue_reviews,
            # 36 % in Swedish, 36% in English, as each writes a share.
            percent=f"{report.overdue_share:.0%}".replace("%", " %" if language == "sv" else "%"),
            unguarded=streamed.without_guardian_count,
            active=report.active_dispensations,
            renewals=report.renewals,
        )
    )
    share_columns = [("group", N_("GROUP")), ("in_force", N_("IN FORCE")),
                     ("overdue", N_("OVERDUE")), ("share", N_("SHARE"))]  # fmt: skip
    for title, shares in (
        (_("Overdue reviews per unit"), report.by_unit),
        (_("Overdue reviews per body"), report.by_body),
    ):
        click.echo(f"\n{title}")
        emit_rows(
            ({"group": s.group, "in_force": s.in_force, "overdue": s.overdue,
              "share": f"{s.share:.0%}"} for s in shares),
            share_columns,
            "table",
        )  # fmt: skip
    click.echo(f"\n{_('Documents without a guardian')}")
    _echo_joined(streamed.without_guardian, _("None."))
    click.echo(f"\n{_('Documents in force per type and level')}")
    emit_rows(
        ({"type": label(c.doc_type, language), "level": label(c.level, language),
          "n": c.documents}
         for c in report.per_type_and_level),
        [("type", N_("TYPE")), ("level", N_("LEVEL")), ("n", N_("DOCUMENTS"))],
        "table",
        language=language,
    )  # fmt: skip
    click.echo(f"\n{_('Dispensations per document')}")
    emit_fitted(
        ({"ref": d.document_ref, "active": d.active, "renewals": d.renewals}
         for d in streamed.by_document),
        [("ref", N_("DOCUMENT")), ("active", N_("IN EFFECT")), ("renewals", N_("RENEWALS"))],
        language=language,
        empty=N_("None granted."),
    )  # fmt: skip
    click.echo(f"\n{_('Estimated cost of dispensations by funder')}")
    funder_name = {NO_EXTRA_COST: _("no extra cost"), UNSTATED: _("not stated")}
    emit_rows(
        ({"funder": funder_name.get(f.funder, f.funder), "n": f.dispensations,
          "cost": money(f.estimated_cost, f.currency, language)}
         for f in report.cost_by_funder),
        [("funder", N_("FUNDER")), ("n", N_("DISPENSATIONS")), ("cost", N_("ESTIMATED COST"))],
        "table",
        language=language,
        empty=N_("None granted."),
    )  # fmt: skip
    click.echo(f"\n{_('Acceptance per document and administration')}")
    if not report.organisation:
        click.echo(
            _(
                "The register has no organisation yet: acceptance is counted per unit "
                "(`styrdok unit add`)."
            )
        )
    else:
        emit_rows(
            ({"ref": d.document_ref, "version": d.version, "asked": d.asked, "read": d.read,
              "share": "–" if d.share is None else f"{d.share:.0%}", "lowest": _lowest(d)}
             for d in report.reading),
            [("ref", N_("DOCUMENT")), ("version", N_("VERSION")),
             ("asked", N_("ASKED TO READ")), ("read", N_("CONFIRMED")), ("share", N_("SHARE")),
             ("lowest", N_("LOWEST"))],
            "table",
            language=language,
            empty=_("No document in force asks to be read."),
        )  # fmt: skip
    _print_long_overdue(streamed, language)
    if report.audit is not None:
        chain = _("keyed, HMAC-SHA256") if report.audit.keyed else _("plain SHA-256")
        heading = _("Audit log (record the head outside the database; see `styrdok audit verify`)")
        click.echo(f"\n{heading}")
        line = _("{events} events, last hash {hash} ({chain})")
        click.echo(line.format(events=report.audit.events, hash=report.audit.hash, chain=chain))


def _print_long_overdue(streamed: StreamedReport, language: str) -> None:
    from styrdok.report import NONE_GROUP

    _ = translations(language).gettext
    title = _("Long-overdue reviews per body, for its next meeting ({days} days or more)")
    click.echo(f"\n{title.format(days=streamed.summary.long_overdue_after_days)}")
    emit_fitted(
        ({"body": d.body or NONE_GROUP, "ref": d.ref, "title": d.title, "owner": d.owner_name,
          "due": d.next_review_on.isoformat(), "days": d.days_overdue}
         for d in streamed.long_overdue),
        [("body", N_("BODY")), ("ref", N_("DOCUMENT")), ("title", N_("TITLE")),
         ("owner", N_("OWNER")), ("due", N_("REVIEW DATE")), ("days", N_("DAYS OVERDUE"))],
        language=language,
        empty=_("No review is that long overdue."),
    )  # fmt: skip


@click.command()
@click.option("--today", type=DATE, help="Report as of this date [default: today].")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the report as an HTML page with charts to this file.",
)
@click.option("--organisation", default="", help="Name shown in the HTML report's heading.")
@pass_app
def report(app: App, today: dt.date | None, html_path: Path | None, organisation: str) -> None:
    """Where governance is slipping: overdue reviews per unit and body, documents without a
    guardian, documents per type and level, dispensations in effect and renewed, their
    estimated cost by funder, once the register has an organisation how many of those asked
    have confirmed reading each document, per förvaltning (as the register stands now,
    whatever --today says), and per adopting body the documents whose review is long
    overdue ([reminders] escalate_after_days), for its next meeting. Ends with the audit
    log's event count and head hash: archive the report with the minutes and the head is
    anchored there.

    \b
    Examples:
      styrdok report
      styrdok --format csv report > report.csv
      styrdok report --html report.html --organisation "Mittköpings kommun"
    """
    from styrdok.report_rows import iter_rows

    config = app.config()
    language = app.lang or config.language
    with app.registry().streamed_report(
        today=today, long_overdue_after_days=config.reminders.escalate_after_days
    ) as result:
        if html_path is not None:
            from styrdok import report_html

            if not html_path.parent.is_dir():
                raise click.UsageError(said("no such folder: {folder}", folder=html_path.parent))
            from styrdok.files import write_atomically

            write_atomically(
                html_path,
                lambda handle: report_html.write(
                    result, handle.write, organisation=organisation, language=language
                ),
            )
        if app.fmt == "json":
            from styrdok.cli.report_json import write_json

            write_json(result)
        elif app.fmt in ("csv", "csv-excel"):
            emit_rows(
                iter_rows(result),
                [("section", "section"), ("group", "group"), ("measure", "measure"),
                 ("value", "value")],
                app.fmt,
            )  # fmt: skip
        else:
            _print_table(result, language)
            if html_path is not None:
                click.echo("\n" + said("Wrote {target}", target=html_path) + ".")
