"""The marker engine: find the words that decide a statement's footing and its certainty.

A language gives a :class:`Lexicon`: ``markers[kind][cls]``, lists of regular-expression
fragments (matched case-insensitively, on word boundaries, against the stored text), and a
verbal probability scale.  ``kind`` is what the marker signals and becomes :attr:`Marker.kind`:

* claim footing: ``hedged``, ``hearsay``, ``evidenced``, ``unsupported``, ``disputed``,
  ``denied`` (see docs/analysis.md for what each means);
* certainty only: ``booster`` (clearly, of course), ``condition`` (if, unless),
  ``suggestion`` (should, need to), ``precision`` (figures, percentages, intervals),
  ``limitation`` (further research is needed), and ``opinion``: a verb of belief with its
  holder (``I think``, ``she believes``), which the claim stage tells apart from an impersonal
  ``it is thought`` in the parse (an opinion is no footing).

``cls`` is a finer class inside a kind (a modal verb is a weaker hedge than an approximator);
the certainty formula in :mod:`clipfile.analysis.claims` gives each class its own weight, so
classes are shared across languages while the words are not.  The probability scale maps
verbal probability terms to Sherman Kent's categories of estimative probability (``KENT``).
"""
from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from ..records import Marker

__all__ = ["KENT", "FOOTING_KINDS", "Lexicon", "find_markers", "probability_terms"]

# Kinds that decide a claim's status, weakest footing first (see claims.status_of).
FOOTING_KINDS = ("denied", "disputed", "unsupported", "hearsay", "hedged", "evidenced")

# Sherman Kent, "Words of Estimative Probability", Studies in Intelligence 8(4), 1964:
# category -> (probability, plus-or-minus).
KENT: dict[str, tuple[float, float]] = {
    "certain": (1.00, 0.0),
    "almost certain": (0.93, 0.06),
    "probable": (0.75, 0.12),
    "chances about even": (0.50, 0.10),
    "probably not": (0.30, 0.10),
    "almost certainly not": (0.07, 0.05),
    "impossible": (0.00, 0.0),
}


class Lexicon:
    """One language's markers and probability scale, compiled on first use.

    Args:
        markers: ``markers[kind][cls]`` regular-expression fragments.
        scale: ``(fragment, Kent category)`` pairs, most specific first.
    """

    def __init__(self, markers: Mapping[str, Mapping[str, Sequence[str]]],
                 scale: Sequence[tuple[str, str]]) -> None:
        self.markers = markers
        self.scale = scale

    @cached_property
    def compiled(self) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
        out = []
        for kind, classes in self.markers.items():
            for cls, patterns in classes.items():
                alt = "|".join(f"(?:{p})" for p in patterns)
                out.append((kind, cls, re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)))
        return tuple(out)

    @cached_property
    def compiled_scale(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE), cat)
                     for p, cat in self.scale)

    # Most stretches of text hold no marker at all, and a scan runs each class's expression
    # over the stretch in turn; one expression of every fragment finds whether any would match
    # in a single pass (a class's expression matches only where this one does), so a stretch
    # without markers costs one pass, not one per class.
    @cached_property
    def compiled_any(self) -> re.Pattern[str] | None:
        return _any_of([p for classes in self.markers.values() for patterns in classes.values() for p in patterns])

    @cached_property
    def compiled_scale_any(self) -> re.Pattern[str] | None:
        return _any_of([p for p, _cat in self.scale])


def _first_literal(fragment: str) -> str | None:
    """The character every match of ``fragment`` opens with, when it opens with a plain one
    (not a class, a group, an alternation or a repeated character), else None."""
    with contextlib.suppress(Exception):  # another Python's parser, or a bad fragment: no grouping
        from re import _parser  # type: ignore[attr-defined]

        data = _parser.parse(fragment, re.IGNORECASE).data
        if data and data[0][0] is _parser.LITERAL:
            return chr(data[0][1])
    return None


def _any_of(fragments: Sequence[str]) -> re.Pattern[str] | None:
    """One expression matching where any of ``fragments`` would, as the marker expressions
    match them (case-insensitively, on word boundaries), or None when they cannot be joined: a
    numbered back-reference would point at another fragment's group once they are."""
    if not fragments or any(re.search(r"\\[1-9]|\(\?P=", f) for f in fragments):
        return None
    # Under IGNORECASE the engine tries every alternative at every word start; fragments that
    # open with a letter are grouped behind a look-ahead for it, so a word start tries one
    # look-ahead per letter rather than every fragment (where any matches is unchanged: a
    # fragment matches only where its first letter does).
    groups: dict[str, list[str]] = {}
    rest: list[str] = []
    for f in fragments:
        first = _first_literal(f)
        if first is None:
            rest.append(f)
        else:
            groups.setdefault(first, []).append(f)
    alts = [f"(?={re.escape(c)})(?:{'|'.join(f'(?:{f})' for f in fs)})" for c, fs in groups.items()]
    alt = "|".join(alts + [f"(?:{f})" for f in rest])
    try:
        return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)
    except re.error:  # e.g. two fragments naming a group alike: scan class by class
        return None


def find_markers(
    text: str,
    lexicon: Lexicon,
    *,
    offset: int = 0,
    kinds: Iterable[str] | None = None,
) -> list[tuple[Marker, str]]:
    """Find ``lexicon``'s markers in ``text``; return ``(Marker, class)`` pairs in text order.

    Offsets are shifted by ``offset`` so they point into the document the text came from.
    Where matches overlap, the longest wins (``could not be verified`` beats ``could``).
    """
    wanted = tuple(sorted(set(kinds))) if kinds is not None else None
    return [
        (Marker(start=s + offset, end=e + offset, text=text[s:e], kind=kind), cls)
        for s, e, kind, cls in _markers_in(text, lexicon, wanted)
    ]


# The stages look for markers in the same stretch of text several times (a sentence as a
# possible comment, then as a claim, then for its claim's footing), and the scan is a couple
# of dozen case-insensitive expressions over it: each stretch is scanned once.
@functools.lru_cache(maxsize=4096)
def _markers_in(text: str, lexicon: Lexicon, wanted: tuple[str, ...] | None) -> tuple[tuple[int, int, str, str], ...]:
    found: list[tuple[int, int, str, str]] = []
    if lexicon.compiled_any is not None and lexicon.compiled_any.search(text) is None:
        return ()
    for kind, cls, rx in lexicon.compiled:
        if wanted is not None and kind not in wanted:
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), kind, cls))
    # Longest first, then leftmost: greedy selection of non-overlapping matches.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, str, str]] = []
    for f in found:
        if all(f[1] <= t[0] or f[0] >= t[1] for t in taken):
            taken.append(f)
    taken.sort()
    return tuple(taken)


def probability_terms(text: str, lexicon: Lexicon) -> list[tuple[int, int, str, str]]:
    """Verbal probability terms in ``text``: ``(start, end, term, Kent category)``.

    Overlaps resolve to the earliest scale entry (the most specific), then the longest match.
    """
    found = []
    if lexicon.compiled_scale_any is not None and lexicon.compiled_scale_any.search(text) is None:
        return []
    for rank, (rx, cat) in enumerate(lexicon.compiled_scale):
        for m in rx.finditer(text):
            found.append((rank, -(m.end() - m.start()), m.start(), m.end(), cat))
    found.sort()
    taken: list[tuple[int, int, str, str]] = []
    for _, _, s, e, cat in found:
        if all(e <= t[0] or s >= t[1] for t in taken):
            taken.append((s, e, text[s:e], cat))
    taken.sort()
    return taken
