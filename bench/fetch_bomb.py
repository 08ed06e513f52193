#!/usr/bin/env python3
"""A gzip bomb against the size cap: how much is read and held before the fetch refuses.

A local server on 127.0.0.1 sends a body that unpacks to ``--gib`` GiB of zeros (about 1 MB
compressed per GiB) with ``Content-Encoding: gzip``.  Both ways Clipfile fetches a URL are
run against it: ``read_url`` (what ``clipfile ingest URL`` does) and ``poll_source`` (what
``clipfile watch`` does for a page source).  For each it prints the outcome, the compressed
bytes the client pulled off the socket, and the peak memory Python allocated during the call
(tracemalloc: numpy-free code, so this is close to the real figure).  Asserts nothing.

    python bench/fetch_bomb.py [--gib 2] [--max-mb 50]
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx  # noqa: E402

MIB = 1024 * 1024


def gzip_bomb_blocks(gib: float) -> tuple[bytes, bytes, int]:
    """(first block with the gzip header, repeated block, how many repeats) for ``gib`` GiB of zeros.

    After a full flush deflate starts afresh, so the same MiB of zeros always packs to the
    same bytes: the bomb is made in milliseconds and streamed without being held.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = packer.compress(b"\0" * MIB) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(b"\0" * MIB) + packer.flush(zlib.Z_FULL_FLUSH)
    return first, block, max(1, int(gib * 1024) - 1)


class CountingTransport(httpx.HTTPTransport):
    """Counts the bytes of response bodies as they come off the connection (still compressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.raw_bytes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        inner = response.stream
        outer = self

        class Counted(httpx.SyncByteStream):
            def __iter__(self):
                for chunk in inner:
                    outer.raw_bytes += len(chunk)
                    yield chunk

            def close(self) -> None:
                inner.close()

        response.stream = Counted()
        return response


def serve(gib: float) -> tuple[ThreadingHTTPServer, str]:
    first, block, repeats = gzip_bomb_blocks(gib)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            try:
                self.wfile.write(first)
                for _ in range(repeats):
                    self.wfile.write(block)
            except OSError:
                return  # the client stopped reading: what the cap is for

        def log_message(self, *args: object) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/bomb.html"


def measure(name: str, call) -> None:
    transport = CountingTransport()
    client = httpx.Client(transport=transport, timeout=60)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call(client)
    except Exception as exc:  # noqa: BLE001 - the bench reports whatever happened
        outcome = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    client.close()
    print(f"{name}: {outcome}")
    print(f"  compressed bytes read: {transport.raw_bytes:,}  peak Python memory: {peak / MIB:,.1f} MiB  "
          f"time: {seconds:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gib", type=float, default=2.0, help="unpacked size of the bomb in GiB")
    parser.add_argument("--max-mb", type=int, default=50, help="the size cap in MiB (Clipfile's default: 50)")
    args = parser.parse_args()
    httpd, url = serve(args.gib)
    max_bytes = args.max_mb * MIB
    first, block, repeats = gzip_bomb_blocks(args.gib)
    print(f"bomb: {args.gib:g} GiB of zeros as {len(first) + len(block) * repeats:,} gzip bytes; cap {args.max_mb} MiB")

    from clipfile.ingest import read_url
    from clipfile.watch import WatchSource, poll_source

    measure("ingest URL (read_url)", lambda c: f"read {len(read_url(url, client=c, max_bytes=max_bytes))} documents")

    def watch(c: httpx.Client) -> str:
        src = WatchSource("bomb", url, "page", interval=3600)
        result = poll_source(src, {}, client=c, ingest=lambda docs: [d.id for d in docs], max_bytes=max_bytes)
        return f"{result.status}: {result.error}"

    measure("watch page source (poll_source)", watch)
    httpd.shutdown()
    httpd.server_close()


if __name__ == "__main__":
    main()
