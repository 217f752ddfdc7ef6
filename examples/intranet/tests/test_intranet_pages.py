"""The intranet example's pages and JSON API, through Flask's test client."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from intranet_support import SECRET, demo_db, demo_template, make_app
from styrdok_intranet.identity import form_token

from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
ELSEWHERE = {"REMOTE_ADDR": "10.1.2.3"}


def client(db: Path) -> FlaskClient:
    return make_app(db).test_client()


def test_the_register_lists_documents_in_force_and_filters_them(demo_db: Path) -> None:
    web = client(demo_db)
    page = web.get("/").get_data(as_text=True)
    assert "14 dokument" in page
    assert 'lang="sv"' in page
    overdue = web.get("/?forsenad=ja").get_data(as_text=True)
    assert "5 dokument" in overdue
    by_body = web.get("/?instans=BUN").get_data(as_text=True)
    assert "Vägledning för molntjänster i skolan" in by_body
    assert "Informationssäkerhetspolicy" not in by_body
    found = web.get("/?q=molntjänster").get_data(as_text=True)
    # Searched in the texts too, best first: the title match above the text match.
    assert "2 dokument" in found
    assert found.index("RIKT-MOLN-SKOLA") < found.index("RIKT-IS-01")
    assert "<mark>molntjänster</mark>" in found
    assert "1 dokument" in web.get("/?q=moln-skola").get_data(as_text=True)  # part of a ref


def test_a_document_page_shows_its_text_and_what_the_version_changed(demo_db: Path) -> None:
    page = client(demo_db).get("/dokument/RIKT-SOC-01").get_data(as_text=True)
    assert '<h2 id="texten">Texten</h2>' in page
    assert "<summary>Vad ändrades i version 3?</summary>" in page
    assert '<ins><span class="sr">[tillagt: </span>' in page
    assert '<del><span class="sr">[struket: </span>' in page


def test_a_document_page_shows_contacts_faq_and_dispensations(demo_db: Path) -> None:
    page = client(demo_db).get("/dokument/RIKT-IS-02").get_data(as_text=True)
    for expected in ("Gustav Berg", "Vanliga frågor", "Dispenser som gäller nu", "D-2026-0002"):
        assert expected in page


def test_the_user_header_is_believed_only_from_the_trusted_proxy(demo_db: Path) -> None:
    web = client(demo_db)
    headers = {"X-Remote-User": "sara.jansson"}
    assert "Inloggad som Sara Jansson" in web.get(
        "/", headers=headers, environ_base=PROXY
    ).get_data(as_text=True)
    spoofed = web.get("/", headers=headers, environ_base=ELSEWHERE).get_data(as_text=True)
    assert "Inte inloggad" in spoofed
    asked = web.post(
        "/dokument/RIKT-IS-02/fraga",
        data={"text": "Får jag?", "token": form_token(SECRET, "sara.jansson")},
        headers=headers,
        environ_base=ELSEWHERE,
    )
    assert asked.status_code == 403
    with Registry.open(demo_db) as registry:
        assert len(registry.questions("RIKT-IS-02")) == 1  # only the demo's own question


def test_a_form_without_the_users_token_is_refused(demo_db: Path) -> None:
    response = client(demo_db).post(
        "/dokument/RIKT-IS-02/fraga",
        data={"text": "Får jag?", "token": "forged"},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    assert response.status_code == 400


def test_the_registry_decides_who_may_answer(demo_db: Path) -> None:
    response = client(demo_db).post(
        "/fragor/4/svar",
        data={"answer": "Ja.", "token": form_token(SECRET, "sara.jansson")},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    assert response.status_code == 403
    assert "det gör dess väktare eller dokumentägare" in response.get_data(as_text=True)


def test_the_json_api_mirrors_the_pages(demo_db: Path) -> None:
    web = client(demo_db)
    documents = web.get("/api/dokument?forsenad=ja").get_json()
    assert len(documents) == 5
    one = web.get("/api/dokument/RIKT-IS-02").get_json()
    assert one["document"]["guardian"] == "gustav.berg"
    assert [d["ref"] for d in one["active_dispensations"]] == ["D-2026-0002"]
    assert web.get("/api/dispenser/D-2026-0002").get_json()["status"] == "approved"
    missing = web.get("/api/dokument/NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.get_json()["error"]


def test_an_unknown_document_is_a_404_page_in_swedish(demo_db: Path) -> None:
    """The registry's reason, in Swedish too, under a Swedish explanation."""
    response = client(demo_db).get("/dokument/NOPE")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<h1>Finns inte</h1>" in page
    assert "Det du söker finns inte i registret" in page
    assert "Registrets förklaring: okänt dokument &#39;NOPE&#39;" in page


def test_a_document_page_lists_its_files_and_serves_them_checked(demo_db: Path) -> None:
    """The adopted decision as a PDF is listed and downloaded; a file changed in the
    storage after it was attached is refused, never served."""
    from styrdok.attachment import FileKind
    from styrdok.registry import Registry
    from styrdok.testing.sample_files import pdf

    content = pdf(["Protokollsutdrag", "Kommunstyrelsen § 45"])
    source = demo_db.parent / "beslut.pdf"
    source.write_bytes(content)
    with Registry.open(demo_db) as registry:
        attached = registry.attach_file(
            "RIKT-IS-02", source, kind=FileKind.DECISION, title="Beslut KS § 45", actor="eva.ek"
        )
    number = attached.attachment.id
    web = client(demo_db)
    page = web.get("/dokument/RIKT-IS-02").get_data(as_text=True)
    link = f'<a href="/dokument/RIKT-IS-02/fil/{number}">Beslut KS § 45</a>'
    assert link in page and f"(beslut, beslut.pdf, {len(content)} byte)" in page
    download = web.get(f"/dokument/RIKT-IS-02/fil/{number}")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Type"] == "application/pdf"
    [stored] = (demo_db.parent / f"{demo_db.name}.files").rglob(attached.attachment.sha256)
    stored.write_bytes(content.replace(b"45", b"46"))
    refused = web.get(f"/dokument/RIKT-IS-02/fil/{number}")
    assert refused.status_code >= 400 and refused.data != stored.read_bytes()


def test_the_due_dashboard_names_people_not_refs(demo_db: Path) -> None:
    """'Maria Nyström', as colleagues know her, not 'maria.nystrom'."""
    page = client(demo_db).get("/aktuellt").get_data(as_text=True)
    assert '<td data-label="Ansvarig">Maria Nyström</td>' in page
    assert '<td data-label="Ansvarig">maria.nystrom</td>' not in page
