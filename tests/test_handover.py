"""Corrections to people and bodies, and handing duties over so a person can leave."""

from __future__ import annotations

import pytest

from conftest import request
from styrdok import InvalidValue, PermissionDenied, RuleViolation
from styrdok.registry import Registry


def test_a_handover_moves_every_duty_in_one_step(seeded: Registry) -> None:
    """Owner, guardian, approver, responsible and contact all move; each change and the
    handover itself are audited; afterwards the person can be anonymised."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    events_before = len(list(seeded.audit_events()))
    moved = seeded.hand_over("owner", "outsider", actor="admin")
    assert moved == ["owner of POL-1"]
    assert seeded.get_document("POL-1").owner == "outsider"
    seeded.hand_over("responsible", "outsider", actor="admin")
    assert seeded.get_dispensation(ref).responsible == "outsider"
    seeded.hand_over("approver", "outsider", actor="admin")
    assert seeded.get_document("POL-1").dispensation_rules.approvers == ("outsider",)
    seeded.hand_over("admin", "outsider", actor="admin", only=("contact",))
    assert seeded.get_body("KS").contact == "outsider"
    actions = [e.action for e in list(seeded.audit_events())[events_before:]]
    assert actions.count("person.handover") == 4
    assert seeded.anonymise_person("owner", actor="admin").ref.startswith("anon-")


def test_a_dry_run_changes_nothing(seeded: Registry) -> None:
    """--dry-run lists the duties and writes nothing, not even an audit event."""
    events_before = len(list(seeded.audit_events()))
    assert seeded.hand_over("guardian", "outsider", actor="admin", dry_run=True) == [
        "guardian of POL-1"
    ]
    assert seeded.get_document("POL-1").guardian == "guardian"
    assert len(list(seeded.audit_events())) == events_before


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("owner", "owner"), RuleViolation, "two different people"),
        (("owner", "ghost"), Exception, "unknown person 'ghost'"),
        (("owner", "outsider", "roles"), InvalidValue, "unknown role"),
    ],
    ids=["same person", "unknown taker", "unknown role"],
)
def test_a_handover_that_makes_no_sense_is_refused(
    seeded: Registry, args: tuple[str, ...], error: type[Exception], message: str
) -> None:
    """Refusals name the problem and move nothing."""
    only = (args[2],) if len(args) > 2 else ()
    with pytest.raises(error, match=message):
        seeded.hand_over(args[0], args[1], actor="admin", only=only)
    assert seeded.get_document("POL-1").owner == "owner"


def test_only_administrators_hand_over_and_edit(seeded: Registry) -> None:
    """People and bodies are corrected by administrators; nobody drops their own right."""
    with pytest.raises(PermissionDenied):
        seeded.hand_over("owner", "outsider", actor="owner")
    with pytest.raises(PermissionDenied):
        seeded.edit_person("owner", {"name": "Olle"}, actor="owner")
    with pytest.raises(RuleViolation, match="own administrator right"):
        seeded.edit_person("admin", {"is_admin": False}, actor="admin")
    assert seeded.edit_person("owner", {"title": "Chef"}, actor="admin").title == "Chef"
    assert seeded.edit_body("KS", {"name": "Styrelsen"}, actor="admin").name == "Styrelsen"
    with pytest.raises(InvalidValue, match="cannot edit ref"):
        seeded.edit_person("owner", {"ref": "x"}, actor="admin")
