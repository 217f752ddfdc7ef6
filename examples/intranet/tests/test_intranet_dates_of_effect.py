"""Issue 15 item 5 on the intranet: a document page says when a new version takes effect
and which applies until then; a draft revision is seen only by those who work on the
document, on the page and in the API (the demo: RIKT-IS-02 has a version 2 from the first of
next month, RIKT-IS-01 a draft revision)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from intranet_support import demo_db, demo_template, make_app
from werkzeug.test import TestResponse

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
OWNER = "anna.lind"  # owns RIKT-IS-01 and RIKT-IS-02
STAFF = "maria.nystrom"  # neither owns nor guards them


def get(web: FlaskClient, path: str, user: str | None) -> TestResponse:
    headers = {"X-Remote-User": user} if user else {}
    return web.get(path, headers=headers, environ_base=PROXY)


def test_the_page_of_a_revised_document_says_which_version_applies(demo_db: Path) -> None:
    page = get(make_app(demo_db).test_client(), "/dokument/RIKT-IS-02", STAFF)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Version 2, som visas här, gäller från 2026-12-01. Till dess gäller version 1." in text


def test_a_draft_revision_is_shown_only_to_those_who_work_on_the_document(
    demo_db: Path,
) -> None:
    web = make_app(demo_db).test_client()
    notice = "Ett utkast till ny version förbereds"
    assert notice in get(web, "/dokument/RIKT-IS-01", OWNER).get_data(as_text=True)
    assert notice not in get(web, "/dokument/RIKT-IS-01", STAFF).get_data(as_text=True)
    assert get(web, "/api/v1/dokument/RIKT-IS-01", STAFF).get_json()["draft"] is None
    assert get(web, "/api/v1/dokument/RIKT-IS-01", OWNER).get_json()["draft"] is not None
    listed = get(web, "/api/v1/dokument?q=RIKT-IS-01", STAFF).get_json()["items"]
    assert [d["draft"] for d in listed if d["ref"] == "RIKT-IS-01"] == [None]
    # Visitors who are not signed in see no draft either.
    assert notice not in get(web, "/dokument/RIKT-IS-01", None).get_data(as_text=True)
