"""The governance report's raw numbers: counts per group, before they are sorted and shaped
into :class:`styrdok.report.Report`, and its three long lists.

A register of a million records must not pass through Python to be counted. A store that
can count in its database offers :class:`~styrdok.store.base.ReportStore`: it answers with
:class:`ReportTallies` from set-based queries and streams each long list sorted as the
report shows it, so neither is held in memory whole. For any other store :func:`tally`
counts the same numbers and lists from its records as they stream past. The contract suite
holds the two to the same answer on the same register
(:mod:`styrdok.testing.contract_report`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from styrdok.enums import DocStatus
from styrdok.escalation import LongOverdue, long_overdue
from styrdok.model import GRANTED_STATUSES, Body, Dispensation, Document, Person

if TYPE_CHECKING:
    from styrdok.store.base import Store

#: The group name for documents whose owner has no unit, or that no body adopted yet.
NONE_GROUP = "–"
#: The funder group of dispensations stated to cause no extra cost.
NO_EXTRA_COST = "no extra cost"
#: The funder group of granted dispensations whose cost nobody stated (older data, imports).
UNSTATED = "not stated"


@attrs.frozen
class DocumentDispensations:
    """Dispensations from one document: how many apply today, how many were renewals."""

    document_ref: str
    active: int
    renewals: int


def by_document_order(d: DocumentDispensations) -> tuple[int, int, str]:
    """How the dispensations per document are sorted: the most in effect first, then the
    most renewed, then by ref."""
    return (-d.active, -d.renewals, d.document_ref)


@attrs.frozen
class ReportTallies:
    """What the report counts, by group; the report sorts and names it. Every value is
    bounded by the number of groups (units, bodies, types, funders), not by the register.

    "In force" means in force on the report's day (adopted, and its date of effect
    reached); "overdue" a review date before that day."""

    in_force: int
    """Documents in force."""
    overdue: int
    """Of them, those whose review is overdue."""
    without_guardian: int
    """How many drafts and documents in force have no guardian."""
    by_unit: Mapping[str, tuple[int, int]]
    """The owner's unit (:data:`NONE_GROUP`: none, or an owner not registered) →
    (documents in force, of them overdue)."""
    by_body: Mapping[str, tuple[int, int]]
    """The adopting body's ref (:data:`NONE_GROUP`: none) → (in force, overdue)."""
    type_level: Mapping[tuple[str, str], int]
    """(document type, the adopting body's level or :data:`NONE_GROUP`) → documents in
    force."""
    active_dispensations: int
    """Granted dispensations active on the day."""
    renewals: int
    """Granted dispensations that renew an earlier one."""
    costs: Mapping[tuple[str, str], tuple[int, Decimal]]
    """(funder — :data:`NO_EXTRA_COST`, :data:`UNSTATED` or who pays —, currency) →
    (granted dispensations, their estimated cost in all)."""


@attrs.frozen
class ReportLists:
    """The report's three long lists, each sorted as the report shows it, as the
    record-by-record count keeps them (a :class:`~styrdok.store.base.ReportStore` streams
    the same lists in the same order instead)."""

    without_guardian: tuple[str, ...]
    """Refs of drafts and documents in force without a guardian, sorted by code point."""
    by_document: tuple[DocumentDispensations, ...]
    """Each document with a granted dispensation active on the day or a granted renewal,
    sorted by :func:`by_document_order`."""
    long_overdue: tuple[LongOverdue, ...]
    """Documents in force whose review is the given number of days or more overdue, as
    :func:`styrdok.escalation.long_overdue` lists them."""


def funder_of(dispensation: Dispensation) -> str:
    """The funder group a granted dispensation's cost is counted under."""
    funding = dispensation.funding
    if funding.funded_by:
        return funding.funded_by
    return NO_EXTRA_COST if funding.no_extra_cost else UNSTATED


def tally(
    *,
    today: dt.date,
    documents: Iterable[Document],
    dispensations: Iterable[Dispensation],
    persons: Iterable[Person],
    bodies: Iterable[Body],
    long_overdue_after_days: int,
) -> tuple[ReportTallies, ReportLists]:
    """Count :class:`ReportTallies` from records as they stream past, and gather the
    :class:`ReportLists`: counts are kept, not the register (only what the lists hold)."""
    persons, bodies = list(persons), list(bodies)
    unit_of = {p.ref: p.unit or NONE_GROUP for p in persons}
    level_of = {b.ref: b.level.value for b in bodies}
    in_force, overdue = 0, 0
    late_ones: list[Document] = []
    without_guardian: list[str] = []
    type_level: Counter[tuple[str, str]] = Counter()
    by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_body: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for document in documents:
        if document.status in (DocStatus.DRAFT, DocStatus.IN_FORCE) and not document.guardian:
            without_guardian.append(document.ref)
        if not document.in_force_on(today):  # adopted to take effect later: not yet
            continue
        due = document.next_review_on
        is_late = due is not None and due < today
        in_force += 1
        overdue += is_late
        for group in (
            by_unit[unit_of.get(document.owner, NONE_GROUP)],
            by_body[document.adopted_by or NONE_GROUP],
        ):
            group[0] += 1
            group[1] += is_late
        level = level_of.get(document.adopted_by or "", NONE_GROUP)
        type_level[(document.doc_type.value, level)] += 1
        if due is not None and (today - due).days >= long_overdue_after_days:
            late_ones.append(document)

    per_document: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    granted: Counter[tuple[str, str]] = Counter()
    estimated: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for disp in dispensations:
        if disp.status not in GRANTED_STATUSES:
            continue
        if disp.active_on(today):
            per_document[disp.document_ref][0] += 1
        if disp.renewal_of is not None:
            per_document[disp.document_ref][1] += 1
        key = (funder_of(disp), disp.funding.currency)
        granted[key] += 1
        estimated[key] += disp.funding.estimated_cost or Decimal(0)
    tallies = ReportTallies(
        in_force=in_force,
        overdue=overdue,
        without_guardian=len(without_guardian),
        by_unit={group: (total, late) for group, (total, late) in by_unit.items()},
        by_body={group: (total, late) for group, (total, late) in by_body.items()},
        type_level=dict(type_level),
        active_dispensations=sum(active for active, _ in per_document.values()),
        renewals=sum(renewed for _, renewed in per_document.values()),
        costs={key: (count, estimated[key]) for key, count in granted.items()},
    )
    lists = ReportLists(
        without_guardian=tuple(sorted(without_guardian)),
        by_document=tuple(
            sorted(
                (
                    DocumentDispensations(ref, active, renewed)
                    for ref, (active, renewed) in per_document.items()
                ),
                key=by_document_order,
            )
        ),
        long_overdue=long_overdue(
            late_ones, persons, bodies, today=today, after_days=long_overdue_after_days
        ),
    )
    return tallies, lists


def tally_records(
    store: Store, *, today: dt.date, long_overdue_after_days: int
) -> tuple[ReportTallies, ReportLists]:
    """:func:`tally` over everything ``store`` holds, its documents and dispensations
    streamed from it (:func:`styrdok.exchange.records`). Call inside a transaction."""
    from styrdok import exchange

    return tally(
        today=today,
        documents=exchange.records(store, "documents"),
        dispensations=exchange.records(store, "dispensations"),
        persons=store.list_persons(),
        bodies=store.list_bodies(),
        long_overdue_after_days=long_overdue_after_days,
    )
