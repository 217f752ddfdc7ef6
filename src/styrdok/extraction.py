"""Text read from an attached file, for search: PDF, DOCX, ODT, plain text and Markdown.

Libraries: pypdf for PDF, python-docx for DOCX, and for ODT the standard library (an ODT is
a ZIP archive whose ``content.xml`` holds the text). Every reader is bounded, as a file may
be hostile: at most :data:`MAX_TEXT` characters are kept; an office file's XML is read only
up to :data:`MAX_XML_BYTES` unpacked (a "zip bomb" of a few kilobytes can unpack to
gigabytes), and never its images; a PDF's pages are read one at a time with the objects of
the last page let go. A file whose text cannot be read is still attached: it only cannot
be found by its words, and :class:`Extracted` says why.

The text is cleaned as every stored text is: Unicode NFC, line breaks as LF, and control
and direction-changing characters (which a PDF may well contain) replaced by spaces.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

import attrs

from styrdok.filetypes import FileType

#: Characters of text kept per file, as for a document's own text (styrdok.markdown).
MAX_TEXT = 200_000
#: Bytes of an office file's XML read, unpacked; beyond that its text is not read.
MAX_XML_BYTES = 30_000_000

# What no stored text may contain (styrdok.text refuses it): control characters other than
# tab and line feed, direction overrides and isolates, the byte-order mark.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@attrs.frozen
class Extracted:
    """Text read from a file."""

    text: str
    """Cleaned, at most :data:`MAX_TEXT` characters (empty when none could be read)."""
    problem: str | None = None
    """Why no text, or not all of it, was read; ``None`` when all went well."""


def clean(text: str) -> str:
    """Text as the register stores it (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNWANTED.sub(" ", unicodedata.normalize("NFC", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _capped(pieces: Iterable[str]) -> Extracted:
    """Join ``pieces`` until :data:`MAX_TEXT` characters are reached (and stop reading)."""
    kept: list[str] = []
    total = 0
    for piece in pieces:
        kept.append(piece)
        total += len(piece) + 1
        if total > MAX_TEXT:
            text = clean("\n".join(kept))[:MAX_TEXT]
            return Extracted(text, f"only the first {MAX_TEXT:,} characters are searched")
    return Extracted(clean("\n".join(kept)))


def extract_text(path: Path, file_type: FileType) -> Extracted:
    """The text of the file at ``path``, whose content is of ``file_type``."""
    readers = {"pdf": _pdf, "docx": _docx, "odt": _odt, "txt": _plain, "md": _plain}
    reader = readers.get(file_type.key)
    if reader is None:
        return Extracted("")  # images and workbooks: nothing to read as running text
    try:
        return _capped(reader(path))
    except _TooLarge as exc:
        return Extracted("", str(exc))
    except Exception as exc:  # a damaged or hostile file: attach it, without its words
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Extracted("", f"its text could not be read ({reason[:200]})")


class _TooLarge(Exception):
    """The file's text is not read: it would take too much memory."""


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Keep a library's warnings about damaged files off the terminal while it reads."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _pdf(path: Path) -> Iterator[str]:
    from pypdf import PdfReader

    # An open file, not the path: given a path, pypdf reads the whole file into memory.
    with path.open("rb") as handle, _quiet("pypdf"):
        reader = PdfReader(handle)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("the PDF is encrypted")
        for page in reader.pages:
            yield page.extract_text() or ""
            # pypdf keeps every object it has read (images too) for the reader's lifetime;
            # a scanned 50 MB decision would end up in memory whole. The next page reads
            # what it needs again.
            reader.resolved_objects.clear()


def _xml_parts(path: Path, wanted: Iterable[str]) -> dict[str, int]:
    """The unpacked size of each XML part of an office file that text is read from,
    refusing more than :data:`MAX_XML_BYTES` in all."""
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    parts = {name: size for name, size in sizes.items() if name in wanted}
    if sum(parts.values()) > MAX_XML_BYTES:
        raise _TooLarge(
            f"its text is not read: more than {MAX_XML_BYTES // 1_000_000} MB of XML unpacked"
        )
    return parts


def _docx(path: Path) -> Iterator[str]:
    import docx

    # python-docx loads every part of the package into memory, images included; it is
    # handed a copy holding only the XML (the other parts empty), small by the check above.
    with zipfile.ZipFile(path) as archive:
        xml = [
            i.filename
            for i in archive.infolist()
            if i.filename.endswith((".xml", ".rels")) and not i.is_dir()
        ]
        _xml_parts(path, xml)
        slim = io.BytesIO()
        with zipfile.ZipFile(slim, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                copy.writestr(info.filename, archive.read(info) if info.filename in xml else b"")
    document = docx.Document(slim)
    paragraph, text = f"{{{_WORD}}}p", f"{{{_WORD}}}t"
    for element in document.element.body.iter(paragraph):
        yield "".join(node.text or "" for node in element.iter(text))


def _odt(path: Path) -> Iterator[str]:
    _xml_parts(path, ("content.xml",))
    blocks = {f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"}
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        # Streamed: each paragraph is let go once read. The standard library's parser
        # resolves no external entities, and expat limits entity expansion.
        depth = 0
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            if element.tag not in blocks:
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth == 0:  # an outer paragraph (a note's paragraphs are inside one)
                yield _odt_text(element)
                element.clear()


def _odt_text(element: ElementTree.Element) -> str:
    """A paragraph's text, with ODF's spaces, tabs and line breaks as characters."""
    out: list[str] = []
    space, tab, brk = (f"{{{_ODF_TEXT}}}{tag}" for tag in ("s", "tab", "line-break"))

    def walk(node: ElementTree.Element) -> None:
        out.append(node.text or "")
        for child in node:
            if child.tag == space:
                # text:c counts the spaces; a hostile file may ask for billions
                out.append(" " * min(int(child.get(f"{{{_ODF_TEXT}}}c") or 1), 100))
            elif child.tag == tab:
                out.append("\t")
            elif child.tag == brk:
                out.append("\n")
            else:
                walk(child)
            out.append(child.tail or "")

    walk(element)
    return "".join(out)


def _plain(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        yield handle.read(MAX_TEXT + 1)
