"""The search syntax matched in memory, for text that is not (yet) in the index: alerts.

``clipfile search`` hands a query to the store's full-text index; an alert rule must decide on one
new document's passages as they arrive.  Both read the same syntax — words, ``"phrases"``,
``prefix*``, ``AND`` (or nothing) between terms, ``OR``, ``NOT``, parentheses — and compare words
in the same normalised form (:func:`clipfile.textsearch.stem`: Russian words by their stems, so
``санкции`` finds ``санкциях``; other words case-folded).  Operators bind as in SQLite FTS5:
``NOT`` tightest, then ``AND``, then ``OR``.  Two forms the index does not take are accepted here
for older watch files: ``-word`` and a leading ``NOT word`` (exclude), and ``NEAR(a b)`` is read
as ``a AND b``.

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

__all__ = ["TextQuery"]

_WORD = re.compile(r"\w+", re.UNICODE)
# A token: a "phrase" (with an optional star), a parenthesis, or a run of anything else.
_TOKEN = re.compile(r'-?"[^"]*"?\*?|[()]|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT"}

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Terms:
    """Consecutive words (one word or a phrase); ``prefix``: the last may begin a longer word."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class _Op:
    op: str  # AND, OR, NOT (binary: left and not right), NEG (unary: not the operand)
    parts: tuple["_Node", ...]


_Node = Union[_Terms, _Op]


class _Text:
    """A text's words in index form, each with its offsets."""

    def __init__(self, text: str) -> None:
        self.words = [(stem(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]

    def find(self, terms: _Terms) -> list[Span]:
        n = len(terms.words)
        out = []
        for i in range(len(self.words) - n + 1):
            ok = True
            for k, want in enumerate(terms.words):
                have = self.words[i + k][0]
                last = k == n - 1
                if not (have == want or (last and terms.prefix and have.startswith(want))):
                    ok = False
                    break
            if ok:
                out.append((self.words[i][1], self.words[i + n - 1][2]))
        return out


def _terms(raw: str, prefix: bool) -> _Terms | None:
    words = tuple(stem(w) for w in _WORD.findall(raw))
    return _Terms(words, prefix) if words else None


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

    def parse(self) -> _Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def or_expr(self) -> _Node:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else _Op("OR", tuple(parts))

    def and_expr(self) -> _Node:
        parts = [self.not_expr()]
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else _Op("AND", tuple(parts))

    def not_expr(self) -> _Node:
        node = self.unary()
        while self.peek() == "NOT":
            self.take()
            node = _Op("NOT", (node, self.unary()))
        return node

    def unary(self) -> _Node:
        tok = self.peek()
        if tok is None:
            raise self.fail("it ends where a word was expected")
        if tok == "NOT":  # a leading NOT: exclude (the index wants "a NOT b")
            self.take()
            return _Op("NEG", (self.unary(),))
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
        terms = _terms(tok.rstrip("*"), prefix)
        if terms is None:
            raise self.fail(f"{tok!r} has no word in it")
        return _Op("NEG", (terms,)) if negate else terms

    def near(self, tok: str) -> _Node:
        """``NEAR(a b, 5)`` as ``a AND b``: the words must all occur."""
        inner = tok[5:] if tok.startswith("NEAR(") else ""
        if tok == "NEAR" and self.peek() == "(":
            self.take()
        parts: list[_Node] = []
        while True:
            for raw in re.split(r",\s*\d*", inner):
                terms = _terms(raw, raw.endswith("*"))
                if terms is not None:
                    parts.extend(_Terms((w,), False) for w in terms.words)
            nxt = self.peek()
            if nxt is None:
                raise self.fail("NEAR( is not closed")
            self.take()
            if nxt == ")":
                break
            inner = nxt
        if not parts:
            raise self.fail("NEAR() has no words")
        return _Op("AND", tuple(parts))


def _eval(node: _Node, text: _Text) -> list[Span] | None:
    """The spans of the positive terms that make ``node`` hold, or None when it does not."""
    if isinstance(node, _Terms):
        return text.find(node) or None
    if node.op == "OR":
        found = [s for p in node.parts if (s := _eval(p, text)) is not None]
        return sorted(x for s in found for x in s) if found else None
    if node.op == "AND":
        spans: list[Span] = []
        for p in node.parts:
            s = _eval(p, text)
            if s is None:
                return None
            spans.extend(s)
        return sorted(spans)
    if node.op == "NOT":
        left = _eval(node.parts[0], text)
        return left if left is not None and _eval(node.parts[1], text) is None else None
    return [] if _eval(node.parts[0], text) is None else None  # NEG: holds with nothing to point at


@dataclass(frozen=True, slots=True)
class TextQuery:
    """A parsed query that can be asked of any text."""

    source: str
    root: _Node

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
        return _eval(self.root, _Text(text))

    def find(self, text: str) -> Span | None:
        """The first place the query holds in ``text``: its first matched word or phrase; the
        whole text for a query of exclusions only; None when it does not hold."""
        spans = self.spans(text)
        if spans is None:
            return None
        return spans[0] if spans else (0, len(text))

    def matches(self, text: str) -> bool:
        return self.spans(text) is not None
