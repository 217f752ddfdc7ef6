"""Taking a file in: copied once, in chunks, into a temporary file while it is hashed,
counted and checked — never read into memory whole.

The copy is what the rest of an attachment works from: its type is read from it (the
first bytes, a ZIP archive's directory), its text is extracted from it, and it is what is
uploaded to the storage. So the file the user named is read exactly once, and what is
stored is exactly what was hashed, even if someone changes the original meanwhile.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import attrs

from styrdok.attachment import check_file_name
from styrdok.config import MB, FileSettings
from styrdok.errors import InvalidValue, NotFound
from styrdok.filestore import CHUNK
from styrdok.filetypes import HEAD_BYTES, FileType, TextCheck, check_content, type_for_name


@attrs.frozen
class Received:
    """A file taken in: its temporary copy and what is known of it."""

    path: Path
    """The temporary copy (removed when the ``receive`` block ends)."""
    name: str
    sha256: str
    size: int
    file_type: FileType


def _size_text(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB else f"{size:,} bytes"


@contextmanager
def _opened(source: str | os.PathLike[str] | BinaryIO) -> Iterator[BinaryIO]:
    if not isinstance(source, str | os.PathLike):
        yield source
        return
    path = Path(source)
    if path.is_dir():
        raise InvalidValue(f"{path} is a folder, not a file")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    with handle:
        yield handle


@contextmanager
def receive(
    source: str | os.PathLike[str] | BinaryIO, name: str, settings: FileSettings
) -> Iterator[Received]:
    """Take in ``source`` (a path, or a binary stream read to its end) as a file named
    ``name``: refuse a type not allowed by ``settings`` (by the name, then by the
    content), a file larger than ``[files] max_mb`` (as soon as it is), and an empty one.
    Yields what was received; the temporary copy is removed afterwards."""
    check_file_name(name)
    claimed = type_for_name(name, settings.types)
    limit = settings.max_bytes
    with _opened(source) as reader:
        # In the system's temporary folder ($TMPDIR), removed below whatever happens.
        handle = tempfile.NamedTemporaryFile(prefix="styrdok-", suffix=".part", delete=False)  # noqa: SIM115
        path = Path(handle.name)
        try:
            digest, size, head, text = hashlib.sha256(), 0, b"", TextCheck()
            is_text = claimed.key in ("txt", "md")  # only text needs decoding to check
            with handle:
                while piece := reader.read(CHUNK):
                    size += len(piece)
                    if size > limit:
                        raise InvalidValue(
                            f"{name}: larger than {_size_text(limit)}, the most a file may be "
                            "([files] max_mb)"
                        )
                    if len(head) < HEAD_BYTES:
                        head += piece[: HEAD_BYTES - len(head)]
                    digest.update(piece)
                    if is_text:
                        text.feed(piece)
                    handle.write(piece)
            text.feed(b"", final=True)
            if size == 0:
                raise InvalidValue(f"{name}: the file is empty")
            check_content(name, claimed, head, path, text.ok)
            yield Received(path, name, digest.hexdigest(), size, claimed)
        finally:
            path.unlink(missing_ok=True)
