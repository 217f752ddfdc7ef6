"""The intranet benchmark: time the intranet's pages over a large register.

    python bench/generate.py --scale 0.1 /tmp/r01.json
    styrdok --db /tmp/r01.db init && styrdok --db /tmp/r01.db import /tmp/r01.json
    python bench/intranet.py /tmp/r01.db                  # 20 requests per page, one client
    python bench/intranet.py /tmp/r01.db --clients 10     # ten clients at once

Each page is asked for through Flask's test client (no network, no server: what is timed is
the app, the registry and the database), by a logged-in reader (the owner of the first
document, so drafts are filtered as for a real person), on the register's own "today"
(``generate.TODAY``). One request per page first warms the caches; then each client asks
``--requests`` times. Prints, per page: median, p95 and max in milliseconds, and the size of
the HTML or JSON sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "intranet"))
sys._styrdok_testing = True  # type: ignore[attr-defined]  # no installed plugins

from generate import TODAY  # noqa: E402
from styrdok_intranet import create_app  # noqa: E402

from styrdok.registry import Registry  # noqa: E402


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


def measure(db: str, *, requests: int, clients: int) -> dict[str, tuple[list[float], int]]:
    """Per page: every request's time in milliseconds, and the response's size in bytes."""
    clock = dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.UTC)
    app = create_app(db, trusted_proxies=("127.0.0.1",), clock=lambda: clock, secret=b"bench")
    reader, paths = pages(db)
    headers = {"X-Remote-User": reader}
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    results: dict[str, tuple[list[float], int]] = {}
    for path in paths:
        warm = app.test_client().get(path, headers=headers, environ_base=environ)
        assert warm.status_code == 200, (path, warm.status_code)
        times: list[float] = []
        lock = threading.Lock()

        def client(
            path: str = path, times: list[float] = times, lock: threading.Lock = lock
        ) -> None:
            web = app.test_client()
            for _ in range(requests):
                start = time.perf_counter()
                response = web.get(path, headers=headers, environ_base=environ)
                response.get_data()
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    times.append(elapsed)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results[path] = (times, len(warm.get_data()))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", help="a register (path or URL), e.g. the 0.1-scale one")
    parser.add_argument("--requests", type=int, default=20, help="per client and page")
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args()
    found = measure(args.db, requests=args.requests, clients=args.clients)
    print(f"{'page':<32} {'median ms':>10} {'p95 ms':>10} {'max ms':>10} {'bytes':>10}")
    for path, (times, size) in found.items():
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{path:<32} {statistics.median(times):>10.1f} {p95:>10.1f} "
            f"{times[-1]:>10.1f} {size:>10,}"
        )


if __name__ == "__main__":
    main()
