"""Decision dates within bounds, and history that an edit cannot rewrite."""

from __future__ import annotations

import pytest

from conftest import day, request
from styrdok import RuleViolation
from styrdok.model import DispStatus
from styrdok.registry import Registry


def test_an_approval_cannot_predate_the_request(seeded: Registry) -> None:
    """Approving on a day before the request was made is refused; it stays requested."""
    ref = seeded.request_dispensation(request(), actor="requester", on=day(5)).ref
    with pytest.raises(RuleViolation, match=r"cannot approve on .*: it was requested on"):
        seeded.approve_dispensation(ref, actor="guardian", on=day(4))
    assert seeded.get_dispensation(ref).status is DispStatus.REQUESTED


def test_a_rejection_cannot_predate_the_request(seeded: Registry) -> None:
    """Rejecting on a day before the request was made is refused."""
    ref = seeded.request_dispensation(request(), actor="requester", on=day(5)).ref
    with pytest.raises(RuleViolation, match="cannot reject on"):
        seeded.reject_dispensation(ref, actor="guardian", reasoning="Nej", on=day(1))


def test_an_evaluation_cannot_predate_the_end(seeded: Registry, approved: str) -> None:
    """What a dispensation taught is recorded after it ended, not before."""
    seeded.expire(today=day(101))
    with pytest.raises(RuleViolation, match=r"cannot evaluate on .*: it ended on"):
        seeded.evaluate_dispensation(approved, actor="responsible", outcome="Bra", on=day(50))


def test_an_edit_cannot_end_a_document_in_the_past(seeded: Registry) -> None:
    """Moving valid-until of a document in force before today is refused: repeal it."""
    with pytest.raises(RuleViolation, match="cannot be moved into the past"):
        seeded.edit_document("POL-1", {"valid_until": day(-1)}, actor="owner")
    assert seeded.get_document("POL-1").valid_until is None
    assert seeded.edit_document("POL-1", {"valid_until": day(30)}, actor="owner").valid_until
