"""Opting out of a kind of notice (issue 16, item 1): the reminder run leaves out what a
person muted — never a decision about a request — only they or an administrator change it,
it is audited, and it goes with them when they are anonymised."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from conftest import day, request
from styrdok.errors import InvalidValue, PermissionDenied, RuleViolation
from styrdok.notify import NoticeKind
from styrdok.registry import Registry
from test_reminders import Recorder, remind


def _kinds_for(channel: Recorder, person: str) -> set[str]:
    return {kind for _day, recipient, kind, _ref in channel.seen() if recipient == person}


def test_a_muted_kind_is_left_out_and_others_still_come(seeded: Registry) -> None:
    """The guardian mutes new requests: the approver still hears of one, the guardian does
    not; the requester, who muted decisions' neighbours, still hears the decision."""
    seeded.set_notices("guardian", mute=["request"], actor="guardian")
    ref = seeded.request_dispensation(request(), actor="requester").ref
    channel = Recorder()
    remind(seeded, day(0), channel)
    assert _kinds_for(channel, "approver") == {"request"}
    assert "request" not in _kinds_for(channel, "guardian")
    seeded.set_notices("requester", mute=["answer", "question"], actor="requester")
    seeded.approve_dispensation(ref, actor="approver")
    remind(seeded, day(1), channel)
    assert "decision" in _kinds_for(channel, "requester")


def test_opting_back_in_brings_what_is_due_then(seeded: Registry) -> None:
    """Nothing muted is kept in the ledger: opting back in, a request still waiting is
    told at the next run, once."""
    seeded.set_notices("guardian", mute=[NoticeKind.REQUEST], actor="guardian")
    seeded.request_dispensation(request(), actor="requester")
    channel = Recorder()
    remind(seeded, day(0), channel)
    assert "request" not in _kinds_for(channel, "guardian")
    assert seeded.set_notices("guardian", unmute=["request"], actor="guardian") == frozenset()
    remind(seeded, day(1), channel)
    remind(seeded, day(2), channel)
    told = [s for s in channel.seen() if s[1] == "guardian" and s[2] == "request"]
    assert len(told) == 1


def test_decisions_cannot_be_muted(seeded: Registry) -> None:
    with pytest.raises(RuleViolation, match="cannot be muted"):
        seeded.set_notices("requester", mute=["decision", "answer"], actor="requester")
    assert seeded.muted_notices("requester") == frozenset()


def test_only_the_person_or_an_administrator_changes_it(seeded: Registry) -> None:
    with pytest.raises(PermissionDenied):
        seeded.set_notices("guardian", mute=["overdue"], actor="outsider")
    assert seeded.muted_notices("guardian") == frozenset()
    muted = seeded.set_notices("guardian", mute=["overdue"], actor="admin")
    assert muted == {NoticeKind.OVERDUE} == seeded.muted_notices("guardian")


def test_a_change_is_audited_and_no_change_writes_nothing(seeded: Registry) -> None:
    seeded.set_notices("owner", mute=["review", "overdue"], actor="owner")
    seeded.set_notices("owner", mute=["review"], actor="owner")  # already muted
    events = [e for e in seeded.audit_events() if e.action == "person.notices"]
    assert len(events) == 1
    assert events[0].after == {"muted": ["overdue", "review"]}


def test_an_unknown_kind_or_both_ways_is_refused(seeded: Registry) -> None:
    with pytest.raises(InvalidValue, match="unknown kind of notice 'reviews'"):
        seeded.set_notices("owner", mute=["reviews"], actor="owner")
    with pytest.raises(InvalidValue, match="both muted and unmuted"):
        seeded.set_notices("owner", mute=["review"], unmute=["review"], actor="owner")


def test_anonymising_a_person_clears_what_they_muted(seeded: Registry) -> None:
    seeded.set_notices("outsider", mute=["read"], actor="outsider")
    anonymous = seeded.anonymise_person("outsider", actor="admin")
    assert seeded.muted_notices(anonymous.ref) == frozenset()
    assert seeded.verify_audit().broken is None


def test_the_command_lists_and_changes_them(seeded: Registry, cli: Callable[..., Result]) -> None:
    changed = cli(
        "--lang",
        "en",
        "--as",
        "owner",
        "--format",
        "json",
        "person",
        "notices",
        "owner",
        "--mute",
        "overdue",
    )
    assert changed.exit_code == 0, changed.output
    rows = {row["kind"]: row["muted"] for row in json.loads(changed.stdout)}
    assert rows["overdue"] is True and rows["review"] is False and rows["decision"] == "-"
    refused = cli(
        "--lang", "en", "--as", "owner", "person", "notices", "owner", "--mute", "decision"
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: decisions about a request are always told")
    assert seeded.muted_notices("owner") == {NoticeKind.OVERDUE}
