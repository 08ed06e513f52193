"""A parsed search query (:mod:`clipfile.store.query`) as PostgreSQL ``tsquery`` text.

The text goes to ``to_tsquery(config, …)`` once per text-search configuration the library
indexes with, so each word is stemmed by that configuration's dictionaries (English and
Russian Snowball stems, stop words dropped) exactly as the documents were.  Every word is a
quoted lexeme: nothing a user typed is read as ``tsquery`` syntax.

``NEAR(a b, n)`` (at most ``n`` words between them, in either order) becomes the alternatives
``a <k> b`` and ``b <k> a`` for k up to n + 1; a NEAR group of three or more terms is read as
all of them anywhere in the text (``tsquery`` has no window over more than two).
"""
from __future__ import annotations

from .query import And, Near, Node, Not, Phrase, Query, Term

__all__ = ["tsquery_text"]


def tsquery_text(query: Query) -> str:
    """The ``to_tsquery`` input for a query ("" for an empty one)."""
    return "" if query.root is None else _render(query.root)


def _lexeme(word: str, prefix: bool = False) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'" + (":*" if prefix else "")


def _words(words: tuple[str, ...], prefix: bool) -> str:
    parts = [_lexeme(w, prefix and i == len(words) - 1) for i, w in enumerate(words)]
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def _render(node: Node) -> str:
    if isinstance(node, Term):
        return _lexeme(node.word, node.prefix)
    if isinstance(node, Phrase):
        return _words(node.words, node.prefix)
    if isinstance(node, Near):
        parts = [_render(p) for p in node.parts]
        if len(parts) == 1:
            return parts[0]
        if len(parts) > 2:
            return "(" + " & ".join(parts) + ")"
        a, b = parts
        near = [f"{x} <{k}> {y}" for k in range(1, node.distance + 2) for x, y in ((a, b), (b, a))]
        return "(" + " | ".join(near) + ")"
    if isinstance(node, Not):
        return f"({_render(node.keep)} & !{_render(node.drop)})"
    joiner = " & " if isinstance(node, And) else " | "
    return "(" + joiner.join(_render(p) for p in node.parts) + ")"
