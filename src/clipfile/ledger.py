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
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from .analysis.forecasts import FORECASTER_TYPES
from .analysis.timex import bounds
from .errors import NotFound
from .read import items as read_items
from .scoring import brier, calibration
from .store.base import Store

__all__ = ["Forecaster", "LedgerEntry", "ledger", "resolve", "scores", "forecast_key", "short_id"]


def forecast_key(item: dict[str, Any]) -> str:
    span = item.get("event") or item
    return f"{item['document']}:{span['start']}-{span['end']}"


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


def _deadline_passed(forecast: dict[str, Any], today: date) -> bool:
    value = ((forecast.get("deadline") or {}).get("value")) or ""
    if not value[:4].isdigit():
        return False
    span, published = bounds(value), bounds(str(forecast.get("published") or "")[:10] or None)
    if span is not None and published is not None and span[1] < published[0]:
        return False  # ended before the text was written: not a deadline
    # A deadline of "2027" has passed only when 2027 is over; "2027-06" when June is over.
    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return today.year > year
        month = int(parts[1])
        if len(parts) == 2:
            return (today.year, today.month) > (year, month)
        return today > date(year, month, int(parts[2][:2]))
    except ValueError:
        return False


def ledger(
    store: Store,
    *,
    by: int | None = None,
    about: int | None = None,
    only_open: bool = False,
    today: date | None = None,
) -> list[LedgerEntry]:
    """Forecasts in the library, optionally by one forecaster or about one entity (and not by
    it: :mod:`clipfile.read.items` says what "by" and "about" mean everywhere)."""
    today = today or date.today()
    if by is not None:
        items = read_items.by(store, by, "forecast")
    elif about is not None:
        items = read_items.about(store, about, "forecast")
    else:
        items = store.items("forecast")
    resolutions = store.forecast_resolutions()
    holders = _Holders(store)
    out = []
    for item in items:
        key = forecast_key(item)
        res = resolutions.get(key)
        entry = LedgerEntry(short_id(key), key, item, res, res is None and _deadline_passed(item, today),
                            holders.of(item.get("forecaster")))
        if only_open and res is not None:
            continue
        out.append(entry)
    return out


class _Holders:
    """Forecasters of stored forecasts, each entity looked up once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: dict[str, Forecaster | None] = {}

    def of(self, ref: Any) -> Forecaster | None:
        if not isinstance(ref, dict):
            return None
        eid, name = ref.get("entity_id"), (ref.get("name") or "").strip()
        if eid:
            if eid not in self.seen:
                try:
                    ent = self.store.get_entity(eid)
                except (NotFound, ValueError):
                    ent = None
                # An entity of another kind (a law, a film) holds no forecast.
                self.seen[eid] = (Forecaster(ent.name, ent.id, ent.type)
                                  if ent is not None and ent.type in FORECASTER_TYPES else None)
            return self.seen[eid]
        return Forecaster(name) if name else None


def resolve(store: Store, ref: str, *, outcome: bool, when: str | None = None, note: str | None = None) -> LedgerEntry:
    """Record whether a forecast came true.  ``ref`` is a short id (``F1a2b3c4``) or a key."""
    matches = [e for e in ledger(store) if e.id.lower() == ref.lower() or e.key == ref]
    if not matches:
        raise NotFound(f"no forecast {ref!r}; `clipfile forecasts` lists them with their ids")
    entry = matches[0]
    store.resolve_forecast(entry.key, outcome=outcome, date=when, note=note)
    return next(e for e in ledger(store) if e.key == entry.key)


def scores(store: Store, *, bins: int = 5, entries: list[LedgerEntry] | None = None) -> list[dict[str, Any]]:
    """Per forecaster (a library entity, a person or an organisation): forecasts made,
    resolved, overdue, Brier score and calibration table.  Forecasts held by a description or
    by nobody are left out (:func:`unscored` counts them).  ``entries``: a ledger already read."""
    by_entity: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in entries if entries is not None else ledger(store):
        if entry.holder is not None and entry.holder.entity is not None:
            by_entity[entry.holder.entity].append(entry)
    out = []
    for entity_id, group in by_entity.items():
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
    return sorted(out, key=lambda s: (s["brier"] is None, s["brier"] or 0, -s["forecasts"], s["forecaster"]))


def unscored(entries: list[LedgerEntry]) -> int:
    """How many forecasts no entity holds (a description such as "analysts", or nobody)."""
    return sum(1 for e in entries if e.holder is None or e.holder.entity is None)
