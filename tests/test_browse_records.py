"""Dispensations and questions a page at a time: "my requests", "to decide" and a guardian's
inbox, as the intranet and its API list them (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import day, policy, request
from styrdok.edits import DocumentEdit
from styrdok.errors import InvalidValue, PermissionDenied
from styrdok.model import DispStatus
from styrdok.registry import Registry
from styrdok.store.base import DispensationFilter
from styrdok.usecases.browsing_cases import DispensationPage, QuestionPage

PENDING = {DispStatus.REQUESTED}


def _refs(page: DispensationPage) -> list[str]:
    return [x.ref for x in page.dispensations]


def _texts(page: QuestionPage) -> list[str]:
    return [q.text for q in page.questions]


def test_my_requests_are_mine_as_requester_or_responsible_newest_first(seeded: Registry) -> None:
    """ "My dispensations": those I asked for and those I answer for, the newest first."""
    older = seeded.request_dispensation(request(), actor="requester", on=day(-9)).ref
    for_me = seeded.request_dispensation(
        request(responsible="requester"), actor="outsider", on=day(-3)
    ).ref
    seeded.request_dispensation(request(), actor="outsider", on=day(-1))  # not mine
    seeded.approve_dispensation(older, actor="guardian", on=day(-8))
    mine = seeded.browse_dispensations(person="requester")
    assert _refs(mine) == [for_me, older] and mine.total == 2
    assert _refs(seeded.browse_dispensations(person="requester", statuses=PENDING)) == [for_me]


def test_to_decide_lists_pending_requests_its_guardian_or_approver_may_decide(
    seeded: Registry,
) -> None:
    """ "To decide": requests on my documents that I am not a party to; a decision takes one off."""
    first = seeded.request_dispensation(request(), actor="requester", on=day(-4)).ref
    own = seeded.request_dispensation(
        request(responsible="approver"), actor="requester", on=day(-3)
    ).ref
    third = seeded.request_dispensation(request(), actor="outsider", on=day(-2)).ref
    assert _refs(seeded.browse_dispensations(decider="guardian", statuses=PENDING)) == [
        third,
        own,
        first,
    ]
    assert _refs(seeded.browse_dispensations(decider="approver", statuses=PENDING)) == [
        third,
        first,
    ]
    with pytest.raises(PermissionDenied):  # what the list leaves out, the rule refuses
        seeded.approve_dispensation(own, actor="approver")
    seeded.approve_dispensation(first, actor="approver")
    to_decide = seeded.browse_dispensations(decider="approver", statuses=PENDING)
    assert _refs(to_decide) == [third] and to_decide.total == 1
    assert seeded.browse_dispensations(decider="requester", statuses=PENDING).total == 0
    assert seeded.browse_dispensations(decider="admin").total == 0  # not listed: no right


def test_to_decide_follows_a_new_guardian_and_a_new_approver_at_once(seeded: Registry) -> None:
    """Who decides is read from the document as it stands, so a handover needs no rewrite."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    edit = DocumentEdit(guardian="outsider", dispensation_approvers=("owner",))
    seeded.edit_document("POL-1", edit, actor="admin")
    for person, expected in (("guardian", []), ("approver", []), ("outsider", [ref])):
        assert _refs(seeded.browse_dispensations(decider=person, statuses=PENDING)) == expected
    assert _refs(seeded.browse_dispensations(decider="owner")) == [ref]


def test_dispensations_of_one_document_page_through(seeded: Registry) -> None:
    """A document's dispensations, page by page, each page counting the whole list."""
    seeded.add_document(policy("POL-2"), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-50))
    refs = [
        seeded.request_dispensation(request(), actor="requester", on=day(-n)).ref
        for n in range(5, 0, -1)
    ]
    seeded.request_dispensation(request("POL-2"), actor="requester", on=day(0))
    pages = [seeded.browse_dispensations(document="POL-1", per_page=2, page=n) for n in (1, 2, 3)]
    assert [ref for page in pages for ref in _refs(page)] == refs[::-1]
    assert [(p.total, p.pages, p.beyond) for p in pages] == [(5, 3, False)] * 3
    beyond = seeded.browse_dispensations(document="POL-1", per_page=2, page=4)
    assert beyond.dispensations == () and beyond.beyond and beyond.total == 5
    assert seeded.browse_dispensations(document="NOPE").total == 0  # no such document: none


def test_a_guardians_inbox_holds_questions_on_documents_they_guard_or_own(
    seeded: Registry,
) -> None:
    """The inbox: questions the person may answer; open only leaves out the answered ones."""
    seeded.add_document(policy("POL-2", owner="guardian", guardian="approver"), actor="admin")
    seeded.adopt_document("POL-2", actor="admin", body="KS", on=day(-50))
    answered = seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester", on=day(-9))
    seeded.ask("POL-2", "Vem godkänner?", actor="outsider", on=day(-2))  # guardian owns POL-2
    seeded.ask("POL-1", "Och praktikanter?", actor="outsider", on=day(-1))
    seeded.answer(answered.id or 0, "Ja.", actor="guardian")
    inbox = seeded.browse_questions(answerer="guardian")
    assert _texts(inbox) == ["Och praktikanter?", "Vem godkänner?", "Gäller policyn konsulter?"]
    open_inbox = seeded.browse_questions(answerer="guardian", open_only=True)
    assert _texts(open_inbox) == ["Och praktikanter?", "Vem godkänner?"]
    assert _texts(seeded.browse_questions(answerer="approver")) == ["Vem godkänner?"]
    assert seeded.browse_questions(answerer="outsider").total == 0
    mine = seeded.browse_questions(asked_by="outsider", document="POL-1")
    assert _texts(mine) == ["Och praktikanter?"]


def test_questions_about_a_draft_are_shown_only_to_those_who_work_on_it(
    seeded: Registry,
) -> None:
    """As the draft itself: its owner, guardian and administrators see its questions."""
    seeded.add_document(policy("UTKAST-1", owner="owner", guardian="approver"), actor="owner")
    seeded.ask("UTKAST-1", "Kommer detta gälla skolor?", actor="outsider", on=day(-1))
    seeded.ask("POL-1", "Gäller policyn konsulter?", actor="outsider", on=day(-2))
    for reader, total in (("owner", 2), ("approver", 2), ("admin", 2), ("outsider", 1)):
        page = seeded.browse_questions(reader=seeded.get_person(reader))
        assert page.total == total, reader
    assert _texts(seeded.browse_questions()) == ["Gäller policyn konsulter?"]  # nobody signed in
    inbox = seeded.browse_questions(answerer="owner", reader=seeded.get_person("owner"))
    assert _texts(inbox) == ["Kommer detta gälla skolor?", "Gäller policyn konsulter?"]


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"page": 0}, "page"),
        ({"per_page": 201}, "per_page"),
        ({"statuses": "requested"}, "statuses"),
        ({"statuses": ["pending"]}, "statuses"),
        ({"decider": 7}, "decider"),
    ],
)
def test_wrong_arguments_are_refused_naming_the_parameter(
    seeded: Registry, arguments: dict[str, object], named: str
) -> None:
    """A wrong page, size, status or person is one InvalidValue that names the parameter."""
    with pytest.raises(InvalidValue, match=named):
        seeded.browse_dispensations(**arguments)  # type: ignore[arg-type]


def test_blank_filters_are_not_given(seeded: Registry) -> None:
    """A blank filter from an empty form field filters nothing (as the register's)."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    page = seeded.browse_dispensations(document=" ", person="", decider="", statuses=None)
    assert _refs(page) == [ref]
    seeded.ask("POL-1", "Gäller policyn konsulter?", actor="requester")
    assert seeded.browse_questions(document="", asked_by=" ", answerer="").total == 1


@pytest.mark.parametrize("odd", ["ä", 'a"b', "a\\b"])
def test_a_ref_json_would_escape_is_still_compared_exactly(seeded: Registry, odd: str) -> None:
    """A person ref JSON writes escaped (none today's rules allow) skips the text shortcut."""
    seeded.request_dispensation(request(), actor="requester")
    store = seeded.store
    with store.transaction(write=False):
        assert store.page_dispensations(DispensationFilter(approver=odd), offset=0, limit=9) == (
            [],
            0,
        )
        assert store.page_dispensations(
            DispensationFilter(approver="approver"), offset=0, limit=0
        ) == ([], 1)


def test_a_restored_register_knows_who_decides(seeded: Registry, tmp_path: Path) -> None:
    """The approvers a document's rules name are found after a restore (the bulk path
    keeps the rows the store keeps by hand)."""
    ref = seeded.request_dispensation(request(), actor="requester").ref
    export = io.StringIO()
    seeded.export_json(export)
    with Registry.open(str(tmp_path / "restored.db"), create=True) as restored:
        restored.import_json(io.StringIO(export.getvalue()), actor=None)
        assert _refs(restored.browse_dispensations(decider="approver", statuses=PENDING)) == [ref]
        assert restored.browse_dispensations(decider="requester", statuses=PENDING).total == 0
