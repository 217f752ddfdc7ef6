"""One's own lists: "Mina ärenden" (the dispensations one requested or is responsible
for), "Att besluta" (the requests waiting on one's decision, counted in every page's menu)
and "Mina frågor" (the questions one asked, with their answers).

Each list is read a page at a time by the registry
(:meth:`~styrdok.Registry.browse_dispensations`, :meth:`~styrdok.Registry.browse_questions`),
which decides who may decide what (:func:`styrdok.rules.require_decider`) and who may see
a question about a draft; pages are numbered as the register's (``?sida=N``,
:func:`.listing.pager`). "Mina ärenden" has two lists, each paged on its own: the requests
waiting by ``?vantar=N``, the rest by ``?sida=N``.
"""

from __future__ import annotations

import time

import attrs
from flask import Blueprint, g, render_template, request

from styrdok.enums import DispStatus
from styrdok.model import Person
from styrdok.usecases.browsing import Paging
from styrdok_intranet import listing
from styrdok_intranet.api.context import registry

#: Statuses that wait on a decision, and those that do not.
WAITING = frozenset({DispStatus.REQUESTED})
SETTLED = frozenset(DispStatus) - WAITING
#: How long (seconds) a person's count in the menu is reused. Counting is one query over
#: every document's approvers (about 15–30 ms on a 31,000-document register, ten times
#: that nationally): on every page it would slow every page. The list itself is always
#: read fresh and refreshes the count; a form the person sends drops it.
COUNT_FOR = 60.0
#: The query parameter of the page of one's requests waiting on a decision ("Mina ärenden").
WAITING_PAGE = "vantar"


@attrs.frozen
class SectionPager(listing.Pager):
    """A :class:`~.listing.Pager` for the second list on a page: its pages numbered by
    the query parameter ``name``, the first list's page (in ``params``) kept."""

    name: str = WAITING_PAGE

    def args(self, page: int) -> dict[str, str]:
        """The query parameters of ``page`` (page 1 without ``name``)."""
        kept = {key: value for key, value in self.params.items() if value and key != self.name}
        if page > 1:
            kept[self.name] = str(page)
        return kept


def _kept(name: str, page: int) -> dict[str, str]:
    """The query parameter ``name`` of another list's ``page`` (none for its first)."""
    return {name: str(page)} if page > 1 else {}


def mine_pagers(waiting: Paging, settled: Paging) -> tuple[SectionPager, listing.Pager]:
    """The links between the pages of "Mina ärenden"'s two lists: each keeps the page
    the other shows."""
    first = listing.pager(waiting, "selfservice.mine", {})
    paged = SectionPager(**attrs.asdict(first, recurse=False))
    return (
        attrs.evolve(paged, params=_kept("sida", settled.page)),
        listing.pager(settled, "selfservice.mine", _kept(WAITING_PAGE, waiting.page)),
    )


def register(bp: Blueprint) -> None:
    """Add the lists, and the count in the menu, to the self-service blueprint ``bp``."""

    counted: dict[str, tuple[float, int]] = {}  # person → (when, how many)

    @bp.before_app_request
    def count_to_decide() -> None:
        # Only where the app read what the person is to read: a page (not the API, not a
        # file) for an active person.
        g.to_decide = None
        user = g.get("user")
        if request.method == "POST" and user:
            counted.pop(user, None)  # they may have decided something: count again
        if g.get("to_read") is None or g.person is None:
            return
        if request.endpoint == "selfservice.to_decide":
            return  # the list counts them itself (to_decide below)
        now = time.monotonic()
        kept = counted.get(g.person.ref)
        if kept is not None and now - kept[0] < COUNT_FOR:
            g.to_decide = kept[1]
            return
        waiting = registry().browse_dispensations(
            decider=g.person.ref, statuses=WAITING, per_page=1
        )
        counted[g.person.ref] = (now, waiting.total)
        g.to_decide = waiting.total

    @bp.app_context_processor
    def menu() -> dict[str, object]:
        # Nothing here may read the registry: the error page for a broken database uses it.
        return {"to_decide_count": g.get("to_decide")}

    @bp.get("/mina-dispenser")
    def mine() -> str:
        """The signed-in person's requests waiting on a decision (a page at a time,
        ``?vantar=N``), and their other dispensations (``?sida=N``): those they requested
        or are responsible for."""
        person: Person | None = g.get("person")
        if person is None:
            return render_template("my_dispensations.html", waiting=None, settled=None)
        reg = registry()
        waiting = reg.browse_dispensations(
            person=person.ref,
            statuses=WAITING,
            page=listing.page_number(request.args, WAITING_PAGE),
        )
        settled = reg.browse_dispensations(
            person=person.ref, statuses=SETTLED, page=listing.page_number(request.args)
        )
        waiting_pager, pager = mine_pagers(waiting, settled)
        return render_template(
            "my_dispensations.html",
            waiting=waiting,
            settled=settled,
            waiting_pager=waiting_pager,
            pager=pager,
        )

    @bp.get("/att-besluta")
    def to_decide() -> str:
        """Requests waiting on the signed-in person's decision, oldest last (``?sida=N``)."""
        person: Person | None = g.get("person")
        if person is None:
            return render_template("to_decide.html", found=None)
        reg = registry()
        found = reg.browse_dispensations(
            decider=person.ref, statuses=WAITING, page=listing.page_number(request.args)
        )
        if g.get("to_read") is not None:  # an active person: the menu shows the count
            counted[person.ref] = (time.monotonic(), found.total)
            g.to_decide = found.total
        return render_template(
            "to_decide.html",
            found=found,
            people=reg.persons_by_ref(d.requested_by for d in found.dispensations),
            pager=listing.pager(found, "selfservice.to_decide", {}),
        )

    @bp.get("/mina-fragor")
    def my_asked() -> str:
        """The questions the signed-in person asked, newest first, with their answers."""
        person: Person | None = g.get("person")
        if person is None:
            return render_template("my_questions.html", found=None)
        reg = registry()
        found = reg.browse_questions(
            asked_by=person.ref, reader=person, page=listing.page_number(request.args)
        )
        return render_template(
            "my_questions.html",
            found=found,
            people=reg.persons_by_ref(q.answered_by for q in found.questions if q.answered_by),
            pager=listing.pager(found, "selfservice.my_asked", {}),
        )
