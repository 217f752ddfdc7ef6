"""The audit log: every change, by whom, hash-chained, in the same transaction."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import request
from styrdok import PermissionDenied
from styrdok.registry import Registry


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
    """Each event's hash covers the previous one: an untouched log verifies."""
    report = seeded.verify_audit()
    assert report.broken is None
    assert report.events == len(list(seeded.audit_events())) == 12


def test_an_edited_event_is_caught(seeded: Registry, approved: str) -> None:
    """Someone with database access rewrites who approved: verify names that event."""
    events = list(seeded.audit_events())
    approval = next(e for e in events if e.action == "dispensation.approve")
    with seeded.store.transaction():
        seeded.store.conn.exec_driver_sql(
            f"UPDATE audit_event SET actor = 'admin' WHERE seq = {int(approval.seq)}"
        )
    broken = seeded.verify_audit().broken
    assert broken is not None and broken.seq == approval.seq
    assert "contents were changed" in broken.reason
    assert "dispensation.approve" in broken.reason


def test_a_removed_event_is_caught(seeded: Registry) -> None:
    """Deleting an event from the middle breaks the chain at the next one."""
    with seeded.store.transaction():
        seeded.store.conn.exec_driver_sql("DELETE FROM audit_event WHERE seq = 3")
    broken = seeded.verify_audit().broken
    assert broken is not None and broken.seq == 4
    assert "missing" in broken.reason


def test_audit_verify_on_the_command_line(seeded: Registry, cli: Any) -> None:
    """Exit 0 with a summary when intact; one `Error:` line naming the event otherwise."""
    ok = cli("--lang", "en", "audit", "verify")
    assert ok.exit_code == 0
    assert ok.output.startswith("The audit log verifies: 10 events, last hash ")
    with seeded.store.transaction():
        seeded.store.conn.exec_driver_sql(
            "UPDATE audit_event SET action = 'document.add' WHERE seq = 10"
        )
    bad = cli("--lang", "en", "audit", "verify")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: the audit chain breaks at event 10: its contents")


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

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(seeded.store, "insert_audit", broken)
    with pytest.raises(RuntimeError):
        seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    monkeypatch.undo()
    assert seeded.get_document("POL-1").title == "Informationssäkerhetspolicy"
