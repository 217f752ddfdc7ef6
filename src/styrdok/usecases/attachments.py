"""Files of a document: attach, detach, list, fetch back, and verify the storage.

Each function is bound on :class:`~styrdok.registry.Registry` as a method of the same name.
Only a document's owner, its guardian or an administrator attaches or detaches; reading
needs no actor. The bytes go to the file storage ``[files] storage`` names (or ``storage``
when given), addressed by their SHA-256; the register records what each file is.

Order of writes, so that the register never points at content that is not stored:

* attaching stores the content first, then records it. If the record fails, the content
  stays in the storage unreferenced — harmless, as it is addressed by its hash: attaching
  the same file again finds it there.
* detaching removes the record first (committed), then the content, unless another
  attachment still has the same. If that removal fails, the content is left unreferenced
  (harmless again, and logged).

Both the last check of an attach ("is the content still stored?") and a detach's removal
of content run inside a write transaction, which only one process holds at a time, so a
detach can never remove content that an attach is recording at the same moment.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from styrdok import events, extraction, intake, rules
from styrdok.attachment import Attached, Attachment, FileKind, FileProblem, FilesReport
from styrdok.config import Config
from styrdok.errors import AlreadyExists, InvalidValue, NotFound, RuleViolation, StyrdokError
from styrdok.filestore import ContentMissing, FileStore, file_store
from styrdok.store.base import Store
from styrdok.text import normalise
from styrdok.usecases.arguments import use_case
from styrdok.usecases.work import Work, load_document

if TYPE_CHECKING:
    from styrdok.registry import Registry

log = logging.getLogger(__name__)


def _check_may_manage(registry: Registry, actor: str | None, ref: str, action: str) -> None:
    """Refuse early, before a byte is copied or sent: the same rule the write applies."""
    with registry.session.read():
        work = Work(registry.session, actor)  # only reads here: the actor and the document
        rules.require_document_manager(work.actor, work.document(ref), action)


def _name_of(source: str | os.PathLike[str] | BinaryIO, name: str | None) -> str:
    if name is not None:
        return name
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    given = getattr(source, "name", None)
    if isinstance(given, str) and given:
        return Path(given).name
    raise InvalidValue("name: give the file's name (a stream has none)")


def _refuse_twice(existing: list[Attachment], ref: str, name: str, sha256: str) -> None:
    for other in existing:
        if other.sha256 == sha256:
            raise AlreadyExists(f"{ref} already has this file, as {other.label} (same SHA-256)")
        if other.name.casefold() == name.casefold():
            raise AlreadyExists(
                f"{ref} already has a file named {other.name} ({other.label}); detach it "
                "first, or attach this one under another name"
            )


@use_case
def attach_file(
    registry: Registry,
    ref: str,
    source: str | os.PathLike[str] | BinaryIO,
    *,
    actor: str | None,
    title: str | None = None,
    kind: FileKind = FileKind.APPENDIX,
    name: str | None = None,
    config: Config | None = None,
    storage: FileStore | None = None,
) -> Attached:
    """Attach a file — a path, or a binary stream with its ``name`` — to a document.

    The file is streamed once: hashed, counted against ``[files] max_mb`` and its type
    read from its content, which must be an allowed type and agree with its name's
    extension; then its text is read for search, the content stored, and the attachment
    recorded and audited. Owner, guardian or administrator only. A file the document
    already has (same name or same content) is refused."""
    config = config or Config()
    _check_may_manage(registry, actor, ref, "attach files to")
    file_name = normalise(_name_of(source, name))  # NFC, as every stored name
    with (
        file_store(config, registry.store.url, storage) as files,  # a settings mistake first
        intake.receive(source, file_name, config.files) as received,
    ):
        extracted = extraction.extract_text(received.path, received.file_type)
        sha256, size = received.sha256, received.size
        already = files.exists(sha256)
        if not already:
            with received.path.open("rb") as copy:
                files.put(sha256, copy, size)
        # Stored. From here a failure leaves the content unreferenced, which is harmless.
        with registry.session.work(actor) as work:
            document = work.document(ref)
            rules.require_document_manager(work.actor, document, "attach files to")
            _refuse_twice(work.store.list_attachments(ref), ref, received.name, sha256)
            if not files.exists(sha256):  # a detach elsewhere removed it since the upload
                with received.path.open("rb") as copy:
                    files.put(sha256, copy, size)
            attachment = Attachment(
                document_ref=ref,
                name=received.name,
                title=title if title is not None else received.name,
                kind=kind,
                media_type=received.file_type.media_type,
                size=size,
                sha256=sha256,
                added_by=work.actor.ref,
                added_at=registry.now(),
            )
            stored = work.store.insert_attachment(attachment, text=extracted.text)
            work.record(events.AttachmentAdded, f"document:{ref}", None, stored)
    return Attached(stored, len(extracted.text), extracted.problem, already)


def find_file(store: Store, ref: str, file: str) -> Attachment:
    """A document's file by its number (``3`` or ``#3``) or its name (exact, else
    regardless of case), or :class:`NotFound` listing the files it has."""
    files = store.list_attachments(ref)
    number = file.removeprefix("#")
    for attachment in files:
        if attachment.name == file or (number.isdigit() and str(attachment.id) == number):
            return attachment
    for attachment in files:
        if attachment.name.casefold() == file.casefold():
            return attachment
    has = ", ".join(a.label for a in files) or "none"
    raise NotFound(f"{ref} has no file {file!r} (its files: {has})")


@use_case
def detach_file(
    registry: Registry,
    ref: str,
    file: str,
    *,
    actor: str | None,
    config: Config | None = None,
    storage: FileStore | None = None,
) -> Attachment:
    """Detach a file (by number or name) from a document: the attachment is removed from
    the register and audited, then its content from the storage unless another
    attachment has the same. Owner, guardian or administrator only."""
    with file_store(config, registry.store.url, storage) as files:
        with registry.session.work(actor) as work:
            document = work.document(ref)
            rules.require_document_manager(work.actor, document, "detach files from")
            attachment = find_file(work.store, ref, file)
            assert attachment.id is not None, "a stored attachment has its number"
            work.store.delete_attachment(attachment.id)
            work.record(events.AttachmentRemoved, f"document:{ref}", attachment, attachment)
        # Committed. Removing the content is tidying: a failure leaves it unreferenced.
        try:
            with registry.session.write():  # no attach of the same content in between
                if registry.store.count_attachments_with(attachment.sha256) == 0:
                    files.delete(attachment.sha256)
        except StyrdokError as exc:
            log.warning(
                "%s: its content stays in %s unreferenced: %s", attachment, files.where, exc
            )
    return attachment


@use_case
def document_files(registry: Registry, ref: str) -> list[Attachment]:
    """A document's files, in the order they were attached."""
    with registry.session.read() as store:
        load_document(store, ref)
        return store.list_attachments(ref)


@use_case
def fetch_file(
    registry: Registry,
    ref: str,
    file: str,
    target: BinaryIO,
    *,
    config: Config | None = None,
    storage: FileStore | None = None,
) -> Attachment:
    """Write a document's file (by number or name) to ``target``, streamed from the
    storage and hashed on the way: :class:`RuleViolation` at the end if it is not the
    content that was attached (write ``target`` to a temporary file and keep it only when
    this returns, as ``styrdok doc file`` does)."""
    with registry.session.read() as store:
        load_document(store, ref)
        attachment = find_file(store, ref, file)
    with file_store(config, registry.store.url, storage) as files:
        try:
            with files.get(attachment.sha256) as pieces:
                digest, size = hashlib.sha256(), 0
                for piece in pieces:
                    digest.update(piece)
                    size += len(piece)
                    target.write(piece)
        except ContentMissing:
            raise ContentMissing(
                f"{ref} {attachment.label}: missing from {files.where}; see 'styrdok files verify'"
            ) from None
        if digest.hexdigest() != attachment.sha256 or size != attachment.size:
            raise RuleViolation(
                f"{ref} {attachment.label}: the content in {files.where} is not the file "
                "that was attached (its SHA-256 differs); see 'styrdok files verify'"
            )
    return attachment


def _problem(files: FileStore, sha256: str, size: int) -> str | None:
    """What is wrong with the content under ``sha256`` (``None``: it is all there)."""
    try:
        with files.get(sha256) as pieces:
            digest, found = hashlib.sha256(), 0
            for piece in pieces:
                digest.update(piece)
                found += len(piece)
    except ContentMissing:
        return "missing from the storage"
    if digest.hexdigest() != sha256:
        return f"changed in the storage: {found:,} bytes whose SHA-256 is {digest.hexdigest()}"
    if found != size:  # the same hash and another size cannot happen, but say so if it did
        return f"changed in the storage: {found:,} bytes instead of {size:,}"
    return None


@use_case
def verify_files(
    registry: Registry, *, config: Config | None = None, storage: FileStore | None = None
) -> FilesReport:
    """Read every attached file back from the storage and hash it: report each one whose
    content is missing or changed (a storage that cannot be reached is an error)."""
    with registry.session.read() as store:
        attachments = store.list_attachments()
    with file_store(config, registry.store.url, storage) as files:
        found: dict[str, str | None] = {}
        problems = []
        for attachment in attachments:
            if attachment.sha256 not in found:
                found[attachment.sha256] = _problem(files, attachment.sha256, attachment.size)
            problem = found[attachment.sha256]
            if problem is not None:
                problems.append(FileProblem(attachment, problem))
        return FilesReport(files.where, len(attachments), len(found), tuple(problems))
