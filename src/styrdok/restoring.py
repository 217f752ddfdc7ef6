"""Restoring an export into an empty register a chunk at a time (issue 19, item 2).

The file is read as it streams (:mod:`styrdok.jsonstream`), each record rebuilt as a domain
object and checked as :func:`styrdok.exchange.validate` checks a whole file, and stored in
chunks through the store's bulk insert, all in the caller's one transaction: memory holds a
chunk, not the register.

Building the records (:mod:`styrdok.restore_chunks`) needs only the file; storing them needs
the register. Both halves run here, one after the other; asked to (``parallel``), the
records are built in a worker process (:mod:`styrdok.restore_worker`) while this one
stores the chunks already built. Either way the same code checks every record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from styrdok import restore_chunks
from styrdok.errors import AlreadyExists, NotFound
from styrdok.exchange import REF_TABLES, SECTIONS, Progress
from styrdok.gcpause import paused_gc
from styrdok.restore_chunks import (
    SECTIONS_BY_NAME,
    Built,
    BuiltChunk,
    SectionRead,
    built,
    collect_young,
)
from styrdok.store.base import Store
from styrdok.text import ref_key

#: At most this many refs per table are remembered as present, sparing the store a lookup.
_KNOWN_AT_MOST = 50_000


def restore(
    store: Store,
    source: IO[str] | IO[bytes],
    *,
    progress: Progress | None = None,
    parallel: bool = False,
) -> tuple[dict[str, int], str]:
    """Restore an export into an empty store, reading it a chunk of records at a time:
    each record rebuilt as a domain object, checked and inserted, the file hashed as read.
    Call inside a transaction: on any problem it raises, naming the record, and the caller
    rolls back. Returns how many records of each kind, and the file's SHA-256.

    Memory holds a chunk of records, not the file: the rows already inserted answer
    whether a ref is taken or a reference resolves (:meth:`~styrdok.store.base.BulkStore.
    existing_refs`); only references to records later in the file, and the keys of records
    without a ref (versions, numbered records, acknowledgements, files), are kept.

    With ``parallel`` the records are built in a worker process while this one stores
    them (:mod:`styrdok.restore_worker`): the same checks and messages, about a quarter
    faster with a second core, and the worker's memory besides this process's."""
    from styrdok import restore_worker
    from styrdok.jsonstream import ExportReader

    # Every record becomes a few acyclic objects that reference counting frees with their
    # chunk; the cyclic collector would walk the young ones every 700 allocations and find
    # nothing (see styrdok.gcpause).
    with paused_gc():
        if parallel:
            with restore_worker.WorkerChunks(source) as worker:
                counts = _store_chunks(store, worker.chunks(), progress)
                return counts, worker.sha256
        reader = ExportReader(source)
        counts = _store_chunks(store, built(reader), progress)
        return counts, reader.sha256


def _store_chunks(
    store: Store, chunks: Iterator[Built], progress: Progress | None
) -> dict[str, int]:
    """Check each built chunk against the register and insert it; how many of each kind."""
    checks = _RestoreChecks(store)
    counts = dict.fromkeys((section.name for section in SECTIONS), 0)
    for item in chunks:
        if isinstance(item, SectionRead):
            checks.read(item.section)
            continue
        counts[item.section] += checks.add(item)
        if progress is not None:
            progress(len(item.rows))
        del item  # stored: its rows are not held while the next chunk is built
        collect_young()
    checks.finish()
    return counts


class _RestoreChecks:
    """What :func:`styrdok.exchange.validate` checks that needs the register, chunk by
    chunk: refs not taken, references that resolve."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, set[str]] = {table: set() for table in REF_TABLES.values()}
        # (table, ref) → where, for references not resolved yet (to a record further on).
        self.pending: dict[tuple[str, str], str] = {}
        self.complete: set[str] = set()  # tables whose section has been read to its end

    def read(self, name: str) -> None:
        """Section ``name`` is read: a reference to its table resolves now or never."""
        if name in REF_TABLES:
            self.complete.add(REF_TABLES[name])

    def add(self, chunk: BuiltChunk) -> int:
        """Check a built chunk against the register and insert it."""
        name = chunk.section
        table = SECTIONS_BY_NAME[name].table
        if name in REF_TABLES:
            self._unique_refs(name, chunk.first, chunk.refs)
        count = self.store.bulk_insert(table, chunk.rows)
        if name in REF_TABLES:
            refs = set(chunk.refs)
            self._remember(table, refs)
            for ref in refs if self.pending else ():
                self.pending.pop((table, ref), None)
        # After the insert: a reference may point at a record of this very chunk.
        if chunk.references:
            self._resolve(name, chunk.references)
        return count

    def _unique_refs(self, name: str, first: int, refs: list[str]) -> None:
        table = REF_TABLES[name]
        # Records of earlier chunks are in the store already.
        stored = {ref_key(ref): ref for ref in self.store.existing_refs(table, refs)}
        spelled: dict[str, str] = {}  # ref_key → the first spelling in this chunk
        for i, ref in enumerate(refs, first):
            folded = ref_key(ref)
            earlier = stored.get(folded) or spelled.get(folded)
            if earlier is not None:
                how = (
                    ""
                    if earlier == ref
                    else f" (as {earlier}; refs are compared regardless of case)"
                )
                raise AlreadyExists(f"{ref} appears twice @ $.{name}[{i}]{how}")
            spelled[folded] = ref

    def _resolve(self, name: str, references: dict[tuple[str, str], tuple[int, str]]) -> None:
        """Check the references a chunk of section ``name`` makes ((table, ref) → the
        record's index and field that first names it)."""
        asked = [key for key in references if key[1] not in self.known[key[0]]]
        for table in self.known:
            refs = sorted({ref for t, ref in asked if t == table})
            if not refs:
                continue
            self._remember(table, set(self.store.existing_refs(table, refs)) & set(refs))
        for table, ref in asked:
            if ref not in self.known[table]:
                i, field = references[(table, ref)]
                where = f"$.{name}[{i}].{field}"
                if table in self.complete:
                    raise NotFound(f"unknown {table} {ref!r} @ {where}")
                self.pending.setdefault((table, ref), where)

    def _remember(self, table: str, present: set[str]) -> None:
        """Note refs of ``table`` that are stored, forgetting all once there are too many."""
        known = self.known[table]
        if len(known) + len(present) > _KNOWN_AT_MOST:
            known.clear()
        known |= present

    def finish(self) -> None:
        """Every reference still open must point at a record that came later in the file."""
        for table in self.known:
            refs = sorted({ref for t, ref in self.pending if t == table})
            step = restore_chunks.RESTORE_CHUNK
            for start in range(0, len(refs), step):
                part = refs[start : start + step]
                found = set(self.store.existing_refs(table, part))
                for ref in part:
                    if ref in found:
                        del self.pending[(table, ref)]
        for (table, ref), where in self.pending.items():
            raise NotFound(f"unknown {table} {ref!r} @ {where}")
