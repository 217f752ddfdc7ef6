"""The storage contract, the register's own secrets: kept by name, the first value wins,
never exported; and a confirmation link made on a backend confirms on it."""

from __future__ import annotations

import io

import pytest

from styrdok.confirm_links import KEY_NAME
from styrdok.enums import AckChannel
from styrdok.errors import PermissionDenied
from styrdok.registry import Registry


class SecretContract:
    """The register's secrets (a part of :class:`~styrdok.testing.contract.StoreContract`)."""

    def test_a_secret_is_kept_by_name_and_the_first_value_wins(self, seeded: Registry) -> None:
        """``add_secret`` keeps a value under a new name and returns it; a second value for
        the same name is not kept — the first is returned, in that transaction and later."""
        store = seeded.store
        with store.transaction(write=False):
            assert store.get_secret("first") is None
        with store.transaction(exclusive=False):
            assert store.add_secret("first", "a" * 64) == "a" * 64
        with store.transaction(exclusive=False):
            assert store.add_secret("first", "b" * 64) == "a" * 64
            assert store.add_secret("second", "c" * 64) == "c" * 64
        with store.transaction(write=False):
            assert store.get_secret("first") == "a" * 64
            assert store.get_secret("second") == "c" * 64
            assert store.get_secret("FIRST") is None

    def test_a_secret_added_in_a_transaction_rolled_back_is_not_kept(
        self, seeded: Registry
    ) -> None:
        """A secret is kept with the transaction that added it, or not at all."""
        store = seeded.store

        def add_then_fail() -> None:
            with store.transaction(exclusive=False):
                store.add_secret("gone", "d" * 64)
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError, match="rolled back"):
            add_then_fail()
        with store.transaction(write=False):
            assert store.get_secret("gone") is None

    def test_the_link_key_is_not_exported(self, seeded: Registry) -> None:
        """The key confirmation links are signed with never leaves the register."""
        seeded.confirmation_link("owner", "POL-1", 1)
        with seeded.store.transaction(write=False):
            key = seeded.store.get_secret(KEY_NAME)
        assert key is not None
        out = io.StringIO()
        seeded.export_json(out)
        assert key not in out.getvalue() and KEY_NAME not in out.getvalue()

    def test_a_confirmation_link_confirms_once_on_this_backend(self, seeded: Registry) -> None:
        """Make a link → show it → confirm through it (channel ``email``) → again: the same
        confirmation, nothing written twice; a link for someone else is someone else's."""
        token = seeded.confirmation_link("guardian", "POL-1", 1)
        person, document, version, ack = seeded.confirmation_by_link(token)
        assert (person.ref, document.ref, version, ack) == ("guardian", "POL-1", 1, None)
        first = seeded.acknowledge_by_link(token)
        assert (first.person, first.version, first.channel) == ("guardian", 1, AckChannel.EMAIL)
        assert seeded.acknowledge_by_link(token) == first
        assert seeded.confirmation_by_link(token)[3] == first
        assert seeded.acknowledgement_of("owner", "POL-1", versions=(1, 1)) is None
        with pytest.raises(PermissionDenied):
            seeded.acknowledge_by_link(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
