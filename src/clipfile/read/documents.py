"""One document with everything found in it, and the library's recycled text.

:func:`document_view` is what ``clipfile show`` prints and what the web document page lists:
every quote, stance, claim, forecast (with its ledger id and resolution), event and recycled passage of
the stored analysis, each with its offsets.  :func:`recycled` lists passages that repeat
earlier text across the library (``clipfile recycled``), with both copies' words.
"""
from __future__ import annotations

from typing import Any

from ..ledger import forecast_key, short_id
from ..records import Document
from ..store.base import EntityLink, Store
from .items import ABOUT_ROLES, BY_ROLES

__all__ = ["document_view", "recycled", "ITEM_SECTIONS"]

# The analysis's item lists, in the order a reader goes through them.
ITEM_SECTIONS = ("quotes", "stances", "claims", "forecasts", "events", "duplicates")


def document_view(store: Store, ref: str) -> dict[str, Any]:
    """``{"document": Document, "analysis": dict | None, "quotes": [...], "claims": [...],
    "forecasts": [...], "events": [...], "duplicates": [...]}`` for a document id or unique
    prefix.  Forecasts carry ``key``, ``ledger_id`` and ``resolution``; recycled passages their
    ``text`` and, for a copy of another document, ``of_text``.

    Raises:
        NotFound: no such document (or the prefix is ambiguous).
    """
    doc = store.get_document(ref)
    analysis = store.get_analysis(doc.id)
    view: dict[str, Any] = {"document": doc, "analysis": analysis}
    for section in ITEM_SECTIONS:
        view[section] = [dict(x) for x in (analysis or {}).get(section) or [] if isinstance(x, dict)]
    resolutions = store.forecast_resolutions() if view["forecasts"] else {}
    for f in view["forecasts"]:
        if isinstance(f.get("start"), int):
            f["key"] = forecast_key({**f, "document": doc.id})
            f["ledger_id"] = short_id(f["key"])
            f["resolution"] = resolutions.get(f["key"])
    _passages(store, view["duplicates"], doc)
    return view


def _passages(store: Store, dups: list[dict[str, Any]], doc: Document | None = None) -> None:
    """Give each duplicate record the words of its passage and of the copy it repeats."""
    spans: list[tuple[str, int, int]] = []
    for d in dups:
        of: dict[str, Any] = d["of"] if isinstance(d.get("of"), dict) else {}
        spans.append((of.get("document") or "", int(of.get("start") or 0), int(of.get("end") or 0)))
    texts = store.recycled.slices(spans) if spans else []
    for d, of_text in zip(dups, texts):
        if not d.get("text") and isinstance(d.get("start"), int):
            if doc is not None and d.get("document", doc.id) == doc.id:
                owner = doc.text
            else:
                owner = store.get_document(d["document"]).text
            d["text"] = owner[d["start"]:d["end"]]
        d["of_text"] = of_text


def recycled(store: Store, *, doc_id: str | None = None, entity: int | None = None, within: bool = False,
             limit: int | None = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Passages that repeat earlier text, oldest documents first.

    Args:
        doc_id: only passages of this document.
        entity: only passages that name this entity (or an entity merged into it).
        within: also list repeats inside one document (by default only copies of other documents).
        limit, offset: a page of the list (``limit`` None: all).

    Each passage is the stored duplicate record (``start``, ``end``, ``of``, ``similarity``,
    ``inconsistencies``) with ``document``, ``title``, ``published``, ``outlet``, its ``text`` and
    the earlier copy's words as ``of_text``.
    """
    links = (EntityLink(entity, BY_ROLES + ABOUT_ROLES),) if entity is not None else ()
    rows = store.items("duplicate", doc_id=doc_id, links=links, cross_document=not within,
                       limit=limit, offset=offset)
    _passages(store, rows)
    return rows
