"""Ranking a bounded block of FTS5 matches without letting the rank cost grow with the library.

FTS5's ``bm25()`` needs, for every phrase of the query, the number of rows in the whole table
that hold it, and it counts them by walking every match of the phrase (verifying positions for a
multi-word phrase) once per statement, however few rows are scored.  In a library of 100,000
documents that is 12 ms for a common word and 65 ms for a common phrase; at a million, 57 ms and
300 ms.  So the store ranks a block of the newest matches (:data:`clipfile.store.sqlite.RANK_WINDOW`)
in one of two ways:

- with ``bm25()`` when it is cheap: every phrase of the query is in fewer than
  :data:`CHEAP_MATCHES` rows (a probe that stops there says so), as in every small library;
- else with the same bm25 formula computed here over the block's stored text: a phrase's
  frequency in a row is counted by a regular expression over the lower-cased text (the words as
  the index holds them: Russian ones by their stem and any ending, prefixes with any ending), the
  row's length relative to the block's mean length stands for the row's length relative to the
  table's, and a phrase's document frequency is estimated from the share of the block's rowid
  span that holds it.  Reading and scanning a thousand stored texts costs a few milliseconds,
  the same at any library size.

Both orders agree on what matters for a page: rows holding the query's words more often, in
shorter texts, and rarer words weighing more, come first; the estimate differs from ``bm25()``
where the index's tokeniser and the expression differ (diacritics, punctuation inside words).
"""
from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..textsearch import index_text
from .query import Near, Node, Not, Phrase, Query, Term
from .sqlite_fts import fts5_query

__all__ = ["CHEAP_MATCHES", "bm25_is_cheap", "Scorer"]

# bm25() is used while every phrase of the query is in fewer rows than this: walking them once
# costs well under a millisecond for a word and a few for a phrase.
CHEAP_MATCHES = 500
_K1, _B = 1.2, 0.75  # FTS5's bm25 constants
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True, slots=True)
class _Phrase:
    fts: str  # the phrase as an FTS5 query (for a probe)
    pattern: re.Pattern[str]  # its occurrences in lower-cased stored text
    counts: bool  # part of what a row must hold (not under NOT)


def _phrases(node: Node | None, positive: bool = True) -> Iterable[_Phrase]:
    if node is None:
        return
    if isinstance(node, (Term, Phrase)):
        words = (node.word,) if isinstance(node, Term) else node.words
        yield _Phrase(fts5_query(Query("", node)), _pattern(words, node.prefix), positive)
    elif isinstance(node, Not):
        yield from _phrases(node.keep, positive)
        yield from _phrases(node.drop, False)
    elif isinstance(node, Near):
        for near_part in node.parts:
            yield from _phrases(near_part, positive)
    else:
        for part in node.parts:
            yield from _phrases(part, positive)


def _pattern(words: Sequence[str], prefix: bool) -> re.Pattern[str]:
    """Where the words occur in a row's lower-cased text, one after another (anything but word
    characters between them, as the tokeniser drops it)."""
    parts: list[str] = []
    for k, word in enumerate(words):
        for piece in index_text(word).split():
            literal = re.escape(piece)
            # The start of a word: looked behind for once the literal has matched (a pattern
            # that opens with its literal is searched for many times faster).
            head = literal + (rf"(?<!\w{literal})" if not parts else "")
            # A stemmed (Russian) word matches the stem with any ending, as a prefix does.
            loose = (prefix and k == len(words) - 1) or bool(_CYRILLIC.search(piece))
            parts.append(head + (r"\w*" if loose else r"(?!\w)"))
    return re.compile(r"\W+".join(parts) if parts else r"(?!x)x")


def bm25_is_cheap(db: sqlite3.Connection, fts: str, query: Query) -> bool:
    """Whether ``bm25()`` over this table costs little for this query: no phrase of it (even
    one it excludes: bm25 counts those too) is in :data:`CHEAP_MATCHES` rows or more."""
    for p in {p.fts: p for p in _phrases(query.root)}.values():
        n = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH ? LIMIT ?)",
                       (p.fts, CHEAP_MATCHES)).fetchone()[0]
        if n >= CHEAP_MATCHES:
            return False
    return True


class Scorer:
    """bm25 of a block of rows from their stored text (lower score first, as FTS5's)."""

    def __init__(self, query: Query) -> None:
        self.phrases = [p for p in {p.fts: p for p in _phrases(query.root)}.values() if p.counts]

    def scores(self, texts: Sequence[str], span: int) -> list[float]:
        """Scores of rows with these texts, which stand for ``span`` rows of the table (the
        block's rowid range): a phrase's share of the span estimates its share of the table."""
        lowered = [t.lower().replace("ё", "е") for t in texts]
        if not lowered:
            return []
        lengths = [len(t) or 1 for t in lowered]
        mean = sum(lengths) / len(lengths)
        norms = [_K1 * (1 - _B + _B * n / mean) for n in lengths]
        total = [0.0] * len(lowered)
        span = max(span, len(lowered))
        for p in self.phrases:
            tf = [len(p.pattern.findall(t)) for t in lowered]
            holding = sum(1 for f in tf if f)
            idf = math.log((span - holding + 0.5) / (holding + 0.5))
            idf = idf if idf > 0 else 1e-6  # FTS5's floor
            for k, f in enumerate(tf):
                if f:
                    total[k] -= idf * f * (_K1 + 1) / (f + norms[k])
        return total
