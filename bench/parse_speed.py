#!/usr/bin/env python3
"""What the parse costs against the rest of ``analyze``, per language, and how much of it a
selective parse could save.

    .venv/bin/python bench/parse_speed.py [--limit 100] [--ru-limit 100] [--rounds 2]
                                          [--before ../main] [--lang en|ru]

English (PolNeAR dev articles when ../shared/bench is present, CLIPFILE_SHARED honoured, else
generated news-like text):

- documents/s of a bare spaCy parse (the pipeline Clipfile loads, one document at a time as
  ``analyze`` does), of ``pipeline.analyze`` and of ``pipeline.analyze_many`` (documents parsed
  in batches, as ingest runs them), wall clock and CPU seconds per document;
- what each spaCy component costs (CPU seconds, its share of the parse);
- the share of sentences that hold an item of the analysis (a quote with its cue and speaker, a
  claim, a forecast, an event: a sentence without one could go unparsed without changing the
  output) and the share a cheap pass would select (quotation marks, the language's footing and
  probability lexicon, its reporting verbs, time expressions, and for narration claims a named
  entity or a personal pronoun), with the item-holding sentences it would miss.

Russian (the real-news dev texts, adaq-ru in ten-sentence texts and generated news, when
../shared is present): texts/s of bare natasha (segment, morphology, syntax, NER) and of
``pipeline.analyze`` (and ``analyze_many``), and the start-up: seconds for a fresh process to analyse one tiny text,
against a fresh process that loads natasha's same models and parses it.

``--before DIR`` times ``analyze`` of another checkout too (``DIR/src``), in alternation with
this one, round after round, so both see the same load: the machine is shared and its load
average is printed.  Every timing runs in a fresh process (this script in worker mode).

``--blas-threads N`` runs every variant with N native BLAS/OpenMP threads (numpy's OpenBLAS,
which natasha's models multiply with; by default as many as cores).  A second BLAS thread
shortens natasha's multiplications a little on an idle machine but spins for a while after
each, and that CPU time is charged to whatever the process does next (``analyze``'s own
stages), so ``--blas-threads 1`` is the like-for-like comparison of what ``analyze`` adds;
worker processes (``--jobs``) run with one thread each anyway.  ``analyze`` runs natasha's
taggers on one BLAS thread in any process (``clipfile.lang.ru.parse.one_blas_thread``), so
without ``--blas-threads`` bare natasha is timed both ways: as natasha runs by default, and on
one BLAS thread (``bare natasha/1``), and ``analyze`` is set against each; ``--blas-both`` also
times ``analyze`` with that limit lifted (``analyze, threads``: natasha on the threads the
process has), the measurement behind the limit.  ``natasha+lemmas``
is natasha doing all that ``analyze`` reads of it: the same taggers on one BLAS thread, then
natasha's own lemma of every token (``DocToken.lemmatize``) and normal form of every span
(``DocSpan.normalize``) -- the like-for-like baseline of the parse wrapper.  The bare natasha
variants run natasha's own pipeline (``clipfile.lang.ru.parse.natasha_doc``), one document at a
time; ``analyze`` runs the same models through ``clipfile.lang.ru.forward`` (the same scores to
the bit, with less copying), so it can cost less than bare natasha.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
TINY_RU = "Министр заявил, что бюджет будет принят в среду."
BLAS_THREADS = ""  # --blas-threads: native threads in every timed process ("" = as inherited)


def shared_dir() -> Path:
    env = os.environ.get("CLIPFILE_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


# ---------------------------------------------------------------- corpora

def english_texts(limit: int) -> tuple[list[str], str]:
    sys.path.insert(0, str(BENCH))
    from throughput import texts  # the corpus of the other English speed benchmarks

    return texts(limit)


def russian_texts(limit: int) -> tuple[list[str], str]:
    sys.path.insert(0, str(BENCH))
    from throughput_ru import from_adaq, generated

    path = shared_dir() / "bench" / "realnews" / "ru-dev.jsonl"
    real = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()] if path.exists() else []
    out = (real + from_adaq(limit))[:limit]
    n_real = min(len(real), len(out))
    label = f"{n_real} real-news + {len(out) - n_real} adaq" if out else ""
    more = generated(limit - len(out), random.Random(5))
    if more:
        label += f" + {len(more)} generated"
    return out + more, label.strip(" +")


# ---------------------------------------------------------------- workers (run in a fresh process)

def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _worker(kind: str, limit: int) -> dict:
    """Time one variant in this process; returns seconds (wall and CPU) and the count."""
    if kind == "startup-clipfile":
        from clipfile.pipeline import analyze
        from clipfile.records import Document

        analyze(Document(text=TINY_RU, language="ru"))
        return {}
    if kind == "startup-natasha":
        from natasha import Doc, MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

        emb = NewsEmbedding()
        seg, morph, syntax, ner = Segmenter(), NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb)
        MorphVocab()
        doc = Doc(TINY_RU)
        doc.segment(seg)
        doc.tag_morph(morph)
        doc.parse_syntax(syntax)
        doc.tag_ner(ner)
        return {}
    from clipfile.pipeline import analyze
    from clipfile.records import Document

    lang = kind.split("-")[0]
    texts = english_texts(limit)[0] if lang == "en" else russian_texts(limit)[0]
    if kind == "ru-analyze-threads":  # analyze with natasha on the inherited BLAS threads
        import contextlib
        import importlib

        importlib.import_module("clipfile.lang.ru.parse").one_blas_thread = contextlib.nullcontext
        kind = "ru-analyze"
    if kind == "en-spacy":
        from clipfile.lang.en.parse import english

        nlp = english()
        nlp(texts[0])
        run = nlp
    elif kind.startswith("ru-natasha"):
        import importlib

        ru_parse = importlib.import_module("clipfile.lang.ru.parse")
        natasha_doc = ru_parse.natasha_doc
        if kind == "ru-natasha-1":  # natasha's taggers on one BLAS thread, as ``analyze`` runs them

            def natasha_doc(text: str) -> Any:
                with ru_parse.one_blas_thread():
                    return ru_parse.natasha_doc(text)
        elif kind == "ru-natasha-lemmas":  # and natasha's lemmas and normal forms, which analyze reads

            def natasha_doc(text: str) -> Any:
                with ru_parse.one_blas_thread():
                    doc = ru_parse.natasha_doc(text)
                vocab = ru_parse.models()["vocab"]
                for token in doc.tokens:
                    token.lemmatize(vocab)
                for span in doc.spans:
                    span.normalize(vocab)
                return doc
        natasha_doc(texts[0])
        run = natasha_doc
    elif kind.endswith("-many"):
        from clipfile.pipeline import analyze_many

        analyze(Document(text=texts[0], language=lang))
        wall, cpu = _clock()
        for found in analyze_many(Document(text=text, language=lang) for text in texts):
            if isinstance(found, Exception):
                raise found
        wall2, cpu2 = _clock()
        return {"n": len(texts), "wall": wall2 - wall, "cpu": cpu2 - cpu}
    else:
        analyze(Document(text=texts[0], language=lang))

        def run(text: str) -> None:
            analyze(Document(text=text, language=lang))
    wall, cpu = _clock()
    for text in texts:
        run(text)
    wall2, cpu2 = _clock()
    return {"n": len(texts), "wall": wall2 - wall, "cpu": cpu2 - cpu}


def run_worker(kind: str, limit: int, src: Path) -> dict:
    """Run :func:`_worker` in a fresh interpreter with ``src`` first on the path; the start-up
    variants are timed from outside (interpreter start-up included)."""
    env = dict(os.environ, PYTHONPATH=str(src))
    if BLAS_THREADS:
        env.update({name: BLAS_THREADS for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                     "MKL_NUM_THREADS", "BLIS_NUM_THREADS")})
    t0, c0 = time.perf_counter(), _children_cpu()
    out = subprocess.run([sys.executable, __file__, "--worker", kind, "--limit", str(limit)],
                         env=env, capture_output=True, text=True, check=True)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if kind.startswith("startup"):
        result = {"n": 1, "wall": wall, "cpu": cpu}  # the whole process, interpreter start-up included
    return result


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------- report

def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _rate(r: dict, base: dict | None = None, name: str = "") -> str:
    out = f"{r['n'] / r['wall']:6.2f}/s, {r['cpu'] / r['n'] * 1000:5.0f} ms CPU each"
    if base is not None and r is not base:
        out += (f"  = {base['wall'] / r['wall']:.2f}x {name} by the clock,"
                f" {base['cpu'] / r['cpu']:.2f}x by CPU time")
    return out


def timings(variants: list[tuple[str, str, Path]], limit: int, rounds: int) -> dict[str, dict]:
    """Each variant ``(label, kind, src)`` run ``rounds`` times in alternation; the best round
    of each (the one least disturbed by other work: the least CPU time, which other work on
    the machine inflates less than the clock) is kept."""
    best: dict[str, dict] = {}
    for _ in range(rounds):
        for label, kind, src in variants:
            r = run_worker(kind, limit, src)
            if label not in best or r["cpu"] < best[label]["cpu"]:
                best[label] = r
    return best


def spacy_components(limit: int) -> None:
    from clipfile.lang.en.parse import english

    texts, _label = english_texts(limit)
    nlp = english()
    nlp(texts[0])
    cost = {name: 0.0 for name in nlp.pipe_names}
    for text in texts:
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline:
            t = time.process_time()
            doc = proc(doc)
            cost[name] += time.process_time() - t
    total = sum(cost.values())
    print("  spaCy components, CPU share of the parse: " +
          ", ".join(f"{name} {100 * s / total:.0f}%" for name, s in cost.items()))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def sentence_shares(limit: int) -> None:
    """Which sentences hold an item of the analysis, and which a cheap pass would select."""
    import re

    from clipfile.analysis.markers import find_markers
    from clipfile.analysis.timex import find_times
    from clipfile.lang import get_language
    from clipfile.lang.en.cues import REPORTING_VERBS
    from clipfile.pipeline import analyze
    from clipfile.records import Document

    lang = get_language("en")
    marks = re.compile(r"``|''|[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02]")
    pronouns = {"he", "she", "they", "i", "we", "him", "her", "his", "their", "them"}
    texts, _label = english_texts(limit)
    total = holding = selected = missed = 0
    for text in texts:
        a = analyze(Document(text=text, language="en"))
        items: list[tuple[int, int]] = []
        for q in a.quotes:
            items.append((q.start, q.end))
            for part in (q.cue, q.speaker):
                if part is not None and getattr(part, "start", None) is not None:
                    items.append((part.start, part.end))
        items += [(c.start, c.end) for c in a.claims]
        items += [(f.start, f.end) for f in a.forecasts]
        items += [(e.start, e.end) for e in a.events]
        mentions = [(m.start, m.end) for e in a.entities for m in e.mentions]
        times = [(t.start, t.end) for t in find_times(text, lang.times, published=None)]
        for sent in a.parsed.sents:
            if not sent.text.strip():
                continue
            s, e = sent.start_char, sent.end_char
            total += 1
            hold = _overlaps(items, s, e)
            cheap = bool(
                marks.search(sent.text)
                or find_markers(sent.text, lang.lexicon)
                or any(t.lemma_.lower() in REPORTING_VERBS for t in sent)
                or _overlaps(times, s, e)
                or _overlaps(mentions, s, e)
                or any(t.lower_ in pronouns for t in sent)
            )
            holding += hold
            selected += cheap
            missed += hold and not cheap
    print(f"  sentences: {total}; holding an item of the analysis: {holding} ({100 * holding / total:.0f}%); "
          f"a cheap pass selects {selected} ({100 * selected / total:.0f}%), missing {missed} that hold one")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--limit", type=int, default=100, help="English articles")
    ap.add_argument("--ru-limit", type=int, default=100, help="Russian texts")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--before", type=Path, help="another checkout whose analyze to time too")
    ap.add_argument("--lang", choices=("en", "ru"))
    ap.add_argument("--blas-threads", type=int, help="native BLAS/OpenMP threads in every timed process")
    ap.add_argument("--blas-both", action="store_true",
                    help="also time analyze with natasha on the inherited BLAS threads (its one-thread limit lifted)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        t0 = time.process_time()
        result = _worker(args.worker, args.limit)
        result.setdefault("cpu", time.process_time() - t0)
        print(json.dumps(result))
        return 0
    src = ROOT / "src"
    before = args.before.resolve() / "src" if args.before else None
    global BLAS_THREADS
    BLAS_THREADS = str(args.blas_threads) if args.blas_threads else ""
    threads = f"{BLAS_THREADS} BLAS thread(s)" if BLAS_THREADS else "BLAS threads as inherited"
    print(f"machine: {os.cpu_count()} cores, load average {load()} (1, 5, 15 min) at the start; {threads}")
    if args.lang in (None, "en"):
        _texts, label = english_texts(args.limit)
        print(f"English: {label}, {len(_texts)} articles, best of {args.rounds} rounds")
        variants = [("bare spaCy", "en-spacy", src), ("analyze", "en-analyze", src),
                    ("analyze_many", "en-many", src)]
        if before:
            variants.append(("analyze, before", "en-analyze", before))
        best = timings(variants, args.limit, args.rounds)
        base = best["bare spaCy"]
        for label_, r in best.items():
            print(f"  {label_:16s} {_rate(r, base, 'bare spaCy')}")
        spacy_components(min(args.limit, 40))
        sentence_shares(min(args.limit, 60))
    if args.lang in (None, "ru"):
        _texts, label = russian_texts(args.ru_limit)
        print(f"Russian: {label} texts, best of {args.rounds} rounds")
        variants = [("bare natasha", "ru-natasha", src)]
        if not BLAS_THREADS:  # analyze runs natasha on one BLAS thread: its baseline both ways
            variants.append(("bare natasha/1", "ru-natasha-1", src))
        variants.append(("natasha+lemmas", "ru-natasha-lemmas", src))
        variants += [("analyze", "ru-analyze", src), ("analyze_many", "ru-many", src)]
        if args.blas_both:
            variants.append(("analyze, threads", "ru-analyze-threads", src))
        if before:
            variants.append(("analyze, before", "ru-analyze", before))
        best = timings(variants, args.ru_limit, args.rounds)
        bases = [k for k in best if not k.startswith("analyze")]
        for label_, r in best.items():
            print(f"  {label_:16s} {_rate(r)}")
        for label_, r in best.items():
            if label_.startswith("analyze"):
                print(f"  {label_:16s} = " + "; ".join(
                    f"{best[b]['wall'] / r['wall']:.2f}x {b} by the clock, {best[b]['cpu'] / r['cpu']:.2f}x by CPU"
                    for b in bases))
        print("  (bare natasha: segment, morphology, syntax, NER, BLAS threads "
              + (f"{BLAS_THREADS}" if BLAS_THREADS else "as inherited") + ";"
              + (" bare natasha/1: the same on one BLAS thread, as analyze runs it;" if not BLAS_THREADS else "")
              + " natasha+lemmas: that on one BLAS thread and natasha's lemma of every token and normal"
              " form of every span, the rest of what analyze reads of natasha)")
        variants = [("natasha", "startup-natasha", src), ("analyze", "startup-clipfile", src)]
        if before:
            variants.append(("analyze, before", "startup-clipfile", before))
        best = timings(variants, 1, max(args.rounds, 3))
        print("  start-up, a fresh process for one tiny text (best of "
              f"{max(args.rounds, 3)}, by CPU time): "
              + ", ".join(f"{k} {r['wall']:.2f} s ({r['cpu']:.2f} s CPU)" for k, r in best.items()))
    print(f"load average at the end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
