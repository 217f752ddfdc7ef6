"""Marking digests sent: many in one transaction, none before its channel accepted it, and
a slow channel's digest recorded before the next is delivered (issue 19, item 5)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

import pytest

from styrdok import Person
from styrdok.config import Config
from styrdok.demo import build_demo
from styrdok.notify import Digest
from styrdok.outbox import Notice, NoticeState
from styrdok.registry import Registry
from styrdok.usecases import marking

Key = tuple[str, str, str]
RUN_DAY = dt.date(2026, 11, 23)
MORNING = dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC)


def key(notice: Notice) -> Key:
    return notice.recipient, notice.kind.value, notice.item.split(":", 1)[1]


class Watching:
    """A channel that, before it accepts a digest, reads the ledger as another process
    would and checks it with ``check``; it can be told to stop the run at one digest."""

    name = "watch"

    def __init__(
        self,
        registry: Registry,
        check: Callable[[set[Key], list[Key]], None] = lambda sent, before: None,
        *,
        stop_at: int | None = None,
    ) -> None:
        self.registry, self.check, self.stop_at = registry, check, stop_at
        self.delivered: list[Key] = []
        self.digests: list[Digest] = []

    def wants(self, recipient: Person) -> bool:
        return True

    def deliver(self, digest: Digest) -> None:
        with self.registry.store.transaction(write=False):
            sent = {key(n) for n in self.registry.store.notices() if n.state is NoticeState.SENT}
        self.check(sent, list(self.delivered))
        if self.stop_at is not None and len(self.digests) + 1 == self.stop_at:
            raise Stopped  # not an Exception: it ends the run, as Ctrl-C would
        self.digests.append(digest)
        self.delivered += [(digest.recipient.ref, i.kind.value, i.ref) for i in digest.items]


class Stopped(BaseException):
    """The run is stopped in the middle of a delivery."""


def ledger(registry: Registry) -> list[Notice]:
    with registry.store.transaction(write=False):
        return registry.store.notices()


def demo(db_url: str) -> None:
    with Registry.open(db_url) as registry:
        build_demo(registry, today=RUN_DAY - dt.timedelta(days=1))


def counting_marks(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of notices of each ``mark_sent`` call on ``registry``'s store."""
    calls: list[int] = []
    inner = registry.store.mark_sent

    def mark_sent(ids: Sequence[int], *, worker: str, at: dt.datetime) -> None:
        calls.append(len(ids))
        inner(ids, worker=worker, at=at)

    monkeypatch.setattr(registry.store, "mark_sent", mark_sent)
    return calls


def test_digests_are_recorded_as_sent_together_and_never_before_delivery(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fast channel's digests are recorded five at a time (``RECORD_AT_MOST``); what the
    ledger holds as sent was always delivered first, and in the end everything is sent."""
    monkeypatch.setattr(marking, "RECORD_AFTER", 3600.0)
    monkeypatch.setattr(marking, "RECORD_AT_MOST", 5)
    demo(db_url)

    def never_ahead(sent: set[Key], before: list[Key]) -> None:
        assert sent <= set(before), "recorded as sent before it was delivered"

    with Registry.open(db_url, clock=lambda: MORNING) as registry:
        calls = counting_marks(registry, monkeypatch)
        channel = Watching(registry, never_ahead)
        report = registry.remind(config=Config(), notifiers={"watch": channel}, today=RUN_DAY)
        rows = ledger(registry)
    digests = len(report.digests)
    assert digests == len(channel.digests) > 10
    assert len(calls) == -(-digests // 5)  # five digests a transaction, the rest at the end
    assert sum(calls) == len(rows) == len(channel.delivered)
    assert {n.state for n in rows} == {NoticeState.SENT}
    assert {key(n) for n in rows} == set(channel.delivered)


def test_a_slow_channel_has_each_digest_recorded_before_the_next(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delivery slower than ``RECORD_AFTER`` is recorded as soon as it is accepted, so a
    crash can send again only the digest in flight, as with a transaction per digest."""
    import time

    monkeypatch.setattr(marking, "RECORD_AFTER", 0.01)
    demo(db_url)

    def all_recorded(sent: set[Key], before: list[Key]) -> None:
        assert sent == set(before)
        time.sleep(0.02)  # the delivery itself takes longer than RECORD_AFTER

    with Registry.open(db_url, clock=lambda: MORNING) as registry:
        channel = Watching(registry, all_recorded)
        registry.remind(config=Config(), notifiers={"watch": channel}, today=RUN_DAY)
    assert len(channel.digests) > 10


def test_a_run_stopped_midway_records_what_was_delivered_and_nothing_else(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped (as by Ctrl-C) during the fourth delivery has recorded the three
    digests its channel accepted — the third, not yet due for recording, on the way out —
    and nothing undelivered; the next run after the lease delivers the rest, and nothing
    goes out twice. (A process killed outright cannot record on its way out: that window
    is the kill test's, tests/test_crash_safety.py.)"""
    monkeypatch.setattr(marking, "RECORD_AFTER", 3600.0)
    monkeypatch.setattr(marking, "RECORD_AT_MOST", 2)
    demo(db_url)
    with Registry.open(db_url, clock=lambda: MORNING) as registry:
        stopped = Watching(registry, stop_at=4)
        with pytest.raises(Stopped):
            registry.remind(config=Config(), notifiers={"watch": stopped}, today=RUN_DAY)
        rows = ledger(registry)
    sent = {key(n) for n in rows if n.state is NoticeState.SENT}
    accepted = {
        (d.recipient.ref, i.kind.value, i.ref) for d in stopped.digests[:3] for i in d.items
    }
    assert sent == accepted

    later = MORNING + dt.timedelta(hours=1)  # the stopped run's lease has run out
    with Registry.open(db_url, clock=lambda: later) as registry:
        rest = Watching(registry)
        registry.remind(config=Config(), notifiers={"watch": rest}, today=RUN_DAY)
        rows = ledger(registry)
    assert {n.state for n in rows} == {NoticeState.SENT}
    delivered = Counter([*stopped.delivered, *rest.delivered])
    assert set(delivered) == {key(n) for n in rows}
    assert all(times == 1 for times in delivered.values())
