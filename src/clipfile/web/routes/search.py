"""The search page: documents or items, filters and facets (:mod:`clipfile.read.search`)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ...errors import QueryError
from ...read.search import SEARCH_KINDS, SearchRequest, SearchResult, check_request, search
from ..common import PER_PAGE, BadRequest, check_page, render, store_of

router = APIRouter()


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/search", status_code=307)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", kind: str = "document", source: str = "", language: str = "",
                date_from: str = "", date_to: str = "", entity: str = "", footing: str = "",
                page: int = 1) -> HTMLResponse:
    store = store_of(request)
    check_page(page)
    if footing and kind == "document":
        kind = "claim"  # a footing names claims
    req = SearchRequest(q, kind=kind, source=source or None, language=language or None,
                        date_from=date_from or None, date_to=date_to or None, entity=entity or None,
                        footing=footing or None, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    try:
        req = check_request(req)  # a bad filter is a bad page; a bad query is said on the page
    except QueryError as exc:
        raise BadRequest(str(exc)) from None
    params = {"q": q, "kind": kind, "source": source, "language": language, "date_from": date_from,
              "date_to": date_to, "entity": entity, "footing": req.footing or ""}
    error = None
    try:
        result = search(store, req)
    except QueryError as exc:
        error, result = str(exc), SearchResult(req, [], 0)
    entity_rec = store.get_entity(entity) if entity else None
    pages_total = max(1, -(-(result.total or 0) // PER_PAGE))

    def url(**changes: Any) -> str:
        merged = {**params, "page": page, **changes}
        if "page" not in changes:
            merged["page"] = 1
        if merged.get("kind") != "claim":
            merged["footing"] = ""
        return "/search?" + urlencode({k: v for k, v in merged.items() if v not in ("", None, 1) or k == "q"})

    return render(request, "search.html", 400 if error else 200, title=f"Search: {q}" if q else "Search",
                  params=params, result=result, page=page, pages_total=pages_total, url=url, error=error,
                  entity_rec=entity_rec, stats=store.stats() if not q else None, kinds=SEARCH_KINDS)
