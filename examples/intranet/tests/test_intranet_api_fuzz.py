"""Fuzz the versioned API from its own OpenAPI document (schemathesis): whatever a client
sends — valid, odd or hostile — the API never answers with a server error, and every
answer is one the document describes (status, media type, headers and body).

Requests come as a signed-in person through the login proxy, so the operations that need
one are reached too; the register is the Mittköping demo. The number of examples per
operation is kept small enough for CI (``STYRDOK_FUZZ_EXAMPLES`` raises it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from intranet_support import demo_db, demo_template, make_app
from schemathesis import GenerationMode, checks
from styrdok_intranet.api import openapi

__all__ = ["demo_db", "demo_template"]  # fixtures used below

EXAMPLES = int(os.environ.get("STYRDOK_FUZZ_EXAMPLES", "25"))
#: What the issue asks of the API: no 5xx, and nothing that breaks its own document.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


#: Every operation the document describes, as schemathesis labels them ("GET /api/v1/mig"),
#: each with valid data; and those with a query or a body to get wrong, with invalid data
#: too (an operation with only a path parameter has nothing schemathesis can make invalid).
CASES = [
    pytest.param(label, mode, id=f"{label} {mode.value}")
    for path, item in openapi.document()["paths"].items()
    for method, operation in item.items()
    for label in [f"{method.upper()} {path}"]
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE
    or "requestBody" in operation
    or any(p["in"] == "query" for p in operation.get("parameters", []))
]


@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_the_api_keeps_to_its_document_whatever_it_is_sent(
    demo_db: Path, operation: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", make_app(demo_db))
    strategy = schema.find_operation_by_label(operation).as_strategy(mode)

    @given(strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same examples on every run: CI is not a lottery
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def sent(case: Any) -> None:
        case.call_and_validate(
            headers={"X-Remote-User": "gustav.berg"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            checks=CHECKS,
        )

    sent()
