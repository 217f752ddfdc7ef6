"""A page's total is always the number of records there are now: SQLite's store remembers
the counts of its lists while the database is unchanged, and must forget them the moment
anyone — another process, another connection, or the same registry — writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import NOW, day, policy, request
from styrdok.registry import Registry


@pytest.fixture
def other(seeded: Registry, db_url: str) -> Iterator[Registry]:
    """A second registry on the same database: another process, as far as the first knows."""
    reg = Registry.open(db_url, clock=lambda: NOW)
    yield reg
    reg.close()


def _adopt(registry: Registry, ref: str) -> None:
    registry.add_document(policy(ref, title=f"Policy {ref}"), actor="owner")
    registry.adopt_document(ref, actor="owner", body="KS", on=day(-10), minute_ref="§ 2")


def test_a_document_adopted_elsewhere_is_counted_at_once(seeded: Registry, other: Registry) -> None:
    """Counted once, then a document adopted through another connection: the next page's
    total includes it."""
    assert seeded.browse_documents().total == 1
    _adopt(other, "POL-2")
    page = seeded.browse_documents()
    assert page.total == 2 and [d.ref for d in page.documents] == ["POL-1", "POL-2"]


def test_the_registrys_own_writes_are_counted_at_once(seeded: Registry) -> None:
    """The same registry counts, writes, and counts again: its own write is counted."""
    assert seeded.browse_documents().total == 1
    _adopt(seeded, "POL-2")
    assert seeded.browse_documents().total == 2
    seeded.repeal_document("POL-2", actor="owner", on=day(-1))
    assert seeded.browse_documents().total == 1


def test_a_request_made_elsewhere_is_counted_in_every_list(
    seeded: Registry, other: Registry
) -> None:
    """Dispensations and what falls due are counted anew after another connection's write."""
    assert seeded.browse_dispensations().total == 0
    due_before = seeded.due_page(within_days=400).total
    ref = other.request_dispensation(request(), actor="requester").ref
    other.approve_dispensation(ref, actor="guardian")
    assert seeded.browse_dispensations().total == 1
    assert seeded.due_page(within_days=400).total == due_before + 1


def test_a_question_asked_elsewhere_is_counted(seeded: Registry, other: Registry) -> None:
    """A guardian's inbox counts a question asked through another connection."""
    assert seeded.browse_questions(answerer="guardian", reader=None).total == 0
    other.ask("POL-1", "Gäller det här vikarier?", actor="requester")
    assert seeded.browse_questions(answerer="guardian", reader=None).total == 1
