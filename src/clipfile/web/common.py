"""What every page module shares: rendering, errors, the CSRF check and parameter checks.

The app (:mod:`clipfile.web.app`) keeps the store and the templates on ``app.state``; a route
reaches them through the request, so page modules hold no state of their own.
"""
from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ClipfileError, NotFound
from ..store.base import EntityRecord, Store
from .security import CSRF_COOKIE, CSRF_FIELD, origin_matches, tokens_match

__all__ = ["BadRequest", "CSP", "PER_PAGE", "store_of", "render", "error_page", "verify_csrf", "check_page",
           "entity_or_404"]

PER_PAGE = 20
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ENTITY_REF = re.compile(r"[Ee]?\d{1,12}")


class BadRequest(ClipfileError):
    """A page was asked for with parameters it cannot use; the message says which."""


def store_of(request: Request) -> Store:
    """The library the app serves."""
    return request.app.state.store


def render(request: Request, name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
    """A template rendered with the request's CSRF token (and a default title)."""
    ctx.setdefault("title", "Clipfile")
    return request.app.state.templates.TemplateResponse(request, name, {"csrf": request.state.csrf, **ctx},
                                                        status_code=code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, title="Error", status=status, message=message)


async def verify_csrf(request: Request) -> dict[str, str]:
    """The submitted form, once its CSRF token and origin check out."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    cookie = request.cookies.get(CSRF_COOKIE)
    given = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token")
    if not tokens_match(given, cookie) or not origin_matches(request.headers.get("origin"),
                                                             request.headers.get("host")):
        raise StarletteHTTPException(403, "This form has expired or did not come from this page "
                                          "(CSRF check failed). Reload the page and try again.")
    return form


def check_page(page: int) -> None:
    if not 1 <= page <= 10_000:
        raise BadRequest("page must be between 1 and 10000")


def entity_or_404(store: Store, ref: str) -> EntityRecord:
    """The entity an id in a URL names (after merges), or NotFound."""
    if not ENTITY_REF.fullmatch(ref):
        raise NotFound(f"no entity {ref!r} (entity ids look like E12)")
    return store.get_entity(ref)
