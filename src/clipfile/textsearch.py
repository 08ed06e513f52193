"""Text for the full-text index: Russian words reduced to Snowball stems.

SQLite's FTS5 tokeniser knows nothing of Russian cases, so ``Путина`` would not find
``Путиным``.  The store indexes :func:`index_text` of a document instead of its raw text, and
applies the same reduction to each word of a parsed query when it writes the query for FTS5
(:mod:`clipfile.store.sqlite_fts`).  Words in other scripts are only lower-cased, so mixed
libraries keep working with the unicode61 tokeniser's own case folding.
"""
from __future__ import annotations

import functools
import re

__all__ = ["index_text", "stem"]

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


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
