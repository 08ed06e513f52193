#!/usr/bin/env python3
"""Analysis throughput on one machine and on a Dask cluster, against a bare spaCy parse, in one run.

    .venv/bin/python bench/parallel.py [--limit 200] [--cluster-limit 300] [--variants spacy,jobs1,...]

On the same PolNeAR dev articles (../shared/bench/quotes/polnear-dev.jsonl when present, else
generated news-like text), one figure per variant, in articles per second:

- ``spacy``: spaCy's parse alone (the pipeline Clipfile loads), one process;
- ``spacy2``: the same with ``nlp.pipe(n_process=2)``;
- ``analyze1``: ``pipeline.analyze`` alone, one process, nothing stored (not in the default list);
- ``many1``: ``pipeline.analyze_many`` alone (documents parsed in batches, as the executors do), one
  process, nothing stored (not in the default list);
- ``jobs1``: what ``clipfile ingest --jobs 1`` does after reading: store each document in a new
  SQLite library, analyse it, save the analysis (``Library.add_many`` with the inline executor);
- ``jobs2``: the same with ``--jobs 2`` (a pool of two worker processes; its start-up, the workers
  loading the models, is timed apart);
- ``cluster``: ``--jobs 2`` against a ``LocalCluster`` of two single-threaded worker processes on
  ``--cluster-limit`` articles (the overhead of going through a Dask scheduler; start-up apart).

Every variant runs in a process of its own, forked from this one before any model is loaded,
so each meets the texts with cold caches as a user's run does (run one after another in one
process, a variant found the lemmas and per-word readings of the same texts cached by the one
before it, while ``--jobs 2``'s workers always start cold).  Each figure is also given as a
ratio to the one-process spaCy parse.  Beside the wall-clock
figure, the CPU seconds per article spent by this process and every process it started (workers,
the cluster) while timing: that figure hardly moves with the load of other work on the machine,
and says what running in other processes costs; articles/s says what it gains.  More variants
(selective parsing, say) are one function each in :data:`VARIANTS`: ``(texts, args) -> Timing``.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import texts as corpus_texts  # noqa: E402  (the corpus of the other speed benchmarks)

from clipfile.library import Library  # noqa: E402
from clipfile.parallel import BATCH, Executor, Inline, ProcessPool  # noqa: E402
from clipfile.records import Document  # noqa: E402


@dataclass
class Timing:
    articles: int
    seconds: float
    startup: float | None = None  # seconds before the first article could start (workers, models)
    note: str = ""
    cpu: float | None = None  # CPU seconds of this process and its descendants while timed

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


class Clock:
    """Wall-clock and CPU seconds of this process and every process under it (live or ended)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    @staticmethod
    def _cpu() -> float:
        import psutil

        me = psutil.Process()
        total = sum(me.cpu_times()[:2])
        ended = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += ended.ru_utime + ended.ru_stime
        for child in me.children(recursive=True):
            try:
                times = child.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def timing(self, articles: int, **extra) -> Timing:
        return Timing(articles, time.perf_counter() - self.wall, cpu=self._cpu() - self.cpu, **extra)


def _documents(texts: list[str]) -> list[Document]:
    return [Document(text=t, language="en") for t in texts]


def _warm_here() -> None:
    """Load this process's models before timing (every variant is timed warm)."""
    from clipfile.pipeline import analyze

    analyze(Document(text="Mayor Ines Varga said on Monday that the bridge would reopen.", language="en"))


def spacy_parse(texts: list[str], args: argparse.Namespace, n_process: int = 1) -> Timing:
    from clipfile.lang.en.parse import english

    nlp = english()
    nlp(texts[0])
    clock = Clock()
    for _ in nlp.pipe(texts, batch_size=16, n_process=n_process):
        pass
    return clock.timing(len(texts))


def analyze_only(texts: list[str], args: argparse.Namespace) -> Timing:
    from clipfile.pipeline import analyze

    _warm_here()
    docs = _documents(texts)
    clock = Clock()
    for doc in docs:
        analyze(doc).to_json()
    return clock.timing(len(docs))


def analyze_many_only(texts: list[str], args: argparse.Namespace) -> Timing:
    from clipfile.pipeline import analyze_many

    _warm_here()
    docs = _documents(texts)
    clock = Clock()
    for found in analyze_many(docs):
        found.to_json()  # type: ignore[union-attr]  (an ExtractionError would raise here)
    return clock.timing(len(docs))


def _ingest(texts: list[str], make: Callable[[], Executor], warm: Callable[[Executor], None]) -> Timing:
    """Store and analyse the texts in a new library with the executor ``make`` returns, after
    ``warm`` has started it (timed as start-up)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        executor = make()
        warm(executor)
        startup = time.perf_counter() - t
        with Library(Path(tmp) / "bench.sqlite", executor=executor) as lib:
            clock = Clock()
            report = lib.add_many(_documents(texts))
            timing = clock.timing(len(texts), startup=startup)
        failed = len(report.failed) + sum(1 for o in report.outcomes if o.message)
        timing.note = f"{failed} failed" if failed else ""
        return timing


def _warm_batch(executor: Executor, n: int) -> None:
    """Run ``n`` throw-away documents through the executor so its workers have loaded the models."""
    from clipfile.parallel import Job

    docs = [Document(text=f"Warm-up note {i}: Mayor Ines Varga said the bridge would reopen.", language="en")
            for i in range(n)]
    for _ in executor.run(Job(None, d) for d in docs):
        pass


def jobs1(texts: list[str], args: argparse.Namespace) -> Timing:
    return _ingest(texts, Inline, lambda ex: _warm_here())


def jobs_n(texts: list[str], args: argparse.Namespace, n: int = 2) -> Timing:
    # enough warm-up documents that every worker gets a batch of its own (it loads its models
    # on its first batch; a worker left cold would load them inside the timed run)
    return _ingest(texts, lambda: ProcessPool(n), lambda ex: _warm_batch(ex, 2 * n * BATCH))


def cluster(texts: list[str], args: argparse.Namespace) -> Timing:
    from distributed import LocalCluster

    from clipfile.cluster import DaskCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR)
    try:
        # Connecting registers the plugin that loads the model on each worker: start-up.
        return _ingest(texts, lambda: DaskCluster(local.scheduler_address), lambda ex: _warm_batch(ex, 8))
    finally:
        local.close()


VARIANTS: dict[str, tuple[str, Callable[[list[str], argparse.Namespace], Timing], str]] = {
    # name: (label, function, which corpus size: "limit" or "cluster")
    "spacy": ("spaCy parse only, 1 process", spacy_parse, "limit"),
    "spacy2": ("spaCy parse only, nlp.pipe(n_process=2)", lambda t, a: spacy_parse(t, a, 2), "limit"),
    "analyze1": ("analyze only (no store), 1 process", analyze_only, "limit"),
    "many1": ("analyze_many only (no store), 1 process", analyze_many_only, "limit"),
    "jobs1": ("ingest + analysis, --jobs 1", jobs1, "limit"),
    "jobs2": ("ingest + analysis, --jobs 2", jobs_n, "limit"),
    "cluster": ("ingest + analysis, LocalCluster 2 workers", cluster, "cluster"),
}
DEFAULT = "spacy,spacy2,jobs1,jobs2,cluster"


def _fresh(name: str, texts: list[str], args: argparse.Namespace) -> Timing:
    """Time one variant in a new process: each starts with cold caches (spaCy's lemmas, the
    analysis's per-word readings), as a user's run does.  Run one after another in one process,
    a variant met the same texts warm from the variant before it (``--jobs 1`` after
    ``analyze_many`` showed 0.262 CPU s/article against 0.286-0.300 when cold), while the
    worker processes of ``--jobs 2`` always start cold: the comparison was unfair."""
    import multiprocessing

    # forked from this process, which has loaded no model and analysed nothing: cold, and spaCy's
    # own nlp.pipe(n_process=2) inside it forks its workers from a loaded pipeline as usual
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_variant_child, args=(name, texts, args, queue))
    child.start()
    found = queue.get()
    child.join()
    if isinstance(found, str):
        raise SystemExit(f"variant {name} failed: {found}")
    return Timing(**found)


def _variant_child(name: str, texts: list[str], args: argparse.Namespace, queue) -> None:
    try:
        queue.put(dataclasses.asdict(VARIANTS[name][1](texts, args)))
    except BaseException as exc:  # the parent must hear of it, not wait forever
        queue.put(f"{type(exc).__name__}: {exc}")
        raise


def _show(name: str, title: str, timing: Timing) -> None:
    extra = f"  start-up {timing.startup:.1f} s" if timing.startup is not None else ""
    note = f"  ({timing.note})" if timing.note else ""
    cpu = f"  {timing.cpu / timing.articles:6.3f} CPU s/article" if timing.cpu is not None else ""
    print(f"  {name:9s} {title:42s} {timing.articles:4d} articles {timing.seconds:7.1f} s "
          f"{timing.rate:6.2f} articles/s{cpu}{extra}{note}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=200, help="articles for the one-machine variants")
    ap.add_argument("--cluster-limit", type=int, default=300, help="articles for the cluster comparison")
    ap.add_argument("--variants", default=DEFAULT, help=f"comma-separated, of: {', '.join(VARIANTS)}")
    args = ap.parse_args(argv)
    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        ap.error(f"unknown variants {unknown}: choose from {', '.join(VARIANTS)}")
    everything, label = corpus_texts(max(args.limit, args.cluster_limit))
    if label == "generated":  # one text repeated: make each distinct, or the library stores one
        everything = [f"{t}\n(Copy {i}.)" for i, t in enumerate(everything)]
    sizes = {"limit": everything[: args.limit], "cluster": everything[: args.cluster_limit]}
    print(f"texts: {label}; {len(sizes['limit'])} articles ({len(sizes['cluster'])} for the cluster comparison)")
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(other work on the machine slows every figure)")
    results: dict[str, Timing] = {}
    for name in names:
        title, _, size = VARIANTS[name]
        results[name] = timing = _fresh(name, sizes[size], args)
        _show(name, title, timing)
    base = results.get("spacy")
    if base:
        print("ratio to the one-process spaCy parse:")
        for name, timing in results.items():
            print(f"  {name:9s} {timing.rate / base.rate:5.2f}x")
    if "jobs1" in results and "jobs2" in results:
        print(f"--jobs 2 vs --jobs 1: {results['jobs2'].rate / results['jobs1'].rate:.2f}x")
    if "cluster" in results and "jobs2" in results:
        if len(sizes["cluster"]) != len(sizes["limit"]):
            results["jobs2@cluster"] = same = _fresh("jobs2", sizes["cluster"], args)
            _show("jobs2", VARIANTS["jobs2"][0], same)
        else:
            same = results["jobs2"]
        print(f"LocalCluster 2 workers vs --jobs 2 on {len(sizes['cluster'])} articles: "
              f"{results['cluster'].rate / same.rate:.2f}x (the scheduler's overhead is the shortfall)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
