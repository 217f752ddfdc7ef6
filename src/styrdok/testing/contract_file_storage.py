"""The file storage contract: what every place for attachments' content must do.

Use it from a file storage plugin's tests::

    from styrdok.testing.contract_file_storage import FileStorageContract

    class TestMyStorage(FileStorageContract):
        @pytest.fixture
        def storage(self, tmp_path):
            return MyStorage(...)

``storage`` must be a new, empty storage for each test.
"""

from __future__ import annotations

import hashlib
import io
from typing import BinaryIO

import pytest

from styrdok.filestore import CHUNK, ContentMissing, FileStore

DECISION = "Protokollsutdrag, Kommunfullmäktige § 88\n".encode() * 50


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read(storage: FileStore, sha256: str) -> bytes:
    with storage.get(sha256) as pieces:
        return b"".join(pieces)


class _Breaks(io.RawIOBase):
    """A source that fails after some bytes, as a disk or a network can."""

    def __init__(self, content: bytes, after: int) -> None:
        self._source = io.BytesIO(content)
        self._after = after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._source.tell() >= self._after:
            raise OSError("the source broke off")
        data = self._source.read(min(len(buffer), self._after - self._source.tell()))
        buffer[: len(data)] = data
        return len(data)


class FileStorageContract:
    """Subclass and provide a ``storage`` fixture."""

    @pytest.fixture
    def storage(self) -> FileStore:  # pragma: no cover - the subclass provides it
        raise NotImplementedError("provide a storage fixture")

    def test_content_comes_back_as_it_was_put(self, storage: FileStore) -> None:
        storage.put(sha(DECISION), io.BytesIO(DECISION), len(DECISION))
        assert storage.exists(sha(DECISION))
        assert read(storage, sha(DECISION)) == DECISION

    def test_content_larger_than_a_chunk_is_streamed_whole(self, storage: FileStore) -> None:
        content = bytes(range(256)) * (CHUNK * 3 // 256 + 7)
        storage.put(sha(content), io.BytesIO(content), len(content))
        assert read(storage, sha(content)) == content

    def test_putting_the_same_content_again_keeps_one(self, storage: FileStore) -> None:
        storage.put(sha(DECISION), io.BytesIO(DECISION), len(DECISION))
        storage.put(sha(DECISION), io.BytesIO(DECISION), len(DECISION))
        assert read(storage, sha(DECISION)) == DECISION

    def test_an_interrupted_put_leaves_nothing(self, storage: FileStore) -> None:
        content = DECISION * 100
        source: BinaryIO = io.BufferedReader(_Breaks(content, after=len(content) // 2))
        with pytest.raises(Exception):  # noqa: B017, PT011 - each storage says it its own way
            storage.put(sha(content), source, len(content))
        assert not storage.exists(sha(content))

    def test_missing_content_is_named(self, storage: FileStore) -> None:
        assert not storage.exists(sha(b"never stored"))
        with pytest.raises(ContentMissing):
            read(storage, sha(b"never stored"))

    def test_deleted_content_is_gone_and_deleting_twice_is_fine(self, storage: FileStore) -> None:
        storage.put(sha(DECISION), io.BytesIO(DECISION), len(DECISION))
        storage.delete(sha(DECISION))
        assert not storage.exists(sha(DECISION))
        storage.delete(sha(DECISION))

    def test_where_names_the_storage(self, storage: FileStore) -> None:
        assert storage.where
