"""register pages: indexes for reading the register a page at a time

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 12:00:00.000000

The intranet's register page and its JSON twin read one page of documents of a status in
title order (:meth:`styrdok.store.base.BrowseStore.page_documents`): with an index on
``(status, title, ref)`` the database walks the page from the index instead of sorting
every document of that status on each request, and counts them from the index. The type
filter lists the types in use (``SELECT DISTINCT doc_type``) from an index on ``doc_type``
instead of reading the whole table. Indexes only: nothing is rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_document_status_title", "document", ["status", "title", "ref"])
    op.create_index("ix_document_doc_type", "document", ["doc_type"])


def downgrade() -> None:
    op.drop_index("ix_document_doc_type", table_name="document")
    op.drop_index("ix_document_status_title", table_name="document")
