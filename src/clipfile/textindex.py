"""What goes into the full-text index, the bounds on a query, and search snippets.

Index and query pass through the same normalisation (:mod:`clipfile.textsearch`: Russian words
are reduced to their stems, so a search finds any grammatical case), and the snippet shown for a
hit marks the words of the stored text whose normalised form matches a query term.  How a query
is read is :mod:`clipfile.store.query`; how a backend writes it for its engine lives with the
backend (FTS5: :mod:`clipfile.store.sqlite_fts`).

The bounds on a query live here (:data:`MAX_QUERY_CHARS`, :data:`MAX_QUERY_TERMS`,
:func:`check_query`): every query the store runs passes them, so one pasted page cannot occupy
the full-text engine and the snippet builder for minutes.  Within the bounds the work is linear:
the engine gets the query once, and a snippet normalises each word of the text once and looks it
up in sets of the query's terms (no pass over the terms per word).
"""
from __future__ import annotations

import re
from typing import Protocol

from .errors import QueryError
from .textsearch import index_text as _index_text

__all__ = ["index_text", "snippet", "check_query", "count_terms", "MAX_QUERY_CHARS", "MAX_QUERY_TERMS",
           "HIGHLIGHT"]

# A search query may be this long; beyond it is a pasted document, not a question.
MAX_QUERY_CHARS = 1000
# ... and hold this many search terms (words, counted inside phrases too; operators are free).
MAX_QUERY_TERMS = 32

HIGHLIGHT = ("[[", "]]")
_WORD = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


class ParsedQuery(Protocol):
    """A parsed query (:class:`clipfile.store.query.Query`): its words, each with whether it
    is a prefix."""

    def terms(self) -> list[tuple[str, bool]]: ...


def count_terms(query: str) -> int:
    """The number of search terms in a query: its words, operators (AND, OR, NOT, NEAR) left out."""
    return sum(1 for m in _WORD.finditer(query) if m.group() not in _OPERATORS)


def check_query(query: str) -> None:
    """Refuse a query beyond the bounds with a message that names the limit.

    Raises:
        QueryError: more than :data:`MAX_QUERY_CHARS` characters or :data:`MAX_QUERY_TERMS` terms.
    """
    n = count_terms(query)
    if len(query) > MAX_QUERY_CHARS or n > MAX_QUERY_TERMS:
        raise QueryError(f"the query is too long ({n:,} terms, {len(query):,} characters); the limit is "
                         f"{MAX_QUERY_TERMS} terms and {MAX_QUERY_CHARS:,} characters — search for a few "
                         "distinctive words or a short phrase")


def index_text(text: str) -> str:
    """The form of ``text`` stored in the FTS index."""
    return _index_text(text)


def _terms(query: str | ParsedQuery) -> list[tuple[str, bool]]:
    """(normalised term, is_prefix) for each distinct word of a query, operators left out."""
    if isinstance(query, str):
        words = [(m.group(1), bool(m.group(2))) for m in re.finditer(r"(\w+)(\*)?", query)
                 if m.group(1) not in _OPERATORS]
    else:
        words = query.terms()
    terms: dict[tuple[str, bool], None] = {}
    for word, prefix in words:
        norm = index_text(word).strip()
        if norm:
            terms[(norm, prefix)] = None
    return list(terms)


class _Matcher:
    """Does a word of the text match one of a query's terms?  Each distinct word is normalised
    once; then exact terms are one set lookup and prefixes one lookup per distinct prefix length,
    so the cost of a word does not grow with the number of terms."""

    def __init__(self, terms: list[tuple[str, bool]]) -> None:
        self.exact = {t for t, prefix in terms if not prefix}
        by_length: dict[int, set[str]] = {}
        for t, prefix in terms:
            if prefix:
                by_length.setdefault(len(t), set()).add(t)
        self.prefixes = sorted(by_length.items())
        self.seen: dict[str, bool] = {}
        self.candidates = _candidates(terms) if 0 < len(terms) <= MAX_QUERY_TERMS else None

    def hits(self, text: str) -> list[re.Match[str]]:
        """The words of ``text`` that match, in order.  Only words that begin with a term
        (in any case) can match, so with a query of ordinary size the words are found by a
        search for the terms and only those are checked (a page's snippets cost a fraction of
        a pass over every word)."""
        words = _WORD.finditer(text) if self.candidates is None else self.candidates.finditer(text)
        return [m for m in words if self(m.group())]

    def __call__(self, word: str) -> bool:
        known = self.seen.get(word)
        if known is None:
            norm = index_text(word).strip()
            known = norm in self.exact or any(norm[:n] in heads for n, heads in self.prefixes if n <= len(norm))
            self.seen[word] = known
        return known


def _candidates(terms: list[tuple[str, bool]]) -> re.Pattern[str]:
    """Whole words that begin with a term in any case: a term's index form is its word in lower
    case, or a Russian word's stem, which begins the word (ё read as е).  Each alternative opens
    with its literal and looks behind it for the start of the word, so the search skips ahead."""
    parts = []
    for term, prefix in terms:
        literal = "".join("[её]" if c == "е" else re.escape(c) for c in term)
        loose = prefix or bool(_CYRILLIC.search(term))
        parts.append(rf"{literal}(?<!\w{literal})" + (r"\w*" if loose else r"(?!\w)"))
    return re.compile("|".join(parts), re.IGNORECASE)


def snippet(text: str, query: str | ParsedQuery, *, width: int = 240) -> str:
    """A stretch of ``text`` around the densest cluster of query matches, matches marked [[ ]].

    ``query``: the parsed query the store ran, or the words of one as typed.

    Linear in the length of the text plus the length of the query.
    """
    matches = _Matcher(_terms(query))
    hits = matches.hits(text)
    if not hits:
        return " ".join(text[:width].split()) + ("…" if len(text) > width else "")
    # The window that starts at the hit with the most other hits within `width` characters
    # (hits are in text order, so the hits that fit after hit i end at a point that only moves on).
    best, best_n, j = 0, -1, 0
    for i, h in enumerate(hits):
        j = max(j, i)
        while j < len(hits) and hits[j].end() - h.start() <= width:
            j += 1
        if j - i > best_n:
            best, best_n = i, j - i
    start = max(0, hits[best].start() - width // 4)
    end = min(len(text), start + width)
    out, pos = [], start
    for h in hits:
        if h.start() < start or h.end() > end:
            continue
        out.append(text[pos:h.start()])
        out.append(HIGHLIGHT[0] + h.group(0) + HIGHLIGHT[1])
        pos = h.end()
    out.append(text[pos:end])
    body = " ".join("".join(out).split())
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
