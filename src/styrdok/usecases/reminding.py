"""The reminder job as a use case: expire → plan → claim → deliver.

Bound on :class:`~styrdok.registry.Registry` as ``remind``. The decisions are
:mod:`styrdok.reminders`' (pure); this module runs them against the store in the right
transactions and talks to the channels outside any transaction, so no database lock is
held during SMTP or HTTP I/O.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from styrdok import reminders
from styrdok.config import Config
from styrdok.notify import ChannelUnavailable, Digest, Notifier
from styrdok.outbox import NoticeState
from styrdok.reminders import RunReport
from styrdok.usecases.arguments import use_case
from styrdok.usecases.confirm_links import add_confirm_links
from styrdok.usecases.marking import SentMarks

if TYPE_CHECKING:
    from styrdok.registry import Registry

log = logging.getLogger(__name__)


@use_case
def remind(
    registry: Registry,
    *,
    config: Config | None = None,
    notifiers: Mapping[str, Notifier] | None = None,
    channels: Sequence[str] | None = None,
    today: dt.date | None = None,
    dry_run: bool = False,
    language: str | None = None,
) -> RunReport:
    """One reminder run (see :mod:`styrdok.reminders` for what it decides).

    ``notifiers`` defaults to the channels plugins register for ``config``, limited to
    ``channels`` when given. With ``dry_run`` nothing is expired, recorded or sent: the
    report holds the digests that would go out.
    """
    config = config or Config()
    if notifiers is None:
        notifiers = reminders.collect_notifiers(config, only=channels or None)
    today = today or registry.today()
    language = language or config.language
    settings = config.reminders
    store = registry.store
    if dry_run:
        with registry.session.read():
            planned = reminders.plan(store, today=today, settings=settings, notifiers=notifiers)
            pending = [
                n
                for n in store.notices()
                if n.state is NoticeState.PENDING and n.channel in notifiers
            ]
            everything = [*pending, *planned]
            persons = store.persons_by_ref(n.recipient for n in everything)
        would = reminders.digests(
            everything,
            persons,
            today,
            language,
            settings.base_url,
            summary_after_days=settings.overdue_summary_after_days,
        )
        return RunReport(today, True, (), len(planned), tuple((c, d) for c, d, _ in would), ())

    ended = registry.expire(today=today)
    with registry.session.write():
        planned = reminders.plan(store, today=today, settings=settings, notifiers=notifiers)
        store.insert_notices(planned)
    worker = f"{socket.gethostname()}:{os.getpid()}:{id(planned)}"
    with store.transaction(exclusive=False):
        claimed = store.claim_notices(worker=worker, now=registry.now(), lease=reminders.LEASE)
        persons = store.persons_by_ref(n.recipient for n in claimed)
    delivered: list[tuple[str, Digest]] = []
    failures: list[tuple[str, str, str]] = []
    unavailable: dict[str, str] = {}  # channel → why it is out for the rest of this run
    deliverable = [n for n in claimed if n.channel in notifiers]
    made = reminders.digests(
        deliverable,
        persons,
        today,
        language,
        settings.base_url,
        summary_after_days=settings.overdue_summary_after_days,
    )
    # Reminders to read carry their reader's confirmation link (the key read once per run).
    made = add_confirm_links(registry, made, base_url=settings.base_url, today=today)
    # Recorded as sent only after their channel accepted them, many digests in one
    # transaction (usecases/marking.py).
    marks = SentMarks(store, worker=worker, clock=registry.now)
    try:
        for channel, digest, ids in made:
            if channel in unavailable:
                # Not tried, so no attempt is counted; release_claims below keeps them pending.
                failures.append(
                    (channel, digest.recipient.ref, f"not tried: {unavailable[channel]}")
                )
                continue
            try:
                notifiers[channel].deliver(digest)
            except Exception as exc:  # isolation: one channel's failure is only its own
                error = f"{type(exc).__name__}: {exc}".splitlines()[0]
                log.warning("%s could not deliver to %s: %s", channel, digest.recipient.ref, error)
                if isinstance(exc, ChannelUnavailable):
                    unavailable[channel] = error
                    log.error(
                        "%s is unavailable; not trying it again in this run: %s", channel, error
                    )
                with store.transaction(exclusive=False):
                    store.mark_failed_attempt(
                        ids, worker=worker, error=error, max_attempts=settings.max_attempts
                    )
                failures.append((channel, digest.recipient.ref, error))
                continue
            marks.accepted(ids)
            delivered.append((channel, digest))
    except BaseException:
        # Interrupted (Ctrl-C, a failure outside a channel): what its channel accepted is
        # still recorded as sent, so the next run does not send it again; then give up.
        with store.transaction(exclusive=False):
            marks.record()
        raise
    with store.transaction(exclusive=False):
        marks.record()  # before the claims are let go
        store.release_claims(worker=worker)  # e.g. notices of a channel no longer installed
    return RunReport(today, False, tuple(ended), len(planned), tuple(delivered), tuple(failures))
