"""Hostile imports: whatever the file, one clear line naming where it is wrong (a line and
column, or the record and field), exit code 1, and nothing written."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import DEMO_TODAY
from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.registry import Registry

MB = 1024 * 1024


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("hostile") / "demo.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=DEMO_TODAY)
        with (path.parent / "ok.json").open("w", encoding="utf-8") as out:
            registry.export_json(out)
    data: dict[str, Any] = json.loads((path.parent / "ok.json").read_text(encoding="utf-8"))
    return data


def changed(data: dict[str, Any], edit: Callable[[dict[str, Any]], None]) -> str:
    copied = copy.deepcopy(data)
    edit(copied)
    return json.dumps(copied, ensure_ascii=False, indent=1)


def set_field(section: str, index: int, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data[section][index][field] = value

    return edit


def duplicate_first(section: str) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data[section].append(copy.deepcopy(data[section][0]))

    return edit


def text_cases(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """name → (file content, what the error must say)."""
    valid = json.dumps(data, ensure_ascii=False, indent=1)
    return {
        "truncated file": (valid[: len(valid) // 2], "not valid JSON: "),
        "a trailing comma": (valid.replace("\n ]", ",\n ]", 1), "not valid JSON: "),
        "the CSV export instead": (
            "ref,title\nPOL-1,Policy\n", "not valid JSON: Expecting value at line 1 column 1"),
        "a list, not an export": ("[]", "not a styrdok export"),
        "another program's JSON": ('{"format": "other"}', "not a styrdok export"),
        "a future export version": (
            json.dumps({**data, "version": 99}), "unsupported export version 99"),
        "an unknown section": (json.dumps({**data, "extra": []}), "unknown section 'extra'"),
        "a section that is not a list": (
            json.dumps({**data, "documents": {}}), "$documents must be a list"),
        "a number for a date": (
            changed(data, set_field("documents", 2, "decided_on", 20240101)),
            "@ $.documents[2].decided_on"),
        "text for a number": (
            changed(data, set_field("documents", 2, "version", "three")),
            "expected int @ $.documents[2].version"),
        "an impossible date": (
            changed(data, set_field("dispensations", 0, "valid_until", "2026-02-30")),
            "@ $.dispensations[0].valid_until"),
        "an unknown status": (
            changed(data, set_field("documents", 1, "status", "maybe")),
            "@ $.documents[1]"),
        "a bad reference": (
            changed(data, set_field("persons", 3, "ref", "no spaces")),
            "invalid reference 'no spaces'"),
        "a duplicate document": (changed(data, duplicate_first("documents")), "appears twice"),
        "a duplicate person": (changed(data, duplicate_first("persons")), "appears twice"),
        "an owner nobody knows": (
            changed(data, set_field("documents", 4, "owner", "ghost")),
            "unknown person 'ghost' @ $.documents[4].owner"),
        "deeply nested JSON": (
            valid.replace(
                '"purpose": ', '"purpose": ' + "[" * 100_000 + "]" * 100_000 + ', "x": ', 1),
            "nested too deeply"),
    }  # fmt: skip


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


def refused(db: Path, source: Path) -> str:
    before = dump(db)
    # What each refusal says, in English (the Swedish is tests/test_swedish_messages.py's).
    result = CliRunner().invoke(main, ["--db", str(db), "--lang", "en", "import", str(source)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert dump(db) == before, "a refused import wrote something"
    return result.output


CASES = [
    "truncated file", "a trailing comma", "the CSV export instead", "a list, not an export",
    "another program's JSON", "a future export version", "an unknown section",
    "a section that is not a list", "a number for a date", "text for a number",
    "an impossible date", "an unknown status", "a bad reference", "a duplicate document",
    "a duplicate person", "an owner nobody knows", "deeply nested JSON",
]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_is_refused_with_a_clear_error(
    case: str, export: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    content, expected = text_cases(export)[case]
    source = tmp_path / "hostile.json"
    source.write_text(content, encoding="utf-8")
    assert expected in refused(db_path, source)


def test_json_errors_name_the_line_and_column(db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "broken.json"
    source.write_text('{\n  "format": "styrdok-export",\n  "version": 1,\n  oops\n}\n')
    assert "at line 4 column 3" in refused(db_path, source)


def test_a_100_mb_field_is_refused_by_its_length(
    export: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "huge.json"
    source.write_text(
        changed(export, set_field("documents", 0, "title", "x" * (100 * MB))), encoding="utf-8"
    )
    assert source.stat().st_size > 100 * MB
    assert "title: text is 104857600 characters long; at most 300" in refused(db_path, source)


def test_100_mb_of_binary_garbage_is_refused_as_not_text(db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "garbage.json"
    with source.open("wb") as out:
        out.write(b'{"format": "')
        block = bytes(range(128, 256)) * 8192  # 1 MiB, never valid UTF-8
        for _ in range(100):
            out.write(block)
    assert "not UTF-8 text" in refused(db_path, source)
