"""The storage contract, corrections: what was withdrawn or annulled comes back as stored."""

from __future__ import annotations

import pytest

from styrdok.errors import NotFound
from styrdok.model import Annulment, DispStatus, DocStatus
from styrdok.registry import Registry
from styrdok.testing.contract_data import TODAY, complete_request, day


class CorrectionContract:
    """Withdrawn requests, annulled decisions and annulled versions (a part of
    :class:`~styrdok.testing.contract.StoreContract`)."""

    def test_an_annulled_version_is_kept_and_was_never_in_force(self, seeded: Registry) -> None:
        """``replace_version``: the annulled version keeps its snapshot, gets its mark and
        an empty period; the one before is in force again."""
        seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(-10), minute_ref="§ 9")
        document = seeded.annul_adoption("POL-1", actor="admin", reason="Fel sammanträde")
        assert (document.status, document.version) == (DocStatus.IN_FORCE, 1)
        assert seeded.get_document("POL-1") == document
        first, second = seeded.document_versions("POL-1")
        assert (first.in_force_from, first.in_force_until, first.annulled) == (
            day(-100),
            None,
            None,
        )
        assert (second.in_force_from, second.in_force_until) == (day(-10), day(-10))
        assert second.annulled == Annulment("admin", TODAY, "Fel sammanträde")
        assert second.snapshot.minute_ref == "§ 9"
        assert [(v.document_ref, v.version) for v in seeded.documents_in_force(day(-5))] == [
            ("POL-1", 1)
        ]

    def test_replacing_a_version_that_does_not_exist_is_refused(self, seeded: Registry) -> None:
        """``replace_version`` of a version never stored raises ``NotFound``."""
        [version] = seeded.document_versions("POL-1")
        store = seeded.store
        with store.transaction(), pytest.raises(NotFound):
            store.replace_version(
                type(version)(
                    document_ref="POL-1",
                    version=2,
                    in_force_from=day(-1),
                    in_force_until=None,
                    snapshot=version.snapshot,
                )
            )

    def test_withdrawn_and_annulled_dispensations_come_back_as_stored(
        self, seeded: Registry
    ) -> None:
        """The ``withdrawn`` status, and every annulled decision in order, round-trip."""
        withdrawn = seeded.request_dispensation(complete_request(), actor="requester")
        seeded.withdraw_dispensation(withdrawn.ref, actor="requester", reason="Ånger")
        assert seeded.get_dispensation(withdrawn.ref).status is DispStatus.WITHDRAWN
        assert [d.ref for d in seeded.list_dispensations(status=DispStatus.WITHDRAWN)] == [
            withdrawn.ref
        ]
        ref = seeded.request_dispensation(complete_request(), actor="requester").ref
        seeded.approve_dispensation(ref, actor="guardian")
        once = seeded.annul_dispensation_decision(ref, actor="guardian", reason="Fel ärende")
        seeded.approve_dispensation(ref, actor="approver")
        twice = seeded.annul_dispensation_decision(ref, actor="admin", reason="Fel igen")
        assert seeded.get_dispensation(ref) == twice
        assert [a.annulment.reason for a in twice.annulled] == ["Fel ärende", "Fel igen"]
        assert twice.annulled[0] == once.annulled[0]
        assert [a.decision.by for a in twice.annulled] == ["guardian", "approver"]
