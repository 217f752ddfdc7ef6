"""``styrdok-intranet --workers N``: several server processes on one port, served for real
(a subprocess on loopback, called over HTTP with a fresh connection per request, so the
kernel spreads them over the workers)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from intranet_support import demo_db, demo_template

from styrdok.registry import Registry

__all__ = ["demo_db", "demo_template"]  # fixtures used below

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="--workers needs fork (POSIX)")

ASKER = {"X-Remote-User": "sara.jansson"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def workers_of(pid: int) -> set[int]:
    """The server's worker processes (Linux: the parent's children)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(child) for child in children}


def wait_for(condition: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.fixture
def server(demo_db: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``styrdok-intranet --workers 2`` over the demo, believing this machine's header."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "STYRDOK_INTRANET_SECRET"}
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "styrdok_intranet", "--db", str(demo_db)),
            *("--port", str(port), "--workers", "2", "--threads", "2"),
            *("--trusted-proxy", "127.0.0.1"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/api/openapi.json", timeout=1).status_code == 200
        except httpx.HTTPError:
            return process.poll() is not None  # stop waiting; the test will say why

    try:
        wait_for(answers, 60)
        assert process.poll() is None, process.communicate()[0]
        wait_for(lambda: len(workers_of(process.pid)) == 2)
        yield process, base
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def test_a_form_shown_by_one_worker_is_accepted_by_every_worker(
    server: tuple[subprocess.Popen[str], str], demo_db: Path
) -> None:
    """The workers share one form secret: a question posted on any connection is taken."""
    _process, base = server
    page = httpx.get(f"{base}/dokument/RIKT-MOLN-SKOLA", headers=ASKER).text
    match = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert match, "the page has no form token"
    statuses = [
        httpx.post(
            f"{base}/dokument/RIKT-MOLN-SKOLA/fraga",
            headers=ASKER,
            data={"text": f"Fråga nummer {n}?", "token": match.group(1)},
        ).status_code
        for n in range(12)
    ]
    assert statuses == [302] * 12
    with Registry.open(demo_db) as registry:
        asked = [q.text for q in registry.questions("RIKT-MOLN-SKOLA")]
    assert all(f"Fråga nummer {n}?" in asked for n in range(12))


def test_a_worker_that_dies_is_replaced_and_the_port_keeps_answering(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, base = server
    before = workers_of(process.pid)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: len(workers_of(process.pid)) == 2 and victim not in workers_of(process.pid))
    assert all(httpx.get(f"{base}/api/v1/dokument").status_code == 200 for _ in range(6))


def test_sigterm_stops_the_server_and_every_worker(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, _base = server
    workers = workers_of(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return "zombie"
