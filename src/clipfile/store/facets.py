"""The counts beside a page of search results, from the samples of matches a backend takes.

A backend takes the newest matching documents and, apart, items (and claims, for the footing
facet), each sample with the number of matches each of its rows stands for, and finds the
entities mentioned most in the sampled documents.  Turning those into the page's total and its
:class:`~clipfile.store.base.Facets` (which values, in which order, how many, scaled to the
library) is the same for every backend, so it is written once, here (the PostgreSQL library's;
the SQLite library still has its own copy in ``search_page``).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from .base import EntityRecord, Facets

__all__ = ["estimate", "sampled_facets", "top_entities"]

VALUES_SHOWN = 15  # sources and languages listed beside a page
ENTITIES_SHOWN = 10


def estimate(n: int, scale: float) -> int:
    """``n`` sample rows scaled to the library, rounded to two significant figures when scaled."""
    if scale <= 1 or n == 0:
        return n
    value = n * scale
    step = 10 ** max(0, len(str(int(value))) - 2)
    return max(n, int(round(value / step) * step))


def sampled_facets(kinds: tuple[str, ...], doc_sample: list[Any], doc_scale: float, item_sample: list[Any],
                    item_scale: float, entities: list[tuple[EntityRecord, int]], footing_sample: list[Any],
                    footing_scale: float) -> Facets:
    """The facets of a search page from its samples, each count scaled to the library by how many
    matches a row of its sample stands for (:func:`estimate`).

    Args:
        kinds: the item kinds searched (empty: documents); the source and language counts are
            over those.
        doc_sample: ``(key, id, source, language)`` of the sampled documents.
        item_sample: ``(key, source, language, kind)`` of the sampled items (no duplicates).
        entities: the entities mentioned in most sampled documents, with their (scaled) counts.
        footing_sample: ``(key, source, language, status)`` of the sampled claims.
    """
    if kinds:
        chosen, scale = [(r[1], r[2]) for r in item_sample if r[3] in kinds], item_scale
    else:
        chosen, scale = [(r[2], r[3]) for r in doc_sample], doc_scale
    by_value: dict[str, list[tuple[str, int]]] = {}
    for col, pos in (("source", 0), ("language", 1)):
        counts: dict[str, int] = {}
        for row in chosen:
            if row[pos] is not None:
                counts[row[pos]] = counts.get(row[pos], 0) + 1
        by_value[col] = sorted(((v, estimate(n, scale)) for v, n in counts.items()),
                               key=lambda kv: (-kv[1], kv[0]))[:VALUES_SHOWN]
    by_kind: dict[str, int] = {}
    for r in item_sample:
        by_kind[r[3]] = by_kind.get(r[3], 0) + 1
    statuses: dict[str, int] = {}
    for r in footing_sample:
        if r[3]:
            statuses[r[3]] = statuses.get(r[3], 0) + 1
    return Facets(source=by_value["source"], language=by_value["language"],
                  kind=[("document", estimate(len(doc_sample), doc_scale)),
                        *sorted((k, estimate(n, item_scale)) for k, n in by_kind.items())],
                  entity=entities,
                  footing=sorted(((v, estimate(n, footing_scale)) for v, n in statuses.items()),
                                 key=lambda kv: (-kv[1], kv[0])))


def top_entities(counts: Iterable[Sequence[int]], root: Callable[[int], int]) -> list[tuple[int, int]]:
    """``(entity id, documents)`` of the entities mentioned in most documents, merged entities
    folded into the one they were merged into (counted by their best member)."""
    roots: dict[int, int] = {}
    for entity_id, n in counts:
        r = root(entity_id)
        roots[r] = max(roots.get(r, 0), n)
    return sorted(roots.items(), key=lambda kv: -kv[1])[:ENTITIES_SHOWN]
