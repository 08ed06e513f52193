"""The embedded library: one SQLite file in WAL mode with FTS5 indexes.

Every write that belongs together happens in one transaction (a document; a document's analysis),
so a run killed half-way leaves the library consistent and a re-run continues where it stopped.
The schema is versioned in ``PRAGMA user_version`` and migrated forward on open.
"""
from __future__ import annotations

import contextlib
import json
import queue
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Self, Sequence

from .. import deadline
from ..errors import Interrupted, NotFound, QueryError, StoreError
from ..forecast_fields import due_date, forecast_key, holder_id
from ..linking import entity_keys, is_weak
from ..records import Document
from ..textindex import index_text, snippet
from ..textsearch import index_form
from . import ledger_sql, sqlite_rank
from .base import (
    AddResult,
    DocumentSummary,
    EntityLink,
    EntityRecord,
    Facets,
    ForecasterTotals,
    ForecastPage,
    SearchHit,
    SearchPage,
    Store,
)
from .bounds import (
    ENTITY_SAMPLE,
    FACET_SAMPLE,
    FILTER_PROBES,
    FILTER_SCAN,
    MIN_SAMPLE,
    NARROW_SET,
    PROBE_BLOCK,
    PROBE_CHUNKS,
    RANK_WINDOW,
    SAMPLE_ROWS,
    date_bounds,
    rank_block,
)
from .chunks import Chunks, candidates, newest_below, read_chunks
from .facets import estimate
from .links_sql import linked_items, newest_documents, newest_items
from .query import SYNTAX_HINT, Phrase, Query, Term, parse_query
from .sqlite_fts import fts5_query
from .sqlite_rank import Scorer, bm25_is_cheap
from .sqlite_recycled import MIGRATION as _RECYCLED_TABLES
from .sqlite_recycled import SQLiteRecycled

__all__ = ["SQLiteStore", "SCHEMA_VERSION"]

def _contentless_documents_fts(db: sqlite3.Connection) -> None:
    """Migration 6: rebuild the document index without its copy of the text.

    Nothing reads text back from the index (snippets come from the stored text) and documents
    are never deleted, the one thing a contentless table makes harder.  The index form is copied
    from the old table, so no text is indexed again.  A table already contentless is left alone.
    """
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").fetchone()[0]
    if "content=''" in sql.replace(" ", ""):
        return
    db.execute("CREATE VIRTUAL TABLE documents_fts_terms USING fts5(title, body, content='',"
               " tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO documents_fts_terms (rowid, title, body) SELECT rowid, title, body FROM documents_fts")
    db.execute("DROP TABLE documents_fts")
    db.execute("ALTER TABLE documents_fts_terms RENAME TO documents_fts")


# The item index holds no copy of the item text (a contentless FTS5 table, migration 11), so an
# item leaves it by FTS5's 'delete' command given the terms it went in with: index_text of the
# item's text, recomputed.  That is only right while index_text gives what it gave then, so the
# library records the form the index was written in (textsearch.index_form: index_text's rules,
# Python's Unicode tables, the Russian stemmer and its version) under this state key, and every
# write to the index checks it first: a process with another form rebuilds the index from the
# items' text before it adds or removes anything (_check_items_index; also on open, as a
# migration would: _check_items_index_on_open).  A 'delete' with other
# terms than went in would leave the old terms pointing at a row that is gone (bm25() over it
# then fails as a damaged database) or at the next item given the same id (a false hit), and
# FTS5's 'integrity-check' cannot see it in a contentless table.
_ITEMS_FORM = "items_fts_form"
_ITEMS_FTS = ("CREATE VIRTUAL TABLE {name} USING fts5(body, content='',"
              " tokenize='unicode61 remove_diacritics 2')")
# An item's text holds a Cyrillic letter: the only words whose index form depends on the stemmer.
_CYRILLIC_GLOB = "*[\u0400-\u04ff]*"


def _contentless_items_fts(db: sqlite3.Connection) -> None:
    """Migration 11: rebuild the item index without its copy of the item text.

    The terms are copied from the old table (no text is indexed again) except for items whose
    text has a Cyrillic word: their index form depends on the Russian stemmer installed, so it
    is computed again and replaces the old one where they differ.  Every other word's form is
    its lower case, and ``index_text`` has not changed since the store began, so after this the
    index holds ``index_text`` of every item's text under this process's form, which is
    recorded.  A table already contentless is left alone (its recorded form is checked on open
    and before each write, see :func:`_check_items_index`).
    """
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'items_fts'").fetchone()[0]
    if "content=''" in sql.replace(" ", ""):
        return
    # The terms go to a temporary table first and the old index is dropped before the new one
    # is written, so the new one takes the pages the old one frees (the file does not grow).
    # Only rows of items that exist are kept (the index never held others; this makes sure).
    db.execute("CREATE TEMP TABLE items_fts_terms (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    db.execute("INSERT INTO temp.items_fts_terms (rowid, body) SELECT f.rowid, f.body FROM items_fts f"
               " CROSS JOIN items i ON i.id = f.rowid WHERE i.text != ''")
    changed: list[tuple[str, int]] = []
    rows = db.execute("SELECT t.rowid, t.body, i.text FROM temp.items_fts_terms t CROSS JOIN items i"
                      " ON i.id = t.rowid WHERE i.text GLOB ?", (_CYRILLIC_GLOB,))
    while batch := rows.fetchmany(5000):
        changed += [(form, rowid) for rowid, body, text in batch if (form := index_text(text)) != body]
    db.executemany("UPDATE temp.items_fts_terms SET body = ? WHERE rowid = ?", changed)
    db.execute("DROP TABLE items_fts")
    db.execute(_ITEMS_FTS.format(name="items_fts"))
    db.execute("INSERT INTO items_fts (rowid, body) SELECT rowid, body FROM temp.items_fts_terms ORDER BY rowid")
    db.execute("DROP TABLE temp.items_fts_terms")
    _record_items_form(db)


def _record_items_form(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (_ITEMS_FORM, json.dumps(index_form())))


def _check_items_index(db: sqlite3.Connection) -> None:
    """Before a write to the item index: rebuild it if it was written in another index form
    than this process's (another Clipfile, Python or stemmer version wrote it), so that what
    this process removes from it is exactly what went in.  One indexed lookup when it matches."""
    row = db.execute("SELECT value FROM state WHERE key = ?", (_ITEMS_FORM,)).fetchone()
    if row is None or json.loads(row[0]) != index_form():
        _rebuild_items_fts(db)


def _rebuild_items_fts(db: sqlite3.Connection) -> None:
    """Index every item's text again, in this process's index form (a contentless table)."""
    db.execute("DROP TABLE IF EXISTS items_fts")
    db.execute(_ITEMS_FTS.format(name="items_fts"))
    rows = db.execute("SELECT id, text FROM items WHERE text != '' ORDER BY id")
    while batch := rows.fetchmany(5000):
        db.executemany("INSERT INTO items_fts (rowid, body) VALUES (?, ?)",
                       [(item_id, index_text(text)) for item_id, text in batch])
    _record_items_form(db)


def _unindex_items(db: sqlite3.Connection, items: Sequence[tuple[int, str]]) -> None:
    """Take items ``(id, text)`` out of the item index, before their rows go: FTS5's 'delete'
    with the terms they were indexed with (an item with empty text was never indexed)."""
    db.executemany("INSERT INTO items_fts (items_fts, rowid, body) VALUES ('delete', ?, ?)",
                   [(item_id, index_text(text)) for item_id, text in items if text])


def _forecast_columns(db: sqlite3.Connection) -> None:
    """Migration 9: what the forecast ledger reads a page at a time by, in columns of ``items``
    (NULL for other kinds): ``fkey`` the forecast key, ``holder`` the forecaster's entity id,
    ``due`` the day after which it is overdue (:mod:`clipfile.forecast_fields`) and ``dated``
    its document's date; filled here from the stored forecasts, under partial indexes; and the
    forecasts per due day (``forecast_due_counts``), counted here once and kept since."""
    have = {r[1] for r in db.execute("PRAGMA table_info(items)")}
    for column, sql_type in (("fkey", "TEXT"), ("holder", "INTEGER"), ("due", "TEXT"), ("dated", "TEXT")):
        if column not in have:
            db.execute(f"ALTER TABLE items ADD COLUMN {column} {sql_type}")
    rows = db.execute("SELECT i.id, i.doc_id, i.data, d.published, d.ingested FROM items i"
                      " JOIN documents d ON d.id = i.doc_id WHERE i.kind = 'forecast'")
    while batch := rows.fetchmany(5000):
        db.executemany("UPDATE items SET fkey = ?, holder = ?, due = ?, dated = ? WHERE id = ?",
                       [(*_forecast_columns_of(json.loads(r[2]), r[1], r[3], r[4]), r[0]) for r in batch])
    for statement in _split_sql(_FORECAST_INDEXES):
        db.execute(statement)
    db.execute(ledger_sql.DUE_COUNTS_TABLE)
    db.execute("DELETE FROM forecast_due_counts")
    db.execute(ledger_sql.DUE_COUNTS_FILL)


_FORECAST_INDEXES = """
    CREATE INDEX IF NOT EXISTS items_forecast_dated ON items(dated, doc_id, start, id, due) WHERE kind = 'forecast';
    CREATE INDEX IF NOT EXISTS items_forecast_due ON items(coalesce(due, '9999-99-99'), id) WHERE kind = 'forecast';
    CREATE INDEX IF NOT EXISTS items_forecast_holder ON items(holder, due) WHERE kind = 'forecast';
    CREATE INDEX IF NOT EXISTS items_forecast_key ON items(fkey) WHERE kind = 'forecast';
"""


def _forecast_columns_of(item: dict[str, Any], doc_id: str, published: str | None,
                         ingested: str | None) -> tuple[str, int | None, str | None, str | None]:
    """``(fkey, holder, due, dated)`` of a forecast item of this document."""
    return (forecast_key({**item, "document": doc_id}), holder_id(item),
            due_date(item.get("deadline"), published), published or ingested)


# Each entity's own mentions and documents, kept on its row (``entities.mentions``,
# ``entities.documents``) by triggers as mentions and statement links are written, so that the
# entity list and pages read two numbers instead of counting every mention.  An entity is in a
# document if it is mentioned there or linked to one of its items in a role other than
# "mentioned" (a transcript's speaker known only from its captions).  A document must count once
# however many mentions and links put the entity there, and a trigger cannot tell that cheaply
# from the rows alone (the mentions index is by entity or by document, not by both, and the
# links are reached from an item), so ``entity_documents`` keeps, per (entity, document), how
# many such rows there are: the entity's document count changes only when that goes from 0 to 1
# or back to 0 — one primary-key seek per row written, whatever the size of the library or of
# the document.  It also answers a merged entity's documents exactly (distinct documents of
# its members), which cannot be summed.  An item's links are written once with the item and
# leave with it (the trigger is on the item: a cascaded delete of the links no longer sees
# the item's document).
_ENTITY_COUNTS = """
    CREATE TABLE IF NOT EXISTS entity_documents (
        entity_id INTEGER NOT NULL, doc_id TEXT NOT NULL, refs INTEGER NOT NULL,
        PRIMARY KEY (entity_id, doc_id)) WITHOUT ROWID;
    DELETE FROM entity_documents;
    INSERT INTO entity_documents (entity_id, doc_id, refs)
        SELECT entity_id, doc_id, count(*) FROM (
            SELECT entity_id, doc_id FROM mentions
            UNION ALL SELECT ie.entity_id, i.doc_id FROM item_entities ie JOIN items i ON i.id = ie.item_id
                WHERE ie.role != 'mentioned')
        GROUP BY 1, 2;
    UPDATE entities SET
        mentions = (SELECT count(*) FROM mentions m WHERE m.entity_id = entities.id),
        documents = (SELECT count(*) FROM entity_documents x WHERE x.entity_id = entities.id);
    CREATE INDEX IF NOT EXISTS entities_listed ON entities(mentions DESC, name) WHERE merged_into IS NULL;
    CREATE TRIGGER IF NOT EXISTS mentions_entity_counted AFTER INSERT ON mentions BEGIN
        UPDATE entities SET mentions = mentions + 1, documents = documents + NOT EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = NEW.entity_id AND doc_id = NEW.doc_id)
            WHERE id = NEW.entity_id;
        INSERT INTO entity_documents (entity_id, doc_id, refs) VALUES (NEW.entity_id, NEW.doc_id, 1)
            ON CONFLICT (entity_id, doc_id) DO UPDATE SET refs = refs + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS mentions_entity_uncounted AFTER DELETE ON mentions BEGIN
        UPDATE entity_documents SET refs = refs - 1 WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id;
        UPDATE entities SET mentions = mentions - 1, documents = documents - EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id AND refs <= 0)
            WHERE id = OLD.entity_id;
        DELETE FROM entity_documents WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id AND refs <= 0;
    END;
    CREATE TRIGGER IF NOT EXISTS mentions_entity_moved AFTER UPDATE OF entity_id, doc_id ON mentions BEGIN
        UPDATE entity_documents SET refs = refs - 1 WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id;
        UPDATE entities SET mentions = mentions - 1, documents = documents - EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id AND refs <= 0)
            WHERE id = OLD.entity_id;
        DELETE FROM entity_documents WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id AND refs <= 0;
        UPDATE entities SET mentions = mentions + 1, documents = documents + NOT EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = NEW.entity_id AND doc_id = NEW.doc_id)
            WHERE id = NEW.entity_id;
        INSERT INTO entity_documents (entity_id, doc_id, refs) VALUES (NEW.entity_id, NEW.doc_id, 1)
            ON CONFLICT (entity_id, doc_id) DO UPDATE SET refs = refs + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS item_entities_counted AFTER INSERT ON item_entities
        WHEN NEW.role != 'mentioned' BEGIN
        UPDATE entities SET documents = documents + NOT EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = NEW.entity_id
                AND doc_id = (SELECT doc_id FROM items WHERE id = NEW.item_id))
            WHERE id = NEW.entity_id;
        INSERT INTO entity_documents (entity_id, doc_id, refs)
            SELECT NEW.entity_id, doc_id, 1 FROM items WHERE id = NEW.item_id
            ON CONFLICT (entity_id, doc_id) DO UPDATE SET refs = refs + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS items_entities_uncounted BEFORE DELETE ON items BEGIN
        UPDATE entity_documents SET refs = refs - (SELECT count(*) FROM item_entities ie
                WHERE ie.item_id = OLD.id AND ie.entity_id = entity_documents.entity_id AND ie.role != 'mentioned')
            WHERE doc_id = OLD.doc_id AND entity_id IN
                (SELECT entity_id FROM item_entities WHERE item_id = OLD.id AND role != 'mentioned');
        UPDATE entities SET documents = documents - 1
            WHERE id IN (SELECT entity_id FROM item_entities WHERE item_id = OLD.id AND role != 'mentioned')
            AND EXISTS (SELECT 1 FROM entity_documents x WHERE x.entity_id = entities.id
                AND x.doc_id = OLD.doc_id AND x.refs <= 0);
        DELETE FROM entity_documents WHERE doc_id = OLD.doc_id AND refs <= 0 AND entity_id IN
            (SELECT entity_id FROM item_entities WHERE item_id = OLD.id AND role != 'mentioned');
    END;
"""


def _entity_counts(db: sqlite3.Connection) -> None:
    """Migration 12: each entity's mentions and documents on its row, counted here once and
    kept by triggers since (see _ENTITY_COUNTS); may run again over its own result."""
    have = {r[1] for r in db.execute("PRAGMA table_info(entities)")}
    for column in ("mentions", "documents"):
        if column not in have:
            db.execute(f"ALTER TABLE entities ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    for statement in _split_sql(_ENTITY_COUNTS):
        db.execute(statement)


def _forecast_books(db: sqlite3.Connection) -> None:
    """Migration 13: each forecaster's book (:data:`.ledger_sql.HOLDER_TABLES`: forecasts per
    due day and unresolved, resolved per probability and outcome), kept by triggers on the
    forecasts and the resolutions, so the ledger's scores read rows per forecaster, not every
    forecast of the forecasters scored; counted here afresh (it may run again over its own work)."""
    for statement in ledger_sql.HOLDER_TABLES:  # rows kept in key order: a holder's rows are read together
        db.execute(statement + " WITHOUT ROWID")
    for name, statement in _BOOK_TRIGGERS.items():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute(statement)
    for statement in ledger_sql.holder_fill(_DIALECT):
        db.execute(statement)


def _book_forecast(row: str, sign: int) -> str:
    """Trigger statements adding (``sign`` 1) or taking away (-1) the forecast ``row`` (``NEW``
    or ``OLD``) from its holder's book; nothing for another item or a forecast held by nobody."""
    mine = f"{row}.kind = 'forecast' AND {row}.holder IS NOT NULL"
    due = f"coalesce({row}.due, '{ledger_sql.NEVER}')"
    return f"""
    INSERT INTO forecast_holder_counts (holder, due, n, unresolved)
        SELECT {row}.holder, {due}, {sign},
               CASE WHEN EXISTS (SELECT 1 FROM forecast_resolutions WHERE key = {row}.fkey) THEN 0 ELSE {sign} END
        WHERE {mine}
        ON CONFLICT (holder, due) DO UPDATE SET n = n + excluded.n, unresolved = unresolved + excluded.unresolved;
    DELETE FROM forecast_holder_counts WHERE {mine} AND holder = {row}.holder AND due = {due} AND n = 0;
    INSERT INTO forecast_holder_resolved (holder, p, outcome, n)
        SELECT {row}.holder, CAST(coalesce(json_extract({row}.data, '$.probability'), '0.5') AS REAL),
               CASE WHEN r.outcome THEN 1 ELSE 0 END, {sign}
        FROM forecast_resolutions r WHERE r.key = {row}.fkey AND {mine}
        ON CONFLICT (holder, p, outcome) DO UPDATE SET n = n + excluded.n;
    DELETE FROM forecast_holder_resolved WHERE {mine} AND holder = {row}.holder AND n = 0;"""


def _book_resolution(row: str, sign: int) -> str:
    """Trigger statements for a resolution ``row`` added (``sign`` 1) or taken away (-1): its
    forecasts move between unresolved and resolved in their holders' books."""
    forecasts = f"FROM items WHERE kind = 'forecast' AND fkey = {row}.key AND holder IS NOT NULL"
    return f"""
    INSERT INTO forecast_holder_counts (holder, due, n, unresolved)
        SELECT holder, coalesce(due, '{ledger_sql.NEVER}'), 0, {-sign} * count(*) {forecasts} GROUP BY 1, 2
        ON CONFLICT (holder, due) DO UPDATE SET unresolved = unresolved + excluded.unresolved;
    INSERT INTO forecast_holder_resolved (holder, p, outcome, n)
        SELECT holder, CAST(coalesce(json_extract(data, '$.probability'), '0.5') AS REAL),
               CASE WHEN {row}.outcome THEN 1 ELSE 0 END, {sign} * count(*) {forecasts} GROUP BY 1, 2, 3
        ON CONFLICT (holder, p, outcome) DO UPDATE SET n = n + excluded.n;
    DELETE FROM forecast_holder_resolved WHERE n = 0 AND holder IN (SELECT holder {forecasts});"""


_BOOK_TRIGGERS = {
    "forecast_booked": "CREATE TRIGGER forecast_booked AFTER INSERT ON items WHEN NEW.kind = 'forecast'"
                       f" BEGIN {_book_forecast('NEW', 1)} END",
    "forecast_unbooked": "CREATE TRIGGER forecast_unbooked AFTER DELETE ON items WHEN OLD.kind = 'forecast'"
                         f" BEGIN {_book_forecast('OLD', -1)} END",
    "forecast_rebooked": "CREATE TRIGGER forecast_rebooked AFTER UPDATE OF kind, holder, due, fkey, data ON items"
                         " WHEN OLD.kind = 'forecast' OR NEW.kind = 'forecast'"
                         f" BEGIN {_book_forecast('OLD', -1)} {_book_forecast('NEW', 1)} END",
    "resolution_booked": "CREATE TRIGGER resolution_booked AFTER INSERT ON forecast_resolutions"
                         f" BEGIN {_book_resolution('NEW', 1)} END",
    "resolution_unbooked": "CREATE TRIGGER resolution_unbooked AFTER DELETE ON forecast_resolutions"
                           f" BEGIN {_book_resolution('OLD', -1)} END",
    "resolution_rebooked": "CREATE TRIGGER resolution_rebooked AFTER UPDATE OF key, outcome ON forecast_resolutions"
                           f" BEGIN {_book_resolution('OLD', -1)} {_book_resolution('NEW', 1)} END",
}


# The entity page reads a bounded amount whatever the library holds about the entity.  Each
# item-entity link carries its item's kind and its document's date (``at``: published, else
# ingested; written with the link, and again should a document's dates change), so an entity's
# items of one kind in one role are read newest first from an index and the read stops at the
# page's limit (``items(..., newest=True)``).  Mentions per month of publication are kept per
# (entity, month) by triggers ('' for documents without a publication month), as the entity's
# totals are (_ENTITY_COUNTS), so the page reads a row per month, not every mention.  A
# document's mentions leave before the document does, so the month they are taken from is
# still there.
_MONTH = ("CASE WHEN {row}.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*'"
          " THEN substr({row}.published, 1, 7) ELSE '' END")
# a mention added (NEW) to its month's count, and one taken away (OLD)
_MONTH_ADDED = f"""
        INSERT INTO entity_months (entity_id, month, n)
            SELECT NEW.entity_id, {_MONTH.format(row='d')}, 1 FROM documents d WHERE d.id = NEW.doc_id
            ON CONFLICT (entity_id, month) DO UPDATE SET n = n + 1;"""
_MONTH_TAKEN = f"""
        UPDATE entity_months SET n = n - 1 WHERE entity_id = OLD.entity_id
            AND month = (SELECT {_MONTH.format(row='d')} FROM documents d WHERE d.id = OLD.doc_id);
        DELETE FROM entity_months WHERE entity_id = OLD.entity_id AND n <= 0;"""
_ENTITY_PAGES = f"""
    CREATE TABLE IF NOT EXISTS entity_months (
        entity_id INTEGER NOT NULL, month TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (entity_id, month)) WITHOUT ROWID;
    DELETE FROM entity_months;
    INSERT INTO entity_months (entity_id, month, n)
        SELECT m.entity_id, {_MONTH.format(row='d')}, count(*) FROM mentions m JOIN documents d ON d.id = m.doc_id
        GROUP BY 1, 2;
    DROP TRIGGER IF EXISTS mentions_month_counted;
    CREATE TRIGGER mentions_month_counted AFTER INSERT ON mentions BEGIN {_MONTH_ADDED} END;
    DROP TRIGGER IF EXISTS mentions_month_uncounted;
    CREATE TRIGGER mentions_month_uncounted AFTER DELETE ON mentions BEGIN {_MONTH_TAKEN} END;
    DROP TRIGGER IF EXISTS mentions_month_moved;
    CREATE TRIGGER mentions_month_moved AFTER UPDATE OF entity_id, doc_id ON mentions BEGIN
        {_MONTH_TAKEN} {_MONTH_ADDED}
    END;
    DROP TRIGGER IF EXISTS documents_mentions_first;
    CREATE TRIGGER documents_mentions_first BEFORE DELETE ON documents BEGIN
        DELETE FROM mentions WHERE doc_id = OLD.id;
    END;
    DROP TRIGGER IF EXISTS documents_redated;
    CREATE TRIGGER documents_redated AFTER UPDATE OF published, ingested ON documents BEGIN
        UPDATE item_entities SET at = coalesce(NEW.published, NEW.ingested)
            WHERE item_id IN (SELECT id FROM items WHERE doc_id = NEW.id);
        UPDATE entity_months SET n = n - (SELECT count(*) FROM mentions m
                WHERE m.doc_id = NEW.id AND m.entity_id = entity_months.entity_id)
            WHERE month = {_MONTH.format(row='OLD')} AND entity_id IN (SELECT entity_id FROM mentions WHERE doc_id = NEW.id);
        INSERT INTO entity_months (entity_id, month, n)
            SELECT entity_id, {_MONTH.format(row='NEW')}, count(*) FROM mentions WHERE doc_id = NEW.id GROUP BY 1
            ON CONFLICT (entity_id, month) DO UPDATE SET n = n + excluded.n;
        DELETE FROM entity_months WHERE n <= 0 AND entity_id IN (SELECT entity_id FROM mentions WHERE doc_id = NEW.id);
    END;
"""


def _entity_pages(db: sqlite3.Connection) -> None:
    """Migration 14: the links' kind and date and their index, and the mentions per (entity,
    month), counted here once and kept by triggers since (see _ENTITY_PAGES); may run again
    over its own result."""
    have = {r[1] for r in db.execute("PRAGMA table_info(item_entities)")}
    for column in ("kind", "at"):
        if column not in have:
            db.execute(f"ALTER TABLE item_entities ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    # the links as they are stored, item by item: each item and its document read once
    db.execute("DROP INDEX IF EXISTS item_entities_listed")
    db.execute("UPDATE item_entities SET (kind, at) = (SELECT i.kind, coalesce(d.published, d.ingested)"
               " FROM items i JOIN documents d ON d.id = i.doc_id WHERE i.id = item_entities.item_id)")
    # serves what (entity_id, role, item_id) served, and an entity's newest items of a kind
    db.execute("CREATE INDEX item_entities_listed ON item_entities(entity_id, role, kind, at, item_id)")
    db.execute("DROP INDEX IF EXISTS item_entities_entity_item")
    for statement in _split_sql(_ENTITY_PAGES):
        db.execute(statement)



# Schema 15: pages that read a source's or an entity's newest documents read them from an index
# newest first and stop at the page.  The documents by (source, date) (the date a page sorts
# by: published, else ingested), so browsing one source, with or without a date range, reads
# the page's documents, not all the source's.  The (entity, document) rows kept by triggers
# (entity_documents, _ENTITY_COUNTS) carry the document's date, indexed by (entity, date), so an
# entity's newest documents (its page's list, and the documents its co-mentioned entities are
# counted over: bounds.ENTITY_SAMPLE) come from the index.  A row takes its document's date
# when it is made and follows it when the document is dated anew.
_DOC_DATE = "(SELECT coalesce(d.published, d.ingested) FROM documents d WHERE d.id = {doc})"
# a mention added (NEW): its entity's counts and its (entity, document) row, dated
_MENTION_ADDED = f"""
        UPDATE entities SET mentions = mentions + 1, documents = documents + NOT EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = NEW.entity_id AND doc_id = NEW.doc_id)
            WHERE id = NEW.entity_id;
        INSERT INTO entity_documents (entity_id, doc_id, refs, at)
            VALUES (NEW.entity_id, NEW.doc_id, 1, {_DOC_DATE.format(doc='NEW.doc_id')})
            ON CONFLICT (entity_id, doc_id) DO UPDATE SET refs = refs + 1;"""
_ENTITY_DATES = f"""
    CREATE INDEX IF NOT EXISTS documents_source_dated ON documents(source, coalesce(published, ingested));
    DROP TRIGGER IF EXISTS mentions_entity_counted;
    CREATE TRIGGER mentions_entity_counted AFTER INSERT ON mentions BEGIN
        {_MENTION_ADDED}
    END;
    DROP TRIGGER IF EXISTS mentions_entity_moved;
    CREATE TRIGGER mentions_entity_moved AFTER UPDATE OF entity_id, doc_id ON mentions BEGIN
        UPDATE entity_documents SET refs = refs - 1 WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id;
        UPDATE entities SET mentions = mentions - 1, documents = documents - EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id AND refs <= 0)
            WHERE id = OLD.entity_id;
        DELETE FROM entity_documents WHERE entity_id = OLD.entity_id AND doc_id = OLD.doc_id AND refs <= 0;
        {_MENTION_ADDED}
    END;
    DROP TRIGGER IF EXISTS item_entities_counted;
    CREATE TRIGGER item_entities_counted AFTER INSERT ON item_entities
        WHEN NEW.role != 'mentioned' BEGIN
        UPDATE entities SET documents = documents + NOT EXISTS
            (SELECT 1 FROM entity_documents WHERE entity_id = NEW.entity_id
                AND doc_id = (SELECT doc_id FROM items WHERE id = NEW.item_id))
            WHERE id = NEW.entity_id;
        INSERT INTO entity_documents (entity_id, doc_id, refs, at)
            SELECT NEW.entity_id, i.doc_id, 1, {_DOC_DATE.format(doc='i.doc_id')} FROM items i WHERE i.id = NEW.item_id
            ON CONFLICT (entity_id, doc_id) DO UPDATE SET refs = refs + 1;
    END;
    DROP TRIGGER IF EXISTS documents_entities_redated;
    CREATE TRIGGER documents_entities_redated AFTER UPDATE OF published, ingested ON documents BEGIN
        UPDATE entity_documents SET at = coalesce(NEW.published, NEW.ingested) WHERE doc_id = NEW.id AND entity_id IN
            (SELECT entity_id FROM mentions WHERE doc_id = NEW.id UNION SELECT ie.entity_id FROM items i
             JOIN item_entities ie ON ie.item_id = i.id WHERE i.doc_id = NEW.id AND ie.role != 'mentioned');
    END;
"""


def _entity_dates(db: sqlite3.Connection) -> None:
    """Migration 15: the documents by (source, date), and the (entity, document) rows' date and
    their index by (entity, date), dated here once and kept by triggers since (see
    _ENTITY_DATES); may run again over its own result."""
    if "at" not in {r[1] for r in db.execute("PRAGMA table_info(entity_documents)")}:
        db.execute("ALTER TABLE entity_documents ADD COLUMN at TEXT NOT NULL DEFAULT ''")
    db.execute("DROP INDEX IF EXISTS entity_documents_dated")
    db.execute(f"UPDATE entity_documents SET at = {_DOC_DATE.format(doc='entity_documents.doc_id')}")
    # the rows' key (entity, document) follows in the index: the entity's newest documents
    db.execute("CREATE INDEX entity_documents_dated ON entity_documents(entity_id, at)")
    for statement in _split_sql(_ENTITY_DATES):
        db.execute(statement)

# Each entry migrates from version i to i + 1: an SQL script, or a function of the connection
# where SQL alone cannot say it.  Never edit a released entry: append a new one.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    """
    CREATE TABLE documents (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT, title TEXT, source TEXT, author TEXT,
        published TEXT, published_precision TEXT,
        fetched TEXT, ingested TEXT NOT NULL,
        language TEXT, kind TEXT NOT NULL, origin TEXT,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        supersedes TEXT,
        superseded_by TEXT
    );
    CREATE INDEX documents_url ON documents(url);
    CREATE INDEX documents_published ON documents(published);
    CREATE VIRTUAL TABLE documents_fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');

    CREATE TABLE analyses (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        analyzed TEXT NOT NULL,
        data TEXT NOT NULL
    );

    CREATE TABLE entities (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        merged_into INTEGER REFERENCES entities(id)
    );
    CREATE TABLE entity_aliases (
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        alias TEXT NOT NULL,
        PRIMARY KEY (entity_id, alias)
    );
    CREATE TABLE entity_keys (
        key TEXT NOT NULL,
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        PRIMARY KEY (key, entity_id)
    );
    CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX mentions_entity ON mentions(entity_id);
    CREATE INDEX mentions_doc ON mentions(doc_id);

    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        local_id TEXT,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE INDEX items_doc ON items(doc_id, kind);
    CREATE INDEX items_kind ON items(kind);
    CREATE TABLE item_entities (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities(id),
        role TEXT NOT NULL
    );
    CREATE INDEX item_entities_entity ON item_entities(entity_id, role);
    CREATE INDEX item_entities_item ON item_entities(item_id);
    CREATE VIRTUAL TABLE items_fts USING fts5(body, tokenize='unicode61 remove_diacritics 2');

    CREATE TABLE forecast_resolutions (
        key TEXT PRIMARY KEY,
        outcome INTEGER NOT NULL,
        date TEXT,
        note TEXT,
        resolved TEXT NOT NULL
    );

    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: binary state (the recycled-text index) beside the JSON state.
    """
    CREATE TABLE blobs (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        updated TEXT NOT NULL
    );
    """,
    # 3: the URL a document was fetched from, apart from the URL it claims: only fetched
    # documents form version chains.  Pages fetched before this column existed are the
    # documents read from an http(s) origin as one page (not feed entries or JSON Lines records).
    """
    ALTER TABLE documents ADD COLUMN fetched_from TEXT;
    CREATE INDEX documents_fetched_from ON documents(fetched_from);
    UPDATE documents SET fetched_from = origin
        WHERE (origin LIKE 'http://%' OR origin LIKE 'https://%')
        AND kind IN ('html', 'text', 'transcript')
        AND CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.line') IS NULL
                 AND json_extract(metadata, '$.entry') IS NULL ELSE 0 END;
    """,
    # 4: the recycled-text index in tables written with each document, instead of one blob.
    _RECYCLED_TABLES,
    # 5: reads whose cost must not grow with the library.  Merged-entity lookups seek an index
    # (SQLite otherwise builds a temporary one over every entity for each lookup), and an
    # entity's statements are read from an index alone; listings newest first walk an index
    # and stop; the statistics come from counters kept in the same transaction as the rows they
    # count (one full count here, then never again): by triggers, except for items, which are
    # many per document and counted per analysis by the store (a trigger on them made saving
    # an analysis a third slower).
    """
    CREATE INDEX IF NOT EXISTS entities_merged_into ON entities(merged_into);
    CREATE INDEX IF NOT EXISTS documents_recent ON documents(coalesce(published, ingested));
    CREATE INDEX IF NOT EXISTS item_entities_entity_item ON item_entities(entity_id, role, item_id);
    DROP INDEX IF EXISTS item_entities_entity;
    CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
    INSERT OR REPLACE INTO counters (name, n)
        SELECT 'documents', count(*) FROM documents
        UNION ALL SELECT 'characters', coalesce(sum(length(text)), 0) FROM documents
        UNION ALL SELECT 'analyzed', count(*) FROM analyses
        UNION ALL SELECT 'entities', count(*) FROM entities WHERE merged_into IS NULL
        UNION ALL SELECT 'language:' || coalesce(language, '?'), count(*) FROM documents GROUP BY 1
        UNION ALL SELECT 'kind:' || kind, count(*) FROM documents GROUP BY 1
        UNION ALL SELECT 'item:' || kind, count(*) FROM items GROUP BY 1;
    CREATE TRIGGER IF NOT EXISTS documents_counted AFTER INSERT ON documents BEGIN
        INSERT INTO counters (name, n) VALUES ('documents', 1), ('characters', length(NEW.text)),
            ('language:' || coalesce(NEW.language, '?'), 1), ('kind:' || NEW.kind, 1)
            ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
    END;
    CREATE TRIGGER IF NOT EXISTS documents_uncounted AFTER DELETE ON documents BEGIN
        INSERT INTO counters (name, n) VALUES ('documents', -1), ('characters', -length(OLD.text)),
            ('language:' || coalesce(OLD.language, '?'), -1), ('kind:' || OLD.kind, -1)
            ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
    END;
    CREATE TRIGGER IF NOT EXISTS documents_recounted AFTER UPDATE OF text, language, kind ON documents BEGIN
        INSERT INTO counters (name, n) VALUES ('characters', length(NEW.text) - length(OLD.text)),
            ('language:' || coalesce(OLD.language, '?'), -1), ('kind:' || OLD.kind, -1)
            ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
        INSERT INTO counters (name, n) VALUES
            ('language:' || coalesce(NEW.language, '?'), 1), ('kind:' || NEW.kind, 1)
            ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
    END;
    CREATE TRIGGER IF NOT EXISTS analyses_counted AFTER INSERT ON analyses BEGIN
        INSERT INTO counters (name, n) VALUES ('analyzed', 1) ON CONFLICT(name) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS analyses_uncounted AFTER DELETE ON analyses BEGIN
        INSERT INTO counters (name, n) VALUES ('analyzed', -1) ON CONFLICT(name) DO UPDATE SET n = n - 1;
    END;
    CREATE TRIGGER IF NOT EXISTS entities_counted AFTER INSERT ON entities WHEN NEW.merged_into IS NULL BEGIN
        INSERT INTO counters (name, n) VALUES ('entities', 1) ON CONFLICT(name) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER IF NOT EXISTS entities_uncounted AFTER DELETE ON entities WHEN OLD.merged_into IS NULL BEGIN
        INSERT INTO counters (name, n) VALUES ('entities', -1) ON CONFLICT(name) DO UPDATE SET n = n - 1;
    END;
    CREATE TRIGGER IF NOT EXISTS entities_recounted AFTER UPDATE OF merged_into ON entities
        WHEN (OLD.merged_into IS NULL) != (NEW.merged_into IS NULL) BEGIN
        INSERT INTO counters (name, n) VALUES ('entities', CASE WHEN NEW.merged_into IS NULL THEN 1 ELSE -1 END)
            ON CONFLICT(name) DO UPDATE SET n = n + excluded.n;
    END;
    """,
    # 6: the document index keeps no copy of the text (a contentless FTS5 table: the terms and
    # their positions only); see _contentless_documents_fts.
    _contentless_documents_fts,
    # 7: each analysis stored once.  The item lists (quotes, claims, forecasts, events,
    # duplicates) live in the items table only; the analysis keeps their number in their place,
    # and get_analysis puts the items back.  (Every migration from 5 on may run again over its
    # own result: a test rewinds the version to replay an older one.)
    """
    UPDATE analyses SET data = json_set(data, '$.quotes', json_array_length(data, '$.quotes'))
        WHERE json_type(data, '$.quotes') = 'array';
    UPDATE analyses SET data = json_set(data, '$.claims', json_array_length(data, '$.claims'))
        WHERE json_type(data, '$.claims') = 'array';
    UPDATE analyses SET data = json_set(data, '$.forecasts', json_array_length(data, '$.forecasts'))
        WHERE json_type(data, '$.forecasts') = 'array';
    UPDATE analyses SET data = json_set(data, '$.events', json_array_length(data, '$.events'))
        WHERE json_type(data, '$.events') = 'array';
    UPDATE analyses SET data = json_set(data, '$.duplicates', json_array_length(data, '$.duplicates'))
        WHERE json_type(data, '$.duplicates') = 'array';
    """,
    # 8: an item's text stored once, in its column: the JSON keeps the key, with null.
    """
    UPDATE items SET data = json_set(data, '$.text', json('null'))
        WHERE text != '' AND json_type(data, '$.text') = 'text' AND json_extract(data, '$.text') = text;
    """,
    # 9: the forecast ledger reads a page of forecasts, and its totals, from indexed columns.
    _forecast_columns,
    # 10: a search filtered by a source that few documents come from walks that source's
    # documents, newest first, instead of every match of the query (search_page: FILTER_PROBES).
    """
    CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
    """,
    # 11: the item index keeps no copy of the item text either; see _contentless_items_fts.
    _contentless_items_fts,
    # 12: each entity's mentions and documents kept on its row; see _ENTITY_COUNTS.
    _entity_counts,
    # 13: each forecaster's book kept by triggers: the ledger's scores read no forecasts.
    _forecast_books,
    # 14: an entity's newest items of a kind read from an index, its mentions per month kept
    # by triggers; see _ENTITY_PAGES.
    _entity_pages,
    # 15: a source's and an entity's newest documents read from indexes by date; see
    # _ENTITY_DATES.
    _entity_dates,
    # 16: a search filtered by a language few documents are in walks that language's documents,
    # newest first, as a source's (10) (search_page: _stream).
    """
    CREATE INDEX IF NOT EXISTS documents_language ON documents(language);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


# How far a search looks (the same on every backend): see :mod:`clipfile.store.bounds`.

# Bytes of the library each reader maps into memory (PRAGMA mmap_size; SQLite maps at most the
# first 2 GB), and the kilobytes of pages each reader keeps (the default is 2 MB).
READER_MMAP = 1 << 31
READER_CACHE_KB = 32768

# The lists of an analysis that are stored as items (their key in the analysis, their kind).
_ITEM_LISTS = {"quotes": "quote", "claims": "claim", "forecasts": "forecast", "events": "event",
               "duplicates": "duplicate"}
_LIST_OF_KIND = {kind: key for key, kind in _ITEM_LISTS.items()}

# Fields of item JSON that hold entity references, and the role each gives the entity.
_REF_FIELDS = {
    "speaker": "speaker",
    "source": "speaker",
    "forecaster": "speaker",
    "subject": "subject",
    "target": "subject",
}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _entity_ref(entity_id: int) -> str:
    return f"E{entity_id}"


_LIBRARY_REF = re.compile(r"E\d+")


def _parse_entity_ref(ref: str | int) -> int:
    if isinstance(ref, int):
        return ref
    m = re.fullmatch(r"[Ee]?(\d+)", ref.strip())
    if not m:
        raise NotFound(f"not an entity id: {ref!r} (entity ids look like E12)")
    return int(m.group(1))


class _Watchdog:
    """Interrupts the SQLite statements of work whose deadline has passed.

    A read or write under a :mod:`clipfile.deadline` registers its connection here for as long
    as it runs; one daemon thread looks every :attr:`TICK` seconds and calls
    ``Connection.interrupt()`` (safe from any thread) on those whose deadline has expired, its
    client gone or the server stopping, again on each tick until the work lets go of the
    connection (an interrupt that lands between two statements does nothing).  Nothing runs
    inside SQLite's own loop, so queries pay nothing for being stoppable; a progress handler
    would take the GIL every few thousand steps and stall concurrent readers.
    """

    TICK = 0.05

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[int, tuple[sqlite3.Connection, deadline.Deadline]] = {}
        self._ids = iter(range(1, 1 << 62))
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, conn: sqlite3.Connection) -> Iterator[None]:
        d = deadline.current()
        if d is None:
            yield
            return
        with self._lock:
            key = next(self._ids)
            self._active[key] = (conn, d)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="clipfile-sqlite-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:  # once this returns, the connection is never interrupted for this work
                del self._active[key]

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK)
            with self._lock:
                for conn, d in self._active.values():
                    if d.expired():
                        with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile: nothing to stop
                            conn.interrupt()


_WATCHDOG = _Watchdog()


@contextmanager
def _stop_on_interrupt() -> Iterator[None]:
    """Turn SQLite's "interrupted" into :class:`Interrupted` saying why the work stopped."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if str(exc) != "interrupted":
            raise
        d = deadline.current()
        raise Interrupted(d.reason() if d is not None else "the query was interrupted") from exc


def _cf_contains(haystack: str | None, needle: str | None) -> bool:
    if not haystack or not needle:
        return False
    return " ".join(needle.split()).casefold() in " ".join(haystack.split()).casefold()


class SQLiteStore:
    """A Clipfile library in one SQLite file.

    Writes go through one writer connection, one transaction at a time; reads run concurrently
    on a small pool of read-only connections (WAL mode lets readers and the writer proceed
    side by side), each read in one transaction so it sees one consistent state.  Long reads
    stop when the :mod:`clipfile.deadline` they run under expires.

    Args:
        path: the library file; its folder is created when missing.  ``":memory:"`` works for
            throw-away libraries (reads then share the writer connection, one at a time).
        readers: the most read connections to open (threads beyond that wait for one).
    """

    def __init__(self, path: str | Path, *, readers: int = 8) -> None:
        self.path = str(path)
        memory = self.path == ":memory:" or self.path.startswith("file::memory:")
        if not memory:
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # the writer connection, and reads of an in-memory library
        self._local = threading.local()  # .conn: the connection this thread reads (or writes) on
        self._max_readers = 0 if memory else max(0, readers)
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._readers: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._closed = False
        self._depth = 0  # nesting of write transaction blocks; only the outermost one commits
        self.recycled = SQLiteRecycled(self)
        try:
            self._db = self._connect()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open library {self.path}: {exc}") from exc
        waited = 0.0
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute("PRAGMA foreign_keys=ON")
                # 64 MB of page cache for the writer (the default is 2 MB): the recycled-text
                # index probes band keys all over its table for every document it adds.
                self._db.execute("PRAGMA cache_size=-65536")
                self._migrate()
                break
            except sqlite3.OperationalError as exc:
                # Switching a new file to WAL takes a lock the busy timeout does not wait for:
                # several processes opening a new library at once wait their turn here.
                if "locked" in str(exc) and waited < 30:
                    time.sleep(0.05 + 0.1 * min(waited, 1.0))
                    waited += 0.05 + 0.1 * min(waited, 1.0)
                    continue
                self._db.close()
                raise StoreError(f"{self.path} is not a Clipfile library (or is damaged): {exc}") from exc
            except sqlite3.DatabaseError as exc:
                self._db.close()
                raise StoreError(f"{self.path} is not a Clipfile library (or is damaged): {exc}") from exc

    # -- plumbing ---------------------------------------------------------------------------

    def _connect(self, *, reader: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        # case-insensitive containment in every script (SQLite's lower() and LIKE fold ASCII only)
        db.create_function("cf_contains", 2, _cf_contains, deterministic=True)
        if reader:
            db.execute("PRAGMA query_only=ON")
            # A search page reads a few thousand rows scattered over the newest part of the
            # library: through a memory map they come from the operating system's page cache
            # without a read call and a copy each (shared by every reader; nothing is reserved).
            db.execute(f"PRAGMA mmap_size={READER_MMAP}")
            db.execute(f"PRAGMA cache_size=-{READER_CACHE_KB}")
        return db

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
        while True:  # readers still lent out are closed when they come back
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any error.  Inside another one it joins it."""
        with self._lock:
            if self._depth:  # inside a transaction of this thread (the writer lock is held)
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            outer = getattr(self._local, "conn", None)
            self._local.conn = self._db  # reads inside the transaction see its writes
            self._depth = 1
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    with _stop_on_interrupt(), _WATCHDOG.watching(self._db):
                        yield self._db
                except BaseException:
                    if self._db.in_transaction:  # an interrupted statement rolls back by itself
                        self._db.execute("ROLLBACK")
                    raise
                else:
                    self._db.execute("COMMIT")
            finally:
                self._depth = 0
                self._local.conn = outer

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make every write inside the block one transaction (a document's analysis and its
        recycled-text index rows, say): all of it is stored, or none."""
        with self._tx():
            yield

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading, in one read transaction (one snapshot of the library).

        Nested reads on the same thread share it; a read inside a write transaction uses the
        writer.  Refuses to start once the current deadline has passed.
        """
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        deadline.check()
        if not self._max_readers:
            with self._lock:
                self._local.conn = self._db
                try:
                    with _stop_on_interrupt(), _WATCHDOG.watching(self._db):
                        yield self._db
                finally:
                    self._local.conn = None
            return
        conn = self._checkout()
        self._local.conn = conn
        try:
            with _stop_on_interrupt(), _WATCHDOG.watching(conn):
                conn.execute("BEGIN")
                yield conn
        finally:
            self._local.conn = None
            self._checkin(conn)

    def _checkout(self) -> sqlite3.Connection:
        """An idle reader, a new one while the pool has room, else the next one returned."""
        with contextlib.suppress(queue.Empty):  # none idle: open one or wait below
            return self._idle.get_nowait()
        with self._pool_lock:
            if self._closed:
                raise StoreError(f"the library {self.path} is closed")
            if len(self._readers) < self._max_readers:
                try:
                    conn = self._connect(reader=True)
                except sqlite3.Error as exc:
                    raise StoreError(f"cannot open library {self.path}: {exc}") from exc
                self._readers.append(conn)
                return conn
        while True:  # every reader is busy: wait, but not past the deadline
            try:
                return self._idle.get(timeout=0.05)
            except queue.Empty:
                deadline.check()

    def _checkin(self, conn: sqlite3.Connection) -> None:
        """End the reader's transaction and put it back (or close it: library closed, reader broken)."""
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")  # it only read: nothing to keep, and cheaper than COMMIT
            healthy = True
        except sqlite3.Error:
            healthy = False  # a reader that cannot end its transaction is not lent out again
        with self._pool_lock:
            if self._closed or not healthy:
                self._readers.remove(conn)
                conn.close()
                return
        self._idle.put(conn)

    def _migrate(self) -> None:
        """Bring the schema up to date, one migration per transaction.  The version is read
        again inside each write transaction, so processes opening a new library at the same
        moment apply each migration once (the later one finds it done); an up-to-date library
        is opened without writing."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        while True:
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"library {self.path} has schema version {version}, newer than this Clipfile "
                    f"understands ({SCHEMA_VERSION}); upgrade Clipfile"
                )
            if version == SCHEMA_VERSION:
                self._check_items_index_on_open()
                return
            with self._tx() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version < SCHEMA_VERSION:
                    step = MIGRATIONS[version]
                    if callable(step):
                        step(db)
                    else:
                        for statement in _split_sql(step):
                            db.execute(statement)
                    version += 1
                    db.execute(f"PRAGMA user_version = {version}")

    def _check_items_index_on_open(self) -> None:
        """Rebuild the item index now, as a migration would, if another index form wrote it
        (a Clipfile, Python or stemmer upgrade), rather than inside the first analysis saved.
        A library this process may not write is left as it is: nothing removes items from it."""
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (_ITEMS_FORM,)).fetchone()
        if row is not None and json.loads(row[0]) == index_form():
            return
        try:
            with self._tx() as db:
                _check_items_index(db)
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc):
                raise

    @property
    def schema_version(self) -> int:
        with self._read() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    # -- documents --------------------------------------------------------------------------

    def add_document(self, doc: Document) -> AddResult:
        """Store a document unless its content is already there.

        A document fetched from a URL (``fetched_from``) that was fetched before with other
        content is stored as a new version and linked to the previous one
        (``supersedes``/``superseded_by``).  A URL a document only names (``url``) links nothing.
        """
        with self._tx() as db:
            if db.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                return AddResult(doc.id, "duplicate")
            previous = None
            if doc.fetched_from:
                row = db.execute(
                    "SELECT id FROM documents WHERE fetched_from = ? AND superseded_by IS NULL "
                    "ORDER BY rowid DESC LIMIT 1",
                    (doc.fetched_from,),
                ).fetchone()
                previous = row["id"] if row else None
            cur = db.execute(
                "INSERT INTO documents (id, url, title, source, author, published, published_precision,"
                " fetched, ingested, language, kind, origin, text, metadata, supersedes, fetched_from)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.id, doc.url, doc.title, doc.source, doc.author, doc.published,
                    doc.published_precision, doc.fetched, doc.ingested or _now(), doc.language,
                    doc.kind, doc.origin, doc.text, json.dumps(doc.metadata, ensure_ascii=False),
                    previous, doc.fetched_from,
                ),
            )
            db.execute(
                "INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)",
                (cur.lastrowid, index_text(doc.title or ""), index_text(doc.text)),
            )
            if previous:
                db.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", (doc.id, previous))
                return AddResult(doc.id, "version", previous)
        return AddResult(doc.id, "new")

    def has_document(self, doc_id: str) -> bool:
        with self._read() as db:
            return db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def _resolve_doc_id(self, db: sqlite3.Connection, ref: str) -> str:
        ref = ref.strip()
        if db.execute("SELECT 1 FROM documents WHERE id = ?", (ref,)).fetchone():
            return ref
        # A prefix, as a range of the id index (LIKE would read every id); as typed, else in
        # lower case (content ids are).
        rows: list[sqlite3.Row] = []
        for prefix in dict.fromkeys((ref, ref.lower())):
            if prefix and not rows:
                rows = db.execute("SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                                  (prefix, prefix + "\U0010ffff")).fetchall()
        if not rows or len(ref) < 4 and rows[0]["id"] != ref:
            raise NotFound(f"no document {ref!r} in {self.path}")
        if len(rows) > 1 and rows[0]["id"] != ref:
            raise NotFound(f"{ref!r} matches several documents; give more of the id")
        return rows[0]["id"]

    def get_document(self, ref: str) -> Document:
        """The document with this id (or a unique id prefix)."""
        with self._read() as db:
            row = db.execute("SELECT * FROM documents WHERE id = ?", (self._resolve_doc_id(db, ref),)).fetchone()
        return _row_to_document(row)

    def list_documents(self, *, limit: int = 50, offset: int = 0, after: str | None = None) -> list[DocumentSummary]:
        """Documents newest first (published, else ingested).

        ``after``: the id of the last document of the previous page.  The page then starts right
        after it, by a seek in the newest-first index (keyset pagination: the same cost at any
        depth, where ``offset`` walks past every skipped entry of the index).

        Raises:
            NotFound: ``after`` is no document of the library.
        """
        with self._read() as db:
            where, args = "", []
            if after is not None:
                key = db.execute("SELECT coalesce(published, ingested), rowid FROM documents WHERE id = ?",
                                 (after,)).fetchone()
                if key is None:
                    raise NotFound(f"no document {after!r} in {self.path} to list after")
                # (t, rowid) < key, written so that the index on t gives the range
                where = " WHERE coalesce(published, ingested) <= ? AND (coalesce(published, ingested) < ? OR rowid < ?)"
                args = [key[0], key[0], key[1]]
            # The page's row ids from the newest-first index alone (skipping ``offset`` entries
            # of it reads no rows), then only those rows.
            rows = db.execute(
                "WITH page AS MATERIALIZED (SELECT rowid AS rid, coalesce(published, ingested) AS t FROM documents"
                f"{where} ORDER BY t DESC, rowid DESC LIMIT ? OFFSET ?)"
                " SELECT d.id, d.title, d.source, d.published, d.language, d.kind, length(d.text) AS chars,"
                " d.url, a.version FROM page CROSS JOIN documents d ON d.rowid = page.rid"
                " LEFT JOIN analyses a ON a.doc_id = d.id ORDER BY page.t DESC, page.rid DESC",
                (*args, limit, offset),
            ).fetchall()
        return [DocumentSummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]

    def iter_documents(self) -> Iterator[Document]:
        last = 0
        while True:
            with self._read() as db:
                rows = db.execute(
                    "SELECT * FROM documents WHERE rowid > ? ORDER BY rowid LIMIT 200", (last,)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_document(row)
            last = rows[-1]["rowid"]

    def document_count(self) -> int:
        with self._read() as db:
            row = db.execute("SELECT n FROM counters WHERE name = 'documents'").fetchone()
        return row[0] if row else 0

    # -- search -----------------------------------------------------------------------------

    def search(
        self, query: str | Query, *, limit: int = 20, offset: int = 0, kinds: tuple[str, ...] = ()
    ) -> list[SearchHit]:
        """Full-text search over documents (``kinds=()``) or extracted items of the given kinds.

        The query is read by :func:`clipfile.store.query.parse_query` (words, ``"phrases"``,
        ``AND``/``OR``/``NOT``, ``prefix*``, ``NEAR(a b)``) unless it comes parsed; words are
        matched in any grammatical case for Russian.

        Hits are ranked by bm25 within blocks of the :data:`RANK_WINDOW` most recently stored
        matches, not among all: scoring every match of a common word costs time in proportion to
        the library.  The first page is the best of the newest block; paging walks the blocks
        in turn.  A library with fewer matches than the window is ranked as before.

        Raises:
            QueryError: the query could not be parsed or is beyond the limits
                (:func:`clipfile.textindex.check_query`); the message says why.
            Interrupted: the current deadline passed before the search finished.
        """
        parsed = query if isinstance(query, Query) else parse_query(query)
        if parsed.empty:
            raise QueryError("empty query: give at least one word to search for")
        try:
            with self._read() as db:
                if not kinds:
                    rows = _ranked(db, _DOCUMENTS, parsed,
                                   "d.id AS doc_id, d.title, d.text, d.published, d.source, d.language, s.rank",
                                   ["1"], [], limit, offset)
                else:
                    rows = _ranked(db, _ITEMS, parsed,
                                   "i.id AS item_id, i.doc_id, d.title, i.kind, i.start, i.end, i.text, d.published,"
                                   " d.source, d.language, s.rank",
                                   ["1", f"i.kind IN ({','.join('?' * len(kinds))})"], list(kinds), limit, offset)
        except sqlite3.OperationalError as exc:
            raise QueryError(_explain_fts_error(parsed.text, exc)) from exc
        hits = []
        for r in rows:
            deadline.check()
            if not kinds:
                hits.append(SearchHit(r["doc_id"], r["title"], snippet(r["text"], parsed), r["rank"],
                                      published=r["published"], source=r["source"], language=r["language"]))
            else:
                hits.append(SearchHit(r["doc_id"], r["title"], snippet(r["text"], parsed), r["rank"], kind=r["kind"],
                                      start=r["start"], end=r["end"], published=r["published"], source=r["source"],
                                      language=r["language"], item_id=r["item_id"]))
        return hits

    # -- analyses ---------------------------------------------------------------------------

    def save_analysis(self, analysis: dict[str, Any], *, version: str) -> None:
        """Store one document's analysis (the ``analyze --json`` object) in one transaction,
        replacing earlier results for the document.

        Its entities must be linked to library entities already (ids ``E12``, what
        :func:`clipfile.entitylinks.save_linked` does): their mentions are stored under those
        ids, and the items' references to them become the item-entity links.

        Raises:
            NotFound: the document is not in the library.
            StoreError: an entity of the analysis has a local id (``e1``): it was not linked.
        """
        doc_id = analysis["document"]["id"]
        entities = analysis.get("entities", [])
        for ent in entities:
            if not _LIBRARY_REF.fullmatch(str(ent.get("id"))):
                raise StoreError(f"entity {ent.get('id')!r} of {doc_id} is not linked to the library "
                                 "(store analyses with clipfile.entitylinks.save_linked)")
        with self._tx() as db:
            dated = db.execute("SELECT published, ingested FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if not dated:
                raise NotFound(f"no document {doc_id!r}: store it before its analysis")
            _check_items_index(db)
            self._clear_analysis(db, doc_id)
            for ent in entities:
                db.executemany(
                    "INSERT INTO mentions (doc_id, entity_id, start, end, text) VALUES (?,?,?,?,?)",
                    [(doc_id, int(ent["id"][1:]), m["start"], m["end"], m["text"]) for m in ent.get("mentions", [])],
                )
            added: dict[str, int] = {}
            for key, kind in _ITEM_LISTS.items():
                for item in analysis.get(key) or []:
                    self._insert_item(db, doc_id, kind, item, dated=(dated[0], dated[1]))
                    added[kind] = added.get(kind, 0) + 1
            _count_items(db, added)
            self._count_due(db, doc_id, 1)
            # The item lists are stored once, as items: the analysis keeps their number.
            body = {k: (len(v) if k in _ITEM_LISTS and isinstance(v, list) else v)
                    for k, v in analysis.items() if k != "document"}
            db.execute(
                "INSERT INTO analyses (doc_id, version, analyzed, data) VALUES (?,?,?,?)",
                (doc_id, version, _now(), json.dumps(body, ensure_ascii=False)),
            )

    def _count_due(self, db: sqlite3.Connection, doc_id: str, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) a document's forecasts from the counts per due day."""
        per_day, change = ledger_sql.due_count_changes(_DIALECT)
        db.executemany(change, [(due, sign * n) for due, n in db.execute(per_day, (doc_id,)).fetchall()])

    def _clear_analysis(self, db: sqlite3.Connection, doc_id: str) -> None:
        self._count_due(db, doc_id, -1)
        _count_items(db, {k: -n for k, n in db.execute(
            "SELECT kind, count(*) FROM items WHERE doc_id = ? GROUP BY 1", (doc_id,))})
        _unindex_items(db, db.execute("SELECT id, text FROM items WHERE doc_id = ?", (doc_id,)).fetchall())
        db.execute("DELETE FROM items WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM analyses WHERE doc_id = ?", (doc_id,))

    def _insert_item(self, db: sqlite3.Connection, doc_id: str, kind: str, item: dict,
                     dated: tuple[str | None, str | None] = (None, None)) -> None:
        """Store one item; ``dated``: its document's ``(published, ingested)``, which a
        forecast's ledger columns need (migration 9)."""
        text = item.get("text") or ""
        # The text is in its column; the JSON keeps its place with null (see _item_json).
        data = {**item, "text": None} if isinstance(item.get("text"), str) and text else item
        ledger = _forecast_columns_of(item, doc_id, *dated) if kind == "forecast" else (None, None, None, None)
        cur = db.execute(
            "INSERT INTO items (doc_id, kind, local_id, start, end, text, data, fkey, holder, due, dated)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (doc_id, kind, item.get("id"), item["start"], item["end"], text,
             json.dumps(data, ensure_ascii=False), *ledger),
        )
        item_id = cur.lastrowid
        if text:
            db.execute("INSERT INTO items_fts (rowid, body) VALUES (?, ?)", (item_id, index_text(text)))
        links: set[tuple[int, str]] = set()
        for field_name, role in _REF_FIELDS.items():
            ref = item.get(field_name)
            if isinstance(ref, dict) and ref.get("entity_id"):
                links.add((_parse_entity_ref(ref["entity_id"]), role))
        for ref in item.get("participants") or []:
            if ref.get("entity_id"):
                links.add((_parse_entity_ref(ref["entity_id"]), "participant"))
        for (eid,) in db.execute(
            "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = ? AND start >= ? AND end <= ?",
            (doc_id, item["start"], item["end"]),
        ):
            links.add((eid, "mentioned"))
        if links:
            # the link carries its item's kind and its document's date (schema 14)
            at = dated[0] or dated[1]
            if at is None:
                at = db.execute("SELECT coalesce(published, ingested) FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
            db.executemany("INSERT INTO item_entities (item_id, entity_id, role, kind, at) VALUES (?, ?, ?, ?, ?)",
                           [(item_id, e, r, kind, at) for e, r in links])

    def replace_cross_duplicates(self, doc_id: str, duplicates: list[dict[str, Any]]) -> None:
        """Replace a document's duplicates that point into other documents (its own repeats and
        the rest of its analysis stay), in one transaction."""
        with self._tx() as db:
            row = db.execute("SELECT data FROM analyses WHERE doc_id = ?", (doc_id,)).fetchone()
            if row is None:
                return
            data = json.loads(row["data"])
            own = db.execute("SELECT count(*) FROM items WHERE doc_id = ? AND kind = 'duplicate'"
                             " AND json_extract(data, '$.of.document') = ?", (doc_id, doc_id)).fetchone()[0]
            stale = db.execute(
                "SELECT id, text FROM items WHERE doc_id = ? AND kind = 'duplicate'"
                " AND json_extract(data, '$.of.document') != ?", (doc_id, doc_id)).fetchall()
            _check_items_index(db)
            _unindex_items(db, stale)
            db.executemany("DELETE FROM items WHERE id = ?", [(i,) for i, _ in stale])
            for dup in duplicates:
                self._insert_item(db, doc_id, "duplicate", dup)
            _count_items(db, {"duplicate": len(duplicates) - len(stale)})
            data["duplicates"] = own + len(duplicates)  # the items are the list (schema 7)
            db.execute("UPDATE analyses SET data = ? WHERE doc_id = ?", (json.dumps(data, ensure_ascii=False), doc_id))

    def get_analysis(self, doc_id: str) -> dict[str, Any] | None:
        """The stored analysis of a document (with its document record), or None."""
        with self._read() as db:
            doc_id = self._resolve_doc_id(db, doc_id)
            row = db.execute("SELECT version, data FROM analyses WHERE doc_id = ?", (doc_id,)).fetchone()
            if row is None:
                return None
            data = json.loads(row["data"])
            lists: dict[str, list[dict[str, Any]]] = {key: [] for key in _ITEM_LISTS}
            for kind, item, text in db.execute(
                    "SELECT kind, data, text FROM items WHERE doc_id = ? ORDER BY id", (doc_id,)):
                if kind in _LIST_OF_KIND:
                    lists[_LIST_OF_KIND[kind]].append(_item_json(item, text))
        for key, value in data.items():
            if key in _ITEM_LISTS and isinstance(value, int):  # stored once, as items
                data[key] = lists[key]
        from ..records import to_dict

        return {"document": to_dict(self.get_document(doc_id)), **data, "pipeline_version": row["version"]}

    def analysis_version(self, doc_id: str) -> str | None:
        """The pipeline version of a document's stored analysis, or None."""
        with self._read() as db:
            row = db.execute("SELECT version FROM analyses WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def stale_documents(self, version: str) -> list[str]:
        """Ids of documents never analysed or analysed by another pipeline version."""
        with self._read() as db:
            rows = db.execute(
                "SELECT d.id FROM documents d LEFT JOIN analyses a ON a.doc_id = d.id"
                " WHERE a.version IS NULL OR a.version != ? ORDER BY d.rowid",
                (version,),
            ).fetchall()
        return [r[0] for r in rows]

    # -- items ------------------------------------------------------------------------------

    def items(
        self,
        kind: str,
        *,
        doc_id: str | None = None,
        entity: int | None = None,
        role: str | tuple[str, ...] | None = None,
        links: Sequence[EntityLink] = (),
        ids: list[int] | None = None,
        speaker_like: str | None = None,
        quote_kind: str | None = None,
        footing: str | None = None,
        cross_document: bool = False,
        limit: int | None = None,
        offset: int = 0,
        newest: bool = False,
    ) -> list[dict[str, Any]]:
        """Stored items of one kind, optionally of one document or linked to entities.

        ``entity``/``role``: linked to that entity in one of those roles (a shorthand for one
        :class:`EntityLink`); ``links``: every condition must hold.  ``speaker_like``: only items
        whose speaker's name contains these words (case folded), for speakers who are no entity
        ("a senior diplomat", "people briefed on the talks").  ``quote_kind``: a quote's ``kind``
        (direct, mixed, indirect); ``footing``: a claim's ``status`` (hearsay, denied, ...);
        ``cross_document``: only duplicates whose earlier copy is in another document.
        Filters, order, ``limit`` and ``offset`` are all applied in the query.  The order is
        the documents' date (published, else ingested), oldest first; ``newest``: newest first,
        the latest stored item first within a date, and then, given a ``limit`` and a link to
        an entity, the entity's links are read newest first from their index and the read stops
        at ``offset + limit`` per member of the entity and role (schema 14).

        Each result is the item's JSON plus ``document`` (id), ``title``, ``published``,
        ``outlet`` (the document's source), ``url`` and ``item_id`` (the library's row id).
        Items without a ``source`` of their own also get the outlet as ``source``.
        """
        where: list[str] = []  # conditions on the item ``i``
        args: list[Any] = []
        if doc_id:
            where.append("i.doc_id = ?")
            args.append(doc_id)
        if ids is not None:
            where.append(f"i.id IN ({','.join('?' * len(ids))})")
            args.extend(ids)
        if speaker_like:
            where.append("cf_contains(json_extract(i.data, '$.speaker.name'), ?)")
            args.append(speaker_like)
        for field_name, value in (("kind", quote_kind), ("status", footing)):
            if value:
                where.append(f"json_extract(i.data, '$.{field_name}') = ?")
                args.append(value)
        if cross_document:
            where.append("json_extract(i.data, '$.of.document') != i.doc_id")
        conditions = list(links)
        if entity is not None:
            conditions.insert(0, EntityLink(entity, (role,) if isinstance(role, str) else tuple(role or ())))
        columns = "i.id, i.doc_id, i.data, i.text, d.title, d.published, d.source, d.url"
        walk = next((c for c in conditions if not c.absent), None) if newest and limit else None
        with self._read() as db:
            if walk is None:
                sql, args = linked_items(_DIALECT, kind, conditions, where, args, columns=columns, newest=newest,
                                         limit=limit, offset=offset)
            else:
                # newest first through the links' index (schema 14): links_sql.newest_items
                members = {link.entity: [r[0] for r in db.execute(f"SELECT id FROM entities WHERE id IN ({_MERGED_SET})",
                                                                  (link.entity,))] or [link.entity]
                           for link in conditions}
                sql, args = newest_items(_DIALECT, kind, walk, conditions, members, where, args, columns=columns,
                                         join="CROSS JOIN", limit=limit or 0, offset=offset)
            rows = db.execute(sql, args).fetchall()
        out = []
        for r in rows:
            data = _item_json(r["data"], r["text"])
            # The document's outlet is ``outlet``: a claim's own ``source`` is its speaker.
            data.update(item_id=r["id"], document=r["doc_id"], title=r["title"],
                        published=r["published"], outlet=r["source"], url=r["url"])
            data.setdefault("source", r["source"])
            out.append(data)
        return out

    # -- entities ---------------------------------------------------------------------------

    def find_entities(self, name: str) -> list[EntityRecord]:
        """Library entities whose name, alias or link key matches ``name`` (any script)."""
        with self._read() as db:
            ids: list[int] = []
            ref = re.fullmatch(r"[Ee](\d+)", name.strip())  # an entity id such as E12
            if ref and db.execute("SELECT 1 FROM entities WHERE id = ?", (int(ref.group(1)),)).fetchone():
                ids.append(int(ref.group(1)))
            types = [r[0] for r in db.execute("SELECT DISTINCT type FROM entities")]
            # Full-name keys first; a surname alone (weak keys) finds everyone who bears it.
            for strength in (False, True):
                if ids:
                    break
                keys = sorted({k for t in types for k in entity_keys(name, t) if is_weak(k) == strength})
                if keys:
                    marks = ",".join("?" * len(keys))
                    ids = [r[0] for r in db.execute(
                        f"SELECT DISTINCT entity_id FROM entity_keys WHERE key IN ({marks})", keys)]
            if not ids:
                ids = [r[0] for r in db.execute(
                    "SELECT DISTINCT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE", (name,))]
            roots = []
            for i in ids:
                root = self._root(i)
                if root not in roots:
                    roots.append(root)
        found = [self.get_entity(i) for i in roots]
        return sorted(found, key=lambda e: -e.mention_count)

    def _root(self, entity_id: int) -> int:
        """The entity this one has been merged into (through any chain of merges), or itself."""
        seen = set()
        with self._read() as db:
            while entity_id not in seen:
                seen.add(entity_id)
                row = db.execute("SELECT merged_into FROM entities WHERE id = ?", (entity_id,)).fetchone()
                if row is None or row[0] is None:
                    return entity_id
                entity_id = row[0]
        return entity_id

    # primitives for linking a document's entities (the rules are clipfile.entitylinks)

    def entities_with_key(self, key: str) -> list[int]:
        """Ids of the entities (not merged into another) that carry a link key."""
        with self._read() as db:
            return [r[0] for r in db.execute(
                "SELECT DISTINCT e.id FROM entity_keys k JOIN entities e ON e.id = k.entity_id"
                " WHERE k.key = ? AND e.merged_into IS NULL", (key,))]

    def entity_name(self, entity_id: int) -> str:
        """The canonical name of an entity (without following merges)."""
        with self._read() as db:
            row = db.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise NotFound(f"no entity E{entity_id}")
        return row[0]

    def entity_aliases(self, entity_id: int) -> list[str]:
        """The names filed under an entity itself (not those of entities merged into it)."""
        with self._read() as db:
            return [r[0] for r in db.execute("SELECT alias FROM entity_aliases WHERE entity_id = ?", (entity_id,))]

    def entity_mention_texts(self, entity_id: int, *, most: int = 2000) -> list[str]:
        """The words of an entity's mentions (merged ones included), as written: the latest
        ``most`` of them (bounded work for the most mentioned)."""
        with self._read() as db:
            return [r[0] for r in db.execute(
                f"SELECT text FROM mentions WHERE entity_id IN ({_MERGED_SET}) ORDER BY rowid DESC LIMIT ?",
                (entity_id, most))]

    def entity_company(self, entity_id: int, *, most_docs: int = 400) -> dict[int, str]:
        """Library entities (root id → type) named in the documents that name ``entity_id``
        (its latest ``most_docs`` documents: bounded work for the most mentioned)."""
        with self._read() as db:
            return {r[0]: r[1] for r in db.execute(
                f"WITH d AS (SELECT doc_id FROM mentions WHERE entity_id IN ({_MERGED_SET})"
                " GROUP BY doc_id ORDER BY max(rowid) DESC LIMIT ?)"
                " SELECT DISTINCT COALESCE(e.merged_into, e.id), e.type FROM d"
                " JOIN mentions m ON m.doc_id = d.doc_id JOIN entities e ON e.id = m.entity_id",
                (entity_id, most_docs))}

    def add_entity(self, name: str, type: str) -> int:
        """A new library entity; its id."""
        with self._tx() as db:
            new_id = db.execute("INSERT INTO entities (name, type) VALUES (?, ?)", (name, type)).lastrowid
        assert new_id is not None  # an INSERT's rowid
        return new_id

    def rename_entity(self, entity_id: int, name: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE entities SET name = ? WHERE id = ?", (name, entity_id))

    def add_entity_names(self, entity_id: int, names: Sequence[str], keys: Sequence[str]) -> None:
        """File names (aliases) and link keys under an entity; ones it has already are kept once."""
        with self._tx() as db:
            db.executemany("INSERT OR IGNORE INTO entity_aliases VALUES (?, ?)", [(entity_id, n) for n in names])
            db.executemany("INSERT OR IGNORE INTO entity_keys VALUES (?, ?)", [(k, entity_id) for k in keys])

    def get_entity(self, entity_id: int | str) -> EntityRecord:
        eid = _parse_entity_ref(entity_id)
        with self._read() as db:
            # an entity neither merged into another nor holding merged ones: its row says it all
            own = db.execute("SELECT id, name, type, mentions, documents FROM entities e WHERE id = ?"
                             " AND merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM entities x WHERE x.merged_into = e.id)",
                             (eid,)).fetchone()
            if own is not None:
                aliases = tuple(r[0] for r in db.execute(
                    "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias", (eid,)).fetchall())
                return EntityRecord(own[0], own[1], own[2], aliases, int(own[3]), int(own[4]))
            eid = self._root(eid)
            row = db.execute("SELECT id, name, type FROM entities WHERE id = ?", (eid,)).fetchone()
            if row is None:
                raise NotFound(f"no entity E{eid}")
            aliases = tuple(r[0] for r in db.execute(
                f"SELECT DISTINCT alias FROM entity_aliases WHERE entity_id IN ({_MERGED_SET}) ORDER BY alias",
                (eid,)))
            # kept counts (_ENTITY_COUNTS); a document naming two members of a merged entity
            # counts once, so theirs are counted from the documents each member is in
            members = db.execute(f"SELECT id, mentions, documents FROM entities WHERE id IN ({_MERGED_SET})",
                                 (eid,)).fetchall()
            n_mentions = sum(r[1] for r in members)
            if len(members) == 1:
                n_docs = members[0][2]
            else:
                n_docs = db.execute(
                    f"SELECT count(DISTINCT doc_id) FROM entity_documents WHERE entity_id IN ({_MERGED_SET})",
                    (eid,)).fetchone()[0]
        return EntityRecord(row["id"], row["name"], row["type"], aliases, n_mentions, n_docs)

    def merge_entities(self, keep: int | str, other: int | str) -> EntityRecord:
        """Make ``other`` part of ``keep``: names, mentions and statements of both become one.

        Raises:
            NotFound: either entity does not exist.
            StoreError: both name the same entity (or one is already merged into the other).
        """
        a, b = self._root(_parse_entity_ref(keep)), self._root(_parse_entity_ref(other))
        self.get_entity(a), self.get_entity(b)
        if a == b:
            raise StoreError(_same_entity_message(keep, other, a))
        with self._tx() as db:
            db.execute("UPDATE entities SET merged_into = ? WHERE id = ?", (a, b))
        return self.get_entity(a)

    def split_entity(self, entity_id: int | str, alias: str) -> EntityRecord:
        """Take one name (and its mentions) out of an entity into an entity of its own."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._tx() as db:
            members = [r[0] for r in db.execute(
                f"SELECT id FROM entities WHERE id IN ({_MERGED_SET})", (eid,))]
            marks = ",".join("?" * len(members))
            hit = db.execute(
                f"SELECT entity_id FROM entity_aliases WHERE entity_id IN ({marks}) AND alias = ?",
                (*members, alias)).fetchone()
            if hit is None:
                raise NotFound(f"entity E{eid} has no name {alias!r}")
            etype = db.execute("SELECT type FROM entities WHERE id = ?", (eid,)).fetchone()[0]
            new_id = db.execute("INSERT INTO entities (name, type) VALUES (?, ?)", (alias, etype)).lastrowid
            assert new_id is not None  # an INSERT's rowid
            db.execute(f"DELETE FROM entity_aliases WHERE entity_id IN ({marks}) AND alias = ?", (*members, alias))
            db.execute("INSERT INTO entity_aliases VALUES (?, ?)", (new_id, alias))
            for key in entity_keys(alias, etype):
                db.execute(f"DELETE FROM entity_keys WHERE key = ? AND entity_id IN ({marks})", (key, *members))
                db.execute("INSERT OR IGNORE INTO entity_keys VALUES (?, ?)", (key, new_id))
            db.execute(f"UPDATE mentions SET entity_id = ? WHERE entity_id IN ({marks}) AND text = ?",
                       (new_id, *members, alias))
            if db.execute("SELECT name FROM entities WHERE id = ?", (eid,)).fetchone()[0] == alias:
                rest = db.execute("SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY length(alias) DESC",
                                  (eid,)).fetchone()
                if rest:
                    db.execute("UPDATE entities SET name = ? WHERE id = ?", (rest[0], eid))
        return self.get_entity(new_id)

    def entity_mentions_by_month(self, entity_id: int | str) -> list[tuple[str | None, int]]:
        """Mentions of an entity per month of the documents' publication (``YYYY-MM``), in
        order; mentions in undated documents (or dated to the year only) are counted under
        ``None`` (last), never under the month they were ingested."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:  # kept per (entity, month) by triggers (_ENTITY_PAGES)
            rows = db.execute(
                f"SELECT nullif(month, ''), sum(n) FROM entity_months WHERE entity_id IN ({_MERGED_SET})"
                " GROUP BY month ORDER BY month = '', month", (eid,)).fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- forecast ledger --------------------------------------------------------------------

    def resolve_forecast(self, key: str, *, outcome: bool, date: str | None, note: str | None) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO forecast_resolutions (key, outcome, date, note, resolved) VALUES (?,?,?,?,?)"
                " ON CONFLICT(key) DO UPDATE SET outcome=excluded.outcome, date=excluded.date,"
                " note=excluded.note, resolved=excluded.resolved",
                (key, int(outcome), date, note, _now()),
            )

    def forecast_resolutions(self) -> dict[str, dict[str, Any]]:
        with self._read() as db:
            rows = db.execute("SELECT * FROM forecast_resolutions").fetchall()
        return {r["key"]: {"outcome": bool(r["outcome"]), "date": r["date"], "note": r["note"],
                           "resolved": r["resolved"]} for r in rows}

    def forecast_page(self, *, today: str, show: str = "all", order: str = "recent",
                      links: Sequence[EntityLink] = (), held_by: int | None = None, described: str | None = None,
                      key: str | None = None, after: str | None = None, limit: int = 50) -> ForecastPage:
        """One page of the ledger, read along an index from ``after`` (:mod:`.ledger_sql`)."""
        with self._read() as db:
            q = ledger_sql.page_query(_DIALECT, today=today, show=show, order=order, links=links, described=described,
                                      key=key, after=after, limit=limit, held_by=self._held_by(db, held_by))
            rows = db.execute(q.sql, q.args).fetchall()
            holders = ledger_sql.entity_roots(lambda ids: _entity_rows(db, ids),
                                              {r[5] for r in rows[:limit] if r[5] is not None})
        return ForecastPage([ledger_sql.page_row(tuple(r), holders, _item_json(r[2], r[3])) for r in rows[:limit]],
                            ledger_sql.next_cursor(rows, limit, q.order_columns))

    def forecast_counts(self, *, today: str, links: Sequence[EntityLink] = (), held_by: int | None = None,
                        described: str | None = None) -> dict[str, int]:
        with self._read() as db:
            members = self._held_by(db, held_by)
            def query(what: str) -> tuple[Any, ...]:
                return tuple(db.execute(*ledger_sql.counts_query(
                    _DIALECT, what, today=today, links=links, described=described, held_by=members)).fetchone())

            if not links and members is None and described is None:  # all of them: the counters
                total, late = db.execute(ledger_sql.due_counts_query(_DIALECT), (today,)).fetchone()
            else:
                (total,), (late,) = query("forecasts"), query("late")
            resolved, resolved_late = query("resolved")
        overdue = late - resolved_late
        return {"open": total - resolved - overdue, "overdue": overdue, "resolved": resolved}

    def forecaster_totals(self, *, today: str, entities: Sequence[int] | None = None, resolved_only: bool = False,
                          bins: int = 5) -> list[ForecasterTotals]:
        if bins < 1:
            raise ValueError("bins must be at least 1")
        with self._read() as db:
            merged = db.execute(ledger_sql.members_query(_DIALECT)).fetchall()
            members: list[int] | None = None
            if entities is not None:
                members = ledger_sql.members(merged, {self._root(int(e)) for e in entities})
            sql, args = ledger_sql.resolved_totals_query(_DIALECT, holders=members)
            resolved = db.execute(sql, args).fetchall()
            if resolved_only:
                roots = ledger_sql.entity_roots(lambda ids: _entity_rows(db, ids), {r[0] for r in resolved})
                members = ledger_sql.members(merged, {v[0] for v in roots.values()})
            sql, args = ledger_sql.holder_counts_query(_DIALECT, today=today, holders=members)
            counts = db.execute(sql, args).fetchall()
            roots = ledger_sql.entity_roots(lambda ids: _entity_rows(db, ids), {r[0] for r in counts})
        return ledger_sql.combine_totals(counts, resolved, roots, bins)

    def _held_by(self, db: Any, entity: int | None) -> list[int] | None:
        """An entity (after merges) and every entity merged into it, or None for none."""
        if entity is None:
            return None
        return ledger_sql.members(db.execute(ledger_sql.members_query(_DIALECT)).fetchall(),
                                  [self._root(int(entity))])

    def forecast_keys(self) -> list[str]:
        with self._read() as db:
            return [r[0] for r in db.execute("SELECT fkey FROM items WHERE kind = 'forecast' AND fkey IS NOT NULL")]

    # -- state and stats --------------------------------------------------------------------

    def get_state(self, key: str) -> Any:
        with self._read() as db:
            row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_state(self, key: str, value: Any) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                       (key, json.dumps(value, ensure_ascii=False)))

    def get_blob(self, key: str) -> bytes | None:
        with self._read() as db:
            row = db.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def set_blob(self, key: str, value: bytes) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO blobs (key, value, updated) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE"
                       " SET value=excluded.value, updated=excluded.updated", (key, value, _now()))

    def analyzed_documents(self) -> list[tuple[str, str | None]]:
        """(id, published) of every analysed document, in the order they were stored."""
        with self._read() as db:
            rows = db.execute(
                "SELECT d.id, d.published FROM documents d JOIN analyses a ON a.doc_id = d.id ORDER BY d.rowid"
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def stats(self) -> dict[str, Any]:
        """Counts of documents, analyses, entities and items, from counters kept as rows are
        written (schema 5): reading them costs the same for ten documents as for a million."""
        with self._read() as db:
            counts = dict(db.execute("SELECT name, n FROM counters WHERE n != 0 OR name NOT LIKE '%:%'").fetchall())

        def group(prefix: str) -> dict[str, int]:
            return {k[len(prefix):]: n for k, n in sorted(counts.items()) if k.startswith(prefix)}

        return {
            "library": self.path,
            "schema_version": self.schema_version,
            "documents": counts.get("documents", 0),
            "analyzed": counts.get("analyzed", 0),
            "entities": counts.get("entities", 0),
            "by_language": group("language:"),
            "by_kind": group("kind:"),
            "items": group("item:"),
            "characters": counts.get("characters", 0),
        }

    # -- web queries ------------------------------------------------------------------------
    # Read-only queries the web workbench needs beyond the CLI's: filtered search with facet
    # counts, entity browsing and co-mentions.

    def search_page(
        self,
        query: str | Query = "",
        *,
        kinds: tuple[str, ...] = (),
        source: str | None = None,
        language: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        entity: int | str | None = None,
        footing: str | None = None,
        limit: int = 20,
        offset: int = 0,
        with_facets: bool = True,
    ) -> SearchPage:
        """Search (or, with an empty query, browse) documents or items with filters and facets.

        Returns a :class:`SearchPage`; dates compare on the first ten characters of
        ``published`` (``YYYY-MM-DD``).

        The cost does not grow with the library: hits are ranked by bm25 within blocks of the
        newest :data:`RANK_WINDOW` matches (as :meth:`search`), and the total and the facet counts are
        counted over the newest ``sample`` matching documents and items.  With more matches than
        that they are estimates (``estimated`` is true), scaled by how much of the library the
        sample spans (the entity facet too: top entities of the sampled documents, as records
        with id, name and type but no library-wide counts).

        ``footing`` keeps only claims of that status (other kinds are unaffected); the footing
        facet counts matching claims by status, whatever ``footing`` is.  With ``with_facets=False``
        only the hits are computed (``total`` is None, ``facets`` empty).

        Raises:
            QueryError: the query could not be parsed or is beyond the limits.
            Interrupted: the current deadline passed before the page was ready.
        """
        parsed = query if isinstance(query, Query) else parse_query(query)
        fts_query = fts5_query(parsed)
        doc_where: list[str] = ["1"]
        doc_args: list[Any] = []
        if source:
            doc_where.append(_SOURCE)
            doc_args.append(source)
        if language:
            doc_where.append(_LANGUAGE)
            doc_args.append(language)
        if date_from:
            # the same as substr(d.published, 1, 10) >= ? for a date of at most ten characters,
            # and the index on published can answer it
            doc_where.append(_DATE_FROM)
            doc_args.append(date_from)
        if date_to:
            # published cut to the given date's length: --to 2024 keeps all of 2024
            doc_where.append(_DATE_TO)
            doc_args.extend((len(date_to), date_to))
        eid = self._root(_parse_entity_ref(entity)) if entity not in (None, "") else None
        # a browse (no query) reads newest first by date: the date range as bounds on that date
        # too (the same rows pass), so the read seeks the range in documents_source_dated (or
        # documents_recent) and stops at the page (schema 15)
        dated, dated_args = date_bounds("coalesce(d.published, d.ingested)", date_from, date_to, "?")

        doc_only = len(doc_where) == 1  # no filter on documents (besides the text match)

        def doc_filters() -> tuple[list[str], list[Any]]:
            where, args = list(doc_where), list(doc_args)
            if eid is not None:
                where.append(_DOC_ENTITY)
                args.append(eid)
            return where, args

        def item_filters(item_kinds: tuple[str, ...], *extra: str,
                         use_footing: bool = True) -> tuple[list[str], list[Any]]:
            where, args = [*doc_where, *extra], list(doc_args)
            if item_kinds:
                where.append(f"i.kind IN ({','.join('?' * len(item_kinds))})")
                args.extend(item_kinds)
            if footing and use_footing:
                where.append("(i.kind != 'claim' OR json_extract(i.data, '$.status') = ?)")
                args.append(footing)
            if eid is not None:
                where.append(_ITEM_ENTITY)
                args.append(eid)
            return where, args

        total: int | None = None
        facets: dict[str, Any] = {}
        roots: dict[int, int] = {}
        doc_scale = item_scale = 1.0
        try:
            with self._read() as db:
                scans = _Scans(db, fts_query)  # the newest matches, read once for hits and facets
                if kinds:
                    where, args = item_filters(kinds)
                    cols = ("i.id AS item_id, i.doc_id, d.title, i.kind, i.start, i.end, i.text, d.published,"
                            " d.source, d.language, s.rank")
                    if fts_query:
                        rows = _ranked(db, _ITEMS, parsed, cols, where, args, limit, offset, scans)
                    else:
                        where, args = _browsed(db, _ITEMS, where, args, dated, dated_args, scans)
                        rows = db.execute(
                            f"SELECT {cols.replace('s.rank', '0 AS rank')} FROM documents d CROSS JOIN items i"
                            f" ON i.doc_id = d.id WHERE {' AND '.join(where)}"
                            " ORDER BY coalesce(d.published, d.ingested) DESC, i.doc_id, i.start LIMIT ? OFFSET ?",
                            (*args, limit, offset)).fetchall()
                else:
                    where, args = doc_filters()
                    cols = "d.id AS doc_id, d.title, d.text, d.published, d.source, d.language, s.rank"
                    if fts_query:
                        rows = _ranked(db, _DOCUMENTS, parsed, cols, where, args, limit, offset, scans)
                    else:
                        where, args = _browsed(db, _DOCUMENTS, where, args, dated, dated_args, scans)
                        rows = db.execute(
                            f"SELECT {cols.replace('s.rank', '0 AS rank')} FROM documents d"
                            f" WHERE {' AND '.join(where)}"
                            " ORDER BY coalesce(d.published, d.ingested) DESC, d.rowid DESC LIMIT ? OFFSET ?",
                            (*args, limit, offset)).fetchall()
                if with_facets:
                    # Facets and totals are counted over a sample of the newest matching documents
                    # (and, apart, items), not over every match: past it they are estimates scaled
                    # by the share of the library the sample spans.
                    where, args = doc_filters()
                    doc_sample, doc_scale = _sample(db, _DOCUMENTS, fts_query, "d.id, d.source, d.language",
                                                    where, args, filtered=not doc_only or eid is not None,
                                                    scans=scans)
                    where, args = item_filters((), "i.kind != 'duplicate'")
                    # on a page of documents the items only give the kind facet: no deep walk
                    # (and their kind is all it needs of them)
                    item_cols = "d.source, d.language, i.kind" if kinds else "NULL, NULL, i.kind"
                    item_sample, item_scale = _sample(db, _ITEMS, fts_query, item_cols,
                                                      where, args, filtered=True, scans=scans,
                                                      # a window's few suffice, unless the query's
                                                      # documents were few enough to count them all
                                                      deep=bool(kinds) or (doc_scale == 1.0 and doc_only
                                                                           and eid is None))
                    ent_rows = db.execute(
                        "SELECT m.entity_id, count(DISTINCT m.doc_id) AS n FROM mentions m"
                        " WHERE m.doc_id IN (SELECT value FROM json_each(?)) GROUP BY 1 ORDER BY n DESC LIMIT 30",
                        (json.dumps([r[1] for r in doc_sample]),)).fetchall()
                    for r in ent_rows:
                        root = self._root(r[0])
                        roots[root] = max(roots.get(root, 0), r[1])
                    if "claim" in kinds:
                        where, args = item_filters(("claim",), use_footing=False)
                        footing_sample, footing_scale = _sample(
                            db, _ITEMS, fts_query, "d.source, d.language, json_extract(i.data, '$.status')",
                            where, args, filtered=True, scans=scans)
        except sqlite3.OperationalError as exc:
            raise QueryError(_explain_fts_error(parsed.text, exc)) from exc
        if with_facets:
            if kinds:
                chosen, scale = [(r[1], r[2]) for r in item_sample if r[3] in kinds], item_scale
            else:
                chosen, scale = [(r[2], r[3]) for r in doc_sample], doc_scale
            total = _estimate(len(chosen), scale)
            for col, pos in (("source", 0), ("language", 1)):
                counts: dict[str, int] = {}
                for row in chosen:
                    if row[pos] is not None:
                        counts[row[pos]] = counts.get(row[pos], 0) + 1
                facets[col] = sorted(((v, _estimate(n, scale)) for v, n in counts.items()),
                                     key=lambda kv: (-kv[1], kv[0]))[:15]
            by_kind: dict[str, int] = {}
            for r in item_sample:
                by_kind[r[3]] = by_kind.get(r[3], 0) + 1
            facets["kind"] = [("document", _estimate(len(doc_sample), doc_scale)),
                              *sorted((k, _estimate(n, item_scale)) for k, n in by_kind.items())]
            top = sorted(roots.items(), key=lambda kv: -kv[1])[:10]
            # The facet names entities only: their library-wide counts (get_entity) would cost a
            # pass over each one's mentions and statements.
            with self._read() as db:
                names = {r[0]: r for r in db.execute(
                    "SELECT id, name, type FROM entities WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps([i for i, _ in top]),))}
            facets["entity"] = [(EntityRecord(i, names[i][1], names[i][2]), _estimate(n, doc_scale))
                                for i, n in top if i in names]
            if "claim" in kinds:
                statuses: dict[str, int] = {}
                for r in footing_sample:
                    if r[3]:
                        statuses[r[3]] = statuses.get(r[3], 0) + 1
                facets["footing"] = sorted(((v, _estimate(n, footing_scale)) for v, n in statuses.items()),
                                           key=lambda kv: (-kv[1], kv[0]))
        hits = []
        for r in rows:  # snippets after the read: the connection goes back to the pool sooner
            deadline.check()
            if kinds:
                hits.append(SearchHit(r["doc_id"], r["title"], _web_snippet(r["text"], parsed), r["rank"],
                                      kind=r["kind"], start=r["start"], end=r["end"], published=r["published"],
                                      source=r["source"], language=r["language"], item_id=r["item_id"]))
            else:
                hits.append(SearchHit(r["doc_id"], r["title"], _web_snippet(r["text"], parsed), r["rank"],
                                      published=r["published"], source=r["source"], language=r["language"]))
        return SearchPage(hits, total, Facets(**facets), estimated=max(doc_scale, item_scale) > 1,
                          sample=FACET_SAMPLE)

    def list_entities(self, *, limit: int = 50, offset: int = 0, type: str | None = None) -> list[EntityRecord]:
        """Library entities (merged ones folded in), most mentioned first."""
        # by each entity's own kept mention count, along the entities_listed index; an entity
        # that others were merged into is read as get_entity reads it, the rest from these rows
        sql = ("SELECT e.id, e.name, e.type, e.mentions, e.documents,"
               " EXISTS (SELECT 1 FROM entities x WHERE x.merged_into = e.id) FROM entities e"
               " WHERE e.merged_into IS NULL")
        args: list[Any] = []
        if type:
            sql += " AND e.type = ?"
            args.append(type)
        sql += " ORDER BY e.mentions DESC, e.name LIMIT ? OFFSET ?"
        with self._read() as db:
            rows = db.execute(sql, (*args, limit, offset)).fetchall()
            plain = [r[0] for r in rows if not r[5]]
            aliases: dict[int, set[str]] = {}
            if plain:
                for entity, alias in db.execute(
                        "SELECT entity_id, alias FROM entity_aliases"
                        " WHERE entity_id IN (SELECT value FROM json_each(?))", (json.dumps(plain),)).fetchall():
                    aliases.setdefault(entity, set()).add(alias)
        # aliases in code-point order, as get_entity's ORDER BY (SQLite's binary, PostgreSQL's "C")
        return [self.get_entity(r[0]) if r[5] else
                EntityRecord(r[0], r[1], r[2], tuple(sorted(aliases.get(r[0], ()))), int(r[3]), int(r[4]))
                for r in rows]

    def co_mentioned_entities(self, entity_id: int | str, *, limit: int = 15,
                              sample: int | None = None) -> list[tuple[EntityRecord, int]]:
        """Entities mentioned in the same documents as this one, with the number of shared
        documents, counted over its newest ``sample`` documents (:data:`ENTITY_SAMPLE`, read
        when called); when it is in more, the numbers are estimates scaled to all of them."""
        eid = self._root(_parse_entity_ref(entity_id))
        sample = ENTITY_SAMPLE if sample is None else sample
        with self._read() as db:
            mine = [r[0] for r in db.execute(f"SELECT id FROM entities WHERE id IN ({_MERGED_SET})", (eid,))]
            sql, args = newest_documents(_DIALECT, mine, sample)
            found = [r[0] for r in db.execute(sql, args)]
            docs = json.dumps(found)
            rows = db.execute(
                "SELECT m.entity_id, count(DISTINCT m.doc_id) AS n FROM mentions m"
                f" WHERE m.doc_id IN (SELECT value FROM json_each(?)) AND m.entity_id NOT IN ({','.join('?' * len(mine))})"
                " GROUP BY 1 ORDER BY n DESC LIMIT ?", (docs, *mine, limit * 3)).fetchall()
            shared: dict[int, int] = {}
            for r in rows:
                root = self._root(r[0])
                if root != eid:
                    shared[root] = max(shared.get(root, 0), r[1])
            # an entity with others merged into it shares the documents any of them is named in
            merged = db.execute(ledger_sql.members_query(_DIALECT)).fetchall()
            for root in shared:
                members = ledger_sql.members(merged, [root])
                if len(members) > 1:
                    shared[root] = db.execute(
                        f"SELECT count(DISTINCT doc_id) FROM mentions WHERE entity_id IN ({','.join('?' * len(members))})"
                        " AND doc_id IN (SELECT value FROM json_each(?))", (*members, docs)).fetchone()[0]
        scale = self.get_entity(eid).document_count / sample if len(found) >= sample else 1.0
        top = sorted(shared.items(), key=lambda kv: -kv[1])[:limit]
        return [(self.get_entity(i), estimate(n, scale)) for i, n in top]

    def entity_documents(self, entity_id: int | str, *, limit: int = 50) -> list[DocumentSummary]:
        """Documents naming an entity (or linking it to one of their items), newest first: read
        from its (entity, document) rows by date (schema 15)."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:
            mine = [r[0] for r in db.execute(f"SELECT id FROM entities WHERE id IN ({_MERGED_SET})", (eid,))]
            sql, args = newest_documents(_DIALECT, mine, limit)
            rows = db.execute(
                f"WITH n AS ({sql}) SELECT d.id, d.title, d.source, d.published, d.language, d.kind, length(d.text),"
                " d.url, a.version FROM n CROSS JOIN documents d ON d.id = n.doc_id LEFT JOIN analyses a"
                " ON a.doc_id = d.id ORDER BY n.at DESC, n.doc_id DESC", args).fetchall()
        return [DocumentSummary(*tuple(r)) for r in rows]


# Every entity id that has been merged (directly or through others) into the given root id.
_MERGED_SET = (
    "WITH RECURSIVE m(id) AS (SELECT ? UNION SELECT e.id FROM entities e JOIN m ON e.merged_into = m.id)"
    " SELECT id FROM m"
)


# The search page's filters on a row's document (and an item's entity filter), as its conditions
# say them: a narrow filter's stream (_stream) is told by its condition.  The language is tested
# on the rows read, never sought ("+"): the index on the language (schema 16) would take every
# document of a common language and sort them, where a page reads the newest by date and stops.
_SOURCE = "d.source = ?"
_LANGUAGE = "+d.language = ?"
_DATE_FROM = "d.published >= ?"
_DATE_TO = "substr(d.published, 1, ?) <= ?"
_DOC_ENTITY = f"d.id IN (SELECT doc_id FROM mentions WHERE entity_id IN ({_MERGED_SET}))"
_ITEM_ENTITY = f"i.id IN (SELECT item_id FROM item_entities WHERE entity_id IN ({_MERGED_SET}))"


_DIALECT = ledger_sql.Dialect("?", _MERGED_SET, lambda path: f"json_extract(i.data, '$.{path}')",
                              lambda index: f" INDEXED BY {index}")


def _entity_rows(db: sqlite3.Connection, ids: list[int]) -> list[tuple[Any, ...]]:
    """``(id, merged_into, name, type)`` of these entities."""
    return [tuple(r) for r in db.execute(
        f"SELECT id, merged_into, name, type FROM entities WHERE id IN ({','.join('?' * len(ids))})", ids)]


@dataclass(frozen=True)
class _Side:
    """Where the web search page looks: documents or items, their FTS table, and how to reach
    their columns from a candidate row id ``s.rid``."""

    fts: str  # the full-text table, rowid = the row's key
    table: str
    key: str  # the table's integer key, in storage order
    join: str  # joins from candidates ``s`` to the table (as i or d) and its document d
    source: str  # the table and its document, for a scan that filters as it goes ...
    source_key: str
    fts_source: str  # ... and the same starting from the full-text matches
    text: str  # the stored text of a row ``s.value`` reached by ``text_join`` (for ranking)
    text_join: str
    own_join: str  # ``join`` without the document, for filters on the row's own columns


_ITEMS = _Side("items_fts", "items", "id", "CROSS JOIN items i ON i.id = s.rid CROSS JOIN documents d ON d.id = i.doc_id",
               "items i CROSS JOIN documents d ON d.id = i.doc_id", "i.id",
               "items_fts CROSS JOIN items i ON i.id = items_fts.rowid CROSS JOIN documents d ON d.id = i.doc_id",
               "i.text", "CROSS JOIN items i ON i.id = s.value", "CROSS JOIN items i ON i.id = s.rid")
_DOCUMENTS = _Side("documents_fts", "documents", "rowid", "CROSS JOIN documents d ON d.rowid = s.rid",
                   "documents d", "d.rowid", "documents_fts CROSS JOIN documents d ON d.rowid = documents_fts.rowid",
                   "coalesce(d.title, '') || char(10) || d.text", "CROSS JOIN documents d ON d.rowid = s.value",
                   "CROSS JOIN documents d ON d.rowid = s.rid")


def _scan(side: _Side, fts_query: str, *, ranked: bool, above: int = 0, below: int | None = None
          ) -> tuple[str, list[Any]]:
    """The newest rows (or full-text matches) of a side whose key is above ``above`` (and below
    ``below``), ``LIMIT ?`` left to fill."""
    key = "rowid" if fts_query else side.key
    bounds = (f" AND {key} > {int(above)}" if above > 0 else "") + (f" AND {key} < {int(below)}" if below else "")
    if fts_query:
        rank = f"bm25({side.fts})" if ranked else "0"
        return (f"SELECT rowid AS rid, {rank} AS rank FROM {side.fts} WHERE {side.fts} MATCH ?{bounds}"
                " ORDER BY rowid DESC LIMIT ?", [fts_query])
    return (f"SELECT {side.key} AS rid, 0 AS rank FROM {side.table} WHERE 1{bounds}"
            f" ORDER BY {side.key} DESC LIMIT ?", [])


def _filtered_scan(side: _Side, fts_query: str, where: list[str], *, ranked: bool,
                   floor: int = 0, below: int | None = None, below_document: int | None = None
                   ) -> tuple[str, list[Any]]:
    """The newest rows (or matches) that pass the filters, however far back they are (down to
    the key ``floor``; below the key ``below``; of documents below the rowid ``below_document``)."""
    source, key, conds = side.source, side.source_key, list(where)
    if fts_query:
        # the full-text match first: probing the FTS table once per filtered row is far slower
        source, key = side.fts_source, f"{side.fts}.rowid"
        conds.insert(0, f"{side.fts} MATCH ?")
    if floor > 1:
        conds.append(f"{key} >= {int(floor)}")
    if below is not None:
        conds.append(f"{key} < {int(below)}")
    if below_document is not None:
        conds.append(f"d.rowid < {int(below_document)}")
    rank = f"bm25({side.fts})" if ranked and fts_query else "0"
    return (f"SELECT {key} AS rid, {rank} AS rank FROM {source} WHERE {' AND '.join(conds)}"
            f" ORDER BY {key} DESC LIMIT ?", [fts_query] if fts_query else [])


def _ranked(db: sqlite3.Connection, side: _Side, query: Query, cols: str, where: list[str], args: list[Any],
            limit: int, offset: int, scans: _Scans | None = None) -> list[sqlite3.Row]:
    """One page of hits, ranked by bm25 within blocks of :data:`RANK_WINDOW` matches.

    Matches that pass the filters are taken newest first (storage order) in blocks of the
    window; the first page holds the best of the newest block, and paging walks the blocks in
    turn, so every match is reached exactly once and no page scores more than the blocks up to
    it.  With filters the candidates are found first (among the newest :data:`FILTER_SCAN`
    matches when enough of them pass: the cost stays bounded; else however far back) and only
    they are scored.  The scores are FTS5's ``bm25()`` while it is cheap for the query, else the
    same formula over the candidates' stored text (:mod:`clipfile.store.sqlite_rank`: ``bm25()``
    walks every match of every phrase, whatever it scores).
    """
    fts_query = fts5_query(query)
    window = RANK_WINDOW * -(-(offset + limit) // RANK_WINDOW)
    scans = scans or _Scans(db, fts_query)
    heads: list[int] = []  # where groups of blocks were cut short: a window or a filter's look-ups stopped there
    lowers: dict[int, int] = {}  # ... and the oldest key each cut group stands for
    floor = scans.window(side)[1]
    if len(where) == 1:
        # No filters: the first block is the matches among the newest SAMPLE_ROWS rows (at most
        # RANK_WINDOW); the blocks after it go on further back, as many as the page needs.
        one = isinstance(query.root, (Term, Phrase))  # its newest matches say whether bm25() is cheap
        cheap = False if one else bm25_is_cheap(db, side.fts, query)

        def blocks(ranked: bool) -> tuple[list[Any], int, bool]:
            scan, scan_args = _scan(side, fts_query, ranked=ranked, above=floor)
            rows = db.execute(scan, (*scan_args, RANK_WINDOW)).fetchall()
            first, every = len(rows), len(rows) < RANK_WINDOW and floor == 0
            if first < offset + limit and not every:
                more = RANK_WINDOW * -(-(offset + limit - first) // RANK_WINDOW)
                scan, scan_args = _scan(side, fts_query, ranked=ranked,
                                        below=rows[-1][0] if first == RANK_WINDOW else floor + 1)
                older = db.execute(scan, (*scan_args, more)).fetchall()
                rows, every = rows + older, len(older) < more
            return rows, first, every

        scored, head, every = blocks(cheap)
        heads = [head]
        if head < RANK_WINDOW:
            lowers[head] = floor + 1  # a first block cut by the window
        found = [r[0] for r in scored]
        # cheap when the whole library holds few matches (the same answer on every page): the
        # blocks read say so when they hold every match, else a probe does
        if one and len(found) < sqlite_rank.CHEAP_MATCHES and (every or bm25_is_cheap(db, side.fts, query)):
            cheap = True
            scored = blocks(True)[0]
        scans.record(side, found[:head], head < RANK_WINDOW)  # the facets read the first block
    else:
        cheap = bm25_is_cheap(db, side.fts, query)
        n = max(FILTER_SCAN, window)
        walked = scans.newest(side, n)

        def narrow(under: int | None, need: int) -> Chunks | None:
            return _narrow(db, side, fts_query, where, args, need, scans, under=under)

        def scan(more: int, below: int | None, under: int | None) -> list[int]:
            sql, scan_args = _filtered_scan(side, fts_query, where, ranked=False, below=under, below_document=below)
            return [r[0] for r in db.execute(sql, (*scan_args, *args, more))]

        # the matches of the walk that pass and, when too few for the page, a narrow source's
        # own documents chunk after chunk (each chunk a group of ranking blocks), or the filters
        # in the query (chunks.candidates: the same groups on every page)
        got = candidates(scans.passing(side, n, where, args), walked[-1] if len(walked) >= n else floor + 1,
                         len(walked) >= n or floor > 0, need=offset + limit, block=RANK_WINDOW,
                         enough=MIN_SAMPLE, narrow=narrow, scan=scan)
        found, heads, lowers, every = got.found, got.heads, got.lowers, got.every
        if not found:
            return []
        if cheap:
            # Score the candidates only: "rowid IN (...)" in the WHERE would make FTS5 run the
            # query once per candidate, so they are picked out inside the scan of their range.
            scored = db.execute(
                f"SELECT rid, rank FROM (SELECT rowid AS rid, CASE WHEN rowid IN (SELECT value FROM json_each(?))"
                f" THEN bm25({side.fts}) END AS rank FROM {side.fts} WHERE {side.fts} MATCH ?"
                " AND rowid BETWEEN ? AND ? ORDER BY rowid DESC) WHERE rank IS NOT NULL",
                (json.dumps(found), fts_query, min(found), max(found))).fetchall()
    if not cheap:
        scored = _estimated_scores(db, side, query, found, every=every, heads=heads, lowers=lowers)
    order = sorted(range(len(scored)), key=lambda k: (rank_block(k, heads, RANK_WINDOW), scored[k][1], k))
    page = [[scored[k][0], scored[k][1]] for k in order[offset:offset + limit]]
    if not page:
        return []
    return db.execute(
        "WITH s(rid, rank, pos) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), key"
        " FROM json_each(?))"
        f" SELECT {cols} FROM s {side.join} ORDER BY s.pos", (json.dumps(page),)).fetchall()


def _estimated_scores(db: sqlite3.Connection, side: _Side, query: Query, found: list[int],
                      *, every: bool, heads: Sequence[int] = (), lowers: dict[int, int] | None = None
                      ) -> list[tuple[int, float]]:
    """``(rowid, score)`` of candidates (newest first), scored block by block from their stored
    text (:class:`clipfile.store.sqlite_rank.Scorer`).  A block stands for the rows from just
    below the block before it (or the newest row) down to its oldest match (or, when ``every``
    match was found, the first row; a group of blocks cut short at one of ``heads`` matches,
    down to the key ``lowers`` gives for it)."""
    texts = dict(db.execute(f"SELECT s.value, {side.text} FROM json_each(?) s {side.text_join}",
                            (json.dumps(found),)).fetchall())
    newest = db.execute(f"SELECT max({side.key}) FROM {side.table}").fetchone()[0] or 0
    scorer = Scorer(query)
    lowers = lowers or {}
    out: list[tuple[int, float]] = []
    starts: list[int] = []
    for a, b in zip([0, *heads], [*heads, len(found)]):
        starts.extend(range(a, min(b, len(found)), RANK_WINDOW))
    starts = sorted(set(starts))
    for i, b in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(found)
        block = found[b:end]
        if not block:
            continue
        upper = found[b - 1] - 1 if b else max(newest, block[0])
        lower = (1 if every and end >= len(found) else lowers.get(end, min(block)))
        out.extend(zip(block, scorer.scores([texts.get(rid) or "" for rid in block], upper - lower + 1)))
    return out


def _filter_first(db: sqlite3.Connection, side: _Side, fts_query: str, where: list[str], args: list[Any],
                  *, below: int | None = None, under: int | None = None, known: dict[int, bool] | None = None,
                  sets: dict[tuple[Any, ...], list[int] | None] | None = None
                  ) -> tuple[list[int], int | None, int | None] | None:
    """One chunk of a narrow filter's own documents: the matches (documents, or their items) that
    pass the filters among the newest :data:`FILTER_PROBES` documents of its stream (:func:`_stream`:
    an entity's or a date range's few documents, a source's, a language's; below the document
    ``below``; keys below ``under``), newest first; the oldest key they stand for when the stream
    holds more documents (else None); and the last document looked up, when it holds more (else
    None).  None without a stream (the filters have no newest-first walk of their own).

    Called when few of the newest matches pass the filters: the filters are narrow for the
    query, and walking further back through the matches costs a step for every older match.
    The stream gives the filter's documents newest first without reading their rows; they are
    looked up in the full-text index :data:`PROBE_BLOCK` at a time (the span of each block in one
    pass), and the matches checked against the other filters: a cost bounded by the probes, not
    the query or the library.  A page of items takes the items of those documents (newest
    document first, each one's items newest first), so a narrow filter is browsed or searched
    from its own documents too.  What a chunk finds stands for the span of the library it
    reaches back to (the caller scales it, or goes on below it), as in the PostgreSQL library
    (:func:`clipfile.store.postgres_search.filter_first`).  ``known`` holds whether rows match
    the query, as the page's other look-ups found (and takes what this one finds); ``sets`` the
    filters' documents read whole, as the page's other look-ups read them.
    """
    stream = _stream(db, side, where, args, {} if sets is None else sets)
    if stream is None:
        return None
    known = {} if known is None else known
    if side is _DOCUMENTS and under is not None:
        below = under if below is None else min(below, under)
    own = "" if side is _DOCUMENTS or under is None else f" AND i.id < {int(under)}"  # (items: the keys below)
    # the stream's documents, newest first (from an index alone, or the set read whole)
    candidates = stream.chunk(db, below, FILTER_PROBES + 1)
    wide = len(candidates) > FILTER_PROBES
    probes = candidates[:FILTER_PROBES]
    if wide and not probes:
        return None
    found: list[int] = []
    lowest: int | None = None
    # filters besides the stream's own (an item's own, at least)
    others = side is _ITEMS or any(w != "1" and w not in stream.conds for w in where)
    of_block: dict[int, list[int]] = {}
    if side is _ITEMS and probes:
        # the items of the documents that pass the filters (a document's own tested once), by
        # block of documents, in one read (a filter's set, an entity's items, is built once),
        # and the oldest item of them all: the span the chunk stands for
        docs = json.dumps(probes)
        lowest = db.execute("SELECT min(i.id) FROM json_each(?) s CROSS JOIN documents d ON d.rowid = s.value"
                            f" CROSS JOIN items i ON i.doc_id = d.id WHERE 1{own}", (docs,)).fetchone()[0]
        for key, item in db.execute(
                "SELECT s.key, i.id FROM json_each(?) s CROSS JOIN documents d ON d.rowid = s.value"
                f" CROSS JOIN items i ON i.doc_id = d.id WHERE {' AND '.join(_from_documents(where))}{own}"
                " ORDER BY s.key, i.id DESC", (docs, *args)):
            of_block.setdefault(key - key % PROBE_BLOCK, []).append(item)
    for b in range(0, len(probes), PROBE_BLOCK):
        block = probes[b:b + PROBE_BLOCK]
        if side is _ITEMS:
            block = of_block.get(b, [])
        elif block and others:  # the other filters first: they read the block's rows alone
            passing = {r[0] for r in db.execute(
                f"WITH s(rid) AS (SELECT value FROM json_each(?)) SELECT s.rid FROM s {side.join}"
                f" WHERE {' AND '.join(where)}", (json.dumps(block), *args))}
            block = [rid for rid in block if rid in passing]
        # (rows another set of filters of the page looked up already are not looked up again)
        unknown = [rid for rid in block if rid not in known] if fts_query else []
        matching: set[int] = set()
        if unknown:
            # the matches within the block's span, newest first, in one pass of the index
            # ("rowid IN (...)" makes FTS5 run the whole query once per candidate), while the
            # span holds few matches for each row to look up ...
            most = _SPAN_PER_LOOKUP * len(unknown)
            spanned = [r[0] for r in db.execute(
                f"SELECT rowid FROM {side.fts} WHERE {side.fts} MATCH ? AND rowid BETWEEN ? AND ?"
                " ORDER BY rowid DESC LIMIT ?", (fts_query, min(unknown), max(unknown), most))]
            matching = set(spanned)
            rest = [rid for rid in unknown if rid < spanned[-1]] if len(spanned) >= most else []
            if rest:
                # ... and past that, a look-up of each (a seek per word: the span of a narrow
                # filter's documents may hold many matches of a common word for each of them)
                matching.update(r[0] for r in db.execute(
                    f"SELECT s.value FROM json_each(?) s WHERE EXISTS (SELECT 1 FROM {side.fts}"
                    f" WHERE {side.fts} MATCH ? AND rowid = s.value)", (json.dumps(rest), fts_query)))
        known.update((rid, rid in matching) for rid in unknown)
        if fts_query:
            block = [rid for rid in block if known[rid]]
        found.extend(block)
    if not wide:
        return found, None, None
    cut = (probes[-1] if side is _DOCUMENTS else lowest if lowest is not None
           else under if under is not None else _newest_key(db, side) + 1)
    return found, cut, probes[-1]


# A chunk's documents are looked up in the full-text index in one pass over their span while it
# holds at most this many matches per document (a pass reads a match in about 1/50 of the time
# a look-up of one row takes), and one by one past that.
_SPAN_PER_LOOKUP = 32


@dataclass(frozen=True)
class _Stream:
    """A narrow filter's documents newest first (keys in storage order), as :func:`_stream`
    chose them (``kind``: entity, dates, source, language): a set read whole (``keys``,
    descending), or a walk of an index (``walk``: the SQL that selects the filter's documents'
    rowids from it, and its arguments).  ``conds``: the page's filters the stream's documents
    pass by being in it."""

    kind: str
    conds: tuple[str, ...]
    keys: list[int] | None = None
    walk: tuple[str, list[Any]] = ("", [])

    def chunk(self, db: sqlite3.Connection, below: int | None, n: int) -> list[int]:
        """The stream's newest ``n`` documents below the document ``below`` (None: the newest)."""
        if self.keys is not None:
            return newest_below(self.keys, below, n)
        sql, args = self.walk
        return [r[0] for r in db.execute(
            f"{sql}{'' if below is None else ' AND rowid < ?'} ORDER BY rowid DESC LIMIT ?",
            (*args, *(() if below is None else (below,)), n))]


def _args_of(where: list[str], args: list[Any], cond: str) -> list[Any] | None:
    """The arguments of one of the conditions ``where`` (None: it is not one of them)."""
    if cond not in where:
        return None
    at = sum(w.count("?") for w in where[:where.index(cond)])
    return args[at:at + cond.count("?")]


def _stream(db: sqlite3.Connection, side: _Side, where: list[str], args: list[Any],
            sets: dict[tuple[Any, ...], list[int] | None]) -> _Stream | None:
    """Where a narrow filter's documents come from, newest first, for its chunks (:func:`_filter_first`):
    one rule, the same on every page of a search and on both backends
    (:func:`clipfile.store.postgres_search.filter_first`).

    1. an entity filter: the documents that can hold a match (that mention the entity or one
       merged into it; of items, the documents the entity is in or an item links it to: those of
       the items linked to it and perhaps a few more), read whole when they are at most
       :data:`NARROW_SET`;
    2. a date range: the documents published in it (a seek of the index on the date), likewise;
       with both, the smaller set (the entity's on a tie);
    3. else a source: its documents from its index, chunk after chunk (schema 10);
    4. else a language: likewise (schema 16);
    5. else None: the filters go into the query (a walk through its matches).

    ``sets`` keeps what was read whole for the page's other look-ups (None: too many)."""
    found: list[_Stream] = []
    entity = _args_of(where, args, _DOC_ENTITY if side is _DOCUMENTS else _ITEM_ENTITY)
    if entity is not None and side is _DOCUMENTS:
        keys = _read_set(db, sets, (side.fts, "entity", *entity), "SELECT DISTINCT d.rowid FROM mentions m"
                         f" CROSS JOIN documents d ON d.id = m.doc_id WHERE m.entity_id IN ({_MERGED_SET})", entity)
        if keys is not None:
            found.append(_Stream("entity", (_DOC_ENTITY,), keys))
    elif entity is not None:
        # the documents of the items linked to it: those the entity is in (entity_documents, kept
        # by triggers from its mentions and its links other than "mentioned", read by its key) and
        # those of its "mentioned" links (a few more documents, perhaps: the chunks test the
        # filter itself), instead of reaching every linked item's row for its document
        keys = _read_set(db, sets, (side.fts, "entity", *entity),
                         "SELECT d.rowid FROM entity_documents ed CROSS JOIN documents d ON d.id = ed.doc_id"
                         f" WHERE ed.entity_id IN ({_MERGED_SET}) UNION SELECT d.rowid FROM item_entities ie"
                         " CROSS JOIN items i ON i.id = ie.item_id CROSS JOIN documents d ON d.id = i.doc_id"
                         f" WHERE ie.entity_id IN ({_MERGED_SET}) AND ie.role = 'mentioned'", entity * 2)
        if keys is not None:
            found.append(_Stream("entity", (), keys))
    date_from, date_to = _args_of(where, args, _DATE_FROM), _args_of(where, args, _DATE_TO)
    if date_from or date_to:
        # the filters' range as bounds on the published date: the same documents, and an index
        # seek (bounds.date_bounds)
        bounds, bound_args = date_bounds("published", date_from[0] if date_from else None,
                                         date_to[1] if date_to else None, "?")
        keys = _read_set(db, sets, ("dates", *bound_args, *bounds),
                         f"SELECT rowid FROM documents WHERE {' AND '.join(bounds)}", bound_args)
        if keys is not None:
            found.append(_Stream("dates", tuple(c for c, a in ((_DATE_FROM, date_from), (_DATE_TO, date_to)) if a),
                                 keys))
    if found:
        return min(found, key=lambda s: len(s.keys or ()))  # (the first of equals: the entity's)
    for cond, column in ((_SOURCE, "source"), (_LANGUAGE, "language")):
        value = _args_of(where, args, cond)
        if value is not None:
            return _Stream(column, (cond,), walk=(f"SELECT rowid FROM documents WHERE {column} = ?", value))
    return None


def _from_documents(where: list[str]) -> list[str]:
    """The filters of items reached from their documents (a chunk's, a browse's): the item's
    entity tested on the items read ("+"), not sought: SQLite would otherwise look each of the
    entity's items up among each document's items."""
    return ["+" + w if w == _ITEM_ENTITY else w for w in where]


def _browsed(db: sqlite3.Connection, side: _Side, where: list[str], args: list[Any], dated: list[str],
             dated_args: list[Any], scans: _Scans) -> tuple[list[str], list[Any]]:
    """A browse's filters (newest first by date): the page's, its date range as bounds on that
    date (an index seeks them), and, when the filter's documents are few (an entity's, read
    whole for the page by :func:`_stream`; a language's, read whole the same way from its index),
    those documents: a page of them sorted, not a walk by date through the library until enough
    pass (the same rows)."""
    where, args = [*where, *dated], [*args, *dated_args]
    stream = _stream(db, side, where, args, scans.sets)
    keys = None
    if stream is not None and stream.kind == "entity":
        keys = stream.keys
    elif stream is not None and stream.kind == "language":
        keys = _read_set(db, scans.sets, ("language", *stream.walk[1]), *stream.walk)
    if keys is not None:
        where.append("d.rowid IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(keys))
    return _from_documents(where), args


def _read_set(db: sqlite3.Connection, sets: dict[tuple[Any, ...], list[int] | None], key: tuple[Any, ...],
              sql: str, args: list[Any]) -> list[int] | None:
    """The rowids ``sql`` selects, newest first, when they are at most :data:`NARROW_SET` (a
    bounded read), else None; read once per page (``sets``, by ``key``)."""
    if key not in sets:
        # counted first (in SQLite, not row by row in Python): a set too large is not read
        many = db.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", (*args, NARROW_SET + 1)).fetchone()[0]
        sets[key] = None if many > NARROW_SET else sorted((r[0] for r in db.execute(sql, args)), reverse=True)
    return sets[key]


def _newest_key(db: sqlite3.Connection, side: _Side) -> int:
    return int(db.execute(f"SELECT max({side.key}) FROM {side.table}").fetchone()[0] or 0)


def _narrow(db: sqlite3.Connection, side: _Side, fts_query: str, where: list[str], args: list[Any],
            need: int, scans: _Scans, *, under: int | None = None) -> Chunks | None:
    """A narrow filter's own documents looked up chunk after chunk (:func:`_filter_first`, keys
    below ``under``) until ``need`` matches pass (:func:`clipfile.store.chunks.read_chunks`),
    going on from the chunks the page's ranking or sample read already; None without a narrow
    filter's stream (:func:`_stream`)."""
    known = scans.matches.setdefault((side.fts, fts_query), {})
    return read_chunks(lambda below, under: _filter_first(db, side, fts_query, where, args, below=below, under=under,
                                                          known=known, sets=scans.sets),
                       need, scans.narrow, (side.fts, tuple(where), tuple(args)), under=under, most=PROBE_CHUNKS)


def _sample(db: sqlite3.Connection, side: _Side, fts_query: str, cols: str, where: list[str], args: list[Any],
            *, filtered: bool, scans: _Scans | None = None, deep: bool = True) -> tuple[list[sqlite3.Row], float]:
    """The newest :data:`FACET_SAMPLE` matching rows (``rid`` first, then ``cols``), and how many
    matches each stands for (1.0: the sample is every match).

    The sample is drawn from the newest :data:`SAMPLE_ROWS` rows of its side: the first
    :data:`FACET_SAMPLE` of their matches that pass the filters (no more than the newest
    :data:`FILTER_SCAN` matches are looked at), standing for the span of rows walked.  When fewer
    than :data:`MIN_SAMPLE` pass there, the scan goes further back with the filters (or looks up
    a narrow filter's own documents), so a narrow filter still gets counts (not ``deep``, for
    counts beside the page's own, such as the item kinds beside a page of documents: every match
    of the window that passes, however few, is the sample).  ``scans`` shares the newest matches
    with the ranking and the other samples of the same page.  The same rule as the PostgreSQL
    library's (:func:`clipfile.store.postgres_search.sample`).
    """
    scans = scans or _Scans(db, fts_query)
    newest, floor = scans.window(side)
    n = SAMPLE_ROWS if not deep else FILTER_SCAN if filtered else FACET_SAMPLE
    rids = scans.newest(side, n)
    passing = (scans.passing(side, n, where, args) if filtered else rids)[:FACET_SAMPLE]
    reached = len(rids) >= n or floor > 0  # the walk stopped before it saw every match
    lowest = rids[-1] if len(rids) >= n else floor + 1
    rows = _rows_of(db, side, passing, cols) if passing else []
    if len(rows) < FACET_SAMPLE:
        if not reached:
            return rows, 1.0  # the walk saw every match
        if not rows and not deep and filtered:
            stream = _stream(db, side, where, args, scans.sets)
            if stream is not None and not stream.chunk(db, None, 1):
                return rows, 1.0  # the filter holds no document: nothing matches, exactly
        if len(rows) < MIN_SAMPLE and deep:
            # too few in the walk: further back, from a narrow source's own documents (chunk
            # after chunk, PROBE_CHUNKS at most: what they hold stands for the span they reach),
            # else with the filters in the query
            narrow = _narrow(db, side, fts_query, where, args, MIN_SAMPLE, scans)
            if narrow is not None:
                rows = _rows_of(db, side, narrow.found[:FACET_SAMPLE], cols) if narrow.found else []
                if len(rows) < FACET_SAMPLE and narrow.below is None:
                    return rows, 1.0  # every document of the filter was looked up
                lowest = narrow.cut or 0
            else:
                scan, scan_args = _filtered_scan(side, fts_query, where, ranked=False)
                rows = db.execute(
                    f"WITH s AS MATERIALIZED ({scan}) SELECT s.rid, {cols} FROM s {side.join} ORDER BY s.rid DESC",
                    (*scan_args, *args, FACET_SAMPLE)).fetchall()
                if len(rows) < FACET_SAMPLE:
                    return rows, 1.0  # every match that passes
    oldest = min(r[0] for r in rows) if len(rows) >= FACET_SAMPLE else lowest  # (items: by document)
    return rows, max(1.0, newest / max(1, newest - oldest + 1))


def _rows_of(db: sqlite3.Connection, side: _Side, rids: list[int], cols: str) -> list[sqlite3.Row]:
    """``rid`` and ``cols`` of these rows, in the same order (an item's document is reached only
    for its columns)."""
    join = side.join if _DOCUMENT_COLUMN.search(cols) else side.own_join
    return db.execute(f"WITH s(rid, pos) AS (SELECT value, key FROM json_each(?)) SELECT s.rid, {cols} FROM s"
                      f" {join} ORDER BY s.pos", (json.dumps(rids),)).fetchall()


_DOCUMENT_COLUMN = re.compile(r"\bd\.")


class _Scans:
    """The newest matches of one query on one page, read once: the ranking and the facet
    samples look at the same rows (the newest n matches of a side, and which of them pass a
    set of filters).  A longer scan goes on from where a shorter one stopped, and filters are
    applied to the rows not filtered before."""

    def __init__(self, db: sqlite3.Connection, fts_query: str) -> None:
        self.db, self.fts_query = db, fts_query
        self._newest: dict[str, tuple[int, list[int]]] = {}
        self._passing: dict[tuple[Any, ...], tuple[int, list[int]]] = {}
        self._windows: dict[str, tuple[int, int]] = {}
        self._own: dict[tuple[Any, ...], dict[int, bool]] = {}  # items: whether they pass their own filters
        # what the ranking or a sample found from a narrow filter's side (_narrow)
        self.narrow: dict[tuple[Any, ...], Chunks] = {}
        # whether a row matches the query, by side and query, as a narrow filter's look-ups found
        self.matches: dict[tuple[str, str], dict[int, bool]] = {}
        # a narrow filter's documents read whole (None: more than NARROW_SET), by filter (_stream)
        self.sets: dict[tuple[Any, ...], list[int] | None] = {}

    def window(self, side: _Side) -> tuple[int, int]:
        """The newest key of a side, and the floor of its walks: the keys above it are the newest
        :data:`SAMPLE_ROWS` rows (0: the walks may reach every row)."""
        if side.fts not in self._windows:
            newest = self.db.execute(f"SELECT max({side.key}) FROM {side.table}").fetchone()[0] or 0
            self._windows[side.fts] = (int(newest), max(0, int(newest) - SAMPLE_ROWS))
        return self._windows[side.fts]

    def newest(self, side: _Side, n: int) -> list[int]:
        """The keys of the newest ``n`` matches among the newest :data:`SAMPLE_ROWS` rows (fewer:
        every match there), newest first."""
        asked, rids = self._newest.get(side.fts, (0, []))
        if asked < n and len(rids) == asked:  # not read this far yet, and there may be more
            # on from where a shorter scan of the same page stopped
            scan, scan_args = _scan(side, self.fts_query, ranked=False, above=self.window(side)[1],
                                    below=rids[-1] if rids else None)
            rids = rids + [r[0] for r in self.db.execute(scan, (*scan_args, n - len(rids)))]
            self._newest[side.fts] = (n, rids)
        return rids[:n]

    def record(self, side: _Side, rids: list[int], complete: bool) -> None:
        """What the ranking found among the newest :data:`SAMPLE_ROWS` rows: the newest matches
        there (every one when ``complete``)."""
        n = len(rids) + 1 if complete else len(rids)
        if self._newest.get(side.fts, (0, []))[0] < n:
            self._newest[side.fts] = (n, rids)

    def passing(self, side: _Side, n: int, where: list[str], args: list[Any]) -> list[int]:
        """Which of the newest ``n`` matches pass the filters, newest first.

        An item's filters on its document are tested once for every set of filters of the page
        that holds them (the samples' and the ranking's differ in the item's own, its kind): the
        items that pass them are then tested against their own filters alone, a read of those
        few rows without their documents."""
        rids = self.newest(side, n)
        if len(where) == 1 or not rids:
            return rids
        (doc_where, doc_args), (own_where, own_args) = _split_filters(where, args)
        if side is _ITEMS and len(doc_where) > 1 and len(own_where) > 1:
            base = self.passing(side, n, doc_where, doc_args)
            verdicts = self._own.setdefault((side.fts, tuple(where), tuple(args)), {})
            unknown = [r for r in base if r not in verdicts]
            if unknown:
                kept = set(_passing(self.db, side, unknown, own_where, own_args))
                verdicts.update((r, r in kept) for r in unknown)
            return [r for r in base if verdicts[r]]
        key = (side.fts, tuple(where), tuple(args))
        checked, passing = self._passing.get(key, (0, []))
        if checked >= len(rids):  # filtered this far back already
            return [r for r in passing if r >= rids[-1]]
        passing = passing + _passing(self.db, side, rids[checked:], where, args)
        self._passing[key] = (len(rids), passing)
        return passing


def _split_filters(where: list[str], args: list[Any]) -> tuple[tuple[list[str], list[Any]], tuple[list[str], list[Any]]]:
    """The filters on a row's document and the row's own (an item's kind, footing, entity), each
    with its arguments and led by the always-true ``1``."""
    parts: tuple[tuple[list[str], list[Any]], tuple[list[str], list[Any]]] = ((["1"], []), (["1"], []))
    at = 0
    for cond in where:
        k = cond.count("?")
        if cond != "1":
            part = parts[0] if _DOCUMENT_COLUMN.search(cond) else parts[1]
            part[0].append(cond)
            part[1].extend(args[at:at + k])
        at += k
    return parts


def _passing(db: sqlite3.Connection, side: _Side, rids: list[int], where: list[str], args: list[Any]) -> list[int]:
    """Which of these keys (newest first) pass the filters.

    A source filter on documents is answered first from the index on the source: the
    documents of that source among the keys' range are a short stretch of that index, so only
    they are looked up (a few thousand matches are otherwise a row read each, scattered over
    the newest part of the library)."""
    source = _args_of(where, args, _SOURCE)
    if side is _DOCUMENTS and source:
        of_source = {r[0] for r in db.execute(
            "SELECT rowid FROM documents WHERE source = ? AND rowid BETWEEN ? AND ?", (*source, rids[-1], rids[0]))}
        rids = [r for r in rids if r in of_source]
        if not rids:
            return []
    # filters on an item's own columns (kind, footing, entity) need no join to its document
    join = side.join if any(_DOCUMENT_COLUMN.search(w) for w in where) else side.own_join
    return [r[0] for r in db.execute(
        f"WITH s(rid) AS (SELECT value FROM json_each(?)) SELECT s.rid FROM s {join}"
        f" WHERE {' AND '.join(where)} ORDER BY s.rid DESC", (json.dumps(rids), *args))]


def _estimate(n: int, scale: float) -> int:
    """``n`` sample rows scaled to the library, rounded to two significant figures when scaled."""
    if scale <= 1 or n == 0:
        return n
    value = n * scale
    step = 10 ** max(0, len(str(int(value))) - 2)
    return max(n, int(round(value / step) * step))


def _same_entity_message(keep: int | str, other: int | str, root: int) -> str:
    """Why two references cannot be merged: they are one entity already."""
    a, b = _entity_ref(_parse_entity_ref(keep)), _entity_ref(_parse_entity_ref(other))
    if a == b:
        return f"cannot merge an entity into itself ({a})"
    return f"cannot merge an entity into itself: {a} and {b} are already one entity ({_entity_ref(root)})"


def _count_items(db: sqlite3.Connection, change: dict[str, int]) -> None:
    """Add to the item counters (``item:KIND``) what a write added (or, negative, removed)."""
    db.executemany("INSERT INTO counters (name, n) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n",
                   [(f"item:{kind}", n) for kind, n in change.items() if n])


def _item_json(data: str, text: str) -> dict[str, Any]:
    """An item as it was saved: its JSON holds ``"text": null`` where the text was (the text is
    stored once, in the items table's column; schema 8)."""
    item = json.loads(data)
    if "text" in item and item["text"] is None and text:
        item["text"] = text
    return item


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(
        text=row["text"], id=row["id"], title=row["title"], source=row["source"], url=row["url"],
        author=row["author"], published=row["published"], published_precision=row["published_precision"],
        fetched=row["fetched"], ingested=row["ingested"], language=row["language"], kind=row["kind"],
        origin=row["origin"], metadata=json.loads(row["metadata"] or "{}"), supersedes=row["supersedes"],
        fetched_from=row["fetched_from"],
    )


def _split_sql(script: str) -> list[str]:
    """The statements of a migration script (a trigger's body holds semicolons of its own)."""
    out, current = [], ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n;"):
                out.append(current.strip())
            current = ""
    if current.strip(" \n;"):
        out.append(current.strip())
    return out


def _explain_fts_error(query: str, exc: sqlite3.OperationalError) -> str:
    """A one-line message for an error FTS5 raised for a query the parser accepted."""
    msg = str(exc)
    if "syntax error" in msg or "unterminated" in msg or "malformed" in msg:
        return f"cannot understand the query {query!r} ({msg.replace('fts5: ', '')}); {SYNTAX_HINT}"
    return f"search failed for {query!r}: {msg}"


def _web_snippet(text: str, query: Query, *, width: int = 240) -> str:
    """A search snippet; without a query, the opening of the text."""
    if not query.empty:
        return snippet(text, query, width=width)
    head = " ".join(text[: width + 40].split())
    return head[:width] + ("…" if len(head) > width else "")


def _is_a_store(store: SQLiteStore) -> Store:
    """The type check that SQLiteStore is a Store: mypy compares every member's signature here."""
    return store
