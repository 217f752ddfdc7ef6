"""Dates of effect and draft revisions (issue 15, item 5): a decision that takes effect
later applies from its day by itself, and changing what a document in force says prepares
its next version without changing what applies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import NOW, day, policy, request
from styrdok.enums import DocStatus
from styrdok.errors import RuleViolation
from styrdok.organisation import Unit
from styrdok.registry import Registry

Run = Any


def _at(registry: Registry, offset: int) -> Registry:
    """The same register, read on day ``offset``."""
    moment = NOW + dt.timedelta(days=offset)
    return Registry.open(registry.store.url, clock=lambda: moment)


def _in_force(registry: Registry) -> list[str]:
    return [d.ref for d in registry.list_documents(status=DocStatus.IN_FORCE)]


@pytest.fixture
def upcoming(seeded: Registry) -> Registry:
    """POL-2 adopted five days ago, to take effect in 30 days."""
    seeded.add_document(policy("POL-2", title="Riktlinjer för AI"), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-5), effective_from=day(30))
    return seeded


@pytest.fixture
def revised(seeded: Registry) -> Registry:
    """POL-1 (in force) with a version 2, adopted today, that takes effect in 30 days."""
    seeded.edit_document("POL-1", {"title": "Ny policy", "text": "Nya regler."}, actor="owner")
    seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(0), effective_from=day(30))
    return seeded


# --- adopted, not yet in force -------------------------------------------------------------


def test_a_document_adopted_for_a_later_day_is_not_in_force_until_then(
    upcoming: Registry,
) -> None:
    document = upcoming.get_document("POL-2")
    assert (document.decided_on, document.effective_from, document.in_force_from) == (
        day(-5),
        day(30),
        day(30),
    )
    assert document.upcoming_on(day(0)) and not document.in_force_on(day(0))
    assert _in_force(upcoming) == ["POL-1"]
    assert [d.ref for d in upcoming.browse_documents().documents] == ["POL-1"]
    assert "POL-2" not in {v.document_ref for v in upcoming.documents_in_force(day(29))}
    assert "POL-2" in {v.document_ref for v in upcoming.documents_in_force(day(30))}


def test_on_its_date_of_effect_it_is_in_force_with_no_job_run(upcoming: Registry) -> None:
    with _at(upcoming, 30) as later:
        assert _in_force(later) == ["POL-1", "POL-2"]
        assert [d.ref for d in later.browse_documents().documents] == ["POL-1", "POL-2"]
        assert [h.ref for h in later.search_documents("Riktlinjer")] == ["POL-2"]


def test_search_report_and_public_export_leave_it_out_until_then(
    upcoming: Registry, tmp_path: Path
) -> None:
    assert upcoming.search_documents("Riktlinjer") == []
    assert [h.ref for h in upcoming.search_documents("Riktlinjer", status=None)] == ["POL-2"]
    assert upcoming.report().documents_in_force == 1
    upcoming.export_public(tmp_path / "www")
    published = json.loads((tmp_path / "www" / "register.json").read_text("utf-8"))
    assert [d["ref"] for d in published["documents"]] == ["POL-1"]


def test_its_first_review_counts_from_its_date_of_effect(upcoming: Registry) -> None:
    assert upcoming.get_document("POL-2").next_review_on == dt.date(2027, 4, 1)  # day(30)+12m


def test_a_dispensation_may_be_asked_for_in_advance_but_not_start_before(
    upcoming: Registry,
) -> None:
    with pytest.raises(RuleViolation, match=r"in force from 2026-04-01: .* cannot start"):
        upcoming.request_dispensation(request("POL-2"), actor="requester")
    early = request("POL-2", valid_from=day(30), valid_until=day(60))
    assert upcoming.request_dispensation(early, actor="requester").valid_from == day(30)


@pytest.mark.parametrize(
    ("on", "effective", "message"),
    [
        (day(0), day(-1), "cannot take effect on 2026-03-01, before the decision"),
        (day(0), day(0) + dt.timedelta(days=5 * 366 + 1), "more than five years"),
    ],
)
def test_a_date_of_effect_before_the_decision_or_absurdly_late_is_refused(
    seeded: Registry, on: dt.date, effective: dt.date, message: str
) -> None:
    seeded.add_document(policy("POL-2"), actor="owner")
    with pytest.raises(RuleViolation, match=message):
        seeded.adopt_document("POL-2", actor="owner", body="KS", on=on, effective_from=effective)
    assert seeded.get_document("POL-2").status is DocStatus.DRAFT


def test_a_successor_cannot_take_effect_after_its_decision(seeded: Registry) -> None:
    seeded.add_document(policy("POL-2", supersedes="POL-1"), actor="owner")
    with pytest.raises(RuleViolation, match="replaces another takes effect on the day"):
        seeded.adopt_document(
            "POL-2",
            actor="owner",
            body="KS",
            on=day(0),
            effective_from=day(10),
            dispensations="end",
        )
    assert seeded.get_document("POL-1").status is DocStatus.IN_FORCE


# --- a new version that takes effect later -----------------------------------------------


def test_the_earlier_version_applies_until_the_new_one_takes_effect(revised: Registry) -> None:
    assert _in_force(revised) == ["POL-1"]  # in force all along
    now = revised.document_applying("POL-1")
    assert (now.version, now.title) == (1, "Informationssäkerhetspolicy")
    assert revised.get_document("POL-1").new_version_from(day(0)) == day(30)
    periods = [
        (v.version, v.in_force_from, v.in_force_until) for v in revised.document_versions("POL-1")
    ]
    assert periods == [(1, day(-100), day(30)), (2, day(30), None)]
    with _at(revised, 30) as later:
        assert later.document_applying("POL-1").title == "Ny policy"


def test_the_public_export_publishes_the_version_that_applies(
    revised: Registry, tmp_path: Path
) -> None:
    revised.export_public(tmp_path / "www")
    [document] = json.loads((tmp_path / "www" / "register.json").read_text("utf-8"))["documents"]
    assert (document["title"], document["version"]) == ("Informationssäkerhetspolicy", 1)


def test_a_new_version_cannot_take_effect_before_the_one_it_replaces(revised: Registry) -> None:
    with pytest.raises(RuleViolation, match="takes effect on 2026-04-01; a new version cannot"):
        revised.adopt_document("POL-1", actor="owner", body="KS", on=day(1), effective_from=day(2))


def test_people_are_asked_to_read_from_the_date_of_effect(seeded: Registry) -> None:
    seeded.add_unit(Unit("KOMMUN", "Mittköpings kommun"), actor="admin")
    seeded.edit_person("requester", {"unit": "KOMMUN"}, actor="admin")
    seeded.add_document(policy("POL-2", applies_to=("KOMMUN",)), actor="owner")
    seeded.adopt_document("POL-2", actor="owner", body="KS", on=day(-5), effective_from=day(30))
    assert [r.document.ref for r in seeded.documents_to_read("requester")] == []
    with _at(seeded, 30) as later:
        [asked] = later.documents_to_read("requester")
        assert (asked.document.ref, asked.since) == ("POL-2", day(30))


# --- draft revisions -----------------------------------------------------------------------


def test_an_edit_of_what_a_document_decides_prepares_a_draft_revision(seeded: Registry) -> None:
    before = seeded.get_document("POL-1")
    edited = seeded.edit_document(
        "POL-1", {"title": "Ny titel", "guardian": "approver"}, actor="owner"
    )
    # What applies is unchanged; the housekeeping (the guardian) changed at once.
    assert (edited.title, edited.guardian, edited.version) == (before.title, "approver", 1)
    assert edited.draft is not None and edited.draft.title == "Ny titel"
    assert seeded.documents_in_force(day(0))[0].snapshot.title == before.title
    # A later edit builds on the draft.
    seeded.edit_document("POL-1", {"purpose": "Nytt syfte"}, actor="owner")
    draft = seeded.get_document("POL-1").draft
    assert draft is not None and (draft.title, draft.purpose) == ("Ny titel", "Nytt syfte")


def test_adopting_takes_the_draft_in(seeded: Registry) -> None:
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    adopted = seeded.adopt_document("POL-1", actor="owner", body="KS", on=day(0))
    assert (adopted.title, adopted.version, adopted.draft) == ("Ny titel", 2, None)
    [v2] = [v for v in seeded.document_versions("POL-1") if v.version == 2]
    assert v2.snapshot.title == "Ny titel" and v2.snapshot.draft is None


def test_a_draft_is_compared_and_can_be_discarded(seeded: Registry) -> None:
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    diff = seeded.compare_draft("POL-1")
    assert [(c.field, c.before, c.after) for c in diff.fields] == [
        ("title", "Informationssäkerhetspolicy", "Ny titel")
    ]
    discarded = seeded.discard_draft("POL-1", actor="guardian")
    assert discarded.draft is None and discarded.title == "Informationssäkerhetspolicy"
    with pytest.raises(RuleViolation, match="no draft revision"):
        seeded.discard_draft("POL-1", actor="owner")


def test_an_edit_back_to_what_applies_leaves_no_draft(seeded: Registry) -> None:
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    back = seeded.edit_document("POL-1", {"title": "Informationssäkerhetspolicy"}, actor="owner")
    assert back.draft is None


def test_only_those_who_work_on_it_see_a_draft_revision(seeded: Registry) -> None:
    seeded.edit_document("POL-1", {"title": "Hemlig titel"}, actor="owner")
    outsider = seeded.get_person("outsider")
    [shown] = seeded.browse_documents(reader=outsider).documents
    assert shown.draft is None and shown.title == "Informationssäkerhetspolicy"
    [mine] = seeded.browse_documents(reader=seeded.get_person("owner")).documents
    assert mine.draft is not None and mine.draft.title == "Hemlig titel"


# --- the command line ----------------------------------------------------------------------
# The command line reads the real clock: these dates count from the real today.


def test_doc_show_says_what_applies_and_what_is_prepared(seeded: Registry, cli: Run) -> None:
    today, later = dt.date.today(), dt.date.today() + dt.timedelta(days=30)
    seeded.edit_document("POL-1", {"title": "Ny policy"}, actor="owner")
    seeded.adopt_document("POL-1", actor="owner", body="KS", on=today, effective_from=later)
    seeded.edit_document("POL-1", {"purpose": "Ännu ett syfte"}, actor="owner")
    out = cli("doc", "show", "POL-1").output
    assert f"Version 2 gäller från {later}; till dess gäller version 1" in out
    assert "Ett utkast till ny version, ännu inte antaget, ändrar: syfte" in out
    diff = cli("doc", "diff", "POL-1", "--draft").output
    assert "syfte: Skydda informationen → Ännu ett syfte" in diff  # fields by name


def test_doc_adopt_takes_a_date_of_effect(seeded: Registry, cli: Run) -> None:
    today, later = dt.date.today(), dt.date.today() + dt.timedelta(days=30)
    seeded.add_document(policy("POL-2"), actor="owner")
    result = cli(
        "--lang", "en", "--as", "owner", "doc", "adopt", "POL-2", "--body", "KS",
        "--on", str(today), "--effective-from", str(later),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"adopted {today}, in force from {later}" in result.output
    shown = cli("doc", "show", "POL-2").output
    assert f"Antagen {today}, gäller från {later}: ännu inte i kraft." in shown
    listed = cli("--lang", "en", "--format", "csv", "doc", "list", "--status", "in_force").output
    assert "POL-1" in listed and "POL-2" not in listed


def test_migration_0013_dates_what_was_adopted_before_it(seeded: Registry) -> None:
    """A register from before dates of effect: its documents took effect on their decision
    day, and the upgrade says so."""
    from alembic import command
    from alembic.config import Config

    from styrdok import migrations

    alembic = Config()
    alembic.set_main_option("script_location", migrations.SCRIPT_LOCATION)
    alembic.attributes["url"] = seeded.store.url
    seeded.close()
    command.downgrade(alembic, "0012")
    command.upgrade(alembic, "head")
    with Registry.open(seeded.store.url, clock=lambda: NOW) as again:
        document = again.get_document("POL-1")
        assert (document.effective_from, document.in_force_from) == (day(-100), day(-100))
        assert _in_force(again) == ["POL-1"]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"effective_from": "2026-01-01"}, "effective_from: 2026-01-01 is before the decision"),
        ({"in_force_from": "2026-06-01"}, "in_force_from: 2026-06-01 is after the current"),
    ],
)
def test_dates_that_do_not_hang_together_are_refused_on_every_path(
    seeded: Registry, dates: dict[str, str], message: str
) -> None:
    """An import or a sheet builds the document as every path does: its dates are checked
    there, not only by the adoption."""
    from styrdok.errors import InvalidValue
    from styrdok.model import Document
    from styrdok.serialize import from_data, to_data

    data = to_data(seeded.get_document("POL-1"))
    data.update({"decided_on": "2026-02-01", "effective_from": "2026-03-01", **dates})
    with pytest.raises(InvalidValue, match=message):
        from_data(data, Document, where="$.documents[0]")
