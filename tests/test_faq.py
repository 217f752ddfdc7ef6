"""A document's FAQ, one entry at a time: every change to a document in force is a version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import TODAY
from styrdok.errors import InvalidValue, NotFound, PermissionDenied, RuleViolation
from styrdok.model import FaqEntry
from styrdok.registry import Registry

Run = Callable[..., Result]


@pytest.fixture
def db_url(db_path: Path) -> str:
    """SQLite only: the versions written here are the storage contract's, on every engine."""
    return str(db_path)


def test_adding_an_entry_to_a_document_in_force_makes_a_version(seeded: Registry) -> None:
    stored = seeded.add_faq_entry(
        "POL-1", question="Får jag använda USB-minnen?", answer="Bara krypterade.", actor="owner"
    )
    assert stored.version == 2
    assert [e.question for e in stored.faq] == ["Vem frågar jag?", "Får jag använda USB-minnen?"]
    versions = seeded.document_versions("POL-1")
    assert [(v.version, v.in_force_until) for v in versions] == [(1, TODAY), (2, None)]
    assert versions[0].snapshot.faq == (FaqEntry("Vem frågar jag?", "Väktaren."),)


def test_an_entry_is_reworded_and_removed_by_its_number(seeded: Registry) -> None:
    seeded.add_faq_entry("POL-1", question="Fråga två?", answer="Svar två.", actor="owner")
    seeded.edit_faq_entry("POL-1", 2, answer="Ett bättre svar.", actor="guardian")
    stored = seeded.remove_faq_entry("POL-1", 1, actor="owner")
    assert stored.faq == (FaqEntry("Fråga två?", "Ett bättre svar."),)
    assert stored.version == 4


def test_a_draft_changes_its_faq_without_versions(seeded: Registry) -> None:
    from conftest import policy

    seeded.add_document(policy("POL-2"), actor="owner")
    stored = seeded.add_faq_entry("POL-2", question="Ny?", answer="Ja.", actor="owner")
    assert (stored.version, len(stored.faq)) == (0, 2)
    assert seeded.document_versions("POL-2") == []


def test_a_missing_number_names_how_many_there_are(seeded: Registry) -> None:
    with pytest.raises(InvalidValue, match="POL-1 has 1 FAQ entry; there is no number 3"):
        seeded.remove_faq_entry("POL-1", 3, actor="owner")
    assert seeded.get_document("POL-1").version == 1


def test_only_the_owner_guardian_or_an_administrator_may(seeded: Registry) -> None:
    with pytest.raises(PermissionDenied, match="may not change the FAQ of POL-1"):
        seeded.add_faq_entry("POL-1", question="?", answer="!", actor="requester")


def test_a_whole_faq_edit_of_a_document_in_force_is_refused(seeded: Registry) -> None:
    doc = seeded.get_document("POL-1")
    with pytest.raises(RuleViolation, match="changes one entry at a time"):
        seeded.edit_document("POL-1", {"faq": ()}, actor="owner", expected_revision=doc.revision)
    assert len(seeded.get_document("POL-1").faq) == 1


def test_the_command_line_adds_lists_and_removes(seeded: Registry, cli: Run) -> None:
    added = cli(
        "--lang",
        "en",
        "--as",
        "owner",
        "doc",
        "faq",
        "add",
        "POL-1",
        "--question",
        "Får jag?",
        "--answer",
        "Ja.",
    )
    assert added.exit_code == 0, added.output
    assert added.output == "FAQ entry 2 of POL-1 added: version 2 is in force from today.\n"
    listed = cli("--lang", "en", "doc", "faq", "list", "POL-1")
    assert "2   Får jag?" in listed.output
    removed = cli("--lang", "en", "--as", "owner", "doc", "faq", "remove", "POL-1", "2")
    assert removed.exit_code == 0, removed.output
    assert len(seeded.get_document("POL-1").faq) == 1


def test_doc_edit_points_to_doc_faq(seeded: Registry, cli: Run) -> None:
    result = cli("--as", "owner", "doc", "edit", "POL-1", "--faq", "Q?", "A.")
    assert result.exit_code == 2
    assert "one entry at a time with 'styrdok doc faq add|edit|remove'" in result.output


def test_a_question_with_an_invisible_character_can_still_become_an_faq_entry(
    seeded: Registry,
) -> None:
    """Free text may hold a zero-width space; an FAQ question is one clean line."""
    question = seeded.ask("POL-1", "Får jag\u200bmejla\nhemifrån?", actor="requester")
    assert question.id is not None
    seeded.answer(question.id, "Ja, krypterat.", actor="guardian", promote_to_faq=True)
    assert seeded.get_document("POL-1").faq[-1].question == "Får jag mejla hemifrån?"


def test_a_question_is_read_by_its_number(seeded: Registry) -> None:
    asked = seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester")
    assert asked.id is not None
    assert seeded.get_question(asked.id).text == "Gäller policyn konsulter?"
    with pytest.raises(NotFound, match="unknown question 999"):
        seeded.get_question(999)
