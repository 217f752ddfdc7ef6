"""The YAML store's recent steps of requests and questions (the
:class:`~styrdok.store.base.StepStore` role), filtered in memory, where the folder's
register already is."""

from __future__ import annotations

import datetime as dt

from styrdok.model import Document, scope_title
from styrdok.outbox import QuestionStep, RequestStep
from styrdok_yamlstore.folder import State, in_order


def _recent(since: dt.date, *days: dt.date | None) -> bool:
    return any(day is not None and day >= since for day in days)


class Steps:
    """Requests and questions of the last days, for the reminder run."""

    _state: State

    def _contact(self, document: Document) -> str | None:
        body = self._state.body.get(document.adopted_by or "")
        return body.contact if body else None

    def request_steps(self, *, since: dt.date) -> list[RequestStep]:
        """Dispensations requested, decided or ended on or after ``since``."""
        found = []
        for x in in_order(self._state.dispensation):
            decided_on = x.decision.on if x.decision else None
            if not _recent(since, x.requested_on, decided_on, x.ended_on):
                continue
            document = self._state.document[x.document_ref]
            found.append(
                RequestStep(
                    ref=x.ref,
                    title=scope_title(x.scope),
                    document_ref=x.document_ref,
                    status=x.status.value,
                    requested_by=x.requested_by,
                    requested_on=x.requested_on,
                    responsible=x.responsible,
                    decided_by=x.decision.by if x.decision else None,
                    decided_on=decided_on,
                    ended_on=x.ended_on,
                    ended_by=x.ended_by,
                    guardian=document.guardian,
                    approvers=document.dispensation_rules.approvers,
                    contact=self._contact(document),
                    renewal_of=x.renewal_of,
                )
            )
        return found

    def question_steps(self, *, since: dt.date) -> list[QuestionStep]:
        """Questions asked or answered on or after ``since``."""
        found = []
        for q in in_order(self._state.question):
            if q.id is None or not _recent(since, q.asked_on, q.answered_on):
                continue
            document = self._state.document[q.document_ref]
            found.append(
                QuestionStep(
                    id=q.id,
                    document_ref=q.document_ref,
                    title=document.title,
                    asked_by=q.asked_by,
                    asked_on=q.asked_on,
                    answered_by=q.answered_by,
                    answered_on=q.answered_on,
                    guardian=document.guardian,
                    owner=document.owner,
                    contact=self._contact(document),
                )
            )
        return found
