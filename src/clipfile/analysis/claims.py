"""Claims: factual assertions about entities, with their footing and a certainty score.

A claim comes from a quote (its ``source`` is the quote's speaker) or from the author's own
narration (``source`` None).  Its ``status`` is decided by the markers found in it and by
later sentences that comment on it ("X produced no evidence to back these claims").

When a claim has several facets (hearsay that is also unsupported), ``status`` is the first
in the order ``denied > disputed > unsupported > evidenced > hearsay > hedged`` (a denial says
more about a statement than a hedge on it; data behind it more than a rumour), and ``markers``
lists every marker, so each facet stays visible.

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
from .referents import outermost_quote, same_ref, speaker_ref

if TYPE_CHECKING:
    from ..lang.base import ClaimSyntax, Comment, Frame, Language
    from .markers import Lexicon

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
    ("hedged", "extent"): -0.14,
    ("hedged", "allegation"): -0.15,
    ("hedged", "epistemic_verb"): -0.09,
    ("hedged", "belief"): -0.08,
    ("hedged", "adjective"): -0.30,
    ("hedged", "approximator"): -0.10,
    ("opinion", "belief"): -0.08,
    ("hearsay", "allegation"): -0.15,
    ("hearsay", "media"): -0.15,
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

_STATUS_ORDER = ("denied", "disputed", "unsupported", "evidenced", "hearsay", "hedged", "asserted")

@dataclass
class ClaimDraft:
    """A claim while its markers are still being gathered ."""

    start: int
    end: int
    source: Ref | None
    subject: Ref | None
    quote_id: str | None
    sent_index: int
    markers: list[tuple[Marker, str]] = field(default_factory=list)
    framed: bool = False  # the content of a frame ("X denied that P": P)
    optional: bool = False  # a claim only for its footing (dropped if it ends up asserted)


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
    """The first footing, in ``_STATUS_ORDER``, among status-deciding markers; ``asserted`` when
    there is none."""
    kinds = {m.kind for m, cls in markers if (m.kind, cls) in _STATUS_CLASSES}
    for status in _STATUS_ORDER:
        if status in kinds:
            return status
    return "asserted"


def claim_units(sent_ranges: list[tuple[int, int]],
                quotes: list[Quote]) -> list[tuple[int, int, Quote | None, int, bool]]:
    """Candidate stretches: quote content per sentence, and narration sentences, as (start,
    end, quote or None, sentence index, fallback).  A narration sentence at least 30% covered
    by quotes is a fallback: when none of its quote pieces is a claim (a quote the parse split
    into fragments, ``X`` / ``is seen as`` / ``Y``), the sentence is a claim for its footing."""
    out: list[tuple[int, int, Quote | None, int, bool]] = []
    for i, (s0, s1) in enumerate(sent_ranges):
        covered = 0
        for q in quotes:
            if q.end <= s0 or q.start >= s1:
                continue
            a, b = max(q.start, s0), min(q.end, s1)
            covered += b - a
            out.append((a, b, q, i, False))
        out.append((s0, s1, None, i, covered >= 0.3 * (s1 - s0)))
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
    if marker.kind in {"denied", "disputed"}:
        # One denies or disputes what others said: their words first, not one's own.
        earlier = [d for d in earlier if d.source is not None and not same_ref(d.source, c.actor)] or earlier
    parties = [r for r in (c.actor, c.principal) if r is not None]
    by_actor = [d for d in earlier if any(same_ref(d.source, r) or same_ref(d.subject, r) for r in parties)]
    if marker.kind == "unsupported":
        # "X produced no evidence": X's own claims.
        by_actor = [d for d in earlier if same_ref(d.source, c.actor)] or by_actor
    pool = by_actor or earlier
    if c.evidence:
        # "dismissed the research as rubbish": the claims that rest on the research.
        pool = [d for d in pool if any(m.kind == "evidenced" for m, _ in d.markers)] or pool
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


def frame_units(frames: list[Frame], quotes: list[Quote]) -> list[tuple[int, int, Ref | None, int]]:
    """Claims a frame makes on its own, as (start, end, source, sentence): the content of a
    frame inside a larger statement ("an inquiry into the allegations that I misused my
    position", "the report that P could not be verified") or of a frame with a holder ("X,
    who denied taking bribes, ...").  The source is the holder,
    else the speaker whose words hold the frame (who passes the allegation on), else None."""
    out = []
    for f in frames:
        if not f.embedded and f.holder is None:
            continue  # "It is thought that P": the sentence's claim, narrowed to P
        host = outermost_quote(quotes, f.marker.start)
        out.append((f.start, f.end, f.holder if f.holder is not None else speaker_ref(host), f.sent))
    return out


def heading_frame(frames: list[Frame], start: int, end: int) -> Frame | None:
    """The frame that heads the unit ``[start, end)``: its words in the unit, its content the
    rest of it ("Sources said P", "X denied that P", "we were led to believe P"); the unit's
    claim is then that content.  The widest such frame wins (the outermost report)."""
    best = None
    for f in frames:
        if f.embedded or not start <= f.marker.start < end:
            continue
        if _share(f.start, f.end, start, end) < 0.8 * (f.end - f.start):
            continue
        if best is None or f.end - f.start > best.end - best.start:
            best = f
    return best


def _widest(text: str, lexicon: Lexicon, m: Marker, cls: str) -> tuple[Marker, str]:
    """A frame's marker, or the lexicon's longer words of the same kind around it."""
    lo = max(0, m.start - 40)
    for w, c in find_markers(text[lo:m.end + 40], lexicon, offset=lo, kinds=(m.kind,)):
        if w.start <= m.start and m.end <= w.end:
            return w, c
    return m, cls


def _share(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def unit_markers(syn: ClaimSyntax, lexicon: Lexicon, frames: list[Frame], toks: list[Any], pred: Any,
                 start: int, end: int) -> list[tuple[Marker, str]]:
    """The markers that bear on the unit ``[start, end)``: the lexicon's words in it and the
    frames standing in it, where the parse says they govern its predicate, and the frames
    outside it whose content is mostly the unit (a quote's cue, a denial's verb)."""
    # A frame heading the unit's sentence with no holder ("Sources said P" in narration)
    # marks the unit; a frame with a holder or inside a larger statement has its own claim.
    inner = [(f.marker, f.cls) for f in frames if start <= f.marker.start < end
             and f.holder is None and not f.embedded and _share(f.start, f.end, start, end) > 0]
    outer = [(f.marker, f.cls) for f in frames if not start <= f.marker.start < end
             and _share(f.start, f.end, start, end) >= 0.5 * (end - start)]
    words = find_markers(syn.text[start:end], lexicon, offset=start)
    # Where a word of the lexicon and a frame overlap, the frame's reading wins; the word's
    # longer text stays when both say the same ("records show" over "show").
    inner = [_widest(syn.text, lexicon, m, c) for m, c in inner]
    outer = [_widest(syn.text, lexicon, m, c) for m, c in outer]
    framed = inner + outer
    words = [(m, c) for m, c in words if all(m.end <= x.start or m.start >= x.end for x, _ in framed)]
    out = syn.govern(sorted(words + inner, key=lambda mc: mc[0].start), toks, pred)
    for m, c in outer:
        if all(m.end <= x.start or m.start >= x.end for x, _ in out):
            out.append((m, c))
    return out


def claims(parsed: Any, entities: list[Entity], quotes: list[Quote], *, lang: Language | str) -> list[Claim]:
    """Extract factual assertions about entities, each with status, markers and certainty.

    A unit (a frame's content such as P in "X denied that P", a quote's content, a narration
    sentence) is a claim when it asserts (not a question, request or forecast) and has a
    subject entity, or, without one, when its footing is other than plain assertion: a
    denied or second-hand statement is worth showing whatever it is about.

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
    frames = syn.frames()
    drafts: list[ClaimDraft] = []
    taken: list[tuple[int, int]] = []  # units with a subject: a later overlapping unit is skipped
    quoted_sents: set[int] = set()  # sentences where a quote piece made a claim
    # Quote pieces first, then the frames' own contents ("X denied that P" with no quote for
    # P: the claim is P, not the sentence), then narration sentences.
    # Quote pieces first, then the contents of frames inside larger statements, then
    # narration sentences.  A unit a frame heads is narrowed to the frame's content.
    pieces = claim_units(syn.sentences(), syn.quotes)
    # (start, end, quote, sentence, holder, fallback: True/False, None for a clause, framed)
    units: list[tuple[int, int, Quote | None, int, Ref | None, bool | None, bool]] = [
        (a, b, q, si, None, False, False) for a, b, q, si, _ in pieces if q is not None]
    units += [(a, b, None, si, holder, False, True) for a, b, holder, si in frame_units(frames, syn.quotes)]
    units += [(a, b, None, si, None, fb, False) for a, b, q, si, fb in pieces if q is None]
    framed_spans: list[tuple[int, int]] = []  # frame contents about no entity
    units.reverse()  # a stack: the clauses a unit spawns are taken next
    while units:
        start, end, quote, si, holder, fallback, framed = units.pop()
        with isolated("claim unit", start, end):  # a failure skips this unit, not the stage
            clause = fallback is None  # a clause of the unit before: overlaps its parent by nature
            if fallback and si in quoted_sents:
                continue
            if not framed and quote is None and si in comment_sents:
                # "X produced no evidence to back these claims" is a comment, not a new claim.
                continue
            start, end = syn.trim(start, end)
            source = speaker_ref(quote) if quote is not None else holder
            head = None if framed else heading_frame(frames, start, end)
            if head is not None:
                # "X denied that P", "sources said P": the claim is P, the frame its footing.
                start, end = syn.trim(head.start, head.end)
                source = head.holder if head.holder is not None else source
                framed = True
            if end - start < 8 or (not clause and any(a < end and start < b for a, b in taken)):
                continue
            if clause and any(d.start == start and d.end == end for d in drafts):
                continue
            if any(_share(a, b, start, end) >= 0.5 * (end - start) for a, b in framed_spans):
                continue  # mostly a frame's content, which is a claim already
            if framed and quote is None and any(d.quote_id and _share(d.start, d.end, start, end) >= 0.5 * (end - start)
                                                for d in drafts):
                continue  # a quote's claim carries the frame's content
            toks = syn.tokens(si, start, end)
            if not toks:
                continue
            pred = syn.predicate(toks)
            if not syn.is_assertion(toks, pred):
                continue
            subject = syn.subject(toks, pred)
            words = find_markers(text[start:end], lang.lexicon, offset=start)
            for a, b in syn.subclauses(words, toks, pred):
                # "he was up for it as the country waits, possibly for weeks": the hedge marks
                # only its clause, which is a claim of its own.
                units.append((a, b, quote, si, source, None, True))
            markers = unit_markers(syn, lang.lexicon, frames, toks, pred, start, end)
            # A frame's content, a clause and a sentence whose quote pieces made no claim are
            # claims for their footing only (a later comment may still give them one).
            optional = framed or clause or bool(fallback)
            asserted = status_of(markers) == "asserted"
            if subject is None and asserted and not framed:
                continue  # about no entity and plainly asserted: not a claim
            drafts.append(ClaimDraft(start, end, source, subject, quote.id if quote else None, si, markers,
                                     framed=framed, optional=optional))
            if optional and asserted:
                continue
            if quote is not None:
                quoted_sents.add(si)
            if subject is not None:
                taken.append((start, end))
            elif framed:
                framed_spans.append((start, end))
    apply_comments(drafts, comments, text, prefix=syn.topic_prefix)
    return finish_claims(_without_repeats(drafts), text)


def _without_repeats(drafts: list[ClaimDraft]) -> list[ClaimDraft]:
    """Drop asserted claims about no entity or kept only for a footing they lack, and a claim
    about no entity that mostly repeats another claim (a quote fragment inside the sentence
    that states it); a frame's content stays (it is what the frame is about: "X denied that
    P" is a claim on P)."""
    kept: list[ClaimDraft] = []
    for d in sorted(drafts, key=lambda d: (d.subject is None, not d.framed)):
        if d.optional and status_of(d.markers) == "asserted":
            continue
        if d.subject is None:
            if status_of(d.markers) == "asserted":
                continue
            size = d.end - d.start
            if d.framed:
                kept.append(d)
                continue
            if any(_share(k.start, k.end, d.start, d.end) >= 0.5 * min(size, k.end - k.start) for k in kept):
                continue
        kept.append(d)
    return kept


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
