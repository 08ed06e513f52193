"""Web-only helpers for the pages: passage links, and the ledger grouped for its page.

What a page shows is asked of :mod:`clipfile.read` (the same answers the CLI prints); this module
only shapes the forecast ledger into the groups the ledger page lays out.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

__all__ = ["forecast_key", "deadline_end", "ledger", "passage_href"]


def forecast_key(item: dict[str, Any]) -> str:
    """The ledger key of a stored forecast (:func:`clipfile.ledger.forecast_key`)."""
    from ..ledger import forecast_key as key

    return key(item)


def passage_href(doc_id: str, start: Any, end: Any) -> str:
    """Link to a passage of a document, highlighted and scrolled to."""
    if isinstance(start, int) and isinstance(end, int):
        return f"/doc/{doc_id}?hl={start}-{end}#passage"
    return f"/doc/{doc_id}"


def deadline_end(value: str | None) -> date | None:
    """The last day a deadline (``2021``, ``2021-03``, ``2021-03-04``) still allows, or None."""
    if not value or not isinstance(value, str):
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return date(year, 12, 31)
        month = int(parts[1])
        if len(parts) == 2:
            return date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, int(parts[2]))
    except (ValueError, IndexError):
        return None


def ledger(store: Any, *, today: date | None = None, forecaster: str | None = None) -> dict[str, Any]:
    """Forecasts split into open, overdue and resolved, with Brier score and calibration per
    forecaster, from :mod:`clipfile.ledger` (the same book the CLI keeps).

    ``forecaster`` is an entity id (``E12``) or a forecaster's name as the ledger shows it.
    """
    from .. import ledger as book

    today = today or date.today()
    by = store.get_entity(forecaster).id if forecaster and re.fullmatch(r"[Ee]\d+", forecaster) else None
    entries = book.ledger(store, by=by, today=today)
    if forecaster and by is None:
        entries = [e for e in entries if e.forecaster == forecaster]
    groups: dict[str, list[dict]] = {"open": [], "overdue": [], "resolved": []}
    for e in entries:
        f = e.forecast
        row = dict(f)
        dl = f.get("deadline") if isinstance(f.get("deadline"), dict) else {}
        prob = f.get("probability")
        # The forecaster as the library knows it: the entity's canonical name, not the text's form.
        if e.holder is not None and e.holder.entity is not None:
            row["forecaster"] = {"name": e.holder.name, "entity_id": e.holder.ref}
        elif e.holder is None:
            row["forecaster"] = None
        row.update(key=e.key, short_id=e.id, resolution=e.resolution, overdue=e.overdue,
                   forecaster_name=e.forecaster, deadline_value=dl.get("value"), deadline_text=dl.get("text"),
                   probability=prob if isinstance(prob, (int, float)) else None,
                   href=passage_href(f["document"], f.get("start"), f.get("end")))
        groups["resolved" if e.resolution else "overdue" if e.overdue else "open"].append(row)
    # Most pressing first: overdue and open by deadline, resolved by when they were resolved.
    groups["overdue"].sort(key=lambda r: r["deadline_value"] or "")
    groups["open"].sort(key=lambda r: (r["deadline_value"] is None, r["deadline_value"] or ""))
    groups["resolved"].sort(key=lambda r: r["resolution"].get("resolved") or "", reverse=True)
    # Scores per entity, over the whole ledger (a forecaster's page shows that forecaster's).
    everyone = entries if by is None and not forecaster else book.ledger(store, today=today)
    shown = {e.holder.entity for e in entries if e.holder is not None}
    scores = [{"id": sc["entity"], "name": sc["forecaster"], "n": sc["resolved"],
               "brier": sc["brier"], "calibration": sc["calibration"]}
              for sc in book.scores(store, entries=everyone)
              if sc["resolved"] and int(sc["entity"][1:]) in shown]
    return {**groups, "scores": scores, "today": today.isoformat()}
