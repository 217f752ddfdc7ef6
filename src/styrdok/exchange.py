"""Export and import of the whole register.

The JSON format is the domain objects as :mod:`styrdok.serialize` writes them, one record a
line, sections in foreign-key order, no timestamps: exporting, importing into an empty
registry and exporting again gives the same bytes. The audit log is not part of an export:
it is the history of *this* registry, and the import itself is recorded in it. Attached
files travel as their records and the text read from them (:class:`AttachmentRecord`), not
their bytes, which stay in the file storage (``docs/files.md``).

Import is all or nothing. Every record is rebuilt as a domain object (so every field rule
applies), and every ref and reference is checked; a problem raises one error naming the
record, e.g. ``unknown person 'x' @ $.documents[3].owner``, and the transaction rolls back.
A restore into an empty registry stops there (it is a backup) and streams (:func:`restore`):
the file is read, checked and stored a chunk of records at a time, so memory does not grow
with it. A merge into a registry in use reads the whole file (:func:`read_json`), checks it
all before the first row is written, and also holds every record to the governance rules
(:mod:`styrdok.merging`), so a file cannot bring in what the registry would never have
allowed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import attrs

from styrdok import fields
from styrdok.attachment import Attachment
from styrdok.errors import AlreadyExists, InvalidValue, NotFound
from styrdok.extraction import MAX_TEXT
from styrdok.model import (
    Acknowledgement,
    Body,
    Dispensation,
    Document,
    DocumentVersion,
    Person,
    Question,
    Review,
    Unit,
)
from styrdok.serialize import from_data, to_data
from styrdok.store import convert
from styrdok.store.base import Store
from styrdok.text import ref_key

FORMAT = "styrdok-export"
FORMAT_VERSION = 1


@attrs.frozen
class Section:
    name: str
    """Key in the JSON file and stem of the CSV file."""
    table: str
    cls: type
    from_row: Callable[[Any], Any]
    to_row: Callable[[Any], dict[str, Any]]


@attrs.frozen
class AttachmentRecord(Attachment):
    """A file of a document as an export carries it: the attachment, with the number the
    register gave it, and the text read from the file for search. The file's bytes are not
    in an export: they stay in the file storage, under the SHA-256 (``docs/files.md``)."""

    text: str = attrs.field(default="", validator=fields.text(MAX_TEXT))
    """The text read from the file for search, cleaned (empty: none could be read)."""


def _attachment_to_row(record: AttachmentRecord) -> dict[str, Any]:
    return {"id": record.id, **convert.attachment_to_row(record, record.text)}


@fields.reads_stored  # as the store reads it: a value an older rule let in is kept
def _attachment_from_row(row: Any) -> AttachmentRecord:
    attachment = convert.attachment_from_row(row)
    return AttachmentRecord(**attrs.asdict(attachment, recurse=False), text=row["text"])


def _with_id(to_row: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    def row(obj: Any) -> dict[str, Any]:
        return {"id": obj.id, **to_row(obj)}

    return row


SECTIONS = (
    Section("persons", "person", Person, convert.person_from_row, convert.person_to_row),
    Section("units", "unit", Unit, convert.unit_from_row, convert.unit_to_row),
    Section("bodies", "body", Body, convert.body_from_row, convert.body_to_row),
    Section("documents", "document", Document, convert.document_from_row, convert.document_to_row),
    # Optional on read: exports made before files could be attached have no such section.
    Section(
        "attachments", "attachment", AttachmentRecord, _attachment_from_row, _attachment_to_row
    ),
    Section(
        "document_versions",
        "document_version",
        DocumentVersion,
        convert.version_from_row,
        convert.version_to_row,
    ),
    Section("reviews", "review", Review, convert.review_from_row, _with_id(convert.review_to_row)),
    Section(
        "dispensations",
        "dispensation",
        Dispensation,
        convert.dispensation_from_row,
        convert.dispensation_to_row,
    ),
    Section(
        "questions",
        "question",
        Question,
        convert.question_from_row,
        _with_id(convert.question_to_row),
    ),
    Section(
        "acknowledgements",
        "acknowledgement",
        Acknowledgement,
        convert.acknowledgement_from_row,
        convert.acknowledgement_to_row,
    ),
)


def iter_records(store: Store, section: Section) -> Iterator[Any]:
    """The records of ``section``, streamed from the store."""
    for row in store.iter_table(section.table):
        yield section.from_row(row)


def records(store: Store, name: str) -> Iterator[Any]:
    """The records of the section called ``name`` (``"documents"``), streamed: for work
    over the whole register that must not hold it (the report, open data)."""
    return iter_records(store, next(s for s in SECTIONS if s.name == name))


# --- JSON --------------------------------------------------------------------------------


#: Long work reports progress to its caller every this many records.
PROGRESS_EVERY = 1_000

Progress = Callable[[int], None]
"""Called with the number of records done since the last call (a progress bar's update)."""


def counted(records: Iterable[Any], progress: Progress | None) -> Iterator[Any]:
    """``records`` as they are, telling ``progress`` every :data:`PROGRESS_EVERY`."""
    if progress is None:
        yield from records
        return
    done = 0
    for record in records:
        yield record
        done += 1
        if done == PROGRESS_EVERY:
            progress(done)
            done = 0
    if done:
        progress(done)


def write_json(store: Store, out: IO[str], *, progress: Progress | None = None) -> None:
    """Stream the register to ``out``; memory stays flat however large the register."""
    out.write(f'{{"format": "{FORMAT}", "version": {FORMAT_VERSION}')
    for section in SECTIONS:
        out.write(f',\n"{section.name}": [')
        first = True
        for record in counted(iter_records(store, section), progress):
            out.write("\n" if first else ",\n")
            out.write(json.dumps(to_data(record), ensure_ascii=False, sort_keys=True))
            first = False
        out.write("\n]" if not first else "]")
    out.write("\n}\n")


#: How much of the file is read (and hashed) at a time.
READ_CHUNK = 1 << 20


@attrs.frozen
class ExportFile:
    """An export as read: its sections as plain data, and the file's fingerprint."""

    data: dict[str, Any]
    """The parsed JSON, checked to be a styrdok export of this version."""
    sha256: str
    """SHA-256 of the bytes read (hex): names the file in the audit log. Of a text stream,
    the hash of its UTF-8 encoding."""


def read_json(source: IO[str] | IO[bytes]) -> ExportFile:
    """Parse a whole export file (for a merge), refusing anything that is not one. The
    SHA-256 is computed while the file is read, chunk by chunk: the file is read once. A
    restore reads a chunk of records at a time instead (:func:`restore`)."""
    digest = hashlib.sha256()
    try:
        text = _read_hashing(source, digest)
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidValue(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise InvalidValue("not a styrdok export: the JSON is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise InvalidValue(f"not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    del text  # only the parsed data from here on
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidValue(f'not a styrdok export (expected "format": "{FORMAT}")')
    if data.get("version") != FORMAT_VERSION:
        raise InvalidValue(
            f"unsupported export version {data.get('version')!r}; "
            f"this styrdok reads version {FORMAT_VERSION}"
        )
    known = {"format", "version"} | {s.name for s in SECTIONS}
    extra = sorted(set(data) - known)
    if extra:
        raise InvalidValue(f"unknown section {extra[0]!r} in the export")
    for section in SECTIONS:
        if not isinstance(data.get(section.name, []), list):
            raise InvalidValue(f"${section.name} must be a list")
    return ExportFile(data, digest.hexdigest())


def _read_hashing(source: IO[str] | IO[bytes], digest: Any) -> str:
    """The whole text of ``source``, fed through ``digest`` as it is read. Bytes collect in
    one growing buffer and are decoded once: the peak is the bytes plus the text, as when
    a text file decodes itself."""
    raw = bytearray()
    parts: list[str] = []
    while chunk := source.read(READ_CHUNK):
        if isinstance(chunk, bytes):
            digest.update(chunk)
            raw += chunk
        else:
            digest.update(chunk.encode("utf-8", "surrogatepass"))
            parts.append(chunk)
    if raw:
        return raw.decode("utf-8")
    return "".join(parts)


def parse(data: dict[str, Any]) -> dict[str, list[Any]]:
    """Every record of ``data`` as a domain object (all field rules apply), by section."""
    return {
        section.name: [
            from_data(record, section.cls, where=f"$.{section.name}[{i}]")
            for i, record in enumerate(data.get(section.name, []))
        ]
        for section in SECTIONS
    }


def load(store: Store, data: dict[str, Any], *, merge: bool = False) -> dict[str, int]:
    """Validate everything in ``data``, then bulk-insert it. Call inside a transaction.
    With ``merge`` every record is also held to the governance rules (:mod:`styrdok.merging`)."""
    parsed = parse(data)
    validate(store, parsed, merge=merge)
    return insert(store, parsed)


def validate(store: Store, parsed: dict[str, list[Any]], *, merge: bool) -> None:
    """Uniqueness and references (always), and the rules (``merge``); writes nothing."""
    fresh = store.is_empty()
    _check_unique(store, parsed, fresh=fresh)
    _check_references(store, parsed)
    if merge:
        from styrdok.merging import check_rules

        check_rules(store, parsed)


def insert(
    store: Store, parsed: dict[str, list[Any]], *, progress: Progress | None = None
) -> dict[str, int]:
    """Bulk-insert validated records; returns how many of each kind."""
    fresh = store.is_empty()
    counts = {}
    for section in SECTIONS:
        records = parsed[section.name]
        if not fresh and section.name in ("reviews", "questions", "attachments"):
            # Numbered records get new numbers when merged into a register in use.
            records = [attrs.evolve(r, id=None) for r in records]
            rows: Iterable[dict[str, Any]] = (
                {k: v for k, v in section.to_row(r).items() if k != "id"} for r in records
            )
        else:
            rows = (section.to_row(r) for r in records)
        counts[section.name] = store.bulk_insert(section.table, counted(rows, progress))
    return counts


#: The key that must be unique among a section's records that have no ref.
UNIQUE_KEYS: dict[str, Callable[[Any], Any]] = {
    "document_versions": lambda v: (v.document_ref, v.version),
    "reviews": lambda r: r.id,
    "questions": lambda q: q.id,
    "attachments": lambda a: a.id,
    "acknowledgements": lambda a: (a.document_ref, a.person, a.version),
}


def _check_unique(store: Store, parsed: dict[str, list[Any]], *, fresh: bool) -> None:
    for name, table in (
        ("persons", "person"),
        ("units", "unit"),
        ("bodies", "body"),
        ("documents", "document"),
        ("dispensations", "dispensation"),
    ):
        spelled: dict[str, str] = {}  # ref_key → the first spelling in the file
        for i, record in enumerate(parsed[name]):
            folded = ref_key(record.ref)
            if folded in spelled:
                first = spelled[folded]
                how = (
                    ""
                    if first == record.ref
                    else f" (as {first}; refs are compared regardless of case)"
                )
                raise AlreadyExists(f"{record.ref} appears twice @ $.{name}[{i}]{how}")
            spelled[folded] = record.ref
        if not fresh:
            clash = store.existing_refs(table, sorted(spelled.values()))
            if clash:
                raise AlreadyExists(f"{table} {clash[0]} is already in the registry")
    for name, key in UNIQUE_KEYS.items():
        keys: set[Any] = set()
        for i, record in enumerate(parsed[name]):
            k = key(record)
            if k is not None and k in keys:
                raise AlreadyExists(f"{k} appears twice @ $.{name}[{i}]")
            keys.add(k)
    check_files_once(parsed["attachments"], 0, {}, set())


def check_files_once(
    attachments: list[AttachmentRecord],
    first: int,
    names: dict[tuple[str, str], str],
    contents: set[tuple[str, str]],
) -> None:
    """A document has each file once, by name (regardless of case) and by content, as
    :func:`styrdok.usecases.attachments.attach_file` keeps it. ``names`` ((document,
    folded name) → the name) and ``contents`` hold the files seen before ``first``."""
    for i, a in enumerate(attachments, first):
        key = (a.document_ref, a.name.casefold())
        if key in names:
            raise AlreadyExists(
                f"{a.document_ref} has two files named {names[key]} @ $.attachments[{i}].name"
            )
        names[key] = a.name
        if (a.document_ref, a.sha256) in contents:
            raise AlreadyExists(
                f"{a.document_ref} has the same file twice (same SHA-256) "
                f"@ $.attachments[{i}].sha256"
            )
        contents.add((a.document_ref, a.sha256))


def references(name: str, record: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """``(table, ref, where)`` for each reference a record of section ``name`` makes."""
    for table, ref, field in reference_fields(name, record):
        yield table, ref, f"{where}.{field}"


def reference_fields(name: str, record: Any) -> Iterator[tuple[str, str, str]]:
    """``(table, ref, field)`` for each reference a record of section ``name`` makes."""

    def need(table: str, ref: str | None, field: str) -> Iterator[tuple[str, str, str]]:
        if ref is not None:
            yield table, ref, field

    if name == "bodies":
        yield from need("person", record.contact, "contact")
    elif name == "units":
        yield from need("unit", record.parent, "parent")
        yield from need("person", record.manager, "manager")
    elif name == "acknowledgements":
        yield from need("person", record.person, "person")
        yield from need("document", record.document_ref, "document_ref")
    elif name == "documents":
        yield from need("person", record.owner, "owner")
        yield from need("person", record.guardian, "guardian")
        yield from need("body", record.adopted_by, "adopted_by")
        yield from need("document", record.parent, "parent")
        yield from need("document", record.supersedes, "supersedes")
        for ref in record.related:
            yield from need("document", ref, "related")
        for ref in record.dispensation_rules.approvers:
            yield from need("person", ref, "dispensation_rules.approvers")
    elif name == "document_versions":
        yield from need("document", record.document_ref, "document_ref")
    elif name == "reviews":
        yield from need("document", record.document_ref, "document_ref")
        yield from need("person", record.reviewer, "reviewer")
    elif name == "dispensations":
        yield from need("document", record.document_ref, "document_ref")
        yield from need("person", record.requested_by, "requested_by")
        yield from need("person", record.responsible, "responsible")
        yield from need("dispensation", record.renewal_of, "renewal_of")
        yield from need("person", record.ended_by, "ended_by")
        if record.decision is not None:
            yield from need("person", record.decision.by, "decision.by")
            yield from need("body", record.decision.reported_to, "decision.reported_to")
        if record.evaluation is not None:
            yield from need("person", record.evaluation.by, "evaluation.by")
    elif name == "attachments":
        yield from need("document", record.document_ref, "document_ref")
        yield from need("person", record.added_by, "added_by")
    elif name == "questions":
        yield from need("document", record.document_ref, "document_ref")
        yield from need("person", record.asked_by, "asked_by")
        yield from need("person", record.answered_by, "answered_by")


#: The order references are checked in, so the first error named is the same each time.
REFERRING = (
    "bodies",
    "units",
    "acknowledgements",
    "documents",
    "document_versions",
    "reviews",
    "dispensations",
    "attachments",
    "questions",
)

#: The sections whose records have a ref, and their tables: what a reference points at.
REF_TABLES = {
    "persons": "person",
    "units": "unit",
    "bodies": "body",
    "documents": "document",
    "dispensations": "dispensation",
}


def _check_references(store: Store, parsed: dict[str, list[Any]]) -> None:
    """Every reference points at a record in the file or already in the registry."""
    wanted = [
        reference
        for name in REFERRING
        for i, record in enumerate(parsed[name])
        for reference in references(name, record, f"$.{name}[{i}]")
    ]
    in_file = {table: {record.ref for record in parsed[name]} for name, table in REF_TABLES.items()}
    missing = [(t, ref, where) for t, ref, where in wanted if ref not in in_file[t]]
    for table in in_file:
        refs = sorted({ref for t, ref, _ in missing if t == table})
        known = set(store.existing_refs(table, refs)) if refs else set()
        for t, ref, where in missing:
            if t == table and ref not in known:
                raise NotFound(f"unknown {table} {ref!r} @ {where}")
