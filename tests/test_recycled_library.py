"""Recycled text across the library: a paragraph copied by a second outlet points to the first."""
from __future__ import annotations

import json

from clipfile.library import Library

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
