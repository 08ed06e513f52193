#!/usr/bin/env python3
"""Ingest + store throughput (no NLP) and search latency.

Generates a corpus of synthetic news-like documents, ingests it through the real readers and
the library (``Library.ingest`` with analysis off; a temporary SQLite file, or the empty library
at ``--library URL``, such as a PostgreSQL database), then times full-text queries at 10,000
and 100,000 documents.  Prints the figures; asserts nothing.

    python bench/ingest.py [--docs 10000] [--big 100000] [--queries 200] [--library URL]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clipfile.library import Library  # noqa: E402

WORDS = ("harbour council minister river bridge election budget strike ferry dam police court "
         "report inquiry energy prices farmers water border army talks treaty vote mayor school "
         "hospital contract pipeline railway storm flood tariff union factory bank inflation").split()
NAMES = ["Rhea Solberg", "Tomas Erlund", "Ilse Marr", "Viktor Hale", "Anya Petrova", "Jonas Brandt",
         "Mara Quint", "Oskar Lind", "Nadia Ferro", "Pavel Orlov"]


def _vocabulary(n: int = 20_000) -> list[str]:
    """Topic words plus made-up words, drawn with Zipf-like weights as in real text."""
    rng = random.Random(1)
    made_up = {"".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
               for _ in range(n)}
    return WORDS + sorted(made_up)


VOCAB = _vocabulary()
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCAB))]


def article(rng: random.Random, i: int) -> str:
    who = rng.choice(NAMES)
    paras = []
    for _ in range(rng.randint(3, 7)):
        words = rng.choices(VOCAB, WEIGHTS, k=rng.randint(25, 60))
        paras.append(f"{who} said the " + " ".join(words) + f" would change by {rng.randint(2, 40)} percent.")
    return f"Bulletin {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}\n\n" + "\n\n".join(paras) + "\n"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def time_queries(lib: Library, rng: random.Random, n: int) -> tuple[float, float]:
    queries = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.5:
            queries.append(rng.choice(VOCAB[:2000]))
        elif kind < 0.8:
            queries.append(f"{rng.choice(WORDS)} AND {rng.choice(VOCAB[:2000])}")
        else:
            queries.append(f'"{rng.choice(NAMES)}"')
    times = []
    for q in queries:
        t = time.perf_counter()
        lib.store.search(q, limit=20)
        times.append((time.perf_counter() - t) * 1000)
    return percentile(times, 50), percentile(times, 95)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--library", help="an empty library to fill (postgresql://…); default: a temporary SQLite file")
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = tmp / "files"
        files.mkdir()
        for i in range(args.docs):
            (files / f"{i:06d}.txt").write_text(article(rng, i), encoding="utf-8")
        lib = Library(args.library or tmp / "lib.sqlite")
        print(f"library: {lib.store.path}")
        t = time.perf_counter()
        report = lib.ingest([str(files)], analyze_documents=False)
        dt = time.perf_counter() - t
        print(f"ingest {args.docs} text files (read+decode+language+store+index): {dt:.1f} s, "
              f"{args.docs / dt:.0f} documents/s ({report.summary()})")
        t = time.perf_counter()
        again = lib.ingest([str(files)], analyze_documents=False)
        dt2 = time.perf_counter() - t
        print(f"re-ingest of the same files: {dt2:.1f} s, {again.summary()}")
        p50, p95 = time_queries(lib, rng, args.queries)
        print(f"search latency at {lib.store.document_count()} documents: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        if args.big > args.docs:
            # JSON Lines files of 10,000 records each (one file would pass the 50 MB input cap).
            bulk = tmp / "bulk"
            bulk.mkdir()
            for first in range(args.docs, args.big, 10_000):
                with (bulk / f"{first:07d}.jsonl").open("w", encoding="utf-8") as fh:
                    for i in range(first, min(first + 10_000, args.big)):
                        fh.write(json.dumps({"text": article(rng, i), "title": f"Bulletin {i}",
                                             "source": "Bench Wire", "published": "2024-06-01"}) + "\n")
            t = time.perf_counter()
            report = lib.ingest([str(bulk)], analyze_documents=False)
            dt = time.perf_counter() - t
            n = args.big - args.docs
            print(f"ingest {n} JSON Lines records: {dt:.1f} s, {n / dt:.0f} documents/s ({report.summary()})")
            p50, p95 = time_queries(lib, rng, args.queries)
            print(f"search latency at {lib.store.document_count()} documents: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
        if not args.library:
            size = sum(p.stat().st_size for p in tmp.glob("lib.sqlite*"))
            print(f"library size: {size / 2**20:.0f} MiB")
        lib.close()


if __name__ == "__main__":
    main()
