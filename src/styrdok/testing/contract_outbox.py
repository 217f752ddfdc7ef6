"""The storage contract, outbox: notices recorded once, claimed exclusively."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from styrdok.notify import NoticeKind
from styrdok.outbox import Notice, NoticeState
from styrdok.registry import Registry
from styrdok.store.base import Store
from styrdok.testing.contract_data import (
    LEASE,
    NOW,
)


class OutboxContract:
    """The reminder ledger (a part of :class:`StoreContract`)."""

    # --- the outbox ---------------------------------------------------------------------------

    def _notice(self, **changes: Any) -> Notice:
        fields: dict[str, Any] = {
            "item": "document:POL-1",
            "kind": NoticeKind.REVIEW,
            "threshold": "2026-11-22/-30",
            "recipient": "owner",
            "channel": "mail",
            "title": "Policy",
            "due_on": dt.date(2026, 11, 22),
            "send_on": dt.date(2026, 10, 23),
            "created_on": dt.date(2026, 10, 23),
        }
        fields.update(changes)
        return Notice(**fields)

    def _ledger(self, seeded: Registry, *notices: Notice) -> Store:
        """The seeded store with ``notices`` (one by default) in its ledger."""
        with seeded.store.transaction():
            seeded.store.insert_notices(list(notices) or [self._notice()])
        return seeded.store

    def test_the_outbox_records_a_notice_once(self, seeded: Registry) -> None:
        """A notice whose key is already in the ledger is left alone; send dates are read
        back per item, cycle, recipient and channel."""
        store = seeded.store
        with store.transaction():
            store.insert_notices([self._notice(), self._notice(recipient="guardian")])
            store.insert_notices([self._notice(title="Again")])  # the same key: left alone
            assert len(store.notices()) == 2
            latest = store.notice_send_dates(["document:POL-1"])
        assert latest[("document:POL-1", "2026-11-22", "owner", "mail")] == dt.date(2026, 10, 23)
        with store.transaction(write=False):
            stored = store.notices()
        assert [n.id for n in stored] == sorted({n.id for n in stored if n.id is not None})
        assert stored[0] == attrs.evolve(self._notice(), id=stored[0].id)

    def test_claims_are_exclusive_and_delivery_is_recorded(self, seeded: Registry) -> None:
        """What one worker has claimed no other gets; sent and failed attempts are
        recorded, and a notice is ``failed`` after its last attempt."""
        store = self._ledger(seeded, self._notice(), self._notice(recipient="guardian"))
        with store.transaction(exclusive=False):
            mine = store.claim_notices(worker="a", now=NOW, lease=LEASE)
            theirs = store.claim_notices(worker="b", now=NOW, lease=LEASE)
        assert len(mine) == 2 and list(theirs) == []
        assert [n.recipient for n in mine] == ["guardian", "owner"]  # by channel, recipient
        ids = [n.id for n in mine if n.id is not None]
        with store.transaction(exclusive=False):
            store.mark_sent(ids[:1], worker="a", at=NOW)
            store.mark_failed_attempt(ids[1:], worker="a", error="down", max_attempts=2)
            notices = {n.id: n for n in store.notices()}
        assert notices[ids[0]].state is NoticeState.SENT
        assert notices[ids[0]].claimed_by is None and notices[ids[0]].sent_at is not None
        failed = notices[ids[1]]
        assert (failed.state, failed.attempts, failed.last_error) == (
            NoticeState.PENDING,
            1,
            "down",
        )
        later = NOW + LEASE * 2
        with store.transaction(exclusive=False):
            again = store.claim_notices(worker="b", now=later, lease=LEASE)
            store.mark_failed_attempt(
                [n.id for n in again if n.id is not None], worker="b", error="down", max_attempts=2
            )
            assert {n.state for n in store.notices()} == {NoticeState.SENT, NoticeState.FAILED}

    def test_an_expired_lease_can_be_taken_over(self, seeded: Registry) -> None:
        """A crashed worker's claims can be taken once its lease has run out, not
        before."""
        store = self._ledger(seeded)
        with store.transaction(exclusive=False):
            assert len(store.claim_notices(worker="crashed", now=NOW, lease=LEASE)) == 1
            assert list(store.claim_notices(worker="b", now=NOW + LEASE / 2, lease=LEASE)) == []
            assert len(store.claim_notices(worker="b", now=NOW + LEASE * 2, lease=LEASE)) == 1

    def test_released_claims_can_be_claimed_again(self, seeded: Registry) -> None:
        """Claims a worker releases can be claimed by another at once."""
        store = self._ledger(seeded)
        with store.transaction(exclusive=False):
            assert len(store.claim_notices(worker="a", now=NOW, lease=LEASE)) == 1
            store.release_claims(worker="a")
            assert store.notices()[0].claimed_by is None
            assert len(store.claim_notices(worker="b", now=NOW, lease=LEASE)) == 1
