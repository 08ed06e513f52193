"""A PostgreSQL search page filtered by an entity, a date range or a language: when the newest
matches hold too few that pass, the page goes on from the filter's own documents (its stream:
postgres_search._stream), not through every older match of the query.  Real libraries built in
the tests, the bounds narrowed (as tests/test_store.py does) so that a few dozen documents pass
them.  (SQLite: its own tests.)"""
from __future__ import annotations

from typing import Any

import psycopg
import pytest

from clipfile.entitylinks import save_linked
from clipfile.records import Document
from clipfile.store import open_store

ps = pytest.importorskip("clipfile.store.postgres_search")

OUTLETS = ("Harbour Gazette", "Valley Courier", "Coast Post")
N = 48


def _attrs(k: int) -> dict[str, Any]:
    """Report ``k``'s speaker, outlet, language, date and whether it says "harbour"."""
    return {"who": "Ilse Varga" if k % 8 == 3 else ("Ivo Marek", "Marta Kell")[k % 2],
            "source": "Island Herald" if k % 6 == 1 else OUTLETS[k % 3],
            "language": "de" if k % 5 == 2 else "en",
            "published": f"2024-{1 + k // 16:02d}-{k % 16 + 1:02d}",
            "harbour": k % 3 != 0}


@pytest.fixture
def reports(postgres_url):
    """A library of N reports (_attrs), each analysed with a quote of its speaker (an entity
    mentioned in it) and a claim; the store, and the reports' ids in storage order."""
    store = open_store(postgres_url)
    ids = []
    for k in range(N):
        a = _attrs(k)
        words = "harbour fees" if a["harbour"] else "ferry board"
        text = f"{a['who']} said the {words} would rise in year {k}. The council met on day {k}."
        d = Document(text, title=f"Report {k}", source=a["source"], language=a["language"], published=a["published"])
        store.add_document(d)
        q = text.index("the ")
        save_linked(store, {
            "document": {"id": d.id},
            "entities": [{"id": "e1", "name": a["who"], "type": "PERSON", "aliases": [],
                          "mentions": [{"start": 0, "end": len(a["who"]), "text": a["who"], "label": "PERSON"}]}],
            "quotes": [{"id": "q1", "start": q, "end": q + 20, "text": text[q:q + 20], "kind": "indirect",
                        "speaker": {"name": a["who"], "entity_id": "e1", "start": 0, "end": len(a["who"])}}],
            "claims": [{"id": "c1", "start": q, "end": q + 20, "text": text[q:q + 20], "status": "asserted"}],
        }, version="t")
        ids.append(d.id)
    yield store, ids
    store.close()


def _narrowed(monkeypatch, **values):
    bounds = {"SAMPLE_ROWS": 4, "FILTER_SCAN": 4, "MIN_SAMPLE": 2, "FILTER_PROBES": 3, "RANK_WINDOW": 3,
              "FACET_SAMPLE": 4, **values}
    for name, value in bounds.items():
        monkeypatch.setattr(ps, name, value)


def _filters(store) -> dict[str, dict[str, Any]]:
    varga = store.find_entities("Ilse Varga")[0].id
    return {"entity": {"entity": varga},
            "dates": {"date_from": "2024-02-01", "date_to": "2024-02-10"},
            "language": {"language": "de"},
            "language and source": {"language": "de", "source": "Island Herald"},
            "entity and dates": {"entity": varga, "date_from": "2024-01-01", "date_to": "2024-02"}}


def _passes(k: int, query: str, name: str) -> bool:
    a = _attrs(k)
    return ((not query or a["harbour"])
            and (name not in ("entity", "entity and dates") or a["who"] == "Ilse Varga")
            and (name != "dates" or "2024-02-01" <= a["published"] <= "2024-02-10")
            and (name != "entity and dates" or a["published"] < "2024-03")
            and (not name.startswith("language") or a["language"] == "de")
            and (name != "language and source" or a["source"] == "Island Herald"))


def _scans(sqls: list[str]) -> list[str]:
    """The statements of a walk through the query's matches with the filters in it (the path a
    narrow filter's stream replaces)."""
    return [s for s in sqls if "LIMIT %(_more)s" in s or ("LIMIT %(_sample)s" in s and "_floor" not in s)]


@pytest.mark.parametrize("kinds", [(), ("quote",)])
@pytest.mark.parametrize("query", ["harbour", ""])
@pytest.mark.parametrize("name", ["entity", "dates", "language", "language and source", "entity and dates"])
def test_pages_of_a_narrow_filter_come_from_its_stream_and_are_its_matches(reports, monkeypatch, name, query, kinds):
    store, ids = reports
    filters = _filters(store)[name]
    expected = sorted(ids[k] for k in range(N) if _passes(k, query, name))
    assert expected
    _narrowed(monkeypatch)
    sqls: list[str] = []
    run, first = ps._run, ps.filter_first
    streamed: list[Any] = []
    monkeypatch.setattr(ps, "_run", lambda db, sql, args: sqls.append(sql) or run(db, sql, args))
    monkeypatch.setattr(ps, "filter_first", lambda *a, **k: streamed.append(first(*a, **k)) or streamed[-1])
    whole = store.search_page(query, kinds=kinds, limit=40, **filters)
    # the page's matches are the filter's (one quote per report: its document stands for it)
    assert sorted(h.doc_id for h in whole.hits) == expected
    assert not kinds or {h.kind for h in whole.hits} == {"quote"}
    if query:  # (a browse reads its page by date, the samples alone walk the stream)
        assert any(s is not None for s in streamed)
    assert not _scans(sqls), "a narrow filter's stream, not a walk through every older match"
    # page after page: no hit repeated or skipped, in the order of the page holding them all
    pages = [store.search_page(query, kinds=kinds, limit=2, offset=k, **filters).hits for k in range(0, 40, 2)]
    key = (lambda h: h.item_id) if kinds else (lambda h: h.doc_id)
    assert [key(h) for p in pages for h in p] == [key(h) for h in whole.hits]
    # too few in the window for a sample, and every document of the stream in one chunk: every
    # match looked up, the total exact (beside a page of documents, its item kinds are the
    # window's, an estimate)
    _narrowed(monkeypatch, FILTER_PROBES=N, FACET_SAMPLE=N, MIN_SAMPLE=N)
    exact = store.search_page(query, kinds=kinds, limit=40, **filters)
    assert sorted(h.doc_id for h in exact.hits) == expected
    assert exact.total == len(expected) and (not kinds or not exact.estimated)


def test_a_filter_with_more_documents_than_a_narrow_set_walks_the_matches(reports, monkeypatch):
    # the entity's 6 documents are more than NARROW_SET: no stream, the filter goes into the
    # query (the same matches)
    store, ids = reports
    filters = _filters(store)["entity"]
    _narrowed(monkeypatch, NARROW_SET=5)
    sqls: list[str] = []
    run = ps._run
    monkeypatch.setattr(ps, "_run", lambda db, sql, args: sqls.append(sql) or run(db, sql, args))
    page = store.search_page("harbour", limit=40, **filters)
    assert sorted(h.doc_id for h in page.hits) == sorted(ids[k] for k in range(N) if _passes(k, "harbour", "entity"))
    assert _scans(sqls)


def test_one_rule_chooses_a_filters_stream(reports, monkeypatch):
    store, ids = reports
    varga = store.find_entities("Ilse Varga")[0].id
    with psycopg.connect(store.url, autocommit=True) as db:
        seq = dict(db.execute("SELECT id, seq FROM documents").fetchall())

        def stream(filters: list[str], **args: Any) -> Any:
            args = {"date_to_len": len(args.get("date_to") or ""), **args}
            return ps._stream(db, filters, args, {})

        def newest(ks: Any) -> list[int]:
            return sorted((seq[ids[k]] for k in ks), reverse=True)

        varga_docs = [k for k in range(N) if k % 8 == 3]  # 6 of them
        entity, dates = [ps.DOCUMENT_ENTITY], [ps.DATE_FROM, ps.DATE_TO]
        # the entity's 6 documents against 10 dates: the smaller, the entity's
        assert stream(entity + dates, entity=varga, date_from="2024-02-01", date_to="2024-02-10").keys == newest(
            varga_docs)
        # against 3 dates: the dates'; against 6: a tie, the entity's
        assert stream(entity + dates, entity=varga, date_from="2024-02-01", date_to="2024-02-03").keys == newest(
            range(16, 19))
        assert stream(entity + dates, entity=varga, date_from="2024-02-01", date_to="2024-02-06").keys == newest(
            varga_docs)
        # an item's entity filter: the same documents (the ones the entity is in)
        assert stream([ps.ITEM_ENTITY], entity=varga).keys == newest(varga_docs)
        # a date range alone (to a month: all of it)
        assert stream([ps.DATE_TO], date_to="2024-01").keys == newest(range(16))
        # more than NARROW_SET: not read whole; a source's index before a language's
        monkeypatch.setattr(ps, "NARROW_SET", 5)
        assert stream(entity, entity=varga) is None
        walked = stream([*entity, ps.LANGUAGE, ps.SOURCE], entity=varga, language="de", source="Island Herald")
        assert walked.keys is None and walked.walk == ps.SOURCE
        walked = stream([*entity, ps.LANGUAGE], entity=varga, language="de")
        assert walked.keys is None and walked.walk == ps.LANGUAGE
        assert walked.chunk(db, {"language": "de"}, None, 4, {}) == newest([k for k in range(N) if k % 5 == 2][-4:])
        assert stream(["d.kind = 'article'"]) is None


@pytest.mark.parametrize("kinds", [(), ("quote",)])
@pytest.mark.parametrize("query", ["harbour", ""])
def test_a_filter_no_document_passes_counts_exactly_zero(reports, monkeypatch, query, kinds):
    store, _ = reports
    _narrowed(monkeypatch)
    for filters in ({"language": "fr"}, {"source": "Nowhere Times"}, {"date_from": "2030-01-01"}):
        page = store.search_page(query, kinds=kinds, **filters)
        assert page.hits == [] and page.total == 0 and not page.estimated, filters


def test_a_library_of_schema_7_gets_its_language_index_on_open(postgres_url):
    from clipfile.store.postgres import SCHEMA_VERSION

    with open_store(postgres_url) as s:
        for k in range(6):
            s.add_document(Document(f"Bericht {k} über den Hafen.", title=f"B{k}", language="de" if k % 2 else "en"))
    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("DROP INDEX documents_language")
        db.execute("UPDATE clipfile_schema SET version = 7")
    with open_store(postgres_url) as s:
        assert s.schema_version == SCHEMA_VERSION == 8
        assert s.search_page("Hafen", language="de").total == 3
    with psycopg.connect(postgres_url, autocommit=True) as db:
        assert db.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'documents_language'").fetchone()


@pytest.fixture
def same_days(postgres_url):
    """A library of 30 reports published on 4 days (several on each: ties of date), each with
    two quotes and two claims (one hearsay, one asserted)."""
    store = open_store(postgres_url)
    for k in range(30):
        text = f"Marta Kell said the harbour fees would rise in year {k}. Ivo Marek heard the board met on day {k}."
        d = Document(text, title=f"Report {k}", source=OUTLETS[k % 3], published=f"2024-03-{1 + k % 4:02d}")
        store.add_document(d)
        second = text.index("the board")
        spans = [(text.index("the harbour"), text.index(" would")), (second, second + 15)]
        save_linked(store, {
            "document": {"id": d.id}, "entities": [],
            "quotes": [{"id": f"q{j}", "start": s, "end": e, "text": text[s:e], "kind": "indirect"}
                       for j, (s, e) in enumerate(spans)],
            "claims": [{"id": f"c{j}", "start": s, "end": e, "text": text[s:e], "status": status}
                       for j, ((s, e), status) in enumerate(zip(spans, ("hearsay", "asserted")))],
        }, version="t")
    yield store
    store.close()


@pytest.mark.parametrize("kinds,footing", [((), None), (("quote",), None), (("claim",), "hearsay")])
def test_a_date_range_browse_reads_its_pages_from_the_ranges_documents(same_days, monkeypatch, kinds, footing):
    # the range's documents read whole (a stream), the page read from them a batch of whole days
    # at a time: the same pages as the plain filter (no stream: NARROW_SET 0), ties of date
    # (a page of items: by document id, then the item's place) kept
    store = same_days
    filters = {"kinds": kinds, "footing": footing, "date_from": "2024-03-02", "date_to": "2024-03-04"}
    _narrowed(monkeypatch)

    def pages(size: int) -> list[Any]:
        return [(h.doc_id, h.item_id, h.published) for k in range(0, 60, size)
                for h in store.search_page("", limit=size, offset=k, **filters).hits]

    sqls: list[str] = []
    run = ps._run
    monkeypatch.setattr(ps, "_run", lambda db, sql, args: sqls.append(sql) or run(db, sql, args))
    one, twos = pages(60), pages(2)
    assert any("_browsed" in s for s in sqls), "read from the range's documents"
    monkeypatch.setattr(ps, "NARROW_SET", 0)
    sqls.clear()
    plain = pages(60)
    assert not any("_browsed" in s for s in sqls)
    assert one == twos == plain
    assert len(plain) == 22 * (1 if footing or not kinds else 2)  # 22 of the reports are dated in the range
    assert [p for _, _, p in plain] == sorted((p for _, _, p in plain), reverse=True)
