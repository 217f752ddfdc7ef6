"""The built-in file storage, ``local``: attachments' content in a folder on this machine.

By default the folder is beside a SQLite database — ``register.db.files/`` for
``register.db`` — so a backup of the two together is the whole register. Any other
register (PostgreSQL, a YAML folder) names the folder in ``styrdok.toml``::

    [files]
    directory = "/srv/styrdok/files"

Each file is ``ab/cd/abcd…`` (its SHA-256, in two levels of folders so that no folder
grows to hundreds of thousands of entries), written to a temporary name, flushed to disk
and renamed into place (:func:`styrdok.files.write_bytes_atomically`): it appears whole
or not at all, and a link planted under its name is never written through.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from styrdok.errors import InvalidValue
from styrdok.filestore import ContentMissing, FileStore, FileStoreSetup, StorageError, chunks
from styrdok.hookspecs import hookimpl


class LocalFileStore:
    """Content in a folder, by SHA-256 (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.where = str(root)

    def path(self, sha256: str) -> Path:
        """Where the content under ``sha256`` is kept."""
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return _is_plain_file(self.path(sha256))

    def put(self, sha256: str, source: BinaryIO, size: int) -> None:
        from styrdok.files import write_bytes_atomically

        target = self.path(sha256)
        if _is_plain_file(target):
            return  # content-addressed: the same bytes are there already
        try:
            target.parent.mkdir(parents=True, exist_ok=True)

            def copy(handle: BinaryIO) -> None:
                for piece in chunks(source, size):
                    handle.write(piece)

            write_bytes_atomically(target, copy)  # type: ignore[arg-type]
        except OSError as exc:
            raise StorageError(f"cannot store a file in {self.where}: {_reason(exc)}") from None

    @contextmanager
    def get(self, sha256: str) -> Iterator[Iterable[bytes]]:
        try:
            # Not through a link: what is read is the file the storage wrote.
            handle = os.fdopen(os.open(self.path(sha256), os.O_RDONLY | _NOFOLLOW), "rb")
        except FileNotFoundError:
            raise ContentMissing(f"no file {sha256} in {self.where}") from None
        except OSError as exc:
            raise StorageError(f"cannot read a file in {self.where}: {_reason(exc)}") from None
        with handle:
            yield chunks(handle)

    def delete(self, sha256: str) -> None:
        target = self.path(sha256)
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot remove a file in {self.where}: {_reason(exc)}") from None
        for folder in (target.parent, target.parent.parent):
            try:
                folder.rmdir()  # only when empty: tidy, never required
            except OSError:
                break

    def close(self) -> None:
        """Nothing to release."""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _is_plain_file(path: Path) -> bool:
    """A file, not a link to one: a link planted in the folder is never taken as content."""
    return path.is_file() and not path.is_symlink()


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def folder_for(setup: FileStoreSetup) -> Path:
    """``[files] directory``, or the folder beside a SQLite database."""
    if setup.config.files.directory:
        return Path(os.path.expanduser(setup.config.files.directory))
    from styrdok.store.engine import sqlite_path

    database = sqlite_path(setup.registry_url) if "://" in setup.registry_url else None
    if database is None:
        raise InvalidValue(
            f"{setup.config.source}: [files] directory: name the folder for attachments "
            "(only a SQLite register has a default one, beside its file), or choose another "
            'storage with [files] storage, e.g. "webdav"'
        )
    return database.with_name(database.name + ".files")


@hookimpl
def styrdok_register_file_stores(
    register: Callable[[str, Callable[[FileStoreSetup], FileStore]], None],
) -> None:
    register("local", lambda setup: LocalFileStore(folder_for(setup)))
