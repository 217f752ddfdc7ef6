"""The example plugin: its rule, and the rule at work in `styrdok doc check`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import styrdok_council_check
from click.testing import CliRunner

from styrdok import Document
from styrdok.cli import main
from styrdok.plugins import get_plugin_manager

sys._styrdok_testing = True  # type: ignore[attr-defined]


def test_council_documents_need_a_registry_number() -> None:
    """KF without a diarienummer is a finding; with one, or from another body, it is not."""
    doc = Document("POL-1", "Policy", "policy", owner="anna", adopted_by="KF")
    assert styrdok_council_check.styrdok_check_document(doc) == [
        "adopted by the council but has no registry number (diarienummer)"
    ]
    numbered = Document(
        "POL-1", "Policy", "policy", owner="anna", adopted_by="KF", registry_number="KS 2026/1"
    )
    assert styrdok_council_check.styrdok_check_document(numbered) == []
    board = Document("R-1", "Riktlinje", "guideline", owner="anna", adopted_by="KS")
    assert styrdok_council_check.styrdok_check_document(board) == []


@pytest.fixture
def installed() -> Iterator[None]:
    """Registered as if installed (tests never load installed entry points)."""
    get_plugin_manager().register(styrdok_council_check, name="council_check")
    yield
    get_plugin_manager().unregister(name="council_check")


def test_doc_check_reports_the_plugins_findings(installed: None, tmp_path: Path) -> None:
    """On the Mittköping register the personnel policy lacks a diarienummer."""
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "demo", "--today", "2026-11-22"]).exit_code == 0
    result = runner.invoke(
        main, ["--db", db, "--format", "csv", "doc", "check", "--all", "--strict"]
    )
    assert result.exit_code == 1
    assert (
        '"POL-PERS-01","10/10","adopted by the council but has no registry number (diarienummer)"'
        in result.output.splitlines()
    )
    lines = result.output.splitlines()
    assert any(line.startswith('"POL-IS-01","10/10",') for line in lines)  # it has KS 2023/412
    listed = runner.invoke(main, ["--format", "csv", "plugins"]).output
    assert '"council_check","0.1.0","styrdok_check_document"' in listed.splitlines()
