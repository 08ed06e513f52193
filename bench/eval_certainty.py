"""Correlation of Clipfile's ``certainty`` with human certainty ratings.

Data: ``../shared/bench/hedge/pei2021-certainty-dev.jsonl`` (Pei & Jurgens, EMNLP 2021; one
finding per line, ``certainty`` rated 1-6).  Prints Pearson and Spearman correlation for
:func:`clipfile.analysis.claims.certainty` and, for comparison, for a hedge-word count baseline
(the negated number of words from a classic hedge list).

Usage: ``python bench/eval_certainty.py [PATH.jsonl]`` (or set ``CLIPFILE_SHARED``).
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from clipfile.analysis.claims import certainty

# A plain hedge-word list (modal verbs, hedging adverbs/adjectives, tentative verbs): the
# "hedge-word count" baseline the README refers to.
BASELINE_HEDGES = {
    "may", "might", "could", "can", "would", "possibly", "possible", "perhaps", "maybe",
    "probably", "probable", "likely", "unlikely", "potentially", "potential", "suggest",
    "suggests", "suggested", "indicate", "indicates", "indicated", "appear", "appears",
    "appeared", "seem", "seems", "seemed", "believe", "believes", "think", "thinks",
    "suspect", "assume", "estimate", "estimated", "approximately", "about", "around",
    "roughly", "nearly", "almost", "somewhat", "sometimes", "often", "usually", "generally",
    "unclear", "uncertain", "apparently", "presumably", "relatively",
}


def shared_dir() -> Path:
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"


def ranks(xs: list[float]) -> list[float]:
    """Average ranks (ties share the mean rank), as Spearman requires."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / (sxx * syy) ** 0.5 if sxx and syy else 0.0


def spearman(xs: list[float], ys: list[float]) -> float:
    return pearson(ranks(xs), ranks(ys))


def baseline(text: str) -> float:
    return -sum(1 for w in re.findall(r"[a-z]+", text.lower()) if w in BASELINE_HEDGES)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else shared_dir() / "bench/hedge/pei2021-certainty-dev.jsonl"
    if not path.exists():
        print(f"no data at {path}; set CLIPFILE_SHARED", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    gold = [float(r["certainty"]) for r in rows]
    ours = [certainty(r["text"]) for r in rows]
    base = [baseline(r["text"]) for r in rows]
    print(f"pei2021 certainty dev: {len(rows)} findings")
    print(f"{'system':<22}{'pearson':>9}{'spearman':>10}")
    print(f"{'hedge-word count':<22}{pearson(base, gold):>9.3f}{spearman(base, gold):>10.3f}")
    print(f"{'clipfile certainty':<22}{pearson(ours, gold):>9.3f}{spearman(ours, gold):>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
