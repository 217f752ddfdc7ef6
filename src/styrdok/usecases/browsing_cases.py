"""Dispensations and questions a page at a time: "my requests", "to decide", a guardian's
inbox and every list of them on the intranet and its API — each counted and read one page
at a time in the store, never loaded whole.

As for documents (:mod:`styrdok.usecases.browsing`), who may decide and who may answer
are decided here, from :mod:`styrdok.rules`, and handed to the store as a
:class:`~styrdok.store.base.DispensationFilter` or
:class:`~styrdok.store.base.QuestionFilter`; the contract suite holds every backend to
:func:`styrdok.rules.require_decider` and :func:`styrdok.rules.may_answer`.

Drafts: a question may be asked about a draft, so a question is shown only to a ``reader``
who may see its document (:func:`styrdok.rules.may_see_draft`), as
:func:`~styrdok.usecases.browsing.browse_documents` shows the document. A dispensation
never hangs from a draft — it is requested only from a document in force, and an adoption
with dispensations under it cannot be annulled back to a draft — so its list needs no
such rule, as :func:`~styrdok.usecases.dispensations.list_dispensations` has none.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
Reads need no actor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from styrdok.errors import InvalidValue
from styrdok.model import Dispensation, DispStatus, DocStatus, Person, Question
from styrdok.store.base import DispensationFilter, QuestionFilter
from styrdok.usecases.arguments import use_case
from styrdok.usecases.browsing import PER_PAGE, Paging, _paging, _query

if TYPE_CHECKING:
    from styrdok.registry import Registry


@attrs.frozen(kw_only=True)
class DispensationPage(Paging):
    """One page of dispensations, as :func:`browse_dispensations` found them."""

    dispensations: tuple[Dispensation, ...]


@attrs.frozen(kw_only=True)
class QuestionPage(Paging):
    """One page of questions, as :func:`browse_questions` found them."""

    questions: tuple[Question, ...]


def _statuses(statuses: Iterable[DispStatus] | None) -> frozenset[DispStatus] | None:
    """``statuses`` as a set of members (their codes are taken too), each checked."""
    if statuses is None:
        return None
    if isinstance(statuses, str) or not isinstance(statuses, Iterable):
        raise InvalidValue(f"statuses: expected a collection of statuses, got {statuses!r}")
    found = set()
    for status in statuses:
        try:
            found.add(DispStatus(status))
        except ValueError:
            choices = ", ".join(s.value for s in DispStatus)
            raise InvalidValue(f"statuses: expected one of {choices}, got {status!r}") from None
    return frozenset(found)


@use_case
def browse_dispensations(
    registry: Registry,
    *,
    document: str | None = None,
    statuses: Iterable[DispStatus] | None = None,
    person: str | None = None,
    decider: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> DispensationPage:
    """One page of dispensations, newest first (requested date, then ref, descending):
    from ``document``, of any of ``statuses`` (``None``: any), those ``person`` requested
    or is responsible for ("my requests"), those ``decider`` may decide
    (:func:`styrdok.rules.require_decider`: the document's guardian or a listed approver,
    never the requester or the responsible person — with ``statuses={REQUESTED}``, what
    is theirs to decide). ``page`` counts from 1; a page after the last is empty."""
    offset = _paging(page, per_page)
    wanted = _statuses(statuses)
    if wanted == frozenset():  # no status asked for: nothing can match
        return DispensationPage(dispensations=(), total=0, page=page, per_page=per_page)
    decides = _query(decider)
    where = DispensationFilter(
        statuses=wanted,
        document_ref=_query(document),
        party=_query(person),
        # rules.require_decider: the guardian or a listed approver, and not a party.
        approver=decides,
        not_party=decides,
    )
    with registry.session.read() as store:
        found, total = store.page_dispensations(where, offset=offset, limit=per_page)
    return DispensationPage(dispensations=tuple(found), total=total, page=page, per_page=per_page)


@use_case
def browse_questions(
    registry: Registry,
    *,
    document: str | None = None,
    asked_by: str | None = None,
    answerer: str | None = None,
    open_only: bool = False,
    reader: Person | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> QuestionPage:
    """One page of questions, newest first (asked date, then number, descending): about
    ``document``, asked by ``asked_by``, about documents ``answerer`` may answer
    (:func:`styrdok.rules.may_answer`: the guardian or the owner — a guardian's inbox),
    only unanswered ones with ``open_only``. Questions about a draft only for a ``reader``
    who may see it (:func:`styrdok.rules.may_see_draft`; ``None``: nobody signed in).
    ``page`` counts from 1; a page after the last is empty."""
    offset = _paging(page, per_page)
    # rules.may_see_draft, as browse_documents applies it: administrators see every
    # draft, a person the drafts they own or guard, nobody signed in none.
    admin = reader is not None and reader.is_admin
    where = QuestionFilter(
        document_ref=_query(document),
        asked_by=_query(asked_by),
        answerer=_query(answerer),  # rules.may_answer: the guardian or the owner
        unanswered=open_only,
        hidden=None if admin else DocStatus.DRAFT,
        shown_to=None if admin or reader is None else reader.ref,
    )
    with registry.session.read() as store:
        found, total = store.page_questions(where, offset=offset, limit=per_page)
    return QuestionPage(questions=tuple(found), total=total, page=page, per_page=per_page)
