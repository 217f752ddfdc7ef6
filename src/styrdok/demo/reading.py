"""Who in Mittköping has read what: each confirmation given as that person, on a day
before the demo's today.

A document in force asks everyone in the units it applies to to read the version asked
about. Whether someone has, and when, is drawn for each person and document from a seed
made of their refs, so every build gives the same confirmations: how diligent the unit is
(:attr:`~styrdok.demo.organisation.UnitSpec.reads`) times how readily the document is read,
and a delay of days after it was asked of them — most within a fortnight, some much later,
so a version adopted last week is read by fewer than one adopted last year.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Collection, Mapping

from styrdok.demo.organisation import reading_rates
from styrdok.enums import AckChannel, DocStatus
from styrdok.model import Person
from styrdok.registry import Registry, local_zone

#: How readily each document is read, beside the policies everyone is told about.
PULL: dict[str, float] = {
    "POL-IS-01": 1.0,
    "RIKT-IS-02": 1.0,
    "POL-DATA-01": 0.95,
    "POL-PERS-01": 0.9,
    "RIKT-IS-01": 0.85,
    "RIKT-DISTANS": 0.85,
    "POL-KOM-01": 0.75,
    "HPL-DIG-01": 0.6,
    "STRAT-DIG-01": 0.45,
}
#: Mean days between being asked and confirming, for those who do.
MEAN_DELAY = 10.0


class _Clock:
    """The time a confirmation is given: set before each one."""

    def __init__(self) -> None:
        self.at = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at


def confirm_reading(
    registry: Registry,
    day: Callable[[int], dt.date],
    *,
    only: Collection[str] = (),
    until: Mapping[str, dt.date] | None = None,
) -> int:
    """Confirm, as each person who has, the documents in force they were asked to read
    (``only`` these refs, if given); returns how many confirmations were given.

    A confirmation names the version in force when it is given, so only those dated
    from the day the current version came into force are given here, and for a document
    in ``until`` only those before that day: call again once its next version is adopted
    for the readers after it. A later editorial version asks nothing new, so whether and
    when someone reads is drawn for the version asked about, the same on every call."""
    today = day(0)
    clock = _Clock()
    # The same register and rules, on a clock set to when each person confirmed.
    back_then = Registry(registry.store, clock=clock)
    tree = registry.unit_tree()
    rates = reading_rates()
    staff: dict[str, list[Person]] = {}
    for person in registry.list_persons():
        if person.active and person.unit is not None:
            staff.setdefault(person.unit, []).append(person)
    given = 0
    for document in registry.list_documents(status=DocStatus.IN_FORCE):
        if document.ack_version == 0 or (only and document.ref not in only):
            continue
        since = {v.version: v.in_force_from for v in registry.document_versions(document.ref)}
        asked, shown = since[document.ack_version], since[document.version]
        end = (until or {}).get(document.ref, today)
        for unit in tree.subtree(document.applies_to):
            for person in staff.get(unit, ()):
                rng = random.Random(f"{document.ref}:{document.ack_version}:{person.ref}")
                if rng.random() >= rates.get(unit, 0.7) * PULL.get(document.ref, 0.85):
                    continue  # has not read it, and may never
                start = max(asked, person.unit_since or asked)
                read_on = start + dt.timedelta(days=int(rng.expovariate(1 / MEAN_DELAY)))
                if not shown <= read_on < end:
                    continue  # read another version, or not yet
                local = dt.time(rng.randint(7, 16), rng.randint(0, 59), tzinfo=local_zone())
                clock.at = dt.datetime.combine(read_on, local).astimezone(dt.UTC)
                back_then.acknowledge(
                    document.ref,
                    actor=person.ref,
                    channel=_channel(rng.random()),
                    version=document.version,
                )
                given += 1
    return given


def _channel(draw: float) -> AckChannel:
    """Most confirm on the intranet, some from the link in a reminder, a few by API."""
    if draw < 0.72:
        return AckChannel.INTRANET
    if draw < 0.94:
        return AckChannel.EMAIL
    return AckChannel.API


__all__ = ["confirm_reading"]
