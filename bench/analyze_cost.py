#!/usr/bin/env python3
"""What each stage of the real ``analyze`` pipeline costs, against the spaCy parse, in one run.

    .venv/bin/python bench/analyze_cost.py [--limit N]

Runs :data:`clipfile.pipeline.STAGES` exactly as ``clipfile analyze`` does (the parse stage timed
as "parse"), over the PolNeAR dev articles when ../shared/bench is present (else generated text),
and prints per-stage seconds, each as a share of the parse time, and articles per second with
and without the analyst-layer stages (claims, forecasts, events, duplicates).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import texts  # noqa: E402  (same corpus as the quote-stage benchmark)

from clipfile import pipeline  # noqa: E402
from clipfile.records import Document  # noqa: E402

ANALYST_LAYER = ("claims", "forecasts", "events", "duplicates")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    corpus, label = texts(args.limit)
    pipeline.analyze(Document(text=corpus[0], language="en"))  # load models before timing
    seconds = {stage.__name__: 0.0 for stage in pipeline.STAGES}
    counts = {k: 0 for k in ("entities", "quotes", "claims", "forecasts", "events", "duplicates")}
    for text in corpus:
        a = pipeline.Analysis(document=Document(text=text, language="en"))
        for stage in pipeline.STAGES:
            t = time.perf_counter()
            a = stage(a)
            seconds[stage.__name__] += time.perf_counter() - t
        for k in counts:
            counts[k] += len(getattr(a, k))
    n = len(corpus)
    parse = seconds["parse"]
    total = sum(seconds.values())
    layer = sum(seconds[s] for s in ANALYST_LAYER)
    print(f"texts: {label}, {n} articles")
    for name, s in seconds.items():
        share = "" if name == "parse" else f"  (+{100 * s / parse:5.1f}% of parse)"
        print(f"  {name:11s} {s:7.2f} s{share}")
    print(f"analyze, all stages:            {n / total:6.2f} articles/s")
    print(f"analyze without claims/forecasts/events/duplicates: {n / (total - layer):6.2f} articles/s")
    print(f"the analyst layer adds {100 * layer / (total - layer):.1f}% to analyze time "
          f"({100 * layer / parse:.1f}% of the parse)")
    print("found: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
