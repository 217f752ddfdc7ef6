"""The storage contract, set-based queries: due dates, ends, what is in effect, reminder
candidates."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from styrdok.errors import InvalidValue
from styrdok.model import (
    GRANTED_STATUSES,
    DispStatus,
    DocStatus,
)
from styrdok.outbox import DispensationCandidate, ReviewCandidate
from styrdok.registry import Registry
from styrdok.store.base import DatedRow
from styrdok.testing.contract_data import (
    complete_document,
    complete_request,
    day,
)
from styrdok.usecases import dates


class QueryContract:
    """Queries over the whole register (a part of :class:`StoreContract`)."""

    def test_due_lists_overdue_first(self, seeded: Registry) -> None:
        """``due`` lists what is overdue first, with the days left (negative when
        overdue)."""
        ref = seeded.request_dispensation(complete_request(), actor="requester").ref
        seeded.approve_dispensation(ref, actor="guardian")
        items = seeded.due(today=day(300), within_days=0)
        assert [(i.kind.value, i.ref, i.days_left) for i in items] == [
            ("dispensation_expiry", ref, -200),
            ("review", "POL-1", -35),
        ]

    def test_dated_items_are_sorted_and_filtered(self, seeded: Registry) -> None:
        """``dated_items`` returns review and end dates up to a day, of the statuses
        asked for, sorted by date, kind and ref, with plain-text kinds and statuses."""
        approved = seeded.request_dispensation(complete_request(), actor="requester").ref
        seeded.approve_dispensation(approved, actor="guardian")
        # The scope comes back as stored: making a title of it is the core's business.
        requested = seeded.request_dispensation(
            complete_request(scope="Pilot  på\nNordskolan"), actor="requester"
        ).ref
        seeded.add_document(complete_document("POL-2", valid_until=day(265)), actor="owner")
        seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-100))
        seeded.add_document(
            complete_document("POL-3", valid_until=day(50)), actor="owner"
        )  # a draft
        title = "Informationssäkerhetspolicy"
        store = seeded.store
        with store.transaction(write=False):
            rows = store.dated_items(
                until=day(265),
                document_status=DocStatus.IN_FORCE,
                dispensation_status=DispStatus.APPROVED,
            )
            assert rows == [
                DatedRow(
                    "dispensation_expiry", approved, "Pilot", day(100), "responsible", "approved"
                ),
                DatedRow("document_expiry", "POL-2", title, day(265), "owner", "in_force"),
                DatedRow("review", "POL-1", title, day(265), "owner", "in_force"),
                DatedRow("review", "POL-2", title, day(265), "owner", "in_force"),
            ]
            assert all(type(row[0]) is str and type(row[5]) is str for row in rows)
            assert (
                store.dated_items(
                    until=day(264),
                    document_status=DocStatus.IN_FORCE,
                    dispensation_status=DispStatus.APPROVED,
                )
                == rows[:1]
            )
            assert store.dated_items(
                until=day(1000),
                document_status=DocStatus.DRAFT,
                dispensation_status=DispStatus.REQUESTED,
            ) == [
                DatedRow("document_expiry", "POL-3", title, day(50), "owner", "draft"),
                DatedRow(
                    "dispensation_expiry", requested, "Pilot  på\nNordskolan", day(100),
                    "responsible", "requested",
                ),
            ]  # fmt: skip

    def test_dated_items_stream_in_chunks(self, seeded: Registry) -> None:
        """``stream_dated_items`` gives the rows of ``dated_items`` — the same rows in the
        same order, ties on a date included — at most ``chunk`` at a time; nothing when
        nothing falls due."""
        _eight_dates(seeded)
        store = seeded.store
        in_force, approved = DocStatus.IN_FORCE, DispStatus.APPROVED
        with store.transaction(write=False):
            rows = store.dated_items(
                until=day(265), document_status=in_force, dispensation_status=approved
            )
            chunks = [
                list(chunk)
                for chunk in store.stream_dated_items(
                    until=day(265), document_status=in_force, dispensation_status=approved, chunk=3
                )
            ]
            assert len(rows) == 8
            assert [len(chunk) for chunk in chunks] == [3, 3, 2]
            assert [row for chunk in chunks for row in chunk] == rows
            assert all(type(row[3]) is dt.date for chunk in chunks for row in chunk)
            nothing = store.stream_dated_items(
                until=day(0), document_status=in_force, dispensation_status=approved, chunk=3
            )
            assert [list(chunk) for chunk in nothing] == []

    def test_iter_due_yields_what_due_returns(
        self, seeded: Registry, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``Registry.iter_due`` yields the items ``Registry.due`` returns, the same items in
        the same order, however many chunks the store reads them in; a negative horizon
        is refused when it is asked for, not when the first item is."""
        _eight_dates(seeded)
        monkeypatch.setattr(dates, "DUE_CHUNK", 3)
        for today, within in ((day(0), 0), (day(0), 265), (day(300), 0), (day(-200), 30)):
            due = seeded.due(today=today, within_days=within)
            assert list(seeded.iter_due(today=today, within_days=within)) == due
        assert len(seeded.due(today=day(0), within_days=265)) == 8
        with pytest.raises(InvalidValue, match="horizon"):
            seeded.iter_due(within_days=-1)

    def test_what_ends_before_a_day(self, seeded: Registry) -> None:
        """Documents and dispensations of a status whose valid-until date is before a
        day, and only those."""
        ref = seeded.request_dispensation(complete_request(), actor="requester").ref
        seeded.approve_dispensation(ref, actor="guardian")
        seeded.add_document(complete_document("POL-2", valid_until=day(30)), actor="owner")
        seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-10))
        store = seeded.store
        with store.transaction(write=False):
            ending = store.documents_ending_before(day(31), status=DocStatus.IN_FORCE)
            assert [d.ref for d in ending] == ["POL-2"]
            assert store.documents_ending_before(day(30), status=DocStatus.IN_FORCE) == []
            assert store.documents_ending_before(day(31), status=DocStatus.DRAFT) == []
            ended = store.dispensations_ending_before(day(101), status=DispStatus.APPROVED)
            assert [d.ref for d in ended] == [ref]
            assert store.dispensations_ending_before(day(100), status=DispStatus.APPROVED) == []
            assert store.dispensations_ending_before(day(101), status=DispStatus.REQUESTED) == []

    def test_dispensations_in_effect(self, seeded: Registry) -> None:
        """A dispensation is in effect from its first day to its last, and no longer
        from the day it was revoked."""
        first = seeded.request_dispensation(complete_request(), actor="requester").ref
        seeded.approve_dispensation(first, actor="guardian")
        second = seeded.request_dispensation(complete_request(), actor="requester").ref
        store = seeded.store

        def in_effect(on: dt.date, *statuses: DispStatus, document: str | None = None) -> list[str]:
            with store.transaction(write=False):
                found = store.dispensations_in_effect(on, statuses=statuses, document_ref=document)
            return [d.ref for d in found]

        assert in_effect(day(10), *GRANTED_STATUSES) == [first]  # the period's first day
        assert in_effect(day(100), *GRANTED_STATUSES) == [first]  # and its last
        assert in_effect(day(9), *GRANTED_STATUSES) == in_effect(day(101), *GRANTED_STATUSES) == []
        assert in_effect(day(50), DispStatus.APPROVED, DispStatus.REQUESTED) == [first, second]
        assert in_effect(day(50), DispStatus.REQUESTED, document="POL-1") == [second]
        assert in_effect(day(50), *GRANTED_STATUSES, document="POL-2") == []
        seeded.revoke_dispensation(first, actor="guardian", reason="Klart", on=day(40))
        assert in_effect(day(39), *GRANTED_STATUSES) == [first]
        assert in_effect(day(40), *GRANTED_STATUSES) == []  # ended_on is the first day out
        assert in_effect(day(39), DispStatus.APPROVED) == []

    def test_reminder_candidates(self, seeded: Registry) -> None:
        """Reminder candidates: documents in force by review date (own offsets reach
        further), dispensations ending soon or recently expired, titles made by the core."""
        ref = seeded.request_dispensation(
            complete_request(scope="Pilot\n på  skolan"), actor="requester"
        ).ref
        seeded.approve_dispensation(ref, actor="guardian")
        store = seeded.store
        with store.transaction(write=False):
            # POL-1 has offsets of its own: the further horizon reaches it too.
            reviews = list(store.review_candidates(until=day(0), own_offsets_until=day(264)))
            assert reviews == []
            assert len(list(store.review_candidates(until=day(265), own_offsets_until=day(0)))) == 1
            reviews = list(store.review_candidates(until=day(0), own_offsets_until=day(265)))
            assert reviews == [
                ReviewCandidate(
                    ref="POL-1",
                    title="Informationssäkerhetspolicy",
                    owner="owner",
                    guardian="guardian",
                    next_review_on=day(265),
                    valid_until=None,
                    reminder_offsets=(90, 30, 0),
                    contact="admin",
                )
            ]
            ending = DispensationCandidate(
                ref=ref,
                title="Pilot på skolan",
                status="approved",
                valid_until=day(100),
                ended_on=None,
                responsible="responsible",
                decided_by="guardian",
                evaluated=False,
            )
            assert list(store.dispensation_candidates(until=day(100), ended_since=day(0))) == [
                ending
            ]
            assert list(store.dispensation_candidates(until=day(99), ended_since=day(0))) == []
        seeded.expire(today=day(101))
        with store.transaction(write=False):
            expired = attrs.evolve(ending, status="expired", ended_on=day(101))
            assert list(store.dispensation_candidates(until=day(0), ended_since=day(101))) == [
                expired
            ]
            assert list(store.dispensation_candidates(until=day(0), ended_since=day(102))) == []


def _eight_dates(seeded: Registry) -> None:
    """An approved dispensation ending on day 100 and three more documents in force:
    eight dates up to day 265, four of them on that day (four reviews, one end)."""
    ref = seeded.request_dispensation(complete_request(), actor="requester").ref
    seeded.approve_dispensation(ref, actor="guardian")
    for ref, ends in (("POL-2", day(265)), ("POL-3", day(50)), ("POL-4", day(50))):
        seeded.add_document(complete_document(ref, valid_until=ends), actor="owner")
        seeded.adopt_document(ref, actor="owner", body="KS", on=day(-100))
