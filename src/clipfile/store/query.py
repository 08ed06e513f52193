"""A search query, read once from what the user typed into a small tree every backend renders.

The syntax is the one the CLI and the workbench document: words, ``"quoted phrases"``,
``AND`` / ``OR`` / ``NOT`` between terms (upper case; two terms side by side mean ``AND``),
``word*`` for a prefix, parentheses, and ``NEAR(a b, 10)`` for terms close together.  ``NOT``
binds tightest, then ``AND``, then ``OR``.  Everyday input stays valid: a word with punctuation
inside (``Putin's``, ``U.S.``, ``e-mail``) is the phrase of its words.

Reading the query here, not in a backend, means that every backend answers the same question
and that a bad query gets the same one-line message whatever the library is kept in: SQLite
renders the tree as FTS5 (:func:`clipfile.store.sqlite_fts.fts5_query`), PostgreSQL as a
``tsquery``.  The words stay as typed; each backend applies its index's normalisation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Union

from ..errors import QueryError
from ..textindex import check_query

__all__ = ["Query", "Term", "Phrase", "Near", "And", "Or", "Not", "Node", "parse_query", "SYNTAX_HINT"]

SYNTAX_HINT = 'use words, "quoted phrases", AND / OR / NOT between terms, and word* for prefixes'

_WORD = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT"}
# A token: a "phrase" (maybe unclosed, maybe a prefix), a parenthesis, a comma, or a run of
# anything else.
_TOKEN = re.compile(r'"[^"]*"?\*?|[(),]|[^\s(),"]+')
_NEAR_DEFAULT = 10  # the distance NEAR means without one (FTS5's default)


@dataclass(frozen=True, slots=True)
class Term:
    """One word; ``prefix``: any word that starts with it."""

    word: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words next to each other in this order; ``prefix``: the last one is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Near:
    """Terms or phrases within ``distance`` words of each other."""

    parts: tuple[Term | Phrase, ...]
    distance: int = _NEAR_DEFAULT


@dataclass(frozen=True, slots=True)
class And:
    parts: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Or:
    parts: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Not:
    """What matches ``keep`` and not ``drop`` (a negation always has something to subtract from)."""

    keep: "Node"
    drop: "Node"


Node = Union[Term, Phrase, Near, And, Or, Not]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search query: ``text`` as typed, ``root`` None for an empty query."""

    text: str
    root: Node | None

    @property
    def empty(self) -> bool:
        return self.root is None

    def terms(self) -> list[tuple[str, bool]]:
        """Every word of the query with whether it is a prefix, in order, repeats dropped
        (what a snippet marks)."""
        out: dict[tuple[str, bool], None] = {}
        for word, prefix in _walk(self.root):
            out[(word, prefix)] = None
        return list(out)

    @classmethod
    def phrase(cls, words: list[str] | tuple[str, ...]) -> "Query":
        """The query for these words as one phrase (built, not parsed: no syntax to escape)."""
        clean = tuple(w for word in words for w in _WORD.findall(word))
        if not clean:
            return cls("", None)
        root: Node = Term(clean[0]) if len(clean) == 1 else Phrase(clean)
        return cls(" ".join(clean), root)

    @classmethod
    def all_of(cls, words: list[str] | tuple[str, ...]) -> "Query":
        """The query for documents holding every one of these words, anywhere."""
        clean = [w for word in words for w in _WORD.findall(word)]
        if not clean:
            return cls("", None)
        terms = tuple(Term(w) for w in clean)
        return cls(" AND ".join(clean), terms[0] if len(terms) == 1 else And(terms))


def _walk(node: Node | None) -> Iterator[tuple[str, bool]]:
    if node is None:
        return
    if isinstance(node, Term):
        yield node.word, node.prefix
    elif isinstance(node, Phrase):
        for i, w in enumerate(node.words):
            yield w, node.prefix and i == len(node.words) - 1
    elif isinstance(node, Not):
        yield from _walk(node.keep)
        yield from _walk(node.drop)
    else:
        for part in node.parts:
            yield from _walk(part)


def parse_query(text: str) -> Query:
    """Read a query as typed.

    Raises:
        QueryError: beyond the bounds (:func:`clipfile.textindex.check_query`), or not a query;
            the one-line message says what is wrong and how queries are written.
    """
    check_query(text)
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Query(text, None)
    parser = _Parser(text, tokens)
    root = parser.parse()
    return Query(text, root)


def _commas_inside_near_only(tokens: list[str]) -> list[str]:
    """Drop commas outside ``NEAR( … )`` (``Smith, John`` is two words); inside, one comes
    before the distance."""
    out: list[str] = []
    inside = False
    for i, tok in enumerate(tokens):
        if tok == "(" and i and tokens[i - 1] == "NEAR":
            inside = True
        elif tok == ")":
            inside = False
        if tok != "," or inside:
            out.append(tok)
    return out


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := not ([AND] not)*;
    not := primary (NOT primary)*; primary := term | phrase | ( or ) | NEAR( terms [, n] )."""

    def __init__(self, text: str, tokens: list[str]) -> None:
        self.text = text
        self.tokens = _commas_inside_near_only(tokens)
        self.pos = 0

    def error(self, detail: str) -> QueryError:
        return QueryError(f"cannot understand the query {self.text!r} ({detail}); {SYNTAX_HINT}")

    def near_error(self) -> QueryError:
        tok = self.peek()
        return self.error("the query ends too early" if tok is None else f'syntax error near "{tok}"')

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise self.near_error()
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_(self) -> Node:
        parts = [self.not_()]
        while (tok := self.peek()) is not None and tok not in ("OR", ")"):
            if tok == "AND":
                self.take()
                if self.peek() == "NOT":  # "a AND NOT b" says what "a NOT b" says
                    self.take()
                    parts[-1] = Not(parts[-1], self.primary())
                    continue
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_(self) -> Node:
        node = self.primary()
        while self.peek() == "NOT":
            self.take()
            node = Not(node, self.primary())
        return node

    def primary(self) -> Node:
        tok = self.peek()
        if tok is None or tok in _OPERATORS or tok in (")", ","):
            raise self.near_error()
        if tok == "(":
            self.take()
            node = self.or_()
            if self.peek() != ")":
                raise self.error("a parenthesis is not closed") if self.peek() is None else self.near_error()
            self.take()
            return node
        if tok == "NEAR" and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == "(":
            return self.near()
        return self.term()

    def term(self) -> Term | Phrase:
        tok = self.take()
        if tok.startswith('"'):
            star = tok.endswith("*")
            body = tok[:-1] if star else tok
            if len(body) < 2 or not body.endswith('"'):
                raise self.error("unterminated string: a quotation mark is not closed")
            words = tuple(_WORD.findall(body[1:-1]))
            if not words:
                raise self.error("a phrase with no words")
            return Phrase(words, star)
        star = tok.endswith("*")
        core = tok[:-1] if star else tok
        words = tuple(_WORD.findall(core))
        if not words:
            self.pos -= 1
            raise self.near_error()
        if len(words) == 1 and _WORD.fullmatch(core):
            return Term(words[0], star)
        return Phrase(words, star)  # Putin's, U.S., e-mail: the phrase of their words

    def near(self) -> Near:
        self.take(), self.take()  # NEAR (
        parts: list[Term | Phrase] = []
        distance = _NEAR_DEFAULT
        while (tok := self.peek()) is not None and tok not in (")", ","):
            if tok in _OPERATORS or tok == "(" or tok == "NEAR":
                raise self.near_error()
            parts.append(self.term())
        if self.peek() == ",":
            self.take()
            tok = self.peek()
            if tok is None or not tok.isdigit():
                raise self.near_error()
            distance = int(self.take())
        if self.peek() != ")":
            raise self.error("a parenthesis is not closed") if self.peek() is None else self.near_error()
        self.take()
        if not parts:
            raise self.error("NEAR needs terms inside its parentheses")
        return Near(tuple(parts), distance)
