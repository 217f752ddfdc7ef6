"""The storage contract, the governance report: a store that counts the report in its
database (:class:`~styrdok.store.base.ReportStore`) gives the numbers the record-by-record
count gives (:func:`styrdok.report_tally.tally_records`) on the same register, and streams
the same long lists in the same order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from styrdok.dispensation import Funding
from styrdok.model import Body, Person
from styrdok.registry import Registry
from styrdok.report_tally import NO_EXTRA_COST, ReportLists, ReportTallies, tally_records
from styrdok.store.base import ReportStore
from styrdok.testing.contract_data import complete_document, complete_request, day

Counted = tuple[ReportTallies, ReportLists]


def _varied(registry: Registry) -> None:
    """Beside ``POL-1``: an owner with a unit and one without, two bodies of different
    levels, reviews long overdue in both (two on the same day), a document taking effect
    later, drafts without a guardian (one in force must have one) whose refs sort
    differently by code point and by dictionary, a repealed one; dispensations active,
    future, closed early, revoked, only requested, and a renewal, funded three ways, on
    documents that tie on what is in effect and on renewals."""
    registry.add_person(Person("chef", "Chef", unit="Skolförvaltningen"), actor="admin")
    registry.add_person(Person("nounit", "Utan enhet", unit=""), actor="admin")
    registry.add_body(Body("BUN", "Barn- och utbildningsnämnden", "committee"), actor="admin")
    for ref, owner, body, on in (  # POL-8 before POL-2: stored out of the order shown
        ("POL-8", "owner", "BUN", -500),
        ("POL-6", "owner", "KS", -500),
        ("POL-7", "chef", "BUN", -450),
        ("POL-2", "chef", "BUN", -500),
    ):
        registry.add_document(complete_document(ref, owner=owner), actor=owner)
        registry.adopt_document(ref, actor=owner, body=body, on=day(on))
    for ref in ("POL-3", "POL-a", "POL-B", "POL-10"):  # drafts
        registry.add_document(complete_document(ref, guardian=None), actor="owner")
    registry.add_document(complete_document("POL-4", owner="nounit"), actor="admin")
    registry.adopt_document(
        "POL-4", actor="admin", body="KS", on=day(-5), effective_from=day(20)
    )  # in force from day 20
    registry.add_document(complete_document("POL-5"), actor="owner")
    registry.adopt_document("POL-5", actor="owner", body="KS", on=day(-400))
    registry.repeal_document("POL-5", actor="owner", on=day(-1))

    def granted(on: int, start: int, end: int, funding: Funding, document: str = "POL-1") -> str:
        request = complete_request(
            document_ref=document, valid_from=day(start), valid_until=day(end), funding=funding
        )
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
    for document in ("POL-7", "POL-2", "POL-6", "POL-2"):
        granted(-10, -5, 40, Funding(no_extra_cost=True), document)


def _counted(registry: Registry, today: dt.date, after_days: int) -> tuple[Counted | None, Counted]:
    """The store's own counts and lists (``None`` for a store without them) and the
    walk's."""
    store = registry.store
    with store.transaction(write=False):
        counted = (
            (
                store.report_tallies(today=today),
                ReportLists(
                    without_guardian=tuple(store.report_without_guardian()),
                    by_document=tuple(store.report_by_document(today=today)),
                    long_overdue=tuple(
                        store.report_long_overdue(today=today, after_days=after_days)
                    ),
                ),
            )
            if isinstance(store, ReportStore)
            else None
        )
        walked = tally_records(store, today=today, long_overdue_after_days=after_days)
    return counted, walked


class ReportContract:
    """The report's counts and lists (a part of :class:`StoreContract`)."""

    @pytest.mark.parametrize(("offset", "after_days"), [(0, 30), (25, 1), (200, 400)])
    def test_the_store_counts_the_report_as_the_records_do(
        self, seeded: Registry, offset: int, after_days: int
    ) -> None:
        """Every count of the report, walked through the store's records and — a store
        that counts in its database — counted there too, the same; and each long list
        streamed by the store holds what the walk lists, in the same order; on a register
        with something for each, on days before and after its dates change."""
        _varied(seeded)
        counted, (tallies, lists) = _counted(seeded, day(offset), after_days)
        if counted is not None:
            assert counted[0] == tallies
            assert counted[1].without_guardian == lists.without_guardian
            assert counted[1].by_document == lists.by_document
            assert counted[1].long_overdue == lists.long_overdue
        if offset == 0:  # the register holds what the comparison is meant to cover
            assert tallies.in_force == 5 and tallies.overdue == 4
            assert tallies.without_guardian == 4
            assert lists.without_guardian == ("POL-10", "POL-3", "POL-B", "POL-a")
            assert {funder for funder, _ in tallies.costs} == {"BUN", "KS", NO_EXTRA_COST}
            assert tallies.costs[("BUN", "SEK")] == (3, Decimal("3601.50"))
            assert (tallies.active_dispensations, tallies.renewals) == (5, 1)
            # The most in effect, then the most renewed, then by ref.
            assert [(d.document_ref, d.active, d.renewals) for d in lists.by_document] == [
                ("POL-2", 2, 0),
                ("POL-1", 1, 1),
                ("POL-6", 1, 0),
                ("POL-7", 1, 0),
            ]
            # By body, the most overdue first, a tie by ref.
            assert [(d.body, d.ref, d.days_overdue) for d in lists.long_overdue] == [
                ("BUN", "POL-2", 135),
                ("BUN", "POL-8", 135),
                ("BUN", "POL-7", 85),
                ("KS", "POL-6", 135),
            ]
            assert lists.long_overdue[0].body_name == "Barn- och utbildningsnämnden"
            assert lists.long_overdue[0].owner_name == "Chef"

    def test_the_streamed_report_is_the_report(self, seeded: Registry) -> None:
        """The report as ``styrdok report`` reads it — its long lists streamed, each read
        again as often as it is iterated — holds what :meth:`Registry.report` holds."""
        _varied(seeded)
        held = seeded.report(today=day(0))
        with seeded.streamed_report(today=day(0)) as streamed:
            for _ in range(2):
                assert tuple(streamed.without_guardian) == held.without_guardian
                assert tuple(streamed.by_document) == held.by_document
                assert tuple(streamed.long_overdue) == held.long_overdue
            assert streamed.without_guardian_count == len(held.without_guardian) == 4
            assert streamed.summary.active_dispensations == held.active_dispensations == 5
            assert streamed.held() == held
        assert len(held.long_overdue) == 4 and len(held.by_document) == 4
