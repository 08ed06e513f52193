"""Where the analysis runs: in this process, in a pool of worker processes, or on a Dask cluster.

The library's batch loops (:meth:`~clipfile.library.Library.ingest`, ``reanalyze``, ``add_many``)
store documents and hand them, as :class:`Job` s, to an *executor*; the executor yields a
:class:`Done` per job as results come back, in whatever order they finish, and the library saves
each one.  Only the pure analysis (:func:`analyze_documents`: documents in, one ``analyze --json``
object or one error each out) runs in workers.  Every executor hands it documents a few at a time
(:func:`clipfile.pipeline.analyze_many` parses a batch together, which costs less per document
than one at a time), and a document that fails fails alone.  Everything that touches the library
stays in the calling process, the one writer: storing documents, the cross-document recycled-text
index, saving analyses.  So SQLite needs no locking across processes, and a worker that dies loses
nothing but the analyses it was running, which are simply run again.

Three executors, one contract (``run(jobs) -> Iterator[Done]``, ``close()``):

- :class:`Inline` runs the jobs in this process as they are pulled, a batch at a time: ``--jobs
  1`` (a batch of documents stored, analysed, then each saved and reported, then the next batch).
- :class:`ProcessPool` runs jobs in ``jobs`` worker processes (started with ``spawn``, so no
  thread or lock of the caller is copied into them; each loads the language models once, on
  first use).  A batch of one or two documents runs inline: starting workers would cost more
  than it saves.  A worker that dies (killed, out of memory, a crash in a native library) breaks
  the whole pool; the pool is restarted and the jobs whose results had not come back are run
  again, one at a time, so that a document that kills its worker is found and, after a retry,
  failed with a message instead of looping.  Batches are cut smaller at the end of the jobs, so
  that the last documents are shared among the workers.
- :class:`~clipfile.cluster.DaskCluster` sends jobs to the workers of a ``dask.distributed`` scheduler; results flow
  back to this process.  Dask itself reruns the tasks of a worker that died, and fails a task
  that killed workers repeatedly (``KilledWorker``).

Every executor keeps a bounded number of jobs in flight (it pulls the next job only when there is
room), so a million-document run holds a window of documents in memory, not the batch.

Tests and benchmarks may give an executor another ``task`` (a function of one document, such as
one that kills its worker on a chosen document); it runs a document at a time.
"""
from __future__ import annotations

import contextlib
import math
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, Protocol

from .errors import ClipfileError
from .records import Document

__all__ = [
    "Job",
    "Done",
    "Executor",
    "Inline",
    "ProcessPool",
    "PoolStats",
    "analyze_document",
    "analyze_documents",
    "attempt",
    "attempt_all",
    "default_jobs",
    "executor_for",
]

Task = Callable[[Document], dict[str, Any]]
Outcome = tuple[dict[str, Any] | None, str | None]  # a document's analysis JSON, or why there is none

# Documents an executor hands the analysis at once (analyze_many parses them together).
BATCH = 16


def analyze_document(doc: Document) -> dict[str, Any]:
    """The workers' task: the analysis of one document as the ``analyze --json`` object.

    Pure: it reads nothing but the document and writes nothing; the language models are loaded on
    first use and kept for the life of the process (:mod:`clipfile.lang.en.parse`).
    """
    from .pipeline import analyze

    return analyze(doc).to_json()


def analyze_documents(docs: list[Document]) -> list[Outcome]:
    """The workers' batch task: for each document, its analysis JSON or the one-line reason
    there is none, in order.

    The documents are parsed together (:func:`clipfile.pipeline.analyze_many`; the results are
    those :func:`analyze_document` gives one at a time).  A document that fails fails alone: the
    others are analysed, and should the batch itself break, the documents it had not reached
    are analysed one at a time.
    """
    from .pipeline import analyze_many

    out: list[Outcome] = []
    # should the batch break, what it had not reached is analysed one at a time (below)
    with contextlib.suppress(Exception):
        for doc, found in zip(docs, analyze_many(docs, batch=len(docs))):
            if isinstance(found, ClipfileError):
                out.append((None, str(found)))
                continue
            try:
                out.append((found.to_json(), None))
            except Exception as exc:  # a bug must fail one document, not the batch
                out.append((None, _failed(doc, exc)))
    return out + [attempt(analyze_document, doc) for doc in docs[len(out):]]


def attempt_all(task: Task | None, docs: list[Document]) -> list[Outcome]:
    """What a worker runs for a batch: the analysis (``task`` None) or ``task`` per document."""
    if task is None:
        return analyze_documents(docs)
    return [attempt(task, doc) for doc in docs]


def _failed(doc: Document, exc: Exception) -> str:
    return f"analysis failed on document {doc.id}: {exc!r}"


@dataclass(frozen=True, slots=True)
class Job:
    """One document to analyse; ``key`` is the caller's, passed back untouched in :class:`Done`."""

    key: Any
    document: Document


@dataclass(frozen=True, slots=True)
class Done:
    """A finished job: the analysis JSON, or the one-line reason there is none."""

    job: Job
    result: dict[str, Any] | None = None
    error: str | None = None


class Executor(Protocol):
    """Runs :class:`Job` s and yields a :class:`Done` for each, exactly once, in any order."""

    def run(self, jobs: Iterable[Job]) -> Iterator[Done]: ...

    def close(self) -> None: ...


def default_jobs() -> int:
    """The cores this process may use (its CPU affinity where the OS says, else all of them)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def executor_for(jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor for ``--jobs``/``--scheduler``: a Dask client, a process pool, or inline.

    ``jobs`` None means :func:`default_jobs`; 1 means inline.

    Raises:
        ClipfileError: both were given, ``jobs`` is below 1, or the scheduler cannot be reached.
    """
    if scheduler:
        if jobs is not None:
            raise ClipfileError("give jobs or a scheduler, not both: the cluster's workers analyse")
        from .cluster import DaskCluster

        return DaskCluster(scheduler)
    n = default_jobs() if jobs is None else jobs
    if n < 1:
        raise ClipfileError(f"--jobs must be 1 or more, not {n}")
    return Inline() if n == 1 else ProcessPool(n)


def attempt(task: Task, doc: Document) -> Outcome:
    """Run the task on one document, its failure turned into a message (not every exception
    pickles, and a bug must fail one document, not the batch)."""
    try:
        return task(doc), None
    except ClipfileError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug must fail one document, not the batch
        return None, _failed(doc, exc)


def _batches(todo: Iterator[Job], size: int) -> Iterator[list[Job]]:
    while chunk := list(islice(todo, size)):
        yield chunk


class Inline:
    """Analyse the jobs in this process as they are pulled, ``batch`` at a time (``--jobs 1``).

    ``task`` None is the analysis (documents parsed together); another task runs per document.
    """

    def __init__(self, task: Task | None = None, *, batch: int = BATCH) -> None:
        self.task = task
        self.batch = max(1, batch)

    def run(self, jobs: Iterable[Job]) -> Iterator[Done]:
        for chunk in _batches(iter(jobs), self.batch):
            found = attempt_all(self.task, [job.document for job in chunk])
            for job, (result, error) in zip(chunk, found):
                yield Done(job, result, error)

    def close(self) -> None:
        """Nothing to release: the jobs run in this process."""


# Native thread pools (OpenBLAS under numpy, OpenMP) start a thread per core in every process;
# with a worker process per core they would only compete for the cores (Dask's nanny does the same).
_ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def _worker_init(writer: int) -> None:
    """In each worker: one native thread (read when numpy loads, which in a worker of the
    ``clipfile`` command is after this); leave Ctrl-C to the writer, which stops the batch and
    shuts the pool down; exit when the writer is gone (killed outright, it cannot shut the pool
    down, and a worker waiting for work would wait for ever, holding its models)."""
    import signal
    import threading
    import time

    for name in _ONE_THREAD:
        os.environ.setdefault(name, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == writer:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="clipfile-writer-watch", daemon=True).start()


@dataclass(slots=True)
class _Running:
    job: Job
    crashes: int = 0  # times a worker died while running this job alone
    alone: bool = False


@dataclass(slots=True)
class PoolStats:
    """What a :class:`ProcessPool` went through, for tests and benchmarks."""

    started: int = 0  # pools started (1 + restarts)
    broken: int = 0  # times a worker died and the pool was restarted
    rerun: int = 0  # jobs run again after a worker died
    inline: int = 0  # jobs run in this process (small batches)
    crash_failed: list[str] = field(default_factory=list)  # document ids failed for killing workers


class ProcessPool:
    """Analyse jobs in ``jobs`` worker processes; survive workers that die.

    Args:
        jobs: worker processes.
        task: None for the analysis (:func:`analyze_documents`, a batch at a time), or a function
            of one document that workers run instead (module-level, so that it pickles); tests
            wrap :func:`analyze_document` to make a worker die on a chosen document.
        batch: documents sent to a worker at once (fewer at the end of the jobs, so that the last
            ones are shared among the workers).
        window: jobs in flight at most (default two batches per worker: one running, one
            waiting, so a worker never waits for the writer; little enough to bound memory).
        inline_max: a batch of at most this many jobs runs in this process when no pool is up.
        max_crashes: a document that kills its worker this many times while running alone is
            failed with a message (the first death, among other jobs, is not counted against it).

    Workers are spawned, so they import the caller's main module: a script that makes a pool
    keeps its top-level work under ``if __name__ == "__main__":`` (the ``clipfile`` command does).
    """

    def __init__(self, jobs: int, *, task: Task | None = None, batch: int = BATCH, window: int | None = None,
                 inline_max: int = 2, max_crashes: int = 2) -> None:
        if jobs < 1:
            raise ValueError("jobs must be 1 or more")
        self.jobs = jobs
        self.task = task
        self.batch = max(1, batch)
        self.window = window or 2 * jobs * self.batch
        self.batch = min(self.batch, self.window)
        self.inline_max = inline_max
        self.max_crashes = max_crashes
        self.stats = PoolStats()
        self._pool: ProcessPoolExecutor | None = None
        self._inline = Inline(task, batch=self.batch)

    # -- the pool

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing

        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init, initargs=(os.getpid(),))
            self.stats.started += 1
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._start()

    def _submit(self, items: list[_Running]) -> Future:
        docs = [item.job.document for item in items]
        try:
            return self._start().submit(attempt_all, self.task, docs)
        except BrokenProcessPool:  # a worker died while the pool was idle (between batches)
            self._restart()
            return self._start().submit(attempt_all, self.task, docs)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- running a batch

    def run(self, jobs: Iterable[Job]) -> Iterator[Done]:
        todo: Iterator[Job] = iter(jobs)
        if self._pool is None:
            head = list(islice(todo, self.inline_max + 1))
            if len(head) <= self.inline_max:
                self.stats.inline += len(head)
                yield from self._inline.run(head)
                return
            todo = chain(head, todo)
        yield from self._pooled(todo)

    def _size(self, waiting: int, exhausted: bool) -> int:
        """Documents for the next batch: a full batch, or at the end of the jobs the waiting ones
        shared among the workers."""
        if not exhausted:
            return self.batch
        return max(1, min(self.batch, math.ceil(waiting / self.jobs)))

    def _pooled(self, todo: Iterator[Job]) -> Iterator[Done]:
        running: dict[Future, list[_Running]] = {}
        waiting: deque[_Running] = deque()  # pulled, not yet sent
        suspects: deque[_Running] = deque()  # jobs lost with a dead worker, to run one at a time
        exhausted = False
        breaks_without_progress = 0
        try:
            while True:
                if suspects:
                    if not running:
                        suspect = suspects.popleft()
                        suspect.alone = True
                        running[self._submit([suspect])] = [suspect]
                else:
                    in_flight = sum(len(items) for items in running.values())
                    while not exhausted and in_flight + len(waiting) < self.window:
                        job = next(todo, None)
                        if job is None:
                            exhausted = True
                        else:
                            waiting.append(_Running(job))
                    while waiting and len(running) < 2 * self.jobs:
                        size = self._size(len(waiting), exhausted)
                        if not exhausted and len(waiting) < size:
                            break  # a full batch once more jobs come
                        items = [waiting.popleft() for _ in range(min(size, len(waiting)))]
                        running[self._submit(items)] = items
                if not running:
                    if waiting:
                        continue
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                if any(isinstance(f.exception(), BrokenProcessPool) for f in finished):
                    # A worker died: the pool is broken and fails every job it held.  Collect
                    # what did come back, then rerun the rest.
                    wait(running)
                    finished = set(running)
                lost: list[_Running] = []
                for future in finished:
                    items = running.pop(future)
                    if isinstance(future.exception(), BrokenProcessPool):
                        lost.extend(items)
                        continue
                    breaks_without_progress = 0
                    for item, (result, error) in zip(items, future.result()):
                        yield Done(item.job, result, error)
                if not lost:
                    continue
                self.stats.broken += 1
                breaks_without_progress += 1
                if breaks_without_progress > self.max_crashes + 2:
                    raise ClipfileError(
                        f"analysis worker processes keep dying before finishing any document "
                        f"({breaks_without_progress} times in a row); the documents are stored and "
                        f"`clipfile reanalyze` analyses them later (try --jobs 1 to see the error)"
                    )
                self._restart()
                for item in lost:
                    if item.alone:
                        item.crashes += 1
                        if item.crashes >= self.max_crashes:
                            doc_id = item.job.document.id
                            self.stats.crash_failed.append(doc_id)
                            breaks_without_progress = 0
                            yield Done(item.job, error=(
                                f"the analysis worker process died {item.crashes} times on document "
                                f"{doc_id} (too big for memory, or a crash in a language library?); "
                                f"not analysed"))
                            continue
                        suspects.appendleft(item)
                    else:
                        self.stats.rerun += 1
                        suspects.append(item)
        finally:
            for future in running:  # the caller stopped early: drop what has not started
                future.cancel()
