"""Train the reported-speech keep-or-drop model on PolNeAR dev and print its cross-validated figures.

    .venv/bin/python bench/train_quote_model.py [--folds 5] [--c 1.0] [--no-write] [--limit N]

1. Every document is parsed (cached DocBin, as in eval_quotes.py) and run through
   ``attributions(..., model=None, trace=...)`` (quotes and stances: PolNeAR annotates both):
   the hand-rule reports and the broad candidates of
   ``clipfile.lang.en.reported`` with their features.  A candidate is a positive example when
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
   pooled out-of-fold predictions, and written to src/clipfile/lang/en/report_model.json
   (feature names and weights only, with the fingerprint of the code's feature families and
   the spaCy model version it was fit on; ``make model`` runs this script).
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

from eval_quotes import attributed, load, parse_all, pred_row, shared_dir  # noqa: E402

from clipfile.analysis.marks import marked_spans  # noqa: E402
from clipfile.lang.en.entities import entities  # noqa: E402
from clipfile.lang.en.parse import model_version  # noqa: E402
from clipfile.lang.en.report_model import MODEL_FILE, ReportModel, feature_fingerprint  # noqa: E402
from clipfile.lang.en.reported import RULE_FAMILIES, doc_text  # noqa: E402
from clipfile.lang.en.span_choice import variants  # noqa: E402

sys.path.insert(0, str(shared_dir() / "bench"))
import score_quotes as sq  # noqa: E402

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
RULE_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.4)


class Corpus:
    """Parsed dev documents with entities, candidates, features and labels."""

    def __init__(self, rows: list[dict], *, span_labels: bool = True):
        self.rows = rows
        self.gold = {r["id"]: r for r in rows}
        self.docs = parse_all([r["text"] for r in rows], ROOT / "bench" / "out")
        self.ents = [entities(d) for d in self.docs]
        self.feats: list[list[list[str]]] = []
        self.labels: list[list[int]] = []
        # span choice: per document, groups of (variant features, matches gold) for each candidate
        self.span_groups: list[list[list[tuple[tuple[str, ...], int]]]] = []
        for row, doc, ents in zip(rows, self.docs, self.ents):
            trace: list = []
            qs = attributed(doc, ents, model=None, trace=trace)
            self.feats.append([t[2] for t in trace])
            labels, groups = _labels(row, qs, [t[0] for t in trace], doc, [t[1] for t in trace],
                                     span_labels=span_labels)
            self.labels.append(labels)
            self.span_groups.append(groups)

    def run(self, idx: list[int], model_for) -> dict:
        """Scorer figures (all kinds) of the pipeline on documents ``idx``; ``model_for(i)``
        gives the model for document i."""
        preds = {}
        for i in idx:
            row = self.rows[i]
            preds[row["id"]] = pred_row(row, attributed(self.docs[i], self.ents[i], model=model_for(i)))
        gold = {self.rows[i]["id"]: self.rows[i] for i in idx}
        return sq.score(gold, preds)


def _one_to_one(tidx, gold: list, spans: list) -> dict[int, int]:
    """The scorer's matching: pairs overlapping by half or more, taken greedily by decreasing
    overlap, each gold quote and each span at most once.  Returns {span index: gold index}."""
    pairs = sorted((-sq.overlap(tidx, g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(spans)
                   if p[0] < g[1] and p[1] > g[0])
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for ov, gi, pi in pairs:
        if -ov >= 0.5 and gi not in used_g and pi not in out:
            used_g.add(gi)
            out[pi] = gi
    return out


def _labels(row: dict, qs, cands, doc, kinds, span_labels: bool = True) -> tuple[list[int], list]:
    """Keep-or-drop labels of the candidates, and for the span choice the boundary variants
    of each candidate with whether each matches a gold quote (groups where the choice matters).

    A candidate is a positive when the scorer's one-to-one matching would pair it with a gold
    quote: of several candidates over one gold quote (a clause and the sentence around it, two
    cues for one content) only the best-overlapping one is, so the model learns to prefer it
    instead of keeping both and losing the second as a false positive."""
    text = row["text"]
    tidx = sq.TokenIndex(text)
    gold = [sq.normalise(text, q["start"], q["end"]) for q in row["quotes"]]
    gold = [g for g in gold if g[1] > g[0]]
    fixed = [sq.normalise(text, q.start, q.end) for q in qs if q.kind == "direct" and q.nested_in is None]
    taken = set(_one_to_one(tidx, gold, fixed).values())
    free = [g for gi, g in enumerate(gold) if gi not in taken]
    owner = _one_to_one(tidx, free, [sq.normalise(text, r.start, r.end) for r in cands])

    def hit(a: int, b: int, pool: list) -> bool:
        c = sq.normalise(text, a, b)
        return any(g[0] < c[1] and g[1] > c[0] and sq.overlap(tidx, g, c) >= 0.5 for g in pool)

    out = []
    groups = []
    quoted = sorted(((m.open_mark if m.open_mark is not None else m.start),
                     (m.close_mark + 1) if m.close_mark is not None else m.end)
                    for m in marked_spans(text) if m.depth == 0)
    para_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for ci, (r, kind) in enumerate(zip(cands, kinds)):
        out.append(int(ci in owner))
        # a variant counts only when it matches a gold quote the parse's span already touches
        # (an extension into the next report's words would steal that report's match)
        pool = [g for g in free if g[0] < r.end and g[1] > r.start]
        if kind != "indirect" or not pool:
            continue
        vs = variants(r, doc, doc_text(doc), quoted, para_starts)
        if len(vs) < 2:
            continue
        ys = [int(hit(v.start, v.end, pool)) for v in vs]
        if 0 < sum(ys) < len(ys):
            groups.append([(v.feats, y) for v, y in zip(vs, ys)])
            owned = {free[gi] for c, gi in owner.items() if c != ci}
            if span_labels and r.family in RULE_FAMILIES and any(
                    y and hit(v.start, v.end, [g for g in pool if g not in owned]) for v, y in zip(vs, ys)):
                # the span choice can mend this candidate's boundaries to a gold quote no
                # other candidate matches: keeping it is right
                out[-1] = 1
    return out, groups


def _vocab(feature_lists, min_count: int) -> dict[str, int]:
    """Column of each feature seen in at least ``min_count`` examples."""
    counts = Counter(f for fs in feature_lists for f in set(fs))
    return {f: k for k, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}


def _design(examples, vocab: dict[str, int]):
    """Binary design matrix and label vector of (features, label) examples."""
    rows, cols = [], []
    for n, (fs, _y) in enumerate(examples):
        for f in set(fs):
            k = vocab.get(f)
            if k is not None:
                rows.append(n)
                cols.append(k)
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(vocab)))
    return X, np.array([y for _fs, y in examples], dtype=float)


def train_span(corpus: Corpus, idx: list[int], *, c: float, min_count: int = 3) -> dict[str, float]:
    """Conditional logit over the boundary variants of each candidate: maximise the
    probability mass on the variants that match a gold quote."""
    groups = [g for i in idx for g in corpus.span_groups[i]]
    examples = [ex for g in groups for ex in g]
    if not examples:
        return {}
    vocab = _vocab((fs for fs, _ in examples), min_count)
    X, y = _design(examples, vocab)
    n = len(examples)
    gid = np.array([j for j, g in enumerate(groups) for _ in g])
    G = sparse.csr_matrix((np.ones(n), (gid, np.arange(n))), shape=(len(groups), n))

    def loss(w):
        z = X @ w
        z = z - z.max()
        ez = np.exp(z)
        tot = G @ ez
        pos = G @ (ez * y)
        ll = -np.sum(np.log(pos + 1e-300) - np.log(tot))
        # d/dz: softmax over the group minus the softmax over its positives
        p_all = ez / (G.T @ tot)
        p_pos = ez * y / (G.T @ pos)
        gz = p_all - p_pos
        return ll + 0.5 * np.dot(w, w) / c, X.T @ gz + w / c

    res = minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    names = sorted(vocab, key=vocab.get)
    return {f: float(res.x[vocab[f]]) for f in names if abs(res.x[vocab[f]]) >= 0.01}


def train(corpus: Corpus, idx: list[int], *, c: float, min_count: int) -> ReportModel:
    """L2 logistic regression on the candidates of documents ``idx``."""
    examples = [ex for i in idx for ex in zip(corpus.feats[i], corpus.labels[i])]
    vocab = _vocab((fs for fs, _ in examples), min_count)
    X, y = _design(examples, vocab)
    n = len(examples)
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
    return ReportModel(m.weights, m.bias, t[0], t[1], m.meta, m.span_weights)


def fit(corpus: Corpus, idx: list[int], args) -> ReportModel:
    """Keep-or-drop model and (unless --no-span) span-choice ranker trained on documents ``idx``."""
    m = train(corpus, idx, c=args.c, min_count=args.min_count)
    if not args.no_span:
        m = ReportModel(m.weights, m.bias, m.threshold, m.rule_threshold, m.meta,
                        train_span(corpus, idx, c=args.span_c))
    return m


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
    ap.add_argument("--c", type=float, default=0.3, help="inverse L2 strength")
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--inner", action="store_true",
                    help="choose each fold's threshold by an inner CV on its training articles (slow)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--no-span", action="store_true", help="no span-choice ranker (the parse's spans)")
    ap.add_argument("--parse-labels", action="store_true",
                    help="keep-or-drop labels from the parse's spans only, not from the best boundary variant")
    ap.add_argument("--span-c", type=float, default=0.3, help="inverse L2 strength of the span ranker")
    args = ap.parse_args(argv)
    gold_path = shared_dir() / "bench" / "quotes" / "polnear-dev.jsonl"
    if not gold_path.exists():
        print(f"no gold data at {gold_path} (set CLIPFILE_SHARED)")
        return 1
    rows = load(gold_path)[: args.limit] if args.limit else load(gold_path)
    t0 = time.perf_counter()
    corpus = Corpus(rows, span_labels=not args.no_span and not args.parse_labels)
    n_c = sum(len(f) for f in corpus.feats)
    n_pos = sum(sum(y) for y in corpus.labels)
    print(f"{len(rows)} articles, {n_c} candidates, {n_pos} positive, "
          f"{sum(len(g) for g in corpus.span_groups)} span-choice groups ({time.perf_counter() - t0:.0f}s)")
    base = corpus.run(list(range(len(rows))), lambda i: None)
    print(f"rules alone: overlap P/R/F1 {_prf(base)}")

    K = args.folds
    folds = folds_of(len(rows), K)
    oof: dict[int, ReportModel] = {}
    fold_f1 = []
    for j, test in enumerate(folds):
        train_idx = [i for f in folds if f is not test for i in f]
        m = fit(corpus, train_idx, args)
        if args.inner:
            inner = folds_of(len(train_idx), K - 1, seed=j)
            inner_model = {}
            for part in inner:
                held = [train_idx[i] for i in part]
                mi = fit(corpus, [i for i in train_idx if i not in set(held)], args)
                inner_model.update({i: mi for i in held})
            t, _ = best_threshold(corpus, train_idx, inner_model)
        else:
            t = (0.5, 0.5)
        m = with_threshold(m, t)
        oof.update({i: m for i in test})
        res = corpus.run(test, lambda i: m)
        fold_f1.append(res["overlap50"]["f1"])
        print(f"fold {j + 1}/{K}: {len(test)} held-out articles, thresholds {t[0]:.2f}/{t[1]:.2f}:"
              f" overlap P/R/F1 {_prf(res)}"
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
    final = with_threshold(fit(corpus, list(range(len(rows))), args), t_best)
    final.meta.update({"threshold_from": "pooled out-of-fold F1", "cv_mean_f1": round(float(np.mean(fold_f1)), 4),
                       "folds": K, "articles": len(rows),
                       # what the weights were fit on: the code's features and the parser
                       "features": feature_fingerprint(), "parser": model_version()})
    print(f"final model: {len(final.weights)} weights, thresholds broad {t_best[0]:.2f} rule {t_best[1]:.2f}")
    if not args.no_write:
        out = ROOT / "src" / "clipfile" / "lang" / "en" / MODEL_FILE
        out.write_text(final.to_json() + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
    print(f"total {time.perf_counter() - t0:.0f}s")
    return 0


def _direct_preds(corpus: Corpus, oof) -> dict:
    out = {}
    for i, row in enumerate(corpus.rows):
        p = pred_row(row, attributed(corpus.docs[i], corpus.ents[i], model=oof[i]))
        p["quotes"] = [q for q in p["quotes"] if q["kind"] == "direct"]
        out[row["id"]] = p
    return out


def _prf(res: dict) -> str:
    o = res["overlap50"]
    return f"{o['precision']:.3f}/{o['recall']:.3f}/{o['f1']:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
