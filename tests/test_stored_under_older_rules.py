"""A register stays readable after an upgrade that tightened a rule: what an earlier styrdok
stored is kept as it was, while every new value meets today's rules."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from styrdok import InvalidValue
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise


def _store_as_an_older_styrdok_would(registry: Registry, statement: str, **values: object) -> None:
    with registry.store.transaction():
        registry.store.conn.execute(sa.text(statement), values)  # type: ignore[attr-defined]


def test_values_an_earlier_rule_allowed_are_still_read(seeded: Registry) -> None:
    """A soft hyphen in a name, an address with a comma and a far-future end date — all
    refused for new input today — still read, list and export."""
    _store_as_an_older_styrdok_would(
        seeded,
        "UPDATE person SET name = :name, email = :email WHERE ref = 'owner'",
        name="Ol\u00adle Ägare",
        email="olle@kommun.se,evil@example.com",
    )
    _store_as_an_older_styrdok_would(
        seeded, "UPDATE document SET valid_until = :day WHERE ref = 'POL-1'", day="9999-12-31"
    )
    owner = seeded.get_person("owner")
    assert owner.name == "Ol\u00adle Ägare" and owner.email == "olle@kommun.se,evil@example.com"
    assert str(seeded.get_document("POL-1").valid_until) == "9999-12-31"
    assert "owner" in [p.ref for p in seeded.list_persons()]


def test_new_values_still_meet_todays_rules(seeded: Registry) -> None:
    """Reading leniently never lets a new value through: an edit that brings an invisible
    character is refused by name."""
    _store_as_an_older_styrdok_would(
        seeded, "UPDATE person SET name = :name WHERE ref = 'owner'", name="Ol\u00adle"
    )
    with pytest.raises(InvalidValue, match=r"^title: .*invisible character U\+200B"):
        seeded.edit_document("POL-1", {"title": "Pol\u200bicy"}, actor="owner")


def test_an_old_value_is_kept_through_unrelated_changes_and_the_lapse(seeded: Registry) -> None:
    """An edit of another field, and the automatic lapse, keep an old value as stored."""
    import datetime as dt

    from styrdok.enums import DocStatus

    _store_as_an_older_styrdok_would(
        seeded, "UPDATE document SET title = :title WHERE ref = 'POL-1'", title="Pol\u00adicy"
    )
    edited = revise(
        seeded,
        "POL-1",
        {"purpose": "Skydda informationen", "valid_until": dt.date(2026, 6, 30)},
        actor="owner",
    )
    assert edited.title == "Pol\u00adicy"
    assert seeded.expire(today=dt.date(2026, 7, 1)) == ["POL-1"]
    assert seeded.get_document("POL-1").status is DocStatus.LAPSED
