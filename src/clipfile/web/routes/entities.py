"""Entity pages: the list, one entity (:func:`clipfile.read.entities.entity_view`, what
``clipfile entity`` prints), merging two, and the printable actor brief
(:func:`clipfile.read.brief.brief_data`, what ``clipfile brief`` renders)."""
from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...errors import NotFound, StoreError
from ...read.brief import brief_data
from ...read.entities import entity_view
from ...textindex import MAX_QUERY_CHARS
from ..common import CSP, ENTITY_REF, BadRequest, check_page, entity_or_404, render, store_of, verify_csrf
from ..pages import passage_href

router = APIRouter()


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, q: str = "", page: int = 1) -> HTMLResponse:
    store = store_of(request)
    check_page(page)
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequest(f"the name is {len(q):,} characters long; the limit is {MAX_QUERY_CHARS:,} characters")
    found = store.find_entities(q) if q.strip() else store.list_entities(limit=50, offset=(page - 1) * 50)
    return render(request, "entities.html", title="Entities", q=q, entities=found, page=page)


@router.get("/entity/{ref}", response_class=HTMLResponse)
def entity(request: Request, ref: str) -> Response:
    store = store_of(request)
    e = entity_or_404(store, ref)
    if f"E{e.id}" != ref:  # merged entities and lower-case ids land on the canonical page
        return RedirectResponse(f"/entity/E{e.id}", status_code=307)
    view = entity_view(store, e)
    for t in view["timeline"]:
        t["href"] = passage_href(t["document"], t["start"], t["end"])
    return render(request, "entity.html", title=e.name, **view)


@router.post("/entity/{ref}/merge")
async def merge(request: Request, ref: str) -> Response:
    store = store_of(request)
    form = await verify_csrf(request)
    keep = entity_or_404(store, ref)
    other_ref = (form.get("other") or "").strip()
    if not other_ref:
        raise BadRequest("say which entity to merge into this one (an id like E12 or a name)")
    if ENTITY_REF.fullmatch(other_ref):
        other = store.get_entity(other_ref)
        other_ref = f"E{other_ref.lstrip('Ee')}"
    else:
        matches = [m for m in store.find_entities(other_ref) if m.id != keep.id]
        if len(matches) != 1:
            raise BadRequest(f"{other_ref!r} matches {len(matches)} other entities; give the id (E12)")
        other = matches[0]
        other_ref = f"E{other.id}"
    try:
        merged = store.merge_entities(f"E{ref.lstrip('Ee')}", other_ref)
    except NotFound:
        raise
    except StoreError as exc:  # the same entity twice: say so rather than do nothing
        raise BadRequest(str(exc)) from exc
    return RedirectResponse(f"/entity/E{merged.id}?merged=E{other.id}", status_code=303)


@router.get("/entity/{ref}/brief", response_class=HTMLResponse)
def brief(request: Request, ref: str, download: int = 0) -> HTMLResponse:
    store = store_of(request)
    e = entity_or_404(store, ref)
    resp = render(request, "brief.html", title=f"Brief: {e.name}", generated=date.today().isoformat(),
                  base_url=str(request.base_url).rstrip("/"), **brief_data(store, e))
    # The brief is saved and printed on its own, so its stylesheet is inline (no scripts).
    resp.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", "style-src 'unsafe-inline'")
    if download:
        safe = re.sub(r"[^A-Za-z0-9]+", "-", e.name).strip("-") or f"E{e.id}"
        resp.headers["Content-Disposition"] = f'attachment; filename="brief-E{e.id}-{safe}.html"'
    return resp
