"""The register's own secrets in the folder: ``secrets.yaml``, owner-only, read strictly,
and found by every process that opens the folder."""

from __future__ import annotations

import datetime as dt
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import styrdok_yamlstore
import yaml

from styrdok import RegistryUnavailable
from styrdok.confirm_links import KEY_NAME
from styrdok.enums import AckChannel
from styrdok.model import Body, Person
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing.contract_data import complete_document

sys._styrdok_testing = True  # type: ignore[attr-defined]

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A new register folder with POL-1 in force, the plugin installed."""
    get_plugin_manager().register(styrdok_yamlstore, name="yamlstore")
    path = tmp_path / "register"
    with Registry.open(f"yaml://{path}", create=True, clock=lambda: NOW) as registry:
        registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
        for ref in ("owner", "guardian", "approver"):
            registry.add_person(Person(ref, ref.title()), actor="admin")
        registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
        registry.add_document(complete_document(), actor="owner")
        registry.adopt_document("POL-1", actor="owner", body="KS", on=NOW.date())
    yield path
    get_plugin_manager().unregister(name="yamlstore")


def test_the_key_is_kept_owner_only_and_nowhere_else(folder: Path) -> None:
    """The first link writes ``secrets.yaml`` (mode 0600); the key is in no other file."""
    assert not (folder / "secrets.yaml").exists()
    with Registry.open(f"yaml://{folder}", clock=lambda: NOW) as registry:
        registry.confirmation_link("guardian", "POL-1", 1)
    path = folder / "secrets.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = yaml.safe_load(path.read_text("utf-8"))[KEY_NAME]
    assert len(key) == 64
    others = [p for p in folder.rglob("*") if p.is_file() and p != path]
    assert not [p.name for p in others if key in p.read_text("utf-8", errors="replace")]


def test_a_link_made_by_one_process_confirms_in_another(folder: Path) -> None:
    """The reminder run and the intranet open the folder apart and agree on the key."""
    with Registry.open(f"yaml://{folder}", clock=lambda: NOW) as run:
        token = run.confirmation_link("guardian", "POL-1", 1)
    with Registry.open(f"yaml://{folder}", clock=lambda: NOW) as intranet:
        ack = intranet.acknowledge_by_link(token)
    assert (ack.person, ack.channel) == ("guardian", AckChannel.EMAIL)


@pytest.mark.parametrize("text", ["- a list\n", "confirm_link: 12\n", "? [a]\n: b\n"])
def test_a_damaged_secrets_file_is_one_line_that_shows_no_value(folder: Path, text: str) -> None:
    """Anything but names with text values is refused, naming the file only."""
    (folder / "secrets.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RegistryUnavailable, match=r"^secrets\.yaml: ") as refused:
        Registry.open(f"yaml://{folder}", clock=lambda: NOW).get_person("admin")
    assert "12" not in str(refused.value)
