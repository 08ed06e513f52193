"""Read-side latency on a generated library: listings with their filters and limit in the
store's query versus fetching every row and cutting in Python (what the CLI did before), and
the read functions the CLI and the web share.

Builds the generated library of ``bench/web.py`` (documents with quotes, claims, forecasts,
events and entity mentions at real offsets; no NLP), then times, in-process:

- ``quotes --speaker X -n 20``, ``quotes -n 20`` and ``claims --footing hearsay -n 20``:
  ``before`` = every matching row fetched, then kind/footing filtered and cut in Python;
  ``after`` = :mod:`clipfile.read.items` with the filters and limit in SQL;
- ``search`` as the CLI runs it (no facets) and as the web runs it (facets);
- ``entity_view`` (the entity page and ``clipfile entity``).

    .venv/bin/python bench/read.py [--docs 10000] [--repeat 30] [--library PATH]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web import WORDS, build  # noqa: E402  (bench/web.py: the generated library)

from clipfile.read import items as it  # noqa: E402
from clipfile.read.entities import entity_view  # noqa: E402
from clipfile.read.search import SearchRequest, search  # noqa: E402
from clipfile.store.sqlite import SQLiteStore  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and worst wall time of ``fn`` in milliseconds."""
    fn()  # warm the caches
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts), max(ts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--library", type=Path)
    args = ap.parse_args()
    tmp = None
    path = args.library
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "bench.sqlite"
    existing = SQLiteStore(path).document_count() if path.exists() else 0
    if existing < args.docs:
        t = time.perf_counter()
        build(path, args.docs - existing, seed=7 + existing)
        print(f"built {args.docs - existing} documents in {time.perf_counter() - t:.1f}s")
    store = SQLiteStore(path)
    stats = store.stats()
    print(f"library: {stats['documents']} documents, {stats['entities']} entities, items {stats['items']}")
    rng = random.Random(5)
    busiest = store.list_entities(limit=1)[0]
    some = store.list_entities(limit=50)
    rows = [
        ("quotes --speaker X -n 20", "before",
         lambda: store.items("quote", entity=busiest.id, role="speaker")[:20]),
        ("quotes --speaker X -n 20", "after", lambda: it.listing(store, "quote", by_entity=busiest.id, limit=20)),
        ("quotes --kind direct -n 20", "before",
         lambda: [q for q in store.items("quote") if q.get("kind") == "direct"][:20]),
        ("quotes --kind direct -n 20", "after", lambda: it.listing(store, "quote", quote_kind="direct", limit=20)),
        ("claims --footing hearsay -n 20", "before",
         lambda: [c for c in store.items("claim") if c.get("status") == "hearsay"][:20]),
        ("claims --footing hearsay -n 20", "after", lambda: it.listing(store, "claim", footing="hearsay", limit=20)),
        ("search (CLI, no facets)", "after",
         lambda: search(store, SearchRequest(f"{rng.choice(WORDS)} {rng.choice(WORDS)}"), facets=False)),
        ("search (web, facets)", "after",
         lambda: search(store, SearchRequest(f"{rng.choice(WORDS)} {rng.choice(WORDS)}"))),
        ("search claims, footing facet", "after",
         lambda: search(store, SearchRequest(rng.choice(WORDS), kind="claim"))),
        ("entity_view", "after", lambda: entity_view(store, rng.choice(some))),
    ]
    print(f"{'question':32} {'':7} {'p50 ms':>8} {'max ms':>8}")
    for name, when, fn in rows:
        p50, worst = timed(fn, args.repeat)
        print(f"{name:32} {when:7} {p50:8.1f} {worst:8.1f}")
    store.close()
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
