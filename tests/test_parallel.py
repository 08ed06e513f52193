"""Analysis in worker processes (``--jobs``): same results, nothing lost or done twice when a
worker dies, a document that kills every worker it meets failed with a message."""
from __future__ import annotations

import functools
import os
import threading
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.library import Library
from clipfile.parallel import Inline, ProcessPool, default_jobs, executor_for
from clipfile.store.sqlite import SQLiteStore

from _crashing import DIE_ALWAYS, DIE_ONCE, articles, crashing


class _Kept:
    """A pool shared by the tests of this module (workers load the models once): a library given
    this does not shut the pool down when it closes."""

    def __init__(self, pool: ProcessPool) -> None:
        self.pool = pool

    def run(self, jobs):
        return self.pool.run(jobs)

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Two workers running the real analysis, except that a document marked DIE_ONCE or
    DIE_ALWAYS makes its worker die (SIGKILL)."""
    flags = tmp_path_factory.mktemp("flags")
    shared = ProcessPool(2, task=functools.partial(crashing, str(flags)))
    shared.flags = flags  # type: ignore[attr-defined]
    yield shared
    shared.close()


def _stats(pool: ProcessPool) -> tuple[int, int, int]:
    return pool.stats.started, pool.stats.broken, pool.stats.rerun


def _count_saves(lib: Library) -> Counter:
    """Count, per document, the analyses the writer saves."""
    saves: Counter = Counter()
    save = lib.store.save_analysis

    def counting(analysis, *, version):
        saves[analysis["document"]["id"]] += 1
        return save(analysis, version=version)

    lib.store.save_analysis = counting  # type: ignore[method-assign]
    return saves


def _items(lib: Library, doc_id: str) -> list[tuple]:
    """A document's stored findings, without the library entity ids (those depend on order)."""
    found = lib.store.get_analysis(doc_id) or {}
    return sorted((kind, x["start"], x["end"], x["text"])
                  for kind in ("quotes", "claims", "forecasts", "events") for x in found.get(kind, []))


def test_default_jobs_is_the_usable_cores(monkeypatch):
    assert 1 <= default_jobs() <= (psutil.cpu_count() or 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5}, raising=False)
    assert default_jobs() == 3  # the cores this process may run on, not all the machine's
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert default_jobs() == 6  # where the OS does not say: all of them
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert default_jobs() == 1
    assert isinstance(executor_for(1), Inline)
    assert isinstance(executor_for(2), ProcessPool)


def test_a_pool_finds_what_one_process_finds_and_saves_each_analysis_once(tmp_path, pool):
    docs = articles(6)
    with Library(tmp_path / "one.sqlite") as one:
        inline = one.add_many(docs)
        expected = {d.id: _items(one, d.id) for d in docs}
    inline_before = pool.stats.inline
    with Library(tmp_path / "two.sqlite", executor=_Kept(pool)) as two:
        saves = _count_saves(two)
        report = two.add_many(docs)
        assert {o.doc_id: _items(two, o.doc_id) for o in report.outcomes} == expected
    assert pool.stats.started >= 1 and pool.stats.inline == inline_before
    assert sorted(o.doc_id for o in report.outcomes) == sorted(o.doc_id for o in inline.outcomes)
    assert all(o.status == "new" and o.analyzed and not o.message for o in report.outcomes)
    assert saves == Counter({d.id: 1 for d in docs})
    assert any(items for items in expected.values())  # the articles do have quotes and claims


def test_one_or_two_documents_are_analysed_without_starting_workers(tmp_path):
    fresh = ProcessPool(2)
    with Library(tmp_path / "lib.sqlite", executor=fresh) as lib:
        report = lib.add_many(articles(2))
    assert fresh.stats.started == 0 and fresh.stats.inline == 2
    assert [o.analyzed for o in report.outcomes] == [True, True]


def test_a_copy_met_while_its_first_analysis_runs_is_not_analysed_twice(tmp_path, pool):
    docs = articles(4)
    with Library(tmp_path / "lib.sqlite", executor=_Kept(pool)) as lib:
        saves = _count_saves(lib)
        report = lib.add_many([docs[0], docs[1], docs[0].replace(title="Copy"), docs[2], docs[3]])
    assert report.count("new") == 4 and report.count("duplicate") == 1
    assert saves == Counter({d.id: 1 for d in docs})


def test_reanalyze_in_a_pool(tmp_path, pool):
    docs = articles(5)
    with Library(tmp_path / "lib.sqlite", executor=_Kept(pool)) as lib:
        lib.add_many(docs, analyze_documents=False)
        saves = _count_saves(lib)
        report = lib.reanalyze()
        assert all(lib.store.get_analysis(d.id) for d in docs)
    assert report.count("new") == 5 and not report.failed
    assert saves == Counter({d.id: 1 for d in docs})


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(tmp_path, pool):
    docs = articles(8, marks={3: DIE_ONCE})
    started, broken, rerun = _stats(pool)
    with Library(tmp_path / "lib.sqlite", executor=_Kept(pool)) as lib:
        saves = _count_saves(lib)
        report = lib.add_many(docs)
        assert lib.store.stats()["documents"] == 8
    assert (pool.flags / f"died-{docs[3].id}").exists()  # the worker did die on it
    assert pool.stats.broken == broken + 1 and pool.stats.started == started + 1 and pool.stats.rerun > rerun
    assert all(o.analyzed and not o.message for o in report.outcomes), [o.message for o in report.outcomes]
    assert saves == Counter({d.id: 1 for d in docs})


def test_a_document_that_kills_every_worker_is_failed_with_a_message(tmp_path, pool):
    docs = articles(5, marks={1: DIE_ALWAYS})
    with Library(tmp_path / "lib.sqlite", executor=_Kept(pool)) as lib:
        saves = _count_saves(lib)
        report = lib.add_many(docs)
        assert lib.store.stats()["documents"] == 5  # stored all the same: reanalyze can try later
    bad = next(o for o in report.outcomes if o.doc_id == docs[1].id)
    assert bad.status == "new" and not bad.analyzed
    assert "analysis failed" in bad.message and "worker process died 2 times" in bad.message
    assert pool.stats.crash_failed == [docs[1].id]
    assert saves == Counter({d.id: 1 for d in docs if d is not docs[1]})


def _spawned_workers() -> list[psutil.Process]:
    """This process's pool workers (not multiprocessing's resource tracker)."""
    kids = psutil.Process().children()
    out = []
    for p in kids:
        try:
            cmd = " ".join(p.cmdline())
        except psutil.Error:
            continue
        if "spawn_main" in cmd:
            out.append(p)
    return out


def test_ingest_jobs_2_survives_a_worker_killed_from_outside(tmp_path, monkeypatch):
    """The CLI path with the real task: SIGKILL a worker once the first analyses are saved."""
    folder = tmp_path / "in"
    folder.mkdir()
    docs = articles(8)
    for i, d in enumerate(docs):
        (folder / f"a{i:02}.txt").write_text(d.text, encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    saves: Counter = Counter()
    save = SQLiteStore.save_analysis

    def counting(self, analysis, *, version):
        saves[analysis["document"]["id"]] += 1
        return save(self, analysis, version=version)

    monkeypatch.setattr(SQLiteStore, "save_analysis", counting)
    killed: list[int] = []
    finished = threading.Event()
    others = {p.pid for p in _spawned_workers()}  # other tests' pools: not this ingest's

    def kill_a_worker() -> None:
        while not finished.is_set():
            workers = [p for p in _spawned_workers() if p.pid not in others]
            analysed = sum(saves.values())
            if workers and analysed >= 1:
                workers[0].kill()
                killed.append(analysed)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_a_worker, daemon=True)
    killer.start()
    try:
        r = CliRunner().invoke(app, ["-L", str(lib), "ingest", "--jobs", "2", str(folder)])
    finally:
        finished.set()
        killer.join(5)
    assert r.exit_code == 0, r.output
    assert "8 new" in r.output
    assert killed and killed[0] < 8, "the worker was killed before the batch was done"
    with Library(lib) as library:
        assert library.store.stats()["documents"] == 8
        assert all(library.store.get_analysis(d.id) for d in docs)
    assert sorted(saves.values()) == [1] * 8


def test_jobs_1_and_bad_jobs_options(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, d in enumerate(articles(3)):
        (folder / f"a{i}.txt").write_text(d.text, encoding="utf-8")
    lib = str(tmp_path / "lib.sqlite")
    r = CliRunner().invoke(app, ["-L", lib, "ingest", "--jobs", "1", str(folder)])
    assert r.exit_code == 0 and "3 new" in r.output
    r = CliRunner().invoke(app, ["-L", lib, "reanalyze", "--all", "--jobs", "1"])
    assert r.exit_code == 0 and "3 analysed" in r.output
    r = CliRunner().invoke(app, ["-L", lib, "ingest", "--jobs", "0", str(folder)])
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["-L", lib, "ingest", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:1", str(folder)])
    assert r.exit_code == 2 and "not both" in r.output


ORPHAN_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from _crashing import articles, length_only
from clipfile.parallel import Job, ProcessPool

if __name__ == "__main__":  # workers are spawned: they import this file too
    pool = ProcessPool(2, task=length_only)
    done = list(pool.run(Job(None, d) for d in articles(6)))
    print(" ".join(str(p.pid) for p in pool._pool._processes.values()), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_workers_exit_when_the_writer_is_killed(tmp_path):
    """A writer killed outright cannot shut its pool down: the workers notice and exit."""
    import subprocess
    import sys

    script = tmp_path / "writer.py"
    script.write_text(ORPHAN_SCRIPT.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    pids = [int(p) for p in out.stdout.split()]
    assert len(pids) == 2, out.stderr
    deadline = time.time() + 15
    while time.time() < deadline and any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
                                         for p in pids):
        time.sleep(0.2)
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids)
