#!/usr/bin/env python3
"""Benchmark: ingest with heavy text reuse (the cross-document recycled-text bookkeeping).

Generates documents that share many sentences and whole paragraphs (a wire pool whose most
used sentence recurs in thousands of documents, a tenth of the reused text lightly edited),
published on random dates so that older copies keep arriving after newer ones (the "earlier
copy becomes the origin" path), a tenth of them undated.  They are ingested into a fresh
SQLite library through ``Library.ingest``, one JSON Lines file per thousand documents, and the
documents/s of each thousand (``--every``) are printed, with the CPU time per document (which
other load on a shared machine hardly moves).

The documents are labelled ``language: "und"`` (undetermined): the real pipeline runs no
language stages on such text, only the language-free recycled-text stages (within-document
repeats, then the library's cross-document index), so the figures measure the store and the
recycled-text bookkeeping rather than spaCy.

    python bench/recycled_ingest.py [--documents 10000] [--every 1000] [--minutes 30] [--library PATH]

``--minutes`` stops the run when that much time has passed (it prints what it reached).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clipfile.library import Library  # noqa: E402


def _vocabulary(n: int = 12_000) -> list[str]:
    rng = random.Random(7)
    words = {"".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(1, 4)))
             for _ in range(n)}
    return sorted(words)


VOCAB = _vocabulary()
VOCAB_CUM = list(accumulate(1 / (rank + 1) for rank in range(len(VOCAB))))


def sentence(rng: random.Random) -> str:
    words = rng.choices(VOCAB, cum_weights=VOCAB_CUM, k=rng.randint(9, 22))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def edited(rng: random.Random, text: str) -> str:
    """One or two words replaced: a near copy (bigram Jaccard well above 0.5)."""
    words = text.rstrip(".").split()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(1, len(words))
        words[i] = rng.choice(VOCAB)
    return " ".join(words) + "."


class Corpus:
    """Documents with heavy reuse: a pool of wire sentences and paragraphs picked Zipf-like."""

    def __init__(self, seed: int, pool_sentences: int = 4000, pool_paragraphs: int = 800) -> None:
        self.rng = random.Random(seed)
        self.uses: dict[str, int] = {}
        self.sentences = [sentence(self.rng) for _ in range(pool_sentences)]
        self.sentence_cum = list(accumulate(1 / (r + 1) ** 0.9 for r in range(pool_sentences)))
        self.paragraphs = [[self._sentence() for _ in range(self.rng.randint(2, 4))]
                           for _ in range(pool_paragraphs)]
        self.paragraph_cum = list(accumulate(1 / (r + 1) ** 0.9 for r in range(pool_paragraphs)))

    def _sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.45:
            s = rng.choices(self.sentences, cum_weights=self.sentence_cum)[0]
            self.uses[s] = self.uses.get(s, 0) + 1
            return edited(rng, s) if rng.random() < 0.1 else s
        return sentence(rng)

    def paragraph(self) -> str:
        rng = self.rng
        if rng.random() < 0.12:
            p = rng.choices(self.paragraphs, cum_weights=self.paragraph_cum)[0]
            return " ".join(edited(rng, s) if rng.random() < 0.1 else s for s in p)
        return " ".join(self._sentence() for _ in range(rng.randint(1, 4)))

    def document(self, i: int) -> dict:
        rng = self.rng
        paras = [self.paragraph() for _ in range(rng.randint(5, 11))]
        record = {"title": f"Bulletin {i}", "source": f"outlet{rng.randrange(40)}", "language": "und",
                  "text": f"Bulletin {i}\n\n" + "\n\n".join(paras) + "\n"}
        if rng.random() >= 0.1:  # a tenth undated
            record["published"] = (date(2020, 1, 1) + timedelta(days=rng.randrange(4 * 365))).isoformat()
        return record


class TimeUp(Exception):
    pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--per-file", type=int, default=1000,
                    help="documents per JSON Lines file (one ingest call each)")
    ap.add_argument("--every", type=int, default=1000, help="report documents/s for every this many documents")
    ap.add_argument("--minutes", type=float, default=None, help="stop after this long and print what was reached")
    ap.add_argument("--library", type=Path, default=None, help="library file (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory()
    folder = Path(tmp.name)
    corpus = Corpus(args.seed)
    files = []
    t0 = time.perf_counter()
    for k in range(0, args.documents, args.per_file):
        path = folder / f"batch{k // args.per_file:03d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(k, min(args.documents, k + args.per_file)):
                fh.write(json.dumps(corpus.document(i)) + "\n")
        files.append(path)
    top = sorted(corpus.uses.values(), reverse=True)
    print(f"generated {args.documents:,} documents in {time.perf_counter() - t0:.1f} s; "
          f"pool sentences used {sum(top):,} times; the most used {top[0]:,} times, "
          f"the 10th {top[9]:,}, the 100th {top[99]:,}")

    library = args.library or folder / "library.sqlite"
    deadline = time.perf_counter() + args.minutes * 60 if args.minutes else None
    stamps: list[float] = []
    cpu: list[float] = []  # process CPU time: a figure other load on the machine hardly moves
    failed = 0

    def on_item(outcome) -> None:
        nonlocal failed
        stamps.append(time.perf_counter())
        cpu.append(time.process_time())
        failed += outcome.status == "failed"
        if deadline and stamps[-1] > deadline:
            raise TimeUp

    start = time.perf_counter()
    cpu0 = time.process_time()
    lib = Library(library)
    stopped = False
    every = args.every
    print(f"{'documents':>9}  documents/s  elapsed s  CPU ms/document")
    printed = 0

    def report(upto: int, partial: bool = False) -> None:
        a = start if printed == 0 else stamps[printed * every - 1]
        b = stamps[upto - 1]
        c = cpu0 if printed == 0 else cpu[printed * every - 1]
        n = upto - printed * every
        print(f"{upto:>9,}  {n / (b - a):>11.1f}  {b - start:>9.0f}  {(cpu[upto - 1] - c) / n * 1000:>15.1f}"
              + (f"  (partial: {n})" if partial else ""), flush=True)

    try:
        for path in files:
            try:
                lib.ingest([str(path)], on_item=on_item)
            finally:
                while len(stamps) >= (printed + 1) * every:
                    report((printed + 1) * every)
                    printed += 1
    except TimeUp:
        stopped = True
    if len(stamps) > printed * every:
        report(len(stamps), partial=True)
    if stopped:
        print(f"stopped by --minutes {args.minutes:g} after {len(stamps):,} documents")
    a = time.perf_counter()
    lib.close()
    closed = time.perf_counter() - a
    total = (stamps[-1] if stamps else time.perf_counter()) - start
    with Library(library) as check:
        stats = check.store.stats()
    size = library.stat().st_size / 2**20
    print(f"{len(stamps):,} documents in {total:.0f} s = {len(stamps) / total:.1f} documents/s overall; "
          f"close {closed:.1f} s; failed {failed}; "
          f"duplicate items stored: {stats['items'].get('duplicate', 0):,}; "
          f"library file {size:.0f} MB")


if __name__ == "__main__":
    main()
