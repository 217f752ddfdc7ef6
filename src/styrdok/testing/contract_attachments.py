"""The storage contract, attachments: what the register records of each document's files,
and that search finds documents by their files' words, on every backend.

The bytes go to a local file storage in the test's temporary folder; what is tested here
is the store's side (:class:`~styrdok.store.base.AttachmentStore` and the search index).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from styrdok.attachment import Attachment, FileKind
from styrdok.default_plugins.local_files import LocalFileStore
from styrdok.errors import AlreadyExists, NotFound, PermissionDenied
from styrdok.registry import Registry
from styrdok.testing import sample_files
from styrdok.testing.contract_data import NOW, complete_document

WORDS = ["Protokollsutdrag: kommunfullmäktige beslutade om molnlagring", "Bilagan gäller skolor"]


class AttachmentContract:
    """Documents' files (part of :class:`~styrdok.testing.contract.StoreContract`)."""

    @pytest.fixture
    def files(self, tmp_path: Path) -> LocalFileStore:
        """A local file storage in the test's temporary folder."""
        return LocalFileStore(tmp_path / "files")

    @pytest.fixture
    def pdf(self, tmp_path: Path) -> Path:
        """A small PDF whose text holds the words in ``WORDS``."""
        return sample_files.write(tmp_path / "beslut.pdf", sample_files.pdf(WORDS))

    def _attach(
        self, registry: Registry, files: LocalFileStore, path: Path, ref: str = "POL-1"
    ) -> Attachment:
        return registry.attach_file(
            ref, path, actor="owner", kind=FileKind.DECISION, storage=files
        ).attachment

    def test_an_attachment_comes_back_with_every_fact_recorded(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """An attachment comes back as recorded: name, title, kind, media type, size,
        who attached it and when."""
        stored = self._attach(seeded, files, pdf)
        [listed] = seeded.document_files("POL-1")
        assert listed == stored
        assert (listed.name, listed.title, listed.kind) == ("beslut.pdf", "beslut.pdf", "decision")
        assert (listed.media_type, listed.size) == ("application/pdf", pdf.stat().st_size)
        assert listed.added_by == "owner" and listed.added_at == NOW
        with seeded.store.transaction(write=False):
            assert seeded.store.get_attachment(stored.id or 0) == stored
            assert seeded.store.list_attachments() == [stored]

    def test_the_audit_chain_holds_the_files_hash(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """The audit event of an attachment carries the file's SHA-256, and the chain
        still verifies."""
        stored = self._attach(seeded, files, pdf)
        [event] = [e for e in seeded.history("document:POL-1") if e.action == "attachment.add"]
        assert event.after is not None and event.after["sha256"] == stored.sha256
        assert seeded.verify_audit().problem() is None

    def test_a_document_has_each_file_once(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """The same file attached twice to a document is ``AlreadyExists``, from the
        registry and from the store itself."""
        self._attach(seeded, files, pdf)
        with pytest.raises(AlreadyExists, match="already has this file"):
            self._attach(seeded, files, pdf)
        [stored] = seeded.document_files("POL-1")
        # The store refuses it too, whatever the path.
        with pytest.raises(AlreadyExists), seeded.store.transaction():
            seeded.store.insert_attachment(stored, text="")
        assert len(seeded.document_files("POL-1")) == 1

    def test_the_same_file_on_two_documents_is_stored_once(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """A file attached to two documents is two records and one stored content."""
        seeded.add_document(complete_document("RIKT-1"), actor="owner")
        first = self._attach(seeded, files, pdf)
        second = self._attach(seeded, files, pdf, ref="RIKT-1")
        assert first.sha256 == second.sha256 and first.id != second.id
        with seeded.store.transaction(write=False):
            assert seeded.store.count_attachments_with(first.sha256) == 2
        assert [p for p in files.root.rglob("*") if p.is_file()] == [files.path(first.sha256)]

    def test_detaching_removes_the_record_and_the_content_no_one_else_has(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """Detaching removes the record, and the content once no document has it; both
        steps are audited."""
        seeded.add_document(complete_document("RIKT-1"), actor="owner")
        stored = self._attach(seeded, files, pdf)
        self._attach(seeded, files, pdf, ref="RIKT-1")
        seeded.detach_file("POL-1", "beslut.pdf", actor="owner", storage=files)
        assert seeded.document_files("POL-1") == []
        assert files.exists(stored.sha256)  # RIKT-1 still has it
        seeded.detach_file("RIKT-1", "beslut.pdf", actor="owner", storage=files)
        assert not files.exists(stored.sha256)
        actions = [e.action for e in seeded.history("document:POL-1")]
        assert actions[-2:] == ["attachment.add", "attachment.remove"]

    def test_a_detached_files_number_is_not_given_again(
        self, seeded: Registry, files: LocalFileStore, pdf: Path, tmp_path: Path
    ) -> None:
        """A detached file's ``id`` is not given to a later attachment."""
        first = self._attach(seeded, files, pdf)
        seeded.detach_file("POL-1", str(first.id), actor="owner", storage=files)
        other = sample_files.write(tmp_path / "bilaga.txt", b"Bilaga\n")
        assert (self._attach(seeded, files, other).id or 0) > (first.id or 0)

    def test_search_finds_a_document_by_its_files_words_until_detached(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """A document is found by its files' words, also after its own text changes,
        until the file is detached."""
        assert seeded.search_documents("molnlagring") == []
        self._attach(seeded, files, pdf)
        [hit] = seeded.search_documents("molnlagring")
        assert hit.ref == "POL-1"
        assert [p.text for p in hit.snippet if p.matched] == ["molnlagring"]
        doc = seeded.get_document("POL-1")
        seeded.edit_document(
            "POL-1", {"text": "Ny text"}, actor="owner", expected_revision=doc.revision
        )
        assert [h.ref for h in seeded.search_documents("molnlagring skolor")] == ["POL-1"]
        seeded.detach_file("POL-1", "beslut.pdf", actor="owner", storage=files)
        assert seeded.search_documents("molnlagring") == []

    def test_only_the_owner_guardian_or_an_administrator_attaches(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """Anyone else is refused attaching or detaching, before a byte is stored."""
        with pytest.raises(PermissionDenied, match="may not attach files to POL-1"):
            seeded.attach_file("POL-1", pdf, actor="requester", storage=files)
        assert seeded.document_files("POL-1") == []
        assert not files.root.exists()  # refused before a byte was stored
        self._attach(seeded, files, pdf)
        with pytest.raises(PermissionDenied, match="may not detach files from POL-1"):
            seeded.detach_file("POL-1", "beslut.pdf", actor="requester", storage=files)
        assert len(seeded.document_files("POL-1")) == 1

    def test_an_unknown_document_or_file_is_named(
        self, seeded: Registry, files: LocalFileStore, pdf: Path
    ) -> None:
        """An unknown document or file is ``NotFound`` naming it (and a document's files)."""
        with pytest.raises(NotFound, match="unknown document 'NOPE'"):
            seeded.attach_file("NOPE", pdf, actor="owner", storage=files)
        with pytest.raises(NotFound, match="unknown document 'NOPE'"):
            seeded.document_files("NOPE")
        self._attach(seeded, files, pdf)
        with pytest.raises(NotFound, match=r"POL-1 has no file 'x.pdf' \(its files: #1 beslut"):
            seeded.detach_file("POL-1", "x.pdf", actor="owner", storage=files)
