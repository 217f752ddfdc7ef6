"""The storage contract: the tests every styrdok storage backend must pass.

Use it from your backend's tests::

    from styrdok.testing.contract import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store_factory(self, tmp_path):
            counter = itertools.count()
            return lambda: MyStore.create(tmp_path / f"store{next(counter)}")

``store_factory()`` must return a new, initialised, empty store each time it is called.
The tests drive the store through the public :class:`~styrdok.registry.Registry` — the
way styrdok uses it — plus the outbox methods the reminder engine calls directly.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from styrdok.errors import AlreadyExists, Conflict, RuleViolation
from styrdok.model import (
    Body,
    DispensationRequest,
    DispensationRules,
    Disposition,
    DispStatus,
    DocStatus,
    Document,
    FaqEntry,
    FollowUp,
    Funding,
    Person,
    ReviewOutcome,
)
from styrdok.registry import Registry
from styrdok.store.base import Store

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
StoreFactory = Callable[[], Store]


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def _document(ref: str = "POL-1", **changes: Any) -> Document:
    fields: dict[str, Any] = {
        "ref": ref,
        "title": "Informationssäkerhetspolicy",
        "doc_type": "policy",
        "owner": "owner",
        "guardian": "guardian",
        "purpose": "Skydda informationen",
        "intended_effects": "Färre incidenter",
        "audience": "Alla medarbetare",
        "applies_to": ("IT-enheten", "Skolor"),
        "limits": "Inte leverantörer",
        "follow_up": FollowUp("Årlig rapport", "KS"),
        "review_interval_months": 12,
        "non_compliance": "Anmäls till chef",
        "registry_number": "KS 2026/1",
        "dispensation_rules": DispensationRules(
            allowed=True,
            requirements="Riskanalys",
            approvers=("approver",),
            max_duration_days=180,
            max_renewals=1,
        ),
        "faq": (FaqEntry("Vem frågar jag?", "Väktaren."),),
        "text_url": "https://mittkoping.example/pol-1",
        "word_count": 900,
        "reminder_offsets": (90, 30, 0),
    }
    fields.update(changes)
    return Document(**fields)


def _request(**changes: Any) -> DispensationRequest:
    fields: dict[str, Any] = {
        "document_ref": "POL-1",
        "scope": "Pilot",
        "responsible": "responsible",
        "valid_from": day(10),
        "valid_until": day(100),
        "funding": Funding(funded_by="BUN", estimated_cost=Decimal("1200.50")),
        "applies_to": ("Nordskolan",),
        "clause": "3.2",
        "conditions": "DPIA",
    }
    fields.update(changes)
    return DispensationRequest(**fields)


class StoreContract:
    """Subclass and provide ``store_factory``; every test here then runs on your store."""

    @pytest.fixture
    def store_factory(self) -> StoreFactory:  # pragma: no cover - the subclass provides it
        raise NotImplementedError("provide a store_factory fixture")

    @pytest.fixture
    def registry(self, store_factory: StoreFactory) -> Registry:
        return Registry(store_factory(), clock=lambda: NOW, events=False)

    @pytest.fixture
    def seeded(self, registry: Registry) -> Registry:
        registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
        for ref in ("owner", "guardian", "approver", "requester", "responsible"):
            registry.add_person(Person(ref, ref.title(), email=f"{ref}@example.se"), actor="admin")
        registry.add_body(
            Body("KS", "Kommunstyrelsen", "executive_board", contact="admin"), actor="admin"
        )
        registry.add_document(_document(), actor="owner")
        registry.adopt_document("POL-1", actor="owner", body="KS", on=day(-100))
        return registry

    # --- records come back exactly as stored -------------------------------------------

    def test_a_document_comes_back_exactly_as_stored(self, seeded: Registry) -> None:
        stored = seeded.get_document("POL-1")
        assert stored == _document(
            status=DocStatus.IN_FORCE,
            version=1,
            adopted_by="KS",
            decided_on=day(-100),
            next_review_on=day(265),
            revision=1,
        )

    def test_people_bodies_and_lists(self, seeded: Registry) -> None:
        assert [p.ref for p in seeded.list_persons()] == [
            "admin",
            "approver",
            "guardian",
            "owner",
            "requester",
            "responsible",
        ]
        assert seeded.get_person("owner").email == "owner@example.se"
        assert seeded.list_bodies() == [
            Body("KS", "Kommunstyrelsen", "executive_board", contact="admin")
        ]
        seeded.add_document(
            _document("RIKT-1", doc_type="guideline", parent="POL-1", guardian="approver"),
            actor="owner",
        )
        assert [d.ref for d in seeded.list_documents(parent="POL-1")] == ["RIKT-1"]
        assert [d.ref for d in seeded.list_documents(status=DocStatus.DRAFT)] == ["RIKT-1"]
        assert [d.ref for d in seeded.list_documents(person="approver")] == ["RIKT-1"]
        assert [d.ref for d in seeded.list_documents(body="KS")] == ["POL-1"]

    def test_duplicate_refs_are_refused(self, seeded: Registry) -> None:
        with pytest.raises(AlreadyExists):
            seeded.add_person(Person("owner", "Again"), actor="admin")
        with pytest.raises(AlreadyExists):
            seeded.add_document(_document(), actor="owner")

    # --- transactions and locking --------------------------------------------------------

    def test_a_stale_update_is_a_conflict(self, seeded: Registry) -> None:
        document = seeded.get_document("POL-1")
        with seeded.store.transaction():
            seeded.store.update_document(document, expected_revision=document.revision)
        with pytest.raises(Conflict), seeded.store.transaction():
            seeded.store.update_document(document, expected_revision=document.revision)

    def test_a_transaction_is_all_or_nothing(self, seeded: Registry) -> None:
        before = len(list(seeded.audit_events()))

        def fail_midway() -> None:
            with seeded.store.transaction():
                seeded.store.insert_person(Person("ghost", "Ghost"))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            fail_midway()
        with seeded.store.transaction(write=False):
            assert seeded.store.get_person("ghost") is None
        assert len(list(seeded.audit_events())) == before

    # --- history ---------------------------------------------------------------------------

    def test_versions_and_what_was_in_force(self, seeded: Registry) -> None:
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
        seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(-10))
        versions = seeded.document_versions("POL-1")
        assert [(v.version, v.in_force_from, v.in_force_until) for v in versions] == [
            (1, day(-100), day(-10)),
            (2, day(-10), None),
        ]
        assert [v.snapshot.title for v in seeded.documents_in_force(day(-11))] == [
            "Informationssäkerhetspolicy"
        ]
        assert [v.snapshot.title for v in seeded.documents_in_force(day(-10))] == ["Ny titel"]
        review = seeded.review_document(
            "POL-1", actor="guardian", outcome=ReviewOutcome.CONFIRMED, on=day(0)
        )
        assert review.id is not None
        assert seeded.reviews("POL-1") == [review]

    def test_the_audit_chain_verifies(self, seeded: Registry) -> None:
        report = seeded.verify_audit()
        assert report.broken is None and report.events == len(list(seeded.audit_events()))
        assert [e.action for e in seeded.history("document:POL-1")] == [
            "document.add",
            "document.adopt",
        ]

    # --- dispensations ---------------------------------------------------------------------

    def test_dispensation_lifecycle_and_queries(self, seeded: Registry) -> None:
        first = seeded.request_dispensation(_request(), actor="requester")
        assert first.ref == "D-2026-0001"
        approved = seeded.approve_dispensation(first.ref, actor="guardian")
        assert seeded.get_dispensation(first.ref) == approved
        assert approved.funding.estimated_cost == Decimal("1200.50")
        renewal = seeded.renew_dispensation(first.ref, actor="responsible", valid_until=day(200))
        with seeded.store.transaction(write=False):
            assert [d.ref for d in seeded.store.renewals_of(first.ref)] == [renewal.ref]
        assert [d.ref for d in seeded.list_dispensations(status=DispStatus.REQUESTED)] == [
            renewal.ref
        ]
        assert [d.ref for d in seeded.list_dispensations(person="responsible")] == [
            first.ref,
            renewal.ref,
        ]
        assert [d.ref for d in seeded.dispensations_active_on(day(50))] == [first.ref]
        assert seeded.dispensations_active_on(day(5)) == []
        assert seeded.expire(today=day(101)) == [first.ref]
        assert seeded.get_dispensation(first.ref).status is DispStatus.EXPIRED
        assert [d.ref for d in seeded.dispensations_active_on(day(100))] == [first.ref]
        with pytest.raises(RuleViolation, match="open dispensation"):
            seeded.repeal_document("POL-1", actor="owner", on=day(150))
        seeded.repeal_document("POL-1", actor="owner", on=day(150), dispensations=Disposition.END)
        assert seeded.get_dispensation(renewal.ref).status is DispStatus.REJECTED

    def test_numbering_is_numeric_and_per_year(self, seeded: Registry) -> None:
        template = seeded.request_dispensation(_request(), actor="requester")
        with seeded.store.transaction():
            seeded.store.insert_dispensation(attrs.evolve(template, ref="D-2026-9999"))
            assert seeded.store.next_dispensation_ref(2026) == "D-2026-10000"
            assert seeded.store.next_dispensation_ref(2027) == "D-2027-0001"

    def test_due_lists_overdue_first(self, seeded: Registry) -> None:
        ref = seeded.request_dispensation(_request(), actor="requester").ref
        seeded.approve_dispensation(ref, actor="guardian")
        items = seeded.due(today=day(300), within_days=0)
        assert [(i.kind.value, i.ref, i.days_left) for i in items] == [
            ("dispensation_expiry", ref, -200),
            ("review", "POL-1", -35),
        ]

    def test_questions_are_numbered(self, seeded: Registry) -> None:
        first = seeded.ask("POL-1", "Gäller den konsulter?", actor="requester")
        second = seeded.ask("POL-1", "Och praktikanter?", actor="requester")
        assert (first.id, second.id) == (1, 2)
        answered = seeded.answer(1, "Ja.", actor="guardian", promote_to_faq=True)
        assert seeded.questions("POL-1")[0] == answered
        assert seeded.get_document("POL-1").faq[-1].answer == "Ja."

    # --- export and import ------------------------------------------------------------------

    def test_export_import_round_trip(self, seeded: Registry, store_factory: StoreFactory) -> None:
        ref = seeded.request_dispensation(_request(), actor="requester").ref
        seeded.approve_dispensation(ref, actor="guardian")
        seeded.ask("POL-1", "Fråga?", actor="requester")
        first = io.StringIO()
        seeded.export_json(first)
        copy = Registry(store_factory(), clock=lambda: NOW, events=False)
        copy.import_json(io.StringIO(first.getvalue()), actor=None)
        second = io.StringIO()
        copy.export_json(second)
        assert second.getvalue() == first.getvalue()
        assert copy.ask("POL-1", "En till?", actor="requester").id == 2

    # --- the outbox ---------------------------------------------------------------------------

    def _notice(self, **changes: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "item": "document:POL-1",
            "kind": "review",
            "threshold": "2026-11-22/-30",
            "recipient": "owner",
            "channel": "mail",
            "title": "Policy",
            "owner": "",
            "due_on": dt.date(2026, 11, 22),
            "send_on": dt.date(2026, 10, 23),
            "state": "pending",
            "attempts": 0,
            "last_error": "",
            "created_on": dt.date(2026, 10, 23),
        }
        row.update(changes)
        return row

    def test_the_outbox_records_a_notice_once(self, seeded: Registry) -> None:
        store = seeded.store
        with store.transaction():
            store.insert_notices([self._notice(), self._notice(recipient="guardian")])
            store.insert_notices([self._notice()])  # the same key again: left alone
            assert len(store.notices()) == 2
            latest = store.notice_send_dates(["document:POL-1"])
        assert latest[("document:POL-1", "2026-11-22", "owner", "mail")] == dt.date(2026, 10, 23)

    def test_claims_are_exclusive_and_delivery_is_recorded(self, seeded: Registry) -> None:
        store = seeded.store
        lease = dt.timedelta(minutes=15)
        with store.transaction():
            store.insert_notices([self._notice(), self._notice(recipient="guardian")])
        with store.transaction(exclusive=False):
            mine = store.claim_notices(worker="a", now=NOW, lease=lease)
            theirs = store.claim_notices(worker="b", now=NOW, lease=lease)
        assert len(mine) == 2 and list(theirs) == []
        ids = [row["id"] for row in mine]
        with store.transaction(exclusive=False):
            store.mark_sent(ids[:1], worker="a", at=NOW)
            store.mark_failed_attempt(ids[1:], worker="a", error="down", max_attempts=2)
            rows = {row["id"]: row for row in store.notices()}
        assert rows[ids[0]]["state"] == "sent"
        assert (rows[ids[1]]["state"], rows[ids[1]]["attempts"], rows[ids[1]]["last_error"]) == (
            "pending",
            1,
            "down",
        )
        later = NOW + lease * 2
        with store.transaction(exclusive=False):
            again = store.claim_notices(worker="b", now=later, lease=lease)
            store.mark_failed_attempt(
                [r["id"] for r in again], worker="b", error="down", max_attempts=2
            )
            assert {row["state"] for row in store.notices()} == {"sent", "failed"}

    def test_an_expired_lease_can_be_taken_over(self, seeded: Registry) -> None:
        store = seeded.store
        lease = dt.timedelta(minutes=15)
        with store.transaction():
            store.insert_notices([self._notice()])
        with store.transaction(exclusive=False):
            assert len(store.claim_notices(worker="crashed", now=NOW, lease=lease)) == 1
            assert list(store.claim_notices(worker="b", now=NOW + lease / 2, lease=lease)) == []
            assert len(store.claim_notices(worker="b", now=NOW + lease * 2, lease=lease)) == 1
