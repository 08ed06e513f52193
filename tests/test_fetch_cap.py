"""The size cap counts unpacked bytes: a gzip bomb from a local server is refused after a few
kilobytes, by ``ingest URL`` and by ``watch`` alike (one fetch for both)."""
from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from clipfile.errors import IngestError
from clipfile.ingest import read_url
from clipfile.ingest.fetch import INFLATE_STEP, fetch_response, inflate
from clipfile.watch import WatchSource, poll_source

MIB = 1024 * 1024
CAP = 50 * MIB  # Clipfile's default cap
PAGE = ("<html><head><title>Quay works</title></head><body><article><p>The harbour board said on Monday "
        "that repairs to the east quay will start in spring and last until the autumn.</p></article></body></html>")
FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Quay news</title><item><title>Quay works'
        '</title><guid>urn:q:1</guid><description>Repairs start in spring.</description></item></channel></rss>')


def bomb_parts(gib: float, wbits: int = 31) -> tuple[bytes, bytes, int]:
    """(first block with the header, the block that repeats, repeats) unpacking to ``gib`` GiB of zeros.

    After a full flush deflate starts afresh, so the same MiB of zeros always packs to the same
    bytes: the bomb costs two compressions to make and is streamed, never held.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = packer.compress(b"\0" * MIB) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(b"\0" * MIB) + packer.flush(zlib.Z_FULL_FLUSH)
    return first, block, int(gib * 1024) - 1


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return

    def _head(self, status: int, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path
        if path.startswith("/bomb"):
            deflate = path.endswith("-deflate")
            first, block, repeats = bomb_parts(2.0, 15 if deflate else 31)
            ctype = "application/rss+xml" if "feed" in path else "text/html; charset=utf-8"
            self._head(200, ctype, Content_Encoding="deflate" if deflate else "gzip")
            try:
                self.wfile.write(first)
                for _ in range(repeats):
                    self.wfile.write(block)
            except OSError:
                return  # the client stopped reading, as it should
        elif path == "/packed-page":
            body = gzip.compress(PAGE.encode())
            self._head(200, "text/html; charset=utf-8", Content_Encoding="gzip", Content_Length=str(len(body)))
            self.wfile.write(body)
        elif path == "/brotli":
            self._head(200, "text/html", Content_Encoding="br", Content_Length="4")
            self.wfile.write(b"\x0b\x02\x80x")
        elif path == "/to-file":
            self._head(302, "text/plain", Location="file:///etc/passwd", Content_Length="0")
        elif path.startswith("/hop/"):
            left = int(path.rsplit("/", 1)[1])
            if left:
                self._head(302, "text/plain", Location=f"/hop/{left - 1}", Content_Length="0")
            else:
                body = FEED.encode()
                self._head(200, "application/rss+xml", Content_Length=str(len(body)))
                self.wfile.write(body)
        else:
            self._head(404, "text/plain", Content_Length="0")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class CountingTransport(httpx.HTTPTransport):
    """Counts response body bytes as they come off the connection, still packed."""

    def __init__(self) -> None:
        super().__init__()
        self.raw_bytes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        inner, outer = response.stream, self

        class Counted(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                for chunk in inner:
                    outer.raw_bytes += len(chunk)
                    yield chunk

            def close(self) -> None:
                inner.close()

        response.stream = Counted()
        return response


def counting_client() -> tuple[httpx.Client, CountingTransport]:
    transport = CountingTransport()
    return httpx.Client(transport=transport, timeout=30), transport


def test_bomb_is_tiny_on_the_wire():
    first, block, repeats = bomb_parts(2.0)
    assert len(first) + len(block) * repeats < 3 * MIB  # 2 GiB unpacked


@pytest.mark.parametrize("path", ["/bomb", "/bomb-deflate"])
def test_ingest_url_refuses_a_bomb_after_reading_little(server, path):
    client, transport = counting_client()
    with client, pytest.raises(IngestError, match=r"response body \(unpacked\) is larger than that, over the 50.0 MB"):
        read_url(server + path, client=client)
    # 50 MiB of zeros pack into about 50 kB: the reading stopped within a few network reads
    assert 0 < transport.raw_bytes < 512 * 1024


@pytest.mark.parametrize("kind,path", [("page", "/bomb"), ("feed", "/bomb-feed")])
def test_watch_refuses_a_bomb_with_the_same_cap(server, kind, path):
    client, transport = counting_client()
    state: dict = {}
    with client:
        result = poll_source(WatchSource("quay", server + path, kind, interval=600), state, client=client,
                             ingest=lambda docs: pytest.fail("nothing may be ingested"), clock=FixedClock())
    assert result.status == "error" and "over the 50.0 MB limit" in result.error
    assert 0 < transport.raw_bytes < 512 * 1024
    assert state["sources"]["quay"]["errors"] == 1 and state["sources"]["quay"]["seen"] == []


def test_a_smaller_cap_is_honoured_too(server):
    client, transport = counting_client()
    with client, pytest.raises(IngestError, match=r"over the 1.0 MB limit"):
        fetch_response(server + "/bomb", client=client, max_bytes=MIB)
    assert transport.raw_bytes < 256 * 1024


def test_inflate_holds_at_most_one_step_and_pulls_lazily():
    first, block, repeats = bomb_parts(1.0)
    pulled = 0

    def wire() -> Iterator[bytes]:
        nonlocal pulled
        for part in [first] + [block] * repeats:
            pulled += 1
            yield part

    unpacked = 0
    for piece in inflate(wire(), "gzip"):
        assert len(piece) <= INFLATE_STEP
        unpacked += len(piece)
        if unpacked > 3 * MIB:
            break
    # 3 MiB out needed about 3 of the 1024 blocks, however much each could unpack to
    assert pulled <= 5 and unpacked <= 3 * MIB + INFLATE_STEP


def test_inflate_round_trips_real_bodies():
    text = ("Река вышла из берегов. The river burst its banks. " * 3000).encode()
    cuts = lambda data: [data[i : i + 997] for i in range(0, len(data), 997)]  # noqa: E731
    assert b"".join(inflate(cuts(gzip.compress(text)), "gzip")) == text
    assert b"".join(inflate(cuts(zlib.compress(text)), "deflate")) == text
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert b"".join(inflate(cuts(raw.compress(text) + raw.flush()), "deflate")) == text  # headerless deflate
    two = gzip.compress(text[:100]) + gzip.compress(text[100:200])
    assert b"".join(inflate(cuts(two), "gzip")) == text[:200]  # several members, as gzip writes them
    with pytest.raises(IngestError, match="damaged gzip body"):
        list(inflate([b"this is not gzip data at all"], "gzip"))


def test_packed_page_reads_normally(server):
    (doc,) = read_url(server + "/packed-page")
    assert "east quay will start in spring" in doc.text


def test_unknown_encoding_and_non_http_redirect_refused(server):
    with pytest.raises(IngestError, match="Content-Encoding 'br'"):
        read_url(server + "/brotli")
    with pytest.raises(IngestError, match="non-http"):
        read_url(server + "/to-file")


class FixedClock:
    now = 1_700_000_000.0

    def time(self) -> float:
        return self.now


def test_watch_source_max_redirects_is_honoured(server):
    ingested: list = []

    def poll(limit: int):
        src = WatchSource(f"hops-{limit}", server + "/hop/2", "feed", interval=600, max_redirects=limit)
        return poll_source(src, {}, client=httpx.Client(timeout=10), ingest=lambda d: ingested.extend(d) or [],
                           clock=FixedClock())

    refused = poll(1)
    assert refused.status == "error" and "too many redirects (more than 1)" in refused.error
    assert poll(2).status == "new" and ingested[0].title == "Quay works"
