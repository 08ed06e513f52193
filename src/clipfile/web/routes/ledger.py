"""The forecast ledger page and resolving a forecast (:mod:`clipfile.ledger`, via
:func:`clipfile.web.pages.ledger`)."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...errors import NotFound, QueryError
from ...read.search import check_date
from .. import pages
from ..common import BadRequest, render, store_of, verify_csrf
from ..security import local_target

router = APIRouter()


@router.get("/forecasts", response_class=HTMLResponse)
def forecasts(request: Request, by: str = "", show: str = "all", after: str = "") -> HTMLResponse:
    if show not in ("all", "open", "overdue", "resolved"):
        raise BadRequest("show must be one of all, open, overdue, resolved")
    if after and show == "all":
        raise BadRequest("a page cursor (after) goes with one section: show=open, overdue or resolved")
    try:
        book = pages.ledger(store_of(request), forecaster=by or None, show=show, after=after or None)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return render(request, "ledger.html", title="Forecast ledger", by=by, show=show, after=after, **book)


@router.post("/forecasts/resolve")
async def resolve(request: Request) -> Response:
    store = store_of(request)
    form = await verify_csrf(request)
    key = form.get("key", "")
    m = re.fullmatch(r"([A-Za-z0-9_-]+):(\d+)-(\d+)", key)
    if not m:
        raise BadRequest(f"{key!r} is not a forecast key (document:start-end)")
    if not store.forecast_page(today=date.today().isoformat(), key=key, limit=1).rows:
        raise NotFound(f"no forecast {key!r}")
    outcome = form.get("outcome")
    if outcome not in ("yes", "no"):
        raise BadRequest("say whether the forecast came true: outcome yes or no")
    when = (form.get("date") or "").strip() or None
    try:
        check_date(when, "resolution")
    except QueryError as exc:
        raise BadRequest(str(exc)) from None
    note = (form.get("note") or "").strip()[:2000] or None
    store.resolve_forecast(key, outcome=outcome == "yes", date=when, note=note)
    nxt = form.get("next") or "/forecasts"
    parts = urlsplit(nxt)
    nxt = "/forecasts" if parts.scheme or parts.netloc or not nxt.startswith("/") else \
        local_target(unquote(parts.path), parts.query)
    return RedirectResponse(nxt, status_code=303)
