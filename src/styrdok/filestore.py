"""Where attachments' content lives: the file storage seam, and choosing one.

A file storage keeps bytes under their SHA-256 and knows nothing else: the register says
which document a file belongs to, what it is called and who added it. Because the address
*is* the hash, the same file attached twice (to one document or to two) is stored once,
and content that is stored but never recorded — the register's write failed after the
upload — is harmless: nothing points at it, and attaching the file again finds it there.

Storages are plugins (``styrdok_register_file_stores``); ``[files] storage`` in
``styrdok.toml`` picks one. The built-in ``local`` keeps files in a folder beside the
database (:mod:`styrdok.default_plugins.local_files`); ``plugins/styrdok-webdav`` keeps
them on a WebDAV server (Nextcloud, SharePoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import BinaryIO, Protocol

import attrs

from styrdok.config import Config
from styrdok.errors import InvalidValue, NotFound, RegistryUnavailable

#: Bytes read or written at a time: files are streamed, never held in memory whole.
CHUNK = 1024 * 1024


class ContentMissing(NotFound):
    """The storage has no content under that SHA-256."""


class StorageError(RegistryUnavailable):
    """The file storage could not be reached, or refused (one line saying which and why)."""


@attrs.frozen
class FileStoreSetup:
    """What a file storage's factory is given."""

    config: Config
    """The settings (``config.files`` is ``[files]``; a plugin reads its own section)."""
    registry_url: str
    """Where the register is (``sqlite:///…``, ``postgresql+psycopg://…``, ``yaml://…``)."""


class FileStore(Protocol):
    """A place for attachments' content, addressed by SHA-256 (64 lower-case hex digits,
    checked by the core before any method is called).

    Every method raises :class:`StorageError` when the storage cannot be reached or
    refuses, with one line that names it and the reason.
    """

    where: str
    """Where the files are, for messages: a folder, a URL (never a password)."""

    def exists(self, sha256: str) -> bool:
        """Whether content is stored under ``sha256``."""
        ...

    def put(self, sha256: str, source: BinaryIO, size: int) -> None:
        """Keep the ``size`` bytes of ``source`` (read from its current position, in
        chunks) under ``sha256``, which the core has computed from them. The content
        appears whole or not at all: a reader never finds half of it. Content already
        stored under ``sha256`` may be kept without reading ``source``."""
        ...

    def get(self, sha256: str) -> AbstractContextManager[Iterable[bytes]]:
        """The content under ``sha256`` as chunks, streamed; :class:`ContentMissing` if
        there is none. The core hashes what it reads, so a changed file is noticed."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the content under ``sha256``; nothing happens if there is none."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def storage_names() -> list[str]:
    """The file storages the installed plugins offer."""
    from styrdok import plugins

    return sorted(plugins.file_store_factories())


def open_file_store(config: Config, registry_url: str) -> FileStore:
    """The storage ``[files] storage`` names, for the register at ``registry_url``."""
    from styrdok import plugins

    factories = plugins.file_store_factories()
    name = config.files.storage
    factory = factories.get(name)
    if factory is None:
        known = ", ".join(sorted(factories)) or "none"
        raise InvalidValue(
            f"{config.source}: [files] storage: no file storage named {name!r} is installed "
            f"(installed: {known})"
        )
    store: FileStore = factory(FileStoreSetup(config, registry_url))
    return store


@contextmanager
def file_store(
    config: Config | None, registry_url: str, given: FileStore | None = None
) -> Iterator[FileStore]:
    """``given``, or the configured storage opened for this block and closed after."""
    if given is not None:
        yield given
        return
    store = open_file_store(config or Config(), registry_url)
    try:
        yield store
    finally:
        store.close()


def chunks(source: BinaryIO, size: int | None = None) -> Iterator[bytes]:
    """``source`` read in :data:`CHUNK`-sized pieces (at most ``size`` bytes in all)."""
    left = size
    while left is None or left > 0:
        piece = source.read(CHUNK if left is None else min(CHUNK, left))
        if not piece:
            return
        if left is not None:
            left -= len(piece)
        yield piece
