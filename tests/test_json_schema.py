"""The JSON export has a published, versioned JSON Schema, and exports conform to it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import DEMO_TODAY
from styrdok.cli import main
from styrdok.demo import build_demo
from styrdok.json_schema import PUBLISHED, export_schema
from styrdok.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        export_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _problems(data: Any) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in _validator().iter_errors(data)]


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Registry.open(path, create=True) as registry:
        build_demo(registry, today=DEMO_TODAY)
        out = io.StringIO()
        registry.export_json(out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_the_published_copy_is_what_styrdok_schema_prints() -> None:
    """docs/schema/styrdok-export-v1.json is exactly `styrdok schema` (regenerate it with
    `styrdok schema > docs/schema/styrdok-export-v1.json` when a class changes)."""
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert (ROOT / PUBLISHED).read_text(encoding="utf-8") == result.output


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    """The schema itself passes the Draft 2020-12 meta-schema."""
    schema = export_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_demo_registers_export_conforms(demo_export: dict[str, Any]) -> None:
    """Every record of the Mittköping demo's export matches the schema."""
    assert _problems(demo_export) == []
    assert len(demo_export["documents"]) == 17


def test_an_empty_registers_export_conforms(registry: Registry) -> None:
    """An export with every section empty matches the schema too."""
    out = io.StringIO()
    registry.export_json(out)
    assert _problems(json.loads(out.getvalue())) == []


def test_a_field_the_schema_does_not_know_is_refused(demo_export: dict[str, Any]) -> None:
    """No additional properties: so every field the exporter writes is in the schema
    (the demo validates), and a field it does not write is not."""
    data = json.loads(json.dumps(demo_export))
    data["dispensations"][0]["funding"]["vat"] = "25"
    assert _problems(data) == [
        "$.dispensations[0].funding: Additional properties are not allowed ('vat' was unexpected)"
    ]


def test_the_schema_follows_the_domain_classes() -> None:
    """Generated from the attrs classes: a document's Markdown text is described, dates are
    dates, codes are enumerated, references have their pattern."""
    document = export_schema()["$defs"]["Document"]
    assert document["properties"]["text"]["type"] == "string"
    assert document["properties"]["decided_on"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert "in_force" in document["properties"]["status"]["enum"]
    assert document["properties"]["owner"]["pattern"].startswith("^[A-Za-z0-9]")
    assert document["required"] == ["ref", "title", "doc_type", "owner"]


def test_a_bad_date_in_an_export_fails_the_schema(demo_export: dict[str, Any]) -> None:
    """Dates are checked as dates (format assertion on)."""
    data = json.loads(json.dumps(demo_export))
    data["documents"][0]["decided_on"] = "29/1/2026"
    assert _problems(data) and "decided_on" in _problems(data)[0]
