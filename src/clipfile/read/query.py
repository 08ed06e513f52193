"""The search syntax matched in memory, for text that is not (yet) in the index: alerts.

``clipfile search`` hands a query to the store's full-text index; an alert rule must decide on one
new document's passages as they arrive.  Both read the same syntax — words, ``"phrases"``,
``prefix*``, ``AND`` (or nothing) between terms, ``OR``, ``NOT``, parentheses — and compare words
in the same normalised form (:func:`clipfile.textsearch.stem`: Russian words by their stems, so
``санкции`` finds ``санкциях``; other words case-folded).  Operators bind as in SQLite FTS5:
``NOT`` tightest, then ``AND``, then ``OR``; ``NEAR(a b, 5)`` holds where the terms are within 5
words.  One form the index does not take is accepted here for older watch files: ``-word`` and
a leading ``NOT word`` exclude (:class:`Without`).  The tree has the shape of the store's parsed
query (``Term``, ``Phrase``, ``Near``, ``And``, ``Or``, ``Not``) so one reading can serve both.

>>> TextQuery.parse('санкции "next year" -rumour').find("Он говорил о санкциях next year.")
(13, 21)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from ..errors import QueryError
from ..textindex import check_query
from ..textsearch import stem

__all__ = ["TextQuery", "Term", "Phrase", "Near", "And", "Or", "Not", "Without", "Node"]

_WORD = re.compile(r"\w+", re.UNICODE)
# A token: a "phrase" (with an optional star), a parenthesis, or a run of anything else.
_TOKEN = re.compile(r'-?"[^"]*"?\*?|[()]|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT"}

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Term:
    """One word as typed; ``prefix``: any word that starts with it."""

    word: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words next to each other in this order; ``prefix``: the last one is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Near:
    """Terms or phrases within ``distance`` words of each other (between the end of the first
    and the start of the last, as FTS5 counts)."""

    parts: tuple["Term | Phrase", ...]
    distance: int = 10


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Not:
    """What matches ``keep`` and not ``drop``."""

    keep: "Node"
    drop: "Node"


@dataclass(frozen=True, slots=True)
class Without:
    """Holds where ``part`` does not (an older watch file's ``-word`` or leading ``NOT word``)."""

    part: "Node"


Node = Union[Term, Phrase, Near, And, Or, Not, Without]


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


def _terms_node(raw: str, prefix: bool) -> Term | Phrase | None:
    words = tuple(_WORD.findall(raw))
    if not words:
        return None
    return Term(words[0], prefix) if len(words) == 1 else Phrase(words, prefix)


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _TOKEN.findall(query)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, why: str) -> QueryError:
        return QueryError(f"cannot understand the query {self.query!r} ({why}); use words, \"quoted phrases\", "
                          "AND / OR / NOT between terms, and word* for prefixes")

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self) -> Node:
        node = self.unary()
        while self.peek() == "NOT":
            self.take()
            node = Not(node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.fail("it ends where a word was expected")
        if tok == "NOT":  # a leading NOT: exclude (the index wants "a NOT b")
            self.take()
            return Without(self.unary())
        if tok in ("AND", "OR", ")"):
            raise self.fail(f"{tok!r} where a word was expected")
        self.take()
        if tok == "(":
            node = self.or_expr()
            if self.peek() != ")":
                raise self.fail("a parenthesis is not closed")
            self.take()
            return node
        if tok.startswith("NEAR(") or tok == "NEAR":
            return self.near(tok)
        negate = tok.startswith("-") and len(tok) > 1
        if negate:
            tok = tok[1:]
        prefix = tok.endswith("*")
        terms = _terms_node(tok.rstrip("*"), prefix)
        if terms is None:
            raise self.fail(f"{tok!r} has no word in it")
        return Without(terms) if negate else terms

    def near(self, tok: str) -> Near:
        """``NEAR(a "b c", 5)``: terms or phrases within 5 words (10 when not given)."""
        inner = tok[5:] if tok.startswith("NEAR(") else ""
        if tok == "NEAR" and self.peek() == "(":
            self.take()
        raw: list[str] = []
        while True:
            if inner:
                raw.append(inner)
            nxt = self.peek()
            if nxt is None:
                raise self.fail("NEAR( is not closed")
            self.take()
            if nxt == ")":
                break
            inner = nxt
        body = " ".join(raw)
        distance = 10
        m = re.search(r",\s*(\d+)\s*$", body)
        if m:
            distance, body = int(m.group(1)), body[: m.start()]
        parts = [p for tok_ in re.findall(r'"[^"]*"\*?|[^\s,]+', body)
                 if (p := _terms_node(tok_.strip('"*'), tok_.endswith("*"))) is not None]
        if not parts:
            raise self.fail("NEAR() has no words")
        return Near(tuple(parts), distance)


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
    return [] if _eval(node.part, text) is None else None  # Without: holds, with nothing to point at


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
        return cls(query, _Parser(query).parse())

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
