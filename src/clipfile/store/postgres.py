"""A library on a PostgreSQL server, shared by several analysts and processes.

Opened by URL (``clipfile -L postgresql://user@host/db``, :func:`clipfile.store.open_store`)
with psycopg 3.  The schema is versioned in the ``clipfile_schema`` table and migrated forward
on open, as the SQLite library's is; each migration is one transaction under an advisory lock,
so two processes opening a new database do not both migrate it.

Full-text search uses ``tsvector`` columns under GIN indexes, built with the text-search
configuration of each document's language (``english``, ``russian``; ``simple`` for others), and
a query is matched against each configuration (:mod:`clipfile.store.postgres_tsquery`), so a
Russian word is found in any grammatical case as in the SQLite library.

Several processes may write at once: every write transaction first takes one advisory lock
(``pg_advisory_xact_lock``), so writes are applied one transaction at a time, as in SQLite,
and nothing is lost or linked twice however many writers there are; reads never wait for it.
Each read runs in one ``REPEATABLE READ`` transaction on a pool of connections, so it sees one
consistent state, and stops when the :mod:`clipfile.deadline` it runs under expires.
"""
from __future__ import annotations

import contextlib
import json
import queue
import re
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Self, Sequence

import psycopg

from .. import deadline
from ..errors import Interrupted, NotFound, QueryError, StoreError
from ..forecast_fields import due_date, forecast_key, holder_id
from ..linking import entity_keys, is_weak
from ..records import Document
from ..textindex import snippet
from . import ledger_sql, postgres_search
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
from .bounds import ENTITY_SAMPLE
from .facets import estimate, sampled_facets, top_entities
from .links_sql import linked_items, newest_documents, newest_items
from .postgres_recycled import MIGRATION as _RECYCLED_TABLES
from .postgres_recycled import PostgresRecycled
from .postgres_recycled import one_row as _one
from .postgres_search import (
    DATE_FROM,
    DATE_TO,
    DOCUMENT_ENTITY,
    DOCUMENTS,
    ITEM_ENTITY,
    ITEMS,
    LANGUAGE,
    SOURCE,
    Scans,
    browse,
    browsed,
    date_range,
    ranked,
    sample,
    tsquery,
)
from .postgres_tsquery import tsquery_text
from .query import Query, parse_query

__all__ = ["PostgresStore", "SCHEMA_VERSION"]

def _forecast_columns(db: psycopg.Connection[Any]) -> None:
    """Migration 2: the forecast ledger's columns of ``items`` (as the SQLite library's
    migration 9: ``fkey``, ``holder``, ``due``, ``dated``), filled from the stored forecasts,
    under partial indexes, and the forecasts per due day (``forecast_due_counts``)."""
    db.execute("ALTER TABLE items ADD COLUMN IF NOT EXISTS fkey TEXT, ADD COLUMN IF NOT EXISTS holder BIGINT,"
               " ADD COLUMN IF NOT EXISTS due TEXT, ADD COLUMN IF NOT EXISTS dated TEXT")
    rows = db.execute("SELECT i.id, i.doc_id, i.data, d.published, d.ingested FROM items i"
                      " JOIN documents d ON d.id = i.doc_id WHERE i.kind = 'forecast'").fetchall()
    with db.cursor() as cur:
        cur.executemany("UPDATE items SET fkey = %s, holder = %s, due = %s, dated = %s WHERE id = %s",
                        [(*_forecast_columns_of(json.loads(r[2]), r[1], r[3], r[4]), r[0]) for r in rows])
    db.execute(f"""
    CREATE INDEX IF NOT EXISTS items_forecast_dated ON items (dated, doc_id, start, id, due) WHERE kind = 'forecast';
    CREATE INDEX IF NOT EXISTS items_forecast_due ON items ((coalesce(due, '{ledger_sql.NEVER}')), id)
        WHERE kind = 'forecast';
    CREATE INDEX IF NOT EXISTS items_forecast_holder ON items (holder, due) WHERE kind = 'forecast';
    CREATE INDEX IF NOT EXISTS items_forecast_key ON items (fkey) WHERE kind = 'forecast';
    """.encode())
    db.execute(ledger_sql.DUE_COUNTS_TABLE.encode())
    db.execute("DELETE FROM forecast_due_counts")
    db.execute(ledger_sql.DUE_COUNTS_FILL.encode())


def _forecast_columns_of(item: dict[str, Any], doc_id: str, published: str | None,
                         ingested: str | None) -> tuple[str, int | None, str | None, str | None]:
    """``(fkey, holder, due, dated)`` of a forecast item of this document."""
    return (forecast_key({**item, "document": doc_id}), holder_id(item),
            due_date(item.get("deadline"), published), published or ingested)


def _count_mention(call: str) -> str:
    """The mentions' counting trigger function: ``call`` (``{row}``: OLD or NEW, ``{sign}``: -1
    or 1) for the mention taken away and for the one added (migrations 4 and 6)."""
    return f"""
    CREATE OR REPLACE FUNCTION clipfile_count_mention() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM {call.format(row='OLD', sign=-1)};
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM {call.format(row='NEW', sign=1)};
        END IF;
        RETURN NULL;
    END $$;"""


def _entity_document_function(insert: str) -> str:
    """The function that keeps the (entity, document) rows and each entity's counts: one more
    (delta 1) or one fewer (-1) row putting an entity in a document; ``mention``: the change to
    its mentions.  Its documents change when that document's rows go from none to some or back.
    ``insert``: how a row is made (migration 4; dated since migration 7)."""
    return """    CREATE OR REPLACE FUNCTION clipfile_entity_document(entity BIGINT, doc TEXT, delta INTEGER, mention INTEGER)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE refs_now INTEGER;
    BEGIN
        IF delta > 0 THEN
""" + insert + """                ON CONFLICT (entity_id, doc_id) DO UPDATE SET refs = x.refs + excluded.refs
                RETURNING x.refs INTO refs_now;
            UPDATE entities SET mentions = mentions + mention,
                documents = documents + CASE WHEN refs_now = delta THEN 1 ELSE 0 END WHERE id = entity;
        ELSE
            UPDATE entity_documents SET refs = refs + delta WHERE entity_id = entity AND doc_id = doc
                RETURNING refs INTO refs_now;
            IF refs_now <= 0 THEN
                DELETE FROM entity_documents WHERE entity_id = entity AND doc_id = doc;
            END IF;
            UPDATE entities SET mentions = mentions + mention,
                documents = documents - CASE WHEN refs_now <= 0 THEN 1 ELSE 0 END WHERE id = entity;
        END IF;
    END $$;
"""


# Each entity's own mentions and documents counted afresh from the rows (migration 4, and
# bench/scale_copies.py after copying rows with the triggers off).
ENTITY_COUNTS_FILL = """
    DELETE FROM entity_documents;
    INSERT INTO entity_documents (entity_id, doc_id, refs)
        SELECT entity_id, doc_id, count(*) FROM (
            SELECT entity_id, doc_id FROM mentions
            UNION ALL SELECT ie.entity_id, i.doc_id FROM item_entities ie JOIN items i ON i.id = ie.item_id
                WHERE ie.role <> 'mentioned') x
        GROUP BY 1, 2;
    UPDATE entities SET mentions = 0, documents = 0 WHERE mentions <> 0 OR documents <> 0;
    UPDATE entities e SET mentions = x.n
        FROM (SELECT entity_id, count(*) AS n FROM mentions GROUP BY 1) x WHERE e.id = x.entity_id;
    UPDATE entities e SET documents = x.n
        FROM (SELECT entity_id, count(*) AS n FROM entity_documents GROUP BY 1) x WHERE e.id = x.entity_id;
"""

def _forecast_books(db: psycopg.Connection[Any]) -> None:
    """Migration 5: each forecaster's book, as the SQLite library's schema 13
    (:data:`.ledger_sql.HOLDER_TABLES`), kept by triggers on the forecasts and the resolutions;
    counted here afresh (it may run again over its own work)."""
    for statement in ledger_sql.HOLDER_TABLES:
        db.execute(statement.encode())
    db.execute(_BOOK_TRIGGERS.encode())
    for statement in ledger_sql.holder_fill(_DIALECT):
        db.execute(statement.encode())


# A forecast (holder, due, key, JSON, 1 added or -1 taken away) in its holder's book, and a
# resolution (key, outcome, 1 or -1) moving its forecasts between unresolved and resolved.
_BOOK_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION clipfile_book_forecast(h BIGINT, d TEXT, k TEXT, body TEXT, delta INTEGER)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE came BOOLEAN; is_resolved BOOLEAN;
BEGIN
    SELECT outcome INTO came FROM forecast_resolutions WHERE key = k;
    is_resolved := FOUND;
    INSERT INTO forecast_holder_counts AS c (holder, due, n, unresolved)
        VALUES (h, coalesce(d, '{ledger_sql.NEVER}'), delta, CASE WHEN is_resolved THEN 0 ELSE delta END)
        ON CONFLICT (holder, due) DO UPDATE SET n = c.n + excluded.n, unresolved = c.unresolved + excluded.unresolved;
    DELETE FROM forecast_holder_counts c WHERE c.holder = h AND c.due = coalesce(d, '{ledger_sql.NEVER}') AND c.n = 0;
    IF is_resolved THEN
        INSERT INTO forecast_holder_resolved AS c (holder, p, outcome, n)
            VALUES (h, CAST(coalesce(body::jsonb ->> 'probability', '0.5') AS DOUBLE PRECISION),
                    CASE WHEN came THEN 1 ELSE 0 END, delta)
            ON CONFLICT (holder, p, outcome) DO UPDATE SET n = c.n + excluded.n;
        DELETE FROM forecast_holder_resolved c WHERE c.holder = h AND c.n = 0;
    END IF;
END $$;
CREATE OR REPLACE FUNCTION clipfile_book_resolution(k TEXT, came BOOLEAN, delta INTEGER)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO forecast_holder_counts AS c (holder, due, n, unresolved)
        SELECT i.holder, coalesce(i.due, '{ledger_sql.NEVER}'), 0, -delta * count(*) FROM items i
        WHERE i.kind = 'forecast' AND i.fkey = k AND i.holder IS NOT NULL GROUP BY 1, 2
        ON CONFLICT (holder, due) DO UPDATE SET unresolved = c.unresolved + excluded.unresolved;
    INSERT INTO forecast_holder_resolved AS c (holder, p, outcome, n)
        SELECT i.holder, CAST(coalesce(i.data::jsonb ->> 'probability', '0.5') AS DOUBLE PRECISION),
               CASE WHEN came THEN 1 ELSE 0 END, delta * count(*) FROM items i
        WHERE i.kind = 'forecast' AND i.fkey = k AND i.holder IS NOT NULL GROUP BY 1, 2, 3
        ON CONFLICT (holder, p, outcome) DO UPDATE SET n = c.n + excluded.n;
    DELETE FROM forecast_holder_resolved c WHERE c.n = 0 AND c.holder IN
        (SELECT i.holder FROM items i WHERE i.kind = 'forecast' AND i.fkey = k);
$$;
CREATE OR REPLACE FUNCTION clipfile_booked_forecast() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.kind = 'forecast' AND OLD.holder IS NOT NULL THEN
        PERFORM clipfile_book_forecast(OLD.holder, OLD.due, OLD.fkey, OLD.data, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.kind = 'forecast' AND NEW.holder IS NOT NULL THEN
        PERFORM clipfile_book_forecast(NEW.holder, NEW.due, NEW.fkey, NEW.data, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION clipfile_booked_resolution() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM clipfile_book_resolution(OLD.key, OLD.outcome, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM clipfile_book_resolution(NEW.key, NEW.outcome, 1);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS forecast_booked ON items;
DROP TRIGGER IF EXISTS forecast_unbooked ON items;
DROP TRIGGER IF EXISTS forecast_rebooked ON items;
DROP TRIGGER IF EXISTS resolution_booked ON forecast_resolutions;
CREATE TRIGGER forecast_booked AFTER INSERT ON items FOR EACH ROW WHEN (NEW.kind = 'forecast')
    EXECUTE FUNCTION clipfile_booked_forecast();
CREATE TRIGGER forecast_unbooked AFTER DELETE ON items FOR EACH ROW WHEN (OLD.kind = 'forecast')
    EXECUTE FUNCTION clipfile_booked_forecast();
CREATE TRIGGER forecast_rebooked AFTER UPDATE OF kind, holder, due, fkey, data ON items FOR EACH ROW
    WHEN (OLD.kind = 'forecast' OR NEW.kind = 'forecast') EXECUTE FUNCTION clipfile_booked_forecast();
CREATE TRIGGER resolution_booked AFTER INSERT OR DELETE OR UPDATE OF key, outcome ON forecast_resolutions
    FOR EACH ROW EXECUTE FUNCTION clipfile_booked_resolution();
"""


# Mentions per (entity, month of publication; '' for none) counted afresh from the rows
# (migration 6, and bench/scale_copies.py after copying rows with the triggers off).
_MONTH = "CASE WHEN {row}.published ~ '^[0-9]{{4}}-[0-9]{{2}}' THEN substr({row}.published, 1, 7) ELSE '' END"
ENTITY_MONTHS_FILL = f"""
    DELETE FROM entity_months;
    INSERT INTO entity_months (entity_id, month, n)
        SELECT m.entity_id, {_MONTH.format(row='d')}, count(*) FROM mentions m JOIN documents d ON d.id = m.doc_id
        GROUP BY 1, 2;
"""

# 6: as the SQLite library's schema 14 (see sqlite._ENTITY_PAGES): each link carries its item's
# kind and its document's date, indexed so an entity's newest items of a kind are read from the
# index and the read stops at the page; mentions per (entity, month) kept by triggers.  It may
# run again over its own work.
_ENTITY_PAGES = f"""
    ALTER TABLE item_entities ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE item_entities ADD COLUMN IF NOT EXISTS at TEXT COLLATE "C" NOT NULL DEFAULT '';
    DROP INDEX IF EXISTS item_entities_listed;
    DROP INDEX IF EXISTS item_entities_entity;
    UPDATE item_entities ie SET kind = i.kind, at = coalesce(d.published, d.ingested)
        FROM items i JOIN documents d ON d.id = i.doc_id WHERE i.id = ie.item_id;
    -- serves what (entity_id, role) served, and an entity's newest items of a kind
    CREATE INDEX item_entities_listed ON item_entities (entity_id, role, kind, at, item_id);
    CREATE TABLE IF NOT EXISTS entity_months (
        entity_id BIGINT NOT NULL, month TEXT NOT NULL, n BIGINT NOT NULL,
        PRIMARY KEY (entity_id, month));
    {ENTITY_MONTHS_FILL}
    -- one mention more (delta 1) or fewer (-1) of an entity in a document
    CREATE OR REPLACE FUNCTION clipfile_entity_month(entity BIGINT, doc TEXT, delta INTEGER)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE mon TEXT;
    BEGIN
        SELECT {_MONTH.format(row='d')} INTO mon FROM documents d WHERE d.id = doc;
        IF mon IS NULL THEN
            RETURN;
        END IF;
        INSERT INTO entity_months AS x (entity_id, month, n) VALUES (entity, mon, delta)
            ON CONFLICT (entity_id, month) DO UPDATE SET n = x.n + excluded.n;
        IF delta < 0 THEN
            DELETE FROM entity_months WHERE entity_id = entity AND month = mon AND n <= 0;
        END IF;
    END $$;
    -- the mentions' counting trigger (migration 4) keeps the months too
    {_count_mention("clipfile_entity_document({row}.entity_id, {row}.doc_id, {sign}, {sign}),"
                    " clipfile_entity_month({row}.entity_id, {row}.doc_id, {sign})")}
    -- a document's mentions leave before it does, so the month they are taken from is still there
    CREATE OR REPLACE FUNCTION clipfile_mentions_first() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM mentions WHERE doc_id = OLD.id;
        RETURN OLD;
    END $$;
    DROP TRIGGER IF EXISTS documents_mentions_first ON documents;
    CREATE TRIGGER documents_mentions_first BEFORE DELETE ON documents
        FOR EACH ROW EXECUTE FUNCTION clipfile_mentions_first();
    -- a document dated anew: its links' dates and its mentions' months follow
    CREATE OR REPLACE FUNCTION clipfile_redated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE item_entities SET at = coalesce(NEW.published, NEW.ingested)
            WHERE item_id IN (SELECT id FROM items WHERE doc_id = NEW.id);
        PERFORM clipfile_entity_month_moved(m.entity_id, {_MONTH.format(row='OLD')}, {_MONTH.format(row='NEW')}, count(*))
            FROM mentions m WHERE m.doc_id = NEW.id GROUP BY m.entity_id;
        RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION clipfile_entity_month_moved(entity BIGINT, old_month TEXT, new_month TEXT, k BIGINT)
    RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE entity_months SET n = n - k WHERE entity_id = entity AND month = old_month;
        DELETE FROM entity_months WHERE entity_id = entity AND month = old_month AND n <= 0;
        INSERT INTO entity_months AS x (entity_id, month, n) VALUES (entity, new_month, k)
            ON CONFLICT (entity_id, month) DO UPDATE SET n = x.n + excluded.n;
    END $$;
    DROP TRIGGER IF EXISTS documents_redated ON documents;
    CREATE TRIGGER documents_redated AFTER UPDATE OF published, ingested ON documents
        FOR EACH ROW EXECUTE FUNCTION clipfile_redated();
"""



# Each (entity, document) row's date, its document's (migration 7, and bench/scale_copies.py
# after copying rows with the triggers off).
ENTITY_DATES_FILL = """
    UPDATE entity_documents x SET at = coalesce(d.published, d.ingested) FROM documents d
        WHERE d.id = x.doc_id AND x.at IS DISTINCT FROM coalesce(d.published, d.ingested);
"""

# 7: as the SQLite library's schema 15 (see sqlite._ENTITY_DATES): the documents by (source,
# date), and each (entity, document) row's date, indexed by (entity, date), kept by the
# function that keeps the rows and by a trigger when a document is dated anew.  It may run
# again over its own work.
_DATED_ROW = """
            INSERT INTO entity_documents AS x (entity_id, doc_id, refs, at)
                VALUES (entity, doc, delta, (SELECT coalesce(d.published, d.ingested) FROM documents d WHERE d.id = doc))
"""
_ENTITY_DATES = f"""
    ALTER TABLE entity_documents ADD COLUMN IF NOT EXISTS at TEXT COLLATE "C" NOT NULL DEFAULT '';
    DROP INDEX IF EXISTS entity_documents_dated;
    {ENTITY_DATES_FILL}
    CREATE INDEX entity_documents_dated ON entity_documents (entity_id, at, doc_id);
    CREATE INDEX IF NOT EXISTS documents_source_dated
        ON documents (source, (coalesce(published, ingested)), seq);
    {_entity_document_function(_DATED_ROW)}
    CREATE OR REPLACE FUNCTION clipfile_entities_redated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE entity_documents SET at = coalesce(NEW.published, NEW.ingested) WHERE doc_id = NEW.id AND entity_id IN
            (SELECT entity_id FROM mentions WHERE doc_id = NEW.id UNION SELECT ie.entity_id FROM items i
             JOIN item_entities ie ON ie.item_id = i.id WHERE i.doc_id = NEW.id AND ie.role <> 'mentioned');
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS documents_entities_redated ON documents;
    CREATE TRIGGER documents_entities_redated AFTER UPDATE OF published, ingested ON documents
        FOR EACH ROW EXECUTE FUNCTION clipfile_entities_redated();
"""

# A document's date as a browse orders by it (published, else ingested), as documents_recent
# and documents_source_dated (migration 7) hold it.
_DATE = "coalesce(d.published, d.ingested)"


# Each entry migrates from version i to i + 1: SQL, or a function of the connection where SQL
# alone cannot say it.  Never edit a released entry: append a new one.
MIGRATIONS: list[str | Callable[[psycopg.Connection[Any]], None]] = [
    """
    CREATE TABLE documents (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        url TEXT, title TEXT, source TEXT, author TEXT,
        published TEXT, published_precision TEXT,
        fetched TEXT, ingested TEXT NOT NULL,
        language TEXT, kind TEXT NOT NULL, origin TEXT,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        supersedes TEXT,
        superseded_by TEXT,
        fetched_from TEXT,
        search TSVECTOR NOT NULL
    );
    CREATE INDEX documents_id_prefix ON documents (id text_pattern_ops);
    CREATE INDEX documents_url ON documents (url);
    CREATE INDEX documents_published ON documents (published);
    CREATE INDEX documents_fetched_from ON documents (fetched_from);
    CREATE INDEX documents_search ON documents USING GIN (search);

    CREATE TABLE analyses (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        analyzed TEXT NOT NULL,
        data TEXT NOT NULL
    );

    CREATE TABLE entities (
        id BIGSERIAL PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        merged_into BIGINT REFERENCES entities(id)
    );
    CREATE INDEX entities_merged_into ON entities (merged_into);
    CREATE TABLE entity_aliases (
        entity_id BIGINT NOT NULL REFERENCES entities(id),
        alias TEXT NOT NULL,
        PRIMARY KEY (entity_id, alias)
    );
    CREATE INDEX entity_aliases_folded ON entity_aliases (lower(alias));
    CREATE TABLE entity_keys (
        key TEXT NOT NULL,
        entity_id BIGINT NOT NULL REFERENCES entities(id),
        PRIMARY KEY (key, entity_id)
    );
    CREATE TABLE mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        entity_id BIGINT NOT NULL REFERENCES entities(id),
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX mentions_entity ON mentions (entity_id);
    CREATE INDEX mentions_doc ON mentions (doc_id);

    CREATE TABLE items (
        id BIGSERIAL PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        local_id TEXT,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        data TEXT NOT NULL,
        search TSVECTOR
    );
    CREATE INDEX items_doc ON items (doc_id, kind);
    CREATE INDEX items_kind ON items (kind);
    CREATE INDEX items_search ON items USING GIN (search);
    CREATE TABLE item_entities (
        item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        entity_id BIGINT NOT NULL REFERENCES entities(id),
        role TEXT NOT NULL
    );
    CREATE INDEX item_entities_entity ON item_entities (entity_id, role);
    CREATE INDEX item_entities_item ON item_entities (item_id);

    CREATE TABLE forecast_resolutions (
        key TEXT PRIMARY KEY,
        outcome BOOLEAN NOT NULL,
        date TEXT,
        note TEXT,
        resolved TEXT NOT NULL
    );
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE blobs (
        key TEXT PRIMARY KEY,
        value BYTEA NOT NULL,
        updated TEXT NOT NULL
    );

    -- case-insensitive containment with runs of white space as one space (as SQLite's cf_contains)
    CREATE FUNCTION cf_contains(haystack TEXT, needle TEXT) RETURNS BOOLEAN
    LANGUAGE sql IMMUTABLE AS $$
        SELECT coalesce(haystack, '') <> '' AND coalesce(needle, '') <> ''
           AND position(lower(btrim(regexp_replace(needle, '\\s+', ' ', 'g')))
                        IN lower(btrim(regexp_replace(haystack, '\\s+', ' ', 'g')))) > 0
    $$;
    """
    + _RECYCLED_TABLES,
    # 2: the forecast ledger reads a page of forecasts, and its totals, from indexed columns.
    _forecast_columns,
    # 3: reads whose cost does not grow with the library (as the SQLite library's schema 5).
    # Listings newest first walk an index and stop; the statistics come from counters kept in
    # the same transaction as the rows they count (one full count here, then never again): by
    # triggers, except for items, which are many per document and counted per analysis by the
    # store.  It may run again over its own work (a migration test rewinds the version past
    # it): everything is made if missing and counted afresh.
    """
    -- the dates are included so that a page is found on the index alone (an index-only scan
    -- needs every column its expression reads)
    CREATE INDEX IF NOT EXISTS documents_recent ON documents ((coalesce(published, ingested)), seq) INCLUDE (published, ingested);
    -- a search filtered to one source that must look past the newest matches starts here
    CREATE INDEX IF NOT EXISTS documents_source ON documents (source, seq);
    CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n BIGINT NOT NULL);
    DELETE FROM counters;
    INSERT INTO counters (name, n)
        SELECT 'documents', count(*) FROM documents
        UNION ALL SELECT 'characters', coalesce(sum(length(text)), 0) FROM documents
        UNION ALL SELECT 'analyzed', count(*) FROM analyses
        UNION ALL SELECT 'entities', count(*) FROM entities WHERE merged_into IS NULL
        UNION ALL SELECT 'language:' || coalesce(language, '?'), count(*) FROM documents GROUP BY 1
        UNION ALL SELECT 'kind:' || kind, count(*) FROM documents GROUP BY 1
        UNION ALL SELECT 'item:' || kind, count(*) FROM items GROUP BY 1;

    CREATE OR REPLACE FUNCTION clipfile_count(counter TEXT, delta BIGINT) RETURNS void LANGUAGE sql AS $$
        INSERT INTO counters (name, n) VALUES (counter, delta)
        ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n
    $$;
    CREATE OR REPLACE FUNCTION clipfile_count_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM clipfile_count('documents', -1), clipfile_count('characters', -length(OLD.text)),
                    clipfile_count('language:' || coalesce(OLD.language, '?'), -1),
                    clipfile_count('kind:' || OLD.kind, -1);
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM clipfile_count('documents', 1), clipfile_count('characters', length(NEW.text)),
                    clipfile_count('language:' || coalesce(NEW.language, '?'), 1),
                    clipfile_count('kind:' || NEW.kind, 1);
        END IF;
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS documents_counted ON documents;
    CREATE TRIGGER documents_counted AFTER INSERT OR DELETE OR UPDATE OF text, language, kind
        ON documents FOR EACH ROW EXECUTE FUNCTION clipfile_count_document();
    CREATE OR REPLACE FUNCTION clipfile_count_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clipfile_count('analyzed', CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END);
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS analyses_counted ON analyses;
    CREATE TRIGGER analyses_counted AFTER INSERT OR DELETE
        ON analyses FOR EACH ROW EXECUTE FUNCTION clipfile_count_analysis();
    CREATE OR REPLACE FUNCTION clipfile_count_entity() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.merged_into IS NULL THEN
            PERFORM clipfile_count('entities', -1);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.merged_into IS NULL THEN
            PERFORM clipfile_count('entities', 1);
        END IF;
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS entities_counted ON entities;
    CREATE TRIGGER entities_counted AFTER INSERT OR DELETE OR UPDATE OF merged_into
        ON entities FOR EACH ROW EXECUTE FUNCTION clipfile_count_entity();
    """,
    # 4: each entity's own mentions and documents kept on its row by triggers, as the SQLite
    # library's schema 12 (see sqlite._ENTITY_COUNTS for why a count of rows per (entity,
    # document) is kept).  It may run again over its own work: everything is counted afresh.
    """
    ALTER TABLE entities ADD COLUMN IF NOT EXISTS mentions BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE entities ADD COLUMN IF NOT EXISTS documents BIGINT NOT NULL DEFAULT 0;
    CREATE TABLE IF NOT EXISTS entity_documents (
        entity_id BIGINT NOT NULL, doc_id TEXT NOT NULL, refs INTEGER NOT NULL,
        PRIMARY KEY (entity_id, doc_id));
    """ + ENTITY_COUNTS_FILL + """
    CREATE INDEX IF NOT EXISTS entities_listed ON entities (mentions DESC, name COLLATE "C")
        WHERE merged_into IS NULL;

    -- one more (delta 1) or one fewer (-1) row putting an entity in a document; ``mention``:
    -- the change to its mentions.  Its documents change when that document's rows go from
    -- none to some or back.
    """ + _entity_document_function("""
            INSERT INTO entity_documents AS x (entity_id, doc_id, refs) VALUES (entity, doc, delta)
""") + """
    """ + _count_mention("clipfile_entity_document({row}.entity_id, {row}.doc_id, {sign}, {sign})") + """
    DROP TRIGGER IF EXISTS mentions_counted ON mentions;
    CREATE TRIGGER mentions_counted AFTER INSERT OR DELETE OR UPDATE OF entity_id, doc_id
        ON mentions FOR EACH ROW EXECUTE FUNCTION clipfile_count_mention();
    CREATE OR REPLACE FUNCTION clipfile_count_item_link() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clipfile_entity_document(NEW.entity_id, i.doc_id, 1, 0) FROM items i WHERE i.id = NEW.item_id;
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS item_entities_counted ON item_entities;
    CREATE TRIGGER item_entities_counted AFTER INSERT ON item_entities
        FOR EACH ROW WHEN (NEW.role <> 'mentioned') EXECUTE FUNCTION clipfile_count_item_link();
    -- an item's links leave with it (a cascaded delete of the links no longer sees the item)
    CREATE OR REPLACE FUNCTION clipfile_uncount_item_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM clipfile_entity_document(ie.entity_id, OLD.doc_id, -1, 0) FROM item_entities ie
            WHERE ie.item_id = OLD.id AND ie.role <> 'mentioned';
        RETURN OLD;
    END $$;
    DROP TRIGGER IF EXISTS items_links_uncounted ON items;
    CREATE TRIGGER items_links_uncounted BEFORE DELETE ON items
        FOR EACH ROW EXECUTE FUNCTION clipfile_uncount_item_links();
    """,
    # 5: each forecaster's book kept by triggers: the ledger's scores read no forecasts.
    _forecast_books,
    # 6: an entity's newest items of a kind read from an index, its mentions per month kept by
    # triggers; see _ENTITY_PAGES.
    _ENTITY_PAGES,
    # 7: a source's and an entity's newest documents read from indexes by date; see
    # _ENTITY_DATES.
    _ENTITY_DATES,
    # 8: a search filtered by a language few documents are in walks that language's documents
    # newest first, as a source's (postgres_search._stream); as the SQLite library's schema 16.
    """
    CREATE INDEX IF NOT EXISTS documents_language ON documents (language, seq);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Text-search configuration by document language; every query is matched against each
# (postgres_search.TSQUERY).
_CONFIGS = {"en": "english", "ru": "russian"}
# The most characters of a text that go into its tsvector (PostgreSQL caps a tsvector at 1 MB).
_MAX_INDEXED = 400_000
# The advisory lock every write transaction holds: one writer at a time across all processes.
_WRITE_LOCK = 0x636C6970  # "clip"

_REF_FIELDS = {
    "speaker": "speaker",
    "source": "speaker",
    "forecaster": "speaker",
    "subject": "subject",
    "target": "subject",
}
_LIBRARY_REF = re.compile(r"E\d+")
_DOC_COLUMNS = ("id, url, title, source, author, published, published_precision, fetched, ingested, language,"
                " kind, origin, text, metadata, supersedes, fetched_from")

# Every entity id that has been merged (directly or through others) into the given root id.
_MERGED_SET = (
    "WITH RECURSIVE m(id) AS (SELECT %s::bigint UNION SELECT e.id FROM entities e JOIN m ON e.merged_into = m.id)"
    " SELECT id FROM m"
)


_DIALECT = ledger_sql.Dialect("%s", _MERGED_SET, lambda path: "i.data::jsonb #>> '{" + path.replace(".", ",") + "}'",
                              collate=' COLLATE "C"', no_limit="ALL")


def _entity_rows(db: psycopg.Connection[Any], ids: list[int]) -> list[tuple[Any, ...]]:
    """``(id, merged_into, name, type)`` of these entities."""
    return [tuple(r) for r in db.execute("SELECT id, merged_into, name, type FROM entities WHERE id = ANY(%s)",
                                         (list(ids),)).fetchall()]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _config(language: str | None) -> str:
    return _CONFIGS.get((language or "").split("-")[0].lower(), "simple")


def _parse_entity_ref(ref: str | int) -> int:
    if isinstance(ref, int):
        return ref
    m = re.fullmatch(r"[Ee]?(\d+)", ref.strip())
    if not m:
        raise NotFound(f"not an entity id: {ref!r} (entity ids look like E12)")
    return int(m.group(1))


def _redacted(url: str) -> str:
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


class _Watchdog:
    """Cancels the statements of work whose deadline has passed (``Connection.cancel_safe``,
    from this thread), as the SQLite library's watchdog interrupts its connections."""

    TICK = 0.05

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[int, tuple[psycopg.Connection[Any], deadline.Deadline]] = {}
        self._ids = iter(range(1, 1 << 62))
        self._thread: threading.Thread | None = None

    @contextmanager
    def watching(self, conn: psycopg.Connection[Any]) -> Iterator[None]:
        d = deadline.current()
        if d is None:
            yield
            return
        with self._lock:
            key = next(self._ids)
            self._active[key] = (conn, d)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="clipfile-pg-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                del self._active[key]

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK)
            with self._lock:
                expired = [conn for conn, d in self._active.values() if d.expired()]
            for conn in expired:
                # a connection that cannot be reached to cancel is closing anyway
                with contextlib.suppress(psycopg.Error):
                    conn.cancel_safe(timeout=1.0)


_WATCHDOG = _Watchdog()


@contextmanager
def _stop_on_cancel() -> Iterator[None]:
    """Turn a cancelled statement into :class:`Interrupted` saying why the work stopped."""
    try:
        yield
    except psycopg.errors.QueryCanceled as exc:
        d = deadline.current()
        raise Interrupted(d.reason() if d is not None else "the query was interrupted") from exc


class PostgresStore:
    """A Clipfile library in a PostgreSQL database.

    Args:
        url: a ``postgresql://`` connection URL (libpq's, so ``?host=/run/postgresql`` and the
            ``PG*`` environment variables work too).  The database must exist; its tables are
            created on first open.
        readers: the most read connections to open (threads beyond that wait for one).
    """

    def __init__(self, url: str, *, readers: int = 8) -> None:
        self.url = url
        self.path = _redacted(url)
        self._lock = threading.RLock()  # the writer connection
        self._local = threading.local()  # .conn: the connection this thread reads (or writes) on
        self._max_readers = max(1, readers)
        self._idle: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._readers: list[psycopg.Connection[Any]] = []
        self._pool_lock = threading.Lock()
        self._closed = False
        self._depth = 0
        self.recycled = PostgresRecycled(self)
        self._db = self._connect()
        try:
            self._migrate()
        except psycopg.Error as exc:
            self._db.close()
            raise StoreError(f"cannot set up the library {self.path}: {exc}".splitlines()[0]) from exc

    # -- plumbing ---------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self.url, autocommit=True)
            # No JIT compilation: a page's statements are short, and their row estimates (an
            # array of a thousand keys, each document's items) often pass the JIT's cost
            # threshold; compiling them cost 0.2-0.4 s on a statement that runs in 40 ms (JIT
            # came with PostgreSQL 11).
            if conn.info.server_version >= 110000:
                conn.execute("SET jit = off")
            return conn
        except psycopg.Error as exc:
            raise StoreError(f"cannot open library {self.path}: {str(exc).strip().splitlines()[0]}") from exc

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
        while True:
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
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One write transaction under the library's write lock; rolled back on any error.
        Inside another one it joins it."""
        with self._lock:
            if self._closed:
                raise StoreError(f"the library {self.path} is closed")
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            outer = getattr(self._local, "conn", None)
            self._local.conn = self._db
            self._depth = 1
            try:
                with _stop_on_cancel(), _WATCHDOG.watching(self._db), self._db.transaction():
                    self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
                    yield self._db
            finally:
                self._depth = 0
                self._local.conn = outer

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make every write inside the block one transaction: all of it is stored, or none."""
        with self._tx():
            yield

    @contextmanager
    def _read(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection for reading, in one read transaction (one snapshot of the library)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            yield conn
            return
        deadline.check()
        conn = self._checkout()
        self._local.conn = conn
        try:
            with _stop_on_cancel(), _WATCHDOG.watching(conn):
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield conn
        finally:
            self._local.conn = None
            self._checkin(conn)

    def _checkout(self) -> psycopg.Connection[Any]:
        with contextlib.suppress(queue.Empty):  # none idle: open one or wait below
            return self._idle.get_nowait()
        with self._pool_lock:
            if self._closed:
                raise StoreError(f"the library {self.path} is closed")
            if len(self._readers) < self._max_readers:
                conn = self._connect()
                self._readers.append(conn)
                return conn
        while True:
            try:
                return self._idle.get(timeout=0.05)
            except queue.Empty:
                deadline.check()

    def _checkin(self, conn: psycopg.Connection[Any]) -> None:
        try:
            conn.execute("ROLLBACK")
            healthy = not conn.closed
        except psycopg.Error:
            healthy = False
        with self._pool_lock:
            if self._closed or not healthy:
                self._readers.remove(conn)
                conn.close()
                return
        self._idle.put(conn)

    def _migrate(self) -> None:
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            self._db.execute("CREATE TABLE IF NOT EXISTS clipfile_schema (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT version FROM clipfile_schema").fetchone()
            if row is None:
                self._db.execute("INSERT INTO clipfile_schema VALUES (0)")
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"library {self.path} has schema version {version}, newer than this Clipfile "
                    f"understands ({SCHEMA_VERSION}); upgrade Clipfile")
            for target in range(version, SCHEMA_VERSION):
                step = MIGRATIONS[target]
                if callable(step):
                    step(self._db)
                else:
                    self._db.execute(step.encode())
                self._db.execute("UPDATE clipfile_schema SET version = %s", (target + 1,))
            if 0 < version < SCHEMA_VERSION:
                # A migration that filled columns of existing rows leaves the planner's statistics
                # behind until autovacuum comes by (the ledger page took 1.1 s instead of 45 ms at
                # 100k documents): gather them now, as part of the upgrade.
                self._db.execute("ANALYZE")

    @property
    def schema_version(self) -> int:
        with self._read() as db:
            row = _one(db.execute("SELECT version FROM clipfile_schema"))
        return int(row[0])

    # -- documents --------------------------------------------------------------------------

    def add_document(self, doc: Document) -> AddResult:
        """Store a document unless its content is already there (a new version of the document
        last fetched from the same ``fetched_from`` URL, if there is one)."""
        with self._tx() as db:
            previous = None
            if doc.fetched_from:
                if db.execute("SELECT 1 FROM documents WHERE id = %s", (doc.id,)).fetchone():
                    return AddResult(doc.id, "duplicate")  # not a version of itself
                row = db.execute(
                    "SELECT id FROM documents WHERE fetched_from = %s AND superseded_by IS NULL"
                    " ORDER BY seq DESC LIMIT 1", (doc.fetched_from,)).fetchone()
                previous = row[0] if row else None
            config = _config(doc.language)
            # The check and the insert in one statement (one round trip); the text is indexed
            # only when the document is new.
            stored = db.execute(
                f"INSERT INTO documents ({_DOC_COLUMNS}, search) SELECT"
                " %s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,"
                " setweight(to_tsvector(%s::regconfig, %s), 'A') || to_tsvector(%s::regconfig, %s)"
                " WHERE NOT EXISTS (SELECT 1 FROM documents WHERE id = %s) RETURNING seq",
                (doc.id, doc.url, doc.title, doc.source, doc.author, doc.published, doc.published_precision,
                 doc.fetched, doc.ingested or _now(), doc.language, doc.kind, doc.origin, doc.text,
                 json.dumps(doc.metadata, ensure_ascii=False), previous, doc.fetched_from,
                 config, doc.title or "", config, doc.text[:_MAX_INDEXED], doc.id)).fetchone()
            if stored is None:
                return AddResult(doc.id, "duplicate")
            if previous:
                db.execute("UPDATE documents SET superseded_by = %s WHERE id = %s", (doc.id, previous))
                return AddResult(doc.id, "version", previous)
        return AddResult(doc.id, "new")

    def has_document(self, doc_id: str) -> bool:
        with self._read() as db:
            return db.execute("SELECT 1 FROM documents WHERE id = %s", (doc_id,)).fetchone() is not None

    def _resolve_doc_id(self, db: psycopg.Connection[Any], ref: str) -> str:
        ref = ref.strip()
        if db.execute("SELECT 1 FROM documents WHERE id = %s", (ref,)).fetchone():
            return ref
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = db.execute("SELECT id FROM documents WHERE id LIKE %s LIMIT 2", (pattern,)).fetchall()
        if not rows or len(ref) < 4:
            raise NotFound(f"no document {ref!r} in {self.path}")
        if len(rows) > 1:
            raise NotFound(f"{ref!r} matches several documents; give more of the id")
        return str(rows[0][0])

    def get_document(self, ref: str) -> Document:
        """The document with this id (or a unique id prefix)."""
        with self._read() as db:
            row = _one(db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = %s",
                                  (self._resolve_doc_id(db, ref),)))
        return _row_to_document(row)

    def list_documents(self, *, limit: int = 50, offset: int = 0) -> list[DocumentSummary]:
        with self._read() as db:
            # the page is found on the listing index alone; only its rows are read whole
            rows = db.execute(
                "SELECT d.id, d.title, d.source, d.published, d.language, d.kind, length(d.text),"
                " d.url, a.version FROM (SELECT seq FROM documents"
                " ORDER BY coalesce(published, ingested) DESC, seq DESC LIMIT %s OFFSET %s) p"
                " JOIN documents d ON d.seq = p.seq LEFT JOIN analyses a ON a.doc_id = d.id"
                " ORDER BY coalesce(d.published, d.ingested) DESC, d.seq DESC", (limit, offset)).fetchall()
        return [DocumentSummary(*r) for r in rows]

    def iter_documents(self) -> Iterator[Document]:
        last = 0
        while True:
            with self._read() as db:
                rows = db.execute(
                    f"SELECT seq, {_DOC_COLUMNS} FROM documents WHERE seq > %s ORDER BY seq LIMIT 200",
                    (last,)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_document(row[1:])
            last = rows[-1][0]

    def document_count(self) -> int:
        with self._read() as db:
            row = db.execute("SELECT n FROM counters WHERE name = 'documents'").fetchone()
        return int(row[0]) if row else 0

    # -- search -----------------------------------------------------------------------------

    def search(self, query: str | Query, *, limit: int = 20, offset: int = 0,
               kinds: tuple[str, ...] = ()) -> list[SearchHit]:
        """Full-text search over documents (``kinds=()``) or extracted items of the given kinds,
        best match first (``rank``: lower is better, as in the SQLite library).

        Hits are ranked within blocks of the newest matches, not among all of them
        (:mod:`clipfile.store.postgres_search`): the first page is the best of the newest block.
        """
        parsed = query if isinstance(query, Query) else parse_query(query)
        if parsed.empty:
            raise QueryError("empty query: give at least one word to search for")
        q: dict[str, Any] = {"kinds": list(kinds)}
        with self._read() as db:
            q["tsq"] = tsquery(db, tsquery_text(parsed))
            if not kinds:
                rows = ranked(db, DOCUMENTS, "d.id, d.title, d.text, d.published, d.source, d.language",
                              (), (), q, limit, offset)
            else:
                rows = ranked(db, ITEMS, "i.doc_id, d.title, i.text, d.published, d.source, d.language,"
                              " i.id, i.kind, i.start, i.\"end\"", ("i.kind = ANY(%(kinds)s)",), (), q, limit, offset)
        hits = []
        for r in rows:
            deadline.check()
            text = snippet(r[4], parsed)
            if kinds:
                hits.append(SearchHit(r[2], r[3], text, float(r[1]), kind=r[9], start=r[10], end=r[11],
                                      published=r[5], source=r[6], language=r[7], item_id=r[8]))
            else:
                hits.append(SearchHit(r[2], r[3], text, float(r[1]), published=r[5], source=r[6], language=r[7]))
        return hits

    # -- analyses ---------------------------------------------------------------------------

    def save_analysis(self, analysis: dict[str, Any], *, version: str) -> None:
        """Store one document's analysis, its entities already linked to the library's
        (:func:`clipfile.entitylinks.save_linked`), replacing earlier results, in one transaction.

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
            row = db.execute("SELECT language, published, ingested, array(SELECT kind FROM items WHERE doc_id = d.id)"
                             " FROM documents d WHERE id = %s", (doc_id,)).fetchone()
            if row is None:
                raise NotFound(f"no document {doc_id!r}: store it before its analysis")
            config = _config(row[0])
            change: dict[str, int] = {}
            for kind in row[3]:
                change[kind] = change.get(kind, 0) - 1
            mentions = [(doc_id, int(ent["id"][1:]), m["start"], m["end"], m["text"])
                        for ent in entities for m in ent.get("mentions", [])]
            body = {k: v for k, v in analysis.items() if k != "document"}
            items = [(kind, item) for kind, key in (("quote", "quotes"), ("claim", "claims"), ("forecast", "forecasts"),
                                                    ("event", "events"), ("duplicate", "duplicates"))
                     for item in analysis.get(key, [])]
            for kind, _ in items:
                change[kind] = change.get(kind, 0) + 1
            # One round trip for the lot where the server allows (a pipeline): a document's
            # analysis is a few dozen rows, and waiting for each one's answer cost ten times more
            # than writing it.
            with db.pipeline(), db.cursor() as cur:
                self._clear_analysis(db, doc_id)
                if mentions:
                    cur.executemany('INSERT INTO mentions (doc_id, entity_id, start, "end", text)'
                                    " VALUES (%s,%s,%s,%s,%s)", mentions)
                self._insert_items(db, doc_id, items, config, [(m[1], m[2], m[3]) for m in mentions],
                                   dated=(row[1], row[2]))
                self._count_due(db, doc_id, 1)
                db.execute("INSERT INTO analyses (doc_id, version, analyzed, data) VALUES (%s,%s,%s,%s)",
                           (doc_id, version, _now(), json.dumps(body, ensure_ascii=False)))
                _count_items(cur, change)

    def _count_due(self, db: psycopg.Connection[Any], doc_id: str, sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) a document's forecasts from the counts per due day."""
        per_day, change = ledger_sql.due_count_changes(_DIALECT)
        rows = [(due, sign * int(n)) for due, n in db.execute(per_day.encode(), (doc_id,)).fetchall()]
        if rows:
            with db.cursor() as cur:
                cur.executemany(change.encode(), rows)

    def _clear_analysis(self, db: psycopg.Connection[Any], doc_id: str) -> None:
        self._count_due(db, doc_id, -1)
        db.execute("DELETE FROM items WHERE doc_id = %s", (doc_id,))
        db.execute("DELETE FROM mentions WHERE doc_id = %s", (doc_id,))
        db.execute("DELETE FROM analyses WHERE doc_id = %s", (doc_id,))

    def _insert_items(self, db: psycopg.Connection[Any], doc_id: str, items: list[tuple[str, dict[str, Any]]],
                      config: str, mentions: list[tuple[int, int, int]] | None = None,
                      dated: tuple[str | None, str | None] = (None, None)) -> None:
        """Store a document's items and their links to entities: the references they hold and
        the entities mentioned (``mentions``: ``(entity id, start, end)`` of the document's
        mentions; read from the library when None) inside their span.  ``dated``: the
        document's ``(published, ingested)``, which a forecast's ledger columns need
        (migration 2)."""
        if not items:
            return
        if mentions is None:
            mentions = [(r[0], r[1], r[2]) for r in db.execute(
                'SELECT entity_id, start, "end" FROM mentions WHERE doc_id = %s', (doc_id,)).fetchall()]
        with db.cursor() as cur:
            cur.executemany(
                'INSERT INTO items (doc_id, kind, local_id, start, "end", text, data, fkey, holder, due, dated, search)'
                " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,"
                " CASE WHEN %s = '' THEN NULL ELSE to_tsvector(%s::regconfig, %s) END) RETURNING id",
                [(doc_id, kind, item.get("id"), item["start"], item["end"], item.get("text") or "",
                  json.dumps(item, ensure_ascii=False),
                  *(_forecast_columns_of(item, doc_id, *dated) if kind == "forecast" else (None, None, None, None)),
                  item.get("text") or "", config, (item.get("text") or "")[:_MAX_INDEXED]) for kind, item in items],
                returning=True)
            ids = []
            while True:
                ids.append(_one(cur)[0])
                if not cur.nextset():
                    break
        links: list[tuple[int, int, str]] = []
        kinds = {item_id: kind for item_id, (kind, _) in zip(ids, items)}
        for item_id, (_, item) in zip(ids, items):
            found: set[tuple[int, str]] = set()
            for field_name, role in _REF_FIELDS.items():
                ref = item.get(field_name)
                if isinstance(ref, dict) and ref.get("entity_id"):
                    found.add((_parse_entity_ref(ref["entity_id"]), role))
            for ref in item.get("participants") or []:
                if ref.get("entity_id"):
                    found.add((_parse_entity_ref(ref["entity_id"]), "participant"))
            for eid, start, end in mentions:
                if start >= item["start"] and end <= item["end"]:
                    found.add((eid, "mentioned"))
            links.extend((item_id, e, r) for e, r in sorted(found))
        if links:
            # each link carries its item's kind and its document's date (migration 6)
            at = dated[0] or dated[1] or _one(db.execute(
                "SELECT coalesce(published, ingested) FROM documents WHERE id = %s", (doc_id,)))[0]
            with db.cursor() as cur:
                cur.executemany("INSERT INTO item_entities (item_id, entity_id, role, kind, at) VALUES (%s, %s, %s, %s, %s)",
                                [(*link, kinds[link[0]], at) for link in links])

    def replace_cross_duplicates(self, doc_id: str, duplicates: list[dict[str, Any]]) -> None:
        """Replace a document's duplicates that point into other documents, in one transaction."""
        with self._tx() as db:
            row = db.execute("SELECT a.data, d.language FROM analyses a JOIN documents d ON d.id = a.doc_id"
                             " WHERE a.doc_id = %s", (doc_id,)).fetchone()
            if row is None:
                return
            data = json.loads(row[0])
            gone = db.execute("DELETE FROM items WHERE doc_id = %s AND kind = 'duplicate'"
                              " AND (data::jsonb -> 'of' ->> 'document') <> %s", (doc_id, doc_id)).rowcount
            with db.cursor() as cur:
                _count_items(cur, {"duplicate": len(duplicates) - max(0, gone)})
            self._insert_items(db, doc_id, [("duplicate", dup) for dup in duplicates], _config(row[1]))
            data["duplicates"] = [d for d in data.get("duplicates", []) if d["of"]["document"] == doc_id] + duplicates
            db.execute("UPDATE analyses SET data = %s WHERE doc_id = %s", (json.dumps(data, ensure_ascii=False), doc_id))

    def get_analysis(self, doc_id: str) -> dict[str, Any] | None:
        """The stored analysis of a document (with its document record), or None."""
        with self._read() as db:
            doc_id = self._resolve_doc_id(db, doc_id)
            row = db.execute("SELECT version, data FROM analyses WHERE doc_id = %s", (doc_id,)).fetchone()
            if row is None:
                return None
            doc = self.get_document(doc_id)
        from ..records import to_dict

        return {"document": to_dict(doc), **json.loads(row[1]), "pipeline_version": row[0]}

    def analysis_version(self, doc_id: str) -> str | None:
        with self._read() as db:
            row = db.execute("SELECT version FROM analyses WHERE doc_id = %s", (doc_id,)).fetchone()
        return row[0] if row else None

    def stale_documents(self, version: str) -> list[str]:
        with self._read() as db:
            rows = db.execute(
                "SELECT d.id FROM documents d LEFT JOIN analyses a ON a.doc_id = d.id"
                " WHERE a.version IS NULL OR a.version <> %s ORDER BY d.seq", (version,)).fetchall()
        return [r[0] for r in rows]

    def analyzed_documents(self) -> list[tuple[str, str | None]]:
        with self._read() as db:
            rows = db.execute("SELECT d.id, d.published FROM documents d JOIN analyses a ON a.doc_id = d.id"
                              " ORDER BY d.seq").fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- items ------------------------------------------------------------------------------

    def items(self, kind: str, *, doc_id: str | None = None, entity: int | None = None,
              role: str | tuple[str, ...] | None = None, links: Sequence[EntityLink] = (),
              ids: list[int] | None = None, speaker_like: str | None = None, quote_kind: str | None = None,
              footing: str | None = None, cross_document: bool = False, limit: int | None = None,
              offset: int = 0, newest: bool = False) -> list[dict[str, Any]]:
        """Stored items of one kind, filtered and ordered as :meth:`SQLiteStore.items` does."""
        where: list[str] = []  # conditions on the item ``i``
        args: list[Any] = []
        if doc_id:
            where.append("i.doc_id = %s")
            args.append(doc_id)
        if ids is not None:
            where.append("i.id = ANY(%s)")
            args.append(list(ids))
        if speaker_like:
            where.append("cf_contains(i.data::jsonb -> 'speaker' ->> 'name', %s)")
            args.append(speaker_like)
        for field_name, value in (("kind", quote_kind), ("status", footing)):
            if value:
                where.append(f"i.data::jsonb ->> '{field_name}' = %s")
                args.append(value)
        if cross_document:
            where.append("(i.data::jsonb -> 'of' ->> 'document') <> i.doc_id")
        conditions = list(links)
        if entity is not None:
            conditions.insert(0, EntityLink(entity, (role,) if isinstance(role, str) else tuple(role or ())))
        columns = "i.id, i.doc_id, i.data, d.title, d.published, d.source, d.url"
        walk = next((c for c in conditions if not c.absent), None) if newest and limit else None
        with self._read() as db:
            if walk is None:
                sql, args = linked_items(_DIALECT, kind, conditions, where, args, columns=columns, newest=newest,
                                         limit=limit, offset=offset)
            else:
                # newest first through the links' index (migration 6): links_sql.newest_items
                members = {link.entity: [r[0] for r in db.execute(
                    f"SELECT id FROM entities WHERE id IN ({_MERGED_SET})", (link.entity,)).fetchall()] or [link.entity]
                    for link in conditions}
                sql, args = newest_items(_DIALECT, kind, walk, conditions, members, where, args, columns=columns,
                                         join="JOIN", limit=limit or 0, offset=offset)
            rows = db.execute(sql, args).fetchall()
        out = []
        for r in rows:
            data = json.loads(r[2])
            data.update(item_id=r[0], document=r[1], title=r[3], published=r[4], outlet=r[5], url=r[6])
            data.setdefault("source", r[5])
            out.append(data)
        return out

    # -- entities ---------------------------------------------------------------------------

    def find_entities(self, name: str) -> list[EntityRecord]:
        """Library entities whose name, alias or link key matches ``name`` (any script)."""
        with self._read() as db:
            ids: list[int] = []
            ref = re.fullmatch(r"[Ee](\d+)", name.strip())
            if ref and db.execute("SELECT 1 FROM entities WHERE id = %s", (int(ref.group(1)),)).fetchone():
                ids.append(int(ref.group(1)))
            types = [r[0] for r in db.execute("SELECT DISTINCT type FROM entities").fetchall()]
            for strength in (False, True):
                if ids:
                    break
                keys = sorted({k for t in types for k in entity_keys(name, t) if is_weak(k) == strength})
                if keys:
                    ids = [r[0] for r in db.execute(
                        "SELECT DISTINCT entity_id FROM entity_keys WHERE key = ANY(%s)", (keys,)).fetchall()]
            if not ids:
                ids = [r[0] for r in db.execute(
                    "SELECT DISTINCT entity_id FROM entity_aliases WHERE lower(alias) = lower(%s)", (name,)).fetchall()]
            roots: list[int] = []
            for i in ids:
                root = self._root(i)
                if root not in roots:
                    roots.append(root)
            found = [self.get_entity(i) for i in roots]
        return sorted(found, key=lambda e: -e.mention_count)

    def _root(self, entity_id: int) -> int:
        seen = set()
        with self._read() as db:
            while entity_id not in seen:
                seen.add(entity_id)
                row = db.execute("SELECT merged_into FROM entities WHERE id = %s", (entity_id,)).fetchone()
                if row is None or row[0] is None:
                    return entity_id
                entity_id = row[0]
        return entity_id

    def entities_with_key(self, key: str) -> list[int]:
        with self._read() as db:
            return [r[0] for r in db.execute(
                "SELECT DISTINCT e.id FROM entity_keys k JOIN entities e ON e.id = k.entity_id"
                " WHERE k.key = %s AND e.merged_into IS NULL ORDER BY e.id", (key,)).fetchall()]

    def entity_name(self, entity_id: int) -> str:
        with self._read() as db:
            row = db.execute("SELECT name FROM entities WHERE id = %s", (entity_id,)).fetchone()
        if row is None:
            raise NotFound(f"no entity E{entity_id}")
        return str(row[0])

    def entity_aliases(self, entity_id: int) -> list[str]:
        with self._read() as db:
            return [str(r[0]) for r in db.execute(
                "SELECT alias FROM entity_aliases WHERE entity_id = %s ORDER BY alias", (entity_id,)).fetchall()]

    def entity_mention_texts(self, entity_id: int, *, most: int = 2000) -> list[str]:
        # mentions have no key in storage order here: the first ``most`` the entity index gives
        with self._read() as db:
            return [str(r[0]) for r in db.execute(
                f"SELECT text FROM mentions WHERE entity_id IN ({_MERGED_SET}) LIMIT %s", (entity_id, most)).fetchall()]

    def entity_company(self, entity_id: int, *, most_docs: int = 400) -> dict[int, str]:
        with self._read() as db:
            return {int(r[0]): str(r[1]) for r in db.execute(
                f"WITH d AS (SELECT mm.doc_id FROM mentions mm JOIN documents doc ON doc.id = mm.doc_id"
                f" WHERE mm.entity_id IN ({_MERGED_SET}) GROUP BY mm.doc_id ORDER BY max(doc.ingested) DESC LIMIT %s)"
                " SELECT DISTINCT COALESCE(e.merged_into, e.id), e.type FROM d"
                " JOIN mentions m ON m.doc_id = d.doc_id JOIN entities e ON e.id = m.entity_id",
                (entity_id, most_docs)).fetchall()}

    def add_entity(self, name: str, type: str) -> int:
        with self._tx() as db:
            return int(_one(db.execute("INSERT INTO entities (name, type) VALUES (%s, %s) RETURNING id",
                                  (name, type)))[0])

    def rename_entity(self, entity_id: int, name: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE entities SET name = %s WHERE id = %s", (name, entity_id))

    def add_entity_names(self, entity_id: int, names: Sequence[str], keys: Sequence[str]) -> None:
        with self._tx() as db, db.cursor() as cur:
            cur.executemany("INSERT INTO entity_aliases VALUES (%s, %s) ON CONFLICT DO NOTHING",
                            [(entity_id, n) for n in dict.fromkeys(names)])
            cur.executemany("INSERT INTO entity_keys VALUES (%s, %s) ON CONFLICT DO NOTHING",
                            [(k, entity_id) for k in dict.fromkeys(keys)])

    def get_entity(self, entity_id: int | str) -> EntityRecord:
        eid = _parse_entity_ref(entity_id)
        with self._read() as db:
            # an entity neither merged into another nor holding merged ones: its row says it all
            own = db.execute("SELECT id, name, type, mentions, documents FROM entities e WHERE id = %s"
                             " AND merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM entities x WHERE x.merged_into = e.id)",
                             (eid,)).fetchone()
            if own is not None:
                aliases = tuple(r[0] for r in db.execute(
                    "SELECT alias FROM entity_aliases WHERE entity_id = %s ORDER BY alias COLLATE \"C\"", (eid,)).fetchall())
                return EntityRecord(own[0], own[1], own[2], aliases, int(own[3]), int(own[4]))
            eid = self._root(eid)
            row = db.execute("SELECT id, name, type FROM entities WHERE id = %s", (eid,)).fetchone()
            if row is None:
                raise NotFound(f"no entity E{eid}")
            aliases = tuple(r[0] for r in db.execute(
                f"SELECT DISTINCT alias COLLATE \"C\" FROM entity_aliases WHERE entity_id IN ({_MERGED_SET})"
                " ORDER BY 1", (eid,)).fetchall())
            # kept counts (migration 4); a document naming two members of a merged entity counts
            # once, so theirs are counted from the documents each member is in
            members = db.execute(f"SELECT id, mentions, documents FROM entities WHERE id IN ({_MERGED_SET})",
                                 (eid,)).fetchall()
            n_mentions = sum(r[1] for r in members)
            if len(members) == 1:
                n_docs = members[0][2]
            else:
                n_docs = _one(db.execute("SELECT count(DISTINCT doc_id) FROM entity_documents"
                                         " WHERE entity_id = ANY(%s)", ([r[0] for r in members],)))[0]
        return EntityRecord(row[0], row[1], row[2], aliases, int(n_mentions), int(n_docs))

    def merge_entities(self, keep: int | str, other: int | str) -> EntityRecord:
        """Make ``other`` part of ``keep`` (see :meth:`SQLiteStore.merge_entities`)."""
        a, b = self._root(_parse_entity_ref(keep)), self._root(_parse_entity_ref(other))
        self.get_entity(a), self.get_entity(b)
        if a == b:
            ka, kb = f"E{_parse_entity_ref(keep)}", f"E{_parse_entity_ref(other)}"
            raise StoreError(f"cannot merge an entity into itself ({ka})" if ka == kb else
                             f"cannot merge an entity into itself: {ka} and {kb} are already one entity (E{a})")
        with self._tx() as db:
            db.execute("UPDATE entities SET merged_into = %s WHERE id = %s", (a, b))
        return self.get_entity(a)

    def split_entity(self, entity_id: int | str, alias: str) -> EntityRecord:
        """Take one name (and its mentions) out of an entity into an entity of its own."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._tx() as db:
            members = [r[0] for r in db.execute(f"SELECT id FROM entities WHERE id IN ({_MERGED_SET})",
                                                (eid,)).fetchall()]
            hit = db.execute("SELECT entity_id FROM entity_aliases WHERE entity_id = ANY(%s) AND alias = %s",
                             (members, alias)).fetchone()
            if hit is None:
                raise NotFound(f"entity E{eid} has no name {alias!r}")
            etype = _one(db.execute("SELECT type FROM entities WHERE id = %s", (eid,)))[0]
            new_id = _one(db.execute("INSERT INTO entities (name, type) VALUES (%s, %s) RETURNING id",
                                (alias, etype)))[0]
            db.execute("DELETE FROM entity_aliases WHERE entity_id = ANY(%s) AND alias = %s", (members, alias))
            db.execute("INSERT INTO entity_aliases VALUES (%s, %s)", (new_id, alias))
            for key in entity_keys(alias, etype):
                db.execute("DELETE FROM entity_keys WHERE key = %s AND entity_id = ANY(%s)", (key, members))
                db.execute("INSERT INTO entity_keys VALUES (%s, %s) ON CONFLICT DO NOTHING", (key, new_id))
            db.execute("UPDATE mentions SET entity_id = %s WHERE entity_id = ANY(%s) AND text = %s",
                       (new_id, members, alias))
            if _one(db.execute("SELECT name FROM entities WHERE id = %s", (eid,)))[0] == alias:
                rest = db.execute("SELECT alias FROM entity_aliases WHERE entity_id = %s"
                                  " ORDER BY length(alias) DESC LIMIT 1", (eid,)).fetchone()
                if rest:
                    db.execute("UPDATE entities SET name = %s WHERE id = %s", (rest[0], eid))
        return self.get_entity(new_id)

    def entity_mentions_by_month(self, entity_id: int | str) -> list[tuple[str | None, int]]:
        """Mentions per month of publication, undated documents' under None (last)."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:
            # kept per (entity, month) by triggers (migration 6)
            rows = db.execute(
                f"SELECT nullif(month, ''), sum(n) FROM entity_months WHERE entity_id IN ({_MERGED_SET})"
                " GROUP BY month ORDER BY month = '', month", (eid,)).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    # -- forecast ledger, state, stats -----------------------------------------------------

    def resolve_forecast(self, key: str, *, outcome: bool, date: str | None, note: str | None) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO forecast_resolutions (key, outcome, date, note, resolved) VALUES (%s,%s,%s,%s,%s)"
                " ON CONFLICT (key) DO UPDATE SET outcome=excluded.outcome, date=excluded.date,"
                " note=excluded.note, resolved=excluded.resolved", (key, bool(outcome), date, note, _now()))

    def forecast_resolutions(self) -> dict[str, dict[str, Any]]:
        with self._read() as db:
            rows = db.execute("SELECT key, outcome, date, note, resolved FROM forecast_resolutions").fetchall()
        return {r[0]: {"outcome": bool(r[1]), "date": r[2], "note": r[3], "resolved": r[4]} for r in rows}

    def forecast_page(self, *, today: str, show: str = "all", order: str = "recent",
                      links: Sequence[EntityLink] = (), held_by: int | None = None, described: str | None = None,
                      key: str | None = None, after: str | None = None, limit: int = 50) -> ForecastPage:
        """One page of the ledger, read along an index from ``after`` (:mod:`.ledger_sql`)."""
        with self._read() as db:
            q = ledger_sql.page_query(_DIALECT, today=today, show=show, order=order, links=links, described=described,
                                      key=key, after=after, limit=limit, held_by=self._held_by(db, held_by))
            rows = db.execute(q.sql.encode(), q.args).fetchall()
            holders = ledger_sql.entity_roots(lambda ids: _entity_rows(db, ids),
                                              {r[5] for r in rows[:limit] if r[5] is not None})
        return ForecastPage([ledger_sql.page_row(tuple(r), holders, json.loads(r[2])) for r in rows[:limit]],
                            ledger_sql.next_cursor(rows, limit, q.order_columns))

    def forecast_counts(self, *, today: str, links: Sequence[EntityLink] = (), held_by: int | None = None,
                        described: str | None = None) -> dict[str, int]:
        with self._read() as db:
            members = self._held_by(db, held_by)
            def query(what: str) -> list[int]:
                sql, args = ledger_sql.counts_query(_DIALECT, what, today=today, links=links, described=described,
                                                    held_by=members)
                return [int(v) for v in _one(db.execute(sql.encode(), args))]

            if not links and members is None and described is None:  # all of them: the counters
                total, late = (int(v) for v in _one(db.execute(ledger_sql.due_counts_query(_DIALECT).encode(),
                                                                (today,))))
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
            merged = db.execute(ledger_sql.members_query(_DIALECT).encode()).fetchall()
            members: list[int] | None = None
            if entities is not None:
                members = ledger_sql.members(merged, {self._root(int(e)) for e in entities})
            sql, args = ledger_sql.resolved_totals_query(_DIALECT, holders=members)
            resolved = db.execute(sql.encode(), args).fetchall()
            if resolved_only:
                roots = ledger_sql.entity_roots(lambda ids: _entity_rows(db, ids), {r[0] for r in resolved})
                members = ledger_sql.members(merged, {v[0] for v in roots.values()})
            sql, args = ledger_sql.holder_counts_query(_DIALECT, today=today, holders=members)
            counts = db.execute(sql.encode(), args).fetchall()
            roots = ledger_sql.entity_roots(lambda ids: _entity_rows(db, ids), {r[0] for r in counts})
        return ledger_sql.combine_totals(counts, resolved, roots, bins)

    def _held_by(self, db: Any, entity: int | None) -> list[int] | None:
        """An entity (after merges) and every entity merged into it, or None for none."""
        if entity is None:
            return None
        return ledger_sql.members(db.execute(ledger_sql.members_query(_DIALECT).encode()).fetchall(),
                                  [self._root(int(entity))])

    def forecast_keys(self) -> list[str]:
        with self._read() as db:
            return [r[0] for r in db.execute(
                "SELECT fkey FROM items WHERE kind = 'forecast' AND fkey IS NOT NULL").fetchall()]

    def get_state(self, key: str) -> Any:
        with self._read() as db:
            row = db.execute("SELECT value FROM state WHERE key = %s", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_state(self, key: str, value: Any) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO state (key, value) VALUES (%s, %s)"
                       " ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                       (key, json.dumps(value, ensure_ascii=False)))

    def get_blob(self, key: str) -> bytes | None:
        with self._read() as db:
            row = db.execute("SELECT value FROM blobs WHERE key = %s", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def set_blob(self, key: str, value: bytes) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO blobs (key, value, updated) VALUES (%s, %s, %s) ON CONFLICT (key)"
                       " DO UPDATE SET value=excluded.value, updated=excluded.updated", (key, value, _now()))

    def stats(self) -> dict[str, Any]:
        """Counts of documents, analyses, entities and items, from counters kept as rows are
        written (schema 2): reading them costs the same for ten documents as for a million."""
        with self._read() as db:
            counts = {r[0]: int(r[1]) for r in db.execute(
                "SELECT name, n FROM counters WHERE n <> 0 OR name NOT LIKE '%:%'").fetchall()}

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

    def search_page(self, query: str | Query = "", *, kinds: tuple[str, ...] = (), source: str | None = None,
                    language: str | None = None, date_from: str | None = None, date_to: str | None = None,
                    entity: int | str | None = None, footing: str | None = None, limit: int = 20,
                    offset: int = 0, with_facets: bool = True) -> SearchPage:
        """Search (or, with an empty query, browse) documents or items with filters and facets,
        as :meth:`SQLiteStore.search_page` does: hits ranked within blocks of the newest matches,
        the total and facets counted over a sample of the newest matches and estimated past it
        (``estimated``; :mod:`clipfile.store.postgres_search`)."""
        parsed = query if isinstance(query, Query) else parse_query(query)
        text_query = tsquery_text(parsed)
        doc_where: list[str] = []
        args: dict[str, Any] = {"limit": limit, "offset": offset, "kinds": list(kinds),
                                "footing": footing}
        for name, value, cond in (("source", source, SOURCE), ("language", language, LANGUAGE),
                                  ("date_from", date_from, DATE_FROM), ("date_to", date_to, DATE_TO)):
            if value:
                doc_where.append(cond)
                args[name] = value
        args["date_to_len"] = len(date_to or "")
        doc_entity: list[str] = []
        item_entity: list[str] = []
        if entity not in (None, ""):
            assert entity is not None
            args["entity"] = self._root(_parse_entity_ref(entity))
            doc_entity, item_entity = [DOCUMENT_ENTITY], [ITEM_ENTITY]

        def item_filters(item_kinds: bool, use_footing: bool = True) -> list[str]:
            where = ["i.kind = ANY(%(kinds)s)"] if item_kinds else []
            if footing and use_footing:
                where.append("(i.kind <> 'claim' OR i.data::jsonb ->> 'status' = %(footing)s)")
            return where + item_entity

        item_cols = "i.doc_id, d.title, i.text, d.published, d.source, d.language, i.id, i.kind, i.start, i.\"end\""
        doc_cols = "d.id, d.title, d.text, d.published, d.source, d.language"
        total: int | None = None
        facets = Facets()
        doc_scale = item_scale = 1.0
        scans = Scans() if with_facets else None  # the ranking and the facets walk the matches once
        # A browse (no query) reads newest first by date: the date range as bounds on that date
        # too (the same rows pass, for dates in ISO form), so a source's documents are
        # read newest first within the range from documents_source_dated (migration 7) and the
        # read stops at the page.
        dated, dated_args = date_range(_DATE, date_from, date_to)
        args.update(dated_args)
        with self._read() as db:
            if text_query:
                args["tsq"] = tsquery(db, text_query)
                if kinds:
                    rows = [(*r[2:8], r[1], *r[8:]) for r in ranked(
                        db, ITEMS, item_cols, item_filters(True), doc_where, args, limit, offset, scans)]
                else:
                    rows = [(*r[2:8], r[1]) for r in ranked(
                        db, DOCUMENTS, doc_cols, (), doc_where + doc_entity, args, limit, offset, scans)]
            elif kinds:
                where = " AND ".join(["TRUE", *item_filters(True), *doc_where, *dated])
                rows = browse(db, f"SELECT {item_cols.replace(', i.id', ', 0, i.id')} FROM documents d JOIN items i"
                                  f" ON i.doc_id = d.id WHERE {where}", f" ORDER BY {_DATE} DESC, i.doc_id, i.start",
                              args, browsed(db, [*item_filters(True), *doc_where], args, scans, items=True),
                              limit, offset)
            else:
                where = " AND ".join(["TRUE", *doc_where, *dated, *doc_entity])
                rows = browse(db, f"SELECT {doc_cols}, 0 FROM documents d WHERE {where}",
                              f" ORDER BY {_DATE} DESC, d.seq DESC", args,
                              browsed(db, [*doc_where, *doc_entity], args, scans, items=False), limit, offset)
            if with_facets:
                text = bool(text_query)
                doc_sample, doc_scale = sample(db, DOCUMENTS, text, "d.id, d.source, d.language", (),
                                               doc_where + doc_entity, args,
                                               filtered=bool(doc_where or doc_entity), scans=scans)
                item_sample, item_scale = sample(db, ITEMS, text, "d.source, d.language, i.kind",
                                                 ["i.kind <> 'duplicate'", *item_filters(False)], doc_where, args,
                                                 filtered=True, scans=scans,
                                                 # beside a page of documents, a window's few matches
                                                 # suffice, unless the query's documents were few
                                                 # enough to count them all
                                                 deep=bool(kinds) or (doc_scale == 1.0 and not doc_where
                                                                      and not doc_entity))
                footing_sample: list[Any] = []
                footing_scale = 1.0
                if "claim" in kinds:
                    footing_sample, footing_scale = sample(
                        db, ITEMS, text, "d.source, d.language, i.data::jsonb ->> 'status'",
                        ["i.kind = 'claim'", *item_entity], doc_where, args, filtered=True, scans=scans)
                ent_rows = db.execute(
                    "SELECT m.entity_id, count(DISTINCT m.doc_id) AS n FROM mentions m WHERE m.doc_id = ANY(%s)"
                    " GROUP BY 1 ORDER BY n DESC, 1 LIMIT 30", ([r[1] for r in doc_sample],)).fetchall()
                # entities merged into others are rare: follow those alone, one lookup for the rest
                into = {int(r[0]): int(r[1]) for r in db.execute(
                    "SELECT id, merged_into FROM entities WHERE id = ANY(%s) AND merged_into IS NOT NULL",
                    ([r[0] for r in ent_rows],)).fetchall()}
                top = top_entities(((r[0], r[1]) for r in ent_rows),
                                   lambda i: self._root(into[i]) if i in into else i)
                # The facet names entities only, as the SQLite library's: their library-wide counts
                # (get_entity) would cost a pass over each one's mentions and statements.
                names = {r[0]: r for r in db.execute("SELECT id, name, type FROM entities WHERE id = ANY(%s)",
                                                     ([i for i, _ in top],)).fetchall()}
                facets = sampled_facets(kinds, doc_sample, doc_scale, item_sample, item_scale,
                                         [(EntityRecord(i, names[i][1], names[i][2]), estimate(n, doc_scale))
                                          for i, n in top if i in names], footing_sample, footing_scale)
                chosen = [r for r in item_sample if r[3] in kinds] if kinds else doc_sample
                total = estimate(len(chosen), item_scale if kinds else doc_scale)
        hits = []
        for r in rows:
            deadline.check()
            text_ = snippet(r[2], parsed) if not parsed.empty else _opening(r[2])
            if kinds:
                hits.append(SearchHit(r[0], r[1], text_, float(r[6]), kind=r[8], start=r[9], end=r[10],
                                      published=r[3], source=r[4], language=r[5], item_id=r[7]))
            else:
                hits.append(SearchHit(r[0], r[1], text_, float(r[6]), published=r[3], source=r[4], language=r[5]))
        return SearchPage(hits, total, facets, estimated=with_facets and max(doc_scale, item_scale) > 1,
                          sample=postgres_search.FACET_SAMPLE if with_facets else None)

    def list_entities(self, *, limit: int = 50, offset: int = 0, type: str | None = None) -> list[EntityRecord]:
        """Library entities (merged ones folded in), most mentioned first."""
        # by each entity's own kept mention count, along the entities_listed index; an entity
        # that others were merged into is read as get_entity reads it, the rest from these rows
        sql = ("SELECT e.id, e.name, e.type, e.mentions, e.documents,"
               " EXISTS (SELECT 1 FROM entities x WHERE x.merged_into = e.id) FROM entities e"
               " WHERE e.merged_into IS NULL")
        args: list[Any] = []
        if type:
            sql += " AND e.type = %s"
            args.append(type)
        sql += " ORDER BY e.mentions DESC, e.name COLLATE \"C\" LIMIT %s OFFSET %s"
        with self._read() as db:
            rows = db.execute(sql, (*args, limit, offset)).fetchall()
            plain = [r[0] for r in rows if not r[5]]
            aliases: dict[int, set[str]] = {}
            if plain:
                for entity, alias in db.execute(
                        "SELECT entity_id, alias FROM entity_aliases WHERE entity_id = ANY(%s)", (plain,)).fetchall():
                    aliases.setdefault(entity, set()).add(alias)
        # aliases in code-point order, as get_entity's ORDER BY (SQLite's binary, PostgreSQL's "C")
        return [self.get_entity(r[0]) if r[5] else
                EntityRecord(r[0], r[1], r[2], tuple(sorted(aliases.get(r[0], ()))), int(r[3]), int(r[4]))
                for r in rows]

    def co_mentioned_entities(self, entity_id: int | str, *, limit: int = 15,
                              sample: int | None = None) -> list[tuple[EntityRecord, int]]:
        eid = self._root(_parse_entity_ref(entity_id))
        sample = ENTITY_SAMPLE if sample is None else sample
        with self._read() as db:
            # the entity and those merged into it as a list, not a recursive query: the planner
            # guessed ten times the documents from that, and read every mention (1.2 s at 1M).
            # Its newest ``sample`` documents from their index (migration 7), and each one's
            # entities read through the document index (a lateral join: the planner, joining the
            # documents to every mention, hashed all of them); an entity counts once per
            # document, so count(*) is the number of documents shared.
            mine = self._held_by(db, eid) or [eid]
            sql, args = newest_documents(_DIALECT, mine, sample)
            docs = [r[0] for r in db.execute(sql.encode(), args).fetchall()]
            rows = db.execute(
                "SELECT x.entity_id, count(*) AS n FROM unnest(%(docs)s::text[]) docs(doc_id) CROSS JOIN LATERAL"
                " (SELECT DISTINCT m.entity_id FROM mentions m WHERE m.doc_id = docs.doc_id) x"
                " WHERE NOT (x.entity_id = ANY(%(mine)s::bigint[]))"
                " GROUP BY 1 ORDER BY n DESC, 1 LIMIT %(limit)s",
                {"docs": docs, "mine": mine, "limit": limit * 3}).fetchall()
            shared: dict[int, int] = {}
            for r in rows:
                root = self._root(r[0])
                if root != eid:
                    shared[root] = max(shared.get(root, 0), r[1])
            # an entity with others merged into it shares the documents any of them is named in
            merged = db.execute(ledger_sql.members_query(_DIALECT).encode()).fetchall()
            for root in shared:
                members = ledger_sql.members(merged, [root])
                if len(members) > 1:
                    shared[root] = _one(db.execute(
                        "SELECT count(DISTINCT doc_id) FROM mentions WHERE entity_id = ANY(%s::bigint[])"
                        " AND doc_id = ANY(%s::text[])", (members, docs)))[0]
        scale = self.get_entity(eid).document_count / sample if len(docs) >= sample else 1.0
        top = sorted(shared.items(), key=lambda kv: -kv[1])[:limit]
        return [(self.get_entity(i), estimate(n, scale)) for i, n in top]

    def entity_documents(self, entity_id: int | str, *, limit: int = 50) -> list[DocumentSummary]:
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:
            # newest first from the (entity, document) rows' index by date (migration 7)
            sql, args = newest_documents(_DIALECT, self._held_by(db, eid) or [eid], limit)
            rows = db.execute(
                (f"WITH n AS MATERIALIZED ({sql}) SELECT d.id, d.title, d.source, d.published, d.language, d.kind,"
                 " length(d.text), d.url, a.version FROM n JOIN documents d ON d.id = n.doc_id LEFT JOIN analyses a"
                 " ON a.doc_id = d.id ORDER BY n.at DESC, n.doc_id DESC").encode(), args).fetchall()
        return [DocumentSummary(*r) for r in rows]


def _count_items(cur: psycopg.Cursor[Any], change: dict[str, int]) -> None:
    """Add to the item counters (``item:KIND``) what a write added (or, negative, removed)."""
    rows = [(f"item:{kind}", n) for kind, n in sorted(change.items()) if n]
    if rows:
        cur.executemany("SELECT clipfile_count(%s, %s)", rows)


def _row_to_document(row: Sequence[Any]) -> Document:
    (doc_id, url, title, source, author, published, precision, fetched, ingested, language, kind, origin,
     text, metadata, supersedes, fetched_from) = row
    return Document(
        text=text, id=doc_id, title=title, source=source, url=url, author=author, published=published,
        published_precision=precision, fetched=fetched, ingested=ingested, language=language, kind=kind,
        origin=origin, metadata=json.loads(metadata or "{}"), supersedes=supersedes, fetched_from=fetched_from)


def _opening(text: str, width: int = 240) -> str:
    head = " ".join(text[: width + 40].split())
    return head[:width] + ("…" if len(head) > width else "")


def _is_a_store(store: PostgresStore) -> Store:
    """The type check that PostgresStore is a Store: mypy compares every member's signature here."""
    return store
