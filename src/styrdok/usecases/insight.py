"""Insight into the register: the governance report and the audit log.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from styrdok.audit import ChainReport, verify_chain
from styrdok.model import AuditEvent
from styrdok.usecases.arguments import use_case

if TYPE_CHECKING:
    from styrdok.registry import Registry
    from styrdok.report import Report


@use_case
def report(registry: Registry, *, today: dt.date | None = None) -> Report:
    """The governance report (see :mod:`styrdok.report`) as of ``today``."""
    from styrdok import report as reporting

    with registry.session.read() as store:
        return reporting.build(
            today=today or registry.today(),
            documents=store.list_documents(),
            dispensations=store.list_dispensations(),
            persons=store.list_persons(),
            bodies=store.list_bodies(),
        )


@use_case
def verify_audit(registry: Registry) -> ChainReport:
    """Walk the hash chain of the audit log and report the first broken link."""
    with registry.session.read() as store:
        return verify_chain(store.iter_audit())


@use_case
def audit_events(registry: Registry) -> Iterator[AuditEvent]:
    """The whole audit log, oldest first (streamed)."""
    with registry.session.read() as store:
        yield from store.iter_audit()
