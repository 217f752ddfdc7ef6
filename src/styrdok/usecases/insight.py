"""Insight into the register: the governance report and the audit log.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Generic, TypeVar

from styrdok import events
from styrdok.audit import (
    Anchor,
    AuditHead,
    ChainReport,
    check_hash,
    read_head,
    rekey,
    verify_chain,
)
from styrdok.audit_key import configured_key
from styrdok.errors import InvalidValue
from styrdok.escalation import LONG_OVERDUE_AFTER_DAYS
from styrdok.model import AuditEvent
from styrdok.usecases.arguments import use_case

if TYPE_CHECKING:
    from styrdok.escalation import LongOverdue
    from styrdok.registry import Registry
    from styrdok.report import Report, StreamedReport
    from styrdok.report_tally import DocumentDispensations

T = TypeVar("T")


@use_case
def report(
    registry: Registry,
    *,
    today: dt.date | None = None,
    long_overdue_after_days: int = LONG_OVERDUE_AFTER_DAYS,
) -> Report:
    """The governance report (see :mod:`styrdok.report`) as of ``today``, with the audit
    log's head so readers can anchor it, and — once the register has an organisation —
    each document's acceptance per förvaltning (:meth:`Registry.acceptance` with
    ``depth=1``, counted in the store and streamed into the report one document at a time).
    Reviews ``long_overdue_after_days`` or more overdue (``[reminders]
    escalate_after_days``) are listed per adopting body. Its long lists are held in
    memory; :meth:`streamed_report` reads them as they are written out.
    """
    with streamed_report(
        registry, today=today, long_overdue_after_days=long_overdue_after_days
    ) as streamed:
        return streamed.held()


@use_case
def streamed_report(
    registry: Registry,
    *,
    today: dt.date | None = None,
    long_overdue_after_days: int = LONG_OVERDUE_AFTER_DAYS,
) -> AbstractContextManager[StreamedReport]:
    """:meth:`report`, with its three long lists — documents without a guardian,
    dispensations per document, long-overdue reviews — read from the store each time they
    are iterated, sorted there, instead of held: a report of any register written out in
    memory that does not grow with it (``styrdok report``, issue 19). A store without its
    own report queries is counted record by record, and its lists are held.

    A context manager: the report is made on entering, in one read transaction that stays
    open until the block ends; read the lists inside it::

        with registry.streamed_report() as report:
            for late in report.long_overdue:
                ...
    """
    if long_overdue_after_days < 1:
        raise InvalidValue(
            f"long_overdue_after_days: expected 1 or more days, got {long_overdue_after_days}"
        )
    return _streamed_report(registry, today, long_overdue_after_days)


class _Reread(Generic[T]):
    """An iterable read afresh from ``read`` each time it is iterated."""

    def __init__(self, read: Callable[[], Iterator[T]]) -> None:
        self._read = read

    def __iter__(self) -> Iterator[T]:
        return self._read()


@contextmanager
def _streamed_report(
    registry: Registry, today: dt.date | None, after_days: int
) -> Iterator[StreamedReport]:
    """The report of :func:`streamed_report`, its read transaction open while it is used."""
    from styrdok.organisation import UnitTree
    from styrdok.report import StreamedReport, assemble
    from styrdok.report_tally import tally_records
    from styrdok.store.base import ReportStore

    with registry.session.read() as store:
        units = UnitTree(store.list_units())
        acceptance = (
            ((found.document, found.units) for found in registry.acceptance(depth=1))
            if units
            else ()
        )
        day = today or registry.today()
        lists: tuple[Iterable[str], Iterable[DocumentDispensations], Iterable[LongOverdue]]
        if isinstance(store, ReportStore):  # counted and sorted in the database
            tallies = store.report_tallies(today=day)
            lists = (
                _Reread(store.report_without_guardian),
                _Reread(lambda: store.report_by_document(today=day)),
                _Reread(lambda: store.report_long_overdue(today=day, after_days=after_days)),
            )
        else:  # streamed from the store: the count keeps counts and the lists
            tallies, held = tally_records(store, today=day, long_overdue_after_days=after_days)
            lists = (held.without_guardian, held.by_document, held.long_overdue)
        summary = assemble(
            tallies,
            today=day,
            audit=read_head(store),
            units=units,
            acceptance=acceptance,
            long_overdue_after_days=after_days,
        )
        yield StreamedReport(summary, tallies.without_guardian, *lists)


@use_case
def verify_audit(
    registry: Registry, *, expect: str | None = None, expect_count: int | None = None
) -> ChainReport:
    """Walk the hash chain of the audit log (keyed with the configured audit key, if one is
    set) and report the first broken link. With ``expect``, a head hash written down
    earlier (``expect_count``: its event count), the report also says whether the chain
    still reaches it; :meth:`~styrdok.audit.ChainReport.problem` names what fails."""
    anchor = None
    if expect is not None:
        if expect_count is not None and expect_count < 1:
            raise InvalidValue(f"an expected event count is 1 or more, got {expect_count}")
        anchor = Anchor(check_hash(expect), expect_count)
    elif expect_count is not None:
        raise InvalidValue("an expected event count goes with the head hash it was recorded with")
    key = configured_key()
    with registry.session.read() as store:
        return verify_chain(store.iter_audit(), key=key, anchor=anchor)


@use_case
def audit_head(registry: Registry) -> AuditHead:
    """The audit log's head as stored (count, full hash, keyed or not), unverified."""
    with registry.session.read() as store:
        return read_head(store)


@use_case
def rekey_audit(registry: Registry, *, actor: str | None) -> AuditEvent:
    """Convert a plain audit log to a keyed one with the configured audit key, once: the
    chain is verified as it is, re-sealed from its first event with the key, and an
    ``audit.rekey`` event records the plain head it replaced. Administrators only.
    Returns that event."""
    from styrdok import rules

    with registry.session.work(actor) as work:
        rules.require_admin(work.actor, "key the audit log")
        resealed, previous_head = rekey(work.store)
        return work.record(
            events.AuditRekeyed,
            "registry:",
            None,
            {"events_resealed": resealed, "previous_head": previous_head},
        )


@use_case
def audit_events(registry: Registry) -> Iterator[AuditEvent]:
    """The whole audit log, oldest first (streamed)."""
    with registry.session.read() as store:
        yield from store.iter_audit()
