"""Fetching URLs with httpx: a clear User-Agent, timeouts, a size cap and a redirect limit.

Every HTTP GET Clipfile makes for content goes through :func:`fetch_response`: ``clipfile
ingest URL`` (:func:`read_url`) and the page and feed sources of ``clipfile watch``.  The cap
counts *unpacked* bytes: a compressed body is inflated here, at most :data:`INFLATE_STEP` bytes
at a time, and reading stops as soon as the total passes ``max_bytes``.  httpx's own decoders
inflate a whole network read at once, so 64 kB of a gzip bomb become 64 MB before anyone can
count them; that is why we ask only for the encodings we inflate ourselves (gzip, deflate) and
read the raw stream.
"""
from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx

from clipfile import __version__
from clipfile.errors import IngestError
from clipfile.ingest.read import DEFAULT_MAX_BYTES, now_iso, read_bytes, too_big
from clipfile.ingest.result import ReadResult

__all__ = ["read_url", "fetch", "fetch_response", "Fetched", "StatusError", "USER_AGENT", "ACCEPT_ENCODING"]

USER_AGENT = f"Clipfile/{__version__} (+https://github.com/clipfile/clipfile)"
# Only what _inflate can unpack under the cap; anything else the server sends is refused.
ACCEPT_ENCODING = "gzip, deflate"
# Most bytes one inflate call may produce: the cap is never overshot by more than this.
INFLATE_STEP = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
# A server trickling bytes never trips the per-read timeout; bound the whole body too.
_TOTAL_TIMEOUT_FACTOR = 10


class StatusError(IngestError):
    """The server answered with an error status; ``status`` and ``retry_after`` say which and when to return."""

    def __init__(self, message: str, origin: str | None = None, *, status: int, retry_after: str | None = None) -> None:
        super().__init__(message, origin)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful (2xx) or not-modified (304) response, its body unpacked and within the cap."""

    body: bytes
    url: str  # the final URL, after redirects
    status: int
    headers: httpx.Headers

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def fetch_response(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 20.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 5,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """GET ``url`` with redirects followed by hand and the body streamed under the cap.

    Args:
        headers: extra request headers (``If-None-Match``, ``If-Modified-Since``), sent on
            every hop.

    Returns:
        :class:`Fetched`; a 304 answer has an empty body.

    Raises:
        StatusError: the server answered 4xx or 5xx.
        IngestError: on a bad scheme (asked for or redirected to), timeout, connection
            failure, too many redirects, a redirect loop, an unknown content encoding, or a
            body over ``max_bytes`` once unpacked.
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise IngestError("only http:// and https:// URLs can be fetched", url)
    own = client is None
    http = client or httpx.Client()
    try:
        return _fetch(http, url, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                      headers=dict(headers or {}))
    except httpx.TimeoutException as exc:
        raise IngestError(f"timed out after {timeout:g} s ({type(exc).__name__})", url) from exc
    except httpx.ConnectError as exc:
        raise IngestError(f"could not connect: {exc}", url) from exc
    except httpx.HTTPError as exc:
        raise IngestError(f"HTTP request failed: {type(exc).__name__}: {exc}", url) from exc
    finally:
        if own:
            http.close()


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 20.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 5,
) -> tuple[bytes, str, str | None]:
    """GET ``url``; return ``(body, final_url, content_type)`` (see :func:`fetch_response`).

    Raises:
        IngestError: as :func:`fetch_response` (a :class:`StatusError` for 4xx/5xx).
    """
    got = fetch_response(url, client=client, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects)
    return got.body, got.url, got.content_type


def _fetch(
    http: httpx.Client, url: str, *, timeout: float, max_bytes: int, max_redirects: int, headers: dict[str, str]
) -> Fetched:
    seen = [url]
    current = url
    deadline = time.monotonic() + timeout * _TOTAL_TIMEOUT_FACTOR
    send = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": ACCEPT_ENCODING, **headers}
    while True:
        request = http.build_request("GET", current, headers=send, timeout=timeout)
        response = http.send(request, stream=True, follow_redirects=False)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                target = str(response.url.join(response.headers["location"]))
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise IngestError(f"refused a redirect to a non-http(s) URL: {target}", url)
                if target in seen:
                    raise IngestError(f"redirect loop: {current} redirects back to {target}", url)
                if len(seen) > max_redirects:
                    raise IngestError(f"too many redirects (more than {max_redirects})", url)
                seen.append(target)
                current = target
                continue
            if response.status_code >= 400:
                raise StatusError(
                    f"HTTP {response.status_code} {response.reason_phrase}".rstrip(), url,
                    status=response.status_code, retry_after=response.headers.get("retry-after"),
                )
            if response.status_code == 304:
                return Fetched(b"", str(response.url), 304, response.headers)
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise too_big(int(length), max_bytes, url, what="response body")
            encodings = _encodings(response.headers.get("content-encoding"), url)
            body = _capped_body(response.iter_raw(), encodings, max_bytes=max_bytes, deadline=deadline,
                                url=url, timeout=timeout)
            return Fetched(body, str(response.url), response.status_code, response.headers)
        finally:
            response.close()


def _encodings(header: str | None, url: str) -> list[str]:
    """The content encodings to undo, outermost last; refuses any we do not inflate ourselves."""
    names = [e.strip().lower() for e in (header or "").split(",")]
    names = [e for e in names if e and e != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise IngestError(f"the server sent Content-Encoding {name!r}, which Clipfile does not unpack "
                              f"(it asks for {ACCEPT_ENCODING} only)", url)
    return names


def _capped_body(raw: Iterable[bytes], encodings: list[str], *, max_bytes: int, deadline: float, url: str,
                 timeout: float) -> bytes:
    """Read the body, unpacking as it comes, and stop as soon as it passes ``max_bytes``."""
    pieces: Iterable[bytes] = raw
    for name in reversed(encodings):  # the last encoding applied is undone first
        pieces = inflate(pieces, name, url=url)
    what = "response body (unpacked)" if encodings else "response body"
    chunks: list[bytes] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > max_bytes:
            raise too_big(None, max_bytes, url, what=what)
        if time.monotonic() > deadline:
            raise IngestError(f"timed out: the body took over {timeout * _TOTAL_TIMEOUT_FACTOR:g} s", url)
        chunks.append(piece)
    return b"".join(chunks)


def inflate(chunks: Iterable[bytes], encoding: str, *, url: str | None = None,
            step: int = INFLATE_STEP) -> Iterator[bytes]:
    """Unpack a gzip or deflate stream lazily, never yielding more than ``step`` bytes at once.

    A caller that stops iterating stops the reading: however well the input packs, at most
    one network read and ``step`` unpacked bytes are held beyond what it consumed.  Several
    gzip members one after another are all unpacked (as gzip does); a body cut short gives
    what arrived (as httpx does); "deflate" may be zlib-wrapped or raw (servers send both).

    Raises:
        IngestError: the data is not what its encoding says.
    """
    gzip = encoding in ("gzip", "x-gzip")
    unpacker = zlib.decompressobj(31 if gzip else 15)
    started = False  # a byte of this member/stream was unpacked
    members = 0  # gzip members completed
    for chunk in chunks:
        data = chunk
        while True:
            try:
                out = unpacker.decompress(data, step)
            except zlib.error as exc:
                if not gzip and not started:
                    unpacker = zlib.decompressobj(-15)  # raw deflate, without the zlib header
                    started = True
                    continue
                if gzip and members and not started:
                    return  # bytes after the last member: ignored, as gzip does
                raise IngestError(f"damaged {encoding} body: {exc}", url) from exc
            started = started or bool(data)
            if out:
                yield out
            if unpacker.eof:
                if not gzip:
                    return  # the deflate stream is complete; anything after it is ignored
                members += 1
                data = unpacker.unused_data
                unpacker = zlib.decompressobj(31)  # another member may follow
                started = False
                if not data.strip(b"\0"):
                    break
                continue
            data = unpacker.unconsumed_tail
            if not data and len(out) < step:
                break  # this network read is used up and zlib holds no more output
    rest = unpacker.flush()
    for i in range(0, len(rest), step):
        yield rest[i : i + step]


def read_url(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 20.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 5,
) -> ReadResult:
    """Fetch ``url`` and read it (HTML, feed, captions, JSON Lines or text) into documents.

    ``Document.origin`` is the URL asked for, ``Document.url`` the page's own (canonical or
    final) address, ``fetched_from`` the final address (for a page; feed entries and JSON Lines
    records only name theirs) and ``fetched`` the time of the download.

    Raises:
        IngestError: when the fetch fails or nothing could be read from the body.
    """
    body, final_url, content_type = fetch(
        url, client=client, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects
    )
    fetched = now_iso()
    name = PurePosixPath(urlsplit(final_url).path).name or None
    result = read_bytes(
        body, name=name, content_type=content_type, url=final_url, max_bytes=max_bytes, origin=url
    )
    return ReadResult([doc.replace(fetched=fetched) for doc in result], result.errors)
