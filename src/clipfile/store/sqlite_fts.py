"""A parsed search query (:mod:`clipfile.store.query`) as an SQLite FTS5 query string.

The FTS5 tables hold :func:`clipfile.textsearch.index_text` of the text (Russian words stemmed),
so each word of the query is reduced the same way.  Every word and phrase is written as a quoted
string: FTS5 reads nothing in it as syntax, whatever the user typed.
"""
from __future__ import annotations

from ..textsearch import index_text
from .query import And, Near, Node, Not, Or, Phrase, Query, Term

__all__ = ["fts5_query"]


def fts5_query(query: Query) -> str:
    """The FTS5 ``MATCH`` string for a query ("" for an empty one)."""
    return "" if query.root is None else _render(query.root)


def _words(words: tuple[str, ...], prefix: bool) -> str:
    body = " ".join(w for w in (index_text(word) for word in words) if w)
    return f'"{body}"' + ("*" if prefix else "")


def _render(node: Node) -> str:
    if isinstance(node, Term):
        return _words((node.word,), node.prefix)
    if isinstance(node, Phrase):
        return _words(node.words, node.prefix)
    if isinstance(node, Near):
        if len(node.parts) == 1:
            return _render(node.parts[0])
        return f"NEAR({' '.join(_render(p) for p in node.parts)}, {node.distance})"
    if isinstance(node, Not):
        return f"{_group(node.keep)} NOT {_group(node.drop)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_group(p) for p in node.parts)


def _group(node: Node) -> str:
    """A part of a compound query, in parentheses when it is compound itself."""
    text = _render(node)
    return f"({text})" if isinstance(node, (And, Or, Not)) else text
