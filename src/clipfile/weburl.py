"""Which addresses may become a link: http(s) only, checked the same way in ingest and the web UI.

Feeds, JSON Lines and pages can name any URL.  ``javascript:`` or ``data:`` addresses would run
or show attacker-chosen content when clicked, so they are never link targets: readers keep them
as inert metadata and the web templates render a link only for what :func:`http_url` accepts.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

__all__ = ["http_url"]

# Browsers drop tabs and newlines inside a URL ("java\tscript:"), so a control character
# disqualifies an address instead of being trimmed away; a plain space is only encoded.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HTTP = re.compile(r"https?://[^\x00-\x20\x7f]+", re.I)


def http_url(value: object, *, base: str | None = None) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else None.

    Args:
        value: the address as given (surrounding whitespace is ignored).
        base: an http(s) address to resolve a relative ``value`` against (a feed's own URL).
    """
    if not isinstance(value, str):
        return None
    value = value.strip(" \t\r\n")
    if _CONTROL.search(value):
        return None
    value = value.replace(" ", "%20")
    try:
        if base and http_url(base) and not urlsplit(value).scheme:
            value = urljoin(base, value)
        if not _HTTP.fullmatch(value):
            return None
        host = urlsplit(value).hostname
    except ValueError:  # a malformed port or IPv6 literal
        return None
    return value if host else None
