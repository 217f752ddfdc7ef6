"""The governance report in the long format (section, group, measure, value): one CSV that a
spreadsheet pivots, and the same shape for every section.

The rows are yielded one at a time, so the long lists of a :class:`~styrdok.report.StreamedReport`
go from the store to the CSV writer without being held (issue 19).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from styrdok.escalation import long_overdue_rows
from styrdok.report_tally import NONE_GROUP

if TYPE_CHECKING:
    from styrdok.report import StreamedReport

Row = dict[str, object]


def _rounded(share: float | None) -> float | str:
    """A share for the long format: four decimals, or empty when nobody was asked."""
    return "" if share is None else round(share, 4)


def iter_rows(streamed: StreamedReport) -> Iterator[Row]:
    """The report's rows, in the order :func:`styrdok.report.rows` lists them, reading each
    long list as it comes to it."""
    report = streamed.summary
    rows: list[Row] = [
        {"section": "summary", "group": "", "measure": "documents_in_force",
         "value": report.documents_in_force},
        {"section": "summary", "group": "", "measure": "overdue_reviews",
         "value": report.overdue_reviews},
        {"section": "summary", "group": "", "measure": "overdue_share",
         "value": round(report.overdue_share, 4)},
        {"section": "summary", "group": "", "measure": "without_guardian",
         "value": streamed.without_guardian_count},
        {"section": "summary", "group": "", "measure": "active_dispensations",
         "value": report.active_dispensations},
        {"section": "summary", "group": "", "measure": "renewals", "value": report.renewals},
    ]  # fmt: skip
    yield from rows
    for section, shares in (("review_by_unit", report.by_unit), ("review_by_body", report.by_body)):
        for share in shares:
            rows = [
                {"section": section, "group": share.group, "measure": "in_force",
                 "value": share.in_force},
                {"section": section, "group": share.group, "measure": "overdue",
                 "value": share.overdue},
                {"section": section, "group": share.group, "measure": "overdue_share",
                 "value": round(share.share, 4)},
            ]  # fmt: skip
            yield from rows
    for ref in streamed.without_guardian:
        yield {"section": "without_guardian", "group": ref, "measure": "document", "value": 1}
    for c in report.per_type_and_level:
        yield {"section": "documents_by_type_and_level", "group": f"{c.doc_type}/{c.level}",
               "measure": "documents", "value": c.documents}  # fmt: skip
    for d in streamed.by_document:
        rows = [
            {"section": "dispensations_by_document", "group": d.document_ref,
             "measure": "active", "value": d.active},
            {"section": "dispensations_by_document", "group": d.document_ref,
             "measure": "renewals", "value": d.renewals},
        ]  # fmt: skip
        yield from rows
    for f in report.cost_by_funder:
        group = f"{f.funder} ({f.currency})"
        rows = [
            {"section": "cost_by_funder", "group": group, "measure": "dispensations",
             "value": f.dispensations},
            {"section": "cost_by_funder", "group": group, "measure": "estimated_cost",
             "value": str(f.estimated_cost)},
        ]  # fmt: skip
        yield from rows
    if report.organisation:
        yield {"section": "summary", "group": "", "measure": "acceptance_share",
               "value": _rounded(report.reading_share)}  # fmt: skip
    for reading in report.reading:
        rows = [
            {"section": "acceptance", "group": reading.document_ref, "measure": "asked",
             "value": reading.asked},
            {"section": "acceptance", "group": reading.document_ref, "measure": "read",
             "value": reading.read},
            {"section": "acceptance", "group": reading.document_ref, "measure": "share",
             "value": _rounded(reading.share)},
        ]  # fmt: skip
        yield from rows
        for u in reading.units:
            group = f"{reading.document_ref}/{u.unit}"
            rows = [
                {"section": "acceptance_by_unit", "group": group, "measure": "asked",
                 "value": u.asked},
                {"section": "acceptance_by_unit", "group": group, "measure": "read",
                 "value": u.read},
            ]  # fmt: skip
            yield from rows
    yield from long_overdue_rows(streamed.long_overdue, NONE_GROUP)
    if report.audit is not None:
        rows = [
            {"section": "audit_log", "group": "", "measure": "events",
             "value": report.audit.events},
            {"section": "audit_log", "group": "", "measure": "head", "value": report.audit.hash},
            {"section": "audit_log", "group": "", "measure": "chain",
             "value": report.audit.chain},
        ]  # fmt: skip
        yield from rows
