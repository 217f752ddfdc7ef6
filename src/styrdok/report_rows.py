"""The governance report in the long format (section, group, measure, value): one CSV that a
spreadsheet pivots, and the same shape for every section.

The rows are yielded one at a time, so the long lists of a :class:`~styrdok.report.StreamedReport`
go from the store to the CSV writer without being held (issue 19).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from styrdok.report_tally import NONE_GROUP

if TYPE_CHECKING:
    from styrdok.report import StreamedReport

Row = dict[str, object]


def _rounded(share: float | None) -> float | str:
    """A share for the long format: four decimals, or empty when nobody was asked."""
    return "" if share is None else round(share, 4)


def _measures(section: str, group: str, **values: object) -> Iterator[Row]:
    """One row per measure of ``group`` in ``section``, in the order given."""
    for measure, value in values.items():
        yield {"section": section, "group": group, "measure": measure, "value": value}


def iter_rows(streamed: StreamedReport) -> Iterator[Row]:
    """The report's rows, in the order :func:`styrdok.report.rows` lists them, reading each
    long list as it comes to it."""
    report = streamed.summary
    yield from _measures(
        "summary",
        "",
        documents_in_force=report.documents_in_force,
        overdue_reviews=report.overdue_reviews,
        overdue_share=round(report.overdue_share, 4),
        without_guardian=streamed.without_guardian_count,
        active_dispensations=report.active_dispensations,
        renewals=report.renewals,
    )
    for section, shares in (("review_by_unit", report.by_unit), ("review_by_body", report.by_body)):
        for share in shares:
            yield from _measures(
                section,
                share.group,
                in_force=share.in_force,
                overdue=share.overdue,
                overdue_share=round(share.share, 4),
            )
    for ref in streamed.without_guardian:
        yield from _measures("without_guardian", ref, document=1)
    for c in report.per_type_and_level:
        yield from _measures(
            "documents_by_type_and_level", f"{c.doc_type}/{c.level}", documents=c.documents
        )
    for d in streamed.by_document:
        yield from _measures(
            "dispensations_by_document", d.document_ref, active=d.active, renewals=d.renewals
        )
    for f in report.cost_by_funder:
        yield from _measures(
            "cost_by_funder",
            f"{f.funder} ({f.currency})",
            dispensations=f.dispensations,
            estimated_cost=str(f.estimated_cost),
        )
    if report.organisation:
        yield from _measures("summary", "", acceptance_share=_rounded(report.reading_share))
    for reading in report.reading:
        yield from _measures(
            "acceptance",
            reading.document_ref,
            asked=reading.asked,
            read=reading.read,
            share=_rounded(reading.share),
        )
        for u in reading.units:
            yield from _measures(
                "acceptance_by_unit", f"{reading.document_ref}/{u.unit}", asked=u.asked, read=u.read
            )
    for late in streamed.long_overdue:
        yield from _measures(
            "long_overdue",
            f"{late.body or NONE_GROUP}/{late.ref}",
            days_overdue=late.days_overdue,
            next_review_on=late.next_review_on.isoformat(),
            owner=late.owner,
        )
    if report.audit is not None:
        yield from _measures(
            "audit_log",
            "",
            events=report.audit.events,
            head=report.audit.hash,
            chain=report.audit.chain,
        )
