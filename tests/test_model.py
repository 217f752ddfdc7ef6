"""Field-level rules of the domain objects: what a value may look like on its own."""

from __future__ import annotations

import datetime as dt

import pytest

from styrdok import Dispensation, DispStatus, Document, Funding, InvalidValue, Person


@pytest.mark.parametrize("ref", ["POL-IS-01", "anna.lind", "D-2026-0001", "a", "x_1"])
def test_references_accept_plain_ascii_handles(ref: str) -> None:
    """Refs are the short ASCII handles users type on the command line."""
    assert Person(ref, "Namn").ref == ref


@pytest.mark.parametrize(
    "ref", ["", "-lead", "has space", "åsa", "a" * 65, "x';DROP--", "zero\u200bwidth"]
)
def test_references_refuse_anything_else(ref: str) -> None:
    """A malformed ref is refused with the field's name in the message."""
    with pytest.raises(InvalidValue, match=r"^ref: invalid reference"):
        Person(ref, "Namn")


def test_text_is_normalised_to_nfc() -> None:
    """The same words always compare equal, however they were typed (NFC)."""
    decomposed = "A\u030asa O\u0308berg"  # Å and Ö written as letter + combining mark
    assert Person("asa", decomposed).name == "Åsa Öberg"


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x07", "\x00"])
def test_hidden_and_control_characters_are_refused(char: str) -> None:
    """Characters that hide or reorder text (Trojan Source) never enter the record."""
    with pytest.raises(InvalidValue, match=r"^title: text contains"):
        Document("POL-1", f"Policy{char}", "policy", owner="anna")


def test_overlong_title_is_refused() -> None:
    """Titles are one line of at most 300 characters."""
    with pytest.raises(InvalidValue, match="at most 300"):
        Document("POL-1", "x" * 301, "policy", owner="anna")


def test_unknown_document_type_lists_the_choices() -> None:
    """A wrong enum value says what would have been right."""
    with pytest.raises(InvalidValue, match="not one of: policy, strategy"):
        Document("POL-1", "T", "memo", owner="anna")


def test_funding_counts_as_stated_when_no_extra_cost_is_declared() -> None:
    """'No extra cost' is a statement about funding; silence is not."""
    assert Funding(no_extra_cost=True).is_stated
    assert Funding(funded_by="BUN").is_stated
    assert not Funding().is_stated


def test_dispensation_active_on_respects_an_early_end() -> None:
    """A closed dispensation applied until the day before it ended, not after."""
    disp = Dispensation(
        ref="D-2026-0001",
        document_ref="POL-1",
        scope="s",
        requested_by="a",
        requested_on=dt.date(2026, 1, 1),
        responsible="b",
        valid_from=dt.date(2026, 1, 10),
        valid_until=dt.date(2026, 3, 1),
        funding=Funding(no_extra_cost=True),
        status=DispStatus.CLOSED,
        ended_on=dt.date(2026, 2, 1),
    )
    assert disp.active_on(dt.date(2026, 1, 31))
    assert not disp.active_on(dt.date(2026, 2, 1))
    assert not disp.active_on(dt.date(2026, 1, 9))
