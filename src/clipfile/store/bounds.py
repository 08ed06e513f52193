"""How far a search looks, the same on every backend: what keeps a page's cost from growing
with the library.  Each backend imports these names (tests narrow them per backend module)."""
from __future__ import annotations

from typing import Sequence

__all__ = ["RANK_WINDOW", "FACET_SAMPLE", "FILTER_SCAN", "MIN_SAMPLE", "FILTER_PROBES", "PROBE_BLOCK", "PROBE_CHUNKS",
           "NARROW_SET", "SAMPLE_ROWS", "ENTITY_SAMPLE", "rank_block", "date_bounds"]

# Ranked search scores matches in blocks of this many, newest (in storage order) first: page one
# is the best of the newest block, so its cost does not grow with the library.
RANK_WINDOW = 1000
# The web search page counts its facets over the newest this-many matches (documents, and items
# apart); past it the counts are scaled estimates and the page says so.
FACET_SAMPLE = 500
# With filters (a source, dates, an entity, item kinds), the page first looks at the newest
# this-many matches and filters them; only when too few pass does it look further back.
FILTER_SCAN = 4000
# ... too few: fewer than this many pass the filters among the scanned matches.
MIN_SAMPLE = 20
# Then the filter is narrow for the query: the filter's newest this-many documents (its stream,
# chunks.py: an entity's or a date range's few, a source's, a language's) are taken and looked
# up in the full-text index (in blocks of PROBE_BLOCK), instead of walking every older match of
# the query; with more documents in the stream, what they find stands for the span they reach
# back to (estimates).
FILTER_PROBES = 1000
PROBE_BLOCK = 250
# A later page that needs more matches than a narrow filter's newest FILTER_PROBES documents hold
# goes on below them the same way, FILTER_PROBES documents at a time (each such chunk its own
# ranking block), up to this many chunks in all; only past them does it search further back
# with the filters in the query (a walk over every older match of the query).
PROBE_CHUNKS = 8
# A narrow filter with no index that walks its documents newest first (an entity, a date range)
# is walked the same way from its documents read whole, when they are at most this many (a
# bounded read); with more, the filter is not narrow enough for a walk through the query's
# matches to cost much.
NARROW_SET = 10000
# A page's samples (the facets and the total) and its filtered candidates are drawn from the
# newest this-many rows of a side (documents; items apart), however many of them match: the
# rows a walk tests, not the matches it finds, bound its cost (a sparse query, or a query whose
# words are common but whose matches are few, would otherwise be walked far back).  Past it the
# counts are estimates scaled by the span walked; only when fewer than MIN_SAMPLE match there
# does the page look further back.
SAMPLE_ROWS = 4000
# An entity's page counts the entities named beside it over its newest this-many documents;
# past it the counts are estimates scaled by how many documents the entity is in, and the page
# says so.
ENTITY_SAMPLE = 500


def date_bounds(date: str, date_from: str | None, date_to: str | None, mark: str) -> tuple[list[str], list[str]]:
    """The search filters' date range (``published >= date_from``, ``published`` cut to the
    length of ``date_to`` at most ``date_to``) as bounds on ``date``, an expression that is the
    published date when there is one: conditions and their arguments.  Each filter implies its
    bound (in code-point order: the published date cut to ``date_to``'s length is at most
    ``date_to`` exactly when it is below ``date_to`` with its last character one higher), so
    adding them keeps the same rows, and an index on ``date`` can seek the range."""
    where, args = [], []
    if date_from:
        where.append(f"{date} >= {mark}")
        args.append(date_from)
    if date_to:
        where.append(f"{date} < {mark}")
        args.append(date_to[:-1] + chr(ord(date_to[-1]) + 1))
    return where, args


def rank_block(k: int, heads: int | Sequence[int], window: int) -> int:
    """Which ranking block the ``k``-th match (newest first) is in: blocks of ``window`` (the
    backend's RANK_WINDOW, which tests narrow per backend module), each group of them cut short
    at the next of ``heads`` (ascending positions where a window or a filter's look-ups, or a
    chunk of them, stopped; 0 or none: no such cut)."""
    block = start = 0
    for head in ((heads,) if isinstance(heads, int) else heads):
        if not head or head <= start:
            continue
        if k < head:
            break
        block, start = block + -(-(head - start) // window), head
    return block + (k - start) // window
