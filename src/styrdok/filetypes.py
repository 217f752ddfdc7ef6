"""Which kinds of file may be attached, and what a file really is, read from its content.

A name can say anything (a program renamed ``beslut.pdf``), so a file is taken only when
its content is what its name says: the first bytes (the "magic number") for PDF, PNG and
JPEG; for the office formats, which are ZIP archives, the archive's own list of parts
(read from its directory at the end, never unpacked); for text, valid UTF-8 without NUL
bytes. The name's extension must name an allowed type (``[files] types``) and the content
must be of that type.
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import attrs

from styrdok.errors import InvalidValue


@attrs.frozen
class FileType:
    """A kind of file styrdok accepts."""

    key: str
    """Its name in ``[files] types``: ``pdf``, ``docx`` …"""
    media_type: str
    """The IANA media type recorded with the file."""
    extensions: tuple[str, ...]
    """The endings a file of this type may have, lower case, with the dot."""
    label: str
    """How messages name it: ``PDF``, ``Word document`` …"""


TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("pdf", "application/pdf", (".pdf",), "PDF"),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            "Word document (DOCX)",
        ),
        FileType("odt", "application/vnd.oasis.opendocument.text", (".odt",), "OpenDocument text"),
        FileType(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
            "Excel workbook (XLSX)",
        ),
        FileType("txt", "text/plain", (".txt",), "plain text"),
        FileType("md", "text/markdown", (".md", ".markdown"), "Markdown text"),
        FileType("png", "image/png", (".png",), "PNG image"),
        FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG image"),
    )
}
"""Every type styrdok can recognise, by key (all allowed unless ``[files] types`` says
otherwise)."""

#: Bytes read from the start of a file to recognise it.
HEAD_BYTES = 4096

_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
_ZIP = b"PK\x03\x04"
# What others commonly are, to say so when a file is refused.
_KNOWN_OTHERS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"#!", "a script"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (DOC/XLS)"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (_ZIP, "a ZIP archive"),
)


def type_for_name(name: str, allowed: tuple[str, ...]) -> FileType:
    """The allowed type a file's name claims by its extension, or :class:`InvalidValue`."""
    suffix = Path(name).suffix.lower()
    for key in allowed:
        if suffix in TYPES[key].extensions:
            return TYPES[key]
    endings = ", ".join(ext for key in allowed for ext in TYPES[key].extensions) or (
        "none ([files] types is empty)"
    )
    claimed = f"files ending {suffix}" if suffix else "a file without an extension"
    raise InvalidValue(f"{name}: {claimed} may not be attached; allowed: {endings}")


def what_it_looks_like(head: bytes) -> str:
    """A reader's guess at what ``head`` starts, for a refusal: ``a Windows program``."""
    for key, magics in _MAGIC.items():
        if head.startswith(magics):
            return f"a {TYPES[key].label}"
    for magic, what in _KNOWN_OTHERS:
        if head.startswith(magic):
            return what
    return "something else"


class TextCheck:
    """Fed a file's chunks in order: whether it is UTF-8 text without NUL bytes (a
    ``.txt`` or ``.md`` is taken only then). Keeps no more than a decoder's state."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.ok = True

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        """Check the next chunk (``final`` for the last, possibly empty, one)."""
        if not self.ok:
            return
        if b"\x00" in chunk:
            self.ok = False
            return
        try:
            self._decoder.decode(chunk, final)
        except UnicodeDecodeError:
            self.ok = False


#: More parts than this and a ZIP archive is no office document (a DOCX has a few dozen).
MAX_PARTS = 10_000
_END_OF_DIRECTORY = b"PK\x05\x06"


def _declared_parts(path: Path) -> int | None:
    """How many parts a ZIP archive's end record declares (``None``: no such record), read
    before the archive is opened: opening it builds an object per part, and a 100 MB
    archive of empty parts would declare a million."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))  # the record and at most a 64 kB comment
        tail = handle.read()
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def _zip_parts(path: Path) -> set[str] | None:
    """The names in a ZIP archive's directory, or ``None`` if it is not a readable one."""
    declared = _declared_parts(path)
    # 0xFFFF means "see the ZIP64 record": more parts than any office document has.
    if declared is None or declared > MAX_PARTS:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _is_odt(path: Path, parts: set[str]) -> bool:
    if "content.xml" not in parts or "mimetype" not in parts:
        return False
    with zipfile.ZipFile(path) as archive:
        if archive.getinfo("mimetype").file_size > 200:
            return False
        return archive.read("mimetype").strip() == TYPES["odt"].media_type.encode()


def content_is(claimed: FileType, head: bytes, path: Path, text_ok: bool) -> bool:
    """Whether the content (its first bytes ``head``; the whole file at ``path``) is of
    the ``claimed`` type. ``text_ok`` is what a :class:`TextCheck` found."""
    if claimed.key in _MAGIC:
        return head.startswith(_MAGIC[claimed.key])
    if claimed.key in ("txt", "md"):
        return text_ok
    if not head.startswith(_ZIP):
        return False
    parts = _zip_parts(path)
    if parts is None:
        return False
    if claimed.key == "docx":
        return "[Content_Types].xml" in parts and "word/document.xml" in parts
    if claimed.key == "xlsx":
        return "[Content_Types].xml" in parts and "xl/workbook.xml" in parts
    return _is_odt(path, parts)


def check_content(name: str, claimed: FileType, head: bytes, path: Path, text_ok: bool) -> None:
    """Refuse a file whose content is not what its name says, saying what it looks like."""
    if content_is(claimed, head, path, text_ok):
        return
    looks = what_it_looks_like(head)
    if claimed.key in ("txt", "md"):
        what = "UTF-8 text" + ("" if looks == "something else" else f" but {looks}")
        raise InvalidValue(f"{name}: the content is not {what}; {_SAYS}")
    raise InvalidValue(f"{name}: the content is not a {claimed.label} but {looks}; {_SAYS}")


_SAYS = "a file is attached only when its content is what its name says"
