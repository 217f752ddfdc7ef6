"""The YAML store passes the storage contract, and keeps one file per record."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import styrdok_yamlstore
import yaml
from click.testing import CliRunner
from styrdok_yamlstore.store import YamlStore

from styrdok import Conflict
from styrdok.cli import main
from styrdok.demo import build_demo
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
