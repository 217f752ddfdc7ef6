"""Writing files so that readers never see half of one, and nobody can redirect the write.

Every file styrdok writes (``export -o``, ``export --csv``, ``export --public``,
``report --html``) goes through :func:`write_atomically`. Exports are often written into
shared folders — a web root, a network share — where someone else may have planted a
symbolic link under the name styrdok is about to use, hoping styrdok overwrites the file it
points at. So:

* the temporary file gets an unpredictable name and is created exclusively, without
  following links (``O_CREAT | O_EXCL | O_NOFOLLOW``): a link planted at any name is never
  written through;
* it is then renamed over the target, and a rename replaces a link itself, never the file a
  link points at;
* a target that already is a symbolic link is refused up front with one clear error, rather
  than silently replaced — someone meant something by it.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from styrdok.errors import InvalidValue

# Not every platform has O_NOFOLLOW (Windows has no such flag, nor unprivileged symlinks).
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def refuse_links(paths: Iterable[Path]) -> None:
    """Raise :class:`InvalidValue` if any of ``paths`` is a symbolic link. Call it for all the
    files of a set before writing the first, so a refusal leaves none of them written."""
    for path in paths:
        if path.is_symlink():
            raise InvalidValue(f"{path} is a symbolic link; styrdok does not write through links")


def _create_partial(path: Path) -> tuple[int, Path]:
    while True:
        partial = path.with_name(f".{path.name}.{secrets.token_hex(8)}.partial")
        try:
            # Mode 0o666 less the umask, as for any new file.
            return os.open(partial, _CREATE, 0o666), partial
        except FileExistsError:  # a name taken, by chance or planted: take another
            continue
        except OSError as exc:
            # Name the file the user asked for, not the temporary one (no permission, no folder).
            raise OSError(exc.errno, exc.strerror, str(path)) from None


def write_atomically(
    path: Path, write: Callable[[IO[str]], object], *, encoding: str = "utf-8"
) -> None:
    """Call ``write`` with a text handle on a new temporary file beside ``path``, then rename
    it into place: the file appears whole or not at all, and a failure leaves what was there.

    A ``path`` that is a symbolic link is refused (:class:`InvalidValue`) and nothing is
    written. An existing file keeps its permissions (an export made private stays private).
    """
    _write_atomically(path, write, mode="w", encoding=encoding)


def write_bytes_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """:func:`write_atomically` for a binary file (an XLSX workbook): ``write`` gets a
    binary handle; the same guarantees hold."""
    _write_atomically(path, write, mode="wb", encoding=None)


def _write_atomically(
    path: Path, write: Callable[[IO[Any]], object], *, mode: str, encoding: str | None
) -> None:
    refuse_links([path])
    try:
        permissions: int | None = stat.S_IMODE(os.stat(path, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        permissions = None
    fd, partial = _create_partial(path)
    try:
        try:
            if encoding is None:
                handle: IO[Any] = os.fdopen(fd, mode)
            else:
                handle = os.fdopen(fd, mode, encoding=encoding, newline="")
        except BaseException:
            os.close(fd)
            raise
        with handle:
            if permissions is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), permissions)
            write(handle)
            handle.flush()
            # On disk before the rename, so a power cut cannot leave an empty file in place.
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
