"""The API benchmark: the versioned HTTP API under concurrent clients, served for real.

    python bench/generate.py --scale 0.1 /tmp/r01.json
    styrdok --db /tmp/r01.db init && styrdok --db /tmp/r01.db import /tmp/r01.json
    python bench/api.py /tmp/r01.db                       # 10 clients, 50 requests each
    python bench/api.py /tmp/r01.db --clients 10 --requests 100 --threads 4

The app is served the way ``docs/deployment.md`` recommends for production — the
``styrdok-intranet`` command, i.e. waitress, a real WSGI server, in a process of its own on
loopback — and called over HTTP with keep-alive connections (httpx), ``--clients`` at once,
each client a process of its own (as separate browsers and programs are).
Each client asks for every route in turn, ``--requests`` times: lists (one page of 50),
records, and "to decide" for a guardian, as a program with a personal API token
(``Authorization: Bearer``, created in the register first), so authentication is timed
too. Each client asks for every route twice first, unmeasured, to warm every worker's
caches; then the clients, each with its connection open, start together. Prints per
route: median, p95 and max in milliseconds, and the size of the answer; the target
(issue 16) is p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import p95, run_clients, served

from styrdok.registry import Registry

#: The issue's target for every route's p95, in milliseconds.
TARGET_P95_MS = 50.0


def routes(db: str) -> tuple[str, list[str]]:
    """A guardian's token (created now) and the routes to time."""
    with Registry.open(db) as registry:
        page = registry.browse_dispensations(per_page=1)
        disp = page.dispensations[0]
        document = registry.get_document(disp.document_ref)
        guardian = document.guardian or document.owner
        _token, secret = registry.create_token(
            guardian, name="bench/api.py", days=1, actor=guardian
        )
    return secret, [
        "/api/v1/dokument",
        "/api/v1/dokument?sida=20",
        f"/api/v1/dokument/{document.ref}",
        "/api/v1/aktuellt",
        "/api/v1/dispenser",
        f"/api/v1/dispenser?dokument={document.ref}",
        f"/api/v1/dispenser/{disp.ref}",
        "/api/v1/dispenser?urval=att-besluta",
        "/api/v1/fragor?urval=till-mig",
        "/api/v1/mig",
    ]


def measure(
    base: str, secret: str, paths: list[str], *, clients: int, requests: int
) -> dict[str, tuple[list[float], int]]:
    """Per route: every request's time in milliseconds, and the answer's size in bytes."""
    headers = {"Authorization": f"Bearer {secret}"}
    sizes = {}
    with httpx.Client(base_url=base, headers=headers) as warm:
        for path in paths:
            response = warm.get(path)
            assert response.status_code == 200, (path, response.status_code, response.text)
            sizes[path] = len(response.content)
    # Every worker warmed too (each keeps its own caches), then the clock starts.
    run_clients(base, headers, paths, clients=clients, requests=2)
    times = run_clients(base, headers, paths, clients=clients, requests=requests)
    return {path: (times[path], sizes[path]) for path in paths}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db", help="a register (path or URL), e.g. the 0.1-scale one")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=50, help="per client and route")
    parser.add_argument(
        "--threads", type=int, default=1, help="per server process (as styrdok-intranet)"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    db = str(Path(args.db).resolve()) if "://" not in args.db else args.db
    secret, paths = routes(db)
    with served(db, threads=args.threads, workers=args.workers) as base:
        found = measure(base, secret, paths, clients=args.clients, requests=args.requests)
    print(
        f"{args.clients} clients × {args.requests} requests per route; server "
        f"{args.workers} processes × {args.threads} thread(s); target p95 ≤ "
        f"{TARGET_P95_MS:.0f} ms"
    )
    print(f"{'route':<48} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'bytes':>9}")
    for path, (times, size) in found.items():
        high = p95(times)
        mark = "" if high <= TARGET_P95_MS else "  over"
        print(
            f"{path:<48} {statistics.median(times):>10.1f} {high:>8.1f} "
            f"{times[-1]:>8.1f} {size:>9,}{mark}"
        )


if __name__ == "__main__":
    main()
