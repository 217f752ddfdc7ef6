"""The storage contract, the governance report: a store that counts the report in its
database (:class:`~styrdok.store.base.ReportStore`) gives the numbers the record-by-record
count gives (:func:`styrdok.report_tally.tally_records`) on the same register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from styrdok.dispensation import Funding
from styrdok.model import Body, Person
from styrdok.registry import Registry
from styrdok.report_tally import NO_EXTRA_COST, ReportTallies, tally_records
from styrdok.store.base import ReportStore
from styrdok.testing.contract_data import complete_document, complete_request, day


def _varied(registry: Registry) -> None:
    """Beside ``POL-1``: an owner with a unit and one without, two bodies of different
    levels, a review long overdue, a document taking effect later, a draft without a
    guardian (one in force must have one), a repealed one; dispensations active, future,
    closed early, revoked, only requested, and a renewal, funded three ways."""
    registry.add_person(Person("chef", "Chef", unit="Skolförvaltningen"), actor="admin")
    registry.add_person(Person("nounit", "Utan enhet", unit=""), actor="admin")
    registry.add_body(Body("BUN", "Barn- och utbildningsnämnden", "committee"), actor="admin")
    registry.add_document(complete_document("POL-2", owner="chef"), actor="chef")
    registry.adopt_document("POL-2", actor="chef", body="BUN", on=day(-500))
    registry.add_document(complete_document("POL-3", guardian=None), actor="owner")  # draft
    registry.add_document(complete_document("POL-4", owner="nounit"), actor="admin")
    registry.adopt_document(
        "POL-4", actor="admin", body="KS", on=day(-5), effective_from=day(20)
    )  # in force from day 20
    registry.add_document(complete_document("POL-5"), actor="owner")
    registry.adopt_document("POL-5", actor="owner", body="KS", on=day(-400))
    registry.repeal_document("POL-5", actor="owner", on=day(-1))

    def granted(on: int, start: int, end: int, funding: Funding) -> str:
        request = complete_request(valid_from=day(start), valid_until=day(end), funding=funding)
        ref = registry.request_dispensation(request, actor="requester", on=day(on)).ref
        registry.approve_dispensation(ref, actor="guardian", on=day(on))
        return ref

    bun = Funding(funded_by="BUN", estimated_cost=Decimal("1200.50"))
    active = granted(-30, -20, 60, bun)
    granted(-2, 10, 100, Funding(no_extra_cost=True))  # starts later
    closed = granted(-40, -30, 90, Funding(funded_by="KS", estimated_cost=Decimal("99.99")))
    registry.close_dispensation(closed, actor="guardian", reason="Klart", on=day(-3))
    revoked = granted(-40, -30, 90, bun)
    registry.revoke_dispensation(revoked, actor="guardian", reason="Brister", on=day(-2))
    registry.request_dispensation(complete_request(), actor="requester")  # only requested
    renewal = registry.renew_dispensation(active, actor="requester", valid_until=day(150))
    registry.approve_dispensation(renewal.ref, actor="guardian")


def _tallies(
    registry: Registry, today: dt.date, after_days: int
) -> tuple[ReportTallies | None, ReportTallies]:
    """The store's own counts (``None`` for a store without them) and the walk's."""
    store = registry.store
    with store.transaction(write=False):
        counted = (
            store.report_tallies(today=today, long_overdue_after_days=after_days)
            if isinstance(store, ReportStore)
            else None
        )
        walked = tally_records(store, today=today, long_overdue_after_days=after_days)
    return counted, walked


class ReportContract:
    """The report's counts (a part of :class:`StoreContract`)."""

    @pytest.mark.parametrize(("offset", "after_days"), [(0, 30), (25, 1), (200, 400)])
    def test_the_store_counts_the_report_as_the_records_do(
        self, seeded: Registry, offset: int, after_days: int
    ) -> None:
        """Every count of the report, walked through the store's records and — a store
        that counts in its database — counted there too, the same; on a register with
        something for each, on days before and after its dates change."""
        _varied(seeded)
        counted, walked = _tallies(seeded, day(offset), after_days)
        if counted is not None:
            assert counted == walked
        if offset == 0:  # the register holds what the comparison is meant to cover
            assert walked.in_force == 2 and walked.overdue == 1
            assert walked.without_guardian == ("POL-3",)
            assert {funder for funder, _ in walked.costs} == {"BUN", "KS", NO_EXTRA_COST}
            assert walked.costs[("BUN", "SEK")] == (3, Decimal("3601.50"))
            assert [d.ref for d in walked.long_overdue] == ["POL-2"]
            assert sum(active for active, _ in walked.dispensations.values()) == 1
            assert sum(renewed for _, renewed in walked.dispensations.values()) == 1
