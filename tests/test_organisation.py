"""The organisation: units as a tree, who may change it, and free text mapped onto it."""

from __future__ import annotations

import pytest

from conftest import policy, request
from styrdok import AlreadyExists, NotFound, PermissionDenied, Person, RuleViolation
from styrdok.model import Unit
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise


@pytest.fixture
def organised(seeded: Registry) -> Registry:
    """Mittköping with a top, two förvaltningar and a unit under one of them."""
    for unit in (
        Unit("KOMMUN", "Mittköpings kommun", "municipality"),
        Unit("SOC", "Socialförvaltningen", "administration", parent="KOMMUN", manager="owner"),
        Unit("SOC-HT", "Hemtjänst Norr", parent="SOC", manager="guardian"),
        Unit("BUF", "Barn- och utbildningsförvaltningen", "administration", parent="KOMMUN"),
    ):
        seeded.add_unit(unit, actor="admin")
    return seeded


def test_a_unit_includes_its_sub_units(organised: Registry) -> None:
    """What applies to a förvaltning applies to every unit under it."""
    tree = organised.unit_tree()
    assert tree.subtree(["SOC"]) == ["SOC", "SOC-HT"]
    assert tree.ancestors("SOC-HT") == ["SOC-HT", "SOC", "KOMMUN"]
    assert tree.path("SOC-HT") == "Mittköpings kommun › Socialförvaltningen › Hemtjänst Norr"
    assert tree.managed_by("owner") == ["SOC", "SOC-HT"]


def test_only_administrators_manage_units(organised: Registry) -> None:
    with pytest.raises(PermissionDenied):
        organised.add_unit(Unit("SOC-X", "X", parent="SOC"), actor="owner")
    with pytest.raises(PermissionDenied):
        organised.edit_unit("SOC", {"name": "Y"}, actor="owner")
    assert "SOC-X" not in organised.unit_tree()


def test_a_unit_cannot_be_moved_under_itself(organised: Registry) -> None:
    """A loop would make "includes its sub-units" endless; nothing changes."""
    with pytest.raises(RuleViolation, match="lies under it"):
        organised.edit_unit("SOC", {"parent": "SOC-HT"}, actor="admin")
    assert organised.get_unit("SOC").parent == "KOMMUN"


def test_moving_a_unit_moves_what_is_under_it(organised: Registry) -> None:
    organised.edit_unit("SOC", {"parent": "BUF"}, actor="admin")
    assert organised.unit_tree().ancestors("SOC-HT") == ["SOC-HT", "SOC", "BUF", "KOMMUN"]


def test_the_organisation_has_one_top(organised: Registry) -> None:
    with pytest.raises(RuleViolation, match="top unit KOMMUN"):
        organised.add_unit(Unit("REGION", "Regionen"), actor="admin")
    with pytest.raises(RuleViolation, match="needs a parent"):
        organised.edit_unit("SOC", {"parent": None}, actor="admin")


def test_a_parent_and_a_manager_must_exist(organised: Registry) -> None:
    with pytest.raises(NotFound, match="NOPE"):
        organised.add_unit(Unit("A", "A", parent="NOPE"), actor="admin")
    with pytest.raises(NotFound, match="nobody"):
        organised.add_unit(Unit("A", "A", parent="SOC", manager="nobody"), actor="admin")


def test_unit_refs_differ_in_more_than_case(organised: Registry) -> None:
    with pytest.raises(AlreadyExists, match="SOC"):
        organised.add_unit(Unit("soc", "Kopia", parent="KOMMUN"), actor="admin")


def test_once_there_are_units_what_a_document_applies_to_names_them(
    organised: Registry,
) -> None:
    """A typo in applies_to would silently ask nobody to read the rule."""
    with pytest.raises(NotFound, match="applies_to: 'Socialförvaltn'"):
        organised.add_document(policy("POL-2", applies_to=("Socialförvaltn",)), actor="owner")
    organised.add_document(policy("POL-2", applies_to=("SOC",)), actor="owner")
    assert organised.get_document("POL-2").applies_to == ("SOC",)


def test_a_dispensation_and_a_person_name_units_too(organised: Registry) -> None:
    with pytest.raises(NotFound, match="Nordskolan"):
        organised.request_dispensation(request(applies_to=("Nordskolan",)), actor="requester")
    with pytest.raises(NotFound, match="unit: 'IT'"):
        organised.add_person(Person("ny", "Ny Person", unit="IT"), actor="admin")


def test_free_text_stored_before_the_units_is_kept_on_edit(seeded: Registry) -> None:
    """Grandfathered: an old value stays until mapped, and an unrelated edit still works."""
    revise(seeded, "POL-1", {"applies_to": ["Alla anställda"]}, actor="owner")
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun"), actor="admin")
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    assert seeded.get_document("POL-1").applies_to == ("Alla anställda",)


def test_map_units_replaces_names_with_refs_and_reports_the_rest(seeded: Registry) -> None:
    seeded.edit_person("owner", {"unit": "socialförvaltningen"}, actor="admin")
    revise(
        seeded, "POL-1", {"applies_to": ["Socialförvaltningen", "Alla anställda"]}, actor="owner"
    )
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun"), actor="admin")
    seeded.add_unit(Unit("SOC", "Socialförvaltningen", parent="KOMMUN"), actor="admin")

    trial = seeded.map_units(actor="admin", dry_run=True)
    assert len(trial.changes) == 2
    assert seeded.get_person("owner").unit == "socialförvaltningen"  # dry run: unchanged

    result = seeded.map_units(actor="admin")
    assert seeded.get_person("owner").unit == "SOC"
    assert seeded.get_document("POL-1").applies_to == ("SOC", "Alla anställda")
    assert result.unmatched == (("Alla anställda", 1),)


def test_a_person_who_has_left_cannot_act(seeded: Registry) -> None:
    seeded.edit_person("requester", {"active": False}, actor="admin")
    with pytest.raises(PermissionDenied, match="has left"):
        seeded.request_dispensation(request(), actor="requester")


def test_an_administrator_cannot_deactivate_themselves(seeded: Registry) -> None:
    with pytest.raises(RuleViolation, match="deactivate themselves"):
        seeded.edit_person("admin", {"active": False}, actor="admin")
    assert seeded.get_person("admin").active


def test_moving_a_person_starts_their_time_in_the_new_unit(organised: Registry) -> None:
    organised.edit_person("requester", {"unit": "SOC-HT"}, actor="admin")
    assert organised.get_person("requester").unit_since == organised.today()


def test_the_cli_shows_the_tree_in_swedish(organised: Registry, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("unit", "list")
    assert result.exit_code == 0, result.output
    assert "  Hemtjänst Norr" in result.output  # indented under its förvaltning
    assert "förvaltning" in result.output
    result = cli("--as", "owner", "unit", "add", "X", "--name", "X", "--parent", "SOC")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1


def test_a_streamed_read_leaves_the_transaction_able_to_write(seeded: Registry) -> None:
    """Streaming a table (export) must not turn the connection's later statements into
    server-side cursors: on PostgreSQL an INSERT would then fail."""
    with seeded.session.write():
        assert len(list(seeded.store.iter_table("person"))) == 7
        seeded.store.insert_unit(Unit("KOMMUN", "Mittköpings kommun"))
        assert list(seeded.store.read_counts()) == []
        seeded.store.insert_unit(Unit("SOC", "Socialförvaltningen", parent="KOMMUN"))
    assert seeded.unit_tree().children("KOMMUN") == ["SOC"]
