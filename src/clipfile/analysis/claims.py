"""Claims: factual assertions about entities, with their footing and a certainty score.

A claim comes from a quote (its ``source`` is the quote's speaker) or from the author's own
narration (``source`` None).  Its ``status`` is decided by the markers found in it and by
later sentences that comment on it ("X produced no evidence to back these claims").

When a claim has several facets (hearsay that is also unsupported), ``status`` is the weakest
footing, in the order ``denied < disputed < unsupported < hearsay < hedged < asserted <
evidenced``, and ``markers`` lists every marker, so each facet stays visible.

The stage is the same for every language; the language's
:class:`~clipfile.lang.base.ClaimSyntax` answers what only its grammar can (a unit's predicate,
whether it asserts, its subject, the sentences that comment on earlier claims) and its
:class:`~clipfile.analysis.markers.Lexicon` gives the markers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..records import Claim, Entity, Marker, Quote, Ref
from .markers import FOOTING_KINDS, find_markers
from .problems import isolated
from .referents import same_ref, speaker_ref

if TYPE_CHECKING:
    from ..lang.base import Comment, Language

__all__ = ["claims", "certainty", "status_of", "score_markers", "WEIGHTS", "BASE_CERTAINTY"]

# Certainty formula (docs/analysis.md): BASE_CERTAINTY plus, for each marker class, its weight
# for the first marker and half of it for the second (further ones add nothing); clipped to
# [0, 1].  The hedge, precision, condition and limitation weights were set by hand on the
# Pei & Jurgens (2021) dev split, rounded from a least-squares fit of per-class counts; the
# footing weights (hearsay, unsupported, disputed, denied) have no science-news data behind
# them and encode the ordering of statuses.
BASE_CERTAINTY = 0.80
WEIGHTS: dict[tuple[str, str], float] = {
    ("hedged", "modal"): -0.30,
    ("hedged", "modal_weak"): -0.06,
    ("hedged", "adverb"): -0.14,
    ("hedged", "allegation"): -0.15,
    ("hedged", "epistemic_verb"): -0.09,
    ("hedged", "belief"): -0.08,
    ("hedged", "adjective"): -0.30,
    ("hedged", "approximator"): -0.10,
    ("hearsay", "told"): -0.25,
    ("hearsay", "anonymous"): -0.25,
    ("evidenced", "demonstration"): 0.05,
    ("evidenced", "source"): 0.10,
    ("unsupported", "no_evidence"): -0.30,
    ("unsupported", "unverified"): -0.30,
    ("disputed", "dispute"): -0.30,
    ("denied", "denial"): -0.45,
    ("booster", "certain"): 0.06,
    ("booster", "finding"): 0.05,
    ("condition", "conditional"): -0.07,
    ("suggestion", "deontic"): 0.0,
    ("precision", "figure"): 0.0,
    ("limitation", "research"): -0.22,
}

# Marker classes that decide a status (the others only move certainty: "can" is mostly
# ability and "often" is extent, not doubt about the claim).
_STATUS_CLASSES = {
    ("hedged", c) for c in ("modal", "adverb", "allegation", "epistemic_verb", "belief", "adjective")
} | {(k, c) for (k, c) in WEIGHTS if k in {"hearsay", "evidenced", "unsupported", "disputed", "denied"}}

_STATUS_ORDER = ("denied", "disputed", "unsupported", "hearsay", "hedged", "asserted", "evidenced")

@dataclass
class ClaimDraft:
    """A claim while its markers are still being gathered ."""

    start: int
    end: int
    source: Ref | None
    subject: Ref
    quote_id: str | None
    sent_index: int
    markers: list[tuple[Marker, str]] = field(default_factory=list)


def score_markers(markers: list[tuple[Marker, str]]) -> float:
    """The certainty formula of docs/analysis.md (first marker of a class, half the second)."""
    seen: dict[tuple[str, str], int] = {}
    total = BASE_CERTAINTY
    for m, cls in markers:
        key = (m.kind, cls)
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n < 2:
            total += WEIGHTS.get(key, 0.0) * (1.0 if n == 0 else 0.5)
    return round(min(1.0, max(0.0, total)), 4)


def certainty(statement: Any, *, lang: str = "en") -> float:
    """Certainty of a statement in [0, 1], from its hedge, evidence and footing markers.

    Args:
        statement: the statement's text, or a parsed span of it (anything with ``text``).
        lang: the code of the language whose lexicon reads it.
    Returns:
        ``BASE_CERTAINTY`` moved by the weight of each marker class found (see ``WEIGHTS``).
    Raises:
        UnknownLanguage: no language is registered under ``lang``.
    """
    from ..lang import get_language

    text = statement if isinstance(statement, str) else statement.text
    return score_markers(find_markers(text, get_language(lang).lexicon))


def status_of(markers: list[tuple[Marker, str]]) -> str:
    """The weakest footing among status-deciding markers; ``asserted`` when there is none."""
    kinds = {m.kind for m, cls in markers if (m.kind, cls) in _STATUS_CLASSES}
    for status in _STATUS_ORDER:
        if status in kinds:
            return status
    return "asserted"


def claim_units(sent_ranges: list[tuple[int, int]], quotes: list[Quote]) -> list[tuple[int, int, Quote | None, int]]:
    """Candidate stretches: quote content per sentence, and narration sentences (those less
    than 30% covered by quotes), as (start, end, quote or None, sentence index)."""
    out: list[tuple[int, int, Quote | None, int]] = []
    for i, (s0, s1) in enumerate(sent_ranges):
        covered = 0
        for q in quotes:
            if q.end <= s0 or q.start >= s1:
                continue
            a, b = max(q.start, s0), min(q.end, s1)
            covered += b - a
            out.append((a, b, q, i))
        if covered < 0.3 * (s1 - s0):
            out.append((s0, s1, None, i))
    return out


_LOOKBACK_SENTENCES = 8
_RUN_SENTENCES = 2


def _stems(text: str, prefix: int) -> set[str]:
    return {w[:prefix] for w in re.findall(r"[^\W\d_]{4,}", text.lower())}


def apply_comments(drafts: list[ClaimDraft], comments: list[Comment], text: str, *, prefix: int) -> None:
    """Add each comment's marker to the earlier claims it reaches: the actor's own (for "no
    evidence") or those by or about the actor or the party it speaks for, on the comment's
    topic when it names one (words sharing a ``prefix``-letter stem), and for a plural
    ("these claims") the latest run of claims by one source."""
    for c in comments:
        with isolated("comment", c.marker.start, c.marker.end):
            _apply_comment(c, drafts, text, prefix)


def _apply_comment(c: Comment, drafts: list[ClaimDraft], text: str, prefix: int) -> None:
    """Add one comment's marker to the claims it reaches (:func:`apply_comments`)."""
    marker = c.marker
    earlier = [d for d in drafts if d.end <= marker.start
               and c.sent - _LOOKBACK_SENTENCES <= d.sent_index <= c.sent]
    if not earlier:
        return
    parties = [r for r in (c.actor, c.principal) if r is not None]
    by_actor = [d for d in earlier if any(same_ref(d.source, r) or same_ref(d.subject, r) for r in parties)]
    if marker.kind == "unsupported":
        # "X produced no evidence": X's own claims.
        by_actor = [d for d in earlier if same_ref(d.source, c.actor)] or by_actor
    pool = by_actor or earlier
    if c.topic:
        stems = _stems(c.topic, prefix)
        pool = [d for d in pool if stems & _stems(text[d.start:d.end], prefix)] or pool
    if c.plural:
        # "these claims": the latest run of claims by one source (a few sentences).
        last = pool[-1]
        targets = [d for d in pool if d.source == last.source
                   and d.sent_index >= last.sent_index - _RUN_SENTENCES]
    else:
        targets = pool[-1:]
    for d in targets:
        if all(m.start != marker.start for m, _ in d.markers):
            d.markers.append((marker, c.cls))


def claims(parsed: Any, entities: list[Entity], quotes: list[Quote], *, lang: Language | str) -> list[Claim]:
    """Extract factual assertions about entities, each with status, markers and certainty.

    Args:
        parsed: the language's parse of the document; offsets refer to its ``text``.
        entities: the document's entities (their mentions decide claim subjects).
        quotes: the document's quotes (their speakers are claim sources).
        lang: the document's language (or its code).
    Returns:
        Claims in text order with ids ``c1``, ``c2``...
    """
    from ..lang import as_language

    lang = as_language(lang)
    syn = lang.claim_syntax(parsed, entities, quotes)
    text = syn.text
    comments = syn.comments()
    comment_sents = {c.sent for c in comments}
    drafts: list[ClaimDraft] = []
    taken: list[tuple[int, int]] = []
    for start, end, quote, si in claim_units(syn.sentences(), syn.quotes):
        with isolated("claim unit", start, end):  # a failure skips this unit, not the stage
            start, end = syn.trim(start, end)
            if end - start < 8 or any(a < end and start < b for a, b in taken):
                continue
            if quote is None and si in comment_sents:
                # "X produced no evidence to back these claims" is a comment, not a new claim.
                continue
            toks = syn.tokens(si, start, end)
            if not toks:
                continue
            pred = syn.predicate(toks)
            if not syn.is_assertion(toks, pred):
                continue
            subject = syn.subject(toks, pred)
            if subject is None:
                continue
            source = speaker_ref(quote) if quote is not None else None
            markers = find_markers(text[start:end], lang.lexicon, offset=start)
            if quote is not None:
                markers += syn.frame_markers(quote, si)
            drafts.append(ClaimDraft(start, end, source, subject, quote.id if quote else None, si, markers))
            taken.append((start, end))
    apply_comments(drafts, comments, text, prefix=syn.topic_prefix)
    return finish_claims(drafts, text)


def finish_claims(drafts: list[ClaimDraft], text: str) -> list[Claim]:
    """Claim records from drafts in text order: status and certainty from the markers, and the
    markers that carry weight or footing shown."""
    out = []
    for n, d in enumerate(sorted(drafts, key=lambda d: d.start), 1):
        d.markers.sort(key=lambda mc: mc[0].start)
        shown = tuple(m for m, cls in d.markers if WEIGHTS.get((m.kind, cls), 0.0) or m.kind in FOOTING_KINDS)
        out.append(Claim(
            id=f"c{n}", start=d.start, end=d.end, text=text[d.start:d.end],
            status=status_of(d.markers), certainty=score_markers(d.markers), source=d.source,
            subject=d.subject, markers=shown, quote_id=d.quote_id,
        ))
    return out
