"""The storage contract, opt-outs: what each person muted is kept per person, replaced as a
whole, and read back for many people at once."""

from __future__ import annotations

import io

from styrdok.notify import NoticeKind
from styrdok.registry import Registry


class PreferenceContract:
    """Notice opt-outs (a part of :class:`~styrdok.testing.contract.StoreContract`)."""

    def test_muted_kinds_are_kept_per_person_and_replaced_whole(self, seeded: Registry) -> None:
        """``set_muted`` replaces a person's kinds as a whole (none: the person is left out
        of ``muted_kinds``); ``muted_kinds`` answers for many people at once."""
        store = seeded.store
        with store.transaction(exclusive=False):
            store.set_muted("owner", [NoticeKind.OVERDUE, NoticeKind.REVIEW])
            store.set_muted("guardian", [NoticeKind.QUESTION])
        with store.transaction(write=False):
            assert store.muted_kinds(["owner", "guardian", "outsider"]) == {
                "owner": frozenset({NoticeKind.OVERDUE, NoticeKind.REVIEW}),
                "guardian": frozenset({NoticeKind.QUESTION}),
            }
        with store.transaction(exclusive=False):
            store.set_muted("owner", [NoticeKind.READ])
            store.set_muted("guardian", [])
        with store.transaction(write=False):
            assert store.muted_kinds(["owner", "guardian"]) == {
                "owner": frozenset({NoticeKind.READ})
            }
            assert store.muted_kinds([]) == {}

    def test_opt_outs_are_not_exported(self, seeded: Registry) -> None:
        """A person's opt-outs are their setting, not a record: the export leaves them out."""
        seeded.set_notices("owner", mute=["overdue"], actor="owner")
        out = io.StringIO()
        seeded.export_json(out)
        assert "notice_optout" not in out.getvalue()
        assert '"muted"' not in out.getvalue()
