"""The storage interface every library backend implements.

The pipeline, CLI and web layer talk to a :class:`Store` only, opened from a URL by
:func:`clipfile.store.open_store`; SQL lives in the backend modules.  SQLite (``sqlite.py``) is
the embedded default; another backend implements this protocol and runs the same contract tests
(``tests/test_store.py``).  What is policy rather than storage stays above it: linking entities
across documents (:mod:`clipfile.entitylinks`), reading a search query
(:mod:`clipfile.store.query`; a backend only renders the parsed tree for its engine).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ContextManager, Iterable, Iterator, Protocol, Self, Sequence

from ..records import Document
from .query import Query

__all__ = ["Store", "AddResult", "SearchHit", "SearchPage", "Facets", "DocumentSummary", "EntityRecord",
           "EntityLink", "RecycledTable", "IndexedDocument", "Copy", "Passage", "ForecastPage", "ForecasterTotals",
           "FORECAST_SHOWS", "FORECAST_ORDERS", "LINK_ROLES"]

# Which forecasts a ledger page shows: ``open`` is unresolved and not overdue, ``unresolved``
# open or overdue.  How it orders them: ``recent`` newest document first, ``dated`` oldest
# first (the order of :meth:`Store.items`), ``deadline`` soonest due first (none last).
FORECAST_SHOWS = ("all", "open", "overdue", "resolved", "unresolved")
FORECAST_ORDERS = ("recent", "dated", "deadline")
# The roles an item is linked to an entity in (see :class:`EntityLink`).
LINK_ROLES = ("speaker", "subject", "participant", "mentioned")


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
class Facets:
    """Counts beside a page of search results, each list most frequent first: over the matching
    documents or items, by ``source`` and ``language``; matches by ``kind`` (``document`` and
    each item kind); the entities mentioned in most matching documents; and, when claims are
    searched, matching claims by ``footing`` (their status), whichever footing was asked for."""

    source: list[tuple[str, int]] = field(default_factory=list)
    language: list[tuple[str, int]] = field(default_factory=list)
    kind: list[tuple[str, int]] = field(default_factory=list)
    entity: list[tuple["EntityRecord", int]] = field(default_factory=list)
    footing: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of a filtered search (:meth:`Store.search_page`): its hits, how many match in
    all (None when only the hits were asked for), and the facets (estimates where ``estimated``: a backend
    may count over a sample)."""

    hits: list[SearchHit] = field(default_factory=list)
    total: int | None = 0
    facets: Facets = field(default_factory=Facets)
    estimated: bool = False  # the total and counts are estimates from a sample of the matches
    sample: int | None = None  # how many matches of each sort the counts were taken over


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


@dataclass(frozen=True, slots=True)
class EntityLink:
    """A condition on how an item is linked to a library entity, for :meth:`Store.items`.

    The item must be linked to ``entity`` (or an entity merged into it) in one of ``roles``
    (any role when empty); with ``absent`` it must not be.  Roles: ``speaker`` (a quote's
    speaker, a claim's source, a forecaster), ``subject`` (a claim's subject, a forecast's
    target), ``participant`` (of an event), ``mentioned`` (named inside the item's span).
    """

    entity: int
    roles: tuple[str, ...] = ()
    absent: bool = False


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """A document in the recycled-text index: ``seq`` is its place in indexing order."""

    id: str
    seq: int
    published: str | None

    @property
    def order(self) -> tuple[bool, str, int]:
        """How copies sort: dated before undated, then by date, then by indexing order."""
        return (self.published is None, self.published or "", self.seq)


@dataclass(frozen=True, slots=True)
class Copy:
    """One copy of a passage: unit ``pos`` of document ``doc``, at ``start:end`` of its text."""

    doc: IndexedDocument
    pos: int
    start: int
    end: int


@dataclass(slots=True)
class Passage:
    """One distinct passage of the recycled-text index; identical copies share it.

    ``exact`` is the hash of its normalised words, ``bigrams`` the sorted uint32 hashes of its
    word bigrams (for the exact similarity).  ``first`` is its earliest copy; ``origin`` the
    earliest copy of any passage similar to it, this one included, with that similarity.
    ``id`` is None until the passage is stored.
    """

    id: int | None
    exact: int
    bigrams: bytes
    first: Copy
    origin: Copy
    origin_sim: float


@dataclass(frozen=True, slots=True)
class ForecastPage:
    """One page of the forecast ledger (:meth:`Store.forecast_page`).

    Each row is the forecast's item as :meth:`Store.items` gives it, plus ``key`` (the forecast
    key), ``due`` (the ISO day after which it is overdue, or None), ``resolution`` (or None) and
    ``holder``: the library entity its forecaster names, after merges, as ``{"entity", "name",
    "type"}`` (None for a description, nobody, or an entity no longer in the library).
    ``after`` is the cursor of the next page (None on the last).
    """

    rows: list[dict[str, Any]] = field(default_factory=list)
    after: str | None = None


@dataclass(frozen=True, slots=True)
class ForecasterTotals:
    """One forecaster's book (:meth:`Store.forecaster_totals`): a library entity after merges,
    with the forecasts it holds, how many are resolved and overdue, the sum of squared errors
    ``(p - outcome)^2`` over the resolved ones (the Brier score is that over ``resolved``) and,
    per calibration bin, ``(n, sum of p, how many came true)``."""

    entity: int
    name: str
    type: str
    forecasts: int
    resolved: int
    overdue: int
    squared_error: float
    bins: tuple[tuple[int, float, int], ...]


class RecycledTable(Protocol):
    """The tables of the cross-document recycled-text index (``analysis.duplicates.DuplicateIndex``).

    Written as documents are indexed, inside the caller's :meth:`Store.transaction`, so the index
    is as consistent as the analyses; nothing is loaded whole at start-up.
    """

    def transaction(self) -> ContextManager[None]:
        """The store's :meth:`Store.transaction`: what :meth:`save` and friends write inside
        it is stored together."""
        ...
    def document(self, doc_id: str) -> IndexedDocument | None: ...
    def register(self, doc_id: str, published: str | None) -> IndexedDocument: ...
    def lookup(self, exact: Sequence[int], bands: Sequence[int]) -> tuple[dict[int, int], dict[int, list[int]]]:
        """Passage ids by exact hash, and the passage ids filed under each band key."""
        ...
    def bigrams(self, ids: Iterable[int]) -> dict[int, bytes]:
        """The stored bigram hashes of passages (enough to verify a candidate)."""
        ...
    def passages(self, ids: Iterable[int]) -> dict[int, Passage]: ...
    def save(self, doc: IndexedDocument, units: Sequence[tuple[int, int, int, Passage]],
             passages: Sequence[Passage]) -> None:
        """Store new and changed passages (new ones get their ids and count as unfiled) and a
        document's units ``(pos, start, end, passage)``."""
        ...
    def file_bands(self, rows: Sequence[tuple[int, int]]) -> None:
        """File band keys ``(key, passage id)``; their passages are no longer unfiled."""
        ...
    def unfiled(self, limit: int = 10_000) -> list[tuple[int, bytes]]:
        """``(id, bigrams)`` of passages whose band keys are not filed."""
        ...
    def units(self, doc_id: str) -> list[tuple[int, int, int, int]]:
        """``(pos, start, end, passage id)`` of a document's units, in order."""
        ...
    def later_copies(self, passages: Iterable[int], doc: IndexedDocument) -> list[str]:
        """Ids of documents other than ``doc``, sorting after it, with a unit in one of ``passages``."""
        ...
    def unit_count(self) -> int: ...
    def unindexed(self) -> list[tuple[str, str | None]]:
        """(id, published) of analysed documents missing from the index, in stored order."""
        ...
    def slices(self, spans: Sequence[tuple[str, int, int]]) -> list[str | None]:
        """``text[start:end]`` of stored documents (None for a document not in the library)."""
        ...
    def mark_pending(self, doc_ids: Iterable[str]) -> None:
        """Remember documents whose cross-document duplicates must be recomputed."""
        ...
    def pending(self, limit: int = 1000) -> list[str]: ...
    def done(self, doc_id: str) -> None: ...
    def clear(self) -> None: ...


class Store(Protocol):
    """A Clipfile library: everything the application asks of its storage.

    ``path`` names the library (a file, or the URL it was opened from).  Entity references
    given as ``int | str`` take an id or its ``E12`` form; an entity merged into another
    answers as the one it was merged into.
    """

    path: str

    @property
    def recycled(self) -> RecycledTable:
        """The tables of the cross-document recycled-text index."""
        ...
    @property
    def schema_version(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def transaction(self) -> ContextManager[None]:
        """Make the store's writes inside the block one transaction (blocks nest)."""
        ...

    # documents
    def add_document(self, doc: Document) -> AddResult: ...
    def get_document(self, ref: str) -> Document:
        """The document with this id or unique id prefix (:class:`~clipfile.errors.NotFound`)."""
        ...
    def has_document(self, doc_id: str) -> bool: ...
    def list_documents(self, *, limit: int = 50, offset: int = 0) -> list[DocumentSummary]: ...
    def iter_documents(self) -> Iterator[Document]: ...
    def document_count(self) -> int: ...
    def stats(self) -> dict[str, Any]: ...

    # search (a str is read by clipfile.store.query.parse_query)
    def search(self, query: str | Query, *, limit: int = 20, offset: int = 0,
               kinds: tuple[str, ...] = ()) -> list[SearchHit]: ...
    def search_page(self, query: str | Query = "", *, kinds: tuple[str, ...] = (), source: str | None = None,
                    language: str | None = None, date_from: str | None = None, date_to: str | None = None,
                    entity: int | str | None = None, footing: str | None = None, limit: int = 20,
                    offset: int = 0, with_facets: bool = True) -> SearchPage:
        """Search (or, with an empty query, browse) documents or items with filters and facets;
        ``footing`` keeps only claims of that status; ``with_facets=False``: the hits only."""
        ...

    # analyses (linked to library entities first: clipfile.entitylinks.save_linked)
    def save_analysis(self, analysis: dict[str, Any], *, version: str) -> None: ...
    def get_analysis(self, doc_id: str) -> dict[str, Any] | None: ...
    def analysis_version(self, doc_id: str) -> str | None: ...
    def replace_cross_duplicates(self, doc_id: str, duplicates: list[dict[str, Any]]) -> None: ...
    def stale_documents(self, version: str) -> list[str]: ...
    def analyzed_documents(self) -> list[tuple[str, str | None]]: ...

    # items
    def items(self, kind: str, *, doc_id: str | None = None, entity: int | None = None,
              role: str | tuple[str, ...] | None = None, links: Sequence[EntityLink] = (),
              ids: list[int] | None = None, speaker_like: str | None = None, quote_kind: str | None = None,
              footing: str | None = None, cross_document: bool = False, limit: int | None = None,
              offset: int = 0, newest: bool = False) -> list[dict[str, Any]]:
        """Stored items of one kind with their document's fields; every filter, the order and
        the limit are applied by the backend (see ``SQLiteStore.items``).  Oldest document
        first; ``newest``: newest document first (then the latest stored item first), and with
        a ``limit`` and an entity to be linked to, read from that entity's links newest first,
        so the cost is the page's, not the entity's."""
        ...

    # entities
    def find_entities(self, name: str) -> list[EntityRecord]: ...
    def get_entity(self, entity_id: int | str) -> EntityRecord: ...
    def list_entities(self, *, limit: int = 50, offset: int = 0, type: str | None = None) -> list[EntityRecord]: ...
    def merge_entities(self, keep: int | str, other: int | str) -> EntityRecord: ...
    def split_entity(self, entity_id: int | str, alias: str) -> EntityRecord: ...
    def co_mentioned_entities(self, entity_id: int | str, *, limit: int = 15,
                              sample: int | None = None) -> list[tuple[EntityRecord, int]]:
        """Entities named in the same documents as this one, most shared documents first, with
        their number (a document naming two members of a merged entity once), counted over the
        entity's newest ``sample`` documents (None: :data:`.bounds.ENTITY_SAMPLE`); when it is
        in more, the numbers are estimates scaled to all of them."""
        ...
    def entity_documents(self, entity_id: int | str, *, limit: int = 50) -> list[DocumentSummary]:
        """The documents naming the entity (or linking it to one of their items), newest first."""
        ...
    def entity_mentions_by_month(self, entity_id: int | str) -> list[tuple[str | None, int]]:
        """Mentions per month of publication; undated documents' mentions under None."""
        ...

    # what linking a document's entities needs (the rules are clipfile.entitylinks)
    def entities_with_key(self, key: str) -> list[int]: ...
    def entity_name(self, entity_id: int) -> str: ...
    def entity_aliases(self, entity_id: int) -> list[str]: ...
    def entity_mention_texts(self, entity_id: int, *, most: int = 2000) -> list[str]: ...
    def entity_company(self, entity_id: int, *, most_docs: int = 400) -> dict[int, str]: ...
    def add_entity(self, name: str, type: str) -> int: ...
    def rename_entity(self, entity_id: int, name: str) -> None: ...
    def add_entity_names(self, entity_id: int, names: Sequence[str], keys: Sequence[str]) -> None: ...

    # the forecast ledger's resolutions, by forecast key
    def resolve_forecast(self, key: str, *, outcome: bool, date: str | None, note: str | None) -> None: ...
    def forecast_resolutions(self) -> dict[str, dict[str, Any]]: ...
    def forecast_page(self, *, today: str, show: str = "all", order: str = "recent",
                      links: Sequence[EntityLink] = (), held_by: int | None = None, described: str | None = None,
                      key: str | None = None, after: str | None = None, limit: int = 50) -> ForecastPage:
        """One page of forecasts (keyset: ``after`` is the previous page's cursor), each row
        decoded once, with its resolution and holder looked up for the page alone.  ``today``
        (ISO date) decides which are overdue; ``show`` is one of :data:`FORECAST_SHOWS`,
        ``order`` one of :data:`FORECAST_ORDERS`; ``links`` as for :meth:`items`; ``held_by``:
        only forecasts whose forecaster is this entity (or one merged into it: the forecasts
        *by* it, the forecaster being a forecast's one speaker), read from the ledger's index;
        ``described``: only forecasts held by no entity, under this description; ``key``: the
        forecast with this key.  ValueError for an unknown ``show``/``order`` or a bad cursor."""
        ...
    def forecast_counts(self, *, today: str, links: Sequence[EntityLink] = (), held_by: int | None = None,
                        described: str | None = None) -> dict[str, int]:
        """How many forecasts are ``open``, ``overdue`` and ``resolved`` (filters as for
        :meth:`forecast_page`)."""
        ...
    def forecaster_totals(self, *, today: str, entities: Sequence[int] | None = None, resolved_only: bool = False,
                          bins: int = 5) -> list[ForecasterTotals]:
        """Per forecaster entity (after merges), its totals, computed by aggregates in the
        store; ``entities``: only these; ``resolved_only``: only forecasters with a resolved
        forecast.  Calibration bins as :func:`clipfile.scoring.calibration` makes them."""
        ...
    def forecast_keys(self) -> list[str]:
        """The key of every stored forecast (read from an index: the short ids are hashes)."""
        ...

    # small key/value state for long-running jobs (watch, listen), and binary state (indexes)
    def get_state(self, key: str) -> Any: ...
    def set_state(self, key: str, value: Any) -> None: ...
    def get_blob(self, key: str) -> bytes | None: ...
    def set_blob(self, key: str, value: bytes) -> None: ...
