"""English articles per second: spaCy parse alone vs parse + Clipfile stages, in one run.

    .venv/bin/python bench/throughput.py [--limit N] [--repeat R]

Texts are the PolNeAR dev articles when ../shared/bench is present (CLIPFILE_SHARED honoured),
else generated news-like text.  Each stage is a plain function of the parsed Doc; add more to
``STAGES`` (name -> callable(doc, state) -> None) to time them too.  The stages' added cost
is reported as a share of the parse time.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clipfile.lang.en.entities import entities  # noqa: E402
from clipfile.lang.en.parse import english  # noqa: E402
from clipfile.lang.en.quotes import quotes  # noqa: E402


def _entities(doc, state: dict) -> None:
    state["entities"] = entities(doc)


def _quotes(doc, state: dict) -> None:
    state["quotes"] = quotes(doc, state["entities"])


# Stages run in order on each parsed document; later ones may read earlier results in state.
STAGES: dict[str, Callable] = {"entities": _entities, "quotes": _quotes}


def texts(limit: int | None) -> tuple[list[str], str]:
    env = os.environ.get("CLIPFILE_SHARED")
    shared = Path(env) if env else ROOT.parent / "shared"
    path = shared / "bench" / "quotes" / "polnear-dev.jsonl"
    if path.exists():
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        out = [r["text"] for r in rows if r.get("lang", "en") == "en"]
        return (out[:limit] if limit else out), "PolNeAR dev"
    rng = random.Random(7)
    names = ["Ada Brook", "Tomas Vell", "Mira Okon", "Jon Hale"]
    paras = []
    for _ in range(40):
        n = rng.choice(names)
        paras.append(f"\u201cThe plan will cost more than anyone admits,\u201d {n} said on Monday.")
        paras.append(f"{n.split()[1]} told reporters that the council had ignored the warnings.")
    doc = "\n".join(paras)
    return [doc] * (limit or 100), "generated"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    corpus, label = texts(args.limit)
    nlp = english()
    nlp(corpus[0])  # warm up
    parse_s = 0.0
    stage_s = {name: 0.0 for name in STAGES}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        docs = list(nlp.pipe(corpus, batch_size=16))
        parse_s += time.perf_counter() - t0
        for doc in docs:
            state: dict = {}
            for name, fn in STAGES.items():
                t = time.perf_counter()
                fn(doc, state)
                stage_s[name] += time.perf_counter() - t
    n = len(corpus) * args.repeat
    total_stages = sum(stage_s.values())
    print(f"texts: {label}, {len(corpus)} articles x {args.repeat}")
    print(f"spaCy parse only:        {n / parse_s:7.2f} articles/s  ({parse_s:.1f}s)")
    print(f"parse + stages:          {n / (parse_s + total_stages):7.2f} articles/s  ({parse_s + total_stages:.1f}s)")
    for name, s in stage_s.items():
        print(f"  stage {name:12s} {s:6.2f}s  (+{100 * s / parse_s:4.1f}% of parse)")
    print(f"stages add {100 * total_stages / parse_s:.1f}% to the parse time (target <= 25%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
