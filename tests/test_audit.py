"""The audit log: every change, by whom, hash-chained, in the same transaction."""

from __future__ import annotations

import pytest

from conftest import request
from styrdok import PermissionDenied
from styrdok.audit import GENESIS_HASH, audit_hash
from styrdok.registry import Registry


def _verify(events: list) -> None:  # type: ignore[type-arg]
    previous = GENESIS_HASH
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == audit_hash(
            prev_hash=previous,
            seq=event.seq,
            at=event.at.isoformat(timespec="microseconds"),
            actor=event.actor,
            action=event.action,
            entity=event.entity,
            before=event.before,
            after=event.after,
        )
        previous = event.hash


def test_every_change_is_audited_with_its_actor(seeded: Registry, approved: str) -> None:
    """Each mutation leaves one event naming who did what to which record."""
    events = list(seeded.audit_events())
    assert [(e.actor, e.action, e.entity) for e in events[-4:]] == [
        ("owner", "document.add", "document:POL-1"),
        ("owner", "document.adopt", "document:POL-1"),
        ("requester", "dispensation.request", f"dispensation:{approved}"),
        ("guardian", "dispensation.approve", f"dispensation:{approved}"),
    ]
    assert events[-1].before["status"] == "requested"
    assert events[-1].after["status"] == "approved"


def test_the_chain_of_hashes_verifies(seeded: Registry, approved: str) -> None:
    """Each event's hash covers the previous one: the log is tamper-evident."""
    _verify(list(seeded.audit_events()))


def test_a_refused_change_leaves_no_trace(seeded: Registry) -> None:
    """Change and audit event commit together: a refusal writes neither."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    before = len(list(seeded.audit_events()))
    with pytest.raises(PermissionDenied):
        seeded.approve_dispensation(ref, actor="requester")
    assert len(list(seeded.audit_events())) == before


def test_a_failure_after_the_write_rolls_the_change_back(
    seeded: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the audit event cannot be written, the change is not kept either."""

    def broken(**_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeded.store, "append_audit", broken)
    with pytest.raises(RuntimeError):
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    monkeypatch.undo()
    assert seeded.get_document("POL-1").title == "Informationssäkerhetspolicy"
