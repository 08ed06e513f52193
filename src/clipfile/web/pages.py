"""What each page shows, assembled from the store: plain dicts for the templates, no HTML.

Kept apart from the routes so the CLI or tests can reach the same data.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from collections import defaultdict
from datetime import date
from typing import Any

from ..brief import unique_items
from ..store.base import EntityRecord
from .highlight import CLAIM_STATUSES

# Lists on the entity page stop here; the full, paginated lists are a search away.
LIST_LIMIT = 200

__all__ = ["forecast_key", "deadline_end", "ledger", "entity_page", "brief", "script_of", "passage_href"]


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


def script_of(name: str) -> str:
    """The writing system a name is in (Latin, Cyrillic, ...), from its letters."""
    for ch in name:
        if ch.isalpha():
            try:
                return unicodedata.name(ch).split()[0].title()
            except ValueError:
                return "Other"
    return "Other"


def entity_page(store: Any, entity: EntityRecord) -> dict[str, Any]:
    """Everything the entity page shows: names by script, statements by and about, claims by
    status, forecasts, events, mention volume and co-mentioned entities."""
    eid = entity.id
    names: dict[str, list[str]] = defaultdict(list)
    for n in sorted({entity.name, *entity.aliases}):
        names[script_of(n)].append(n)
    quotes_by = store.items("quote", entity=eid, role="speaker", limit=LIST_LIMIT)
    by_ids = {q["item_id"] for q in quotes_by}
    about = ("subject", "mentioned")
    quotes_about = [q for q in unique_items(store.items("quote", entity=eid, role=about, limit=LIST_LIMIT))
                    if q["item_id"] not in by_ids]
    claims_by = store.items("claim", entity=eid, role="speaker", limit=LIST_LIMIT)
    claims_about = [c for c in unique_items(store.items("claim", entity=eid, role=about, limit=LIST_LIMIT))
                    if c["item_id"] not in {x["item_id"] for x in claims_by}]
    claims_by_status: dict[str, list[dict]] = {s: [] for s in CLAIM_STATUSES}
    claims = unique_items(claims_by + claims_about)
    for c in claims:
        c["source_ref"] = c.get("source")  # the claim's speaker; the outlet is ``outlet``
    for c in claims:
        status = c.get("status") if c.get("status") in CLAIM_STATUSES else "asserted"
        c["by_entity"] = c["item_id"] in {x["item_id"] for x in claims_by}
        claims_by_status[status].append(c)
    forecasts_by = store.items("forecast", entity=eid, role="speaker", limit=LIST_LIMIT)
    forecasts_about = [f for f in unique_items(store.items("forecast", entity=eid, role=about, limit=LIST_LIMIT))
                       if f["item_id"] not in {x["item_id"] for x in forecasts_by}]
    resolutions = store.forecast_resolutions()
    for f in forecasts_by + forecasts_about:
        f["key"] = forecast_key(f)
        f["resolution"] = resolutions.get(f["key"])
    events = unique_items(store.items("event", entity=eid, limit=LIST_LIMIT))
    timeline = []
    for ev in events:
        d = ev.get("date") if isinstance(ev.get("date"), dict) else {}
        if d.get("value"):
            timeline.append({"date": d["value"], "precision": d.get("precision"), "label": ev.get("text", "")[:120],
                             "href": passage_href(ev["document"], ev.get("start"), ev.get("end"))})
    timeline.sort(key=lambda t: t["date"])
    return {
        "entity": entity,
        "list_limit": LIST_LIMIT,
        "names": dict(names),
        "quotes_by": quotes_by,
        "quotes_about": quotes_about,
        "claims_by_status": {k: v for k, v in claims_by_status.items() if v},
        "forecasts_by": forecasts_by,
        "forecasts_about": forecasts_about,
        "events": sorted(events, key=lambda e: ((e.get("date") or {}).get("value") or "")),
        "timeline": timeline,
        "volume": [{"month": m, "n": n} for m, n in store.entity_mentions_by_month(eid)],
        "co_mentioned": store.co_mentioned_entities(eid),
        "documents": store.entity_documents(eid, limit=20),
    }


def brief(store: Any, entity: EntityRecord) -> dict[str, Any]:
    """The actor brief: :func:`clipfile.brief.brief_data` (what the CLI prints), plus names by
    script, claim speakers, the text of recycled passages and co-mentioned entities."""
    from ..brief import brief_data

    data = brief_data(store, entity)
    names: dict[str, list[str]] = defaultdict(list)
    for n in sorted({entity.name, *entity.aliases}):
        names[script_of(n)].append(n)
    claims = [c for cs in data["claims_by_status"].values() for c in cs]
    for c in claims:
        c["source_ref"] = c.get("source")  # the claim's speaker; the outlet is ``outlet``
    texts: dict[str, str] = {}
    for d in data["recycled"]:  # duplicate records carry offsets only; show the passage itself
        if not d.get("text") and isinstance(d.get("start"), int):
            if d["document"] not in texts:
                texts[d["document"]] = store.get_document(d["document"]).text
            d["text"] = texts[d["document"]][d["start"]:d["end"]]
    return {
        **data,
        "names": dict(names),
        "open_forecasts": [e for e in data["forecasts"] if not e.resolution],
        "resolved_forecasts": [e for e in data["forecasts"] if e.resolution],
        "co_mentioned": store.co_mentioned_entities(entity.id),
    }
