"""The embedded library: one SQLite file in WAL mode with FTS5 indexes.

Every write that belongs together happens in one transaction (a document; a document's analysis),
so a run killed half-way leaves the library consistent and a re-run continues where it stopped.
The schema is versioned in ``PRAGMA user_version`` and migrated forward on open.
"""
from __future__ import annotations

import json
import queue
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from .. import deadline
from ..entity_evidence import best_supported, canonical_choice, people_agree
from ..errors import Interrupted, NotFound, QueryError, StoreError
from ..linking import entity_keys, is_bare_person, is_weak, weak_keys
from ..records import Document
from ..textindex import check_query, index_text, query_terms, snippet
from .base import AddResult, DocumentSummary, EntityRecord, SearchHit
from .sqlite_recycled import MIGRATION as _RECYCLED_TABLES
from .sqlite_recycled import SQLiteRecycled

__all__ = ["SQLiteStore", "SCHEMA_VERSION"]

# Each entry migrates from version i to i + 1.  Never edit a released entry: append a new one.
MIGRATIONS: list[str] = [
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
]
SCHEMA_VERSION = len(MIGRATIONS)

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
                        try:
                            conn.interrupt()
                        except sqlite3.ProgrammingError:  # closed meanwhile: nothing left to stop
                            pass


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
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            # 64 MB of page cache for the writer (the default is 2 MB): the recycled-text index
            # probes band keys all over its table for every document it adds.
            self._db.execute("PRAGMA cache_size=-65536")
            self._migrate()
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

    def __enter__(self) -> "SQLiteStore":
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
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
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
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"library {self.path} has schema version {version}, newer than this Clipfile "
                f"understands ({SCHEMA_VERSION}); upgrade Clipfile"
            )
        for target in range(version, SCHEMA_VERSION):
            with self._tx() as db:
                for statement in _split_sql(MIGRATIONS[target]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target + 1}")

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
        # A whole id first: the prefix match below cannot use the index and reads every row.
        if db.execute("SELECT 1 FROM documents WHERE id = ?", (ref,)).fetchone():
            return ref
        rows = db.execute(
            "SELECT id FROM documents WHERE id = ? OR id LIKE ? LIMIT 2",
            (ref, ref.replace("%", "").replace("_", r"\_") + "%"),
        ).fetchall()
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

    def list_documents(self, *, limit: int = 50, offset: int = 0) -> list[DocumentSummary]:
        with self._read() as db:
            rows = db.execute(
                "SELECT d.id, d.title, d.source, d.published, d.language, d.kind, length(d.text) AS chars,"
                " d.url, a.version FROM documents d LEFT JOIN analyses a ON a.doc_id = d.id"
                " ORDER BY coalesce(d.published, d.ingested) DESC, d.rowid DESC LIMIT ? OFFSET ?",
                (limit, offset),
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
            return db.execute("SELECT count(*) FROM documents").fetchone()[0]

    # -- search -----------------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0, kinds: tuple[str, ...] = ()
    ) -> list[SearchHit]:
        """Full-text search over documents (``kinds=()``) or extracted items of the given kinds.

        The query uses FTS5 syntax (words, ``"phrases"``, ``AND``/``OR``/``NOT``, ``prefix*``,
        ``NEAR(a b)``); words are matched in any grammatical case for Russian.

        Raises:
            QueryError: the query could not be parsed or is beyond the limits
                (:func:`clipfile.textindex.check_query`); the message says why.
            Interrupted: the current deadline passed before the search finished.
        """
        check_query(query)
        fts_query = query_terms(query)
        if not fts_query.strip():
            raise QueryError("empty query: give at least one word to search for")
        try:
            with self._read() as db:
                if not kinds:
                    rows = db.execute(
                        "SELECT d.id AS doc_id, d.title, d.text, d.published, d.source, d.language,"
                        " bm25(documents_fts) AS rank FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
                        " WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                        (fts_query, limit, offset),
                    ).fetchall()
                else:
                    marks = ",".join("?" * len(kinds))
                    rows = db.execute(
                        "SELECT i.id AS item_id, i.doc_id, d.title, i.kind, i.start, i.end, i.text, d.published,"
                        " d.source, d.language, bm25(items_fts) AS rank FROM items_fts JOIN items i ON i.id = items_fts.rowid"
                        f" JOIN documents d ON d.id = i.doc_id WHERE items_fts MATCH ? AND i.kind IN ({marks})"
                        " ORDER BY rank LIMIT ? OFFSET ?",
                        (fts_query, *kinds, limit, offset),
                    ).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(_explain_fts_error(query, exc)) from exc
        hits = []
        for r in rows:
            deadline.check()
            if not kinds:
                hits.append(SearchHit(r["doc_id"], r["title"], snippet(r["text"], query), r["rank"],
                                      published=r["published"], source=r["source"], language=r["language"]))
            else:
                hits.append(SearchHit(r["doc_id"], r["title"], snippet(r["text"], query), r["rank"], kind=r["kind"],
                                      start=r["start"], end=r["end"], published=r["published"], source=r["source"],
                                      language=r["language"], item_id=r["item_id"]))
        return hits

    # -- analyses ---------------------------------------------------------------------------

    def save_analysis(self, analysis: dict[str, Any], *, version: str) -> dict[str, Any]:
        """Store one document's analysis (the ``analyze --json`` object) in one transaction.

        Local entity ids (``e1``) are linked to library entities (``E12``) and rewritten in the
        stored items; earlier results for the document are replaced.  Returns the stored object.
        """
        doc_id = analysis["document"]["id"]
        with self._tx() as db:
            if not db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
                raise NotFound(f"no document {doc_id!r}: store it before its analysis")
            self._clear_analysis(db, doc_id)
            mapping = self._link_entities(db, doc_id, analysis.get("entities", []))
            stored = _rewrite_entity_ids(analysis, mapping)
            for kind, key in (("quote", "quotes"), ("claim", "claims"), ("forecast", "forecasts"),
                              ("event", "events"), ("duplicate", "duplicates")):
                for item in stored.get(key, []):
                    self._insert_item(db, doc_id, kind, item)
            body = {k: v for k, v in stored.items() if k != "document"}
            db.execute(
                "INSERT INTO analyses (doc_id, version, analyzed, data) VALUES (?,?,?,?)",
                (doc_id, version, _now(), json.dumps(body, ensure_ascii=False)),
            )
        return stored

    def _clear_analysis(self, db: sqlite3.Connection, doc_id: str) -> None:
        ids = [r[0] for r in db.execute("SELECT id FROM items WHERE doc_id = ?", (doc_id,))]
        db.executemany("DELETE FROM items_fts WHERE rowid = ?", [(i,) for i in ids])
        db.execute("DELETE FROM items WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
        db.execute("DELETE FROM analyses WHERE doc_id = ?", (doc_id,))

    def _link_entities(self, db: sqlite3.Connection, doc_id: str, entities: list[dict]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        context: dict[int, str] = {}  # library entities this document names so far, by type
        # People named by surname alone link last: the document's other entities are their context.
        bare = {id(e): all(is_bare_person(n, e.get("type") or "MISC") for n in [e["name"], *e.get("aliases", [])])
                for e in entities}
        for ent in sorted(entities, key=lambda e: bare[id(e)]):
            names = [ent["name"], *ent.get("aliases", [])]
            etype = ent.get("type") or "MISC"
            found = self._find_entity_for(db, names, etype, context)
            if found is None:
                entity_id = int(db.execute(
                    "INSERT INTO entities (name, type) VALUES (?, ?)", (ent["name"], etype)
                ).lastrowid or 0)
            else:
                entity_id = found
                current = _entity_name(db, entity_id)
                if ent["name"] != current:
                    best = canonical_choice([current, ent["name"]], etype,
                                            _attestation(db, entity_id, (current, ent["name"]), ent))
                    if best != current:
                        db.execute("UPDATE entities SET name = ? WHERE id = ?", (best, entity_id))
            for name in names:
                db.execute("INSERT OR IGNORE INTO entity_aliases VALUES (?, ?)", (entity_id, name))
                for key in entity_keys(name, etype):
                    db.execute("INSERT OR IGNORE INTO entity_keys VALUES (?, ?)", (key, entity_id))
            db.executemany(
                "INSERT INTO mentions (doc_id, entity_id, start, end, text) VALUES (?,?,?,?,?)",
                [(doc_id, entity_id, m["start"], m["end"], m["text"]) for m in ent.get("mentions", [])],
            )
            mapping[ent["id"]] = _entity_ref(entity_id)
            context[entity_id] = etype
        return mapping

    def _find_entity_for(self, db: sqlite3.Connection, names: list[str], etype: str,
                         context: dict[int, str] | None = None) -> int | None:
        """The library entity these names of one document entity link to (rules in
        :mod:`clipfile.linking` and :mod:`clipfile.entity_evidence`), or None for a new one."""
        def roots_with(key: str) -> list[int]:
            return [r[0] for r in db.execute(
                "SELECT DISTINCT e.id FROM entity_keys k JOIN entities e ON e.id = k.entity_id"
                " WHERE k.key = ? AND e.merged_into IS NULL", (key,))]

        verdicts: dict[int, bool] = {}

        def agrees(entity_id: int) -> bool:
            if etype != "PERSON":
                return True
            if entity_id not in verdicts:  # (its own names: what an analyst merged in is vouched for)
                known = [r[0] for r in db.execute("SELECT alias FROM entity_aliases WHERE entity_id = ?", (entity_id,))]
                verdicts[entity_id] = people_agree(names, [_entity_name(db, entity_id), *known])
            return verdicts[entity_id]

        for key in (k for n in names for k in entity_keys(n, etype) if not is_weak(k)):
            found = [e for e in roots_with(key) if agrees(e)]
            if len(found) == 1:
                return found[0]
        # A surname alone ("Kessler", "Кесслер") joins the library person with that surname
        # whose documents share this document's company best.
        if all(is_bare_person(n, etype) for n in names):
            bearers = {e for n in names for k in weak_keys(n, etype) for e in roots_with(k)}
            return best_supported(context or {}, {e: _co_mentioned(db, e) for e in bearers})
        return None

    def _insert_item(self, db: sqlite3.Connection, doc_id: str, kind: str, item: dict) -> None:
        text = item.get("text") or ""
        cur = db.execute(
            "INSERT INTO items (doc_id, kind, local_id, start, end, text, data) VALUES (?,?,?,?,?,?,?)",
            (doc_id, kind, item.get("id"), item["start"], item["end"], text,
             json.dumps(item, ensure_ascii=False)),
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
        db.executemany("INSERT INTO item_entities VALUES (?, ?, ?)", [(item_id, e, r) for e, r in links])

    def replace_cross_duplicates(self, doc_id: str, duplicates: list[dict[str, Any]]) -> None:
        """Replace a document's duplicates that point into other documents (its own repeats and
        the rest of its analysis stay), in one transaction."""
        with self._tx() as db:
            row = db.execute("SELECT data FROM analyses WHERE doc_id = ?", (doc_id,)).fetchone()
            if row is None:
                return
            data = json.loads(row["data"])
            stale = [r[0] for r in db.execute(
                "SELECT id FROM items WHERE doc_id = ? AND kind = 'duplicate'"
                " AND json_extract(data, '$.of.document') != ?", (doc_id, doc_id))]
            db.executemany("DELETE FROM items_fts WHERE rowid = ?", [(i,) for i in stale])
            db.executemany("DELETE FROM items WHERE id = ?", [(i,) for i in stale])
            for dup in duplicates:
                self._insert_item(db, doc_id, "duplicate", dup)
            data["duplicates"] = [d for d in data.get("duplicates", []) if d["of"]["document"] == doc_id] + duplicates
            db.execute("UPDATE analyses SET data = ? WHERE doc_id = ?", (json.dumps(data, ensure_ascii=False), doc_id))

    def get_analysis(self, doc_id: str) -> dict[str, Any] | None:
        """The stored analysis of a document (with its document record), or None."""
        with self._read() as db:
            doc_id = self._resolve_doc_id(db, doc_id)
            row = db.execute("SELECT version, data FROM analyses WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        data = json.loads(row["data"])
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
        ids: list[int] | None = None,
        speaker_like: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored items of one kind, optionally of one document or linked to an entity.

        ``speaker_like``: only items whose speaker's name contains these words (case folded),
        for speakers who are no entity ("a senior diplomat", "people briefed on the talks").

        Each result is the item's JSON plus ``document`` (id), ``title``, ``published``,
        ``outlet`` (the document's source), ``url`` and ``item_id`` (the library's row id).
        Items without a ``source`` of their own also get the outlet as ``source``.
        """
        sql = ("SELECT i.id, i.doc_id, i.data, d.title, d.published, d.source, d.url FROM items i"
               " JOIN documents d ON d.id = i.doc_id WHERE i.kind = ?")
        args: list[Any] = [kind]
        if doc_id:
            sql += " AND i.doc_id = ?"
            args.append(doc_id)
        if ids is not None:
            sql += f" AND i.id IN ({','.join('?' * len(ids))})"
            args.extend(ids)
        if speaker_like:
            sql += " AND cf_contains(json_extract(i.data, '$.speaker.name'), ?)"
            args.append(speaker_like)
        if entity is not None:
            roles = (role,) if isinstance(role, str) else tuple(role or ())
            sql += " AND i.id IN (SELECT item_id FROM item_entities WHERE entity_id IN (" + _MERGED_SET + ")"
            args.append(entity)
            if roles:
                sql += f" AND role IN ({','.join('?' * len(roles))})"
                args.extend(roles)
            sql += ")"
        sql += " ORDER BY coalesce(d.published, d.ingested), i.doc_id, i.start"
        if limit:
            sql += f" LIMIT {int(limit)}"
        with self._read() as db:
            rows = db.execute(sql, args).fetchall()
        out = []
        for r in rows:
            data = json.loads(r["data"])
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

    def get_entity(self, entity_id: int | str) -> EntityRecord:
        eid = _parse_entity_ref(entity_id)
        with self._read() as db:
            eid = self._root(eid)
            row = db.execute("SELECT id, name, type FROM entities WHERE id = ?", (eid,)).fetchone()
            if row is None:
                raise NotFound(f"no entity E{eid}")
            aliases = tuple(r[0] for r in db.execute(
                f"SELECT DISTINCT alias FROM entity_aliases WHERE entity_id IN ({_MERGED_SET}) ORDER BY alias",
                (eid,)))
            n_mentions = db.execute(
                f"SELECT count(*) FROM mentions WHERE entity_id IN ({_MERGED_SET})", (eid,)).fetchone()[0]
            # documents that mention it, or where it speaks without being named in the text
            # (a transcript's speaker known from its captions)
            n_docs = db.execute(
                f"SELECT count(*) FROM (SELECT doc_id FROM mentions WHERE entity_id IN ({_MERGED_SET})"
                f" UNION SELECT i.doc_id FROM item_entities ie JOIN items i ON i.id = ie.item_id"
                f" WHERE ie.entity_id IN ({_MERGED_SET}))", (eid, eid)).fetchone()[0]
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

    def entity_mentions_by_month(self, entity_id: int | str) -> list[tuple[str, int]]:
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:
            rows = db.execute(
                "SELECT substr(coalesce(d.published, d.ingested), 1, 7) AS month, count(*) FROM mentions m"
                f" JOIN documents d ON d.id = m.doc_id WHERE m.entity_id IN ({_MERGED_SET})"
                " GROUP BY month ORDER BY month", (eid,)).fetchall()
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
        with self._read() as db:
            q = lambda sql: db.execute(sql).fetchall()  # noqa: E731
            out: dict[str, Any] = {
                "library": self.path,
                "schema_version": self.schema_version,
                "documents": q("SELECT count(*) FROM documents")[0][0],
                "analyzed": q("SELECT count(*) FROM analyses")[0][0],
                "entities": q("SELECT count(*) FROM entities WHERE merged_into IS NULL")[0][0],
                "by_language": dict(q("SELECT coalesce(language, '?'), count(*) FROM documents GROUP BY 1")),
                "by_kind": dict(q("SELECT kind, count(*) FROM documents GROUP BY 1")),
                "items": dict(q("SELECT kind, count(*) FROM items GROUP BY 1")),
                "characters": q("SELECT coalesce(sum(length(text)), 0) FROM documents")[0][0],
            }
        return out

    # -- web queries ------------------------------------------------------------------------
    # Read-only queries the web workbench needs beyond the CLI's: filtered search with facet
    # counts, entity browsing and co-mentions.

    def search_page(
        self,
        query: str = "",
        *,
        kinds: tuple[str, ...] = (),
        source: str | None = None,
        language: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        entity: int | str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Search (or, with an empty query, browse) documents or items with filters and facets.

        Returns ``{"hits": [SearchHit], "total": int, "facets": {"source": [(value, n)],
        "language": [...], "kind": [...], "entity": [(EntityRecord, n)]}}``.  Dates compare
        on the first ten characters of ``published`` (``YYYY-MM-DD``).

        Raises:
            QueryError: the query could not be parsed or is beyond the limits.
            Interrupted: the current deadline passed before the page was ready.
        """
        check_query(query)
        fts_query = query_terms(query) if query.strip() else ""
        if query.strip() and not fts_query.strip():
            raise QueryError("the query has no words to search for")
        doc_where, doc_args = ["1"], []
        if source:
            doc_where.append("d.source = ?")
            doc_args.append(source)
        if language:
            doc_where.append("d.language = ?")
            doc_args.append(language)
        if date_from:
            doc_where.append("substr(d.published, 1, 10) >= ?")
            doc_args.append(date_from)
        if date_to:
            doc_where.append("substr(d.published, 1, 10) <= ?")
            doc_args.append(date_to)
        eid = self._root(_parse_entity_ref(entity)) if entity not in (None, "") else None

        def doc_part() -> tuple[str, list[Any]]:
            where, args = list(doc_where), list(doc_args)
            source = "documents d"
            if fts_query:
                # CROSS JOIN keeps the full-text match first; otherwise SQLite may walk an index
                # of the filters and probe the FTS table once per row, which is far slower.
                source = "documents_fts CROSS JOIN documents d ON d.rowid = documents_fts.rowid"
                where.insert(0, "documents_fts MATCH ?")
                args.insert(0, fts_query)
            if eid is not None:
                where.append(f"d.id IN (SELECT doc_id FROM mentions WHERE entity_id IN ({_MERGED_SET}))")
                args.append(eid)
            return f"FROM {source} WHERE " + " AND ".join(where), args

        def item_part(item_kinds: tuple[str, ...]) -> tuple[str, list[Any]]:
            where, args = list(doc_where), list(doc_args)
            # Without a text match the filters are on documents: start there, then their items.
            source = "documents d CROSS JOIN items i ON i.doc_id = d.id"
            if fts_query:
                source = ("items_fts CROSS JOIN items i ON i.id = items_fts.rowid"
                          " CROSS JOIN documents d ON d.id = i.doc_id")
                where.insert(0, "items_fts MATCH ?")
                args.insert(0, fts_query)
            if item_kinds:
                where.append(f"i.kind IN ({','.join('?' * len(item_kinds))})")
                args.extend(item_kinds)
            if eid is not None:
                where.append(f"i.id IN (SELECT item_id FROM item_entities WHERE entity_id IN ({_MERGED_SET}))")
                args.append(eid)
            return f"FROM {source} WHERE " + " AND ".join(where), args

        try:
            with self._read() as db:
                if kinds:
                    base, args = item_part(kinds)
                    rank = "bm25(items_fts)" if fts_query else "0"
                    order = "rank, d.published DESC" if fts_query else "coalesce(d.published, d.ingested) DESC, i.doc_id, i.start"
                    rows = db.execute(
                        f"SELECT i.id AS item_id, i.doc_id, d.title, i.kind, i.start, i.end, i.text, d.published,"
                        f" d.source, d.language, {rank} AS rank {base} ORDER BY {order} LIMIT ? OFFSET ?",
                        (*args, limit, offset)).fetchall()
                else:
                    base, args = doc_part()
                    rank = "bm25(documents_fts)" if fts_query else "0"
                    order = "rank" if fts_query else "coalesce(d.published, d.ingested) DESC, d.rowid DESC"
                    rows = db.execute(
                        f"SELECT d.id AS doc_id, d.title, d.text, d.published, d.source, d.language, {rank} AS rank"
                        f" {base} ORDER BY {order} LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()
                # One grouped pass each over matching documents and matching items gives the
                # total and every count facet (a pass per facet costs several times more).
                dbase, dargs = doc_part()
                doc_groups = db.execute(
                    f"SELECT d.source, d.language, count(*) {dbase} GROUP BY 1, 2", dargs).fetchall()
                ibase, iargs = item_part(())
                item_groups = db.execute(
                    f"SELECT d.source, d.language, i.kind, count(*) {ibase} AND i.kind != 'duplicate'"
                    " GROUP BY 1, 2, 3", iargs).fetchall()
                chosen = [(r[0], r[1], r[3]) for r in item_groups if r[2] in kinds] if kinds else \
                    [(r[0], r[1], r[2]) for r in doc_groups]
                total = sum(n for _, _, n in chosen)
                facets: dict[str, Any] = {}
                for col, pos in (("source", 0), ("language", 1)):
                    counts: dict[str, int] = {}
                    for row in chosen:
                        if row[pos] is not None:
                            counts[row[pos]] = counts.get(row[pos], 0) + row[2]
                    facets[col] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
                by_kind: dict[str, int] = {}
                for r in item_groups:
                    by_kind[r[2]] = by_kind.get(r[2], 0) + r[3]
                facets["kind"] = [("document", sum(r[2] for r in doc_groups)), *sorted(by_kind.items())]
                ent_rows = db.execute(
                    f"SELECT m.entity_id, count(DISTINCT m.doc_id) AS n FROM mentions m WHERE m.doc_id IN"
                    f" (SELECT d.id {dbase}) GROUP BY 1 ORDER BY n DESC LIMIT 30", dargs).fetchall()
                roots: dict[int, int] = {}
                for r in ent_rows:
                    root = self._root(r[0])
                    roots[root] = max(roots.get(root, 0), r[1])
        except sqlite3.OperationalError as exc:
            raise QueryError(_explain_fts_error(query, exc)) from exc
        top = sorted(roots.items(), key=lambda kv: -kv[1])[:10]
        facets["entity"] = [(self.get_entity(i), n) for i, n in top]
        hits = []
        for r in rows:  # snippets after the read: the connection goes back to the pool sooner
            deadline.check()
            if kinds:
                hits.append(SearchHit(r["doc_id"], r["title"], _web_snippet(r["text"], query), r["rank"],
                                      kind=r["kind"], start=r["start"], end=r["end"], published=r["published"],
                                      source=r["source"], language=r["language"], item_id=r["item_id"]))
            else:
                hits.append(SearchHit(r["doc_id"], r["title"], _web_snippet(r["text"], query), r["rank"],
                                      published=r["published"], source=r["source"], language=r["language"]))
        return {"hits": hits, "total": total, "facets": facets}

    def list_entities(self, *, limit: int = 50, offset: int = 0, type: str | None = None) -> list[EntityRecord]:
        """Library entities (merged ones folded in), most mentioned first."""
        sql = ("SELECT e.id FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id"
               " WHERE e.merged_into IS NULL")
        args: list[Any] = []
        if type:
            sql += " AND e.type = ?"
            args.append(type)
        sql += " GROUP BY e.id ORDER BY count(m.entity_id) DESC, e.name LIMIT ? OFFSET ?"
        with self._read() as db:
            ids = [r[0] for r in db.execute(sql, (*args, limit, offset))]
        return [self.get_entity(i) for i in ids]

    def co_mentioned_entities(self, entity_id: int | str, *, limit: int = 15) -> list[tuple[EntityRecord, int]]:
        """Entities mentioned in the same documents as this one, with the number of shared documents."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:
            rows = db.execute(
                f"WITH mine AS ({_MERGED_SET}),"
                " docs AS (SELECT DISTINCT doc_id FROM mentions WHERE entity_id IN (SELECT id FROM mine))"
                " SELECT m.entity_id, count(DISTINCT m.doc_id) AS n FROM mentions m"
                " WHERE m.doc_id IN (SELECT doc_id FROM docs) AND m.entity_id NOT IN (SELECT id FROM mine)"
                " GROUP BY 1 ORDER BY n DESC LIMIT ?", (eid, limit * 3)).fetchall()
            shared: dict[int, int] = {}
            for r in rows:
                root = self._root(r[0])
                if root != eid:
                    shared[root] = max(shared.get(root, 0), r[1])
        top = sorted(shared.items(), key=lambda kv: -kv[1])[:limit]
        return [(self.get_entity(i), n) for i, n in top]

    def entity_documents(self, entity_id: int | str, *, limit: int = 50) -> list[DocumentSummary]:
        """Documents mentioning an entity, newest first."""
        eid = self._root(_parse_entity_ref(entity_id))
        with self._read() as db:
            rows = db.execute(
                "SELECT d.id, d.title, d.source, d.published, d.language, d.kind, length(d.text), d.url, a.version"
                " FROM documents d LEFT JOIN analyses a ON a.doc_id = d.id WHERE d.id IN"
                f" (SELECT doc_id FROM mentions WHERE entity_id IN ({_MERGED_SET}))"
                " ORDER BY coalesce(d.published, d.ingested) DESC LIMIT ?", (eid, limit)).fetchall()
        return [DocumentSummary(*tuple(r)) for r in rows]


# Every entity id that has been merged (directly or through others) into the given root id.
_MERGED_SET = (
    "WITH RECURSIVE m(id) AS (SELECT ? UNION SELECT e.id FROM entities e JOIN m ON e.merged_into = m.id)"
    " SELECT id FROM m"
)


def _same_entity_message(keep: int | str, other: int | str, root: int) -> str:
    """Why two references cannot be merged: they are one entity already."""
    a, b = _entity_ref(_parse_entity_ref(keep)), _entity_ref(_parse_entity_ref(other))
    if a == b:
        return f"cannot merge an entity into itself ({a})"
    return f"cannot merge an entity into itself: {a} and {b} are already one entity ({_entity_ref(root)})"


def _entity_name(db: sqlite3.Connection, entity_id: int) -> str:
    return db.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()[0]


def _co_mentioned(db: sqlite3.Connection, entity_id: int, most_docs: int = 400) -> dict[int, str]:
    """Library entities (id → type) named in the documents that name ``entity_id`` (its latest
    ``most_docs`` documents: bounded work for the most mentioned people)."""
    return {r[0]: r[1] for r in db.execute(
        f"WITH d AS (SELECT doc_id FROM mentions WHERE entity_id IN ({_MERGED_SET})"
        " GROUP BY doc_id ORDER BY max(rowid) DESC LIMIT ?)"
        " SELECT DISTINCT COALESCE(e.merged_into, e.id), e.type FROM d"
        " JOIN mentions m ON m.doc_id = d.doc_id JOIN entities e ON e.id = m.entity_id", (entity_id, most_docs))}


def _attestation(db: sqlite3.Connection, entity_id: int, names: tuple[str, ...], ent: dict) -> dict[str, int]:
    """How often each of ``names`` is written in the entity's mentions, in the library and in
    the document being linked (``ent``): a mention attests a name when it holds every word of
    the name less its last letter (so inflected Russian forms count)."""
    texts = [r[0].casefold() for r in db.execute(
        f"SELECT text FROM mentions WHERE entity_id IN ({_MERGED_SET})", (entity_id,))]
    texts += [m.get("text", "").casefold() for m in ent.get("mentions", [])]
    out = {}
    for name in names:
        stems = [w[:-1] if len(w) > 3 else w for w in name.casefold().split()]
        out[name] = sum(all(s in t for s in stems) for t in texts) if stems else 0
    return out


def _rewrite_entity_ids(analysis: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Replace local entity ids (``e1``) with library ids (``E12``) throughout an analysis."""

    def walk(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: (mapping.get(v, v) if k == "entity_id" and isinstance(v, str) else walk(v))
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [walk(v) for v in obj]
        return obj

    out = walk(analysis)
    out["entities"] = [{**e, "id": mapping.get(e["id"], e["id"])} for e in out.get("entities", [])]
    return out


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(
        text=row["text"], id=row["id"], title=row["title"], source=row["source"], url=row["url"],
        author=row["author"], published=row["published"], published_precision=row["published_precision"],
        fetched=row["fetched"], ingested=row["ingested"], language=row["language"], kind=row["kind"],
        origin=row["origin"], metadata=json.loads(row["metadata"] or "{}"), supersedes=row["supersedes"],
        fetched_from=row["fetched_from"],
    )


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _explain_fts_error(query: str, exc: sqlite3.OperationalError) -> str:
    msg = str(exc)
    if "syntax error" in msg or "unterminated" in msg or "malformed" in msg:
        detail = msg.replace("fts5: ", "")
        return (f"cannot understand the query {query!r} ({detail}); use words, \"quoted phrases\", "
                "AND / OR / NOT between terms, and word* for prefixes")
    if "no such column" in msg:
        return (f"cannot understand the query {query!r}: a word followed by ':' is read as a column name; "
                "put it in double quotes")
    return f"search failed for {query!r}: {msg}"


def _web_snippet(text: str, query: str, *, width: int = 240) -> str:
    """A search snippet; without a query, the opening of the text."""
    if query.strip():
        return snippet(text, query, width=width)
    head = " ".join(text[: width + 40].split())
    return head[:width] + ("…" if len(head) > width else "")
