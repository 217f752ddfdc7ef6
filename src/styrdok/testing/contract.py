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
way styrdok uses it — and call the queries, the audit log and the outbox ledger directly,
as the use cases and the reminder job do.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from styrdok.audit import next_event, reseal
from styrdok.errors import AlreadyExists, Conflict, RuleViolation
from styrdok.model import (
    GRANTED_STATUSES,
    OPEN_STATUSES,
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
from styrdok.notify import NoticeKind
from styrdok.outbox import DispensationCandidate, Notice, NoticeState, ReviewCandidate
from styrdok.registry import Registry
from styrdok.store.base import DatedRow, Store

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
LEASE = dt.timedelta(minutes=15)
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

    def test_the_audit_log_keeps_events_as_given(self, seeded: Registry) -> None:
        store = seeded.store
        with store.transaction(write=False):
            events = list(store.iter_audit())
            head = store.audit_head()
        assert head == (events[-1].seq, events[-1].hash)
        note = next_event(
            head, at=NOW, actor="admin", action="test.note", entity="document:POL-1",
            before=None, after={"note": "Åsa \"citat\" \\ 1200.50", "list": [1, None, True]},
        )  # fmt: skip
        with store.transaction():
            store.insert_audit(note)
        with store.transaction(write=False):
            assert store.audit_head() == (note.seq, note.hash)
            assert list(store.iter_audit())[-1] == note
            assert list(store.iter_audit("document:POL-1"))[-1] == note
            assert [e.entity for e in store.iter_audit("person:owner")] == ["person:owner"]
            assert store.audit_hash_of(1) == events[0].hash
            assert store.audit_hash_of(note.seq) == note.hash
            assert store.audit_hash_of(note.seq + 1) is None
            assert store.audit_page(1, 2) == events[:2]
            assert store.audit_page(note.seq - 1, 10) == [events[-1], note]
            assert store.audit_page(note.seq + 1, 10) == []
        assert seeded.verify_audit().broken is None

    def test_the_audit_log_can_be_resealed(self, seeded: Registry) -> None:
        store = seeded.store
        with store.transaction(write=False):
            before = list(store.iter_audit())
            assert store.first_audit_mentioning(["nobody-at-all"]) is None
            # Case-insensitively (the core rewrites e-mail addresses whatever their case);
            # the first event that names the requester at all is the one that added them.
            first = store.first_audit_mentioning(["nobody", "REQUESTER@example.SE"])
        assert first == next(e.seq for e in before if e.entity == "person:requester")

        def rewrite(value: Any) -> Any:
            if isinstance(value, str):
                return value.replace("requester", "p-0001").replace("Requester", "P 1")
            if isinstance(value, dict):
                return {rewrite(k): rewrite(v) for k, v in value.items()}
            if isinstance(value, list):
                return [rewrite(v) for v in value]
            return value

        with store.transaction():
            resealed, resealed_from, previous_head = reseal(store, rewrite, ["requester"])
        assert (resealed, resealed_from) == (len(before) - first + 1, first)
        assert previous_head == before[-1].hash
        with store.transaction(write=False):
            after = list(store.iter_audit())
            assert store.first_audit_mentioning(["requester"]) is None
            assert store.audit_head() == (after[-1].seq, after[-1].hash)
        assert after[: first - 1] == before[: first - 1]
        assert [e.seq for e in after] == [e.seq for e in before]
        assert after[first - 1].after == rewrite(before[first - 1].after)
        assert after[-1].hash != before[-1].hash
        assert seeded.verify_audit().broken is None

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
            open_ones = seeded.store.list_dispensations(
                document_ref="POL-1", statuses=OPEN_STATUSES
            )
            assert [d.ref for d in open_ones] == [first.ref, renewal.ref]
            assert seeded.store.list_dispensations(statuses=()) == []
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

    def test_dated_items_are_sorted_and_filtered(self, seeded: Registry) -> None:
        approved = seeded.request_dispensation(_request(), actor="requester").ref
        seeded.approve_dispensation(approved, actor="guardian")
        # The scope comes back as stored: making a title of it is the core's business.
        requested = seeded.request_dispensation(
            _request(scope="Pilot  på\nNordskolan"), actor="requester"
        ).ref
        seeded.add_document(_document("POL-2", valid_until=day(265)), actor="owner")
        seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-100))
        seeded.add_document(_document("POL-3", valid_until=day(50)), actor="owner")  # a draft
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
            assert all(type(row.kind) is str and type(row.status) is str for row in rows)
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

    def test_what_ends_before_a_day(self, seeded: Registry) -> None:
        ref = seeded.request_dispensation(_request(), actor="requester").ref
        seeded.approve_dispensation(ref, actor="guardian")
        seeded.add_document(_document("POL-2", valid_until=day(30)), actor="owner")
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
        first = seeded.request_dispensation(_request(), actor="requester").ref
        seeded.approve_dispensation(first, actor="guardian")
        second = seeded.request_dispensation(_request(), actor="requester").ref
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
        ref = seeded.request_dispensation(
            _request(scope="Pilot\n på  skolan"), actor="requester"
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

    def _notice(self, **changes: Any) -> Notice:
        fields: dict[str, Any] = {
            "item": "document:POL-1",
            "kind": NoticeKind.REVIEW,
            "threshold": "2026-11-22/-30",
            "recipient": "owner",
            "channel": "mail",
            "title": "Policy",
            "due_on": dt.date(2026, 11, 22),
            "send_on": dt.date(2026, 10, 23),
            "created_on": dt.date(2026, 10, 23),
        }
        fields.update(changes)
        return Notice(**fields)

    def _ledger(self, seeded: Registry, *notices: Notice) -> Store:
        """The seeded store with ``notices`` (one by default) in its ledger."""
        with seeded.store.transaction():
            seeded.store.insert_notices(list(notices) or [self._notice()])
        return seeded.store

    def test_the_outbox_records_a_notice_once(self, seeded: Registry) -> None:
        store = seeded.store
        with store.transaction():
            store.insert_notices([self._notice(), self._notice(recipient="guardian")])
            store.insert_notices([self._notice(title="Again")])  # the same key: left alone
            assert len(store.notices()) == 2
            latest = store.notice_send_dates(["document:POL-1"])
        assert latest[("document:POL-1", "2026-11-22", "owner", "mail")] == dt.date(2026, 10, 23)
        with store.transaction(write=False):
            stored = store.notices()
        assert [n.id for n in stored] == sorted({n.id for n in stored if n.id is not None})
        assert stored[0] == attrs.evolve(self._notice(), id=stored[0].id)

    def test_claims_are_exclusive_and_delivery_is_recorded(self, seeded: Registry) -> None:
        store = self._ledger(seeded, self._notice(), self._notice(recipient="guardian"))
        with store.transaction(exclusive=False):
            mine = store.claim_notices(worker="a", now=NOW, lease=LEASE)
            theirs = store.claim_notices(worker="b", now=NOW, lease=LEASE)
        assert len(mine) == 2 and list(theirs) == []
        assert [n.recipient for n in mine] == ["guardian", "owner"]  # by channel, recipient
        ids = [n.id for n in mine if n.id is not None]
        with store.transaction(exclusive=False):
            store.mark_sent(ids[:1], worker="a", at=NOW)
            store.mark_failed_attempt(ids[1:], worker="a", error="down", max_attempts=2)
            notices = {n.id: n for n in store.notices()}
        assert notices[ids[0]].state is NoticeState.SENT
        assert notices[ids[0]].claimed_by is None and notices[ids[0]].sent_at is not None
        failed = notices[ids[1]]
        assert (failed.state, failed.attempts, failed.last_error) == (
            NoticeState.PENDING,
            1,
            "down",
        )
        later = NOW + LEASE * 2
        with store.transaction(exclusive=False):
            again = store.claim_notices(worker="b", now=later, lease=LEASE)
            store.mark_failed_attempt(
                [n.id for n in again if n.id is not None], worker="b", error="down", max_attempts=2
            )
            assert {n.state for n in store.notices()} == {NoticeState.SENT, NoticeState.FAILED}

    def test_an_expired_lease_can_be_taken_over(self, seeded: Registry) -> None:
        store = self._ledger(seeded)
        with store.transaction(exclusive=False):
            assert len(store.claim_notices(worker="crashed", now=NOW, lease=LEASE)) == 1
            assert list(store.claim_notices(worker="b", now=NOW + LEASE / 2, lease=LEASE)) == []
            assert len(store.claim_notices(worker="b", now=NOW + LEASE * 2, lease=LEASE)) == 1

    def test_released_claims_can_be_claimed_again(self, seeded: Registry) -> None:
        store = self._ledger(seeded)
        with store.transaction(exclusive=False):
            assert len(store.claim_notices(worker="a", now=NOW, lease=LEASE)) == 1
            store.release_claims(worker="a")
            assert store.notices()[0].claimed_by is None
            assert len(store.claim_notices(worker="b", now=NOW, lease=LEASE)) == 1
