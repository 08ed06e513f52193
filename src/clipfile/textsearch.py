"""Text for the full-text index: Russian words reduced to Snowball stems.

SQLite's FTS5 tokeniser knows nothing of Russian cases, so ``Путина`` would not find
``Путиным``.  The store indexes :func:`index_text` of a document instead of its raw text, and
runs user queries through :func:`query_terms`, which applies the same reduction to each word
while leaving FTS5 syntax (phrases in double quotes, ``AND``/``OR``/``NOT``/``NEAR``, ``prefix*``,
``column:``, parentheses) untouched.  Words in other scripts are only lower-cased, so mixed
libraries keep working with the unicode61 tokeniser's own case folding.
"""
from __future__ import annotations

import functools
import re

__all__ = ["index_text", "query_terms", "stem"]

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


@functools.lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer  # PyStemmer: C Snowball, fast

        return Stemmer.Stemmer("russian").stemWord
    except ImportError:
        import snowballstemmer

        return snowballstemmer.stemmer("russian").stemWord


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Index form of one word: Snowball stem for Cyrillic words, lower case for others."""
    low = word.lower()
    if not _CYRILLIC.search(low):
        return low
    return _stemmer()(low.replace("ё", "е"))


def index_text(text: str) -> str:
    """Return ``text`` as a space-separated run of index terms (one per word).

    Args:
        text: document text in any language.

    Returns:
        The words of ``text``, Russian ones stemmed (``Путиным`` → ``путин``), others lower-cased.
    """
    return " ".join(stem(m.group()) for m in _WORD.finditer(text))


def query_terms(query: str) -> str:
    """Apply :func:`index_text`'s word reduction to an FTS5 query, keeping its syntax.

    Args:
        query: an FTS5 query as a user typed it (``"Путина заявил" OR Навальным*``).

    Returns:
        The same query with each word replaced by its index term; operators, quotes,
        parentheses, prefix stars and column names are kept as they are.
    """

    def repl(m: re.Match[str]) -> str:
        word = m.group()
        if word in _OPERATORS:
            return word
        after = query[m.end() : m.end() + 1]
        if after == ":":
            return word  # a column filter such as ``title:``
        return stem(word)

    return _WORD.sub(repl, query)
