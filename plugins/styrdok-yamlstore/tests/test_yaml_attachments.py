"""The YAML store keeps what each attached file is in its document's file."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from styrdok_yamlstore.store import YamlStore

from styrdok.default_plugins.local_files import LocalFileStore
from styrdok.model import Document, FollowUp, Person
from styrdok.registry import Registry
from styrdok.testing import sample_files

sys._styrdok_testing = True  # type: ignore[attr-defined]


def _register(folder: Path) -> Registry:
    store = YamlStore(f"yaml://{folder}")
    store.initialise()
    registry = Registry(store, events=False)
    registry.add_person(Person("ada", "Ada Admin", is_admin=True), actor=None)
    for ref in ("POL-1", "POL-2"):
        registry.add_document(
            Document(
                ref=ref,
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
    return registry


def test_a_files_record_and_text_are_kept_in_its_documents_file(tmp_path: Path) -> None:
    """Read back by a new store: the attachment, and its words found by search; a document
    without files has no `attachments` in its file."""
    folder, files = tmp_path / "register", LocalFileStore(tmp_path / "files")
    registry = _register(folder)
    pdf = sample_files.write(tmp_path / "beslut.pdf", sample_files.pdf(["Beslut om molnlagring"]))
    stored = registry.attach_file("POL-1", pdf, actor="ada", storage=files).attachment
    data = yaml.safe_load((folder / "documents" / "POL-1.yaml").read_text("utf-8"))
    [entry] = data["attachments"]
    assert entry["attachment"]["sha256"] == stored.sha256
    assert "molnlagring" in entry["text"]
    other = yaml.safe_load((folder / "documents" / "POL-2.yaml").read_text("utf-8"))
    assert "attachments" not in other
    again = Registry(YamlStore(f"yaml://{folder}"), events=False)
    assert again.document_files("POL-1") == [stored]
    assert [h.ref for h in again.search_documents("molnlagring", status=None)] == ["POL-1"]


def test_detaching_rewrites_the_documents_file_without_it(tmp_path: Path) -> None:
    """The last file detached: the document's file is as if it never had one."""
    folder, files = tmp_path / "register", LocalFileStore(tmp_path / "files")
    registry = _register(folder)
    txt = sample_files.write(tmp_path / "bilaga.txt", b"Bilaga\n")
    registry.attach_file("POL-1", txt, actor="ada", storage=files)
    registry.detach_file("POL-1", "bilaga.txt", actor="ada", storage=files)
    data = yaml.safe_load((folder / "documents" / "POL-1.yaml").read_text("utf-8"))
    assert "attachments" not in data
    assert Registry(YamlStore(f"yaml://{folder}"), events=False).document_files("POL-1") == []


def test_an_export_carries_the_files_to_sql_and_back(tmp_path: Path) -> None:
    """YAML → export → SQLite → export: the same records, numbers and text; an import into
    a new folder keeps them in each document's file."""
    import io

    folder, files = tmp_path / "register", LocalFileStore(tmp_path / "files")
    registry = _register(folder)
    txt = sample_files.write(tmp_path / "bilaga.txt", b"Bilaga om molnlagring\n")
    pdf = sample_files.write(tmp_path / "beslut.pdf", sample_files.pdf(["Beslut om arkivering"]))
    registry.attach_file("POL-1", txt, actor="ada", storage=files)
    registry.detach_file("POL-1", "bilaga.txt", actor="ada", storage=files)
    stored = registry.attach_file("POL-2", pdf, actor="ada", storage=files).attachment
    export = io.StringIO()
    registry.export_json(export)
    assert '"id": 2' in export.getvalue() and "arkivering" in export.getvalue()

    with Registry.open(tmp_path / "copy.db", create=True) as sql:
        sql.import_json(io.StringIO(export.getvalue()), actor=None)
        assert sql.document_files("POL-2") == [stored]
        again = io.StringIO()
        sql.export_json(again)
    assert again.getvalue() == export.getvalue()

    store = YamlStore(f"yaml://{tmp_path / 'copy'}")
    store.initialise()
    Registry(store, events=False).import_json(io.StringIO(export.getvalue()), actor=None)
    reread = Registry(YamlStore(f"yaml://{tmp_path / 'copy'}"), events=False)
    assert reread.document_files("POL-2") == [stored]
    assert [h.ref for h in reread.search_documents("arkivering", status=None)] == ["POL-2"]
