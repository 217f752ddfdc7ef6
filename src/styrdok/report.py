"""Where governance is slipping: the numbers behind ``styrdok report``, as pure functions.

The report answers the questions a municipal director asks of the register: which units and
bodies let reviews lapse, which documents nobody referees, whether plans are multiplying
(documents per type and level), how many dispensations apply now and how many were renewed,
who pays for them, whether the rules have reached the people they apply to (who has
confirmed reading each document, per förvaltning), and — for each adopting body's next
meeting — which documents' reviews are long overdue. It also carries the audit log's head
(event count and last hash), so a report archived with the minutes anchors the log. Its raw
counts come from the store's database or from its records (:mod:`styrdok.report_tally`,
held to the same numbers by the contract suite); this module sorts and names them;
rendering (table, JSON, CSV, HTML) lives at the edges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from styrdok.audit import AuditHead
from styrdok.escalation import LONG_OVERDUE_AFTER_DAYS, LongOverdue, long_overdue_rows
from styrdok.model import Body, Dispensation, Document, Person
from styrdok.organisation import UnitAcceptance, UnitTree
from styrdok.outbox import ReadCandidate
from styrdok.report_tally import NO_EXTRA_COST, NONE_GROUP, UNSTATED, ReportTallies, tally


@attrs.frozen
class ReviewShare:
    """Documents in force in one group, and how many of them are past their review date."""

    group: str
    in_force: int
    overdue: int

    @property
    def share(self) -> float:
        return self.overdue / self.in_force if self.in_force else 0.0


@attrs.frozen
class TypeLevelCount:
    doc_type: str
    level: str
    documents: int


@attrs.frozen
class DocumentDispensations:
    """Dispensations from one document: how many apply today, how many were renewals."""

    document_ref: str
    active: int
    renewals: int


@attrs.frozen
class FunderCost:
    """Granted dispensations funded by one budget or body, and their estimated cost."""

    funder: str
    currency: str
    dispensations: int
    estimated_cost: Decimal


@attrs.frozen
class UnitReading:
    """One document's acceptance in one unit, its sub-units included (a förvaltning)."""

    unit: str
    name: str
    asked: int
    """Active staff asked to read the document."""
    read: int
    """Of those, how many have confirmed the version asked about (or a later one)."""

    @property
    def share(self) -> float | None:
        """``read / asked``; ``None`` when nobody was asked."""
        return self.read / self.asked if self.asked else None


@attrs.frozen
class DocumentReading:
    """How far one document asking to be read has come: overall and per unit."""

    document_ref: str
    title: str
    version: int
    """The version people are asked to confirm (a later one counts too)."""
    units: tuple[UnitReading, ...]
    """Per top-level unit (förvaltning), in the organisation's order."""

    @property
    def asked(self) -> int:
        return sum(u.asked for u in self.units)

    @property
    def read(self) -> int:
        return sum(u.read for u in self.units)

    @property
    def share(self) -> float | None:
        """``read / asked``; ``None`` when nobody was asked."""
        return self.read / self.asked if self.asked else None


@attrs.frozen
class Report:
    """The governance report for one day."""

    today: dt.date
    documents_in_force: int
    overdue_reviews: int
    by_unit: tuple[ReviewShare, ...]
    by_body: tuple[ReviewShare, ...]
    without_guardian: tuple[str, ...]
    """Refs of drafts and documents in force that have no guardian."""
    per_type_and_level: tuple[TypeLevelCount, ...]
    active_dispensations: int
    renewals: int
    """Granted dispensations that renew an earlier one."""
    by_document: tuple[DocumentDispensations, ...]
    cost_by_funder: tuple[FunderCost, ...]
    audit: AuditHead | None = None
    """The audit log's head when the report was made (as stored; `styrdok audit verify`
    checks it), to be recorded outside the database."""
    organisation: bool = False
    """Whether the register has an organisation (units): acceptance is counted per unit."""
    reading: tuple[DocumentReading, ...] = ()
    """Each document in force that asks to be read, the lowest share first (those nobody
    was asked to read last)."""
    reading_units: tuple[tuple[str, str], ...] = ()
    """The units :attr:`reading` is broken down by, as (ref, name), in the tree's order."""
    long_overdue: tuple[LongOverdue, ...] = ()
    """Documents in force at least :attr:`long_overdue_after_days` past their review date,
    by adopting body, the most overdue first: the list for each body's next meeting."""
    long_overdue_after_days: int = LONG_OVERDUE_AFTER_DAYS
    """``[reminders] escalate_after_days``: from then on the body's contact has been told."""

    @property
    def reading_share(self) -> float | None:
        """Confirmations as a share of everyone asked, over every document (``None`` when
        nobody was asked to read anything)."""
        asked = sum(d.asked for d in self.reading)
        return sum(d.read for d in self.reading) / asked if asked else None

    @property
    def overdue_share(self) -> float:
        """Overdue reviews as a share of the documents in force, 0 to 1 (0 when none is in
        force)."""
        return self.overdue_reviews / self.documents_in_force if self.documents_in_force else 0.0


def _shares(groups: Mapping[str, tuple[int, int]]) -> tuple[ReviewShare, ...]:
    """``groups`` maps a group to ``(documents in force, of them overdue)``."""
    shares = [ReviewShare(group, total, overdue) for group, (total, overdue) in groups.items()]
    # Worst first: that is where attention goes; ties by name for a stable report.
    return tuple(sorted(shares, key=lambda s: (-s.share, -s.overdue, s.group)))


def _reading(
    acceptance: Iterable[tuple[ReadCandidate, Sequence[UnitAcceptance]]], tree: UnitTree
) -> tuple[tuple[DocumentReading, ...], tuple[tuple[str, str], ...]]:
    """Each document's acceptance as the report keeps it — ref, title and a few numbers
    per unit, not the document — so a stream of thousands stays small in memory."""
    found: list[DocumentReading] = []
    seen: set[str] = set()
    for document, rows in acceptance:
        units = tuple(
            UnitReading(
                row.unit,
                tree.units[row.unit].name if row.unit in tree else row.unit,
                row.asked,
                row.read,
            )
            for row in rows
            # The top unit itself (staff placed in the municipality as such) only when
            # someone there was asked: otherwise every row would carry an empty column.
            if row.asked or tree.depth(row.unit) > 0
        )
        seen.update(u.unit for u in units)
        found.append(DocumentReading(document.ref, document.title, document.ack_version, units))
    # Where attention goes first: the lowest share, then the most people still to read.
    found.sort(key=lambda d: (d.share is None, d.share or 0.0, -(d.asked - d.read), d.document_ref))
    columns = tuple((u.ref, u.name) for u in tree.walk() if u.ref in seen)
    return tuple(found), columns


def build(
    *,
    today: dt.date,
    documents: Iterable[Document],
    dispensations: Iterable[Dispensation],
    persons: Iterable[Person],
    bodies: Iterable[Body],
    audit: AuditHead | None = None,
    units: UnitTree | None = None,
    acceptance: Iterable[tuple[ReadCandidate, Sequence[UnitAcceptance]]] = (),
    long_overdue_after_days: int = LONG_OVERDUE_AFTER_DAYS,
) -> Report:
    """Compute the report from records. Reviews count documents in force; a document
    belongs to its owner's unit and to the body that adopted its current version. ``audit``
    is passed through. ``acceptance`` is each document asking to be read with its
    acceptance per unit of ``units`` (rolled up to the förvaltningar); it is consumed as a
    stream. Reviews ``long_overdue_after_days`` or more overdue are listed per body."""
    tallies = tally(
        today=today,
        documents=documents,
        dispensations=dispensations,
        persons=persons,
        bodies=bodies,
        long_overdue_after_days=long_overdue_after_days,
    )
    return assemble(
        tallies,
        today=today,
        audit=audit,
        units=units,
        acceptance=acceptance,
        long_overdue_after_days=long_overdue_after_days,
    )


def assemble(
    tallies: ReportTallies,
    *,
    today: dt.date,
    audit: AuditHead | None = None,
    units: UnitTree | None = None,
    acceptance: Iterable[tuple[ReadCandidate, Sequence[UnitAcceptance]]] = (),
    long_overdue_after_days: int = LONG_OVERDUE_AFTER_DAYS,
) -> Report:
    """The report from its counts (:func:`styrdok.report_tally.tally`, or a store's own
    :meth:`~styrdok.store.base.ReportStore.report_tallies`): sorted worst first, named."""
    by_document = sorted(
        (
            DocumentDispensations(ref, active, renewed)
            for ref, (active, renewed) in tallies.dispensations.items()
        ),
        key=lambda d: (-d.active, -d.renewals, d.document_ref),
    )
    cost_by_funder = sorted(
        (
            FunderCost(funder, currency, count, total)
            for (funder, currency), (count, total) in tallies.costs.items()
        ),
        key=lambda f: (-f.estimated_cost, -f.dispensations, f.funder, f.currency),
    )
    reading, reading_units = _reading(acceptance, units) if units else ((), ())
    return Report(
        today=today,
        documents_in_force=tallies.in_force,
        overdue_reviews=tallies.overdue,
        by_unit=_shares(tallies.by_unit),
        by_body=_shares(tallies.by_body),
        without_guardian=tallies.without_guardian,
        per_type_and_level=tuple(
            TypeLevelCount(doc_type, level, count)
            for (doc_type, level), count in sorted(tallies.type_level.items())
        ),
        active_dispensations=sum(active for active, _ in tallies.dispensations.values()),
        renewals=sum(renewed for _, renewed in tallies.dispensations.values()),
        by_document=tuple(by_document),
        cost_by_funder=tuple(cost_by_funder),
        audit=audit,
        organisation=bool(units),
        reading=reading,
        reading_units=reading_units,
        long_overdue=tallies.long_overdue,
        long_overdue_after_days=long_overdue_after_days,
    )


def _rounded(share: float | None) -> float | str:
    """A share for the long format: four decimals, or empty when nobody was asked."""
    return "" if share is None else round(share, 4)


def rows(report: Report) -> list[dict[str, object]]:
    """The report as long-format rows (section, group, measure, value): one CSV that a
    spreadsheet pivots, and the same shape for every section."""
    out: list[dict[str, object]] = [
        {"section": "summary", "group": "", "measure": "documents_in_force",
         "value": report.documents_in_force},
        {"section": "summary", "group": "", "measure": "overdue_reviews",
         "value": report.overdue_reviews},
        {"section": "summary", "group": "", "measure": "overdue_share",
         "value": round(report.overdue_share, 4)},
        {"section": "summary", "group": "", "measure": "without_guardian",
         "value": len(report.without_guardian)},
        {"section": "summary", "group": "", "measure": "active_dispensations",
         "value": report.active_dispensations},
        {"section": "summary", "group": "", "measure": "renewals", "value": report.renewals},
    ]  # fmt: skip
    for section, shares in (("review_by_unit", report.by_unit), ("review_by_body", report.by_body)):
        for share in shares:
            out += [
                {"section": section, "group": share.group, "measure": "in_force",
                 "value": share.in_force},
                {"section": section, "group": share.group, "measure": "overdue",
                 "value": share.overdue},
                {"section": section, "group": share.group, "measure": "overdue_share",
                 "value": round(share.share, 4)},
            ]  # fmt: skip
    out += [
        {"section": "without_guardian", "group": ref, "measure": "document", "value": 1}
        for ref in report.without_guardian
    ]
    out += [
        {"section": "documents_by_type_and_level", "group": f"{c.doc_type}/{c.level}",
         "measure": "documents", "value": c.documents}
        for c in report.per_type_and_level
    ]  # fmt: skip
    for d in report.by_document:
        out += [
            {"section": "dispensations_by_document", "group": d.document_ref,
             "measure": "active", "value": d.active},
            {"section": "dispensations_by_document", "group": d.document_ref,
             "measure": "renewals", "value": d.renewals},
        ]  # fmt: skip
    for f in report.cost_by_funder:
        group = f"{f.funder} ({f.currency})"
        out += [
            {"section": "cost_by_funder", "group": group, "measure": "dispensations",
             "value": f.dispensations},
            {"section": "cost_by_funder", "group": group, "measure": "estimated_cost",
             "value": str(f.estimated_cost)},
        ]  # fmt: skip
    if report.organisation:
        out.append(
            {"section": "summary", "group": "", "measure": "acceptance_share",
             "value": _rounded(report.reading_share)}
        )  # fmt: skip
    for reading in report.reading:
        out += [
            {"section": "acceptance", "group": reading.document_ref, "measure": "asked",
             "value": reading.asked},
            {"section": "acceptance", "group": reading.document_ref, "measure": "read",
             "value": reading.read},
            {"section": "acceptance", "group": reading.document_ref, "measure": "share",
             "value": _rounded(reading.share)},
        ]  # fmt: skip
        for u in reading.units:
            group = f"{reading.document_ref}/{u.unit}"
            out += [
                {"section": "acceptance_by_unit", "group": group, "measure": "asked",
                 "value": u.asked},
                {"section": "acceptance_by_unit", "group": group, "measure": "read",
                 "value": u.read},
            ]  # fmt: skip
    out += long_overdue_rows(report.long_overdue, NONE_GROUP)
    if report.audit is not None:
        out += [
            {"section": "audit_log", "group": "", "measure": "events",
             "value": report.audit.events},
            {"section": "audit_log", "group": "", "measure": "head", "value": report.audit.hash},
            {"section": "audit_log", "group": "", "measure": "chain",
             "value": report.audit.chain},
        ]  # fmt: skip
    return out


__all__ = [
    "NONE_GROUP",
    "NO_EXTRA_COST",
    "UNSTATED",
    "DocumentDispensations",
    "DocumentReading",
    "FunderCost",
    "Report",
    "ReviewShare",
    "TypeLevelCount",
    "UnitReading",
    "build",
    "rows",
]
