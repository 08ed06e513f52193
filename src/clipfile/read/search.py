"""Search: the one way the CLI, the web and ``who-said`` look things up.

:func:`search` takes a :class:`SearchRequest` (a query in the search syntax — words,
``"phrases"``, ``AND``/``OR``/``NOT``, ``prefix*`` — and filters) and returns a
:class:`SearchResult`: hits with the same snippets everywhere, the claim or quote each item hit is,
the total and the facet counts, and one message for an empty result.

A query that names a library entity reaches every script's mentions of it: ``Putin`` also
searches for the entity's other names (``Путин``, ``Владимир Путин``), so documents written in
either script are found (:func:`entity_names_for`).  The page says which names were added.
Alerts match the same syntax in memory (:mod:`clipfile.read.query`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..errors import QueryError
from ..store.base import EntityRecord, Facets, SearchHit, Store
from ..store.query import Query
from ..textindex import MAX_QUERY_CHARS, MAX_QUERY_TERMS, check_query, count_terms
from .items import FOOTINGS, check_footing

__all__ = ["SearchRequest", "SearchResult", "search", "check_request", "check_date", "entity_names_for", "SEARCH_KINDS",
           "ITEM_KINDS"]

ITEM_KINDS = ("quote", "claim", "forecast", "event")
SEARCH_KINDS = ("document", *ITEM_KINDS)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_WORD = re.compile(r"\w+", re.UNICODE)
_PLAIN = re.compile(r"[\w .'’-]+", re.UNICODE)  # a name as typed: no operators, quotes or stars
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# How many entities a name may widen a query with (a bare surname can name several people).
WIDEN_ENTITIES = 3


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What to look for.  ``kind`` is ``document`` or an item kind; ``entity`` an entity id
    (``E12``): only documents that mention it, or items linked to it; ``footing`` a claim
    status (only with ``kind="claim"``); dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
    compared with the document's publication date."""

    query: str | Query = ""
    kind: str = "document"
    source: str | None = None
    language: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    footing: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(slots=True)
class SearchResult:
    """One page of results.  ``items`` maps an item hit's ``item_id`` to the stored item (a
    claim's footing and source, a quote's speaker); ``widened`` lists the entity names the query
    was widened with; ``total`` and ``facets`` are None/empty when facets were not asked for."""

    request: SearchRequest
    hits: list[SearchHit]
    total: int | None
    facets: Facets = field(default_factory=Facets)
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    widened: list[str] = field(default_factory=list)
    estimated: bool = False  # the total and facets are scaled up from a sample of ``sample`` matches
    sample: int = 0

    @property
    def message(self) -> str | None:
        """What to tell the reader when nothing was found (None when something was)."""
        if self.hits:
            return None
        r = self.request
        text = r.query.text if isinstance(r.query, Query) else r.query
        what = f"{r.footing} claims" if r.footing else f"{r.kind}s"
        filters = [f"{k.replace('_', ' ')} {v}" for k, v in (("source", r.source), ("language", r.language),
                   ("from", r.date_from), ("to", r.date_to), ("entity", r.entity)) if v]
        where = f" ({', '.join(filters)})" if filters else ""
        if r.offset and self.total:
            return f"no more {what} match {text!r}{where}: all {self.total} are on earlier pages"
        if not text.strip():
            return f"no {what}{where} in the library"
        hint = "; try fewer words, a prefix like word*, or remove a filter" if (filters or text) else ""
        return f"no {what} match {text!r}{where}{hint}"


def check_date(value: str | None, label: str) -> None:
    if not value:
        return
    try:
        if not _DATE.match(value):
            raise ValueError
        parts = [int(p) for p in value.split("-")]
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise QueryError(f"the {label} date {value!r} is not a date; write it as YYYY-MM-DD") from None


def check_request(req: SearchRequest) -> SearchRequest:
    """The request with its footing normalised, or QueryError saying what is wrong with it."""
    if req.kind not in SEARCH_KINDS:
        raise QueryError(f"unknown kind {req.kind!r}: choose {', '.join(SEARCH_KINDS)}")
    try:
        footing = check_footing(req.footing)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if footing and req.kind != "claim":
        raise QueryError(f"a footing ({', '.join(FOOTINGS)}) belongs to claims: search with kind claim")
    for label, value in (("from", req.date_from), ("to", req.date_to)):
        check_date(value, label)
    if req.entity and not re.fullmatch(r"[Ee]?\d{1,12}", req.entity):
        raise QueryError(f"{req.entity!r} is not an entity id (entity ids look like E12)")
    if req.limit < 1 or req.offset < 0:
        raise QueryError("the limit must be at least 1 and the offset not negative")
    return replace(req, footing=footing)


def entity_names_for(store: Store, query: str) -> tuple[list[EntityRecord], list[str]]:
    """The entities a plain-name query names, and their other names to search for as well.

    Only a query that is nothing but a name (no operators, quotes or stars) is widened; the
    names added are the entities' names in every script, as phrases, within the query limits.
    """
    text = query.strip()
    if not text or not _PLAIN.fullmatch(text) or any(w in _OPERATORS for w in text.split()):
        return [], []
    entities = store.find_entities(text)[:WIDEN_ENTITIES]
    asked = " ".join(_WORD.findall(text.casefold()))
    names: list[str] = []
    seen = {asked}
    for e in entities:
        for name in (e.name, *e.aliases):
            words = " ".join(_WORD.findall(name))
            if words and words.casefold() not in seen:
                seen.add(words.casefold())
                names.append(words)
    return entities, names


def _widened(query: str, names: list[str]) -> tuple[str, list[str]]:
    """``query OR "name" OR ...`` with as many names as the query limits allow."""
    out, used = query.strip(), []
    if count_terms(out) > 1:
        out = f"({out})"
    for name in names:
        candidate = f'{out} OR "{name}"'
        if len(candidate) > MAX_QUERY_CHARS or count_terms(candidate) > MAX_QUERY_TERMS:
            continue
        out = candidate
        used.append(name)
    return (out if used else query), used


def search(store: Store, req: SearchRequest, *, facets: bool = True) -> SearchResult:
    """Run a search (an empty query browses, newest first).

    Raises:
        QueryError: a malformed query or filter, or a query beyond the limits; the message says why.
        Interrupted: the current deadline passed first.
    """
    req = check_request(req)
    query: str | Query = req.query
    widened: list[str] = []
    if isinstance(query, str):
        check_query(query)  # before anything looks at the words
        if query.strip():
            _, names = entity_names_for(store, query)
            query, widened = _widened(query, names)
    result = store.search_page(
        query, kinds=() if req.kind == "document" else (req.kind,), source=req.source or None,
        language=req.language or None, date_from=req.date_from or None, date_to=req.date_to or None,
        entity=req.entity or None, footing=req.footing, limit=req.limit, offset=req.offset, with_facets=facets)
    hits: list[SearchHit] = result.hits
    ids = [h.item_id for h in hits if h.item_id is not None]
    items = {i["item_id"]: i for i in store.items(req.kind, ids=ids)} if ids else {}
    return SearchResult(req, hits, result.total, result.facets, items, widened, result.estimated, result.sample or 0)
