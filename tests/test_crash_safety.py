"""Crash safety: `kill -9` in the middle of an import and of a reminder run.

Afterwards the registry opens, its audit chain verifies, an import is all there or not at
all, no notice is marked sent that was not delivered, and no notice is lost: a later run
delivers whatever the killed one did not.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import DEMO_TODAY
from styrdok.demo import build_demo
from styrdok.outbox import Notice
from styrdok.registry import Registry
from styrdok.testing.postgres import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import Register  # noqa: E402

Fresh = Callable[[], str]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path, template_db: Path) -> Fresh:
    """Make as many fresh, migrated, empty registries as a test needs, on each engine."""
    counter = iter(range(1000))
    if request.param == "sqlite":

        def sqlite() -> str:
            path = tmp_path / f"register-{next(counter)}.db"
            shutil.copy(template_db, path)
            return str(path)

        return sqlite
    server: PostgresServer = request.getfixturevalue("postgres")
    template = request.getfixturevalue("pg_template")
    return lambda: server.create_database(template=template)


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A 3 %-scale national register (~40,000 records): an import takes seconds."""
    path = tmp_path_factory.mktemp("crash") / "register.json"
    with path.open("w", encoding="utf-8") as handle:
        counts = Register(0.03).write_export(handle)
    return path, counts["documents"]


def styrdok(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "styrdok.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL ``process`` after ``seconds``; False if it had already finished."""
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return True


def documents_in(url: str) -> int:
    with Registry.open(url) as registry:
        assert registry.verify_audit().broken is None
        return len(registry.list_documents())


def test_an_import_killed_midway_leaves_nothing_or_everything(
    fresh: Fresh, big_export: tuple[Path, int]
) -> None:
    export, total = big_export
    started = time.monotonic()
    complete = styrdok("--db", (url := fresh()), "import", str(export))
    assert complete.wait(timeout=600) == 0, complete.stderr.read() if complete.stderr else ""
    duration = time.monotonic() - started
    assert documents_in(url) == total
    emptied = 0
    for fraction in (0.3, 0.75):
        url = fresh()
        assert kill_after(styrdok("--db", url, "import", str(export)), duration * fraction)
        settle(url)
        found = documents_in(url)
        # A kill just after the client sent COMMIT may still land a complete import.
        assert found in (0, total), f"half an import after a kill at {fraction:.0%}"
        emptied += found == 0
    assert emptied, "no kill landed inside the import; use a bigger export"
    # The registry is usable afterwards: the import simply runs again.
    url = fresh()
    assert kill_after(styrdok("--db", url, "import", str(export)), duration * 0.3)
    settle(url)
    if documents_in(url) == 0:
        again = styrdok("--db", url, "import", str(export))
        assert again.wait(timeout=600) == 0, again.stderr.read() if again.stderr else ""
    assert documents_in(url) == total


def settle(url: str) -> None:
    """Wait until the killed client's server session is gone (PostgreSQL rolls back, or
    finishes a COMMIT already received, a moment after the client dies)."""
    if not url.startswith("postgresql"):
        return
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                others = connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            if not others:
                return
            time.sleep(0.05)
        raise AssertionError("the killed import's session did not end")
    finally:
        engine.dispose()


SLOW_RUN = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    from styrdok.config import Config
    from styrdok.registry import Registry

    class FileChannel:
        '''Delivers by appending to a file (fsynced): what was delivered survives a kill.'''
        name = "file"
        def __init__(self, path, delay):
            self.path, self.delay = path, delay
        def wants(self, recipient):
            return True
        def deliver(self, digest):
            time.sleep(self.delay)
            with open(self.path, "a", encoding="utf-8") as out:
                for item in digest.items:
                    out.write(f"{digest.recipient.ref}|{item.kind.value}|{item.ref}\\n")
                out.flush()
                os.fsync(out.fileno())

    db, log, delay, now = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    clock = lambda: dt.datetime.fromisoformat(now)
    with Registry.open(db, clock=clock) as registry:
        registry.remind(config=Config(), notifiers={"file": FileChannel(log, delay)},
            today=clock().date())
    """
)


def remind(
    db: str, log: Path, script: Path, *, delay: float, now: dt.datetime
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(script), db, str(log), str(delay), now.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def ledger(db: str) -> list[Notice]:
    with Registry.open(db) as registry, registry.store.transaction(write=False):
        return registry.store.notices()


def test_a_reminder_run_killed_midway_loses_nothing_and_claims_nothing_false(
    fresh: Fresh, tmp_path: Path
) -> None:
    url = fresh()
    with Registry.open(url) as registry:
        build_demo(registry, today=DEMO_TODAY)
    script = tmp_path / "slow_run.py"
    script.write_text(SLOW_RUN, encoding="utf-8")
    log = tmp_path / "delivered.txt"
    log.touch()
    now = dt.datetime.combine(DEMO_TODAY, dt.time(7), tzinfo=dt.UTC) + dt.timedelta(days=1)

    process = remind(url, log, script, delay=0.3, now=now)
    deadline = time.monotonic() + 60
    while len(log.read_text().splitlines()) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert kill_after(process, 0), "the run finished before it could be killed"

    def delivered() -> Counter[tuple[str, str, str]]:
        lines = log.read_text(encoding="utf-8").splitlines()
        return Counter(tuple(line.split("|")) for line in lines)  # type: ignore[misc]

    def key(row: Notice) -> tuple[str, str, str]:
        return str(row.recipient), str(row.kind), str(row.item).split(":", 1)[1]

    rows = ledger(url)
    sent = [r for r in rows if r.state == "sent"]
    assert sent, "nothing was delivered before the kill"
    assert len(sent) < len(rows), "nothing was left to deliver after the kill"
    assert {key(r) for r in sent} <= set(delivered()), "marked sent but never delivered"

    # The next run after the dead worker's lease has run out delivers the rest.
    later = now + dt.timedelta(hours=1)
    assert remind(url, log, script, delay=0, now=later).wait(timeout=120) == 0
    rows = ledger(url)
    assert {r.state for r in rows} == {"sent"}, "a notice was lost"
    assert {key(r) for r in rows} == set(delivered())
    # At most what was in flight at the kill (one digest) can have gone out twice.
    twice = [k for k, n in delivered().items() if n > 1]
    assert len({k[0] for k in twice}) <= 1
