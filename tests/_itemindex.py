"""Is a SQLite library's item index exactly what its items say (tests/test_store.py,
tests/test_store_scale.py)?  The index keeps no copy of the text, and FTS5's own
'integrity-check' cannot see a removal that left terms behind in such a table, so the terms at
every position of every row are compared with those of ``index_text`` of each item's text."""
from __future__ import annotations

import sqlite3

from clipfile.textindex import index_text


def item_index_postings(path) -> tuple[set, set]:
    """(terms the item index holds, terms it should hold), each a set of (term, rowid, position),
    after FTS5's own integrity check of the index has passed."""
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")
        db.execute("CREATE VIRTUAL TABLE temp.held USING fts5vocab(main, items_fts, instance)")
        db.execute("CREATE VIRTUAL TABLE temp.expected USING fts5(body, tokenize='unicode61 remove_diacritics 2')")
        db.executemany("INSERT INTO temp.expected (rowid, body) VALUES (?, ?)",
                       [(i, index_text(t)) for i, t in db.execute("SELECT id, text FROM items WHERE text != ''")])
        db.execute("CREATE VIRTUAL TABLE temp.wanted USING fts5vocab(temp, expected, instance)")
        held = set(db.execute("SELECT term, doc, offset FROM temp.held"))
        wanted = set(db.execute("SELECT term, doc, offset FROM temp.wanted"))
    finally:
        db.close()
    return held, wanted


def assert_item_index_sound(path) -> None:
    held, wanted = item_index_postings(path)
    assert held == wanted, (f"item index holds {sorted(held - wanted)[:5]} it should not"
                            f" and lacks {sorted(wanted - held)[:5]}")
