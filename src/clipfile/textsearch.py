"""Text for the full-text index: Russian words reduced to Snowball stems.

SQLite's FTS5 tokeniser knows nothing of Russian cases, so ``Путина`` would not find
``Путиным``.  The store indexes :func:`index_text` of a document instead of its raw text, and
applies the same reduction to each word of a parsed query when it writes the query for FTS5
(:mod:`clipfile.store.sqlite_fts`).  Words in other scripts are only lower-cased, so mixed
libraries keep working with the unicode61 tokeniser's own case folding.
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
import unicodedata

__all__ = ["index_text", "index_form", "stem", "FORM_VERSION"]

# The version of index_text's rules: bump it whenever index_text gives another output for any
# text.  A library records the form its item index was written in (index_form) and rebuilds that
# index when the form changes, because removing an item from it means giving the index the
# same terms it was given when the item went in (clipfile.store.sqlite: items_fts).
FORM_VERSION = 1

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


@functools.lru_cache(maxsize=1)
def index_form() -> str:
    """Everything :func:`index_text`'s output depends on, as one string: the rules
    (:data:`FORM_VERSION`), Python's Unicode tables (what ``\\w`` and ``lower()`` know) and the
    Russian stemmer with its version.  Two processes with the same form index any text alike."""
    stemmer = type(_stemmer().__self__).__module__.split(".")[0]  # Stemmer or snowballstemmer
    package = {"Stemmer": "PyStemmer"}.get(stemmer, stemmer)
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return f"{FORM_VERSION} unicode {unicodedata.unidata_version} {package} {version}"


def index_text(text: str) -> str:
    """Return ``text`` as a space-separated run of index terms (one per word).

    Args:
        text: document text in any language.

    Returns:
        The words of ``text``, Russian ones stemmed (``Путиным`` → ``путин``), others lower-cased.
    """
    return " ".join(stem(m.group()) for m in _WORD.finditer(text))
