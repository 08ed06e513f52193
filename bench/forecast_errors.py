"""Error analysis of forecasts against the real-news gold (``../shared/bench/realnews``).

Reads the predictions ``bench/eval_realnews.py`` leaves in ``bench/out/realnews-<lang>.pred.jsonl``,
matches forecasts to the gold with the shared scorer's rule (overlap at least half of each span,
one-to-one, best first) and prints, per document, the missed gold forecasts, the unmatched
predictions and the matched pairs whose holder the scorer counts wrong, each with its context.
The shared scorer (``score_realnews.py``) is imported, so the matching and the holder rule are
exactly the ones the figures use.

    .venv/bin/python bench/forecast_errors.py [--lang en|ru] [--what fn|fp|holder|all]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from eval_realnews import shared_dir  # noqa: E402


def _ctx(text: str, s: int, e: int, width: int = 50) -> str:
    a, b = max(0, s - width), min(len(text), e + width)
    inner = text[s:e]
    if len(inner) > 220:
        inner = inner[:100] + " … " + inner[-100:]
    return (text[a:s] + "[[" + inner + "]]" + text[e:b]).replace("\n", " ¶ ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--lang", choices=("en", "ru"), default="en")
    ap.add_argument("--what", choices=("fn", "fp", "holder", "all"), default="all")
    args = ap.parse_args(argv)
    bench = shared_dir() / "bench"
    sys.path.insert(0, str(bench))
    import score_realnews as sc  # type: ignore

    gold = sc.load_jsonl(str(bench / "realnews" / f"{args.lang}-dev.jsonl"))
    pred_path = ROOT / "bench" / "out" / f"realnews-{args.lang}.pred.jsonl"
    if not pred_path.exists():
        print(f"no predictions at {pred_path}: run bench/eval_realnews.py --lang {args.lang} first")
        return 1
    preds = {sc.pred_text(p): p for p in sc.load_jsonl(str(pred_path))}
    counts = {"fn": 0, "fp": 0, "holder": 0}
    for g in gold:
        p = preds.get(g["text"], {})
        text = g["text"]
        gf = g.get("forecasts") or []
        pf = [x for x in (p.get("forecasts") or []) if isinstance(x, dict)]
        pairs = sc.match([(x["start"], x["end"]) for x in gf], [sc.span_of(x, 0) for x in pf])
        hit = set(pairs.values())
        lines = []
        for gi, x in enumerate(gf):
            if gi not in pairs:
                if args.what in {"fn", "all"}:
                    counts["fn"] += 1
                    lines.append(f"  FN  holder={x.get('holder')!r} dl={x.get('deadline')!r}\n      "
                                 + _ctx(text, x["start"], x["end"]))
                continue
            y = pf[pairs[gi]]
            name = sc._name(y.get("forecaster"))
            if not sc.holder_right(x.get("holder"), name, p.get("document") or {}):
                if args.what in {"holder", "all"}:
                    counts["holder"] += 1
                    lines.append(f"  HOLDER gold={x.get('holder')!r} pred={name!r}\n      "
                                 + _ctx(text, y["start"], y["end"]))
        for k, y in enumerate(pf):
            if k in hit or args.what not in {"fp", "all"}:
                continue
            counts["fp"] += 1
            dl = (y.get("deadline") or {}).get("value")
            lines.append(f"  FP  {y.get('probability_term')!r} by={sc._name(y.get('forecaster'))!r} dl={dl!r}\n"
                         "      " + _ctx(text, y["start"], y["end"]))
        if lines:
            print(f"== {g['id']}")
            print("\n".join(lines))
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
