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

Three of its lists grow with the register: the documents without a guardian, the
dispensations per document and the long-overdue reviews. :class:`Report` holds them, for
code that embeds styrdok; :class:`StreamedReport` is the same report with those lists read
from the store as they are written out, which is how ``styrdok report`` writes every format
in memory that does not grow with the register (issue 19).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from styrdok.audit import AuditHead
from styrdok.escalation import LONG_OVERDUE_AFTER_DAYS, LongOverdue
from styrdok.model import Body, Dispensation, Document, Person
from styrdok.organisation import UnitAcceptance, UnitTree
from styrdok.outbox import ReadCandidate
from styrdok.report_rows import iter_rows
from styrdok.report_tally import (
    NO_EXTRA_COST,
    NONE_GROUP,
    UNSTATED,
    DocumentDispensations,
    ReportTallies,
    tally,
)


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


@attrs.frozen
class StreamedReport:
    """The governance report with its three long lists read as they are written out: what
    ``styrdok report`` writes every format from, in memory that does not grow with the
    register (issue 19).

    From :meth:`~styrdok.registry.Registry.streamed_report`, each list is read from the
    store every time it is iterated — sorted by the database, a few thousand rows at a
    time — within the read transaction its ``with`` block holds open, so read them there.
    :meth:`of` makes one from a :class:`Report`; :meth:`held` reads one into a
    :class:`Report`."""

    summary: Report
    """Everything but the three long lists: the counts, the groups, acceptance, the audit
    log's head. Its own long lists are not read here (they may be left empty)."""
    without_guardian_count: int
    """How many refs :attr:`without_guardian` holds."""
    without_guardian: Iterable[str]
    """:attr:`Report.without_guardian`, read afresh each time it is iterated."""
    by_document: Iterable[DocumentDispensations]
    """:attr:`Report.by_document`, read afresh each time it is iterated."""
    long_overdue: Iterable[LongOverdue]
    """:attr:`Report.long_overdue`, read afresh each time it is iterated."""

    @classmethod
    def of(cls, report: Report) -> StreamedReport:
        """``report`` as a streamed report whose lists are the ones it holds."""
        return cls(
            report,
            len(report.without_guardian),
            report.without_guardian,
            report.by_document,
            report.long_overdue,
        )

    def held(self) -> Report:
        """The report with its long lists read into memory."""
        return attrs.evolve(
            self.summary,
            without_guardian=tuple(self.without_guardian),
            by_document=tuple(self.by_document),
            long_overdue=tuple(self.long_overdue),
        )


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
    tallies, lists = tally(
        today=today,
        documents=documents,
        dispensations=dispensations,
        persons=persons,
        bodies=bodies,
        long_overdue_after_days=long_overdue_after_days,
    )
    summary = assemble(
        tallies,
        today=today,
        audit=audit,
        units=units,
        acceptance=acceptance,
        long_overdue_after_days=long_overdue_after_days,
    )
    return attrs.evolve(
        summary,
        without_guardian=lists.without_guardian,
        by_document=lists.by_document,
        long_overdue=lists.long_overdue,
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
    :meth:`~styrdok.store.base.ReportStore.report_tallies`): sorted worst first, named. Its
    three long lists are left empty: they come sorted from the count (:func:`build`) or
    from the store (:class:`StreamedReport`)."""
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
        without_guardian=(),
        per_type_and_level=tuple(
            TypeLevelCount(doc_type, level, count)
            for (doc_type, level), count in sorted(tallies.type_level.items())
        ),
        active_dispensations=tallies.active_dispensations,
        renewals=tallies.renewals,
        by_document=(),
        cost_by_funder=tuple(cost_by_funder),
        audit=audit,
        organisation=bool(units),
        reading=reading,
        reading_units=reading_units,
        long_overdue=(),
        long_overdue_after_days=long_overdue_after_days,
    )


def rows(report: Report) -> list[dict[str, object]]:
    """The report as long-format rows (section, group, measure, value): one CSV that a
    spreadsheet pivots, and the same shape for every section
    (:func:`styrdok.report_rows.iter_rows` yields them one at a time)."""
    return list(iter_rows(StreamedReport.of(report)))


__all__ = [
    "NONE_GROUP",
    "NO_EXTRA_COST",
    "UNSTATED",
    "DocumentDispensations",
    "DocumentReading",
    "FunderCost",
    "Report",
    "ReviewShare",
    "StreamedReport",
    "TypeLevelCount",
    "UnitReading",
    "build",
    "rows",
]
