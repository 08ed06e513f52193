"""Error analysis of quotation extraction against the gold dev split (PolNeAR).

Reads the prediction file written by ``bench/eval_quotes.py`` (``bench/out/NAME.pred-mention.jsonl``)
and the gold, matches them as the scorer does (token overlap >= 0.5, one-to-one, greedy), and
prints false negatives and false positives by category with short context:

* FN ``missing`` (no prediction overlaps at all) vs ``boundary`` (a prediction overlaps but below
  0.5, with the reason: too long / too short / shifted), grouped by the gold cue's words;
* FP grouped by our kind and cue;
* wrong speakers among matched pairs.

    .venv/bin/python bench/quote_errors.py [--name polnear-dev] [--kind indirect] [--show 5]
        [--what fn|fp|spk|all] [--direct]   # --direct: the direct-only scoring view
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from eval_quotes import shared_dir  # noqa: E402


def _scorer():
    sys.path.insert(0, str(shared_dir() / "bench"))
    import score_quotes  # type: ignore

    return score_quotes


def _ctx(text: str, s: int, e: int, width: int = 60) -> str:
    a, b = max(0, s - width), min(len(text), e + width)
    inner = text[s:e]
    if len(inner) > 160:
        inner = inner[:70] + " … " + inner[-70:]
    return (text[a:s] + "[[" + inner + "]]" + text[e:b]).replace("\n", " ¶ ")


def _cue_key(cue: str | None) -> str:
    if not cue:
        return "-"
    ws = re.findall(r"[\w’']+", cue.lower())
    return " ".join(ws[:2]) if ws else cue.strip()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", default="polnear-dev")
    ap.add_argument("--kind", default=None, help="only gold quotes of this kind (FN) / our kind (FP)")
    ap.add_argument("--what", default="all")
    ap.add_argument("--show", type=int, default=3, help="examples per category")
    ap.add_argument("--top", type=int, default=25, help="categories shown")
    ap.add_argument("--cue", default=None, help="only categories whose key contains this")
    ap.add_argument("--direct", action="store_true", help="score the direct-only view")
    args = ap.parse_args(argv)
    sq = _scorer()
    out = ROOT / "bench" / "out"
    gold = sq.load(out / f"{args.name}.gold.jsonl")
    pred = sq.load(out / f"{args.name}.pred-mention{'-direct' if args.direct else ''}.jsonl")

    fn = defaultdict(list)
    fp = defaultdict(list)
    spk = defaultdict(list)
    bound = Counter()
    for did, gd in gold.items():
        text = gd["text"]
        tidx = sq.TokenIndex(text)
        gq = [((s, e), q) for q in gd["quotes"] for s, e in [sq.normalise(text, q["start"], q["end"])] if e > s]
        if args.direct:
            targets = [g for g in gq if g[1]["kind"] == "direct"]
        else:
            targets = gq
        pq = [((s, e), q) for q in pred.get(did, {}).get("quotes", [])
              for s, e in [sq.normalise(text, q["start"], q["end"])] if e > s]
        if args.direct:
            others = [g for g in gq if g[1]["kind"] != "direct"]
            pq = [p for p in pq if not (max((sq.overlap(tidx, g[0], p[0]) for g in others), default=0) >= 0.5
                                        and max((sq.overlap(tidx, g[0], p[0]) for g in targets), default=0) < 0.5)]
        pairs = []
        for gi, g in enumerate(targets):
            for pi, p in enumerate(pq):
                if p[0][1] <= g[0][0] or p[0][0] >= g[0][1]:
                    continue
                ov = sq.overlap(tidx, g[0], p[0])
                pairs.append((-ov, g[0][0], gi, pi))
        pairs.sort()
        ug, up = {}, set()
        for nov, _, gi, pi in pairs:
            if -nov < 0.5 or gi in ug or pi in up:
                continue
            ug[gi] = pi
            up.add(pi)
        best = defaultdict(lambda: (0.0, None))
        for nov, _, gi, pi in pairs:
            if -nov > best[gi][0]:
                best[gi] = (-nov, pi)
        for gi, g in enumerate(targets):
            q = g[1]
            if args.kind and q["kind"] != args.kind:
                continue
            if gi in ug:
                p = pq[ug[gi]][1]
                if q.get("speaker") is not None and not sq.speaker_ok(q["speaker"], p.get("speaker")):
                    spk[f"{q['kind']:8s} cue={_cue_key(q.get('cue'))}"].append(
                        (did, f"gold {q['speaker']!r} ours {p.get('speaker')!r} cue {p.get('cue')!r}: "
                         + _ctx(text, *g[0], width=80)))
                continue
            ov, pi = best[gi]
            if pi is None:
                cat = "missing"
            else:
                ps, pe = pq[pi][0]
                gs, ge = g[0]
                if ps <= gs and pe >= ge:
                    cat = "pred-too-long"
                elif ps >= gs and pe <= ge:
                    cat = "pred-too-short"
                else:
                    cat = "shifted"
                bound[cat] += 1
            extra = ""
            if pi is not None:
                (ps, pe), pred = pq[pi]
                extra = f"  || ours: {text[ps:pe][:150]!r} ({pred['kind']}, cue {pred.get('cue')!r})"
            fn[f"{q['kind']:8s} {cat:14s} cue={_cue_key(q.get('cue'))}"].append(
                (did, f"cue {q.get('cue')!r} spk {q.get('speaker')!r}: " + _ctx(text, *g[0]) + extra))
        for pi, p in enumerate(pq):
            if pi in up:
                continue
            q = p[1]
            if args.kind and q["kind"] != args.kind:
                continue
            near = max((sq.overlap(tidx, g[0], p[0]) for g in targets), default=0)
            cat = "near" if near > 0 else "none"
            fp[f"{q['kind']:8s} {cat:5s} cue={_cue_key(q.get('cue'))}"].append(
                (did, f"cue {q.get('cue')!r} spk {q.get('speaker')!r}: " + _ctx(text, *p[0])))

    def dump(title, groups):
        total = sum(len(v) for v in groups.values())
        print(f"\n##### {title}: {total}")
        by_prefix = Counter()
        for k, v in groups.items():
            by_prefix[" ".join(k.split()[:2])] += len(v)
        print("  by kind/category:", dict(by_prefix.most_common()))
        items = sorted(groups.items(), key=lambda kv: -len(kv[1]))
        if args.cue:
            items = [kv for kv in items if args.cue in kv[0]]
        for k, v in items[: args.top]:
            print(f"--- {k}  ({len(v)})")
            for did, line in v[: args.show]:
                print(f"    [{did}] {line}")

    if args.what in ("fn", "all"):
        dump("FALSE NEGATIVES", fn)
        print("  boundary failures:", dict(bound))
    if args.what in ("fp", "all"):
        dump("FALSE POSITIVES", fp)
    if args.what in ("spk", "all"):
        dump("WRONG SPEAKERS", spk)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
