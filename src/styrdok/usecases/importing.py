"""Moving a register in: restoring or importing an export, all or nothing.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from styrdok import events, rules
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import SYSTEM_ACTOR

if TYPE_CHECKING:
    from styrdok.registry import Registry


@use_case
def import_json(registry: Registry, source: IO[str], *, actor: str | None) -> dict[str, int]:
    """Load an export. All or nothing: any problem names the record and writes nothing.
    Into an empty registry anyone may restore; otherwise an administrator, and no
    reference may clash with one already present."""
    from styrdok import exchange

    data = exchange.read_json(source)
    with registry.session.work(actor, bootstrap=True) as work:
        acting = SYSTEM_ACTOR
        if work.store.count_persons() > 0:
            rules.require_admin(work.actor, "import")
            acting = work.actor.ref
        counts = exchange.load(work.store, data)
        work.record(events.RegistryImported, "registry:", None, {"counts": counts}, actor=acting)
    return counts
