"""Reported (indirect) speech and belief from the dependency parse.

A reporting or cognition verb (``said``, ``told``, ``believes``) with a clausal complement
gives the content (the complement, ``that`` included) and the source (the verb's subject, or
the subject it shares through coordination or a participle: ``..., adding that ...``).
Also: inverted and parenthetical reports (``This, says X, helps explain ...``), ``according
to X``, predicative beliefs (``X is sure that ...``) and object-predicate reports
(``X has called Y a stooge``, ``X expects Y to ...``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...analysis.problems import isolated
from .cues import (
    APPEARANCE_VERBS,
    CCOMP_NON_REPORTING,
    DOBJ_CONTENT_VERBS,
    DOCUMENT_NOUNS,
    OBJECT_CONTENT_VERBS,
    PASSIVE_EPISTEMIC,
    PERSON_NOUNS,
    PREDICATIVE_ADJECTIVES,
    PREP_CONTENT,
    REPORTING_VERBS,
    SPEECH_VERBS,
    XCOMP_ADJECTIVES,
    XCOMP_CONTENT_VERBS,
)
from .parse import doc_text

__all__ = ["Report", "reports", "broad_candidates", "doc_text", "RULE_FAMILIES"]


_SUBJ = ("nsubj", "nsubjpass", "csubj")


@dataclass(frozen=True, slots=True)
class Report:
    """One reported statement: content range, cue range, the source's head token (or None)."""

    start: int
    end: int
    cue_start: int
    cue_end: int
    source: Any  # spaCy Token or None
    verb: Any  # the cue's main token (spaCy Token)
    # Which construction proposed it: a hand rule ("ccomp", "dobj", "according", ...) or a
    # broad candidate ("any-dobj", "any-xcomp", ...) that only the learned decision keeps.
    family: str = "rule"


_DASHES = ("\u2014", "\u2013", "-", "--")


def _dateline(tok) -> bool:
    """Whether ``tok`` heads a dateline: capitals opening the sentence, before a dash
    (``PORT ELLIS —``, ``LONDON (Agency) -``)."""
    doc = tok.doc
    edge = tok.right_edge
    if not (tok.text.isupper() and len(tok.text) > 1 and (edge.text in _DASHES or (
            edge.i + 1 < len(doc) and doc[edge.i + 1].text in _DASHES))):
        return False
    start = tok.left_edge.idx
    text = doc_text(doc)
    before = text[text.rfind("\n", 0, start) + 1:start]
    return not before.strip() or before.isupper()


def _subject(tok):
    """The subject of ``tok``, inherited through conjunction/participle/xcomp chains."""
    seen = 0
    cur = tok
    while cur is not None and seen < 4:
        subs = [c for c in cur.children if c.dep_ in _SUBJ]
        if subs:
            # "This, says X, helps ...": two subjects; the demonstrative is not the source
            named = [c for c in subs if c.lower_ not in _DEMONSTRATIVE]
            # "PORT ELLIS — Councillor X said ...": the dateline is no subject
            named = [c for c in named if not _dateline(c)] or named
            # "US oil giant Exxon said": the parser split one phrase into two subjects; the
            # name is the source
            if len(named) > 1 and named[0].pos_ == "NOUN" and named[1].pos_ == "PROPN" and named[1].i == named[0].i + 1:
                return named[1]
            return (named or subs)[0]
        for c in cur.children:
            if c.dep_ == "agent":  # "was told by X"
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if (cur.dep_ == "conj" and cur.head.dep_ == "ccomp" and cur.lemma_.lower() in REPORTING_VERBS
                and cur.head.head.lemma_.lower() in REPORTING_VERBS):
            # "He said his attacks have worked and said that ...": the parser hangs the second
            # "said" on the first one's complement; the subject is the first one's.
            cur = cur.head.head
            seen += 1
            continue
        if (cur.dep_ == "advcl" and cur.tag_ == "VBG" and cur.lemma_.lower() in SPEECH_VERBS
                and cur.head.dep_ == "ccomp" and cur.head.head.lemma_.lower() in REPORTING_VERBS):
            # "X said the pair had a scorching, adding: …": the parser hangs "adding" on the
            # reported clause; it is the reporter's
            cur = cur.head.head
            seen += 1
            continue
        if cur.dep_ == "acl" and cur.tag_ in ("VBG", "VBN") and cur.head.pos_ == "PROPN" and cur.head.dep_ == "pobj" \
                and cur.lemma_.lower() in SPEECH_VERBS and cur.head.head.head.pos_ in ("VERB", "AUX"):
            # "X unveiled a billboard opposite the Palace of Westminster accusing …": a participle
            # of saying hung on a name in a phrase of place speaks for the clause's subject
            cur = cur.head.head.head
            seen += 1
            continue
        if cur.dep_ == "acl" and cur.tag_ in ("VBG", "VBN") and cur.head.pos_ == "NOUN" \
                and cur.head.lemma_.lower() not in PERSON_NOUNS:
            noun = cur.head
            if noun.dep_ == "dobj" and noun.head.pos_ in ("VERB", "AUX"):
                # "X issued a statement saying …", "X dismissed the figures, insisting …": a
                # participle on a thing speaks for whoever issued or handled it
                cur = noun.head
                seen += 1
                continue
            if noun.lemma_.lower() in DOCUMENT_NOUNS:
                return noun  # "despite a new book saying …": the writing says it
            if noun.dep_ == "pobj" and noun.head.head.pos_ in ("VERB", "AUX"):
                cur = noun.head.head  # "X wrote to the parties urging them …"
                seen += 1
                continue
            break
        if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.head.pos_ in ("VERB", "AUX") \
                and any(c.dep_ == "ccomp" for c in cur.children):
            # "… win over opponents by saying [that] …": the one who does it by saying it
            cur = cur.head.head
            seen += 1
            continue
        if cur.dep_ == "advcl" and cur.tag_ in ("VBD", "VBZ", "VBP") and any(c.dep_ == "mark" for c in cur.children):
            # "His comments come as the co-chairman, X, called him …": a finite clause of its
            # own; its subject is in it, not the main clause's
            return _stranded_subject(cur)
        if cur.dep_ in ("conj", "advcl", "xcomp", "acl") and cur.head.i != cur.i:
            cur = cur.head
            seen += 1
            continue
        break
    return None


def _stranded_subject(verb):
    """The subject of a finite clause the parser left without one: the last name or noun
    between its conjunction and the verb that the verb's own phrases do not hold."""
    mark = next(c for c in verb.children if c.dep_ == "mark")
    own = {t.i for c in verb.children if c.i < verb.i and c.dep_ in ("prep", "npadvmod", "advmod") for t in c.subtree}
    for t in reversed(verb.doc[mark.i + 1:verb.i]):
        if t.i not in own and t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ in ("pobj", "appos", "nsubj", "dobj"):
            return t
    return None


def _span(toks) -> tuple[int, int]:
    toks = sorted(toks, key=lambda t: t.i)
    while toks and (toks[-1].is_punct or toks[-1].is_space) and toks[-1].text not in "\u201d\"'":
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].lower_ in ("and", "but")) \
            and toks[0].text not in "\u201c\"'":
        toks.pop(0)
    if not toks:
        return 0, 0
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _subtree_range(tok, *, minus=None, side_of=None):
    """Character range of ``tok``'s subtree, without ``minus``'s subtree.

    ``side_of`` (the cue verb) keeps only the part of the subtree on the complement's side of
    the verb: in "a mock-up that X says he finds amusing", the relative "that" belongs to
    "finds" but lies before "says".
    """
    toks = list(tok.subtree)
    # "... have given his campaign momentum and said that ...": a coordinated reporting verb
    # without its own subject starts a new report, not more content.
    for c in tok.children:
        own_subj = next((g for g in c.children if g.dep_ in _SUBJ), None)
        if ((c.dep_ in ("conj", "advcl") and c.lemma_.lower() in REPORTING_VERBS
             and (own_subj is None or c.tag_ == "VBG"))
                or (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and own_subj is not None
                    and own_subj.lower_ in _NARRATIVE_PRONOUNS and c.i > tok.i
                    and c.doc[c.left_edge.i - 1].text in (",", ";") if c.left_edge.i > 0 else False)
                or (c.dep_ in ("conj", "advcl") and c.i > tok.i and own_subj is not None
                    and own_subj.pos_ in ("PROPN", "NOUN")
                    and c.lemma_.lower() in REPORTING_VERBS | XCOMP_CONTENT_VERBS
                    and any(g.lower_ in _CONTRAST for g in c.children if g.dep_ in ("mark", "cc")))):
            # "..., and he railed against ...": the narrative goes on after the report; and
            # "... while Mr Y says ...", "..., but Z declined to comment": another source's
            # report of its own.
            drop = {t.i for t in c.subtree}
            cc = {g.i for g in tok.children if g.dep_ == "cc" and g.i < c.i}
            toks = [t for t in toks if t.i not in drop and t.i not in cc]
    if minus is not None:
        drop = {t.i for t in minus.subtree}
        toks = [t for t in toks if t.i not in drop]
    toks = _drop_trailing_appendage(tok, toks)
    if side_of is not None:
        if tok.i > side_of.i:
            toks = [t for t in toks if t.i > side_of.i]
        else:
            toks = [t for t in toks if t.i < side_of.i]
    return _span(toks)


_TRAILING_PREPS = {"according", "despite"}
_TRAILING_SUBORDINATORS = {"even", "while", "though", "although", "whereas", "when", "after", "before"}


def _drop_trailing_appendage(root, toks):
    """Cut a comma-led clause that closes the content but is the writer's, not the source's:
    a participle (``..., tapping the anger of ...``), a non-restrictive relative (``..., who
    has been outspoken``), an adverbial clause (``..., even as he ...``) or ``according to``."""
    if len(toks) < 4:
        return toks
    ids = {t.i for t in toks}
    last = max(ids)
    for t in sorted(toks, key=lambda t: t.i):
        if t.i == root.i or t.i not in ids:
            continue
        lead = t.left_edge.i - 1
        if lead < 0 or t.doc[lead].text not in (",", "\u2014", "--") or lead not in ids or t.right_edge.i < last:
            continue
        kind = t.dep_
        dash = t.doc[lead].text != ","
        if ((kind in ("advcl", "acl") and t.tag_ in ("VBG", "VBN"))
                or (kind == "relcl" and t.left_edge.lower_ in ("who", "which", "whose", "when", "where"))
                or (kind == "advcl" and t.left_edge.lower_ in _TRAILING_SUBORDINATORS)
                or (kind == "prep" and t.lower_ in _TRAILING_PREPS)
                or (dash and kind in ("appos", "advcl", "acl", "relcl", "npadvmod", "prep"))):
            keep = [x for x in toks if x.i < lead]
            if sum(x.is_alpha for x in keep) >= 2:
                return keep
    return toks


_NARRATIVE_PRONOUNS = {"he", "she", "they", "it", "we"}
_CONTRAST = frozenset("while whereas but and as although though".split())

_DEMONSTRATIVE = {"this", "that", "these", "those", "which", "what"}


def _real_source(verb, src):
    """Skip a demonstrative parsed as the subject when a name sits beside the verb."""
    if src is None or src.lower_ not in _DEMONSTRATIVE:
        return src
    for c in verb.children:
        if c.i != src.i and c.dep_ in ("nsubj", "dobj", "npadvmod", "attr", "dep") \
                and c.pos_ in ("PROPN", "NOUN", "PRON"):
            return c
    return None


def _cue(verb) -> tuple[int, int]:
    toks = [verb] + [c for c in verb.children if c.dep_ in ("prt", "neg")]
    toks.sort(key=lambda t: t.i)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def reports(doc) -> list[Report]:
    """All reported-speech candidates of ``doc`` in text order."""
    out: list[Report] = []
    for tok in doc:
        with isolated("quote candidate", tok.idx, tok.idx + len(tok)):  # a failure skips this word only
            lemma = tok.lemma_.lower()
            pos, dep, low = tok.pos_, tok.dep_, tok.lower_  # (each read is a string lookup)
            if pos in ("VERB", "AUX") and lemma in APPEARANCE_VERBS:
                out.extend(_tag(_appearance(tok), "appear"))
            elif tok.tag_ == "VBN" and lemma in PASSIVE_EPISTEMIC and any(c.dep_ == "auxpass" for c in tok.children):
                out.extend(_tag(_passive_judgement(tok), "passive"))
            elif pos in ("VERB", "AUX") and (lemma in REPORTING_VERBS or lemma in DOBJ_CONTENT_VERBS
                                             or lemma in XCOMP_CONTENT_VERBS or _reports_clause(tok, lemma)):
                out.extend(_verb_report(tok, lemma))
            elif pos == "ADJ" and lemma in XCOMP_ADJECTIVES and dep == "acomp":
                comp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
                src = _subject(tok.head)
                if comp is not None and src is not None:
                    s, e = _subtree_range(comp)
                    if e > s:
                        out.append(Report(s, e, tok.idx, tok.idx + len(tok), src, tok, "xadj"))
            if pos in ("VERB", "AUX") and (lemma in REPORTING_VERBS or lemma in DOBJ_CONTENT_VERBS
                                           or lemma in OBJECT_CONTENT_VERBS):
                r = _relative_report(tok)
                if r is not None:
                    out.append(r)
            charged = _charge_verb(tok) if dep == "prep" and low == "of" else None
            if dep == "prep" and (tok.head.lemma_.lower(), low) in PREP_CONTENT:
                r = _prep_report(tok)
                if r is not None:
                    out.append(replace(r, family="prep"))
            elif charged is not None:
                r = _prep_report(tok, verb=charged)
                if r is not None:
                    out.append(replace(r, family="prep"))
            elif low == "according" and any(c.lower_ == "to" for c in tok.children):
                out.extend(_tag(_according(tok), "according"))
            elif low == "saying" and dep == "pcomp":
                r = _quoted_as_saying(tok)
                if r is not None:
                    out.append(r)
            elif low in _TRAILING_EVIDENCE:
                r = _trailing_evidence(tok)
                if r is not None:
                    out.append(r)
            elif pos == "ADJ" and lemma in PREDICATIVE_ADJECTIVES and dep == "acomp":
                comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
                if comp is not None:
                    s, e = _subtree_range(comp)
                    if e > s:
                        src = _subject(tok.head)
                        cs = min(tok.head.idx, tok.idx)
                        out.append(Report(s, e, cs, tok.idx + len(tok), src, tok, "predadj"))
    text = doc_text(doc)
    out = [c for r in out for c in [_clip_to_paragraph(text, _outside_cue(r))] if c is not None]
    # One content, one report: a verb may yield the same span by two routes (a stance verb
    # with a prepositional content); keep the first found.
    kept: list[Report] = []
    seen: set[tuple[int, int]] = set()
    for r in out:
        if (r.start, r.end) not in seen:
            seen.add((r.start, r.end))
            kept.append(r)
    kept.sort(key=lambda r: (r.start, r.end))
    return kept


_RELATIVIZERS = {"which", "who", "whom", "what", "that"}


def _relative_report(verb) -> Report | None:
    """A report whose content is what a relative clause refers back to.

    "Clinton's email use, which an FBI inquiry said was careless": the content is the
    relative word (``which``), extracted out of the reporting verb's clause, so it stands
    before the verb's own subject.  With no relative word ("a deal she once supported",
    "the kind of judge many fear she would choose") the content is the noun phrase the
    clause modifies, up to where the clause begins.
    """
    # "who many feel need ...": the parser may give the relative word as a second subject
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in _RELATIVIZERS),
                None)
    if subj is None or verb.dep_ == "ROOT" or verb.sent[-1].text == "?":
        return None  # "What do you call ...?" asks; it refers back to nothing
    rel = None
    for c in verb.children:
        cands = [c] + ([g for g in c.children if g.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")]
                       if c.dep_ in ("ccomp", "xcomp") else [])
        for t in cands:
            if t.lower_ in _RELATIVIZERS and t.i < subj.i and t.tag_ in ("WDT", "WP", "IN", "DT"):
                rel = t
                break
        if rel is not None:
            break
    if rel is not None:
        if rel.lower_ == "that" and verb.dep_ != "relcl" and not any(
                t.dep_ == "relcl" for t in rel.ancestors):
            return None  # "that" as a demonstrative: "That, he said, ..."
        s, e = rel.idx, rel.idx + len(rel)
    elif verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN") and subj.i > verb.head.i:
        head = verb.head
        if any(c.dep_ == "dobj" and c.i > verb.i for c in verb.children):
            return None  # the clause has its own object: the noun is not its content
        s, e = _span([t for t in head.subtree if t.i < verb.left_edge.i])
    else:
        return None
    if e <= s:
        return None
    cs, ce = _cue(verb)
    return Report(s, e, cs, ce, subj, verb, "relative")


def _tag(reps: list[Report], family: str) -> list[Report]:
    return [replace(r, family=family) for r in reps]


def _reports_clause(verb, lemma: str) -> bool:
    """Any verb with a subject and a clausal complement reports, bar a few light verbs."""
    if lemma in CCOMP_NON_REPORTING:
        return False
    return any(c.dep_ == "ccomp" for c in verb.children) \
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _appearance(verb) -> list[Report]:
    """``X seems to …`` / ``X appears uneasy``: the subject and the complement, no source."""
    comp = next((c for c in verb.children if c.dep_ in ("xcomp", "oprd", "acomp", "ccomp", "attr")), None)
    if comp is None:
        comp = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("like", "as")), None)
    if comp is None or comp.i < verb.i:
        return []
    cs, ce = _cue(verb)
    out = []
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is not None and subj.lower_ not in ("it", "there", "that", "this", "which", "what"):
        s, e = _subtree_range(subj)
        if e > s:
            out.append(Report(s, e, cs, ce, None, verb))
    s, e = _subtree_range(comp)
    if e > s:
        out.append(Report(s, e, cs, ce, None, verb))
    return out


def _passive_judgement(verb) -> list[Report]:
    """``X is expected to …``, ``X was seen as …``, ``X is considered the favourite``: a
    judgement with no named holder (or the agent, ``by Y``); the subject and the complement
    are two spans, as annotators mark them."""
    comp = next((c for c in verb.children if c.dep_ in ("xcomp", "oprd", "ccomp") and c.i > verb.i), None)
    if comp is None:
        comp = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("as", "for") and c.i > verb.i), None)
    if comp is None:
        return []
    src = None
    for c in verb.children:
        if c.dep_ == "agent":
            src = next((g for g in c.children if g.dep_ == "pobj"), None)
    cs, ce = _cue(verb)
    out = []
    subj = next((c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")), None)
    if subj is not None and subj.lower_ not in _NON_CONTENT_SUBJECTS:
        s, e = _subtree_range(subj)
        if e > s:
            out.append(Report(s, e, cs, ce, src, verb))
    s, e = _subtree_range(comp)
    if e > s:
        out.append(Report(s, e, cs, ce, src, verb))
    return out


_NON_CONTENT_SUBJECTS = {"it", "there", "that", "this", "which", "what", "who"}


def _charge_verb(prep):
    """``has accused its predecessor, led by X, of corruption``: the parser hung the charge's
    ``of`` on the last noun of a description of the accused; the verb of accusing it belongs
    to (it has the accused for object and no ``of`` of its own), else None."""
    head = prep.head
    for _ in range(6):
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() == "accuse":
            break
        if head.head.i == head.i:
            return None
        head = head.head
    else:
        return None
    if head.lemma_.lower() != "accuse" or prep.head.i == head.i:
        return None
    dobj = next((c for c in head.children if c.dep_ == "dobj" and c.i < prep.i), None)
    if dobj is None or any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
        return None
    return head


def _prep_report(prep, *, verb=None) -> Report | None:
    """``asked about X``, ``criticism of X``, ``accused Y of X``: the object is the content.
    ``verb``: the cue the preposition belongs to when the parser hung it elsewhere."""
    obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    head = prep.head if verb is None else verb
    if obj is None:
        return None
    s, e = _subtree_range(obj)
    if e <= s:
        return None
    if head.pos_ in ("VERB", "AUX"):
        src = _subject(head)
        if head.lemma_.lower() in ("accuse", "criticize", "criticise", "praise", "blame", "slam", "blast"):
            # "accused Y of X": annotators take the accused and the charge together
            dobj = next((c for c in head.children if c.dep_ == "dobj" and c.i < prep.i), None)
            if dobj is not None:
                s = min(s, _subtree_range(dobj)[0])
    else:
        src = next((c for c in head.children if c.dep_ == "poss"), None)
        if src is None and head.dep_ in ("dobj", "attr", "pobj", "acomp"):
            gov = head.head if head.dep_ != "pobj" else head.head.head
            if gov.pos_ in ("VERB", "AUX"):
                src = _subject(gov)
    if src is not None and src.lower_ in ("it", "there"):
        src = None
    return Report(s, e, head.idx, prep.idx + len(prep), src, head)


def _outside_cue(r: Report) -> Report:
    """Content never holds its own cue (a misparse of ``“…,” she said, but …``): keep the side
    of the cue away from the source."""
    if not (r.start <= r.cue_start < r.end):
        return r
    src_after = r.source is not None and r.source.idx >= r.cue_end
    if src_after or r.cue_end >= r.end:
        return replace(r, end=r.cue_start)
    return replace(r, start=r.cue_end)


def _clip_to_paragraph(text: str, r: Report) -> Report | None:
    """Keep a report's content inside the cue's paragraph.

    The parser sometimes runs a sentence across a paragraph break (a quote paragraph followed
    by ``she said`` hangs on the previous paragraph's verb); reported content never does.
    """
    ps = text.rfind("\n", 0, r.cue_start) + 1
    pe = text.find("\n", r.cue_end)
    pe = len(text) if pe == -1 else pe
    s, e = max(r.start, ps), min(r.end, pe)
    while s < e and (text[s].isspace() or text[s] in ",;:\u2014\u2013"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:\u2014\u2013"):
        e -= 1
    if e <= s or not any(ch.isalpha() for ch in text[s:e]):
        return None
    if (s, e) == (r.start, r.end):
        return r
    return replace(r, start=s, end=e)


def _verb_report(verb, lemma: str) -> list[Report]:
    comp = _clause_complement(verb)
    src = _coordinated_subject(verb) if lemma in REPORTING_VERBS else None
    src = src or _participle_subject(verb, lemma) or _subject(verb)
    if src is None and lemma in REPORTING_VERBS:
        src = _paragraph_subject(verb) or adjacent_subject(verb) or _aside_subject(verb)
    fam = "ccomp"
    if comp is not None and _participle_subject(comp, comp.lemma_.lower()) is not None:
        return []  # "dismissed the figures insisting that …": the participle reports, not the verb
    if comp is not None:
        s, e = _subtree_range(comp, side_of=verb)
        split = _object_split_from_complement(verb, comp)
        if split is not None:
            # 'suggested the "three-cornered relationship" between the press, politicians and
            # the public had a hand in it': the parser made the start of the complement's
            # subject the verb's object; the content is both
            s = min(s, _subtree_range(split)[0])
        # "said the Iranians released by X were close to ...": the parser splits one clause
        # into two complements after the verb; the content runs over both.
        for other in verb.children:
            if other.dep_ == "ccomp" and other.i != comp.i and other.i > verb.i and comp.i > verb.i:
                os_, oe = _subtree_range(other, side_of=verb)
                if oe > os_ and "\n" not in doc_text(verb.doc)[min(s, os_):max(e, oe)]:
                    s, e = min(s, os_), max(e, oe)
    else:
        dobj = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
        pred = next((c for c in verb.children if c.dep_ in ("oprd", "xcomp")), None)
        objs = [c for c in verb.children if c.dep_ in ("dobj", "oprd") and c.i > verb.i]
        if lemma in OBJECT_CONTENT_VERBS and dobj is not None and pred is not None:
            toks = list(dobj.subtree) + list(pred.subtree)
            s, e = _span(toks)
            fam = "objpred"
        elif lemma in OBJECT_CONTENT_VERBS and len(objs) >= 2:
            # "called Lindqvist a troublemaker" parsed as two object predicates
            s, e = _span([t for o in objs for t in o.subtree])
            fam = "objpred"
        elif pred is not None and pred.dep_ == "xcomp" and lemma in XCOMP_CONTENT_VERBS and pred.i > verb.i:
            s, e = _subtree_range(pred)
            fam = "xcomp"
        elif dobj is not None and dobj.i > verb.i and (lemma in DOBJ_CONTENT_VERBS or lemma in OBJECT_CONTENT_VERBS) \
                and any(c.dep_ == "prep" and c.lower_ == "as" and c.i > dobj.i for c in verb.children):
            # "dismissed the research as rubbish", "branded the plan as a stunt": the object and
            # what it is said to be, one predication
            as_ = next(c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > dobj.i)
            s, e = _span(list(dobj.subtree) + list(as_.subtree))
            fam = "objpred"
        elif dobj is not None and lemma in DOBJ_CONTENT_VERBS and dobj.i > verb.i:
            s, e = _subtree_range(dobj)
            fam = "dobj"
        elif verb.dep_ in ("parataxis", "ccomp", "advcl") and verb.head.pos_ in ("VERB", "AUX") \
                and verb.head.i > verb.i - 30:
            # Parenthetical or inverted report: "This, says X, helps explain ..." /
            # "..., said X."  The content is the host clause without the cue.
            host = verb.head
            if verb.dep_ == "ccomp" and host.i < verb.i:
                return []  # "The paradox is that nobody wanted it": a complement, not a parenthesis
            if host.lemma_.lower() in REPORTING_VERBS and not (host.i > verb.i and _set_off(verb)):
                # "Asked about X, Olsen said ...": the host verb reports itself; but in
                # "Lately, he said, he has come to believe ..." the cue stands between commas
                return []
            src = _real_source(verb, src)
            if src is None or lemma not in REPORTING_VERBS:
                return []
            if any((c.dep_ == "dobj" and lemma not in _RECIPIENT_VERBS) or (c.dep_ == "mark" and c.lower_ in _NOT_ASIDE)
                   for c in verb.children):
                # "Had the authorities found the posts, they might ...", "If she believes
                # that, ...": a clause of its own, not an aside around the host clause
                return []
            # The content wraps around the cue ("The museum, he said, would ..."): one span
            # on each side, as annotators mark a discontinuous quote.
            drop = {t.i for t in verb.subtree}
            left = [t for t in host.subtree if t.i not in drop and t.i < verb.i]
            right = [t for t in host.subtree if t.i not in drop and t.i > verb.i]
            cs, ce = _cue(verb)
            out = []
            for part in (left, right):
                ps, pe = _span(part)
                if pe > ps and any(t.is_alpha for t in part):
                    out.append(Report(ps, pe, cs, ce, src, verb, "paren"))
            if not any(r.end <= cs for r in out):
                out.extend(_before_parenthetical(verb, src))
            return out
        else:
            return []
    if e <= s:
        return []
    src = _real_source(verb, src)
    if src is None or src.lower_ == "there" or (src.lower_ == "it" and not _speaking_it(verb, src, lemma)):
        return []
    if src.dep_ == "csubj" or src.lower_ in _DEMONSTRATIVE:
        src = None  # "That suggests …", "What surprised observers is …": no one says it
    cs, ce = _cue(verb)
    out = [Report(s, e, cs, ce, src, verb, fam)]
    if fam == "ccomp" and comp is not None and comp.i > verb.i:
        out.extend(_before_parenthetical(verb, src))
    return out


# A parenthetical cue may name who was told ("..., she told reporters, ..."), but no other object.
_RECIPIENT_VERBS = frozenset("tell assure inform remind warn advise notify".split())
# Subordinators that make a clause conditional or circumstantial rather than an aside.
_NOT_ASIDE = frozenset("if when because although though while since unless until after before whether".split())


def _before_parenthetical(verb, src) -> list[Report]:
    """The part of the sentence before a parenthetical cue ("The governor is so careless,
    the senator said, that ..."): annotators mark it as its own span of the same report."""
    doc = verb.doc
    if src is None or src.i > verb.i or src.left_edge.i < 2:
        return []
    comma = src.left_edge.i - 1
    if doc[comma].text != "," or not _set_off(verb):
        return []
    toks = _sentence_before(verb, comma)
    if not any(t.is_alpha for t in toks) or "\n" in "".join(t.text_with_ws for t in toks):
        return []
    ls, le = _span(toks)
    if le <= ls:
        return []
    cs, ce = _cue(verb)
    return [Report(ls, le, cs, ce, src, verb, "paren")]


# "..., campaign finance records show.": the small parser often reads "records show" as a
# noun compound, so this closing cue is found by its shape, not its parse.
_TRAILING_EVIDENCE = frozenset("""
show shows showed indicate indicates indicated suggest suggests suggested confirm confirms confirmed
""".split())
_NP_POS = frozenset("DET ADJ NOUN PROPN NUM PART CCONJ ADP".split())


def _trailing_evidence(tok) -> Report | None:
    """``[X], election records show.``: a sentence closed by a comma, a short noun phrase and
    an evidence verb reports the sentence before the comma; the phrase's last noun is the
    source."""
    doc = tok.doc
    sent = tok.sent
    rest = [t for t in doc[tok.i + 1:sent.end] if not t.is_space]
    if any(not t.is_punct for t in rest):
        return None
    k = tok.i - 1
    while k > sent.start and doc[k].text != "," and tok.i - k <= 9:
        k -= 1
    phrase = doc[k + 1:tok.i]
    if doc[k].text != "," or not len(phrase) or not all(t.pos_ in _NP_POS or t.tag_ == "POS" for t in phrase):
        return None
    nouns = [t for t in phrase if t.pos_ in ("NOUN", "PROPN")]
    if not nouns:
        return None
    content = _sentence_before(tok, k)
    s, e = _span(content)
    if e <= s or sum(t.is_alpha for t in content) < 3:
        return None
    return Report(s, e, tok.idx, tok.idx + len(tok), nouns[-1], tok, "paren")


def _sentence_before(verb, end: int) -> list:
    """The tokens of ``verb``'s sentence before token ``end``, from after its last colon or
    semicolon."""
    doc = verb.doc
    lo = verb.sent.start
    for t in doc[lo:end]:
        if t.text in (";", ":"):
            lo = t.i + 1
    return list(doc[lo:end])


def _set_off(verb) -> bool:
    """Whether a comma follows the cue (with its particle, negation or the hearer: ``..., the
    governor told reporters, ...``) — one side of a parenthetical cue."""
    doc = verb.doc
    after = max([verb.i] + [c.right_edge.i for c in verb.children
                            if c.dep_ in ("prt", "neg", "dative") or (c.dep_ == "dobj" and c.i > verb.i)]) + 1
    return after < len(doc) and doc[after].text == ","


def _speaking_it(verb, src, lemma: str) -> bool:
    """``it said that ...`` (a newspaper, a report, an agency): ``it`` as the active subject of
    a verb of saying is a source; ``it seems``, ``it is said`` and ``it shows`` are not."""
    return src.dep_ == "nsubj" and src.head.i == verb.i and lemma in SPEECH_VERBS


def _paragraph_subject(verb):
    """``Sen. X, facing a challenge in Iowa, said he ...`` when the parser hung ``Sen. X`` on
    the previous paragraph: the noun phrase that opens the verb's paragraph, when nothing but
    a comma-set description lies between it and the verb."""
    doc = verb.doc
    text = doc_text(doc)
    ps = text.rfind("\n", 0, verb.idx) + 1
    first = next((t for t in doc[max(0, verb.i - 40):verb.i]
                  if t.idx >= ps and not t.is_space and not t.is_punct), None)
    if first is None or first.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    if first.pos_ == "PRON" and first.lower_ not in ("he", "she", "they", "we", "i"):
        return None
    # the head of the opening noun phrase: the last token of its compound/flat run
    head = first
    while head.i + 1 < verb.i and head.nbor(1).pos_ in ("PROPN", "NOUN") \
            and head.nbor(1).dep_ in ("compound", "flat", "nsubj", "dobj", "appos", "pobj", "nmod"):
        head = head.nbor(1)
    if text[verb.idx - 2:verb.idx].strip() not in (",", "") or any(
            t.pos_ == "VERB" and t.dep_ not in ("amod", "acl", "advcl", "relcl") for t in doc[head.i + 1:verb.i]):
        return None
    return head


def _coordinated_subject(verb):
    """The subject of a finite verb of saying in the second of two coordinated clauses the
    parser read as one: ``X are behaving like schoolboys and the Liberal Democrats claim …``
    (the noun hung on ``schoolboys`` as a conjunct, ``claim`` left without a subject, whose
    inherited subject would be the first clause's) and ``Rosneft now owns Yugansk and Russia
    has said …`` (the object of ``owns``, lacking, made the subject with ``Russia`` its
    conjunct).  Returns None when the parse shows neither."""
    auxes = [c for c in verb.children if c.dep_ == "aux"]
    if verb.tag_ not in ("VBD", "VBZ", "VBP") and not auxes:
        return None
    subs = [c for c in verb.children if c.dep_ in _SUBJ]
    if not subs:
        # the word before the verb and its auxiliaries: a noun hung as a conjunct on the
        # first clause's object, with "and"/"but" before it
        lo = verb.i
        while lo > 0 and verb.doc[lo - 1].dep_ in ("aux", "neg", "advmod") and verb.doc[lo - 1].head.i == verb.i:
            lo -= 1
        prev = verb.doc[lo - 1] if lo > 0 else None
        if prev is not None and prev.dep_ == "conj" and prev.pos_ in ("PROPN", "NOUN") and prev.head.i < prev.i \
                and not any(c.i > prev.i for c in prev.children) \
                and any(c.dep_ == "cc" and c.i < prev.i for c in prev.head.children):
            return prev
        return None
    subj = subs[0]
    conjs = [c for c in subj.children if c.dep_ == "conj"]
    singular = verb.tag_ == "VBZ" or any(a.tag_ == "VBZ" for a in auxes)
    before = verb.doc[subj.left_edge.i - 1] if subj.left_edge.i > 0 else None
    if len(conjs) == 1 and singular and subj.i < verb.i and before is not None and before.pos_ == "VERB" \
            and before.i == verb.head.i and not any(c.dep_ in ("dobj", "attr", "ccomp", "xcomp", "dative")
                                                    for c in before.children if c.i != verb.i):
        # a singular verb cannot have "X and Y" for subject: X is the bare verb's object
        return conjs[0]
    return None


def _object_split_from_complement(verb, comp):
    """The direct object of a verb of saying or thinking that is really the start of its
    complement clause: the object comes right before the complement, parted from it by a
    comma only, the complement has its own subject and no ``that``, and the verb takes no
    hearer (``told reporters the plan was dead`` keeps its hearer out).  None otherwise."""
    if verb.lemma_.lower() in _RECIPIENT_VERBS or verb.lemma_.lower() in ("tell", "ask", "show", "promise", "give"):
        return None
    dobj = next((c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < comp.i), None)
    if dobj is None or any(c.dep_ == "mark" for c in comp.children):
        return None
    if not any(c.dep_ in ("nsubj", "nsubjpass") and c.i < comp.i for c in comp.children):
        return None
    last = dobj.right_edge.i
    while last > dobj.i and verb.doc[last].is_punct:
        last -= 1
    first = comp.left_edge.i
    while first < comp.i and verb.doc[first].is_punct:
        first += 1
    between = verb.doc[last + 1:first]
    if [t.text for t in between] != [","]:
        return None
    return dobj


def _participle_subject(verb, lemma: str):
    """``Mr X dismissed the figures insisting that …``: the parser made the object of
    ``dismissed`` the subject of the participle; a thing insists nothing, so a participle of
    saying whose parsed subject is a common noun right after the verb it hangs on (that verb
    left without an object; not a person, nor a writing, which speaks itself) is the main
    clause's subject's.  None when the parse shows no such thing."""
    if verb.tag_ != "VBG" or lemma not in SPEECH_VERBS or verb.dep_ not in ("ccomp", "advcl", "xcomp"):
        return None
    if any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return None  # "the figures are showing": a finite clause of its own
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    head = verb.head
    if subj is None or subj.pos_ != "NOUN" or subj.lemma_.lower() in PERSON_NOUNS \
            or subj.lemma_.lower() in DOCUMENT_NOUNS or head.pos_ != "VERB" or head.i > subj.left_edge.i \
            or any(t.pos_ in ("VERB", "AUX") for t in verb.doc[head.i + 1:subj.left_edge.i]) \
            or any(c.dep_ in ("dobj", "dative") for c in head.children):
        return None
    return _subject(head)


_ASIDE_MARKS = ("-", "\u2013", "\u2014", "--", ",")


def _aside_subject(verb):
    """``A day earlier, Mr X - keen to reassure investors - had said …``: an aside set off by
    dashes or commas between the subject and its verb of saying throws the parser, which
    leaves the verb without a subject; the name right before the aside is it."""
    doc = verb.doc
    lo = verb.i
    while lo > 0 and doc[lo - 1].dep_ in ("aux", "neg", "advmod") and doc[lo - 1].head.i == verb.i:
        lo -= 1
    if lo < 3 or doc[lo - 1].text not in _ASIDE_MARKS or verb.tag_ not in ("VBD", "VBZ", "VBP", "VBN"):
        return None
    close = doc[lo - 1].text
    start = verb.sent.start
    for k in range(lo - 2, max(start, lo - 25) - 1, -1):
        t = doc[k]
        if t.text in (".", ";", ":") or t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP"):
            return None
        if t.text == close or (close != "," and t.text in _ASIDE_MARKS[:4]):
            name = doc[k - 1] if k > start else None
            if name is not None and name.pos_ == "PROPN" and k - 1 < lo - 3 and not any(
                    c.dep_ in ("ccomp", "parataxis") and c.left_edge.i <= name.i <= c.right_edge.i
                    for c in verb.children):
                # (a name the parser hung in the complement, "“…,” Texas delegate X, wearing a
                # hat, said", belongs to the quotation's attribution, which the marks handle)
                return name
            return None
    return None


def adjacent_subject(verb):
    """``In a speech to the party Mr X said …``: the parser hung the name on the phrase before
    it and left the verb without a subject; a name or noun right before a finite verb of
    saying that has none is its subject."""
    if verb.i == 0 or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    prev = verb.doc[verb.i - 1]
    if prev.pos_ not in ("PROPN", "NOUN") or prev.dep_ not in ("pobj", "dobj", "appos", "conj", "npadvmod"):
        return None
    if any(c.i > prev.i for c in prev.children) or prev.head.i > verb.i:
        return None
    return prev


def _clause_complement(verb):
    """The verb's clausal complement in its own paragraph, the one after it first: the parser
    hangs a quote of the previous paragraph on ``said`` as a second ccomp."""
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    if not comps and verb.lemma_.lower() in SPEECH_VERBS:
        return _misattached_that_clause(verb)
    if len(comps) <= 1:
        return comps[0] if comps else None
    text = doc_text(verb.doc)

    def same_para(c) -> bool:
        a, b = sorted((c.idx, verb.idx))
        return "\n" not in text[a:b]

    return min(comps, key=lambda c: (not same_para(c), c.i < verb.i, abs(c.i - verb.i)))


def _misattached_that_clause(verb):
    """``told the audience at her fundraiser for veterans that she ...``: the parser hangs the
    that-clause on the nearest noun as a relative clause.  A clause opened by ``that`` as a
    conjunction, with a subject of its own, hung on a noun of the verb's object or
    prepositional phrases, is the verb's complement."""
    for t in verb.subtree:
        if t.i <= verb.i or t.dep_ not in ("relcl", "acl") or t.head.pos_ not in ("NOUN", "PROPN"):
            continue
        first = t.left_edge
        if not (first.lower_ == "that" and first.dep_ == "mark" and first.head.i == t.i):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
            continue
        # only nouns and prepositions between the clause and the verb
        x, ok = t.head, True
        while x.i != verb.i:
            if x.pos_ not in ("NOUN", "PROPN", "ADP", "PRON", "NUM") or x.head.i == x.i:
                ok = False
                break
            x = x.head
        if ok:
            return t
    return None


# "dealt with according to the law": in accordance with a norm, not on someone's word
_NORM_NOUNS = frozenset("""
law rule regulation plan schedule timetable tradition custom procedure agreement contract
constitution guideline standard principle protocol treaty formula criterion definition
""".split())


def _quoted_as_saying(tok) -> Report | None:
    """``P, minister X was quoted as saying (by Interfax).``: the closing attribution of the
    clause before the comma; the source is the one quoted (the passive subject)."""
    as_ = tok.head
    quoted = as_.head
    if as_.lower_ != "as" or quoted.tag_ != "VBN" or quoted.lemma_.lower() not in ("quote", "report", "cite"):
        return None
    if any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children):
        return None  # "was quoted as saying that …": the complement is the content
    src = next((c for c in quoted.children if c.dep_ == "nsubjpass"), None)
    if src is None or src.left_edge.i < 2 or tok.doc[src.left_edge.i - 1].text != ",":
        return None
    toks = _sentence_before(quoted, src.left_edge.i - 1)
    if sum(t.is_alpha for t in toks) < 3 or "\n" in "".join(t.text_with_ws for t in toks):
        return None
    s, e = _span(toks)
    cs, ce = _cue(quoted)
    return Report(s, e, cs, tok.idx + len(tok), src, tok, "paren") if e > s else None


def _according(tok) -> list[Report]:
    to = next(c for c in tok.children if c.lower_ == "to")
    src = next((c for c in to.children if c.dep_ == "pobj"), None)
    host = tok.head
    if src is None or host.i == tok.i or src.lemma_.lower() in _NORM_NOUNS:
        return []
    while host.dep_ not in ("ROOT",) and host.pos_ not in ("VERB", "AUX") and host.head.i != host.i:
        host = host.head
    # The content wraps around the cue ("That's bad, according to X, because ..."): one span
    # on each side, the part after it only when it is more than a tag.
    drop = {t.i for t in tok.subtree}
    left = [t for t in host.subtree if t.i not in drop and t.i < tok.i]
    right = [t for t in host.subtree if t.i not in drop and t.i > tok.i]
    out = []
    ls, le = _span(left)
    if le > ls:
        out.append(Report(ls, le, tok.idx, to.idx + len(to), src, tok))
    rs, re_ = _span(right)
    if re_ > rs and (not out or sum(t.is_alpha for t in right) >= 3):
        out.append(Report(rs, re_, tok.idx, to.idx + len(to), src, tok))
    return out


# ---------------------------------------------------------------------------- broad candidates
# PolNeAR-style annotation counts almost any predicate with a human or institutional source
# and an argument as an attribution ("supported X", "voting for X", "has been investigating
# X"); no word list separates the good ones from the narrative, so these constructions are
# only proposed here and a learned decision (:mod:`.report_model`) keeps or drops each.

RULE_FAMILIES = frozenset("ccomp objpred xcomp dobj paren appear passive xadj prep according predadj relative".split())

_BROAD_PREPS = frozenset("of about on for against to with over in from at into toward towards".split())

# Nouns naming where a finding or statement appears: "In the latest poll, X leads ...".
_SOURCE_NOUNS = frozenset("""
poll survey interview statement report speech letter study data analysis memo op-ed
editorial column post tweet filing lawsuit complaint email video ad advertisement book
remarks comments testimony debate release briefing appearance address transcript
""".split())


def broad_candidates(doc, *, known: list[Report] | None = None) -> list[Report]:
    """Candidate reports from general constructions, beyond the hand rules of :func:`reports`.

    ``known`` are the rule reports; a broad candidate with the same content span is left out.
    """
    out: list[Report] = []
    for tok in doc:
        with isolated("quote candidate", tok.idx, tok.idx + len(tok)):  # a failure skips this word only
            pos = tok.pos_
            if pos in ("VERB", "AUX"):
                out.extend(_broad_verb(tok))
                if pos == "VERB":
                    r = _relative_report(tok)
                    if r is not None:
                        out.append(replace(r, family="any-relative"))
            if tok.dep_ == "prep" and tok.lower_ in _BROAD_PREPS:
                r = _broad_prep(tok)
                if r is not None:
                    out.append(r)
            elif pos == "NOUN" and tok.dep_ not in ("compound",):
                # "her claim [that ...]"; "his promise [to build a wall]", "a plan [to cut taxes]":
                # intentions and proposals annotators attribute to the noun's owner
                comp, fam = next((c for c in tok.children if c.dep_ in ("acl", "ccomp") and c.left_edge.lower_ == "that"
                                  and c.i > tok.i and c.left_edge.dep_ == "mark"), None), "any-noun-that"
                if comp is None:
                    comp = next((c for c in tok.children if c.dep_ == "acl" and c.i > tok.i and c.tag_ == "VB"
                                 and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)
                    fam = "any-noun-to"
                if comp is not None:
                    s, e = _subtree_range(comp)
                    src = next((c for c in tok.children if c.dep_ == "poss"), None)
                    if src is None and tok.dep_ in ("dobj", "attr") and tok.head.pos_ in ("VERB", "AUX"):
                        src = _subject(tok.head)
                    if e > s:
                        out.append(Report(s, e, tok.idx, tok.idx + len(tok), src, tok, fam))
    text = doc_text(doc)
    seen = {(r.start, r.end) for r in known or ()}
    kept: list[Report] = []
    for r in out:
        c = _clip_to_paragraph(text, _outside_cue(r))
        if c is not None and (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            kept.append(c)
    kept.sort(key=lambda r: (r.start, r.end))
    return kept


def _broad_verb(verb) -> list[Report]:
    out: list[Report] = []
    kids = list(verb.children)
    src = _subject(verb)
    cs, ce = _cue(verb)
    if src is not None and src.lower_ in ("there",):
        src = None
    if src is None and verb.dep_ == "acl" and verb.tag_ in ("VBG", "VBN") and verb.head.i < verb.i:
        src = verb.head  # "a committee backing the governor"
    dobj = next((c for c in kids if c.dep_ == "dobj" and c.i > verb.i), None)
    if dobj is not None and src is not None and dobj.lower_ not in _DEMONSTRATIVE:
        s, e = _subtree_range(dobj)
        if e > s:
            out.append(Report(s, e, cs, ce, src, verb, "any-dobj"))
    x = next((c for c in kids if c.dep_ == "xcomp" and c.i > verb.i), None)
    if x is not None and src is not None:
        s, e = _subtree_range(x)
        if e > s:
            out.append(Report(s, e, cs, ce, src, verb, "any-xcomp"))
    comp = next((c for c in kids if c.dep_ == "ccomp" and c.i > verb.i), None)
    if comp is not None and _participle_subject(comp, comp.lemma_.lower()) is None:
        s, e = _subtree_range(comp, side_of=verb)
        if e > s:
            out.append(Report(s, e, cs, ce, src, verb, "any-ccomp"))
    if verb.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in kids):
        agent = next((c for c in kids if c.dep_ == "agent"), None)
        subj = next((c for c in kids if c.dep_ == "nsubjpass"), None)
        by = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
        if subj is not None and by is not None and subj.lower_ not in _NON_CONTENT_SUBJECTS:
            s, e = _subtree_range(subj)
            if e > s:
                out.append(Report(s, e, cs, ce, by, verb, "any-passive"))
    for c in kids:
        if c.dep_ == "prep" and c.lower_ in ("in", "from") and c.i < verb.i:
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None and obj.lemma_.lower() in _SOURCE_NOUNS:
                drop = {t.i for t in c.subtree}
                toks = [t for t in verb.subtree if t.i not in drop and t.i > c.right_edge.i]
                s, e = _span(toks)
                if e > s:
                    out.append(Report(s, e, c.idx, c.idx + len(c), obj, c, "any-source"))
    return out


def _broad_prep(prep) -> Report | None:
    head = prep.head
    if head.i > prep.i:
        return None  # a fronted phrase ("In the survey, ...") sets the scene, it is not content
    if head.pos_ == "VERB":
        if _subject(head) is None:
            return None
    elif head.pos_ == "NOUN":
        if not (any(c.dep_ == "poss" for c in head.children) or head.dep_ in ("dobj", "attr")):
            return None
    elif not (head.pos_ == "ADJ" and head.dep_ == "acomp"):
        return None
    r = _prep_report(prep)
    return None if r is None else replace(r, family="any-prep")
