"""The storage contract, the organisation: units, staff per unit, and who has confirmed
reading which version — counted the same way on every backend."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from styrdok.errors import AlreadyExists
from styrdok.model import AckChannel, Acknowledgement, Person, Unit, UnitKind
from styrdok.organisation import StaffRecord
from styrdok.outbox import ReadCandidate
from styrdok.registry import Registry
from styrdok.testing.contract_data import NOW, TODAY, complete_document, day

#: The organisation: a municipality, two förvaltningar, a unit under one of them.
UNITS = (
    Unit("KOMMUN", "Mittköpings kommun", UnitKind.MUNICIPALITY),
    Unit("SOC", "Socialförvaltningen", UnitKind.ADMINISTRATION, parent="KOMMUN"),
    Unit("SKOL", "Skolförvaltningen", UnitKind.ADMINISTRATION, parent="KOMMUN"),
    Unit("SOC-HT", "Hemtjänsten", UnitKind.UNIT, parent="SOC"),
)
#: Staff: ref, name, unit.
STAFF = (
    ("anna", "Anna Ek", "SOC-HT"),
    ("bo", "Bo Lund", "SOC-HT"),
    ("eva", "Eva Berg", "SOC-HT"),
    ("cai", "Cai Falk", "SOC"),
    ("dan", "Dan Holm", "SKOL"),
)


def _ack(
    person: str, version: int, *, at: dt.datetime = NOW, ref: str = "RUT-1"
) -> Acknowledgement:
    return Acknowledgement(person, ref, version, at, AckChannel.INTRANET)


def _refs(people: list[Person] | tuple[Person, ...] | None) -> list[str]:
    assert people is not None
    return [p.ref for p in people]


class OrganisationContract:
    """Units, headcounts and read acknowledgements (a part of
    :class:`~styrdok.testing.contract.StoreContract`)."""

    @pytest.fixture
    def organised(self, seeded: Registry) -> Registry:
        """``seeded`` with :data:`UNITS` (``cai`` manages ``SOC``), :data:`STAFF` in them,
        and ``RUT-1`` in force since 50 days ago, applying to ``SOC`` and asking to be
        read (version 1)."""
        for unit in UNITS:
            seeded.add_unit(unit, actor="admin")
        for ref, name, where in STAFF:
            seeded.add_person(Person(ref, name, unit=where), actor="admin")
        seeded.edit_unit("SOC", {"manager": "cai"}, actor="admin")
        seeded.add_document(
            complete_document("RUT-1", title="Delegeringsrutin", applies_to=("SOC",)),
            actor="owner",
        )
        seeded.adopt_document("RUT-1", actor="owner", body="KS", on=day(-50))
        return seeded

    # --- units -----------------------------------------------------------------------------

    def test_units_are_stored_listed_and_replaced(self, organised: Registry) -> None:
        """Units come back as stored, listed by ref; an edit (a move, a new manager) is
        stored in place."""
        store = organised.store
        with store.transaction(write=False):
            assert [u.ref for u in store.list_units()] == ["KOMMUN", "SKOL", "SOC", "SOC-HT"]
            assert store.get_unit("SOC") == attrs.evolve(UNITS[1], manager="cai")
            assert store.get_unit("SOC-HT") == UNITS[3]
            assert store.get_unit("soc") is None and store.get_unit("NONE") is None
        moved = organised.edit_unit(
            "SOC-HT", {"parent": "SKOL", "name": "Elevhälsan", "manager": "dan"}, actor="admin"
        )
        assert organised.get_unit("SOC-HT") == moved
        assert moved == Unit("SOC-HT", "Elevhälsan", UnitKind.UNIT, parent="SKOL", manager="dan")
        assert organised.unit_tree().children("SKOL") == ["SOC-HT"]

    def test_a_duplicate_unit_ref_is_refused(self, organised: Registry) -> None:
        """A unit whose ref is taken, even in other case, is refused by the registry and by
        the store itself; nothing is stored."""
        with pytest.raises(AlreadyExists):
            organised.add_unit(Unit("SOC", "Igen", parent="KOMMUN"), actor="admin")
        store = organised.store
        for ref in ("SOC", "soc"):
            with pytest.raises(AlreadyExists), store.transaction():
                store.insert_unit(Unit(ref, "Igen", parent="KOMMUN"))
        with store.transaction(write=False):
            assert len(store.list_units()) == len(UNITS)
            assert store.get_unit("SOC") == attrs.evolve(UNITS[1], manager="cai")

    # --- staff ---------------------------------------------------------------------------

    def test_headcounts_count_only_active_people(self, organised: Registry) -> None:
        """Active people per unit (those without a unit left out); a deactivated person is
        not counted."""
        organised.edit_person("eva", {"active": False}, actor="admin")
        store = organised.store
        with store.transaction(write=False):
            assert store.unit_headcounts() == {"SOC-HT": 2, "SOC": 1, "SKOL": 1}
            eva = store.get_person("eva")
        assert eva is not None and not eva.active and eva.unit_since == TODAY

    def test_replace_persons_stores_many_changes_at_once(self, organised: Registry) -> None:
        """``replace_persons`` (``staff sync``) stores each changed person under its ref —
        unit, title, active, unit_since — and leaves everyone else as they were."""
        store = organised.store
        with store.transaction(write=False):
            anna, bo, cai = (store.get_person(r) for r in ("anna", "bo", "cai"))
        assert anna and bo and cai
        changed = [
            attrs.evolve(anna, unit="SKOL", unit_since=day(-3)),
            attrs.evolve(bo, active=False, title="Undersköterska"),
        ]
        with store.transaction():
            store.replace_persons(changed)
            store.replace_persons([])
        with store.transaction(write=False):
            assert [store.get_person(r) for r in ("anna", "bo", "cai")] == [*changed, cai]
            assert store.unit_headcounts() == {"SOC-HT": 1, "SOC": 1, "SKOL": 2}
            assert store.count_persons() == 6 + len(STAFF)

    def test_staff_records_are_every_person_as_stored(self, organised: Registry) -> None:
        """``staff_records`` (``staff sync``) gives every person — leavers and people
        without a unit too — as the plain values stored, field for field what
        ``get_person`` gives: booleans, dates, ``None`` for what is unset."""
        organised.edit_person("eva", {"active": False}, actor="admin")
        organised.edit_person("cai", {"title": "Enhetschef", "email": "cai@example.se"},
                              actor="admin")  # fmt: skip
        store = organised.store
        with store.transaction(write=False):
            records = sorted(store.staff_records())  # in no particular order: by ref
            people = sorted(store.list_persons(), key=lambda p: p.ref)
        assert len(records) == len(people) == 6 + len(STAFF)
        for record, person in zip(records, people, strict=True):
            assert type(record) is StaffRecord
            assert record == StaffRecord(
                person.ref, person.name, person.email, person.unit, person.title,
                person.is_admin, person.active, person.unit_since,
            )  # fmt: skip
            assert type(record.active) is bool and type(record.is_admin) is bool
        by_ref = {record.ref: record for record in records}
        assert by_ref["eva"][-3:] == (False, False, TODAY)  # a leaver
        assert by_ref["cai"][1:5] == ("Cai Falk", "cai@example.se", "SOC", "Enhetschef")
        assert by_ref["admin"][3:6] == (None, None, True)  # no unit, an administrator

    # --- acknowledgements ------------------------------------------------------------------

    def test_an_acknowledgement_is_kept_exactly_and_once(self, organised: Registry) -> None:
        """Confirming is recorded once per person and version (again returns the first);
        the store refuses a second record of it, keeps ``at`` to the microsecond and lists
        a person's newest first."""
        first = organised.acknowledge("RUT-1", actor="anna", channel=AckChannel.EMAIL)
        assert first == Acknowledgement("anna", "RUT-1", 1, NOW, AckChannel.EMAIL)
        events = len(list(organised.audit_events()))
        assert organised.acknowledge("RUT-1", actor="anna") == first
        assert len(list(organised.audit_events())) == events
        store = organised.store
        with pytest.raises(AlreadyExists), store.transaction():
            store.insert_acknowledgement(_ack("anna", 1, at=NOW + dt.timedelta(days=1)))
        later = _ack("anna", 1, ref="POL-1", at=NOW + dt.timedelta(seconds=1, microseconds=7))
        with store.transaction():
            store.insert_acknowledgement(later)
        with store.transaction(write=False):
            assert store.acknowledgements_by("anna") == [later, first]
            assert store.acknowledgements_by("bo") == []
            assert store.acknowledgement_of("anna", "RUT-1", versions=(1, 1)) == first
            assert store.acknowledgement_of("anna", "RUT-1", versions=(2, 3)) is None
            assert store.acknowledgement_of("bo", "RUT-1", versions=(1, 1)) is None

    def test_acknowledgement_of_finds_the_latest_version_in_the_range(
        self, organised: Registry
    ) -> None:
        """Of a person's acknowledgements of a document, the one of the highest version in
        the closed range."""
        store = organised.store
        with store.transaction():
            for version in (1, 2, 4):
                store.insert_acknowledgement(_ack("bo", version))
        with store.transaction(write=False):
            found = store.acknowledgement_of("bo", "RUT-1", versions=(1, 3))
            assert found is not None and found.version == 2
            found = store.acknowledgement_of("bo", "RUT-1", versions=(3, 9))
            assert found is not None and found.version == 4
            assert store.acknowledgement_of("bo", "RUT-1", versions=(3, 3)) is None

    def test_reading_counts_the_version_asked_and_later(self, organised: Registry) -> None:
        """A confirmation counts from the version asked up to the one in force: an
        editorial adoption keeps counting it, a material one asks everyone again."""
        organised.acknowledge("RUT-1", actor="anna")

        def counts() -> list[tuple[str, str, int]]:
            with organised.store.transaction(write=False):
                return list(organised.store.read_counts("RUT-1"))

        def unread() -> list[str]:
            return _refs(organised.reading_status("RUT-1", actor="admin").unread)

        assert counts() == [("RUT-1", "SOC-HT", 1)]
        assert unread() == ["cai", "bo", "eva"]  # by unit, then name
        organised.adopt_document("RUT-1", actor="owner", body="KS", on=day(-20), material=False)
        assert organised.get_document("RUT-1").ack_version == 1
        assert counts() == [("RUT-1", "SOC-HT", 1)]
        organised.acknowledge("RUT-1", actor="bo", version=2)
        organised.acknowledge("RUT-1", actor="cai", version=2)
        assert counts() == [("RUT-1", "SOC", 1), ("RUT-1", "SOC-HT", 2)]
        assert unread() == ["eva"]
        organised.adopt_document("RUT-1", actor="owner", body="KS", on=day(-10))
        assert organised.get_document("RUT-1").ack_version == 3
        assert counts() == []
        assert unread() == ["cai", "anna", "bo", "eva"]
        status = organised.reading_status("RUT-1", actor="admin")
        assert [(u.unit, u.asked, u.read) for u in status.units] == [
            ("SOC", 1, 0),
            ("SOC-HT", 3, 0),
        ]
        with organised.store.transaction(write=False):
            page = organised.store.unread_persons(
                "RUT-1", ["SOC", "SOC-HT"], versions=(3, 3), limit=2, offset=1
            )
            assert _refs(page) == ["anna", "bo"]
            earlier = organised.store.unread_persons("RUT-1", ["SOC-HT"], versions=(1, 2))
            assert _refs(earlier) == ["eva"]

    def test_read_counts_cover_every_document_that_asks(self, organised: Registry) -> None:
        """Without a document, ``read_counts`` counts each document in force that asks,
        ordered by ref; a draft or a document asking nobody is not counted."""
        organised.add_document(
            complete_document("ALFA-1", title="Alfarutin", applies_to=("SOC-HT",)), actor="owner"
        )
        organised.adopt_document("ALFA-1", actor="owner", body="KS", on=day(-5))
        organised.add_document(complete_document("RUT-2", applies_to=("SOC",)), actor="owner")
        for person in ("anna", "bo"):
            organised.acknowledge("ALFA-1", actor=person)
        organised.acknowledge("RUT-1", actor="cai")
        organised.acknowledge("POL-1", actor="dan")
        store = organised.store
        with store.transaction():
            store.insert_acknowledgement(_ack("eva", 1, ref="RUT-2"))  # a draft: not asked
        with store.transaction(write=False):
            assert list(store.read_counts()) == [
                ("ALFA-1", "SOC-HT", 2),
                ("POL-1", "SKOL", 1),
                ("RUT-1", "SOC", 1),
            ]
        rolled = {a.document.ref: a.units for a in organised.acceptance(depth=1)}
        assert [(u.unit, u.asked, u.read) for u in rolled["ALFA-1"]] == [("SOC", 3, 2)]
        assert [(u.unit, u.asked, u.read) for u in rolled["RUT-1"]] == [("SOC", 4, 1)]
        assert list(rolled) == ["ALFA-1", "POL-1", "RUT-1"]

    def test_a_deactivated_person_is_not_counted(self, organised: Registry) -> None:
        """Someone who has left is not counted as having read, nor listed as not having
        read, nor asked to read anything."""
        organised.acknowledge("RUT-1", actor="eva")
        organised.edit_person("eva", {"active": False}, actor="admin")
        organised.edit_person("bo", {"active": False}, actor="admin")
        with organised.store.transaction(write=False):
            assert list(organised.store.read_counts("RUT-1")) == []
        status = organised.reading_status("RUT-1", actor="admin")
        assert _refs(status.unread) == ["cai", "anna"]
        assert [(u.unit, u.asked, u.read) for u in status.units] == [
            ("SOC", 1, 0),
            ("SOC-HT", 1, 0),
        ]
        assert organised.documents_to_read("bo") == []

    def test_documents_to_read_are_found_through_a_parent_unit(self, organised: Registry) -> None:
        """A document that applies to a förvaltning asks everyone in the units under it,
        by title; confirming takes it off the list; a draft, a document asking nobody or
        one for another unit is never on it; an earlier confirmation comes along."""
        organised.add_document(
            complete_document("ALFA-1", title="Alfarutin", applies_to=("KOMMUN",)), actor="owner"
        )
        organised.adopt_document("ALFA-1", actor="owner", body="KS", on=day(-5))
        organised.add_document(complete_document("RUT-2", applies_to=("SOC",)), actor="owner")
        organised.add_document(
            complete_document("SKOL-1", title="Betyg", applies_to=("SKOL",)), actor="owner"
        )
        organised.adopt_document("SKOL-1", actor="owner", body="KS", on=day(-5))

        def to_read(person: str) -> list[tuple[str, int | None]]:
            return [
                (r.document.ref, r.read_before.version if r.read_before else None)
                for r in organised.documents_to_read(person)
            ]

        assert to_read("anna") == [("ALFA-1", None), ("RUT-1", None)]
        assert to_read("dan") == [("ALFA-1", None), ("SKOL-1", None)]
        organised.acknowledge("RUT-1", actor="anna", channel=AckChannel.INTRANET)
        assert to_read("anna") == [("ALFA-1", None)]
        organised.adopt_document("RUT-1", actor="owner", body="KS", on=day(-1))
        assert to_read("anna") == [("ALFA-1", None), ("RUT-1", 1)]
        store = organised.store
        with store.transaction(write=False):
            assert store.documents_to_read("anna", []) == []
            found = store.documents_to_read("anna", ["SOC-HT", "SOC", "KOMMUN"])
            doc = store.get_document("RUT-1")
            assert [d.ref for d, _, _ in found] == ["ALFA-1", "RUT-1"]
            assert found[1] == (doc, day(-1), _ack("anna", 1))

    def test_unread_persons_who_joined_since_a_day(self, organised: Registry) -> None:
        """With ``joined_since``, only those who joined their unit on or after that day
        are listed (someone whose joining day is unknown is not)."""
        store = organised.store
        with store.transaction():
            people = store.persons_by_ref(["anna", "bo", "eva"])
            store.replace_persons(
                [
                    attrs.evolve(people["anna"], unit_since=day(-30)),
                    attrs.evolve(people["bo"], unit_since=None),
                    attrs.evolve(people["eva"], unit_since=day(-10)),
                ]
            )
        with store.transaction(write=False):
            found = store.unread_persons(
                "RUT-1", ["SOC", "SOC-HT"], versions=(1, 1), joined_since=day(-10)
            )
            assert [(p.ref, p.unit_since) for p in found] == [("cai", TODAY), ("eva", day(-10))]
            everyone = store.unread_persons("RUT-1", ["SOC", "SOC-HT"], versions=(1, 1))
            assert _refs(everyone) == ["cai", "anna", "bo", "eva"]

    def test_read_candidates_are_the_documents_that_ask(self, organised: Registry) -> None:
        """Each document in force that asks to be read, by ref, with the day the version
        asked about came into force: an editorial adoption keeps that day, a material one
        moves it; drafts and repealed documents are not candidates."""
        organised.add_document(complete_document("RUT-2", applies_to=("SOC",)), actor="owner")
        organised.add_document(complete_document("ALFA-1", applies_to=("SKOL",)), actor="owner")
        organised.adopt_document("ALFA-1", actor="owner", body="KS", on=day(-40))
        organised.repeal_document("ALFA-1", actor="owner", on=day(-1))
        organised.adopt_document("RUT-1", actor="owner", body="KS", on=day(-20), material=False)
        with organised.store.transaction(write=False):
            assert organised.store.read_candidates() == [
                ReadCandidate("POL-1", "Informationssäkerhetspolicy", 1, 1,
                              ("IT-enheten", "Skolor"), day(-100)),
                ReadCandidate("RUT-1", "Delegeringsrutin", 2, 1, ("SOC",), day(-50)),
            ]  # fmt: skip
        organised.adopt_document("RUT-1", actor="owner", body="KS", on=day(-10))
        with organised.store.transaction(write=False):
            [_, rut] = organised.store.read_candidates()
        assert (rut.version, rut.ack_version, rut.since) == (3, 3, day(-10))
