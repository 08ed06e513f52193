"""Who said each quotation found, and the quote records.

A speaker is resolved like the English side: ``named`` (the phrase holds a name, or an
organisation), ``pronoun`` (он/она/они → the last person of that gender/number),
``first-person`` (я/мы), ``nominal`` (``министр`` → the person earlier introduced with that
title, else the phrase itself), ``continuation`` (an unattributed quote right after an
attributed one), or ``unresolved``.
"""
from __future__ import annotations

from ....analysis.problems import isolated
from ....analysis.quotes import QuoteDraft, assemble, line_of, line_starts
from ....records import Cue, Entity, Quote, Speaker
from ..lexicon import FIRST_PERSON, PRONOUNS
from .reader import _POSSESSIVE, Found, Reader

__all__ = ["resolve"]

_CONFIDENCE = {
    "named": 0.9,
    "first-person": 0.85,
    "pronoun": 0.75,
    "nominal": 0.7,
    "continuation": 0.6,
    "unresolved": 0.2,
}
_PRONOUN_FORMS = {**PRONOUNS, **_POSSESSIVE, "ему": "Masc", "ней": "Fem", "ей": "Fem", "им": "Plur"}


def resolve(an: Reader) -> list[Quote]:
    """Speakers in reading order (a continuation takes the speaker before it), then the
    shared assembly (:func:`clipfile.analysis.quotes.assemble`)."""
    order = sorted(range(len(an.found)), key=lambda k: (an.found[k].start, -an.found[k].end))
    resolved: dict[int, Speaker | None] = {}
    drafts: dict[int, QuoteDraft] = {}
    lines = line_starts(an.text)
    last: Speaker | None = None
    last_end = -1
    for k in order:
        f = an.found[k]
        sp: Speaker | None
        if f.continuation:
            prev = resolved.get(f.extra.get("after", -1)) if "after" in f.extra else None
            prev = prev or (last if last is not None and _near(an, last_end, f.start) else None)
            sp = (
                Speaker(prev.name, prev.entity_id, None, None, "continuation", _CONFIDENCE["continuation"])
                if prev is not None and prev.resolution != "unresolved"
                else Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
            )
        else:
            sp = None
            with isolated("quote", f.start, f.end) as item:  # a failure skips this quote only
                sp = speaker(an, f)
            if item.failed:
                continue
        resolved[k] = sp
        if sp is not None and sp.resolution != "unresolved":
            last, last_end = sp, f.end
        cue = Cue(f.cue[0], f.cue[1], an.text[f.cue[0] : f.cue[1]]) if f.cue else None
        continued = f.marked is not None and an.marked[f.marked].continued
        drafts[k] = QuoteDraft(f.start, f.end, f.kind, cue, sp, line_of(lines, f.start), continued)
    for k, d in drafts.items():
        f = an.found[k]
        if f.nested_in is not None:
            d.container = drafts.get(f.nested_in)
        if f.extra.get("follows") is not None:
            d.follows = drafts.get(f.extra["follows"])
    return assemble(list(drafts.values()), an.text)


def _near(an: Reader, prev_end: int, start: int) -> bool:
    # Same or next paragraph.
    return an.text.count("\n\n", prev_end, start) <= 1 and start - prev_end < 1500


def speaker(an: Reader, f: Found) -> Speaker:
    if f.speaker is None:
        return Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
    s, e = f.speaker
    toks = an.tokens_in(s, e)
    ents = [an.tok_ent[t.i] for t in toks if t.i in an.tok_ent]
    persons = [x for x in ents if x.type == "PERSON"]
    if persons or ents:
        ent = (persons or ents)[0]
        return Speaker(ent.name, ent.id, s, e, "named", _CONFIDENCE["named"])
    head = an.doc.tokens[f.head] if f.head is not None else (toks[0] if toks else None)
    word = head.text.lower() if head else ""
    if word in FIRST_PERSON:
        return Speaker(None, None, s, e, "first-person", _CONFIDENCE["first-person"])
    if word in _PRONOUN_FORMS and len(toks) == 1:
        person = _antecedent(an, s, _PRONOUN_FORMS[word])
        if person is None:
            return Speaker(None, None, s, e, "unresolved", _CONFIDENCE["unresolved"])
        return Speaker(person.name, person.id, s, e, "pronoun", _CONFIDENCE["pronoun"])
    if head is not None and head.pos in {"NOUN", "ADJ", "PRON", "NUM", "DET"}:
        person = _titled(an, s, head.lemma)
        if person is not None:
            return Speaker(person.name, person.id, s, e, "nominal", _CONFIDENCE["nominal"])
    return Speaker(an.text[s:e], None, s, e, "nominal", _CONFIDENCE["nominal"] - 0.2)


def _antecedent(an: Reader, before: int, gender: str) -> Entity | None:
    best, best_pos = None, -1
    for e in an.ents:
        if e.type != "PERSON" or gender in {"Neut"}:
            continue
        for m in e.mentions:
            if m.end <= before and m.start > best_pos:
                if gender in {"Masc", "Fem"} and _gender(an, m) not in {None, gender}:
                    continue
                best, best_pos = e, m.start
    return best


def _titled(an: Reader, before: int, lemma: str) -> Entity | None:
    """The last person introduced with the title ``lemma`` (министр ... Шойгу)."""
    best, best_pos = None, -1
    for e in an.ents:
        if e.type != "PERSON":
            continue
        for m in e.mentions:
            if m.end > before or m.start <= best_pos:
                continue
            toks = an.tokens_in(m.start, m.end)
            if not toks:
                continue
            window = an.doc.tokens[max(toks[0].i - 4, an.doc.sents[toks[0].sent].first) : toks[0].i]
            if any(t.lemma == lemma for t in window):
                best, best_pos = e, m.start
    return best


def _gender(an: Reader, m) -> str | None:
    toks = an.tokens_in(m.start, m.end)
    for t in reversed(toks):
        g = t.feats.get("Gender")
        if g:
            return g
    return None
