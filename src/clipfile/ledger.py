"""The forecast ledger: every forecast in the library, its resolution, and forecasters' scores.

A forecast is keyed by where its predicted event stands, ``<document id>:<start>-<end>``
(two forecasts can share a sentence, never an event), so a resolution survives re-analysis;
its short id (``F`` + 7 hex digits of that key) is what the analyst types.

A forecaster is a library entity, a person or an organisation: the ledger and the scores group
forecasts by entity (after merges, so "Путин", "Putin" and "Vladimir Putin" linked to one
entity are one forecaster, under its canonical name).  A forecast held by a description
("analysts", "a spokesman") keeps that description in the ledger but is scored under nobody:
two "analysts" in two articles are not one forecaster.  A deadline that ended before the
document was published is no deadline (a year read from "since 1917" by an older analysis):
such a forecast is never overdue.

The ledger is read a page at a time (:func:`page`, :meth:`Store.forecast_page`): the store
keeps each forecast's key, holder and due day in indexed columns, so a page costs the same in
a library of a thousand forecasts or a million; the counts come from counters and aggregates in
the store (:meth:`Store.forecast_counts`) and the scores from each forecaster's book, kept by
the store as forecasts and resolutions change (:meth:`Store.forecaster_totals`).
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator

from .analysis.forecasts import FORECASTER_TYPES
from .errors import NotFound
from .forecast_fields import due_date, forecast_key
from .read.items import ABOUT_ROLES, BY_ROLES
from .scoring import brier, calibration
from .store.base import EntityLink, ForecasterTotals, Store

__all__ = ["Forecaster", "LedgerEntry", "LedgerPage", "ledger", "page", "pages", "counts", "resolve", "scores",
           "unscored", "unscored_count", "forecast_key", "short_id"]

# What a stored row carries beside the forecast's own fields (taken off: the entry holds them).
_ROW_FIELDS = ("key", "due", "holder", "resolution")


def short_id(key: str) -> str:
    return "F" + hashlib.sha1(key.encode()).hexdigest()[:7]


@dataclass(frozen=True)
class Forecaster:
    """Who holds a forecast in the ledger: a library entity (``entity`` is its id after merges,
    ``name`` its canonical name) or, with ``entity`` None, the description the text gives."""

    name: str
    entity: int | None = None
    type: str | None = None

    @property
    def ref(self) -> str | None:
        """``E12`` for an entity."""
        return f"E{self.entity}" if self.entity is not None else None


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    key: str
    forecast: dict[str, Any]
    resolution: dict[str, Any] | None
    overdue: bool
    holder: Forecaster | None = None

    @property
    def forecaster(self) -> str:
        return self.holder.name if self.holder is not None else "(unattributed)"

    @property
    def status(self) -> str:
        if self.resolution:
            return "resolved-yes" if self.resolution["outcome"] else "resolved-no"
        return "overdue" if self.overdue else "open"


@dataclass(frozen=True)
class LedgerPage:
    """One page of the ledger and the cursor of the next (None on the last)."""

    entries: list[LedgerEntry]
    after: str | None


def _deadline_passed(forecast: dict[str, Any], today: date) -> bool:
    """Has the forecast's deadline passed (:func:`clipfile.forecast_fields.due_date`)?"""
    due = due_date(forecast.get("deadline"), forecast.get("published"))
    return due is not None and today.isoformat() > due


def _links(by: int | None, about: int | None) -> list[EntityLink]:
    """The store's conditions for "about" (:mod:`clipfile.read.items` defines it).  "By" is
    the store's ``held_by``: a forecast's one speaker is its forecaster, so the forecasts by an
    entity are those it holds, read from the ledger's own index."""
    links = []
    if about is not None:
        links.append(EntityLink(about, ABOUT_ROLES))
        if by is None:
            links.append(EntityLink(about, BY_ROLES, absent=True))
    return links


def _entry(row: dict[str, Any], today: date) -> LedgerEntry:
    """A ledger entry of a stored row (:meth:`Store.forecast_page`).  The holder is the entity
    after merges when it is a person or an organisation; an entity of another kind (a law, a
    film) holds no forecast; a forecaster named by no entity is the description the text gives."""
    key, due, held, res = (row.pop(f, None) for f in _ROW_FIELDS)
    holder = None
    if held is not None:
        if held["type"] in FORECASTER_TYPES:
            holder = Forecaster(held["name"], held["entity"], held["type"])
    else:
        ref = row.get("forecaster")
        if isinstance(ref, dict) and not ref.get("entity_id") and (ref.get("name") or "").strip():
            holder = Forecaster(ref["name"].strip())
    return LedgerEntry(short_id(key), key, row, res, res is None and due is not None and today.isoformat() > due,
                       holder)


def page(
    store: Store,
    *,
    show: str = "all",
    order: str = "recent",
    by: int | None = None,
    about: int | None = None,
    described: str | None = None,
    key: str | None = None,
    after: str | None = None,
    limit: int = 50,
    today: date | None = None,
) -> LedgerPage:
    """One page of the ledger (:meth:`Store.forecast_page`: ``show`` which, ``order`` how,
    ``after`` the previous page's cursor), optionally by one forecaster, about one entity, or
    held by a description (``described``, e.g. "analysts")."""
    today = today or date.today()
    got = store.forecast_page(today=today.isoformat(), show=show, order=order, links=_links(by, about),
                              held_by=by, described=described, key=key, after=after, limit=limit)
    return LedgerPage([_entry(r, today) for r in got.rows], got.after)


def pages(store: Store, *, page_size: int = 500, **query: Any) -> Iterator[LedgerEntry]:
    """Every entry :func:`page` gives for ``query``, a page at a time."""
    after = None
    while True:
        got = page(store, after=after, limit=page_size, **query)
        yield from got.entries
        if got.after is None:
            return
        after = got.after


def counts(store: Store, *, by: int | None = None, about: int | None = None, described: str | None = None,
           today: date | None = None) -> dict[str, int]:
    """How many forecasts are open, overdue and resolved (the filters of :func:`page`)."""
    return store.forecast_counts(today=(today or date.today()).isoformat(), links=_links(by, about), held_by=by,
                                 described=described)


def ledger(
    store: Store,
    *,
    by: int | None = None,
    about: int | None = None,
    only_open: bool = False,
    today: date | None = None,
) -> list[LedgerEntry]:
    """Every forecast in the library in the store's date order (a page at a time), optionally
    by one forecaster or about one entity (and not by it: :mod:`clipfile.read.items` says what
    "by" and "about" mean everywhere); ``only_open``: the unresolved ones."""
    return list(pages(store, show="unresolved" if only_open else "all", order="dated", by=by, about=about,
                      today=today))


def resolve(store: Store, ref: str, *, outcome: bool, when: str | None = None, note: str | None = None) -> LedgerEntry:
    """Record whether a forecast came true.  ``ref`` is a short id (``F1a2b3c4``) or a key."""
    key = ref if re.fullmatch(r"[A-Za-z0-9_-]+:\d+-\d+", ref) else \
        next((k for k in store.forecast_keys() if short_id(k).lower() == ref.lower()), None)
    found = page(store, key=key, limit=1).entries if key else []
    if not found:
        raise NotFound(f"no forecast {ref!r}; `clipfile forecasts` lists them with their ids")
    store.resolve_forecast(found[0].key, outcome=outcome, date=when, note=note)
    return page(store, key=found[0].key, limit=1).entries[0]


def scores(store: Store, *, bins: int = 5, entries: list[LedgerEntry] | None = None,
           entities: list[int] | None = None, resolved_only: bool = False,
           today: date | None = None) -> list[dict[str, Any]]:
    """Per forecaster (a library entity, a person or an organisation): forecasts made,
    resolved, overdue, Brier score and calibration table, best first.  Forecasts held by a
    description or by nobody are left out (:func:`unscored` counts them).

    The library's totals come from the forecasters' books in the store (:meth:`Store.forecaster_totals`;
    ``entities``: only these forecasters, ``resolved_only``: only those with a resolved
    forecast); ``entries``: score these ledger entries instead (a ledger already read)."""
    if entries is not None:
        return _sorted(_scored_entries(entries, bins))
    totals = store.forecaster_totals(today=(today or date.today()).isoformat(), entities=entities,
                                     resolved_only=resolved_only, bins=bins)
    return _sorted([_score_of(t, bins) for t in totals if t.type in FORECASTER_TYPES])


def _score_of(t: ForecasterTotals, bins: int) -> dict[str, Any]:
    table = []
    for b, (n, sum_p, came) in enumerate(t.bins):
        table.append({"low": round(b / bins, 6), "high": round((b + 1) / bins, 6), "n": n,
                      "mean_forecast": sum_p / n if n else None, "observed": came / n if n else None})
    return {"forecaster": t.name, "entity": f"E{t.entity}", "type": t.type, "forecasts": t.forecasts,
            "resolved": t.resolved, "overdue": t.overdue, "brier": t.squared_error / t.resolved if t.resolved else None,
            "calibration": table if t.resolved else []}


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda s: (s["brier"] is None, s["brier"] or 0, -s["forecasts"], s["forecaster"]))


def _scored_entries(entries: list[LedgerEntry], bins: int) -> list[dict[str, Any]]:
    """Scores over ledger entries in memory, grouped by holder entity."""
    by_entity: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in entries:
        if entry.holder is not None and entry.holder.entity is not None:
            by_entity[entry.holder.entity].append(entry)
    out = []
    for group in by_entity.values():
        holder = group[0].holder
        assert holder is not None
        pairs = [(float(e.forecast.get("probability", 0.5)), e.resolution["outcome"])
                 for e in group if e.resolution]
        out.append({
            "forecaster": holder.name,
            "entity": holder.ref,
            "type": holder.type,
            "forecasts": len(group),
            "resolved": len(pairs),
            "overdue": sum(e.overdue for e in group),
            "brier": brier(pairs) if pairs else None,
            "calibration": calibration(pairs, bins=bins) if pairs else [],
        })
    return out


def unscored(entries: list[LedgerEntry]) -> int:
    """How many forecasts no entity holds (a description such as "analysts", or nobody)."""
    return sum(1 for e in entries if e.holder is None or e.holder.entity is None)


def unscored_count(store: Store, scored: list[dict[str, Any]], *, today: date | None = None) -> int:
    """How many of the library's forecasts no forecaster of ``scores(store)`` holds."""
    return sum(counts(store, today=today).values()) - sum(s["forecasts"] for s in scored)
