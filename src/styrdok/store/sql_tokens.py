"""The SQL store's personal API tokens (the :class:`~styrdok.store.base.TokenStore`
role): one row per token, found by its id — the primary key — on every request."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from styrdok.store import convert, tables
from styrdok.store.sql_base import SqlBase
from styrdok.tokens import ApiToken


class SqlTokens(SqlBase):
    """Personal API tokens in SQL."""

    def insert_token(self, token: ApiToken) -> None:
        self._insert(tables.api_token, convert.token_to_row(token), f"API token {token.id}")

    def get_token(self, token_id: str) -> ApiToken | None:
        t = tables.api_token
        row = self._one(sa.select(t).where(t.c.id == token_id))
        return convert.token_from_row(row) if row else None

    def list_tokens(self, person: str | None = None) -> list[ApiToken]:
        t = tables.api_token
        query = sa.select(t).order_by(t.c.person, t.c.created_at, t.c.id)
        if person is not None:
            query = query.where(t.c.person == person)
        return [convert.token_from_row(r) for r in self._rows(query)]

    def replace_token(self, token: ApiToken) -> None:
        t = tables.api_token
        row = convert.token_to_row(token)
        del row["id"]
        self.conn.execute(t.update().where(t.c.id == token.id).values(**row))

    def mark_token_used(self, token_id: str, on: dt.date) -> None:
        """One conditional UPDATE: two requests on the same day, in two processes, write
        the day once, and a clock that went back never moves it backwards."""
        t = tables.api_token
        self.conn.execute(
            t.update()
            .where(t.c.id == token_id, sa.or_(t.c.last_used_on.is_(None), t.c.last_used_on < on))
            .values(last_used_on=on)
        )
