"""The storage interface every library backend implements.

The pipeline, CLI and web layer talk to a :class:`Store` only; SQL lives in the backend modules.
SQLite (``sqlite.py``) is the embedded default; a PostgreSQL backend implements the same protocol
and runs the same contract tests (``tests/test_store.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from ..records import Document

__all__ = ["Store", "AddResult", "SearchHit", "DocumentSummary", "EntityRecord"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What happened to one document offered to the library.

    ``status`` is ``new`` (stored), ``duplicate`` (the same content was already there) or
    ``version`` (stored as a new version of the document last fetched from the same URL,
    ``Document.fetched_from``; ``previous`` is that document's id).
    """

    id: str
    status: str
    previous: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A document or extracted item matching a full-text query."""

    doc_id: str
    title: str | None
    snippet: str  # plain text with matches wrapped in [[ and ]]
    rank: float
    kind: str = "document"  # or an item kind: quote, claim, forecast, event
    start: int | None = None
    end: int | None = None
    published: str | None = None
    source: str | None = None
    language: str | None = None
    item_id: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: str
    title: str | None
    source: str | None
    published: str | None
    language: str | None
    kind: str
    chars: int
    url: str | None
    analyzed_version: str | None


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """A library-wide entity: one person, group or place across documents and scripts."""

    id: int
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mention_count: int = 0
    document_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class Store(Protocol):
    """A Clipfile library."""

    path: str

    def close(self) -> None: ...

    # documents
    def add_document(self, doc: Document) -> AddResult: ...
    def get_document(self, ref: str) -> Document: ...
    def has_document(self, doc_id: str) -> bool: ...
    def list_documents(self, *, limit: int = 50, offset: int = 0) -> list[DocumentSummary]: ...
    def iter_documents(self) -> Iterator[Document]: ...
    def search(self, query: str, *, limit: int = 20, offset: int = 0, kinds: tuple[str, ...] = ()) -> list[SearchHit]: ...
    def stats(self) -> dict[str, Any]: ...

    # analyses
    def save_analysis(self, analysis: dict[str, Any], *, version: str) -> None: ...
    def get_analysis(self, doc_id: str) -> dict[str, Any] | None: ...
    def stale_documents(self, version: str) -> list[str]: ...

    # items and entities
    def items(self, kind: str, **filters: Any) -> list[dict[str, Any]]: ...
    def find_entities(self, name: str) -> list[EntityRecord]: ...
    def get_entity(self, entity_id: int) -> EntityRecord: ...
    def merge_entities(self, keep: int, other: int) -> EntityRecord: ...
    def split_entity(self, entity_id: int, alias: str) -> EntityRecord: ...

    # small key/value state for long-running jobs (watch, listen), and binary state (indexes)
    def get_state(self, key: str) -> Any: ...
    def set_state(self, key: str, value: Any) -> None: ...
    def get_blob(self, key: str) -> bytes | None: ...
    def set_blob(self, key: str, value: bytes) -> None: ...
    def analyzed_documents(self) -> list[tuple[str, str | None]]: ...
