"""The web workbench: a FastAPI app with server-rendered pages over one library.

:func:`create_app` opens the library once and wires the pages; :func:`run` serves it with
uvicorn, on loopback without a token and on any other address only with one.

Requests are served concurrently: page handlers are plain functions that Starlette runs in its
thread pool, and the store reads on a pool of SQLite connections (one writer, many readers in
WAL mode), so a slow page does not hold up the others.  Each request runs under a deadline
(:mod:`clipfile.web.limits`): past ``request_timeout`` seconds, or when the client disconnects,
or when the server is told to stop, its database work is interrupted and it ends with an error
page instead of occupying a worker.
"""
from __future__ import annotations

import json
import re
import sys
import threading
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import unquote, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..errors import ClipfileError, Interrupted, NotFound, QueryError, StoreError
from ..store import open_store
from ..store.base import SearchPage, Store
from ..textindex import MAX_QUERY_CHARS
from ..weburl import http_url
from . import pages
from .highlight import CLAIM_STATUSES, highlight, spans_from_analysis
from .limits import RequestLimits
from .security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    TOKEN_COOKIE,
    TOKEN_HEADER,
    is_loopback,
    local_target,
    new_token,
    origin_matches,
    tokens_match,
)

__all__ = ["create_app", "run"]

HERE = Path(__file__).parent
PER_PAGE = 20
ITEM_KINDS = ("quote", "claim", "forecast", "event")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PASSAGE = re.compile(r"^(\d{1,9})-(\d{1,9})$")
# Seconds one request may take before its database work is stopped (`serve --request-timeout`).
REQUEST_TIMEOUT = 10.0
# Seconds `serve` waits for requests in flight once told to stop (their database work is
# interrupted at once, so they usually end within milliseconds).
SHUTDOWN_GRACE = 3

_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class BadRequest(ClipfileError):
    """A page was asked for with parameters it cannot use; the message says which."""


def _json_for_script(data: Any) -> Markup:
    """JSON safe to place inside <script type="application/json">: no '<' can end the element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


def create_app(library: str | Path | Store, *, token: str | None = None,
               trusted_hosts: list[str] | None = None,
               request_timeout: float | None = REQUEST_TIMEOUT) -> FastAPI:
    """The workbench app over a library.

    Args:
        library: an open store, or the library's file path or URL
            (:func:`clipfile.store.open_store`; a file is created when missing).  The store is
            closed when the app shuts down.
        token: when set, every request must present it (cookie, header or ``?token=``).
        trusted_hosts: when set, requests whose ``Host`` is not one of these are refused
            (guards a loopback server against DNS rebinding).
        request_timeout: seconds a request may take before its database work is stopped and it
            ends with a 503 page (None: no limit).  ``app.state.stopping.set()`` stops every
            request in flight (what :func:`run` does on SIGINT/SIGTERM).
    """
    store = open_store(library) if isinstance(library, (str, Path)) else library
    stopping = threading.Event()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="Clipfile", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store = store
    app.state.token = token
    app.state.stopping = stopping
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals.update(claim_statuses=CLAIM_STATUSES, passage_href=pages.passage_href,
                       to_json=_json_for_script, item_kinds=ITEM_KINDS)
    env.filters["snippet"] = _snippet_html
    env.filters["pct"] = lambda v: "—" if v is None else f"{v:.0%}"
    env.filters["http_url"] = http_url  # only http(s) addresses become links (javascript:, data: never)
    env.filters["short"] = lambda s, n=90: (s if len(s or "") <= n else (s or "")[: n - 1] + "…")
    # Quotation marks around direct quotes only; reported and mixed speech read as written.
    env.filters["said"] = lambda q, n=300: (
        "“" + env.filters["short"](q.get("text"), n) + "”" if q.get("kind") == "direct"
        else env.filters["short"](q.get("text"), n))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def render(request: Request, name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "Clipfile")
        return templates.TemplateResponse(request, name, {"csrf": request.state.csrf, **ctx},
                                          status_code=code)

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        return render(request, "error.html", status, title="Error", status=status, message=message)

    # -- middleware: token, CSRF cookie, security headers ------------------------------------

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or new_token()
        if app.state.token:
            given_query = request.query_params.get("token")
            if tokens_match(given_query, app.state.token):
                # Trade the token in the address for a cookie, so it leaves the address bar.
                params = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = local_target(request.url.path, urlencode(params))  # never off-site
                resp: Response = RedirectResponse(target, status_code=303)
                resp.set_cookie(TOKEN_COOKIE, app.state.token, httponly=True, samesite="strict")
                return _finish(request, resp)
            auth = request.headers.get("authorization", "")
            given = (request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE)
                     or (auth[7:] if auth.lower().startswith("bearer ") else None))
            if not tokens_match(given, app.state.token):
                resp = render(request, "login.html", 401, title="Token required", wrong=bool(given or given_query))
                return _finish(request, resp)
        resp = await call_next(request)
        return _finish(request, resp)

    def _finish(request: Request, resp: Response) -> Response:
        if request.cookies.get(CSRF_COOKIE) != request.state.csrf:
            resp.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        resp.headers.setdefault("Content-Security-Policy", _CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        return resp

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

    # -- errors -----------------------------------------------------------------------------

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return error_page(request, 404, str(exc))

    @app.exception_handler(BadRequest)
    async def _bad(request: Request, exc: BadRequest) -> HTMLResponse:
        return error_page(request, 400, str(exc))

    @app.exception_handler(QueryError)
    async def _query(request: Request, exc: QueryError) -> HTMLResponse:
        return error_page(request, 400, str(exc))

    @app.exception_handler(Interrupted)
    async def _interrupted(request: Request, exc: Interrupted) -> HTMLResponse:
        return error_page(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
            parts.append(f"{where}: {e.get('msg', 'invalid value')}")
        return error_page(request, 400, "Bad parameter — " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else \
            f"There is no page at {request.url.path}."
        return error_page(request, exc.status_code, str(message))

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/search", status_code=307)

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = "", kind: str = "document", source: str = "", language: str = "",
               date_from: str = "", date_to: str = "", entity: str = "", page: int = 1) -> HTMLResponse:
        if kind not in ("document", *ITEM_KINDS):
            raise BadRequest(f"unknown kind {kind!r}: choose document, {', '.join(ITEM_KINDS)}")
        for label, value in (("from", date_from), ("to", date_to)):
            _check_date(value, label)
        if not 1 <= page <= 10_000:
            raise BadRequest("page must be between 1 and 10000")
        if entity and not re.fullmatch(r"[Ee]?\d{1,12}", entity):
            raise BadRequest(f"{entity!r} is not an entity id (entity ids look like E12)")
        params = {"q": q, "kind": kind, "source": source, "language": language, "date_from": date_from,
                  "date_to": date_to, "entity": entity}
        error = None
        try:
            result = store.search_page(q, kinds=() if kind == "document" else (kind,), source=source or None,
                                       language=language or None, date_from=date_from or None,
                                       date_to=date_to or None, entity=entity or None,
                                       limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        except QueryError as exc:
            error, result = str(exc), SearchPage()
        entity_rec = None
        if entity:
            entity_rec = store.get_entity(entity)
        pages_total = max(1, -(-result.total // PER_PAGE))

        def url(**changes: Any) -> str:
            merged = {**params, "page": page, **changes}
            if "page" not in changes:
                merged["page"] = 1
            return "/search?" + urlencode({k: v for k, v in merged.items() if v not in ("", None, 1) or k == "q"})

        return render(request, "search.html", 400 if error else 200, title=f"Search: {q}" if q else "Search",
                      params=params, result=result, page=page, pages_total=pages_total, url=url, error=error,
                      entity_rec=entity_rec, stats=store.stats() if not q else None)

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str, hl: str = "") -> HTMLResponse:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", doc_id):
            raise NotFound(f"no document {doc_id!r}")
        doc = store.get_document(doc_id)
        target = None
        if hl:
            m = _PASSAGE.match(hl)
            if not m or not int(m.group(1)) < int(m.group(2)) <= len(doc.text):
                raise BadRequest(f"hl={hl!r} is not a passage of this document; write it as START-END "
                                 f"with 0 ≤ START < END ≤ {len(doc.text)}")
            target = (int(m.group(1)), int(m.group(2)))
        analysis = store.get_analysis(doc.id) or {}
        body = highlight(doc.text, spans_from_analysis(analysis, target=target))
        resolutions = store.forecast_resolutions()
        forecasts = []
        for f in analysis.get("forecasts") or []:
            if isinstance(f.get("start"), int):
                key = pages.forecast_key({**f, "document": doc.id})
                forecasts.append({**f, "key": key, "resolution": resolutions.get(key)})
        return render(request, "document.html", title=doc.title or doc.id, doc=doc, body=body,
                      analysis=analysis, forecasts=forecasts, target=target)

    @app.get("/entities", response_class=HTMLResponse)
    def entities(request: Request, q: str = "", page: int = 1) -> HTMLResponse:
        if not 1 <= page <= 10_000:
            raise BadRequest("page must be between 1 and 10000")
        if len(q) > MAX_QUERY_CHARS:
            raise BadRequest(f"the name is {len(q):,} characters long; the limit is {MAX_QUERY_CHARS:,} characters")
        found = store.find_entities(q) if q.strip() else store.list_entities(limit=50, offset=(page - 1) * 50)
        return render(request, "entities.html", title="Entities", q=q, entities=found, page=page)

    def _entity(ref: str):
        if not re.fullmatch(r"[Ee]?\d{1,12}", ref):
            raise NotFound(f"no entity {ref!r} (entity ids look like E12)")
        return store.get_entity(ref)

    @app.get("/entity/{ref}", response_class=HTMLResponse)
    def entity(request: Request, ref: str) -> HTMLResponse:
        e = _entity(ref)
        if f"E{e.id}" != ref:  # merged entities and lower-case ids land on the canonical page
            return RedirectResponse(f"/entity/E{e.id}", status_code=307)
        return render(request, "entity.html", title=e.name, **pages.entity_page(store, e))

    @app.post("/entity/{ref}/merge")
    async def merge(request: Request, ref: str) -> Response:
        form = await verify_csrf(request)
        keep = _entity(ref)
        other_ref = (form.get("other") or "").strip()
        if not other_ref:
            raise BadRequest("say which entity to merge into this one (an id like E12 or a name)")
        if re.fullmatch(r"[Ee]?\d{1,12}", other_ref):
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

    @app.get("/entity/{ref}/brief", response_class=HTMLResponse)
    def brief(request: Request, ref: str, download: int = 0) -> HTMLResponse:
        e = _entity(ref)
        resp = render(request, "brief.html", title=f"Brief: {e.name}", generated=date.today().isoformat(),
                      base_url=str(request.base_url).rstrip("/"), **pages.brief(store, e))
        # The brief is saved and printed on its own, so its stylesheet is inline (no scripts).
        resp.headers["Content-Security-Policy"] = _CSP.replace("style-src 'self'", "style-src 'unsafe-inline'")
        if download:
            safe = re.sub(r"[^A-Za-z0-9]+", "-", e.name).strip("-") or f"E{e.id}"
            resp.headers["Content-Disposition"] = f'attachment; filename="brief-E{e.id}-{safe}.html"'
        return resp

    @app.get("/forecasts", response_class=HTMLResponse)
    def forecasts(request: Request, by: str = "", show: str = "all") -> HTMLResponse:
        if show not in ("all", "open", "overdue", "resolved"):
            raise BadRequest("show must be one of all, open, overdue, resolved")
        return render(request, "ledger.html", title="Forecast ledger", by=by, show=show, row_limit=200,
                      **pages.ledger(store, forecaster=by or None))

    @app.post("/forecasts/resolve")
    async def resolve(request: Request) -> Response:
        form = await verify_csrf(request)
        key = form.get("key", "")
        m = re.fullmatch(r"([A-Za-z0-9_-]+):(\d+)-(\d+)", key)
        if not m:
            raise BadRequest(f"{key!r} is not a forecast key (document:start-end)")
        doc_id = m.group(1)
        if not any(pages.forecast_key(f) == key for f in store.items("forecast", doc_id=doc_id)):
            raise NotFound(f"no forecast {key!r}")
        outcome = form.get("outcome")
        if outcome not in ("yes", "no"):
            raise BadRequest("say whether the forecast came true: outcome yes or no")
        when = (form.get("date") or "").strip() or None
        _check_date(when, "resolution")
        note = (form.get("note") or "").strip()[:2000] or None
        store.resolve_forecast(key, outcome=outcome == "yes", date=when, note=note)
        nxt = form.get("next") or "/forecasts"
        parts = urlsplit(nxt)
        nxt = "/forecasts" if parts.scheme or parts.netloc or not nxt.startswith("/") else \
            local_target(unquote(parts.path), parts.query)
        return RedirectResponse(nxt, status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "documents": store.document_count()}

    app.add_middleware(RequestLimits, seconds=request_timeout, stopping=stopping)
    hosts = list(trusted_hosts or [])
    if hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    return app


def _check_date(value: str | None, label: str) -> None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD naming a real day/month; else a readable 400."""
    if not value:
        return
    m = _DATE.match(value)
    try:
        if not m:
            raise ValueError
        parts = [int(p) for p in value.split("-")]
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise BadRequest(f"the {label} date {value!r} is not a date; write it as YYYY-MM-DD") from None


def _snippet_html(snippet: str) -> Markup:
    """A ``[[match]]``-marked snippet as HTML: every piece escaped, matches in <b>."""
    from markupsafe import escape

    parts = re.split(r"\[\[|\]\]", snippet or "")
    return Markup("".join(f"<b>{escape(p)}</b>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)))


def run(library: str | Path, host: str = "127.0.0.1", port: int = 8000, *,
        token: str | None = None, request_timeout: float | None = REQUEST_TIMEOUT) -> None:
    """Serve the workbench; beyond loopback a token is required (generated and printed when not given).

    Stops promptly on SIGINT/SIGTERM: the signal stops the database work of every request in
    flight (they end with a 503 page), and what has not finished :data:`SHUTDOWN_GRACE` seconds
    later is cancelled.
    """
    import uvicorn

    loopback = is_loopback(host)
    if not loopback and not token:
        token = new_token()
    shown = f"[{host}]" if ":" in host else host
    if token:
        print(f"Clipfile is listening on {host}:{port}, which other machines may reach; "
              "every request needs this access token:", file=sys.stderr)
        print(f"  token: {token}", file=sys.stderr)
        print(f"  open:  http://{shown}:{port}/?token={token}", file=sys.stderr)
    else:
        print(f"Clipfile workbench at http://{shown}:{port}/ (loopback only; no token needed)", file=sys.stderr)
    trusted = [h for h in ("127.0.0.1", "localhost", "::1", "[::1]")] if loopback and not token else None
    if trusted and host not in trusted:
        trusted.append(host)
    app = create_app(library, token=token, trusted_hosts=trusted, request_timeout=request_timeout)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.state.stopping.set()  # interrupt the database work of requests in flight
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            timeout_graceful_shutdown=SHUTDOWN_GRACE)
    Server(config).run()
