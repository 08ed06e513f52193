"""Train the reported-speech keep-or-drop model on PolNeAR dev and print its cross-validated figures.

    .venv/bin/python bench/train_quote_model.py [--folds 5] [--c 1.0] [--no-write] [--limit N]

1. Every document is parsed (cached DocBin, as in eval_quotes.py) and run through
   ``quotes(..., model=None, trace=...)``: the hand-rule reports and the broad candidates of
   ``clipfile.extract.reported`` with their features.  A candidate is a positive example when
   it overlaps (the scorer's >= 50% token overlap) a gold quote that the fixed predictions
   (direct quotes) do not already match.
2. Logistic regression (L2, L-BFGS from scipy) over the binary features; features seen fewer
   than ``--min-count`` times in the training documents are left out.
3. Document-level K-fold cross-validation: the articles are split into K folds; for each fold
   a model is trained on the other K-1 folds, its threshold chosen by an inner K-1-fold run
   on those training articles only (out-of-fold models, the real scorer, best all-kinds F1),
   and the whole pipeline is scored on the held-out articles with the real scorer
   (../shared/bench/score_quotes.py).  Per-fold and mean figures are printed: that is the
   honest estimate.
4. The shipped model is trained on all dev articles, with the threshold that was best over the
   pooled out-of-fold predictions, and written to src/clipfile/extract/report_model.json
   (feature names and weights only).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from eval_quotes import load, parse_all, pred_row, shared_dir  # noqa: E402

from clipfile.extract.entities import entities  # noqa: E402
from clipfile.extract.quotes import quotes  # noqa: E402
from clipfile.extract.report_model import MODEL_FILE, ReportModel  # noqa: E402

sys.path.insert(0, str(shared_dir() / "bench"))
import score_quotes as sq  # noqa: E402

THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55)
RULE_THRESHOLDS = (0.2, 0.3, 0.4, 0.5)


class Corpus:
    """Parsed dev documents with entities, candidates, features and labels."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self.gold = {r["id"]: r for r in rows}
        self.docs = parse_all([r["text"] for r in rows], ROOT / "bench" / "out")
        self.ents = [entities(d) for d in self.docs]
        self.feats: list[list[list[str]]] = []
        self.labels: list[list[int]] = []
        for row, doc, ents in zip(rows, self.docs, self.ents):
            trace: list = []
            qs = quotes(doc, ents, model=None, trace=trace)
            self.feats.append([t[2] for t in trace])
            self.labels.append(_labels(row, qs, [t[0] for t in trace]))

    def run(self, idx: list[int], model_for) -> dict:
        """Scorer figures (all kinds) of the pipeline on documents ``idx``; ``model_for(i)``
        gives the model for document i."""
        preds = {}
        for i in idx:
            row = self.rows[i]
            preds[row["id"]] = pred_row(row, quotes(self.docs[i], self.ents[i], model=model_for(i)))
        gold = {self.rows[i]["id"]: self.rows[i] for i in idx}
        return sq.score(gold, preds)


def _labels(row: dict, qs, cands) -> list[int]:
    text = row["text"]
    tidx = sq.TokenIndex(text)
    gold = [sq.normalise(text, q["start"], q["end"]) for q in row["quotes"]]
    gold = [g for g in gold if g[1] > g[0]]
    fixed = [sq.normalise(text, q.start, q.end) for q in qs if q.kind == "direct" and q.nested_in is None]
    taken = set()
    pairs = sorted((-sq.overlap(tidx, g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(fixed)
                   if p[0] < g[1] and p[1] > g[0])
    used_p = set()
    for ov, gi, pi in pairs:
        if -ov >= 0.5 and gi not in taken and pi not in used_p:
            taken.add(gi)
            used_p.add(pi)
    out = []
    for r in cands:
        c = sq.normalise(text, r.start, r.end)
        hit = any(g[0] < c[1] and g[1] > c[0] and sq.overlap(tidx, g, c) >= 0.5
                  for gi, g in enumerate(gold) if gi not in taken)
        out.append(int(hit))
    return out


def train(corpus: Corpus, idx: list[int], *, c: float, min_count: int) -> ReportModel:
    """L2 logistic regression on the candidates of documents ``idx``."""
    counts = Counter(f for i in idx for fs in corpus.feats[i] for f in set(fs))
    vocab = {f: k for k, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows, cols, ys = [], [], []
    n = 0
    for i in idx:
        for fs, y in zip(corpus.feats[i], corpus.labels[i]):
            for f in set(fs):
                k = vocab.get(f)
                if k is not None:
                    rows.append(n)
                    cols.append(k)
            ys.append(y)
            n += 1
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocab)))
    y = np.array(ys, dtype=float)
    d = len(vocab)

    def loss(w):
        z = X @ w[:d] + w[d]
        p = 1 / (1 + np.exp(-z))
        eps = 1e-12
        ll = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
        g = p - y
        grad = np.concatenate([X.T @ g + w[:d] / c, [g.sum()]])
        return ll + 0.5 * np.dot(w[:d], w[:d]) / c, grad

    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 400})
    w = res.x
    names = sorted(vocab, key=vocab.get)
    weights = {f: float(w[vocab[f]]) for f in names if abs(w[vocab[f]]) >= 0.02}
    return ReportModel(weights=weights, bias=float(w[d]), threshold=0.5,
                       meta={"examples": int(n), "positives": int(y.sum()), "c": c, "min_count": min_count})


def folds_of(n: int, k: int, seed: int = 13) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[j::k]) for j in range(k)]


def with_threshold(m: ReportModel, t: tuple[float, float]) -> ReportModel:
    return ReportModel(m.weights, m.bias, t[0], t[1], m.meta)


def best_threshold(corpus: Corpus, idx: list[int], model_of: dict[int, ReportModel]) -> tuple[tuple, dict]:
    """(broad, rule) thresholds with the best all-kinds overlap F1 on documents ``idx``, each
    document scored with a model that was not trained on it."""
    scores = {}
    for t in THRESHOLDS:
        for rt in RULE_THRESHOLDS:
            res = corpus.run(idx, lambda i: with_threshold(model_of[i], (t, rt)))
            scores[t, rt] = res["overlap50"]["f1"]
    return max(scores, key=lambda t: (scores[t], -abs(t[0] - 0.5))), scores


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--inner", action="store_true",
                    help="choose each fold's threshold by an inner CV on its training articles (slow)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    gold_path = shared_dir() / "bench" / "quotes" / "polnear-dev.jsonl"
    if not gold_path.exists():
        print(f"no gold data at {gold_path} (set CLIPFILE_SHARED)")
        return 1
    rows = load(gold_path)[: args.limit] if args.limit else load(gold_path)
    t0 = time.perf_counter()
    corpus = Corpus(rows)
    n_c = sum(len(f) for f in corpus.feats)
    n_pos = sum(sum(y) for y in corpus.labels)
    print(f"{len(rows)} articles, {n_c} candidates, {n_pos} positive ({time.perf_counter() - t0:.0f}s)")
    base = corpus.run(list(range(len(rows))), lambda i: None)
    print(f"rules alone: overlap P/R/F1 {_prf(base)}")

    K = args.folds
    folds = folds_of(len(rows), K)
    oof: dict[int, ReportModel] = {}
    fold_f1 = []
    for j, test in enumerate(folds):
        train_idx = [i for f in folds if f is not test for i in f]
        m = train(corpus, train_idx, c=args.c, min_count=args.min_count)
        if args.inner:
            inner = folds_of(len(train_idx), K - 1, seed=j)
            inner_model = {}
            for part in inner:
                held = [train_idx[i] for i in part]
                mi = train(corpus, [i for i in train_idx if i not in set(held)], c=args.c, min_count=args.min_count)
                inner_model.update({i: mi for i in held})
            t, _ = best_threshold(corpus, train_idx, inner_model)
        else:
            t = (0.5, 0.5)
        m = with_threshold(m, t)
        oof.update({i: m for i in test})
        res = corpus.run(test, lambda i: m)
        fold_f1.append(res["overlap50"]["f1"])
        print(f"fold {j + 1}/{K}: {len(test)} held-out articles, thresholds {t[0]:.2f}/{t[1]:.2f}: overlap P/R/F1 {_prf(res)}"
              f"  speaker acc {res['speaker_accuracy_overlap']['accuracy']}")
    pooled = corpus.run(list(range(len(rows))), lambda i: oof[i])
    print(f"CV ({K}-fold, by article): mean held-out F1 {np.mean(fold_f1):.3f} (sd {np.std(fold_f1):.3f});"
          f" pooled overlap P/R/F1 {_prf(pooled)}; recall by kind "
          f"{ {k: v['recall'] for k, v in pooled['recall_by_kind_overlap50'].items()} }")
    direct = sq.score(corpus.gold, _direct_preds(corpus, oof), {"direct"})
    print(f"CV direct-only overlap P/R/F1 {_prf(direct)}  speaker acc {direct['speaker_accuracy_overlap']['accuracy']}")

    # The shipped model: all articles; threshold from the pooled out-of-fold runs.
    t_best, scores = best_threshold(corpus, list(range(len(rows))), oof)
    print("out-of-fold F1 by (broad, rule) threshold: "
          + ", ".join(f"{t[0]:.2f}/{t[1]:.2f}: {f:.3f}" for t, f in scores.items()))
    final = with_threshold(train(corpus, list(range(len(rows))), c=args.c, min_count=args.min_count), t_best)
    final.meta.update({"threshold_from": "pooled out-of-fold F1", "cv_mean_f1": round(float(np.mean(fold_f1)), 4),
                       "folds": K, "articles": len(rows)})
    print(f"final model: {len(final.weights)} weights, thresholds broad {t_best[0]:.2f} rule {t_best[1]:.2f}")
    if not args.no_write:
        out = ROOT / "src" / "clipfile" / "extract" / MODEL_FILE
        out.write_text(final.to_json() + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
    print(f"total {time.perf_counter() - t0:.0f}s")
    return 0


def _direct_preds(corpus: Corpus, oof) -> dict:
    out = {}
    for i, row in enumerate(corpus.rows):
        p = pred_row(row, quotes(corpus.docs[i], corpus.ents[i], model=oof[i]))
        p["quotes"] = [q for q in p["quotes"] if q["kind"] == "direct"]
        out[row["id"]] = p
    return out


def _prf(res: dict) -> str:
    o = res["overlap50"]
    return f"{o['precision']:.3f}/{o['recall']:.3f}/{o['f1']:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
