"""A git-friendly storage backend for styrdok: the register as YAML files in a folder.

Layout (``yaml:///srv/register`` or ``yaml://register`` for a relative folder)::

    register/
      styrdok.yaml                 format, schema revision, a change counter
      people.yaml  bodies.yaml  questions.yaml
      documents/POL-IS-01.yaml     the document, its adopted versions and its reviews
      dispensations/D-2026-0001.yaml
      audit.jsonl                  the hash-chained audit log, one JSON event per line
      outbox.yaml                  the reminder ledger

One file per document and per dispensation keeps diffs small: a change to a guideline
touches that guideline's file (and the audit log). Meant for a small municipality that
wants to review its register like code; larger registers belong on SQLite or PostgreSQL.

Consistency: a write transaction holds an exclusive lock on the folder (``fcntl.flock``),
changes are kept in memory and written when it commits — each file atomically (write a
temporary file, then rename). A crash in the middle of a commit can leave some files of
that one commit unwritten; the audit log is written last, so ``styrdok audit verify`` and
``git diff`` show exactly what the interrupted change touched.
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import yaml

from styrdok import migrations
from styrdok.audit import GENESIS_HASH, audit_hash
from styrdok.errors import AlreadyExists, Conflict, RegistryUnavailable, RuleViolation
from styrdok.gdpr import RewriteResult
from styrdok.model import (
    AuditEvent,
    Body,
    Dispensation,
    DispStatus,
    DocStatus,
    Document,
    DocumentVersion,
    DueItem,
    DueKind,
    Person,
    Question,
    Review,
)
from styrdok.serialize import from_data, to_data
from styrdok.store import convert

FORMAT = "styrdok-yaml"
Row = Mapping[Any, Any]


def _plain(obj: Any) -> Any:
    """Domain data as plain YAML-safe values (enums and Decimals become strings)."""
    return json.loads(json.dumps(to_data(obj), ensure_ascii=False))


def _dump(data: Any) -> str:
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@attrs.define
class _State:
    """Everything in the folder, in memory. Domain objects are immutable, so copying
    the dictionaries is enough to snapshot it."""

    persons: dict[str, Person] = attrs.field(factory=dict)
    bodies: dict[str, Body] = attrs.field(factory=dict)
    documents: dict[str, Document] = attrs.field(factory=dict)
    versions: dict[str, list[DocumentVersion]] = attrs.field(factory=dict)
    reviews: dict[int, Review] = attrs.field(factory=dict)
    dispensations: dict[str, Dispensation] = attrs.field(factory=dict)
    questions: dict[int, Question] = attrs.field(factory=dict)
    audit: list[AuditEvent] = attrs.field(factory=list)
    notices: dict[int, dict[str, Any]] = attrs.field(factory=dict)

    def snapshot(self) -> _State:
        return _State(
            dict(self.persons),
            dict(self.bodies),
            dict(self.documents),
            {k: list(v) for k, v in self.versions.items()},
            dict(self.reviews),
            dict(self.dispensations),
            dict(self.questions),
            list(self.audit),
            copy.deepcopy(self.notices),
        )


class YamlStore:
    """The styrdok Store protocol over a folder of YAML files."""

    def __init__(self, url: str) -> None:
        self.url = url
        # yaml:///srv/register is absolute, yaml://register relative to the working folder
        self.folder = Path(url.split("://", 1)[1] or ".")
        self._state = _State()
        self._loaded_generation: int | None = None
        self._depth = 0
        self._dirty: set[str] = set()
        self._audit_written = 0

    # --- files --------------------------------------------------------------------------

    def initialise(self) -> None:
        """Create the folder layout (``styrdok init``)."""
        for sub in ("documents", "dispensations"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        marker = self.folder / "styrdok.yaml"
        if not marker.exists():
            self._write(
                marker, _dump({"format": FORMAT, "schema": migrations.HEAD, "generation": 0})
            )
            for name in ("people", "bodies", "questions", "outbox"):
                self._write(self.folder / f"{name}.yaml", _dump([]))
            (self.folder / "audit.jsonl").touch()

    def _marker(self) -> dict[str, Any]:
        marker = self.folder / "styrdok.yaml"
        if not marker.exists():
            return {}
        data = yaml.safe_load(marker.read_text(encoding="utf-8")) or {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _write(path: Path, text: str) -> None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)

    def _read_yaml(self, path: Path) -> Any:
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RegistryUnavailable(f"cannot read {path}: {exc}") from None

    def _load(self) -> None:
        marker = self._marker()
        generation = marker.get("generation")
        if generation is not None and generation == self._loaded_generation:
            return
        state = _State()
        f = self.folder
        if (f / "people.yaml").exists():
            state.persons = {
                p["ref"]: from_data(p, Person, where=f"people.yaml[{i}]")
                for i, p in enumerate(self._read_yaml(f / "people.yaml") or [])
            }
            state.bodies = {
                b["ref"]: from_data(b, Body, where=f"bodies.yaml[{i}]")
                for i, b in enumerate(self._read_yaml(f / "bodies.yaml") or [])
            }
            state.questions = {
                q["id"]: from_data(q, Question, where="questions.yaml")
                for q in self._read_yaml(f / "questions.yaml") or []
            }
            for raw in self._read_yaml(f / "outbox.yaml") or []:
                row = dict(raw)
                for key in ("due_on", "send_on", "created_on"):
                    row[key] = _date(row[key])
                state.notices[row["id"]] = row
        for path in sorted((f / "documents").glob("*.yaml")):
            data = self._read_yaml(path)
            document = from_data(data["document"], Document, where=path.name)
            state.documents[document.ref] = document
            state.versions[document.ref] = [
                from_data(v, DocumentVersion, where=path.name) for v in data["versions"]
            ]
            for review in data["reviews"]:
                loaded = from_data(review, Review, where=path.name)
                assert loaded.id is not None
                state.reviews[loaded.id] = loaded
        for path in sorted((f / "dispensations").glob("*.yaml")):
            disp = from_data(self._read_yaml(path), Dispensation, where=path.name)
            state.dispensations[disp.ref] = disp
        audit = f / "audit.jsonl"
        if audit.exists():
            with audit.open(encoding="utf-8") as handle:
                state.audit = [
                    from_data(json.loads(line), AuditEvent, where="audit.jsonl")
                    for line in handle
                    if line.strip()
                ]
        self._state = state
        self._audit_written = len(state.audit)
        self._loaded_generation = generation

    def _save(self) -> None:
        s, f = self._state, self.folder
        for key in sorted(self._dirty):
            kind, _, ref = key.partition(":")
            if kind == "document":
                document = s.documents[ref]
                data = {
                    "document": _plain(document),
                    "versions": [_plain(v) for v in s.versions.get(ref, [])],
                    "reviews": [
                        _plain(r)
                        for r in sorted(
                            (r for r in s.reviews.values() if r.document_ref == ref),
                            key=lambda r: (r.reviewed_on, r.id or 0),
                        )
                    ],
                }
                self._write(f / "documents" / f"{ref}.yaml", _dump(data))
            elif kind == "dispensation":
                self._write(
                    f / "dispensations" / f"{ref}.yaml", _dump(_plain(s.dispensations[ref]))
                )
            elif kind == "people":
                self._write(
                    f / "people.yaml", _dump([_plain(p) for _, p in sorted(s.persons.items())])
                )
            elif kind == "bodies":
                self._write(
                    f / "bodies.yaml", _dump([_plain(b) for _, b in sorted(s.bodies.items())])
                )
            elif kind == "questions":
                self._write(
                    f / "questions.yaml", _dump([_plain(q) for _, q in sorted(s.questions.items())])
                )
            elif kind == "outbox":
                rows = [
                    {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
                    for _, row in sorted(s.notices.items())
                ]
                self._write(f / "outbox.yaml", _dump(rows))
        # The audit log last: it says what this commit did.
        new_events = s.audit[self._audit_written :]
        if new_events:
            with (f / "audit.jsonl").open("a", encoding="utf-8") as handle:
                for event in new_events:
                    data = _plain(event)
                    data["at"] = event.at.isoformat(timespec="microseconds")
                    handle.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self._audit_written = len(s.audit)
        marker = self._marker()
        marker["generation"] = int(marker.get("generation", 0)) + 1
        self._write(f / "styrdok.yaml", _dump(marker))
        self._loaded_generation = marker["generation"]

    # --- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool = True, exclusive: bool = True) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if not self.folder.is_dir():
            raise RegistryUnavailable(f"no registry folder at {self.folder}")
        with (self.folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            self._load()
            before = self._state.snapshot()
            audit_before = self._audit_written
            self._dirty = set()
            self._depth = 1
            try:
                yield
                if write and (self._dirty or len(self._state.audit) > self._audit_written):
                    self._save()
            except BaseException:
                self._state, self._audit_written = before, audit_before
                self._dirty = set()
                raise
            finally:
                self._depth = 0

    def schema_revision(self) -> str | None:
        marker = self._marker()
        return marker.get("schema") if marker.get("format") == FORMAT else None

    def close(self) -> None:
        pass

    # --- people and bodies -------------------------------------------------------------------

    def count_persons(self) -> int:
        return len(self._state.persons)

    def get_person(self, ref: str) -> Person | None:
        return self._state.persons.get(ref)

    def list_persons(self) -> list[Person]:
        return [p for _, p in sorted(self._state.persons.items())]

    def insert_person(self, person: Person) -> None:
        if person.ref in self._state.persons:
            raise AlreadyExists(f"person {person.ref} already exists")
        self._state.persons[person.ref] = person
        self._dirty.add("people:")

    def replace_person(self, person: Person) -> None:
        self._state.persons[person.ref] = person
        self._dirty.add("people:")

    def rewrite_everywhere(
        self, rewrite: Callable[[Any], Any], needles: Sequence[str]
    ) -> RewriteResult:
        # Rewriting the files would leave the person in every earlier git commit of the
        # folder; pretending to anonymise would be worse than refusing.
        raise RuleViolation(
            "the YAML store cannot anonymise: the person stays in the folder's git history. "
            "Export the register, import it into SQLite or PostgreSQL, and anonymise there"
        )

    def persons_by_ref(self, refs: Iterable[str]) -> dict[str, Person]:
        return {r: self._state.persons[r] for r in set(refs) if r in self._state.persons}

    def get_body(self, ref: str) -> Body | None:
        return self._state.bodies.get(ref)

    def list_bodies(self) -> list[Body]:
        return [b for _, b in sorted(self._state.bodies.items())]

    def insert_body(self, body: Body) -> None:
        if body.ref in self._state.bodies:
            raise AlreadyExists(f"body {body.ref} already exists")
        self._state.bodies[body.ref] = body
        self._dirty.add("bodies:")

    # --- documents ---------------------------------------------------------------------------

    def get_document(self, ref: str) -> Document | None:
        return self._state.documents.get(ref)

    def list_documents(
        self,
        *,
        status: str | None = None,
        doc_type: str | None = None,
        adopted_by: str | None = None,
        person: str | None = None,
        parent: str | None = None,
    ) -> list[Document]:
        found = []
        for _, d in sorted(self._state.documents.items()):
            if (status and d.status != status) or (doc_type and d.doc_type != doc_type):
                continue
            if (adopted_by and d.adopted_by != adopted_by) or (parent and d.parent != parent):
                continue
            if person and person not in (d.owner, d.guardian):
                continue
            found.append(d)
        return found

    def insert_document(self, document: Document) -> None:
        if document.ref in self._state.documents:
            raise AlreadyExists(f"document {document.ref} already exists")
        self._state.documents[document.ref] = document
        self._state.versions.setdefault(document.ref, [])
        self._dirty.add(f"document:{document.ref}")

    def update_document(self, document: Document, *, expected_revision: int) -> Document:
        current = self._state.documents.get(document.ref)
        if current is None or current.revision != expected_revision:
            raise Conflict(
                f"{document.ref} was changed by someone else (you had revision "
                f"{expected_revision}); reload it and try again"
            )
        stored = attrs.evolve(document, revision=expected_revision + 1)
        self._state.documents[document.ref] = stored
        self._dirty.add(f"document:{document.ref}")
        return stored

    def insert_version(self, version: DocumentVersion) -> None:
        versions = self._state.versions.setdefault(version.document_ref, [])
        if any(v.version == version.version for v in versions):
            raise AlreadyExists(f"version {version.version} of {version.document_ref} exists")
        versions.append(version)
        self._dirty.add(f"document:{version.document_ref}")

    def end_version(self, document_ref: str, *, version: int, until: dt.date) -> None:
        self._state.versions[document_ref] = [
            attrs.evolve(v, in_force_until=until) if v.version == version else v
            for v in self._state.versions.get(document_ref, [])
        ]
        self._dirty.add(f"document:{document_ref}")

    def list_versions(self, document_ref: str) -> list[DocumentVersion]:
        return sorted(self._state.versions.get(document_ref, []), key=lambda v: v.version)

    def versions_in_force(self, on: dt.date) -> list[DocumentVersion]:
        return [
            v
            for ref in sorted(self._state.versions)
            for v in self._state.versions[ref]
            if v.in_force_from <= on and (v.in_force_until is None or v.in_force_until > on)
        ]

    def lapsed_documents(self, today: dt.date) -> list[Document]:
        return [
            d
            for d in self.list_documents(status=DocStatus.IN_FORCE.value)
            if d.valid_until is not None and d.valid_until < today
        ]

    def insert_review(self, review: Review) -> Review:
        stored = attrs.evolve(review, id=max(self._state.reviews, default=0) + 1)
        self._state.reviews[stored.id] = stored  # type: ignore[index]
        self._dirty.add(f"document:{review.document_ref}")
        return stored

    def list_reviews(self, document_ref: str) -> list[Review]:
        return sorted(
            (r for r in self._state.reviews.values() if r.document_ref == document_ref),
            key=lambda r: (r.reviewed_on, r.id or 0),
        )

    # --- dispensations -------------------------------------------------------------------------

    def next_dispensation_ref(self, year: int) -> str:
        prefix = f"D-{year}-"
        numbers = [
            int(ref[len(prefix) :])
            for ref in self._state.dispensations
            if ref.startswith(prefix) and ref[len(prefix) :].isdigit()
        ]
        return f"{prefix}{max(numbers, default=0) + 1:04d}"

    def insert_dispensation(self, dispensation: Dispensation) -> None:
        if dispensation.ref in self._state.dispensations:
            raise AlreadyExists(f"dispensation {dispensation.ref} already exists")
        self._state.dispensations[dispensation.ref] = dispensation
        self._dirty.add(f"dispensation:{dispensation.ref}")

    def get_dispensation(self, ref: str) -> Dispensation | None:
        return self._state.dispensations.get(ref)

    def update_dispensation(
        self, dispensation: Dispensation, *, expected_revision: int
    ) -> Dispensation:
        current = self._state.dispensations.get(dispensation.ref)
        if current is None or current.revision != expected_revision:
            raise Conflict(
                f"{dispensation.ref} was changed by someone else (you had revision "
                f"{expected_revision}); reload it and try again"
            )
        stored = attrs.evolve(dispensation, revision=expected_revision + 1)
        self._state.dispensations[dispensation.ref] = stored
        self._dirty.add(f"dispensation:{dispensation.ref}")
        return stored

    def list_dispensations(
        self,
        *,
        status: str | None = None,
        document_ref: str | None = None,
        person: str | None = None,
    ) -> list[Dispensation]:
        found = []
        for _, d in sorted(self._state.dispensations.items()):
            if (status and d.status != status) or (document_ref and d.document_ref != document_ref):
                continue
            decided_by = d.decision.by if d.decision else None
            if person and person not in (d.responsible, d.requested_by, decided_by):
                continue
            found.append(d)
        return found

    def dispensations_active_on(
        self, on: dt.date, document_ref: str | None = None
    ) -> list[Dispensation]:
        return [d for d in self.list_dispensations(document_ref=document_ref) if d.active_on(on)]

    def open_dispensations_of(self, document_ref: str) -> list[Dispensation]:
        return [
            d
            for d in self.list_dispensations(document_ref=document_ref)
            if d.status in (DispStatus.REQUESTED, DispStatus.APPROVED)
        ]

    def renewals_of(self, ref: str) -> list[Dispensation]:
        return [d for d in self.list_dispensations() if d.renewal_of == ref]

    def expired_dispensations(self, today: dt.date) -> list[Dispensation]:
        return [
            d
            for d in self.list_dispensations(status=DispStatus.APPROVED.value)
            if d.valid_until < today
        ]

    # --- questions ---------------------------------------------------------------------------

    def insert_question(self, question: Question) -> Question:
        stored = attrs.evolve(question, id=max(self._state.questions, default=0) + 1)
        self._state.questions[stored.id] = stored  # type: ignore[index]
        self._dirty.add("questions:")
        return stored

    def get_question(self, question_id: int) -> Question | None:
        return self._state.questions.get(question_id)

    def update_question(self, question: Question) -> None:
        assert question.id is not None
        self._state.questions[question.id] = question
        self._dirty.add("questions:")

    def list_questions(self, document_ref: str | None = None) -> list[Question]:
        return [
            q
            for _, q in sorted(self._state.questions.items())
            if document_ref is None or q.document_ref == document_ref
        ]

    # --- audit -------------------------------------------------------------------------------

    def append_audit(
        self, *, at: dt.datetime, actor: str, action: str, entity: str, before: Any, after: Any
    ) -> AuditEvent:
        last = self._state.audit[-1] if self._state.audit else None
        seq = last.seq + 1 if last else 1
        prev_hash = last.hash if last else GENESIS_HASH
        at_text = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        event = AuditEvent(
            seq=seq,
            at=dt.datetime.fromisoformat(at_text),
            actor=actor,
            action=action,
            entity=entity,
            before=before,
            after=after,
            prev_hash=prev_hash,
            hash=audit_hash(
                prev_hash=prev_hash,
                seq=seq,
                at=at_text,
                actor=actor,
                action=action,
                entity=entity,
                before=before,
                after=after,
            ),
        )
        self._state.audit.append(event)
        return event

    def iter_audit(self, entity: str | None = None) -> Iterator[AuditEvent]:
        return iter([e for e in self._state.audit if entity is None or e.entity == entity])

    # --- due and reminders -----------------------------------------------------------------

    def due(self, *, today: dt.date, until: dt.date) -> list[DueItem]:
        items = []
        for d in self.list_documents(status=DocStatus.IN_FORCE.value):
            for kind, when in (
                (DueKind.REVIEW, d.next_review_on),
                (DueKind.DOCUMENT_EXPIRY, d.valid_until),
            ):
                if when is not None and when <= until:
                    items.append(
                        DueItem(
                            kind=kind,
                            ref=d.ref,
                            title=d.title,
                            due_on=when,
                            days_left=(when - today).days,
                            person=d.owner,
                            status=d.status.value,
                        )
                    )
        for x in self.list_dispensations(status=DispStatus.APPROVED.value):
            if x.valid_until <= until:
                items.append(
                    DueItem(
                        kind=DueKind.DISPENSATION_EXPIRY,
                        ref=x.ref,
                        title=" ".join(x.scope[:80].split()),
                        due_on=x.valid_until,
                        days_left=(x.valid_until - today).days,
                        person=x.responsible,
                        status=x.status.value,
                    )
                )
        return sorted(items, key=lambda i: (i.due_on, i.kind.value, i.ref))

    def review_candidates(self, *, until: dt.date, own_offsets_until: dt.date) -> list[Row]:
        rows: list[Row] = []
        for d in self.list_documents(status=DocStatus.IN_FORCE.value):
            reach = own_offsets_until if d.reminder_offsets else until
            if any(
                when is not None and when <= reach for when in (d.next_review_on, d.valid_until)
            ):
                body = self._state.bodies.get(d.adopted_by or "")
                rows.append(
                    {
                        "ref": d.ref,
                        "title": d.title,
                        "owner": d.owner,
                        "guardian": d.guardian,
                        "next_review_on": d.next_review_on,
                        "valid_until": d.valid_until,
                        "reminder_offsets": list(d.reminder_offsets or []) or None,
                        "contact": body.contact if body else None,
                    }
                )
        return rows

    def dispensation_candidates(self, *, until: dt.date, ended_since: dt.date) -> list[Row]:
        rows: list[Row] = []
        for x in self.list_dispensations():
            if (x.status is DispStatus.APPROVED and x.valid_until <= until) or (
                x.status is DispStatus.EXPIRED
                and x.ended_on is not None
                and x.ended_on >= ended_since
            ):
                rows.append(
                    {
                        "ref": x.ref,
                        "scope": x.scope,
                        "status": x.status.value,
                        "valid_until": x.valid_until,
                        "ended_on": x.ended_on,
                        "responsible": x.responsible,
                        "decided_by": x.decision.by if x.decision else None,
                        "evaluation": _plain(x.evaluation) if x.evaluation else None,
                    }
                )
        return rows

    def notice_send_dates(self, items: Sequence[str]) -> dict[tuple[str, str, str, str], dt.date]:
        wanted = set(items)
        latest: dict[tuple[str, str, str, str], dt.date] = {}
        for row in self._state.notices.values():
            if row["item"] in wanted:
                key = (row["item"], str(row["due_on"]), row["recipient"], row["channel"])
                if key not in latest or row["send_on"] > latest[key]:
                    latest[key] = row["send_on"]
        return latest

    def insert_notices(self, rows: Sequence[Row]) -> int:
        keys = {
            (r["item"], r["kind"], r["threshold"], r["recipient"], r["channel"])
            for r in self._state.notices.values()
        }
        next_id = max(self._state.notices, default=0) + 1
        for row in rows:
            key = (row["item"], row["kind"], row["threshold"], row["recipient"], row["channel"])
            if key in keys:
                continue
            keys.add(key)
            self._state.notices[next_id] = {
                "id": next_id,
                **dict(row),
                "sent_at": None,
                "claimed_by": None,
                "claimed_until": None,
            }
            next_id += 1
        self._dirty.add("outbox:")
        return len(rows)

    def claim_notices(self, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> list[Row]:
        now_text = now.astimezone(dt.UTC).isoformat()
        until = (now + lease).astimezone(dt.UTC).isoformat()
        for row in self._state.notices.values():
            if row["state"] == "pending" and (
                row["claimed_until"] is None or row["claimed_until"] < now_text
            ):
                row.update(claimed_by=worker, claimed_until=until)
        self._dirty.add("outbox:")
        mine = [
            dict(r)
            for r in self._state.notices.values()
            if r["state"] == "pending" and r["claimed_by"] == worker
        ]
        return sorted(mine, key=lambda r: (r["channel"], r["recipient"], r["due_on"], r["id"]))

    def mark_sent(self, ids: Sequence[int], *, worker: str, at: dt.datetime) -> None:
        for i in ids:
            row = self._state.notices[i]
            if row["claimed_by"] == worker:
                row.update(
                    state="sent",
                    sent_at=at.astimezone(dt.UTC).isoformat(),
                    attempts=row["attempts"] + 1,
                    last_error="",
                    claimed_by=None,
                    claimed_until=None,
                )
        self._dirty.add("outbox:")

    def mark_failed_attempt(
        self, ids: Sequence[int], *, worker: str, error: str, max_attempts: int
    ) -> None:
        for i in ids:
            row = self._state.notices[i]
            if row["claimed_by"] == worker:
                attempts = row["attempts"] + 1
                row.update(
                    attempts=attempts,
                    last_error=error[:2000],
                    claimed_by=None,
                    claimed_until=None,
                    state="failed" if attempts >= max_attempts else "pending",
                )
        self._dirty.add("outbox:")

    def release_claims(self, *, worker: str) -> None:
        for row in self._state.notices.values():
            if row["claimed_by"] == worker and row["state"] == "pending":
                row.update(claimed_by=None, claimed_until=None)
        self._dirty.add("outbox:")

    def notices(self) -> list[Row]:
        return [dict(row) for _, row in sorted(self._state.notices.items())]

    # --- bulk export and import ------------------------------------------------------------

    def is_empty(self) -> bool:
        s = self._state
        return not (s.persons or s.bodies or s.documents or s.dispensations or s.questions)

    def iter_table(self, name: str, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        s = self._state
        if name == "person":
            yield from (convert.person_to_row(p) for p in self.list_persons())
        elif name == "body":
            yield from (convert.body_to_row(b) for b in self.list_bodies())
        elif name == "document":
            yield from (convert.document_to_row(d) for _, d in sorted(s.documents.items()))
        elif name == "document_version":
            yield from (
                convert.version_to_row(v)
                for ref in sorted(s.versions)
                for v in self.list_versions(ref)
            )
        elif name == "review":
            yield from (
                {"id": r.id, **convert.review_to_row(r)} for _, r in sorted(s.reviews.items())
            )
        elif name == "dispensation":
            yield from (convert.dispensation_to_row(d) for _, d in sorted(s.dispensations.items()))
        elif name == "question":
            yield from (
                {"id": q.id, **convert.question_to_row(q)} for _, q in sorted(s.questions.items())
            )
        else:
            raise KeyError(name)

    def bulk_insert(self, name: str, rows: Iterable[Row], *, batch: int = 5_000) -> int:
        count = 0
        adders: dict[str, Callable[[Row], None]] = {
            "person": lambda r: self.insert_person(convert.person_from_row(r)),
            "body": lambda r: self.insert_body(convert.body_from_row(r)),
            "document": lambda r: self._restore_document(convert.document_from_row(r)),
            "document_version": lambda r: self.insert_version(convert.version_from_row(r)),
            "review": self._restore_review,
            "dispensation": lambda r: self.insert_dispensation(convert.dispensation_from_row(r)),
            "question": self._restore_question,
        }
        for row in rows:
            adders[name](row)
            count += 1
        return count

    def _restore_document(self, document: Document) -> None:
        self.insert_document(document)

    def _restore_review(self, row: Row) -> None:
        review = convert.review_from_row({"id": row.get("id"), **row})
        if review.id is None or review.id in self._state.reviews:
            review = attrs.evolve(review, id=max(self._state.reviews, default=0) + 1)
        self._state.reviews[review.id] = review  # type: ignore[index]
        self._dirty.add(f"document:{review.document_ref}")

    def _restore_question(self, row: Row) -> None:
        question = convert.question_from_row({"id": row.get("id"), **row})
        if question.id is None or question.id in self._state.questions:
            question = attrs.evolve(question, id=max(self._state.questions, default=0) + 1)
        self._state.questions[question.id] = question  # type: ignore[index]
        self._dirty.add("questions:")

    def existing_refs(self, name: str, refs: Sequence[str]) -> list[str]:
        table: Mapping[str, object] = {
            "person": self._state.persons,
            "body": self._state.bodies,
            "document": self._state.documents,
            "dispensation": self._state.dispensations,
        }[name]  # type: ignore[assignment]
        return [ref for ref in refs if ref in table]
