"""``styrdok report``: where governance is slipping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import emit_rows, said
from styrdok.cli.params import DATE
from styrdok.i18n import money, translations
from styrdok.labels import N_, label

if TYPE_CHECKING:
    from styrdok.report import DocumentReading, Report


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _lowest(reading: DocumentReading) -> str:
    """The unit furthest behind on a document, with its share."""
    asked = [u for u in reading.units if u.share is not None]
    if not asked:
        return ""
    unit = min(asked, key=lambda u: (u.share or 0.0, -u.asked, u.name))
    return f"{unit.name} {unit.share:.0%}"


def _as_json(report: Report) -> dict[str, Any]:
    def shares(items: Any) -> list[dict[str, Any]]:
        return [
            {"group": s.group, "in_force": s.in_force, "overdue": s.overdue,
             "overdue_share": round(s.share, 4)}
            for s in items
        ]  # fmt: skip

    return {
        "today": report.today.isoformat(),
        "documents_in_force": report.documents_in_force,
        "overdue_reviews": report.overdue_reviews,
        "overdue_share": round(report.overdue_share, 4),
        "review_by_unit": shares(report.by_unit),
        "review_by_body": shares(report.by_body),
        "without_guardian": list(report.without_guardian),
        "documents_by_type_and_level": [
            {"doc_type": c.doc_type, "level": c.level, "documents": c.documents}
            for c in report.per_type_and_level
        ],
        "active_dispensations": report.active_dispensations,
        "renewals": report.renewals,
        "dispensations_by_document": [
            {"document": d.document_ref, "active": d.active, "renewals": d.renewals}
            for d in report.by_document
        ],
        "cost_by_funder": [
            {
                "funder": f.funder,
                "currency": f.currency,
                "dispensations": f.dispensations,
                "estimated_cost": str(f.estimated_cost),
            }
            for f in report.cost_by_funder
        ],
        # None without an organisation: nothing is counted per unit then.
        "acceptance": [
            {
                "document": d.document_ref,
                "title": d.title,
                "version": d.version,
                "asked": d.asked,
                "read": d.read,
                "share": _share(d.share),
                "units": [
                    {
                        "unit": u.unit,
                        "name": u.name,
                        "asked": u.asked,
                        "read": u.read,
                        "share": _share(u.share),
                    }
                    for u in d.units
                ],
            }
            for d in report.reading
        ]
        if report.organisation
        else None,
        "long_overdue_after_days": report.long_overdue_after_days,
        "long_overdue": [
            {
                "body": d.body,
                "body_name": d.body_name,
                "document": d.ref,
                "title": d.title,
                "owner": d.owner,
                "owner_name": d.owner_name,
                "next_review_on": d.next_review_on.isoformat(),
                "days_overdue": d.days_overdue,
            }
            for d in report.long_overdue
        ],
        "audit_log": None
        if report.audit is None
        else {
            "events": report.audit.events,
            "head": report.audit.hash,
            "chain": report.audit.chain,
        },
    }


def _print_table(report: Report, language: str) -> None:
    from styrdok.report import NO_EXTRA_COST, UNSTATED

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
            unguarded=len(report.without_guardian),
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
    click.echo(", ".join(report.without_guardian) or _("None."))
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
    emit_rows(
        ({"ref": d.document_ref, "active": d.active, "renewals": d.renewals}
         for d in report.by_document),
        [("ref", N_("DOCUMENT")), ("active", N_("IN EFFECT")), ("renewals", N_("RENEWALS"))],
        "table",
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
    _print_long_overdue(report, language)
    if report.audit is not None:
        chain = _("keyed, HMAC-SHA256") if report.audit.keyed else _("plain SHA-256")
        heading = _("Audit log (record the head outside the database; see `styrdok audit verify`)")
        click.echo(f"\n{heading}")
        line = _("{events} events, last hash {hash} ({chain})")
        click.echo(line.format(events=report.audit.events, hash=report.audit.hash, chain=chain))


def _print_long_overdue(report: Report, language: str) -> None:
    from styrdok.report import NONE_GROUP

    _ = translations(language).gettext
    title = _("Long-overdue reviews per body, for its next meeting ({days} days or more)")
    click.echo(f"\n{title.format(days=report.long_overdue_after_days)}")
    emit_rows(
        ({"body": d.body or NONE_GROUP, "ref": d.ref, "title": d.title, "owner": d.owner_name,
          "due": d.next_review_on.isoformat(), "days": d.days_overdue}
         for d in report.long_overdue),
        [("body", N_("BODY")), ("ref", N_("DOCUMENT")), ("title", N_("TITLE")),
         ("owner", N_("OWNER")), ("due", N_("REVIEW DATE")), ("days", N_("DAYS OVERDUE"))],
        "table",
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
    from styrdok.report import rows

    config = app.config()
    result = app.registry().report(
        today=today, long_overdue_after_days=config.reminders.escalate_after_days
    )
    language = app.lang or config.language
    if html_path is not None:
        from styrdok.report_html import render

        if not html_path.parent.is_dir():
            raise click.UsageError(said("no such folder: {folder}", folder=html_path.parent))
        from styrdok.files import write_atomically

        page = render(result, organisation=organisation, language=language)
        write_atomically(html_path, lambda handle: handle.write(page))
    if app.fmt == "json":
        click.echo(json.dumps(_as_json(result), ensure_ascii=False, indent=2))
    elif app.fmt in ("csv", "csv-excel"):
        emit_rows(
            rows(result),
            [("section", "section"), ("group", "group"), ("measure", "measure"),
             ("value", "value")],
            app.fmt,
        )  # fmt: skip
    else:
        _print_table(result, language)
        if html_path is not None:
            click.echo("\n" + said("Wrote {target}", target=html_path) + ".")
