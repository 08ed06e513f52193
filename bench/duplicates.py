"""Benchmark: library-scale duplicate detection over generated paragraphs.

Generates documents of ten paragraphs (words drawn from a Zipf-like vocabulary, so common
bigrams recur as in real prose), plants copies of earlier paragraphs (half verbatim, half with
1-3 word edits), then runs the library flow: ``find`` each new document against the index,
then ``add`` it, one store transaction per document as the library does.  Prints time, the
per-document lookup (``find``) cost and candidates per paragraph as the index grows, peak
memory and recall/precision on the planted copies.

    .venv/bin/python bench/duplicates.py [--paragraphs 100000] [--store PATH] [--tracemalloc]

The index lives in an in-memory SQLite store, or in the library file ``--store`` names (as in
a library; the file is replaced).  The script also runs against the index as it was before it
moved into store tables (one in-memory object saved as a blob), for before/after figures.

Peak memory is the process's maximum resident set (resource.getrusage), which includes the
interpreter, numpy and datasketch; ``--tracemalloc`` also reports Python-level allocations
(slower).
"""
from __future__ import annotations

import argparse
import contextlib
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clipfile.analysis.duplicates import DuplicateIndex, duplicates  # noqa: E402

CHECKPOINTS = (10_000, 30_000, 100_000, 300_000, 1_000_000)  # paragraphs indexed
WINDOW = 200  # documents whose find() times are averaged before each checkpoint


def open_index(store_path: Path | None):
    """The index and a transaction factory; the index before its store tables had neither."""
    try:
        from clipfile.store.sqlite import SQLiteStore
        store = SQLiteStore(":memory:") if store_path is None else None
        if store_path is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{store_path}{suffix}").unlink(missing_ok=True)
            store = SQLiteStore(store_path)
        return DuplicateIndex(store.recycled), store.transaction
    except (ImportError, AttributeError, TypeError):
        if store_path is not None:
            raise SystemExit("--store needs the index kept in store tables")
        return DuplicateIndex(), contextlib.nullcontext


def candidate_counter(index):
    """(candidates, units) so far: the index's own counters, or, for the index before them,
    what its band tables returned per unit."""
    if hasattr(index, "stats"):
        return lambda: (index.stats["candidates"], index.stats["units"])
    counts = [0, 0]
    query = index._table.query

    def counted(keys):
        found = query(keys)
        counts[0] += len(found)
        counts[1] += 1
        return found

    index._table.query = counted
    return lambda: tuple(counts)


def vocabulary(n: int) -> tuple[list[str], list[float]]:
    words = [f"w{i}" for i in range(n)]
    weights = [1.0 / (i + 1) ** 1.05 for i in range(n)]
    return words, weights


def make_library(n_paragraphs: int, per_doc: int, copy_rate: float, seed: int):
    rng = random.Random(seed)
    words, weights = vocabulary(30_000)
    cum = list(__import__("itertools").accumulate(weights))
    docs: list[list[str]] = []
    planted: list[tuple[int, int, str]] = []  # (doc, paragraph, kind)
    pool: list[str] = []
    n_docs = n_paragraphs // per_doc
    for d in range(n_docs):
        paras = []
        for p in range(per_doc):
            if pool and rng.random() < copy_rate:
                src = rng.choice(pool)
                if rng.random() < 0.5:
                    paras.append(src)
                    planted.append((d, p, "exact"))
                else:
                    ws = src.rstrip(".").split()
                    for _ in range(rng.randint(1, 3)):
                        i = rng.randrange(len(ws))
                        ws[i] = rng.choices(words, cum_weights=cum)[0]
                    paras.append(" ".join(ws) + ".")
                    planted.append((d, p, "edited"))
            else:
                n = rng.randint(25, 70)
                paras.append(" ".join(rng.choices(words, cum_weights=cum, k=n)) + ".")
        pool.extend(rng.sample(paras, 2))
        docs.append(paras)
    return docs, planted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=10)
    ap.add_argument("--copy-rate", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--store", type=Path, default=None, help="keep the index in this library file")
    ap.add_argument("--tracemalloc", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    docs, planted = make_library(args.paragraphs, args.per_doc, args.copy_rate, args.seed)
    texts = ["\n".join(p) + "\n" for p in docs]
    gen_s = time.perf_counter() - t0
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.tracemalloc:
        tracemalloc.start()

    index, transaction = open_index(args.store)
    counter = candidate_counter(index)
    found_paras: set[tuple[int, int]] = set()
    reported = 0
    t1 = time.perf_counter()
    find_s = add_s = 0.0
    recent: list[tuple[float, int, int]] = []  # per document: find seconds, candidates, units
    paragraphs_done = 0
    checkpoints = [c for c in CHECKPOINTS if c <= sum(len(d) for d in docs)]
    lookup_lines = []
    for d, text in enumerate(texts):
        c0, u0 = counter()
        with transaction():
            a = time.perf_counter()
            found = index.find(f"d{d}", text, None)
            b = time.perf_counter()
            index.add(f"d{d}", None, text)
        add_s += time.perf_counter() - b
        find_s += b - a
        c1, u1 = counter()
        recent = [*recent[-(WINDOW - 1):], (b - a, c1 - c0, u1 - u0)]
        paragraphs_done += len(docs[d])
        if checkpoints and paragraphs_done >= checkpoints[0]:
            ms = sum(r[0] for r in recent) / len(recent) * 1000
            cands = sum(r[1] for r in recent) / max(1, sum(r[2] for r in recent))
            lookup_lines.append(f"  at {checkpoints.pop(0):>9,} paragraphs: find {ms:.2f} ms per document "
                                f"({args.per_doc} paragraphs), {cands:.1f} candidates per unit")
        if found:
            starts = [0]
            for para in docs[d][:-1]:
                starts.append(starts[-1] + len(para) + 1)
            for f in found:
                reported += 1
                for p, s in enumerate(starts):
                    if s == f.start:
                        found_paras.add((d, p))
    total_s = time.perf_counter() - t1
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    planted_set = {(d, p) for d, p, _ in planted}
    hit = {k: sum(1 for d, p, kk in planted if kk == k and (d, p) in found_paras) for k in ("exact", "edited")}
    tot = {k: sum(1 for _, _, kk in planted if kk == k) for k in ("exact", "edited")}
    false = len(found_paras - planted_set)
    n_units = len(index)

    # Within-document speed on one long document (200 paragraphs, some repeated).
    long_text = "\n".join(p for d in docs[:20] for p in d) + "\n" + "\n".join(docs[3][:5]) + "\n"
    a = time.perf_counter()
    within = duplicates(long_text, document_id="long")
    within_s = time.perf_counter() - a

    print(f"paragraphs: {sum(len(d) for d in docs):,} in {len(docs):,} documents "
          f"(generated in {gen_s:.1f} s); units indexed: {n_units:,}")
    print(f"library run (find + add per document): {total_s:.1f} s "
          f"= {sum(len(d) for d in docs) / total_s:,.0f} paragraphs/s "
          f"(find {find_s:.1f} s, add {add_s:.1f} s)")
    print(f"per-document lookup, mean of the last {WINDOW} documents before each point:")
    print("\n".join(lookup_lines))
    print(f"peak RSS: {rss:.0f} MB (before indexing: {rss0:.0f} MB)"
          + (f"; tracemalloc peak: {traced:.0f} MB" if traced is not None else ""))
    print(f"planted copies found: exact {hit['exact']}/{tot['exact']}, "
          f"edited (1-3 words) {hit['edited']}/{tot['edited']}; "
          f"reported duplicates: {reported}, not planted: {false}")
    print(f"within one document of {long_text.count(chr(10)):,} paragraphs: {within_s * 1000:.0f} ms, "
          f"{len(within)} duplicates")
    if args.store is not None:
        files = [Path(f"{args.store}{x}") for x in ("", "-wal")]
        size = sum(f.stat().st_size for f in files if f.exists())
        print(f"library file with the index: {size / 2**20:.1f} MB")
    elif hasattr(index, "to_state"):
        state = index.to_state()
        size = sum(len(v) for v in state.values() if isinstance(v, bytes))
        a = time.perf_counter()
        DuplicateIndex.from_state(state)
        print(f"state: {size / 2**20:.1f} MB of bytes; rebuilt in {time.perf_counter() - a:.1f} s")

if __name__ == "__main__":
    main()
