"""The counts beside a page of search results, from the grouped counts a backend runs.

A backend counts what matches in two grouped passes (documents by source and language; items by
source, language and kind) and one over the entities mentioned in matching documents.  Turning
those rows into the page's total and its :class:`~clipfile.store.base.Facets` (which values,
in which order, how many) is the same for every backend, so it is written once, here.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from .base import EntityRecord, Facets

__all__ = ["count_facets", "top_entities"]

VALUES_SHOWN = 15  # sources and languages listed beside a page
ENTITIES_SHOWN = 10


def count_facets(doc_groups: Sequence[Sequence[Any]], item_groups: Sequence[Sequence[Any]],
                 kinds: tuple[str, ...], entities: list[tuple[EntityRecord, int]]) -> tuple[int, Facets]:
    """The total and facets of a search.

    Args:
        doc_groups: ``(source, language, n)`` over the matching documents.
        item_groups: ``(source, language, kind, n)`` over the matching items (no duplicates).
        kinds: the item kinds searched (empty: documents); the total and the source and
            language counts are over those.
        entities: the entities mentioned in most matching documents, with their counts.
    """
    chosen = [(r[0], r[1], r[3]) for r in item_groups if r[2] in kinds] if kinds else \
        [(r[0], r[1], r[2]) for r in doc_groups]
    total = sum(n for _, _, n in chosen)
    by_value: dict[str, list[tuple[str, int]]] = {}
    for col, pos in (("source", 0), ("language", 1)):
        counts: dict[str, int] = {}
        for row in chosen:
            if row[pos] is not None:
                counts[row[pos]] = counts.get(row[pos], 0) + row[2]
        by_value[col] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:VALUES_SHOWN]
    by_kind: dict[str, int] = {}
    for r in item_groups:
        by_kind[r[2]] = by_kind.get(r[2], 0) + r[3]
    kind_counts = [("document", sum(r[2] for r in doc_groups)), *sorted(by_kind.items())]
    return total, Facets(source=by_value["source"], language=by_value["language"], kind=kind_counts,
                         entity=entities)


def top_entities(counts: Iterable[Sequence[int]], root: Callable[[int], int]) -> list[tuple[int, int]]:
    """``(entity id, documents)`` of the entities mentioned in most documents, merged entities
    folded into the one they were merged into (counted by their best member)."""
    roots: dict[int, int] = {}
    for entity_id, n in counts:
        r = root(entity_id)
        roots[r] = max(roots.get(r, 0), n)
    return sorted(roots.items(), key=lambda kv: -kv[1])[:ENTITIES_SHOWN]
