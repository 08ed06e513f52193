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

import contextlib
import json
import os
import re
import signal
import socket
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..errors import Interrupted, NotFound, QueryError
from ..read.search import ITEM_KINDS
from ..store import open_store
from ..store.base import Store
from ..weburl import http_url
from . import pages
from .common import CSP, BadRequest, error_page, render
from .highlight import CLAIM_STATUSES
from .limits import RequestLimits
from .routes import ROUTERS
from .security import CSRF_COOKIE, TOKEN_COOKIE, TOKEN_HEADER, is_loopback, local_target, new_token, tokens_match

__all__ = ["create_app", "run", "BadRequest"]

HERE = Path(__file__).parent
# Seconds one request may take before its database work is stopped (`serve --request-timeout`).
REQUEST_TIMEOUT = 10.0
# Seconds `serve` waits for requests in flight once told to stop (their database work is
# interrupted at once, so they usually end within milliseconds).
SHUTDOWN_GRACE = 3


def _json_for_script(data: Any) -> Markup:
    """JSON safe to place inside <script type="application/json">: no '<' can end the element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text.replace("&", "\\u0026"))


def _templates() -> Jinja2Templates:
    """The page templates with Clipfile's globals and filters."""
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
    return templates


def create_app(library: str | Path | Store, *, token: str | None = None,
               trusted_hosts: list[str] | None = None,
               request_timeout: float | None = REQUEST_TIMEOUT) -> FastAPI:
    """The workbench app over a library.

    The pages live in :mod:`clipfile.web.routes`, one module per page type; this function opens
    the library, sets up templates, the token and CSRF guard and the error pages, and mounts them.

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
    app.state.templates = _templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

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

    for router in ROUTERS:
        app.include_router(router)

    app.add_middleware(RequestLimits, seconds=request_timeout, stopping=stopping)
    hosts = list(trusted_hosts or [])
    if hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    return app


def _finish(request: Request, resp: Response) -> Response:
    """Set the CSRF cookie when it is new, and the security headers every response carries."""
    if request.cookies.get(CSRF_COOKIE) != request.state.csrf:
        resp.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp


def _snippet_html(snippet: str) -> Markup:
    """A ``[[match]]``-marked snippet as HTML: every piece escaped, matches in <b>."""
    from markupsafe import escape

    parts = re.split(r"\[\[|\]\]", snippet or "")
    return Markup("".join(f"<b>{escape(p)}</b>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)))


def run(library: str | Path, host: str = "127.0.0.1", port: int = 8000, *,
        token: str | None = None, request_timeout: float | None = REQUEST_TIMEOUT, workers: int = 1) -> None:
    """Serve the workbench; beyond loopback a token is required (generated and printed when not given).

    Stops promptly on SIGINT/SIGTERM: the signal stops the database work of every request in
    flight (they end with a 503 page), and what has not finished :data:`SHUTDOWN_GRACE` seconds
    later is cancelled.  ``workers`` processes accept on the same socket (each with its own
    store connections), so requests are served on every core.
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

    children: list[int] = []

    def serve_here(sockets: list[Any] | None, *, parent: bool = False) -> None:
        # Each serving process opens the library itself (its own writer and readers).
        app = create_app(library, token=token, trusted_hosts=trusted, request_timeout=request_timeout)

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: Any) -> None:
                app.state.stopping.set()  # interrupt the database work of requests in flight
                if parent:  # the other serving processes stop too (uvicorn re-raises the signal
                    _signal_all(children, sig)  # once it has shut down: no code runs after it)
                super().handle_exit(sig, frame)

        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                timeout_graceful_shutdown=SHUTDOWN_GRACE)
        Server(config).run(sockets=sockets)

    if workers <= 1 or not hasattr(os, "fork"):
        serve_here(None)
        return
    # Several processes accept on one socket: request work (pages, snippets) holds Python's
    # lock, so one process serves one request at a time however many connections it reads on.
    sock = uvicorn.Config(create_app, host=host, port=port).bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        # (accepted connections inherit it: without it a one-client exchange waits on
        # delayed acknowledgements, ~40 ms a request)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 0
            try:
                serve_here([sock])
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    try:
        serve_here([sock], parent=True)
    finally:
        _signal_all(children, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):  # reaped already
                os.waitpid(pid, 0)


def _signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # that worker has exited already
            os.kill(pid, sig)
