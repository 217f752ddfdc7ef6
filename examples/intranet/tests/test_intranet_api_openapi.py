"""The OpenAPI document at ``/api/openapi.json`` says what the API really does: it names
every route the app serves under ``/api/v1`` and no other, its schemas are valid JSON
Schema, and every response of a walk through every operation — successes and refusals —
matches what the document says for that path, method and status."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from intranet_support import DEMO_NOW, demo_db, demo_template, make_app
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
GUARDIAN = "gustav.berg"


class Checked:
    """A test client whose every ``/api/v1`` response is validated against the document,
    remembering which operations and statuses it saw."""

    def __init__(self, app: Flask) -> None:
        self.web: FlaskClient = app.test_client()
        self.spec: dict[str, Any] = self.web.get("/api/openapi.json").get_json()
        self.seen: set[tuple[str, str, str]] = set()

    def __call__(
        self,
        method: str,
        path: str,
        *,
        user: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> TestResponse:
        sent = dict(headers or {})
        if user:
            sent["X-Remote-User"] = user
        response = self.web.open(path, method=method, json=body, headers=sent, environ_base=PROXY)
        self.check(method.lower(), path.split("?")[0], response)
        return response

    def template_of(self, path: str) -> str:
        for template in self.spec["paths"]:
            pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path):
                return template
        raise AssertionError(f"{path} is not in the OpenAPI document")

    def check(self, method: str, path: str, response: TestResponse) -> None:
        template = self.template_of(path)
        operation = self.spec["paths"][template].get(method)
        assert operation is not None, f"{method.upper()} {template} is not documented"
        status = str(response.status_code)
        described = operation["responses"].get(status)
        assert described is not None, f"{method.upper()} {template} answered {status}, undocumented"
        self.seen.add((method, template, status))
        content = described.get("content")
        if not content:
            assert response.data == b"", f"{status} should have no body"
            return
        assert response.mimetype in content, f"{response.mimetype} for {status}"
        schema = {**content[response.mimetype]["schema"], "components": self.spec["components"]}
        Draft202012Validator(schema).validate(response.get_json())
        for header in described.get("headers", {}):
            assert header in response.headers, f"{header} missing on {status}"


@pytest.fixture
def api(demo_db: Path) -> Checked:
    return Checked(make_app(demo_db))


def test_the_document_names_every_api_route_and_no_other(api: Checked, demo_db: Path) -> None:
    app = make_app(demo_db)
    served = {
        (re.sub(r"<(?:int:)?([a-z_]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods or ()
        if method in ("GET", "POST")
    }
    documented = {(path, method) for path, item in api.spec["paths"].items() for method in item}
    assert served == documented


def test_every_schema_in_the_document_is_valid_json_schema(api: Checked) -> None:
    assert api.spec["openapi"].startswith("3.1")
    for schema in api.spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_answers_as_the_document_says(api: Checked, demo_db: Path) -> None:
    with Registry.open(demo_db, clock=lambda: DEMO_NOW) as registry:
        _token, secret = registry.create_token("sara.jansson", name="Test", actor="eva.ek")
    bearer = {"Authorization": f"Bearer {secret}"}
    api("GET", "/api/v1/mig", headers=bearer)
    api("GET", "/api/v1/mig")  # 401
    api("GET", "/api/v1/dokument?per_sida=3&sida=2")
    api("GET", "/api/v1/dokument?sida=0")  # 400
    api("GET", "/api/v1/dokument/RIKT-IS-02")
    api("GET", "/api/v1/dokument/FINNS-INTE")  # 404
    api("GET", "/api/v1/aktuellt?per_sida=5")
    api("GET", "/api/v1/dispenser?status=requested,approved")
    api("GET", "/api/v1/dispenser?status=nej")  # 400
    api("GET", "/api/v1/dispenser?urval=att-besluta", user=GUARDIAN)
    tag = api("GET", "/api/v1/dispenser/D-2026-0003").headers["ETag"]
    api("GET", "/api/v1/dispenser/D-2026-0003", headers={"If-None-Match": tag})  # 304
    request = {
        "document_ref": "RIKT-IS-02",
        "scope": "Enkätverktyg",
        "responsible": "amir.yusuf",
        "valid_from": "2026-12-01",
        "valid_until": "2027-01-31",
        "funding": {"no_extra_cost": True},
    }
    made = api("POST", "/api/v1/dispenser", body=request, headers=bearer).get_json()
    api(
        "POST", "/api/v1/dispenser", body={**request, "valid_until": "2029-01-01"}, user="lisa.holm"
    )
    decide = "/api/v1/dispenser/D-2026-0003/beslut"
    approve = {"outcome": "approved", "reasoning": "Rimligt"}
    api("POST", decide, body=approve, user=GUARDIAN)  # 428
    api("POST", decide, body=approve, user=GUARDIAN, headers={"If-Match": '"r99"'})  # 412
    api("POST", decide, body=approve, user=GUARDIAN, headers={"If-Match": tag})
    api("POST", decide, body={"outcome": "maybe"}, user=GUARDIAN, headers={"If-Match": "*"})
    api(
        "POST",
        f"/api/v1/dispenser/{made['ref']}/atertagande",
        body={},
        headers={**bearer, "If-Match": "*"},
    )
    api(
        "POST",
        "/api/v1/dispenser/D-2026-0001/fornyelse",
        body={"valid_until": "2027-03-31"},
        user="lisa.holm",
    )
    api(
        "POST",
        "/api/v1/dispenser/D-2026-0008/utvardering",
        body={"outcome": "Fungerade"},
        user="hanna.persson",
        headers={"If-Match": "*"},
    )
    asked = api(
        "POST",
        "/api/v1/dokument/RIKT-IS-02/fragor",
        body={"text": "Gäller den vikarier?"},
        headers=bearer,
    )
    qid = asked.get_json()["id"]
    api("GET", "/api/v1/fragor?urval=mina", headers=bearer)
    api("GET", "/api/v1/fragor?urval=alla", headers=bearer)  # 403
    api("GET", f"/api/v1/fragor/{qid}", user=GUARDIAN)
    api("POST", f"/api/v1/fragor/{qid}/svar", body={"answer": "Ja."}, user=GUARDIAN)
    api("GET", "/api/v1/att-lasa", user="lisa.holm")
    api("POST", "/api/v1/dokument/RIKT-IS-02/bekraftelse", body={"version": 1}, user="lisa.holm")
    api("POST", "/api/v1/dokument/RIKT-IS-02/fragor", body={"text": " "}, user="lisa.holm")
    web = api.web
    response = web.post("/api/v1/dokument/RIKT-IS-02/fragor", data="x", headers=bearer)
    api.check("post", "/api/v1/dokument/RIKT-IS-02/fragor", response)  # 415
    operations = {(m, p) for p, item in api.spec["paths"].items() for m in item}
    assert operations <= {(m, p) for m, p, _status in api.seen}
