"""The storage contract, pages of dispensations and questions: a filtered count and one page,
newest first on every backend; "to decide" exactly as :func:`styrdok.rules.require_decider`
decides, a guardian's inbox exactly as :func:`styrdok.rules.may_answer` answers, and never
a question about a draft for someone who may not see it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest

from styrdok import rules
from styrdok.errors import InvalidValue, PermissionDenied
from styrdok.model import (
    Dispensation,
    DispensationRules,
    DispStatus,
    DocStatus,
    Person,
    Question,
)
from styrdok.registry import Registry
from styrdok.store.base import DispensationFilter, QuestionFilter
from styrdok.testing.contract_data import complete_document, complete_request, day
from styrdok.usecases.browsing_cases import DispensationPage, QuestionPage

#: Documents besides the seeded POL-1 (guardian ``guardian``, approver ``approver``): ref,
#: owner, guardian, listed approvers, and whether it is adopted.
DOCUMENTS = (
    ("POL-2", "owner", "approver", ("owner", "requester"), True),
    ("POL-3", "guardian", "responsible", (), True),
    ("DRAFT-1", "responsible", "approver", (), False),
)

#: Dispensations: who requests, who is responsible, from which document, on which day,
#: and what then becomes of it (decided by whom).
REQUESTS = (
    ("requester", "responsible", "POL-1", day(-70), ("approve", "approver")),  # last year
    ("requester", "responsible", "POL-1", day(-20), None),
    ("approver", "requester", "POL-1", day(-20), None),  # the approver is a party
    ("guardian", "responsible", "POL-1", day(-10), None),  # the guardian is a party
    ("responsible", "approver", "POL-2", day(-10), None),  # POL-2's guardian is a party
    ("requester", "guardian", "POL-2", day(-5), ("reject", "approver")),
    ("requester", "guardian", "POL-2", day(-5), None),  # a listed approver is a party
    ("owner", "owner", "POL-3", day(-5), ("reject", "responsible")),
    ("requester", "responsible", "POL-3", day(0), None),  # its only decider is a party
    ("requester", "owner", "POL-3", day(0), ("withdraw", "requester")),
)

#: Questions: who asks about which document on which day, and who answers.
QUESTIONS = (
    ("requester", "POL-1", day(-30), "guardian"),
    ("responsible", "POL-1", day(-10), None),
    ("requester", "POL-1", day(-10), None),  # the same day: the later one first
    ("approver", "POL-3", day(-5), "guardian"),  # the owner answers
    ("owner", "DRAFT-1", day(-3), None),  # about a draft
    ("requester", "POL-2", day(-1), None),
)

#: Everyone the checks are made for; ``approve`` is a prefix of ``approver``.
PEOPLE = ("admin", "owner", "guardian", "approver", "approve", "requester", "responsible")

T = TypeVar("T")


def _build(registry: Registry) -> Registry:
    registry.add_person(Person("approve", "Approve"), actor="admin")
    for ref, owner, guardian, approvers, adopted in DOCUMENTS:
        terms = DispensationRules(
            allowed=True, approvers=approvers, max_duration_days=180, max_renewals=1
        )
        registry.add_document(
            complete_document(ref, owner=owner, guardian=guardian, dispensation_rules=terms),
            actor="admin",
        )
        if adopted:
            registry.adopt_document(ref, actor="admin", body="KS", on=day(-100))
    for requester, responsible, document, on, fate in REQUESTS:
        request = complete_request(document_ref=document, responsible=responsible)
        ref = registry.request_dispensation(request, actor=requester, on=on).ref
        if fate is None:
            continue
        action, actor = fate
        if action == "approve":
            registry.approve_dispensation(ref, actor=actor, on=on + dt.timedelta(days=1))
        elif action == "reject":
            registry.reject_dispensation(ref, actor=actor, reasoning="Nej.", on=on)
        else:
            registry.withdraw_dispensation(ref, actor=actor)
    for asker, document, on, answerer in QUESTIONS:
        question = registry.ask(document, f"Fråga från {asker} {on}?", actor=asker, on=on)
        if answerer is not None:
            registry.answer(question.id or 0, "Svar.", actor=answerer, on=day(0))
    return registry


def _walk(fetch: Callable[[int], tuple[Iterable[T], int]], expected_total: int) -> list[T]:
    """Every page one after another (each counting ``expected_total``) until an empty one."""
    found: list[T] = []
    number = 1
    while True:
        rows, total = fetch(number)
        assert total == expected_total, (number, total, expected_total)
        if not (page := list(rows)):
            return found
        found += page
        number += 1


def _may_decide(registry: Registry, person: str, dispensation: Dispensation) -> bool:
    """What :func:`rules.require_decider` says."""
    actor = registry.get_person(person)
    document = registry.get_document(dispensation.document_ref)
    try:
        rules.require_decider(actor, document, dispensation)
    except PermissionDenied:
        return False
    return True


def _newest_dispensations(found: Iterable[Dispensation]) -> list[str]:
    return [x.ref for x in sorted(found, key=lambda x: (x.requested_on, x.ref), reverse=True)]


def _newest_questions(found: Iterable[Question]) -> list[int | None]:
    return [q.id for q in sorted(found, key=lambda q: (q.asked_on, q.id or 0), reverse=True)]


def _disp_refs(page: DispensationPage) -> list[str]:
    return [x.ref for x in page.dispensations]


def _question_ids(page: QuestionPage) -> list[int | None]:
    return [q.id for q in page.questions]


class RecordBrowseContract:
    """Pages of dispensations and questions (a part of :class:`StoreContract`)."""

    @pytest.fixture
    def paged_records(self, seeded: Registry) -> Registry:
        """The seeded register with :data:`DOCUMENTS`, :data:`REQUESTS` and :data:`QUESTIONS`."""
        return _build(seeded)

    def _dispensations(self, registry: Registry) -> list[Dispensation]:
        return registry.list_dispensations()

    def test_dispensations_page_newest_first_and_count_every_one(
        self, paged_records: Registry
    ) -> None:
        """Pages follow each other newest first (the same day: the higher ref first)."""
        everything = self._dispensations(paged_records)
        expected = _newest_dispensations(everything)
        assert len(expected) == len(REQUESTS)

        def fetch(number: int) -> tuple[list[str], int]:
            page = paged_records.browse_dispensations(per_page=3, page=number)
            assert (page.page, page.per_page, page.pages) == (number, 3, 4)
            return _disp_refs(page), page.total

        assert _walk(fetch, len(expected)) == expected
        assert expected[-1].startswith("D-2025-")  # last year's request is the oldest

    @pytest.mark.parametrize("person", PEOPLE)
    @pytest.mark.parametrize("pending", [False, True])
    def test_to_decide_is_what_the_decider_rule_allows(
        self, paged_records: Registry, person: str, pending: bool
    ) -> None:
        """A person's list to decide holds exactly the dispensations :func:`rules.require_decider`
        lets them decide: their documents' (as guardian or listed approver), not their own."""
        statuses = {DispStatus.REQUESTED} if pending else None
        expected = _newest_dispensations(
            x
            for x in self._dispensations(paged_records)
            if _may_decide(paged_records, person, x) and (statuses is None or x.status in statuses)
        )

        def fetch(number: int) -> tuple[list[str], int]:
            page = paged_records.browse_dispensations(
                decider=person, statuses=statuses, per_page=2, page=number
            )
            return _disp_refs(page), page.total

        assert _walk(fetch, len(expected)) == expected

    def test_to_decide_spot_checks(self, paged_records: Registry) -> None:
        """Separation of duties and listed approvers, named: who decides which request."""
        pending = {DispStatus.REQUESTED}
        by_ref = {x.ref: x for x in self._dispensations(paged_records)}

        def deciding(person: str) -> set[tuple[str, str, str]]:
            page = paged_records.browse_dispensations(decider=person, statuses=pending)
            return {
                (by_ref[r].document_ref, by_ref[r].requested_by, by_ref[r].responsible)
                for r in _disp_refs(page)
            }

        assert deciding("approver") == {
            ("POL-1", "requester", "responsible"),
            ("POL-1", "guardian", "responsible"),  # not the guardian: a party
            ("POL-2", "requester", "guardian"),  # POL-2's guardian
        }
        assert deciding("requester") == {("POL-2", "responsible", "approver")}  # listed
        assert deciding("owner") == {  # listed second on POL-2, owner of all
            ("POL-2", "responsible", "approver"),
            ("POL-2", "requester", "guardian"),
        }
        assert deciding("approve") == set()  # a prefix of a listed ref lists nobody
        assert deciding("admin") == set()  # administrators decide only if listed
        assert deciding("responsible") == set()  # POL-3's guardian, a party to both

    @pytest.mark.parametrize("person", PEOPLE)
    def test_my_dispensations_are_those_i_requested_or_am_responsible_for(
        self, paged_records: Registry, person: str
    ) -> None:
        """A person's own list: requested by them or theirs to answer for, any status."""
        expected = _newest_dispensations(
            x
            for x in self._dispensations(paged_records)
            if person in (x.requested_by, x.responsible)
        )
        page = paged_records.browse_dispensations(person=person, per_page=200)
        assert (_disp_refs(page), page.total) == (expected, len(expected))

    def test_dispensation_filters_combine(self, paged_records: Registry) -> None:
        """Document, statuses, person and decider together: every criterion holds."""
        everything = self._dispensations(paged_records)
        statuses = [None, {DispStatus.REQUESTED}, {DispStatus.REJECTED, DispStatus.WITHDRAWN}]
        for document, wanted, person, decider in itertools.product(
            [None, "POL-1", "POL-2", "NOPE"], statuses, [None, "requester"], [None, "approver"]
        ):
            expected = _newest_dispensations(
                x
                for x in everything
                if (document is None or x.document_ref == document)
                and (wanted is None or x.status in wanted)
                and (person is None or person in (x.requested_by, x.responsible))
                and (decider is None or _may_decide(paged_records, decider, x))
            )
            page = paged_records.browse_dispensations(
                document=document, statuses=wanted, person=person, decider=decider, per_page=200
            )
            case = (document, wanted, person, decider)
            assert (_disp_refs(page), page.total) == (expected, len(expected)), case

    def test_statuses_as_codes_none_or_wrong(self, paged_records: Registry) -> None:
        """Codes are taken for statuses; no status finds nothing; a wrong one is refused."""
        by_code = paged_records.browse_dispensations(statuses=["requested"], per_page=200)  # type: ignore[list-item]
        by_member = paged_records.browse_dispensations(
            statuses=(DispStatus.REQUESTED,), per_page=200
        )
        assert by_code == by_member and by_code.total == 6
        nothing = paged_records.browse_dispensations(statuses=set())
        assert (nothing.dispensations, nothing.total, nothing.pages) == ((), 0, 1)
        with pytest.raises(InvalidValue, match="statuses"):
            paged_records.browse_dispensations(statuses=["pending"])  # type: ignore[list-item]
        with pytest.raises(InvalidValue, match="statuses"):
            paged_records.browse_dispensations(statuses="requested")  # type: ignore[arg-type]

    @pytest.mark.parametrize("person", [None, *PEOPLE])
    @pytest.mark.parametrize("open_only", [False, True])
    def test_a_guardians_inbox_is_what_may_answer_allows(
        self, paged_records: Registry, person: str | None, open_only: bool
    ) -> None:
        """Questions about documents the person may answer (:func:`rules.may_answer`), for
        a reader who is that person: drafts they manage included."""
        reader = paged_records.get_person(person) if person else None
        documents = {d.ref: d for d in paged_records.list_documents()}
        expected = _newest_questions(
            q
            for q in paged_records.questions()
            if (person is None or rules.may_answer(person, documents[q.document_ref]))
            and rules.may_see_draft(reader, documents[q.document_ref])
            and (not open_only or q.answer is None)
        )

        def fetch(number: int) -> tuple[list[int | None], int]:
            page = paged_records.browse_questions(
                answerer=person, open_only=open_only, reader=reader, per_page=2, page=number
            )
            return _question_ids(page), page.total

        assert _walk(fetch, len(expected)) == expected

    @pytest.mark.parametrize("reader_ref", [None, *PEOPLE])
    def test_questions_about_a_draft_only_for_those_who_may_see_it(
        self, paged_records: Registry, reader_ref: str | None
    ) -> None:
        """A question about a draft is on no page and in no count of a reader
        :func:`rules.may_see_draft` denies the draft to."""
        reader = paged_records.get_person(reader_ref) if reader_ref else None
        documents = {d.ref: d for d in paged_records.list_documents()}
        expected = _newest_questions(
            q
            for q in paged_records.questions()
            if rules.may_see_draft(reader, documents[q.document_ref])
        )
        page = paged_records.browse_questions(reader=reader, per_page=200)
        assert (_question_ids(page), page.total) == (expected, len(expected))
        sees_draft = reader_ref in ("admin", "responsible", "approver")  # admin, owner, guardian
        assert (page.total == len(QUESTIONS)) is sees_draft

    def test_question_filters_combine(self, paged_records: Registry) -> None:
        """Document, asker, answerer and open-only together: every criterion holds."""
        admin = paged_records.get_person("admin")
        everything = paged_records.questions()
        documents = {d.ref: d for d in paged_records.list_documents()}
        for document, asker, answerer, open_only in itertools.product(
            [None, "POL-1", "DRAFT-1", "NOPE"],
            [None, "requester", "owner"],
            [None, "guardian", "approver"],
            [False, True],
        ):
            expected = _newest_questions(
                q
                for q in everything
                if (document is None or q.document_ref == document)
                and (asker is None or q.asked_by == asker)
                and (answerer is None or rules.may_answer(answerer, documents[q.document_ref]))
                and (not open_only or q.answer is None)
            )
            page = paged_records.browse_questions(
                document=document,
                asked_by=asker,
                answerer=answerer,
                open_only=open_only,
                reader=admin,
                per_page=200,
            )
            case = (document, asker, answerer, open_only)
            assert (_question_ids(page), page.total) == (expected, len(expected)), case

    def test_a_record_page_after_the_last_is_empty_and_still_counts(
        self, paged_records: Registry
    ) -> None:
        """A page after the last holds nothing, says it is beyond, and still counts the list."""
        dispensations = paged_records.browse_dispensations(per_page=4, page=9)
        assert dispensations.dispensations == () and dispensations.beyond
        assert (dispensations.total, dispensations.pages) == (len(REQUESTS), 3)
        questions = paged_records.browse_questions(per_page=200, page=2)
        assert questions.questions == () and questions.beyond
        assert (questions.total, questions.pages) == (len(QUESTIONS) - 1, 1)  # not the draft's
        last = paged_records.browse_dispensations(per_page=4, page=3)
        assert len(last.dispensations) == len(REQUESTS) - 8 and not last.beyond

    @pytest.mark.parametrize(("page", "per_page"), [(0, 10), (-1, 10), (1, 0), (1, 201)])
    @pytest.mark.parametrize("method", ["browse_dispensations", "browse_questions"])
    def test_a_record_page_number_or_size_out_of_range_is_refused(
        self, paged_records: Registry, method: str, page: int, per_page: int
    ) -> None:
        """Page 0 or less, and a page size outside 1 to 200, are refused naming the parameter."""
        browse: Callable[..., Any] = getattr(paged_records, method)
        with pytest.raises(InvalidValue, match="page"):
            browse(page=page, per_page=per_page)

    def test_the_store_reads_each_criterion_alone(self, paged_records: Registry) -> None:
        """The store's criteria one at a time, and a page of nothing that still counts."""
        store = paged_records.store
        with store.transaction(write=False):
            everything = store.list_dispensations()
            listed, total = store.page_dispensations(
                DispensationFilter(approver="requester"), offset=0, limit=50
            )
            assert total == len(listed) == 3  # POL-2's, whoever asked
            assert {x.document_ref for x in listed} == {"POL-2"}
            others, total = store.page_dispensations(
                DispensationFilter(not_party="requester"), offset=1, limit=50
            )
            parties = [(x.requested_by, x.responsible) for x in everything]
            assert total == sum("requester" not in both for both in parties)
            assert len(others) == total - 1
            assert store.page_dispensations(DispensationFilter(), offset=0, limit=0) == (
                [],
                len(everything),
            )
            drafts, total = store.page_questions(
                QuestionFilter(hidden=None, document_ref="DRAFT-1"), offset=0, limit=9
            )
            assert total == 1 and drafts[0].asked_by == "owner"
            hidden = QuestionFilter(hidden=DocStatus.DRAFT)
            assert store.page_questions(hidden, offset=0, limit=0) == ([], len(QUESTIONS) - 1)
            for manager in ("responsible", "approver"):  # DRAFT-1's owner, its guardian
                shown = hidden._replace(shown_to=manager)
                assert store.page_questions(shown, offset=0, limit=0) == ([], len(QUESTIONS))
            unanswered, total = store.page_questions(
                QuestionFilter(unanswered=True, asked_by="requester"), offset=0, limit=9
            )
            assert total == 2 and all(q.answer is None for q in unanswered)
