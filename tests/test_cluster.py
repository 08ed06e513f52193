"""Analysis on a Dask cluster (``--scheduler``): a LocalCluster of two worker processes stands in
for machines; results come back to the one writer, each saved once, even when a worker dies."""
from __future__ import annotations

import functools
import logging
from collections import Counter

import dask
import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.cluster import DaskCluster
from clipfile.errors import ClipfileError
from clipfile.library import Library
from clipfile.store.sqlite import SQLiteStore

from _crashing import DIE_ALWAYS, DIE_ONCE, articles, crashing


@pytest.fixture(scope="module")
def cluster():
    # One retry after a worker dies instead of Dask's three keeps the give-up test short.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                             silence_logs=logging.CRITICAL)
        yield local
        local.close()


@pytest.fixture
def saves(monkeypatch) -> Counter:
    """Analyses saved by the writer, per document id."""
    counted: Counter = Counter()
    save = SQLiteStore.save_analysis

    def counting(self, analysis, *, version):
        counted[analysis["document"]["id"]] += 1
        return save(self, analysis, version=version)

    monkeypatch.setattr(SQLiteStore, "save_analysis", counting)
    return counted


def _findings(lib: Library, doc_id: str) -> list[tuple]:
    found = lib.store.get_analysis(doc_id) or {}
    return sorted((kind, x["start"], x["end"], x["text"])
                  for kind in ("quotes", "claims", "forecasts", "events") for x in found.get(kind, []))


def test_ingest_and_reanalyze_on_a_cluster(tmp_path, cluster, saves):
    docs = articles(4)
    folder = tmp_path / "in"
    folder.mkdir()
    for i, d in enumerate(docs):
        (folder / f"a{i}.txt").write_text(d.text, encoding="utf-8")
    lib = str(tmp_path / "lib.sqlite")
    r = CliRunner().invoke(app, ["-L", lib, "ingest", "--scheduler", cluster.scheduler_address, str(folder)])
    assert r.exit_code == 0 and "4 new" in r.output, r.output
    assert sorted(saves.values()) == [1] * 4
    r = CliRunner().invoke(app, ["-L", lib, "reanalyze", "--all", "--scheduler", cluster.scheduler_address])
    assert r.exit_code == 0 and "4 analysed" in r.output, r.output
    assert sorted(saves.values()) == [2] * 4
    with Library(tmp_path / "inline.sqlite") as one, Library(lib) as on_cluster:
        for o in one.add_many(folder_doc for folder_doc in _read(folder)).outcomes:
            assert _findings(on_cluster, o.doc_id) == _findings(one, o.doc_id)


def _read(folder):
    from clipfile.ingest import expand_sources, read_source

    for src in expand_sources([str(folder)]):
        yield from read_source(src)


def test_a_worker_lost_mid_batch_loses_nothing(tmp_path, cluster, saves):
    flags = tmp_path / "flags"
    flags.mkdir()
    docs = articles(6, marks={2: DIE_ONCE})
    executor = DaskCluster(cluster.scheduler_address, task=functools.partial(crashing, str(flags)))
    with Library(tmp_path / "lib.sqlite", executor=executor) as lib:
        report = lib.add_many(docs)
    assert (flags / f"died-{docs[2].id}").exists()  # a worker did die running it
    assert all(o.analyzed and not o.message for o in report.outcomes), [o.message for o in report.outcomes]
    assert saves == Counter({d.id: 1 for d in docs})


def test_a_document_that_kills_its_workers_is_failed_with_a_message(tmp_path, cluster, saves):
    docs = articles(3, marks={0: DIE_ALWAYS})
    executor = DaskCluster(cluster.scheduler_address, task=functools.partial(crashing, str(tmp_path)))
    with Library(tmp_path / "lib.sqlite", executor=executor) as lib:
        report = lib.add_many(docs)
    bad = next(o for o in report.outcomes if o.doc_id == docs[0].id)
    assert not bad.analyzed and "Dask workers running document" in bad.message and "died" in bad.message
    assert saves == Counter({d.id: 1 for d in docs[1:]})


def test_an_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(ClipfileError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskCluster("tcp://127.0.0.1:9", timeout=1)
