"""Staff sync at a large municipality's scale: ``styrdok staff sync`` of 57,000 rows
against one raw ``executemany`` of the same rows (issue 17: target ≤ 3×, memory bounded).

    python bench/staff_sync.py                      # SQLite, 57,000 rows, median of 3
    python bench/staff_sync.py --postgres --rows 5700 --repeat 1

A register with 600 units (a kommun, 6 förvaltningar, 594 enheter) and a staff list as
``staff sync`` reads it (CSV) are generated. Each scenario runs in a child process of its
own (peak resident memory from its VmHWM), ``--repeat`` times, and the median is printed:

* ``raw`` — one driver ``executemany`` of the person rows into the empty ``person`` table;
* ``first`` — every row new;
* ``steady`` — the same file again: nothing changes (the nightly run);
* ``changed`` — 5 % of the rows changed (unit, name or title), 2 % missing (leavers).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys._styrdok_testing = True  # type: ignore[attr-defined]  # no installed plugins

PY = sys.executable
CHILD = r"""
import sys, time, json
sys._styrdok_testing = True
def hwm():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
from styrdok.registry import Registry
import styrdok.usecases.staff, styrdok.spreadsheets, styrdok.sheet_layout, styrdok.exchange
target, path = sys.argv[1], sys.argv[2]
registry = Registry.open(target)
registry.unit_tree()  # connect and warm up before the clock starts
before = hwm()
started = time.perf_counter()
result = registry.sync_staff(path, actor="admin")
seconds = time.perf_counter() - started
registry.close()
import styrdok
print(json.dumps({"s": seconds, "before_kb": before, "peak_kb": hwm(), "src": styrdok.__file__,
                  "created": len(result.created), "updated": len(result.updated),
                  "deactivated": len(result.deactivated), "reactivated": len(result.reactivated)}))
"""

RAW_SQLITE = r"""
import sys, time, json, sqlite3, csv
def hwm():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
target, path = sys.argv[1], sys.argv[2]
with open(path, newline="", encoding="utf-8") as f:
    reader = csv.reader(f); next(reader)
    rows = [(r, n, e, u, t, False, True, "2026-01-01") for r, n, e, u, t in reader]
conn = sqlite3.connect(target, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
conn.execute("PRAGMA foreign_keys=ON")
before = hwm()
started = time.perf_counter()
conn.execute("BEGIN IMMEDIATE")
conn.executemany("INSERT INTO person (ref, name, email, unit, title, is_admin, active, unit_since)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
conn.execute("COMMIT")
seconds = time.perf_counter() - started
print(json.dumps({"s": seconds, "before_kb": before, "peak_kb": hwm()}))
"""

RAW_PG = r"""
import sys, time, json, csv, datetime as dt
import psycopg
def hwm():
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
target, path = sys.argv[1], sys.argv[2]
with open(path, newline="", encoding="utf-8") as f:
    reader = csv.reader(f); next(reader)
    rows = [(r, n, e, u, t, False, True, dt.date(2026, 1, 1)) for r, n, e, u, t in reader]
conn = psycopg.connect(target.replace("postgresql+psycopg", "postgresql"))
before = hwm()
started = time.perf_counter()
with conn.cursor() as cursor:
    cursor.executemany("INSERT INTO person (ref, name, email, unit, title, is_admin, active, "
                       "unit_since) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
conn.commit()
seconds = time.perf_counter() - started
conn.close()
print(json.dumps({"s": seconds, "before_kb": before, "peak_kb": hwm()}))
"""


def generate(target: str, staff: Path, rows: int) -> None:
    """The register (an administrator and 600 units) and the staff list."""
    from styrdok.model import Person, Unit
    from styrdok.registry import Registry

    with Registry.open(target, create=True) as registry:
        registry.add_person(Person("admin", "Ada Admin", is_admin=True), actor=None)
        registry.add_unit(Unit("TOP", "Kommunen", "municipality"), actor="admin")
        for i in range(6):
            unit = Unit(f"F{i}", f"Förvaltning {i}", "administration", parent="TOP")
            registry.add_unit(unit, actor="admin")
        for i in range(594):
            registry.add_unit(Unit(f"U{i}", f"Enhet {i}", parent=f"F{i % 6}"), actor="admin")
    with staff.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Användarnamn", "Namn", "E-post", "Enhet", "Befattning"])
        for i in range(rows):
            ref = f"p{i:06d}"
            out.writerow([ref, f"Person Nummer {i}", f"{ref}@kommun.se", f"U{i % 594}",
                          "Handläggare"])  # fmt: skip


def write_changed(staff: Path, changed: Path) -> None:
    """5 % of the rows changed (a third each: unit, name, title), 2 % left out."""
    with staff.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    out = [rows[0]]
    for i, row in enumerate(rows[1:]):
        if i % 50 == 7:
            continue  # a leaver
        row = list(row)
        if i % 60 == 0:
            row[3] = f"U{(i + 1) % 594}"
        elif i % 60 == 20:
            row[1] = row[1] + " Ström"
        elif i % 60 == 40:
            row[4] = "Förstehandläggare"
        out.append(row)
    with changed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(out)


def child(code: str, target: str, path: Path) -> dict[str, float]:
    """Run one scenario in a process of its own; its JSON line."""
    done = subprocess.run([PY, "-c", code, target, str(path)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


class Sqlite:
    """Copies of one generated SQLite register."""

    name = "sqlite"
    raw = RAW_SQLITE

    def __init__(self, work: Path, staff: Path, rows: int) -> None:
        self.work = work
        self.base = work / "base.db"
        generate(str(self.base), staff, rows)
        self.n = 0

    def copy(self, source: str | None = None) -> str:
        self.n += 1
        path = self.work / f"run{self.n % 4}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copy(source or self.base, path)
        return str(path)

    def close(self) -> None:
        pass


class Postgres:
    """Databases made from one generated PostgreSQL register (a throw-away server)."""

    name = "postgresql"
    raw = RAW_PG

    def __init__(self, work: Path, staff: Path, rows: int) -> None:
        from styrdok.testing.postgres import PostgresServer

        self.server = PostgresServer.start()
        url = self.server.create_database()
        generate(url, staff, rows)
        self.base = url.rsplit("/", 1)[1]

    def copy(self, source: str | None = None) -> str:
        template = (source or self.base).rsplit("/", 1)[-1]
        return self.server.create_database(template=template)

    def close(self) -> None:
        self.server.stop()


def run(engine: Sqlite | Postgres, staff: Path, changed: Path, repeat: int) -> list[str]:
    """Every scenario ``repeat`` times; one printed line each."""
    results: dict[str, list[dict[str, float]]] = {
        "raw": [], "first": [], "steady": [], "changed": []
    }  # fmt: skip
    for _ in range(repeat):
        results["raw"].append(child(engine.raw, engine.copy(), staff))
        synced = engine.copy()
        results["first"].append(child(CHILD, synced, staff))
        results["steady"].append(child(CHILD, synced, staff))
        results["changed"].append(child(CHILD, engine.copy(synced), changed))
    raw = statistics.median(r["s"] for r in results["raw"]) or 1e-9  # never divide by 0
    lines = []
    for name, runs in results.items():
        secs = statistics.median(r["s"] for r in runs)
        peak = max(r["peak_kb"] for r in runs) / 1024
        before = max(r["before_kb"] for r in runs) / 1024
        lines.append(
            f"  {engine.name:<10} {name:<8} {secs:7.3f} s  {secs / raw:5.2f}× raw   "
            f"peak RSS {peak:5.0f} MB (before {before:.0f} MB)"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=57_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="styrdok-staff-") as folder:
        work = Path(folder)
        staff, changed = work / "staff.csv", work / "staff_changed.csv"
        engines: list[type[Sqlite] | type[Postgres]] = [Sqlite]
        if args.postgres:
            engines.append(Postgres)
        lines = []
        for kind in engines:
            engine = kind(work, staff, args.rows)
            write_changed(staff, changed)
            try:
                lines += run(engine, staff, changed, args.repeat)
            finally:
                engine.close()
    print(f"staff sync of {args.rows:,} rows, median of {args.repeat} "
          f"({time.perf_counter() - started:.0f} s in all):")  # fmt: skip
    print("\n".join(lines))


if __name__ == "__main__":
    main()
