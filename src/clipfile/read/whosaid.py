"""``who-said``: find a quotation across the library and everyone it is attributed to.

The same words reported by several outlets (or twice in one article) are one group, listed once
with all their sources; differing attributions of the same words are kept visible.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import QueryError
from ..store.base import Store
from ..store.query import Query
from ..textindex import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from .search import SearchRequest, search

__all__ = ["who_said", "quote_key"]

_WORD = re.compile(r"\w+", re.UNICODE)


def quote_key(text: str) -> str:
    """Words of a quote, case-folded: copies that differ in marks, case or spacing share it."""
    return " ".join(w.casefold() for w in _WORD.findall(text))


def _within_query_limits(words: list[str]) -> list[str]:
    """The opening words of a pasted quote that fit a search query (a long quote is found by its
    first sentence or so just as well; the store refuses queries beyond the limits)."""
    taken: list[str] = []
    size = 0
    for w in words[:MAX_QUERY_TERMS]:
        size += len(w) + len(" AND ") * bool(taken)
        if size > MAX_QUERY_CHARS - 2:
            break
        taken.append(w)
    return taken


def who_said(store: Store, phrase: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Quotes containing ``phrase`` (as a phrase, else all its words), grouped by wording.

    A phrase longer than a search query may be is looked for by its opening words.

    Returns a list of ``{"quote": item, "sources": [{document, start, end, title, source,
    published, speaker, resolution}]}``, the most widely sourced first.
    """
    words = _within_query_limits(_WORD.findall(phrase))
    if not words:
        raise QueryError("give some words of the quote to look for")
    page = search(store, SearchRequest(Query.phrase(words), kind="quote", limit=500), facets=False)
    if not page.hits:
        page = search(store, SearchRequest(Query.all_of(words), kind="quote", limit=500), facets=False)
    items = [page.items[h.item_id] for h in page.hits if h.item_id in page.items]
    groups: dict[str, dict[str, Any]] = {}
    for q in items:
        g = groups.setdefault(quote_key(q["text"]), {"quote": q, "sources": []})
        spk = q.get("speaker") or {}
        g["sources"].append({
            "document": q["document"], "start": q["start"], "end": q["end"], "title": q.get("title"),
            "source": q.get("outlet"), "published": q.get("published"), "url": q.get("url"),
            "speaker": spk.get("name"), "entity_id": spk.get("entity_id"), "resolution": spk.get("resolution"),
        })
    ranked = sorted(groups.values(), key=lambda g: (-len(g["sources"]), g["quote"].get("published") or ""))
    return ranked[:limit]
