"""Recycled text across the library: a paragraph copied by a second outlet points to the first."""
from __future__ import annotations

import json

from clipfile.library import Library
from clipfile.store.sqlite import MIGRATIONS, SCHEMA_VERSION
from clipfile.store.sqlite_recycled import MIGRATION as RECYCLED_MIGRATION

SHARED = ("The regional water board confirmed on Thursday that the reservoir at Kessel Falls had dropped "
          "to its lowest level in nineteen years, and that rationing would begin in the northern districts.")


def _record(title, published, body):
    return json.dumps({"title": title, "published": published, "source": title.split()[0], "text": body})


def test_copied_paragraph_points_to_the_earliest_copy(tmp_path):
    feed = tmp_path / "wire.jsonl"
    feed.write_text("\n".join([
        _record("Courier reservoir report", "2024-03-01",
                f"Reservoir falls\n\n{SHARED}\n\nFarmers said they had expected worse.\n"),
        _record("Ledger drought story", "2024-03-02",
                f"Drought tightens\n\nShops ran out of bottled water on Friday.\n\n{SHARED}\n"),
    ]) + "\n", encoding="utf-8")
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        assert lib.ingest([str(feed)]).count("new") == 2
        [first, second] = sorted(lib.store.list_documents(), key=lambda d: d.published)
        dups = lib.store.items("duplicate", doc_id=second.id)
        [dup] = [d for d in dups if d["of"]["document"] != second.id]
        text = lib.store.get_document(second.id).text
        assert text[dup["start"]:dup["end"]] == SHARED
        assert dup["of"]["document"] == first.id and dup["similarity"] == 1.0
        first_text = lib.store.get_document(first.id).text
        assert first_text[dup["of"]["start"]:dup["of"]["end"]] == SHARED
        assert not [d for d in lib.store.items("duplicate", doc_id=first.id) if d["of"]["document"] != first.id]
    # The index is saved with the library: a new session, and a re-analysis, find the same.
    with Library(path) as lib:
        lib.reanalyze(everything=True)
        assert any(d["of"]["document"] == first.id for d in lib.store.items("duplicate", doc_id=second.id))


def test_an_older_copy_ingested_later_becomes_the_origin(tmp_path):
    newer = tmp_path / "newer.jsonl"
    newer.write_text(_record("Ledger drought story", "2024-03-05",
                             f"Drought tightens\n\nShops ran out of bottled water on Friday.\n\n{SHARED}\n") + "\n",
                     encoding="utf-8")
    older = tmp_path / "older.jsonl"
    older.write_text(_record("Courier reservoir report", "2024-03-01",
                             f"Reservoir falls\n\n{SHARED}\n\nFarmers said they had expected worse.\n") + "\n",
                     encoding="utf-8")
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.ingest([str(newer)])
        [late] = lib.store.list_documents()
        assert not [d for d in lib.store.items("duplicate", doc_id=late.id) if d["of"]["document"] != late.id]
        lib.ingest([str(older)])  # the archive's older copy arrives afterwards
        early = next(d for d in lib.store.list_documents() if d.id != late.id)
        [dup] = [d for d in lib.store.items("duplicate", doc_id=late.id) if d["of"]["document"] != late.id]
        assert dup["of"]["document"] == early.id
        assert lib.store.get_analysis(late.id)["duplicates"][-1]["of"]["document"] == early.id
        assert not [d for d in lib.store.items("duplicate", doc_id=early.id) if d["of"]["document"] != early.id]


LIFTED = ("Engineers from the water board said the old dam at Kessel Falls would need new sluice gates "
          "before the autumn rains.")


def _cross(lib, doc_id):
    """A document's duplicates into other documents: (copied text, earlier document, its text)."""
    text = lib.store.get_document(doc_id).text
    out = []
    for d in lib.store.items("duplicate", doc_id=doc_id):
        if d["of"]["document"] != doc_id:
            of = d["of"]
            other = lib.store.get_document(of["document"]).text
            out.append((text[d["start"]:d["end"]], of["document"], other[of["start"]:of["end"]]))
    analysis = [d for d in lib.store.get_analysis(doc_id)["duplicates"] if d["of"]["document"] != doc_id]
    assert len(analysis) == len(out)  # the analysis JSON and the item rows agree
    return sorted(out)


def _stories():
    """Five stories sharing a paragraph and a lifted sentence, newest first, one undated."""
    bodies = [
        ("Ledger", "2024-03-05", f"Drought tightens\n\nShops ran out of bottled water on Friday.\n\n{SHARED}\n"),
        ("Herald", None, f"Water watch\n\n{SHARED}\n\nVolunteers handed out cans at the station. {LIFTED}\n"),
        ("Gazette", "2024-03-03", f"Dam repairs\n\nThe mayor called an emergency meeting. {LIFTED}\n\n{SHARED}\n"),
        ("Post", "2024-03-02", f"Reservoir news\n\n{SHARED}\n\nFarmers asked for compensation. {LIFTED}\n"),
        ("Courier", "2024-03-01", f"Reservoir falls\n\n{SHARED}\n\n{LIFTED}\n\nFarmers said they had expected worse.\n"),
    ]
    return [json.dumps({"title": f"{src} story", "source": src, "language": "en", "text": body,
                        **({"published": pub} if pub else {})}) for src, pub, body in bodies]


def test_older_copies_arriving_in_reverse_order_become_the_origin(tmp_path):
    """Each older copy takes over as the origin of the shared passages of every later one,
    whether they arrive in separate runs or within one batch."""
    stories = _stories()
    for n, files in enumerate(([s] for s in stories), 1):
        (tmp_path / f"s{n}.jsonl").write_text(files[0] + "\n", encoding="utf-8")
    (tmp_path / "all.jsonl").write_text("\n".join(stories) + "\n", encoding="utf-8")
    runs = tmp_path / "runs.sqlite"
    with Library(runs) as lib:
        for n in range(1, 6):
            lib.ingest([str(tmp_path / f"s{n}.jsonl")])
    batch = tmp_path / "batch.sqlite"
    with Library(batch) as lib:
        lib.ingest([str(tmp_path / "all.jsonl")])
    results = []
    for path in (runs, batch):
        with Library(path) as lib:
            docs = {d.source: d.id for d in lib.store.list_documents()}
            courier = docs["Courier"]
            assert _cross(lib, courier) == []  # the oldest copy repeats nothing
            for src in ("Post", "Gazette", "Herald", "Ledger"):
                found = _cross(lib, docs[src])
                assert {of for _t, of, _o in found} == {courier}, src
                assert (SHARED, courier, SHARED) in found
                # the lifted sentence's paragraph is mostly that sentence: a near copy of it
                lifted = [o for t, _of, o in found if LIFTED in t]
                assert lifted == ([] if src == "Ledger" else [LIFTED])
            assert lib.store.recycled.pending() == []
            results.append({src: _cross(lib, i) for src, i in docs.items()})
    assert results[0] == results[1]


_KILL_AFTER = """
import os, sys
from clipfile.library import Library
from clipfile.store.sqlite import SCHEMA_VERSION
seen = 0
def stop(outcome):
    global seen
    seen += 1
    if seen == int(sys.argv[3]):
        os._exit(0)  # the process dies here: no close, no end-of-batch work
Library(sys.argv[1]).ingest([sys.argv[2]], on_item=stop)
"""


def test_a_killed_run_leaves_an_index_the_next_run_completes(tmp_path):
    import os
    import subprocess
    import sys

    feed = tmp_path / "stories.jsonl"
    feed.write_text("\n".join(_stories()) + "\n", encoding="utf-8")
    path = tmp_path / "lib.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", _KILL_AFTER, str(path), str(feed), "3"], check=True, env=env)
    with Library(path) as lib:
        # documents are stored a batch ahead of their analyses: three were analysed and saved
        analysed = [d.id for d in lib.store.list_documents() if lib.store.get_analysis(d.id)]
        assert len(analysed) == 3
        # every analysed document is in the index, and the older third story's later copies
        # still wait to be rewritten
        assert lib.store.recycled.unindexed() == []
        assert lib.store.recycled.pending() != []
        assert lib.store.recycled.unfiled() != []  # band keys the dead process held in memory
        lib.ingest([str(feed)])
        assert lib.store.recycled.pending() == [] and lib.store.recycled.unfiled() == []
        got = {d.source: _cross(lib, d.id) for d in lib.store.list_documents()}
    with Library(tmp_path / "whole.sqlite") as lib:
        lib.ingest([str(feed)])
        assert {d.source: _cross(lib, d.id) for d in lib.store.list_documents()} == got


def test_a_library_with_the_old_index_blob_is_converted(tmp_path):
    import sqlite3

    first = tmp_path / "first.jsonl"
    first.write_text(_record("Courier reservoir report", "2024-03-01",
                             f"Reservoir falls\n\n{SHARED}\n\nFarmers said they had expected worse.\n") + "\n",
                     encoding="utf-8")
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        lib.ingest([str(first)])
        [courier] = [d.id for d in lib.store.list_documents()]
    # Make it a library from before the index tables: the index as one blob.
    with sqlite3.connect(path) as db:
        for table in ("recycled_bands", "recycled_units", "recycled_passages", "recycled_documents",
                      "recycled_pending", "recycled_unfiled"):
            db.execute(f"DROP TABLE {table}")
        db.execute("INSERT INTO blobs VALUES ('recycled-index', x'7b7d', '2024-03-01T00:00:00+00:00')")
        db.execute(f"PRAGMA user_version = {MIGRATIONS.index(RECYCLED_MIGRATION)}")
    later = tmp_path / "later.jsonl"
    later.write_text(_record("Ledger drought story", "2024-03-02",
                             f"Drought tightens\n\nShops ran out of bottled water on Friday.\n\n{SHARED}\n") + "\n",
                     encoding="utf-8")
    with Library(path) as lib:
        assert lib.store.schema_version == SCHEMA_VERSION and lib.store.get_blob("recycled-index") is None
        lib.ingest([str(later)])
        ledger = next(d.id for d in lib.store.list_documents() if d.id != courier)
        assert [of for _t, of, _o in _cross(lib, ledger)] == [courier]
