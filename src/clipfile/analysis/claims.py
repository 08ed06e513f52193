"""Claims: factual assertions about entities, with their footing and a certainty score.

A claim comes from a quote (its ``source`` is the quote's speaker) or from the author's own
narration (``source`` None).  Its ``status`` is decided by the markers found in it and by
later sentences that comment on it ("X produced no evidence to back these claims").

When a claim has several facets (hearsay that is also unsupported), ``status`` is the weakest
footing, in the order ``denied < disputed < unsupported < hearsay < hedged < asserted <
evidenced``, and ``markers`` lists every marker, so each facet stays visible.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import Claim, Entity, Marker, Quote, Ref
from .markers import FOOTING_KINDS, find_markers
from ..lang.en.referents import REPORTING_LEMMAS, Referents, same_ref, speaker_ref

__all__ = ["claims", "certainty", "status_of", "WEIGHTS", "BASE_CERTAINTY"]

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

_MODAL_SKIP = {"should", "ought", "will", "shall", "'ll", "wo"}

# "these claims", "the allegation of bribery", "the report": a later sentence pointing back.
_ANAPHOR = re.compile(
    r"(?<!\w)(?P<det>these|those|the|this|that|such|his|her|their|its)\s+(?:\w+\s+)?"
    r"(?P<noun>claims?|allegations?|accusations?|reports?|assertions?|statements?|stories|story|"
    r"charges?|suggestions?|rumou?rs?|ideas?|remarks?|comments?|account|version|theory|theories)"
    r"(?!\w)(?:\s+(?P<link>of|about|that|regarding)\s+(?P<topic>[\w\s'\u2019-]{1,60}?))?"
    r"(?=\s*[,.;:!?\u201d\"]|\s+(?:but|and|which|because|by|from|in|on)\b|\s*$)",
    re.IGNORECASE,
)
# "denied it", "disputed that": a pronoun object that ends the clause ("that" opening a
# content clause is not one).
_PRONOUN_OBJECT = re.compile(
    r"\s+(?:it|this|that|them)(?=\s*[,.;:!?\u201d\"]|\s+(?:as|and|but|on|in|at|to|outright|flatly)(?!\w)|\s*$)",
    re.IGNORECASE,
)
_TOPIC_AFTER = re.compile(
    r"\s+(?:of|for)\s+(?:the|his|her|their|its|these|those|this)\s+(?P<topic>[\w\s'\u2019-]{1,60}?)"
    r"(?=\s*[,.;:!?]|\s+(?:but|and)(?!\w)|\s*$)",
    re.IGNORECASE,
)
_COMMENT_KINDS = ("unsupported", "disputed", "denied", "evidenced")
_LOOKBACK_SENTENCES = 8
_RUN_SENTENCES = 2


@dataclass
class ClaimDraft:
    """A claim while its markers are still being gathered (shared with the Russian stage)."""

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


def certainty(span) -> float:
    """Certainty of a statement in [0, 1], from its hedge, evidence and footing markers.

    Args:
        span: a spaCy ``Span``/``Doc`` or a plain string.
    Returns:
        ``BASE_CERTAINTY`` moved by the weight of each marker class found (see ``WEIGHTS``).
    """
    if isinstance(span, str):
        return score_markers(find_markers(span))
    return score_markers(find_markers(span.text, lang=_lang(span)))


def _lang(doc_or_span) -> str:
    """The document's language code (spaCy's ``lang_``); lexicons fall back to English."""
    doc = getattr(doc_or_span, "doc", doc_or_span)
    return getattr(doc, "lang_", None) or "en"


def status_of(markers: list[tuple[Marker, str]]) -> str:
    """The weakest footing among status-deciding markers; ``asserted`` when there is none."""
    kinds = {m.kind for m, cls in markers if (m.kind, cls) in _STATUS_CLASSES}
    for status in _STATUS_ORDER:
        if status in kinds:
            return status
    return "asserted"


def _tokens(sent, start: int, end: int):
    return [t for t in sent if t.idx >= start and t.idx + len(t) <= end]


def _predicate(tokens):
    """The content predicate of a unit: its root, descending through reporting verbs."""
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in roots if t.pos_ in {"VERB", "AUX"}]
    if not verbs:
        # The tagger sometimes reads a passive participle as an adjective ("was informed").
        verbs = [
            t for t in roots
            if any(c.dep_ in {"nsubj", "nsubjpass", "ccomp", "auxpass", "cop"} for c in t.children)
        ]
    if not verbs:
        return None
    pred = verbs[0]
    for _ in range(4):
        if not _is_reporting(pred):
            break
        comp = [c for c in pred.children if c.dep_ == "ccomp" and c.i in inside]
        if not comp:
            # The parser sometimes hangs the "that"-clause on a noun ("told by a colleague
            # that ..."): take the first verb below that is introduced by "that".
            comp = [
                t for t in pred.subtree
                if t.i in inside and t.i > pred.i and t.pos_ in {"VERB", "AUX"}
                and any(c.lower_ == "that" and c.i < t.i for c in t.children)
                and any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ != "that" for c in t.children)
            ]
        if not comp:
            break
        pred = comp[0]
    return pred


def _is_reporting(tok) -> bool:
    low = tok.lower_
    return any(
        form in REPORTING_LEMMAS
        for form in (tok.lemma_.lower(), low, low[:-2], low[:-1], {"told": "tell", "heard": "hear"}.get(low, ""))
    )


def _is_assertion(tokens, pred) -> bool:
    """A declarative statement of fact: not a question, request, recommendation or forecast."""
    text_end = tokens[-1].text if tokens else ""
    if text_end == "?" or pred is None:
        return False
    auxes = [c for c in pred.children if c.dep_ in {"aux", "auxpass"}]
    if any(a.lower_ in _MODAL_SKIP for a in auxes):
        return False
    if any(a.lower_ in {"going", "gon"} for a in auxes) or (
        pred.head.lower_ == "going" and pred.dep_ == "xcomp"
    ):
        return False
    # Imperatives: a bare verb with no subject opening the unit.
    has_subject = any(c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"} for c in pred.children)
    if not has_subject and pred.tag_ == "VB" and pred.dep_ == "ROOT":
        return False
    return True


def _subject(refs: Referents, tokens, pred) -> Ref | None:
    if pred is not None:
        for c in pred.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                ref = refs.resolve_token(c)
                if ref is not None:
                    return ref
    return refs.first_ref(tokens)


def _units(doc, refs: Referents):
    """Candidate stretches of an English document (see :func:`claim_units`)."""
    sents = refs.sents
    return sents, claim_units([(s.start_char, s.end_char) for s in sents], refs.quotes)


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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\"'\u201c\u201d\u2018\u2019([-\u2013\u2014"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"'\u201c\u201d\u2018\u2019)]-\u2013\u2014"):
        end -= 1
    return start, end


def _comments(doc, sents, refs: Referents, lang: str):
    """Sentences that comment on earlier claims: (sent index, markers, actor, topic, plural)."""
    out = []
    for i, sent in enumerate(sents):
        text = sent.text
        found = find_markers(text, offset=sent.start_char, kinds=_COMMENT_KINDS, lang=lang)
        if not found:
            continue
        for marker, cls in found:
            rel = marker.start - sent.start_char
            tail = text[rel:rel + 100]
            m = _ANAPHOR.search(tail)
            plural = topic = None
            if m is not None and len(tail[len(marker.text):m.start()].split()) <= 4 and not (
                m.group("det").lower() in {"the", "that"} and (m.group("link") or "").lower() == "that"
            ):
                # "the claim that X": a content clause names its own claim; not a back-reference.
                noun = m.group("noun").lower()
                plural = noun.endswith("s") and not noun.endswith("us") or noun == "stories"
                topic = m.group("topic")
            elif marker.kind == "unsupported" and _TOPIC_AFTER.match(text, rel + len(marker.text)):
                # "offered no proof of the licence sales": the topic names the claims.
                topic = _TOPIC_AFTER.match(text, rel + len(marker.text)).group("topic")
                plural = topic.rstrip().lower().endswith("s")
            elif _PRONOUN_OBJECT.match(text, rel + len(marker.text)) and marker.kind in {"denied", "disputed"}:
                plural = _PRONOUN_OBJECT.match(text, rel + len(marker.text)).group(0).strip().lower() == "them"
            else:
                continue
            actor = None
            toks = [t for t in sent if marker.start <= t.idx < marker.end]
            verb = next((t for t in toks if t.pos_ in {"VERB", "AUX"}), toks[0] if toks else None)
            while verb is not None and actor is None:
                subj = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
                if subj:
                    actor = refs.resolve_token(subj[0])
                    break
                if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
                    verb = verb.head
                else:
                    break
            out.append((i, marker, cls, actor, topic, plural))
    return out


def _stems(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[^\W\d_]{4,}", text.lower())}


def _apply_comments(drafts: list[ClaimDraft], comments, text: str) -> None:
    for i, marker, cls, actor, topic, plural in comments:
        earlier = [
            d for d in drafts
            if d.end <= marker.start and i - _LOOKBACK_SENTENCES <= d.sent_index <= i
            and not (d.start <= marker.start < d.end)
        ]
        if not earlier:
            continue
        by_actor = [d for d in earlier if same_ref(d.source, actor) or same_ref(d.subject, actor)]
        if marker.kind == "unsupported":
            # "X produced no evidence": X's own claims.
            by_actor = [d for d in earlier if same_ref(d.source, actor)] or by_actor
        pool = by_actor or earlier
        if topic:
            stems = _stems(topic)
            on_topic = [d for d in pool if stems & _stems(text[d.start:d.end])]
            pool = on_topic or pool
        if plural:
            # "these claims": the latest run of claims by one source (a few sentences).
            last = pool[-1]
            targets = [
                d for d in pool
                if d.source == last.source and d.sent_index >= last.sent_index - _RUN_SENTENCES
            ]
        else:
            targets = pool[-1:]
        for d in targets:
            if all(m.start != marker.start for m, _ in d.markers):
                d.markers.append((marker, cls))


def claims(doc, entities: list[Entity], quotes: list[Quote]) -> list[Claim]:
    """Extract factual assertions about entities, each with status, markers and certainty.

    Args:
        doc: the parsed document (spaCy ``Doc``); offsets refer to ``doc.text``.
        entities: the document's entities (their mentions decide claim subjects).
        quotes: the document's quotes (their speakers are claim sources).
    Returns:
        Claims in text order with ids ``c1``, ``c2``...
    """
    refs = Referents(doc, entities, quotes)
    text = refs.text
    lang = _lang(doc)
    sents, units = _units(doc, refs)
    comments = _comments(doc, sents, refs, lang)
    comment_sents = {c[0] for c in comments}
    drafts: list[ClaimDraft] = []
    taken: list[tuple[int, int]] = []
    for start, end, quote, si in units:
        start, end = _trim(text, start, end)
        if end - start < 8 or any(a < end and start < b for a, b in taken):
            continue
        if quote is None and si in comment_sents:
            # "X produced no evidence to back these claims" is a comment, not a new claim.
            continue
        toks = _tokens(sents[si], start, end)
        if not toks:
            continue
        pred = _predicate(toks)
        if not _is_assertion(toks, pred):
            continue
        subject = _subject(refs, toks, pred)
        if subject is None:
            continue
        source = speaker_ref(quote) if quote is not None else None
        markers = find_markers(text[start:end], offset=start, lang=lang)
        drafts.append(ClaimDraft(start, end, source, subject, quote.id if quote else None, si, markers))
        taken.append((start, end))
    _apply_comments(drafts, comments, text)
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
