"""URL fetching against a local HTTP server on 127.0.0.1 (no other network)."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from clipfile.errors import IngestError
from clipfile.ingest import USER_AGENT, Source, read_source, read_url, samples_dir

SLOW_SECONDS = 2.0
MB = 1024 * 1024
# Pages the tests can change between two fetches.
PAGES: dict[str, bytes] = {}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    def _send(self, status: int, body: bytes, content_type: str, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            return  # the client gave up first (the timeout test)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path
        if path == "/page":
            self._send(200, (samples_dir() / "coastline-ferry.html").read_bytes(), "text/html; charset=utf-8")
        elif path == "/feed":
            self._send(200, (samples_dir() / "averill-courier-feed.xml").read_bytes(), "application/rss+xml")
        elif path == "/notes/plain":
            self._send(200, "Заметка о погоде: завтра в долине ожидается сильный дождь.".encode("cp1251"),
                       "text/plain; charset=windows-1251")
        elif path in PAGES:
            self._send(200, PAGES[path], "text/html; charset=utf-8")
        elif path == "/doctype-feed":
            from test_ingest_html_feed_jsonl import DOCTYPE_RSS

            self._send(200, DOCTYPE_RSS, "application/xml")
        elif path == "/ua":
            self._send(200, f"Agent seen: {self.headers.get('User-Agent')}".encode(), "text/plain")
        elif path == "/missing":
            self._send(404, b"<h1>Not here</h1>", "text/html")
        elif path == "/broken":
            self._send(503, b"down", "text/plain")
        elif path == "/loop-a":
            self._redirect("/loop-b")
        elif path == "/loop-b":
            self._redirect("/loop-a")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left:
                self._redirect(f"/chain/{left - 1}")
            else:
                self._send(200, b"The end of a short chain of redirects.", "text/plain")
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"Finally here.", "text/plain")
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(10 * MB))
            self.end_headers()
            try:
                self.wfile.write(b"a" * MB)
            except OSError:
                return
        elif path == "/huge-streamed":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()  # no length: the body ends when the connection closes
            try:
                for _ in range(40):
                    self.wfile.write(b"word " * 13107)
            except OSError:
                return
        else:
            self._send(404, b"", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_html_page(server: str) -> None:
    (doc,) = read_url(f"{server}/page")
    assert doc.kind == "html"
    assert doc.title == "Gull Island ferry to resume after storm repairs"
    assert doc.origin == f"{server}/page"
    assert doc.fetched and doc.fetched.endswith("+00:00")


def test_feed_by_content_type(server: str) -> None:
    docs = read_url(f"{server}/feed")
    assert len(docs) == 3 and {d.kind for d in docs} == {"feed-entry"}
    assert all(d.fetched for d in docs)


def test_declared_charset_and_plain_text(server: str) -> None:
    (doc,) = read_url(f"{server}/notes/plain")
    assert doc.kind == "text"
    assert doc.text.startswith("Заметка о погоде")
    assert doc.url == f"{server}/notes/plain"


def test_user_agent(server: str) -> None:
    (doc,) = read_url(f"{server}/ua")
    assert doc.text == f"Agent seen: {USER_AGENT}"
    assert USER_AGENT.startswith("Clipfile/") and "(+https://github.com/clipfile/clipfile)" in USER_AGENT


@pytest.mark.parametrize(("path", "message"), [("/missing", "HTTP 404 Not Found"), ("/broken", "HTTP 503")])
def test_error_status(server: str, path: str, message: str) -> None:
    with pytest.raises(IngestError, match=message) as info:
        read_url(f"{server}{path}")
    assert str(info.value).startswith(f"{server}{path}: ")


def test_redirect_loop(server: str) -> None:
    with pytest.raises(IngestError, match="redirect loop"):
        read_url(f"{server}/loop-a")


def test_redirect_limit(server: str) -> None:
    (doc,) = read_url(f"{server}/chain/3", max_redirects=5)
    assert doc.text == "The end of a short chain of redirects."
    assert doc.url == f"{server}/chain/0" and doc.origin == f"{server}/chain/3"
    with pytest.raises(IngestError, match=r"too many redirects \(more than 5\)"):
        read_url(f"{server}/chain/7", max_redirects=5)


def test_timeout(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(IngestError, match="timed out after 0.3 s"):
        read_url(f"{server}/slow", timeout=0.3)
    assert time.monotonic() - started < SLOW_SECONDS  # gave up instead of waiting


def test_size_cap_from_declared_length(server: str) -> None:
    with pytest.raises(IngestError, match=r"response body is 10.0 MB, over the 1.0 MB limit"):
        read_url(f"{server}/huge-declared", max_bytes=MB)


def test_size_cap_while_streaming(server: str) -> None:
    with pytest.raises(IngestError, match=r"larger than that, over the 1.0 MB limit .*--max-bytes"):
        read_url(f"{server}/huge-streamed", max_bytes=MB)


def test_connection_refused() -> None:
    with pytest.raises(IngestError, match="could not connect"):
        read_url("http://127.0.0.1:9/nothing", timeout=2)


def test_only_http_schemes() -> None:
    with pytest.raises(IngestError, match="only http"):
        read_url("ftp://127.0.0.1/file.txt")


def test_read_source_with_shared_client(server: str) -> None:
    with httpx.Client() as client:
        docs = read_source(Source("url", f"{server}/page"), client=client)
        assert docs[0].kind == "html"
        assert not client.is_closed  # a caller's client is left open for reuse


def test_feed_served_as_application_xml_with_a_doctype(server: str) -> None:
    docs = read_url(f"{server}/doctype-feed")
    assert [d.kind for d in docs] == ["feed-entry", "feed-entry"]
    assert [d.url for d in docs] == ["https://valley.example/bridge", "https://valley.example/dam"]
    assert all(d.fetched_from is None for d in docs)  # entries name their pages, never fetched them


def _story(paragraph: str) -> bytes:
    return (f"<html><head><title>Quay repairs</title></head><body><article><h1>Quay repairs</h1>"
            f"<p>{paragraph}</p><p>The harbour master said the old stones would be kept.</p>"
            "</article></body></html>").encode()


def test_only_fetched_documents_become_versions_of_a_page(server: str, tmp_path) -> None:
    import json

    from _ingestcli import ingest_cli, stored

    lib = tmp_path / "lib.sqlite"
    url = f"{server}/story"
    PAGES["/story"] = _story("Repairs to the north quay will start on Monday and take three weeks.")
    r = ingest_cli(lib, url)
    assert r.exit_code == 0 and "1 new" in r.said, r.output
    (page,) = stored(lib)
    assert page.fetched_from == url and page.url == url
    # A JSON Lines record and a feed entry that merely claim the page's URL ...
    (tmp_path / "claims.jsonl").write_text(json.dumps(
        {"text": "Repairs to the north quay are cancelled, a leaflet claims.", "url": url}) + "\n")
    (tmp_path / "claims.rss").write_text(
        f"<rss><channel><title>Rumours</title><item><title>Quay</title><link>{url}</link>"
        "<description>The quay will be sold to a hotel chain, a post says.</description></item>"
        "</channel></rss>")
    r = ingest_cli(lib, str(tmp_path / "claims.jsonl"), str(tmp_path / "claims.rss"))
    assert r.exit_code == 0 and "2 new" in r.said and "version" not in r.said, r.output
    claims = stored(lib)[1:]
    # ... keep it as the link they name, but are no version of the page and no page's successor.
    assert [(d.url, d.supersedes, d.fetched_from) for d in claims] == [(url, None, None), (url, None, None)]
    # The page fetched again with new text is the next version of the page itself.
    PAGES["/story"] = _story("Repairs to the north quay will start on Monday and take five weeks.")
    r = ingest_cli(lib, url)
    assert r.exit_code == 0 and "1 version" in r.said, r.output
    assert stored(lib)[-1].supersedes == page.id


def test_javascript_and_data_urls_are_never_links(tmp_path) -> None:
    import json

    from clipfile.ingest import read_bytes

    from _ingestcli import ingest_cli, stored

    records = [
        {"text": "The ferry timetable changes on Monday.", "url": "javascript:alert(document.cookie)"},
        {"text": "The bridge toll rises in May.", "url": "data:text/html,<script>alert(1)</script>"},
        {"text": "The library opens late on Thursdays.", "url": " https://valley.example/library "},
    ]
    (tmp_path / "links.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    r = ingest_cli(tmp_path / "lib.sqlite", str(tmp_path / "links.jsonl"))
    assert r.exit_code == 0 and "3 new" in r.said, r.output
    docs = stored(tmp_path / "lib.sqlite")
    assert [d.url for d in docs] == [None, None, "https://valley.example/library"]
    assert docs[0].metadata["non_http_url"] == "javascript:alert(document.cookie)"
    assert docs[1].metadata["non_http_url"].startswith("data:")
    feed = (b"<rss><channel><title>W</title><item><title>A</title><link>JavaScript:alert(1)</link>"
            b"<description>The pier reopens after repairs.</description></item>"
            b"<item><title>B</title><link>/news/dam</link>"
            b"<description>The dam held through the flood.</description></item></channel></rss>")
    first, second = read_bytes(feed, url="https://valley.example/rss")
    assert first.url == "https://valley.example/rss" and first.metadata["non_http_url"] == "JavaScript:alert(1)"
    assert second.url == "https://valley.example/news/dam"  # relative links resolve against the feed
