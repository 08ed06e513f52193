"""Nothing a user types or points the workbench at can freeze it, crash it or send it elsewhere.

Absurd queries are refused (with the limit named) and the work of a query within the limits grows
linearly with it; requests are read concurrently and stop at their deadline, when their client
goes away or when the server is told to stop; redirects stay on this site; merging an entity into
itself is an error.  Work is measured by counting Python calls (``sys.setprofile``), never by
the clock.
"""
from __future__ import annotations

import html
import itertools
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

pytest.importorskip("fastapi", reason="the web workbench needs fastapi (pip install fastapi jinja2 python-multipart)")
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from clipfile import deadline, textindex  # noqa: E402
from clipfile.cli import app as cli  # noqa: E402
from clipfile.errors import Interrupted, QueryError, StoreError  # noqa: E402
from clipfile.read.whosaid import who_said  # noqa: E402
from clipfile.records import Document  # noqa: E402
from clipfile.store.query import parse_query  # noqa: E402
from clipfile.store.sqlite import SQLiteStore  # noqa: E402
from clipfile.textindex import MAX_QUERY_CHARS, MAX_QUERY_TERMS, check_query, snippet  # noqa: E402
from clipfile.web import create_app  # noqa: E402
from clipfile.web.limits import RequestLimits  # noqa: E402
from clipfile.web.security import local_target  # noqa: E402

from _webfix import build_library  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LONG_QUERY = " ".join(["port*"] * 1000)  # the reproduction: a 1,000-word, 6 KB query


@pytest.fixture()
def lib(tmp_path):
    path = tmp_path / "lib.sqlite"
    return path, build_library(path)


@pytest.fixture()
def client(lib):
    with TestClient(create_app(lib[0])) as c:
        yield c


def calls(fn, *args, **kwargs) -> int:
    """How much Python work ``fn`` does: function calls and generator steps, in this thread and
    in threads started meanwhile (the web app serves a request in a worker thread)."""
    counter = itertools.count()

    def profile(frame, event, arg):
        next(counter)

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        fn(*args, **kwargs)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]
    return next(counter)


def asgi_get(app, path: str, query: str = "") -> tuple[int, str]:
    """One GET straight through the ASGI app, in a fresh event loop (and so in fresh worker
    threads, which :func:`calls` sees); no HTTP client in the way."""
    import anyio

    sent: list[dict] = []

    async def receive():
        await anyio.sleep(3600)  # the client stays until the answer is complete

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8000)}

    async def main():
        with anyio.fail_after(60):
            await app(scope, receive, send)

    anyio.run(main)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()


# -- query limits and linear snippets -------------------------------------------------------------


def _port_text(n_words: int, seed: int = 1) -> str:
    words = "the port authority said porters and portals near the harbour would reopen on Monday".split()
    rng = random.Random(seed)
    return " ".join(rng.choice(words) for _ in range(n_words)) + "."


def test_snippet_work_is_linear_in_the_number_of_terms():
    text = _port_text(2000)
    one = calls(snippet, text, "port*")
    for query in (" ".join(["port*"] * 3000), " ".join(f"w{i}x*" for i in range(3000)),
                  " ".join(f"w{i}" for i in range(3000))):
        # Each extra term may cost a few dozen calls; per word of the text it costs nothing.
        assert calls(snippet, text, query) <= one + 60 * 3000
    # ... and linear in the text: twice the words, at most about twice the work.
    assert calls(snippet, _port_text(4000), "port*") <= 2.3 * one


def test_snippet_is_unchanged_in_what_it_shows():
    text = "The port authority said the porters would return. " * 3 + "Nothing else happened at the quay."
    s = snippet(text, "port* quay", width=120)
    assert "[[port]]" in s and "[[porters]]" in s and s.startswith("The [[port]]")
    assert snippet("Путина встретили в порту.", "Путин") == "[[Путина]] встретили в порту."
    assert snippet("no match here", "zebra") == "no match here"


@pytest.mark.parametrize("query", ["port", "port*", "PORT quay", "Путин", "ёлка", "елки", "café", "s*",
                                   '"port authority"', "(porters OR quay) NOT x"])
def test_snippet_finds_the_words_a_pass_over_every_word_finds(query):
    # The snippet searches for the terms and checks only the words that begin with one; the
    # words it marks are those a check of every word of the text marks.
    text = ("The PORT, port-side Porters; x_port Port's portal. Café cafe CAFÉ. Путина встретили, "
            "ПУТИНЫМ гордились, путинизм; Ёлка у ёлки, елка. Straße strasse ß. ") * 3 + _port_text(300)
    matcher = textindex._Matcher(textindex._terms(parse_query(query)))
    every_word = [(m.start(), m.end()) for m in textindex._WORD.finditer(text) if matcher(m.group())]
    assert matcher.candidates is not None
    assert [(m.start(), m.end()) for m in matcher.hits(text)] == every_word and every_word


def test_check_query_names_the_limits():
    check_query(" ".join(["port*"] * MAX_QUERY_TERMS))
    check_query(" OR ".join(["a"] * MAX_QUERY_TERMS))  # operators are not terms
    limits = f"the limit is {MAX_QUERY_TERMS} terms and {MAX_QUERY_CHARS:,} characters"
    with pytest.raises(QueryError, match=f"{MAX_QUERY_TERMS + 1} terms, .*; {limits}"):
        check_query(" ".join(["port*"] * (MAX_QUERY_TERMS + 1)))
    with pytest.raises(QueryError, match=f"1 terms, {MAX_QUERY_CHARS + 1:,} characters\\); {limits}"):
        check_query("x" * (MAX_QUERY_CHARS + 1))


def test_store_refuses_long_queries(lib):
    with SQLiteStore(lib[0]) as store:
        for call in (store.search, store.search_page):
            with pytest.raises(QueryError, match="limit is") as info:
                call(LONG_QUERY)
            assert "\n" not in str(info.value)
        assert store.search(" ".join(["terminal"] * MAX_QUERY_TERMS))  # right at the limit: answered


def test_web_refuses_a_long_query_with_a_400_that_names_the_limit_and_does_little_work(client):
    r = client.get("/search", params={"q": LONG_QUERY})
    assert r.status_code == 400
    text = html.unescape(r.text)
    assert (f"the query is too long (1,000 terms, 5,999 characters); the limit is {MAX_QUERY_TERMS} terms "
            f"and {MAX_QUERY_CHARS:,} characters") in text
    assert "Traceback" not in text
    r = client.get("/search", params={"q": "x" * 20_000})
    assert r.status_code == 400 and f"and {MAX_QUERY_CHARS:,} characters" in html.unescape(r.text)
    # The freeze: refusing a 1,000- or 10,000-word query costs what answering a one-word search
    # does plus a few calls per word, and a query right at the limit costs little more.
    app = client.app
    queries = {n: urlencode({"q": " ".join(["port*"] * n)}) for n in (1000, 10_000)}
    one_word, at_limit = urlencode({"q": "terminal"}), urlencode({"q": " ".join(["terminal*"] * MAX_QUERY_TERMS)})
    for query in (*queries.values(), one_word, at_limit):  # warm up: templates compiled, caches filled
        assert asgi_get(app, "/search", query)[0] in (200, 400)
    answer = calls(asgi_get, app, "/search", one_word)
    for n, query in queries.items():  # a few calls per word of the query at most, then refused
        assert calls(asgi_get, app, "/search", query) <= answer + 10 * n
    # (the query's words are normalised and matched once each, and it is echoed into each link)
    assert calls(asgi_get, app, "/search", at_limit) <= 2 * answer


def test_cli_search_refuses_a_long_query_in_one_line(lib):
    r = CliRunner().invoke(cli, ["-L", str(lib[0]), "search", LONG_QUERY])
    assert r.exit_code == 1
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert "Error: the query is too long (1,000 terms, 5,999 characters); the limit is" in " ".join(r.output.split())
    assert len(lines) <= 3  # one message (the console may wrap it), no traceback
    assert "Traceback" not in r.output


def test_who_said_looks_for_a_long_pasted_quote_by_its_opening_words(lib):
    with SQLiteStore(lib[0]) as store:
        quote = "will open before the winter storms " + " ".join(f"filler{i}" for i in range(200))
        groups = who_said(store, quote)  # no QueryError: the opening words are searched
        assert groups == [] or all("winter storms" in g["quote"]["text"] for g in groups)
        [g] = who_said(store, "will open before the winter storms")
        assert g["sources"][0]["speaker"] == "Lena Osk"


# -- concurrency ----------------------------------------------------------------------------------


def _in_thread(fn, *args):
    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, out


def test_reads_run_while_another_read_and_a_write_transaction_are_open(lib):
    store = SQLiteStore(lib[0])
    try:
        with store._read():  # one reader busy in this thread ...
            with store._tx() as db:  # ... and the writer in the middle of a transaction
                db.execute("UPDATE documents SET title = 'changed' WHERE rowid = 1")
                th, out = _in_thread(store.search_page, "terminal")
                th.join(timeout=30)  # a bound on termination, not on speed
                assert not th.is_alive(), "a read waited for another connection's transaction"
                assert out["value"].total == 2
                # ... and it saw the library as last committed, not the write in progress
                th, out = _in_thread(lambda: store.get_document(out["value"].hits[0].doc_id).title)
                th.join(timeout=30)
                assert out["value"] != "changed"
    finally:
        store.close()


def test_web_pages_do_not_wait_for_the_writer(lib):
    app = create_app(lib[0])
    with TestClient(app) as c:
        store = app.state.store
        with store._tx():  # a write transaction held open (an ingest in another thread, say)
            th, out = _in_thread(c.get, "/search?q=terminal")
            th.join(timeout=30)
            assert not th.is_alive(), "a page waited for the writer"
            assert out["value"].status_code == 200 and "2 documents match" in out["value"].text
            th, out = _in_thread(c.get, "/healthz")
            th.join(timeout=30)
            assert out["value"].json() == {"ok": True, "documents": 3}


def test_in_memory_library_still_works():
    with SQLiteStore(":memory:") as store:
        store.add_document(Document("The ferry left the quay at dawn.", title="Ferry"))
        assert store.search("quay")[0].title == "Ferry"
        assert store.search_page("ferry").total == 1


# -- deadlines: too long, client gone, shutting down -----------------------------------------------

# A statement that runs for minutes unless something stops it.
_ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n"


@pytest.mark.parametrize("how, words", [("time", "took longer than 0.2 s"), ("gone", "client went away"),
                                        ("stopping", "shutting down")])
def test_a_long_statement_stops_at_the_deadline(lib, how, words):
    store = SQLiteStore(lib[0])
    event = threading.Event()
    limit = 0.2 if how == "time" else None
    kwargs = {"gone": event} if how == "gone" else {"stopping": event} if how == "stopping" else {}
    if how != "time":
        threading.Timer(0.2, event.set).start()
    try:
        with deadline.time_limit(limit, **kwargs):
            with pytest.raises(Interrupted, match=words):
                with store._read() as db:
                    db.execute(_ENDLESS).fetchone()
        assert store.document_count() == 3  # the reader is healthy again, and back in the pool
    finally:
        store.close()


def test_an_interrupted_write_rolls_back(lib):
    store = SQLiteStore(lib[0])
    try:
        with deadline.time_limit(0.2):
            with pytest.raises(Interrupted):
                with store._tx() as db:
                    db.execute("UPDATE documents SET title = 'half-done'")
                    db.execute(_ENDLESS).fetchone()
        assert "half-done" not in {d.title for d in store.list_documents()}
        store.set_state("after", 1)  # the writer works again
        assert store.get_state("after") == 1
    finally:
        store.close()


def test_a_request_past_its_time_limit_ends_with_a_503_page(lib):
    with TestClient(create_app(lib[0], request_timeout=0)) as c:
        r = c.get("/search", params={"q": "terminal"})
        assert r.status_code == 503
        assert "took longer than 0 s and was stopped" in html.unescape(r.text)
        assert c.get("/static/app.js").status_code == 200  # no database work, no limit reached


def test_a_request_whose_client_went_away_is_stopped(lib):
    """Through the whole ASGI app: the client disconnects before the page is built."""
    import anyio

    app = create_app(lib[0])
    sent: list[dict] = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": "/search", "raw_path": b"/search", "query_string": b"q=terminal",
             "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8000)}

    async def main():
        async with app.router.lifespan_context(app):
            await app(scope, receive, send)

    anyio.run(main)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
    assert start["status"] == 503 and "client went away" in body


def test_request_limits_leave_finished_requests_alone():
    """A disconnect reported after the response was sent (the normal end) cancels nothing."""
    import anyio

    seen: dict = {}

    async def inner(scope, receive, send):
        seen["deadline"] = deadline.current()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        await anyio.sleep(0.05)
        return {"type": "http.disconnect"}

    async def send(message):
        pass

    mw = RequestLimits(inner, seconds=5, stopping=threading.Event())
    anyio.run(mw, {"type": "http"}, receive, send)
    d = seen["deadline"]
    assert d is not None and d.seconds == 5 and not d.gone.is_set()
    assert deadline.current() is None  # the limit ends with the request


def test_stopping_the_server_stops_requests_in_flight(monkeypatch, tmp_path):
    import uvicorn

    from clipfile.web import run

    servers: list = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **kw: servers.append(self))
    run(tmp_path / "lib.sqlite", host="127.0.0.1", port=8123, request_timeout=7)
    server = servers[-1]
    assert server.config.timeout_graceful_shutdown and server.config.timeout_graceful_shutdown <= 5
    app = server.config.app
    assert not app.state.stopping.is_set()
    server.handle_exit(signal.SIGTERM, None)
    assert app.state.stopping.is_set() and server.should_exit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_exits_promptly_on_sigterm_with_a_request_in_flight(lib, workers):
    """One process, or several accepting on one socket: SIGTERM stops them all."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "clipfile", "-L", str(lib[0]), "serve", "--port", str(port),
                             "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):  # up to 30 s to start
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"serve did not start: {proc.stderr.read().decode() if proc.poll() is not None else ''}")
        for _ in range(6):  # every process answers (connections are spread over them)
            with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                assert c.recv(64).startswith(b"HTTP/1.1 200")
        # A client that sends half a form and then nothing: the request stays in flight.
        hanging = socket.create_connection(("127.0.0.1", port), timeout=5)
        hanging.sendall(b"POST /forecasts/resolve HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nkey=")
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)  # a bound on termination, not a speed measurement
        except subprocess.TimeoutExpired:
            pytest.fail("serve was still running 10 s after SIGTERM")
        hanging.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- redirects stay on this site ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["//evil.example/", "///evil.example/search", "/\\evil.example/",
                                  "/%2F%2Fevil.example/", "/\\/evil.example"])
def test_token_in_the_address_never_redirects_off_site(lib, path):
    with TestClient(create_app(lib[0], token="s3cret-token")) as c:
        r = c.get(f"http://testserver{path}?token=s3cret-token&q=x", follow_redirects=False)
        assert r.status_code == 303
        location = r.headers["location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\"))
        assert not urlsplit(location).netloc and "token" not in location and location.endswith("?q=x")
        assert "clipfile_token" in r.headers["set-cookie"]


def test_local_target_keeps_ordinary_paths():
    assert local_target("/search", "q=a+b") == "/search?q=a+b"
    assert local_target("/doc/d1", "") == "/doc/d1"
    assert local_target("//evil.example/x", "") == "/evil.example/x"
    assert local_target("/\t/evil.example", "") == "/%09/evil.example"


def test_resolve_next_stays_on_this_site(client, lib):
    page = client.get("/forecasts")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    key = re.search(r'name="key" value="([^"]+)"', page.text).group(1)
    for nxt, want in [("/\\evil.example/", "/%5Cevil.example/"), ("//evil.example/", "/forecasts"),
                      ("https://evil.example/", "/forecasts"), ("/forecasts?by=E1", "/forecasts?by=E1")]:
        r = client.post("/forecasts/resolve", data={"csrf": token, "key": key, "outcome": "no", "next": nxt},
                        follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == want


# -- merging an entity into itself --------------------------------------------------------------


def test_store_refuses_to_merge_an_entity_into_itself(lib):
    with SQLiteStore(lib[0]) as store:
        with pytest.raises(StoreError, match=r"cannot merge an entity into itself \(E1\)"):
            store.merge_entities("E1", "E1")
        store.merge_entities("E1", "E2")
        with pytest.raises(StoreError, match="E1 and E2 are already one entity"):
            store.merge_entities("E1", "E2")


def test_cli_refuses_to_merge_an_entity_into_itself(lib):
    r = CliRunner().invoke(cli, ["-L", str(lib[0]), "entity", "merge", "E1", "E1"])
    assert r.exit_code == 1
    assert "cannot merge an entity into itself (E1)" in " ".join(r.output.split())


def test_web_refuses_to_merge_an_entity_into_itself(client):
    page = client.get("/entity/E1")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    for other in ("E1", "e1", "Lena Osk"):
        r = client.post("/entity/E1/merge", data={"csrf": token, "other": other}, follow_redirects=False)
        assert r.status_code == 400, other
        text = html.unescape(r.text)
        assert "cannot merge an entity into itself" in text or "matches 0 other entities" in text
    r = client.post("/entity/E1/merge", data={"csrf": token, "other": "E1"})
    assert "cannot merge an entity into itself (E1)" in html.unescape(r.text)



def test_real_server_stops_the_work_of_a_client_that_hung_up(lib):
    """uvicorn itself reports the disconnect: the statement of the abandoned request is interrupted."""
    import uvicorn

    app = create_app(lib[0], request_timeout=None)
    outcome: list[str] = []

    @app.get("/slow-for-test")
    def slow() -> dict:
        store = app.state.store
        try:
            with store._read() as db:
                db.execute(_ENDLESS).fetchone()
            outcome.append("finished")
        except Interrupted as exc:
            outcome.append(str(exc))
            raise
        return {}

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    try:
        for _ in range(300):
            if server.started:
                break
            time.sleep(0.1)
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        client.sendall(b"GET /slow-for-test HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        time.sleep(0.5)
        client.close()  # the client gives up
        for _ in range(300):  # a bound on termination (30 s), not a speed measurement
            if outcome:
                break
            time.sleep(0.1)
        assert outcome and "client went away" in outcome[0]
    finally:
        server.should_exit = True
        th.join(timeout=30)
