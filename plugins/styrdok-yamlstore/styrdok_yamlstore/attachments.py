"""The YAML store's record of documents' files (the
:class:`~styrdok.store.base.AttachmentStore` role). Each attachment, with the text read
from it, is kept in its document's file (``documents/POL-IS-01.yaml``, under
``attachments``); the bytes are in the file storage, not in the folder."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from styrdok import fields
from styrdok.attachment import Attachment
from styrdok.errors import AlreadyExists
from styrdok.events import AttachmentAdded
from styrdok.exchange import AttachmentRecord
from styrdok_yamlstore.folder import State, in_order


class Attachments:
    """Attachments over the register in memory."""

    _state: State

    def _next_number(self) -> int:
        """One more than any attachment ever had, so a detached file's number is never
        given again (as on SQLite and PostgreSQL): the audit log remembers the numbers of
        files no longer here."""
        audited = (
            e.after.get("id")
            for e in self._state.audit_event
            if e.action == AttachmentAdded.name and e.after
        )
        numbers = [n for n in audited if isinstance(n, int)]
        return max([*self._state.attachment, *numbers], default=0) + 1

    def _refuse_twice(self, attachment: Attachment) -> None:
        for other in self._state.attachment.values():
            same = other.name == attachment.name or other.sha256 == attachment.sha256
            if other.document_ref == attachment.document_ref and same:
                raise AlreadyExists(
                    f"a file named {attachment.name} or with the same content on "
                    f"{attachment.document_ref} already exists"
                )

    def insert_attachment(self, attachment: Attachment, *, text: str) -> Attachment:
        self._refuse_twice(attachment)
        number = self._next_number()
        stored = fields.evolve(attachment, id=number)
        self._state.attachment[number] = stored
        self._state.attachment_text[number] = text
        return stored

    def get_attachment(self, attachment_id: int) -> Attachment | None:
        return self._state.attachment.get(attachment_id)

    def list_attachments(self, document_ref: str | None = None) -> list[Attachment]:
        return [
            a
            for a in in_order(self._state.attachment)
            if document_ref is None or a.document_ref == document_ref
        ]

    def delete_attachment(self, attachment_id: int) -> None:
        self._state.attachment.pop(attachment_id, None)
        self._state.attachment_text.pop(attachment_id, None)

    def count_attachments_with(self, sha256: str) -> int:
        return sum(a.sha256 == sha256 for a in self._state.attachment.values())

    def attachment_texts(self, document_ref: str) -> list[str]:
        """The texts of a document's files, in the order they were attached (for the
        search in memory)."""
        return [
            self._state.attachment_text.get(number, "")
            for number, a in sorted(self._state.attachment.items())
            if a.document_ref == document_ref
        ]

    # --- bulk export and import (an export's ``attachments`` section) --------------------

    def attachment_records(self) -> Iterator[AttachmentRecord]:
        """Every attachment with its text, by number, as an export carries them."""
        for number, a in sorted(self._state.attachment.items()):
            text = self._state.attachment_text.get(number, "")
            yield AttachmentRecord(**{**attrs.asdict(a, recurse=False), "text": text})

    def restore_attachment(self, record: AttachmentRecord) -> Attachment:
        """Store an imported attachment under its own number if that is free (a restore),
        else the next one (a merge's records come without one)."""
        attachment = Attachment(
            **{k: v for k, v in attrs.asdict(record, recurse=False).items() if k != "text"}
        )
        self._refuse_twice(attachment)
        given = attachment.id
        free = given if given is not None and given not in self._state.attachment else None
        stored = fields.evolve(attachment, id=free if free is not None else self._next_number())
        assert stored.id is not None
        self._state.attachment[stored.id] = stored
        self._state.attachment_text[stored.id] = record.text
        return stored
