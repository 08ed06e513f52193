"""Evaluate Clipfile's quotation extraction against the gold dev splits in ../shared/bench/quotes.

For every dev file: run Clipfile on each document, write predictions in the scorer's format
to ``bench/out/`` (gitignored), and print the scorer's figures — direct quotes only and all
kinds — once with the speaker given as the mention written in the text (the gold convention:
"he", "the senator", "Gen. X") and once as the resolved canonical name.

    .venv/bin/python bench/eval_quotes.py [--limit N] [--only polnear] [--no-cache]

Parsed English documents are cached in ``bench/out/`` (DocBin) so rule changes re-run fast.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clipfile.lang.en.entities import entities  # noqa: E402
from clipfile.lang.en.quotes import attributions  # noqa: E402


def shared_dir() -> Path:
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def attributed(doc, ents, **kw) -> list:
    """Quotes and stances together, in text order: PolNeAR annotates both as attributions
    (``criticised [the plan]``, ``plans [to cut taxes]``), so both are scored against it."""
    qs, stances = attributions(doc, ents, **kw)
    return sorted([*qs, *stances], key=lambda q: (q.start, -q.end))


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def parse_all(texts: list[str], cache: Path | None):
    """spaCy docs for ``texts``, cached by content hash."""
    from spacy.tokens import DocBin

    from clipfile.lang.en.parse import english

    nlp = english()
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"docs-{key}.spacy" if cache else None
    if path and path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=16))
    if path:
        db = DocBin(store_user_data=False)
        for d in docs:
            db.add(d)
        db.to_disk(path)
    return docs


def predict_en(rows: list[dict], cache: Path | None):
    docs = parse_all([r["text"] for r in rows], cache)
    preds = {"mention": [], "name": []}
    t0 = time.perf_counter()
    for row, doc in zip(rows, docs):
        ents = entities(doc)
        qs = attributed(doc, ents)
        for variant in preds:
            preds[variant].append(pred_row(row, qs, variant))
    return preds, time.perf_counter() - t0


def pred_row(row: dict, qs, variant: str = "mention") -> dict:
    """One prediction line in the scorer's format; the speaker as the mention written in the
    text (``mention``, the gold convention) or as the resolved name (``name``)."""
    text = row["text"]
    out = []
    for q in qs:
        if q.nested_in is not None:
            continue  # the gold does not annotate quotes inside quotes
        assert text[q.start:q.end] == q.text
        spk = q.speaker
        if spk is None:
            s = None
        elif variant == "mention":
            s = text[spk.start:spk.end] if spk.start is not None else spk.name
        else:
            s = spk.name or (text[spk.start:spk.end] if spk.start is not None else None)
        kind = q.kind if q.kind in ("direct", "mixed", "indirect") else "indirect"  # a stance
        out.append({"start": q.start, "end": q.end, "text": q.text, "kind": kind, "speaker": s,
                    "cue": q.cue.text if q.cue else None})
    return {"id": row["id"], "quotes": out}


def predict_ru(rows: list[dict]):
    try:
        from clipfile.lang.ru.quotes import analyze  # type: ignore
    except ImportError:
        return None
    out = []
    for row in rows:
        _ents, qs = analyze(row["text"])
        out.append({"id": row["id"], "quotes": [
            {"start": q.start, "end": q.end, "text": q.text, "kind": q.kind,
             "speaker": (row["text"][q.speaker.start:q.speaker.end] if q.speaker and q.speaker.start is not None
                         else (q.speaker.name if q.speaker else None))} for q in qs]})
    return {"mention": out}


def score(scorer: Path, gold: Path, pred: Path, kinds: str | None) -> dict:
    cmd = [sys.executable, str(scorer), str(gold), str(pred)]
    if kinds:
        cmd += ["--kinds", kinds]
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="first N documents of each file")
    ap.add_argument("--only", default=None, help="substring of the dev file names to run")
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="print the full scorer JSON")
    args = ap.parse_args(argv)
    bench = shared_dir() / "bench"
    qdir = bench / "quotes"
    if not qdir.is_dir():
        print(f"no gold data at {qdir} (set CLIPFILE_SHARED)")
        return 1
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    scorer = bench / "score_quotes.py"
    summary = []
    for gold_path in sorted(qdir.glob("*.jsonl")):
        name = gold_path.stem
        if args.only and args.only not in name:
            continue
        rows = load(gold_path)
        if args.limit:
            rows = rows[: args.limit]
        langs = {r.get("lang", "en") for r in rows}
        gold_sub = out_dir / f"{name}.gold.jsonl"
        with gold_sub.open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        if langs == {"ru"}:
            preds = predict_ru(rows)
            if preds is None:
                print(f"== {name}: Russian is not available yet (clipfile.lang.ru.quotes); skipped")
                continue
            secs = None
        else:
            preds, secs = predict_en(rows, None if args.no_cache else out_dir)
        print(f"== {name}: {len(rows)} docs" + (f", quotes+entities {secs:.1f}s" if secs else ""))
        for variant, pred in preds.items():
            pred_path = out_dir / f"{name}.pred-{variant}.jsonl"
            with pred_path.open("w", encoding="utf-8") as fh:
                for p in pred:
                    fh.write(json.dumps(p, ensure_ascii=False) + "\n")
            # Direct-only figures score our direct quotes (the scorer's mode for a direct-quote
            # system); all-kinds figures score everything.
            direct_path = out_dir / f"{name}.pred-{variant}-direct.jsonl"
            with direct_path.open("w", encoding="utf-8") as fh:
                for p in pred:
                    only = [q for q in p["quotes"] if q["kind"] == "direct"]
                    fh.write(json.dumps({"id": p["id"], "quotes": only}, ensure_ascii=False) + "\n")
            for kinds in ("direct", None):
                res = score(scorer, gold_sub, direct_path if kinds else pred_path, kinds)
                label = kinds or "all"
                ov, ex, sp = res["overlap50"], res["exact"], res["speaker_accuracy_overlap"]
                att = res["attributed_overlap50"]
                if args.verbose:
                    print(json.dumps(res, indent=1))
                print(f"  speaker={variant:7s} kinds={label:6s} overlap P/R/F1 "
                      f"{ov['precision']:.3f}/{ov['recall']:.3f}/"
                      f"{ov['f1']:.3f}  exact F1 {ex['f1']:.3f}  speaker acc {sp['accuracy']}"
                      f" ({sp['correct']}/{sp['n']})  attributed F1 {att['f1']:.3f}"
                      f"  recall by kind {({k: v['recall'] for k, v in res['recall_by_kind_overlap50'].items()})}")
                if variant == "mention":
                    summary.append(f"{name}[{label}] F1 {ov['f1']:.3f} spk {sp['accuracy']}")
    print("SUMMARY: " + "; ".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
