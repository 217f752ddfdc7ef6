"""The YAML store's opt-outs (the :class:`~styrdok.store.base.PreferenceStore` role), kept
in ``preferences.yaml``: each person with the kinds of notice they do not want."""

from __future__ import annotations

from collections.abc import Iterable

from styrdok.notify import NoticeKind
from styrdok_yamlstore.folder import State


class Preferences:
    """What each person opted out of, over the register in memory."""

    _state: State

    def muted_kinds(self, persons: Iterable[str]) -> dict[str, frozenset[NoticeKind]]:
        known = {kind.value: kind for kind in NoticeKind}
        found = {}
        for person in set(persons):
            kinds = frozenset(known[k] for k in self._state.muted.get(person, ()) if k in known)
            if kinds:
                found[person] = kinds
        return found

    def set_muted(self, person: str, kinds: Iterable[NoticeKind]) -> None:
        codes = tuple(sorted({kind.value for kind in kinds}))
        if codes:
            self._state.muted[person] = codes
        else:
            self._state.muted.pop(person, None)
