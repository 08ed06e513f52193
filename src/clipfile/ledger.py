"""The forecast ledger: every forecast in the library, its resolution, and forecasters' scores.

A forecast is keyed by where its predicted event stands, ``<document id>:<start>-<end>``
(two forecasts can share a sentence, never an event), so a resolution survives re-analysis;
its short id (``F`` + 7 hex digits of that key) is what the analyst types.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import NotFound
from .scoring import brier, calibration
from .store.base import Store

__all__ = ["LedgerEntry", "ledger", "resolve", "scores", "forecast_key", "short_id"]


def forecast_key(item: dict[str, Any]) -> str:
    span = item.get("event") or item
    return f"{item['document']}:{span['start']}-{span['end']}"


def short_id(key: str) -> str:
    return "F" + hashlib.sha1(key.encode()).hexdigest()[:7]


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    key: str
    forecast: dict[str, Any]
    resolution: dict[str, Any] | None
    overdue: bool

    @property
    def forecaster(self) -> str:
        return ((self.forecast.get("forecaster") or {}).get("name")) or "(unattributed)"

    @property
    def status(self) -> str:
        if self.resolution:
            return "resolved-yes" if self.resolution["outcome"] else "resolved-no"
        return "overdue" if self.overdue else "open"


def _deadline_passed(forecast: dict[str, Any], today: date) -> bool:
    value = ((forecast.get("deadline") or {}).get("value")) or ""
    if not value[:4].isdigit():
        return False
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
    """Forecasts in the library, optionally by one forecaster or about one entity."""
    today = today or date.today()
    if by is not None:
        items = store.items("forecast", entity=by, role="speaker")
    elif about is not None:
        items = store.items("forecast", entity=about, role=("subject", "mentioned"))
    else:
        items = store.items("forecast")
    resolutions = store.forecast_resolutions()
    out = []
    for item in items:
        key = forecast_key(item)
        res = resolutions.get(key)
        entry = LedgerEntry(short_id(key), key, item, res, res is None and _deadline_passed(item, today))
        if only_open and res is not None:
            continue
        out.append(entry)
    return out


def resolve(store: Store, ref: str, *, outcome: bool, when: str | None = None, note: str | None = None) -> LedgerEntry:
    """Record whether a forecast came true.  ``ref`` is a short id (``F1a2b3c4``) or a key."""
    matches = [e for e in ledger(store) if e.id.lower() == ref.lower() or e.key == ref]
    if not matches:
        raise NotFound(f"no forecast {ref!r}; `clipfile forecasts` lists them with their ids")
    entry = matches[0]
    store.resolve_forecast(entry.key, outcome=outcome, date=when, note=note)
    return next(e for e in ledger(store) if e.key == entry.key)


def scores(store: Store, *, bins: int = 5) -> list[dict[str, Any]]:
    """Per forecaster: forecasts made, resolved, Brier score and calibration table."""
    by_person: dict[str, list[LedgerEntry]] = defaultdict(list)
    for entry in ledger(store):
        by_person[entry.forecaster].append(entry)
    out = []
    for name, entries in sorted(by_person.items()):
        pairs = [(float(e.forecast.get("probability", 0.5)), e.resolution["outcome"])
                 for e in entries if e.resolution]
        out.append({
            "forecaster": name,
            "forecasts": len(entries),
            "resolved": len(pairs),
            "overdue": sum(e.overdue for e in entries),
            "brier": brier(pairs) if pairs else None,
            "calibration": calibration(pairs, bins=bins) if pairs else [],
        })
    return sorted(out, key=lambda s: (s["brier"] is None, s["brier"] or 0, s["forecaster"]))
