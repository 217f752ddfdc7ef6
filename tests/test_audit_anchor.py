"""Anchors: the full head is shown and published, and `audit verify --expect` catches a log
that was cut short, emptied or rewritten since someone wrote its head down."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import day
from styrdok import Person
from styrdok.audit import ChainBroken
from styrdok.errors import InvalidValue
from styrdok.registry import Registry

Cli = Callable[..., Result]


def delete_events(registry: Registry, where: str) -> None:
    with registry.store.transaction():
        registry.store.conn.exec_driver_sql(f"DELETE FROM audit_event {where}")


def test_verify_shows_the_full_head_and_the_count(seeded: Registry, cli: Cli) -> None:
    """The whole 64-digit head, so what is written down can be checked exactly."""
    head = seeded.verify_audit().last_hash
    assert len(head) == 64 and head == seeded.audit_head().hash
    result = cli("--lang", "en", "audit", "verify")
    assert result.exit_code == 0
    assert result.stdout == (
        f"The audit log verifies: 10 events, last hash {head} (plain SHA-256).\n"
    )
    data = json.loads(cli("--lang", "en", "--format", "json", "audit", "verify").stdout)
    assert data == {
        "verified": True, "events": 10, "head": head, "chain": "sha256", "anchor": None,
    }  # fmt: skip


def test_the_log_still_reaching_the_recorded_head_passes(seeded: Registry, cli: Cli) -> None:
    """Events added after the anchor are fine: the anchored event is still in the chain."""
    head = seeded.verify_audit().last_hash
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    result = cli(
        "--lang", "en", "audit", "verify", "--expect", head.upper(), "--expect-count", "10"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "It reaches the head you recorded: event 10."
    data = json.loads(
        cli(
            "--lang",
            "en",
            "--format",
            "json",
            "audit",
            "verify",
            "--expect",
            head,
            "--expect-count",
            "10",
        ).stdout
    )
    assert data["events"] == 11
    assert data["anchor"] == {
        "hash": head, "events": 10, "reached_at_event": 10, "resealed_by_event": None,
    }  # fmt: skip


def test_deleting_the_last_events_fails_against_the_recorded_head(
    seeded: Registry, cli: Cli
) -> None:
    """Truncation still verifies on its own; against the anchor it is one Error line."""
    head = seeded.verify_audit().last_hash
    delete_events(seeded, "WHERE seq >= 9")
    assert cli("audit", "verify").exit_code == 0  # a shorter chain is still a chain
    result = cli("audit", "verify", "--expect", head, "--expect-count", "10")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: the audit log no longer reaches the head you recorded (event 10): no event "
        f"has hash {head} (the log has 8 events) — events were removed or rewritten\n"
    )


def test_deleting_every_event_fails_against_the_recorded_head(seeded: Registry, cli: Cli) -> None:
    """An emptied log verifies as empty, never against a head that was written down."""
    head = seeded.verify_audit().last_hash
    delete_events(seeded, "")
    assert cli("--lang", "en", "audit", "verify").stdout.startswith(
        "The audit log verifies: 0 events, last"
    )
    result = cli("--lang", "en", "audit", "verify", "--expect", head)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the audit log no longer reaches the head you recorded")
    assert len(result.stderr.splitlines()) == 1


def test_a_count_that_does_not_match_the_hash_fails(seeded: Registry, cli: Cli) -> None:
    """The hash and the count written down must describe the same event."""
    head = seeded.verify_audit().last_hash
    result = cli("audit", "verify", "--expect", head, "--expect-count", "9")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the head you recorded is event 10 in this log, not event 9: check what was "
        "written down\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--expect", "abc123"],  # a shortened hash is exactly what the issue warned about
        ["--expect", "g" * 64],
        ["--expect-count", "3"],
        ["--expect", "0" * 64, "--expect-count", "0"],
    ],
)
def test_a_malformed_anchor_is_a_usage_error(seeded: Registry, cli: Cli, args: list[str]) -> None:
    """Only a full hash, and a count only with it: exit 2, one line."""
    result = cli("audit", "verify", *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")


def test_the_api_checks_the_anchor(seeded: Registry) -> None:
    """The Python API refuses the same mistakes with InvalidValue."""
    with pytest.raises(InvalidValue, match="64 hexadecimal digits"):
        seeded.verify_audit(expect="abc")
    with pytest.raises(InvalidValue, match="goes with the head hash"):
        seeded.verify_audit(expect_count=3)
    report = seeded.verify_audit(expect=seeded.audit_head().hash, expect_count=10)
    assert report.problem() is None and report.reached is not None


def test_a_head_recorded_before_an_anonymisation_is_found_in_its_event(
    seeded: Registry, cli: Cli
) -> None:
    """GDPR re-sealing changes later hashes; the head it replaced is recorded in its event,
    so an anchor taken just before still checks out, and says by whom and when."""
    seeded.add_person(Person("tove.t", "Tove Tärnström"), actor="admin")
    older = seeded.verify_audit().last_hash  # event 11, re-sealed below
    seeded.edit_document("POL-1", {"title": "Ny titel"}, actor="owner")
    head = seeded.verify_audit().last_hash  # event 12
    seeded.anonymise_person("tove.t", actor="admin")
    result = cli("--lang", "en", "audit", "verify", "--expect", head, "--expect-count", "12")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "It reaches the head you recorded: event 12, re-sealed since by event 13 "
        "(person anonymised by admin at 2026-03-02 09:00 UTC)."
    )
    # A head from inside the re-sealed part, not the one it replaced, is gone.
    assert cli("--lang", "en", "audit", "verify", "--expect", older).exit_code == 1


def test_re_sealing_never_launders_a_broken_chain(seeded: Registry) -> None:
    """Anonymising on a tampered log is refused: re-hashing would hide the edit."""
    seeded.add_person(Person("tove.t", "Tove Tärnström"), actor="admin")
    with seeded.store.transaction():
        seeded.store.conn.exec_driver_sql("UPDATE audit_event SET actor = 'admin' WHERE seq = 9")
    before = list(seeded.audit_events())
    with pytest.raises(ChainBroken, match="breaks at event 9: its contents were changed"):
        seeded.anonymise_person("tove.t", actor="admin")
    assert list(seeded.audit_events()) == before


def test_the_report_publishes_the_head_in_every_format(
    seeded: Registry, cli: Cli, tmp_path: Path
) -> None:
    """Table, JSON, CSV and HTML all carry the count and the full head."""
    head = seeded.audit_head().hash
    table = cli("--lang", "en", "report", "--today", str(day(400))).stdout
    assert table.endswith(
        "\nAudit log (record the head outside the database; see `styrdok audit verify`)\n"
        f"10 events, last hash {head} (plain SHA-256)\n"
    )
    swedish = cli("report", "--today", str(day(400))).stdout
    assert swedish.endswith(
        "\nGranskningsloggen (anteckna huvudet utanför databasen; se `styrdok audit verify`)\n"
        f"10 händelser, sista hash {head} (vanlig SHA-256)\n"
    )
    data = json.loads(cli("--format", "json", "report").stdout)
    assert data["audit_log"] == {"events": 10, "head": head, "chain": "sha256"}
    rows = list(csv.DictReader(io.StringIO(cli("--format", "csv", "report").stdout)))
    audit = {r["measure"]: r["value"] for r in rows if r["section"] == "audit_log"}
    assert audit == {"events": "10", "head": head, "chain": "sha256"}
    page_path = tmp_path / "r.html"
    assert cli("report", "--html", str(page_path)).exit_code == 0
    page = page_path.read_text(encoding="utf-8")
    assert (
        "<h2>Ändringslogg</h2>\n<table><thead><tr><th scope=col>Händelser</th>"
        "<th scope=col>Senaste kontrollsumma</th><th scope=col>Kedja</th></tr></thead>"
        f"<tbody><tr><td class=n>10</td><td>{head}</td><td>utan nyckel (SHA-256)</td>"
    ) in page


def test_the_public_export_writes_the_head_for_outsiders(
    seeded: Registry, cli: Cli, tmp_path: Path
) -> None:
    """`export --public` adds audit-head.json; its command verifies the log as it is."""
    target = tmp_path / "www"
    result = cli("export", "--public", str(target))
    assert result.exit_code == 0
    assert "audit-head.json" in result.stderr
    head = seeded.audit_head().hash
    data = json.loads((target / "audit-head.json").read_text(encoding="utf-8"))
    assert dt.datetime.fromisoformat(data.pop("at")).utcoffset() == dt.timedelta(0)
    assert data == {
        "events": 10,
        "head": head,
        "chain": "sha256",
        "verify": f"styrdok audit verify --expect {head} --expect-count 10",
    }
    assert cli(*data["verify"].split()[1:]).exit_code == 0
    delete_events(seeded, "WHERE seq = 10")
    assert cli(*data["verify"].split()[1:]).exit_code == 1
