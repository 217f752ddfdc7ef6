"""Time passing: what lapses and expires today, and what falls due soon.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from styrdok import events
from styrdok.errors import InvalidValue
from styrdok.gcpause import paused_gc
from styrdok.model import DispStatus, DocStatus, DueItem, DueKind, scope_title
from styrdok.usecases.arguments import use_case
from styrdok.usecases.dispensations import expire_now
from styrdok.usecases.work import SYSTEM_ACTOR, evolve

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def expire(registry: Registry, *, today: dt.date | None = None) -> list[str]:
    """Mark documents past ``valid_until`` as lapsed and approved dispensations past
    theirs as expired (as the reserved actor ``system``). Idempotent; returns the refs it
    changed."""
    today = today or registry.today()
    changed: list[str] = []
    with registry.session.work(None, bootstrap=True) as work:
        for document in work.store.documents_ending_before(today, status=DocStatus.IN_FORCE):
            assert document.valid_until is not None
            work.save_document(
                document,
                evolve(document, status=DocStatus.LAPSED),
                events.DocumentLapsed,
                actor=SYSTEM_ACTOR,
            )
            work.store.end_version(
                document.ref,
                version=document.version,
                until=document.valid_until + dt.timedelta(days=1),
            )
            changed.append(document.ref)
        for disp in work.store.dispensations_ending_before(today, status=DispStatus.APPROVED):
            expire_now(work, disp)
            changed.append(disp.ref)
    return changed


@use_case
def due(
    registry: Registry, *, within_days: int = 30, today: dt.date | None = None
) -> list[DueItem]:
    """Reviews and end dates falling due within ``within_days``, overdue ones first."""
    if within_days < 0:
        raise InvalidValue("the horizon must not be negative")
    today = today or registry.today()
    # Built here, not in the store, so every backend titles and counts days alike. This
    # runs over the whole register: kinds are looked up in a dict, the collector paused.
    kinds = {kind.value: kind for kind in DueKind}
    ending = DueKind.DISPENSATION_EXPIRY
    left: dict[dt.date, int] = {}  # days left, once per distinct date
    with paused_gc(), registry.session.read() as store:
        rows = store.dated_items(
            until=today + dt.timedelta(days=within_days),
            document_status=DocStatus.IN_FORCE,
            dispensation_status=DispStatus.APPROVED,
        )
        # Positional, unpacked: this runs once per item over the whole register.
        return [
            DueItem(
                kind,
                ref,
                scope_title(text) if kind is ending else text,
                due_on,
                left[due_on] if due_on in left else left.setdefault(due_on, (due_on - today).days),
                person,
                status,
            )
            for code, ref, text, due_on, person, status in rows
            for kind in (kinds[code],)
        ]
