"""Lists a page at a time (issue 19): the register, the due dashboard and their JSON twins
count and read one page in the database, with the page and the filters in the address."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from intranet_support import (
    DEMO_NOW,
    DRAFTS,
    ROUTINES,
    demo_template,
    make_app,
    paged_db,
    paged_template,
    parse,
    title,
)
from werkzeug.test import TestResponse

from styrdok import rules
from styrdok.enums import DocStatus
from styrdok.registry import Registry
from styrdok.serialize import to_data

__all__ = ["demo_template", "paged_db", "paged_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
TODAY = DEMO_NOW.date()


def get(web: FlaskClient, path: str, user: str | None = None) -> TestResponse:
    """``path`` through the login proxy, as ``user`` (``None``: nobody logged in)."""
    headers = {"X-Remote-User": user} if user else {}
    return web.get(path, headers=headers, environ_base=PROXY)


def page_refs(page: str) -> list[str]:
    """The refs of the documents listed on a register page, in order."""
    return [e.text for e in parse(page) if e.tag == "span" and e.attrs.get("class") == "ref"]


def count(page: str) -> str:
    """The register's or the due dashboard's count line."""
    return next(e.text for e in parse(page) if e.attrs.get("class") == "count")


def pages_nav(page: str) -> str:
    """The text of the <nav> between pages ("" when there is none)."""
    navs = [e for e in parse(page) if e.tag == "nav" and e.attrs.get("aria-label") == "Sidor"]
    assert len(navs) <= 1
    return " ".join(navs[0].text.split()) if navs else ""


def expected(
    db: Path,
    user: str | None,
    *,
    status: DocStatus | None = DocStatus.IN_FORCE,
    unit: str | None = None,
    overdue: bool = False,
) -> list[str]:
    """What the rules in Python say the register shows ``user``, in the page's order."""
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        reader = registry.get_person(user) if user else None
        units = {p.ref: p.unit for p in registry.list_persons()}
        documents = registry.list_documents()
    kept = [
        d
        for d in documents
        if rules.may_see_draft(reader, d)
        and (status is None or d.status is status)
        and (unit is None or units[d.owner] == unit)
        and (not overdue or rules.review_state(d, TODAY) is rules.ReviewState.OVERDUE)
    ]
    return [d.ref for d in sorted(kept, key=lambda d: (d.title, d.ref))]


def test_page_two_shows_the_next_fifty_by_title_and_the_count_is_the_total(
    paged_db: Path,
) -> None:
    """Page 2 holds rows 51 on in title order; the count is the whole list's; links both ways."""
    web = make_app(paged_db).test_client()
    shown = expected(paged_db, None)
    assert len(shown) == 14 + ROUTINES
    first = get(web, "/").get_data(as_text=True)
    second = get(web, "/?sida=2").get_data(as_text=True)
    assert page_refs(first) == shown[:50]
    assert page_refs(second) == shown[50:]
    assert count(first) == f"{len(shown)} dokument · visar 1–50"
    assert count(second) == f"{len(shown)} dokument · visar 51–{len(shown)}"
    assert pages_nav(first) == "Sida 1 av 2 Nästa sida"
    assert pages_nav(second) == "Sida 2 av 2 Föregående sida"
    assert 'href="/?status=in_force&amp;sida=2" rel="next"' in first
    assert 'href="/?status=in_force" rel="prev"' in second


def test_the_filters_stay_in_the_links_between_pages(paged_db: Path) -> None:
    """The links to other pages keep the filters chosen, and leave out the empty ones."""
    page = get(make_app(paged_db).test_client(), "/?status=alla&typ=routine&q=&sida=1")
    links = re.findall(r'href="([^"]*)" rel="next"', page.get_data(as_text=True))
    assert links == ["/?typ=routine&amp;status=alla&amp;sida=2"]


@pytest.mark.parametrize("user", [None, "sara.jansson", "anna.lind", "gustav.berg", "eva.ek"])
def test_a_draft_shows_only_to_those_who_may_see_it_on_every_page_and_in_the_count(
    paged_db: Path, user: str | None
) -> None:
    """Drafts are on no page and in no count of a reader who may not see them."""
    web = make_app(paged_db).test_client()
    visible = expected(paged_db, user, status=None)
    shown = []
    for number in (1, 2, 3):
        page = get(web, f"/?status=alla&sida={number}", user).get_data(as_text=True)
        assert count(page).startswith(f"{len(visible)} dokument")
        shown += page_refs(page)
    assert shown == visible
    drafts = {f"RUT-{n:03d}-UTKAST" for n in DRAFTS}
    if user in ("anna.lind", "gustav.berg", "eva.ek"):  # owner, guardian, administrator
        assert drafts <= set(shown[50:])  # on page 2
    else:
        assert not drafts & set(shown)
        assert "RIKT-AI-01" not in shown  # the demo's own draft


def test_overdue_and_unit_filters_agree_with_the_rules(paged_db: Path) -> None:
    """The overdue and unit filters give what rules.review_state and the owners' units give."""
    web = make_app(paged_db).test_client()
    for unit in ("", "KLF-IT", "KLF-KOM", "Ingen sådan"):
        for overdue in ("", "ja"):
            for user in (None, "anna.lind"):
                response = get(
                    web,
                    f"/api/dokument?per_sida=200&status=alla&enhet={unit}&forsenad={overdue}",
                    user,
                )
                want = expected(
                    paged_db, user, status=None, unit=unit or None, overdue=bool(overdue)
                )
                assert [d["ref"] for d in response.get_json()] == want, (unit, overdue, user)
                assert response.headers["X-Total-Count"] == str(len(want))
    overdue_html = get(web, "/?forsenad=ja").get_data(as_text=True)
    assert count(overdue_html) == f"{len(expected(paged_db, None, overdue=True))} dokument"


def test_a_page_after_the_last_is_a_friendly_empty_page(paged_db: Path) -> None:
    """A page after the last says how many there are and links to the last one."""
    web = make_app(paged_db).test_client()
    response = get(web, "/?sida=9")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_refs(page) == []
    assert "Sidan 9 finns inte: listan har 2 sidor." in page
    assert '<a href="/?status=in_force&amp;sida=2" rel="prev">Till sista sidan</a>' in page
    assert count(page) == f"{14 + ROUTINES} dokument"
    assert "Inga dokument matchar" not in page
    due = get(web, "/aktuellt?sida=50").get_data(as_text=True)
    assert "Sidan 50 finns inte: listan har 2 sidor." in due
    nothing = get(web, "/?q=finns+inte+alls&sida=3").get_data(as_text=True)
    assert "Sidan 3 finns inte: listan har 1 sida." in nothing
    api = get(web, "/api/dokument?sida=9")
    assert api.get_json() == [] and api.headers["X-Total-Count"] == str(14 + ROUTINES)


@pytest.mark.parametrize("sida", ["abc", "-1", "0", "1.5", "2 ", "\u0663", "1e3", "0002"])
@pytest.mark.parametrize("path", ["/", "/aktuellt"])
def test_a_page_number_that_is_not_a_whole_number_from_1_is_a_400_page(
    paged_db: Path, sida: str, path: str
) -> None:
    """In the app's layout, in Swedish, with the way back to the register."""
    web = make_app(paged_db).test_client()
    response = web.get(path, query_string={"sida": sida}, environ_base=PROXY)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert title(page) == "Det gick inte – Intranätet"
    assert "Sidnumret (sida) ska vara ett heltal från 1 och uppåt." in page
    assert 'href="/">Till styrdokumenten</a>' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"sida": "x"}, "Sidnumret (sida)"),
        ({"per_sida": "0"}, "Antal per sida (per_sida) ska vara ett heltal från 1 till 200."),
        ({"per_sida": "201"}, "Antal per sida (per_sida)"),
        ({"per_sida": "tio"}, "Antal per sida (per_sida)"),
    ],
)
@pytest.mark.parametrize("path", ["/api/dokument", "/api/aktuellt"])
def test_the_api_refuses_a_wrong_page_or_size_as_json(
    paged_db: Path, path: str, query: dict[str, str], message: str
) -> None:
    """A wrong sida or per_sida is a 400 with a JSON error naming the parameter."""
    response = make_app(paged_db).test_client().get(path, query_string=query)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_an_empty_page_number_is_the_first_page(paged_db: Path) -> None:
    """``sida=`` (as an emptied form field sends it) is page 1."""
    web = make_app(paged_db).test_client()
    assert page_refs(get(web, "/?sida=").get_data(as_text=True)) == page_refs(
        get(web, "/").get_data(as_text=True)
    )


def _links(response: TestResponse) -> dict[str, str]:
    found = re.findall(r'<([^>]*)>; rel="(\w+)"', response.headers["Link"])
    return {rel: url for url, rel in found}


def test_the_api_stays_a_list_with_the_total_and_the_pages_in_its_headers(
    paged_db: Path,
) -> None:
    """The JSON list is one page; X-Total-Count and Link lead through all of them."""
    web = make_app(paged_db).test_client()
    response = get(web, "/api/dokument?typ=routine&per_sida=10&sida=3")
    assert isinstance(response.get_json(), list) and len(response.get_json()) == 10
    routines = expected(paged_db, None)
    assert response.headers["X-Total-Count"] == "72"  # the 70 and the demo's two routines
    links = _links(response)
    assert set(links) == {"first", "prev", "next", "last"}
    assert links["next"] == "/api/dokument?typ=routine&status=in_force&per_sida=10&sida=4"
    assert links["last"].endswith("&sida=8") and "&sida=" not in links["first"]
    # Following "next" from the first page reads every routine once, in order.
    url: str | None = "/api/dokument?typ=routine&per_sida=30"
    seen: list[str] = []
    while url:
        page = get(web, url)
        seen += [d["ref"] for d in page.get_json()]
        url = _links(page).get("next")
    with Registry.open(paged_db) as registry:
        types = {d.ref: d.doc_type.value for d in registry.list_documents()}
    assert seen == [ref for ref in routines if types[ref] == "routine"]


def test_the_due_dashboard_is_paged_the_same_way(paged_db: Path) -> None:
    """The due dashboard and its JSON twin page through Registry.due's list."""
    web = make_app(paged_db).test_client()
    with Registry.open(paged_db, clock=lambda: DEMO_NOW) as registry:
        due = [to_data(item) for item in registry.due(within_days=rules.REVIEW_SOON_DAYS)]
    assert len(due) > 50
    first = get(web, "/aktuellt").get_data(as_text=True)
    second = get(web, "/aktuellt?sida=2").get_data(as_text=True)
    assert count(first) == f"{len(due)} datum, de försenade först · visar 1–50"
    assert pages_nav(second) == "Sida 2 av 2 Föregående sida"
    rows = [e for e in parse(second) if e.tag == "tr"][1:]  # after the header row
    assert len(rows) == len(due) - 50
    assert due[50]["ref"] in rows[0].text
    api: list[Any] = []
    for number in range(1, 5):
        response = get(web, f"/api/aktuellt?per_sida=25&sida={number}")
        assert response.headers["X-Total-Count"] == str(len(due))
        api += response.get_json()
    assert api == due


def test_search_results_are_paged_and_a_ref_part_finds_its_documents(paged_db: Path) -> None:
    """Search hits are paged like any list, with snippets; a ref part finds its documents."""
    web = make_app(paged_db).test_client()
    first = get(web, "/?q=sidvisning").get_data(as_text=True)
    second = get(web, "/?q=sidvisning&sida=2").get_data(as_text=True)
    assert count(first) == f"{ROUTINES} dokument · visar 1–50"  # drafts not for nobody
    assert len(page_refs(first)) == 50 and len(page_refs(second)) == ROUTINES - 50
    assert not set(page_refs(first)) & set(page_refs(second))
    assert first.count('<p class="snippet">') == 50
    named = get(web, "/?q=rut-05").get_data(as_text=True)
    assert page_refs(named) == [f"RUT-{n:03d}" for n in range(50, 60)]
    everyone = "/?q=rut-05&status=alla"
    assert count(get(web, everyone).get_data(as_text=True)) == "10 dokument"
    assert count(get(web, everyone, "anna.lind").get_data(as_text=True)) == "13 dokument"


@pytest.fixture
def whole_lists_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every person, every document or the whole due list fails the request."""

    def refused(name: str) -> Callable[..., Any]:
        def read_whole(*_args: Any, **_kwargs: Any) -> Any:
            raise AssertionError(f"{name} read the whole register")

        return read_whole

    original = Registry.list_documents

    def only_children(registry: Registry, **filters: Any) -> Any:
        if set(filters) != {"parent"}:
            raise AssertionError(f"list_documents({filters}) read the whole register")
        return original(registry, **filters)

    monkeypatch.setattr(Registry, "list_persons", refused("list_persons"))
    monkeypatch.setattr(Registry, "due", refused("due"))
    monkeypatch.setattr(Registry, "list_documents", only_children)


@pytest.mark.usefixtures("whole_lists_refused")
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?sida=2&status=alla",
        "/?q=sidvisning&enhet=KLF-IT",
        "/?forsenad=ja",
        "/aktuellt?sida=2",
        "/dokument/RIKT-IS-02",
        "/dispens/D-2026-0002",
        "/api/dokument?per_sida=200",
        "/api/aktuellt",
    ],
)
def test_no_page_reads_the_whole_register(paged_db: Path, path: str) -> None:
    """No list or document page reads every person, every document or the whole due list."""
    response = get(make_app(paged_db).test_client(), path, "anna.lind")
    assert response.status_code == 200, response.get_data(as_text=True)[-500:]


def test_the_chosen_filter_is_marked_and_a_typed_value_cannot_break_out() -> None:
    """The filters' options are escaped once and kept; the value chosen is marked selected,
    and a value typed into the address that no option has marks nothing and stays text."""
    from styrdok_intranet.listing import FilterOptions

    options = FilterOptions.of({"instans": [("KS", "Kommunstyrelsen"), ("K&F", "Kultur & fritid")]})
    assert str(options.options("instans", "K&F")) == (
        '<option value="KS">Kommunstyrelsen</option>'
        '<option value="K&amp;F" selected>Kultur &amp; fritid</option>'
    )
    hostile = '"><script>x()</script>'
    assert "<script>" not in options.options("instans", hostile)
    assert "selected" not in options.options("instans", hostile)
