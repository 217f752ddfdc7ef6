"""Moving the register out: lossless JSON, CSV for spreadsheets, and open data.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from styrdok.usecases.arguments import use_case
from styrdok.usecases.document_views import applying_now
from styrdok.usecases.work import evolve

if TYPE_CHECKING:
    from styrdok.audit import AuditHead
    from styrdok.model import Document
    from styrdok.public import PeopleChoice
    from styrdok.registry import Registry


@use_case
def export_json(
    registry: Registry, out: IO[str], *, progress: Callable[[int], None] | None = None
) -> None:
    """Write the whole register as lossless JSON (streamed; the audit log stays).
    ``progress`` is called with the number of records written since its last call."""
    from styrdok import exchange

    with registry.session.read() as store:
        exchange.write_json(store, out, progress=progress)


@use_case
def export_csv(
    registry: Registry, directory: os.PathLike[str] | str, *, excel: bool = False
) -> list[str]:
    """Write one CSV file per kind of record into ``directory``; returns the file names.
    With ``excel`` the files are in Swedish Excel's dialect (semicolons, decimal commas)."""
    from styrdok import csv_export

    with registry.session.read() as store:
        return csv_export.write_csv(store, directory, excel=excel)


@use_case
def export_public(
    registry: Registry,
    directory: os.PathLike[str] | str,
    *,
    people: PeopleChoice = "roles",
    language: Literal["sv", "en"] = "sv",
) -> list[str]:
    """Write the register as open data (see :mod:`styrdok.public`) into ``directory``,
    and beside it :data:`AUDIT_HEAD_FILE`, the audit log's head, so outsiders can anchor
    the log; returns the file names. ``language`` is the publication's: it names what
    stands in for a scrubbed e-mail address."""
    from styrdok import exchange, public
    from styrdok.audit import read_head

    today = registry.today()
    with registry.session.read() as store:
        # A reader outside knows "IT-enheten", not the unit code KLF-IT.
        units = {unit.ref: unit.name for unit in store.list_units()}
        persons = [
            evolve(p, unit=units[p.unit]) if p.unit in units else p for p in store.list_persons()
        ]
        publisher = public.Publisher(
            today=today,
            persons=persons,
            bodies=store.list_bodies(),
            people=people,
            language=language,
        )

        def by_name(record: Any) -> Any:  # what it applies to, by the units' names
            if not any(u in units for u in record.applies_to):
                return record
            return evolve(record, applies_to=[units.get(u, u) for u in record.applies_to])

        published: set[str] = set()  # refs only: the records themselves are not kept

        def documents() -> Iterator[dict[str, Any]]:
            waiting = []
            for document in exchange.records(store, "documents"):
                if document.new_version_from(today) is not None:
                    # A version adopted to take effect later is not published before its
                    # day: the one in force is looked up once the stream is read (few).
                    waiting.append(document)
                    continue
                yield from _published(document)
            for document in waiting:
                yield from _published(applying_now(store, document, today))

        def _published(document: Document) -> Iterator[dict[str, Any]]:
            record = publisher.document(by_name(document))
            if record is not None:
                published.add(document.ref)
                yield record

        def dispensations() -> Iterator[dict[str, Any]]:
            for disp in exchange.records(store, "dispensations"):
                record = publisher.dispensation(by_name(disp), published)
                if record is not None:
                    yield record

        names = public.write_stream(
            directory,
            generated_on=today,
            people=people,
            documents=documents(),
            dispensations=dispensations(),
        )
        head = read_head(store)
    return [*names, _write_audit_head(head, Path(directory), at=registry.now())]


#: The public export's anchor file: the audit log's head when the export was made.
AUDIT_HEAD_FILE = "audit-head.json"


def _write_audit_head(head: AuditHead, folder: Path, *, at: dt.datetime) -> str:
    """Write :data:`AUDIT_HEAD_FILE` (count, full head hash, chain, time; no personal
    data) whole or not at all; returns its name."""
    from styrdok.files import write_atomically

    record = {
        "events": head.events,
        "head": head.hash,
        "chain": head.chain,
        "at": at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "verify": f"styrdok audit verify --expect {head.hash} --expect-count {head.events}"
        if head.events
        else None,
    }

    def as_json(handle: IO[str]) -> None:
        json.dump(record, handle, indent=2)
        handle.write("\n")

    write_atomically(folder / AUDIT_HEAD_FILE, as_json)
    return AUDIT_HEAD_FILE
