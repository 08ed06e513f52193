"""Choosing the boundaries of a reported-speech content span.

The parse gives one content range per report, but annotators often stop earlier (before a
trailing adjunct, a relative clause, ``, adding ...``) or go on later (to the end of the
sentence, into the next one).  For an accepted report, :func:`variants` proposes boundary
variants — the original range, cuts before each clause break or attached prepositional
phrase inside it, starts after a clause break or a preposition, an extension to the end of
its sentence or of the next one, a start at the sentence start — each with binary features
(the kind of variant, what the cut falls before, how much it keeps or adds, whether the part
left out holds a reporting verb or a clause of its own, the cue lemma's family); a linear
ranker (weights in ``report_model.json``, trained by ``bench/train_quote_model.py`` on which
variant matches the annotators' span) picks one.
Features are grammatical labels, word classes and cue lemmas only.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from .cues import COGNITION_VERBS, REPORTING_VERBS, SPEECH_VERBS

__all__ = ["Variant", "variants", "choose"]

# Closed-class words whose identity after a cut point is informative.
_CUT_WORDS = frozenset("""
and but or because while although though as if when after before since so which who whose
where that according adding saying noting even despite including in on at for with by to
amid unless until than whether nor yet however
""".split())
_BREAKS = frozenset({",", ";", ":", "\u2014", "\u2013", "--", "-", "(", "\u2026"})
_MAX_CUTS = 6


@dataclass(frozen=True, slots=True)
class Variant:
    """One candidate content range with the ranker's features."""

    name: str
    start: int
    end: int
    feats: tuple[str, ...]


# The span features, for the model file's fingerprint (report_model.feature_fingerprint):
# the variants, every feature family they carry (a feature is "<variant>|<family>=<value>" or a
# flag "<variant>|<family>"), and the bin edges of the binned families.
SPAN_VARIANTS = ("orig", "cut", "cut_start", "ext_sent", "ext_next", "from_sent", "drop_lead")
SPAN_BINS: dict[str, tuple[float, ...]] = {
    "len": (3, 8, 15, 25, 40), "frac": (0.2, 0.4, 0.6, 0.8), "kept": (2, 4, 8, 15),
    "add": (2, 5, 10, 20), "addfrac": (0.25, 0.5, 1, 2),
}
SPAN_FAMILIES = frozenset("""
fam lex side len by next nextdep headdep by_next order frac kept lex_next fam_next fam_head first
firstdep add addfrac joint fam_first has_speech_verb has_pron_subj w drop_report_verb
drop_report_relcl drop_own_subject keep_report_verb keep_report_relcl keep_own_subject
""".split())


def _bin(n: float, edges: tuple) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _lex(lemma: str) -> str:
    if lemma in SPEECH_VERBS:
        return "speech"
    if lemma in COGNITION_VERBS:
        return "cog"
    return "other"


def _word(t) -> str:
    low = t.lower_
    if low in _CUT_WORDS:
        return low
    if t.tag_ == "VBG":
        return "VBG"
    return t.pos_


def _end_of(toks) -> int:
    """End offset of the last token that is not trailing punctuation."""
    for t in reversed(toks):
        if not (t.is_punct or t.is_space) or t.text in "\u201d\"'":
            return t.idx + len(t)
    return toks[0].idx


def _start_of(toks) -> int:
    for t in toks:
        if not (t.is_punct or t.is_space) or t.text in "\u201c\"'":
            return t.idx
    return toks[-1].idx + len(toks[-1])


def variants(r, doc, text: str, quoted: list[tuple[int, int]], para_starts: list[int]) -> list[Variant]:
    """Boundary variants of report ``r``'s content (the original range first)."""
    span = doc.char_span(r.start, r.end, alignment_mode="expand") if r.end > r.start else None
    lemma = r.verb.lemma_.lower()
    lex = _lex(lemma)
    fam = r.family
    side = "after" if r.start >= r.cue_end else "before"
    base = [f"fam={fam}", f"lex={lex}", f"side={side}"]

    def make(name: str, s: int, e: int, extra: list[str]) -> Variant:
        fs = [name] + [f"{name}|{b}" for b in base] + [f"{name}|{x}" for x in extra]
        return Variant(name, s, e, tuple(fs))

    n_orig = len(span) if span is not None else 0
    words = sum(1 for t in span if not t.is_punct) if span is not None else 0
    out = [make("orig", r.start, r.end, ["len=" + _bin(words, SPAN_BINS["len"])])]
    if span is None or n_orig == 0:
        return out
    p = bisect.bisect_right(para_starts, r.start) - 1
    p_lo = para_starts[p] if p >= 0 else 0
    p_hi = para_starts[p + 1] - 1 if p + 1 < len(para_starts) else len(text)

    def ok(s: int, e: int) -> bool:
        if e - s < 2 or s < p_lo or e > p_hi or (s <= r.cue_start < e):
            return False
        # never cut through a direct quotation, nor reach one the parse's span left out
        for a, b in quoted:
            if a < e and b > s and not (a < r.end and b > r.start):
                return False
            if a < e and b > s and not (s <= a and b <= e) and not (a <= s and e <= b):
                return False
        return (s, e) != (r.start, r.end)

    # Cuts before a clause break inside the content.
    cuts = []
    for t in span[1:]:
        if t.i - span.start < 2:
            continue
        if t.text in _BREAKS or (t.dep_ == "cc" and t.head.pos_ in ("VERB", "AUX")) \
                or (t.dep_ == "mark" and t.head.dep_ == "advcl") \
                or (t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in ("who", "which") and t.head.dep_ == "relcl") \
                or (t.dep_ in ("prep", "agent") and span.start <= t.head.i < t.i):
            cuts.append(t)
    seen = set()
    for k, t in enumerate(cuts[:_MAX_CUTS] + cuts[_MAX_CUTS:][-1:]):
        keep = doc[span.start:t.i]
        e = _end_of(keep)
        if e in seen or not ok(r.start, e):
            continue
        seen.add(e)
        nxt = t if t.text not in _BREAKS else (t.nbor(1) if t.i + 1 < len(doc) else t)
        kept = sum(1 for x in keep if not x.is_punct)
        frac = kept / max(words, 1)
        order = "first" if k == 0 else ("last" if t is cuts[-1] else "mid")
        head = nxt.head
        out.append(make("cut", r.start, e, [
            "by=" + (t.text if t.text in _BREAKS else "word"), "next=" + _word(nxt), "nextdep=" + nxt.dep_,
            "headdep=" + head.dep_, f"by_next={t.text if t.text in _BREAKS else 'w'}|{_word(nxt)}",
            "order=" + order, "frac=" + _bin(frac, SPAN_BINS["frac"]), "kept=" + _bin(kept, SPAN_BINS["kept"]),
            f"lex_next={lex}|{_word(nxt)}", f"fam_next={fam}|{_word(nxt)}|{nxt.dep_}", f"fam_head={fam}|{head.dep_}"]
            + _clause_feats("drop", doc[t.i:span.end])))
    # Starts after a clause break: the parse's span took in a clause before the content.
    starts = [t for t in span[2:] if t.text in _BREAKS or (t.dep_ == "cc" and t.head.pos_ in ("VERB", "AUX"))]
    starts = starts[-2:] + [t for t in span[1:] if t.dep_ == "prep" and t.head.i < t.i and any(
        c.dep_ in ("pobj", "pcomp") for c in t.children)][:2]
    seen_starts = set()
    for t in starts:
        rest = doc[t.i + 1:span.end]
        if not len(rest):
            continue
        s = _start_of(rest)
        if s in seen_starts or not ok(s, r.end):
            continue
        seen_starts.add(s)
        first = rest[0]
        kept = sum(1 for x in rest if not x.is_punct)
        out.append(make("cut_start", s, r.end, [
            "by=" + (t.text if t.text in _BREAKS else "word"), "first=" + _word(first), "firstdep=" + first.dep_,
            "frac=" + _bin(kept / max(words, 1), SPAN_BINS["frac"]), "kept=" + _bin(kept, SPAN_BINS["kept"])]
            + _clause_feats("drop", doc[span.start:t.i]) + _clause_feats("keep", rest)))
    # Extensions to the end of the sentence, and of the next one.
    governors = {a.i for a in r.verb.ancestors}
    last = span[-1]
    sent = last.sent
    for name, stop in (("ext_sent", sent), ("ext_next", _next_sent(doc, sent))):
        if stop is None or stop.end <= span.end:
            continue
        e = _end_of(doc[span.start:stop.end])
        if not ok(r.start, e):
            continue
        added = doc[span.end:stop.end]
        if any(x.i in governors for x in added):
            continue  # "X's criticism of [Y] surprised nobody": the cue's own clause is not content
        n_add = sum(1 for x in added if not x.is_punct)
        first = next((x for x in added if not x.is_punct), added[0])
        fs = ["add=" + _bin(n_add, SPAN_BINS["add"]), "addfrac=" + _bin(n_add / max(words, 1), SPAN_BINS["addfrac"]),
              "first=" + _word(first), "joint=" + (span.end < len(doc) and doc[span.end].text or "")[:2],
              f"fam_first={fam}|{_word(first)}|{first.dep_}"]
        if any(x.pos_ in ("VERB", "AUX") and x.lemma_.lower() in SPEECH_VERBS for x in added):
            fs.append("has_speech_verb")
        if any(x.dep_ in ("nsubj", "nsubjpass") and x.pos_ == "PRON" for x in added):
            fs.append("has_pron_subj")
        out.append(make(name, r.start, e, fs))
    # Start at the start of the sentence (content before its cue, or a cue inside the clause).
    s0 = span[0].sent
    if s0.start < span.start:
        s = _start_of(doc[s0.start:span.end])
        if ok(s, r.end):
            n_add = sum(1 for x in doc[s0.start:span.start] if not x.is_punct)
            out.append(make("from_sent", s, r.end, ["add=" + _bin(n_add, SPAN_BINS["add"])]))
    # Without a leading complementiser.
    if span[0].lower_ in ("that", "whether", "if", "to") and len(span) > 2:
        s = _start_of(span[1:])
        if ok(s, r.end):
            out.append(make("drop_lead", s, r.end, ["w=" + span[0].lower_]))
    return out


def _clause_feats(tag: str, toks) -> list[str]:
    """What a stretch of tokens holds: a reporting verb, a clause with its own subject."""
    out = []
    for x in toks:
        if x.pos_ in ("VERB", "AUX") and x.lemma_.lower() in REPORTING_VERBS:
            out.append(tag + "_report_verb")
            if x.dep_ == "relcl":
                out.append(tag + "_report_relcl")
            break
    if any(x.dep_ in ("nsubj", "nsubjpass") and x.head.i >= toks.start and x.head.i < toks.end for x in toks):
        out.append(tag + "_own_subject")
    return out


def _next_sent(doc, sent):
    if sent.end >= len(doc):
        return None
    return doc[sent.end].sent


def choose(vs: list[Variant], weights: dict[str, float]) -> Variant:
    """The variant with the highest linear score (the original one on a tie)."""
    best, best_s = vs[0], sum(weights.get(f, 0.0) for f in vs[0].feats)
    for v in vs[1:]:
        s = sum(weights.get(f, 0.0) for f in v.feats)
        if s > best_s:
            best, best_s = v, s
    return best
