"""`styrdok report` writes every format as it reads the long lists from the store (issue
19), and what it writes is what the report held in memory reads as."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import day, policy, request
from styrdok import Body, InvalidValue
from styrdok.cli.output import emit_fitted, emit_rows
from styrdok.cli.report_json import Listed, _pieces
from styrdok.enums import DocStatus
from styrdok.registry import Registry
from styrdok.report import rows
from styrdok.report_html import render

ON = str(day(0))
LONG_TITLE = "Riktlinjer för " + "informationssäkerhet och " * 3 + "molntjänster"


@pytest.fixture
def busy(seeded: Registry) -> Registry:
    """Something in every long list: two drafts without a guardian, dispensations in
    effect and renewed on three documents, and reviews long overdue under two bodies, one
    document with a title longer than a table's column."""
    seeded.add_body(Body("BUN", "Barn- och utbildningsnämnden", "committee"), actor="admin")
    for ref, body, on, title in (
        ("POL-2", "KS", -500, "Plan"),
        ("POL-3", "BUN", -500, LONG_TITLE),
        ("POL-4", "BUN", -450, "Rutin"),
    ):
        seeded.add_document(policy(ref, title=title), actor="owner")
        seeded.adopt_document(ref, actor="owner", body=body, on=day(on))
    for ref in ("DRAFT-B", "DRAFT-a"):
        seeded.add_document(policy(ref, guardian=None), actor="owner")
    first = ""
    for document in ("POL-1", "POL-2", "POL-2", "POL-3"):
        ref = seeded.request_dispensation(
            request(document, valid_from=day(-5), valid_until=day(60)), actor="requester"
        ).ref
        seeded.approve_dispensation(ref, actor="guardian")
        first = first or ref
    renewal = seeded.renew_dispensation(first, actor="requester", valid_until=day(150))
    seeded.approve_dispensation(renewal.ref, actor="guardian")
    return seeded


def test_the_lists_are_streamed_in_the_order_the_report_shows(busy: Registry) -> None:
    """Read as ``styrdok report`` reads them, each list holds what the report in memory
    holds, in its order, as often as it is read; a wrong argument is refused at once."""
    held = busy.report(today=day(0))
    assert held.without_guardian == ("DRAFT-B", "DRAFT-a")  # by code point
    assert [(d.document_ref, d.active, d.renewals) for d in held.by_document] == [
        ("POL-2", 2, 0),
        ("POL-1", 1, 1),
        ("POL-3", 1, 0),
    ]
    assert [(d.body, d.ref) for d in held.long_overdue] == [
        ("BUN", "POL-3"),
        ("BUN", "POL-4"),
        ("KS", "POL-2"),
    ]
    with busy.streamed_report(today=day(0)) as streamed:
        assert not isinstance(streamed.by_document, tuple)  # read from the store
        for _ in range(2):
            assert tuple(streamed.without_guardian) == held.without_guardian
            assert tuple(streamed.by_document) == held.by_document
            assert tuple(streamed.long_overdue) == held.long_overdue
        assert streamed.held() == held
    with pytest.raises(InvalidValue, match="long_overdue_after_days"):
        busy.streamed_report(long_overdue_after_days=0)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_written_as_read_is_the_page_of_the_report_held(
    busy: Registry, cli: Callable[..., Result], tmp_path: Path, language: str
) -> None:
    """The HTML file, written a piece at a time from the store, is byte for byte the page
    rendered whole from :meth:`Registry.report`."""
    target = tmp_path / "rapport.html"
    result = cli(
        "--lang", language, "report", "--today", ON, "--html", str(target), "--organisation", "K"
    )
    assert result.exit_code == 0
    page = render(busy.report(today=day(0)), organisation="K", language=language)
    assert target.read_text(encoding="utf-8") == page
    assert "<ul><li>DRAFT-B</li><li>DRAFT-a</li></ul>" in page


def test_the_csv_written_as_read_holds_the_rows_of_the_report_held(
    busy: Registry, cli: Callable[..., Result]
) -> None:
    """Every long-format row, in order, as :func:`styrdok.report.rows` gives them."""
    written = list(
        csv.DictReader(io.StringIO(cli("--format", "csv", "report", "--today", ON).output))
    )
    held = [{k: str(v) for k, v in row.items()} for row in rows(busy.report(today=day(0)))]
    assert written == held
    assert {"section": "without_guardian", "group": "DRAFT-a", "measure": "document",
            "value": "1"} in written  # fmt: skip


def test_the_json_written_as_read_is_what_json_dumps_writes(
    busy: Registry, cli: Callable[..., Result]
) -> None:
    """The JSON, written an item at a time, is ``json.dumps(indent=2)`` of its own data,
    byte for byte, and its lists are the report's."""
    output = cli("--format", "json", "report", "--today", ON).output
    data = json.loads(output)
    assert output == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    held = busy.report(today=day(0))
    assert data["without_guardian"] == list(held.without_guardian)
    assert [
        (d["document"], d["active"], d["renewals"]) for d in data["dispensations_by_document"]
    ] == [(d.document_ref, d.active, d.renewals) for d in held.by_document]
    assert [d["document"] for d in data["long_overdue"]] == [d.ref for d in held.long_overdue]


@pytest.mark.parametrize(
    ("data", "streamed"),
    [
        ({"empty": [], "none": None, "nested": {"a": [1, {"b": "ö"}], "c": {}}}, {"empty"}),
        ({"items": [{"x": [1.5, None]}, "två", []], "last": [{}, [[]]], "n": 3}, {"items", "last"}),
        ({}, set()),
    ],
)
def test_json_in_pieces_is_json_dumps(data: dict[str, Any], streamed: set[str]) -> None:
    """Nested values, empty lists and objects, text beyond ASCII: the pieces, lists among
    them read as they are written, join to what ``json.dumps(…, ensure_ascii=False,
    indent=2)`` writes for the same object."""
    members = {k: Listed(iter(v)) if k in streamed else v for k, v in data.items()}
    assert "".join(_pieces(members)) == json.dumps(data, ensure_ascii=False, indent=2)


def test_a_table_fitted_as_it_is_read_is_the_table_fitted_in_memory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Column widths from every row — the widest last, a cell over 60 characters cut —
    codes as their labels, and nothing to show: the same lines as :func:`emit_rows`."""
    columns = [("ref", "DOCUMENT"), ("title", "TITLE"), ("status", "STATUS"), ("n", "N")]
    table = [
        {"ref": "A", "title": "Kort", "status": DocStatus.DRAFT, "n": 1},
        {"ref": "B", "title": "  ett  mellanrum ", "status": DocStatus.IN_FORCE, "n": None},
        *({"ref": f"R-{i}", "title": "x" * i, "status": DocStatus.REPEALED, "n": i * 1000}
          for i in range(2, 70, 7)),
        {"ref": "LONGEST-REF-LAST", "title": LONG_TITLE, "status": None, "n": True},
    ]  # fmt: skip
    shown = []
    for listed in (table, []):
        emit_rows(iter(listed), columns, "table", language="en", empty="None granted.")
        held = capsys.readouterr().out
        emit_fitted(iter(listed), columns, language="en", empty="None granted.", block=3)
        assert capsys.readouterr().out == held
        shown.append(held)
    assert "…" in shown[0] and "in force" in shown[0]  # cut at 60; a code as its label
    assert shown[1] == "None granted.\n"


def test_the_text_written_as_read(busy: Registry, cli: Callable[..., Result]) -> None:
    """The table's lists, read from the store as they are printed: the refs without a
    guardian on one line, the dispensations per document in the report's order, the
    columns fitted to every row."""
    text = cli("report", "--today", ON).output
    assert "2 utan väktare" in text
    assert "\nDokument utan väktare\nDRAFT-B, DRAFT-a\n" in text
    assert (
        "\nDispenser per dokument\n"
        "DOKUMENT  GÄLLER NU  FÖRLÄNGNINGAR\n"
        "--------  ---------  -------------\n"
        "POL-2     2          0\n"
        "POL-1     1          1\n"
        "POL-3     1          0\n\n"
    ) in text
