"""The storage contract, records: they come back as stored, transactions, history, dispensations."""

from __future__ import annotations

import io
from decimal import Decimal

import attrs
import pytest

from styrdok.errors import AlreadyExists, Conflict, RuleViolation
from styrdok.model import (
    OPEN_STATUSES,
    Body,
    Disposition,
    DispStatus,
    DocStatus,
    Person,
    ReviewOutcome,
)
from styrdok.registry import Registry
from styrdok.testing.contract_data import (
    NOW,
    StoreFactory,
    complete_document,
    complete_request,
    day,
)


class RecordContract:
    """Records, transactions and dispensation queries (a part of :class:`StoreContract`)."""

    # --- records come back exactly as stored -------------------------------------------

    def test_a_document_comes_back_exactly_as_stored(self, seeded: Registry) -> None:
        """A document read back equals the one stored, every field, version and revision."""
        stored = seeded.get_document("POL-1")
        assert stored == complete_document(
            status=DocStatus.IN_FORCE,
            version=1,
            adopted_by="KS",
            decided_on=day(-100),
            effective_from=day(-100),
            in_force_from=day(-100),
            next_review_on=day(265),
            ack_version=1,  # a first adoption asks everyone it applies to to read it
            revision=1,
        )

    def test_people_bodies_and_lists(self, seeded: Registry) -> None:
        """People and bodies come back sorted by ref; documents are filtered by parent,
        status, owner or guardian, and adopting body."""
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
            complete_document("RIKT-1", doc_type="guideline", parent="POL-1", guardian="approver"),
            actor="owner",
        )
        assert [d.ref for d in seeded.list_documents(parent="POL-1")] == ["RIKT-1"]
        assert [d.ref for d in seeded.list_documents(status=DocStatus.DRAFT)] == ["RIKT-1"]
        assert [d.ref for d in seeded.list_documents(person="approver")] == ["RIKT-1"]
        assert [d.ref for d in seeded.list_documents(body="KS")] == ["POL-1"]

    def test_duplicate_refs_are_refused(self, seeded: Registry) -> None:
        """A person or document whose ref is taken is refused with ``AlreadyExists``."""
        with pytest.raises(AlreadyExists):
            seeded.add_person(Person("owner", "Again"), actor="admin")
        with pytest.raises(AlreadyExists):
            seeded.add_document(complete_document(), actor="owner")

    # --- transactions and locking --------------------------------------------------------

    def test_a_stale_update_is_a_conflict(self, seeded: Registry) -> None:
        """Updating with a revision that is no longer the stored one raises ``Conflict``."""
        document = seeded.get_document("POL-1")
        with seeded.store.transaction():
            seeded.store.update_document(document, expected_revision=document.revision)
        with pytest.raises(Conflict), seeded.store.transaction():
            seeded.store.update_document(document, expected_revision=document.revision)

    def test_a_transaction_is_all_or_nothing(self, seeded: Registry) -> None:
        """A transaction that raises leaves nothing behind: no record, no audit event."""
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

    def test_a_write_cannot_join_a_read(self, seeded: Registry) -> None:
        """A change begun while a read transaction is open (an ``iter_due`` not yet closed,
        say) is refused, and nothing is written: joined to the read it would go without the
        writers' lock, or be dropped with the read."""
        with (
            pytest.raises(RuntimeError, match="a write cannot join a read transaction"),
            seeded.store.transaction(write=False),
        ):
            seeded.add_person(Person("ghost", "Ghost"), actor="admin")
        with seeded.store.transaction(write=False):
            assert seeded.store.get_person("ghost") is None
        seeded.add_person(Person("ghost", "Ghost"), actor="admin")  # once the read is over
        assert seeded.get_person("ghost").name == "Ghost"

    # --- history ---------------------------------------------------------------------------

    def test_versions_and_what_was_in_force(self, seeded: Registry) -> None:
        """Adopted versions keep their periods, "what was in force on a day" finds the
        right one, and reviews come back with their ``id``."""
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

    # --- dispensations ---------------------------------------------------------------------

    def test_dispensation_lifecycle_and_queries(self, seeded: Registry) -> None:
        """Dispensations are numbered, approved, renewed, filtered by status, document
        and person, found in effect on a day, expired, and ended with their document."""
        first = seeded.request_dispensation(complete_request(), actor="requester")
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
        """``next_dispensation_ref`` counts numerically (9999 is followed by 10000) and
        starts again at 0001 each year."""
        template = seeded.request_dispensation(complete_request(), actor="requester")
        with seeded.store.transaction():
            seeded.store.insert_dispensation(attrs.evolve(template, ref="D-2026-9999"))
            assert seeded.store.next_dispensation_ref(2026) == "D-2026-10000"
            assert seeded.store.next_dispensation_ref(2027) == "D-2027-0001"

    def test_questions_are_numbered(self, seeded: Registry) -> None:
        """Questions get ids 1, 2, …; an answer is stored and can become an FAQ entry."""
        first = seeded.ask("POL-1", "Gäller den konsulter?", actor="requester")
        second = seeded.ask("POL-1", "Och praktikanter?", actor="requester")
        assert (first.id, second.id) == (1, 2)
        answered = seeded.answer(1, "Ja.", actor="guardian", promote_to_faq=True)
        assert seeded.questions("POL-1")[0] == answered
        assert seeded.get_document("POL-1").faq[-1].answer == "Ja."

    def test_a_number_beyond_any_row_finds_nothing(self, seeded: Registry) -> None:
        """A question number far outside what a database column holds (from a form or a
        URL) is simply not there — never a crash of the driver."""
        with seeded.store.transaction(write=False):
            for number in (2**63, -(2**63) - 1, 10**30):
                assert seeded.store.get_question(number) is None

    # --- export and import ------------------------------------------------------------------

    def test_export_import_round_trip(self, seeded: Registry, store_factory: StoreFactory) -> None:
        """An export imported into an empty store exports the same JSON again, and the
        next question is numbered after the imported ones."""
        ref = seeded.request_dispensation(complete_request(), actor="requester").ref
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

    def test_refs_that_differ_only_in_case_are_refused_by_the_store(self, seeded: Registry) -> None:
        """`pol-1` beside `POL-1` would look like one record and be two: the store itself
        refuses it, whatever the path (the use cases check too), and ``existing_refs``
        finds a ref regardless of case and returns it as stored."""
        store = seeded.store
        with store.transaction(write=False):
            document, person = store.get_document("POL-1"), store.get_person("owner")
            body = store.get_body("KS")
            assert store.existing_refs("document", ["pol-1", "POL-2"]) == ["POL-1"]
            assert store.existing_refs("person", ["Owner", "ghost"]) == ["owner"]
        assert document and person and body
        for insert, record in (
            (store.insert_document, attrs.evolve(document, ref="pol-1")),
            (store.insert_person, attrs.evolve(person, ref="OWNER")),
            (store.insert_body, attrs.evolve(body, ref="ks")),
        ):
            with pytest.raises(AlreadyExists), store.transaction():
                insert(record)  # type: ignore[arg-type]
        with store.transaction(write=False):
            assert [d.ref for d in store.list_documents()] == ["POL-1"]
            assert store.get_person("OWNER") is None and store.get_body("ks") is None
