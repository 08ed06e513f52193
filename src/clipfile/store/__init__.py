"""Where a library is kept: :func:`open_store` opens one from a URL or a file path.

``sqlite:///relative/file.sqlite`` and ``sqlite:////absolute/file.sqlite`` (the convention of
SQLAlchemy and dj-database-url: what follows the third slash is the path), ``sqlite:///:memory:``,
or a plain path, which means an SQLite file; ``postgresql://user@host/database`` (libpq's URL,
``postgres://`` too) opens a library on a PostgreSQL server (:mod:`clipfile.store.postgres`).
Any other scheme is an error that says what is understood.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import StoreError
from .base import Store

__all__ = ["open_store", "is_url", "Store"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def is_url(target: str | Path) -> bool:
    """Is this a library URL (``scheme://…``) rather than a file path?"""
    return isinstance(target, str) and _SCHEME.match(target) is not None


def open_store(target: str | Path) -> Store:
    """Open (creating when missing) the library at a URL or file path.

    Raises:
        StoreError: an unknown scheme, a URL without a path, or a library that cannot be opened.
    """
    m = _SCHEME.match(target) if isinstance(target, str) else None
    if m is None or not isinstance(target, str):
        from .sqlite import SQLiteStore

        return SQLiteStore(Path(target).expanduser())
    scheme = m.group(1).lower()
    if scheme == "sqlite":
        from .sqlite import SQLiteStore

        path = target[m.end():]
        if not path.startswith("/") or path == "/":
            raise StoreError(f"{target!r} names no file: write sqlite:///relative/path or sqlite:////absolute/path")
        path = path[1:]
        return SQLiteStore(path if path == ":memory:" else Path(path).expanduser())
    if scheme in ("postgresql", "postgres"):
        try:
            from .postgres import PostgresStore
        except ImportError as exc:  # psycopg is a dependency, but a trimmed install may lack it
            raise StoreError(f"cannot open {_redacted(target)}: the PostgreSQL backend needs psycopg 3 "
                             f"(pip install 'psycopg[binary]'): {exc}") from exc
        return PostgresStore(target)
    raise StoreError(f"cannot open {_redacted(target)}: unknown library scheme {scheme!r}; "
                     "use sqlite:///path, postgresql://user@host/database or a file path")


def _redacted(url: str) -> str:
    """A URL fit for a message: a password in it is not repeated."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)
