"""Property-based tests: random actors drive documents and dispensations through their
lifecycles (hypothesis state machines), and after every step the guarantees hold:

* nobody approves a dispensation they requested or are responsible for;
* no granted dispensation is longer than its document allows, nor renewed more often;
* each status agrees with the dates and decisions;
* a refused action writes nothing; an accepted one writes exactly one audit event (more when
  it ends dispensations with it); the audit chain always verifies;
* every decision is made by the guardian or a listed approver and is never dated before the
  request, even when the caller dates it so, or hands in a request that claims to be
  approved already (issue 14);
* the document is in force exactly in its adopted periods.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from conftest import PEOPLE, policy
from styrdok import Body, Decision, DispensationRequest, DispensationRules, Funding
from styrdok.enums import Disposition, DispStatus, DocStatus, ReviewOutcome
from styrdok.errors import StyrdokError
from styrdok.registry import Registry

ACTORS = st.sampled_from(["owner", "guardian", "approver", "requester", "responsible", "admin"])
MAX_DAYS = 60
MAX_RENEWALS = 1
#: Deciders are drawn more often, so approvals happen and the later states are reached.
DECIDERS = st.one_of(st.sampled_from(["guardian", "approver"]), ACTORS)
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)

_template: Path | None = None


@attrs.frozen
class SmugglingRequest(DispensationRequest):
    """A request that also carries a status and a decision of its own."""

    status: DispStatus = DispStatus.APPROVED
    decision: Decision | None = None


def _fresh_registry_file() -> Path:
    """A copy of one migrated, seeded SQLite registry (migrating per example is slow)."""
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="styrdok-props-"))
        _template = folder / "template.db"
        with Registry.open(_template, create=True, clock=lambda: START) as registry:
            registry.add_person(PEOPLE["admin"], actor=None)
            for person in list(PEOPLE.values())[1:]:
                registry.add_person(person, actor="admin")
            registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
            registry.add_document(
                policy(
                    dispensation_rules=DispensationRules(
                        allowed=True,
                        approvers=("approver",),
                        max_duration_days=MAX_DAYS,
                        max_renewals=MAX_RENEWALS,
                    )
                ),
                actor="owner",
            )
            registry.adopt_document("POL-1", actor="owner", body="KS", on=START.date())
    target = Path(tempfile.mkdtemp(prefix="styrdok-prop-")) / "register.db"
    shutil.copy(_template, target)
    return target


class Lifecycles(RuleBasedStateMachine):
    dispensations = Bundle("dispensations")

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.path = _fresh_registry_file()
        self.registry = Registry.open(self.path, clock=lambda: self.now)

    def teardown(self) -> None:
        self.registry.close()
        shutil.rmtree(self.path.parent, ignore_errors=True)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def attempt(self, action: object, *args: object, **kwargs: object) -> object | None:
        """Call a registry method; a refusal must leave the audit log untouched."""
        before = self.registry.verify_audit().events
        try:
            result = action(*args, **kwargs)  # type: ignore[operator]
        except StyrdokError:
            assert self.registry.verify_audit().events == before, "a refusal wrote something"
            return None
        assert self.registry.verify_audit().events > before, "a change left no audit event"
        return result

    @initialize(target=dispensations)
    def first_request(self) -> str:
        return self.registry.request_dispensation(
            DispensationRequest(
                document_ref="POL-1",
                scope="Pilot",
                responsible="responsible",
                valid_from=self.today,
                valid_until=self.today + dt.timedelta(days=20),
                funding=Funding(no_extra_cost=True),
            ),
            actor="requester",
        ).ref

    @rule(
        target=dispensations,
        actor=ACTORS,
        responsible=ACTORS,
        start=st.integers(0, 30),
        length=st.integers(1, 120),
        funded=st.booleans(),
    )
    def request(self, actor: str, responsible: str, start: int, length: int, funded: bool) -> str:
        valid_from = self.today + dt.timedelta(days=start)
        made = self.attempt(
            self.registry.request_dispensation,
            DispensationRequest(
                document_ref="POL-1",
                scope="Försök",
                responsible=responsible,
                valid_from=valid_from,
                valid_until=valid_from + dt.timedelta(days=length - 1),
                funding=Funding(no_extra_cost=True) if funded else Funding(),
            ),
            actor=actor,
        )
        return made.ref if made is not None else "D-NONE"  # type: ignore[attr-defined]

    @rule(ref=dispensations, actor=DECIDERS, dated=st.integers(-40, 5))
    def approve(self, ref: str, actor: str, dated: int) -> None:
        on = self.today + dt.timedelta(days=dated)
        self.attempt(self.registry.approve_dispensation, ref, actor=actor, on=on)

    @rule(target=dispensations, actor=ACTORS, approver=ACTORS)
    def smuggle_an_approval(self, actor: str, approver: str) -> str:
        """A request object that claims to be approved already is stored as a request."""
        claim = SmugglingRequest(
            document_ref="POL-1",
            scope="Smuggel",
            responsible="responsible",
            valid_from=self.today,
            valid_until=self.today + dt.timedelta(days=5),
            funding=Funding(no_extra_cost=True),
            decision=Decision(by=approver, on=self.today, reasoning="eget beslut"),
        )
        made = self.attempt(self.registry.request_dispensation, claim, actor=actor)
        if made is None:
            return "D-NONE"
        assert made.status is DispStatus.REQUESTED and made.decision is None  # type: ignore[attr-defined]
        return made.ref  # type: ignore[attr-defined]

    @rule(ref=dispensations, actor=DECIDERS)
    def reject(self, ref: str, actor: str) -> None:
        self.attempt(self.registry.reject_dispensation, ref, actor=actor, reasoning="Nej")

    @rule(target=dispensations, ref=dispensations, actor=ACTORS, days=st.integers(1, 90))
    def renew(self, ref: str, actor: str, days: int) -> str:
        try:
            current = self.registry.get_dispensation(ref)
        except StyrdokError:
            return "D-NONE"
        renewal = self.attempt(
            self.registry.renew_dispensation,
            ref,
            actor=actor,
            valid_until=current.valid_until + dt.timedelta(days=days),
        )
        return renewal.ref if renewal is not None else "D-NONE"  # type: ignore[attr-defined]

    @rule(ref=dispensations, actor=ACTORS, close=st.booleans())
    def end(self, ref: str, actor: str, close: bool) -> None:
        action = self.registry.close_dispensation if close else self.registry.revoke_dispensation
        self.attempt(action, ref, actor=actor, reason="Klart")

    @rule(days=st.integers(1, 45))
    def time_passes(self, days: int) -> None:
        self.now += dt.timedelta(days=days)
        self.registry.expire()

    @rule(actor=ACTORS, outcome=st.sampled_from(list(ReviewOutcome)))
    def review(self, actor: str, outcome: ReviewOutcome) -> None:
        self.attempt(self.registry.review_document, "POL-1", actor=actor, outcome=outcome)

    @precondition(lambda self: self.registry.get_document("POL-1").status is DocStatus.IN_FORCE)
    @rule(actor=ACTORS, roll=st.integers(0, 5))
    def repeal(self, actor: str, roll: int) -> None:
        if roll:  # rare: a repeal ends the story for every dispensation
            return
        self.attempt(
            self.registry.repeal_document, "POL-1", actor=actor, dispensations=Disposition.END
        )

    # --- what must always hold ---------------------------------------------------------

    @invariant()
    def separation_of_duties(self) -> None:
        for disp in self.registry.list_dispensations():
            if disp.decision is not None and disp.status is not DispStatus.REJECTED:
                assert disp.decision.by not in (disp.requested_by, disp.responsible), disp.ref

    @invariant()
    def granted_within_limits(self) -> None:
        dispensations = {d.ref: d for d in self.registry.list_dispensations()}
        for disp in dispensations.values():
            if disp.decision is None or disp.status is DispStatus.REJECTED:
                continue
            assert (disp.valid_until - disp.valid_from).days + 1 <= MAX_DAYS, disp.ref
            chain, link = 0, disp.renewal_of
            while link is not None:
                chain, link = chain + 1, dispensations[link].renewal_of
            assert chain <= MAX_RENEWALS, disp.ref

    @invariant()
    def status_agrees_with_dates_and_decisions(self) -> None:
        document = self.registry.get_document("POL-1")
        for disp in self.registry.list_dispensations():
            status = disp.status
            if status is DispStatus.REQUESTED:
                assert disp.decision is None and disp.ended_on is None, disp.ref
            elif status is DispStatus.REJECTED:
                assert disp.decision is not None and disp.ended_on is None, disp.ref
            elif status is DispStatus.APPROVED:
                assert disp.decision is not None and disp.ended_on is None, disp.ref
                assert disp.valid_until >= self.today, f"{disp.ref} should have expired"
                assert document.status is DocStatus.IN_FORCE, f"{disp.ref} outlived its rule"
            elif status is DispStatus.EXPIRED:
                assert disp.ended_on == disp.valid_until + dt.timedelta(days=1), disp.ref
            else:  # revoked or closed
                assert disp.decision is not None and disp.ended_on is not None, disp.ref
                assert disp.ended_on <= disp.valid_until + dt.timedelta(days=1), disp.ref
            assert disp.active_on(self.today) == (
                status is DispStatus.APPROVED and disp.valid_from <= self.today
            ), disp.ref

    @invariant()
    def decisions_by_permitted_people_in_time(self) -> None:
        document = self.registry.get_document("POL-1")
        permitted = {document.guardian, *document.dispensation_rules.approvers}
        for disp in self.registry.list_dispensations():
            if disp.decision is None or disp.status is DispStatus.REJECTED:
                continue
            if disp.decision.reasoning.startswith("The document was"):
                continue  # ended with its document by whoever repealed it
            assert disp.decision.by in permitted, disp.ref
            assert disp.decision.on >= disp.requested_on, disp.ref

    @invariant()
    def in_force_exactly_in_adopted_periods(self) -> None:
        document = self.registry.get_document("POL-1")
        in_force_now = {v.document_ref for v in self.registry.documents_in_force(self.today)}
        assert ("POL-1" in in_force_now) == (document.status is DocStatus.IN_FORCE)

    @invariant()
    def audit_chain_verifies(self) -> None:
        assert self.registry.verify_audit().broken is None


TestLifecycles = Lifecycles.TestCase
TestLifecycles.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
