"""Watching: a local feed server that changes, answers 304, 500 and a malformed body."""
from __future__ import annotations

import http.server
import io
import json
import threading

import httpx
import pytest
from rich.console import Console

from clipfile.records import Document, to_dict
from clipfile.watch import (
    WatchFileError,
    WatchSource,
    load_watch_file,
    poll_source,
    run_watch,
    status_table,
)

ITEMS = {
    "a": ("Ferry timetable changes", "The island ferry will run twice a day from next month, the operator said."),
    "b": ("Library reopens", "The town library reopened on Saturday after a two-year renovation."),
    "c": ("Bakery wins prize", "A family bakery on Mill Street won the regional bread award this week."),
    "d": ("Storm warning", "Forecasters expect strong winds on the coast on Thursday night."),
}


def rss(keys: list[str], *, truncate: bool = False) -> bytes:
    items = "".join(
        f"<item><title>{ITEMS[k][0]}</title><link>http://news.test/{k}</link><guid>urn:news:{k}</guid>"
        f"<description>{ITEMS[k][1]}</description></item>"
        for k in keys
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>{items}</channel></rss>'
    if truncate:
        body = body[: body.index("<item>", body.index("</item>")) + 30]  # cut inside the second item
    return body.encode()


class FeedServer:
    """Serves whatever ``self.mode`` says; records request headers."""

    def __init__(self) -> None:
        self.mode = "feed"
        self.keys = ["a", "b"]
        self.etag: str | None = '"v1"'
        self.last_modified: str | None = None
        self.page = "<html><head><title>Notice</title></head><body><article><p>" \
                    "The harbour office announced that the north pier will close for repairs in May.</p>" \
                    "</article></body></html>"
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                if self.path == "/page":
                    return self._send(200, outer.page.encode(), "text/html; charset=utf-8")
                if outer.mode == "500":
                    return self._send(500, b"oops", "text/plain")
                if outer.mode == "malformed":
                    return self._send(200, b"<rss><channel><item><title>Half", "application/rss+xml")
                if outer.mode == "truncated":
                    return self._send(200, rss(outer.keys, truncate=True), "application/rss+xml",
                                      etag='"broken"')
                if outer.etag and self.headers.get("If-None-Match") == outer.etag:
                    return self._send(304, b"", None, etag=outer.etag)
                if outer.last_modified and self.headers.get("If-Modified-Since") == outer.last_modified:
                    return self._send(304, b"", None)
                return self._send(200, rss(outer.keys), "application/rss+xml", etag=outer.etag,
                                  last_modified=outer.last_modified)

            def _send(self, code, body, ctype, etag=None, last_modified=None) -> None:
                self.send_response(code)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                if last_modified:
                    self.send_header("Last-Modified", last_modified)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def server():
    srv = FeedServer()
    yield srv
    srv.server.shutdown()
    srv.server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Library:
    """Stands in for the store: remembers every document ingested, by id."""

    def __init__(self) -> None:
        self.docs: list[Document] = []

    def ingest(self, docs: list[Document]) -> list[str]:
        self.docs.extend(docs)
        return [d.id for d in docs]

    def titles(self) -> list[str]:
        return [d.title for d in self.docs]


def test_feed_polls_conditional_new_only_backoff_and_restart(server, tmp_path):
    src = WatchSource("gazette", server.url + "/rss", "feed", interval=60)
    lib, clock, state = Library(), Clock(), {}
    client = httpx.Client(timeout=5)

    def poll():
        return poll_source(src, state, client=client, ingest=lib.ingest, clock=clock)

    r = poll()
    assert (r.status, r.new, r.fetched) == ("new", 2, 2) and len(r.doc_ids) == 2
    assert lib.titles() == ["Ferry timetable changes", "Library reopens"]

    r = poll()  # same ETag: 304, nothing read
    assert r.status == "not-modified" and server.requests[-1]["if-none-match"] == '"v1"'

    server.keys, server.etag = ["a", "b", "c"], '"v2"'
    r = poll()
    assert (r.status, r.new) == ("new", 1) and lib.titles()[-1] == "Bakery wins prize"

    server.mode = "500"
    clock.now += 60
    r = poll()
    assert r.status == "error" and "HTTP 500" in r.error
    s = state["sources"]["gazette"]
    assert s["errors"] == 1 and s["next_due"] == clock.now + 120
    server.mode = "malformed"
    r = poll()
    assert r.status == "error" and ("malformed" in r.error or "no feed entry" in r.error)
    assert s["errors"] == 2 and s["next_due"] == clock.now + 240  # backing off exponentially
    assert s["etag"] == '"v2"'  # failures keep the validators

    # restart: the state survives as JSON, the feed has moved on (a dropped, d new)
    saved = json.dumps(state)
    server.mode, server.keys, server.etag = "feed", ["b", "c", "d"], None
    server.last_modified = "Tue, 14 Nov 2023 10:00:00 GMT"
    state = json.loads(saved)
    clock.now += 1000
    r = poll()
    assert (r.status, r.new) == ("new", 1) and lib.titles()[-1] == "Storm warning"
    assert state["sources"]["gazette"]["errors"] == 0
    r = poll()
    assert r.status == "not-modified"
    assert server.requests[-1]["if-modified-since"] == server.last_modified
    # nothing ingested twice, nothing missed
    assert sorted(d.metadata.get("entry_id") for d in lib.docs) == [f"urn:news:{k}" for k in "abcd"]
    assert state["sources"]["gazette"]["items"] == 4


def test_truncated_feed_ingests_what_it_can_and_refetches(server):
    src = WatchSource("gazette", server.url + "/rss", "feed", interval=60)
    lib, state = Library(), {}
    client = httpx.Client(timeout=5)
    server.mode, server.keys = "truncated", ["a", "b", "c"]
    r = poll_source(src, state, client=client, ingest=lib.ingest, clock=Clock())
    assert r.status == "new" and lib.titles() == ["Ferry timetable changes"]
    assert not state["sources"]["gazette"].get("etag")  # the damaged body's validator is not trusted
    server.mode = "feed"
    r = poll_source(src, state, client=client, ingest=lib.ingest, clock=Clock())
    assert r.new == 2 and "if-none-match" not in server.requests[-1]
    assert lib.titles() == ["Ferry timetable changes", "Library reopens", "Bakery wins prize"]


def test_failed_ingest_marks_nothing_seen(server):
    from clipfile.errors import StoreError

    src = WatchSource("gazette", server.url + "/rss", "feed", interval=60)
    state: dict = {}

    def broken(docs):
        raise StoreError("library is locked")

    r = poll_source(src, state, client=httpx.Client(timeout=5), ingest=broken, clock=Clock())
    assert r.status == "error" and "locked" in r.error
    assert state["sources"]["gazette"]["seen"] == [] and not state["sources"]["gazette"].get("etag")
    lib = Library()
    r = poll_source(src, state, client=httpx.Client(timeout=5), ingest=lib.ingest, clock=Clock())
    assert r.new == 2


def test_run_watch_schedules_saves_state_and_fires_alerts(server, tmp_path):
    watch = tmp_path / "watch.toml"
    watch.write_text(f"""
[[source]]
name = "gazette"
url = "{server.url}/rss"
kind = "feed"
interval = "1m"

[[source]]
name = "notices"
url = "{server.url}/page"
kind = "page"
interval = 90

[[alert]]
name = "ferry news"
phrase = "ferry"

[delivery]
log = "alerts.jsonl"
""")
    config = load_watch_file(watch)
    assert [s.name for s in config.sources] == ["gazette", "notices"]
    assert config.sources[0].interval == 60 and config.log == (tmp_path / "alerts.jsonl").resolve()

    lib, clock = Library(), Clock()
    store: dict = {}
    saves = []

    def save(state):
        saves.append(1)
        store["state"] = json.loads(json.dumps(state))  # what the library would keep

    def analyze(doc_id):
        doc = next(d for d in lib.docs if d.id == doc_id)
        return {"document": to_dict(doc), "entities": [], "quotes": [], "claims": [], "forecasts": [],
                "events": [], "duplicates": []}

    out = io.StringIO()
    start = clock.now
    report = run_watch(config, state_load=lambda: store.get("state", {}), state_save=save, ingest=lib.ingest,
                       analyze=analyze, until=start + 200, console=Console(file=out, width=200), clock=clock)
    assert (report.polls, report.new, report.alerts, report.errors, report.delivery_failures) == (7, 3, 1, [], [])
    feed_polls = [r for r in server.requests if r["path"] == "/rss"]
    page_polls = [r for r in server.requests if r["path"] == "/page"]
    assert len(feed_polls) == 4 and len(page_polls) == 3  # at 0, 60, 120, 180 and 0, 90, 180
    assert len(saves) == 7
    assert len(lib.docs) == 3  # two feed entries and the page, once each
    logged = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert len(logged) == 1 and logged[0]["rule"] == "ferry news"
    ferry = next(d for d in lib.docs if d.id == logged[0]["document"])
    assert ferry.text[logged[0]["start"]:logged[0]["end"]].lower() == "ferry"
    assert "gazette" in out.getvalue() and "ALERT ferry news" in out.getvalue()

    # a restart with --once: the page changed, the feed did not; nothing twice
    server.page = server.page.replace("May", "June")
    clock.now += 10
    run_watch(config, state_load=lambda: store.get("state", {}), state_save=save, ingest=lib.ingest,
              once=True, console=Console(file=io.StringIO()), clock=clock)
    assert len(lib.docs) == 4 and "June" in lib.docs[-1].text
    table = status_table(config, store["state"], now=clock.now)
    assert table.row_count == 2


def test_watch_file_errors(tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[[source]]\nurl = 'ftp://x'\n")
    with pytest.raises(WatchFileError, match="http"):
        load_watch_file(bad)
    bad.write_text("[[source]]\nurl = 'https://x.test/feed'\nkind = 'podcast'\n")
    with pytest.raises(WatchFileError, match="kind"):
        load_watch_file(bad)
    bad.write_text("[[source]]\nurl = 'https://x.test/feed'\ninterval = 'often'\n")
    with pytest.raises(WatchFileError, match="duration"):
        load_watch_file(bad)
    bad.write_text("[[source]]\nurl = 'https://x.test/feed'\n[[alert]]\nkind = 'quote-by'\n")
    with pytest.raises(WatchFileError, match="needs"):
        load_watch_file(bad)
    bad.write_text("[[source\n")
    with pytest.raises(WatchFileError, match="TOML"):
        load_watch_file(bad)
    with pytest.raises(WatchFileError, match="not found"):
        load_watch_file(tmp_path / "missing.toml")
    bad.write_text("[[source]]\nname='r'\nurl = 'https://x.test/live'\nkind='stream'\nduration='10m'\nchunk='2m'\n")
    cfg = load_watch_file(bad)
    assert cfg.sources[0].duration == 600 and cfg.sources[0].chunk == 120
