"""bench/scale_copies.py, the copier that grows a benchmark library k-fold in SQL (issue #17
item 5): on both backends the grown library's statistics are its rows' counts, every copy is
found by search under an id of its own, and its forecasts carry keys naming their documents."""
from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from _harbour import harbour_reports

from clipfile.entitylinks import save_linked
from clipfile.records import Document
from clipfile.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import scale_copies  # noqa: E402

TIMES = 3


def _library(url: str) -> str:
    """Three documents: two harbour reports and one with a forecast; returns the forecast's
    document id."""
    store = open_store(url)
    harbour_reports(store, 2)
    text = "Lena Orvik said the new pier will open by 2027. The council agreed."
    d = Document(text, title="Pier forecast", source="Coast Courier", language="en", published="2025-03-02")
    store.add_document(d)
    s = text.index("the new pier")
    e = text.index(" by 2027") + len(" by 2027")
    save_linked(store, {
        "document": {"id": d.id},
        "entities": [{"id": "e1", "name": "Lena Orvik", "type": "PERSON", "aliases": ["Orvik"],
                      "mentions": [{"start": 0, "end": 10, "text": "Lena Orvik", "label": "PERSON"}]}],
        "forecasts": [{"id": "f1", "start": s, "end": e, "text": text[s:e], "probability": 0.9,
                       "probability_term": "will", "forecaster": {"name": "Lena Orvik", "entity_id": "e1"},
                       "deadline": {"start": e - 4, "end": e, "text": "2027", "value": "2027",
                                    "precision": "year"}}],
    }, version="t")
    store.close()
    return d.id


def _grown(store, original_forecast_doc: str) -> None:
    stats = store.stats()
    assert stats["documents"] == stats["analyzed"] == 3 * TIMES
    hits = store.search("pier", limit=20)
    ids = {h.doc_id for h in hits}
    assert len(ids) == TIMES and original_forecast_doc in ids
    texts = {store.get_document(i).text for i in ids}
    assert len(texts) == 1  # each copy holds its original's text under its own id
    assert len({h.doc_id for h in store.search("harbour", limit=20, kinds=("quote",))}) == 2 * TIMES
    keys = store.forecast_keys()
    assert len(keys) == TIMES and {k.split(":")[0] for k in keys} == ids
    assert store.forecast_counts(today="2026-01-01")["open"] == TIMES
    # the keys were moved past the copies: the store writes on as ever
    store.add_document(Document("A later note on the harbour fees.", language="en"))
    assert store.stats()["documents"] == 3 * TIMES + 1


def test_a_sqlite_library_grows_by_copies(tmp_path):
    source, target = tmp_path / "src.sqlite", tmp_path / "big.sqlite"
    doc = _library(f"sqlite:///{source}")
    scale_copies.grow(source, target, TIMES)
    scale_copies.check(f"sqlite:///{target}")
    store = open_store(f"sqlite:///{target}")
    _grown(store, doc)
    store.close()


def test_a_postgresql_library_grows_by_copies(postgres_server, postgres_url):
    doc = _library(postgres_url)
    name = "clipfile_test_" + uuid.uuid4().hex[:12]
    target = postgres_server.url(name)
    try:
        scale_copies.grow_postgres(postgres_url, target, TIMES)
        scale_copies.check(target)
        store = open_store(target)
        _grown(store, doc)
        store.close()
        # a database that exists and is no copy of the source is refused
        with pytest.raises(SystemExit, match="no copy"):
            scale_copies.grow_postgres(postgres_url, target, TIMES)
    finally:
        postgres_server.drop_database(name)
