"""Web-only helpers for the pages: passage links, and the ledger grouped for its page.

What a page shows is asked of :mod:`clipfile.read` (the same answers the CLI prints); this module
only shapes the forecast ledger into the groups the ledger page lays out.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

__all__ = ["ledger", "passage_href"]


def passage_href(doc_id: str, start: Any, end: Any) -> str:
    """Link to a passage of a document, highlighted and scrolled to."""
    if isinstance(start, int) and isinstance(end, int):
        return f"/doc/{doc_id}?hl={start}-{end}#passage"
    return f"/doc/{doc_id}"


# How many forecasts a section of the ledger page shows at a time, and how many forecasters'
# scores (best first; `clipfile scores` lists them all).
PAGE_ROWS = 50
SCORE_ROWS = 50


def ledger(store: Any, *, today: date | None = None, forecaster: str | None = None, show: str = "all",
           after: str | None = None, limit: int = PAGE_ROWS) -> dict[str, Any]:
    """A page of the ledger from :mod:`clipfile.ledger` (the same book the CLI keeps): the
    overdue and open forecasts soonest due first, the resolved newest first, each section a
    page (``show`` one section: ``after`` is its cursor), with the counts of each and Brier
    score and calibration per forecaster with a resolved forecast.  Only the page's forecasts
    are read and decoded; the counts and scores are aggregates in the store.

    ``forecaster`` is an entity id (``E12``) or a forecaster's name as the ledger shows it.
    ValueError for a cursor that is not one.
    """
    from .. import ledger as book
    from ..analysis.forecasts import FORECASTER_TYPES

    today = today or date.today()
    by, described = None, None
    if forecaster and re.fullmatch(r"[Ee]\d+", forecaster):
        by = store.get_entity(forecaster).id
    elif forecaster:
        named = [e for e in store.find_entities(forecaster) if e.name == forecaster and e.type in FORECASTER_TYPES]
        by, described = (named[0].id, None) if named else (None, forecaster)
    who = {"by": by, "described": described, "today": today}
    groups: dict[str, list[dict]] = {"open": [], "overdue": [], "resolved": []}
    more: dict[str, str | None] = {}
    for name, order in (("overdue", "deadline"), ("open", "deadline"), ("resolved", "recent")):
        if show not in ("all", name):
            continue
        got = book.page(store, show=name, order=order, after=after if show == name else None, limit=limit, **who)
        groups[name] = [_ledger_row(e) for e in got.entries]
        more[name] = got.after
    tally = book.counts(store, **who)
    # Scores per entity: this forecaster's, or everyone's with a resolved forecast.
    scored = book.scores(store, entities=[by], today=today) if by is not None else \
        [] if described else book.scores(store, resolved_only=True, today=today)
    scores = [{"id": sc["entity"], "name": sc["forecaster"], "n": sc["resolved"],
               "brier": sc["brier"], "calibration": sc["calibration"]} for sc in scored if sc["resolved"]]
    return {**groups, "counts": tally, "more": more, "scores": scores[:SCORE_ROWS],
            "more_scores": max(0, len(scores) - SCORE_ROWS), "today": today.isoformat()}


def _ledger_row(e: Any) -> dict[str, Any]:
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
    return row
