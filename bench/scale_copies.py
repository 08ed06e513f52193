"""Grow a library built by ``bench/store_scale.py`` to k times its size by copying it (issue #17 item 5).

``store_scale.py`` writes every generated document through the store (``add_document`` and
``save_linked``): about 60-220 documents a second on a 2-core machine, so a million documents
take hours.  The search costs measured there depend on how the library's rows are laid out (how
dense each word, phrase and filter is among the newest rows, how large the indexes are), not on
the texts being unique, so for a size the builder cannot reach in time this script copies a
built library's documents, analyses, mentions, items and their entity links k-1 times in SQL.
Each copy gets new document ids (the old id with one hex digit moved and the copy's number
appended), new row ids after the existing ones, and the forecast ledger's columns of its items
(the forecast key names the new document).  Entities, resolutions, versions and the
recycled-text index are not copied.  The counters the statistics read and the forecasts per due
day grow by the source's counts per copy; ``check`` compares the statistics with the rows counted
one by one at the end.

- SQLite (a file): the target is a copy of the source file; each copy's full-text rows are
  computed by the store's own :func:`index_text`; the counting triggers count documents and
  analyses as ever, items and due days are counted here (as the store does).
- PostgreSQL (a ``postgresql://`` URL): the target database is made with ``CREATE DATABASE
  target TEMPLATE source`` (nobody may be connected to the source then) unless it already is
  such a copy (same documents as the source); the ``tsvector`` columns are copied as they are
  (a copy's text is its original's).  The copy runs with triggers off (``session_replication_role
  = replica`` when the user may set it, so foreign keys are not re-checked row by row; otherwise
  only the counting triggers are disabled), the indexes that back no constraint are dropped
  before the copy and built again after it, the sequences are moved past the new keys, and the
  tables are vacuumed and analysed at the end (an index-only scan needs the visibility map).

Say so when reporting figures measured on such a library: every text occurs k times.

    .venv/bin/python bench/scale_copies.py SOURCE.sqlite TARGET.sqlite --times 10
    .venv/bin/python bench/store_scale.py --sizes 1000000 --keep DIR   # TARGET named DIR/scale-1000000.sqlite

    # PostgreSQL: store_scale.py --keep DIR keeps its cluster in DIR/postgresql, one database
    # clipfile_scale_<size> per size
    .venv/bin/python bench/scale_copies.py \\
        'postgresql://clipfile@/clipfile_scale_100000?host=%2FDIR%2Fpostgresql' \\
        'postgresql://clipfile@/clipfile_scale_1000000?host=%2FDIR%2Fpostgresql' --times 10
    .venv/bin/python bench/store_scale.py --sizes 1000000 --backend postgresql --keep DIR
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from clipfile.store import ledger_sql, open_store
from clipfile.store.sqlite import SQLiteStore
from clipfile.textindex import index_text

DOC_COLUMNS = ("url, title, source, author, published, published_precision, fetched, ingested, language, kind,"
               " origin, text, metadata")
ITEM_COLUMNS = 'kind, local_id, start, "end", text, data, holder, due, dated'
# the tables whose rows are copied, in the order they are copied (PostgreSQL drops their
# indexes that back no constraint for the copy)
COPIED = ("documents", "analyses", "mentions", "items", "item_entities")


def new_id(column: str, k: int) -> str:
    """SQL of copy ``k``'s document id for the id in ``column`` (SQLite and PostgreSQL alike):
    as long as the original, so the id index's shape is kept."""
    return f"'d' || substr({column}, 3) || '{k:x}'"


def new_fkey(k: int) -> str:
    """SQL of copy ``k``'s forecast key (``<document>:<start>-<end>``) for an item row: the key
    names the new document (NULL stays NULL: the item is no forecast)."""
    return f"{new_id('doc_id', k)} || substr(fkey, length(doc_id) + 1)"


def _grow_counts(db: Any, mark: str, base: dict[str, list[tuple[str, int]]]) -> None:
    """Add the source's counts once more (one copy's worth) to the counter tables in ``base``."""
    for table, rows in base.items():
        key = "name" if table == "counters" else "due"
        for name, n in rows:
            db.execute(f"INSERT INTO {table} ({key}, n) VALUES ({mark}, {mark})"
                       f" ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n", (name, n))


def _copies(times: int, label: str) -> Iterator[int]:
    """1 … times-1, each reported with the time since the first began."""
    t0 = time.perf_counter()
    for k in range(1, times):
        yield k
        print(f"  {label}: copy {k + 1} of {times} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


def grow(source: Path, target: Path, times: int) -> None:
    """SQLite: copy ``source`` to ``target`` and append ``times - 1`` copies of its rows."""
    SQLiteStore(source).close()  # migrated and checkpointed
    shutil.copyfile(source, target)
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA cache_size=-262144")
    db.create_function("ix", 1, lambda t: index_text(t or ""), deterministic=True)
    docs = db.execute("SELECT max(rowid) FROM documents").fetchone()[0]
    items = db.execute("SELECT max(id) FROM items").fetchone()[0]
    # documents and analyses are counted by the triggers; items and due days by the store
    base = {"counters": db.execute("SELECT name, n FROM counters WHERE name LIKE 'item:%'").fetchall(),
            "forecast_due_counts": db.execute("SELECT due, n FROM forecast_due_counts").fetchall()}
    originals = f"(SELECT id FROM documents WHERE rowid <= {docs})"
    for k in _copies(times, str(target)):
        db.execute("BEGIN")
        db.execute(f"INSERT INTO documents (rowid, id, {DOC_COLUMNS}) SELECT rowid + {k * docs},"
                   f" {new_id('id', k)}, {DOC_COLUMNS} FROM documents WHERE rowid <= {docs} ORDER BY rowid")
        db.execute(f"INSERT INTO documents_fts (rowid, title, body) SELECT rowid, ix(title), ix(text) FROM documents"
                   f" WHERE rowid > {k * docs} ORDER BY rowid")
        db.execute(f"INSERT INTO analyses (doc_id, version, analyzed, data) SELECT {new_id('doc_id', k)}, version,"
                   f" analyzed, data FROM analyses WHERE doc_id IN {originals}")
        db.execute(f'INSERT INTO mentions (doc_id, entity_id, start, "end", text) SELECT {new_id("doc_id", k)},'
                   f' entity_id, start, "end", text FROM mentions WHERE doc_id IN {originals}')
        db.execute(f"INSERT INTO items (id, doc_id, fkey, {ITEM_COLUMNS}) SELECT id + {k * items},"
                   f" {new_id('doc_id', k)}, {new_fkey(k)}, {ITEM_COLUMNS} FROM items WHERE id <= {items} ORDER BY id")
        db.execute(f"INSERT INTO items_fts (rowid, body) SELECT id, ix(text) FROM items WHERE id > {k * items}"
                   " AND text != '' ORDER BY id")
        db.execute(f"INSERT INTO item_entities (item_id, entity_id, role, kind, at) SELECT item_id + {k * items},"
                   f" entity_id, role, kind, at FROM item_entities WHERE item_id <= {items}")
        _grow_counts(db, "?", base)
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _pg_database(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url).get("dbname")
    if not name:
        raise SystemExit(f"{url}: no database named")
    return str(name)


def _pg_make_copy(source: str, target: str) -> bool:
    """Make ``target`` a template copy of ``source``; False when it already is one (the same
    documents as the source), an error when it exists otherwise."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = _pg_database(target)
    params = conninfo_to_dict(target)
    params["dbname"] = "postgres"
    with psycopg.connect(make_conninfo(**params), autocommit=True) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            try:
                server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_database(source)}"')
            except psycopg.errors.ObjectInUse as exc:
                raise SystemExit(f"{source}: others are connected to it, so it cannot be copied: {exc}") from exc
            return True
    counts = "SELECT count(*), max(seq) FROM documents"
    with psycopg.connect(source) as src, psycopg.connect(target) as tgt:
        if src.execute(counts).fetchone() != tgt.execute(counts).fetchone():
            raise SystemExit(f"{target} exists and is no copy of {source}: give a new database")
    return False


def _pg_indexes(db: Any) -> list[tuple[str, str]]:
    """``(name, definition)`` of the copied tables' indexes that back no constraint."""
    return db.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public'"
        " AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conindid = (quote_ident(i.indexname))::regclass) ORDER BY i.tablename, i.indexname",
        (list(COPIED),)).fetchall()


def _timed(label: str, fn: Callable[[], object]) -> None:
    t = time.perf_counter()
    fn()
    print(f"  {label} in {time.perf_counter() - t:.0f}s", file=sys.stderr)


def grow_postgres(source: str, target: str, times: int, *, keep_indexes: bool = False) -> None:
    """PostgreSQL: make ``target`` a copy of ``source`` (or take the copy made already) and
    append ``times - 1`` copies of its rows (``keep_indexes``: keep every index during the
    copy instead of building them again after it, to compare the two ways)."""
    import psycopg

    from clipfile.store.postgres import _DIALECT as pg_dialect
    from clipfile.store.postgres import ENTITY_COUNTS_FILL, ENTITY_DATES_FILL, ENTITY_MONTHS_FILL

    open_store(source).close()  # migrated
    _pg_make_copy(source, target)
    with psycopg.connect(target, autocommit=True) as db:
        db.execute("SET maintenance_work_mem = '1GB'")
        try:
            db.execute("SET session_replication_role = replica")  # no triggers, no key checks
            off: list[str] = []
        except psycopg.errors.InsufficientPrivilege:
            off = [r[0] for r in db.execute(
                "SELECT tgrelid::regclass::text || ' ' || quote_ident(tgname) FROM pg_trigger"
                " WHERE NOT tgisinternal AND tgname LIKE '%\\_counted'").fetchall()]
            for t in off:
                db.execute(f"ALTER TABLE {t.split()[0]} DISABLE TRIGGER {t.split()[1]}")
        docs = db.execute("SELECT max(seq) FROM documents").fetchone()[0]
        items = db.execute("SELECT max(id) FROM items").fetchone()[0]
        # the rows of the source lie in these pages (rows copied later may fill free space in
        # them, hence the key conditions too): a TID range scan reads only these
        pages = {t: db.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int + 1",
                               (t,)).fetchone()[0] for t in COPIED}
        base = {"counters": db.execute("SELECT name, n FROM counters WHERE name <> 'entities'").fetchall(),
                "forecast_due_counts": db.execute("SELECT due, n FROM forecast_due_counts").fetchall()}
        db.execute("CREATE TEMP TABLE originals AS SELECT id FROM documents")
        db.execute("ANALYZE originals")
        indexes = [] if keep_indexes else _pg_indexes(db)
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')

        def rows(table: str) -> str:
            return f"{table}.ctid < '({pages[table]},0)'"

        doc_columns = f"{DOC_COLUMNS}, search"
        for k in _copies(times, _pg_database(target)):
            with db.transaction():
                db.execute(f"INSERT INTO documents (seq, id, {doc_columns}) SELECT seq + {k * docs},"
                           f" {new_id('id', k)}, {doc_columns} FROM documents WHERE {rows('documents')}"
                           f" AND seq <= {docs}")
                for table, columns in (("analyses", "version, analyzed, data"),
                                       ("mentions", 'entity_id, start, "end", text')):
                    db.execute(f"INSERT INTO {table} (doc_id, {columns}) SELECT {new_id('doc_id', k)}, {columns}"
                               f" FROM {table} WHERE {rows(table)} AND doc_id IN (SELECT id FROM originals)")
                db.execute(f"INSERT INTO items (id, doc_id, fkey, {ITEM_COLUMNS}, search) SELECT id + {k * items},"
                           f" {new_id('doc_id', k)}, {new_fkey(k)}, {ITEM_COLUMNS}, search FROM items"
                           f" WHERE {rows('items')} AND id <= {items}")
                db.execute(f"INSERT INTO item_entities (item_id, entity_id, role, kind, at)"
                           f" SELECT item_id + {k * items}, entity_id, role, kind, at FROM item_entities"
                           f" WHERE {rows('item_entities')}"
                           f" AND item_id <= {items}")
                _grow_counts(db, "%s", base)
        for name, definition in indexes:
            _timed(f"index {name}", lambda sql=definition: db.execute(sql))
        for t in off:
            db.execute(f"ALTER TABLE {t.split()[0]} ENABLE TRIGGER {t.split()[1]}")
        # the entity counts the triggers would have kept, counted afresh as migration 4 does
        _timed("entity counts", lambda: db.execute(ENTITY_COUNTS_FILL))
        _timed("entity months", lambda: db.execute(ENTITY_MONTHS_FILL))  # as migration 6 does
        _timed("entity dates", lambda: db.execute(ENTITY_DATES_FILL))  # as migration 7 does
        # the forecasters' books are kept by triggers, off above: counted afresh
        for statement in ledger_sql.holder_fill(pg_dialect):
            db.execute(statement.encode())
        for table, column in (("documents", "seq"), ("items", "id")):
            db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column})) FROM {table}")
        _timed("VACUUM (ANALYZE)", lambda: db.execute(f"VACUUM (ANALYZE) {', '.join(COPIED)}"))


def check(url: str) -> None:
    """Compare the statistics (read from counters) and the forecasts per due day with the rows
    counted one by one; a difference is an error."""
    store = open_store(url)
    got = {k: v for k, v in store.stats().items() if k not in ("library", "schema_version")}
    store.close()
    queries = {
        "documents": "SELECT count(*) FROM documents",
        "analyzed": "SELECT count(*) FROM analyses",
        "entities": "SELECT count(*) FROM entities WHERE merged_into IS NULL",
        "by_language": "SELECT coalesce(language, '?'), count(*) FROM documents GROUP BY 1",
        "by_kind": "SELECT kind, count(*) FROM documents GROUP BY 1",
        "items": "SELECT kind, count(*) FROM items GROUP BY 1",
        "characters": "SELECT coalesce(sum(length(text)), 0) FROM documents",
        "due": "SELECT coalesce(due, '9999-99-99'), count(*) FROM items WHERE kind = 'forecast' GROUP BY 1",
    }
    if url.startswith("postgresql://"):
        import psycopg

        db: Any = psycopg.connect(url)
    else:
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
    with db:
        got["due"] = dict(db.execute("SELECT due, n FROM forecast_due_counts WHERE n <> 0").fetchall())
        counted = {k: (dict(r) if "GROUP BY" in q else r[0][0]) for k, q in queries.items()
                   for r in [db.execute(q).fetchall()]}
        # each entity's kept mention count (schema 12 / migration 4) against its mentions
        got["entity mentions"] = db.execute(
            "SELECT count(*) FROM entities e LEFT JOIN (SELECT entity_id, count(*) AS n FROM mentions GROUP BY 1) m"
            " ON m.entity_id = e.id WHERE e.mentions <> coalesce(m.n, 0)").fetchall()[0][0]
        counted["entity mentions"] = 0
    if got != counted:
        raise SystemExit(f"{url}: the counters say {got}, the rows {counted}")
    print(f"  {url}: counters equal the rows ({got['documents']:,} documents,"
          f" {sum(got['items'].values()):,} items)", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="a SQLite file or a postgresql:// URL")
    ap.add_argument("target", help="a new SQLite file, or a postgresql:// URL of a database on the same server")
    ap.add_argument("--times", type=int, default=10, help="the target holds this many copies of the source")
    ap.add_argument("--keep-indexes", action="store_true",
                    help="PostgreSQL: keep every index during the copy (to compare; dropping is faster)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.source.startswith("postgresql://"):
        if not args.target.startswith("postgresql://"):
            raise SystemExit("copy a PostgreSQL library to a postgresql:// URL")
        grow_postgres(args.source, args.target, args.times, keep_indexes=args.keep_indexes)
        check(args.target)
    else:
        target = Path(args.target)
        if target.exists():
            raise SystemExit(f"{target} exists: give a new file")
        grow(Path(args.source), target, args.times)
        check(f"sqlite:///{target.resolve()}")
    print(f"  done in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
