"""`styrdok report`: where governance is slipping, in numbers a director can act on."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from click.testing import Result

from conftest import TODAY, day, policy, request
from styrdok import Body, Dispensation, Document, Funding, Person
from styrdok.registry import Registry
from styrdok.report import NO_EXTRA_COST, UNSTATED, build

PERSONS = [
    Person("it", "Ida IT", unit="IT-enheten"),
    Person("hr", "Hans HR", unit="HR-avdelningen"),
    Person("nobody", "Nils Utan Enhet"),
]
BODIES = [
    Body("KF", "Kommunfullmäktige", "council"),
    Body("KS", "Kommunstyrelsen", "executive_board"),
]


def in_force(ref: str, *, owner: str, body: str, review_in: int, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "owner": owner,
        "status": "in_force",
        "version": 1,
        "adopted_by": body,
        "decided_on": day(-400),
        "next_review_on": day(review_in),
    }
    return policy(ref, **{**fields, **changes})


def granted(ref: str, document: str = "POL-1", **changes: Any) -> Dispensation:
    fields: dict[str, Any] = {
        "ref": ref,
        "document_ref": document,
        "scope": "Pilot",
        "requested_by": "hr",
        "requested_on": day(-30),
        "responsible": "hr",
        "valid_from": day(-10),
        "valid_until": day(50),
        "funding": Funding(funded_by="BUN", estimated_cost=Decimal("1000")),
        "status": "approved",
    }
    fields.update(changes)
    return Dispensation(**fields)


def test_overdue_share_is_per_owner_unit_and_adopting_body_worst_first() -> None:
    report = build(
        today=TODAY,
        documents=[
            in_force("A", owner="it", body="KS", review_in=-1),  # overdue
            in_force("B", owner="it", body="KS", review_in=0),  # due today: not yet overdue
            in_force("C", owner="hr", body="KF", review_in=-200),  # overdue
            in_force("D", owner="nobody", body="KF", review_in=30),
            policy("E", owner="hr"),  # a draft: not in force, not counted
        ],
        dispensations=[],
        persons=PERSONS,
        bodies=BODIES,
    )
    assert (report.documents_in_force, report.overdue_reviews) == (4, 2)
    assert [(s.group, s.in_force, s.overdue) for s in report.by_unit] == [
        ("HR-avdelningen", 1, 1),
        ("IT-enheten", 2, 1),
        ("–", 1, 0),
    ]
    assert [(s.group, s.share) for s in report.by_body] == [("KF", 0.5), ("KS", 0.5)]


def test_documents_without_guardian_and_counts_per_type_and_level() -> None:
    report = build(
        today=TODAY,
        documents=[
            in_force("A", owner="it", body="KS", review_in=10),
            in_force("B", owner="it", body="KS", review_in=10, doc_type="guideline"),
            in_force("C", owner="it", body="KF", review_in=10),
            policy("DRAFT", owner="it", guardian=None),
            in_force("OLD", owner="it", body="KF", review_in=10, status="repealed", guardian=None),
        ],
        dispensations=[],
        persons=PERSONS,
        bodies=BODIES,
    )
    assert report.without_guardian == ("DRAFT",)  # a repealed document needs no guardian
    assert [(c.doc_type, c.level, c.documents) for c in report.per_type_and_level] == [
        ("guideline", "executive_board", 1),
        ("policy", "council", 1),
        ("policy", "executive_board", 1),
    ]


def test_dispensations_in_effect_renewals_and_cost_by_funder() -> None:
    report = build(
        today=TODAY,
        documents=[],
        dispensations=[
            granted("D1"),
            granted("D2", renewal_of="D1", valid_from=day(51), valid_until=day(90)),
            granted("D3", funding=Funding(no_extra_cost=True), document_ref="POL-2"),
            granted(
                "D4",
                status="requested",
                funding=Funding(funded_by="BUN", estimated_cost=Decimal("99999")),
            ),
            granted("D5", status="expired", valid_until=day(-1), funding=Funding()),
            granted("D6", funding=Funding(funded_by="BUN", estimated_cost=Decimal("250.50"))),
        ],
        persons=PERSONS,
        bodies=BODIES,
    )
    assert report.active_dispensations == 3  # D1, D3, D6: D2 starts later, D4 undecided
    assert report.renewals == 1
    assert [(d.document_ref, d.active, d.renewals) for d in report.by_document] == [
        ("POL-1", 2, 1),
        ("POL-2", 1, 0),
    ]
    assert [(f.funder, f.dispensations, f.estimated_cost) for f in report.cost_by_funder] == [
        ("BUN", 3, Decimal("2250.50")),  # granted ones only: D1, D2, D6
        (NO_EXTRA_COST, 1, Decimal(0)),
        (UNSTATED, 1, Decimal(0)),
    ]


def test_the_registry_reports_what_is_stored(seeded: Registry) -> None:
    ref = seeded.request_dispensation(request(valid_from=day(-5)), actor="requester").ref
    seeded.approve_dispensation(ref, actor="guardian")
    report = seeded.report(today=day(400))  # POL-1's review (day 265) is long overdue
    assert (report.documents_in_force, report.overdue_reviews) == (1, 1)
    assert [(s.group, s.overdue) for s in report.by_body] == [("KS", 1)]
    assert report.active_dispensations == 0  # ended on day 100
    assert seeded.report(today=day(20)).active_dispensations == 1


def test_report_formats_agree(seeded: Registry, cli: Callable[..., Result]) -> None:
    table = cli("report", "--today", str(day(400)))
    assert table.exit_code == 0
    assert "1 gällande dokument, 1 med försenad aktualitetsprövning (100 %)" in table.output
    data = json.loads(cli("--format", "json", "report", "--today", str(day(400))).output)
    assert data["review_by_body"] == [
        {"group": "KS", "in_force": 1, "overdue": 1, "overdue_share": 1.0}
    ]
    rows = list(csv.DictReader(io.StringIO(cli("--format", "csv", "report").output)))
    summary = {r["measure"]: r["value"] for r in rows if r["section"] == "summary"}
    assert summary["documents_in_force"] == "1"


def test_html_report_has_charts_and_tables_in_swedish(
    seeded: Registry, cli: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "rapport.html"
    result = cli(
        "report", "--today", str(day(400)), "--html", str(target), "--organisation", "Mittköping"
    )
    assert result.exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "<h1>Styrningsrapport – Mittköping</h1>" in page
    assert page.count("<svg") == 3  # per unit, per body, per type and level (no funders yet)
    assert "<td>KS</td><td class=n>1</td><td class=n>1</td><td>100%</td>" in page
    assert "<script" not in page  # works without JavaScript


def test_html_report_into_a_missing_folder_is_a_usage_error(
    seeded: Registry, cli: Callable[..., Result], tmp_path: Path
) -> None:
    result = cli("report", "--html", str(tmp_path / "nope" / "r.html"))
    assert result.exit_code == 2
    assert not (tmp_path / "nope").exists()


def test_amounts_are_written_the_swedish_way() -> None:
    """'18 500 kr', not '18500.00 SEK'; öre only when there are any; English as English."""
    from decimal import Decimal

    from styrdok.i18n import money

    assert money(Decimal("18500.00"), "SEK", "sv") == "18\u00a0500 kr"
    assert money(Decimal("1200.50"), "SEK", "sv") == "1\u00a0200,50 kr"
    assert money(Decimal("18500"), "SEK", "en") == "18,500 SEK"


# --- acceptance: who has confirmed reading each document, per förvaltning ----------------


def organise(registry: Registry) -> None:
    """A municipality with two förvaltningar and a unit under each; six people in units;
    POL-2 for everyone, POL-3 for Utbildningsförvaltningen only, both adopted; some of
    them confirmed. (POL-1 of ``seeded`` applies to nobody.)"""
    from styrdok.enums import AckChannel
    from styrdok.model import Unit

    for unit in (
        Unit("KOMMUN", "Mittköpings kommun", kind="municipality"),
        Unit("SOC", "Socialförvaltningen", kind="administration", parent="KOMMUN"),
        Unit("UTB", "Utbildningsförvaltningen", kind="administration", parent="KOMMUN"),
        Unit("SOC-HT", "Hemtjänst Norr", parent="SOC"),
        Unit("UTB-NORD", "Nordskolan", parent="UTB"),
    ):
        registry.add_unit(unit, actor="admin")
    for ref, unit_ref in (
        ("s1", "SOC"), ("h1", "SOC-HT"), ("h2", "SOC-HT"), ("h3", "SOC-HT"),
        ("n1", "UTB-NORD"), ("n2", "UTB-NORD"),
    ):  # fmt: skip
        registry.add_person(Person(ref, f"Person {ref}", unit=unit_ref), actor="admin")
    for ref, applies_to in (("POL-2", ("KOMMUN",)), ("POL-3", ("UTB",))):
        registry.add_document(
            policy(ref, title=f"Policy {ref}", applies_to=applies_to), actor="owner"
        )
        registry.adopt_document(ref, actor="owner", body="KS", on=day(-10))
    for person, ref in (("h1", "POL-2"), ("h2", "POL-2"), ("n1", "POL-2"), ("n1", "POL-3")):
        registry.acknowledge(ref, actor=person, channel=AckChannel.CLI)


def test_acceptance_is_per_document_and_forvaltning_lowest_first(seeded: Registry) -> None:
    """Rolled up to the förvaltningar (a unit counts under the förvaltning above it),
    the lowest share first, documents that ask nobody last."""
    organise(seeded)
    report = seeded.report()
    assert report.organisation
    assert report.reading_units == (
        ("SOC", "Socialförvaltningen"),
        ("UTB", "Utbildningsförvaltningen"),
    )
    found = [
        (d.document_ref, d.version, d.asked, d.read, [(u.unit, u.asked, u.read) for u in d.units])
        for d in report.reading
    ]
    assert found == [
        ("POL-2", 1, 6, 3, [("SOC", 4, 2), ("UTB", 2, 1)]),
        ("POL-3", 1, 2, 1, [("UTB", 2, 1)]),
        ("POL-1", 1, 0, 0, []),
    ]
    assert report.reading[0].units[0].name == "Socialförvaltningen"
    assert report.reading[0].share == 0.5 and report.reading[2].share is None
    assert report.reading_share == 0.5  # 4 of 8 asked, over every document


def test_acceptance_from_a_stream_keeps_no_documents() -> None:
    """The report keeps refs, titles and numbers: the documents streamed in are let go."""
    from styrdok.model import Unit
    from styrdok.organisation import UnitAcceptance, UnitTree

    tree = UnitTree([Unit("K", "Kommunen"), Unit("A", "Förvaltning A", parent="K")])
    stream = (
        (in_force(f"D-{n}", owner="it", body="KS", review_in=10, ack_version=1),
         [UnitAcceptance("A", asked=10, read=n)])
        for n in range(3)
    )  # fmt: skip
    report = build(
        today=TODAY,
        documents=[],
        dispensations=[],
        persons=PERSONS,
        bodies=BODIES,
        units=tree,
        acceptance=stream,
    )
    assert next(stream, None) is None  # consumed
    assert [(d.document_ref, d.read) for d in report.reading] == [
        ("D-0", 0),
        ("D-1", 1),
        ("D-2", 2),
    ]
    kept = [value for d in report.reading for value in attrs.astuple(d, recurse=False)]
    assert not any(isinstance(value, Document) for value in kept)


def test_no_organisation_no_acceptance(seeded: Registry, cli: Callable[..., Result]) -> None:
    """Without units nothing is counted per unit, and the report says how to start."""
    report = seeded.report()
    assert not report.organisation and report.reading == ()
    data = json.loads(cli("--format", "json", "report").output)
    assert data["acceptance"] is None
    table = cli("--lang", "en", "report").output
    assert "The register has no organisation yet" in table


def test_acceptance_in_every_format(
    seeded: Registry, cli: Callable[..., Result], tmp_path: Path
) -> None:
    """JSON and CSV carry every number; the table the lowest förvaltning; the HTML page an
    accessible table — a row header per document, a column header per förvaltning."""
    organise(seeded)
    data = json.loads(cli("--format", "json", "report").output)
    assert data["acceptance"][0] == {
        "document": "POL-2",
        "title": "Policy POL-2",
        "version": 1,
        "asked": 6,
        "read": 3,
        "share": 0.5,
        "units": [
            {"unit": "SOC", "name": "Socialförvaltningen", "asked": 4, "read": 2, "share": 0.5},
            {"unit": "UTB", "name": "Utbildningsförvaltningen", "asked": 2, "read": 1,
             "share": 0.5},
        ],
    }  # fmt: skip
    assert data["acceptance"][2]["share"] is None

    rows = list(csv.DictReader(io.StringIO(cli("--format", "csv", "report").output)))
    found = {(r["section"], r["group"], r["measure"]): r["value"] for r in rows}
    assert found[("summary", "", "acceptance_share")] == "0.5"
    assert found[("acceptance", "POL-3", "share")] == "0.5"
    assert found[("acceptance", "POL-1", "share")] == ""
    assert found[("acceptance_by_unit", "POL-2/SOC", "asked")] == "4"

    table = cli("--lang", "sv", "report").output
    assert "Läst och förstått per dokument och förvaltning" in table
    assert "OMBEDDA" in table and "LÄGST" in table
    assert "Socialförvaltningen 50%" in table

    target = tmp_path / "rapport.html"
    assert cli("report", "--html", str(target)).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "<h2>Läst och förstått per dokument och förvaltning</h2>" in page
    assert '<div class="scroll" role="region" aria-labelledby="' in page
    assert (
        "<th scope=col>Dokument</th><th scope=col>Version</th><th scope=col>Totalt</th>"
        "<th scope=col>Socialförvaltningen</th><th scope=col>Utbildningsförvaltningen</th>"
    ) in page
    assert (
        "<tr><th scope=row>Policy POL-3 <small>(POL-3)</small></th><td class=n>1</td>"
        "<td class=n>50% (1/2)</td>"
        '<td class="n none">gäller inte</td><td class=n>50% (1/2)</td></tr>'
    ) in page
    assert "<li><strong>50%</strong>av dem som ombetts har bekräftat att de läst</li>" in page
