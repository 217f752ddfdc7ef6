"""The storage contract, recent steps of requests and questions (the reminder run's
:class:`~styrdok.store.base.StepStore` reads)."""

from __future__ import annotations

from styrdok.outbox import QuestionStep, RequestStep
from styrdok.registry import Registry
from styrdok.testing.contract_data import complete_request, day


class StepContract:
    """Recent steps, read set-based (a part of :class:`StoreContract`)."""

    def test_request_steps_are_those_requested_decided_or_ended_since(
        self, seeded: Registry
    ) -> None:
        """A dispensation is a recent step if it was requested, decided or ended on or
        after the day given; each comes with its document's deciders and body contact."""
        old = seeded.request_dispensation(complete_request(), actor="requester", on=day(-90)).ref
        decided = seeded.request_dispensation(
            complete_request(), actor="requester", on=day(-90)
        ).ref
        seeded.approve_dispensation(decided, actor="guardian", on=day(-5))
        new = seeded.request_dispensation(complete_request(), actor="requester", on=day(-3)).ref
        store = seeded.store
        with store.transaction(write=False):
            steps = store.request_steps(since=day(-10))
            everything = store.request_steps(since=day(-200))
        assert [s.ref for s in steps] == [decided, new]
        assert [s.ref for s in everything] == [old, decided, new]
        assert steps[0] == RequestStep(
            ref=decided,
            title="Pilot",
            document_ref="POL-1",
            status="approved",
            requested_by="requester",
            requested_on=day(-90),
            responsible="responsible",
            decided_by="guardian",
            decided_on=day(-5),
            ended_on=None,
            ended_by=None,
            guardian="guardian",
            approvers=("approver",),
            contact="admin",
        )
        assert (steps[1].status, steps[1].decided_by, steps[1].decided_on) == (
            "requested",
            None,
            None,
        )

    def test_a_renewal_step_names_what_it_renews(self, seeded: Registry) -> None:
        """A renewal request's step carries the dispensation it renews (``renewal_of``),
        and a withdrawn request's the day it was withdrawn (``ended_on``)."""
        original = seeded.request_dispensation(
            complete_request(), actor="requester", on=day(-20)
        ).ref
        seeded.approve_dispensation(original, actor="guardian", on=day(-19))
        renewal = seeded.renew_dispensation(
            original, actor="requester", valid_until=day(150), on=day(-5)
        ).ref
        seeded.withdraw_dispensation(renewal, actor="requester", on=day(-2))
        store = seeded.store
        with store.transaction(write=False):
            steps = {s.ref: s for s in store.request_steps(since=day(-30))}
        assert (steps[original].renewal_of, steps[renewal].renewal_of) == (None, original)
        assert (steps[renewal].status, steps[renewal].ended_on) == ("withdrawn", day(-2))

    def test_question_steps_are_those_asked_or_answered_since(self, seeded: Registry) -> None:
        """A question is a recent step if it was asked or answered on or after the day
        given; each comes with its document's title, guardian, owner and body contact."""
        old = seeded.ask("POL-1", "Gäller detta vikarier?", actor="requester", on=day(-90))
        answered = seeded.ask("POL-1", "Och praktikanter?", actor="requester", on=day(-90))
        seeded.answer(answered.id or 0, "Ja.", actor="guardian", on=day(-2))
        new = seeded.ask("POL-1", "Och konsulter?", actor="responsible", on=day(-1))
        store = seeded.store
        with store.transaction(write=False):
            steps = store.question_steps(since=day(-10))
            everything = store.question_steps(since=day(-100))
        assert [s.id for s in steps] == [answered.id, new.id]
        assert [s.id for s in everything] == [old.id, answered.id, new.id]
        assert steps[0] == QuestionStep(
            id=answered.id or 0,
            document_ref="POL-1",
            title=steps[0].title,
            asked_by="requester",
            asked_on=day(-90),
            answered_by="guardian",
            answered_on=day(-2),
            guardian="guardian",
            owner="owner",
            contact="admin",
        )
        assert steps[0].title
        assert (steps[1].answered_by, steps[1].answered_on) == (None, None)
