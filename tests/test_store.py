"""Contract tests for the library store; every backend must pass them."""
from __future__ import annotations

import re
from typing import Any

import pytest
from _harbour import OUTLETS, harbour_reports  # noqa: E402

from clipfile.entitylinks import save_linked
from clipfile.errors import NotFound, QueryError, StoreError
from clipfile.records import Document
from clipfile.store import open_store
from clipfile.store.base import EntityLink, SearchPage, Store
from clipfile.store.sqlite import SCHEMA_VERSION, SQLiteStore

# Each backend: the URL of a fresh, empty library.  A backend whose server cannot be had here
# skips its tests with the reason (conftest.py's postgres_server); every test below runs on each.
BACKENDS = {
    "sqlite": lambda request, tmp_path: f"sqlite:///{tmp_path}/lib.sqlite",
    "postgresql": lambda request, tmp_path: request.getfixturevalue("postgres_url"),
}


@pytest.fixture(params=sorted(BACKENDS))
def library_url(request, tmp_path) -> str:
    return BACKENDS[request.param](request, tmp_path)


@pytest.fixture
def store(library_url) -> Store:
    s = open_store(library_url)
    yield s
    s.close()


def test_the_contract_covers_the_whole_protocol():
    """Every member of the Store protocol is called somewhere in these tests: a method added to
    the protocol without a contract test fails here."""
    from pathlib import Path

    source = Path(__file__).read_text(encoding="utf-8")
    members = {name for name in vars(Store) if not name.startswith("_")} | set(Store.__annotations__)
    untested = sorted(m for m in members if f"store.{m}" not in source)
    assert not untested, f"Store members without a contract test: {untested}"


def doc(text, **kw):
    return Document(text=text, **kw)


def test_add_is_idempotent_by_content(store):
    a = doc("The harbour board approved the new quay on Monday.", title="Quay")
    assert store.add_document(a).status == "new"
    assert store.add_document(a).status == "duplicate"
    # Same words, other line endings and spacing: the same content.
    again = doc("The harbour board  approved the new quay\r\non Monday.\n")
    assert again.id == a.id
    assert store.add_document(again).status == "duplicate"
    assert store.stats()["documents"] == 1


BRIDGE = "https://news.example/bridge"


def test_changed_page_fetched_from_same_url_is_a_new_version(store):
    v1 = doc("Mayor Lena Voss opened the bridge.", url=BRIDGE, fetched_from=BRIDGE)
    v2 = doc("Mayor Lena Voss opened the bridge, two weeks late.", url=BRIDGE, fetched_from=BRIDGE)
    store.add_document(v1)
    r = store.add_document(v2)
    assert (r.status, r.previous) == ("version", v1.id)
    assert store.get_document(v2.id).supersedes == v1.id
    assert store.get_document(v2.id).fetched_from == BRIDGE


def test_a_url_only_claimed_links_no_versions(store):
    page = doc("Mayor Lena Voss opened the bridge.", url=BRIDGE, fetched_from=BRIDGE)
    store.add_document(page)
    # A feed entry or JSON Lines record that names the page's URL is not a version of it ...
    claim = doc("The bridge was never opened, says an anonymous post.", url=BRIDGE)
    r = store.add_document(claim)
    assert (r.status, r.previous) == ("new", None)
    assert store.get_document(claim.id).supersedes is None
    assert store.get_document(claim.id).url == BRIDGE  # ... though it still names it
    # ... and the next fetch of the page follows the page, not the claim.
    v2 = doc("Mayor Lena Voss opened the bridge, two weeks late.", url=BRIDGE, fetched_from=BRIDGE)
    assert store.add_document(v2).previous == page.id


def test_migration_marks_pages_fetched_before_the_column_existed(tmp_path):
    import json
    import sqlite3

    from clipfile.store.sqlite import MIGRATIONS, _split_sql

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        for statement in _split_sql(script):
            db.execute(statement)
    rows = [  # (id, kind, origin, url, metadata)
        ("dpage", "html", BRIDGE, BRIDGE, {}),
        ("dentry", "feed-entry", "https://news.example/rss", BRIDGE, {"entry": 1}),
        ("drecord", "html", "https://news.example/dump.jsonl", BRIDGE, {"line": 3}),
        ("dfile", "text", "/home/me/bridge.txt", None, {}),
    ]
    for doc_id, kind, origin, url, metadata in rows:
        db.execute("INSERT INTO documents (id, url, ingested, kind, origin, text, metadata)"
                   " VALUES (?, ?, '2024-01-01', ?, ?, 'text', ?)", (doc_id, url, kind, origin, json.dumps(metadata)))
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert {d.id: d.fetched_from for d in store.iter_documents()} == {
            "dpage": BRIDGE, "dentry": None, "drecord": None, "dfile": None}


def test_get_document_roundtrip_and_prefix(store):
    d = doc("Text with ünïcödé — and a dash.\n", title="T", metadata={"cues": [{"start": 0, "end": 4}]},
            published="2024-05-01", published_precision="day", language="en")
    store.add_document(d)
    got = store.get_document(d.id[:8])
    assert got.text == d.text and got.metadata == d.metadata and got.published == "2024-05-01"
    with pytest.raises(NotFound):
        store.get_document("dzzzzzzzz")
    # SQL wildcards in a typed prefix are characters, not patterns
    for wild in (d.id[:3] + "_", d.id[:3] + "%", "____", "%%%%", d.id[:7] + "_"):
        with pytest.raises(NotFound):
            store.get_document(wild)


def test_search_snippets_and_bad_queries(store):
    store.add_document(doc("The port authority said the dredging will finish in 2026.", title="Port"))
    store.add_document(doc("Farmers protested the water tariff outside the ministry.", title="Water"))
    hits = store.search("dredging")
    assert [h.title for h in hits] == ["Port"]
    assert "[[dredging]]" in hits[0].snippet
    assert store.search('"water tariff"')[0].title == "Water"
    assert store.search("farm*")[0].title == "Water"
    assert store.search("authority's") == []  # punctuation inside a word is not a syntax error
    for bad in ('"unclosed', "AND OR", "dredging AND", "(port"):
        with pytest.raises(QueryError) as info:
            store.search(bad)
        assert "\n" not in str(info.value)


def _analysis(d):
    i = d.text.index("Ivo Marek")
    q = d.text.index("the quay")
    return {
        "document": {"id": d.id},
        "entities": [{"id": "e1", "name": "Ivo Marek", "type": "PERSON", "aliases": ["Marek"],
                      "mentions": [{"start": i, "end": i + 9, "text": "Ivo Marek", "label": "PERSON"}]}],
        "quotes": [{"id": "q1", "start": q, "end": q + 8, "text": "the quay", "kind": "indirect",
                    "speaker": {"name": "Ivo Marek", "entity_id": "e1", "start": i, "end": i + 9,
                                "resolution": "named", "confidence": 0.9}}],
    }


def test_analysis_links_entities_across_documents(store):
    d1 = doc("Ivo Marek said the quay would open.")
    d2 = doc("Engineer Ivo Marek praised the quay again.")
    for d in (d1, d2):
        store.add_document(d)
        saved = save_linked(store, _analysis(d), version="t1")
        assert saved["quotes"][0]["speaker"]["entity_id"].startswith("E")
    [ent] = store.find_entities("Marek")
    assert ent.mention_count == 2 and ent.document_count == 2
    assert len(store.items("quote", entity=ent.id, role="speaker")) == 2
    assert store.search("quay", kinds=("quote",))[0].kind == "quote"
    assert store.stale_documents("t1") == [] and len(store.stale_documents("t2")) == 2
    # Re-saving replaces, never duplicates.
    save_linked(store, _analysis(d1), version="t1")
    assert len(store.items("quote")) == 2


def test_merge_and_split_entities(store):
    d1 = doc("Ivo Marek said the quay would open.")
    store.add_document(d1)
    save_linked(store, _analysis(d1), version="t")
    other = doc("Marta Kell and the quay board met.")
    store.add_document(other)
    save_linked(store, {"document": {"id": other.id}, "entities": [
        {"id": "e1", "name": "Marta Kell", "type": "PERSON", "aliases": [],
         "mentions": [{"start": 0, "end": 10, "text": "Marta Kell", "label": "PERSON"}]}]}, version="t")
    a, b = store.find_entities("Ivo Marek")[0], store.find_entities("Marta Kell")[0]
    with pytest.raises(StoreError, match="cannot merge an entity into itself"):
        store.merge_entities(a.id, a.id)
    merged = store.merge_entities(a.id, b.id)
    assert set(merged.aliases) >= {"Ivo Marek", "Marta Kell"} and merged.mention_count == 2
    with pytest.raises(StoreError, match="already one entity"):
        store.merge_entities(b.id, a.id)
    assert store.find_entities("Marta Kell")[0].id == a.id
    split = store.split_entity(a.id, "Marta Kell")
    assert split.id != a.id and split.mention_count == 1
    assert store.find_entities("Marta Kell")[0].id == split.id


def test_state_and_schema_version(store):
    assert store.get_state("watch") is None
    store.set_state("watch", {"etag": "x", "seen": [1, 2]})
    assert store.get_state("watch") == {"etag": "x", "seen": [1, 2]}
    assert store.stats()["schema_version"] == store.schema_version >= 1  # migrated on open


def test_sqlite_is_migrated_to_the_latest_schema(tmp_path):
    with SQLiteStore(tmp_path / "lib.sqlite") as s:
        assert s.schema_version == SCHEMA_VERSION


def test_reopen_keeps_everything(tmp_path):
    path = tmp_path / "lib.sqlite"
    with SQLiteStore(path) as s:
        s.add_document(doc("One line that stays."))
    with SQLiteStore(path) as s:
        assert s.stats()["documents"] == 1


def test_not_a_library(tmp_path):
    from clipfile.errors import StoreError

    bad = tmp_path / "junk.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        SQLiteStore(bad)


def _person_analysis(d, *names):
    ents = []
    for i, name in enumerate(names, 1):
        at = d.text.index(name)
        ents.append({"id": f"e{i}", "name": name, "type": "PERSON", "aliases": [],
                     "mentions": [{"start": at, "end": at + len(name), "text": name, "label": "PERSON"}]})
    return {"document": {"id": d.id}, "entities": ents}


def test_people_sharing_a_surname_stay_apart_but_a_bare_surname_joins(store):
    d1, d2, d3 = (doc("Anna Kessler opened the port."), doc("Boris Kessler closed the mill."),
                  doc("Later, Orlova met Kessler again."))
    for d in (d1, d2):
        store.add_document(d)
    save_linked(store, _person_analysis(d1, "Anna Kessler"), version="t")
    save_linked(store, _person_analysis(d2, "Boris Kessler"), version="t")
    assert len(store.find_entities("Anna Kessler")) == 1
    assert store.find_entities("Anna Kessler")[0].id != store.find_entities("Boris Kessler")[0].id
    # "Kessler" alone is ambiguous now: it must not be filed under either of them.
    store.add_document(d3)
    save_linked(store, _person_analysis(d3, "Kessler"), version="t")
    assert store.find_entities("Anna Kessler")[0].mention_count == 1


def test_names_in_two_scripts_are_one_entity(store):
    en, ru = doc("Mayor Anna Kessler spoke."), doc("Мэр Анна Кесслер выступила.")
    for d, name in ((en, "Anna Kessler"), (ru, "Анна Кесслер")):
        store.add_document(d)
        save_linked(store, _person_analysis(d, name), version="t")
    [one] = store.find_entities("Кесслер")
    assert set(one.aliases) == {"Anna Kessler", "Анна Кесслер"} and one.document_count == 2
    assert store.find_entities("Anna Kessler")[0].id == one.id


def test_recycled_index_tables(store):
    """The recycled-text index's tables: what DuplicateIndex reads and writes, in transactions."""
    from clipfile.store.base import Copy, Passage

    table = store.recycled
    text = "Ferry services resumed on Monday after the storm. The harbour master said so.\n"
    d = doc(text, published="2024-05-02")
    store.add_document(d)
    save_linked(store, {"document": {"id": d.id}}, version="t")
    assert table.unindexed() == [(d.id, "2024-05-02")]
    with store.transaction():
        first = table.register(d.id, "2024-05-02")
        later = table.register("later", None)
        copy = Copy(first, 0, 0, 50)
        p = Passage(None, -42, b"\x01\x00\x00\x00\x02\x00\x00\x00", copy, copy, 1.0)
        q = Passage(None, 7, b"\x01\x00\x00\x00", Copy(later, 0, 5, 9), copy, 0.75)
        table.save(first, [(0, 0, 50, p)], [p])
        table.save(later, [(0, 5, 9, q), (1, 10, 20, p)], [q])
    assert p.id is not None and q.id is not None and p.id != q.id
    assert table.unfiled() == [(p.id, p.bigrams), (q.id, q.bigrams)]
    assert table.lookup([], [123]) == ({}, {})  # band keys count once filed
    table.file_bands([(123, p.id), (-5, p.id), (123, q.id)])
    assert table.unfiled() == []
    assert table.document(d.id) == first and table.document("nowhere") is None
    assert first.order < later.order  # dated before undated
    exact, postings = table.lookup([-42, 7, 99], [123, -5, 8])
    assert exact == {-42: p.id, 7: q.id}
    assert sorted(postings[123]) == sorted([p.id, q.id]) and postings[-5] == [p.id] and 8 not in postings
    assert table.bigrams([p.id]) == {p.id: p.bigrams}
    got = table.passages([q.id])[q.id]
    assert (got.first.doc.id, got.first.start, got.origin.doc, got.origin.end, got.origin_sim) == \
        ("later", 5, first, 50, 0.75)
    assert table.units("later") == [(0, 5, 9, q.id), (1, 10, 20, p.id)]
    assert table.later_copies([p.id], first) == ["later"] and table.later_copies([p.id], later) == []
    assert table.unit_count() == 3 and table.unindexed() == []
    assert table.slices([(d.id, 0, 5), ("nowhere", 0, 3)]) == ["Ferry", None]
    # an update changes a stored passage in place
    q.origin_sim = 0.5
    table.save(later, [], [q])
    assert table.passages([q.id])[q.id].origin_sim == 0.5
    table.mark_pending(["later", "later"])
    assert table.pending() == ["later"]
    table.done("later")
    assert table.pending() == []
    # a failed transaction stores nothing, nested blocks included
    with pytest.raises(RuntimeError), store.transaction():
        table.register("ghost", None)
        with store.transaction():
            table.mark_pending(["ghost"])
        raise RuntimeError
    assert table.document("ghost") is None and table.pending() == []
    table.clear()
    assert table.unit_count() == 0 and table.document(d.id) is None


# -- the rest of the protocol: documents, analyses, filtered search, entity pages, ledger, blobs

def _library(store):
    """Three documents, two analysed: Ivo Marek quoted in both, Marta Kell beside him in one."""
    d1 = doc("Ivo Marek said the quay would open. Marta Kell agreed.", title="Quay opens", source="Gazette",
             published="2024-03-02", language="en")
    d2 = doc("Engineer Ivo Marek praised the quay again.", title="Quay praised", source="Courier",
             published="2024-04-10", language="en")
    d3 = doc("Мэр Анна Кесслер открыла причал.", title="Причал", source="Вестник", published="2024-04-12",
             language="ru")
    for d in (d1, d2, d3):
        store.add_document(d)
    a1 = _analysis(d1)
    k = d1.text.index("Marta Kell")
    a1["entities"].append({"id": "e2", "name": "Marta Kell", "type": "PERSON", "aliases": [],
                           "mentions": [{"start": k, "end": k + 10, "text": "Marta Kell", "label": "PERSON"}]})
    f = d1.text.index("the quay would open")
    a1["forecasts"] = [{"id": "f1", "start": f, "end": f + 19, "text": "the quay would open",
                        "forecaster": {"name": "Ivo Marek", "entity_id": "e1"}}]
    save_linked(store, a1, version="t1")
    save_linked(store, _analysis(d2), version="t2")
    return d1, d2, d3


def test_documents_listed_counted_and_their_analyses(store):
    d1, d2, d3 = _library(store)
    assert store.path and store.has_document(d1.id) and not store.has_document("dnothere")
    assert store.document_count() == 3
    listed = store.list_documents(limit=2)
    assert [s.id for s in listed] == [d3.id, d2.id]  # newest first
    assert (listed[1].title, listed[1].chars, listed[1].analyzed_version) == ("Quay praised", len(d2.text), "t2")
    assert [s.id for s in store.list_documents(limit=5, offset=2)] == [d1.id]
    assert store.analysis_version(d1.id) == "t1" and store.analysis_version(d3.id) is None
    got = store.get_analysis(d1.id[:10])
    assert got["document"]["id"] == d1.id and got["pipeline_version"] == "t1"
    assert got["quotes"][0]["speaker"]["entity_id"].startswith("E")
    assert store.get_analysis(d3.id) is None
    assert store.analyzed_documents() == [(d1.id, "2024-03-02"), (d2.id, "2024-04-10")]
    assert [d.id for d in store.iter_documents()] == [d1.id, d2.id, d3.id]
    assert store.stats()["items"] == {"quote": 2, "forecast": 1}


def test_items_by_document_entity_role_ids_and_speaker(store):
    d1, d2, _ = _library(store)
    [marek] = store.find_entities("Ivo Marek")
    quotes = store.items("quote")
    assert [q["document"] for q in quotes] == [d1.id, d2.id]  # by date
    assert quotes[0]["outlet"] == "Gazette" and quotes[0]["title"] == "Quay opens"
    assert [q["document"] for q in store.items("quote", doc_id=d2.id)] == [d2.id]
    assert len(store.items("quote", entity=marek.id, role="speaker")) == 2
    assert len(store.items("quote", entity=marek.id, role=("subject", "mentioned"))) == 0
    assert len(store.items("forecast", entity=marek.id, role="speaker")) == 1
    assert store.items("quote", ids=[quotes[1]["item_id"]])[0]["document"] == d2.id
    assert len(store.items("quote", speaker_like="ivo  MAREK")) == 2
    assert len(store.items("quote", limit=1)) == 1


def test_search_page_filters_facets_and_browsing(store):
    d1, d2, d3 = _library(store)
    page = store.search_page("quay")
    assert isinstance(page, SearchPage) and page.total == 2
    assert {h.doc_id for h in page.hits} == {d1.id, d2.id} and all("[[quay]]" in h.snippet for h in page.hits)
    assert sorted(page.facets.source) == [("Courier", 1), ("Gazette", 1)]
    assert page.facets.language == [("en", 2)]
    assert page.facets.kind == [("document", 2), ("forecast", 1), ("quote", 2)]
    assert [(e.name, n) for e, n in page.facets.entity] == [("Ivo Marek", 2), ("Marta Kell", 1)]
    assert [h.doc_id for h in store.search_page("quay", source="Courier").hits] == [d2.id]
    assert store.search_page("quay", date_from="2024-04-01").total == 1
    assert store.search_page("quay", date_to="2024-03-31").hits[0].doc_id == d1.id
    # a year or a month as the end date keeps all of it
    assert store.search_page("quay", date_to="2024").total == 2
    assert [h.doc_id for h in store.search_page("quay", date_to="2024-03").hits] == [d1.id]
    assert store.search_page("quay", date_to="2023").total == 0
    kell = store.find_entities("Marta Kell")[0]
    assert [h.doc_id for h in store.search_page("quay", entity=f"E{kell.id}").hits] == [d1.id]
    quotes = store.search_page("quay", kinds=("quote",))
    assert quotes.total == 2 and {h.kind for h in quotes.hits} == {"quote"} and quotes.hits[0].item_id
    browse = store.search_page("", language="ru")
    assert browse.total == 1 and browse.hits[0].doc_id == d3.id and browse.hits[0].snippet.startswith("Мэр")
    assert [h.doc_id for h in store.search_page("", limit=1, offset=1).hits] == [d2.id]
    with pytest.raises(QueryError):
        store.search_page("quay AND")


@pytest.mark.parametrize("query", ["harbour", '"harbour fees"', "(harbour OR ferry) NOT board", "master", ""])
def test_a_narrow_filter_walked_first_finds_what_the_matches_walked_first_find(store, monkeypatch, query):
    # A source few documents come from: when the newest matches hold too few of them, the page
    # takes that source's documents newest first and looks them up against the query in blocks
    # (filter first) instead of walking every older match (query first).  Both find the same.
    import clipfile.store.sqlite as sqlite_store

    if isinstance(store, SQLiteStore):
        module: Any = sqlite_store
    else:
        import clipfile.store.postgres_search as module
    walker = "_filter_first" if module is sqlite_store else "filter_first"
    outlets = ("Harbour Gazette", "Valley Courier", "Coast Post")
    for k in range(60):
        outlet = "Island Herald" if k % 12 in (5, 6) else outlets[k % 3]
        words = "harbour fees" if k % 2 else "ferry board"
        store.add_document(Document(f"Report {k}: the {words} rose on day {k % 4}. The harbour master spoke.",
                                    title=f"Report {k}", source=outlet, published=f"2024-02-{k % 28 + 1:02d}"))
    narrow = {"source": "Island Herald", "date_from": "2024-02-03"}
    everything = store.search_page(query, **narrow)  # the newest matches hold them all
    matching = [k for k in range(60) if k % 12 in (5, 6) and k % 28 + 1 >= 3
                and (k % 2 or query in ("harbour", "master", ""))]
    assert everything.total == len(matching) and dict(everything.facets.source) == {"Island Herald": len(matching)}
    monkeypatch.setattr(module, "FILTER_SCAN", 6)
    monkeypatch.setattr(module, "FACET_SAMPLE", 12)  # more than pass: the totals stay exact
    monkeypatch.setattr(module, "MIN_SAMPLE", 3)
    walked: list[Any] = []
    first = getattr(module, walker)
    monkeypatch.setattr(module, walker, lambda *a, **k: walked.append(a) or first(*a, **k))
    filter_first = store.search_page(query, **narrow)
    assert walked  # the filter was walked first
    monkeypatch.setattr(module, "FILTER_PROBES", 0)  # too wide to walk: the matches first
    query_first = store.search_page(query, **narrow)
    assert everything.hits and not everything.estimated
    for page in (filter_first, query_first):
        assert [h.doc_id for h in page.hits] == [h.doc_id for h in everything.hits]
        assert page.total == everything.total and dict(page.facets.source) == dict(everything.facets.source)


@pytest.mark.parametrize("query", ["harbour", '"harbour fees"'])
@pytest.mark.parametrize("filters", [{}, {"source": "Valley Courier"}])
def test_a_search_page_walks_the_newest_document_matches_once(store, monkeypatch, query, filters):
    # The ranking and the facet sample of a page read the same newest matches: PostgreSQL's GIN
    # index holds no order, so each walk tests row after row against the query.
    if isinstance(store, SQLiteStore):
        pytest.skip("SQLite's pages share their scans through sqlite._Scans (tests/test_store_scale.py)")
    import clipfile.store.postgres_search as postgres_search
    outlets = ("Harbour Gazette", "Valley Courier", "Coast Post")
    for k in range(30):
        words = "harbour fees" if k % 2 else "harbour board"
        store.add_document(Document(f"Item {k}: the {words} met on day {k}.", source=outlets[k % 3],
                                    published=f"2024-03-{k % 28 + 1:02d}"))
    unshared = store.search_page(query, **filters, with_facets=False)
    walks: list[str] = []
    run = postgres_search._run
    monkeypatch.setattr(postgres_search, "_run", lambda db, sql, args: walks.append(sql) or run(db, sql, args))
    page = store.search_page(query, **filters)
    # (a walk of the newest rows tests "(d.search @@ q) IS TRUE": no index for it to read)
    assert sum("FROM documents d WHERE d.search @@" in sql.replace("(", "") for sql in walks) == 1
    expected = [k for k in range(30) if (k % 2 or query == "harbour") and (not filters or k % 3 == 1)]
    assert page.total == len(expected) and [h.doc_id for h in page.hits] == [h.doc_id for h in unshared.hits]
    assert sum(n for _, n in page.facets.source) == len(expected)



@pytest.mark.parametrize("query", ["harbour", '"ferry board"', "(fees OR board) NOT ferry", ""])
@pytest.mark.parametrize("filters", [{"source": "Coast Courier"}, {"source": "Coast Courier", "date_from": "2024-01-10"},
                                     {"source": "Coast Courier", "footing": "denied"},
                                     {"source": "Island Herald", "footing": "asserted"}])
def test_a_pages_filter_sets_share_their_tests_as_each_alone(store, monkeypatch, query, filters):
    # The ranking and the samples of one page (PostgreSQL) filter items by their document once,
    # in one walk of the newest items and one read of a source's documents' items, and each set
    # of filters tests the item's own (the kind, the footing) on what passed: the page is the
    # one each set of filters tested on its own gives.  (SQLite: tests/test_store_scale.py.)
    if isinstance(store, SQLiteStore):
        pytest.skip("SQLite's pages share theirs through sqlite._Scans (tests/test_store_scale.py)")
    import clipfile.store.postgres_search as postgres_search

    harbour_reports(store, 46, rare_first=True)
    _bounds(store, monkeypatch, RANK_WINDOW=4, FACET_SAMPLE=6, FILTER_SCAN=12, MIN_SAMPLE=3, FILTER_PROBES=4,
            SAMPLE_ROWS=60)

    def pages():
        return [store.search_page(query, kinds=kinds, limit=3, offset=offset, **filters)
                for kinds in ((), ("quote",), ("claim",)) for offset in (0, 3)]

    shared = pages()
    monkeypatch.setattr(postgres_search.Scans, "share", False)
    assert shared == pages()
    assert any(p.hits for p in shared) and any(p.estimated for p in shared)


def _mentioned(store, text, names, published):
    """A document of ``text`` whose analysis mentions each of ``names`` wherever it occurs."""
    d = doc(text, published=published, language="en")
    store.add_document(d)
    entities = [{"id": f"e{k}", "name": name, "type": "PERSON", "aliases": [],
                 "mentions": [{"start": m.start(), "end": m.end(), "text": name, "label": "PERSON"}
                              for m in re.finditer(re.escape(name), text)]}
                for k, name in enumerate(names)]
    save_linked(store, {"document": {"id": d.id}, "entities": entities}, version="t1")
    return d


def test_co_mentioned_entities_count_shared_documents_once_each(store):
    _mentioned(store, "Ivo Marek met Marta Kell; Marta Kell and Ivo Marek spoke.", ["Ivo Marek", "Marta Kell"],
               "2024-03-01")
    _mentioned(store, "Ivo Marek and Marta Kell toured with Olek Brandt.", ["Ivo Marek", "Marta Kell", "Olek Brandt"],
               "2024-03-02")
    _mentioned(store, "Ivo Marek thanked Olek Brandt.", ["Ivo Marek", "Olek Brandt"], "2024-03-03")
    _mentioned(store, "Pia Sorensen wrote to Ivo Marek.", ["Pia Sorensen", "Ivo Marek"], "2024-03-04")
    _mentioned(store, "Marta Kell and Pia Sorensen, without him.", ["Marta Kell", "Pia Sorensen"], "2024-03-05")
    _mentioned(store, "Pia Sorensen met Marta Kell again.", ["Pia Sorensen", "Marta Kell"], "2024-03-06")
    _mentioned(store, "Marta Kell answered Ivo Marek.", ["Marta Kell", "Ivo Marek"], "2024-03-07")
    marek, kell, brandt, sorensen = (store.find_entities(n)[0] for n in
                                     ("Ivo Marek", "Marta Kell", "Olek Brandt", "Pia Sorensen"))

    def named(eid, **kw):
        return [(e.name, n) for e, n in store.co_mentioned_entities(eid, **kw)]

    # shared documents, not mentions (Kell and Marek are named twice in the first)
    assert named(marek.id) == [("Marta Kell", 3), ("Olek Brandt", 2), ("Pia Sorensen", 1)]
    assert named(marek.id, limit=1) == [("Marta Kell", 3)]
    assert named(sorensen.id) == [("Marta Kell", 2), ("Ivo Marek", 1)]
    # merged entities answer as one: the documents naming any of them, each once (Kell or
    # Sorensen beside Marek: 4 documents, though each alone shares fewer)
    store.merge_entities(kell.id, sorensen.id)
    assert named(marek.id) == [("Marta Kell", 4), ("Olek Brandt", 2)]
    assert named(kell.id) == named(sorensen.id) == [("Ivo Marek", 4), ("Olek Brandt", 1)]
    # and from the merged side too, when a third entity is merged into the co-mentioned one
    store.merge_entities(brandt.id, marek.id)
    assert named(kell.id) == [("Olek Brandt", 4)]
    assert named(sorensen.id) == named(kell.id) and brandt.id != kell.id

def test_entity_pages(store):
    d1, d2, _ = _library(store)
    marek, kell = store.find_entities("Ivo Marek")[0], store.find_entities("Marta Kell")[0]
    assert store.get_entity(f"E{marek.id}") == store.get_entity(marek.id)
    assert (marek.mention_count, marek.document_count) == (2, 2)
    assert [e.name for e in store.list_entities()] == ["Ivo Marek", "Marta Kell"]  # most mentioned first
    assert [e.name for e in store.list_entities(limit=1, offset=1)] == ["Marta Kell"]
    assert store.list_entities(type="ORG") == []
    assert [(e.name, n) for e, n in store.co_mentioned_entities(marek.id)] == [("Marta Kell", 1)]
    assert [d.id for d in store.entity_documents(marek.id)] == [d2.id, d1.id]  # newest first
    assert store.entity_mentions_by_month(marek.id) == [("2024-03", 1), ("2024-04", 1)]
    # merged entities answer as one
    store.merge_entities(marek.id, kell.id)
    assert store.get_entity(kell.id).id == marek.id and store.co_mentioned_entities(marek.id) == []
    with pytest.raises(NotFound):
        store.get_entity(99999)


def test_linking_primitives(store):
    """What clipfile.entitylinks builds on: keys, names, new entities; a local id is refused."""
    eid = store.add_entity("Marek", "PERSON")
    store.add_entity_names(eid, ["Marek", "Ivo Marek"], ["full:PERSON:marek", "last:PERSON:marek"])
    store.add_entity_names(eid, ["Marek"], ["full:PERSON:marek"])  # again: kept once
    assert store.entities_with_key("last:PERSON:marek") == [eid] and store.entities_with_key("nope") == []
    assert store.entity_name(eid) == "Marek"
    store.rename_entity(eid, "Ivo Marek")
    assert store.entity_name(eid) == "Ivo Marek" and store.get_entity(eid).aliases == ("Ivo Marek", "Marek")
    other = store.add_entity("Ivo Marek", "PERSON")
    store.add_entity_names(other, [], ["last:PERSON:marek"])
    assert sorted(store.entities_with_key("last:PERSON:marek")) == sorted([eid, other])
    assert sorted(store.entity_aliases(eid)) == ["Ivo Marek", "Marek"]
    assert store.entity_mention_texts(eid) == [] and store.entity_company(eid) == {}
    store.merge_entities(eid, other)
    assert store.entities_with_key("last:PERSON:marek") == [eid]  # merged ones are not candidates
    d = doc("Ivo Marek said the quay would open.")
    store.add_document(d)
    with pytest.raises(StoreError, match="not linked"):
        store.save_analysis(_analysis(d), version="t")
    linked = _analysis(d)
    linked["entities"][0]["id"] = f"E{eid}"
    linked["quotes"][0]["speaker"]["entity_id"] = f"E{eid}"
    store.save_analysis(linked, version="t")
    assert store.get_entity(eid).mention_count == 1
    assert store.items("quote", entity=eid, role="speaker")[0]["document"] == d.id
    assert store.entity_mention_texts(eid) == ["Ivo Marek"]
    store.add_document(d2 := doc("Ivo Marek said the quay was late."))
    again = _analysis(d2)
    again["entities"][0]["id"] = f"E{other}"  # the merged one's mentions count as the entity's
    again["quotes"][0]["speaker"]["entity_id"] = f"E{other}"
    store.save_analysis(again, version="t")
    assert store.entity_mention_texts(eid) == ["Ivo Marek", "Ivo Marek"]
    assert store.entity_mention_texts(eid, most=1) == ["Ivo Marek"]  # bounded
    with pytest.raises(NotFound):
        store.save_analysis({"document": {"id": "dnothere"}}, version="t")


def test_cross_document_duplicates_are_replaced_alone(store):
    d1, d2, _ = _library(store)
    own = {"start": 0, "end": 9, "text": "Ivo Marek", "of": {"document": d1.id, "start": 0, "end": 9}}
    save_linked(store, {**_analysis(d1), "duplicates": [own]}, version="t1")
    other = {"start": 0, "end": 9, "text": "Ivo Marek", "of": {"document": d2.id, "start": 9, "end": 18}}
    store.replace_cross_duplicates(d1.id, [other])
    store.replace_cross_duplicates(d1.id, [other])  # again: replaced, not added
    dups = store.get_analysis(d1.id)["duplicates"]
    assert [x["of"]["document"] for x in dups] == [d1.id, d2.id]
    assert len(store.items("duplicate", doc_id=d1.id)) == 2
    store.replace_cross_duplicates("dnothere", [other])  # no analysis: nothing to do


def _item_index_is_sound(library_url: str) -> None:
    """SQLite: the item index holds exactly the terms of its items' text, nothing of removed
    ones, and keeps no copy of the text."""
    if not library_url.startswith("sqlite"):
        return
    import sqlite3

    from _itemindex import assert_item_index_sound

    path = library_url.removeprefix("sqlite:///")
    assert_item_index_sound(path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'items_fts_content'").fetchone()[0] == 0
    db.close()


def _quoted(d, said, *, speaker="Ivo Marek"):
    """An analysis of ``d`` with one quote, the words ``said`` of its text."""
    i, q = d.text.index(speaker), d.text.index(said)
    return {"document": {"id": d.id},
            "entities": [{"id": "e1", "name": speaker, "type": "PERSON", "aliases": [],
                          "mentions": [{"start": i, "end": i + len(speaker), "text": speaker, "label": "PERSON"}]}],
            "quotes": [{"id": "q1", "start": q, "end": q + len(said), "text": said, "kind": "direct",
                        "speaker": {"name": speaker, "entity_id": "e1", "start": i, "end": i + len(speaker)}}]}


def test_item_search_follows_reanalysis_and_removed_items(store, library_url):
    """Items leave the item index with their rows: a re-analysis that drops or changes a quote,
    replaced duplicates and a rewritten last document (whose new items may take the ids the old
    ones had) leave no hit behind, in English and Russian, and the index stays sound."""
    en = doc("Ivo Marek said: the quay will reopen before the winter storms. The board agreed.",
             language="en", source="Gazette", published="2024-03-02")
    ru = doc("Анна Орлова заявила: паромы пойдут по зимнему расписанию. Совет согласился.",
             language="ru", source="Вестник", published="2024-03-03")
    for d in (en, ru):
        store.add_document(d)
    save_linked(store, _quoted(en, "the quay will reopen before the winter storms"), version="t1")
    save_linked(store, _quoted(ru, "паромы пойдут по зимнему расписанию", speaker="Анна Орлова"), version="t1")
    assert [h.doc_id for h in store.search("quay", kinds=("quote",))] == [en.id]
    assert [h.doc_id for h in store.search("паромов", kinds=("quote",))] == [ru.id]  # another case, one stem
    _item_index_is_sound(library_url)

    # Re-analysis: the English quote changes, the Russian one (the newest items) is rewritten
    # several times, then dropped.
    save_linked(store, _quoted(en, "The board agreed"), version="t2")
    for _ in range(3):
        save_linked(store, _quoted(ru, "Совет согласился", speaker="Анна Орлова"), version="t2")
        assert [h.doc_id for h in store.search("совета", kinds=("quote",))] == [ru.id]
        assert store.search("расписанию", kinds=("quote",)) == []
    assert store.search("quay OR storms", kinds=("quote",)) == []
    assert [h.doc_id for h in store.search("board", kinds=("quote",))] == [en.id]
    assert [h.doc_id for h in store.search_page("board", kinds=("quote",)).hits] == [en.id]
    _item_index_is_sound(library_url)
    save_linked(store, {"document": {"id": ru.id}, "entities": []}, version="t3")
    assert store.search("совет", kinds=("quote",)) == [] and store.items("quote", doc_id=ru.id) == []
    _item_index_is_sound(library_url)

    # Cross-document duplicates replaced: the old passage is no longer found as a duplicate.
    winter = en.text.index("the winter storms")
    store.replace_cross_duplicates(en.id, [{"start": winter, "end": winter + 17, "text": "the winter storms",
                                            "of": {"document": ru.id, "start": 0, "end": 5}}])
    assert [h.doc_id for h in store.search("storms", kinds=("duplicate",))] == [en.id]
    store.replace_cross_duplicates(en.id, [{"start": 0, "end": 9, "text": "Ivo Marek",
                                            "of": {"document": ru.id, "start": 0, "end": 5}}])
    assert store.search("storms", kinds=("duplicate",)) == []
    assert [h.doc_id for h in store.search("marek", kinds=("duplicate",))] == [en.id]
    store.replace_cross_duplicates(en.id, [])
    assert store.search("marek", kinds=("duplicate",)) == []
    assert [h.doc_id for h in store.search("board", kinds=("quote",))] == [en.id]
    _item_index_is_sound(library_url)


def test_forecast_ledger_and_blobs(store):
    assert store.forecast_resolutions() == {}
    store.resolve_forecast("d1:0-5", outcome=True, date="2024-05-01", note="opened")
    store.resolve_forecast("d1:0-5", outcome=False, date=None, note=None)  # a second word replaces the first
    [(key, res)] = store.forecast_resolutions().items()
    assert key == "d1:0-5" and (res["outcome"], res["date"], res["note"]) == (False, None, None) and res["resolved"]
    assert store.get_blob("index") is None
    store.set_blob("index", b"\x00\x01")
    store.set_blob("index", b"\x02")
    assert store.get_blob("index") == b"\x02"


def test_a_failed_transaction_stores_no_document(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.add_document(doc("Written, then rolled back."))
        store.set_state("k", 1)
        raise RuntimeError
    assert store.document_count() == 0 and store.get_state("k") is None


def test_open_store_reads_urls_and_paths(tmp_path):
    with open_store(f"sqlite:///{tmp_path}/a.sqlite") as s:  # sqlite:/// + an absolute path: four slashes
        assert s.path == str(tmp_path / "a.sqlite")
        s.add_document(doc("Kept in a file named by a URL."))
    with open_store(tmp_path / "a.sqlite") as s:
        assert s.document_count() == 1
    with open_store(str(tmp_path / "a.sqlite")) as s:
        assert s.document_count() == 1
    with open_store("sqlite:///:memory:") as s:
        assert s.document_count() == 0
    for bad, says in (("mysql://db/lib", "unknown library scheme 'mysql'"), ("sqlite://", "names no file"),
                      ("postgresql://me:secret@nowhere.invalid/lib", "cannot open")):
        with pytest.raises(StoreError, match=says) as info:
            open_store(bad)
        assert "secret" not in str(info.value) and "\n" not in str(info.value)


def test_a_closed_library_says_so(store):
    store.add_document(doc("Stored before closing."))
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.document_count()
    store.close()  # closing twice is harmless


def test_two_writers_and_a_reader_lose_nothing(library_url):
    """Two writers (each its own connection, as two processes would have) store documents and
    link the same people at once while a reader counts: every document is there once, each
    person is one entity, and the reader never sees a document without its analysis's items."""
    import threading

    per_writer = 12
    errors: list[BaseException] = []
    done = threading.Event()
    seen: list[tuple[int, int]] = []

    def write(w: int) -> None:
        try:
            with open_store(library_url) as s:
                for i in range(per_writer):
                    d = doc(f"Ivo Marek said the quay would open, report {w}-{i}.", published=f"2024-05-{i + 1:02d}")
                    with s.transaction():  # a document and its analysis together, as one reader sees them
                        s.add_document(d)
                        save_linked(s, _analysis(d), version="t")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def read() -> None:
        try:
            with open_store(library_url) as s:
                while True:  # at least once, and once more after the writers are done
                    finished = done.is_set()
                    stats = s.stats()
                    seen.append((stats["documents"], stats["items"].get("quote", 0)))
                    if finished:
                        return
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    open_store(library_url).close()  # the library exists before anyone writes (its creation races elsewhere)
    writers = [threading.Thread(target=write, args=(w,)) for w in (1, 2)]
    reader = threading.Thread(target=read)
    reader.start()
    for t in writers:
        t.start()
    for t in writers:
        t.join(120)
    done.set()
    reader.join(60)
    assert not errors, errors
    with open_store(library_url) as s:
        assert s.document_count() == 2 * per_writer
        [marek] = s.find_entities("Ivo Marek")
        assert marek.mention_count == 2 * per_writer and marek.document_count == 2 * per_writer
        assert len(s.items("quote", entity=marek.id, role="speaker")) == 2 * per_writer
    assert all(docs == quotes for docs, quotes in seen)  # one snapshot per read
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # what was seen stays seen
    assert seen[-1] == (2 * per_writer, 2 * per_writer)


def test_processes_opening_a_new_library_at_once_migrate_it_once(tmp_path):
    """Each migration is read and applied inside one write transaction: a second opener finds
    it done instead of failing on 'table already exists'."""
    import threading

    url = f"sqlite:///{tmp_path}/new.sqlite"
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            open_store(url).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with open_store(url) as s:
        assert s.schema_version == SCHEMA_VERSION


def test_postgresql_statements_stop_at_the_deadline(postgres_url):
    """A read or write past its deadline is cancelled on the server (Interrupted), a write rolls
    back, and the connections are fit for the next request."""
    from clipfile import deadline
    from clipfile.errors import Interrupted

    with open_store(postgres_url) as s:
        s.add_document(doc("Kept, whatever happens next."))
        with deadline.time_limit(0.2):
            with pytest.raises(Interrupted, match="took longer than 0.2 s"):
                with s._read() as db:
                    db.execute("SELECT pg_sleep(30)").fetchone()
        assert s.document_count() == 1
        with deadline.time_limit(0.2):
            with pytest.raises(Interrupted):
                with s._tx() as db:
                    db.execute("UPDATE documents SET title = 'half-done'")
                    db.execute("SELECT pg_sleep(30)").fetchone()
        assert "half-done" not in {d.title for d in s.list_documents()}
        s.set_state("after", 1)
        assert s.get_state("after") == 1


def test_read_side_filters_run_in_the_query(store):
    """What clipfile.read asks: entity links (by, about and not by), a quote's kind, a claim's
    footing, cross-document duplicates, limit and offset, a footing facet, hits without facets,
    and mentions by month of publication with undated documents apart."""
    text = "Ivo Marek said the quay would open. Critics say Marek misled the board. Marek denied the leak."
    a = doc(text, title="Quay", published="2024-03-02", language="en")
    b = doc("Ivo Marek said the quay would open. More later.", title="Copy")  # undated
    for d in (a, b):
        store.add_document(d)
    at = text.index
    marek = {"name": "Ivo Marek", "entity_id": "e1"}
    save_linked(store, {
        "document": {"id": a.id},
        "entities": [{"id": "e1", "name": "Ivo Marek", "type": "PERSON", "aliases": ["Marek"], "mentions": [
            {"start": 0, "end": 9, "text": "Ivo Marek", "label": "PERSON"},
            {"start": at("Marek misled"), "end": at("Marek misled") + 5, "text": "Marek", "label": "PERSON"}]}],
        "quotes": [{"id": "q1", "start": at("the quay"), "end": at(" would open") + 11, "kind": "indirect",
                    "text": "the quay would open", "speaker": {**marek, "start": 0, "end": 9}}],
        "claims": [
            {"id": "c1", "start": at("Marek misled"), "end": at(" the board") + 10, "status": "asserted",
             "text": "Marek misled the board", "source": {"name": "Critics"}},
            {"id": "c2", "start": at("the leak"), "end": at("the leak") + 8, "status": "denied", "text": "the leak",
             "source": marek},
        ],
    }, version="t")
    save_linked(store, {
        "document": {"id": b.id},
        "entities": [{"id": "e1", "name": "Ivo Marek", "type": "PERSON", "aliases": [],
                      "mentions": [{"start": 0, "end": 9, "text": "Ivo Marek", "label": "PERSON"}]}],
        "duplicates": [{"start": 0, "end": 35, "of": {"document": a.id, "start": 0, "end": 35}, "similarity": 1.0},
                       {"start": 36, "end": 47, "of": {"document": b.id, "start": 36, "end": 47}, "similarity": 1.0}],
    }, version="t")
    [e] = store.find_entities("Ivo Marek")
    by = EntityLink(e.id, ("speaker",))
    about = (EntityLink(e.id, ("subject", "mentioned")), EntityLink(e.id, ("speaker",), absent=True))
    assert [c["text"] for c in store.items("claim", links=[by])] == ["the leak"]
    assert [c["text"] for c in store.items("claim", links=about)] == ["Marek misled the board"]
    assert [c["text"] for c in store.items("claim", footing="denied")] == ["the leak"]
    assert store.items("quote", quote_kind="direct") == [] and len(store.items("quote", quote_kind="indirect")) == 1
    assert [c["text"] for c in store.items("claim", limit=1, offset=1)] == ["the leak"]
    assert [d["of"]["document"] for d in store.items("duplicate", cross_document=True)] == [a.id]
    claims = store.search_page("marek OR leak", kinds=("claim",), footing="denied")
    assert [h.item_id for h in claims.hits] == [c["item_id"] for c in store.items("claim", footing="denied")]
    assert claims.total == 1 and dict(claims.facets.footing) == {"asserted": 1, "denied": 1}
    bare = store.search_page("quay", with_facets=False)
    assert bare.total is None and len(bare.hits) == 2 and bare.facets.source == []
    assert store.entity_mentions_by_month(e.id) == [("2024-03", 2), (None, 1)]


# -- costs that do not grow with the library: ranking within a window, facets over a sample -----
# The bounds are the backend's constants (clipfile.store.sqlite, clipfile.store.postgres_search),
# made small here so that a few documents exceed them.



def _bounds(store, monkeypatch, **values):
    import clipfile.store.sqlite as sqlite_store

    if isinstance(store, SQLiteStore):
        module = sqlite_store
    else:
        import clipfile.store.postgres_search as module
    for name, value in values.items():
        monkeypatch.setattr(module, name, value)


def test_ranked_search_scores_the_newest_matches_only(store, monkeypatch):
    # the oldest report says "harbour" most often: it ranks first while it is in the window
    oldest = doc("Harbour, harbour, harbour: the harbour vote is today.", title="Vote")
    store.add_document(oldest)
    harbour_reports(store, 8)
    assert store.search("harbour", limit=3)[0].doc_id == oldest.id
    assert store.search_page("harbour", limit=3).hits[0].doc_id == oldest.id
    _bounds(store, monkeypatch, RANK_WINDOW=4)
    hits = store.search("harbour", limit=3)
    assert len(hits) == 3 and oldest.id not in {h.doc_id for h in hits}
    assert oldest.id not in {h.doc_id for h in store.search_page("harbour", limit=3).hits}
    # paging walks the blocks of the window in turn: every match once, the oldest on the last page
    pages = [store.search("harbour", limit=3, offset=k) for k in (0, 3, 6)]
    assert sorted(h.doc_id for p in pages for h in p) == sorted(h.doc_id for h in store.search("harbour", limit=20))
    assert oldest.id in {h.doc_id for h in pages[2]}
    quotes = [store.search("harbour", limit=3, offset=k, kinds=("quote",)) for k in (0, 3, 6)]
    assert len({h.item_id for p in quotes for h in p}) == 8


def test_facets_past_the_sample_are_estimates_and_say_so(store, monkeypatch):
    harbour_reports(store, 30)
    exact = store.search_page("harbour")
    assert exact.total == 30 and not exact.estimated
    assert dict(exact.facets.source) == {o: 10 for o in OUTLETS}
    assert dict(exact.facets.kind) == {"document": 30, "claim": 30, "quote": 30}
    _bounds(store, monkeypatch, FACET_SAMPLE=6, FILTER_SCAN=9)
    page = store.search_page("harbour")
    # 6 of 30 matches counted, spanning the newest fifth of the library: scaled back to 30
    assert page.estimated and page.total == 30 and page.sample == 6
    assert dict(page.facets.source) == {o: 10 for o in OUTLETS}
    assert sorted((e.name, n) for e, n in page.facets.entity) == [("Ivo Marek", 10), ("Marta Kell", 10),
                                                                  ("Oren Vadik", 10)]
    quotes = store.search_page("harbour", kinds=("quote",))
    assert quotes.estimated and 20 <= quotes.total <= 40 and {h.kind for h in quotes.hits} == {"quote"}
    claims = store.search_page("harbour", kinds=("claim",))
    assert claims.estimated and 20 <= dict(claims.facets.footing)["asserted"] <= 40
    browse = store.search_page("")
    assert browse.estimated and browse.total == 30
    # fewer matches than the sample: exact
    few = store.search_page("day 7")
    assert not few.estimated and few.total == 1
    # ranked hits and facets agree with the filters
    filtered = store.search_page("harbour", source="Coast Courier")
    assert {h.source for h in filtered.hits} == {"Coast Courier"}
    assert 5 <= filtered.total <= 20


def test_a_page_looks_at_the_newest_rows_not_the_newest_matches(store, monkeypatch):
    # A phrase of common words matches few rows: a page's first ranking block and its samples
    # are the matches among the newest SAMPLE_ROWS rows, however few (the rows tested bound the
    # cost); the blocks after the first go further back, and past the window the total is an
    # estimate scaled by the span of rows walked.
    oldest = doc("Harbour fees, harbour fees, harbour fees: the harbour fees vote is today.", title="Fees")
    store.add_document(oldest)
    reports = [doc(f"Report {k}: the harbour {'fees' if k % 4 == 0 else 'board'} met on day {k}.",
                   title=f"Report {k}", source=OUTLETS[k % 3]) for k in range(1, 20)]
    for d in reports:
        store.add_document(d)
    matches = [oldest.id] + [d.id for k, d in enumerate(reports, 1) if k % 4 == 0]  # 5 of 20 rows
    everything = store.search_page('"harbour fees"')
    assert everything.hits[0].doc_id == oldest.id and everything.total == 5 and not everything.estimated
    _bounds(store, monkeypatch, SAMPLE_ROWS=8, MIN_SAMPLE=2)  # the newest 8 rows hold 2 of the matches
    page = store.search_page('"harbour fees"')
    window = {reports[11].id, reports[15].id}  # reports 12 and 16
    assert {h.doc_id for h in page.hits[:2]} == window and sorted(h.doc_id for h in page.hits) == sorted(matches)
    # 2 matches in the newest 8 of 20 rows: 2 × 20/8 = 5, shown as an estimate
    assert page.estimated and page.total == 5 and sum(n for _, n in page.facets.source) >= 2
    hits = store.search('"harbour fees"', limit=20)
    assert {h.doc_id for h in hits[:2]} == window and len(hits) == 5
    # paging walks the blocks in turn: every match once
    pages = [store.search('"harbour fees"', limit=2, offset=k) for k in (0, 2, 4)]
    assert sorted(h.doc_id for p in pages for h in p) == sorted(matches)
    assert {h.doc_id for h in pages[0]} == window
    # too few in the window for a sample: the page looks further back, and counts exactly
    _bounds(store, monkeypatch, MIN_SAMPLE=3)
    deep = store.search_page('"harbour fees"')
    assert deep.total == 5 and not deep.estimated and {h.doc_id for h in deep.hits[:2]} == window


def test_a_rare_words_item_kinds_are_counted_beyond_the_window(store, monkeypatch):
    # Beside a page of documents the item kinds come from the window of the newest item rows;
    # when the query's documents are few enough to be counted exactly, so are its items.
    harbour_reports(store, 1)  # the oldest report: a quote and a claim about the harbour
    for k in range(10):
        d = doc(f"Vik Anders said the ferry fees would rise in year {k}.", title=f"Ferry {k}")
        store.add_document(d)
        q = d.text.index("the ferry")
        save_linked(store, {
            "document": {"id": d.id}, "entities": [],
            "quotes": [{"id": "q1", "start": q, "end": q + 25, "text": d.text[q:q + 25], "kind": "indirect"}],
            "claims": [{"id": "c1", "start": q, "end": q + 25, "text": d.text[q:q + 25], "status": "asserted"}],
        }, version="t")
    _bounds(store, monkeypatch, SAMPLE_ROWS=4, MIN_SAMPLE=2)  # the newest 4 items hold no harbour
    page = store.search_page("harbour")
    assert page.total == 1 and dict(page.facets.kind) == {"document": 1, "claim": 1, "quote": 1}
    assert not page.estimated
    common = store.search_page("fees")  # 11 documents: past the window, the kinds are the window's
    assert common.estimated and set(dict(common.facets.kind)) <= {"document", "claim", "quote"}


def test_a_wide_filter_is_looked_up_a_bounded_way_and_estimated_past_it(store, monkeypatch):
    # A source with more documents than FILTER_PROBES: its newest documents are looked up (a
    # cost bounded by the probes), they are the first ranking block and the sample, standing
    # for the span of the library they reach back to; the page still reaches every match.
    herald = []
    for k in range(40):
        d = doc(f"Report {k}: the harbour board met on day {k}.", title=f"Report {k}",
                source="Island Herald" if k % 4 == 0 else OUTLETS[k % 3])
        store.add_document(d)
        if k % 4 == 0:
            herald.append(d.id)
    exact = store.search_page("harbour", source="Island Herald")
    assert exact.total == 10 and not exact.estimated
    _bounds(store, monkeypatch, SAMPLE_ROWS=4, FILTER_SCAN=4, MIN_SAMPLE=2, FILTER_PROBES=4)
    page = store.search_page("harbour", source="Island Herald")
    assert sorted(h.doc_id for h in page.hits) == sorted(herald)
    assert {h.doc_id for h in page.hits[:4]} == set(herald[-4:])  # the probed ones: the first block
    # a page of 20 looked up every Herald report, 4 at a time (each chunk a block): exact counts
    assert [{h.doc_id for h in page.hits[k:k + 4]} for k in (4, 8)] == [set(herald[-8:-4]), set(herald[:2])]
    assert not page.estimated and page.total == 10
    first = store.search_page("harbour", source="Island Herald", limit=4)
    assert [h.doc_id for h in first.hits] == [h.doc_id for h in page.hits[:4]]
    # 4 matches among the 4 newest Herald reports, which reach back over 16 of the 40 rows: 4 × 40/16
    assert first.estimated and first.total == 10 and dict(first.facets.source) == {"Island Herald": 10}
    # the next pages go on below them, a chunk of 4 documents at a time: every match once, in
    # the order of the page of 20
    later = [store.search_page("harbour", source="Island Herald", limit=4, offset=k).hits for k in (4, 8)]
    assert [h.doc_id for p in later for h in p] == [h.doc_id for h in page.hits[4:]]


@pytest.mark.parametrize("query", ["", "harbour"])
def test_a_narrow_sources_items_are_looked_up_from_its_documents_page_after_page(store, monkeypatch, query):
    # Quotes of a source few documents come from: the page takes the source's documents newest
    # first, a chunk at a time, and their items (not every older item of the library); each
    # later page goes on below the chunks before it.  Paging reaches every quote once, in the
    # order of one page holding them all (browsing: newest document first, exactly).
    from clipfile.entitylinks import save_linked as link

    herald = []
    for k in range(40):
        outlet = "Island Herald" if k % 5 == 0 else OUTLETS[k % 3]
        text = f"Ivo Marek said the harbour fees would rise in year {k}. The ferry board met on day {k}."
        d = doc(text, title=f"Report {k}", source=outlet, published=f"2024-03-{k % 28 + 1:02d}")
        store.add_document(d)
        q = text.index("the harbour")
        link(store, {"document": {"id": d.id}, "entities": [],
                     "quotes": [{"id": "q1", "start": q, "end": q + 27, "text": text[q:q + 27], "kind": "indirect"}],
                     "claims": [{"id": "c1", "start": q, "end": q + 27, "text": text[q:q + 27], "status": "asserted"}]},
             version="t")
        if outlet == "Island Herald":
            herald.append(d.id)
    narrow = {"kinds": ("quote",), "source": "Island Herald"}
    everything = store.search_page(query, limit=50, **narrow)
    assert sorted(h.doc_id for h in everything.hits) == sorted(herald) and everything.total == 8
    assert not everything.estimated and {h.kind for h in everything.hits} == {"quote"}
    _bounds(store, monkeypatch, SAMPLE_ROWS=4, FILTER_SCAN=4, MIN_SAMPLE=2, FILTER_PROBES=3, RANK_WINDOW=3)
    whole = store.search_page(query, limit=50, **narrow)  # every chunk read: the quotes counted exactly
    if not query:
        assert [h.item_id for h in whole.hits] == [h.item_id for h in everything.hits]
    assert sorted(h.doc_id for h in whole.hits) == sorted(herald) and whole.total == 8
    pages = [store.search_page(query, limit=3, offset=k, **narrow) for k in (0, 3, 6)]
    assert [h.item_id for p in pages for h in p.hits] == [h.item_id for h in whole.hits]
    # the first page read the newest 3 Herald reports: its counts stand for the span they reach
    # (a search ranks them as the first block; browsing orders by publication date)
    assert pages[0].estimated and (not query or {h.doc_id for h in pages[0].hits} == set(herald[-3:]))
    _bounds(store, monkeypatch, PROBE_CHUNKS=1)  # past the chunks: the filters go into the search
    pages = [store.search_page(query, limit=3, offset=k, **narrow) for k in (0, 3, 6)]
    assert sorted(h.doc_id for p in pages for h in p.hits) == sorted(herald)
    assert len({h.item_id for p in pages for h in p.hits}) == 8


@pytest.mark.parametrize("narrow", [{"source": "Island Herald"}, {"date_from": "2024-03-01", "date_to": "2024-03"}])
def test_later_pages_go_on_below_a_walk_that_filled_the_first(store, monkeypatch, narrow):
    # The newest rows hold a few matches that pass the filter: enough for the first page, not
    # the second.  Every page must rank the same groups: the walk's matches first (page 1
    # ranks only them), then the look-ups below the walk, so that paging repeats and skips
    # nothing.  The older reports say "harbour" more often: had page 2 looked up the filter's
    # matches from the newest again, they would rank above the walk's and page 2 would show the
    # walk's matches a second time.
    herald = []
    for k in range(40):
        mine = k % 4 == 0
        words = "harbour, harbour and the harbour" if mine and k < 32 else "harbour"
        d = doc(f"Report {k}: the {words} board met on day {k}.", title=f"Report {k}",
                source="Island Herald" if mine else OUTLETS[k % 3],
                published=f"2024-{3 if mine else 2:02d}-{k % 28 + 1:02d}")
        store.add_document(d)
        if mine:
            herald.append(d.id)
    _bounds(store, monkeypatch, SAMPLE_ROWS=8, FILTER_SCAN=8, MIN_SAMPLE=2, FILTER_PROBES=3, RANK_WINDOW=4)
    whole = store.search_page("harbour", limit=10, **narrow)
    assert sorted(h.doc_id for h in whole.hits) == sorted(herald)
    first = store.search_page("harbour", limit=2, **narrow)
    assert {h.doc_id for h in first.hits} == set(herald[-2:])  # the newest 8 rows hold 2 of them
    pages = [first.hits] + [store.search_page("harbour", limit=2, offset=k, **narrow).hits for k in (2, 4, 6, 8)]
    assert [h.doc_id for p in pages for h in p] == [h.doc_id for h in whole.hits]


def test_a_narrow_filter_still_finds_matches_beyond_the_scanned_window(store, monkeypatch):
    docs = harbour_reports(store, 30, rare_first=True)
    _bounds(store, monkeypatch, RANK_WINDOW=3, FACET_SAMPLE=3, FILTER_SCAN=5, MIN_SAMPLE=2)
    page = store.search_page("harbour", source="Island Herald")
    assert [h.doc_id for h in page.hits] == [docs[0].id]
    assert page.total == 1 and not page.estimated
    quotes = store.search_page("harbour", kinds=("quote",), source="Island Herald")
    assert [h.doc_id for h in quotes.hits] == [docs[0].id] and quotes.total == 1
    marek = store.find_entities("Ivo Marek")[0]
    by_marek = store.search_page("harbour", entity=marek.id)
    assert {h.doc_id for h in by_marek.hits} <= {d.id for d in docs[::3]} and by_marek.hits


def test_statistics_follow_every_write(store):
    """The statistics are counters kept as rows are written: they must follow re-analyses,
    merges and splits, and replaced duplicates."""
    docs = harbour_reports(store, 6)
    german = doc("Ein kurzer Bericht über den Hafen.", language="de")
    store.add_document(german)
    harbour_reports(store, 2)  # the first two again: the same documents, their analyses replaced
    expected = {"documents": 7, "analyzed": 6, "entities": 3, "by_language": {"de": 1, "en": 6},
                "by_kind": {"text": 7}, "items": {"claim": 6, "quote": 6},
                "characters": sum(len(d.text) for d in [*docs, german])}

    def stats():
        return {k: v for k, v in store.stats().items() if k not in ("library", "schema_version")}

    assert stats() == expected and store.document_count() == 7
    a, b = store.find_entities("Ivo Marek")[0], store.find_entities("Marta Kell")[0]
    store.merge_entities(a.id, b.id)
    assert stats() == {**expected, "entities": 2}
    store.split_entity(a.id, "Marta Kell")
    assert stats() == expected
    dup = {"start": 0, "end": 9, "text": docs[0].text[:9], "of": {"document": docs[1].id, "start": 0, "end": 9}}
    store.replace_cross_duplicates(docs[0].id, [dup])
    assert stats()["items"] == {"claim": 6, "duplicate": 1, "quote": 6}
    store.replace_cross_duplicates(docs[0].id, [])
    assert stats() == expected


def test_a_postgresql_library_of_schema_2_gets_its_counters_on_open(postgres_url):
    import psycopg

    from clipfile.store.postgres import SCHEMA_VERSION as PG_VERSION

    with open_store(postgres_url) as s:
        docs = harbour_reports(s, 4)
        before = {k: v for k, v in s.stats().items() if k != "schema_version"}
    # Take it back to schema 2: no counters, no triggers, no listing indexes.
    with psycopg.connect(postgres_url, autocommit=True) as db:
        for trigger, table in (("documents_counted", "documents"), ("analyses_counted", "analyses"),
                               ("entities_counted", "entities")):
            db.execute(f"DROP TRIGGER {trigger} ON {table}")
        db.execute("DROP TABLE counters")
        db.execute("DROP INDEX documents_recent")
        db.execute("DROP INDEX documents_source")
        for fn in ("clipfile_count_document()", "clipfile_count_analysis()", "clipfile_count_entity()",
                   "clipfile_count(TEXT, BIGINT)"):
            db.execute(f"DROP FUNCTION {fn}")
        db.execute("UPDATE clipfile_schema SET version = 2")
    with open_store(postgres_url) as s:
        assert s.schema_version == PG_VERSION
        assert {k: v for k, v in s.stats().items() if k != "schema_version"} == before
        s.add_document(doc("One more report on the harbour fees."))
        assert s.stats()["documents"] == 5 and [d.id for d in s.list_documents(limit=5)][-4:] == [
            d.id for d in sorted(docs, key=lambda d: d.published, reverse=True)]
# -- the forecast ledger, a page at a time --------------------------------------------------------

LEDGER_TODAY = "2026-06-01"


def _forecast(n, start, end, *, who, deadline=None, p=0.7):
    return {"id": f"f{n}", "start": start, "end": end, "text": "x" * (end - start),
            "event": {"start": start, "end": end, "text": "x" * (end - start)}, "probability": p,
            "probability_term": None, "forecaster": who, "target": None, "condition": None, "markers": [],
            "deadline": {"start": start, "end": start + 4, "text": deadline, "value": deadline, "precision": "year"}
            if deadline else None}


def _ledger_library(store):
    """Forecasts by a person (named in two scripts), an organisation (under two names the
    analyst merged), a description and a law, some resolved, due in the past, the future or never; returns the person's entity id."""
    def save(text, published, entities, forecasts):
        d = doc(text, published=published)
        store.add_document(d)
        ents = [{"id": f"e{k}", "name": name, "type": typ, "aliases": [name],
                 "mentions": [{"start": text.index(name), "end": text.index(name) + len(name), "text": name}]}
                for k, (name, typ) in enumerate(entities, 1)]
        save_linked(store, {"document": {"id": d.id}, "entities": ents, "forecasts": forecasts}, version="t")
        return d.id

    marta = {"name": "Marta Lindqvist", "entity_id": "e1"}
    save("Marta Lindqvist said the toll would rise and the ferry would stop. Norvikgaz said prices fall.",
         "2024-05-01", [("Marta Lindqvist", "PERSON"), ("Norvikgaz", "ORG")],
         [_forecast(1, 16, 40, who=marta, deadline="2025", p=0.8),
          _forecast(2, 45, 66, who=marta, deadline="2030", p=0.6),
          _forecast(3, 78, 89, who={"name": "Norvikgaz", "entity_id": "e2"}, deadline="2025-03", p=0.9)])
    save("Марта Линдквист заявила, что пошлина вырастет.", "2024-07-02", [("Марта Линдквист", "PERSON")],
         [_forecast(1, 25, 46, who={"name": "Марта Линдквист", "entity_id": "e1"}, deadline="2026-05-31", p=0.3)])
    save("Analysts expect the canal to silt up. The Harbour Act says the pier will grow by 1130.", "2025-01-09",
         [("Harbour Act", "LAW")],
         [_forecast(1, 9, 36, who={"name": "Analysts", "entity_id": None}, deadline="2026-06", p=0.5),
          _forecast(2, 58, 84, who={"name": "Harbour Act", "entity_id": "e1"}, deadline="1130", p=0.5)])
    save("Norvik Gas Company expects the terminal to close.", "2025-02-03", [("Norvik Gas Company", "ORG")],
         [_forecast(1, 27, 49, who={"name": "Norvik Gas Company", "entity_id": "e1"}, deadline="2027", p=0.2)])
    [gaz], [gas] = store.find_entities("Norvikgaz"), store.find_entities("Norvik Gas Company")
    assert gaz.id != gas.id
    store.merge_entities(gaz.id, gas.id)  # the analyst links what the linker could not
    latin = store.find_entities("Marta Lindqvist")[0]
    keys = {r["key"]: r for r in store.forecast_page(today=LEDGER_TODAY, limit=100).rows}
    by_deadline = {(r["deadline"] or {}).get("value"): k for k, r in keys.items()}
    store.resolve_forecast(by_deadline["2025"], outcome=True, date=None, note=None)       # Marta, p 0.8
    store.resolve_forecast(by_deadline["2026-05-31"], outcome=False, date=None, note=None)  # Marta, p 0.3
    store.resolve_forecast(by_deadline["2026-06"], outcome=True, date=None, note=None)     # analysts
    store.resolve_forecast(by_deadline["2027"], outcome=False, date=None, note=None)       # Norvik Gas, p 0.2
    return latin.id


def test_forecast_pages_walk_every_forecast_once_with_counts_and_totals(store):
    marta = _ledger_library(store)
    everything = store.forecast_page(today=LEDGER_TODAY, limit=100)
    assert everything.after is None and len(everything.rows) == 7
    assert set(store.forecast_keys()) == {r["key"] for r in everything.rows}
    for order in ("recent", "dated", "deadline"):
        seen, after = [], None
        while True:  # two at a time, from cursor to cursor
            got = store.forecast_page(today=LEDGER_TODAY, order=order, after=after, limit=2)
            seen += got.rows
            if got.after is None:
                break
            after = got.after
        assert sorted(r["key"] for r in seen) == sorted(r["key"] for r in everything.rows)
        dated = [(r["published"], r["document"], r["start"]) for r in seen]
        if order == "recent":
            assert dated == sorted(dated, reverse=True)
        elif order == "dated":
            assert dated == sorted(dated)
            assert [r["item_id"] for r in seen] == [r["item_id"] for r in store.items("forecast")]
        else:
            assert [r["due"] or "~" for r in seen] == sorted(r["due"] or "~" for r in seen)
    row = {(r["deadline"] or {}).get("value"): r for r in everything.rows}
    assert row["2025"]["due"] == "2025-12-31" and row["2025-03"]["due"] == "2025-03-31"
    assert row["1130"]["due"] is None  # ended before the text was written: no deadline
    assert row["2025"]["holder"] == row["2026-05-31"]["holder"] == {"entity": marta, "name": "Marta Lindqvist",
                                                                    "type": "PERSON"}
    assert row["2026-06"]["holder"] is None and row["1130"]["holder"]["type"] == "LAW"
    assert row["2025"]["resolution"]["outcome"] is True and row["2030"]["resolution"] is None
    # Which: overdue is Norvikgaz's 2025-03 alone (Marta's 2025 is resolved); open the rest.
    shows = {show: {(r["deadline"] or {}).get("value") for r in
                    store.forecast_page(today=LEDGER_TODAY, show=show, limit=100).rows}
             for show in ("open", "overdue", "resolved", "unresolved")}
    assert shows == {"open": {"2030", "1130"}, "overdue": {"2025-03"},
                     "resolved": {"2025", "2026-05-31", "2026-06", "2027"},
                     "unresolved": {"2030", "1130", "2025-03"}}
    assert store.forecast_counts(today=LEDGER_TODAY) == {"open": 2, "overdue": 1, "resolved": 4}
    # Analysed again (its forecasts replaced), a document is counted once: the counts per due
    # day are kept with the forecasts.
    again = row["2025-03"]["document"]
    store.save_analysis(store.get_analysis(again), version="t2")
    assert store.forecast_counts(today=LEDGER_TODAY) == {"open": 2, "overdue": 1, "resolved": 4}
    assert store.forecast_counts(today="2031-01-01") == {"open": 1, "overdue": 2, "resolved": 4}  # 1130: never
    # By an entity (merged names count as one), held by a description, one key.
    mine = EntityLink(marta, ("speaker",))
    assert {r["key"] for r in store.forecast_page(today=LEDGER_TODAY, links=[mine]).rows} == \
        {row[v]["key"] for v in ("2025", "2030", "2026-05-31")}
    assert store.forecast_counts(today=LEDGER_TODAY, links=[mine]) == {"open": 1, "overdue": 0, "resolved": 2}
    for show in ("all", "resolved", "open"):  # held by her: the same forecasts, from the ledger's index
        assert {r["key"] for r in store.forecast_page(today=LEDGER_TODAY, show=show, held_by=marta).rows} == \
            {r["key"] for r in store.forecast_page(today=LEDGER_TODAY, show=show, links=[mine]).rows}
    assert store.forecast_counts(today=LEDGER_TODAY, held_by=marta) == {"open": 1, "overdue": 0, "resolved": 2}
    gaz_id = store.find_entities("Norvikgaz")[0].id  # and the name merged into it
    assert store.forecast_counts(today=LEDGER_TODAY, held_by=gaz_id) == {"open": 0, "overdue": 1, "resolved": 1}
    assert [r["key"] for r in store.forecast_page(today=LEDGER_TODAY, described="Analysts").rows] == \
        [row["2026-06"]["key"]]
    assert [r["key"] for r in store.forecast_page(today=LEDGER_TODAY, key=row["2030"]["key"]).rows] == \
        [row["2030"]["key"]]
    # Totals per entity after merges, by aggregates in the store.
    totals = {t.name: t for t in store.forecaster_totals(today=LEDGER_TODAY)}
    assert set(totals) == {"Marta Lindqvist", "Norvikgaz", "Harbour Act"}
    t = totals["Marta Lindqvist"]
    assert (t.entity, t.forecasts, t.resolved, t.overdue) == (marta, 3, 2, 0)
    assert t.squared_error == pytest.approx((0.8 - 1) ** 2 + 0.3 ** 2)
    assert [b[0] for b in t.bins] == [0, 1, 0, 0, 1] and t.bins[4][1:] == (pytest.approx(0.8), 1)
    gaz = totals["Norvikgaz"]  # and the name merged into it
    assert (gaz.forecasts, gaz.overdue, gaz.resolved, gaz.squared_error) == (2, 1, 1, pytest.approx(0.04))
    assert {t.name for t in store.forecaster_totals(today=LEDGER_TODAY, resolved_only=True)} == \
        {"Marta Lindqvist", "Norvikgaz"}
    assert [t.forecasts for t in store.forecaster_totals(today=LEDGER_TODAY, entities=[marta])] == [3]
    with pytest.raises(ValueError, match="not a ledger page cursor"):
        store.forecast_page(today=LEDGER_TODAY, after="bm9wZQ")
    with pytest.raises(ValueError, match="unknown ledger view"):
        store.forecast_page(today=LEDGER_TODAY, show="someday")


def test_ledger_scores_from_store_totals_equal_scores_over_every_entry(store):
    """The Brier score and calibration the store's aggregates give are what scoring every
    ledger entry in Python gives (resolved and unresolved forecasts, several holders, merged
    names, a description and a law that are no forecasters)."""
    from datetime import date

    from clipfile.ledger import ledger, scores

    _ledger_library(store)
    today = date.fromisoformat(LEDGER_TODAY)
    from_store = scores(store, today=today)
    in_python = scores(store, entries=ledger(store, today=today))
    assert [s["forecaster"] for s in from_store] == [s["forecaster"] for s in in_python] == \
        ["Norvikgaz", "Marta Lindqvist"]
    for a, b in zip(from_store, in_python):
        assert {k: v for k, v in a.items() if k not in ("brier", "calibration")} == \
            {k: v for k, v in b.items() if k not in ("brier", "calibration")}
        assert a["brier"] == pytest.approx(b["brier"], abs=1e-12) if b["brier"] is not None else a["brier"] is None
        assert a["calibration"] == [pytest.approx(row) if row["n"] else row for row in b["calibration"]]


def _books(store) -> tuple[list[tuple], list[tuple]]:
    """The forecasters' books the triggers kept, and the same counted afresh from the forecasts
    and resolutions: ``((kept counts, kept resolved), (counted, counted))`` sorted."""
    counted = ("SELECT i.holder, coalesce(i.due, '9999-99-99'), count(*),"
               " sum(CASE WHEN r.key IS NULL THEN 1 ELSE 0 END) FROM items i"
               " LEFT JOIN forecast_resolutions r ON r.key = i.fkey"
               " WHERE i.kind = 'forecast' AND i.holder IS NOT NULL GROUP BY 1, 2")
    prob = "json_extract(i.data, '$.probability')" if isinstance(store, SQLiteStore) else \
        "(i.data::jsonb ->> 'probability')"
    came = (f"SELECT i.holder, CAST(coalesce({prob}, '0.5') AS DOUBLE PRECISION),"
            " CASE WHEN r.outcome THEN 1 ELSE 0 END, count(*) FROM forecast_resolutions r"
            " JOIN items i ON i.fkey = r.key WHERE i.kind = 'forecast' AND i.holder IS NOT NULL GROUP BY 1, 2, 3")
    with store._read() as db:
        def rows(sql: str) -> list[tuple]:
            return sorted(tuple(float(v) if isinstance(v, float) else v if isinstance(v, str) else int(v)
                                for v in r) for r in db.execute(sql).fetchall())
        kept = (rows("SELECT holder, due, n, unresolved FROM forecast_holder_counts"),
                rows("SELECT holder, p, outcome, n FROM forecast_holder_resolved"))
        return kept, (rows(counted), rows(came))


def test_forecasters_books_are_kept_through_resolve_reanalysis_unresolve_and_merge(store):
    """The per-forecaster books the scores read (kept by triggers) equal the books counted
    afresh after each change, and the scores equal scoring every ledger entry."""
    from datetime import date

    from clipfile.ledger import ledger, scores

    marta = _ledger_library(store)
    today = date.fromisoformat(LEDGER_TODAY)

    def check() -> None:
        kept, counted = _books(store)
        assert kept == counted and kept[0] and all(r[2] > 0 for r in kept[0]) and all(r[3] > 0 for r in kept[1])
        from_store, in_python = scores(store, today=today), scores(store, entries=ledger(store, today=today))
        assert [{k: v for k, v in s.items() if k not in ("brier", "calibration")} for s in from_store] == \
            [{k: v for k, v in s.items() if k not in ("brier", "calibration")} for s in in_python]
        assert [s["brier"] for s in from_store] == [pytest.approx(s["brier"]) if s["brier"] is not None else None
                                                    for s in in_python]

    check()
    rows = {(r["deadline"] or {}).get("value"): r for r in store.forecast_page(today=LEDGER_TODAY, limit=100).rows}
    store.resolve_forecast(rows["2025"]["key"], outcome=False, date=None, note="changed her mind")  # resolved again
    check()
    store.resolve_forecast(rows["2030"]["key"], outcome=True, date=None, note=None)
    check()
    for doc_id in {r["document"] for r in rows.values()}:  # analysed again: forecasts replaced, resolutions kept
        store.save_analysis(store.get_analysis(doc_id), version="t2")
        check()
    assert [t.resolved for t in store.forecaster_totals(today=LEDGER_TODAY, entities=[marta])] == [3]
    with store._tx() as db:  # a resolution taken back (no command does it yet: the triggers must)
        db.execute("DELETE FROM forecast_resolutions WHERE key = " + ("?" if isinstance(store, SQLiteStore) else "%s"),
                   (rows["2030"]["key"],))
    check()
    assert [(t.resolved, t.overdue) for t in store.forecaster_totals(today="2031-01-01", entities=[marta])] == [(2, 1)]
    gaz = store.find_entities("Norvikgaz")[0]
    store.merge_entities(marta, gaz.id)  # merged after the books were kept: summed when read
    check()
    totals = {t.name: (t.forecasts, t.resolved) for t in store.forecaster_totals(today=LEDGER_TODAY)}
    assert totals == {"Marta Lindqvist": (5, 3), "Harbour Act": (1, 0)}  # her 3 and the merged 2


def test_a_migrated_library_gets_its_forecast_columns_filled(library_url):
    """A library from before the ledger columns (rewound: columns emptied, version set back)
    gets them filled from its stored forecasts when opened."""
    with open_store(library_url) as store:
        _ledger_library(store)
        before = store.forecast_page(today=LEDGER_TODAY, limit=100).rows
    if library_url.startswith("sqlite"):
        import sqlite3

        from clipfile.store.sqlite import MIGRATIONS as steps
        from clipfile.store.sqlite import _forecast_columns as step

        db = sqlite3.connect(library_url.removeprefix("sqlite:///"))
        db.execute("UPDATE items SET fkey = NULL, holder = NULL, due = NULL, dated = NULL")
        db.execute("DROP TABLE forecast_due_counts")
        db.execute(f"PRAGMA user_version = {steps.index(step)}")
        db.commit()
        db.close()
    else:
        import psycopg

        from clipfile.store.postgres import MIGRATIONS as pg_steps
        from clipfile.store.postgres import _forecast_columns as pg_step

        with psycopg.connect(library_url, autocommit=True) as db:
            db.execute("UPDATE items SET fkey = NULL, holder = NULL, due = NULL, dated = NULL")
            db.execute("DROP TABLE forecast_due_counts")
            db.execute("UPDATE clipfile_schema SET version = %s", (pg_steps.index(pg_step),))
    with open_store(library_url) as store:
        assert store.forecast_page(today=LEDGER_TODAY, limit=100).rows == before
        assert store.forecast_counts(today=LEDGER_TODAY) == {"open": 2, "overdue": 1, "resolved": 4}
        kept, counted = _books(store)
        assert kept == counted and kept[0] and kept[1]


# -- kept entity counts ---------------------------------------------------------------------------

def _raw(library_url: str):
    """A plain connection to the library (foreign keys on, as the store has them) and its
    placeholder, for checks the store's API does not expose."""
    if library_url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(library_url.removeprefix("sqlite:///"), isolation_level=None)
        db.execute("PRAGMA foreign_keys=ON")
        return db, "?"
    import psycopg

    return psycopg.connect(library_url, autocommit=True), "%s"


def _rewind(library_url: str, *, sqlite: list[str], sqlite_step: Any, postgresql: list[str],
            postgresql_step: Any) -> None:
    """Undo a migration by hand (the backend's statements) and set the library's version back
    to before it, so that opening the library runs it again."""
    db, _ = _raw(library_url)
    try:
        if library_url.startswith("sqlite"):
            from clipfile.store.sqlite import MIGRATIONS as steps

            for statement in sqlite:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {steps.index(sqlite_step)}")
        else:
            from clipfile.store.postgres import MIGRATIONS as pg_steps

            for statement in postgresql:
                db.execute(statement)
            db.execute("UPDATE clipfile_schema SET version = %s", (pg_steps.index(postgresql_step),))
    finally:
        db.close()


def _counted_afresh(library_url: str, store) -> dict[int, tuple[int, int]]:
    """Every root entity's (mentions, documents) counted from the mentions and links, as
    get_entity did before the counts were kept: documents naming it, or where it is linked to an
    item in another role than "mentioned", once each, over all the members of a merged one."""
    db, mark = _raw(library_url)
    merged = ("WITH RECURSIVE m(id) AS (SELECT CAST({0} AS BIGINT) UNION SELECT e.id FROM entities e"
              " JOIN m ON e.merged_into = m.id) SELECT id FROM m").format(mark)
    try:
        roots = [r[0] for r in db.execute("SELECT id FROM entities WHERE merged_into IS NULL").fetchall()]
        out = {}
        for eid in roots:
            n_mentions = db.execute(f"SELECT count(*) FROM mentions WHERE entity_id IN ({merged})",
                                    (eid,)).fetchone()[0]
            n_docs = db.execute(
                f"SELECT count(*) FROM (SELECT doc_id FROM mentions WHERE entity_id IN ({merged})"
                f" UNION SELECT i.doc_id FROM item_entities ie JOIN items i ON i.id = ie.item_id"
                f" WHERE ie.entity_id IN ({merged}) AND ie.role != 'mentioned') x", (eid, eid)).fetchone()[0]
            out[eid] = (int(n_mentions), int(n_docs))
    finally:
        db.close()
    return out


def _kept(store) -> dict[int, tuple[int, int]]:
    return {e.id: (e.mention_count, e.document_count) for e in store.list_entities(limit=1000)}


def _meeting(d, names: list[str], *, speaker: str | None = None, quoted: str = "the fees") -> dict[str, Any]:
    """An analysis naming each of ``names`` wherever it occurs in ``d``, with one quote of
    ``speaker`` (who need not be named in the text: a transcript's speaker)."""
    entities = []
    for k, name in enumerate(names, 1):
        spans = [m.start() for m in re.finditer(re.escape(name), d.text)]
        entities.append({"id": f"e{k}", "name": name, "type": "PERSON", "aliases": [],
                         "mentions": [{"start": s, "end": s + len(name), "text": name, "label": "PERSON"}
                                      for s in spans]})
    analysis: dict[str, Any] = {"document": {"id": d.id}, "entities": entities}
    if speaker:
        if speaker not in names:
            entities.append({"id": f"e{len(entities) + 1}", "name": speaker, "type": "PERSON",
                             "aliases": [], "mentions": []})
        ref = next(e["id"] for e in entities if e["name"] == speaker)
        q = d.text.index(quoted)
        analysis["quotes"] = [{"id": "q1", "start": q, "end": q + len(quoted), "text": quoted,
                               "kind": "indirect", "speaker": {"name": speaker, "entity_id": ref}}]
    return analysis


def _months_afresh(library_url: str, eid: int) -> list[tuple[str | None, int]]:
    """An entity's mentions (its members' included) per month of publication, counted from
    every mention: undated documents (and a year alone) under None, last."""
    from collections import Counter

    db, mark = _raw(library_url)
    merged = ("WITH RECURSIVE m(id) AS (SELECT CAST({0} AS BIGINT) UNION SELECT e.id FROM entities e"
              " JOIN m ON e.merged_into = m.id) SELECT id FROM m").format(mark)
    try:
        dates = [r[0] for r in db.execute(f"SELECT d.published FROM mentions x JOIN documents d ON d.id = x.doc_id"
                                          f" WHERE x.entity_id IN ({merged})", (eid,)).fetchall()]
    finally:
        db.close()
    months = Counter(p[:7] if p and re.match(r"\d{4}-\d{2}", p) else None for p in dates)
    return sorted(months.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def _newest_items_agree(store, eid: int) -> None:
    """An entity's items by it, about it and either, newest first, read a page at a time from
    its links (limit, offset), are the pages of the whole list read newest first, which is the
    oldest-first list turned round (the latest stored item first within a date)."""
    from clipfile.read import items as it

    for kind in ("quote", "claim"):
        for read in (it.by, it.about, it.by_or_about):
            whole = read(store, eid, kind, newest=True)
            oldest = read(store, eid, kind)
            assert sorted(x["item_id"] for x in whole) == sorted(x["item_id"] for x in oldest)
            dates = [(x["published"] or store.get_document(x["document"]).ingested, x["item_id"]) for x in whole]
            assert dates == sorted(dates, reverse=True)
            for limit in range(1, len(whole) + 2):
                for offset in (0, 1):
                    assert read(store, eid, kind, newest=True, limit=limit, offset=offset) == \
                        whole[offset:offset + limit]


def test_an_entitys_newest_items_are_read_from_its_links(store):
    """The entity page's lists: an entity's newest items of a kind, by it, about it (not by it)
    and either, read from its links a page at a time, with the other filters; an entity with
    others merged into it has their items too, an item linked to two of them once."""
    from clipfile.read import items as it

    texts = ["Ivo Marek said Marta Kell would resign over the fees.",
             "Marta Kell said the fees were fair, and Ivo Marek agreed.",
             "Ivo Marek said the quay would reopen.",
             "Oren Vadik said Ivo Marek was wrong about the fees."]
    for k in range(12):
        text = texts[k % 4]
        d = doc(f"{text} Report {k}.", language="en", published=None if k == 5 else f"2024-{k % 6 + 1:02d}-{k + 1:02d}")
        store.add_document(d)
        speaker = text.split(" said")[0]
        names = [n for n in ("Ivo Marek", "Marta Kell", "Oren Vadik") if n in text]
        analysis = _meeting(d, names, speaker=speaker, quoted=text[len(speaker) + 6:-1])
        analysis["claims"] = [{**analysis["quotes"][0], "id": "c1", "status": ("hedged", "asserted")[k % 2],
                               "source": analysis["quotes"][0]["speaker"]}]
        save_linked(store, analysis, version="t")
    marek, kell, vadik = (store.find_entities(n)[0] for n in ("Ivo Marek", "Marta Kell", "Oren Vadik"))
    for x in (marek, kell, vadik):
        _newest_items_agree(store, x.id)
    by = it.by(store, marek.id, "quote", newest=True)
    assert len(by) == 6 and all(q["speaker"]["name"] == "Ivo Marek" for q in by)
    assert [q["published"] for q in by[:2]] == ["2024-05-11", "2024-05-05"]
    about = it.about(store, marek.id, "quote", newest=True, limit=2)
    assert [q["speaker"]["name"] for q in about] == ["Marta Kell", "Oren Vadik"]  # Kell names him, undated
    # other filters hold on the walk: a footing, a second entity
    hedged = it.by(store, marek.id, "claim", newest=True, limit=3, footing="hedged")
    assert hedged == [c for c in it.by(store, marek.id, "claim", newest=True) if c["status"] == "hedged"][:3]
    both = store.items("quote", links=[EntityLink(marek.id, ("speaker",)), EntityLink(kell.id, ("mentioned",))],
                       newest=True, limit=10)
    assert both and all("Marta Kell" in q["text"] for q in both)
    # merged: Kell's items are Marek's too; a quote by one naming the other is listed once
    store.merge_entities(marek.id, kell.id)
    _newest_items_agree(store, marek.id)
    either = it.by_or_about(store, marek.id, "quote", newest=True, limit=100)
    assert len(either) == len({q["item_id"] for q in either}) == 12
    by = it.by(store, marek.id, "quote", newest=True, limit=100)
    assert len(by) == 9 and by[0]["published"] is None  # an undated document by the time it came in
    assert [q["speaker"]["name"] for q in it.about(store, marek.id, "quote", newest=True, limit=100)] == ["Oren Vadik"] * 3


def test_kept_entity_counts_equal_counts_made_afresh(store, library_url):
    """Each entity's mentions and documents are kept as rows are written; after adds,
    re-analyses, a merge, a split and a deleted document they equal the counts made from every
    mention and link, and the list is in the order of those counts (own mentions, then name)."""
    a = doc("Ivo Marek met Marta Kell. Later Ivo Marek said the fees would rise.", language="en",
            published="2024-03-02")
    b = doc("Marta Kell and Ivo Marek toured the quay; the fees were discussed.", language="en",
            published="2024-05-17T08:00:00")
    c = doc("Host: the fees stay. Guest: they rise.", kind="transcript", language="en")
    e = doc("Oren Vadik answered Marta Kell about the fees.", language="en", published="2023")
    for d in (a, b, c, e):
        store.add_document(d)

    def check():
        assert _kept(store) == _counted_afresh(library_url, store)
        listed = store.list_entities(limit=1000)
        db, mark = _raw(library_url)
        try:
            own = {r[0]: r[1] for r in db.execute(
                "SELECT e.id, count(m.entity_id) FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id"
                " WHERE e.merged_into IS NULL GROUP BY e.id").fetchall()}
        finally:
            db.close()
        assert [x.id for x in listed] == [x.id for x in sorted(listed, key=lambda x: (-own[x.id], x.name))]
        for x in listed:
            assert store.get_entity(x.id) == x
            # its documents, newest first: read either way (the whole list, or a walk for one)
            named = store.entity_documents(x.id, limit=50)
            assert store.entity_documents(x.id, limit=1) == named[:1]
            db, mark = _raw(library_url)
            try:
                members = [x.id] + [r[0] for r in db.execute(
                    f"SELECT id FROM entities WHERE merged_into = {mark}", (x.id,)).fetchall()]
                # the documents naming it, or linking it to an item in another role
                expected = {r[0] for m in members for r in db.execute(
                    f"SELECT doc_id FROM mentions WHERE entity_id = {mark} UNION SELECT i.doc_id FROM items i"
                    f" JOIN item_entities ie ON ie.item_id = i.id WHERE ie.entity_id = {mark}"
                    " AND ie.role <> 'mentioned'", (m, m)).fetchall()}
            finally:
                db.close()
            assert {d.id for d in named} == expected

        for x in listed:  # the kept mentions per month, and the newest items read from the links
            assert store.entity_mentions_by_month(x.id) == _months_afresh(library_url, x.id)
            _newest_items_agree(store, x.id)

    save_linked(store, _meeting(a, ["Ivo Marek", "Marta Kell"], speaker="Ivo Marek"), version="t")
    save_linked(store, _meeting(b, ["Marta Kell", "Ivo Marek"]), version="t")
    # a speaker who is not named in the text: his document counts, no mention does
    save_linked(store, _meeting(c, [], speaker="Oren Vadik"), version="t")
    save_linked(store, _meeting(e, ["Oren Vadik", "Marta Kell"], speaker="Oren Vadik"), version="t")
    check()
    marek, kell, vadik = (store.find_entities(n)[0] for n in ("Ivo Marek", "Marta Kell", "Oren Vadik"))
    assert [(x.mention_count, x.document_count) for x in (marek, kell, vadik)] == [(3, 2), (3, 3), (1, 2)]
    # re-analysis: items and mentions replaced (Marek no longer named twice in a, nor speaking)
    save_linked(store, _meeting(a, ["Marta Kell"], speaker="Marta Kell"), version="t2")
    check()
    save_linked(store, _meeting(a, ["Ivo Marek", "Marta Kell"], speaker="Ivo Marek"), version="t3")
    save_linked(store, _meeting(c, [], speaker="Oren Vadik"), version="t3")  # the same again
    check()
    # a merge: a document naming both counts once for the merged entity
    merged = store.merge_entities(kell.id, marek.id)
    assert (merged.mention_count, merged.document_count) == (6, 3)
    check()
    # a split moves mentions (Marek's name) out into an entity of their own
    split = store.split_entity(kell.id, "Ivo Marek")
    assert (split.mention_count, split.document_count) == (3, 2)
    assert (store.get_entity(kell.id).mention_count, store.get_entity(kell.id).document_count) == (3, 3)
    check()
    # a merge whose members were linked by statements only
    store.merge_entities(vadik.id, split.id)
    check()
    # a document deleted: its mentions, items and their links go with it
    db, mark = _raw(library_url)
    try:
        db.execute(f"DELETE FROM analyses WHERE doc_id = {mark}", (e.id,))
        db.execute(f"DELETE FROM documents WHERE id = {mark}", (e.id,))
    finally:
        db.close()
    check()
    assert (store.get_entity(vadik.id).mention_count, store.get_entity(vadik.id).document_count) == (3, 3)


def test_a_library_from_before_kept_entity_counts_gets_them_on_open(library_url):
    """A library rewound to before the kept counts (no count table, triggers or listing index,
    the columns dropped) gets them counted when opened, and kept from then on."""
    with open_store(library_url) as store:
        harbour_reports(store, 5)
        before = _kept(store)
        assert before == _counted_afresh(library_url, store)
    from clipfile.store.postgres import MIGRATIONS as pg_steps
    from clipfile.store.sqlite import _entity_counts

    _rewind(library_url, sqlite=[*(f"DROP TRIGGER {t}" for t in (
        "mentions_entity_counted", "mentions_entity_uncounted", "mentions_entity_moved", "item_entities_counted",
        "items_entities_uncounted")), "DROP INDEX entities_listed", "ALTER TABLE entities DROP COLUMN mentions",
        "ALTER TABLE entities DROP COLUMN documents", "DROP TABLE entity_documents"], sqlite_step=_entity_counts,
        postgresql=[*(f"DROP TRIGGER {t} ON {table}" for t, table in (
            ("mentions_counted", "mentions"), ("item_entities_counted", "item_entities"),
            ("items_links_uncounted", "items"))), "DROP TABLE entity_documents",
            "ALTER TABLE entities DROP COLUMN mentions, DROP COLUMN documents"],
        postgresql_step=next(step for step in pg_steps if "TABLE IF NOT EXISTS entity_documents" in str(step)))
    with open_store(library_url) as store:
        assert _kept(store) == before
        more = doc("Ivo Marek and Oren Vadik said the harbour fees would rise.", language="en")
        store.add_document(more)
        save_linked(store, _meeting(more, ["Ivo Marek", "Oren Vadik"], speaker="Ivo Marek",
                                    quoted="the harbour fees"), version="t")
        assert _kept(store) == _counted_afresh(library_url, store) != before


def test_a_library_from_before_the_forecasters_books_gets_them_counted(library_url):
    """A library from before the books (rewound: books emptied, version set back before their
    migration) gets them counted when opened; run again over its own work, nothing changes."""
    with open_store(library_url) as store:
        _ledger_library(store)
        kept_before, _ = _books(store)
    for _ in range(2):
        if library_url.startswith("sqlite"):
            import sqlite3

            from clipfile.store.sqlite import MIGRATIONS as steps
            from clipfile.store.sqlite import _forecast_books as step

            db = sqlite3.connect(library_url.removeprefix("sqlite:///"))
            db.execute("DELETE FROM forecast_holder_counts")
            db.execute("DELETE FROM forecast_holder_resolved")
            db.execute(f"PRAGMA user_version = {steps.index(step)}")
            db.commit()
            db.close()
        else:
            import psycopg

            from clipfile.store.postgres import MIGRATIONS as pg_steps
            from clipfile.store.postgres import _forecast_books as pg_step

            with psycopg.connect(library_url, autocommit=True) as db:
                db.execute("DELETE FROM forecast_holder_counts")
                db.execute("DELETE FROM forecast_holder_resolved")
                db.execute("UPDATE clipfile_schema SET version = %s", (pg_steps.index(pg_step),))
        with open_store(library_url) as store:
            kept, counted = _books(store)
            assert kept == counted == kept_before


def test_a_library_from_before_the_entity_pages_gets_its_links_dated_and_months_counted(library_url):
    """A library rewound to before the entity pages' schema (links without kind and date, no
    months table, triggers or index) gets them filled when opened, and kept from then on."""
    with open_store(library_url) as store:
        harbour_reports(store, 7)
        roots = [e.id for e in store.list_entities()]
        months = {eid: store.entity_mentions_by_month(eid) for eid in roots}
        assert months == {eid: _months_afresh(library_url, eid) for eid in roots}
    from clipfile.store.postgres import _ENTITY_PAGES
    from clipfile.store.postgres import MIGRATIONS as pg_steps
    from clipfile.store.sqlite import _entity_pages

    _rewind(library_url, sqlite=[*(f"DROP TRIGGER {t}" for t in (
        "mentions_month_counted", "mentions_month_uncounted", "mentions_month_moved", "documents_mentions_first",
        "documents_redated")), "DROP INDEX item_entities_listed",
        "CREATE INDEX item_entities_entity_item ON item_entities(entity_id, role, item_id)",
        "ALTER TABLE item_entities DROP COLUMN kind", "ALTER TABLE item_entities DROP COLUMN at",
        "DROP TABLE entity_months"], sqlite_step=_entity_pages,
        # the mentions' trigger as migration 4 made it (no months)
        postgresql=["DROP TRIGGER documents_mentions_first ON documents", "DROP TRIGGER documents_redated ON documents",
                    "DROP TABLE entity_months", pg_steps[3], "ALTER TABLE item_entities DROP COLUMN kind, DROP COLUMN at",
                    "CREATE INDEX item_entities_entity ON item_entities (entity_id, role)"],
        postgresql_step=_ENTITY_PAGES)
    with open_store(library_url) as store:
        assert {eid: store.entity_mentions_by_month(eid) for eid in roots} == months
        for eid in roots:
            _newest_items_agree(store, eid)
        more = doc("Ivo Marek and Oren Vadik said the harbour fees would rise.", language="en", published="2023-11-30")
        store.add_document(more)
        save_linked(store, _meeting(more, ["Ivo Marek", "Oren Vadik"], speaker="Ivo Marek",
                                    quoted="the harbour fees"), version="t")
        marek = store.find_entities("Ivo Marek")[0]
        assert store.entity_mentions_by_month(marek.id) == _months_afresh(library_url, marek.id) != months[marek.id]
        _newest_items_agree(store, marek.id)


def test_co_mentioned_entities_are_counted_over_the_newest_documents(store):
    """Co-mentioned entities are counted over the entity's newest ``sample`` documents (its
    (entity, document) rows by date); when it is in more, the counts are scaled to all of its
    documents (estimates).  A document naming two members of a merged entity is one of them."""
    for k, (text, names) in enumerate([
            ("Ivo Marek met Marta Kell.", ["Ivo Marek", "Marta Kell"]),
            ("Ivo Marek and Marta Kell toured with Olek Brandt.", ["Ivo Marek", "Marta Kell", "Olek Brandt"]),
            ("Ivo Marek thanked Olek Brandt.", ["Ivo Marek", "Olek Brandt"]),
            ("Pia Sorensen wrote to Ivo Marek.", ["Pia Sorensen", "Ivo Marek"]),
            ("Marta Kell and Pia Sorensen, without him.", ["Marta Kell", "Pia Sorensen"]),
            ("Pia Sorensen met Marta Kell again.", ["Pia Sorensen", "Marta Kell"]),
            ("Marta Kell answered Ivo Marek.", ["Marta Kell", "Ivo Marek"])]):
        _mentioned(store, text, names, f"2024-03-0{k + 1}")
    marek, kell, sorensen = (store.find_entities(n)[0] for n in ("Ivo Marek", "Marta Kell", "Pia Sorensen"))

    def named(eid, **kw):
        return dict((e.name, n) for e, n in store.co_mentioned_entities(eid, **kw))

    every = named(marek.id)
    assert every == {"Marta Kell": 3, "Olek Brandt": 2, "Pia Sorensen": 1}
    assert named(marek.id, sample=5) == named(marek.id, sample=50) == every  # he is in 5: exact
    # his newest 3 (the 7th, 4th and 3rd) name each of the others once: 1 × 5/3, rounded
    assert named(marek.id, sample=3) == {"Marta Kell": 2, "Olek Brandt": 2, "Pia Sorensen": 2}
    assert [d.published for d in store.entity_documents(marek.id, limit=3)] == ["2024-03-07", "2024-03-04", "2024-03-03"]
    # merged: Kell and Sorensen are in 6 documents; their newest 2 are the 7th and the 6th (which
    # names both: one document), so Marek is counted once among 2 and scaled to 6
    store.merge_entities(kell.id, sorensen.id)
    assert [d.published for d in store.entity_documents(kell.id, limit=3)] == ["2024-03-07", "2024-03-06", "2024-03-05"]
    assert named(kell.id, sample=2) == {"Ivo Marek": 3}
    assert named(kell.id, sample=6) == named(kell.id) == {"Ivo Marek": 4, "Olek Brandt": 1}


def _dates_afresh(library_url: str) -> list[tuple[Any, ...]]:
    """Every (entity, document) row whose date is not its document's."""
    db, _ = _raw(library_url)
    try:
        return [tuple(r) for r in db.execute(
            "SELECT x.entity_id, x.doc_id, x.at FROM entity_documents x JOIN documents d ON d.id = x.doc_id"
            " WHERE x.at <> coalesce(d.published, d.ingested)").fetchall()]
    finally:
        db.close()


def test_a_library_from_before_dated_entity_documents_gets_them_dated_on_open(library_url):
    """A library rewound to before the (entity, document) rows were dated (no date, index or
    trigger) gets them dated when opened, and kept from then on; its pages read the same."""
    with open_store(library_url) as store:
        harbour_reports(store, 7)
        roots = [e.id for e in store.list_entities()]
        before = {eid: (store.entity_documents(eid), store.co_mentioned_entities(eid)) for eid in roots}
        browse = store.search_page("", kinds=("quote",), source=OUTLETS[0], date_from="2019-01-01", date_to="2025-06")
    assert _dates_afresh(library_url) == []
    from clipfile.store.postgres import _ENTITY_DATES
    from clipfile.store.postgres import MIGRATIONS as pg_steps
    from clipfile.store.sqlite import _entity_dates

    _rewind(library_url, sqlite=[
        "DROP INDEX entity_documents_dated", "DROP INDEX documents_source_dated", "DROP TRIGGER documents_entities_redated",
        "ALTER TABLE entity_documents DROP COLUMN at"], sqlite_step=_entity_dates,
        # the rows' function as migration 4 made it (no date)
        postgresql=["DROP INDEX entity_documents_dated", "DROP INDEX documents_source_dated",
                    "DROP TRIGGER documents_entities_redated ON documents",
                    "ALTER TABLE entity_documents DROP COLUMN at", pg_steps[3]],
        postgresql_step=_ENTITY_DATES)
    with open_store(library_url) as store:
        assert _dates_afresh(library_url) == []
        assert {eid: (store.entity_documents(eid), store.co_mentioned_entities(eid)) for eid in roots} == before
        assert store.search_page("", kinds=("quote",), source=OUTLETS[0], date_from="2019-01-01",
                                 date_to="2025-06") == browse
        more = doc("Ivo Marek and Oren Vadik said the harbour fees would rise.", language="en", published="2031-11-30")
        store.add_document(more)
        save_linked(store, _meeting(more, ["Ivo Marek", "Oren Vadik"], speaker="Ivo Marek",
                                    quoted="the harbour fees"), version="t")
        marek = store.find_entities("Ivo Marek")[0]
        assert store.entity_documents(marek.id, limit=1)[0].id == more.id
    assert _dates_afresh(library_url) == []
