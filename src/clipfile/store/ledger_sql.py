"""The forecast ledger's queries, written once for both backends.

A ledger page reads one page of forecasts through an index on the columns migration 9 added to
``items`` (``fkey``, ``holder``, ``due``, ``dated``: :mod:`clipfile.forecast_fields`), walking
it from a keyset cursor, so its cost does not grow with the library.  Per-forecaster totals
are read from each forecaster's book (:data:`HOLDER_TABLES`), kept by triggers on the forecasts
and the resolutions: a row per stored holder and due day (forecasts, unresolved) and a row per
holder, probability and outcome of the resolved ones, summed per entity after merges here
(merges are few; the rows are per forecaster, not per forecast).  Before these books the totals
were aggregates over the (holder, due) index, whose cost grew with the forecasts of the
forecasters scored (~95,000-184,000 index entries for the ledger page of a 1M library).  The
books are bucketed by due day because "overdue" depends on the day the question is asked: a sum
over the days before it.

The backends differ in placeholders and in how a JSON field is read: :class:`Dialect` says how.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from .base import FORECAST_ORDERS, FORECAST_SHOWS, EntityLink, ForecasterTotals

__all__ = ["Dialect", "NEVER", "DUE_COUNTS_TABLE", "DUE_COUNTS_FILL", "due_count_changes", "due_counts_query",
           "PageQuery", "page_query", "counts_query", "members_query", "members",
           "resolved_totals_query", "HOLDER_TABLES", "holder_fill", "calibration_bin",
           "holder_counts_query", "entity_roots", "combine_totals", "next_cursor", "page_row"]

# What ``due`` reads as when a forecast never falls due: after every ISO date in any collation.
NEVER = "9999-99-99"

_ORDER_INDEX = {"recent": "items_forecast_dated", "dated": "items_forecast_dated", "deadline": "items_forecast_due"}
_ORDER_COLUMNS = {
    "recent": ("i.dated", "i.doc_id", "i.start", "i.id"),
    "dated": ("i.dated", "i.doc_id", "i.start", "i.id"),
    "deadline": (f"coalesce(i.due, '{NEVER}')", "i.id"),
}
_COLUMNS = ("i.id, i.doc_id, i.data, i.text, i.fkey, i.holder, i.due, i.dated, i.start, d.title, d.published,"
            " d.source, d.url, r.outcome, r.date, r.note, r.resolved")


@dataclass(frozen=True)
class Dialect:
    """``mark``: the placeholder; ``merged_set``: SQL of every entity merged into the one given
    (one placeholder); ``json_text``: SQL reading a text field (a dotted path) of ``i.data``;
    ``use_index``: what follows ``items i`` to make the planner walk this index (SQLite's
    ``INDEXED BY``: left to itself it takes the index on ``kind`` and sorts every forecast);
    ``collate``: what follows a date ordered newest first (PostgreSQL's ``COLLATE "C"``, the
    order its indexes on dates keep); ``no_limit``: a LIMIT that keeps every row (with an
    OFFSET)."""

    mark: str
    merged_set: str
    json_text: Callable[[str], str]
    use_index: Callable[[str], str] = lambda name: ""
    collate: str = ""
    no_limit: str = "-1"


@dataclass(frozen=True)
class PageQuery:
    sql: str
    args: list[Any]
    order_columns: int  # how many leading selected values after the row's columns form its sort key


def _filters(dialect: Dialect, links: Sequence[EntityLink], described: str | None, key: str | None,
             held_by: Sequence[int] | None = None) -> tuple[list[str], list[Any]]:
    m = dialect.mark
    where: list[str] = ["i.kind = 'forecast'"]
    args: list[Any] = []
    if held_by is not None:  # an entity and those merged into it (:func:`members`)
        where.append(f"i.holder IN ({','.join([m] * len(held_by))})" if held_by else "1 = 0")
        args.extend(held_by)
    if key is not None:
        where.append(f"i.fkey = {m}")
        args.append(key)
    if described is not None:
        where.append(f"i.holder IS NULL AND {dialect.json_text('forecaster.name')} = {m}")
        args.append(described)
    for link in links:
        sub = f"SELECT item_id FROM item_entities WHERE entity_id IN ({dialect.merged_set})"
        args.append(link.entity)
        if link.roles:
            sub += f" AND role IN ({','.join([m] * len(link.roles))})"
            args.extend(link.roles)
        where.append(f"i.id {'NOT IN' if link.absent else 'IN'} ({sub})")
    return where, args


def _late(dialect: Dialect) -> str:
    """1 when the forecast's due day is before today's (one placeholder), else 0."""
    return f"CASE WHEN coalesce(i.due, '{NEVER}') < {dialect.mark} THEN 1 ELSE 0 END"


def page_query(dialect: Dialect, *, today: str, show: str, order: str, links: Sequence[EntityLink],
               described: str | None, key: str | None, after: str | None, limit: int,
               held_by: Sequence[int] | None = None) -> PageQuery:
    """The query of one page (one row more than ``limit``: whether there is a next page)."""
    if show not in FORECAST_SHOWS:
        raise ValueError(f"unknown ledger view {show!r}: choose {', '.join(FORECAST_SHOWS)}")
    if order not in FORECAST_ORDERS:
        raise ValueError(f"unknown ledger order {order!r}: choose {', '.join(FORECAST_ORDERS)}")
    m = dialect.mark
    cols = _ORDER_COLUMNS[order]
    where, args = _filters(dialect, links, described, key, held_by)
    if show == "resolved":
        # Driven from the resolutions (the analysts' work), each finding its forecast by key.
        source = "forecast_resolutions r CROSS JOIN items i JOIN documents d ON d.id = i.doc_id"
        where.append("i.fkey = r.key")
    else:
        # Walk the index in the page's order and stop after a page, unless a filter picks few
        # forecasts (by an entity, a description, a key): then the planner reads those first.
        few = links or described is not None or key
        hint = dialect.use_index("items_forecast_holder") if held_by is not None else \
            "" if few else dialect.use_index(_ORDER_INDEX[order])
        source = (f"items i{hint} JOIN documents d ON d.id = i.doc_id"
                  " LEFT JOIN forecast_resolutions r ON r.key = i.fkey")
        if show != "all":
            where.append("r.key IS NULL")
        if show == "open":
            where.append(f"coalesce(i.due, '{NEVER}') >= {m}")
            args.append(today)
        elif show == "overdue":
            where.append(f"coalesce(i.due, '{NEVER}') < {m}")
            args.append(today)
    descending = order == "recent"
    if after is not None:
        values = _read_cursor(after, len(cols))
        where.append(f"({', '.join(cols)}) {'<' if descending else '>'} ({', '.join([m] * len(cols))})")
        args.extend(values)
    direction = " DESC" if descending else ""
    sql = (f"SELECT {_COLUMNS}, {', '.join(cols)} FROM {source} WHERE {' AND '.join(where)}"
           f" ORDER BY {', '.join(c + direction for c in cols)} LIMIT {int(limit) + 1}")
    return PageQuery(sql, args, len(cols))


def counts_query(dialect: Dialect, what: str, *, today: str, links: Sequence[EntityLink], described: str | None,
                 held_by: Sequence[int] | None = None) -> tuple[str, list[Any]]:
    """``what``: ``forecasts`` (how many), ``late`` (how many are due before today: a range of
    the due index) or ``resolved`` (how many, and how many of them are due before today,
    found from the resolutions)."""
    where, args = _filters(dialect, links, described, None, held_by)
    plain = not links and described is None  # else the planner picks the few rows first
    if what == "resolved":
        where.append("i.fkey = r.key")
        return (f"SELECT count(*), coalesce(sum({_late(dialect)}), 0) FROM forecast_resolutions r CROSS JOIN items i"
                f" WHERE {' AND '.join(where)}", [today, *args])
    if what == "late":
        where.append(f"coalesce(i.due, '{NEVER}') < {dialect.mark}")
        args.append(today)
    index = "items_forecast_due" if what == "late" and held_by is None else "items_forecast_holder"
    return (f"SELECT count(*) FROM items i{dialect.use_index(index) if plain else ''} WHERE {' AND '.join(where)}",
            args)


# Forecasts per due day (``NEVER`` for none), kept by the store in the transaction that saves or
# clears a document's forecasts: the ledger's header counts read these few rows (one per day
# that forecasts fall due), not the forecasts.  A counter, unlike the totals per forecaster,
# because it answers for any day: sum the rows before it.
DUE_COUNTS_TABLE = "CREATE TABLE IF NOT EXISTS forecast_due_counts (due TEXT PRIMARY KEY, n BIGINT NOT NULL)"
DUE_COUNTS_FILL = (f"INSERT INTO forecast_due_counts (due, n) SELECT coalesce(due, '{NEVER}'), count(*) FROM items"
                   " WHERE kind = 'forecast' GROUP BY 1")


def due_count_changes(dialect: Dialect) -> tuple[str, str]:
    """SQL of ``(what a document's forecasts add per due day, a change to one day's count)``:
    the first takes the document id, the second ``(due, n)``."""
    m = dialect.mark
    return (f"SELECT coalesce(due, '{NEVER}'), count(*) FROM items WHERE doc_id = {m} AND kind = 'forecast'"
            " GROUP BY 1",
            f"INSERT INTO forecast_due_counts (due, n) VALUES ({m}, {m})"
            " ON CONFLICT (due) DO UPDATE SET n = forecast_due_counts.n + excluded.n")


def due_counts_query(dialect: Dialect) -> str:
    """``(all forecasts, those due before today)`` from the counters (one placeholder: today)."""
    return (f"SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN due < {dialect.mark} THEN n ELSE 0 END), 0)"
            " FROM forecast_due_counts")


def members_query(dialect: Dialect) -> str:
    """``(id, merged_into)`` of every entity merged into another (merges are the analysts' few)."""
    return "SELECT id, merged_into FROM entities WHERE merged_into IS NOT NULL"


def members(merged: Iterable[Sequence[Any]], roots: Iterable[int]) -> list[int]:
    """The roots and every entity merged into them, through any chain, from the rows of
    :func:`members_query`."""
    children: dict[int, list[int]] = {}
    for eid, parent in merged:
        children.setdefault(int(parent), []).append(int(eid))
    out, todo = set(), list(roots)
    while todo:
        e = todo.pop()
        if e not in out:
            out.add(e)
            todo.extend(children.get(e, ()))
    return sorted(out)


def _probability(dialect: Dialect) -> str:
    # As the ledger reads it: a forecast without a probability counts as 0.5.
    return f"CAST(coalesce({dialect.json_text('probability')}, '0.5') AS DOUBLE PRECISION)"


# Per-forecaster books, kept by triggers (each backend's migration creates them: SQLite
# schema 13, PostgreSQL migration 5) on ``items`` (a forecast row with a holder added, removed
# or changed) and on ``forecast_resolutions`` (a resolution added, changed or removed), so the
# scores read rows per forecaster, not forecasts.  ``forecast_holder_counts``: per stored holder
# and due day (``NEVER`` for none), the forecasts and how many of them are unresolved (overdue
# is "unresolved and due before today", asked for any day: a sum over the days before it).
# ``forecast_holder_resolved``: per stored holder, probability and outcome, how many resolved
# forecasts (a forecast without a probability counts as 0.5, as the ledger reads it); the
# Brier score and any calibration bins are sums over these rows.  Rows that reach zero are
# deleted.  Holders are stored ids: merges are followed when the totals are read.
HOLDER_TABLES = (
    "CREATE TABLE IF NOT EXISTS forecast_holder_counts (holder BIGINT NOT NULL, due TEXT NOT NULL,"
    " n BIGINT NOT NULL, unresolved BIGINT NOT NULL, PRIMARY KEY (holder, due))",
    "CREATE TABLE IF NOT EXISTS forecast_holder_resolved (holder BIGINT NOT NULL, p DOUBLE PRECISION NOT NULL,"
    " outcome INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (holder, p, outcome))",
)


def holder_fill(dialect: Dialect) -> list[str]:
    """The statements that count the books afresh from the forecasts and resolutions (the
    migration; it may run again over its own work)."""
    return [
        "DELETE FROM forecast_holder_counts",
        "DELETE FROM forecast_holder_resolved",
        f"INSERT INTO forecast_holder_counts (holder, due, n, unresolved)"
        f" SELECT i.holder, coalesce(i.due, '{NEVER}'), count(*), sum(CASE WHEN r.key IS NULL THEN 1 ELSE 0 END)"
        " FROM items i LEFT JOIN forecast_resolutions r ON r.key = i.fkey"
        " WHERE i.kind = 'forecast' AND i.holder IS NOT NULL GROUP BY 1, 2",
        f"INSERT INTO forecast_holder_resolved (holder, p, outcome, n)"
        f" SELECT i.holder, {_probability(dialect)}, CASE WHEN r.outcome THEN 1 ELSE 0 END, count(*)"
        " FROM forecast_resolutions r JOIN items i ON i.fkey = r.key"
        " WHERE i.kind = 'forecast' AND i.holder IS NOT NULL GROUP BY 1, 2, 3",
    ]


def _holders_in(dialect: Dialect, holders: Sequence[int] | None) -> tuple[str, list[Any]]:
    if holders is None:
        return "", []
    if not holders:
        return " WHERE 1 = 0", []
    return f" WHERE holder IN ({','.join([dialect.mark] * len(holders))})", list(holders)


def resolved_totals_query(dialect: Dialect, *, holders: Sequence[int] | None) -> tuple[str, list[Any]]:
    """Per stored holder, probability and outcome: ``(holder, p, came true, resolved
    forecasts)``, from the kept books (rows as many as the analysts' resolutions at most)."""
    where, args = _holders_in(dialect, holders)
    return f"SELECT holder, p, outcome, n FROM forecast_holder_resolved{where}", args


def holder_counts_query(dialect: Dialect, *, today: str, holders: Sequence[int] | None) -> tuple[str, list[Any]]:
    """Per stored holder: ``(holder, forecasts, unresolved and due before today)``, from the
    kept books (a row per holder and due day)."""
    where, args = _holders_in(dialect, holders)
    return (f"SELECT holder, sum(n), sum(CASE WHEN due < {dialect.mark} THEN unresolved ELSE 0 END)"
            f" FROM forecast_holder_counts{where} GROUP BY holder", [today, *args])


def calibration_bin(p: float, bins: int) -> int:
    """The bin of probability ``p``: the highest ``b`` with ``b / bins <= p`` (the last takes
    1.0), as :func:`clipfile.scoring.calibration` bins."""
    return next((b for b in range(bins - 1, 0, -1) if p >= b / bins), 0)


def entity_roots(fetch: Callable[[list[int]], Iterable[Sequence[Any]]], ids: Iterable[int],
                 ) -> dict[int, tuple[int, str, str]]:
    """``{id: (root id, root name, root type)}`` for entity ids, following merges;
    ``fetch(ids)`` gives rows ``(id, merged_into, name, type)``.  Ids of no entity are left out."""
    known: dict[int, tuple[int | None, str, str]] = {}
    pending = {i: i for i in set(ids)}
    out: dict[int, tuple[int, str, str]] = {}
    for _ in range(64):  # a chain of merges longer than this is a cycle
        need = sorted({c for c in pending.values() if c not in known})
        for start in range(0, len(need), 500):
            for eid, merged_into, name, etype in fetch(need[start:start + 500]):
                known[int(eid)] = (None if merged_into is None else int(merged_into), name, etype)
        following: dict[int, int] = {}
        for orig, cur in pending.items():
            if cur not in known:
                continue
            parent, name, etype = known[cur]
            if parent is None:
                out[orig] = (cur, name, etype)
            else:
                following[orig] = parent
        pending = following
        if not pending:
            break
    return out


def combine_totals(counts: Iterable[Sequence[Any]], resolved: Iterable[Sequence[Any]],
                   roots: dict[int, tuple[int, str, str]], bins: int) -> list[ForecasterTotals]:
    """Sum the per-holder rows of :func:`holder_counts_query` and :func:`resolved_totals_query`
    per entity after merges, the resolved ones into ``bins`` calibration bins."""
    acc: dict[int, dict[str, Any]] = {}

    def slot(holder: int) -> dict[str, Any] | None:
        if holder not in roots:
            return None
        root, name, etype = roots[holder]
        return acc.setdefault(root, {"name": name, "type": etype, "forecasts": 0, "overdue": 0, "resolved": 0,
                                     "se": 0.0, "bins": [[0, 0.0, 0] for _ in range(bins)]})

    for holder, n, overdue in counts:
        if (a := slot(int(holder))) is not None:
            a["forecasts"] += int(n)
            a["overdue"] += int(overdue or 0)
    for holder, p, outcome, n in resolved:
        if (a := slot(int(holder))) is not None:
            p, o, n = float(p), int(outcome), int(n)
            a["resolved"] += n
            a["se"] += n * (p - o) * (p - o)
            cell = a["bins"][calibration_bin(p, bins)]
            cell[0] += n
            cell[1] += n * p
            cell[2] += n * o
    return [ForecasterTotals(root, a["name"], a["type"], a["forecasts"], a["resolved"], a["overdue"],
                             a["se"], tuple((c[0], c[1], c[2]) for c in a["bins"]))
            for root, a in acc.items() if a["forecasts"]]


def page_row(row: Sequence[Any], holders: dict[int, tuple[int, str, str]], item: dict[str, Any]) -> dict[str, Any]:
    """A page's row as :class:`~clipfile.store.base.ForecastPage` gives it; ``item`` is the
    row's decoded JSON."""
    (item_id, doc_id, _data, _text, fkey, holder, due, _dated, _start, title, published, source, url,
     outcome, rdate, note, resolved) = row[:17]
    item.update(item_id=item_id, document=doc_id, title=title, published=published, outlet=source, url=url)
    item.setdefault("source", source)
    root = holders.get(holder) if holder is not None else None
    item.update(key=fkey, due=due,
                holder={"entity": root[0], "name": root[1], "type": root[2]} if root else None,
                resolution=None if resolved is None else
                {"outcome": bool(outcome), "date": rdate, "note": note, "resolved": resolved})
    return item


def next_cursor(rows: Sequence[Sequence[Any]], limit: int, order_columns: int) -> str | None:
    """The cursor after the last row of a page, when a next page has rows."""
    if len(rows) <= limit or limit <= 0:
        return None
    key = list(rows[limit - 1][-order_columns:])
    return base64.urlsafe_b64encode(json.dumps(key, ensure_ascii=False).encode()).decode().rstrip("=")


def _read_cursor(cursor: str, n: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        values = None
    if not isinstance(values, list) or len(values) != n or not all(isinstance(v, (str, int)) for v in values):
        raise ValueError(f"{cursor[:40]!r} is not a ledger page cursor (follow the next-page link)")
    return values
