"""The built-in file storage, ``local``, and choosing a storage by ``[files] storage``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from styrdok.config import Config, FileSettings, parse_config
from styrdok.default_plugins.local_files import LocalFileStore
from styrdok.errors import InvalidValue
from styrdok.filestore import StorageError, open_file_store
from styrdok.testing.contract_file_storage import DECISION, FileStorageContract, sha


class TestLocalFileStore(FileStorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> LocalFileStore:
        return LocalFileStore(tmp_path / "files")


def test_files_are_kept_by_hash_in_two_levels_of_folders(tmp_path: Path) -> None:
    """``ab/cd/abcd…``: no folder grows to hundreds of thousands of entries."""
    storage = LocalFileStore(tmp_path)
    digest = sha(DECISION)
    storage.put(digest, io.BytesIO(DECISION), len(DECISION))
    assert (tmp_path / digest[:2] / digest[2:4] / digest).read_bytes() == DECISION


def test_a_link_planted_under_a_files_name_is_refused(tmp_path: Path) -> None:
    """Nothing is written through a symbolic link someone placed where a file will go."""
    storage = LocalFileStore(tmp_path / "files")
    digest = sha(DECISION)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    storage.path(digest).parent.mkdir(parents=True)
    storage.path(digest).symlink_to(victim)
    assert not storage.exists(digest)
    with pytest.raises(InvalidValue, match="symbolic link"):
        storage.put(digest, io.BytesIO(DECISION), len(DECISION))
    with pytest.raises(StorageError, match="cannot read a file"):
        storage.get(digest).__enter__()
    assert victim.read_text() == "keep me"


def test_a_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    """A storage error names the folder and the reason."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    with pytest.raises(StorageError, match=f"cannot store a file in {blocked}"):
        LocalFileStore(blocked).put(sha(DECISION), io.BytesIO(DECISION), len(DECISION))


def test_the_default_folder_is_beside_a_sqlite_database(tmp_path: Path) -> None:
    """``register.db`` keeps its files in ``register.db.files``."""
    store = open_file_store(Config(), f"sqlite:///{tmp_path / 'register.db'}")
    assert store.where == str(tmp_path / "register.db.files")


def test_a_postgresql_register_must_name_its_folder(tmp_path: Path) -> None:
    """A server database has no folder of its own on this machine: the setting is asked for."""
    with pytest.raises(InvalidValue, match=r"\[files\] directory: name the folder"):
        open_file_store(Config(), "postgresql+psycopg://styrdok@db.example/styrdok")
    config = Config(files=FileSettings(directory=str(tmp_path / "files")))
    store = open_file_store(config, "postgresql+psycopg://styrdok@db.example/styrdok")
    assert store.where == str(tmp_path / "files")


def test_a_storage_that_is_not_installed_is_named_with_those_that_are() -> None:
    """A misspelt storage stops the command instead of keeping files somewhere else."""
    config = parse_config({"files": {"storage": "webdaw"}})
    with pytest.raises(InvalidValue, match=r"\[files\] storage: no file storage named 'webdaw'"):
        open_file_store(config, "sqlite:///register.db")


def test_the_files_settings_are_checked_when_read() -> None:
    """A type styrdok does not know, or a limit that is not a whole number, is refused."""
    with pytest.raises(InvalidValue, match=r"\[files\] types: expected a list of any of"):
        parse_config({"files": {"types": ["pdf", "exe"]}})
    with pytest.raises(InvalidValue, match=r"\[files\] max_mb: expected a whole number"):
        parse_config({"files": {"max_mb": "50"}})
