"""The storage contract, audit log: events kept exactly as the core chained them."""

from __future__ import annotations

from typing import Any

from styrdok.audit import next_event, reseal
from styrdok.registry import Registry
from styrdok.testing.contract_data import (
    NOW,
)


class AuditContract:
    """The audit log (a part of :class:`StoreContract`)."""

    def test_the_audit_chain_verifies(self, seeded: Registry) -> None:
        """The events the use cases write form a chain that verifies, readable per
        entity."""
        report = seeded.verify_audit()
        assert report.broken is None and report.events == len(list(seeded.audit_events()))
        assert [e.action for e in seeded.history("document:POL-1")] == [
            "document.add",
            "document.adopt",
        ]

    def test_the_audit_log_keeps_events_as_given(self, seeded: Registry) -> None:
        """An event comes back exactly as inserted (text, numbers, ``None``) and is read
        by head, entity, hash and page."""
        store = seeded.store
        with store.transaction(write=False):
            events = list(store.iter_audit())
            head = store.audit_head()
        assert head == (events[-1].seq, events[-1].hash)
        note = next_event(
            head, at=NOW, actor="admin", action="test.note", entity="document:POL-1",
            before=None, after={"note": "Åsa \"citat\" \\ 1200.50", "list": [1, None, True]},
        )  # fmt: skip
        with store.transaction():
            store.insert_audit(note)
        with store.transaction(write=False):
            assert store.audit_head() == (note.seq, note.hash)
            assert list(store.iter_audit())[-1] == note
            assert list(store.iter_audit("document:POL-1"))[-1] == note
            assert [e.entity for e in store.iter_audit("person:owner")] == ["person:owner"]
            assert store.audit_hash_of(1) == events[0].hash
            assert store.audit_hash_of(note.seq) == note.hash
            assert store.audit_hash_of(note.seq + 1) is None
            assert store.audit_page(1, 2) == events[:2]
            assert store.audit_page(note.seq - 1, 10) == [events[-1], note]
            assert store.audit_page(note.seq + 1, 10) == []
        assert seeded.verify_audit().broken is None

    def test_the_audit_log_can_be_resealed(self, seeded: Registry) -> None:
        """``first_audit_mentioning`` finds a person regardless of case, and a re-seal
        rewrites the log from there while the chain still verifies."""
        store = seeded.store
        with store.transaction(write=False):
            before = list(store.iter_audit())
            assert store.first_audit_mentioning(["nobody-at-all"]) is None
            # Case-insensitively (the core rewrites e-mail addresses whatever their case);
            # the first event that names the requester at all is the one that added them.
            first = store.first_audit_mentioning(["nobody", "REQUESTER@example.SE"])
        assert first == next(e.seq for e in before if e.entity == "person:requester")

        def rewrite(value: Any) -> Any:
            if isinstance(value, str):
                return value.replace("requester", "p-0001").replace("Requester", "P 1")
            if isinstance(value, dict):
                return {rewrite(k): rewrite(v) for k, v in value.items()}
            if isinstance(value, list):
                return [rewrite(v) for v in value]
            return value

        with store.transaction():
            resealed, resealed_from, previous_head = reseal(store, rewrite, ["requester"])
        assert (resealed, resealed_from) == (len(before) - first + 1, first)
        assert previous_head == before[-1].hash
        with store.transaction(write=False):
            after = list(store.iter_audit())
            assert store.first_audit_mentioning(["requester"]) is None
            assert store.audit_head() == (after[-1].seq, after[-1].hash)
        assert after[: first - 1] == before[: first - 1]
        assert [e.seq for e in after] == [e.seq for e in before]
        assert after[first - 1].after == rewrite(before[first - 1].after)
        assert after[-1].hash != before[-1].hash
        assert seeded.verify_audit().broken is None
