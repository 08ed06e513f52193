"""The recycled-text index's tables in a PostgreSQL library (as :mod:`.sqlite_recycled` in SQLite).

The same tables and the same bulk filing of band keys; lists of ids and keys go to the server
as arrays (``= ANY(%s)``), and new passage ids are handed out under the library's write lock.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ContextManager, Iterable, Sequence

from ..errors import StoreError
from .base import Copy, IndexedDocument, Passage

if TYPE_CHECKING:
    import psycopg

    from .postgres import PostgresStore

__all__ = ["PostgresRecycled", "MIGRATION", "one_row"]

MIGRATION = """
CREATE TABLE recycled_documents (
    seq BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    published TEXT
);
CREATE TABLE recycled_passages (
    id BIGINT PRIMARY KEY,
    exact BIGINT NOT NULL UNIQUE,
    bigrams BYTEA NOT NULL,
    first_doc BIGINT NOT NULL, first_pos INTEGER NOT NULL,
    first_start INTEGER NOT NULL, first_end INTEGER NOT NULL,
    origin_doc BIGINT NOT NULL, origin_pos INTEGER NOT NULL,
    origin_start INTEGER NOT NULL, origin_end INTEGER NOT NULL,
    origin_sim DOUBLE PRECISION NOT NULL
);
CREATE TABLE recycled_bands (
    key BIGINT NOT NULL,
    passage BIGINT NOT NULL,
    PRIMARY KEY (key, passage)
);
CREATE TABLE recycled_units (
    doc BIGINT NOT NULL,
    pos INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    passage BIGINT NOT NULL,
    PRIMARY KEY (doc, pos)
);
CREATE INDEX recycled_units_passage ON recycled_units (passage);
CREATE TABLE recycled_pending (
    doc_id TEXT PRIMARY KEY
);
CREATE TABLE recycled_unfiled (
    passage BIGINT PRIMARY KEY
);
"""

_PASSAGE_SELECT = (
    "SELECT p.id, p.exact, p.bigrams, p.first_pos, p.first_start, p.first_end,"
    " p.origin_pos, p.origin_start, p.origin_end, p.origin_sim,"
    " f.seq, f.doc_id, f.published, o.seq, o.doc_id, o.published"
    " FROM recycled_passages p JOIN recycled_documents f ON f.seq = p.first_doc"
    " JOIN recycled_documents o ON o.seq = p.origin_doc"
)


def one_row(cur: "psycopg.Cursor[Any]") -> Any:
    """The row of a statement that always returns one (a count, an INSERT … RETURNING)."""
    row = cur.fetchone()
    if row is None:
        raise StoreError("the library returned no row where one was expected")
    return row


_one = one_row


class PostgresRecycled:
    """:class:`~clipfile.store.base.RecycledTable` over a :class:`PostgresStore`'s connections."""

    def __init__(self, store: "PostgresStore") -> None:
        self._store = store

    def transaction(self) -> ContextManager[None]:
        return self._store.transaction()

    def document(self, doc_id: str) -> IndexedDocument | None:
        with self._store._read() as db:
            row = db.execute("SELECT seq, published FROM recycled_documents WHERE doc_id = %s",
                             (doc_id,)).fetchone()
        return IndexedDocument(doc_id, row[0], row[1]) if row else None

    def register(self, doc_id: str, published: str | None) -> IndexedDocument:
        with self._store._tx() as db:
            seq = _one(db.execute("INSERT INTO recycled_documents (doc_id, published) VALUES (%s, %s) RETURNING seq",
                             (doc_id, published)))[0]
        return IndexedDocument(doc_id, seq, published)

    def lookup(self, exact: Sequence[int], bands: Sequence[int]) -> tuple[dict[int, int], dict[int, list[int]]]:
        with self._store._read() as db:
            found = {r[0]: r[1] for r in db.execute(
                "SELECT exact, id FROM recycled_passages WHERE exact = ANY(%s)", (list(exact),)).fetchall()}
            postings: dict[int, list[int]] = {}
            for key, passage in db.execute(
                    "SELECT key, passage FROM recycled_bands WHERE key = ANY(%s)", (list(bands),)).fetchall():
                postings.setdefault(key, []).append(passage)
        return found, postings

    def bigrams(self, ids: Iterable[int]) -> dict[int, bytes]:
        with self._store._read() as db:
            return {r[0]: bytes(r[1]) for r in db.execute(
                "SELECT id, bigrams FROM recycled_passages WHERE id = ANY(%s)", (sorted(set(ids)),)).fetchall()}

    def passages(self, ids: Iterable[int]) -> dict[int, Passage]:
        with self._store._read() as db:
            rows = db.execute(f"{_PASSAGE_SELECT} WHERE p.id = ANY(%s)", (sorted(set(ids)),)).fetchall()
        out = {}
        for r in rows:
            first_doc = IndexedDocument(r[11], r[10], r[12])
            origin_doc = first_doc if r[13] == r[10] else IndexedDocument(r[14], r[13], r[15])
            out[r[0]] = Passage(r[0], r[1], bytes(r[2]), Copy(first_doc, r[3], r[4], r[5]),
                                Copy(origin_doc, r[6], r[7], r[8]), r[9])
        return out

    def save(self, doc: IndexedDocument, units: Sequence[tuple[int, int, int, Passage]],
             passages: Sequence[Passage]) -> None:
        with self._store._tx() as db, db.cursor() as cur:
            new = [p for p in passages if p.id is None]
            changed = [p for p in passages if p.id is not None]
            if new:
                # Ids handed out here (the library's write lock is held) so the rows go in at once.
                top = _one(db.execute("SELECT coalesce(max(id), 0) FROM recycled_passages"))[0]
                for i, p in enumerate(new, top + 1):
                    p.id = i
                cur.executemany(
                    "INSERT INTO recycled_passages (id, exact, bigrams, first_doc, first_pos, first_start,"
                    " first_end, origin_doc, origin_pos, origin_start, origin_end, origin_sim)"
                    " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", [(p.id, p.exact, *_columns(p)) for p in new])
                cur.executemany("INSERT INTO recycled_unfiled (passage) VALUES (%s)", [(p.id,) for p in new])
            if changed:
                cur.executemany(
                    "UPDATE recycled_passages SET bigrams=%s, first_doc=%s, first_pos=%s, first_start=%s,"
                    " first_end=%s, origin_doc=%s, origin_pos=%s, origin_start=%s, origin_end=%s,"
                    " origin_sim=%s WHERE id = %s", [(*_columns(p), p.id) for p in changed])
            if units:
                cur.executemany('INSERT INTO recycled_units (doc, pos, start, "end", passage) VALUES (%s,%s,%s,%s,%s)',
                                [(doc.seq, pos, start, end, p.id) for pos, start, end, p in units])

    def file_bands(self, rows: Sequence[tuple[int, int]]) -> None:
        if not rows:
            return
        with self._store._tx() as db, db.cursor() as cur:
            cur.executemany("INSERT INTO recycled_bands (key, passage) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                            sorted(set(rows)))
            db.execute("DELETE FROM recycled_unfiled WHERE passage = ANY(%s)", (sorted({p for _k, p in rows}),))

    def unfiled(self, limit: int = 10_000) -> list[tuple[int, bytes]]:
        with self._store._read() as db:
            return [(r[0], bytes(r[1])) for r in db.execute(
                "SELECT p.id, p.bigrams FROM recycled_unfiled u JOIN recycled_passages p ON p.id = u.passage"
                " ORDER BY u.passage LIMIT %s", (limit,)).fetchall()]

    def units(self, doc_id: str) -> list[tuple[int, int, int, int]]:
        with self._store._read() as db:
            rows = db.execute(
                'SELECT u.pos, u.start, u."end", u.passage FROM recycled_units u'
                " JOIN recycled_documents d ON d.seq = u.doc WHERE d.doc_id = %s ORDER BY u.pos",
                (doc_id,)).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def later_copies(self, passages: Iterable[int], doc: IndexedDocument) -> list[str]:
        ids = sorted(set(passages))
        if not ids:
            return []
        with self._store._read() as db:
            rows = db.execute(
                "SELECT DISTINCT d.doc_id FROM recycled_units u JOIN recycled_documents d ON d.seq = u.doc"
                " WHERE u.passage = ANY(%s) AND d.seq <> %s"
                " AND (d.published IS NULL, coalesce(d.published, ''), d.seq) > (%s, %s, %s)",
                (ids, doc.seq, *doc.order)).fetchall()
        return sorted(r[0] for r in rows)

    def unit_count(self) -> int:
        with self._store._read() as db:
            return int(_one(db.execute("SELECT count(*) FROM recycled_units"))[0])

    def unindexed(self) -> list[tuple[str, str | None]]:
        with self._store._read() as db:
            rows = db.execute(
                "SELECT d.id, d.published FROM documents d JOIN analyses a ON a.doc_id = d.id"
                " WHERE NOT EXISTS (SELECT 1 FROM recycled_documents r WHERE r.doc_id = d.id)"
                " ORDER BY d.seq").fetchall()
        return [(r[0], r[1]) for r in rows]

    def slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str | None]:
        if not spans:
            return []
        with self._store._read() as db:
            rows: dict[int, Any] = dict(db.execute(
                "SELECT s.n - 1, substr(d.text, s.start + 1, s.stop - s.start)"
                " FROM unnest(%s::text[], %s::int[], %s::int[]) WITH ORDINALITY AS s(doc, start, stop, n)"
                " JOIN documents d ON d.id = s.doc",
                ([s[0] for s in spans], [s[1] for s in spans], [s[2] for s in spans])).fetchall())
        return [rows.get(i) for i in range(len(spans))]

    def mark_pending(self, doc_ids: Iterable[str]) -> None:
        ids = sorted(set(doc_ids))
        if ids:
            with self._store._tx() as db:
                db.execute("INSERT INTO recycled_pending (doc_id) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                           (ids,))

    def pending(self, limit: int = 1000) -> list[str]:
        with self._store._read() as db:
            return [r[0] for r in db.execute(
                "SELECT doc_id FROM recycled_pending ORDER BY doc_id COLLATE \"C\" LIMIT %s", (limit,)).fetchall()]

    def done(self, doc_id: str) -> None:
        with self._store._tx() as db:
            db.execute("DELETE FROM recycled_pending WHERE doc_id = %s", (doc_id,))

    def clear(self) -> None:
        with self._store._tx() as db:
            db.execute("TRUNCATE recycled_bands, recycled_units, recycled_passages, recycled_documents,"
                       " recycled_pending, recycled_unfiled")


def _columns(p: Passage) -> tuple[Any, ...]:
    return (p.bigrams, p.first.doc.seq, p.first.pos, p.first.start, p.first.end,
            p.origin.doc.seq, p.origin.pos, p.origin.start, p.origin.end, p.origin_sim)
