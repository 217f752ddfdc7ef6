"""The storage contract, pages of the register: a filtered count and one page, in the same
order on every backend, and never a draft for someone who may not see it."""

from __future__ import annotations

import itertools
import math

import pytest

from styrdok import rules
from styrdok.errors import InvalidValue
from styrdok.model import DocStatus, Document, DueItem, Person
from styrdok.registry import Registry
from styrdok.store.base import DocumentFilter
from styrdok.testing.contract_data import TODAY, complete_document, day
from styrdok.usecases.browsing import DocumentPage

#: The register's documents besides the seeded POL-1: ref, title, owner, guardian, what
#: becomes of it (in force, a draft, repealed) and its next review date.
PLAN = (
    ("A-01", "Zebrariktlinje", "it.anna", "guardian", "force", day(-1)),  # overdue, barely
    ("A-02", "Alfarutin", "hr.bo", "guardian", "force", day(0)),  # due today: not overdue
    ("A-03", "Alfarutin", "it.cai", "guardian", "force", day(30)),  # same title: by ref
    ("A-04", "Betaplan", "it.anna", "hr.bo", "draft", day(-50)),  # a draft is never overdue
    ("A-05", "Gammaplan", "hr.bo", "it.anna", "draft", None),
    ("A-06", "Deltaplan", "owner", "guardian", "draft", None),
    ("A-07", "Epsilonrutin", "it.cai", "guardian", "repealed", day(-20)),  # not in force
    ("A-08", "Etarutin", "hr.bo", "it.cai", "force", day(-300)),
    ("B-01", "Alfarutin för skolor", "it.anna", "guardian", "force", day(100)),
    ("B-02", "Thetaplan", "requester", "guardian", "force", day(-2)),
    ("ALFA-1", "Alfarutin för förskolor", "hr.bo", "guardian", "force", day(200)),
    ("ALFA-2", "Omegaplan", "it.cai", "guardian", "force", day(200)),  # its ref only
)
UNITS = {"it.anna": "IT", "it.cai": "IT", "hr.bo": "HR"}


def _build(registry: Registry) -> Registry:
    for ref, unit in UNITS.items():
        registry.add_person(Person(ref, ref.title(), unit=unit), actor="admin")
    for ref, title, owner, guardian, fate, review in PLAN:
        registry.add_document(
            complete_document(
                ref, title=title, owner=owner, guardian=guardian, next_review_on=review
            ),
            actor="admin",
        )
        if fate != "draft":
            registry.adopt_document(ref, actor="admin", body="KS", on=day(-400))
        if fate == "repealed":
            registry.repeal_document(ref, actor="admin", on=day(-5))
    return registry


def _expected(
    registry: Registry,
    *,
    reader: Person | None,
    status: DocStatus | None = None,
    unit: str | None = None,
    overdue: bool = False,
) -> list[str]:
    """What the rules in Python say the page shows, sorted as the store sorts."""
    units = {p.ref: p.unit for p in registry.list_persons()}

    def kept(doc: Document) -> bool:
        return (
            rules.may_see_draft(reader, doc)
            and (status is None or doc.status is status)
            and not (status is DocStatus.IN_FORCE and doc.upcoming_on(TODAY))
            and (unit is None or units.get(doc.owner) == unit)
            and (not overdue or rules.review_state(doc, TODAY) is rules.ReviewState.OVERDUE)
        )

    found = sorted(
        (d for d in registry.list_documents() if kept(d)), key=lambda d: (d.title, d.ref)
    )
    return [d.ref for d in found]


def _refs(page: DocumentPage) -> list[str]:
    return [d.ref for d in page.documents]


class BrowseContract:
    """Pages of documents and of what falls due (a part of :class:`StoreContract`)."""

    @pytest.fixture
    def browsable(self, seeded: Registry) -> Registry:
        """The seeded register with three people in two units and the documents of :data:`PLAN`."""
        return _build(seeded)

    def test_a_page_is_sorted_by_title_then_ref_and_counts_every_match(
        self, browsable: Registry
    ) -> None:
        """Pages follow each other in title order (the same title: by ref), each with the total."""
        admin = browsable.get_person("admin")
        everything = _expected(browsable, reader=admin)
        assert len(everything) == len(PLAN) + 1
        first = browsable.browse_documents(status=None, reader=admin, per_page=4)
        second = browsable.browse_documents(status=None, reader=admin, per_page=4, page=2)
        assert _refs(first) == everything[:4]
        assert _refs(second) == everything[4:8]
        assert _refs(first)[:2] == ["A-02", "A-03"]  # the same title: by ref
        assert (second.total, second.page, second.per_page) == (len(everything), 2, 4)
        assert second.pages == math.ceil(len(everything) / 4)

    def test_a_page_after_the_last_is_empty_and_still_counts(self, browsable: Registry) -> None:
        """A page after the last holds nothing, says it is beyond, and still counts the list."""
        page = browsable.browse_documents(per_page=5, page=40)
        assert page.documents == ()
        assert page.total == len(_expected(browsable, reader=None, status=DocStatus.IN_FORCE))
        assert page.beyond and page.pages == 2

    @pytest.mark.parametrize(("page", "per_page"), [(0, 10), (-1, 10), (1, 0), (1, 201)])
    def test_a_page_number_or_size_out_of_range_is_refused(
        self, browsable: Registry, page: int, per_page: int
    ) -> None:
        """Page 0 or less, and a page size outside 1 to 200, are refused naming the parameter."""
        with pytest.raises(InvalidValue, match="page"):
            browsable.browse_documents(page=page, per_page=per_page)

    @pytest.mark.parametrize("reader_ref", [None, "it.anna", "hr.bo", "requester", "admin"])
    def test_drafts_only_for_those_who_may_see_them_on_every_page_and_in_the_count(
        self, browsable: Registry, reader_ref: str | None
    ) -> None:
        """A draft is on no page and in no count of a reader :func:`rules.may_see_draft` denies."""
        reader = browsable.get_person(reader_ref) if reader_ref else None
        expected = _expected(browsable, reader=reader)
        shown: list[str] = []
        for number in itertools.count(1):
            page = browsable.browse_documents(status=None, reader=reader, per_page=2, page=number)
            assert page.total == len(expected)
            if not page.documents:
                break
            shown += _refs(page)
        assert shown == expected
        drafts = {ref for ref, *_, fate, _review in PLAN if fate == "draft"}
        seen = drafts & set(shown)
        if reader is None or reader.ref == "requester":
            assert not seen
        elif reader.is_admin:
            assert seen == drafts
        else:
            assert seen == {"A-04", "A-05"}  # owner of one, guardian of the other

    def test_status_unit_and_overdue_in_the_store_agree_with_the_rules(
        self, browsable: Registry
    ) -> None:
        """The store's status, unit and overdue filters give what the rules in Python give."""
        readers = [None, *(browsable.get_person(r) for r in ("it.anna", "hr.bo", "admin"))]
        statuses = [None, DocStatus.IN_FORCE, DocStatus.DRAFT, DocStatus.REPEALED]
        for reader, status, unit, overdue in itertools.product(
            readers, statuses, [None, "IT", "HR", "Ingen"], [False, True]
        ):
            page = browsable.browse_documents(
                status=status, unit=unit, overdue=overdue, reader=reader, per_page=200
            )
            expected = _expected(
                browsable, reader=reader, status=status, unit=unit, overdue=overdue
            )
            case = (reader and reader.ref, status, unit, overdue)
            assert (_refs(page), page.total) == (expected, len(expected)), case
        overdue_now = browsable.browse_documents(overdue=True, per_page=200)
        assert _refs(overdue_now) == ["A-08", "B-02", "A-01"]  # Etarutin, Thetaplan, Zebra…

    def test_type_and_body_filter(self, browsable: Registry) -> None:
        """The type and adopting-body filters keep the documents that have them."""
        assert browsable.browse_documents(doc_type="policy").total == 9
        assert browsable.browse_documents(doc_type="guideline").total == 0
        assert browsable.browse_documents(body="KS").total == 9
        assert browsable.browse_documents(body="KF").total == 0

    def test_words_find_ranked_hits_with_the_filters_applied(self, browsable: Registry) -> None:
        """Words find the documents that hold them, with snippets, filtered like any page."""
        found = browsable.browse_documents(words="alfarutin", per_page=200)
        hits = {"A-02", "A-03", "B-01", "ALFA-1"}  # the word is in their titles
        assert set(_refs(found)) == hits and found.total == 4
        assert set(found.snippets) == hits
        hr = browsable.browse_documents(words="alfarutin", unit="HR")
        assert set(_refs(hr)) == {"A-02", "ALFA-1"} and hr.total == 2
        assert browsable.browse_documents(words="deltaplan").total == 0  # a draft
        nothing = browsable.browse_documents(words="alfa", status=DocStatus.DRAFT, overdue=True)
        assert nothing.documents == () and nothing.total == 0
        admin = browsable.get_person("admin")
        assert browsable.browse_documents(words="deltaplan", status=None, reader=admin).total == 1

    def test_words_find_refs_that_contain_them(self, browsable: Registry) -> None:
        """Words that are part of refs find those documents, sorted by title, without snippets."""
        by_ref = browsable.browse_documents(words="a-0", per_page=200)
        # In force only, by title; A-07 is repealed, A-04…A-06 are drafts.
        assert _refs(by_ref) == ["A-02", "A-03", "A-08", "A-01"] and not by_ref.snippets

    def test_words_page_through_ref_matches_then_hits_each_once(self, browsable: Registry) -> None:
        """ALFA-2 only names the word; ALFA-1 names it and holds it: a hit, shown once."""
        whole = browsable.browse_documents(words="alfa", per_page=200)
        assert _refs(whole)[0] == "ALFA-2"
        assert set(_refs(whole)[1:]) == {"A-02", "A-03", "B-01", "ALFA-1"}
        assert whole.total == len(_refs(whole)) == 5
        pages = [browsable.browse_documents(words="alfa", per_page=2, page=n) for n in range(1, 5)]
        assert [len(p.documents) for p in pages] == [2, 2, 1, 0]
        assert [ref for p in pages for ref in _refs(p)] == _refs(whole)
        assert all(p.total == 5 for p in pages)
        assert set(pages[0].snippets) == {_refs(pages[0])[1]}  # ALFA-2 has no snippet

    def test_a_ref_part_is_compared_regardless_of_case_and_literally(
        self, browsable: Registry
    ) -> None:
        """A ref part ignores case and its LIKE wildcards are plain characters; refs in and out."""
        store = browsable.store
        with store.transaction(write=False):
            found, total = store.page_documents(DocumentFilter(ref_part="b-0"), offset=0, limit=9)
            assert [d.ref for d in found] == ["B-01", "B-02"] and total == 2
            for wildcard in ("_", "%", "\\"):
                assert store.page_documents(
                    DocumentFilter(ref_part=wildcard), offset=0, limit=9
                ) == ([], 0)
            only, total = store.page_documents(
                DocumentFilter(
                    refs=frozenset({"A-01", "B-01", "NOPE"}), not_refs=frozenset({"A-01"})
                ),
                offset=0,
                limit=9,
            )
            assert [d.ref for d in only] == ["B-01"] and total == 1
            assert store.page_documents(DocumentFilter(), offset=0, limit=0) == ([], len(PLAN) + 1)

    def test_the_filters_choices_are_read_distinct(self, browsable: Registry) -> None:
        """The types and units in use, each once, sorted; the bodies by ref with their names."""
        assert browsable.document_types() == ["policy"]
        assert browsable.person_units() == ["HR", "IT"]
        assert browsable.body_names() == [(b.ref, b.name) for b in browsable.list_bodies()]

    def test_people_are_looked_up_by_ref(self, browsable: Registry) -> None:
        """Only the people asked for are read; unknown refs are left out; one text is refused."""
        found = browsable.persons_by_ref(["it.anna", "hr.bo", "nobody", "it.anna"])
        assert sorted(found) == ["hr.bo", "it.anna"] and found["hr.bo"].unit == "HR"
        assert browsable.persons_by_ref([]) == {}
        with pytest.raises(InvalidValue, match="refs"):
            browsable.persons_by_ref("it.anna")

    @pytest.mark.parametrize("per_page", [1, 2, 3])
    def test_the_due_list_pages_as_it_reads_whole(self, browsable: Registry, per_page: int) -> None:
        """The due list's pages, one after another, are the whole due list."""
        whole = browsable.due(within_days=120)
        assert len(whole) >= 6
        pages: list[DueItem] = []
        for number in range(1, math.ceil(len(whole) / per_page) + 2):
            page = browsable.due_page(within_days=120, per_page=per_page, page=number)
            assert page.total == len(whole)
            pages += page.items
        assert pages == whole
        assert browsable.due_page(within_days=0, page=9).items == ()
