"""The intranet app served for a benchmark the way production serves it: ``styrdok-intranet``
(waitress), in processes of its own on loopback, called over HTTP."""

from __future__ import annotations

import contextlib
import multiprocessing
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx


def free_port() -> int:
    """A TCP port on loopback nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.contextmanager
def served(db: str, *, threads: int, workers: int, extra: tuple[str, ...] = ()) -> Iterator[str]:
    """``styrdok-intranet`` over ``db`` while the block runs; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "styrdok_intranet",
            "--db",
            db,
            "--port",
            str(port),
            "--threads",
            str(threads),
            "--workers",
            str(workers),
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/openapi.json", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def p95(times: list[float]) -> float:
    """The 95th percentile of ``times`` (sorted in place), nearest rank."""
    times.sort()
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


#: Set in each client process before it starts (see :func:`run_clients`).
_start_together: Any = None


def _ready_all(barrier: Any) -> None:
    global _start_together
    _start_together = barrier


def _client(args: tuple[str, dict[str, str], list[str], int]) -> dict[str, list[float]]:
    """One client: every path in turn, ``requests`` times, over one keep-alive connection;
    each request's time in milliseconds, per path. The connection is opened and every path
    asked for once before the clock starts, and the clock starts when every client is
    ready: a client process starting up (forking, building its HTTP client) must not be
    timed as the server's latency, nor slow the first requests of the others."""
    base, headers, paths, requests = args
    times: dict[str, list[float]] = {path: [] for path in paths}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as web:
        for path in paths:
            assert web.get(path).status_code == 200, path
        if _start_together is not None:
            _start_together.wait(timeout=120)
        for _ in range(requests):
            for path in paths:
                start = time.perf_counter()
                response = web.get(path)
                elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (path, response.status_code)
                times[path].append(elapsed)
    return times


def run_clients(
    base: str, headers: dict[str, str], paths: list[str], *, clients: int, requests: int
) -> dict[str, list[float]]:
    """``clients`` clients at once, each a process of its own — as many browsers or
    programs are, so that no client waits for another's interpreter — asking for every path
    in turn ``requests`` times, all starting together; every request's time in
    milliseconds, per path."""
    found: dict[str, list[float]] = {path: [] for path in paths}
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients)
    with context.Pool(clients, initializer=_ready_all, initargs=(barrier,)) as pool:
        for times in pool.map(_client, [(base, headers, paths, requests)] * clients):
            for path, measured in times.items():
                found[path].extend(measured)
    return found
