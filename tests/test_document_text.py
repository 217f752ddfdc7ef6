"""A document's own text: kept per version, counted, rendered safely, and compared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import day
from styrdok import markdown
from styrdok.errors import InvalidValue, RuleViolation
from styrdok.registry import Registry

Run = Callable[..., Result]

# Stored text ends without a line break (free text is stripped), so these do too.
V1 = "## Regler\n\nLösenord ska vara långa.\nByt lösenord varje år.\n\nFråga IT-enheten."
V2 = (
    "## Regler\n\nLösenord ska vara mycket långa.\n\nFråga IT-enheten.\n"
    "Använd tvåfaktorsinloggning."
)


@pytest.fixture
def db_url(db_path: Path) -> str:
    """SQLite only: what is tested here does not depend on the engine (the storage
    contract runs the text and search on every engine)."""
    return str(db_path)


def _set_text(registry: Registry, text: str, ref: str = "POL-1") -> None:
    doc = registry.get_document(ref)
    registry.edit_document(ref, {"text": text}, actor="owner", expected_revision=doc.revision)


@pytest.fixture
def two_versions(seeded: Registry) -> Registry:
    """POL-1 adopted with text V1 (day -100), then with V2 and a new title (day -10)."""
    _set_text(seeded, V1)
    # The seed adopted POL-1 before it had text: adopt V1 as version 2, V2 as version 3.
    seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(-50))
    doc = seeded.get_document("POL-1")
    seeded.edit_document(
        "POL-1",
        {"text": V2, "title": "Lösenordspolicy"},
        actor="owner",
        expected_revision=doc.revision,
    )
    seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(-10))
    return seeded


# --- text and word count -----------------------------------------------------------------


def test_the_word_count_follows_the_text(seeded: Registry) -> None:
    _set_text(seeded, "## Regler\n\nLäs [e-post](https://example.se/a-b-c) varje dag.")
    draft = seeded.get_document("POL-1").draft  # POL-1 is in force: a draft revision
    assert draft is not None and draft.word_count == 5  # Regler Läs e-post varje dag


def test_a_word_count_given_beside_a_text_is_refused(seeded: Registry) -> None:
    _set_text(seeded, "Kort text.")
    doc = seeded.get_document("POL-1")
    with pytest.raises(InvalidValue, match="word_count: counted from the document's text"):
        seeded.edit_document(
            "POL-1", {"word_count": 900}, actor="owner", expected_revision=doc.revision
        )
    draft = seeded.get_document("POL-1").draft
    assert draft is not None and draft.word_count == 2


def test_each_version_keeps_the_text_it_was_adopted_with(two_versions: Registry) -> None:
    texts = {v.version: v.snapshot.text for v in two_versions.document_versions("POL-1")}
    assert texts == {1: "", 2: V1, 3: V2}
    [then] = [v for v in two_versions.documents_in_force(day(-30)) if v.document_ref == "POL-1"]
    assert then.snapshot.text == V1


def test_text_with_hidden_characters_is_refused(seeded: Registry) -> None:
    doc = seeded.get_document("POL-1")
    with pytest.raises(InvalidValue, match="text: text contains a hidden"):
        seeded.edit_document(
            "POL-1", {"text": "Godkänt\u202e"}, actor="owner", expected_revision=doc.revision
        )


# --- the command line ----------------------------------------------------------------------


def test_doc_edit_reads_the_text_from_a_file(seeded: Registry, cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "text.md"
    source.write_text(V1, encoding="utf-8")
    revision = seeded.get_document("POL-1").revision
    result = cli(
        "--as",
        "owner",
        "doc",
        "edit",
        "POL-1",
        "--text-file",
        str(source),
        "--expect-revision",
        str(revision),
    )
    assert result.exit_code == 0, result.output
    draft = seeded.get_document("POL-1").draft  # in force: the next version's text
    assert draft is not None and draft.text == V1


def test_a_text_file_that_is_not_utf8_is_refused_in_one_line(
    seeded: Registry, cli: Run, tmp_path: Path
) -> None:
    source = tmp_path / "text.md"
    source.write_bytes("Lösenord".encode("cp1252"))
    result = cli(
        "--lang", "en", "--as", "owner", "doc", "edit", "POL-1", "--text-file", str(source)
    )
    assert result.exit_code == 2
    assert "is not UTF-8 text (byte 2); save it as UTF-8" in result.output
    assert seeded.get_document("POL-1").text == ""


def test_doc_show_shows_a_past_version_with_its_text(two_versions: Registry, cli: Run) -> None:
    result = cli("--format", "json", "doc", "show", "POL-1", "--version", "2")
    assert result.exit_code == 0, result.output
    assert '"text": "## Regler\\n\\nLösenord ska vara långa.' in result.output
    on = cli("doc", "show", "POL-1", "--on", day(-30).isoformat())
    assert "Byt lösenord varje år." in on.output


def test_doc_show_names_the_versions_there_are(two_versions: Registry, cli: Run) -> None:
    result = cli("doc", "show", "POL-1", "--version", "9")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: POL-1 har ingen version 9 (antagna versioner: 1, 2, 3)"


# --- rendering -----------------------------------------------------------------------------


def test_rendered_text_runs_no_html_and_links_only_to_the_web() -> None:
    html = markdown.to_html(
        "# Rubrik\n\n<script>alert(1)</script>\n\n[klicka](javascript:alert(1)) "
        "[IMY](https://www.imy.se) <img src=x onerror=alert(1)>"
    )
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://www.imy.se">IMY</a>' in html
    assert "<h3>Rubrik</h3>" in html  # below the page's own h1 and h2


def test_rendered_text_loads_nothing_from_elsewhere() -> None:
    """An image from another site would tell it who reads the document: not rendered."""
    html = markdown.to_html("![logga](https://tracker.example/pixel.png)")
    assert "<img" not in html


# --- what changed --------------------------------------------------------------------------


def test_diff_shows_changed_fields_and_the_text_word_by_word(two_versions: Registry) -> None:
    diff = two_versions.compare_versions("POL-1")
    assert (diff.from_version, diff.to_version) == (2, 3)
    assert [(c.field, c.before, c.after) for c in diff.fields if c.field == "title"] == [
        ("title", "Informationssäkerhetspolicy", "Lösenordspolicy")
    ]
    changes = [(p.op, p.text) for p in diff.text if p.op != "equal"]
    assert ("insert", "mycket ") in changes
    assert ("delete", "Byt lösenord varje år.\n") in changes
    assert any(op == "insert" and "Använd tvåfaktorsinloggning." in t for op, t in changes)
    rebuilt = "".join(p.text for p in diff.text if p.op != "delete")
    assert rebuilt == V2


def test_diff_needs_two_versions_that_exist(two_versions: Registry, seeded: Registry) -> None:
    with pytest.raises(
        InvalidValue, match=r"to_version: POL-1 has no version 7 \(versions: 1, 2, 3\)"
    ):
        two_versions.compare_versions("POL-1", to_version=7)
    with pytest.raises(InvalidValue, match="must be earlier"):
        two_versions.compare_versions("POL-1", from_version=3, to_version=2)
    with pytest.raises(RuleViolation, match="no version before version 1"):
        two_versions.compare_versions("POL-1", to_version=1)


def test_doc_diff_marks_removed_and_added_words(two_versions: Registry, cli: Run) -> None:
    result = cli("doc", "diff", "POL-1", "--from", "2", "--to", "3")
    assert result.exit_code == 0, result.output
    assert "titel: Informationssäkerhetspolicy → Lösenordspolicy" in result.output
    assert "Lösenord ska vara {+mycket +}långa." in result.output
    assert "[-Byt lösenord varje år.\n-]" in result.output


def test_doc_diff_as_json_is_structured(two_versions: Registry, cli: Run) -> None:
    import json

    data = json.loads(cli("--format", "json", "doc", "diff", "POL-1").output)
    assert data["from_version"] == 2 and data["to_version"] == 3
    assert {"op": "insert", "text": "mycket "} in data["text"]


def test_doc_show_says_when_no_version_was_in_force(two_versions: Registry, cli: Run) -> None:
    result = cli("doc", "show", "POL-1", "--on", day(-200).isoformat())
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: POL-1 har ingen version som gällde {day(-200)} (antagna versioner: 1, 2, 3)"
    )
