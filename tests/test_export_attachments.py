"""Attachments in the JSON export: a restore (SQLite, PostgreSQL) brings back every file's
record and its text for search, the storage copied beside it; an export from before the
section still imports; a bad record is refused whole; a merge takes the files of the
documents it adds."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import DEMO_TODAY, NOW
from styrdok import AlreadyExists, Body, DispensationRules, InvalidValue, NotFound, Person
from styrdok.attachment import FileKind
from styrdok.config import Config, FileSettings
from styrdok.default_plugins.local_files import LocalFileStore
from styrdok.demo import build_demo
from styrdok.errors import RuleViolation
from styrdok.registry import Registry
from styrdok.testing import sample_files

#: A word of the demo's minutes' extract (the PDF), not of any document's own text.
WORD = "Kommunsekreteraren"
DOC = "RIKT-SOC-01"


class Source:
    """The demo register with its decision attached: its export and its file storage."""

    def __init__(self, export: str, storage: Path, files: list[Any]) -> None:
        self.export = export
        self.storage = storage
        self.files = files


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    folder = tmp_path_factory.mktemp("source")
    storage = folder / "files"
    with Registry.open(folder / "demo.db", create=True) as registry:
        build_demo(registry, today=DEMO_TODAY, files=LocalFileStore(storage))
        out = io.StringIO()
        registry.export_json(out)
        files = registry.document_files(DOC)
    return Source(out.getvalue(), storage, files)


def _export(registry: Registry) -> str:
    out = io.StringIO()
    registry.export_json(out)
    return out.getvalue()


def _hits(registry: Registry, word: str) -> list[str]:
    return [hit.ref for hit in registry.search_documents(word)]


def test_a_restore_brings_back_the_files_records_and_text(
    registry: Registry, source: Source, tmp_path: Path
) -> None:
    """SQLite → export → SQLite or PostgreSQL: the same records, numbers and text; with the
    storage copied, every file is there and unchanged, and search finds the file's words."""
    data = json.loads(source.export)
    [record] = data["attachments"]
    assert record["document_ref"] == DOC and record["id"] == 1 and WORD in record["text"]
    assert list(data).index("attachments") == list(data).index("documents") + 1

    counts = registry.import_json(io.StringIO(source.export), actor=None)

    assert counts["attachments"] == 1
    assert registry.document_files(DOC) == source.files
    assert _hits(registry, WORD) == [DOC]
    assert _export(registry) == source.export  # lossless, the text included
    copied = tmp_path / "files"
    shutil.copytree(source.storage, copied)
    config = Config(files=FileSettings(directory=str(copied)))
    report = registry.verify_files(config=config)
    assert (report.files, report.problems) == (1, ())
    fetched = io.BytesIO()
    attachment = registry.fetch_file(DOC, "#1", fetched, config=config)  # hash checked
    assert attachment.kind is FileKind.DECISION and fetched.getvalue()[:5] == b"%PDF-"
    more = sample_files.write(tmp_path / "bilaga.txt", b"Bilaga\n")
    added = registry.attach_file(DOC, more, actor="maria.nystrom", config=config).attachment
    assert added.id == 2  # the numbering goes on after the restored ones


def test_without_the_storage_files_verify_names_the_missing_file(
    db_path: Path, source: Source, tmp_path: Path
) -> None:
    """The bytes are not in the export: a restore without the storage is found out."""
    with Registry.open(db_path) as registry:
        registry.import_json(io.StringIO(source.export), actor=None)
        config = Config(files=FileSettings(directory=str(tmp_path / "empty")))
        [problem] = registry.verify_files(config=config).problems
    assert problem.attachment.name == "protokollsutdrag-ks-132.pdf"
    assert "missing" in problem.problem


def test_an_export_from_before_the_section_still_imports(db_path: Path, source: Source) -> None:
    """The section is optional: an older export restores, without files."""
    data = json.loads(source.export)
    del data["attachments"]
    with Registry.open(db_path) as registry:
        counts = registry.import_json(io.StringIO(json.dumps(data)), actor=None)
        assert counts["attachments"] == 0 and counts["documents"] == 17
        assert registry.document_files(DOC) == []
        assert DOC not in _hits(registry, WORD)


def _with(change: Callable[[dict[str, Any]], None], export: str) -> str:
    data = json.loads(export)
    change(data)
    return json.dumps(data)


def _twice(data: dict[str, Any], **changes: Any) -> None:
    data["attachments"].append({**data["attachments"][0], "id": 2, **changes})


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            lambda d: d["attachments"][0].update(document_ref="NOPE"),
            NotFound,
            r"^unknown document 'NOPE' @ \$\.attachments\[0\]\.document_ref$",
        ),
        (
            lambda d: d["attachments"][0].update(added_by="ghost"),
            NotFound,
            r"^unknown person 'ghost' @ \$\.attachments\[0\]\.added_by$",
        ),
        (
            lambda d: d["attachments"][0].update(sha256="../../etc/passwd"),
            InvalidValue,
            r"^sha256: expected 64 lower-case hexadecimal digits \(a SHA-256\) "
            r"@ \$\.attachments\[0\]",
        ),
        (
            lambda d: d["attachments"][0].update(name="../beslut.pdf"),
            InvalidValue,
            r"^name: file name '\.\./beslut\.pdf': give a plain file name.* @ \$\.attachments\[0\]",
        ),
        (
            lambda d: d["attachments"][0].update(text="dold\u202etext"),
            InvalidValue,
            r"direction-changing character U\+202E.* @ \$\.attachments\[0\]",
        ),
        (
            lambda d: _twice(d, name="PROTOKOLLSUTDRAG-KS-132.pdf", sha256="a" * 64),
            AlreadyExists,
            r"^RIKT-SOC-01 has two files named protokollsutdrag-ks-132\.pdf "
            r"@ \$\.attachments\[1\]\.name$",
        ),
        (
            lambda d: _twice(d, name="kopia.pdf"),
            AlreadyExists,
            r"^RIKT-SOC-01 has the same file twice \(same SHA-256\) "
            r"@ \$\.attachments\[1\]\.sha256$",
        ),
        (
            lambda d: _twice(d, name="kopia.pdf", sha256="a" * 64, id=1),
            AlreadyExists,
            r"^1 appears twice @ \$\.attachments\[1\]$",
        ),
    ],
)
def test_a_bad_attachment_record_is_refused_and_nothing_is_written(
    db_path: Path, source: Source, change: Any, error: type[Exception], message: str
) -> None:
    """Each record is rebuilt and checked like any other: one line naming it, no rows."""
    with Registry.open(db_path) as registry:
        with pytest.raises(error, match=message):
            registry.import_json(io.StringIO(_with(change, source.export)), actor=None)
        assert registry.list_documents() == [] and list(registry.audit_events()) == []


# --- a merge into a register in use --------------------------------------------------------


@pytest.fixture
def other_export(tmp_path: Path) -> str:
    """Another unit's register: POL-X in force, its decision attached by the guardian."""
    from conftest import day, policy

    with Registry.open(tmp_path / "other.db", create=True, clock=lambda: NOW) as other:
        other.add_person(Person("x.admin", "Xena Admin", is_admin=True), actor=None)
        other.add_person(Person("x.guardian", "Xavier Väktare"), actor="x.admin")
        document = policy(
            "POL-X", owner="x.admin", guardian="x.guardian", dispensation_rules=DispensationRules()
        )
        other.add_document(document, actor="x.admin")
        other.add_body(Body("X-KS", "Andra styrelsen", "executive_board"), actor="x.admin")
        other.adopt_document("POL-X", actor="x.admin", body="X-KS", on=day(-100))
        pdf = sample_files.write(tmp_path / "beslut.pdf", sample_files.pdf(["Elevrådens samråd"]))
        storage = Config(files=FileSettings(directory=str(tmp_path / "files")))
        other.attach_file("POL-X", pdf, actor="x.guardian", config=storage)
        return _export(other)


def test_a_merge_brings_in_the_files_of_the_documents_it_adds(
    seeded: Registry, other_export: str, tmp_path: Path
) -> None:
    """Numbered anew after the register's own, each audited with the file it came from."""
    config = Config(files=FileSettings(directory=str(tmp_path / "ours")))
    ours = sample_files.write(tmp_path / "egen.txt", b"Egen bilaga")
    seeded.attach_file("POL-1", ours, actor="owner", config=config)

    counts = seeded.import_json(io.StringIO(other_export), actor="admin", merge=True)

    assert counts["attachments"] == 1
    [merged] = seeded.document_files("POL-X")
    assert (merged.id, merged.name, merged.added_by) == (2, "beslut.pdf", "x.guardian")
    assert _hits(seeded, "elevrådens") == ["POL-X"]
    [event] = [e for e in seeded.history("document:POL-X") if e.action == "attachment.import"]
    assert event.after is not None and "text" not in event.after["record"]
    assert event.after["record"]["sha256"] == merged.sha256


def test_a_merge_refuses_files_of_a_document_already_in_the_register(
    seeded: Registry, other_export: str
) -> None:
    """A record alone is not taken for a file of a document the register has: one line."""
    bad = _with(lambda d: d["attachments"][0].update(document_ref="POL-1"), other_export)
    before = len(list(seeded.audit_events()))
    with pytest.raises(
        RuleViolation,
        match=r"^POL-1 is already in the registry: a merge brings in only the files of the "
        r"documents it adds; attach beslut\.pdf with doc attach "
        r"@ \$\.attachments\[0\]\.document_ref$",
    ):
        seeded.import_json(io.StringIO(bad), actor="admin", merge=True)
    assert seeded.document_files("POL-1") == [] and [d.ref for d in seeded.list_documents()] == [
        "POL-1"
    ]
    assert len(list(seeded.audit_events())) == before
