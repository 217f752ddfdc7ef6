"""Export and import: lossless JSON round trip, all-or-nothing import, CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import DEMO_TODAY
from styrdok import AlreadyExists, InvalidValue, NotFound, PermissionDenied, Person
from styrdok.demo import build_demo
from styrdok.registry import Registry


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=DEMO_TODAY)
        out = io.StringIO()
        registry.export_json(out)
    return out.getvalue()


def _export(registry: Registry) -> str:
    out = io.StringIO()
    registry.export_json(out)
    return out.getvalue()


def _audit_count(registry: Registry) -> int:
    return len(list(registry.audit_events()))


def test_export_then_import_gives_an_identical_export(registry: Registry, demo_export: str) -> None:
    """The JSON export is lossless: import into an empty registry and export again."""
    counts = registry.import_json(io.StringIO(demo_export), actor=None)
    assert counts["documents"] == 17 and counts["dispensations"] == 10
    assert _export(registry) == demo_export


def test_the_import_itself_is_audited(registry: Registry, demo_export: str) -> None:
    """A restore is one audit event with the counts and the file's SHA-256."""
    registry.import_json(io.StringIO(demo_export), actor=None)
    events = list(registry.audit_events())
    assert [(e.actor, e.action) for e in events] == [("system", "registry.import")]
    assert events[0].after is not None and events[0].after["counts"]["persons"] == 271
    assert events[0].after["source_sha256"] == hashlib.sha256(demo_export.encode()).hexdigest()
    assert events[0].after["merge"] is False


def _mutated(demo_export: str, change: Any) -> str:
    data = json.loads(demo_export)
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            lambda d: d["documents"].append(dict(d["documents"][0])),
            AlreadyExists,
            r"HPL-DIG-01 appears twice @ \$\.documents\[17\]",
        ),
        (
            lambda d: d["documents"][3].update(owner="ghost"),
            NotFound,
            r"unknown person 'ghost' @ \$\.documents\[3\]\.owner",
        ),
        (
            lambda d: d["dispensations"][0].update(document_ref="NOPE"),
            NotFound,
            r"unknown document 'NOPE' @ \$\.dispensations\[0\]\.document_ref",
        ),
        (
            lambda d: d["documents"][1].update(version="two"),
            InvalidValue,
            r"expected int @ \$\.documents\[1\]\.version",
        ),
        (
            lambda d: d["documents"][1]["dispensation_rules"].update(allowed="false"),
            InvalidValue,
            r"\$\.documents\[1\]\.dispensation_rules\.allowed",
        ),
        (
            lambda d: d["dispensations"][2].update(valid_until="2026-02-30"),
            InvalidValue,
            r"\$\.dispensations\[2\]\.valid_until",
        ),
        (
            lambda d: d["persons"][0].update(ref="bad ref"),
            InvalidValue,
            r"invalid reference 'bad ref'.* @ \$\.persons\[0\]$",
        ),
        (lambda d: d["persons"][0].update(shoe_size=42), InvalidValue, r"extra fields"),
        (lambda d: d.update(extras=[]), InvalidValue, r"unknown section 'extras'"),
        (lambda d: d.update(version=99), InvalidValue, r"unsupported export version 99"),
        (lambda d: d.update(documents={}), InvalidValue, r"\$documents must be a list"),
    ],
)
def test_a_bad_record_is_named_and_nothing_is_written(
    registry: Registry, demo_export: str, change: Any, error: type, message: str
) -> None:
    """Import is all or nothing, and the error points at the record and field."""
    with pytest.raises(error, match=message):
        registry.import_json(io.StringIO(_mutated(demo_export, change)), actor=None)
    assert registry.list_persons() == [] and _audit_count(registry) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "styrdok-export", "version": 1, "persons": [', "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"hello": "world"}', "not a styrdok export"),
    ],
)
def test_files_that_are_not_exports_are_refused(
    registry: Registry, text: str, message: str
) -> None:
    """Malformed or foreign files get one clear line."""
    with pytest.raises(InvalidValue, match=message):
        registry.import_json(io.StringIO(text), actor=None)


def test_importing_into_a_register_in_use_needs_an_admin(
    registry: Registry, demo_export: str
) -> None:
    """Only an administrator merges an export into a register that has people."""
    registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
    registry.add_person(Person("owner", "Olga Ägare"), actor="admin")
    with pytest.raises(PermissionDenied):
        registry.import_json(io.StringIO(demo_export), actor="owner", merge=True)
    counts = registry.import_json(io.StringIO(demo_export), actor="admin", merge=True)
    assert counts["persons"] == 271
    assert len(registry.list_persons()) == 273


def test_importing_the_same_export_twice_is_refused(registry: Registry, demo_export: str) -> None:
    """Refs already in the registry are reported, not overwritten."""
    registry.import_json(io.StringIO(demo_export), actor=None)
    with pytest.raises(AlreadyExists, match="already in the registry"):
        registry.import_json(io.StringIO(demo_export), actor="eva.ek", merge=True)


def test_csv_export_writes_one_spreadsheet_per_kind(
    registry: Registry, demo_export: str, tmp_path: Path
) -> None:
    """CSV for spreadsheets: flat columns, UTF-8 with BOM, one row per record."""
    registry.import_json(io.StringIO(demo_export), actor=None)
    names = registry.export_csv(tmp_path / "csv")
    assert names == [
        "persons.csv",
        "units.csv",
        "bodies.csv",
        "documents.csv",
        "document_versions.csv",
        "reviews.csv",
        "dispensations.csv",
        "questions.csv",
        "acknowledgements.csv",
    ]
    raw = (tmp_path / "csv" / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "csv" / "dispensations.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    assert {"funding.funded_by", "decision.by", "evaluation.rule_change_suggested"} <= set(rows[0])
    pilot = next(r for r in rows if r["ref"] == "D-2026-0001")
    assert pilot["funding.funded_by"] == "Barn- och utbildningsnämndens budget"
    assert pilot["funding.estimated_cost"] == "18500.00"


def test_export_is_streamed_not_built_in_memory(registry: Registry, demo_export: str) -> None:
    """Records are written one at a time (one per line), sections in order."""
    registry.import_json(io.StringIO(demo_export), actor=None)
    lines = _export(registry).splitlines()
    assert lines[0] == '{"format": "styrdok-export", "version": 1,'
    assert lines[1] == '"persons": ['
    assert json.loads(lines[2].rstrip(","))["ref"] == "agnes.hosseini"


def test_export_file_can_be_copied_and_restored(
    tmp_path: Path, demo_export: str, template_db: Path
) -> None:
    """A second registry restored from a file export equals the first."""
    source = tmp_path / "export.json"
    source.write_text(demo_export, encoding="utf-8")
    target = tmp_path / "restored.db"
    shutil.copy(template_db, target)
    with Registry.open(target) as restored, source.open(encoding="utf-8") as handle:
        restored.import_json(handle, actor=None)
        assert _export(restored) == demo_export


def test_long_export_and_import_report_their_progress(demo_export: str, db_path: Path) -> None:
    """A progress bar hears of every record: the steps add up to what was written and read."""
    records = sum(
        len(v) for k, v in json.loads(demo_export).items() if k not in ("format", "version")
    )
    steps: list[int] = []
    with Registry.open(db_path) as registry:
        counts = registry.import_json(io.StringIO(demo_export), actor=None, progress=steps.append)
        assert sum(steps) == sum(counts.values()) == records
        steps.clear()
        registry.export_json(io.StringIO(), progress=steps.append)
    assert sum(steps) == records
