"""The organisation in the folder: units in ``units.yaml``, acknowledgements appended to
``acknowledgements.jsonl``, and a folder from before either existed still opens."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import styrdok_yamlstore
import yaml
from styrdok_yamlstore.store import YamlStore

from styrdok import RegistryUnavailable, migrations
from styrdok.model import AckChannel, Body, Person, Unit, UnitKind
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing.contract_data import complete_document

sys._styrdok_testing = True  # type: ignore[attr-defined]

#: To the microsecond, which the acknowledgement keeps.
NOW = dt.datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=dt.UTC)
RUT = "documents/RUT-1.yaml"


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    """A new folder's URL, with the plugin installed (as if pip-installed)."""
    get_plugin_manager().register(styrdok_yamlstore, name="yamlstore")
    yield f"yaml://{tmp_path / 'register'}"
    get_plugin_manager().unregister(name="yamlstore")


def _open(url: str, *, create: bool = False) -> Registry:
    return Registry.open(url, create=create, clock=lambda: NOW)


def _people_and_a_document(registry: Registry) -> None:
    """Who ``complete_document`` names, the body ``KS``, and ``RUT-1`` as a draft."""
    registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
    for ref in ("owner", "guardian", "approver"):
        registry.add_person(Person(ref, ref.title()), actor="admin")
    registry.add_body(Body("KS", "Kommunstyrelsen", "executive_board"), actor="admin")
    registry.add_document(complete_document("RUT-1", applies_to=("SOC",)), actor="owner")


def _organise(registry: Registry) -> None:
    """Two units with staff (``bo`` has left), ``RUT-1`` read by ``anna``."""
    registry.add_unit(Unit("KOMMUN", "Mittköpings kommun", UnitKind.MUNICIPALITY), actor="admin")
    registry.add_unit(
        Unit("SOC", "Socialförvaltningen", UnitKind.ADMINISTRATION, parent="KOMMUN"),
        actor="admin",
    )
    for ref, name in (("anna", "Anna Ek"), ("bo", "Bo Lund")):
        registry.add_person(Person(ref, name, unit="SOC"), actor="admin")
    registry.edit_unit("SOC", {"manager": "anna"}, actor="admin")
    registry.edit_person("bo", {"active": False}, actor="admin")
    if registry.get_document("RUT-1").ack_version == 0:
        registry.adopt_document("RUT-1", actor="owner", body="KS", on=NOW.date())
    registry.acknowledge("RUT-1", actor="anna", channel=AckChannel.INTRANET)


def _contents(registry: Registry) -> dict[str, Any]:
    store = registry.store
    with store.transaction(write=False):
        return {
            "units": store.list_units(),
            "people": store.list_persons(),
            "document": store.get_document("RUT-1"),
            "read": store.acknowledgements_by("anna"),
            "rows": {name: list(store.iter_table(name)) for name in ("unit", "acknowledgement")},
        }


def test_the_organisation_survives_reopening_the_folder(url: str) -> None:
    """Units, who is active and since when, what a document asks and who confirmed it
    come back the same from the files, and through an export imported into a new folder."""
    with _open(url, create=True) as registry:
        _people_and_a_document(registry)
        _organise(registry)
        written = _contents(registry)
    with _open(url) as again:
        assert _contents(again) == written
    assert written["document"].ack_version == 1
    assert [(p.ref, p.active, p.unit_since) for p in written["people"] if p.unit] == [
        ("anna", True, NOW.date()),
        ("bo", False, NOW.date()),
    ]
    assert written["rows"]["acknowledgement"] == [
        {
            "document_ref": "RUT-1",
            "person": "anna",
            "version": 1,
            "at": "2026-03-02T09:00:00.123456+00:00",
            "channel": "intranet",
        }
    ]
    assert [row["ref"] for row in written["rows"]["unit"]] == ["KOMMUN", "SOC"]
    exported = io.StringIO()
    with _open(url) as again:
        again.export_json(exported)
    assert '"units": [\n{' in exported.getvalue()
    with _open(f"{url}-copy", create=True) as copy:
        copy.import_json(io.StringIO(exported.getvalue()), actor=None)
        assert _contents(copy) == written


def test_units_are_a_list_in_their_own_file(url: str) -> None:
    """``units.yaml`` holds the units by ref, as ``people.yaml`` holds the people."""
    with _open(url, create=True) as registry:
        _people_and_a_document(registry)
        _organise(registry)
    folder = Path(url.removeprefix("yaml://"))
    units = yaml.safe_load((folder / "units.yaml").read_text("utf-8"))
    assert units == [
        {
            "ref": "KOMMUN",
            "name": "Mittköpings kommun",
            "kind": "municipality",
            "parent": None,
            "manager": None,
        },
        {
            "ref": "SOC",
            "name": "Socialförvaltningen",
            "kind": "administration",
            "parent": "KOMMUN",
            "manager": "anna",
        },
    ]


def test_an_acknowledgement_is_one_appended_line(url: str) -> None:
    """Confirming adds one line to ``acknowledgements.jsonl``, leaving the earlier lines
    and the document's file as they were."""
    with _open(url, create=True) as registry:
        _people_and_a_document(registry)
        _organise(registry)
        folder = Path(url.removeprefix("yaml://"))
        log = folder / "acknowledgements.jsonl"
        first, document = log.read_text("utf-8"), (folder / RUT).read_bytes()
        registry.acknowledge("RUT-1", actor="owner")
    lines = log.read_text("utf-8").splitlines(keepends=True)
    assert "".join(lines[:-1]) == first and len(lines) == 2
    assert json.loads(lines[-1]) == {
        "person": "owner",
        "document_ref": "RUT-1",
        "version": 1,
        "at": "2026-03-02T09:00:00.123456+00:00",
        "channel": "cli",
    }
    assert (folder / RUT).read_bytes() == document


def test_a_folder_from_before_the_organisation_opens(url: str) -> None:
    """A folder written before units existed — no units.yaml, no acknowledgements.jsonl,
    no ``active``, ``unit_since`` or ``ack_version`` in its records — is upgraded by
    ``init`` without touching its records, asks nobody to read anything, and takes
    units and acknowledgements from then on."""
    with _open(url, create=True) as registry:
        _people_and_a_document(registry)
        registry.adopt_document("RUT-1", actor="owner", body="KS", on=NOW.date())
    folder = Path(url.removeprefix("yaml://"))
    (folder / "units.yaml").unlink()
    (folder / "acknowledgements.jsonl").unlink()
    for name, field in (("people.yaml", "active|unit_since"), (RUT, "ack_version")):
        path = folder / name
        old = re.sub(rf"(?m)^ +({field}): .*\n", "", path.read_text("utf-8"))
        assert old != path.read_text("utf-8")
        path.write_text(old, "utf-8")
    marker = folder / "styrdok.yaml"
    marker.write_text(marker.read_text("utf-8").replace(migrations.HEAD, "0007"), "utf-8")
    records = {p: p.read_bytes() for p in folder.rglob("*.yaml") if p != marker}
    with pytest.raises(RegistryUnavailable, match="run 'styrdok init' to upgrade"):
        _open(url)
    with _open(url, create=True) as registry:
        assert {p: p.read_bytes() for p in folder.rglob("*.yaml") if p != marker} == records
        assert all(p.active and p.unit_since is None for p in registry.list_persons())
        assert registry.get_document("RUT-1").ack_version == 0
        assert list(registry.acceptance()) == []
        registry.ask_to_read("RUT-1", actor="owner")
        _organise(registry)
    with _open(url) as again:
        assert [u.ref for u in again.unit_tree().walk()] == ["KOMMUN", "SOC"]
        assert [(d.document.ref, d.asked, d.read) for d in again.acceptance()] == [("RUT-1", 1, 1)]


#: A line as styrdok writes it, and what a hand edit or a merge may make of it.
LINE = (
    '{"person": "anna", "document_ref": "RUT-1", "version": 1, '
    '"at": "2026-03-02T09:00:00+00:00", "channel": "intranet"}\n'
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LINE + LINE, "line 2: anna's acknowledgement of version 1 of RUT-1 appears twice"),
        ("\n" + LINE[:40] + "\n", "line 2: not JSON: "),
        (LINE.replace("intranet", "fax"), "line 1: channel: 'fax' is not one of: intranet, api"),
        (LINE.replace('"version": 1, ', ""), "line 1: required field missing @ $.version"),
        (LINE.replace('"version": 1', '"version": 0'), "line 1: version must be a positive"),
    ],
    ids=["twice", "truncated", "unknown channel", "missing field", "version 0"],
)
def test_a_spoiled_acknowledgement_is_one_line_naming_it(url: str, text: str, message: str) -> None:
    """Whatever is wrong with a line of ``acknowledgements.jsonl`` stops the store with
    one line naming the file, the line and the problem."""
    with _open(url, create=True) as registry:
        _people_and_a_document(registry)
        _organise(registry)
    folder = Path(url.removeprefix("yaml://"))
    (folder / "acknowledgements.jsonl").write_text(text, "utf-8")
    with pytest.raises(RegistryUnavailable) as raised, YamlStore(url).transaction():
        pass
    assert str(raised.value).startswith(f"acknowledgements.jsonl: {message}")
    assert "\n" not in str(raised.value)
