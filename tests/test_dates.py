"""Decision dates within bounds, and history that an edit cannot rewrite."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

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
    draft = seeded.edit_document("POL-1", {"valid_until": day(30)}, actor="owner").draft
    assert draft is not None and draft.valid_until == day(30)  # adopted with the next version


@pytest.mark.parametrize("when", ["9999-12-31", "0001-01-01"])
def test_the_ends_of_the_calendar_are_one_clear_error(seeded: Registry, when: str) -> None:
    """Dates far outside any real decision are refused by name, on the API and the model."""
    import datetime as dt

    from styrdok import InvalidValue

    extreme = dt.date.fromisoformat(when)
    with pytest.raises(InvalidValue, match=rf"^today: expected a date .* got {when}"):
        seeded.due(today=extreme)
    with pytest.raises(InvalidValue, match=r"^valid_until: .* outside the calendar"):
        request(valid_until=extreme)


def test_the_cli_refuses_the_end_of_the_calendar(cli: Callable[..., Result]) -> None:
    """`due --today 9999-12-31`: one Error line, exit 1, no traceback."""
    result = cli("--lang", "en", "due", "--today", "9999-12-31")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: today: expected a date") and "Traceback" not in (
        result.output
    )


def test_an_approval_entered_after_the_period_expires_at_once(seeded: Registry) -> None:
    """History entered late: approved on a day within the period, recorded after it ran out,
    the dispensation is expired at once, and it was in effect on its days."""
    ref = seeded.request_dispensation(
        request(valid_from=day(-60), valid_until=day(-10)), actor="requester", on=day(-70)
    ).ref
    disp = seeded.approve_dispensation(ref, actor="guardian", on=day(-65))
    assert (disp.status, disp.ended_on) == (DispStatus.EXPIRED, day(-9))
    assert ref in [d.ref for d in seeded.dispensations_active_on(day(-30))]
    assert [e.action for e in seeded.history(f"dispensation:{ref}")][-2:] == [
        "dispensation.approve",
        "dispensation.expire",
    ]
