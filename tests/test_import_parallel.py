"""A restore with ``parallel``: the records are built in a worker process while this one
stores them — the same registry, the same problems with the same words, all or nothing."""

# Fixtures imported from test_import_streaming are parameters of the tests below (F811).
# ruff: noqa: F811

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from styrdok import AlreadyExists, StyrdokError, restore_worker, restoring
from styrdok.cli import main
from styrdok.registry import Registry

# The restore's own tests, run again with every restore built in a worker (below). Two are
# about the reading itself, which the worker does with its own buffers: not rerun here.
from test_import_streaming import (  # noqa: F401 - collected here too
    demo_export,
    small_chunks,
    test_a_bad_last_record_of_a_large_file_rolls_back_everything,
    test_a_duplicate_in_a_later_chunk_is_named,
    test_a_file_in_another_layout_imports_the_same,
    test_a_truncated_file_is_refused_and_nothing_is_written,
    test_errors_name_the_line_and_column_in_the_whole_file,
    test_problems_are_told_in_the_files_order,
    test_progress_is_told_as_chunks_are_stored,
    test_the_audit_event_names_the_file_by_its_sha256,
)


@pytest.fixture(autouse=True)
def in_a_worker(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every restore in this module asks for a worker; the list records that one ran."""
    ran: list[bool] = []
    original = restoring.restore
    worker = restore_worker.WorkerChunks

    def parallel(*args: Any, **kwargs: Any) -> Any:
        kwargs["parallel"] = True
        return original(*args, **kwargs)

    class Watched(worker):  # type: ignore[misc, valid-type]
        def __init__(self, source: Any) -> None:
            ran.append(True)
            super().__init__(source)

    monkeypatch.setattr(restoring, "restore", parallel)
    monkeypatch.setattr(restore_worker, "WorkerChunks", Watched)
    return ran


def _workers_of_this_process() -> list[int]:
    """Worker processes started by this one that are still there."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if b"styrdok.restore_worker" in command and parent == os.getpid():
            found.append(int(entry.name))
    return found


def test_a_parallel_restore_gives_the_same_registry(
    registry: Registry, demo_export: str, in_a_worker: list[bool]
) -> None:
    """What a worker built and this process stored exports as the file it came from, and
    the audit event names the file's bytes."""
    counts = registry.import_json(io.BytesIO(demo_export.encode()), actor=None)
    assert in_a_worker == [True]
    assert sum(counts.values()) > 100
    out = io.StringIO()
    registry.export_json(out)
    assert out.getvalue() == demo_export


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_worker_is_stopped_when_storing_fails(registry: Registry, demo_export: str) -> None:
    """A problem this process finds (a ref taken, chunks after the worker began) stops the
    worker: nothing is left running, nothing written."""
    data = json.loads(demo_export)
    data["persons"].append(dict(data["persons"][0]))
    with pytest.raises(AlreadyExists):
        registry.import_json(io.StringIO(json.dumps(data)), actor=None)
    assert _workers_of_this_process() == []
    assert registry.list_persons() == []


def test_a_worker_that_dies_is_told_in_one_line(
    registry: Registry, demo_export: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker that ends without a word (killed, out of memory) fails the restore with
    its exit code and last line, and nothing is written."""
    dying = tmp_path / "dying-python"
    dying.write_text("#!/bin/sh\necho 'Killed: out of memory' >&2\nexit 137\n")
    dying.chmod(0o755)
    monkeypatch.setattr(restore_worker.sys, "executable", str(dying))
    with pytest.raises(StyrdokError, match=r"stopped \(exit code 137\): Killed: out of memory$"):
        registry.import_json(io.StringIO(demo_export), actor=None)
    assert registry.list_persons() == []


def test_the_command_restores_in_parallel(tmp_path: Path, demo_export: str) -> None:
    """``styrdok import --parallel`` restores a backup and says what it imported."""
    source = tmp_path / "register.json"
    source.write_text(demo_export, encoding="utf-8")
    db = str(tmp_path / "new.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init"]).exit_code == 0
    done = runner.invoke(main, ["--db", db, "import", "--parallel", str(source)])
    assert done.exit_code == 0, done.output
    assert "Importerade" in done.output


@pytest.mark.parametrize("extra", [["--merge"], ["--kind", "persons"]])
def test_parallel_is_refused_where_it_does_not_apply(
    tmp_path: Path, demo_export: str, extra: list[str]
) -> None:
    """A merge is read whole, a spreadsheet row by row: --parallel with either is a usage
    error, and nothing is written."""
    source = tmp_path / ("register.csv" if "--kind" in extra else "register.json")
    source.write_text(demo_export, encoding="utf-8")
    db = str(tmp_path / "new.db")
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "init"])
    done = runner.invoke(main, ["--db", db, "import", "--parallel", *extra, str(source)])
    assert done.exit_code == 2, done.output
    assert "--parallel" in done.output


def test_a_worker_that_cannot_start_is_told_in_one_line(
    registry: Registry, demo_export: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No Python to start the worker with: one line saying so, nothing written."""
    monkeypatch.setattr(restore_worker.sys, "executable", str(tmp_path / "no-such-python"))
    with pytest.raises(StyrdokError, match=r"^the import's worker process could not start: "):
        registry.import_json(io.StringIO(demo_export), actor=None)
    assert registry.list_persons() == []


class _FailingSource(io.BytesIO):
    """A file whose reading fails half-way (a disk or network error)."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() > len(self.getvalue()) // 2:
            raise OSError(5, "Input/output error")
        return super().read(min(size or 4096, 4096) if size and size > 0 else 4096)


def test_a_source_that_fails_to_read_fails_the_restore_with_its_error(
    registry: Registry, demo_export: str
) -> None:
    """The cause is told — the reading's error — not the worker's view of a file cut
    short; nothing written."""
    with pytest.raises(OSError, match="Input/output error"):
        registry.import_json(_FailingSource(demo_export.encode()), actor=None)
    assert registry.list_persons() == []
