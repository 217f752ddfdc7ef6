"""The WebDAV file storage against a real WebDAV server (WsgiDAV served by cheroot) that
these tests start on loopback, at a free port, in a thread. No mocks."""

from __future__ import annotations

import io
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import styrdok_webdav
from cheroot import wsgi
from styrdok_webdav.store import WebDavFileStore, WebDavSettings
from wsgidav.wsgidav_app import WsgiDAVApp

from styrdok.config import Config, parse_config
from styrdok.errors import InvalidValue
from styrdok.filestore import StorageError, open_file_store
from styrdok.model import Document, FollowUp, Person
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing import sample_files
from styrdok.testing.contract_file_storage import DECISION, FileStorageContract, sha

sys._styrdok_testing = True  # type: ignore[attr-defined]

USER, PASSWORD = "styrdok", "hemligt-lösen"


@attrs.frozen
class Dav:
    """A running WebDAV server: the folder it serves, and its address."""

    root: Path
    url: str


@pytest.fixture
def dav(tmp_path: Path) -> Iterator[Dav]:
    root = tmp_path / "dav"
    (root / "styrdok").mkdir(parents=True)
    app = WsgiDAVApp(
        {
            "provider_mapping": {"/remote.php/dav": str(root)},
            "simple_dc": {"user_mapping": {"*": {USER: {"password": PASSWORD}}}},
            "http_authenticator": {
                "accept_basic": True,
                "accept_digest": False,
                "default_to_digest": False,
            },
            "lock_storage": True,
            "verbose": 1,
            "logging": {"enable": False},
        }
    )
    server = wsgi.Server(("127.0.0.1", 0), app)
    server.prepare()  # binds: the port is known from here on
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    port = server.bind_addr[1]
    yield Dav(root / "styrdok", f"http://127.0.0.1:{port}/remote.php/dav/styrdok/")
    server.stop()
    thread.join(timeout=10)


def _settings(url: str, **changes: object) -> WebDavSettings:
    return WebDavSettings(**{"url": url, "username": USER, "password": PASSWORD, **changes})  # type: ignore[arg-type]


class TestWebDavFileStore(FileStorageContract):
    @pytest.fixture
    def storage(self, dav: Dav) -> Iterator[WebDavFileStore]:
        store = WebDavFileStore(_settings(dav.url))
        yield store
        store.close()


def test_files_are_kept_by_hash_in_two_levels_of_folders(dav: Dav) -> None:
    """``ab/cd/abcd…`` on the server, and nothing else left there (no temporary files)."""
    store = WebDavFileStore(_settings(dav.url))
    digest = sha(DECISION)
    store.put(digest, io.BytesIO(DECISION), len(DECISION))
    assert (dav.root / digest[:2] / digest[2:4] / digest).read_bytes() == DECISION
    assert [p.name for p in dav.root.rglob("*") if p.is_file()] == [digest]


def test_a_broken_upload_leaves_no_temporary_file(dav: Dav) -> None:
    """An upload that breaks off is removed from the server, not left as a .partial."""
    store = WebDavFileStore(_settings(dav.url))
    content = DECISION * 50_000  # several chunks: the first is sent before the break

    class Breaks(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > len(content) // 2:
                raise OSError("the disk broke off")
            return super().read(size)

    with pytest.raises(OSError, match="broke off"):
        store.put(sha(content), Breaks(content), len(content))
    assert [p for p in dav.root.rglob("*") if p.is_file()] == []


def test_a_wrong_password_is_one_line_naming_what_to_check(dav: Dav) -> None:
    """401 says the login was refused and which settings to check; never the password."""
    store = WebDavFileStore(_settings(dav.url, password="fel"))
    with pytest.raises(StorageError) as refused:
        store.exists(sha(DECISION))
    message = str(refused.value)
    assert message == (
        f"the WebDAV server at {dav.url} refused the login (401 Unauthorized); check "
        "[webdav] username and the password in the variable password_env names"
    )
    assert "fel" not in message and "\n" not in message


def test_a_server_that_is_not_there_is_one_line() -> None:
    """Nothing listening at the address: cannot reach, naming it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/dav/"
    with pytest.raises(StorageError, match=f"cannot reach the WebDAV server at {url}: "):
        WebDavFileStore(_settings(url)).exists(sha(DECISION))


def test_a_server_that_does_not_answer_times_out() -> None:
    """A server that takes the connection and says nothing: the timeout ends the wait."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections queue, but nobody ever answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/dav/"
        store = WebDavFileStore(_settings(url, timeout=0.3))
        with pytest.raises(StorageError, match=r"did not answer within 0.3 s \(HEAD"):
            store.exists(sha(DECISION))


def test_a_folder_the_account_may_not_write_is_refused(dav: Dav) -> None:
    """A url outside what the server serves: its answer is said, one line."""
    store = WebDavFileStore(_settings(dav.url.replace("/styrdok/", "/saknas/")))
    with pytest.raises(StorageError, match=r"refused to make a folder \(409 Conflict\)"):
        store.put(sha(DECISION), io.BytesIO(DECISION), len(DECISION))


# --- settings ------------------------------------------------------------------------------


def _section(**values: object) -> Config:
    return parse_config({"webdav": values})


def test_the_address_is_required() -> None:
    """No url: the key is named."""
    with pytest.raises(InvalidValue, match=r"\[webdav\] url: missing"):
        WebDavFileStore.from_config(_section())


def test_plain_http_is_only_for_this_machine() -> None:
    """A password must not cross a network unencrypted."""
    with pytest.raises(InvalidValue, match=r"\[webdav\] url: use https://"):
        WebDavFileStore.from_config(_section(url="http://moln.mittkoping.example/dav/"))


def test_a_password_variable_that_is_not_set_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variable is named, and nothing is tried."""
    monkeypatch.delenv("STYRDOK_WEBDAV_PASSWORD", raising=False)
    config = _section(
        url="https://moln.mittkoping.example/dav/",
        username=USER,
        password_env="STYRDOK_WEBDAV_PASSWORD",
    )
    with pytest.raises(
        InvalidValue, match=r"\[webdav\] password_env: the variable STYRDOK_WEBDAV_PASSWORD"
    ):
        WebDavFileStore.from_config(config)


def test_a_user_name_needs_a_password() -> None:
    """username without password_env is a mistake, not an anonymous login."""
    with pytest.raises(InvalidValue, match=r"\[webdav\] username: give username and"):
        WebDavFileStore.from_config(_section(url="https://x.example/dav/", username=USER))


# --- through the register --------------------------------------------------------------------


@pytest.fixture
def webdav_plugin() -> Iterator[None]:
    get_plugin_manager().register(styrdok_webdav, name="webdav")
    yield
    get_plugin_manager().unregister(styrdok_webdav)


def test_a_register_keeps_its_files_on_the_server(
    dav: Dav, webdav_plugin: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[files] storage = "webdav"`: attach stores the file on the server, verify reads it
    back, a file changed there is named, and detaching removes it from the server."""
    monkeypatch.setenv("STYRDOK_WEBDAV_PASSWORD", PASSWORD)
    config = parse_config(
        {
            "files": {"storage": "webdav"},
            "webdav": {"url": dav.url, "username": USER, "password_env": "STYRDOK_WEBDAV_PASSWORD"},
        }
    )
    registry = Registry.open(tmp_path / "register.db", create=True)
    registry.add_person(Person("ada", "Ada Admin", is_admin=True), actor=None)
    registry.add_document(
        Document(
            ref="POL-1",
            title="Policy",
            doc_type="policy",
            owner="ada",
            guardian="ada",
            purpose="Skydda",
            audience="Alla",
            follow_up=FollowUp("Årlig rapport", "KS"),
            review_interval_months=12,
        ),
        actor="ada",
    )
    pdf = sample_files.write(tmp_path / "beslut.pdf", sample_files.pdf(["Beslut om molnlagring"]))
    stored = registry.attach_file("POL-1", pdf, actor="ada", config=config).attachment
    on_server = dav.root / stored.sha256[:2] / stored.sha256[2:4] / stored.sha256
    assert on_server.read_bytes() == pdf.read_bytes()
    assert [h.ref for h in registry.search_documents("molnlagring", status=None)] == ["POL-1"]
    report = registry.verify_files(config=config)
    assert (report.where, report.files, report.problems) == (dav.url, 1, ())
    on_server.write_bytes(b"%PDF-1.4 ett annat beslut")
    [problem] = registry.verify_files(config=config).problems
    assert problem.problem.startswith("changed in the storage: 25 bytes")
    registry.detach_file("POL-1", "beslut.pdf", actor="ada", config=config)
    assert not on_server.exists()
    registry.close()


def test_the_storage_is_chosen_by_its_name(dav: Dav, webdav_plugin: None) -> None:
    """The plugin offers "webdav" beside the built-in "local"."""
    config = parse_config({"files": {"storage": "webdav"}, "webdav": {"url": dav.url}})
    store = open_file_store(config, "sqlite:///register.db")
    assert isinstance(store, WebDavFileStore) and store.where == dav.url
    store.close()
