"""The benchmark keeps working: a 1 %-scale run on SQLite and PostgreSQL.

Timings are not asserted here (a test machine's load would make them flaky); the figures
and targets are checked by running the benchmark itself — see docs/performance.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "run.py"


def test_the_benchmark_runs_at_one_percent(tmp_path: Path) -> None:
    """Every measure (a)–(h) runs and reports; the generated register has its size."""
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--scale",
            "0.01",
            "--repeat",
            "1",
            "--postgres",
            "--parallel-import",
            "--workdir",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(results.read_text())
    assert any(r["measure"] == "(a) … with --parallel" for r in report["results"])
    assert report["counts"]["documents"] == 3110
    assert report["counts"]["dispensations"] == 10_000
    measured = {(r["measure"].split(" ")[0], r["engine"]) for r in report["results"]}
    assert measured >= {
        ("(a)", "sqlite"),
        ("(b)", "sqlite"),
        ("(c)", "sqlite"),
        ("(d)", "-"),
        ("(e)", "sqlite"),
        ("(g)", "sqlite"),
        ("(h)", "sqlite"),
        ("(a)", "postgresql"),
        ("(b)", "postgresql"),
        ("(c)", "postgresql"),
        ("(h)", "postgresql"),
    }
    assert all(r["styrdok_s"] > 0 for r in report["results"])


ORGANISATION = BENCH.parent / "organisation.py"


def test_the_organisation_bench_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    """The large-municipality bench runs every measure on both engines at 0.2 % scale."""
    results = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ORGANISATION),
            "--scale",
            "0.002",
            "--documents",
            "100",
            "--repeat",
            "1",
            "--postgres",
            "--workdir",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(results.read_text())
    counts = report["counts"]
    assert (counts["persons"], counts["units"], counts["documents"]) == (115, 12, 100)
    assert counts["acknowledgements"] > 0
    measured = {(r["measure"].split(",")[0], r["engine"]) for r in report["results"]}
    for engine in ("sqlite", "postgresql"):
        assert {
            ("(b) acknowledge", engine),
            ("(c) who has not read X (whole kommun)", engine),
            ("(d) acceptance", engine),
        } <= measured
    assert all(r["value"] > 0 for r in report["results"] if r["measure"].startswith("("))


STAFF_SYNC = BENCH.parent / "staff_sync.py"


def test_the_staff_sync_bench_runs_at_a_tiny_scale() -> None:
    """Every staff-sync scenario runs on both engines and reports its ratio to raw."""
    done = subprocess.run(
        [sys.executable, str(STAFF_SYNC), "--rows", "300", "--repeat", "1", "--postgres"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line.split() for line in done.stdout.splitlines()[1:]]
    assert {(line[0], line[1]) for line in lines} == {
        (engine, scenario)
        for engine in ("sqlite", "postgresql")
        for scenario in ("raw", "first", "steady", "changed")
    }
    # seconds, the ratio to raw and the child's peak resident memory (MB) are all measured
    assert all(line[3] == "s" and float(line[4].rstrip("×")) > 0 for line in lines)
    assert all(int(line[line.index("RSS") + 1]) > 0 for line in lines)


API = BENCH.parent / "api.py"


def test_the_api_bench_runs_against_a_real_server(tmp_path: Path) -> None:
    """The API bench serves the demo with waitress and times every route over HTTP."""
    from styrdok.demo import build_demo
    from styrdok.registry import Registry

    db = tmp_path / "demo.db"
    with Registry.open(db, create=True) as registry:
        build_demo(registry, today=registry.today())
    done = subprocess.run(
        [sys.executable, str(API), str(db), "--clients", "2", "--requests", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "/api/v1/dispenser?urval=att-besluta" in done.stdout
    assert "server 2 processes" in done.stdout  # two workers by default
    assert "p95" in done.stdout


INTRANET = BENCH.parent / "intranet.py"


def test_the_intranet_bench_serves_the_pages_for_real(tmp_path: Path) -> None:
    """The intranet bench serves the demo with two workers and times each page over HTTP
    as a logged-in reader."""
    from styrdok.demo import build_demo
    from styrdok.registry import Registry

    db = tmp_path / "demo.db"
    with Registry.open(db, create=True) as registry:
        build_demo(registry, today=registry.today())
    done = subprocess.run(
        [sys.executable, str(INTRANET), str(db), "--clients", "2", "--requests", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "server 2 processes × 1 thread(s)" in done.stdout
    assert "/aktuellt" in done.stdout and "/dokument/" in done.stdout


REMIND = BENCH.parent / "remind.py"


def test_the_reminder_run_bench_runs_at_a_tiny_scale() -> None:
    """Every reminder-run scenario runs on both engines and compares them."""
    done = subprocess.run(
        [sys.executable, str(REMIND), "--scale", "0.002", "--repeat", "1", "--postgres"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ratios = [line for line in done.stdout.splitlines() if "PostgreSQL / SQLite" in line]
    assert [line.split(",")[1].split()[0] for line in ratios] == ["first", "second", "queued"]
    first = next(line.split() for line in done.stdout.splitlines() if "sqlite     first" in line)
    assert first[5] == "planned" and int(first[4].replace(",", "")) > 0
