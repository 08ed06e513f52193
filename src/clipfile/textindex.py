"""What goes into the full-text index, how a user's query is read, and search snippets.

Index and query pass through the same normalisation (:mod:`clipfile.textsearch`: Russian words
are reduced to their stems, so a search finds any grammatical case), and the snippet shown for a
hit marks the words of the stored text whose normalised form matches a query term.
"""
from __future__ import annotations

import re

__all__ = ["index_text", "query_terms", "prepare_query", "snippet", "HIGHLIGHT"]

HIGHLIGHT = ("[[", "]]")
_WORD = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# A query token: a "phrase", a parenthesis, or a run of anything else.
_QUERY_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')

try:  # Russian stemming arrives with the Russian pipeline; plain case folding until then.
    from .textsearch import index_text as _index_text
    from .textsearch import query_terms as _query_terms
except ImportError:  # pragma: no cover - exercised only in a partial install
    def _index_text(text: str) -> str:
        return text.lower()

    def _query_terms(query: str) -> str:
        return " ".join(t if t in _OPERATORS else t.lower() for t in query.split(" "))


def index_text(text: str) -> str:
    """The form of ``text`` stored in the FTS index."""
    return _index_text(text)


def prepare_query(query: str) -> str:
    """Make everyday input valid FTS5: words with inner punctuation (``Putin's``, ``U.S.``,
    ``e-mail``) become quoted phrases; operators, phrases, ``prefix*`` and parentheses stay."""
    out = []
    for tok in _QUERY_TOKEN.findall(query):
        if tok.startswith('"') or tok in "()" or tok in _OPERATORS:
            out.append(tok)
            continue
        star = tok.endswith("*")
        core = tok[:-1] if star else tok
        if core and _WORD.fullmatch(core):
            out.append(tok)
        elif core and _WORD.search(core):
            out.append('"' + " ".join(_WORD.findall(core)) + '"' + ("*" if star else ""))
        else:
            out.append(tok)  # lone punctuation: let FTS5 say what is wrong with it
    return " ".join(out)


def query_terms(query: str) -> str:
    """The FTS5 query to run for what the user typed."""
    return _query_terms(prepare_query(query))


def _terms(query: str) -> list[tuple[str, bool]]:
    """(normalised term, is_prefix) for each word of a query, operators left out."""
    terms = []
    for m in re.finditer(r"(\w+)(\*)?", query):
        word = m.group(1)
        if word in _OPERATORS:
            continue
        norm = index_text(word).strip()
        if norm:
            terms.append((norm, bool(m.group(2))))
    return terms


def snippet(text: str, query: str, *, width: int = 240) -> str:
    """A stretch of ``text`` around the densest cluster of query matches, matches marked [[ ]]."""
    terms = _terms(query)
    words = list(_WORD.finditer(text))
    hits = []
    for m in words:
        norm = index_text(m.group(0)).strip()
        if any(norm == t or (prefix and norm.startswith(t)) for t, prefix in terms):
            hits.append(m)
    if not hits:
        return " ".join(text[:width].split()) + ("…" if len(text) > width else "")
    # The window that starts at the hit with the most other hits within `width` characters.
    best = max(range(len(hits)), key=lambda i: sum(1 for h in hits[i:] if h.end() - hits[i].start() <= width))
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
