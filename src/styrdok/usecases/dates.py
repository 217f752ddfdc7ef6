"""Time passing: what lapses and expires today, and what falls due soon.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterable
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
    from styrdok.store.base import DatedTuple


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
    until, today = _horizon(registry, within_days, today)
    with paused_gc(), registry.session.read() as store:
        rows = store.dated_items(
            until=until,
            document_status=DocStatus.IN_FORCE,
            dispensation_status=DispStatus.APPROVED,
        )
        return due_items(rows, today)


#: :func:`iter_due` reads this many rows from the store at a time.
DUE_CHUNK = 1_000


@use_case
def iter_due(
    registry: Registry, *, within_days: int = 30, today: dt.date | None = None
) -> Generator[DueItem, None, None]:
    """What :meth:`~styrdok.registry.Registry.due` returns — the same items in the same
    order, overdue ones first — read from the store a chunk at a time as they are consumed,
    so the first can be shown before the last is read.

    The arguments are checked at once. The items are read in one read transaction, open
    until they are all consumed or the generator is closed: close it when stopping early
    (``with contextlib.closing(registry.iter_due()) as items: …``)."""
    until, today = _horizon(registry, within_days, today)
    return _streamed(registry, until, today)


def _streamed(registry: Registry, until: dt.date, today: dt.date) -> Generator[DueItem, None, None]:
    """The items of :func:`iter_due`, built a chunk at a time."""
    with registry.session.read() as store:
        chunks = store.stream_dated_items(
            until=until,
            document_status=DocStatus.IN_FORCE,
            dispensation_status=DispStatus.APPROVED,
            chunk=DUE_CHUNK,
        )
        for rows in chunks:
            # The collector is paused while a chunk is built, not while the caller has it.
            with paused_gc():
                items = due_items(rows, today)
            yield from items


def _horizon(
    registry: Registry, within_days: int, today: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The last day a listing of what is due reaches, and the day it is counted from."""
    if within_days < 0:
        raise InvalidValue("the horizon must not be negative")
    today = today or registry.today()
    return today + dt.timedelta(days=within_days), today


_KINDS = {kind.value: kind for kind in DueKind}


def due_items(rows: Iterable[DatedTuple], today: dt.date) -> list[DueItem]:
    """``rows`` (a store's :meth:`~styrdok.store.base.RecordStore.dated_items`) as due
    items: titled and counted here, not in the store, so every backend titles and counts
    days alike."""
    # This runs over the whole register: kinds are looked up in a dict, days left are
    # counted once per distinct date, the rows are unpacked positionally, and each item is
    # made by tuple.__new__ straight from its fields (DueItem's own __new__ is a Python
    # function: twice the time).
    kinds = _KINDS
    ending = DueKind.DISPENSATION_EXPIRY.value
    left: dict[dt.date, int] = {}
    new = tuple.__new__
    return [
        new(
            DueItem,
            (
                kinds[code],
                ref,
                scope_title(text) if code == ending else text,
                due_on,
                left[due_on] if due_on in left else left.setdefault(due_on, (due_on - today).days),
                person,
                status,
            ),
        )
        for code, ref, text, due_on, person, status in rows
    ]
