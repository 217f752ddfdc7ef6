"""Issue 20, pages the framework would draw: every error — an unknown address, a wrong
method, an expired form, a refusal, a crash — is a page of the app's own, in Swedish, with
the menu, the skip link, the footer and a way back. And the accessibility statement the
law requires, served and linked from every page. Through Flask's test client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from intranet_support import (
    SECRET,
    by_id,
    crashing_app,
    demo_db,
    demo_template,
    make_app,
    parse,
    title,
)
from styrdok_intranet import create_app
from styrdok_intranet.__main__ import main

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
SARA = {"X-Remote-User": "sara.jansson"}
EXAMPLE = Path(__file__).resolve().parents[1]


#: (what happened, request, status, heading, words of the Swedish explanation)
ERRORS = [
    (
        "unknown address",
        ("GET", "/finns-inte", {}),
        404,
        "Sidan finns inte",
        "Kontrollera adressen",
    ),
    ("wrong method", ("GET", "/fragor/1/svar", {}), 405, "Det gick inte", "på det sättet"),
    (
        "expired form",
        ("POST", "/dokument/RIKT-IS-02/fraga", {"text": "Får jag?", "token": "old"}),
        400,
        "Det gick inte",
        "Formuläret har gått ut",
    ),
    (
        "not logged in",
        ("POST-ANON", "/dokument/RIKT-IS-02/fraga", {"text": "Får jag?"}),
        403,
        "Du har inte behörighet",
        "Logga in via intranätet",
    ),
    (
        "unknown document",
        ("GET", "/dokument/NOPE", {}),
        404,
        "Finns inte",
        "finns inte i registret",
    ),
    ("a bug", ("GET", "/krasch", {}), 500, "Något gick fel", "Försök igen om en stund"),
]


def request(db: Path, how: tuple[str, str, dict[str, str]]) -> Any:
    """Send ``how`` (method, path, form) to the app, as Sara unless POST-ANON."""
    method, path, data = how
    web = crashing_app(db).test_client()
    if method == "GET":
        return web.get(path, headers=SARA, environ_base=PROXY)
    if method == "POST-ANON":
        return web.post(path, data=data, environ_base=PROXY)
    return web.post(path, data=data, headers=SARA, environ_base=PROXY)


@pytest.mark.parametrize(
    ("how", "status", "heading", "words"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_every_error_is_a_page_of_the_apps_own(
    demo_db: Path, how: tuple[str, str, dict[str, str]], status: int, heading: str, words: str
) -> None:
    """lang="sv", Swedish heading and explanation, skip link, menu, footer, a way back."""
    response = request(demo_db, how)
    page = response.get_data(as_text=True)
    elements = parse(page)
    assert response.status_code == status
    assert '<html lang="sv">' in page
    assert title(page) == f"{heading} – Intranätet"
    assert [e.text for e in elements if e.tag == "h1"] == [heading]
    assert words in next(e.text for e in elements if e.attrs.get("role") == "alert")
    skip = elements[[e.tag for e in elements].index("body") + 1]
    assert (skip.tag, skip.attrs["href"], skip.text) == ("a", "#innehall", "Hoppa till innehållet")
    assert by_id(page, "innehall").tag == "main"
    assert any(e.tag == "nav" and e.attrs.get("aria-label") == "Huvudmeny" for e in elements)
    links = {e.attrs["href"]: e.text for e in elements if e.tag == "a"}
    assert any(text == "Till styrdokumenten" for text in links.values())
    assert links["/tillganglighet"] == "Tillgänglighetsredogörelse"
    for english in ("Not Found", "Bad Request", "Method Not Allowed", "Internal Server Error"):
        assert english not in page
    assert "Traceback" not in page and "a bug" not in page


def test_an_expired_form_leads_back_to_its_document(demo_db: Path) -> None:
    """The question is not lost for good: the way back is to the page the form was on."""
    response = request(demo_db, ERRORS[2][1])
    links = {
        e.text: e.attrs["href"] for e in parse(response.get_data(as_text=True)) if e.tag == "a"
    }
    assert links["Tillbaka till dokumentet"] == "/dokument/RIKT-IS-02"


def test_a_refusal_by_the_registry_gives_its_reason_in_swedish(demo_db: Path) -> None:
    """The registry's reason, which it gives in English, is shown in Swedish, as the page
    is (nothing marked as another language)."""
    page = request(demo_db, ERRORS[4][1]).get_data(as_text=True)
    assert "Registrets förklaring: okänt dokument &#39;NOPE&#39;" in page
    assert not [e for e in parse(page) if e.attrs.get("lang") == "en"]


def test_api_errors_stay_json(demo_db: Path) -> None:
    """Under /api the same errors are JSON, for programs: RFC 9457 problem details with a
    ``code``, and the message also as ``error`` (the shape the API answered with before)."""
    web = crashing_app(demo_db).test_client()
    missing = web.get("/api/finns-inte")
    assert missing.mimetype == "application/problem+json"
    message = "Sidan finns inte. Kontrollera adressen, eller sök bland styrdokumenten."
    assert missing.get_json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": message,
        "code": "not_found",
        "error": message,
    }
    unknown = web.get("/api/dokument/NOPE")
    assert unknown.mimetype == "application/problem+json"
    assert unknown.get_json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "okänt dokument 'NOPE'",
        "code": "not_found",
        "error": "okänt dokument 'NOPE'",
    }


# --- the accessibility statement ---------------------------------------------------------


def test_the_statement_is_served_from_the_template(demo_db: Path) -> None:
    """DIGG's model: how accessible, what is not, how to report, the supervisory
    authority and how to reach it, how the service was tested, and when."""
    response = make_app(demo_db).test_client().get("/tillganglighet")
    page = response.get_data(as_text=True)
    elements = parse(page)
    assert response.status_code == 200
    assert title(page) == "Tillgänglighetsredogörelse – Intranätet"
    assert [e.text for e in elements if e.tag == "h1"] == [
        "Tillgänglighet för [tjänstens namn, t.ex. Styrdokument på intranätet]"
    ]
    headings = [e.text for e in elements if e.tag == "h2"]
    assert headings == [
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ]
    assert "Myndigheten för digital förvaltning (Digg)" in page
    assert '<a href="https://www.digg.se/tdosanmalan">' in page
    assert "axe-core" in page and "enbart tangentbord" in page
    assert "Senaste bedömningen gjordes den [datum" in page
    assert "<!--" not in page and "Så fyller du i mallen" not in page


def test_every_page_links_the_statement(demo_db: Path) -> None:
    """The statement is one link away from every page, errors included."""
    web = make_app(demo_db).test_client()
    for path in ("/", "/dokument/RIKT-IS-02", "/aktuellt", "/dispens/D-2026-0002", "/x"):
        page = web.get(path, environ_base=PROXY).get_data(as_text=True)
        footer = [e for e in parse(page) if e.tag == "footer"]
        assert len(footer) == 1 and "Tillgänglighetsredogörelse" in footer[0].text, path


def test_the_municipality_serves_its_own_filled_in_statement(demo_db: Path, tmp_path: Path) -> None:
    """--statement FILE; raw HTML in it is shown as text, never run."""
    own = tmp_path / "redogorelse.md"
    own.write_text(
        "# Tillgänglighet för Mittköpings styrdokument\n\n<script>alert(1)</script>\n",
        encoding="utf-8",
    )
    app = create_app(str(demo_db), secret=SECRET, statement_file=own)
    page = app.test_client().get("/tillganglighet").get_data(as_text=True)
    assert "<h1>Tillgänglighet för Mittköpings styrdokument</h1>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    result = CliRunner().invoke(main, ["--db", str(demo_db), "--statement", str(tmp_path / "x")])
    assert result.exit_code == 2 and "'--statement'" in result.output


def test_the_readme_links_the_statement_template() -> None:
    """The example's README points the municipality at the template."""
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert "](TILLGANGLIGHETSREDOGORELSE.md)" in readme
    assert (EXAMPLE / "TILLGANGLIGHETSREDOGORELSE.md").is_file()
