"""Analysis on a Dask cluster: the executor behind ``--scheduler tcp://HOST:8786``.

Documents go to the workers of a ``dask.distributed`` scheduler, one task per batch of a few
documents (parsed together there, :func:`clipfile.parallel.analyze_documents`); the analysis
JSON comes back to this process, the one writer, which saves it exactly as a local run does
(:mod:`clipfile.parallel` has the contract).  Dask reruns the tasks of a worker that dies and
gives up on a task that killed workers repeatedly (``KilledWorker``, after
``distributed.scheduler.allowed-failures`` tries): each document of that task is tried once more,
alone, and one that kills its workers again is failed with a message; the rest of the batch goes
on.

Kept apart from :mod:`clipfile.parallel` so that a local run never imports Dask.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from typing import Any

from distributed import WorkerPlugin

from .errors import ClipfileError
from .parallel import BATCH, Done, Job, Task, attempt_all

__all__ = ["DaskCluster", "WarmModels"]


class WarmModels(WorkerPlugin):
    """A worker plugin: load the English pipeline once, when the worker joins the cluster.

    Later tasks on that worker find it loaded (:func:`clipfile.lang.en.parse.english` keeps one
    per process); Russian, rarer, loads on its first document.  (Dask's nanny already starts workers
    with one OpenBLAS/OpenMP thread each, which a process per core needs.)
    """

    name = "clipfile-warm-models"

    def setup(self, worker: Any) -> None:
        from .lang.en.parse import english

        english()


class DaskCluster:
    """Analyse jobs on the workers of a Dask scheduler; results flow back to this process.

    Args:
        address: the scheduler, ``tcp://HOST:8786``.
        task: None for the analysis, a batch at a time; or a function of one document that
            workers run instead (importable on the workers: Clipfile is installed there).
        batch: documents per task (fewer at the end of the jobs, so that the last ones are
            shared among the workers).
        window: jobs in flight at most (default two batches per worker thread, at least two
            batches), so a long run holds a window of documents in memory, not the batch.
        timeout: seconds to wait for the scheduler to answer.

    Raises:
        ClipfileError: the scheduler cannot be reached, or its workers cannot load Clipfile.
    """

    def __init__(self, address: str, *, task: Task | None = None, batch: int = BATCH,
                 window: int | None = None, timeout: float = 20.0) -> None:
        from distributed import Client

        self.address = address
        self.task = task
        self.batch = max(1, batch)
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClipfileError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            self.client.register_plugin(WarmModels(), name=WarmModels.name)
        except Exception as exc:  # a worker without Clipfile or its models: say so once, up front
            self.client.close()
            raise ClipfileError(f"the Dask workers at {address} could not load Clipfile's models "
                                f"(is clipfile installed on every worker machine?): {exc}") from None
        self._window = window

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    @property
    def window(self) -> int:
        """Jobs in flight at most; follows the cluster as workers join or leave."""
        if self._window:
            return max(self._window, 1)
        return 2 * self.batch * max(1, self._threads())

    def run(self, jobs: Iterable[Job]) -> Iterator[Done]:
        from distributed import as_completed

        todo = iter(jobs)
        running: dict[Any, list[Job]] = {}
        finished = as_completed(loop=self.client.loop)
        exhausted = False
        # A worker that dies takes the documents queued on it down with the one that killed it:
        # each document given up on that way is tried once more, alone, after the rest.
        alone: list[Job] = []
        last_tries: set[Any] = set()
        try:
            while True:
                window = self.window
                waiting: list[Job] = []
                in_flight = sum(len(batch) for batch in running.values())
                while not exhausted and in_flight + len(waiting) < window:
                    job = next(todo, None)
                    if job is None:
                        exhausted = True
                    else:
                        waiting.append(job)
                if waiting:
                    size = self.batch if not exhausted else max(1, min(self.batch, math.ceil(
                        len(waiting) / self._threads())))
                    for k in range(0, len(waiting), size):
                        self._track(running, finished, waiting[k:k + size])
                elif exhausted and alone and not running:
                    future = self._track(running, finished, [alone.pop(0)])
                    last_tries.add(future)
                if not running:
                    return
                future = next(finished)
                batch = running.pop(future)
                if future.status == "finished":
                    for job, (result, error) in zip(batch, future.result()):
                        yield Done(job, result, error)
                elif future not in last_tries and _killed(future):
                    alone.extend(batch)
                else:
                    for job in batch:
                        yield Done(job, error=_failure(future, job.document.id))
                last_tries.discard(future)
                future.release()
        finally:
            for future in running:  # the caller stopped early: nothing more is wanted
                future.cancel()

    def _track(self, running: dict[Any, list[Job]], finished: Any, batch: list[Job]) -> Any:
        future = self._submit(batch)
        running[future] = batch
        finished.add(future)
        return future

    def _submit(self, batch: list[Job]) -> Any:
        # A fresh key per submission: a document sent again is analysed again.
        return self.client.submit(attempt_all, self.task, [job.document for job in batch], pure=False,
                                  key=f"clipfile-analyze-{batch[0].document.id}-{os.urandom(4).hex()}")

    def close(self) -> None:
        self.client.close()


def _killed(future: Any) -> bool:
    """Whether a task was given up on because the workers running it died."""
    from distributed import KilledWorker

    try:
        return isinstance(future.exception(timeout=5), KilledWorker)
    except Exception:  # cancelled, or the scheduler went away
        return False


def _failure(future: Any, doc_id: str) -> str:
    """One line for a task that did not finish: most often the workers running it died."""
    from distributed import KilledWorker

    try:
        exc = future.exception(timeout=5)
    except Exception as err:  # cancelled, or the scheduler went away
        return f"the Dask cluster did not analyse document {doc_id}: {err!r}"
    if isinstance(exc, KilledWorker):
        return (f"the Dask workers running document {doc_id} died every time it was tried (too big "
                f"for memory, or a crash in a language library?); not analysed")
    return f"the Dask cluster did not analyse document {doc_id}: {exc!r}"
