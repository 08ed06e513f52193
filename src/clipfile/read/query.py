"""The search syntax matched in memory, for text that is not (yet) in the index: alerts.

``clipfile search`` hands a query to the store's full-text index; an alert rule must decide on one
new document's passages as they arrive.  Both read the same syntax — words, ``"phrases"``,
``prefix*``, ``AND`` (or nothing) between terms, ``OR``, ``NOT``, parentheses — and compare words
in the same normalised form (:func:`clipfile.textsearch.stem`: Russian words by their stems, so
``санкции`` finds ``санкциях``; other words case-folded).  Operators bind as in SQLite FTS5:
``NOT`` tightest, then ``AND``, then ``OR``; ``NEAR(a b, 5)`` holds where the terms are within 5
words.  The query is read once, by the store's reader (:mod:`clipfile.store.query`), and the same
tree is matched here.  One form the index does not take is accepted for older watch files:
``-word`` and a leading ``NOT word`` exclude (:class:`Excluding`), from the whole query.

>>> TextQuery.parse('санкции "next year" -rumour').find("Он говорил о санкциях next year.")
(13, 21)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..errors import QueryError
from ..store.query import And, Near, Not, Or, Phrase, Term, parse_query
from ..store.query import Node as QueryNode
from ..textindex import check_query
from ..textsearch import stem

__all__ = ["TextQuery", "Excluding", "Node"]

_WORD = re.compile(r"\w+", re.UNICODE)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Excluding:
    """Holds where ``keep`` holds (anywhere when None) and none of ``drop`` does: an older watch
    file's ``-word`` or leading ``NOT word``, which the index's syntax has no form for."""

    keep: QueryNode | None
    drop: tuple[QueryNode, ...]


Node = Union[QueryNode, Excluding]


class _Text:
    """A text's words in index form (:func:`clipfile.textsearch.stem`), each with its offsets."""

    def __init__(self, text: str) -> None:
        self.words = [(stem(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]

    def find(self, words: tuple[str, ...], prefix: bool) -> list[tuple[int, int]]:
        """Word-index ranges ``[i, j)`` where these words (as typed) occur in order."""
        want = [stem(w) for w in words]
        n = len(want)
        out = []
        for i in range(len(self.words) - n + 1):
            for k, w in enumerate(want):
                have = self.words[i + k][0]
                if not (have == w or (prefix and k == n - 1 and have.startswith(w))):
                    break
            else:
                out.append((i, i + n))
        return out

    def chars(self, ranges: list[tuple[int, int]]) -> list[Span]:
        return sorted((self.words[i][1], self.words[j - 1][2]) for i, j in ranges)


def _occurrences(part: Term | Phrase, text: _Text) -> list[tuple[int, int]]:
    if isinstance(part, Term):
        return text.find((part.word,), part.prefix)
    return text.find(part.words, part.prefix)


def _near(node: Near, text: _Text) -> list[tuple[int, int]] | None:
    """Word ranges of a window holding every part, the gap from the end of the first to the
    start of the last at most ``distance`` words; None when there is none."""
    found = sorted((r, k) for k, part in enumerate(node.parts) for r in _occurrences(part, text))
    need = len(node.parts)
    for i, ((start, end), k) in enumerate(found):
        seen = {k: (start, end)}
        for (s2, e2), k2 in found[i + 1:]:
            if s2 - end > node.distance:
                break
            seen.setdefault(k2, (s2, e2))
            if len(seen) == need:
                return sorted(seen.values())
    return None


_EXCLUDED = re.compile(r'(?:(?<=\s)|^)-("[^"]*"|[^\s()"]+)')
_LEADING_NOT = re.compile(r'^\s*NOT\s+("[^"]*"|[^\s()"]+)')


def _read(query: str) -> Node:
    """The store's reading of the query (:func:`clipfile.store.query.parse_query`), with an older
    watch file's exclusions (``-word``, a leading ``NOT word``) taken out first: each makes the
    whole query hold only where its words do not occur."""
    excluded: list[str] = []
    m = _LEADING_NOT.match(query)
    if m:
        excluded.append(m.group(1))
        query = query[m.end():]
    excluded.extend(_EXCLUDED.findall(query))
    rest = _EXCLUDED.sub(" ", query)
    keep = parse_query(rest).root if rest.strip() else None
    drop = tuple(root for ex in excluded if (root := parse_query(ex).root) is not None)
    if drop:
        return Excluding(keep, drop)
    if keep is None:
        raise QueryError("empty query: give at least one word to search for")
    return keep


def _eval(node: Node, text: _Text) -> list[tuple[int, int]] | None:
    """Word ranges of the positive terms that make ``node`` hold, or None when it does not."""
    if isinstance(node, (Term, Phrase)):
        return _occurrences(node, text) or None
    if isinstance(node, Near):
        return _near(node, text)
    if isinstance(node, Or):
        found = [r for p in node.parts if (r := _eval(p, text)) is not None]
        return [x for r in found for x in r] if found else None
    if isinstance(node, And):
        ranges: list[tuple[int, int]] = []
        for p in node.parts:
            r = _eval(p, text)
            if r is None:
                return None
            ranges.extend(r)
        return ranges
    if isinstance(node, Not):
        keep = _eval(node.keep, text)
        return keep if keep is not None and _eval(node.drop, text) is None else None
    # Excluding: the kept part's places, or (nothing kept) a match with nothing to point at
    if any(_eval(d, text) is not None for d in node.drop):
        return None
    return [] if node.keep is None else _eval(node.keep, text)


@dataclass(frozen=True, slots=True)
class TextQuery:
    """A parsed query that can be asked of any text."""

    source: str
    root: Node

    @classmethod
    def parse(cls, query: str) -> "TextQuery":
        """Parse ``query``.

        Raises:
            QueryError: the query is empty, malformed or beyond the search limits.
        """
        check_query(query)
        if not _WORD.search(query):
            raise QueryError("empty query: give at least one word to search for")
        return cls(query, _read(query))

    def spans(self, text: str) -> list[Span] | None:
        """Where the query's words occur in ``text`` when it holds there (may be empty for a
        query of exclusions only), else None."""
        words = _Text(text)
        ranges = _eval(self.root, words)
        return None if ranges is None else words.chars(ranges)

    def find(self, text: str) -> Span | None:
        """The first place the query holds in ``text``: its first matched word or phrase; the
        whole text for a query of exclusions only; None when it does not hold."""
        spans = self.spans(text)
        if spans is None:
            return None
        return spans[0] if spans else (0, len(text))

    def matches(self, text: str) -> bool:
        return self.spans(text) is not None
