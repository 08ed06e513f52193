"""Fetching URLs with httpx: a clear User-Agent, timeouts, a size cap and a redirect limit."""
from __future__ import annotations

import time
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx

from clipfile import __version__
from clipfile.errors import IngestError
from clipfile.ingest.read import DEFAULT_MAX_BYTES, now_iso, read_bytes, too_big
from clipfile.ingest.result import ReadResult

__all__ = ["read_url", "fetch", "USER_AGENT"]

USER_AGENT = f"Clipfile/{__version__} (+https://github.com/clipfile/clipfile)"
_REDIRECTS = (301, 302, 303, 307, 308)
# A server trickling bytes never trips the per-read timeout; bound the whole body too.
_TOTAL_TIMEOUT_FACTOR = 10


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 20.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 5,
) -> tuple[bytes, str, str | None]:
    """GET ``url``; return ``(body, final_url, content_type)``.

    Redirects are followed by hand so that loops and the limit give a clear message, and the
    body is streamed so that reading stops as soon as it passes ``max_bytes``.

    Raises:
        IngestError: on a bad scheme, timeout, connection failure, HTTP error status,
            too many redirects or an oversized body.
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise IngestError("only http:// and https:// URLs can be fetched", url)
    own = client is None
    http = client or httpx.Client()
    try:
        return _fetch(http, url, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects)
    except httpx.TimeoutException as exc:
        raise IngestError(f"timed out after {timeout:g} s ({type(exc).__name__})", url) from exc
    except httpx.ConnectError as exc:
        raise IngestError(f"could not connect: {exc}", url) from exc
    except httpx.HTTPError as exc:
        raise IngestError(f"HTTP request failed: {type(exc).__name__}: {exc}", url) from exc
    finally:
        if own:
            http.close()


def _fetch(
    http: httpx.Client, url: str, *, timeout: float, max_bytes: int, max_redirects: int
) -> tuple[bytes, str, str | None]:
    seen = [url]
    current = url
    deadline = time.monotonic() + timeout * _TOTAL_TIMEOUT_FACTOR
    while True:
        request = http.build_request(
            "GET", current, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}, timeout=timeout
        )
        response = http.send(request, stream=True, follow_redirects=False)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                target = str(response.url.join(response.headers["location"]))
                if target in seen:
                    raise IngestError(f"redirect loop: {current} redirects back to {target}", url)
                if len(seen) > max_redirects:
                    raise IngestError(f"too many redirects (more than {max_redirects})", url)
                seen.append(target)
                current = target
                continue
            if response.status_code >= 400:
                raise IngestError(
                    f"HTTP {response.status_code} {response.reason_phrase}".rstrip(), url
                )
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise too_big(int(length), max_bytes, url, what="response body")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise too_big(None, max_bytes, url, what="response body")
                if time.monotonic() > deadline:
                    raise IngestError(
                        f"timed out: the body took over {timeout * _TOTAL_TIMEOUT_FACTOR:g} s", url
                    )
                chunks.append(chunk)
            return b"".join(chunks), str(response.url), response.headers.get("content-type")
        finally:
            response.close()


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
    final) address, and ``fetched`` the time of the download.

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
