"""Clipfile's exceptions.

ClipfileError
 ├── IngestError       an input could not be read, decoded or parsed (one item; a batch goes on)
 ├── ExtractionError   an analysis stage failed on a document
 └── StoreError        the library could not be opened, migrated or written
      ├── NotFound     no such document, entity or item
      ├── QueryError   a search query could not be understood or is beyond the limits
      └── Interrupted  work stopped early: past its time limit, its client gone, or shutting down
"""
from __future__ import annotations

__all__ = ["ClipfileError", "IngestError", "ExtractionError", "StoreError", "NotFound", "QueryError",
           "Interrupted"]


class ClipfileError(Exception):
    """Base class of every error Clipfile raises on purpose."""


class IngestError(ClipfileError):
    """An input could not be turned into documents; the message says which and why."""

    def __init__(self, message: str, origin: str | None = None) -> None:
        super().__init__(message)
        self.origin = origin

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{self.origin}: {msg}" if self.origin else msg


class ExtractionError(ClipfileError):
    """An analysis stage failed on a document."""


class StoreError(ClipfileError):
    """The library could not be opened, migrated or written."""


class NotFound(StoreError):
    """No document, entity or item with that id or name."""


class QueryError(StoreError):
    """A search query could not be understood or is too long; the message says why and what to do."""


class Interrupted(StoreError):
    """Work stopped before it finished: past its time limit, its client gone, or shutting down."""
