"""Grow a library built by ``bench/store_scale.py`` to k times its size by copying it (issue #17 item 5).

``store_scale.py`` writes every generated document through the store (``add_document`` and
``save_linked``): about 200 documents a second on a quiet 2-core machine, so a million documents
take well over an hour, and much longer on a loaded one.  The search costs measured there depend
on how the library's rows are laid out (how dense each word, phrase and filter is among the
newest rows, how large the indexes are), not on the texts being unique, so for a size the
builder cannot reach in time this script copies a built library's documents, analyses,
mentions, items and their entity links k-1 times in SQL: each copy gets new document ids
(the old id with one hex digit moved and the copy's number appended), new row ids after the
existing ones, and its full-text rows computed by the store's own :func:`index_text`.  The
counters the statistics read are kept by the same triggers as ever (items counted here, as the
store does).  Documents are not linked to versions and the recycled-text index is not copied.

Say so when reporting figures measured on such a library: every text occurs k times.

    .venv/bin/python bench/scale_copies.py SOURCE.sqlite TARGET.sqlite --times 10
    .venv/bin/python bench/store_scale.py --sizes 1000000 --keep DIR   # TARGET named DIR/scale-1000000.sqlite
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from clipfile.store.sqlite import SQLiteStore
from clipfile.textindex import index_text

DOC_COLUMNS = ("url, title, source, author, published, published_precision, fetched, ingested, language, kind,"
               " origin, text, metadata")


def grow(source: Path, target: Path, times: int) -> None:
    """Copy ``source`` to ``target`` and append ``times - 1`` copies of its rows."""
    SQLiteStore(source).close()  # migrated and checkpointed
    shutil.copyfile(source, target)
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA cache_size=-262144")
    db.create_function("ix", 1, lambda t: index_text(t or ""), deterministic=True)
    docs = db.execute("SELECT max(rowid) FROM documents").fetchone()[0]
    items = db.execute("SELECT max(id) FROM items").fetchone()[0]
    kinds = dict(db.execute("SELECT kind, count(*) FROM items GROUP BY 1").fetchall())
    t0 = time.perf_counter()
    for k in range(1, times):
        new_id = f"'d' || substr({{0}}, 3) || '{k:x}'"
        db.execute("BEGIN")
        db.execute(f"INSERT INTO documents (rowid, id, {DOC_COLUMNS}) SELECT rowid + {k * docs},"
                   f" {new_id.format('id')}, {DOC_COLUMNS} FROM documents WHERE rowid <= {docs} ORDER BY rowid")
        db.execute(f"INSERT INTO documents_fts (rowid, title, body) SELECT rowid, ix(title), ix(text) FROM documents"
                   f" WHERE rowid > {k * docs} ORDER BY rowid")
        db.execute(f"INSERT INTO analyses (doc_id, version, analyzed, data) SELECT {new_id.format('doc_id')}, version,"
                   f" analyzed, data FROM analyses WHERE doc_id IN (SELECT id FROM documents WHERE rowid <= {docs})")
        db.execute(f"INSERT INTO mentions (doc_id, entity_id, start, end, text) SELECT {new_id.format('doc_id')},"
                   f" entity_id, start, end, text FROM mentions WHERE doc_id IN"
                   f" (SELECT id FROM documents WHERE rowid <= {docs})")
        db.execute(f"INSERT INTO items (id, doc_id, kind, local_id, start, end, text, data) SELECT id + {k * items},"
                   f" {new_id.format('doc_id')}, kind, local_id, start, end, text, data FROM items"
                   f" WHERE id <= {items} ORDER BY id")
        db.execute(f"INSERT INTO items_fts (rowid, body) SELECT id, ix(text) FROM items WHERE id > {k * items}"
                   " AND text != '' ORDER BY id")
        db.execute(f"INSERT INTO item_entities (item_id, entity_id, role) SELECT item_id + {k * items}, entity_id,"
                   f" role FROM item_entities WHERE item_id <= {items}")
        db.executemany("INSERT INTO counters (name, n) VALUES (?, ?)"
                       " ON CONFLICT(name) DO UPDATE SET n = n + excluded.n",
                       [(f"item:{kind}", n) for kind, n in kinds.items()])
        db.execute("COMMIT")
        print(f"  copy {k + 1} of {times} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("target", type=Path)
    ap.add_argument("--times", type=int, default=10, help="the target holds this many copies of the source")
    args = ap.parse_args()
    if args.target.exists():
        raise SystemExit(f"{args.target} exists: give a new file")
    grow(args.source, args.target, args.times)


if __name__ == "__main__":
    main()
