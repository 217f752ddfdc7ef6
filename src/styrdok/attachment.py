"""A file attached to a document: the adopted decision as PDF, an appendix, a template.

The register keeps what a file *is* — its SHA-256, size, media type, name, title, kind, who
added it and when — and the text read from it for search; the bytes live in a file storage
(:mod:`styrdok.filestore`), addressed by their SHA-256, so the hash in the register and in
the audit chain proves which file was decided.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from styrdok import fields

# Lives with the other enums (the command line needs it without this module); re-exported.
from styrdok.enums import FileKind as FileKind
from styrdok.errors import InvalidValue

#: The longest file name kept (most file systems allow 255 bytes).
MAX_NAME = 200
#: The longest title.
MAX_TITLE = 300

_SHA256 = re.compile(r"[0-9a-f]{64}")
# A name is one path component: no folder, nothing a file system or a shell reads as
# special. Control and invisible characters are refused by the line rule as well.
_NOT_IN_NAME = re.compile(r'[/\\:*?"<>|]')


def check_sha256(value: Any, what: str = "sha256") -> str:
    """Return ``value`` if it is a SHA-256 in 64 lower-case hex digits, else raise
    :class:`InvalidValue` naming ``what``. Storages build paths and URLs from it, so it is
    checked wherever one comes in."""
    if type(value) is not str or not _SHA256.fullmatch(value):
        raise InvalidValue(f"{what}: expected 64 lower-case hexadecimal digits (a SHA-256)")
    return value


def check_file_name(value: Any) -> str:
    """Return ``value`` if it can be a file's name: one line, no folder or special
    characters, not ``.`` or ``..``, at most :data:`MAX_NAME` characters."""
    from styrdok.text import check_line

    check_line(value, limit=MAX_NAME)
    if _NOT_IN_NAME.search(value) or value.strip(".") == "" or value != value.strip():
        raise InvalidValue(
            f"file name {value!r}: give a plain file name, without folders or any of "
            '/ \\ : * ? " < > |'
        )
    return str(value)


def _name(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    try:
        check_file_name(value)
    except InvalidValue as exc:
        raise InvalidValue(f"{attribute.name}: {exc}") from None


def _sha256(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_sha256(value, attribute.name)


def _utc(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.datetime) or value.utcoffset() != dt.timedelta(0):
        raise InvalidValue(f"{attribute.name}: expected a date and time in UTC")


def _to_kind(value: Any) -> Any:
    try:
        return FileKind(value)
    except ValueError:
        return value  # the validator names the field and the choices


@attrs.frozen
class Attachment:
    """A file of a document, as the register records it (the bytes are in the storage)."""

    document_ref: str = attrs.field(validator=fields.ref)
    """The document the file belongs to."""
    name: str = attrs.field(converter=fields.norm, validator=_name)
    """The file's name, e.g. ``beslut-KF-2026-88.pdf``; unique within the document."""
    title: str = attrs.field(converter=fields.norm, validator=fields.line(MAX_TITLE))
    """What the file is, in words (the name when none was given)."""
    kind: FileKind = attrs.field(converter=_to_kind, validator=fields.one_of(FileKind))
    """Decision, appendix or template."""
    media_type: str = attrs.field(validator=fields.line(100))
    """The type read from the content, e.g. ``application/pdf``."""
    size: int = attrs.field(validator=fields.not_negative)
    """In bytes."""
    sha256: str = attrs.field(validator=_sha256)
    """The content's SHA-256 (64 hex digits): its address in the storage."""
    added_by: str = attrs.field(validator=fields.ref)
    """The person who attached it."""
    added_at: dt.datetime = attrs.field(validator=_utc)
    """When it was attached (UTC)."""
    id: int | None = None
    """Its number in the register (``None`` until stored); ``doc detach`` takes it."""

    @property
    def label(self) -> str:
        """How messages name the file: ``#3 beslut.pdf``."""
        return f"#{self.id} {self.name}" if self.id is not None else self.name


@attrs.frozen
class Attached:
    """What attaching a file did."""

    attachment: Attachment
    """The attachment as recorded."""
    text_length: int
    """Characters of text read from the file for search (0: none)."""
    text_problem: str | None = None
    """Why no text, or not all of it, was read (``None``: all went well)."""
    already_stored: bool = False
    """The storage had this content already (the same file attached elsewhere)."""


@attrs.frozen
class FileProblem:
    """A file that ``styrdok files verify`` found wrong in the storage."""

    attachment: Attachment
    problem: str
    """One line: missing, or changed and how."""


@attrs.frozen
class FilesReport:
    """What ``styrdok files verify`` checked and found."""

    where: str
    """The storage checked (a folder, a URL)."""
    files: int
    """Attachments checked."""
    contents: int
    """Distinct contents read (the same file attached twice is stored, and read, once)."""
    problems: tuple[FileProblem, ...]
    """Every attachment whose content is missing or changed."""
