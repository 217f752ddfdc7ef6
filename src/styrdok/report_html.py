"""The governance report as one self-contained HTML page with bar charts.

Plain HTML and inline SVG: no JavaScript, no external files, so the page can be mailed,
archived with the minutes or put on the intranet as it is. Every chart is followed by the
same numbers as a table, for screen readers and for copying into a spreadsheet.

:func:`write` hands the page over a piece at a time, the long lists as they are read from
the store (a national register's page is 23 MB); :func:`render` returns it whole.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zlib
from collections.abc import Callable
from html import escape

from styrdok.i18n import long_date, money, translations
from styrdok.labels import label
from styrdok.report import NO_EXTRA_COST, NONE_GROUP, UNSTATED, Report, StreamedReport
from styrdok.report_html_parts import STYLE, Page, bars, peeked, table, table_pieces


def _reading_table(report: Report, _: Callable[[str], str]) -> str:
    """Acceptance as one table: a row per document (its title a row header), its overall
    share, and a column per förvaltning — each cell named by both headers, so a screen
    reader says which document and which förvaltning a number belongs to. Wrapped in a
    focusable region that scrolls sideways when there are many förvaltningar."""

    def share(read: int, asked: int) -> str:
        return f"{read / asked:.0%} ({read}/{asked})" if asked else _("nobody asked")

    caption = _("Share of those asked who have confirmed, per document and administration")
    head = "".join(
        f"<th scope=col>{escape(h)}</th>"
        for h in (
            _("Document"),
            _("Version"),
            _("Overall"),
            *(name for _ref, name in report.reading_units),
        )
    )
    not_applying = escape(_("does not apply"))
    body = []
    for d in report.reading:
        by_unit = {u.unit: u for u in d.units}
        cells = [
            f"<th scope=row>{escape(d.title)} <small>({escape(d.document_ref)})</small></th>",
            f"<td class=n>{d.version}</td>",
            f"<td class=n>{escape(share(d.read, d.asked))}</td>",
        ]
        for ref, _name in report.reading_units:
            unit = by_unit.get(ref)
            cells.append(
                f"<td class=n>{escape(share(unit.read, unit.asked))}</td>"
                if unit is not None
                else f'<td class="n none">{not_applying}</td>'
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    label_id = f"t{zlib.crc32(caption.encode()):x}"
    return (
        f'<div class="scroll" role="region" aria-labelledby="{label_id}" tabindex="0">'
        f'<table><caption id="{label_id}">{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _tag(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>"


def _long_overdue(page: Page, report: StreamedReport, language: str) -> None:
    """Per adopting body, its documents whose review is long overdue: a heading and a table
    each, so one body's list can go into the papers for its next meeting as it is."""
    _ = translations(language).gettext
    page.add(_tag("h2", _("Long-overdue reviews per body")))
    found = peeked(report.long_overdue)
    if found is None:
        page.add(_tag("p", _("No review is that long overdue.")))
        return
    intro = _(
        "Documents in force whose review is {days} days or more overdue: the body's contact "
        "has been told. For each body's next meeting, the most overdue first."
    )
    page.add(_tag("p", intro.format(days=report.summary.long_overdue_after_days)))
    headings = [_("Document"), _("Title"), _("Owner"), _("Review date"), _("Days overdue")]
    # Each review date written out once: a national list has 120,000 rows and a few
    # thousand dates, and Babel takes microseconds a date.
    dates: dict[dt.date, str] = {}

    def long(day: dt.date) -> str:
        if day not in dates:
            dates[day] = long_date(day, language)
        return dates[day]

    for _body, items in itertools.groupby(found, key=lambda d: d.body):
        first = next(items)
        name = f"{first.body_name} ({first.body})" if first.body else NONE_GROUP
        page.add(_tag("h3", name))
        rows = (
            (d.ref, d.title, d.owner_name, long(d.next_review_on), d.days_overdue)
            for d in itertools.chain((first,), items)
        )
        page.add_pieces(table_pieces(headings, rows))


def render(report: Report, *, organisation: str = "", language: str = "sv") -> str:
    """The whole page."""
    out = io.StringIO()
    write(StreamedReport.of(report), out.write, organisation=organisation, language=language)
    return out.getvalue()


def write(
    streamed: StreamedReport,
    sink: Callable[[str], object],
    *,
    organisation: str = "",
    language: str = "sv",
) -> None:
    """The whole page, handed to ``sink`` (a file's ``write``) a piece at a time: the long
    lists are read as they are written."""
    report = streamed.summary
    page = Page(sink)
    _ = translations(language).gettext
    pct = "{:.0%}".format
    title = _("Governance report")
    heading = f"{title} – {organisation}" if organisation else title
    page.add(
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{escape(heading)}</h1>",
        f'<p class="date">{escape(long_date(report.today, language))}</p>',
        '<ul class="tiles">',
    )
    for value, caption in (
        (report.documents_in_force, _("documents in force")),
        (pct(report.overdue_share), _("of reviews overdue")),
        (streamed.without_guardian_count, _("documents without a guardian")),
        (report.active_dispensations, _("dispensations in effect")),
        (report.renewals, _("renewals")),
        *(
            [(pct(report.reading_share), _("of those asked have confirmed reading"))]
            if report.reading_share is not None
            else []
        ),
    ):
        page.add(f"<li><strong>{escape(str(value))}</strong>{escape(caption)}</li>")
    page.add("</ul>")

    for section, shares in (
        (_("Overdue reviews per unit"), report.by_unit),
        (_("Overdue reviews per body"), report.by_body),
    ):
        page.add(f"<h2>{escape(section)}</h2>")
        if not shares:
            page.add(_tag("p", _("No documents in force.")))
            continue
        page.add(
            bars(
                section,
                [(s.group, s.share, f"{pct(s.share)} ({s.overdue}/{s.in_force})") for s in shares],
                maximum=1.0,
                bad=0.25,
            )
        )
        page.add(
            table(
                [_("Group"), _("In force"), _("Overdue"), _("Share")],
                [(s.group, s.in_force, s.overdue, pct(s.share)) for s in shares],
            )
        )

    section = _("Documents in force per type and level")
    page.add(f"<h2>{escape(section)}</h2>")
    counts = report.per_type_and_level
    page.add(
        bars(
            section,
            [
                (
                    f"{label(c.doc_type, language)} / {label(c.level, language)}",
                    c.documents,
                    str(c.documents),
                )
                for c in counts
            ],
            maximum=max((c.documents for c in counts), default=0),
            bad=None,
        )
    )
    page.add(
        table(
            [_("Type"), _("Level"), _("Documents")],
            [(label(c.doc_type, language), label(c.level, language), c.documents) for c in counts],
        )
    )

    page.add(_tag("h2", _("Documents without a guardian")))
    unguarded = peeked(streamed.without_guardian)
    if unguarded is not None:
        page.add_pieces(
            itertools.chain(("<ul>",), (f"<li>{escape(ref)}</li>" for ref in unguarded), ("</ul>",))
        )
    else:
        page.add(_tag("p", _("Every document has a guardian.")))

    page.add(_tag("h2", _("Dispensations per document")))
    by_document = peeked(streamed.by_document)
    if by_document is not None:
        page.add_pieces(
            table_pieces(
                [_("Document"), _("In effect"), _("Renewals")],
                ((d.document_ref, d.active, d.renewals) for d in by_document),
            )
        )
    else:
        page.add(_tag("p", _("No dispensations granted.")))

    section = _("Estimated cost of dispensations by funder")
    page.add(f"<h2>{escape(section)}</h2>")
    funders = report.cost_by_funder
    funder_name = {NO_EXTRA_COST: _("no extra cost"), UNSTATED: _("not stated")}
    if funders:
        page.add(
            bars(
                section,
                [
                    (
                        funder_name.get(f.funder, f.funder),
                        float(f.estimated_cost),
                        money(f.estimated_cost, f.currency, language),
                    )
                    for f in funders
                ],
                maximum=float(max(f.estimated_cost for f in funders)),
                bad=None,
            )
        )
        page.add(
            table(
                [_("Funder"), _("Dispensations"), _("Estimated cost")],
                [
                    (
                        funder_name.get(f.funder, f.funder),
                        f.dispensations,
                        money(f.estimated_cost, f.currency, language),
                    )
                    for f in funders
                ],
            )
        )
    else:
        page.add(_tag("p", _("No dispensations granted.")))

    page.add(_tag("h2", _("Acceptance per document and administration")))
    if not report.organisation:
        page.add(
            _tag(
                "p",
                _(
                    "The register has no organisation yet: acceptance is counted per unit "
                    "(`styrdok unit add`)."
                ),
            )
        )
    elif report.reading:
        page.add(
            _tag(
                "p",
                _(
                    "Everyone a document applies to is asked to confirm that they have read "
                    "and understood the version asked about; a later version counts too. "
                    "Counted as the register stands now, the lowest share first. Nobody is "
                    "asked when a document applies to no unit with staff (free text from "
                    "before the organisation: `styrdok unit map`)."
                ),
            )
        )
        page.add(_reading_table(report, _))
    else:
        page.add(_tag("p", _("No document in force asks to be read.")))

    _long_overdue(page, streamed, language)
    if report.audit is not None:
        # The head in full, so a page archived with the minutes anchors the audit log.
        audit = report.audit
        chain = _("keyed (HMAC-SHA256)") if audit.keyed else _("plain (SHA-256)")
        page.add(_tag("h2", _("Audit log")))
        page.add(
            table([_("Events"), _("Last hash"), _("Chain")], [(audit.events, audit.hash, chain)])
        )
        page.add(
            _tag(
                "p",
                _(
                    "Keep the last hash outside the register, e.g. in the minutes: "
                    "`styrdok audit verify --expect HASH` later shows whether the audit log "
                    "still reaches it."
                ),
            )
        )
    page.add("</main></body></html>\n")
