"""A file storage on a WebDAV server, through httpx.

Layout under ``[webdav] url``: ``ab/cd/abcd…`` — each file under its SHA-256, in two
levels of folders (collections), made with MKCOL when first needed.

Every upload is streamed (the file is read and sent in chunks, with its length stated
up front) to a temporary name in the same folder, then moved into place with MOVE: a
server never shows half a file under a file's real name, and an upload that breaks off
leaves only the temporary file, which is removed. Downloads are streamed too. Each request
has a timeout (``[webdav] timeout``); whatever goes wrong is one :class:`StorageError`
line naming the server (never the password) and what it said.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import attrs
import httpx

from styrdok.config import Config, Float, Schema, Section, Str
from styrdok.errors import InvalidValue
from styrdok.filestore import CHUNK, ContentMissing, StorageError, chunks
from styrdok.weblinks import check_web_url

SCHEMA: Schema = {
    "url": Str(required=True),
    "username": Str(),
    "password_env": Str(),
    "timeout": Float(0.1, 600, default=30.0),
}
"""``[webdav]``, checked whole when a file command opens the storage."""

# Plain http:// is taken only for a server on this machine: elsewhere the password (Basic
# authentication) and the files would cross the network readable by anyone on the way.
_THIS_MACHINE = frozenset({"127.0.0.1", "localhost", "::1"})


@attrs.frozen
class WebDavSettings:
    """``[webdav]``, checked."""

    url: str
    """The folder (collection) files are kept in, ending in ``/``."""
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0

    @classmethod
    def from_section(cls, section: Section) -> WebDavSettings:
        """Checked whole; each mistake is one :class:`InvalidValue` naming the key."""
        values = section.validated(SCHEMA)
        url = values["url"]
        try:
            check_web_url(url)
        except InvalidValue as exc:
            raise InvalidValue(f"{values.where('url')}: {exc}") from None
        parts = urlsplit(url)
        if parts.scheme.lower() == "http" and parts.hostname not in _THIS_MACHINE:
            raise InvalidValue(
                f"{values.where('url')}: use https://; over http:// the password and the "
                "files would cross the network unencrypted (taken only for this machine)"
            )
        password = None
        if "password_env" in values:
            password = os.environ.get(values["password_env"])
            if not password:
                variable = values["password_env"]
                raise InvalidValue(
                    f"{values.where('password_env')}: the variable {variable} is not set"
                )
        if ("username" in values) != (password is not None):
            raise InvalidValue(
                f"{values.where('username')}: give username and password_env together"
            )
        return cls(
            url=url.rstrip("/") + "/",
            username=values.get("username"),
            password=password,
            timeout=values["timeout"],
        )


def _status(response: httpx.Response) -> str:
    """``401 Unauthorized``: the standard phrase, whatever words the server chose."""
    return f"{response.status_code} {httpx.codes.get_reason_phrase(response.status_code)}".strip()


class WebDavFileStore:
    """Content on a WebDAV server, by SHA-256 (see the module docstring)."""

    def __init__(self, settings: WebDavSettings) -> None:
        self.settings = settings
        self.where = settings.url
        auth = (settings.username, settings.password) if settings.username else None
        self._client = httpx.Client(
            auth=auth,  # type: ignore[arg-type]
            timeout=settings.timeout,
            follow_redirects=False,  # a redirected upload would not send its body again
            headers={"User-Agent": "styrdok-webdav"},
        )
        self._folders: set[str] = set()
        """Collections known to exist (made or found) since this storage was opened."""

    @classmethod
    def from_config(cls, config: Config) -> WebDavFileStore:
        """The storage ``[webdav]`` describes."""
        return cls(WebDavSettings.from_section(config.section("webdav")))

    # --- talking to the server --------------------------------------------------------------

    def _request(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            return self._client.request(method, url, **options)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc, method) from None

    def _unreachable(self, exc: httpx.HTTPError, method: str) -> StorageError:
        if isinstance(exc, httpx.TimeoutException):
            return StorageError(
                f"the WebDAV server at {self.where} did not answer within "
                f"{self.settings.timeout:g} s ({method}; [webdav] timeout)"
            )
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return StorageError(f"cannot reach the WebDAV server at {self.where}: {reason}")

    def _refused(self, response: httpx.Response, what: str) -> StorageError:
        status = _status(response)
        if response.status_code == 401:
            return StorageError(
                f"the WebDAV server at {self.where} refused the login ({status}); check "
                "[webdav] username and the password in the variable password_env names"
            )
        if response.status_code == 403:
            return StorageError(
                f"the WebDAV server at {self.where} refused to {what} ({status}): the "
                "account may not do that there"
            )
        if response.status_code == 507:
            return StorageError(f"the WebDAV server at {self.where} is full ({status})")
        if response.is_redirect:
            target = response.headers.get("location", "?")
            return StorageError(
                f"the WebDAV server at {self.where} sent {what} elsewhere ({status} to "
                f"{target}); give that address as [webdav] url"
            )
        return StorageError(f"the WebDAV server at {self.where} refused to {what} ({status})")

    def _url(self, name: str) -> str:
        return f"{self.settings.url}{name[:2]}/{name[2:4]}/{name}"

    def _folder(self, sha256: str) -> str:
        return f"{self.settings.url}{sha256[:2]}/{sha256[2:4]}/"

    def _make_folders(self, sha256: str) -> None:
        for folder in (f"{self.settings.url}{sha256[:2]}/", self._folder(sha256)):
            if folder in self._folders:
                continue
            response = self._request("MKCOL", folder)
            # 201: made; 405: it exists already (RFC 4918 9.3.1).
            if response.status_code not in (201, 405):
                raise self._refused(response, "make a folder")
            self._folders.add(folder)

    # --- the FileStore methods ----------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        response = self._request("HEAD", self._url(sha256))
        if response.status_code == 404:
            return False
        if not response.is_success:
            raise self._refused(response, "say whether it has a file")
        return True

    def put(self, sha256: str, source: BinaryIO, size: int) -> None:
        if self.exists(sha256):
            return  # content-addressed: the same bytes are there already
        self._make_folders(sha256)
        partial = f"{self._folder(sha256)}.{sha256}.{secrets.token_hex(8)}.partial"
        try:
            response = self._request(
                "PUT",
                partial,
                content=chunks(source, size),
                # Stated, so the body goes as it is read rather than chunked: some servers
                # (and proxies before them) refuse chunked uploads.
                headers={"Content-Length": str(size)},
            )
            if response.status_code not in (200, 201, 204):
                raise self._refused(response, "store a file")
            response = self._request(
                "MOVE", partial, headers={"Destination": self._url(sha256), "Overwrite": "T"}
            )
            if response.status_code not in (201, 204):
                raise self._refused(response, "move a stored file into place")
        except BaseException:
            self._forget(partial)
            raise

    def _forget(self, url: str) -> None:
        """Remove what an interrupted upload left, if the server still answers."""
        # Only a temporary name, never read as content: if it stays, it is harmless.
        with contextlib.suppress(httpx.HTTPError):
            self._client.request("DELETE", url)

    @contextmanager
    def get(self, sha256: str) -> Iterator[Iterable[bytes]]:
        try:
            with self._client.stream("GET", self._url(sha256)) as response:
                if response.status_code == 404:
                    raise ContentMissing(f"no file {sha256} at {self.where}")
                if response.status_code != 200:
                    raise self._refused(response, "send a file")
                yield self._pieces(response)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc, "GET") from None

    def _pieces(self, response: httpx.Response) -> Iterator[bytes]:
        try:
            yield from response.iter_bytes(CHUNK)
        except httpx.HTTPError as exc:  # the connection broke off half-way
            raise self._unreachable(exc, "GET") from None

    def delete(self, sha256: str) -> None:
        response = self._request("DELETE", self._url(sha256))
        if response.status_code not in (200, 204, 404):
            raise self._refused(response, "remove a file")

    def close(self) -> None:
        self._client.close()
