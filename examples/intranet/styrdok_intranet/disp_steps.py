"""What a dispensation's page offers the person reading it: decide, withdraw, renew,
revoke, close early, evaluate — each form shown only to those the core's rules let do it,
and a sentence saying why to those it does not (the requester learns why they cannot
decide their own request, rather than meeting a refusal after filling in a form).

Every answer comes from :mod:`styrdok.rules` — :func:`~styrdok.rules.require_decider`,
:func:`~styrdok.rules.require_may_withdraw`, :func:`~styrdok.rules.require_may_end`,
:func:`~styrdok.rules.require_evaluator`, :func:`~styrdok.rules.require_dispensable` and
the document's renewal limit — so the page cannot offer what the registry would refuse.
The registry checks again when the form is sent: what is offered here is a courtesy, not
the guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from styrdok import rules
from styrdok.dispensation import Dispensation
from styrdok.enums import DispStatus
from styrdok.errors import StyrdokError
from styrdok.model import Document, Person
from styrdok.registry import Registry
from styrdok.usecases.browsing import MAX_PER_PAGE

#: Statuses of a dispensation that has ended: it may be evaluated.
ENDED = (DispStatus.EXPIRED, DispStatus.REVOKED, DispStatus.CLOSED)
#: Statuses a dispensation may be renewed from (``renew_dispensation``).
RENEWABLE = (DispStatus.APPROVED, DispStatus.EXPIRED)
#: A renewal in one of these blocks another (``renew_dispensation``).
BLOCKING = frozenset({DispStatus.REQUESTED, DispStatus.APPROVED})


@attrs.frozen
class Renewal:
    """Where a dispensation stands on being renewed, for the person reading its page."""

    offered: bool = False
    """Whether the renewal form is shown."""
    starts: dt.date | None = None
    """The first day a renewal would cover: the day after the dispensation ends."""
    latest: dt.date | None = None
    """The last day a renewal may cover (the document's longest duration), if limited."""
    pending: Dispensation | None = None
    """A renewal already requested or approved: no second one until it is settled."""
    why_not: str | None = None
    """Why none can be requested, in Swedish (the document's limit, or its status)."""


@attrs.frozen
class Offers:
    """The forms a dispensation's page shows the person reading it, and why not."""

    decide: bool = False
    """The decision form (approve or reject)."""
    party: str | None = None
    """Why the reader may not decide although they see the request: they are a party."""
    deciders: tuple[str, ...] = ()
    """Who may decide it: the document's guardian and listed approvers, not its parties."""
    withdraw: bool = False
    """The form to withdraw a pending request."""
    renewal: Renewal = Renewal()
    revoke: bool = False
    """The form to revoke an approved dispensation that has not run out (a sanction: its
    deciders, the document's owner, administrators; never a party to it)."""
    close: bool = False
    """The form to close it early (also its requester and its responsible person)."""
    evaluate: bool = False
    """The evaluation form: it has ended, has none, and the reader may give it."""


def _allowed(check: Callable[[], None]) -> bool:
    """Whether the core's rule ``check`` lets it through."""
    try:
        check()
    except StyrdokError:
        return False
    return True


def offers(reg: Registry, disp: Dispensation, doc: Document, person: Person | None) -> Offers:
    """What :class:`Offers` the page of ``disp`` (from ``doc``) makes to ``person``
    (``None``: nobody signed in, or not in the register — nothing is offered)."""
    parties = (disp.requested_by, disp.responsible)
    deciders = tuple(sorted(rules.approvers_of(doc) - set(parties)))
    if person is None or not person.active:
        return Offers(deciders=deciders)
    pending = disp.status is DispStatus.REQUESTED
    party = None
    if pending and person.ref in parties:
        role = (
            "du själv har ansökt om den"
            if person.ref == disp.requested_by
            else "du är ansvarig för den"
        )
        party = (
            f"Du kan inte besluta om ansökan, eftersom {role}. Den som ansöker om en dispens "
            "eller ansvarar för den beslutar aldrig själv om den (åtskillnad mellan roller)."
        )
    mine = person.is_admin or person.ref in parties
    # Ending one that has already run out would only say what its expiry says.
    running = disp.status is DispStatus.APPROVED and reg.today() <= disp.valid_until
    return Offers(
        decide=pending and _allowed(lambda: rules.require_decider(person, doc, disp)),
        party=party,
        deciders=deciders,
        withdraw=pending and _allowed(lambda: rules.require_may_withdraw(person, disp)),
        renewal=renewal(reg, disp, doc) if mine and disp.status in RENEWABLE else Renewal(),
        revoke=running and _allowed(lambda: rules.require_may_end(person, doc, disp, "revoke")),
        close=running and _allowed(lambda: rules.require_may_end(person, doc, disp, "close")),
        evaluate=(
            disp.status in ENDED
            and disp.evaluation is None
            and _allowed(lambda: rules.require_evaluator(person, doc, disp))
        ),
    )


def end_days(disp: Dispensation) -> tuple[dt.date, dt.date]:
    """The first and the last day ``disp`` may be revoked or closed from — the first day
    it no longer applies: from its first day to the day after its last
    (:func:`styrdok.rules.require_end_date`)."""
    return disp.valid_from, disp.valid_until + dt.timedelta(days=1)


def renewal(reg: Registry, disp: Dispensation, doc: Document) -> Renewal:
    """Whether ``disp`` may be renewed now, by ``renew_dispensation``'s rules: from a
    document in force that allows dispensations, no renewal already pending or approved,
    and fewer renewals so far than the document allows."""
    found = pending_renewal(reg, disp)
    if found is not None:
        return Renewal(pending=found)
    if not _allowed(lambda: rules.require_dispensable(doc)):
        return Renewal(
            why_not=(
                f"{doc.ref} är inte i kraft eller tillåter inte längre dispenser, så "
                "dispensen kan inte förlängas."
            )
        )
    most = doc.dispensation_rules.max_renewals
    done = renewals_before(reg, disp)
    if most is not None and done + 1 > most:
        if most == 0:
            why = "Dokumentet tillåter inte att dispenser förlängs."
        else:
            times = "en gång" if most == 1 else f"{most} gånger"
            why = f"Dokumentet tillåter att en dispens förlängs högst {times}, och den här är "
            why += "redan en förlängning." if most == 1 else f"redan förlängd {done} gånger."
        return Renewal(why_not=why + " Behövs undantaget fortfarande, ansök om en ny dispens.")
    starts = renewal_start(disp)
    longest = doc.dispensation_rules.max_duration_days
    latest = starts + dt.timedelta(days=longest - 1) if longest is not None else None
    return Renewal(offered=True, starts=starts, latest=latest)


def renewal_start(disp: Dispensation) -> dt.date:
    """The first day a renewal of ``disp`` covers: the day after it ends (as
    ``renew_dispensation`` sets it)."""
    return disp.valid_until + dt.timedelta(days=1)


def renewals_before(reg: Registry, disp: Dispensation) -> int:
    """How many renewals ``disp`` already is: 0 for an original, 1 for its first renewal
    (the chain of ``renewal_of``, as the registry counts it)."""
    count, current, seen = 0, disp, {disp.ref}
    while current.renewal_of is not None and current.renewal_of not in seen:
        seen.add(current.renewal_of)
        current = reg.get_dispensation(current.renewal_of)
        count += 1
    return count


def pending_renewal(reg: Registry, disp: Dispensation) -> Dispensation | None:
    """The renewal of ``disp`` that is requested or approved, if any. Read a page at a
    time among the open dispensations of its document (a handful), never the register."""
    page = 1
    while True:
        found = reg.browse_dispensations(
            document=disp.document_ref, statuses=BLOCKING, page=page, per_page=MAX_PER_PAGE
        )
        for other in found.dispensations:
            if other.renewal_of == disp.ref:
                return other
        if page >= found.pages:
            return None
        page += 1
