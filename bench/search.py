"""The search benchmark: full-text search over a register where every document has a text.

    python bench/search.py --scale 0.1             # 31,100 documents, SQLite
    python bench/search.py --scale 0.1 --postgres  # and on a throw-away PostgreSQL server

Builds the synthetic register (``generate.py``) with a text of about 300 words for every
document, imports it, then times ``Registry.search_documents`` — what ``styrdok search``
and the intranet's search box call — for a fixed, seeded mix of queries: one word,
two words, and a word's first letters, drawn as often as they occur in the texts (Zipf's
law); and, apart, the worst case: the word nearly every document holds. Target: p95 ≤ 50 ms
on each engine. Prints a table and writes ``bench/results-search-<scale>.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys._styrdok_testing = True  # type: ignore[attr-defined]  # no installed plugins

from generate import TODAY, VOCABULARY, Register, zipf_words  # noqa: E402

from styrdok.registry import Registry  # noqa: E402

QUERIES = 300


def queries(seed: int = 7) -> list[str]:
    """The same mix of queries every run, words drawn as often as people would meet them
    in the texts (Zipf): one word, two words, and a word's first five letters."""
    rng = random.Random(seed)
    mix = []
    for n in range(QUERIES):
        kind = n % 3
        if kind == 0:
            mix.append(zipf_words(rng, 1)[0])
        elif kind == 1:
            mix.append(" ".join(zipf_words(rng, 2)))
        else:
            mix.append(next(w for w in zipf_words(rng, 20) if len(w) > 5)[:5])
    return mix


#: The worst case: the most common word, which nearly every document holds, and two of them.
WORST = [VOCABULARY[0], f"{VOCABULARY[0]} {VOCABULARY[1]}"]


def measure(registry: Registry, mix: list[str]) -> dict[str, Any]:
    """Time each query once (after one warm-up pass over a few), in milliseconds."""
    for query in mix[:10]:
        registry.search_documents(query)
    timings, hits = [], []
    for query in mix:
        start = time.perf_counter()
        found = registry.search_documents(query)
        timings.append((time.perf_counter() - start) * 1000)
        hits.append(len(found))
    timings.sort()
    return {
        "queries": len(mix),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "queries_with_hits": sum(1 for h in hits if h),
    }


def build(url: str, export: Path) -> float:
    """Import the register at ``url``; the seconds it took."""
    start = time.perf_counter()
    with Registry.open(url, create=True, clock=_noon) as registry, export.open() as f:
        registry.import_json(f, actor=None)
    return time.perf_counter() - start


def _noon() -> Any:
    import datetime as dt

    return dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--postgres", action="store_true", help="Also on PostgreSQL.")
    args = parser.parse_args()
    mix = queries()
    results: dict[str, Any] = {"scale": args.scale, "machine": platform.machine()}
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "register.json"
        with export.open("w", encoding="utf-8") as handle:
            results["counts"] = Register(args.scale, text=True).write_export(handle)
        engines = [("sqlite", str(Path(folder) / "register.db"))]
        server = None
        if args.postgres:
            from styrdok.testing.postgres import PostgresServer

            server = PostgresServer.start()
            engines.append(("postgresql", server.create_database()))
        try:
            for engine, url in engines:
                seconds = build(url, export)
                with Registry.open(url) as registry:
                    results[engine] = {"import_s": round(seconds, 1), **measure(registry, mix)}
                    worst = measure(registry, WORST * 10)
                    results[engine]["worst_p95_ms"] = worst["p95_ms"]
        finally:
            if server is not None:
                server.stop()
    print(f"{'engine':<12}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'worst p95':>11}  with hits")
    for engine in ("sqlite", "postgresql"):
        if engine in results:
            r = results[engine]
            print(
                f"{engine:<12}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['max_ms']:>9}"
                f"{r['worst_p95_ms']:>11}  {r['queries_with_hits']}/{r['queries']}"
            )
    out = Path(__file__).resolve().parent / f"results-search-{args.scale:g}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
