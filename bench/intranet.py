"""The intranet benchmark: time the intranet's pages over a large register.

    python bench/generate.py --scale 0.1 /tmp/r01.json
    styrdok --db /tmp/r01.db init && styrdok --db /tmp/r01.db import /tmp/r01.json
    python bench/intranet.py /tmp/r01.db                  # 20 requests per page, one client
    python bench/intranet.py /tmp/r01.db --clients 10     # ten clients at once
    python bench/intranet.py /tmp/r01.db --clients 10 --workers 1 --threads 4

The app is served as production serves it (``styrdok-intranet``: waitress, ``--workers``
processes of ``--threads`` threads, on loopback, believing this machine's login header) and
called over HTTP with keep-alive connections, each client a process of its own, by a
logged-in reader (the owner of the first document, so drafts are filtered as for a real
person), on the real today. Each client asks for a page twice first, unmeasured, to warm
every worker's caches; then the clients, each with its connection open, start together and
each asks ``--requests`` times. Prints, per page:
median, p95 and max in milliseconds, and the size of the HTML or JSON sent; the targets
(issue 19) are p95 ≤ 100 ms for the lists and ≤ 50 ms for a document's page.
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

#: The issue's targets for p95 in milliseconds: a list page, and one document's page.
TARGET_LIST_MS = 100.0
TARGET_PAGE_MS = 50.0


def pages(db: str) -> tuple[str, list[str]]:
    """A reader (the first document's owner) and the pages to time."""
    with Registry.open(db) as registry:
        documents = registry.list_documents(status="in_force")
    reader, first = documents[0].owner, documents[len(documents) // 2].ref
    return reader, [
        "/",
        "/?sida=10",
        "/?q=kommun",
        "/aktuellt",
        f"/dokument/{first}",
        "/api/dokument",
        "/api/aktuellt",
    ]


def measure(
    base: str, reader: str, paths: list[str], *, requests: int, clients: int
) -> dict[str, tuple[list[float], int]]:
    """Per page: every request's time in milliseconds, and the response's size in bytes.
    The clients ask for one page at a time, all of them, before the next page."""
    headers = {"X-Remote-User": reader}
    results: dict[str, tuple[list[float], int]] = {}
    for path in paths:
        warm = httpx.get(base + path, headers=headers, timeout=60)
        assert warm.status_code == 200, (path, warm.status_code)
        # Every worker warmed too (each keeps its own caches), then the clock starts.
        run_clients(base, headers, [path], clients=clients, requests=2)
        times = run_clients(base, headers, [path], clients=clients, requests=requests)
        results[path] = (times[path], len(warm.content))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db", help="a register (path or URL), e.g. the 0.1-scale one")
    parser.add_argument("--requests", type=int, default=20, help="per client and page")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument(
        "--threads", type=int, default=1, help="per server process (as styrdok-intranet)"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    db = str(Path(args.db).resolve()) if "://" not in args.db else args.db
    reader, paths = pages(db)
    extra = ("--trusted-proxy", "127.0.0.1")
    with served(db, threads=args.threads, workers=args.workers, extra=extra) as base:
        found = measure(base, reader, paths, requests=args.requests, clients=args.clients)
    print(
        f"{args.clients} clients × {args.requests} requests per page; server "
        f"{args.workers} processes × {args.threads} thread(s)"
    )
    print(f"{'page':<32} {'median ms':>10} {'p95 ms':>10} {'max ms':>10} {'bytes':>10}")
    for path, (times, size) in found.items():
        high = p95(times)
        target = TARGET_PAGE_MS if path.startswith("/dokument/") else TARGET_LIST_MS
        mark = "" if high <= target else f"  over {target:.0f}"
        print(
            f"{path:<32} {statistics.median(times):>10.1f} {high:>10.1f} "
            f"{times[-1]:>10.1f} {size:>10,}{mark}"
        )


if __name__ == "__main__":
    main()
