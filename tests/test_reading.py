"""Communicated and accepted: who is asked to read a version, confirming it, acceptance."""

from __future__ import annotations

import pytest

from conftest import day, policy
from styrdok import Conflict, PermissionDenied, Person, RuleViolation
from styrdok.enums import AckChannel
from styrdok.model import Unit
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise


@pytest.fixture
def asked(seeded: Registry) -> Registry:
    """Socialförvaltningen (managed by ``owner``) with Hemtjänst Norr under it; staff in
    both; POL-2 applies to SOC and was adopted 20 days ago, so everyone there is asked."""
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun", "municipality"), actor="admin")
    seeded.add_unit(
        Unit("SOC", "Socialförvaltningen", "administration", parent="KOMMUN", manager="owner"),
        actor="admin",
    )
    seeded.add_unit(Unit("SOC-HT", "Hemtjänst Norr", parent="SOC"), actor="admin")
    seeded.add_unit(Unit("BUF", "Barn och utbildning", parent="KOMMUN"), actor="admin")
    for ref, unit in (("sara", "SOC"), ("tim", "SOC-HT"), ("ulla", "SOC-HT"), ("vera", "BUF")):
        seeded.add_person(Person(ref, ref.title(), unit=unit), actor="admin")
    seeded.add_document(policy("POL-2", applies_to=("SOC",)), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-20))
    return seeded


def _todo(registry: Registry, person: str) -> list[str]:
    return [item.document.ref for item in registry.documents_to_read(person)]


def test_everyone_in_the_units_and_their_sub_units_is_asked(asked: Registry) -> None:
    assert _todo(asked, "tim") == ["POL-2"]  # Hemtjänst Norr lies under SOC
    assert _todo(asked, "sara") == ["POL-2"]
    assert _todo(asked, "vera") == []  # another förvaltning


def test_confirming_removes_it_from_the_list_and_is_audited(asked: Registry) -> None:
    ack = asked.acknowledge("POL-2", actor="tim", channel=AckChannel.INTRANET, version=1)
    assert (ack.person, ack.version, ack.channel) == ("tim", 1, AckChannel.INTRANET)
    assert _todo(asked, "tim") == []
    event = list(asked.audit_events())[-1]
    assert (event.action, event.actor, event.entity) == (
        "document.acknowledge",
        "tim",
        "document:POL-2",
    )


def test_confirming_twice_writes_nothing_new(asked: Registry) -> None:
    first = asked.acknowledge("POL-2", actor="tim")
    events = len(list(asked.audit_events()))
    assert asked.acknowledge("POL-2", actor="tim") == first
    assert len(list(asked.audit_events())) == events


def test_a_stale_page_cannot_confirm_words_it_did_not_show(asked: Registry) -> None:
    asked.adopt_document("POL-2", actor="owner", body="KS", on=day(-1))
    with pytest.raises(Conflict, match="no longer the one in force"):
        asked.acknowledge("POL-2", actor="tim", version=1)
    assert _todo(asked, "tim") == ["POL-2"]


def test_only_a_document_in_force_is_confirmed(asked: Registry) -> None:
    asked.add_document(policy("POL-3", applies_to=("SOC",)), actor="owner")
    with pytest.raises(RuleViolation, match="in force"):
        asked.acknowledge("POL-3", actor="tim")


def test_a_material_change_asks_again_an_editorial_one_does_not(asked: Registry) -> None:
    asked.acknowledge("POL-2", actor="tim")
    asked.adopt_document("POL-2", actor="owner", body="KS", on=day(-5), material=False)
    assert _todo(asked, "tim") == []  # version 1 still counts
    asked.adopt_document("POL-2", actor="owner", body="KS", on=day(-1))
    todo = asked.documents_to_read("tim")
    assert [(t.document.version, t.read_before.version) for t in todo] == [(3, 1)]  # type: ignore[union-attr]


def test_someone_who_leaves_is_no_longer_asked_or_counted(asked: Registry) -> None:
    asked.edit_person("tim", {"active": False}, actor="admin")
    assert _todo(asked, "tim") == []
    assert asked.reading_status("POL-2", actor="admin").asked == 2


def test_someone_who_moves_in_is_asked_from_the_day_they_joined(asked: Registry) -> None:
    asked.edit_person("vera", {"unit": "SOC-HT"}, actor="admin")
    (item,) = asked.documents_to_read("vera")
    assert item.since == asked.today()


def test_acceptance_per_unit_counts_the_units_own_staff(asked: Registry) -> None:
    asked.acknowledge("POL-2", actor="tim")
    status = asked.reading_status("POL-2", actor="owner")
    assert [(r.unit, r.asked, r.read) for r in status.units] == [("SOC", 1, 0), ("SOC-HT", 2, 1)]
    assert (status.asked, status.read) == (3, 1)


def test_names_only_for_managers_of_those_units_and_administrators(asked: Registry) -> None:
    """Who has not read a rule is personal data: numbers for everyone, names for the
    manager (their own units) and administrators."""
    assert [p.ref for p in asked.reading_status("POL-2", actor="owner").unread or ()] == [
        "sara",
        "tim",
        "ulla",
    ]
    assert asked.reading_status("POL-2", actor="vera").unread is None
    with pytest.raises(PermissionDenied):
        asked.reading_status("POL-2", actor=None)


def test_acceptance_of_every_document_rolls_up_to_forvaltningar(asked: Registry) -> None:
    asked.acknowledge("POL-2", actor="tim")
    asked.acknowledge("POL-2", actor="sara")
    (row,) = [a for a in asked.acceptance(depth=1) if a.document.ref == "POL-2"]
    assert [(u.unit, u.asked, u.read) for u in row.units] == [("SOC", 3, 2)]


def test_ask_to_read_starts_asking_for_an_older_document(seeded: Registry) -> None:
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun"), actor="admin")
    seeded.edit_person("requester", {"unit": "KOMMUN"}, actor="admin")
    revise(seeded, "POL-1", {"applies_to": ["KOMMUN"]}, actor="owner")
    assert _todo(seeded, "requester") == ["POL-1"]  # the new version asks
    seeded.acknowledge("POL-1", actor="requester")
    with pytest.raises(RuleViolation, match="already asked"):
        seeded.ask_to_read("POL-1", actor="owner")
    with pytest.raises(PermissionDenied):
        seeded.ask_to_read("POL-1", actor="requester")


def test_the_cli_shows_status_and_confirms(asked: Registry, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--as", "tim", "ack", "todo")
    assert "POL-2" in result.output
    result = cli("--as", "tim", "ack", "confirm", "POL-2", "--version", "1")
    assert result.exit_code == 0, result.output
    assert "har läst version 1 av POL-2" in result.output
    result = cli("--as", "owner", "ack", "status", "POL-2")
    assert "1 av 3 har bekräftat" in result.output
    assert "Har inte läst ännu" in result.output and "Ulla" in result.output
    result = cli("--as", "tim", "ack", "confirm", "POL-2", "--version", "7")
    assert result.exit_code == 1


def test_anonymising_a_reader_keeps_their_confirmation_under_the_pseudonym(
    asked: Registry,
) -> None:
    asked.acknowledge("POL-2", actor="tim")
    anonymous = asked.anonymise_person("tim", actor="admin")
    assert asked.reading_status("POL-2", actor="admin").read == 1
    assert asked.documents_to_read(anonymous.ref) == []


def test_a_manager_must_hand_over_before_being_anonymised(asked: Registry) -> None:
    asked.hand_over("owner", "guardian", actor="admin", only=("owner", "guardian"))
    with pytest.raises(RuleViolation, match="manager of SOC"):
        asked.anonymise_person("owner", actor="admin")
    assert asked.hand_over("owner", "guardian", actor="admin", only=("manager",)) == [
        "manager of SOC"
    ]
    assert asked.get_unit("SOC").manager == "guardian"
