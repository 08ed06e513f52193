#!/usr/bin/env python3
"""What parsing documents in batches saves: ``pipeline.analyze`` one document at a time against
``pipeline.analyze_many`` (what ingest runs), in CPU milliseconds per document, per language.

    .venv/bin/python bench/analyze_many.py [--limit 60] [--rounds 4] [--batch 16] [--lang en|ru]

English: the PolNeAR dev articles (generated news-like text without ../shared; CLIPFILE_SHARED
honoured); Russian: the real-news dev texts, adaq-ru and generated news (as ``parse_speed.py``).
The two ways run in alternation, round after round, in one warm process, and each keeps its
least CPU time: the machine is shared, and alternating gives both the same load.  Beside them,
the bare parse (spaCy one text at a time and ``nlp.pipe``; natasha per text), to show where the
saving comes from.  The outputs are compared too: any document whose JSON differs is counted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from parse_speed import english_texts, russian_texts  # noqa: E402

from clipfile.pipeline import analyze, analyze_many  # noqa: E402
from clipfile.records import Document  # noqa: E402


def _cpu_ms(fn, n: int) -> float:
    t = time.process_time()
    fn()
    return (time.process_time() - t) / n * 1000


def run(lang: str, texts: list[str], rounds: int, batch: int) -> None:
    docs = [Document(text=t, language=lang) for t in texts]
    analyze(docs[0])
    list(analyze_many(docs[:2]))
    if lang == "en":
        from clipfile.lang.en.parse import english

        nlp = english()
        bare = {"bare spaCy, one at a time": lambda: [nlp(t) for t in texts],
                f"bare spaCy, nlp.pipe({batch})": lambda: list(nlp.pipe(texts, batch_size=batch))}
    else:
        from clipfile.lang.ru.parse import natasha_doc

        bare = {"bare natasha, one at a time": lambda: [natasha_doc(t) for t in texts]}
    one: list[str] = []
    many: list[str] = []
    def one_by_one() -> None:
        one[:] = [json.dumps(analyze(d).to_json()) for d in docs]

    def batched() -> None:
        many[:] = [json.dumps(a.to_json()) for a in analyze_many(docs, batch=batch)]  # type: ignore[union-attr]

    ways = {"analyze, one at a time": one_by_one, f"analyze_many (batch {batch})": batched, **bare}
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, fn in ways.items():
            ms = _cpu_ms(fn, len(docs))
            best[name] = min(best.get(name, ms), ms)
    base = best["analyze, one at a time"]
    for name, ms in best.items():
        print(f"  {name:32s} {ms:6.1f} ms CPU per document  ({ms / base:.2f}x analyze)")
    differ = sum(a != b for a, b in zip(one, many))
    print(f"  documents whose JSON differs between the two: {differ} of {len(docs)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lang", choices=("en", "ru"))
    args = ap.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"best of {args.rounds} rounds")
    if args.lang in (None, "en"):
        texts, label = english_texts(args.limit)
        print(f"English: {label}, {len(texts)} articles")
        run("en", texts, args.rounds, args.batch)
    if args.lang in (None, "ru"):
        texts, label = russian_texts(args.limit)
        print(f"Russian: {label}, {len(texts)} texts")
        run("ru", texts, args.rounds, args.batch)
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
