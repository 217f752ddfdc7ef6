"""The storage contract, personal API tokens: kept exactly as given (the digest, the times
to the microsecond), found by id, listed in one order, marked used once a day."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from styrdok.errors import AlreadyExists, PermissionDenied
from styrdok.registry import Registry
from styrdok.testing.contract_data import NOW, TODAY, day
from styrdok.tokens import ApiToken


def _token(token_id: str, person: str = "owner", **changes: object) -> ApiToken:
    fields: dict[str, object] = {
        "id": token_id,
        "person": person,
        "name": "Sitevision-sidan",
        "digest": "ab" * 32,
        "created_at": NOW,
        "expires_on": day(90),
    }
    fields.update(changes)
    return ApiToken(**fields)  # type: ignore[arg-type]


class TokenContract:
    """Personal API tokens (a part of :class:`~styrdok.testing.contract.StoreContract`)."""

    def test_tokens_are_stored_as_given_and_listed_in_order(self, seeded: Registry) -> None:
        """A token comes back exactly as stored — digest, creation time to the microsecond
        in UTC, dates — found by its id only; lists are by person, then creation time, then
        id, all or one person's."""
        later = NOW + dt.timedelta(seconds=1, microseconds=7)
        stored = [
            _token("00000000000b", created_at=later),
            _token("00000000000a", created_at=later, name="Skript för rapporter"),
            _token("0000000000ff", person="admin", last_used_on=day(-1)),
            _token("0000000000c0", created_at=NOW + dt.timedelta(microseconds=1)),
        ]
        store = seeded.store
        with store.transaction():
            for token in stored:
                store.insert_token(token)
        with store.transaction(write=False):
            assert store.get_token("00000000000a") == stored[1]
            assert store.get_token("0000000000ff") == stored[2]
            assert store.get_token("00000000000A") is None
            assert store.get_token("000000000000") is None
            assert [t.id for t in store.list_tokens()] == [
                "0000000000ff",
                "0000000000c0",
                "00000000000a",
                "00000000000b",
            ]
            assert store.list_tokens("owner") == [stored[3], stored[1], stored[0]]
            assert store.list_tokens("nobody") == []
            found = store.get_token("00000000000b")
        assert found is not None and found.created_at == later
        assert found.created_at.utcoffset() == dt.timedelta(0)

    def test_a_duplicate_token_id_is_refused(self, seeded: Registry) -> None:
        """A second token with a taken id is refused by the store; the first stays."""
        store = seeded.store
        with store.transaction():
            store.insert_token(_token("0123456789ab"))
        with pytest.raises(AlreadyExists), store.transaction():
            store.insert_token(_token("0123456789ab", name="Igen"))
        with store.transaction(write=False):
            assert [t.name for t in store.list_tokens()] == ["Sitevision-sidan"]

    def test_a_revoked_token_is_replaced_in_place(self, seeded: Registry) -> None:
        """``replace_token`` stores the revocation (its time to the microsecond) under
        the token's id and leaves the other tokens as they were."""
        store = seeded.store
        with store.transaction():
            store.insert_token(_token("0123456789ab"))
            store.insert_token(_token("ba9876543210"))
        revoked = attrs.evolve(
            _token("0123456789ab"), revoked_at=NOW + dt.timedelta(hours=2, microseconds=5)
        )
        with store.transaction():
            store.replace_token(revoked)
        with store.transaction(write=False):
            assert store.get_token("0123456789ab") == revoked
            assert store.get_token("ba9876543210") == _token("ba9876543210")

    def test_a_token_is_marked_used_once_a_day_and_never_backwards(self, seeded: Registry) -> None:
        """``mark_token_used`` records the day; the same or an earlier day changes
        nothing, a later one moves it on; an unknown id is no error."""
        store = seeded.store
        with store.transaction():
            store.insert_token(_token("0123456789ab"))
        for on, expected in ((TODAY, TODAY), (day(-3), TODAY), (TODAY, TODAY), (day(2), day(2))):
            with store.transaction(exclusive=False):
                store.mark_token_used("0123456789ab", on)
                store.mark_token_used("000000000000", on)
            with store.transaction(write=False):
                token = store.get_token("0123456789ab")
            assert token == _token("0123456789ab", last_used_on=expected)

    def test_a_token_created_through_the_registry_opens_the_api(self, seeded: Registry) -> None:
        """Create → authenticate → revoke on this backend: the secret opens the token's
        person, is recorded as used today, and is refused once the token is revoked."""
        token, secret = seeded.create_token("owner", name="Sitevision-sidan", actor="owner")
        assert seeded.authenticate_token(secret).ref == "owner"
        assert seeded.list_tokens(person="owner") == [attrs.evolve(token, last_used_on=TODAY)]
        seeded.revoke_token(token.id, actor="admin")
        with pytest.raises(PermissionDenied, match=f"^API token {token.id} was revoked$"):
            seeded.authenticate_token(secret)
