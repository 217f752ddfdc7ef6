"""The YAML store passes the storage contract, and keeps one file per record."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import styrdok_yamlstore
import yaml
from click.testing import CliRunner
from styrdok_yamlstore.store import YamlStore

from styrdok import Conflict
from styrdok.audit import next_event, reseal
from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.errors import RuleViolation
from styrdok.notify import NoticeKind
from styrdok.outbox import NoticeState
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry
from styrdok.testing.contract import StoreContract, StoreFactory

sys._styrdok_testing = True  # type: ignore[attr-defined]


class TestYamlStore(StoreContract):
    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> StoreFactory:
        counter = itertools.count()

        def make() -> YamlStore:
            store = YamlStore(f"yaml://{tmp_path / f'register{next(counter)}'}")
            store.initialise()
            return store

        return make


@pytest.fixture
def plugin_installed() -> Iterator[None]:
    """As if pip-installed (tests never load installed entry points)."""
    get_plugin_manager().register(styrdok_yamlstore, name="yamlstore")
    yield
    get_plugin_manager().unregister(name="yamlstore")


@pytest.fixture
def demo_folder(tmp_path: Path, plugin_installed: None) -> Path:
    folder = tmp_path / "register"
    with Registry.open(f"yaml://{folder}", create=True) as registry:
        build_demo(registry, today=dt.date(2026, 11, 22))
    return folder


def test_one_file_per_document_and_dispensation(demo_folder: Path) -> None:
    """The register is readable YAML, a file per record."""
    documents = sorted(p.stem for p in (demo_folder / "documents").glob("*.yaml"))
    assert len(documents) == 17 and "POL-IS-01" in documents
    assert len(list((demo_folder / "dispensations").glob("*.yaml"))) == 10
    data = yaml.safe_load((demo_folder / "documents" / "POL-IS-01.yaml").read_text("utf-8"))
    assert data["document"]["title"] == "Informationssäkerhetspolicy"
    assert data["document"]["guardian"] == "gustav.berg"
    assert [v["version"] for v in data["versions"]] == [1]
    assert data["reviews"][0]["outcome"] == "confirmed"


def test_an_edit_touches_only_that_documents_file(demo_folder: Path) -> None:
    """A change is a small diff: the document's file, the audit log and the counter."""
    subprocess.run(["git", "init", "-q", str(demo_folder)], check=True)
    subprocess.run(["git", "-C", str(demo_folder), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(demo_folder),
            "-c",
            "user.email=t@t",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "demo",
        ],
        check=True,
    )
    with Registry.open(f"yaml://{demo_folder}") as registry:
        registry.edit_document(
            "RIKT-SOC-01", {"audience": "Alla som driver konton"}, actor="maria.nystrom"
        )
    changed = subprocess.run(
        ["git", "-C", str(demo_folder), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(c for c in changed if c != "M") == [
        "audit.jsonl",
        "documents/RIKT-SOC-01.yaml",
        "styrdok.yaml",
    ]


def test_the_command_line_works_on_a_folder(demo_folder: Path) -> None:
    """`--db yaml://…` with every command, e.g. due and an export that re-imports."""
    runner = CliRunner()
    due = runner.invoke(
        main, ["--db", f"yaml://{demo_folder}", "--format", "csv", "due", "--today", "2026-11-22"]
    )
    assert due.exit_code == 0 and "POL-KOM-01" in due.output
    export = runner.invoke(main, ["--db", f"yaml://{demo_folder}", "export"]).output
    with Registry.open(f"yaml://{demo_folder.parent / 'copy'}", create=True) as copy:
        copy.import_json(io.StringIO(export), actor=None)
        out = io.StringIO()
        copy.export_json(out)
    assert out.getvalue() == export


def test_two_writers_one_conflict(demo_folder: Path) -> None:
    """The folder lock serialises writers; optimistic locking still catches the stale one."""
    with Registry.open(f"yaml://{demo_folder}") as first:
        revision = first.get_document("POL-IS-01").revision
    barrier, outcomes = threading.Barrier(2), []

    def edit(title: str) -> None:
        with Registry.open(f"yaml://{demo_folder}") as mine:
            barrier.wait()
            try:
                mine.edit_document(
                    "POL-IS-01", {"title": title}, actor="anna.lind", expected_revision=revision
                )
                outcomes.append("saved")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]


#: outbox.yaml as the store wrote it before notices were typed objects.
OLD_OUTBOX = """\
- id: 1
  item: document:POL-1
  kind: review
  threshold: 2026-11-22/-30
  recipient: owner
  channel: mail
  title: Policy
  owner: ''
  due_on: '2026-11-22'
  send_on: '2026-10-23'
  state: sent
  attempts: 1
  last_error: ''
  created_on: '2026-10-23'
  sent_at: '2026-10-23T07:00:00+00:00'
  claimed_by: null
  claimed_until: null
"""


def test_an_existing_outbox_loads_and_keeps_its_shape(tmp_path: Path) -> None:
    """Notices are typed objects in memory and the same YAML mappings on disk."""
    store = YamlStore(f"yaml://{tmp_path}")
    store.initialise()
    (tmp_path / "outbox.yaml").write_text(OLD_OUTBOX, encoding="utf-8")
    with store.transaction():
        (sent,) = store.notices()
        assert (sent.id, sent.kind, sent.state) == (1, NoticeKind.REVIEW, NoticeState.SENT)
        assert sent.due_on == dt.date(2026, 11, 22) and sent.sent_at == "2026-10-23T07:00:00+00:00"
        store.insert_notices([attrs.evolve(sent, recipient="guardian", id=None)])
    text = (tmp_path / "outbox.yaml").read_text(encoding="utf-8")
    assert text.startswith(OLD_OUTBOX)  # the old entry is written back byte for byte
    assert list(yaml.safe_load(text)[1]) == list(yaml.safe_load(OLD_OUTBOX)[0])
    fresh = YamlStore(f"yaml://{tmp_path}")
    with fresh.transaction(write=False):
        assert [n.recipient for n in fresh.notices()] == ["owner", "guardian"]


def test_the_audit_log_is_appended_and_resealed_on_disk(demo_folder: Path) -> None:
    """Events are appended as lines; a re-sealed chain is written anew and verifies."""
    log = demo_folder / "audit.jsonl"
    lines = log.read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    assert list(first) == sorted(first) and first["at"].endswith("+00:00")
    assert len(first["at"]) == len("2026-11-22T09:00:00.000000+00:00")
    store = YamlStore(f"yaml://{demo_folder}")
    with store.transaction():
        store.insert_audit(
            next_event(store.audit_head(), at=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
                       actor="anna.lind", action="test.note", entity="document:POL-IS-01",
                       before=None, after={"note": "Åsa"})
        )  # fmt: skip
    after_append = log.read_text("utf-8").splitlines()
    assert after_append[:-1] == lines and "Åsa" in after_append[-1]

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("anna.lind", "p-0001")
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        return [rename(v) for v in value] if isinstance(value, list) else value

    with store.transaction():
        resealed, _, _ = reseal(store, rename, ["anna.lind"])
    assert resealed > 0 and "anna.lind" not in log.read_text("utf-8")
    with Registry.open(f"yaml://{demo_folder}") as registry:
        report = registry.verify_audit()
    assert report.broken is None and report.events == len(after_append)


def test_anonymising_is_refused_and_changes_nothing(demo_folder: Path) -> None:
    """The person would stay in the folder's git history: refuse, loudly."""
    store = YamlStore(f"yaml://{demo_folder}")
    before = {p: p.read_bytes() for p in demo_folder.rglob("*") if p.is_file()}
    with pytest.raises(RuleViolation, match="git history"), store.transaction():
        store.rewrite_records(lambda value: value, ["anna.lind"])
    assert {p: p.read_bytes() for p in demo_folder.rglob("*") if p.is_file()} == before


def test_an_older_folder_is_upgraded_by_init(demo_folder: Path) -> None:
    """A folder written by an earlier styrdok (schema 0002) is refused until `styrdok init`
    records the current schema; its records stay as they are."""
    from styrdok import RegistryUnavailable, migrations

    marker = demo_folder / "styrdok.yaml"
    old = yaml.safe_load(marker.read_text(encoding="utf-8"))
    marker.write_text(yaml.safe_dump({**old, "schema": "0002"}), encoding="utf-8")
    documents = sorted(p.read_bytes() for p in (demo_folder / "documents").iterdir())
    with pytest.raises(RegistryUnavailable, match="run 'styrdok init' to upgrade"):
        Registry.open(f"yaml://{demo_folder}")
    result = CliRunner().invoke(main, ["--db", f"yaml://{demo_folder}", "init"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(marker.read_text(encoding="utf-8"))["schema"] == migrations.HEAD
    assert sorted(p.read_bytes() for p in (demo_folder / "documents").iterdir()) == documents
    with Registry.open(f"yaml://{demo_folder}") as registry:
        assert registry.verify_audit().broken is None


def test_a_list_file_written_entry_by_entry_is_the_list_dumped_whole(demo_folder: Path) -> None:
    """people.yaml, written by keeping each unchanged person's entry (so adding staff one
    by one stays fast), is byte for byte what dumping the whole list writes."""
    from styrdok_yamlstore.folder import _dump, _plain

    store = YamlStore(f"yaml://{demo_folder}")
    with store.transaction(write=False):
        people = store.list_persons()
    whole = _dump([_plain(p) for p in people])
    assert len(people) > 100
    assert (demo_folder / "people.yaml").read_text("utf-8") == whole
