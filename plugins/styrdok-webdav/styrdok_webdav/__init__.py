"""Attached files on a WebDAV server: Nextcloud, SharePoint and most document systems.

Chosen in ``styrdok.toml``::

    [files]
    storage = "webdav"

    [webdav]
    url = "https://moln.mittkoping.example/remote.php/dav/files/styrdok/styrdokument/"
    username = "styrdok"
    password_env = "STYRDOK_WEBDAV_PASSWORD"   # the password is read from this variable
    timeout = 30                               # seconds per request, 0.1–600

The store itself is in :mod:`styrdok_webdav.store`, imported only when a file command
needs it, so having the plugin installed costs the command line nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from styrdok.hookspecs import hookimpl

if TYPE_CHECKING:
    from styrdok.filestore import FileStore, FileStoreSetup

__version__ = "0.1.0"
__all__ = ["styrdok_register_file_stores"]


def _open(setup: FileStoreSetup) -> FileStore:
    from styrdok_webdav.store import WebDavFileStore

    return WebDavFileStore.from_config(setup.config)


@hookimpl
def styrdok_register_file_stores(
    register: Callable[[str, Callable[[FileStoreSetup], FileStore]], None],
) -> None:
    register("webdav", _open)
