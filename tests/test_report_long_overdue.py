"""The governance report's list of long-overdue reviews per adopting body, for the body's
next meeting — the third step of escalation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import TODAY, day, policy
from styrdok import Body, Person
from styrdok.registry import Registry
from styrdok.report import build

D = dt.date


def test_documents_at_least_thirty_days_overdue_by_body_then_most_overdue() -> None:
    """Documents in force 30 days or more past their review date, grouped by the adopting
    body, the most overdue first; fresher ones, drafts and documents without a date are
    not listed; one recorded without a body comes last."""

    def in_force(ref: str, body: str | None, due: int, **changes: object) -> object:
        fields = {"status": "in_force", "version": 1, "decided_on": day(-400)}
        return policy(ref, adopted_by=body, next_review_on=day(due), **{**fields, **changes})

    report = build(
        today=TODAY,
        documents=[
            in_force("KS-A", "KS", -30),
            in_force("KS-B", "KS", -200, title="Plan"),
            in_force("KS-C", "KS", -29),  # not yet: the contact is told on day 30
            in_force("KF-A", "KF", -45),
            in_force("NONE", None, -90),
            policy("DRAFT", next_review_on=day(-300)),
        ],
        dispensations=[],
        persons=[Person("owner", "Olga Ägare")],
        bodies=[
            Body("KS", "Kommunstyrelsen", "executive_board"),
            Body("KF", "Fullmäktige", "council"),
        ],
    )
    assert [(d.body, d.ref, d.days_overdue) for d in report.long_overdue] == [
        ("KF", "KF-A", 45),
        ("KS", "KS-B", 200),
        ("KS", "KS-A", 30),
        (None, "NONE", 90),
    ]
    first = report.long_overdue[1]
    assert (first.body_name, first.title, first.owner, first.owner_name, first.next_review_on) == (
        "Kommunstyrelsen",
        "Plan",
        "owner",
        "Olga Ägare",
        day(-200),
    )
    assert report.long_overdue_after_days == 30
    later = build(
        today=TODAY,
        documents=[in_force("KS-A", "KS", -30)],
        dispensations=[],
        persons=[],
        bodies=[],
        long_overdue_after_days=60,
    )
    assert later.long_overdue == ()


@pytest.fixture
def late(seeded: Registry) -> Registry:
    """POL-1 due 22 November 2026 and POL-2 "Plan" due 1 September 2026, both adopted by
    Kommunstyrelsen; reported on 31 December 2026 (39 and 121 days overdue)."""
    seeded.add_document(policy("POL-2", title="Plan"), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=D(2025, 9, 1))
    return seeded


def test_the_list_in_every_format(
    late: Registry, cli: Callable[..., Result], tmp_path: Path
) -> None:
    """The table, JSON, CSV and the HTML page each carry ref, title, owner, review date
    and days overdue, per body."""
    today = ["report", "--today", "2026-12-31"]
    table = cli("--lang", "en", *today).output
    assert "Long-overdue reviews per body, for its next meeting (30 days or more)" in table
    lines = table.split("Long-overdue reviews per body")[1].splitlines()
    assert lines[1].split() == ["BODY", "DOCUMENT", "TITLE", "OWNER", "REVIEW", "DATE", "DAYS",
                                "OVERDUE"]  # fmt: skip
    assert lines[3].split()[:3] == ["KS", "POL-2", "Plan"]
    assert lines[3].split()[-2:] == ["2026-09-01", "121"]
    assert lines[4].split()[-2:] == ["2026-11-22", "39"]

    data = json.loads(cli("--format", "json", *today).output)
    assert data["long_overdue_after_days"] == 30
    assert data["long_overdue"][0] == {
        "body": "KS",
        "body_name": "Kommunstyrelsen",
        "document": "POL-2",
        "title": "Plan",
        "owner": "owner",
        "owner_name": "Olga Ägare",
        "next_review_on": "2026-09-01",
        "days_overdue": 121,
    }
    assert [d["document"] for d in data["long_overdue"]] == ["POL-2", "POL-1"]

    rows = list(csv.DictReader(io.StringIO(cli("--format", "csv", *today).output)))
    found = {(r["group"], r["measure"]): r["value"] for r in rows if r["section"] == "long_overdue"}
    assert found == {
        ("KS/POL-2", "days_overdue"): "121",
        ("KS/POL-2", "next_review_on"): "2026-09-01",
        ("KS/POL-2", "owner"): "owner",
        ("KS/POL-1", "days_overdue"): "39",
        ("KS/POL-1", "next_review_on"): "2026-11-22",
        ("KS/POL-1", "owner"): "owner",
    }

    target = tmp_path / "rapport.html"
    assert cli("--lang", "en", *today, "--html", str(target)).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "<h2>Long-overdue reviews per body</h2>" in page
    assert "<h3>Kommunstyrelsen (KS)</h3>" in page
    assert (
        "<tr><td>POL-2</td><td>Plan</td><td>Olga Ägare</td><td>1 September 2026</td>"
        "<td class=n>121</td></tr>"
    ) in page


def test_the_list_follows_the_escalation_setting(
    late: Registry, cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``[reminders] escalate_after_days = 60``: only POL-2 (121 days) is listed."""
    settings = tmp_path / "styrdok.toml"
    settings.write_text("[reminders]\nescalate_after_days = 60\n", encoding="utf-8")
    monkeypatch.setenv("STYRDOK_CONFIG", str(settings))
    data = json.loads(cli("--format", "json", "report", "--today", "2026-12-31").output)
    assert data["long_overdue_after_days"] == 60
    assert [d["document"] for d in data["long_overdue"]] == ["POL-2"]


def test_the_list_reads_in_swedish(late: Registry, cli: Callable[..., Result]) -> None:
    """Swedish headings; nothing that late says so."""
    table = cli("report", "--today", "2026-12-31").output
    assert "Långt försenade aktualitetsprövningar per beslutsinstans" in table
    assert "BESLUTSINSTANS" in table and "DAGAR FÖRSENAD" in table
    empty = cli("report", "--today", "2026-09-15").output
    assert "Ingen aktualitetsprövning är så långt försenad." in empty


def test_the_registry_reports_the_list(late: Registry) -> None:
    """``Registry.report(long_overdue_after_days=…)`` for code that embeds styrdok."""
    report = late.report(today=D(2026, 12, 31), long_overdue_after_days=100)
    assert [(d.ref, d.days_overdue) for d in report.long_overdue] == [("POL-2", 121)]
