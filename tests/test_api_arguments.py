"""The Python API as an edge: callers' wrong arguments are refused by name, and a write
method stores only what its own rules build."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from conftest import day, policy, request
from styrdok import InvalidValue, NotFound
from styrdok.model import Decision, DispensationRequest, DispStatus, DocStatus
from styrdok.registry import Registry


@attrs.frozen
class SmugglingRequest(DispensationRequest):
    """A request that also claims to be approved already."""

    status: DispStatus = DispStatus.APPROVED
    decision: Decision | None = None


def test_a_request_cannot_carry_its_own_approval(seeded: Registry) -> None:
    """A request object with a status and a decision is stored as a plain request."""
    smuggled = SmugglingRequest(
        **attrs.asdict(request(), recurse=False),
        decision=Decision(by="requester", on=day(0), reasoning="self-approved"),
    )
    stored = seeded.request_dispensation(smuggled, actor="requester")
    assert (stored.status, stored.decision) == (DispStatus.REQUESTED, None)
    assert seeded.get_dispensation(stored.ref).status is DispStatus.REQUESTED


def test_a_date_and_time_is_refused_where_a_date_is_meant(seeded: Registry) -> None:
    """A datetime as a decision date gets one error naming the argument; nothing changes."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    noon = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    with pytest.raises(InvalidValue, match=r"^on: expected .*date.*got datetime"):
        seeded.approve_dispensation(ref, actor="guardian", on=noon)  # type: ignore[arg-type]
    assert seeded.get_dispensation(ref).status is DispStatus.REQUESTED


def test_a_document_given_as_a_dict_is_refused_by_name(seeded: Registry) -> None:
    """Passing a mapping where a Document is meant names the argument, not an attribute."""
    with pytest.raises(InvalidValue, match=r"^document: expected a Document, got dict"):
        seeded.add_document({"ref": "POL-2"}, actor="owner")  # type: ignore[arg-type]


def test_a_status_may_be_given_as_its_code(seeded: Registry) -> None:
    """`status="in_force"` means DocStatus.IN_FORCE; an unknown code lists the choices."""
    assert [d.ref for d in seeded.list_documents(status="in_force")] == ["POL-1"]  # type: ignore[arg-type]
    assert seeded.list_documents(status=DocStatus.DRAFT) == []
    with pytest.raises(InvalidValue, match=r"^status: expected .*in_force.*got str 'bogus'"):
        seeded.list_documents(status="bogus")  # type: ignore[arg-type]


def test_a_number_where_a_ref_is_meant_is_refused(seeded: Registry) -> None:
    """A ref must be text."""
    with pytest.raises(InvalidValue, match=r"^ref: expected text, got int 7"):
        seeded.get_document(7)  # type: ignore[arg-type]


def test_an_unknown_argument_is_one_clear_error(seeded: Registry) -> None:
    """A misspelt keyword is one InvalidValue naming the call, not a TypeError traceback."""
    with pytest.raises(InvalidValue, match=r"^add_document: missing a required argument: 'actor'"):
        seeded.add_document(policy("POL-2"), actr="owner")  # type: ignore[call-arg]


def test_a_huge_question_number_is_simply_unknown(seeded: Registry) -> None:
    """A question id beyond any database integer is 'unknown', not an overflow."""
    with pytest.raises(NotFound, match="unknown question"):
        seeded.answer(10**30, "Svar", actor="guardian")
