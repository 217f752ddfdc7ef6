"""Building an export's records into rows, a chunk at a time, with every check that needs
only the file (issue 19, item 2).

This is the half of a restore that does not touch the database: each record is rebuilt as
a domain object (:func:`styrdok.serialize.from_data`, every field validated), checked
against the records before it in the file (keys of records without a ref, an attachment's
name and content), and turned into the row the store inserts. What needs the register —
whether a ref is taken, whether a reference resolves — is left to
:mod:`styrdok.restoring`, which stores the chunks. Because this half is pure, it runs
either in the restoring process or in a worker process beside it
(:mod:`styrdok.restore_worker`) with the same code and the same messages.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import attrs

from styrdok.errors import AlreadyExists
from styrdok.exchange import (
    REF_TABLES,
    REFERRING,
    SECTIONS,
    UNIQUE_KEYS,
    Section,
    check_files_once,
    reference_fields,
)
from styrdok.jsonstream import ExportReader
from styrdok.serialize import from_data

#: A restore parses, checks and inserts this many records of a section at a time.
RESTORE_CHUNK = 5_000

#: The export's sections by name.
SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}


@attrs.frozen
class BuiltChunk:
    """Consecutive records of one section, rebuilt, checked against the file and made rows."""

    section: str
    """The section's name (``documents``, ``dispensations``, …)."""
    first: int
    """The index of the chunk's first record in its section."""
    rows: list[dict[str, Any]]
    """The rows the store inserts, in the file's order."""
    refs: list[str]
    """The records' refs in order, for a section whose records have one; else empty."""
    references: dict[tuple[str, str], tuple[int, str]]
    """Each (table, ref) the records point at → where it is first named: the record's
    index and the field."""


@attrs.frozen
class SectionRead:
    """A section has been read to its end: a reference to its table resolves now or never."""

    section: str


Built = BuiltChunk | SectionRead


class ChunkBuilder:
    """Builds chunks and remembers what the file-only checks need across chunks."""

    def __init__(self) -> None:
        self.keys: dict[str, set[Any]] = {}  # section → keys of records without a ref
        self.file_names: dict[tuple[str, str], str] = {}
        self.file_contents: set[tuple[str, str]] = set()

    def build(self, section: Section, first: int, records: list[Any]) -> BuiltChunk:
        """Check ``records`` (rebuilt records of ``section`` from index ``first``) against
        the file before them, and make them rows."""
        name = section.name
        if name not in REF_TABLES:
            self._unique_keys(name, first, records)
        references: dict[tuple[str, str], tuple[int, str]] = {}
        if name in REFERRING:
            for i, record in enumerate(records, first):
                for table, ref, field in reference_fields(name, record):
                    references.setdefault((table, ref), (i, field))
        return BuiltChunk(
            section=name,
            first=first,
            rows=[section.to_row(record) for record in records],
            refs=[record.ref for record in records] if name in REF_TABLES else [],
            references=references,
        )

    def _unique_keys(self, name: str, first: int, records: list[Any]) -> None:
        key = UNIQUE_KEYS[name]
        keys = self.keys.setdefault(name, set())
        for i, record in enumerate(records, first):
            k = key(record)
            if k is not None and k in keys:
                raise AlreadyExists(f"{k} appears twice @ $.{name}[{i}]")
            keys.add(k)
        if name == "attachments":
            check_files_once(records, first, self.file_names, self.file_contents)


def built(reader: ExportReader, *, chunk: int | None = None) -> Iterator[Built]:
    """The export ``reader`` reads, as built chunks of at most ``chunk`` records
    (:data:`RESTORE_CHUNK`) and the end of each section, in the file's order. Raises on
    the first problem, naming it."""
    chunk = chunk or RESTORE_CHUNK
    builder = ChunkBuilder()
    for name, records in reader.sections():
        section = SECTIONS_BY_NAME[name]
        chunk_records: list[Any] = []
        first = 0
        for i, data in records:
            # Rebuilt as read: a record's own problem is named before anything after it.
            chunk_records.append(from_data(data, section.cls, where=f"$.{name}[{i}]"))
            if len(chunk_records) == chunk:
                done = builder.build(section, first, chunk_records)
                # The records are rows now: not held while the chunk is stored.
                first, chunk_records = i + 1, []
                yield done
                del done
        if chunk_records:
            done = builder.build(section, first, chunk_records)
            chunk_records = []
            yield done
            del done
        yield SectionRead(name)


def collect_young() -> None:
    """Collect the young generations: call once a chunk has been stored (or sent).

    A restore runs with the cyclic collector paused (records are acyclic and freed with
    their chunk), but a chunk leaves a few reference cycles behind (the database library's
    statements for looking refs up, among others): never collected while paused, they grew
    a national restore from 148 to 280 MB. Collecting the young generations after each
    chunk frees them at the cost of walking what one chunk left alive."""
    gc.collect(1)
