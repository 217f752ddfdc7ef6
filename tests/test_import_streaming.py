"""A restore reads the export as it stores it: a chunk of records at a time, still one
transaction, all or nothing, whatever the file's layout."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import DEMO_TODAY
from styrdok import AlreadyExists, InvalidValue, NotFound, Person, jsonstream, restore_chunks
from styrdok.demo import build_demo
from styrdok.registry import Registry

CHUNK = 40  # records checked and stored at a time, in these tests


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=DEMO_TODAY)
        out = io.StringIO()
        registry.export_json(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small chunks, so the demo register is many of them, and its file many reads."""
    monkeypatch.setattr(restore_chunks, "RESTORE_CHUNK", CHUNK)
    monkeypatch.setattr(jsonstream, "READ_CHUNK", 4096)


def _export(registry: Registry) -> str:
    out = io.StringIO()
    registry.export_json(out)
    return out.getvalue()


def _nothing_written(registry: Registry) -> bool:
    return registry.list_persons() == [] and list(registry.audit_events()) == []


def _records(text: str) -> int:
    data = json.loads(text)
    return sum(len(v) for k, v in data.items() if k not in ("format", "version"))


def test_a_restore_stores_records_before_the_file_is_read_to_its_end(
    registry: Registry, demo_export: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer holds a chunk of records, not the file: rows go to the store a chunk
    at a time while most of the file is still unread."""
    source = io.BytesIO(demo_export.encode())
    size = len(source.getvalue())
    store = registry.store
    calls: list[tuple[int, int]] = []  # (rows in the call, bytes read by then)
    original = type(store).bulk_insert

    def watched(self: Any, name: str, rows: Any, **kwargs: Any) -> int:
        count: int = original(self, name, rows, **kwargs)
        calls.append((count, source.tell()))
        return count

    monkeypatch.setattr(type(store), "bulk_insert", watched)
    counts = registry.import_json(source, actor=None)
    assert sum(counts.values()) == _records(demo_export)
    assert max(rows for rows, _ in calls) <= CHUNK
    assert calls[0][1] < size / 4, "the first rows waited for the whole file"
    assert _export(registry) == demo_export


def test_a_bad_last_record_of_a_large_file_rolls_back_everything(
    registry: Registry, demo_export: str
) -> None:
    """All or nothing: a bad reference on the file's last line, after many chunks were
    stored, names that record and leaves the registry as it was."""
    last = json.loads(demo_export)["acknowledgements"]
    bad = json.dumps({**last[0], "person": "ghost"}, ensure_ascii=False, sort_keys=True)
    assert demo_export.endswith("\n]\n}\n")
    text = demo_export[: -len("\n]\n}\n")] + ",\n" + bad + "\n]\n}\n"
    with pytest.raises(
        NotFound, match=rf"unknown person 'ghost' @ \$\.acknowledgements\[{len(last)}\]\.person$"
    ):
        registry.import_json(io.StringIO(text), actor=None)
    assert _nothing_written(registry)


def test_a_duplicate_in_a_later_chunk_is_named(registry: Registry, demo_export: str) -> None:
    """Uniqueness holds across chunks: a person again at the end of the section, in
    another spelling, is named with the first spelling."""
    data = json.loads(demo_export)
    first = data["persons"][0]
    data["persons"].append({**first, "ref": first["ref"].upper()})
    at = len(data["persons"]) - 1
    with pytest.raises(
        AlreadyExists,
        match=rf"{first['ref'].upper()} appears twice @ \$\.persons\[{at}\] \(as {first['ref']};",
    ):
        registry.import_json(io.StringIO(json.dumps(data)), actor=None)
    assert _nothing_written(registry)


@pytest.mark.parametrize("layout", ["indent=2", "one line", "sorted sections"])
def test_a_file_in_another_layout_imports_the_same(
    registry: Registry, demo_export: str, layout: str
) -> None:
    """A file not written one record a line — pretty-printed, on one line, or with its
    sections in another order (references to records further on) — restores the same."""
    data = json.loads(demo_export)
    text = {
        "indent=2": lambda: json.dumps(data, ensure_ascii=False, indent=2),
        "one line": lambda: json.dumps(data, ensure_ascii=False),
        "sorted sections": lambda: json.dumps(data, ensure_ascii=False, sort_keys=True),
    }[layout]()
    counts = registry.import_json(io.BytesIO(text.encode()), actor=None)
    assert sum(counts.values()) == _records(demo_export)
    assert _export(registry) == demo_export


def _cuts(text: str) -> Iterator[tuple[str, str]]:
    persons_end = text.index("\n]", text.index('"persons"'))
    yield "in a record", text[: len(text) // 2]
    yield "between two records", text[: text.rindex(",\n", 0, len(text) // 2) + 2]
    yield "after a section", text[: persons_end + 2]
    yield "before the closing brace", text[: -len("}\n")]


@pytest.mark.parametrize("where", ["in a record", "between two records", "after a section",
                                   "before the closing brace"])  # fmt: skip
def test_a_truncated_file_is_refused_and_nothing_is_written(
    registry: Registry, demo_export: str, where: str
) -> None:
    """A file cut short anywhere — even after whole chunks were stored — is not JSON, and
    the registry stays empty."""
    text = dict(_cuts(demo_export))[where]
    with pytest.raises(InvalidValue, match=r"^not valid JSON: .* at line \d+ column \d+$"):
        registry.import_json(io.BytesIO(text.encode()), actor=None)
    assert _nothing_written(registry)


def test_the_audit_event_names_the_file_by_its_sha256(
    registry: Registry, demo_export: str, tmp_path: Path
) -> None:
    """The file is hashed as it is read, every byte: what sha256sum says of it."""
    source = tmp_path / "export.json"
    source.write_bytes(json.dumps(json.loads(demo_export), indent=2).encode() + b"\r\n\r\n")
    with source.open("rb") as handle:
        registry.import_json(handle, actor=None)
    (event,) = registry.audit_events()
    assert event.after is not None
    assert event.after["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_errors_name_the_line_and_column_in_the_whole_file(registry: Registry) -> None:
    """Line and column count from the start of the file, not of the chunk being read."""
    text = '{"format": "styrdok-export", "version": 1,\n"persons": [\n' + " " * 10_000 + "oops"
    with pytest.raises(InvalidValue, match=r"Expecting value at line 3 column 10001$"):
        registry.import_json(io.StringIO(text), actor=None)


def test_progress_is_told_as_chunks_are_stored(registry: Registry, demo_export: str) -> None:
    """A progress bar moves while the file is read: a step per chunk, adding up."""
    steps: list[int] = []
    counts = registry.import_json(io.StringIO(demo_export), actor=None, progress=steps.append)
    assert sum(steps) == sum(counts.values()) == _records(demo_export)
    assert max(steps) <= CHUNK and len(steps) > 10


@pytest.mark.parametrize("read_size", [1, 2, 3, 7])
def test_characters_split_between_reads_are_read_whole(
    registry: Registry,
    tmp_path: Path,
    template_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    read_size: int,
) -> None:
    """Å, ä, ö and a character outside the BMP, cut between two reads of the file's bytes,
    restore as they were."""
    source = Registry.open(tmp_path / "source.db", create=True)
    source.add_person(Person("asa.ang", "Åsa Ängström", is_admin=True), actor=None)
    for ref, name in (("orjan.o", "Örjan Öst 𝄞"), ("li.zhao", "李昭")):
        source.add_person(Person(ref, name), actor="asa.ang")
    text = _export(source)
    source.close()
    monkeypatch.setattr(jsonstream, "READ_CHUNK", read_size)
    registry.import_json(io.BytesIO(text.encode()), actor=None)
    assert _export(registry) == text


def test_problems_are_told_in_the_files_order(registry: Registry, demo_export: str) -> None:
    """A duplicate the inserts find in an early chunk is the problem told, not a bad value
    further on in the file."""
    data = json.loads(demo_export)
    first = data["persons"][0]
    data["persons"].insert(1, dict(first))  # found by the inserts' checks, chunk 1
    data["acknowledgements"][-1]["version"] = "three"  # found when rebuilt, far later
    with pytest.raises(AlreadyExists, match=rf"{first['ref']} appears twice @ \$\.persons\[1\]"):
        registry.import_json(io.StringIO(json.dumps(data)), actor=None)
    assert _nothing_written(registry)
