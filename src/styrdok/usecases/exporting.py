"""Moving the register out: lossless JSON, CSV for spreadsheets, and open data.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING

from styrdok.usecases.arguments import use_case

if TYPE_CHECKING:
    from styrdok.public import PeopleChoice
    from styrdok.registry import Registry


@use_case
def export_json(registry: Registry, out: IO[str]) -> None:
    """Write the whole register as lossless JSON (streamed; the audit log stays)."""
    from styrdok import exchange

    with registry.session.read() as store:
        exchange.write_json(store, out)


@use_case
def export_csv(registry: Registry, directory: os.PathLike[str] | str) -> list[str]:
    """Write one CSV file per kind of record into ``directory``; returns the file names."""
    from styrdok import exchange

    with registry.session.read() as store:
        return exchange.write_csv(store, directory)


@use_case
def export_public(
    registry: Registry, directory: os.PathLike[str] | str, *, people: PeopleChoice = "roles"
) -> list[str]:
    """Write the register as open data (see :mod:`styrdok.public`) into ``directory``;
    returns the file names."""
    from styrdok import public

    with registry.session.read() as store:
        data = public.build(
            today=registry.today(),
            documents=store.list_documents(),
            dispensations=store.list_dispensations(),
            persons=store.list_persons(),
            bodies=store.list_bodies(),
            people=people,
        )
    return public.write(data, directory)
