"""Analysis on a Dask cluster: the executor behind ``--scheduler tcp://HOST:8786``.

Documents go to the workers of a ``dask.distributed`` scheduler, one task per document; the
analysis JSON comes back to this process, the one writer, which saves it exactly as a local run
does (:mod:`clipfile.parallel` has the contract).  Dask reruns the tasks of a worker that dies
and gives up on a task that killed workers repeatedly (``KilledWorker``, after
``distributed.scheduler.allowed-failures`` tries): that document is failed with a message, the
rest of the batch goes on.

Kept apart from :mod:`clipfile.parallel` so that a local run never imports Dask.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from distributed import WorkerPlugin

from .errors import ClipfileError
from .parallel import Done, Job, Task, analyze_document, attempt

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
        task: the function workers run (importable on the workers: Clipfile is installed there).
        window: jobs in flight at most (default four per worker thread, at least eight), so a long
            run holds a window of documents in memory, not the batch.
        timeout: seconds to wait for the scheduler to answer.

    Raises:
        ClipfileError: the scheduler cannot be reached, or its workers cannot load Clipfile.
    """

    def __init__(self, address: str, *, task: Task = analyze_document, window: int | None = None,
                 timeout: float = 20.0) -> None:
        from distributed import Client

        self.address = address
        self.task = task
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

    @property
    def window(self) -> int:
        """Jobs in flight at most; follows the cluster as workers join or leave."""
        if self._window:
            return self._window
        return max(8, 4 * sum(self.client.nthreads().values()))

    def run(self, jobs: Iterable[Job]) -> Iterator[Done]:
        from distributed import as_completed

        todo = iter(jobs)
        running: dict[Any, Job] = {}
        finished = as_completed(loop=self.client.loop)
        exhausted = False
        # A worker that dies takes the documents queued on it down with the one that killed it:
        # each document given up on that way is tried once more, alone, after the rest.
        alone: list[Job] = []
        last_tries: set[Any] = set()
        try:
            while True:
                window = 1 if exhausted and not running and alone else self.window
                while len(running) < window:
                    if not exhausted:
                        job = next(todo, None)
                        if job is None:
                            exhausted = True
                            continue
                        last_try = False
                    elif alone and not running:
                        job, last_try = alone.pop(0), True
                    else:
                        break
                    future = self._submit(job)
                    running[future] = job
                    finished.add(future)
                    if last_try:
                        last_tries.add(future)
                if not running:
                    return
                future = next(finished)
                job = running.pop(future)
                if future.status == "finished":
                    result, error = future.result()
                    yield Done(job, result, error)
                elif future not in last_tries and _killed(future):
                    alone.append(job)
                else:
                    yield Done(job, error=_failure(future, job.document.id))
                last_tries.discard(future)
                future.release()
        finally:
            for future in running:  # the caller stopped early: nothing more is wanted
                future.cancel()

    def _submit(self, job: Job) -> Any:
        # A fresh key per submission: a document sent again is analysed again.
        return self.client.submit(attempt, self.task, job.document, pure=False,
                                  key=f"clipfile-analyze-{job.document.id}-{os.urandom(4).hex()}")

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
