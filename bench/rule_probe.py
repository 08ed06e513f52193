"""Probe a candidate reported-speech rule against the PolNeAR dev gold (development aid).

For every candidate span a rule proposes, says whether it would match a gold quote that the
current predictions (``bench/out/polnear-dev.pred-mention.jsonl``) miss, and prints precision
of the new matches per cue lemma: a rule whose marginal precision is above F1/2 raises F1.

    .venv/bin/python bench/rule_probe.py RULE   # RULE: a function name in this module
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from eval_quotes import load, parse_all, shared_dir  # noqa: E402

sys.path.insert(0, str(shared_dir() / "bench"))
import score_quotes as sq  # noqa: E402

HUMAN_PRON = {"he", "she", "they", "we", "i", "you", "who"}


def _span(toks):
    from clipfile.lang.en.reported import _span as sp
    return sp(toks)


def svo(doc):
    """Any verb with a subject and a direct object after it."""
    from clipfile.lang.en.reported import _subject, _subtree_range
    for t in doc:
        if t.pos_ != "VERB":
            continue
        dobj = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i), None)
        if dobj is None:
            continue
        subj = _subject(t)
        if subj is None:
            continue
        s, e = _subtree_range(dobj)
        kind = subj.ent_type_ or subj.lower_ if subj.pos_ == "PRON" else subj.ent_type_ or "NOUN"
        yield s, e, t.lemma_.lower(), f"{kind}"


def main():
    rule = globals()[sys.argv[1]]
    gold_rows = load(ROOT / "bench/out/polnear-dev.gold.jsonl")
    docs = parse_all([r["text"] for r in gold_rows], ROOT / "bench/out")
    pred = sq.load(ROOT / "bench/out/polnear-dev.pred-mention.jsonl")
    stats = defaultdict(Counter)
    for row, doc in zip(gold_rows, docs):
        text = row["text"]
        tidx = sq.TokenIndex(text)
        gq = [sq.normalise(text, q["start"], q["end"]) for q in row["quotes"]]
        pq = [sq.normalise(text, q["start"], q["end"]) for q in pred.get(row["id"], {}).get("quotes", [])]
        matched = set()
        for gi, g in enumerate(gq):
            if any(sq.overlap(tidx, g, p) >= 0.5 for p in pq if p[0] < g[1] and p[1] > g[0]):
                matched.add(gi)
        for s, e, lemma, tag in rule(doc):
            if e <= s:
                continue
            c = (s, e)
            if any(sq.overlap(tidx, c, p) >= 0.5 for p in pq if p[0] < e and p[1] > s):
                stats[lemma]["dup"] += 1
                stats["*"]["dup"] += 1
                continue
            hit = [gi for gi, g in enumerate(gq) if g[0] < e and g[1] > s and sq.overlap(tidx, g, c) >= 0.5]
            new = [gi for gi in hit if gi not in matched]
            k = "new" if new else ("old" if hit else "fp")
            for key in (lemma, "*", "tag:" + tag):
                stats[key][k] += 1
            if new:
                matched.add(new[0])
    rows = sorted(stats.items(), key=lambda kv: -sum(kv[1].values()))
    for lemma, c in rows[:400]:
        n = c["new"] + c["old"] + c["fp"]
        if n:
            print(f"{lemma:20s} n={n:4d} new={c['new']:4d} old={c['old']:3d} fp={c['fp']:4d} dup={c['dup']:4d}"
                  f" p={c['new']/n:.2f}")


def svo_human(doc):
    """Verb with a person/organisation subject and a direct object after it."""
    for s, e, lemma, tag in svo(doc):
        if tag in ("PERSON", "ORG", "NORP", "GPE", "he", "she", "they", "who", "we"):
            yield s, e, lemma, tag


def xcomp_any(doc):
    """Any verb with a subject and a to-infinitive complement."""
    from clipfile.lang.en.reported import _subject, _subtree_range
    for t in doc:
        if t.pos_ != "VERB":
            continue
        x = next((c for c in t.children if c.dep_ == "xcomp" and c.i > t.i
                  and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)), None)
        if x is None or _subject(t) is None:
            continue
        s, e = _subtree_range(x)
        yield s, e, t.lemma_.lower(), "x"


def prep_any(doc):
    """Any noun/verb/adjective + preposition: the prepositional object."""
    from clipfile.lang.en.reported import _subtree_range
    for t in doc:
        if t.dep_ != "prep" or t.lower_ not in ("of", "about", "on", "for", "against", "to", "with", "over", "in"):
            continue
        obj = next((c for c in t.children if c.dep_ in ("pobj", "pcomp")), None)
        if obj is None:
            continue
        s, e = _subtree_range(obj)
        yield s, e, f"{t.head.lemma_.lower()}/{t.lower_}", t.head.pos_


if __name__ == "__main__":
    main()
