"""What the library indexes of a forecast: its key, its holder and the day it falls due.

A forecast is keyed by where its predicted event stands, ``<document id>:<start>-<end>``
(two forecasts can share a sentence, never an event), so a resolution survives re-analysis.
Its holder is the library entity its ``forecaster`` names (``E12``: 12), before merges.

The day a forecast falls due is the last day its deadline covers, as an ISO date.  The ledger
calls a forecast overdue when today is past that day and nobody resolved it.  The store keeps
the day in a column beside each forecast (computed here when the forecast is saved, and by a
migration for forecasts saved before), so "overdue" is an indexed range (``due < today``)
instead of a verdict that every forecast must be decoded to reach.

A deadline of ``2027`` falls due on 2027-12-31, ``2027-06`` on 2027-06-30, ``2027-06-15`` on
that day.  A deadline that ended before the document was published is no deadline (a year read
from "since 1917" by an older analysis) and never falls due; neither does a value that is no
calendar date (a week, a season, a reference such as ``PRESENT_REF``).
"""
from __future__ import annotations

import calendar
import re
from typing import Any

from .analysis.timex import bounds

__all__ = ["due_date", "forecast_key", "holder_id"]


def forecast_key(item: dict[str, Any]) -> str:
    """``<document>:<start>-<end>`` of the forecast's event (of the forecast without one)."""
    span = item.get("event") or item
    return f"{item['document']}:{span['start']}-{span['end']}"


def holder_id(item: dict[str, Any]) -> int | None:
    """The library entity id the forecast's ``forecaster`` names (read as the store reads an
    entity reference: ``E12``, ``12`` or 12), or None: a description such as "analysts", nobody."""
    ref = item.get("forecaster")
    eid = ref.get("entity_id") if isinstance(ref, dict) else None
    if isinstance(eid, bool) or not eid:
        return None
    if isinstance(eid, int):
        return eid
    m = re.fullmatch(r"[Ee]?(\d+)", str(eid).strip())
    return int(m.group(1)) if m else None


def due_date(deadline: Any, published: str | None) -> str | None:
    """The ISO date after which a forecast with this ``deadline`` (the forecast's ``deadline``
    object, or its ``value``) is overdue, or None when it never is.  ``published``: the
    document's publication date (ISO 8601), or None."""
    value = deadline.get("value") if isinstance(deadline, dict) else deadline
    value = value if isinstance(value, str) else ""
    if not value[:4].isdigit():
        return None
    span, pub = bounds(value), bounds(str(published or "")[:10] or None)
    if span is not None and pub is not None and span[1] < pub[0]:
        return None  # ended before the text was written: not a deadline
    parts = value.split("-")
    try:
        year = int(parts[0])
        if year > 9999:
            return None
        if len(parts) == 1:
            if year == 0:
                return "0000-00-00"  # before every day
            return f"{year:04d}-12-31"
        month = int(parts[1])
        if len(parts) == 2:
            # As a (year, month) pair: past it once a later month of the calendar has begun.
            if year == 0 or month < 1:
                return f"{max(year - 1, 0):04d}-12-31" if year else "0000-00-00"
            if month > 12:
                return f"{year:04d}-12-31"
            return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
        day = int(parts[2][:2])
        if year == 0 or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return f"{year:04d}-{month:02d}-{day:02d}"
    except ValueError:
        return None
