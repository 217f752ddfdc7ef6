"""The storage contract, full-text search: what a search box on the register must do on
every backend."""

from __future__ import annotations

import pytest

from styrdok.errors import Conflict, InvalidValue
from styrdok.model import DocStatus, FaqEntry
from styrdok.registry import Registry
from styrdok.search import snippet_text
from styrdok.testing.contract_data import complete_document, day, revise

TEXT = """## Molntjänster

Personuppgifter får bara lagras i molntjänster som kommunen har godkänt.
Säljare av tjänster ska skriva på ett personuppgiftsbiträdesavtal.
"""


def _refs(registry: Registry, query: str, **options: object) -> list[str]:
    return [hit.ref for hit in registry.search_documents(query, **options)]  # type: ignore[arg-type]


class SearchContract:
    """Full-text search over titles, purposes, texts and FAQs (part of
    :class:`~styrdok.testing.contract.StoreContract`)."""

    @pytest.fixture
    def searchable(self, seeded: Registry) -> Registry:
        """The seeded registry with a text for ``POL-1`` and ``RIKT-1`` in force, with an
        FAQ entry."""
        revise(seeded, "POL-1", {"text": TEXT}, actor="owner")
        seeded.add_document(
            complete_document(
                "RIKT-1",
                title="Riktlinjer för molntjänster",
                purpose="Välja tjänster",
                faq=(FaqEntry("Får jag använda Dropbox?", "Nej, använd kommunens lagring."),),
                word_count=None,
            ),
            actor="owner",
        )
        seeded.adopt_document("RIKT-1", actor="owner", body="KS", on=day(-50))
        return seeded

    def test_search_finds_a_word_of_the_text_and_marks_it(self, searchable: Registry) -> None:
        """A word of a document's text finds it, and the snippet marks the word."""
        [hit] = searchable.search_documents("personuppgiftsbiträdesavtal")
        assert hit.ref == "POL-1"
        assert hit.status is DocStatus.IN_FORCE
        assert [p.text for p in hit.snippet if p.matched] == ["personuppgiftsbiträdesavtal"]

    def test_search_finds_faq_answers_and_ranks_the_title_first(self, searchable: Registry) -> None:
        """FAQ answers are searched; a match in the title ranks first."""
        assert _refs(searchable, "kommunens lagring") == ["RIKT-1"]
        # Both mention molntjänster; in RIKT-1 it is the title.
        assert _refs(searchable, "molntjänster") == ["RIKT-1", "POL-1"]

    def test_a_search_word_finds_longer_forms_of_it(self, searchable: Registry) -> None:
        """A word finds the words it begins (``molntjänst`` finds ``molntjänster``)."""
        assert _refs(searchable, "molntjänst") == ["RIKT-1", "POL-1"]

    def test_a_a_and_o_are_letters_of_their_own_and_case_does_not_matter(
        self, searchable: Registry
    ) -> None:
        """Å, ä and ö are not a, a and o, and upper or lower case does not matter."""
        assert _refs(searchable, "SÄLJARE") == ["POL-1"]
        assert _refs(searchable, "saljare") == []

    def test_every_word_must_occur(self, searchable: Registry) -> None:
        """A document is found only if every word of the query occurs in it."""
        assert _refs(searchable, "dropbox lagring") == ["RIKT-1"]
        assert _refs(searchable, "dropbox personuppgifter") == []

    def test_only_documents_in_force_unless_asked(self, searchable: Registry) -> None:
        """Only documents in force are found unless another status, or none, is asked
        for."""
        searchable.add_document(
            complete_document("UTK-1", title="Utkast om molntjänster"), actor="owner"
        )
        assert "UTK-1" not in _refs(searchable, "utkast")
        assert _refs(searchable, "utkast", status=None) == ["UTK-1"]
        assert _refs(searchable, "utkast", status=DocStatus.DRAFT) == ["UTK-1"]

    def test_an_adopted_revision_is_found_at_once_and_the_old_words_are_gone(
        self, searchable: Registry
    ) -> None:
        """A new version is searchable as soon as it is adopted, and the words it removed
        are no longer found."""
        revise(searchable, "POL-1", {"text": "Nya regler om videomöten."}, actor="owner")
        assert _refs(searchable, "videomöten") == ["POL-1"]
        assert _refs(searchable, "personuppgiftsbiträdesavtal") == []

    def test_a_draft_revision_is_not_searched(self, searchable: Registry) -> None:
        """Search finds what applies: the words of a draft revision are not found until it
        is adopted, and the adopted words still are."""
        searchable.edit_document("POL-1", {"text": "Nya regler om videomöten."}, actor="owner")
        assert _refs(searchable, "videomöten") == []
        assert _refs(searchable, "personuppgiftsbiträdesavtal") == ["POL-1"]

    def test_a_refused_adoption_leaves_the_index_as_it_was(self, searchable: Registry) -> None:
        """An adoption refused with ``Conflict`` leaves the search index unchanged."""
        searchable.edit_document("POL-1", {"text": "Nya regler om videomöten."}, actor="owner")
        doc = searchable.get_document("POL-1")
        with pytest.raises(Conflict):
            searchable.adopt_document(
                "POL-1",
                actor="owner",
                body="KS",
                on=day(0),
                expected_revision=doc.revision - 1,
            )
        assert _refs(searchable, "videomöten") == []
        assert _refs(searchable, "personuppgiftsbiträdesavtal") == ["POL-1"]

    @pytest.mark.parametrize(
        "query", ['"molntjänster', "molntjänster*", "NEAR(a b)", "a OR", "title:x", "'; DROP x; --"]
    )
    def test_search_syntax_in_a_query_is_read_as_words(
        self, searchable: Registry, query: str
    ) -> None:
        """Quotes, operators, column filters and SQL in a query are read as words, never
        as syntax."""
        hits = searchable.search_documents(query, status=None)
        assert all(hit.ref in ("POL-1", "RIKT-1") for hit in hits)

    def test_a_query_without_words_is_refused(self, searchable: Registry) -> None:
        """A query with no word in it is ``InvalidValue``."""
        with pytest.raises(InvalidValue, match="at least one word"):
            searchable.search_documents(" ?! ")

    def test_the_snippet_reads_as_one_line(self, searchable: Registry) -> None:
        """A snippet is one line of text with the matched word marked."""
        [hit] = searchable.search_documents("godkänt")
        line = snippet_text(hit.snippet, mark=("[", "]"))
        assert "[godkänt]" in line
        assert "\n" not in line
