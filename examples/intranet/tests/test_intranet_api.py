"""The versioned API (``/api/v1``) as another intranet's program uses it: reading pages of
the register, requesting and deciding dispensations with revisions, asking and answering,
personal API tokens, CORS for the configured portal only — on the Mittköping demo, through
Flask's test client. Every response here is also held to the OpenAPI document by
``test_intranet_api_openapi.py``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from intranet_support import DEMO_NOW, demo_db, demo_template, make_app
from werkzeug.test import TestResponse

from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
PORTAL = "https://intranet.mittkoping.se"
#: A pending request on RIKT-IS-02 (guardian gustav.berg decides; amir.yusuf asked).
PENDING = "D-2026-0003"
GUARDIAN = "gustav.berg"
REQUESTER = "amir.yusuf"


@pytest.fixture
def web(demo_db: Path) -> FlaskClient:
    return make_app(demo_db, cors_origins=(PORTAL,)).test_client()


def call(
    web: FlaskClient,
    method: str,
    path: str,
    *,
    user: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    """``method`` ``path`` as ``user`` (through the login proxy), ``body`` as JSON."""
    sent = dict(headers or {})
    if user:
        sent["X-Remote-User"] = user
    return web.open(path, method=method, json=body, headers=sent, environ_base=PROXY)


def request_body(**changes: Any) -> dict[str, Any]:
    """A request for a dispensation from RIKT-IS-02 that its rules allow."""
    body = {
        "document_ref": "RIKT-IS-02",
        "scope": "Extern molntjänst för enkäter i en mätperiod",
        "responsible": "amir.yusuf",
        "valid_from": "2026-12-01",
        "valid_until": "2027-03-31",
        "funding": {"no_extra_cost": True},
        "justification": "Ingen godkänd tjänst klarar enkätens format",
        "limits": "Inga personuppgifter i enkäten; avvecklas efter mätperioden",
    }
    return {**body, **changes}


def test_anyone_reads_the_register_a_page_at_a_time(web: FlaskClient) -> None:
    first = call(web, "GET", "/api/v1/dokument?per_sida=2")
    assert first.status_code == 200
    data = first.get_json()
    assert len(data["items"]) == 2 and data["page"] == 1 and data["per_page"] == 2
    assert data["pages"] == -(-data["total"] // 2) > 1
    assert first.headers["X-Total-Count"] == str(data["total"])
    assert 'rel="next"' in first.headers["Link"]
    second = call(web, "GET", "/api/v1/dokument?per_sida=2&sida=2").get_json()
    assert {d["ref"] for d in second["items"]}.isdisjoint(d["ref"] for d in data["items"])


def test_a_record_carries_its_revision_and_answers_not_modified(web: FlaskClient) -> None:
    found = call(web, "GET", "/api/v1/dispenser/D-2026-0001")
    assert found.status_code == 200
    tag = found.headers["ETag"]
    assert tag == f'"r{found.get_json()["revision"]}"'
    again = call(web, "GET", "/api/v1/dispenser/D-2026-0001", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""


def test_a_draft_is_not_found_for_those_who_do_not_work_on_it(web: FlaskClient) -> None:
    response = call(web, "GET", "/api/v1/dokument/RIKT-AI-01")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "not_found"


def test_a_request_made_through_the_api_is_the_requesters_own(web: FlaskClient) -> None:
    made = call(web, "POST", "/api/v1/dispenser", user="sara.jansson", body=request_body())
    assert made.status_code == 201, made.get_json()
    disp = made.get_json()
    assert disp["requested_by"] == "sara.jansson" and disp["status"] == "requested"
    assert made.headers["Location"] == f"/api/v1/dispenser/{disp['ref']}"
    mine = call(web, "GET", "/api/v1/dispenser?urval=mina", user="sara.jansson").get_json()
    assert disp["ref"] in {d["ref"] for d in mine["items"]}


def test_a_form_post_from_another_site_changes_nothing(web: FlaskClient, demo_db: Path) -> None:
    before = _dispensation_count(demo_db)
    response = web.post(
        "/api/v1/dispenser",
        data={"document_ref": "RIKT-IS-02"},
        headers={"X-Remote-User": "sara.jansson"},
        environ_base=PROXY,
    )
    assert response.status_code == 415
    assert _dispensation_count(demo_db) == before


def test_nobody_changes_anything_without_saying_who_they_are(web: FlaskClient) -> None:
    response = call(web, "POST", "/api/v1/dispenser", body=request_body())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_rules_of_the_core_answer_in_the_api(web: FlaskClient) -> None:
    too_long = request_body(valid_until="2028-12-31")  # RIKT-IS-02 allows 365 days
    response = call(web, "POST", "/api/v1/dispenser", user="sara.jansson", body=too_long)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "rule_violation" and "365" in problem["detail"]
    typo = request_body(funding={"no_extra_cost": "ja"})
    assert call(web, "POST", "/api/v1/dispenser", user="sara.jansson", body=typo).status_code == 422


def test_a_decision_needs_the_revision_it_was_based_on(web: FlaskClient) -> None:
    path = f"/api/v1/dispenser/{PENDING}/beslut"
    body = {"outcome": "approved", "reasoning": "Avvecklingsplanen räcker"}
    assert call(web, "POST", path, user=GUARDIAN, body=body).status_code == 428
    tag = call(web, "GET", f"/api/v1/dispenser/{PENDING}").headers["ETag"]
    stale = call(web, "POST", path, user=GUARDIAN, body=body, headers={"If-Match": '"r99"'})
    assert stale.status_code == 412
    done = call(web, "POST", path, user=GUARDIAN, body=body, headers={"If-Match": tag})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "approved"
    assert done.headers["ETag"] != tag
    # The same tag again: someone else's decision came in between.
    again = call(web, "POST", path, user=GUARDIAN, body=body, headers={"If-Match": tag})
    assert again.status_code == 412


def test_a_requester_may_not_decide_their_own_request(web: FlaskClient) -> None:
    body = {"outcome": "approved", "reasoning": "Jag behöver det"}
    response = call(
        web,
        "POST",
        f"/api/v1/dispenser/{PENDING}/beslut",
        user=REQUESTER,
        body=body,
        headers={"If-Match": "*"},
    )
    assert response.status_code == 403
    assert response.get_json()["detail"] == (
        f"{REQUESTER} får inte besluta om {PENDING}: hen har ansökt om den (jäv)"
    )


def test_a_refusal_is_in_english_for_a_program_that_asks_for_it(web: FlaskClient) -> None:
    """The registry's reason is Swedish, as the intranet is, unless the request prefers
    English (Accept-Language)."""
    response = call(
        web,
        "POST",
        f"/api/v1/dispenser/{PENDING}/beslut",
        user=REQUESTER,
        body={"outcome": "approved", "reasoning": "Jag behöver det"},
        headers={"If-Match": "*", "Accept-Language": "en-GB,en;q=0.9"},
    )
    assert response.status_code == 403
    assert response.get_json()["detail"] == (
        f"{REQUESTER} may not decide {PENDING}: they requested it (separation of duties)"
    )


def test_to_decide_lists_what_waits_on_the_decider(web: FlaskClient) -> None:
    waiting = call(web, "GET", "/api/v1/dispenser?urval=att-besluta", user=GUARDIAN).get_json()
    assert PENDING in {d["ref"] for d in waiting["items"]}
    assert all(d["status"] == "requested" for d in waiting["items"])
    theirs = call(web, "GET", "/api/v1/dispenser?urval=att-besluta", user=REQUESTER).get_json()
    assert PENDING not in {d["ref"] for d in theirs["items"]}


def test_a_requester_withdraws_a_pending_request(web: FlaskClient) -> None:
    response = call(
        web,
        "POST",
        f"/api/v1/dispenser/{PENDING}/atertagande",
        user=REQUESTER,
        body={"reason": "Behövs inte längre"},
        headers={"If-Match": "*"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "withdrawn"


def test_a_renewal_is_a_new_request_linked_to_the_original(web: FlaskClient) -> None:
    response = call(
        web,
        "POST",
        "/api/v1/dispenser/D-2026-0001/fornyelse",
        user="lisa.holm",
        body={"valid_until": "2027-03-31", "justification": "Piloten förlängs en termin"},
    )
    assert response.status_code == 201, response.get_json()
    renewal = response.get_json()
    assert renewal["renewal_of"] == "D-2026-0001" and renewal["status"] == "requested"


def test_a_question_reaches_the_guardian_and_the_answer_the_asker(web: FlaskClient) -> None:
    asked = call(
        web,
        "POST",
        "/api/v1/dokument/RIKT-IS-02/fragor",
        user="sara.jansson",
        body={"text": "Gäller riktlinjen även för vikarier?"},
    )
    assert asked.status_code == 201, asked.get_json()
    question = asked.get_json()
    inbox = call(web, "GET", "/api/v1/fragor?urval=till-mig&obesvarade=ja", user=GUARDIAN)
    assert question["id"] in {q["id"] for q in inbox.get_json()["items"]}
    stranger = call(web, "GET", f"/api/v1/fragor/{question['id']}", user="lisa.holm")
    assert stranger.status_code == 404
    answered = call(
        web,
        "POST",
        f"/api/v1/fragor/{question['id']}/svar",
        user=GUARDIAN,
        body={"answer": "Ja, för alla som arbetar hos oss."},
    )
    assert answered.status_code == 200, answered.get_json()
    mine = call(web, "GET", f"/api/v1/fragor/{question['id']}", user="sara.jansson")
    assert mine.get_json()["answer"] == "Ja, för alla som arbetar hos oss."


def test_a_member_the_operation_does_not_take_is_refused(web: FlaskClient) -> None:
    response = call(
        web,
        "POST",
        f"/api/v1/dispenser/{PENDING}/beslut",
        user=GUARDIAN,
        body={"outcome": "approved", "reason": "typo for reasoning"},
        headers={"If-Match": "*"},
    )
    assert response.status_code == 400
    assert "reason" in response.get_json()["detail"]


def test_a_personal_token_acts_as_its_person(web: FlaskClient, demo_db: Path) -> None:
    secret = _token(demo_db, "sara.jansson")
    me = web.get("/api/v1/mig", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["ref"] == "sara.jansson"
    made = web.post(
        "/api/v1/dispenser",
        json=request_body(),
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert made.status_code == 201 and made.get_json()["requested_by"] == "sara.jansson"


@pytest.mark.parametrize("header", ["Bearer styrdok_000000000000_nope", "Bearer ", "Basic abc"])
def test_a_token_that_does_not_hold_is_refused_not_ignored(web: FlaskClient, header: str) -> None:
    response = web.get("/api/v1/dokument", headers={"Authorization": header})
    assert response.status_code == 401
    assert "error=" in response.headers["WWW-Authenticate"]
    assert "nope" not in response.get_data(as_text=True)


def test_a_revoked_token_no_longer_works(web: FlaskClient, demo_db: Path) -> None:
    secret = _token(demo_db, "sara.jansson")
    with Registry.open(demo_db, clock=lambda: DEMO_NOW) as registry:
        (token,) = registry.list_tokens(person="sara.jansson")
        registry.revoke_token(token.id, actor="sara.jansson")
    response = web.get("/api/v1/mig", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_only_the_configured_portal_may_call_from_a_browser(web: FlaskClient) -> None:
    allowed = web.get("/api/v1/dokument", headers={"Origin": PORTAL})
    assert allowed.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    other = web.get("/api/v1/dokument", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]
    preflight = web.options(
        "/api/v1/dispenser",
        headers={
            "Origin": PORTAL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, if-match",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_a_cors_origin_that_is_not_an_origin_is_refused_at_start(demo_db: Path) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        make_app(demo_db, cors_origins=("*",))


def _token(db: Path, person: str) -> str:
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        _token_record, secret = registry.create_token(person, name="Portalen", actor="eva.ek")
    return secret


def _dispensation_count(db: Path) -> int:
    with Registry.open(db, clock=lambda: DEMO_NOW) as registry:
        return len(registry.list_dispensations())
