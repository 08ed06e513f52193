"""Search on the PostgreSQL library at a cost that does not grow with the library.

Ranking every match of a common word (``ts_rank_cd`` over a million rows) and counting facets
over every match cost time in proportion to the library.  As in the SQLite library
(:mod:`clipfile.store.sqlite`, same constants, same semantics):

- ranked hits are scored within blocks of :data:`RANK_WINDOW` matches, newest (in storage order:
  ``documents.seq``, ``items.id``) first; page one is the best of the newest block and paging
  walks the blocks in turn, so every match is reached once.  Without filters the first block is
  the matches among the newest :data:`SAMPLE_ROWS` rows: the rows a page tests are bounded, not
  the matches it finds (a phrase of common words matches one row in fifteen);
- with filters (a source, dates, an entity, item kinds) the candidates are the matches among
  the newest :data:`SAMPLE_ROWS` rows (at most :data:`FILTER_SCAN`) that pass them; only when
  too few pass is the search taken further back;
- then the narrow filter's own documents, newest first, its stream (:func:`_stream`, one rule
  on every page): an entity's documents or a date range's, read whole when they are at most
  :data:`NARROW_SET` (the smaller when both are), else a source's from its index, else a
  language's from its index (migration 8).  Their newest :data:`FILTER_PROBES` are looked up
  against the query (:func:`filter_first`): a cost bounded by the probes; they stand for the
  span of the library they reach back to, and when a later page or a sample needs more the
  look-ups go on below them, a chunk at a time (:data:`PROBE_CHUNKS` at most, each chunk its
  own group of ranking blocks: :mod:`clipfile.store.chunks`); only past them, or without a
  stream, does the search go further back with the filters in the query.  A page of items
  reads the items of those documents the same way, and a browse of an entity or a date range
  reads its page from the set's documents when they were read whole (:func:`browsed`).  A filter whose
  stream holds no document counts exactly 0;
- the total and the facet counts are taken over a sample of :data:`FACET_SAMPLE` matches drawn
  the same way (documents, and items apart); past it they are estimates, scaled by the share of
  the library the sample spans, and the page says so (``SearchPage.estimated``);
- one page walks the newest matches of documents once (:class:`Scans`): the ranking and the
  facet sample read the same rows (filtered or not).  Its sets of item filters (the ranking's
  kinds, the samples' kind and claim status) share the tests of an item's document: one walk
  of the newest items, and one read of each chunk of a source's documents' items, test the
  document's filters; each set then tests the item's own on the items that passed.

The newest matches are found by walking the primary key backwards and testing each row against
the query: the planner takes that walk when the words are common and the GIN index when they
are rare, so each statement is planned for its own query words (``prepare=False``: a generic
plan would not know how common they are).  Within the window of the newest rows the walk is the
only plan (the test is written so that no index answers it): ANDed with the key range, the GIN
index would read the whole posting list of every common word, a cost that grows with the library.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Sequence

import psycopg

from .bounds import (
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

__all__ = ["RANK_WINDOW", "FACET_SAMPLE", "FILTER_SCAN", "MIN_SAMPLE", "FILTER_PROBES", "PROBE_BLOCK", "PROBE_CHUNKS",
           "NARROW_SET", "SAMPLE_ROWS", "DOCUMENTS", "ITEMS", "TSQUERY", "SOURCE", "LANGUAGE", "DATE_FROM", "DATE_TO",
           "DOCUMENT_ENTITY", "ITEM_ENTITY", "Scans", "tsquery", "ranked", "sample", "filter_first", "browsed", "browse",
           "date_range"]


# Every query is matched against each text-search configuration the library indexes with:
# ``args["tsq"]`` is the query of each (:func:`tsquery`), OR'ed.
_QUERY_CONFIGS = ("english", "russian", "simple")
TSQUERY = "%(tsq)s::tsquery"

# The search page's filters (PostgresStore.search_page), as its conditions say them: a narrow
# filter's stream (:func:`_stream`) is told by its condition.
SOURCE = "d.source = %(source)s"
LANGUAGE = "d.language = %(language)s"
DATE_FROM = "substr(d.published, 1, 10) >= %(date_from)s"
# published cut to the given date's length: --to 2024 keeps all of 2024
DATE_TO = "substr(d.published, 1, %(date_to_len)s) <= %(date_to)s"
# a document's date as a browse orders by it (published, else ingested)
_DATE = "coalesce(d.published, d.ingested)"
# the entity (``%(entity)s``, after merges) and every entity merged into it
_MEMBERS = ("WITH RECURSIVE m(id) AS (SELECT %(entity)s::bigint UNION SELECT e.id FROM entities e"
            " JOIN m ON e.merged_into = m.id) SELECT id FROM m")
DOCUMENT_ENTITY = f"d.id IN (SELECT doc_id FROM mentions WHERE entity_id IN ({_MEMBERS}))"
ITEM_ENTITY = f"i.id IN (SELECT item_id FROM item_entities WHERE entity_id IN ({_MEMBERS}))"


def tsquery(db: psycopg.Connection[Any], text: str) -> str:
    """The ``tsquery`` (as text) that matches ``text`` (:func:`~clipfile.store.postgres_tsquery.tsquery_text`)
    in any of the library's configurations, each distinct form once: the three are mostly the
    same words, and ranking (``ts_rank_cd``) an OR of the same word three times cost ten times
    more than ranking it once."""
    forms = [r[0] for r in db.execute(
        "SELECT DISTINCT to_tsquery(c::regconfig, %s)::text FROM unnest(%s::text[]) c",
        (text, list(_QUERY_CONFIGS))).fetchall() if r[0]]
    return " | ".join(f"({f})" for f in sorted(forms)) if len(forms) > 1 else (forms[0] if forms else "")


@dataclass(frozen=True)
class Side:
    """Documents or items: the table, its key in storage order, its ``tsvector``, the columns a
    filter may read, and how its rows reach their document's columns (``d``)."""

    table: str  # the table with its alias
    alias: str
    key: str  # the integer key, in storage order
    vector: str
    carried: str  # the columns a walk carries for the filters (as ``alias.column``)
    join: str  # "" when the table is the documents themselves
    plain: str  # the table name


DOCUMENTS = Side("documents d", "d", "d.seq", "d.search", "d.id, d.source, d.language, d.published", "",
                 "documents")
ITEMS = Side("items i", "i", "i.id", "i.search", "i.id, i.doc_id, i.kind, i.data",
             " JOIN documents d ON d.id = i.doc_id", "items")
# An item's document, looked up per item: a join the planner may not turn into a scan of every
# document (it did, to filter them by source first).
_ITEM_DOCUMENT = " CROSS JOIN LATERAL (SELECT * FROM documents d WHERE d.id = i.doc_id OFFSET 0) d"


def _run(db: psycopg.Connection[Any], sql: str, args: dict[str, Any]) -> list[Any]:
    return db.execute(sql.encode(), args, prepare=False).fetchall()


def _newest(side: Side, text: bool, limit: str, *, counted: bool = False, floored: bool = False,
            below: bool = False) -> str:
    """The newest rows (or text matches) of a side, ``limit`` of them: ``rid`` and the carried
    columns (and, ``counted``, how many there are and the oldest key, on every row); ``floored``:
    only rows whose key is above ``%(_floor)s`` (:meth:`Scans.window`); ``below``: only rows
    whose key is below ``%(_below)s``."""
    # Above a floor the rows are walked newest first, each tested: ANDed with the key's range,
    # the full-text index would read the whole posting list of every word (the planner took
    # that for common words), a cost that grows with the library.
    match = f"({side.vector} @@ {TSQUERY}) IS TRUE" if floored else f"{side.vector} @@ {TSQUERY}"
    conds = (([match] if text else []) + ([f"{side.key} > %(_floor)s"] if floored else [])
             + ([f"{side.key} < %(_below)s"] if below else []))
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    walk = (f"SELECT {side.key} AS rid, {side.carried} FROM {side.table}{where}"
            f" ORDER BY {side.key} DESC LIMIT {limit}")
    if counted:
        walk = f"SELECT w.*, count(*) OVER () AS scanned, min(w.rid) OVER () AS oldest FROM ({walk}) w"
    return walk


def _then(side: Side, inner: str, cols: str, filters: Sequence[str], limit: str, *, documents: bool = True) -> str:
    """``rid`` and ``cols`` of the rows of ``inner`` (:func:`_newest`, newest first) that pass
    ``filters``, at most ``limit``; items reach their document ``d`` when ``documents``.  The
    rows are taken newest first and the walk stops as soon as enough pass."""
    join = _ITEM_DOCUMENT if side is ITEMS and documents else ""
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    return (f"SELECT {side.alias}.rid, {cols} FROM ({inner}) {side.alias}{join}{where}"
            f" ORDER BY {side.alias}.rid DESC LIMIT {limit}")


def _filtered(side: Side, text: bool, item_filters: Sequence[str], doc_filters: Sequence[str], cols: str,
              limit: str, *, below: bool = False, below_document: bool = False) -> str:
    """The newest rows (or matches) passing every filter, however far back they are (``below``:
    only keys below ``%(_below)s``; ``below_document``: of documents below ``%(_below_doc)s``)."""
    where = [f"{side.vector} @@ {TSQUERY}"] if text else []
    where += ([*item_filters, *doc_filters] + ([f"{side.key} < %(_below)s"] if below else [])
              + (["d.seq < %(_below_doc)s"] if below_document else []))
    return (f"SELECT {side.key} AS rid, {cols} FROM {side.table}{side.join}"
            f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {side.key} DESC LIMIT {limit}")


def ranked(db: psycopg.Connection[Any], side: Side, cols: str, item_filters: Sequence[str],
           doc_filters: Sequence[str], args: dict[str, Any], limit: int, offset: int,
           scans: Scans | None = None) -> list[Any]:
    """One page of hits for the text query ``args["tsq"]`` (:func:`tsquery`): rows of ``rid, rank, cols`` in rank
    order (rank: ``-ts_rank_cd``, lower is better), ranked within blocks of :data:`RANK_WINDOW`
    matches, the first of them (without filters) no older than the newest :data:`SAMPLE_ROWS`
    rows (see the module docstring).  ``scans`` shares the walk of the newest matches with
    the page's facet sample."""
    if not args["tsq"]:
        return []  # nothing to match (only stop words)
    window = RANK_WINDOW * -(-(offset + limit) // RANK_WINDOW)
    a = {**args, "_window": window, "_scan": max(FILTER_SCAN, window)}
    scores: dict[int, float] = {}
    heads: list[int] = []  # where groups of blocks were cut short (unfiltered: the first block, RANK_WINDOW or fewer)
    if not item_filters and not doc_filters:
        # Scored as they are found: each match is read once.  The first block is the matches
        # among the newest SAMPLE_ROWS rows (at most RANK_WINDOW): its cost is bounded by the rows
        # tested, however few of them match; the blocks after it go on further back.
        scans = scans if scans is not None else Scans()
        _, floor = scans.window(db, side)
        rank = f" AS rid, -ts_rank_cd({side.vector}, {TSQUERY}) AS rank"
        scored = _run(db, _newest(side, True, "%(_first)s", floored=True).replace(" AS rid", rank, 1),
                      {**a, "_first": RANK_WINDOW, "_floor": floor})
        head = len(scored)
        heads = [head]
        if side is DOCUMENTS:
            scans.record(side, [(r[0], *r[2:]) for r in scored], head < RANK_WINDOW)  # the facets read them
        if head < offset + limit and (head == RANK_WINDOW or floor > 0):
            more = RANK_WINDOW * -(-(offset + limit - head) // RANK_WINDOW)
            below = scored[-1][0] if head == RANK_WINDOW else floor + 1
            scored += _run(db, _newest(side, True, "%(_more)s", below=True).replace(" AS rid", rank, 1),
                           {**a, "_more": more, "_below": below})
        scores = {r[0]: r[1] for r in scored}
        found = list(scores)
    else:
        filters = [*item_filters, *doc_filters]
        scans = scans if scans is not None else Scans()
        # the newest matches first (of the newest SAMPLE_ROWS rows), then the filters: a
        # bounded walk ...
        walked, reached, lowest = scans.filtered(db, side, True, filters, a, a["_scan"], documents=bool(doc_filters))

        def narrow(under: int | None, need: int) -> Chunks | None:
            return _narrow(db, side, True, filters, a, need, scans, under=under)

        def scan(more: int, below: int | None, under: int | None) -> list[int]:
            return [r[0] for r in _run(db, _filtered(side, True, item_filters, doc_filters, "1", "%(_more)s",
                                                     below=under is not None, below_document=below is not None),
                                       {**a, "_more": more, "_below": under, "_below_doc": below})]

        # ... and when too few pass among them, a narrow source's own documents chunk after
        # chunk (each chunk a group of ranking blocks), or the filters in the search itself
        # (chunks.candidates: the same groups on every page)
        got = candidates([r[0] for r in walked], lowest, reached, need=offset + limit, block=RANK_WINDOW,
                         enough=MIN_SAMPLE, narrow=narrow, scan=scan)
        found, heads = got.found, got.heads
    if not found:
        return []
    if not scores:
        scores = dict(_run(db, f"SELECT {side.key}, -ts_rank_cd({side.vector}, {TSQUERY}) FROM {side.table}"
                               f" WHERE {side.key} = ANY(%(_ids)s)", {**a, "_ids": found}))
    order = sorted(range(len(found)), key=lambda k: (rank_block(k, heads, RANK_WINDOW), scores[found[k]], k))
    page = [found[k] for k in order[offset:offset + limit]]
    if not page:
        return []
    rows = {r[0]: r for r in _run(db, f"SELECT {side.key}, {cols} FROM {side.table}{side.join}"
                                      f" WHERE {side.key} = ANY(%(_ids)s)", {**a, "_ids": page})}
    return [(rid, scores[rid], *rows[rid][1:]) for rid in page]


def sample(db: psycopg.Connection[Any], side: Side, text: bool, cols: str, item_filters: Sequence[str],
           doc_filters: Sequence[str], args: dict[str, Any], *, filtered: bool,
           scans: Scans | None = None, deep: bool = True) -> tuple[list[Any], float]:
    """The newest :data:`FACET_SAMPLE` matching rows (``rid`` first, then ``cols``), and how many
    matches each stands for (1.0: the sample is every match).

    The sample is drawn from the newest :data:`SAMPLE_ROWS` rows of its side (unfiltered
    documents: the ranking's first block, read once): the first :data:`FACET_SAMPLE` of their matches that
    pass (no more than the newest :data:`FILTER_SCAN` matches are looked at), standing for the
    span of rows walked.  When fewer than :data:`MIN_SAMPLE` pass there, the search goes further
    back with the filters (or looks up a narrow filter's own documents, :func:`filter_first`),
    so a narrow filter still gets counts (not ``deep``, for counts beside the page's own, such
    as the item kinds beside a page of documents: every match of the window that passes, however
    few, is the sample).  ``scans`` shares the walks with the page's ranking.
    """
    if text and not args["tsq"]:
        return [], 1.0  # nothing to match (only stop words)
    scans = scans or Scans()
    newest, floor = scans.window(db, side)
    # (not deep: every match of the window, the window alone bounding the walk)
    n = SAMPLE_ROWS if not deep else FILTER_SCAN if filtered else FACET_SAMPLE
    a = {**args, "_n": n, "_sample": FACET_SAMPLE, "_floor": floor}
    filters = [*item_filters, *doc_filters]
    at = _carried(side, cols)
    lowest: int | None = None  # the oldest key the sample stands for; None: it holds every match
    if (not filters and side is DOCUMENTS and at is not None
            and (recorded := scans.newest(side, text, FACET_SAMPLE)) is not None):
        passing, every = recorded  # what the ranking read
        reached, lowest = not (every and floor == 0), floor + 1
    elif not deep:
        # every match of the window that passes, the first FACET_SAMPLE of them: the walk stops
        # there, and fewer means it reached the window's end (nothing to count)
        passing = _run(db, _then(side, _newest(side, text, "%(_n)s", floored=True), side.carried, filters,
                                 "%(_sample)s", documents=bool(doc_filters)), a)
        reached, lowest = floor > 0, floor + 1
    else:
        passing, reached, lowest = scans.filtered(db, side, text, filters, a, n, documents=bool(doc_filters))
    if at is not None:
        rows = [(r[0], *(r[1 + k] for k in at)) for r in passing[:FACET_SAMPLE]]
    else:
        rows = _rows_of(db, side, [r[0] for r in passing[:FACET_SAMPLE]], cols, a)
    if len(rows) < FACET_SAMPLE:
        if not reached:
            return rows, 1.0  # the walk saw every match
        if not rows and filters and (stream := _stream(db, filters, a, scans.sets)) is not None \
                and not stream.chunk(db, a, None, FILTER_PROBES + 1, scans.sets):
            return rows, 1.0  # the filter's stream holds no document: nothing matches, exactly
        if len(rows) < MIN_SAMPLE and deep:
            # too few in the walk: further back, from a narrow source's own documents (chunk
            # after chunk, PROBE_CHUNKS at most: what they hold stands for the span they reach),
            # else with the filters in the query
            narrow = _narrow(db, side, text, filters, a, MIN_SAMPLE, scans) if filters else None
            if narrow is not None:
                rows = _rows_of(db, side, narrow.found[:FACET_SAMPLE], cols, a)
                if len(rows) < FACET_SAMPLE and narrow.below is None:
                    return rows, 1.0  # every document of the filter was looked up
                lowest = narrow.cut
            else:
                rows = _run(db, _filtered(side, text, item_filters, doc_filters, cols, "%(_sample)s"), a)
                if len(rows) < FACET_SAMPLE:
                    return rows, 1.0
    oldest = rows[-1][0] if len(rows) >= FACET_SAMPLE else (lowest or 0)
    return rows, max(1.0, newest / max(1, newest - oldest + 1))


def _carried(side: Side, cols: str) -> list[int] | None:
    """Where each of ``cols`` is among the columns a walk of ``side`` carries, or None when one
    is not carried."""
    carried = [c.strip() for c in side.carried.split(",")]
    wanted = [c.strip() for c in cols.split(",")]
    return [carried.index(c) for c in wanted] if all(c in carried for c in wanted) else None


def _rows_of(db: psycopg.Connection[Any], side: Side, rids: list[int], cols: str, args: dict[str, Any]) -> list[Any]:
    """``rid`` and ``cols`` of these rows, newest first."""
    if not rids:
        return []
    return _run(db, f"SELECT {side.key} AS rid, {cols} FROM {side.table}{side.join} WHERE {side.key} = ANY(%(_ids)s)"
                    f" ORDER BY {side.key} DESC", {**args, "_ids": rids})


class Scans:
    """The newest matches of documents on one page, walked once: the ranking and the facet
    sample of a filtered page read the same rows (a walk of :data:`FILTER_SCAN` matches of a
    common word reads tens of thousands of rows, since the GIN index holds no order)."""

    # whether the page's sets of filters share the tests of an item's document (tests turn it off)
    share = True

    def __init__(self) -> None:
        self._walks: dict[tuple[Any, ...], tuple[list[Any], bool, int]] = {}
        self._newest: dict[str, tuple[bool, list[Any]]] = {}
        self._windows: dict[str, tuple[int, int]] = {}
        # what the ranking or a sample found from a narrow filter's side (_narrow)
        self.narrow: dict[tuple[Any, ...], Chunks] = {}
        # what a narrow filter's look-ups read, for the page's other sets of filters (filter_first)
        self.chunks: dict[Any, Any] = {}
        # a narrow filter's documents read whole (None: more than NARROW_SET), and the chunks
        # of its index, by filter (_stream)
        self.sets: dict[Any, Any] = {}

    def window(self, db: psycopg.Connection[Any], side: Side) -> tuple[int, int]:
        """The newest key of a side, and the floor of its walks: the keys above it are the newest
        :data:`SAMPLE_ROWS` rows (0: the walks may reach every row)."""
        if side.plain not in self._windows:
            newest = _run(db, f"SELECT max({side.key.split('.')[-1]}) FROM {side.plain}", {})[0][0] or 0
            self._windows[side.plain] = (int(newest), max(0, int(newest) - SAMPLE_ROWS))
        return self._windows[side.plain]

    def record(self, side: Side, rows: list[Any], complete: bool) -> None:
        """The first ranking block's matches (``rid`` and the side's carried columns, newest
        first): the newest matches among the newest :data:`SAMPLE_ROWS` rows, every one of them
        when ``complete``."""
        self._newest[side.plain] = (complete, rows)

    def newest(self, side: Side, text: bool, n: int) -> tuple[list[Any], bool] | None:
        """The newest ``n`` text matches among the newest :data:`SAMPLE_ROWS` rows, and whether
        they are every match there, when the ranking read them; else None."""
        if not text or side.plain not in self._newest:
            return None
        complete, rows = self._newest[side.plain]
        if len(rows) < n and not complete:
            return None
        return rows[:n], complete and len(rows) <= n

    def filtered(self, db: psycopg.Connection[Any], side: Side, text: bool, filters: Sequence[str],
                 args: dict[str, Any], n: int, *, documents: bool = True) -> tuple[list[Any], bool, int]:
        """Of the newest ``n`` matches (rows, without ``text``) among the newest
        :data:`SAMPLE_ROWS` rows (:meth:`window`): those that pass ``filters`` (``rid`` and the
        side's carried columns, newest first); whether the walk stopped before it saw every
        match; and the oldest key it stands for.  Items reach their document for the filters
        when ``documents``.  The oldest row is returned whether or not it passes, so that one
        walk tells both."""
        _, floor = self.window(db, side)
        key = (side.plain, text, tuple(filters), n, args.get("tsq"), documents)
        if key in self._walks:
            return self._walks[key]
        own, docs = _split(filters)
        # The page's sets of item filters differ in the item's own (the ranking's kinds, the
        # samples' kind and claim status): one walk tests the document's for all of them (the
        # first set's own beside them), and the other sets test their own on the items that
        # passed, read by key.
        shares = bool(self.share and side is ITEMS and documents and own and docs)
        base = (side.plain, text, tuple(docs), n, args.get("tsq"), documents)
        if shares and base in self._walks:
            rows, reached, lowest = self._walks[base]
            self._walks[key] = (_passing_own(db, rows, own, args), reached, lowest)
            return self._walks[key]
        tested, own = (docs, own) if shares else (list(filters), [])
        passes = f"coalesce(({') AND ('.join(tested)}), false)" if tested else "true"
        also = f"coalesce(({') AND ('.join(own)}), false)" if own else "true"
        carried = ", ".join(f"{side.alias}.{c.strip().split('.')[-1]}" for c in side.carried.split(","))
        join = _ITEM_DOCUMENT if side is ITEMS and documents else ""
        walk = (f"SELECT {side.alias}.rid, {carried}, {side.alias}.scanned, {side.alias}.oldest,"
                f" {passes} AS passes, {also} AS also"
                f" FROM ({_newest(side, text, '%(_walk)s', counted=True, floored=True)}) {side.alias}{join}")
        rows = _run(db, f"SELECT * FROM ({walk}) w WHERE w.passes OR w.rid = w.oldest ORDER BY w.rid DESC",
                    {**args, "_walk": n, "_floor": floor})
        seen = int(rows[0][-4]) if rows else 0
        # cut by the count of matches (at the oldest match seen) or by the window (above it)
        lowest = int(rows[0][-3]) if seen >= n else floor + 1
        reached = seen >= n or floor > 0
        if shares:
            self._walks[base] = ([r[:-4] for r in rows if r[-2]], reached, lowest)
        self._walks[key] = ([r[:-4] for r in rows if r[-2] and r[-1]], reached, lowest)
        return self._walks[key]


# an item's own column in a filter (the others are its document's)
_ITEM_COLUMN = re.compile(r"\bi\.")


def _split(filters: Sequence[str]) -> tuple[list[str], list[str]]:
    """An item's own filters (its kind, footing, entity) and its document's."""
    own = [f for f in filters if _ITEM_COLUMN.search(f)]
    return own, [f for f in filters if f not in own]


def _passing_own(db: psycopg.Connection[Any], rows: list[Any], own: Sequence[str], args: dict[str, Any]) -> list[Any]:
    """Which of these rows of items (``rid``, then the item's key: a walk's, newest first) pass
    the item's own filters ``own``: a read of those few items by key, without their documents
    (sent back, the columns a walk carried cost more than the read)."""
    if not rows or not own:
        return rows
    kept = {r[0] for r in _run(db, f"SELECT i.id FROM items i WHERE i.id = ANY(%(_i_id)s) AND {' AND '.join(own)}",
                               {**args, "_i_id": [r[1] for r in rows]})}
    return [r for r in rows if r[1] in kept]


def _values(filters: Sequence[str], args: dict[str, Any]) -> tuple[Any, ...]:
    """The values of the arguments ``filters`` read, for a key of what they found."""
    return tuple((name, repr(args.get(name))) for name in sorted(set(re.findall(r"%\((\w+)\)s", " ".join(filters)))))


# how many of a chunk's oldest documents tell the oldest item it stands for
_OLDEST_DOCUMENTS = 8


def filter_first(db: psycopg.Connection[Any], side: Side, text: bool, filters: Sequence[str], args: dict[str, Any],
                 *, below: int | None = None, under: int | None = None, shared: dict[Any, Any] | None = None,
                 sets: dict[Any, Any] | None = None) -> tuple[list[int], int | None, int | None] | None:
    """One chunk of a narrow filter's own documents: the keys of the matches (documents, or their
    items) that pass ``filters`` among the newest :data:`FILTER_PROBES` documents of its stream
    (:func:`_stream`: an entity's or a date range's few documents read whole, a source's or a
    language's from their index; below the document ``below``; keys below ``under``), newest
    first; the oldest key they stand for when the stream holds more documents (else None); and
    the last document looked up, when it holds more (else None).  None without a stream.

    Called when few of the newest matches pass the filters: walking further back through the
    query's matches costs a row read for every older match (and a common word's GIN posting
    list holds no order to stop early).  The stream gives the filter's documents newest first
    without reading their rows; they are checked against the query and every filter in one
    statement (the rows read in the table's order; SQLite's library looks them up
    :data:`PROBE_BLOCK` at a time): a cost bounded by the probes, not the query or the library.
    A page of items takes the items of those documents (newest document first, each one's items
    newest first).  What a chunk finds stands for the span of the library it reaches back to
    (the caller scales it, or goes on below it: :func:`clipfile.store.chunks.read_chunks`).
    ``shared`` holds what the page's other sets of filters read of the same documents (and takes
    what this one reads): a chunk's items are read once for the page, each set testing its own
    filters on them (:func:`_passing_own`); ``sets`` the streams' documents (:func:`_stream`), as
    the page's other look-ups read them.
    """
    sets = {} if sets is None else sets
    stream = _stream(db, filters, args, sets)
    if stream is None:
        return None
    if side is DOCUMENTS and under is not None:
        below = under if below is None else min(below, under)
    alone, shared = shared is None, {} if shared is None else shared
    candidates = stream.chunk(db, args, below, FILTER_PROBES + 1, sets)
    wide = len(candidates) > FILTER_PROBES
    probes = candidates[:FILTER_PROBES]
    if wide and not probes:
        return None
    # one statement for every probe: the rows are read in the table's order (a bitmap of them),
    # where blocks of PROBE_BLOCK in key order read them at random, one round trip each; the
    # text is tested last, on the rows the other filters leave
    test = " AND ".join([*filters, *([f"{side.vector} @@ {TSQUERY}"] if text else [])])
    lowest: int | None = probes[-1] if probes else None
    if side is DOCUMENTS:
        found = [r[0] for r in _run(db, f"SELECT d.seq FROM documents d WHERE d.seq = ANY(%(_ids)s) AND {test}"
                                        " ORDER BY d.seq DESC", {**args, "_ids": probes})]
    else:
        # the items of the documents that pass their filters (tested once per document), and
        # the oldest item of the chunk's oldest documents: the span the chunk stands for (the
        # oldest of all its items would read every item of a thousand documents).  Shared, the
        # matches of the documents that pass are read once for the page's sets of filters
        # (which differ in the item's own), each set then testing its own on them.
        own, docs = _split(filters)
        tests = ([f"{side.vector} @@ {TSQUERY}"] if text else []) + ([] if under is None else ["i.id < %(_under)s"])
        chunk = ("WITH s AS MATERIALIZED (SELECT d.id, u.pos FROM unnest(%(_ids)s::bigint[]) WITH ORDINALITY"
                 f" u(seq, pos) JOIN documents d ON d.seq = u.seq WHERE {' AND '.join(docs or ['TRUE'])})"
                 " SELECT {} FROM s JOIN items i ON i.doc_id = s.id WHERE {} ORDER BY s.pos, i.id DESC")
        if alone:  # the set's own filters in the statement
            found = [r[0] for r in _run(db, chunk.format("i.id", " AND ".join([*own, *tests] or ["TRUE"])),
                                        {**args, "_ids": probes, "_under": under})]
        else:
            key = ("items", tuple(probes), under, tuple(docs), _values(docs, args), args.get("tsq") if text else None)
            if key in shared:
                found = [r[0] for r in _passing_own(db, shared[key], own, args)]
            else:  # (the first set's own filters beside the others')
                also = f"coalesce(({') AND ('.join(own)}), false)" if own else "true"
                rows = _run(db, chunk.format(f"i.id, i.id, {also}", " AND ".join(tests or ["TRUE"])),
                            {**args, "_ids": probes, "_under": under})
                shared[key] = [r[:2] for r in rows]
                found = [r[0] for r in rows if r[2]]
        if ("oldest", tuple(probes)) not in shared:
            shared["oldest", tuple(probes)] = _run(
                db, "SELECT min(i.id) FROM documents d JOIN items i ON i.doc_id = d.id WHERE d.seq = ANY(%(_ids)s)",
                {"_ids": probes[-_OLDEST_DOCUMENTS:]})[0][0]
        oldest = shared["oldest", tuple(probes)]
        lowest = min([*found, *([oldest] if oldest is not None else [])], default=None)
        if lowest is not None and under is not None:
            lowest = min(lowest, under - 1)
    if not wide:
        return found, None, None
    if side is not DOCUMENTS and lowest is None:  # no item of the chunk: it stands for nothing
        lowest = under if under is not None else Scans().window(db, side)[0] + 1
    return found, lowest, probes[-1]


@dataclass(frozen=True)
class _Stream:
    """A narrow filter's documents newest first (``documents.seq``), as :func:`_stream` chose
    them: a set read whole (``keys``, descending), or a walk of an index (``walk``: the filter's
    condition, which the index seeks, and ``value`` its argument)."""

    keys: list[int] | None = None
    walk: str = ""
    value: Any = None
    # an entity's documents: in the order a browse of items reads them, and of documents
    browse: tuple[list[int], list[int]] | None = None
    # a date range's documents with their dates (``seq``, date), the browse's orders made from
    # them when a browse asks (:func:`browsed`; a search does not)
    dated: list[Any] | None = None

    def chunk(self, db: psycopg.Connection[Any], args: dict[str, Any], below: int | None, n: int,
              sets: dict[Any, Any]) -> list[int]:
        """The stream's newest ``n`` documents below the document ``below`` (None: the newest),
        read once per page (``sets``)."""
        if self.keys is not None:
            return newest_below(self.keys, below, n)
        key = ("walk", self.walk, self.value, below, n)
        if key not in sets:
            sets[key] = [r[0] for r in _run(
                db, f"SELECT d.seq FROM documents d WHERE {self.walk}"
                    f"{'' if below is None else ' AND d.seq < %(_below_doc)s'} ORDER BY d.seq DESC LIMIT %(_probes)s",
                {**args, "_probes": n, "_below_doc": below})]
        return list(sets[key])


def date_range(date: str, date_from: str | None, date_to: str | None) -> tuple[list[str], dict[str, Any]]:
    """The search filters' date range as bounds on ``date`` (:func:`~clipfile.store.bounds.date_bounds`):
    conditions, and their arguments by name."""
    where, values = date_bounds(date, date_from, date_to, "%(_dated{})s")
    return [c.format(k) for k, c in enumerate(where)], {f"_dated{k}": v for k, v in enumerate(values)}


def _stream(db: psycopg.Connection[Any], filters: Sequence[str], args: dict[str, Any],
            sets: dict[Any, Any]) -> _Stream | None:
    """Where a narrow filter's documents come from, newest first, for its chunks
    (:func:`filter_first`): one rule, the same on every page of a search and on both backends
    (SQLite: :func:`clipfile.store.sqlite._stream`).

    1. an entity filter (:data:`DOCUMENT_ENTITY`, :data:`ITEM_ENTITY`): the documents the entity
       or one merged into it is in (``entity_documents``, kept by triggers: its mentions' and
       its items' documents, so every document that can hold a match of either side; the
       chunks test the filter itself), read whole when they are at most :data:`NARROW_SET`;
    2. a date range: the documents published in it (a seek of ``documents_recent``, the index
       on the date, alone), likewise; with both, the smaller set (the entity's on a tie);
    3. else a source: its documents from its index (``documents_source``), chunk after chunk;
    4. else a language: likewise (``documents_language``, migration 8);
    5. else None: the filters go into the query (a walk through its matches).

    Each set is read once per page (``sets``: None when it holds too many)."""
    found: list[_Stream] = []
    if (DOCUMENT_ENTITY in filters or ITEM_ENTITY in filters) and args.get("entity") is not None:
        key = ("entity", args["entity"])
        # counted first, in the server: a set too large for a stream is not read (nor sorted)
        if key not in sets and _run(
                db, f"WITH m AS MATERIALIZED ({_MEMBERS}) SELECT count(DISTINCT x.doc_id) FROM (SELECT x.doc_id"
                    " FROM entity_documents x WHERE x.entity_id IN (SELECT id FROM m)"
                    " LIMIT %(_set)s * (SELECT count(*) FROM m)) x",
                {"entity": args["entity"], "_set": NARROW_SET + 1})[0][0] > NARROW_SET:
            sets[key] = None
        if key not in sets:
            # at most NARROW_SET + 1 rows per member: more documents than that in all, or
            # distinct; with each document's place in a browse's two orders (newest first by
            # date; ties: items by document id, documents by key), its date being read anyway
            rows = _run(db, f"WITH m AS MATERIALIZED ({_MEMBERS}) SELECT d.seq, (SELECT count(*) FROM m),"
                            f" row_number() OVER (ORDER BY {_DATE} DESC, d.id),"
                            f" row_number() OVER (ORDER BY {_DATE} DESC, d.seq DESC)"
                            " FROM (SELECT x.doc_id FROM entity_documents x WHERE x.entity_id IN (SELECT id FROM m)"
                            " LIMIT %(_set)s * (SELECT count(*) FROM m)) x JOIN documents d ON d.id = x.doc_id",
                        {"entity": args["entity"], "_set": NARROW_SET + 1})
            keys = sorted({r[0] for r in rows}, reverse=True)
            if len(keys) <= NARROW_SET and not (rows and len(rows) >= (NARROW_SET + 1) * rows[0][1]):
                sets[key] = keys
                sets["browse", *key] = tuple([*dict.fromkeys(r[0] for r in sorted(rows, key=lambda r: r[k]))]
                                             for k in (2, 3))
            else:
                sets[key] = None
        if sets[key] is not None:
            found.append(_Stream(sets[key], browse=sets["browse", *key]))
    dates = [(f, args.get(name)) for f, name in ((DATE_FROM, "date_from"), (DATE_TO, "date_to"))
             if f in filters and args.get(name)]
    if dates:
        dated = ("dates", *dates, args.get("date_to_len"))
        if dated not in sets:
            # the filters' range as bounds on the date documents_recent orders by (the same
            # documents: bounds.date_bounds), the filters tested on the index's own columns
            bounds, bound_args = date_range(_DATE, *(args.get(n) if f in filters else None
                                                     for f, n in ((DATE_FROM, "date_from"), (DATE_TO, "date_to"))))
            read = (f"SELECT d.seq{{}} FROM documents d WHERE {' AND '.join([*bounds, *(f for f, _ in dates)])}"
                    " LIMIT %(_set)s")
            values = {**args, **bound_args, "_set": NARROW_SET + 1}
            # counted first, in the server: a range too wide for a stream is not read; with each
            # document's date (the index's key: no row read), for a browse's orders
            many = _run(db, f"SELECT count(*) FROM ({read.format('')}) s", values)[0][0] > NARROW_SET
            rows = [] if many else _run(db, read.format(f", {_DATE}"), values)
            sets[dated] = None if many else sorted((r[0] for r in rows), reverse=True)
            sets["browse", *dated] = rows
        if sets[dated] is not None:
            found.append(_Stream(sets[dated], dated=sets["browse", *dated]))
    if found:
        return min(found, key=lambda f: len(f.keys or ()))  # (the first of equals: the entity's)
    for cond, name in ((SOURCE, "source"), (LANGUAGE, "language")):
        if cond in filters and args.get(name):
            return _Stream(walk=cond, value=args[name])
    return None


def browsed(db: psycopg.Connection[Any], filters: Sequence[str], args: dict[str, Any], scans: Scans | None,
            *, items: bool) -> tuple[list[int], list[int] | None] | None:
    """The documents a browse reads its page from, in its order (newest first by date; ties: a
    page of ``items`` by document id, of documents by key), and where a batch of them may end
    (the ends of runs whose own order the browse's statement decides; None: anywhere), when
    the page's stream (:func:`_stream`) is a set read whole (an entity's documents or a date
    range's): the page is read from them a batch at a time (:func:`browse`), not by walking the
    library by date, and sorting every row that passes, until enough pass.  Else None."""
    stream = _stream(db, filters, args, scans.sets if scans is not None else {})
    if stream is not None and stream.dated is not None:
        # a date range's orders from its documents' dates alone: documents newest first by
        # date, then key; a page of items breaks ties of date by document id, not read, so each
        # date's documents are one run (the browse's statement orders them: a day's few hundred
        # documents, not the range's thousands)
        newest = sorted(stream.dated, key=lambda r: (r[1], r[0]), reverse=True)
        ends = [k for k in range(1, len(newest) + 1) if k == len(newest) or newest[k][1] != newest[k - 1][1]]
        return [r[0] for r in newest], ends if items else None
    if stream is None or stream.browse is None:
        return None
    return stream.browse[0 if items else 1], None


def browse(db: psycopg.Connection[Any], sql: str, order: str, args: dict[str, Any],
           docs: tuple[list[int], list[int] | None] | None, limit: int, offset: int) -> list[Any]:
    """A browse's page: the rows of ``sql`` (a statement with a WHERE clause) in ``order``,
    ``limit`` of them from ``offset``.  With ``docs`` (:func:`browsed`: the documents that can
    hold them, in that order, and where a batch may end) the rows are read from those
    documents, a batch after another (at least twice as many each time) until the page is
    full: the same rows, in the same order."""
    if docs is None:
        return db.execute(f"{sql}{order} LIMIT %(limit)s OFFSET %(offset)s", args).fetchall()
    keys, ends = docs
    rows: list[Any] = []
    need = offset + limit
    start, take = 0, max(need, MIN_SAMPLE)
    while start < len(keys) and len(rows) < need:
        end = min(start + take, len(keys))
        if ends is not None:  # to the end of the run it reaches into
            end = ends[bisect.bisect_left(ends, end)]
        rows += _run(db, f"{sql} AND d.seq = ANY(%(_browsed)s){order} LIMIT %(_need)s",
                     {**args, "_browsed": keys[start:end], "_need": need - len(rows)})
        start, take = end, take * 2
    return rows[offset:need]


def _narrow(db: psycopg.Connection[Any], side: Side, text: bool, filters: Sequence[str], args: dict[str, Any],
            need: int, scans: Scans, *, under: int | None = None) -> Chunks | None:
    """A narrow filter's own documents looked up chunk after chunk (:func:`filter_first`, keys
    below ``under``) until ``need`` matches pass (:func:`clipfile.store.chunks.read_chunks`),
    going on from the chunks the page's ranking or sample read already."""
    shared = scans.chunks if scans.share else None
    return read_chunks(lambda below, under: filter_first(db, side, text, filters, args, below=below, under=under,
                                                         shared=shared, sets=scans.sets),
                       need, scans.narrow, (side.plain, tuple(filters), args.get("tsq") if text else None),
                       under=under, most=PROBE_CHUNKS)
