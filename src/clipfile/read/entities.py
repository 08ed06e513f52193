"""An entity as the reader sees it: found by name, its names by script, what it said and what
was said about it, when it was mentioned, who appears beside it.

:func:`entity_view` is the one answer to "show me this entity": the web entity page renders it
and ``clipfile entity`` prints it.  Mention volume counts by the month a document was
*published*; undated documents are counted apart, never under the month they were ingested.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Any

from ..errors import NotFound
from ..store.base import EntityRecord, Store
from ..store.bounds import ENTITY_SAMPLE
from . import items as it

__all__ = ["one_entity", "script_of", "names_by_script", "mention_volume", "entity_view", "LIST_LIMIT"]

# Lists on the entity page stop here; the full, paginated lists are a search away.
LIST_LIMIT = 200


def one_entity(store: Store, name: str) -> EntityRecord:
    """The library entity a name (in any script) or id (``E12``) means, the most mentioned
    when several match.

    Raises:
        NotFound: no entity has that name.
    """
    found = store.find_entities(name)
    if not found:
        raise NotFound(f"no entity named {name!r} in the library")
    return found[0]


def script_of(name: str) -> str:
    """The writing system a name is in (Latin, Cyrillic, ...), from its letters."""
    for ch in name:
        if ch.isalpha():
            try:
                return unicodedata.name(ch).split()[0].title()
            except ValueError:
                return "Other"
    return "Other"


def names_by_script(entity: EntityRecord) -> dict[str, list[str]]:
    """The entity's names grouped by writing system, each group sorted."""
    names: dict[str, list[str]] = defaultdict(list)
    for n in sorted({entity.name, *entity.aliases}):
        names[script_of(n)].append(n)
    return dict(names)


def mention_volume(store: Store, entity: EntityRecord) -> dict[str, Any]:
    """``{"months": [{"month": "2024-02", "n": 3}, ...], "undated": n}``: mentions per month of
    publication, and mentions in documents with no publication month."""
    months, undated = [], 0
    for month, n in store.entity_mentions_by_month(entity.id):
        if month:
            months.append({"month": month, "n": n})
        else:
            undated += n
    return {"months": months, "undated": undated}


def _newest(found: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], bool]:
    """The first ``limit`` of items read ``limit + 1`` at a time, and whether there were more."""
    return found[:limit], len(found) > limit


def entity_view(store: Store, entity: EntityRecord, *, limit: int | None = None) -> dict[str, Any]:
    """Everything shown about an entity: names by script; quotes, claims and forecasts by it
    and about it; claims grouped by footing; dated events; mention volume; co-mentioned
    entities; documents.

    Each list holds the entity's newest ``limit`` items (by their document's date, newest first;
    the events then by their own date), read newest first from the store's index of links, so
    the page costs the same however much the library holds about the entity (``limit``:
    :data:`LIST_LIMIT`, read when called).  ``more``
    names the lists cut at ``limit`` (the page says there are more, not how many)."""
    eid = entity.id
    limit = LIST_LIMIT if limit is None else limit
    view: dict[str, Any] = {"entity": entity, "list_limit": limit, "names": names_by_script(entity)}
    more: set[str] = set()
    for kind in ("quote", "claim", "forecast"):
        for side, read in (("by", it.by), ("about", it.about)):
            key = f"{kind}s_{side}"
            view[key], cut = _newest(read(store, eid, kind, limit=limit + 1, newest=True), limit)
            if cut:
                more.add(key)
    claims_by_status: dict[str, list[dict[str, Any]]] = {s: [] for s in it.FOOTINGS}
    by_ids = {c["item_id"] for c in view["claims_by"]}
    for c in view["claims_by"] + view["claims_about"]:
        c["by_entity"] = c["item_id"] in by_ids
        c["source_ref"] = c.get("source")  # the claim's speaker; the document's outlet is ``outlet``
        claims_by_status[c.get("status") if c.get("status") in it.FOOTINGS else "asserted"].append(c)
    view["claims_by_status"] = {k: v for k, v in claims_by_status.items() if v}
    resolutions = store.forecast_resolutions()
    from ..ledger import forecast_key

    for f in view["forecasts_by"] + view["forecasts_about"]:
        f["key"] = forecast_key(f)
        f["resolution"] = resolutions.get(f["key"])
    events, cut = _newest(it.by_or_about(store, eid, "event", limit=limit + 1, newest=True), limit)
    if cut:
        more.add("events")
    view["more"] = more
    view["events"] = sorted(events, key=lambda e: ((e.get("date") or {}).get("value") or ""))
    view["timeline"] = [{"date": e["date"]["value"], "precision": e["date"].get("precision"),
                         "label": e.get("text", "")[:120], "document": e["document"], "start": e.get("start"),
                         "end": e.get("end")}
                        for e in view["events"] if isinstance(e.get("date"), dict) and e["date"].get("value")]
    volume = mention_volume(store, entity)
    view["volume"], view["volume_undated"] = volume["months"], volume["undated"]
    # counted over the entity's newest documents: estimates when it is in more
    view["co_mentioned"] = store.co_mentioned_entities(eid, sample=ENTITY_SAMPLE)
    view["co_mentioned_sample"] = ENTITY_SAMPLE if entity.document_count > ENTITY_SAMPLE else None
    view["documents"] = store.entity_documents(eid, limit=20)
    return view
