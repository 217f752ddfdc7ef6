"""The SQL store's record of documents' files (:class:`styrdok.store.base.AttachmentStore`).

The text read from a file is stored with it and searched with its document: triggers on
the ``attachment`` table refresh the document's row of the search index in the same
transaction (see :mod:`styrdok.store.search_schema`).
"""

from __future__ import annotations

import sqlalchemy as sa

from styrdok import fields
from styrdok.attachment import Attachment
from styrdok.store import tables
from styrdok.store.convert import attachment_from_row as _from_row
from styrdok.store.convert import attachment_to_row as _to_row
from styrdok.store.sql_base import ID_RANGE, SqlBase

_T = tables.attachment
# Every column but the text: lists never need it, and it may be 200,000 characters a file.
_RECORD = [column for column in _T.columns if column.name != "text"]


class SqlAttachments(SqlBase):
    """Attachments as rows of the ``attachment`` table."""

    def insert_attachment(self, attachment: Attachment, *, text: str) -> Attachment:
        what = (
            f"a file named {attachment.name} or with the same content on {attachment.document_ref}"
        )
        result = self._insert(_T, _to_row(attachment, text), what)
        return fields.evolve(attachment, id=int(result.inserted_primary_key[0]))

    def get_attachment(self, attachment_id: int) -> Attachment | None:
        if attachment_id not in ID_RANGE:
            return None
        row = self._one(sa.select(*_RECORD).where(_T.c.id == attachment_id))
        return _from_row(row) if row else None

    def list_attachments(self, document_ref: str | None = None) -> list[Attachment]:
        query = sa.select(*_RECORD).order_by(_T.c.id)
        if document_ref is not None:
            query = query.where(_T.c.document_ref == document_ref)
        return [_from_row(row) for row in self._rows(query)]

    def delete_attachment(self, attachment_id: int) -> None:
        self.conn.execute(_T.delete().where(_T.c.id == attachment_id))

    def count_attachments_with(self, sha256: str) -> int:
        query = sa.select(sa.func.count()).select_from(_T).where(_T.c.sha256 == sha256)
        return int(self.conn.execute(query).scalar_one())
