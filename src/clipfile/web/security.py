"""Access token and CSRF protection for the web workbench.

* Token: when the server listens beyond loopback, every request must carry the start-up token
  (``?token=`` once, then a cookie; or an ``X-Clipfile-Token`` / ``Authorization: Bearer``
  header).  Without it the page is a 401 with a form to paste the token.
* CSRF: each browser gets a random token in a ``SameSite=Strict`` cookie; every form carries it
  in a hidden field and a POST is refused unless the two match (double submit) and any
  ``Origin`` header names this server.
* Redirects stay on this site: a target built from what the client sent goes through
  :func:`local_target`, so ``//evil.example/`` cannot become a redirect to another host.
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import quote, urlsplit

__all__ = ["is_loopback", "new_token", "tokens_match", "origin_matches", "local_target", "TOKEN_COOKIE",
           "CSRF_COOKIE", "CSRF_FIELD", "TOKEN_HEADER"]

TOKEN_COOKIE = "clipfile_token"
TOKEN_HEADER = "x-clipfile-token"
CSRF_COOKIE = "clipfile_csrf"
CSRF_FIELD = "csrf"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def tokens_match(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; an absent value never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def origin_matches(origin: str | None, host: str | None) -> bool:
    """An ``Origin`` header (when the browser sent one) must name the host the request came to."""
    if not origin:
        return True
    if origin == "null" or not host:
        return False
    return urlsplit(origin).netloc == host


# Characters a path may keep as they are; everything else (backslashes, control characters,
# '?', '#', spaces, non-ASCII) is percent-encoded, so the browser reads the path we mean.
_PATH_SAFE = "/-._~!$&'()*+,;=:@%"


def local_target(path: str, query: str = "") -> str:
    """A same-origin redirect target for ``path`` (and an encoded ``query``).

    Browsers read ``//host/...`` and ``/\\host/...`` (and the same with tabs or newlines in
    between, which they drop) as addresses on another site.  The path is re-encoded and its
    leading run of slashes collapsed to one, so the result is always a path on this server.

    Args:
        path: the decoded path the client asked for (``request.url.path``).
        query: an already encoded query string, without ``?``.
    """
    target = "/" + quote(path, safe=_PATH_SAFE.replace("%", "")).lstrip("/")
    return target + ("?" + query if query else "")
