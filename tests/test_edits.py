"""DocumentEdit: what an edit of a document means, decided once in the core."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from styrdok import DispensationRules, Document, InvalidValue
from styrdok.cli.doc import CLEARABLE
from styrdok.edits import CLEARABLE_FIELDS, DocumentEdit
from styrdok.enums import DocStatus, DocType
from styrdok.model import FaqEntry, FollowUp
from styrdok.rules import EDITABLE_FIELDS

DOC = Document(
    "POL-1",
    "Policy",
    "policy",
    owner="owner",
    guardian="guardian",
    follow_up=FollowUp(method="Yearly report", by="KS"),
    next_review_on=dt.date(2027, 1, 1),
    dispensation_rules=DispensationRules(
        allowed=True, approvers=("approver",), max_duration_days=30, max_renewals=1
    ),
)

PARTS = {
    "follow_up_method",
    "follow_up_by",
    "dispensations_allowed",
    "dispensation_requirements",
    "dispensation_approvers",
    "dispensation_max_days",
    "dispensation_max_renewals",
}


def test_every_editable_field_can_be_given_whole() -> None:
    """The edit's whole fields are exactly the fields the registry lets an edit change."""
    names = {field.name for field in attrs.fields(DocumentEdit)} - PARTS - {"clear"}
    assert names == EDITABLE_FIELDS


def test_the_command_line_offers_to_clear_what_the_core_calls_clearable() -> None:
    """`doc edit --clear` lists the core's clearable fields, no more and no fewer."""
    assert set(CLEARABLE) == CLEARABLE_FIELDS


def test_only_the_fields_given_change() -> None:
    """Fields left at None keep the document's values."""
    after = DocumentEdit(title="New title", guardian="someone").apply_to(DOC)
    assert after == attrs.evolve(DOC, title="New title", guardian="someone")


def test_a_new_follow_up_method_keeps_who_follows_up() -> None:
    """One part of the follow-up is merged with the stored follow-up."""
    after = DocumentEdit(follow_up_method="Quarterly audit").apply_to(DOC)
    assert after.follow_up == FollowUp(method="Quarterly audit", by="KS")


def test_follow_up_parts_override_a_whole_follow_up() -> None:
    """A whole follow-up given with one part takes that part from the part."""
    edit = DocumentEdit(follow_up=FollowUp(method="A", by="B"), follow_up_by="C")
    assert edit.apply_to(DOC).follow_up == FollowUp(method="A", by="C")


def test_half_a_follow_up_is_refused_naming_the_field() -> None:
    """A follow-up needs both its method and who does it, here none is stored."""
    bare = attrs.evolve(DOC, follow_up=None)
    with pytest.raises(InvalidValue, match=r"^follow_up: .*method.*\(by\)$"):
        DocumentEdit(follow_up_by="KS").apply_to(bare)


def test_one_dispensation_limit_keeps_the_other_rules() -> None:
    """Dispensation-rule parts are merged with the stored rules."""
    after = DocumentEdit(dispensation_max_days=90).apply_to(DOC)
    assert after.dispensation_rules == attrs.evolve(DOC.dispensation_rules, max_duration_days=90)


def test_dispensation_parts_of_a_new_document_start_from_the_defaults() -> None:
    """With no document yet, the parts are laid over the default rules."""
    edit = DocumentEdit(title="T", doc_type="policy", owner="o", dispensations_allowed=True)
    assert edit.new_document("POL-9").dispensation_rules == DispensationRules(allowed=True)


def test_a_bad_part_of_the_dispensation_rules_names_its_field() -> None:
    """The merged rules are validated like any others."""
    with pytest.raises(InvalidValue, match=r"^max_duration_days must be a positive number"):
        DocumentEdit(dispensation_max_days=0).apply_to(DOC)


def test_clearing_removes_a_value() -> None:
    """A cleared field becomes None."""
    assert DocumentEdit(clear={"guardian"}).apply_to(DOC).guardian is None


def test_clearing_wins_over_a_value_given_for_the_same_field() -> None:
    """As `doc edit --guardian x --clear guardian` always did: the field is cleared."""
    assert DocumentEdit(guardian="x", clear={"guardian"}).apply_to(DOC).guardian is None


@pytest.mark.parametrize("name", sorted(CLEARABLE_FIELDS))
def test_every_clearable_field_can_be_cleared(name: str) -> None:
    """A document may be without any of the clearable fields."""
    assert getattr(DocumentEdit(clear={name}).apply_to(DOC), name) is None


def test_clearing_a_required_field_is_refused_naming_it() -> None:
    """A document always has a title: the document's own check says so."""
    with pytest.raises(InvalidValue, match=r"^title: "):
        DocumentEdit(clear={"title"}).apply_to(DOC)


@pytest.mark.parametrize("name", ["status", "version", "revision"])
def test_fields_outside_edit_are_refused(name: str) -> None:
    """Status, version and revision change through adopt, review and repeal only."""
    with pytest.raises(InvalidValue, match=rf"^cannot edit {name}: use adopt, review or repeal"):
        DocumentEdit(clear={name})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("review_interval_months", "12", "expected a whole number, got str"),
        ("word_count", True, "expected a whole number, got bool"),
        ("next_review_on", "2027-01-01", "expected a date, got str"),
        ("valid_until", dt.datetime(2027, 1, 1), "expected a date, got datetime"),
        ("title", 7, "expected text, got int"),
        ("applies_to", "Skola", "expected a list, got str"),
        ("related", [1], "expected a list of document refs, got int"),
        ("dispensations_allowed", "yes", "expected true or false, got str"),
        ("follow_up", "monthly", "expected a follow-up, got str"),
        ("doc_type", "memo", "'memo' is not one of: policy"),
    ],
)
def test_a_value_of_the_wrong_kind_names_its_field(field: str, value: object, message: str) -> None:
    """Wrong kinds are an InvalidValue naming the field, never a TypeError."""
    with pytest.raises(InvalidValue, match=rf"^{field}: {message}"):
        DocumentEdit(**{field: value})  # type: ignore[arg-type]


def test_the_document_checks_what_a_value_contains() -> None:
    """A malformed reference is refused by the document's own validator, naming the field."""
    with pytest.raises(InvalidValue, match=r"^owner: "):
        DocumentEdit(owner="not a ref").apply_to(DOC)


def test_faq_entries_may_be_given_as_pairs() -> None:
    """(question, answer) pairs become FAQ entries, replacing the list."""
    after = DocumentEdit(faq=[("May I?", "Yes.")]).apply_to(DOC)
    assert after.faq == (FaqEntry(question="May I?", answer="Yes."),)


def test_a_new_document_is_a_draft_made_of_the_edit() -> None:
    """new_document gives the fields of the edit and the defaults for the rest."""
    edit = DocumentEdit(title="T", doc_type="policy", owner="o", follow_up_method="M",
                        follow_up_by="B")  # fmt: skip
    document = edit.new_document("POL-9")
    assert document == Document(
        "POL-9", "T", DocType.POLICY, owner="o", follow_up=FollowUp(method="M", by="B")
    )
    assert document.status is DocStatus.DRAFT


def test_a_new_document_needs_title_type_and_owner() -> None:
    """What a new document lacks is listed by field, and refused."""
    edit = DocumentEdit(title="T")
    assert edit.missing_for_new() == ("doc_type", "owner")
    with pytest.raises(InvalidValue, match=r"^a new document needs doc_type, owner$"):
        edit.new_document("POL-9")


def test_an_edit_with_nothing_given_is_empty() -> None:
    """Only an edit that gives or clears nothing is empty."""
    assert DocumentEdit().is_empty
    assert not DocumentEdit(clear={"guardian"}).is_empty
    assert not DocumentEdit(dispensation_max_renewals=0).is_empty


def test_as_changes_is_the_mapping_apply_to_makes() -> None:
    """The field-to-value mapping, merged with the current document, cleared fields None."""
    edit = DocumentEdit(title="New", follow_up_by="KF", clear={"valid_until"})
    assert edit.as_changes(DOC) == {
        "title": "New",
        "follow_up": FollowUp(method="Yearly report", by="KF"),
        "valid_until": None,
    }


def test_a_mapping_of_changes_becomes_an_edit_with_none_clearing() -> None:
    """DocumentEdit.of takes the mapping edit_document has always taken."""
    edit = DocumentEdit.of({"title": "New", "guardian": None})
    assert edit == DocumentEdit(title="New", clear={"guardian"})
    assert DocumentEdit.of(edit) is edit


def test_a_mapping_with_a_field_outside_edit_is_refused() -> None:
    """The mapping is checked against the editable fields, with the registry's message."""
    with pytest.raises(InvalidValue, match=r"^cannot edit status, version: use adopt"):
        DocumentEdit.of({"status": "in_force", "version": 3, "title": "T"})
