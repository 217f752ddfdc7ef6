"""Small real files of every type styrdok takes, made here for tests and the benchmark:
PDF (with text a PDF reader finds, and optionally pages of "scanned" image data), DOCX
(written by python-docx), ODT, XLSX, PNG and JPEG."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

# A 1×1 grey PNG: signature, IHDR, IDAT, IEND.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00"
    b"\x00:~\x9bU\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x1b\xb6\xeeV\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
#: The start of a JPEG (SOI and a JFIF APP0 segment) and its end: what a type check reads.
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
    + b"\xff\xd9"
)  # fmt: skip


def _pdf_string(line: str) -> bytes:
    """A line as a PDF string in WinAnsi encoding (å, ä, ö included)."""
    raw = line.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def write_pdf(
    target: BinaryIO, lines: Sequence[str], *, pages: int = 1, image_bytes: int = 0
) -> None:
    """Write a PDF of ``pages`` pages, each showing ``lines`` in Helvetica and, with
    ``image_bytes``, an uncompressed grey image of about that many bytes (a scanned page),
    streamed to ``target`` without holding the images in memory."""
    offsets: list[int] = []
    written = 0

    def out(data: bytes) -> None:
        nonlocal written
        target.write(data)
        written += len(data)

    def obj(number: int, body: bytes) -> None:
        offsets.append(written)
        out(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    # Objects: 1 catalog, 2 pages, 3 font; per page p: page, contents, image.
    first = 4
    kids = b" ".join(b"%d 0 R" % (first + 3 * p) for p in range(pages))
    out(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
    obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    width = 1000
    height = max(1, image_bytes // width)
    text = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
    for p in range(pages):
        page, contents, image = first + 3 * p, first + 3 * p + 1, first + 3 * p + 2
        xobject = b" /XObject << /Im1 %d 0 R >>" % image if image_bytes else b""
        obj(
            page,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >>%s >> >>" % (contents, xobject),
        )
        draw = b"BT /F1 11 Tf 14 TL 60 780 Td " + text + b" ET"
        if image_bytes:
            draw += b" q 475 0 0 600 60 100 cm /Im1 Do Q"
        obj(contents, b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        if image_bytes:
            offsets.append(written)
            out(
                b"%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
                % (image, width, height, width * height)
            )
            row = bytes((x * 7 + p) % 256 for x in range(width))
            for _ in range(height):
                out(row)
            out(b"\nendstream\nendobj\n")
        else:
            offsets.append(written)  # keep the numbering: an empty object in the image's place
            out(b"%d 0 obj\nnull\nendobj\n" % image)
    xref = written
    count = len(offsets) + 1
    out(b"xref\n0 %d\n0000000000 65535 f \n" % count)
    for offset in offsets:
        out(b"%010d 00000 n \n" % offset)
    out(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref))


def pdf(lines: Sequence[str], **options: int) -> bytes:
    """A PDF as bytes (see :func:`write_pdf`)."""
    buffer = io.BytesIO()
    write_pdf(buffer, lines, **options)
    return buffer.getvalue()


def docx(paragraphs: Sequence[str]) -> bytes:
    """A Word document with these paragraphs, written by python-docx."""
    import docx as python_docx

    document = python_docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:text>{}</office:text></office:body></office:document-content>"
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def odt(paragraphs: Sequence[str], *, content_xml: bytes | None = None) -> bytes:
    """An OpenDocument text with these paragraphs (or the ``content_xml`` given, to make
    a hostile one)."""
    from xml.sax.saxutils import escape

    media_type = "application/vnd.oasis.opendocument.text"
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # The type first and uncompressed, as the ODF standard asks.
        archive.writestr("mimetype", media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST.format(media_type))
        archive.writestr("content.xml", content_xml or _ODT_CONTENT.format(body).encode())
    return buffer.getvalue()


def xlsx() -> bytes:
    """The parts of an Excel workbook a type check looks for (a workbook with one sheet)."""
    buffer = io.BytesIO()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}"><sheets/></workbook>')
    return buffer.getvalue()


def zip_bomb_odt(unpacked: int) -> bytes:
    """An ODT whose ``content.xml`` unpacks to ``unpacked`` bytes of one long paragraph,
    compressed to a few kilobytes."""
    head = _ODT_CONTENT.split("{}")[0].encode() + b"<text:p>"
    tail = b"</text:p>" + _ODT_CONTENT.split("{}")[1].encode()
    chunk = b"a" * 1_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        with archive.open("content.xml", "w") as content:
            content.write(head)
            for _ in range(unpacked // len(chunk)):
                content.write(chunk)
            content.write(tail)
    return buffer.getvalue()


def write(path: Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` and return the path."""
    path.write_bytes(content)
    return path
