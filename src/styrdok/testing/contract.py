"""The storage contract: the tests every styrdok storage backend must pass.

Use it from your backend's tests::

    from styrdok.testing.contract import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store_factory(self, tmp_path):
            counter = itertools.count()
            return lambda: MyStore.create(tmp_path / f"store{next(counter)}")

``store_factory()`` must return a new, initialised, empty store each time it is called.
The tests drive the store through the public :class:`~styrdok.registry.Registry` — the
way styrdok uses it — and call the queries, the audit log and the outbox ledger directly,
as the use cases and the reminder job do.
"""

from __future__ import annotations

import pytest

from styrdok.model import (
    Body,
    Person,
)
from styrdok.registry import Registry
from styrdok.testing.contract_attachments import AttachmentContract
from styrdok.testing.contract_audit import AuditContract
from styrdok.testing.contract_browse import BrowseContract
from styrdok.testing.contract_browse_records import RecordBrowseContract
from styrdok.testing.contract_corrections import CorrectionContract
from styrdok.testing.contract_data import NOW, StoreFactory, complete_document, day
from styrdok.testing.contract_organisation import OrganisationContract
from styrdok.testing.contract_outbox import OutboxContract
from styrdok.testing.contract_preferences import PreferenceContract
from styrdok.testing.contract_queries import QueryContract
from styrdok.testing.contract_records import RecordContract
from styrdok.testing.contract_report import ReportContract
from styrdok.testing.contract_search import SearchContract
from styrdok.testing.contract_secrets import SecretContract
from styrdok.testing.contract_steps import StepContract
from styrdok.testing.contract_tokens import TokenContract


class StoreContract(
    RecordContract,
    ReportContract,
    QueryContract,
    BrowseContract,
    RecordBrowseContract,
    SearchContract,
    AttachmentContract,
    AuditContract,
    CorrectionContract,
    OutboxContract,
    OrganisationContract,
    StepContract,
    TokenContract,
    SecretContract,
    PreferenceContract,
):
    """Subclass and provide ``store_factory``; every test here then runs on your store."""

    @pytest.fixture
    def store_factory(self) -> StoreFactory:  # pragma: no cover - the subclass provides it
        """Your backend's fixture (override it): a callable returning a new, initialised,
        empty store each time it is called."""
        raise NotImplementedError("provide a store_factory fixture")

    @pytest.fixture
    def registry(self, store_factory: StoreFactory) -> Registry:
        """A registry over a fresh store, on the contract's fixed clock, handing no events
        to plugins."""
        return Registry(store_factory(), clock=lambda: NOW, events=False)

    @pytest.fixture
    def seeded(self, registry: Registry) -> Registry:
        """The registry with six people (``admin`` an administrator), the body ``KS`` and
        ``POL-1`` in force, adopted by ``KS`` 100 days ago."""
        registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
        for ref in ("owner", "guardian", "approver", "requester", "responsible"):
            registry.add_person(Person(ref, ref.title(), email=f"{ref}@example.se"), actor="admin")
        registry.add_body(
            Body("KS", "Kommunstyrelsen", "executive_board", contact="admin"), actor="admin"
        )
        registry.add_document(complete_document(), actor="owner")
        registry.adopt_document("POL-1", actor="owner", body="KS", on=day(-100))
        return registry
