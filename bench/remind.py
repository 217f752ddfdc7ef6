"""The whole reminder run (``Registry.remind``: expire, plan, outbox, claim, delivery, marking
sent) on SQLite and PostgreSQL, side by side (issue 19, item 5: PostgreSQL within 1.5× of
SQLite).

    python bench/remind.py --scale 0.1 --postgres            # 31,100 documents, median of 3
    python bench/remind.py --scale 0.1 --postgres --workdir /tmp/remind-0.1   # reuse the register

The register is ``bench/generate.py``'s, imported once per engine (SQLite: kept in
``--workdir`` and reused; PostgreSQL: into a throw-away server, ``styrdok.testing.postgres``,
as ``bench/run.py`` does). Each repeat starts from a copy of the imported register (a file
copy; ``CREATE DATABASE … TEMPLATE``) and times, each in a child process of its own with a
fresh connection, as ``styrdok remind`` runs:

* ``first`` — the first run on the register's today: the ledger is empty, every notice is
  planned, recorded, delivered (to a channel that accepts every digest) and marked sent;
* ``second`` — a second run the same day: the ledger is full, nothing new is planned, but
  every candidate is still looked up in the ledger;
* ``queued`` — ``bench/run.py``'s "whole run incl. delivery" (the figure issue 19 quotes): in
  one process and connection, the notices are first planned and recorded (``bench/run.py``'s
  measure (c), not timed here), then the whole run looks them up, finds them all in the
  ledger, delivers and marks them sent.

Beside each run: the time spent in the store's ledger lookup (``notice_send_dates``) and in
marking notices sent (``mark_sent``, with the transactions around it), and how many calls.
Prints the minimum and the median of ``--repeat`` runs. Measured on the project's 2-core
virtual machine (x86_64, Python 3.11, SQLite 3.40, PostgreSQL 15); see docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))
sys._styrdok_testing = True  # type: ignore[attr-defined]  # no installed plugins

CHILD = r"""
import json, sys, time
sys._styrdok_testing = True
sys.path.insert(0, sys.argv[2])
from generate import TODAY
from styrdok.config import Config
from styrdok.registry import Registry
from styrdok.reminders import plan
from styrdok.store.sql import SqlStore

spent = {}

def timed(name):
    inner = getattr(SqlStore, name)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            calls, seconds = spent.get(name, (0, 0.0))
            spent[name] = (calls + 1, seconds + time.perf_counter() - started)
    setattr(SqlStore, name, wrapper)

def timed_transactions():
    # Marking sent is timed with its transaction (begin and commit are most of its cost).
    inner = SqlStore.transaction
    def transaction(self, *args, **kwargs):
        manager = inner(self, *args, **kwargs)
        class Timed:
            def __enter__(self_):
                self_.started = time.perf_counter()
                self_.calls = dict(spent)
                return manager.__enter__()
            def __exit__(self_, *exc):
                try:
                    return manager.__exit__(*exc)
                finally:
                    before = self_.calls.get("mark_sent", (0, 0.0))[0]
                    if spent.get("mark_sent", (0, 0.0))[0] > before:
                        calls, seconds = spent.get("marking sent", (0, 0.0))
                        spent["marking sent"] = (
                            calls + 1, seconds + time.perf_counter() - self_.started
                        )
        return Timed()
    SqlStore.transaction = transaction

class Discard:
    name = "bench"
    def wants(self, recipient):
        return True
    def deliver(self, digest):
        pass

for name in ("notice_send_dates", "mark_sent"):
    timed(name)
timed_transactions()
with Registry.open(sys.argv[1]) as registry:
    if sys.argv[3] == "queued":
        store = registry.store
        with store.transaction():
            notifiers = {"bench": Discard()}
            store.insert_notices(plan(store, today=TODAY, settings=Config().reminders,
                                      notifiers=notifiers))
        spent.clear()
    started = time.perf_counter()
    report = registry.remind(config=Config(), notifiers={"bench": Discard()}, today=TODAY)
    seconds = time.perf_counter() - started
print(json.dumps({"s": seconds, "planned": report.planned, "digests": len(report.digests),
                  "spent": spent}))
"""


def child(target: str, mode: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, target, str(BENCH), mode],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the reminder run failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def import_register(target: str, export: Path) -> float:
    from styrdok.registry import Registry

    started = time.perf_counter()
    Registry.open(target, create=True).close()
    with Registry.open(target) as registry, export.open(encoding="utf-8") as handle:
        registry.import_json(handle, actor=None)
    return time.perf_counter() - started


def sqlite_copies(work: Path, export: Path) -> tuple[str, Any]:
    pristine = work / "pristine.db"
    if not pristine.exists():
        seconds = import_register(str(pristine), export)
        print(f"  imported into SQLite in {seconds:.0f} s", flush=True)
    counter = iter(range(1_000_000))

    def copy() -> str:
        target = work / f"run-{next(counter)}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        # The backup API, not a file copy: the pristine register may still have a WAL.
        with sqlite3.connect(pristine) as source, sqlite3.connect(target) as copied:
            source.backup(copied)
        return str(target)

    return str(pristine), copy


def postgres_copies(server: Any, export: Path) -> tuple[str, Any]:
    pristine = server.create_database()
    seconds = import_register(pristine, export)
    import psycopg

    # A register that has settled: autovacuum would have analysed the imported tables.
    with psycopg.connect(pristine.replace("postgresql+psycopg", "postgresql")) as conn:
        conn.execute("ANALYZE")
    print(f"  imported into PostgreSQL in {seconds:.0f} s", flush=True)
    name = pristine.rsplit("/", 1)[1]

    def copy() -> str:
        return str(server.create_database(template=name))

    return pristine, copy


def measure(engine: str, copy: Any, repeat: int) -> dict[str, list[dict[str, Any]]]:
    runs: dict[str, list[dict[str, Any]]] = {"first": [], "second": [], "queued": []}
    for _ in range(repeat):
        target = copy()
        for which in ("first", "second"):
            runs[which].append(result := child(target, which))
            print(f"  {engine:<10} {which:<6} {_line(result)}", flush=True)
        runs["queued"].append(result := child(copy(), "queued"))
        print(f"  {engine:<10} {'queued':<6} {_line(result)}", flush=True)
    return runs


def _line(result: dict[str, Any]) -> str:
    spent = result["spent"]
    parts = [
        f"{result['s']:7.2f} s",
        f"{result['planned']:>6,} planned",
        f"{result['digests']:>5,} digests",
    ]
    for name in ("notice_send_dates", "marking sent"):
        calls, seconds = spent.get(name, (0, 0.0))
        parts.append(f"{name} {seconds:6.2f} s in {calls:,}")
    return "  ".join(parts)


def summary(engine: str, runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for which, results in runs.items():
        seconds = [r["s"] for r in results]
        lookup = [r["spent"].get("notice_send_dates", (0, 0.0))[1] for r in results]
        marking = [r["spent"].get("marking sent", (0, 0.0))[1] for r in results]
        out[which] = {
            "min_s": round(min(seconds), 2),
            "median_s": round(statistics.median(seconds), 2),
            "lookup_median_s": round(statistics.median(lookup), 2),
            "marking_median_s": round(statistics.median(marking), 2),
            "planned": results[0]["planned"],
            "digests": results[0]["digests"],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="kept and reused")
    args = parser.parse_args()
    started = time.perf_counter()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="styrdok-remind-"))
    work.mkdir(parents=True, exist_ok=True)
    export = work / "register.json"
    if not export.exists():
        from generate import Register

        with export.open("w", encoding="utf-8") as handle:
            Register(args.scale).write_export(handle)
    print(
        f"reminder run, scale {args.scale}; {platform.machine()}, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        flush=True,
    )
    figures: dict[str, Any] = {}
    _, copy = sqlite_copies(work, export)
    figures["sqlite"] = summary("sqlite", measure("sqlite", copy, args.repeat))
    if args.postgres:
        from styrdok.testing.postgres import PostgresServer

        server = PostgresServer.start()
        try:
            _, copy = postgres_copies(server, export)
            figures["postgresql"] = summary("postgresql", measure("postgresql", copy, args.repeat))
        finally:
            server.stop()
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    for copied in work.glob("run-*.db*"):  # the register and its import stay for next time
        copied.unlink()
    print(
        f"  {'engine':<10} {'run':<6} {'min':>8} {'median':>8}  "
        "(ledger lookup, marking sent: medians)"
    )
    for engine, runs in figures.items():
        for which, row in runs.items():
            print(
                f"  {engine:<10} {which:<6} {row['min_s']:7.2f}s {row['median_s']:7.2f}s  "
                f"({row['lookup_median_s']:.2f} s, {row['marking_median_s']:.2f} s; "
                f"{row['planned']:,} planned, {row['digests']:,} digests)"
            )
    if "postgresql" in figures:
        for which in ("first", "second", "queued"):
            ratio = figures["postgresql"][which]["median_s"] / figures["sqlite"][which]["median_s"]
            print(f"  PostgreSQL / SQLite, {which} run: {ratio:.2f}× (target ≤ 1.5×)")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
