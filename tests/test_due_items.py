"""What falls due, as embedding code holds it: immutable items read by name, written to JSON
as objects."""

from __future__ import annotations

import json

import pytest

from conftest import day
from styrdok.model import DueItem, DueKind
from styrdok.registry import Registry
from styrdok.serialize import to_data


def test_a_due_item_cannot_be_changed(seeded: Registry) -> None:
    """An item read from the registry cannot drift from it: its fields refuse assignment,
    and a changed copy is a new item."""
    item = seeded.due(today=day(0), within_days=265)[0]
    with pytest.raises(AttributeError):
        item.title = "Annat"  # type: ignore[misc]
    moved = item._replace(days_left=item.days_left + 1)
    assert moved.days_left == item.days_left + 1
    assert seeded.due(today=day(0), within_days=265)[0] == item


def test_a_due_item_is_read_by_name(seeded: Registry) -> None:
    """Every field of an item is there by its name, with its type."""
    items = seeded.due(today=day(0), within_days=265)
    assert items and all(isinstance(i, DueItem) for i in items)
    review = next(i for i in items if i.kind is DueKind.REVIEW)
    assert review.days_left == (review.due_on - day(0)).days
    assert seeded.get_document(review.ref).owner == review.person
    assert review._fields == (
        "kind", "ref", "title", "due_on", "days_left", "person", "status"
    )  # fmt: skip


def test_a_due_item_is_written_as_an_object_with_its_field_names(seeded: Registry) -> None:
    """The API and every JSON writer give an item as an object, as they always did — not as
    an array of its values."""
    item = seeded.due(today=day(0), within_days=265)[0]
    data = json.loads(json.dumps(to_data([item])))
    assert data == [
        {
            "kind": item.kind.value,
            "ref": item.ref,
            "title": item.title,
            "due_on": item.due_on.isoformat(),
            "days_left": item.days_left,
            "person": item.person,
            "status": item.status,
        }
    ]
