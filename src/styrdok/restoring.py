"""Restoring an export into an empty register a chunk at a time (issue 19, item 2).

The file is read as it streams (:mod:`styrdok.jsonstream`), each record rebuilt as a domain
object and checked as :func:`styrdok.exchange.validate` checks a whole file, and stored in
chunks through the store's bulk insert, all in the caller's one transaction: memory holds a
chunk, not the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from styrdok.errors import AlreadyExists, NotFound
from styrdok.exchange import (
    REF_TABLES,
    REFERRING,
    SECTIONS,
    UNIQUE_KEYS,
    Progress,
    Section,
    check_files_once,
    references,
)
from styrdok.gcpause import paused_gc
from styrdok.serialize import from_data
from styrdok.store.base import Store
from styrdok.text import ref_key

#: A restore parses, checks and inserts this many records of a section at a time.
RESTORE_CHUNK = 5_000

#: At most this many refs per table are remembered as present, sparing the store a lookup.
_KNOWN_AT_MOST = 50_000


def restore(
    store: Store, source: IO[str] | IO[bytes], *, progress: Progress | None = None
) -> tuple[dict[str, int], str]:
    """Restore an export into an empty store, reading it a chunk of records at a time:
    each record rebuilt as a domain object, checked and inserted, the file hashed as read.
    Call inside a transaction: on any problem it raises, naming the record, and the caller
    rolls back. Returns how many records of each kind, and the file's SHA-256.

    Memory holds a chunk of records, not the file: the rows already inserted answer
    whether a ref is taken or a reference resolves (:meth:`~styrdok.store.base.BulkStore.
    existing_refs`); only references to records later in the file, and the keys of records
    without a ref (versions, numbered records, acknowledgements, files), are kept."""
    # Every record becomes a few acyclic objects that reference counting frees with their
    # chunk; the cyclic collector would walk the young ones every 700 allocations and find
    # nothing (see styrdok.gcpause).
    with paused_gc():
        return _restore(store, source, progress)


def _restore(
    store: Store, source: IO[str] | IO[bytes], progress: Progress | None
) -> tuple[dict[str, int], str]:
    """:func:`restore`, with the collector paused."""
    from styrdok.jsonstream import ExportReader

    reader = ExportReader(source)
    checks = _RestoreChecks(store)
    counts = dict.fromkeys((section.name for section in SECTIONS), 0)
    by_name = {section.name: section for section in SECTIONS}
    for name, records in reader.sections():
        section = by_name[name]
        chunk: list[Any] = []
        first = 0
        for i, data in records:
            chunk.append(from_data(data, section.cls, where=f"$.{name}[{i}]"))
            if len(chunk) == RESTORE_CHUNK:
                counts[name] += checks.add(section, first, chunk)
                if progress is not None:
                    progress(len(chunk))
                first, chunk = i + 1, []
        if chunk:
            counts[name] += checks.add(section, first, chunk)
            if progress is not None:
                progress(len(chunk))
        checks.read(name)
    checks.finish()
    return counts, reader.sha256


class _RestoreChecks:
    """What :func:`styrdok.exchange.validate` check, chunk by chunk."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.keys: dict[str, set[Any]] = {}  # section → keys of records without a ref
        self.file_names: dict[tuple[str, str], str] = {}
        self.file_contents: set[tuple[str, str]] = set()
        self.known: dict[str, set[str]] = {table: set() for table in REF_TABLES.values()}
        # (table, ref) → where, for references not resolved yet (to a record further on).
        self.pending: dict[tuple[str, str], str] = {}
        self.complete: set[str] = set()  # tables whose section has been read to its end

    def read(self, name: str) -> None:
        """Section ``name`` is read: a reference to its table resolves now or never."""
        if name in REF_TABLES:
            self.complete.add(REF_TABLES[name])

    def add(self, section: Section, first: int, records: list[Any]) -> int:
        """Check a chunk of ``section`` (its first record at ``first``) and insert it."""
        name = section.name
        if name in REF_TABLES:
            self._unique_refs(name, first, records)
        else:
            self._unique_keys(name, first, records)
        count = self.store.bulk_insert(section.table, map(section.to_row, records))
        if name in REF_TABLES:
            refs = {record.ref for record in records}
            self._remember(section.table, refs)
            for ref in refs if self.pending else ():
                self.pending.pop((section.table, ref), None)
        # After the insert: a reference may point at a record of this very chunk.
        if name in REFERRING:
            self._resolve(
                reference
                for i, record in enumerate(records, first)
                for reference in references(name, record, f"$.{name}[{i}]")
            )
        return count

    def _unique_refs(self, name: str, first: int, records: list[Any]) -> None:
        table = REF_TABLES[name]
        # Records of earlier chunks are in the store already.
        stored = {
            ref_key(ref): ref for ref in self.store.existing_refs(table, [r.ref for r in records])
        }
        spelled: dict[str, str] = {}  # ref_key → the first spelling in this chunk
        for i, record in enumerate(records, first):
            folded = ref_key(record.ref)
            earlier = stored.get(folded) or spelled.get(folded)
            if earlier is not None:
                how = (
                    ""
                    if earlier == record.ref
                    else f" (as {earlier}; refs are compared regardless of case)"
                )
                raise AlreadyExists(f"{record.ref} appears twice @ $.{name}[{i}]{how}")
            spelled[folded] = record.ref

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

    def _resolve(self, references: Iterable[tuple[str, str, str]]) -> None:
        asked: dict[tuple[str, str], str] = {}
        for table, ref, where in references:
            if ref not in self.known[table]:
                asked.setdefault((table, ref), where)
        for table in self.known:
            refs = sorted({ref for t, ref in asked if t == table})
            if not refs:
                continue
            self._remember(table, set(self.store.existing_refs(table, refs)) & set(refs))
        for (table, ref), where in asked.items():
            if ref not in self.known[table]:
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
            for start in range(0, len(refs), RESTORE_CHUNK):
                part = refs[start : start + RESTORE_CHUNK]
                found = set(self.store.existing_refs(table, part))
                for ref in part:
                    if ref in found:
                        del self.pending[(table, ref)]
        for (table, ref), where in self.pending.items():
            raise NotFound(f"unknown {table} {ref!r} @ {where}")
