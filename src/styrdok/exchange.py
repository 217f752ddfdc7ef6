"""Export and import of the whole register.

The JSON format is the domain objects as :mod:`styrdok.serialize` writes them, one record a
line, sections in foreign-key order, no timestamps: exporting, importing into an empty
registry and exporting again gives the same bytes. The audit log is not part of an export:
it is the history of *this* registry, and the import itself is recorded in it. Attached
files travel as their records and the text read from them (:class:`AttachmentRecord`), not
their bytes, which stay in the file storage (``docs/files.md``).

Import is all or nothing. Every record is rebuilt as a domain object (so every field rule
applies) and every reference is checked before the first row is written; a problem raises
one error naming the record, e.g. ``unknown person 'x' @ $.documents[3].owner``. A restore
into an empty registry stops there (it is a backup); a merge into a registry in use also
holds every record to the governance rules (:mod:`styrdok.merging`), so a file cannot bring in
what the registry would never have allowed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import attrs

from styrdok import csvsafe, fields
from styrdok.attachment import Attachment
from styrdok.errors import AlreadyExists, InvalidValue, NotFound
from styrdok.extraction import MAX_TEXT
from styrdok.files import refuse_links, write_atomically
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


#: The sections a CSV export writes: every one but the attachments, whose text (up to
#: 200,000 characters a file, more than a spreadsheet's cell holds) is there to move a
#: register, not to be read in a spreadsheet.
CSV_SECTIONS = tuple(section for section in SECTIONS if section.name != "attachments")


def iter_records(store: Store, section: Section) -> Iterator[Any]:
    for row in store.iter_table(section.table):
        yield section.from_row(row)


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
    """Parse an export file, refusing anything that is not one. The SHA-256 is computed
    while the file is read, chunk by chunk: the file is read once."""
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
    for name, key in (
        ("document_versions", lambda v: (v.document_ref, v.version)),
        ("reviews", lambda r: r.id),
        ("questions", lambda q: q.id),
        ("attachments", lambda a: a.id),
        ("acknowledgements", lambda a: (a.document_ref, a.person, a.version)),
    ):
        keys: set[Any] = set()
        for i, record in enumerate(parsed[name]):
            k = key(record)
            if k is not None and k in keys:
                raise AlreadyExists(f"{k} appears twice @ $.{name}[{i}]")
            keys.add(k)
    _check_files_once(parsed["attachments"])


def _check_files_once(attachments: list[AttachmentRecord]) -> None:
    """A document has each file once, by name (regardless of case) and by content, as
    :func:`styrdok.usecases.attachments.attach_file` keeps it."""
    names: dict[tuple[str, str], str] = {}  # (document, folded name) → the name
    contents: set[tuple[str, str]] = set()
    for i, a in enumerate(attachments):
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


def _check_references(store: Store, parsed: dict[str, list[Any]]) -> None:
    """Every reference points at a record in the file or already in the registry."""
    wanted: list[tuple[str, str, str]] = []  # (table, ref, where)

    def need(table: str, ref: str | None, where: str) -> None:
        if ref is not None:
            wanted.append((table, ref, where))

    for i, b in enumerate(parsed["bodies"]):
        need("person", b.contact, f"$.bodies[{i}].contact")
    for i, u in enumerate(parsed["units"]):
        need("unit", u.parent, f"$.units[{i}].parent")
        need("person", u.manager, f"$.units[{i}].manager")
    for i, a in enumerate(parsed["acknowledgements"]):
        need("person", a.person, f"$.acknowledgements[{i}].person")
        need("document", a.document_ref, f"$.acknowledgements[{i}].document_ref")
    for i, d in enumerate(parsed["documents"]):
        where = f"$.documents[{i}]"
        need("person", d.owner, f"{where}.owner")
        need("person", d.guardian, f"{where}.guardian")
        need("body", d.adopted_by, f"{where}.adopted_by")
        need("document", d.parent, f"{where}.parent")
        need("document", d.supersedes, f"{where}.supersedes")
        for ref in d.related:
            need("document", ref, f"{where}.related")
        for ref in d.dispensation_rules.approvers:
            need("person", ref, f"{where}.dispensation_rules.approvers")
    for i, v in enumerate(parsed["document_versions"]):
        need("document", v.document_ref, f"$.document_versions[{i}].document_ref")
    for i, r in enumerate(parsed["reviews"]):
        need("document", r.document_ref, f"$.reviews[{i}].document_ref")
        need("person", r.reviewer, f"$.reviews[{i}].reviewer")
    for i, x in enumerate(parsed["dispensations"]):
        where = f"$.dispensations[{i}]"
        need("document", x.document_ref, f"{where}.document_ref")
        need("person", x.requested_by, f"{where}.requested_by")
        need("person", x.responsible, f"{where}.responsible")
        need("dispensation", x.renewal_of, f"{where}.renewal_of")
        if x.decision is not None:
            need("person", x.decision.by, f"{where}.decision.by")
            need("body", x.decision.reported_to, f"{where}.decision.reported_to")
        if x.evaluation is not None:
            need("person", x.evaluation.by, f"{where}.evaluation.by")
    for i, a in enumerate(parsed["attachments"]):
        need("document", a.document_ref, f"$.attachments[{i}].document_ref")
        need("person", a.added_by, f"$.attachments[{i}].added_by")
    for i, q in enumerate(parsed["questions"]):
        need("document", q.document_ref, f"$.questions[{i}].document_ref")
        need("person", q.asked_by, f"$.questions[{i}].asked_by")
        need("person", q.answered_by, f"$.questions[{i}].answered_by")

    in_file = {
        "person": {p.ref for p in parsed["persons"]},
        "unit": {u.ref for u in parsed["units"]},
        "body": {b.ref for b in parsed["bodies"]},
        "document": {d.ref for d in parsed["documents"]},
        "dispensation": {x.ref for x in parsed["dispensations"]},
    }
    missing = [(t, ref, where) for t, ref, where in wanted if ref not in in_file[t]]
    for table in in_file:
        refs = sorted({ref for t, ref, _ in missing if t == table})
        known = set(store.existing_refs(table, refs)) if refs else set()
        for t, ref, where in missing:
            if t == table and ref not in known:
                raise NotFound(f"unknown {table} {ref!r} @ {where}")


# --- CSV ---------------------------------------------------------------------------------


def _attrs_class_of(annotation: Any) -> type | None:
    if isinstance(annotation, type) and attrs.has(annotation):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and attrs.has(arg):
                return arg
    return None


def csv_columns(cls: type, prefix: str = "") -> list[str]:
    """Flat column names for ``cls``; nested records become ``field.sub`` columns."""
    attrs.resolve_types(cls)
    columns = []
    for field in attrs.fields(cls):
        nested = _attrs_class_of(field.type)
        if nested is not None and nested not in (Document,):
            columns.extend(csv_columns(nested, f"{prefix}{field.name}."))
        else:
            columns.append(prefix + field.name)
    return columns


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key != "snapshot":
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat[prefix + key] = "; ".join(value)
        elif isinstance(value, list | dict):
            flat[prefix + key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif isinstance(value, bool):
            flat[prefix + key] = "yes" if value else "no"
        elif isinstance(value, dt.date):
            flat[prefix + key] = value.isoformat()
        else:
            flat[prefix + key] = "" if value is None else value
    return flat


def write_csv(store: Store, directory: str | os.PathLike[str], *, excel: bool = False) -> list[str]:
    """One UTF-8 CSV (with BOM, so spreadsheet programs read å, ä, ö right) per section;
    with ``excel``, in Swedish Excel's dialect (:func:`styrdok.csvsafe.excel_writer`:
    semicolons, decimal commas).

    Cells go through :mod:`styrdok.csvsafe` (text that would be a formula is neutralised);
    each file is written by :func:`styrdok.files.write_atomically`, and if any of the file
    names is a symbolic link nothing is written at all."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{section.name}.csv" for section in CSV_SECTIONS]
    refuse_links(paths)
    for section, path in zip(CSV_SECTIONS, paths, strict=True):
        write_atomically(
            path,
            functools.partial(_write_section, store, section, excel=excel),
            encoding="utf-8-sig",
        )
    return [path.name for path in paths]


def _decimal_columns(cls: type, prefix: str = "") -> set[str]:
    """The flat columns of ``cls`` that hold an amount (written as text by the converter)."""
    found = set()
    for field in attrs.fields(cls):
        nested = _attrs_class_of(field.type)
        if nested is not None and nested is not Document:
            found |= _decimal_columns(nested, f"{prefix}{field.name}.")
        elif field.type is Decimal or Decimal in typing.get_args(field.type):
            found.add(prefix + field.name)
    return found


def _write_section(store: Store, section: Section, handle: IO[str], *, excel: bool) -> None:
    columns = csv_columns(section.cls)
    sheet = csvsafe.excel_writer(handle) if excel else csvsafe.writer(handle)
    # In Excel's dialect an amount is written with a decimal comma, so it goes out as a number.
    amounts = _decimal_columns(section.cls) if excel else set()
    sheet.writerow(columns)
    for record in iter_records(store, section):
        flat = _flatten(to_data(record))
        for column in amounts:
            if flat.get(column) not in (None, ""):
                flat[column] = Decimal(flat[column])
        sheet.writerow(flat.get(column, "") for column in columns)
