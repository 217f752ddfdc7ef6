"""The YAML store's personal API tokens (the :class:`~styrdok.store.base.TokenStore`
role), kept in ``tokens.yaml``: each token with the SHA-256 of its secret, never the
secret. A hash of 256 random bits gives nothing away, so the file may be committed with
the rest of the folder; the day a token was last used changes it at most once a day."""

from __future__ import annotations

import datetime as dt

from styrdok import fields
from styrdok.errors import AlreadyExists
from styrdok.tokens import ApiToken
from styrdok_yamlstore.folder import State


class Tokens:
    """Personal API tokens over the register in memory."""

    _state: State

    def insert_token(self, token: ApiToken) -> None:
        if token.id in self._state.api_token:
            raise AlreadyExists(f"API token {token.id} already exists")
        self._state.api_token[token.id] = token

    def get_token(self, token_id: str) -> ApiToken | None:
        return self._state.api_token.get(token_id)

    def list_tokens(self, person: str | None = None) -> list[ApiToken]:
        """By person, then creation time, then id (as the SQL store sorts)."""
        found = (t for t in self._state.api_token.values() if person in (None, t.person))
        return sorted(found, key=lambda t: (t.person, t.created_at, t.id))

    def replace_token(self, token: ApiToken) -> None:
        self._state.api_token[token.id] = token

    def mark_token_used(self, token_id: str, on: dt.date) -> None:
        token = self._state.api_token.get(token_id)
        if token is not None and (token.last_used_on is None or token.last_used_on < on):
            self._state.api_token[token_id] = fields.evolve(token, last_used_on=on)
