"""Issue 14 at the intranet's edge: links, security headers, who is logged in by default,
who sees drafts, and the error pages. Through Flask's test client and the CLI (the real
browser checks for CSP violations are in test_intranet_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask.testing import FlaskClient
from intranet_support import SECRET, demo_db, demo_template, make_app
from styrdok_intranet import create_app
from styrdok_intranet.__main__ import main
from styrdok_intranet.identity import form_token
from styrdok_intranet.security import check_frame_ancestors, mailto_href, web_href

from styrdok import rules
from styrdok.model import Person
from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
TEMPLATES = Path(__file__).resolve().parents[1] / "styrdok_intranet" / "templates"


def client(db: Path, **settings: Any) -> FlaskClient:
    return make_app(db, **settings).test_client()


def as_user(web: FlaskClient, user: str, path: str) -> Any:
    return web.get(path, headers={"X-Remote-User": user}, environ_base=PROXY)


# --- links ---------------------------------------------------------------------------------


def _plant_url(db: Path, ref: str, url: str) -> None:
    """A URL as an older styrdok could have stored it, before the model checked them."""
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE document SET text_url = :url WHERE ref = :ref"),
            {"url": url, "ref": ref},
        )
    engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///C:/Windows/win.ini",
        " javascript:alert(1)",
    ],
)
def test_an_old_link_with_another_scheme_is_never_rendered_as_a_link(
    demo_db: Path, url: str
) -> None:
    """The register stays readable; the page says the address is not valid and makes no
    link of it, for anyone."""
    _plant_url(demo_db, "RIKT-IS-02", url)
    for user in (None, "gustav.berg"):
        headers = {"X-Remote-User": user} if user else {}
        response = client(demo_db).get("/dokument/RIKT-IS-02", headers=headers, environ_base=PROXY)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Läs hela dokumentet" not in page
        assert "inte en giltig webbadress" in page
        assert "javascript:" not in page.lower() and "vbscript:" not in page
        assert "data:text" not in page and "file:" not in page
    # The JSON twin reports the stored value as data (no one clicks JSON).
    api = client(demo_db).get("/api/dokument/RIKT-IS-02").get_json()
    assert api["document"]["text_url"] == url  # kept exactly as it was stored


def test_a_web_link_is_rendered(demo_db: Path) -> None:
    page = client(demo_db).get("/dokument/RIKT-IS-02").get_data(as_text=True)
    assert (
        '<a href="https://mittkoping.example/styrdokument/rikt-is-02">Läs hela dokumentet</a>'
        in page
    )


def test_every_link_in_the_templates_goes_through_a_checked_helper() -> None:
    """An href, src or action is url_for(…) (this app) or a value passed through
    web_href / mailto_href; nothing from the register is put in one as it is."""
    attribute = re.compile(r'\b(?:href|src|action|formaction)="([^"]*)"')
    for template in TEMPLATES.glob("*.html"):
        for value in attribute.findall(template.read_text(encoding="utf-8")):
            if value.startswith("#"):
                continue  # a fragment: a place on this page (an error summary's field)
            assert "{{" in value or "{%" in value, (template.name, value)
            assert value.startswith(("{{", "{%")), (template.name, value)  # no "mailto:…"
            for expression in re.findall(r"\{\{ (.*?) \}\}", value):
                checked = re.fullmatch(
                    r"url_for\(.*\)|[\w.]+\|(?:web|mailto)_href|text_href", expression
                )
                assert checked, (template.name, expression)


def test_the_link_helpers() -> None:
    assert web_href("https://kommun.se/a") == "https://kommun.se/a"
    assert web_href("javascript:alert(1)") is None
    assert web_href("JAVASCRIPT:alert(1)") is None
    assert web_href(None) is None
    assert mailto_href("anna.lind@kommun.se") == "mailto:anna.lind@kommun.se"
    assert mailto_href("a@b.se?cc=evil@evil.example") is None
    assert mailto_href('x"onclick="y@kommun.se') == "mailto:x%22onclick%3D%22y@kommun.se"
    assert mailto_href(None) is None


# --- security headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/dokument/RIKT-IS-02", "/api/dokument", "/kalender.ics", "/finns-inte"]
)
def test_every_response_carries_the_security_headers(demo_db: Path, path: str) -> None:
    headers = client(demo_db).get(path, environ_base=PROXY).headers
    policy = headers["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe-inline" not in policy
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_pages_need_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<script" not in text and "<style" not in text, template.name
        assert not re.search(r"\sstyle=|\son[a-z]+=", text), template.name


def test_frame_ancestors_can_name_the_intranet_portal(demo_db: Path) -> None:
    """Embedding in the municipality's portal: the CSP names it and no X-Frame-Options
    contradicts it."""
    web = client(demo_db, frame_ancestors="'self' https://intranet.kommun.se")
    headers = web.get("/").headers
    assert "frame-ancestors 'self' https://intranet.kommun.se" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers
    denied = client(demo_db, frame_ancestors="none").get("/").headers
    assert "frame-ancestors 'none'" in denied["Content-Security-Policy"]
    assert denied["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "value",
    [
        "https://intranet.kommun.se; script-src *",
        "https://intranet.kommun.se/portal",
        "javascript:",
        "*",
        "'none' https://intranet.kommun.se",
        "",
        "'unsafe-inline'",
    ],
)
def test_a_bad_frame_ancestors_is_refused(demo_db: Path, value: str) -> None:
    with pytest.raises(ValueError, match=r"origin|'none'|give 'self'"):
        check_frame_ancestors(value)
    with pytest.raises(ValueError, match=r"origin|'none'|give 'self'"):
        create_app(str(demo_db), frame_ancestors=value)
    result = CliRunner().invoke(main, ["--db", str(demo_db), "--frame-ancestors", value])
    assert result.exit_code == 2
    assert "Ogiltigt värde för '--frame-ancestors'" in result.output


def test_frame_ancestors_accepts_origins_and_keywords() -> None:
    assert check_frame_ancestors("self") == "'self'"
    assert check_frame_ancestors("'self'  https://*.kommun.se http://portal:8080") == (
        "'self' https://*.kommun.se http://portal:8080"
    )


# --- who is logged in ----------------------------------------------------------------------


def test_without_a_trusted_proxy_nobody_is_logged_in(demo_db: Path) -> None:
    """Not even a request from this machine names a user unless a proxy is configured."""
    web = create_app(str(demo_db), secret=SECRET).test_client()
    page = web.get("/", headers={"X-Remote-User": "eva.ek"}, environ_base=PROXY)
    assert "Inte inloggad" in page.get_data(as_text=True)
    asked = web.post(
        "/dokument/RIKT-IS-02/fraga",
        data={"text": "Får jag?", "token": form_token(SECRET, "eva.ek")},
        headers={"X-Remote-User": "eva.ek"},
        environ_base=PROXY,
    )
    assert asked.status_code == 403


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the CLI would serve: waitress replaced, create_app's settings recorded."""
    import styrdok_intranet
    import waitress  # type: ignore[import-untyped]

    seen: dict[str, Any] = {}
    real = styrdok_intranet.create_app

    def record(db: str, **settings: Any) -> Any:
        seen.update(settings)
        return real(db, **settings)

    monkeypatch.setattr(styrdok_intranet, "create_app", record)
    monkeypatch.setattr(waitress, "serve", lambda app, **_: seen.setdefault("app", app))
    return seen


def test_the_server_says_at_start_up_that_nobody_is_logged_in(
    demo_db: Path, served: dict[str, Any]
) -> None:
    result = CliRunner().invoke(main, ["--db", str(demo_db)])
    assert result.exit_code == 0, result.output
    assert "Ingen --trusted-proxy: ingen är inloggad" in result.output
    assert served["trusted_proxies"] == ()


def test_demo_trusts_this_machine_and_says_so(demo_db: Path, served: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["--db", str(demo_db), "--demo"])
    assert result.exit_code == 0, result.output
    assert "Demo: litar på X-Remote-User från den här datorn (127.0.0.1, ::1)" in result.output
    assert "Använd aldrig --demo i produktion" in result.output
    assert served["trusted_proxies"] == ("127.0.0.1", "::1")


def test_a_configured_proxy_is_named_at_start_up(demo_db: Path, served: dict[str, Any]) -> None:
    result = CliRunner().invoke(
        main,
        ["--db", str(demo_db), "--trusted-proxy", "10.0.0.5", "--frame-ancestors", "self"],
    )
    assert result.exit_code == 0, result.output
    assert "Litar på X-Remote-User bara från 10.0.0.5." in result.output
    assert served["trusted_proxies"] == ("10.0.0.5",)
    assert served["frame_ancestors"] == "'self'"


# --- drafts --------------------------------------------------------------------------------

DRAFT = "RIKT-AI-01"  # the demo's draft: owner sofia.karlsson, guardian ingrid.lund


def test_may_see_draft_is_for_owner_guardian_and_administrators(demo_db: Path) -> None:
    with Registry.open(demo_db) as registry:
        draft = registry.get_document(DRAFT)
        in_force = registry.get_document("POL-IS-01")
    reader = Person("sara.jansson", "Sara Jansson")
    for person in (
        Person("sofia.karlsson", "Sofia"),
        Person("ingrid.lund", "Ingrid"),
        Person("x", "Admin", is_admin=True),
    ):
        assert rules.may_see_draft(person, draft)
    assert not rules.may_see_draft(reader, draft)
    assert not rules.may_see_draft(None, draft)
    assert rules.may_see_draft(None, in_force) and rules.may_see_draft(reader, in_force)


@pytest.mark.parametrize("user", [None, "sara.jansson", "ghost.user"])
def test_a_draft_is_hidden_from_other_readers(demo_db: Path, user: str | None) -> None:
    web = client(demo_db)
    headers = {"X-Remote-User": user} if user else {}

    def get(path: str) -> Any:
        return web.get(path, headers=headers, environ_base=PROXY)

    for listing in ("/?status=alla", "/?status=draft", "/?q=AI"):
        assert DRAFT not in get(listing).get_data(as_text=True)
    assert DRAFT not in json.dumps(get("/api/dokument?status=alla").get_json())
    page = get(f"/dokument/{DRAFT}")
    assert page.status_code == 404
    assert f"okänt dokument &#39;{DRAFT}&#39;" in page.get_data(as_text=True)
    assert get(f"/api/dokument/{DRAFT}").status_code == 404
    assert DRAFT not in get("/dokument/POL-IS-01").get_data(as_text=True)
    assert DRAFT not in get("/api/dokument/POL-IS-01").get_json()["children"]


def test_asking_about_a_hidden_draft_is_refused(demo_db: Path) -> None:
    response = client(demo_db).post(
        f"/dokument/{DRAFT}/fraga",
        data={"text": "Vad gäller?", "token": form_token(SECRET, "sara.jansson")},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    assert response.status_code == 404
    with Registry.open(demo_db) as registry:
        assert registry.questions(DRAFT) == []


@pytest.mark.parametrize("user", ["sofia.karlsson", "ingrid.lund", "eva.ek"])
def test_those_who_work_on_a_draft_see_it(demo_db: Path, user: str) -> None:
    web = client(demo_db)
    assert DRAFT in as_user(web, user, "/?status=draft").get_data(as_text=True)
    assert as_user(web, user, f"/dokument/{DRAFT}").status_code == 200
    assert DRAFT in as_user(web, user, "/dokument/POL-IS-01").get_data(as_text=True)
    assert DRAFT in as_user(web, user, "/api/dokument/POL-IS-01").get_json()["children"]


# --- error pages ---------------------------------------------------------------------------


def test_an_unknown_address_is_a_swedish_404_in_the_apps_layout(demo_db: Path) -> None:
    response = client(demo_db).get("/finns-inte")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'lang="sv"' in page and 'aria-label="Huvudmeny"' in page
    assert "Sidan finns inte" in page
    assert "Not Found" not in page and "requested URL" not in page
    api = client(demo_db).get("/api/finns-inte")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert api.get_json()["detail"] == api.get_json()["error"]
    assert "Sidan finns inte" in api.get_json()["error"]


def test_a_wrong_method_and_an_expired_form_are_swedish_too(demo_db: Path) -> None:
    wrong = client(demo_db).get("/fragor/1/svar")
    assert wrong.status_code == 405 and "POST" in wrong.headers["Allow"]
    assert "Method Not Allowed" not in wrong.get_data(as_text=True)
    assert "Sidan kan inte användas" in wrong.get_data(as_text=True)
    expired = client(demo_db).post(
        "/dokument/RIKT-IS-02/fraga",
        data={"text": "Får jag?", "token": "forged"},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    page = expired.get_data(as_text=True)
    assert expired.status_code == 400
    assert "Formuläret har gått ut" in page and "Bad Request" not in page
    assert 'aria-label="Huvudmeny"' in page
