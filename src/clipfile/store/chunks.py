"""A filtered search page's candidates past its bounded walk, the same on every backend.

A page with filters first walks the newest matches (a bounded walk: :data:`~.bounds.SAMPLE_ROWS`
rows) and keeps those that pass.  When they are too few for the page, the search goes on: with
a narrow filter, from its own documents newest first, :data:`~.bounds.FILTER_PROBES` at a time
(:class:`Chunks`, each chunk its own group of ranking blocks), else (or past
:data:`~.bounds.PROBE_CHUNKS` chunks) with the filters in the query.  The filter's documents
(its stream) are chosen by one rule on both backends: an entity's (the documents that can hold a
match) or a date range's, read whole when at most :data:`~.bounds.NARROW_SET` (the smaller of
the two; walked with :func:`newest_below`), else a source's, else a language's, each from an
index in storage order; else none.  Which of these a page
reads must not depend on the page: every page of a search has to see the same blocks, or pages
1 and 2 repeat or skip a hit (:func:`candidates`).  The backends give the look-ups (SQL of
their own); the bookkeeping is here.  The bounds (:mod:`~.bounds`) are passed in: tests narrow
them per backend module.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

__all__ = ["Chunks", "Candidates", "OneChunk", "read_chunks", "candidates", "newest_below"]


@dataclass
class Chunks:
    """What a narrow filter's own documents hold (:func:`read_chunks`): the matches that pass,
    newest first, chunk after chunk; where each chunk ends among them and the oldest key it
    stands for (None: every document of the filter was looked up by then); the document (its
    key in storage order) the next chunk goes on below (None: there is none); and the key
    every chunk stays below (None: from the newest; else the oldest key of a walk whose matches
    came first)."""

    found: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    cuts: list[int | None] = field(default_factory=list)
    below: int | None = None
    under: int | None = None

    @property
    def cut(self) -> int | None:
        """The oldest key the chunks read stand for (None: they are every match)."""
        return self.cuts[-1] if self.cuts else None


class OneChunk(Protocol):
    """One chunk of a narrow filter's documents: given the document to go on below (None: the
    newest) and the key to stay below (None: none), the matches that pass (keys, newest first),
    the oldest key they stand for (None: the stream holds no more documents) and the last
    document looked up (None: likewise); None without a narrow filter's stream."""

    def __call__(self, below: int | None, under: int | None) -> tuple[list[int], int | None, int | None] | None: ...


def read_chunks(one: OneChunk, need: int, kept: dict[Any, Chunks], key: Any, *, under: int | None = None,
                most: int) -> Chunks | None:
    """A narrow filter's own documents looked up chunk after chunk (``one``) until ``need``
    matches pass, the filter's documents run out or ``most`` chunks (:data:`~.bounds.PROBE_CHUNKS`) were
    read, going on from the chunks ``kept`` holds for ``key`` (what the page's ranking or samples
    read already; they are kept there).  The reading stays below the key ``under`` (and so do
    its first chunk's documents: a document's key orders it as its items' keys do not, so
    ``one`` tells them apart).  None without a narrow filter's stream.  Each chunk is the same whatever
    is needed, so that every page of a search sees the same chunks."""
    chunks = kept.get((key, under)) or Chunks(under=under)
    while not chunks.ends or (len(chunks.found) < need and chunks.below is not None
                              and len(chunks.ends) < most):
        got = one(chunks.below, chunks.under)
        if got is None:
            return None
        chunks.found.extend(got[0])
        chunks.ends.append(len(chunks.found))
        chunks.cuts.append(got[1])
        chunks.below = got[2]
    kept[(key, under)] = chunks
    return chunks


@dataclass
class Candidates:
    """A page's candidates, newest first (keys), in groups of ranking blocks: ``heads`` where a
    group was cut short and ``lowers`` the oldest key each cut group stands for
    (:func:`~.bounds.rank_block`); ``every``: they are every match that passes."""

    found: list[int]
    heads: list[int]
    lowers: dict[int, int]
    every: bool


def candidates(walked: list[int], lowest: int, reached: bool, *, need: int, block: int, enough: int,
               narrow: Callable[[int | None, int], Chunks | None],
               scan: Callable[[int, int | None, int | None], list[int]]) -> Candidates:
    """The candidates of a filtered page that needs ``need`` of them (offset + limit; ranking
    blocks of ``block``: :data:`~.bounds.RANK_WINDOW`), from the matches of its bounded walk that passed (``walked``, newest
    first, standing for the keys down to ``lowest``; ``reached``: the walk stopped before it saw
    every match).

    When the walk holds too few for the page, the search goes on.  Whether the walk's own
    matches stay the first group is decided alike on every page, by whether they are enough for
    a sample (``enough``: :data:`~.bounds.MIN_SAMPLE`): then the look-ups go on below the walk; else the walk
    is passed over and they start from the newest, where a narrow filter's newest documents hold
    more than its few.  Either way the look-ups are ``narrow(under, need)`` (a narrow filter's
    own documents, chunk after chunk, below the key ``under``: :func:`read_chunks`; None without
    one) and, past them or without them, ``scan(n, below, under)``: the newest ``n`` matches that
    pass with the filters in the query (of documents below the key ``below``, keys below
    ``under``).
    """
    def more(have: int) -> int:  # whole blocks
        return block * -(-(need - have) // block)

    window = more(0)
    found = walked[:window]
    if not reached:
        return Candidates(found, [], {}, len(found) < window)
    # the walk stopped short: it stands for the keys down to ``lowest`` (a group cut there)
    first = found if len(found) >= enough else []
    heads, lowers = ([len(first)], {len(first): lowest}) if first and len(first) < window else ([], {})
    if len(found) >= min(window, need):
        return Candidates(found, heads, lowers, False)
    under = lowest if first else None
    chunks = narrow(under, need - len(first))
    if chunks is None:
        n = more(len(first))
        older = scan(n, None, under)
        return Candidates(first + older, heads, lowers, len(older) < n)
    found = first + chunks.found
    heads += [len(first) + e for e in chunks.ends]
    lowers.update((len(first) + e, c) for e, c in zip(chunks.ends, chunks.cuts) if c is not None)
    if len(found) < need and chunks.below is not None:
        # past the chunks: further back with the filters in the query
        n = more(len(found))
        older = scan(n, chunks.below, under)
        return Candidates(found + older, heads, lowers, len(older) < n)
    return Candidates(found, heads, lowers, chunks.below is None)


def newest_below(keys: Sequence[int], below: int | None, n: int) -> list[int]:
    """The first ``n`` of ``keys`` (descending: a narrow filter's documents read whole, newest
    first) that are below ``below`` (None: from the newest), as an index would give them."""
    start = 0 if below is None else bisect.bisect_right(keys, -below, key=lambda k: -k)
    return list(keys[start:start + n])
