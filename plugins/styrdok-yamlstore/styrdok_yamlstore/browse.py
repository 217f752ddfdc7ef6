"""The YAML store's pages of the register (the :class:`~styrdok.store.base.BrowseStore`
role): documents, dispensations, questions and what falls due, filtered, sorted and sliced
in memory, where the folder's register already is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from styrdok.model import Dispensation, DispStatus, DocStatus, Document, Question
from styrdok.store.base import (
    DatedRow,
    DatedTuple,
    DispensationFilter,
    DocumentFilter,
    QuestionFilter,
    in_chunks,
)
from styrdok_yamlstore.folder import State, in_order


class Browse:
    """Pages of documents, dispensations, questions and of what falls due, over the
    register in memory."""

    _state: State

    if TYPE_CHECKING:  # the store's own (store.py)

        def dated_items(
            self, *, until: dt.date, document_status: DocStatus, dispensation_status: DispStatus
        ) -> list[DatedRow]: ...

    def _matches(self, document: Document, where: DocumentFilter) -> bool:
        """Whether ``document`` meets every criterion of ``where``."""
        d = document
        if where.statuses is not None and d.status not in where.statuses:
            return False
        if (
            where.statuses is not None
            and where.effective_on is not None
            and d.upcoming_on(where.effective_on)
        ):
            return False
        if where.doc_type is not None and d.doc_type != where.doc_type:
            return False
        if where.adopted_by is not None and d.adopted_by != where.adopted_by:
            return False
        if where.owner_unit is not None:
            owner = self._state.person.get(d.owner)
            if owner is None or owner.unit != where.owner_unit:
                return False
        if where.review_before is not None and not (
            d.next_review_on is not None and d.next_review_on < where.review_before
        ):
            return False
        if (
            where.hidden is not None
            and d.status is where.hidden
            and (where.shown_to is None or where.shown_to not in (d.owner, d.guardian))
        ):
            return False
        if where.refs is not None and d.ref not in where.refs:
            return False
        if where.ref_part is not None and where.ref_part.lower() not in d.ref.lower():
            return False
        return d.ref not in where.not_refs

    def page_documents(
        self, where: DocumentFilter, *, offset: int, limit: int
    ) -> tuple[list[Document], int]:
        found = sorted(
            (d for d in self._state.document.values() if self._matches(d, where)),
            key=lambda d: (d.title, d.ref),
        )
        return found[offset : offset + max(limit, 0)], len(found)

    def _disp_matches(self, x: Dispensation, where: DispensationFilter) -> bool:
        """Whether dispensation ``x`` meets every criterion of ``where``."""
        if where.statuses is not None and x.status not in where.statuses:
            return False
        if where.document_ref is not None and x.document_ref != where.document_ref:
            return False
        parties = (x.requested_by, x.responsible)
        if where.party is not None and where.party not in parties:
            return False
        if where.not_party is not None and where.not_party in parties:
            return False
        if where.approver is not None:
            document = self._state.document[x.document_ref]
            listed = document.dispensation_rules.approvers
            if where.approver != document.guardian and where.approver not in listed:
                return False
        return True

    def page_dispensations(
        self, where: DispensationFilter, *, offset: int, limit: int
    ) -> tuple[list[Dispensation], int]:
        found = sorted(
            (x for x in self._state.dispensation.values() if self._disp_matches(x, where)),
            key=lambda x: (x.requested_on, x.ref),
            reverse=True,
        )
        return found[offset : offset + max(limit, 0)], len(found)

    def _question_matches(self, q: Question, where: QuestionFilter) -> bool:
        """Whether question ``q`` meets every criterion of ``where``."""
        if where.document_ref is not None and q.document_ref != where.document_ref:
            return False
        if where.asked_by is not None and q.asked_by != where.asked_by:
            return False
        if where.unanswered and q.answer is not None:
            return False
        document = self._state.document[q.document_ref]
        managers = (document.owner, document.guardian)
        if where.answerer is not None and where.answerer not in managers:
            return False
        return not (
            where.hidden is not None
            and document.status is where.hidden
            and (where.shown_to is None or where.shown_to not in managers)
        )

    def page_questions(
        self, where: QuestionFilter, *, offset: int, limit: int
    ) -> tuple[list[Question], int]:
        found = sorted(
            (q for q in self._state.question.values() if self._question_matches(q, where)),
            key=lambda q: (q.asked_on, q.id or 0),
            reverse=True,
        )
        return found[offset : offset + max(limit, 0)], len(found)

    def document_types(self) -> list[str]:
        return sorted({d.doc_type.value for d in self._state.document.values()})

    def person_units(self) -> list[str]:
        return sorted({p.unit for p in self._state.person.values() if p.unit})

    def body_names(self) -> list[tuple[str, str]]:
        return [(b.ref, b.name) for b in in_order(self._state.body)]

    def page_dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
        offset: int,
        limit: int,
    ) -> tuple[list[DatedRow], int]:
        rows = self.dated_items(
            until=until, document_status=document_status, dispensation_status=dispensation_status
        )
        return rows[offset : offset + max(limit, 0)], len(rows)

    def stream_dated_items(
        self,
        *,
        until: dt.date,
        document_status: DocStatus,
        dispensation_status: DispStatus,
        chunk: int = 1_000,
    ) -> Iterator[Sequence[DatedTuple]]:
        """What falls due, ``chunk`` rows at a time: sliced from :meth:`dated_items`, the
        folder's register being in memory already."""
        rows = self.dated_items(
            until=until, document_status=document_status, dispensation_status=dispensation_status
        )
        return in_chunks(rows, chunk)
