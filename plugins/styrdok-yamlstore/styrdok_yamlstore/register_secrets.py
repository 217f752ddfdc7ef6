"""The YAML store's own secrets (the :class:`~styrdok.store.base.SecretStore` role), kept in
``secrets.yaml`` — so far the key that signs confirmation links. Unlike the rest of the
folder this file is a secret: whoever reads it can make a link that confirms reading for
anyone. It is written readable by its owner only, and belongs in ``.gitignore`` when the
folder is pushed anywhere others read (a clone without it makes its own key, and links
from the other copy stop working there — nothing else changes)."""

from __future__ import annotations

from styrdok_yamlstore.folder import State


class Secrets:
    """The register's secrets over the register in memory."""

    _state: State

    def get_secret(self, name: str) -> str | None:
        return self._state.secret.get(name)

    def add_secret(self, name: str, value: str) -> str:
        # The folder's lock is held by every write, so the first writer is the only one.
        return self._state.secret.setdefault(name, value)
