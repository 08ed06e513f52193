"""A SQLite search page's narrow filters without a source of their own (an entity, a date range, a
language): when the newest matches hold too few that pass, the page walks the filter's own
documents newest first (store/sqlite.py: _stream, _filter_first), and what it finds is what the
filters in the query find.  (The bounds are narrowed so that a small library is "large".)"""
from __future__ import annotations

from typing import Any

import pytest
from _harbour import OUTLETS

import clipfile.store.sqlite as sqlite_store
from clipfile.entitylinks import save_linked
from clipfile.records import Document
from clipfile.store.sqlite import SQLiteStore

PEOPLE = ("Ivo Marek", "Marta Kell", "Oren Vadik")


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "lib.sqlite")
    for k in range(72):
        who = PEOPLE[k % 3]
        words = "harbour fees would rise" if k % 4 in (1, 2) else "harbour board would meet"
        text = f"{who} said the {words} in year {k}. The ferry crossed on day {k}."
        d = Document(text, title=f"Report {k}", source=OUTLETS[(k // 2) % 3], language="de" if k % 8 == 5 else "en",
                     published=f"2024-{1 + (k // 3) % 6:02d}-{1 + k % 28:02d}")
        s.add_document(d)
        q = text.index("the harbour")
        span = {"start": q, "end": q + 27, "text": text[q:q + 27]}
        speaker = {"name": who, "entity_id": "e1", "start": 0, "end": len(who)}
        save_linked(s, {
            "document": {"id": d.id},
            "entities": [{"id": "e1", "name": who, "type": "PERSON", "aliases": [who.split()[1]],
                          "mentions": [{"start": 0, "end": len(who), "text": who, "label": "PERSON"}]}],
            "quotes": [{"id": "q1", **span, "kind": "indirect", "speaker": speaker}],
            "claims": [{"id": "c1", **span, "status": "hedged" if k % 5 else "asserted", "source": speaker}],
        }, version="t")
    yield s
    s.close()


def _narrowed(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Bounds that make the library large for its filters; the calls of the walk with the
    filters in the query (every older match of the query) are recorded."""
    for name, value in dict(SAMPLE_ROWS=6, FILTER_SCAN=6, MIN_SAMPLE=2, FILTER_PROBES=3, RANK_WINDOW=4,
                            NARROW_SET=30, PROBE_CHUNKS=12).items():
        monkeypatch.setattr(sqlite_store, name, value)
    scans: list[Any] = []
    scan = sqlite_store._filtered_scan
    monkeypatch.setattr(sqlite_store, "_filtered_scan", lambda *a, **k: scans.append(a) or scan(*a, **k))
    return scans


def _keys(page) -> list[Any]:
    return [h.item_id if h.item_id is not None else h.doc_id for h in page.hits]


def _marek(store) -> str:
    return f"E{store.find_entities('Ivo Marek')[0].id}"


FILTERS = [
    {"entity": "marek"},
    {"date_from": "2024-03-01", "date_to": "2024-03"},
    {"language": "de"},
    {"entity": "marek", "source": "Coast Courier"},
    {"entity": "marek", "date_from": "2024-02-01", "date_to": "2024-04-30"},
    {"language": "de", "source": "Harbour Gazette"},
    {"language": "de", "date_to": "2024-03"},
]


@pytest.mark.parametrize("query", ["harbour", "fees", '"ferry crossed"', ""])
@pytest.mark.parametrize("kinds", [(), ("quote",), ("claim",)])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f))
def test_a_narrow_filters_pages_hold_what_the_filters_in_the_query_hold(store, monkeypatch, query, kinds, filters):
    if filters.get("entity"):
        filters = {**filters, "entity": _marek(store)}
    everything = store.search_page(query, kinds=kinds, limit=100, **filters)  # the newest rows hold every match
    assert not everything.estimated and everything.total == len(everything.hits)
    scans = _narrowed(monkeypatch)
    whole = store.search_page(query, kinds=kinds, limit=100, **filters)
    assert sorted(_keys(whole), key=str) == sorted(_keys(everything), key=str)
    # page by page (each page its own look-ups): every hit once, in the order of one page
    ten = store.search_page(query, kinds=kinds, limit=10, **filters)
    pages = [store.search_page(query, kinds=kinds, limit=2, offset=k, **filters) for k in range(0, 10, 2)]
    assert [k for p in pages for k in _keys(p)] == _keys(ten) == _keys(whole)[:10]
    if not whole.estimated:  # every document of the filter was looked up: the counts are exact
        assert whole.total == everything.total
    assert scans == []  # the filter's documents were walked, not the query's matches
    if everything.total:
        assert any(p.estimated for p in pages) or not pages[0].hits or everything.total <= 2


def test_the_walk_with_the_filters_in_the_query_serves_what_has_no_stream(store, monkeypatch):
    # a footing alone is not narrow by its documents: the query's matches are walked
    scans = _narrowed(monkeypatch)
    page = store.search_page("harbour", kinds=("claim",), footing="asserted")
    assert scans and page.hits and {h.kind for h in page.hits} == {"claim"}


@pytest.mark.parametrize("filters", [{"source": "Nowhere Gazette"}, {"language": "ru"},
                                     {"date_from": "2031-01-01"}])
@pytest.mark.parametrize("kinds", [(), ("quote",)])
def test_a_filter_no_document_passes_finds_exactly_nothing(store, monkeypatch, filters, kinds):
    scans = _narrowed(monkeypatch)
    for query in ("harbour", ""):
        page = store.search_page(query, kinds=kinds, **filters)
        assert page.hits == [] and page.total == 0 and not page.estimated
    assert scans == []


def test_an_entity_too_wide_to_read_whole_is_walked_with_the_filters_in_the_query(store, monkeypatch):
    scans = _narrowed(monkeypatch)
    narrow = store.search_page("fees", entity=_marek(store), limit=30)
    assert scans == []
    monkeypatch.setattr(sqlite_store, "NARROW_SET", 10)  # Marek is in 24 documents
    wide = store.search_page("fees", entity=_marek(store), limit=30)
    assert scans and sorted(_keys(wide)) == sorted(_keys(narrow))


def test_a_libraries_languages_are_walked_from_an_index(store):
    with store._read() as db:
        plan = " ".join(r[3] for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM documents WHERE language = ? AND rowid < ? ORDER BY rowid DESC"
            " LIMIT 3", ("de", 50)))
    assert "documents_language" in plan and "TEMP B-TREE" not in plan


@pytest.mark.parametrize("kinds", [(), ("quote",)])
@pytest.mark.parametrize("query", ["fees", ""])
def test_a_merged_entity_is_walked_with_the_documents_of_its_members(store, monkeypatch, kinds, query):
    marek, kell = (store.find_entities(name)[0].id for name in PEOPLE[:2])
    store.merge_entities(marek, kell)
    everything = store.search_page(query, kinds=kinds, entity=marek, limit=100)
    assert {h.doc_id for h in everything.hits} > {h.doc_id for h in store.search_page(
        query, kinds=kinds, entity=marek, source=OUTLETS[0], limit=100).hits}
    scans = _narrowed(monkeypatch)
    monkeypatch.setattr(sqlite_store, "NARROW_SET", 48)  # Marek's and Kell's 48 documents ...
    monkeypatch.setattr(sqlite_store, "PROBE_CHUNKS", 16)  # ... in 16 chunks of 3
    pages = [store.search_page(query, kinds=kinds, entity=marek, limit=4, offset=k) for k in range(0, 100, 4)]
    assert sorted(k for p in pages for k in _keys(p)) == sorted(_keys(everything))
    assert scans == []
