"""Importing into a register in use: refused unless merged, and a merge holds every record
to the rules a change made by hand meets; each merged record is audited with the file's
SHA-256."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from conftest import NOW, day, policy, request
from styrdok import Body, DispensationRules, Person, events
from styrdok.errors import NotFound, PermissionDenied, RuleViolation, StyrdokError
from styrdok.registry import Registry

# The other unit's people: none of them clash with the register merged into.
OTHERS = ("x.admin", "x.guardian", "x.requester", "x.responsible", "x.approver")


@pytest.fixture(scope="module")
def other_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Another unit's register, made through the API: POL-X in force, D1 approved by its
    guardian and renewed (D2, approved by the listed approver), D3 still requested."""
    path = tmp_path_factory.mktemp("other") / "other.db"
    with Registry.open(path, create=True, clock=lambda: NOW) as other:
        other.add_person(Person("x.admin", "Xena Admin", is_admin=True), actor=None)
        for ref in OTHERS[1:]:
            other.add_person(Person(ref, ref.title()), actor="x.admin")
        other.add_body(Body("X-KS", "Andra styrelsen", "executive_board"), actor="x.admin")
        rules = DispensationRules(
            allowed=True, approvers=("x.approver",), max_duration_days=180, max_renewals=1
        )
        document = policy("POL-X", owner="x.admin", guardian="x.guardian", dispensation_rules=rules)
        other.add_document(document, actor="x.admin")
        other.adopt_document("POL-X", actor="x.admin", body="X-KS", on=day(-100))
        ask = request(
            "POL-X", responsible="x.responsible", valid_from=day(-50), valid_until=day(100)
        )
        first = other.request_dispensation(ask, actor="x.requester", on=day(-60)).ref
        other.approve_dispensation(first, actor="x.guardian", on=day(-55))
        renewal = other.renew_dispensation(
            first, actor="x.requester", valid_until=day(200), on=day(-10)
        ).ref
        other.approve_dispensation(renewal, actor="x.approver", on=day(-5))
        other.request_dispensation(
            request("POL-X", responsible="x.responsible"), actor="x.requester"
        )
        out = io.StringIO()
        other.export_json(out)
    return out.getvalue()


def _changed(export: str, change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads(export)
    change(data)
    return json.dumps(data, ensure_ascii=False)


def _dump(registry: Registry) -> tuple[list[Any], int]:
    out = io.StringIO()
    registry.export_json(out)
    return [out.getvalue()], len(list(registry.audit_events()))


def _on_both(section: str, index: int, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Change a field of a document and of every recorded version of it."""

    def change(data: dict[str, Any]) -> None:
        data[section][index][field] = value
        for version in data["document_versions"]:
            version["snapshot"][field] = value

    return change


def _rules(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for document in [data["documents"][0]] + [v["snapshot"] for v in data["document_versions"]]:
            document["dispensation_rules"].update(changes)

    return change


def _disp(index: int, **changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["dispensations"][index].update(changes)

    return change


def _decision(index: int, **changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["dispensations"][index]["decision"].update(changes)

    return change


CASES: list[tuple[str, Callable[[dict[str, Any]], None], type[StyrdokError], str]] = [
    (
        "approved by the requester",
        _decision(0, by="x.requester"),
        PermissionDenied,
        "x.requester may not decide D-2026-0001: they requested it (separation of duties) "
        "@ $.dispensations[0].decision.by",
    ),
    (
        "approved by the responsible person",
        _decision(1, by="x.responsible"),
        PermissionDenied,
        "x.responsible may not decide D-2026-0002: they are responsible for it "
        "(separation of duties) @ $.dispensations[1].decision.by",
    ),
    (
        "approved by someone who is neither guardian nor approver",
        _decision(0, by="x.admin"),
        PermissionDenied,
        "x.admin may not decide D-2026-0001: only the guardian of POL-X or a listed approver "
        "may @ $.dispensations[0].decision.by",
    ),
    (
        "approved before it was requested",
        _decision(0, on=str(day(-61))),
        RuleViolation,
        f"cannot approve on {day(-61)}: it was requested on {day(-60)} "
        "@ $.dispensations[0].decision.on",
    ),
    (
        "approved after its period ran out",
        _decision(0, on=str(day(101))),
        RuleViolation,
        f"D-2026-0001 would have ended on {day(100)}; it cannot have been approved on {day(101)} "
        "@ $.dispensations[0].decision.on",
    ),
    (
        "longer than the document allows",
        _disp(0, valid_until=str(day(200))),
        RuleViolation,
        "a dispensation may last at most 180 days; "
        f"{day(-50)} to {day(200)} is 251 @ $.dispensations[0].valid_until",
    ),
    (
        "more renewals than the document allows",
        _rules(max_renewals=0),
        RuleViolation,
        "the document allows at most 0 renewal(s); this would be renewal 1 "
        "@ $.dispensations[1].valid_until",
    ),
    (
        "from a document that does not allow dispensations",
        _rules(allowed=False),
        RuleViolation,
        "POL-X does not allow dispensations @ $.dispensations[0].document_ref",
    ),
    (
        "approved with no decision recorded",
        _disp(0, decision=None),
        RuleViolation,
        "D-2026-0001 is approved but records no decision @ $.dispensations[0].status",
    ),
    (
        "a document in force that was never adopted",
        _on_both("documents", 0, "version", 0),
        RuleViolation,
        "POL-X is in_force but was never adopted: it lacks a version @ $.documents[0].status",
    ),
    (
        "a draft at a version",
        lambda d: d["documents"][0].update(status="draft"),
        RuleViolation,
        "POL-X is a draft but at version 1: a draft has never been adopted (version 0) "
        "@ $.documents[0].status",
    ),
    (
        "a version the document never reached",
        lambda d: d["document_versions"][0].update(version=4),
        RuleViolation,
        "version 4 of POL-X is recorded, but POL-X is at version 1 "
        "@ $.document_versions[0].version",
    ),
    (
        "a renewal that renews itself",
        _disp(0, renewal_of="D-2026-0002"),
        RuleViolation,
        "D-2026-0001 renews itself through D-2026-0001 @ $.dispensations[0].renewal_of",
    ),
    (
        "a decider nobody knows",
        _decision(0, by="ghost"),
        NotFound,
        "unknown person 'ghost' @ $.dispensations[0].decision.by",
    ),
]


@pytest.mark.parametrize(("case", "change", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_merge_refuses_what_the_rules_never_allowed(
    seeded: Registry,
    other_export: str,
    case: str,
    change: Callable[[dict[str, Any]], None],
    error: type[StyrdokError],
    message: str,
) -> None:
    """Each record is held to the API's rules; the first violation names the record and
    field, and nothing is written."""
    before = _dump(seeded)
    with pytest.raises(error) as raised:
        seeded.import_json(io.StringIO(_changed(other_export, change)), actor="admin", merge=True)
    assert str(raised.value) == message
    assert _dump(seeded) == before


def test_an_honest_export_merges_with_an_event_per_record(
    seeded: Registry, other_export: str
) -> None:
    """The export of a register made through the API merges; every record gets its own
    audit event naming the file by its SHA-256, and one summary event follows."""
    before = len(list(seeded.audit_events()))
    counts = seeded.import_json(io.BytesIO(other_export.encode()), actor="admin", merge=True)
    assert counts["persons"] == 5 and counts["dispensations"] == 3
    new = list(seeded.audit_events())[before:]
    digest = hashlib.sha256(other_export.encode()).hexdigest()
    assert {e.actor for e in new} == {"admin"}
    assert [e.action for e in new].count("person.import") == 5
    assert [e.entity for e in new if e.action == "dispensation.import"] == [
        "dispensation:D-2026-0001",
        "dispensation:D-2026-0002",
        "dispensation:D-2026-0003",
    ]
    assert len(new) == sum(counts.values()) + 1
    assert all(e.after is not None and e.after["source_sha256"] == digest for e in new)
    assert new[-1].action == "registry.import" and new[-1].after is not None
    assert new[-1].after["merge"] is True
    approved = next(e for e in new if e.entity == "dispensation:D-2026-0001")
    assert approved.after is not None and approved.after["record"]["decision"]["by"] == "x.guardian"
    assert seeded.verify_audit().broken is None
    assert events.EVENTS["dispensation.import"] is events.DispensationImported


def test_a_register_in_use_refuses_an_import_that_is_not_a_merge(
    seeded: Registry, other_export: str
) -> None:
    """Without merge, an import into a register in use is refused, even for an admin."""
    before = _dump(seeded)
    with pytest.raises(RuleViolation, match=r"the registry is in use: .*\(--merge\)"):
        seeded.import_json(io.StringIO(other_export), actor="admin")
    assert _dump(seeded) == before


def test_a_restore_into_an_empty_register_is_not_held_to_the_rules(
    registry: Registry, other_export: str
) -> None:
    """A backup restores as it was (one summary event naming the file), even a history the
    rules would refuse today."""
    text = _changed(other_export, _decision(0, by="x.requester"))
    counts = registry.import_json(io.StringIO(text), actor=None)
    assert counts["dispensations"] == 3
    (event,) = registry.audit_events()
    assert event.action == "registry.import" and event.after is not None
    assert event.after["source_sha256"] == hashlib.sha256(text.encode()).hexdigest()


def test_the_sha256_is_of_the_file_as_read(
    registry: Registry, other_export: str, tmp_path: Path
) -> None:
    """Read as bytes (the command line), the hash is the file's own: what sha256sum says."""
    source = tmp_path / "other.json"
    source.write_bytes(other_export.replace("\n", "\r\n").encode())
    with source.open("rb") as handle:
        registry.import_json(handle, actor=None)
    (event,) = registry.audit_events()
    assert event.after is not None
    assert event.after["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_the_command_merges_only_when_asked(
    seeded: Registry, other_export: str, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    """`styrdok import` into a register in use: an error without --merge, one line naming
    the record for a bad one, and the merge with --merge."""
    source = tmp_path / "other.json"
    source.write_text(other_export, encoding="utf-8")
    refused = cli("--lang", "en", "--as", "admin", "import", str(source))
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: the registry is in use")
    bad = tmp_path / "bad.json"
    bad.write_text(_changed(other_export, _decision(0, by="x.requester")), encoding="utf-8")
    result = cli("--lang", "en", "--as", "admin", "import", "--merge", str(bad))
    assert result.exit_code == 1
    assert result.output == (
        "Error: x.requester may not decide D-2026-0001: they requested it "
        "(separation of duties) @ $.dispensations[0].decision.by\n"
    )
    merged = cli("--lang", "en", "--as", "admin", "import", "--merge", str(source))
    assert merged.exit_code == 0, merged.output
    assert merged.output.startswith("Imported 5 persons, 1 bodies, 1 documents")


def test_a_merge_may_renew_a_dispensation_already_in_the_register(
    seeded: Registry, approved: str
) -> None:
    """References into the register count: a renewal of a dispensation already here is
    counted as a renewal, so the document's renewal limit holds across the two."""
    data = json.loads(_export_of(seeded))
    original = next(x for x in data["dispensations"] if x["ref"] == approved)
    second = dict(original, ref="D-2026-0900", renewal_of=approved)
    third = dict(original, ref="D-2026-0901", renewal_of="D-2026-0900")
    text = json.dumps({"format": "styrdok-export", "version": 1, "dispensations": [second, third]})
    with pytest.raises(RuleViolation, match=r"at most 1 renewal\(s\); this would be renewal 2 "
                       r"@ \$\.dispensations\[1\]\.valid_until"):  # fmt: skip
        seeded.import_json(io.StringIO(text), actor="admin", merge=True)


def _export_of(registry: Registry) -> str:
    out = io.StringIO()
    registry.export_json(out)
    return out.getvalue()


def test_the_restore_path_still_works_from_a_copied_file(
    tmp_path: Path, other_export: str, template_db: Path
) -> None:
    """A file restored into a fresh SQLite registry exports the same bytes."""
    target = tmp_path / "restored.db"
    shutil.copy(template_db, target)
    with Registry.open(target) as restored:
        restored.import_json(io.BytesIO(other_export.encode()), actor=None)
        assert _export_of(restored) == other_export
