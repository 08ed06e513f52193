"""The recycled-text index's tables in the SQLite library (schema version 4).

``recycled_documents`` gives every indexed document its place in indexing order (``seq``),
``recycled_passages`` holds one row per distinct passage with its earliest copy and its origin,
``recycled_bands`` the LSH band keys (a WITHOUT ROWID table: key lookups read the clustered
key), ``recycled_units`` every unit of every indexed document, ``recycled_pending`` the
documents whose cross-document duplicates wait to be recomputed after an older copy arrived,
and ``recycled_unfiled`` the passages whose band keys are not filed yet.

Band keys are random, so filing one document's ~800 of them would dirty ~800 pages of the
band table in its transaction; they are filed in bulk instead, sorted, hundreds of documents at
a time (see ``DuplicateIndex.file_bands``), and a passage stays in ``recycled_unfiled`` until
they are, so that keys lost with a killed process are filed again from the stored bigrams.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, ContextManager, Iterable, Sequence

from .base import Copy, IndexedDocument, Passage

if TYPE_CHECKING:
    from .sqlite import SQLiteStore

__all__ = ["SQLiteRecycled", "MIGRATION"]

MIGRATION = """
CREATE TABLE recycled_documents (
    seq INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    published TEXT
);
CREATE TABLE recycled_passages (
    id INTEGER PRIMARY KEY,
    exact INTEGER NOT NULL UNIQUE,
    bigrams BLOB NOT NULL,
    first_doc INTEGER NOT NULL, first_pos INTEGER NOT NULL,
    first_start INTEGER NOT NULL, first_end INTEGER NOT NULL,
    origin_doc INTEGER NOT NULL, origin_pos INTEGER NOT NULL,
    origin_start INTEGER NOT NULL, origin_end INTEGER NOT NULL,
    origin_sim REAL NOT NULL
);
CREATE TABLE recycled_bands (
    key INTEGER NOT NULL,
    passage INTEGER NOT NULL,
    PRIMARY KEY (key, passage)
) WITHOUT ROWID;
CREATE TABLE recycled_units (
    doc INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    passage INTEGER NOT NULL,
    PRIMARY KEY (doc, pos)
) WITHOUT ROWID;
CREATE INDEX recycled_units_passage ON recycled_units(passage);
CREATE TABLE recycled_pending (
    doc_id TEXT PRIMARY KEY
);
CREATE TABLE recycled_unfiled (
    passage INTEGER PRIMARY KEY
);
-- The index used to be one blob rewritten per run. The tables above replace it, and the
-- library fills them again from the analysed documents on first use.
DELETE FROM blobs WHERE key = 'recycled-index';
"""

_PASSAGE_SELECT = (
    "SELECT p.id, p.exact, p.bigrams, p.first_pos, p.first_start, p.first_end,"
    " p.origin_pos, p.origin_start, p.origin_end, p.origin_sim,"
    " f.seq, f.doc_id, f.published, o.seq, o.doc_id, o.published"
    " FROM recycled_passages p JOIN recycled_documents f ON f.seq = p.first_doc"
    " JOIN recycled_documents o ON o.seq = p.origin_doc"
)


class SQLiteRecycled:
    """:class:`~clipfile.store.base.RecycledTable` over a :class:`SQLiteStore`'s connection."""

    def __init__(self, store: "SQLiteStore") -> None:
        self._store = store

    def transaction(self) -> ContextManager[None]:
        return self._store.transaction()

    def document(self, doc_id: str) -> IndexedDocument | None:
        with self._store._read() as db:
            row = db.execute("SELECT seq, published FROM recycled_documents WHERE doc_id = ?",
                                   (doc_id,)).fetchone()
        return IndexedDocument(doc_id, row[0], row[1]) if row else None

    def register(self, doc_id: str, published: str | None) -> IndexedDocument:
        with self._store._tx() as db:
            seq = db.execute("INSERT INTO recycled_documents (doc_id, published) VALUES (?, ?)",
                             (doc_id, published)).lastrowid
        assert seq is not None
        return IndexedDocument(doc_id, seq, published)

    def lookup(self, exact: Sequence[int], bands: Sequence[int]) -> tuple[dict[int, int], dict[int, list[int]]]:
        # json_each passes any number of keys in one statement (no bound-variable limit).
        with self._store._read() as db:
            found = {r[0]: r[1] for r in db.execute(
                "SELECT exact, id FROM recycled_passages WHERE exact IN (SELECT value FROM json_each(?))",
                (json.dumps(list(exact)),))}
            postings: dict[int, list[int]] = {}
            for key, passage in db.execute(
                    "SELECT key, passage FROM recycled_bands WHERE key IN (SELECT value FROM json_each(?))",
                    (json.dumps(list(bands)),)):
                postings.setdefault(key, []).append(passage)
        return found, postings

    def bigrams(self, ids: Iterable[int]) -> dict[int, bytes]:
        with self._store._read() as db:
            return {r[0]: bytes(r[1]) for r in db.execute(
                "SELECT id, bigrams FROM recycled_passages WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(set(ids))),))}

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        with self._store._read() as db:
            rows = db.execute(f"{_PASSAGE_SELECT} WHERE p.id IN (SELECT value FROM json_each(?))",
                                    (json.dumps(sorted(set(ids))),)).fetchall()
        out = {}
        for r in rows:
            first_doc = IndexedDocument(r[11], r[10], r[12])
            origin_doc = first_doc if r[13] == r[10] else IndexedDocument(r[14], r[13], r[15])
            out[r[0]] = Passage(r[0], r[1], bytes(r[2]), Copy(first_doc, r[3], r[4], r[5]),
                                Copy(origin_doc, r[6], r[7], r[8]), r[9])
        return out

    def save(self, doc: IndexedDocument, units: Sequence[tuple[int, int, int, Passage]],
             passages: Sequence[Passage]) -> None:
        with self._store._tx() as db:
            new = [p for p in passages if p.id is None]
            changed = [p for p in passages if p.id is not None]
            if new:
                # Ids handed out here so the rows go in with one executemany (the write lock is held).
                top = db.execute("SELECT coalesce(max(id), 0) FROM recycled_passages").fetchone()[0]
                for i, p in enumerate(new, top + 1):
                    p.id = i
                db.executemany(
                    "INSERT INTO recycled_passages (id, exact, bigrams, first_doc, first_pos, first_start,"
                    " first_end, origin_doc, origin_pos, origin_start, origin_end, origin_sim)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", [(p.id, p.exact, *_columns(p)) for p in new])
                db.executemany("INSERT INTO recycled_unfiled (passage) VALUES (?)", [(p.id,) for p in new])
            db.executemany(
                "UPDATE recycled_passages SET bigrams=?, first_doc=?, first_pos=?, first_start=?,"
                " first_end=?, origin_doc=?, origin_pos=?, origin_start=?, origin_end=?,"
                " origin_sim=? WHERE id = ?", [(*_columns(p), p.id) for p in changed])
            db.executemany("INSERT INTO recycled_units (doc, pos, start, end, passage) VALUES (?,?,?,?,?)",
                           [(doc.seq, pos, start, end, p.id) for pos, start, end, p in units])

    def file_bands(self, rows: Sequence[tuple[int, int]]) -> None:
        with self._store._tx() as db:
            db.executemany("INSERT OR IGNORE INTO recycled_bands (key, passage) VALUES (?, ?)", sorted(rows))
            db.executemany("DELETE FROM recycled_unfiled WHERE passage = ?",
                           [(p,) for p in sorted({p for _k, p in rows})])

    def unfiled(self, limit: int = 10_000) -> list[tuple[int, bytes]]:
        with self._store._read() as db:
            return [(r[0], bytes(r[1])) for r in db.execute(
                "SELECT p.id, p.bigrams FROM recycled_unfiled u JOIN recycled_passages p ON p.id = u.passage"
                " ORDER BY u.passage LIMIT ?", (limit,))]

    def units(self, doc_id: str) -> list[tuple[int, int, int, int]]:
        with self._store._read() as db:
            rows = db.execute(
                "SELECT u.pos, u.start, u.end, u.passage FROM recycled_units u"
                " JOIN recycled_documents d ON d.seq = u.doc WHERE d.doc_id = ? ORDER BY u.pos",
                (doc_id,)).fetchall()
        return [tuple(r) for r in rows]

    def later_copies(self, passages: Iterable[int], doc: IndexedDocument) -> list[str]:
        ids = sorted(set(passages))
        if not ids:
            return []
        with self._store._read() as db:
            rows = db.execute(
                "SELECT DISTINCT d.doc_id FROM recycled_units u JOIN recycled_documents d ON d.seq = u.doc"
                " WHERE u.passage IN (SELECT value FROM json_each(?)) AND d.seq != ?"
                " AND (d.published IS NULL, coalesce(d.published, ''), d.seq) > (?, ?, ?)",
                (json.dumps(ids), doc.seq, *doc.order)).fetchall()
        return sorted(r[0] for r in rows)

    def unit_count(self) -> int:
        with self._store._read() as db:
            return db.execute("SELECT count(*) FROM recycled_units").fetchone()[0]

    def unindexed(self) -> list[tuple[str, str | None]]:
        with self._store._read() as db:
            rows = db.execute(
                "SELECT d.id, d.published FROM documents d JOIN analyses a ON a.doc_id = d.id"
                " WHERE d.id NOT IN (SELECT doc_id FROM recycled_documents) ORDER BY d.rowid").fetchall()
        return [(r[0], r[1]) for r in rows]

    def slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str | None]:
        # substr counts characters, as Python offsets do; only the passages leave the database.
        if not spans:
            return []
        with self._store._read() as db:
            rows = dict(db.execute(
                "SELECT j.key, substr(d.text, json_extract(j.value, '$[1]') + 1,"
                " json_extract(j.value, '$[2]') - json_extract(j.value, '$[1]'))"
                " FROM json_each(?) j JOIN documents d ON d.id = json_extract(j.value, '$[0]')",
                (json.dumps([list(s) for s in spans]),)).fetchall())
        return [rows.get(i) for i in range(len(spans))]

    def mark_pending(self, doc_ids: Iterable[str]) -> None:
        ids = [(d,) for d in doc_ids]
        if ids:
            with self._store._tx() as db:
                db.executemany("INSERT OR IGNORE INTO recycled_pending (doc_id) VALUES (?)", ids)

    def pending(self, limit: int = 1000) -> list[str]:
        with self._store._read() as db:
            return [r[0] for r in db.execute(
                "SELECT doc_id FROM recycled_pending ORDER BY doc_id LIMIT ?", (limit,))]

    def done(self, doc_id: str) -> None:
        with self._store._tx() as db:
            db.execute("DELETE FROM recycled_pending WHERE doc_id = ?", (doc_id,))

    def clear(self) -> None:
        with self._store._tx() as db:
            for table in ("recycled_bands", "recycled_units", "recycled_passages", "recycled_documents",
                          "recycled_pending", "recycled_unfiled"):
                db.execute(f"DELETE FROM {table}")


def _columns(p: Passage) -> tuple:
    return (p.bigrams, p.first.doc.seq, p.first.pos, p.first.start, p.first.end,
            p.origin.doc.seq, p.origin.pos, p.origin.start, p.origin.end, p.origin_sim)
