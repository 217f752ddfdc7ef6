"""Records rebuilt from their rows (``styrdok.store.rebuild``): the same objects the domain
constructors give, without checking again what was checked when it was written."""

from __future__ import annotations

import attrs
import pytest

from styrdok import DispensationRules, Document
from styrdok.enums import DocStatus, DocType
from styrdok.store import rebuild


def stored(document: Document) -> dict[str, object]:
    """A document's fields as a reader hands them over."""
    return attrs.asdict(document, recurse=False)


def test_a_rebuilt_document_equals_the_constructed_one_field_by_field_and_type() -> None:
    document = Document(
        ref="POL-IS-01",
        title="Informationssäkerhetspolicy",
        doc_type="policy",
        owner="anna.lind",
        status="in_force",
        applies_to=["Alla förvaltningar"],
        text="Vi skyddar information.",
    )
    values = {**stored(document), "doc_type": "policy", "status": "in_force"}
    values["applies_to"] = ["Alla förvaltningar"]  # a JSON column gives a list
    again = rebuild.rebuilt(Document, values)
    assert again == document
    assert again.doc_type is DocType.POLICY and again.status is DocStatus.IN_FORCE
    assert again.applies_to == ("Alla förvaltningar",)
    assert again.word_count == document.word_count == 3


def test_a_text_column_left_null_reads_as_empty_text_as_the_constructor_reads_it() -> None:
    document = Document(ref="RUT-01", title="Rutin", doc_type="routine", owner="anna.lind")
    values = {**stored(document), "purpose": None, "guardian": "", "related": None}
    again = rebuild.rebuilt(Document, values)
    assert (again.purpose, again.guardian, again.related) == ("", None, ())
    assert again == document


def test_the_check_the_test_suite_runs_catches_a_row_the_constructor_reads_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A title stored with spaces around it (never written so by styrdok) would be read
    differently: with the check on, that is an error naming the field."""
    monkeypatch.setattr(rebuild, "CHECK", True)
    document = Document(ref="RUT-01", title="Rutin", doc_type="routine", owner="anna.lind")
    with pytest.raises(AssertionError, match="title"):
        rebuild.rebuilt(Document, {**stored(document), "title": " Rutin "})


def test_a_reader_that_leaves_out_a_field_fails_loudly() -> None:
    values = stored(DispensationRules(allowed=True))
    del values["max_renewals"]
    with pytest.raises(KeyError, match="max_renewals"):
        rebuild.rebuilt(DispensationRules, values)
