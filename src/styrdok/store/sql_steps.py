"""The SQL store's reads of the recent steps of requests and questions (see
:class:`styrdok.store.base.StepStore`): one statement each, over the whole register."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from styrdok.model import scope_title
from styrdok.outbox import QuestionStep, RequestStep
from styrdok.store import tables
from styrdok.store.sql_base import SqlBase


class SqlSteps(SqlBase):
    """Recent steps of dispensation requests and questions, read set-based."""

    def request_steps(self, *, since: dt.date) -> list[RequestStep]:
        """Dispensations requested, decided or ended on or after ``since``."""
        x, d, b = tables.dispensation, tables.document, tables.body
        query = (
            sa.select(
                x.c.ref,
                x.c.scope,
                x.c.document_ref,
                x.c.status,
                x.c.requested_by,
                x.c.requested_on,
                x.c.responsible,
                x.c.decided_by,
                x.c.decided_on,
                x.c.ended_on,
                x.c.ended_by,
                d.c.guardian,
                d.c.dispensation_rules,
                b.c.contact,
                x.c.renewal_of,
            )
            .select_from(
                x.join(d, d.c.ref == x.c.document_ref).outerjoin(b, b.c.ref == d.c.adopted_by)
            )
            .where(
                sa.or_(x.c.requested_on >= since, x.c.decided_on >= since, x.c.ended_on >= since)
            )
            .order_by(x.c.ref)
        )
        return [
            RequestStep(
                ref=row["ref"],
                title=scope_title(row["scope"]),
                document_ref=row["document_ref"],
                status=row["status"],
                requested_by=row["requested_by"],
                requested_on=row["requested_on"],
                responsible=row["responsible"],
                decided_by=row["decided_by"],
                decided_on=row["decided_on"],
                ended_on=row["ended_on"],
                ended_by=row["ended_by"],
                guardian=row["guardian"],
                approvers=tuple((row["dispensation_rules"] or {}).get("approvers") or ()),
                contact=row["contact"],
                renewal_of=row["renewal_of"],
            )
            for row in self._rows(query)
        ]

    def question_steps(self, *, since: dt.date) -> list[QuestionStep]:
        """Questions asked or answered on or after ``since``."""
        q, d, b = tables.question, tables.document, tables.body
        query = (
            sa.select(
                q.c.id,
                q.c.document_ref,
                d.c.title,
                q.c.asked_by,
                q.c.asked_on,
                q.c.answered_by,
                q.c.answered_on,
                d.c.guardian,
                d.c.owner,
                b.c.contact,
            )
            .select_from(
                q.join(d, d.c.ref == q.c.document_ref).outerjoin(b, b.c.ref == d.c.adopted_by)
            )
            .where(sa.or_(q.c.asked_on >= since, q.c.answered_on >= since))
            .order_by(q.c.id)
        )
        return [QuestionStep(**row) for row in self._rows(query)]
