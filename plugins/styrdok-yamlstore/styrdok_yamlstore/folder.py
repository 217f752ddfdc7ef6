"""The YAML store's folder format: the register in memory, and reading and writing it.

The layout is described in :mod:`styrdok_yamlstore.store`. In memory every table is a
mapping from its key (as in :mod:`styrdok.store.tables`) to an immutable record, so a
shallow copy of each mapping is a snapshot, and the records a transaction changed are the
ones that are no longer the same object: only their files are written.

Reading is strict, as the files may have been edited by hand or by a merge: whatever is
wrong with a file — not UTF-8, not YAML, too large or too deep, a key twice, a missing or
unknown field, a wrong type, a record under another record's name — is one
:class:`~styrdok.errors.RegistryUnavailable` line naming the file and the field, e.g.
``documents/POL-IS-01.yaml: invalid value for type, expected date @ $.valid_until``.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import fcntl
import json
import operator
import os
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import attrs
import yaml

from styrdok import fields, migrations
from styrdok.attachment import Attachment
from styrdok.audit import time_text
from styrdok.errors import AlreadyExists, InvalidValue, RegistryUnavailable
from styrdok.model import (
    Acknowledgement,
    AuditEvent,
    Body,
    Dispensation,
    Document,
    DocumentVersion,
    Person,
    Question,
    Review,
    Unit,
)
from styrdok.outbox import Notice
from styrdok.serialize import from_data, to_data
from styrdok.tokens import ApiToken

FORMAT = "styrdok-yaml"

#: outbox.yaml keys in the order earlier versions wrote them, so a rewrite diffs cleanly.
NOTICE_KEYS = (
    "id", "item", "kind", "threshold", "recipient", "channel", "title", "owner", "due_on",
    "send_on", "state", "attempts", "last_error", "created_on", "sent_at", "claimed_by",
    "claimed_until",
)  # fmt: skip

#: The register's own secrets (``register_secrets.py``), by name: readable by its owner only.
SECRETS = "secrets.yaml"
#: The kinds of notice each person opted out of (``preferences.py``), by person.
PREFERENCES = "preferences.yaml"

#: A larger file is refused unread: the store is meant for a few thousand records.
MAX_FILE_BYTES = 10_000_000
#: Lists and mappings nest at most this deep (a document's file needs 7 levels).
MAX_DEPTH = 20

T = TypeVar("T")
#: The records the store numbers.
N = TypeVar("N", Review, Question, Notice, Attachment)


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """YAML as styrdok writes it: no anchors, aliases or tags — styrdok never writes them,
    and aliases can expand exponentially ("billion laughs") — no key twice in a mapping,
    nesting at most :data:`MAX_DEPTH` deep, and dates kept as text for the converter."""

    yaml_implicit_resolvers: typing.ClassVar[dict[str, list[Any]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if event.anchor is not None or getattr(event, "tag", None) is not None:
            _refuse("anchors, aliases and tags (&, *, !) are not read", event)
        if self.depth == MAX_DEPTH:
            _refuse(f"nested more than {MAX_DEPTH} deep", event)
        self.depth += 1
        node = super().compose_node(parent, index)
        self.depth -= 1
        keys = [k for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
        seen: set[tuple[str, str]] = set()
        for key in (k for k in keys if isinstance(k, yaml.ScalarNode)):
            if (key.tag, key.value) in seen:
                _refuse(f"the key {key.value!r} twice", key)
            seen.add((key.tag, key.value))
        return node


def _refuse(problem: str, at: Any) -> typing.NoReturn:
    raise yaml.composer.ComposerError(None, None, problem, at.start_mark)


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """Whatever is wrong with the file ``name`` as one line naming it (and the field)."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise RegistryUnavailable(f"{name}: not UTF-8: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise RegistryUnavailable(f"{name}: not JSON: {exc.msg}: column {exc.colno}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RegistryUnavailable(f"{name}: {at}{problem}") from None
    except RecursionError:
        raise RegistryUnavailable(f"{name}: nested too deeply") from None
    except (InvalidValue, OSError) as exc:
        raise RegistryUnavailable(f"{name}: {getattr(exc, 'strerror', None) or exc}") from None


def _fill(table: dict[Any, T], name: str, what: str, keyed: Iterator[tuple[Any, T]]) -> None:
    """Put the records read from file ``name`` in their table, refusing a key given twice
    (in this file or another) or not at all."""
    for key, record in keyed:
        if key is None or key in table:
            problem = "without its id" if key is None else f"{key!r} appears twice"
            raise RegistryUnavailable(f"{name}: {what} {problem}")
        table[key] = record


def _own(name: str, ref: str, where: str) -> None:
    """Refuse a record in a document's or dispensation's file that is not the file's own:
    the file is named after the ref (``documents/POL-IS-01.yaml``)."""
    if f"/{ref}.yaml" != name[name.index("/") :]:
        raise RegistryUnavailable(
            f"{name}: {ref!r} is not the ref the file is named for @ $.{where}"
        )


@attrs.frozen
class FileEntry:
    """An attached file as its document's file keeps it: what it is, and its text."""

    attachment: Attachment
    text: str = ""
    """The text read from the file, for search."""


@attrs.frozen
class DocumentFile:
    """A document's file: the document, its adopted versions and its reviews, and its
    attached files (left out of the file when there are none)."""

    document: Document
    versions: list[DocumentVersion]
    reviews: list[Review]
    attachments: list[FileEntry] = attrs.field(factory=list)


def number(table: dict[int, N], record: N) -> N:
    """Store a numbered record under its own number if that is free, else the next one."""
    given = record.id
    free = given if given is not None and given not in table else max(table, default=0) + 1
    table[free] = stored = fields.evolve(record, id=free)
    return stored


@attrs.define
class State:
    """Everything in the folder: each table by its name and key in the database schema
    (:mod:`styrdok.store.tables`), and the audit log oldest first."""

    person: dict[str, Person] = attrs.field(factory=dict)
    unit: dict[str, Unit] = attrs.field(factory=dict)
    body: dict[str, Body] = attrs.field(factory=dict)
    document: dict[str, Document] = attrs.field(factory=dict)
    document_version: dict[tuple[str, int], DocumentVersion] = attrs.field(factory=dict)
    review: dict[int, Review] = attrs.field(factory=dict)
    dispensation: dict[str, Dispensation] = attrs.field(factory=dict)
    question: dict[int, Question] = attrs.field(factory=dict)
    attachment: dict[int, Attachment] = attrs.field(factory=dict)
    attachment_text: dict[int, str] = attrs.field(factory=dict)
    """Each attachment's text for search, by its number."""
    notice: dict[int, Notice] = attrs.field(factory=dict)
    acknowledgement: dict[tuple[str, str, int], Acknowledgement] = attrs.field(factory=dict)
    """By document, person and version, in the order they were given (as in the file)."""
    api_token: dict[str, ApiToken] = attrs.field(factory=dict)
    """Personal API tokens by id (``tokens.yaml``; a folder from before has none)."""
    secret: dict[str, str] = attrs.field(factory=dict)
    """The register's own secrets by name (``secrets.yaml``; a folder from before has none)."""
    muted: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    """The kinds of notice each person opted out of, as codes, by person
    (``preferences.yaml``; a folder from before has none)."""
    audit_event: list[AuditEvent] = attrs.field(factory=list)
    _folded: dict[str, dict[str, str]] = attrs.field(factory=dict, init=False)
    """Each ref table's refs by their lower-case form, built for this copy when needed."""

    def copy(self) -> State:
        """A snapshot: the mappings copied, the (immutable) records shared."""
        tables = (f.name for f in attrs.fields(State) if f.init)
        return State(**{name: copy.copy(getattr(self, name)) for name in tables})

    def folded(self, name: str) -> dict[str, str]:
        """The refs of table ``name`` (person, unit, body, document, dispensation) by their
        lower-case form (refs are ASCII)."""
        if name not in self._folded:
            self._folded[name] = {ref.lower(): ref for ref in getattr(self, name)}
        return self._folded[name]

    def add(self, name: str, record: Person | Unit | Body | Document | Dispensation) -> None:
        """Store a new record in ref table ``name``. A ref equal to a stored one regardless
        of case is refused too: the two would look like one record, and on a
        case-insensitive file system their files would be one."""
        folded, ref = self.folded(name), record.ref
        if (same := folded.get(ref.lower())) is not None:
            why = "" if same == ref else " (refs are compared regardless of case)"
            raise AlreadyExists(f"{name} {same} already exists{why}")
        getattr(self, name)[ref] = record
        folded[ref.lower()] = ref

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


def _ack_line(ack: Acknowledgement) -> str:
    return json.dumps(to_data(ack), ensure_ascii=False) + "\n"


def _ack_key(ack: Acknowledgement) -> tuple[str, str, int]:
    """An acknowledgement's key, as the SQL table's: one per person and version."""
    return ack.document_ref, ack.person, ack.version


def review_order(review: Review) -> tuple[dt.date, int]:
    """How a document's reviews are listed, in its file too."""
    return review.reviewed_on, review.id or 0


def in_order(table: Mapping[Any, T]) -> list[T]:
    """A table's records in key order."""
    return [record for _, record in sorted(table.items())]


def _changed(before: Mapping[Any, T], after: Mapping[Any, T]) -> list[T]:
    """The records of ``after`` added or replaced since ``before``, and those of
    ``before`` removed since (only attachments are ever removed)."""
    changed = [record for key, record in after.items() if before.get(key) is not record]
    return changed + [record for key, record in before.items() if key not in after]


class Folder:
    """One register folder: its lock, and its files read into and written from a
    :class:`State`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict[int, tuple[Any, str]]] = {}
        """Each list file's entries as last written: by record id, the record and its text."""

    def initialise(self) -> None:
        """Create the layout (``styrdok init``), or bring an existing register's schema
        revision up to date (its data is left as it is)."""
        for sub in ("documents", "dispensations"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        marker = self.path / "styrdok.yaml"
        if not marker.exists():
            self.write(
                marker, _dump({"format": FORMAT, "schema": migrations.HEAD, "generation": 0})
            )
            for name in ("people", "units", "bodies", "questions", "outbox"):
                self.write(self.path / f"{name}.yaml", _dump([]))
            for log in ("audit.jsonl", "acknowledgements.jsonl"):
                (self.path / log).touch()
            return
        # An older register is upgraded by recording the current schema: what later schemas
        # added is optional in the files (units.yaml and acknowledgements.jsonl missing are
        # empty, a field missing from a record has its default), and what they added as
        # rules (refs compared regardless of case) this store enforces on every write.
        with self.locked(write=True):
            data = self.marker()
            if data.get("format") == FORMAT and data.get("schema") != migrations.HEAD:
                self.write(marker, _dump({**data, "schema": migrations.HEAD}))

    def marker(self) -> dict[str, Any]:
        """``styrdok.yaml``: format, schema revision and the change counter (``generation``)."""
        data = self._read("styrdok.yaml")
        if not isinstance(data, dict):
            return {}  # not a register
        if type(data.get("generation", 0)) is not int:
            raise RegistryUnavailable("styrdok.yaml: expected a whole number @ $.generation")
        return data

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

    @staticmethod
    def _write_private(path: Path, text: str) -> None:
        """As :meth:`write`, readable and writable by the owner only from the first byte."""
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)  # a left-over one may have other permissions
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        partial.replace(path)

    def _read(self, name: str) -> Any:
        """The folder's file ``name`` as plain data (``None`` if missing or empty)."""
        path = self.path / name
        if not path.exists():
            return None
        with _reading(name), path.open("rb") as file:
            text = file.read(MAX_FILE_BYTES + 1)
            if len(text) > MAX_FILE_BYTES:
                raise RegistryUnavailable(
                    f"{name}: larger than {MAX_FILE_BYTES:,} bytes; a register this large "
                    "belongs in SQLite or PostgreSQL"
                )
            return yaml.load(text.decode("utf-8"), _Loader)

    def _load(self, name: str, cls: type[T]) -> T:
        """The folder's file ``name`` as a ``cls``: a list of records (none if the file is
        missing or empty) or one record."""
        many = typing.get_origin(cls) is list
        data = self._read(name)
        data = [] if many and data is None else data
        if not isinstance(data, list if many else dict):
            raise RegistryUnavailable(f"{name}: expected a {'list' if many else 'mapping'} @ $")
        with _reading(name):
            return from_data(data, cls)

    # --- reading --------------------------------------------------------------------------

    @fields.reads_stored  # a value an earlier, looser rule let in is kept, not refused
    def load(self) -> State:
        """Read the whole folder."""
        state = State()
        for what, name, cls, key in (
            ("person", "people.yaml", Person, "ref"),
            ("unit", "units.yaml", Unit, "ref"),
            ("body", "bodies.yaml", Body, "ref"),
            ("question", "questions.yaml", Question, "id"),
            ("notice", "outbox.yaml", Notice, "id"),
            ("api_token", "tokens.yaml", ApiToken, "id"),
        ):
            records: list[Any] = self._load(name, list[cls])  # type: ignore[valid-type]
            _fill(getattr(state, what), name, what, ((getattr(r, key), r) for r in records))
        for path in sorted((self.path / "documents").glob("*.yaml")):
            name = f"documents/{path.name}"
            file = self._load(name, DocumentFile)
            _own(name, file.document.ref, "document.ref")
            for part in ("versions", "reviews"):
                for i, record in enumerate(getattr(file, part)):
                    _own(name, record.document_ref, f"{part}[{i}].document_ref")
            for i, entry in enumerate(file.attachments):
                _own(name, entry.attachment.document_ref, f"attachments[{i}].document_ref")
            state.document[file.document.ref] = file.document
            versions = (((v.document_ref, v.version), v) for v in file.versions)
            _fill(state.document_version, name, "version", versions)
            _fill(state.review, name, "review", ((r.id, r) for r in file.reviews))
            files = ((e.attachment.id, e.attachment) for e in file.attachments)
            _fill(state.attachment, name, "attachment", files)
            state.attachment_text.update(
                (e.attachment.id, e.text) for e in file.attachments if e.attachment.id is not None
            )
        for path in sorted((self.path / "dispensations").glob("*.yaml")):
            name = f"dispensations/{path.name}"
            dispensation = self._load(name, Dispensation)
            _own(name, dispensation.ref, "ref")
            state.dispensation[dispensation.ref] = dispensation
        for number, line in self._lines("acknowledgements.jsonl"):
            name = f"acknowledgements.jsonl: line {number}"
            with _reading(name):
                ack = from_data(json.loads(line), Acknowledgement)
            if (ack_key := _ack_key(ack)) in state.acknowledgement:
                raise RegistryUnavailable(
                    f"{name}: {ack.person}'s acknowledgement of version {ack.version} of "
                    f"{ack.document_ref} appears twice"
                )
            state.acknowledgement[ack_key] = ack
        for number, line in self._lines("audit.jsonl"):
            with _reading(f"audit.jsonl: line {number}"):
                event = from_data(json.loads(line), AuditEvent)
            state.audit_event.append(event)
        state.secret = self._secrets()
        state.muted = self._preferences()
        return state

    def _preferences(self) -> dict[str, tuple[str, ...]]:
        """``preferences.yaml``: each person's muted kinds of notice (none if missing)."""
        data = self._read(PREFERENCES)
        if data is None:
            return {}
        if not isinstance(data, dict) or not all(
            type(k) is str and isinstance(v, list) and all(type(i) is str for i in v)
            for k, v in data.items()
        ):
            raise RegistryUnavailable(
                f"{PREFERENCES}: expected each person with a list of kinds of notice @ $"
            )
        return {person: tuple(kinds) for person, kinds in data.items()}

    def _secrets(self) -> dict[str, str]:
        """``secrets.yaml``: names and values, both text (none if the file is missing). A
        message about it never shows a value."""
        data = self._read(SECRETS)
        if data is None:
            return {}
        if not isinstance(data, dict) or not all(
            type(k) is str and type(v) is str for k, v in data.items()
        ):
            raise RegistryUnavailable(f"{SECRETS}: expected names with their values as text @ $")
        return data

    def _lines(self, name: str) -> Iterator[tuple[int, bytes]]:
        """The lines of the folder's JSON Lines file ``name`` that are not blank, numbered
        from 1 (none if the file is missing: a register from before it existed)."""
        path = self.path / name
        if not path.exists():
            return
        with path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield number, line

    # --- writing --------------------------------------------------------------------------

    def save(self, before: State, after: State) -> int | None:
        """Write the files of the records that changed since ``before`` — the audit log
        last, as it says what the commit did — and count the change in ``styrdok.yaml``.
        Returns the new generation, or ``None`` when nothing changed."""
        written = False
        for name, old, new in (
            ("people.yaml", before.person, after.person),
            ("units.yaml", before.unit, after.unit),
            ("bodies.yaml", before.body, after.body),
            ("questions.yaml", before.question, after.question),
            ("outbox.yaml", before.notice, after.notice),
            ("tokens.yaml", before.api_token, after.api_token),
        ):
            if _changed(old, new):
                self.write(self.path / name, self._list_text(name, in_order(new)))
                written = True
        for dispensation in _changed(before.dispensation, after.dispensation):
            path = self.path / "dispensations" / f"{dispensation.ref}.yaml"
            self.write(path, _dump(_plain(dispensation)))
            written = True
        if after.muted != before.muted:
            muted = {person: list(kinds) for person, kinds in sorted(after.muted.items())}
            self.write(self.path / PREFERENCES, _dump(muted))
            written = True
        if after.secret != before.secret:
            self._write_private(self.path / SECRETS, _dump(dict(sorted(after.secret.items()))))
            written = True
        written |= self._save_documents(before, after)
        written |= self._save_acknowledgements(before.acknowledgement, after.acknowledgement)
        written |= self._save_audit(before.audit_event, after.audit_event)
        if not written:
            return None
        marker = self.marker()
        marker["generation"] = int(marker.get("generation", 0)) + 1
        self.write(self.path / "styrdok.yaml", _dump(marker))
        return int(marker["generation"])

    def _list_text(self, name: str, records: list[Any]) -> str:
        """``records`` as the list file ``name``. Each entry is dumped alone — the same
        bytes as within the whole list — and kept while its record is the same object
        (records are immutable): adding a person to a long people.yaml dumps one person,
        not everyone again, which is what made adding staff one by one slow."""
        if not records:
            return _dump([])
        kept, entries = self._entries.get(name, {}), {}
        for record in records:
            entry = kept.get(id(record))
            if entry is None or entry[0] is not record:
                data = _plain(record)
                if name == "outbox.yaml":
                    data = {key: data[key] for key in NOTICE_KEYS}
                entry = (record, _dump([data]))
            entries[id(record)] = entry
        self._entries[name] = entries  # holding the records keeps their ids unique
        return "".join(entries[id(record)][1] for record in records)

    def _save_documents(self, before: State, after: State) -> bool:
        """A document's file holds it, its adopted versions, its reviews and its files."""
        refs = {d.ref for d in _changed(before.document, after.document)}
        refs.update(
            v.document_ref for v in _changed(before.document_version, after.document_version)
        )
        refs.update(r.document_ref for r in _changed(before.review, after.review))
        refs.update(a.document_ref for a in _changed(before.attachment, after.attachment))
        parts: dict[str, DocumentFile] = {r: DocumentFile(after.document[r], [], []) for r in refs}
        for (ref, _), version in sorted(after.document_version.items()):
            if ref in parts:
                parts[ref].versions.append(version)
        for review in sorted(after.review.values(), key=review_order):
            if review.document_ref in parts:
                parts[review.document_ref].reviews.append(review)
        for number_, attachment in sorted(after.attachment.items()):
            if attachment.document_ref in parts:
                entry = FileEntry(attachment, after.attachment_text.get(number_, ""))
                parts[attachment.document_ref].attachments.append(entry)
        for ref, data in sorted(parts.items()):
            plain = _plain(data)
            if not data.attachments:  # files of documents without any stay as they were
                del plain["attachments"]
            self.write(self.path / "documents" / f"{ref}.yaml", _dump(plain))
        return bool(refs)

    def _save_acknowledgements(
        self,
        before: Mapping[tuple[str, str, int], Acknowledgement],
        after: Mapping[tuple[str, str, int], Acknowledgement],
    ) -> bool:
        """Acknowledgements are final, so new ones are appended as lines; the file is
        written anew only if one was replaced or removed (nothing in styrdok does)."""
        path = self.path / "acknowledgements.jsonl"
        changed = _changed(before, after)
        if not changed:
            return False
        if all(_ack_key(ack) not in before for ack in changed):
            self._append(path, map(_ack_line, changed))
        else:
            self.write(path, "".join(map(_ack_line, after.values())))
        return True

    def _save_audit(self, before: list[AuditEvent], after: list[AuditEvent]) -> bool:
        path = self.path / "audit.jsonl"
        if len(after) >= len(before) and all(map(operator.is_, before, after)):
            added = after[len(before) :]
            if added:  # the usual case: events appended, the earlier lines untouched
                self._append(path, map(_audit_line, added))
            return bool(added)
        # Events were replaced (the chain re-sealed): the log is written anew.
        self.write(path, "".join(_audit_line(event) for event in after))
        return True

    @staticmethod
    def _append(path: Path, lines: Iterator[str]) -> None:
        """Add lines to a JSON Lines file, on disk before the commit goes on."""
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(lines)
            handle.flush()
            os.fsync(handle.fileno())
