"""The YAML store's folder format: the register in memory, and reading and writing it.

The layout is described in :mod:`styrdok_yamlstore.store`. In memory every table is a
mapping from its key (as in :mod:`styrdok.store.tables`) to an immutable record, so a
shallow copy of each mapping is a snapshot, and the records a transaction changed are the
ones that are no longer the same object: only their files are written.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import fcntl
import json
import operator
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import attrs
import yaml

from styrdok import migrations
from styrdok.audit import time_text
from styrdok.errors import RegistryUnavailable
from styrdok.model import (
    AuditEvent,
    Body,
    Dispensation,
    Document,
    DocumentVersion,
    Person,
    Question,
    Review,
)
from styrdok.outbox import Notice
from styrdok.serialize import from_data, to_data

FORMAT = "styrdok-yaml"

#: outbox.yaml keys in the order earlier versions wrote them, so a rewrite diffs cleanly.
NOTICE_KEYS = (
    "id", "item", "kind", "threshold", "recipient", "channel", "title", "owner", "due_on",
    "send_on", "state", "attempts", "last_error", "created_on", "sent_at", "claimed_by",
    "claimed_until",
)  # fmt: skip

T = TypeVar("T")


#: The records the store numbers.
N = TypeVar("N", Review, Question, Notice)


def by_id(records: Iterable[N]) -> dict[int, N]:
    """Stored numbered records by their number."""
    found: dict[int, N] = {}
    for record in records:
        assert record.id is not None, "a stored record has its number"
        found[record.id] = record
    return found


def number(table: dict[int, N], record: N) -> N:
    """Store a numbered record under its own number if that is free, else the next one."""
    given = record.id
    free = given if given is not None and given not in table else max(table, default=0) + 1
    table[free] = stored = attrs.evolve(record, id=free)
    return stored


@attrs.define
class State:
    """Everything in the folder: each table by its name and key in the database schema
    (:mod:`styrdok.store.tables`), and the audit log oldest first."""

    person: dict[str, Person] = attrs.field(factory=dict)
    body: dict[str, Body] = attrs.field(factory=dict)
    document: dict[str, Document] = attrs.field(factory=dict)
    document_version: dict[tuple[str, int], DocumentVersion] = attrs.field(factory=dict)
    review: dict[int, Review] = attrs.field(factory=dict)
    dispensation: dict[str, Dispensation] = attrs.field(factory=dict)
    question: dict[int, Question] = attrs.field(factory=dict)
    notice: dict[int, Notice] = attrs.field(factory=dict)
    audit_event: list[AuditEvent] = attrs.field(factory=list)

    def copy(self) -> State:
        """A snapshot: the mappings copied, the (immutable) records shared."""
        return State(**{f.name: copy.copy(getattr(self, f.name)) for f in attrs.fields(State)})

    def audit_index(self, seq: int) -> int:
        """Where event ``seq`` is, or would be, in the log."""
        return bisect.bisect_left(self.audit_event, seq, key=operator.attrgetter("seq"))


def _plain(obj: Any) -> Any:
    """Domain data as plain YAML-safe values (enums, Decimals and tuples become JSON's)."""
    return json.loads(json.dumps(to_data(obj), ensure_ascii=False))


def _dump(data: Any) -> str:
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


def _audit_line(event: AuditEvent) -> str:
    data = to_data(event)
    data["at"] = time_text(event.at)  # the hashed text, to the microsecond
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def review_order(review: Review) -> tuple[dt.date, int]:
    """How a document's reviews are listed, in its file too."""
    return review.reviewed_on, review.id or 0


def _changed(before: Mapping[Any, T], after: Mapping[Any, T]) -> list[T]:
    """The records of ``after`` added or replaced since ``before`` (none are deleted)."""
    return [record for key, record in after.items() if before.get(key) is not record]


class Folder:
    """One register folder: its lock, and its files read into and written from a
    :class:`State`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def initialise(self) -> None:
        """Create the layout (``styrdok init``); an existing register is left as it is."""
        for sub in ("documents", "dispensations"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        marker = self.path / "styrdok.yaml"
        if not marker.exists():
            self.write(
                marker, _dump({"format": FORMAT, "schema": migrations.HEAD, "generation": 0})
            )
            for name in ("people", "bodies", "questions", "outbox"):
                self.write(self.path / f"{name}.yaml", _dump([]))
            (self.path / "audit.jsonl").touch()

    def marker(self) -> dict[str, Any]:
        """``styrdok.yaml``: format, schema revision and the change counter (``generation``)."""
        path = self.path / "styrdok.yaml"
        data = self._read(path) if path.exists() else None
        return data if isinstance(data, dict) else {}

    @contextmanager
    def locked(self, *, write: bool) -> Iterator[None]:
        """Hold the folder's lock: exclusive to write, shared to read."""
        if not self.path.is_dir():
            raise RegistryUnavailable(f"no registry folder at {self.path}")
        with (self.path / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            yield

    @staticmethod
    def write(path: Path, text: str) -> None:
        """Replace a file atomically: a reader sees the old file or the new one."""
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)

    def _read(self, path: Path) -> Any:
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RegistryUnavailable(f"cannot read {path}: {exc}") from None

    def _list(self, name: str, cls: type[T]) -> list[T]:
        path = self.path / name
        data = self._read(path) if path.exists() else None
        return [from_data(item, cls, where=f"{name}[{i}]") for i, item in enumerate(data or [])]

    # --- reading --------------------------------------------------------------------------

    def load(self) -> State:
        """Read the whole folder."""
        state = State(
            person={p.ref: p for p in self._list("people.yaml", Person)},
            body={b.ref: b for b in self._list("bodies.yaml", Body)},
            question=by_id(self._list("questions.yaml", Question)),
            notice=by_id(self._list("outbox.yaml", Notice)),
        )
        for path in sorted((self.path / "documents").glob("*.yaml")):
            data = self._read(path)
            document = from_data(data["document"], Document, where=path.name)
            state.document[document.ref] = document
            for item in data["versions"]:
                version = from_data(item, DocumentVersion, where=path.name)
                state.document_version[(version.document_ref, version.version)] = version
            state.review.update(
                by_id(from_data(r, Review, where=path.name) for r in data["reviews"])
            )
        for path in sorted((self.path / "dispensations").glob("*.yaml")):
            dispensation = from_data(self._read(path), Dispensation, where=path.name)
            state.dispensation[dispensation.ref] = dispensation
        audit = self.path / "audit.jsonl"
        if audit.exists():
            with audit.open(encoding="utf-8") as lines:
                state.audit_event = [
                    from_data(json.loads(line), AuditEvent, where=f"audit.jsonl:{number}")
                    for number, line in enumerate(lines, 1)
                    if line.strip()
                ]
        return state

    # --- writing --------------------------------------------------------------------------

    def save(self, before: State, after: State) -> int | None:
        """Write the files of the records that changed since ``before`` — the audit log
        last, as it says what the commit did — and count the change in ``styrdok.yaml``.
        Returns the new generation, or ``None`` when nothing changed."""
        written = False
        for name, old, new in (
            ("people.yaml", before.person, after.person),
            ("bodies.yaml", before.body, after.body),
            ("questions.yaml", before.question, after.question),
            ("outbox.yaml", before.notice, after.notice),
        ):
            if _changed(old, new):
                records = [_plain(r) for _, r in sorted(new.items())]
                if name == "outbox.yaml":
                    records = [{key: r[key] for key in NOTICE_KEYS} for r in records]
                self.write(self.path / name, _dump(records))
                written = True
        for dispensation in _changed(before.dispensation, after.dispensation):
            path = self.path / "dispensations" / f"{dispensation.ref}.yaml"
            self.write(path, _dump(_plain(dispensation)))
            written = True
        written |= self._save_documents(before, after)
        written |= self._save_audit(before.audit_event, after.audit_event)
        if not written:
            return None
        marker = self.marker()
        marker["generation"] = int(marker.get("generation", 0)) + 1
        self.write(self.path / "styrdok.yaml", _dump(marker))
        return int(marker["generation"])

    def _save_documents(self, before: State, after: State) -> bool:
        """A document's file holds it, its adopted versions and its reviews."""
        refs = {d.ref for d in _changed(before.document, after.document)}
        refs.update(
            v.document_ref for v in _changed(before.document_version, after.document_version)
        )
        refs.update(r.document_ref for r in _changed(before.review, after.review))
        parts: dict[str, tuple[list[DocumentVersion], list[Review]]] = {r: ([], []) for r in refs}
        for (ref, _), version in sorted(after.document_version.items()):
            if ref in parts:
                parts[ref][0].append(version)
        for review in sorted(after.review.values(), key=review_order):
            if review.document_ref in parts:
                parts[review.document_ref][1].append(review)
        for ref, (versions, reviews) in sorted(parts.items()):
            data = {"document": after.document[ref], "versions": versions, "reviews": reviews}
            self.write(self.path / "documents" / f"{ref}.yaml", _dump(_plain(data)))
        return bool(refs)

    def _save_audit(self, before: list[AuditEvent], after: list[AuditEvent]) -> bool:
        path = self.path / "audit.jsonl"
        if len(after) >= len(before) and all(map(operator.is_, before, after)):
            added = after[len(before) :]
            if added:  # the usual case: events appended, the earlier lines untouched
                with path.open("a", encoding="utf-8") as handle:
                    handle.writelines(_audit_line(event) for event in added)
                    handle.flush()
                    os.fsync(handle.fileno())
            return bool(added)
        # Events were replaced (the chain re-sealed): the log is written anew.
        self.write(path, "".join(_audit_line(event) for event in after))
        return True
