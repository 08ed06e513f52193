"""English footing on the spaCy parse: which marker governs a claim, and the frames around it.

The lexicon (:mod:`clipfile.lang.en.markers`) finds words; the parse decides whether a word
bears on the claim.  Two questions, both answered here:

* :func:`govern`: does a marker found inside a unit govern the unit's predicate?  A modal must
  be an auxiliary of the predicate's clauses (not of an ``if``-clause or a relative clause), an
  adverb must modify them, an epistemic adjective must be predicative or qualify one of their
  arguments (``a possible rebellion``, not ``as fast as possible``), a verb marker must be a
  verb (``terror suspects``, ``output estimates``, ``the challenges ahead`` are nouns) on the
  predicate's spine, and a verb of judging states a footing only without a named judge
  (``it is thought that``; ``she thinks that`` reports her view, and the quote layer
  attributes it).
* :func:`frames`: which words outside a proposition decide its footing?  The report verb above
  it: a denial by its subject (``X denied that P``, ``X rejected claims that P``, ``X did not
  believe P``), a report whose subject is an anonymous source or a news outlet, an impersonal
  passive (``it is said``, ``it is thought``, ``we were led to believe``), a report by a
  document or poll (``the survey shows``), and the content said to be false (``the claim that
  P is false``).

Every rule reads the dependency labels of spaCy's English models and word classes (a lemma
list per class); none names a person or a phrase of any text.
"""
from __future__ import annotations

import bisect
from typing import Any

from ...analysis.markers import find_markers
from ...records import Marker, Quote, Ref
from ..base import Frame
from .cues import COGNITION_VERBS, PERSON_NOUNS, SPEECH_VERBS
from .parse import doc_text

__all__ = ["govern", "frames", "subclauses", "EVIDENCE_NOUNS", "MEDIA_NOUNS", "PROPOSITION_NOUNS"]

# Nouns naming data, documents and inquiries: a report by one of them backs its content.
EVIDENCE_NOUNS = frozenset("""
report poll survey study research data datum figure statistic finding evidence test result
record document analysis audit inquiry investigation review census footage count document
""".split())
# Nouns naming news outlets: what they report is passed on, second-hand.
MEDIA_NOUNS = frozenset("""
press newspaper paper agency media magazine website broadcaster tabloid outlet wire channel
""".split())
# Nouns naming a source kept anonymous.
ANONYMOUS_NOUNS = frozenset("source insider".split())
# Nouns whose "that"-clause is a proposition someone holds or spreads.
PROPOSITION_NOUNS = frozenset("""
claim allegation suggestion report accusation charge assertion rumour rumor speculation idea
notion criticism story theory impression belief contention assumption
""".split())
# Nouns that spread a proposition without naming who holds it ("allegations that P").
_HEARSAY_NOUNS = frozenset("allegation report rumour rumor claim suggestion speculation".split())

_DENIAL_VERBS = frozenset("deny refute rebut".split())
# A denial only with a proposition as object: rejecting a proposal is not one.
_REJECTION_VERBS = frozenset("reject dismiss".split())
_DISPUTE_VERBS = frozenset("dispute contest challenge question doubt contradict".split())
# "did not believe that P" denies P; "did not say that P" does not.
_NEGATED_BELIEF = frozenset("believe accept".split())
_FALSITY = frozenset("false untrue wrong mistaken incorrect inaccurate".split())
# Passive report verbs with no agent: the report has no owner ("it is said", "is reported to").
_IMPERSONAL_REPORT = frozenset("say report rumour rumor allege claim moot understand quote".split())
# Passive verbs of telling: the speaker passes on what someone told them ("I was told").
_TOLD = frozenset("tell inform assure brief lead tip".split())
# Passive verbs of judging with no judge: an impersonal belief ("it is thought", "is seen as").
_IMPERSONAL_BELIEF = frozenset("""
think believe consider regard see view estimate suppose presume assume suspect deem reckon
""".split())
_EVIDENCE_VERBS = frozenset("show prove demonstrate establish find".split())
# What data does to a statement: shows, suggests, reveals it.  A report that "says" or "adds"
# speaks for its authors, as a spokesman would.
_EVIDENTIAL = _EVIDENCE_VERBS | frozenset("suggest indicate reveal confirm conclude point imply".split())
# A wh-clause asks; it holds no proposition to dispute ("questioned why ...").
_WH = frozenset("why how what when who whom where which".split())
# Nouns that doubt the proposition of their "that"-clause ("the possibility that P").
_HEDGE_NOUNS = frozenset("possibility chance likelihood probability prospect".split())
_REPORT_LEMMAS = SPEECH_VERBS | COGNITION_VERBS | _EVIDENCE_VERBS | _IMPERSONAL_REPORT | _TOLD
# The words :func:`_classify` can give a footing, by part of speech: any other word has none.
_CLASSIFIED = {
    "VERB": _DENIAL_VERBS | _REJECTION_VERBS | _DISPUTE_VERBS | _NEGATED_BELIEF | _REPORT_LEMMAS,
    "NOUN": _HEDGE_NOUNS | _HEARSAY_NOUNS,
}

# Verbs of judging and of evidence that report a named judge's view when they have one.
_AGENTIVE_CLASSES = {("hedged", "belief"), ("hedged", "epistemic_verb")}
_RAISING = frozenset("seem appear tend".split())
_COMPARATIVE = frozenset("more less most least".split())
# Adjectives that doubt the existence of what they qualify ("a possible rebellion").
_EPISTEMIC_ATTRIBUTIVE = frozenset("""
possible potential alleged estimated suspected apparent probable likely presumed supposed
purported reported rumoured rumored
""".split())
_PERSONAL_PRONOUNS = frozenset("i we you he she they".split())

_CLAUSE_DOWN = frozenset({"xcomp", "ccomp", "conj", "parataxis", "csubj", "csubjpass"})
# Relations that stay inside a clause: climbing them from a word reaches the clause it is in.
_IN_CLAUSE = frozenset({
    "amod", "advmod", "npadvmod", "aux", "auxpass", "neg", "prep", "pobj", "det", "compound",
    "conj", "appos", "dobj", "iobj", "nsubj", "nsubjpass", "attr", "acomp", "oprd", "agent",
    "poss", "nummod", "quantmod", "prt", "dative", "case", "expl", "cc", "predet", "preconj",
    "nmod", "punct",
})
_STATUS_KINDS = frozenset({"hedged", "hearsay", "evidenced", "unsupported", "disputed", "denied"})
_CERTAINTY_ONLY = {("hedged", "modal_weak"), ("hedged", "approximator"), ("hedged", "extent")}
_VERBAL = {"VERB", "AUX"}


def _lemma(t) -> str:
    return t.lemma_.lower()


def _clauses(pred, inside: set[int]) -> set[int]:
    """The predicate's clauses in the unit: the predicate, the report verbs above it, and the
    clauses it takes (complements, coordinated clauses); not its adverbial or relative
    clauses, whose hedges are theirs."""
    out = {pred.i}
    t = pred
    stack = [pred]
    while t.head.i != t.i and t.head.i in inside:
        t = t.head
        out.add(t.i)
        # "says the party is improving and it could win": the parser often hangs the second
        # conjunct of the content on the report verb.
        stack += [c for c in t.children if c.dep_ == "conj" and c.pos_ in _VERBAL and c.i in inside]
    out.update(c.i for c in stack)
    while stack:
        v = stack.pop()
        for c in v.children:
            if c.i in inside and c.i not in out and (
                c.dep_ in _CLAUSE_DOWN
                or (c.dep_ in {"dobj", "attr", "acomp", "oprd", "pcomp"} and c.pos_ in _VERBAL)
            ):
                out.add(c.i)
                stack.append(c)
    return out


def _reaches(tok, clauses: set[int], inside: set[int], limit: int = 8) -> bool:
    """Climbing from ``tok`` through in-clause relations reaches one of ``clauses``."""
    t = tok
    for _ in range(limit):
        if t.i in clauses:
            return True
        if t.dep_ not in _IN_CLAUSE or t.head.i == t.i or t.head.i not in inside:
            return False
        t = t.head
    return False


def _head_of(doc, marker: Marker):
    toks = [t for t in doc[_token_range(doc, marker.start, marker.end)]]
    if not toks:
        return None
    ids = {t.i for t in toks}
    tops = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
    return tops[0] if tops else toks[0]


def _token_range(doc, start: int, end: int) -> slice:
    span = doc.char_span(start, end, alignment_mode="expand")
    return slice(span.start, span.end) if span is not None else slice(0, 0)


def _subject(t):
    """The subject of a verb; for a participle or infinitive without one, its controller
    ("Mr X went on to suggest", "a report ..., suggesting", "polls suggesting")."""
    for _ in range(3):
        subj = next((c for c in t.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}), None)
        if subj is not None:
            return subj
        if t.dep_ == "acl" and t.head.pos_ in {"NOUN", "PROPN"}:
            return t.head
        if t.dep_ not in {"xcomp", "advcl", "conj"} or t.head.i == t.i:
            return None
        t = t.head
    return None


def _passive(t) -> bool:
    """A passive verb, or a participle standing for one ("the widely reported fact",
    "Previously considered to be ...")."""
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in t.children) or (
        t.tag_ == "VBN" and t.dep_ in {"acl", "amod", "advcl"} and not any(c.dep_ == "aux" for c in t.children))


def _personal(tok, refs) -> bool:
    """A subject that names a judge: a personal pronoun, a name, a person noun."""
    if tok is None:
        return False
    if tok.lower_ in _PERSONAL_PRONOUNS or tok.pos_ == "PROPN" or tok.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"}:
        return True
    return _lemma(tok) in PERSON_NOUNS or refs.entity_in(tok.idx, tok.idx + len(tok)) is not None


def govern(refs, markers: list[tuple[Marker, str]], tokens, pred) -> list[tuple[Marker, str]]:
    """Keep the markers that govern the unit's predicate (module docstring); a report verb of
    evidence whose subject is data (``the polls suggest``) becomes an ``evidenced`` marker."""
    if pred is None:
        return [(m, c) for m, c in markers if m.kind not in _STATUS_KINDS or (m.kind, c) in _CERTAINTY_ONLY]
    doc = refs.doc
    inside = {t.i for t in tokens}
    clauses = _clauses(pred, inside)
    out = []
    for m, cls in markers:
        if m.kind not in _STATUS_KINDS or (m.kind, cls) in _CERTAINTY_ONLY:
            out.append((m, cls))
            continue
        h = _head_of(doc, m)
        if h is None:
            continue
        kept = _govern_one(refs, m, cls, h, clauses, inside, pred)
        if kept is not None:
            out.append(kept)
    return out


# Clauses that state something of their own inside a longer sentence: adverbial and
# coordinated ones.  A relative clause describes its noun (its modal is mostly ability: "who
# could become premier"), and a condition ("if", "unless") states nothing.
_SUBCLAUSE_DEPS = frozenset({"advcl", "conj"})
_CONDITIONS = frozenset("if unless whether once until provided lest".split())


def subclauses(refs, markers: list[tuple[Marker, str]], tokens, pred) -> list[tuple[int, int]]:
    """Clauses inside the unit that a footing word governs while the unit's predicate is out
    of its reach ("he was up for it as the country waits to go to the polls, possibly in
    weeks"; "although there is little chance they will propose increases"): each is a claim
    of its own, as the gold marks "only its clause"."""
    if pred is None:
        return []
    doc = refs.doc
    inside = {t.i for t in tokens}
    clauses = _clauses(pred, inside)
    out: list[tuple[int, int]] = []
    for m, cls in markers:
        if m.kind not in _STATUS_KINDS or (m.kind, cls) in _CERTAINTY_ONLY:
            continue
        h = _head_of(doc, m)
        if h is None or _govern_one(refs, m, cls, h, clauses, inside, pred) is not None:
            continue
        v = h
        for _ in range(8):
            if v.dep_ in _SUBCLAUSE_DEPS | {"relcl"} and v.pos_ in _VERBAL | {"ADJ"} \
                    or v.head.i == v.i or v.head.i not in inside:
                break
            v = v.head
        if v.dep_ not in _SUBCLAUSE_DEPS and not (m.kind == "hearsay" and v.dep_ == "relcl"):
            continue  # ("the official, who reportedly resigned, ...": a rumour marks its clause)
        if v.i in clauses or v.i == pred.i:
            continue
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in v.children):
            continue
        sub = [x for x in v.subtree if x.i in inside]
        if _govern_one(refs, m, cls, h, _clauses(v, {x.i for x in sub}), {x.i for x in sub}, v) is None:
            continue
        span = _span([x for x in sub if not (x.dep_ in {"mark", "cc"} and x.i < v.i and x.head.i == v.i)])
        if span is not None and span not in out:
            out.append(span)
    return out


def _govern_one(refs, m: Marker, cls: str, h, clauses: set[int], inside: set[int], pred):
    kind = m.kind
    verb_class = cls in {"belief", "epistemic_verb", "demonstration", "dispute"} or (
        kind == "denied" and h.pos_ in _VERBAL)
    if h.tag_ == "MD" or h.dep_ in {"aux", "auxpass"}:
        # A modal: it hedges the clause it is an auxiliary of.
        return (m, cls) if h.head.i in clauses else None
    if h.pos_ in {"NOUN", "PROPN"} and (verb_class or kind in {"denied", "disputed"}):
        # "terror suspects", "output estimates", "the challenges ahead", "the contest".
        return None
    if verb_class:
        if h.pos_ not in _VERBAL and not (h.tag_ == "VBN" and h.dep_ == "amod"):
            return None
        if h.tag_ == "VBN" and h.dep_ == "amod":
            # "an estimated fortune": a participle qualifying an argument of the clause.
            return (m, cls) if _lemma(h) in {"estimate", "allege", "suspect", "report", "rumour"} and \
                _reaches(h, clauses, inside) else None
        if h.i not in clauses:
            return None
        return _verb_marker(refs, m, cls, h, pred)
    if any(c.lower_ in _COMPARATIVE for c in h.children if c.dep_ in {"advmod", "amod"}):
        return None  # "more likely to": a comparison of chances, not doubt
    if h.pos_ == "ADJ" and h.dep_ == "amod":
        if h.lower_ not in _EPISTEMIC_ATTRIBUTIVE or h.head.pos_ not in {"NOUN", "PROPN"}:
            return None
        return (m, cls) if _reaches(h.head, clauses, inside) else None
    if h.pos_ == "ADJ" and h.dep_ not in {"acomp", "attr", "oprd", "ROOT", "conj", "ccomp", "xcomp", "advcl"}:
        # "as fast as possible": an adjective that neither predicates nor qualifies.
        return None
    if h.pos_ == "ADV" and h.head.pos_ == "ADJ" and h.head.dep_ == "amod":
        # "his seemingly liberal reclassification": a hedge on a modifier, not on the claim.
        return None
    return (m, cls) if _reaches(h, clauses, inside) else None


def _verb_marker(refs, m: Marker, cls: str, h, pred):
    """A verb marker on the predicate's spine: what it says depends on who does the judging."""
    lemma = _lemma(h)
    subj = _subject(h)
    if h.dep_ == "acl" and subj is None:
        subj = h.head  # "polls suggesting that ...": the noun is the subject
    if lemma in _RAISING:
        # "seems to have had", "appeared more interested": with a complement only ("appeared
        # in court" is no hedge).
        ok = any(c.dep_ in {"xcomp", "acomp", "attr", "oprd"} for c in h.children)
        return (m, cls) if ok else None
    if (m.kind, cls) in _AGENTIVE_CLASSES:
        if subj is not None and _lemma(subj) in EVIDENCE_NOUNS and lemma in _EVIDENTIAL:
            return (Marker(m.start, m.end, m.text, "evidenced"), "source")
        if cls == "belief" and not _passive(h):
            # "she believes that P", "I think P": a view with its holder, an opinion that
            # moves certainty a little but is no footing (the quote layer attributes it).
            return (Marker(m.start, m.end, m.text, "opinion"), "belief")
        if _personal(subj, refs) and not _passive(h):
            return None  # "Mr X suggested that P": a report cue, not a hedge
        return (m, cls)
    if m.kind == "evidenced":
        if _passive(h):
            # "was confirmed", "has been established"; "is being shown on BBC2" is no proof.
            return (m, cls) if lemma in {"confirm", "verify", "corroborate", "establish", "prove", "document"} else None
        above = h.i != pred.i and h.is_ancestor(pred)
        if not above and not any(c.dep_ == "ccomp" for c in h.children):
            return None  # "established the ballet", "has shown poor leadership", "shows X laughing"
        if lemma in {"confirm", "verify", "corroborate"} and _personal(subj, refs):
            return None  # a person confirming is a report, not data
        return (m, cls)
    if m.kind in {"denied", "disputed"}:
        negated = any(c.dep_ == "neg" and not m.start <= c.idx < m.end for c in h.children)
        if _passive(h) or negated or _irrealis(h):
            return None  # "he has been denied defector status", "did not dispute", "refused to deny"
        if h.i == pred.i and not any(c.dep_ == "ccomp" for c in h.children):
            return None  # "disputes the audit": a stance on an object; a comment if anything
        return (m, cls)
    return (m, cls)


# --- frames ------------------------------------------------------------------------------


def _span(toks) -> tuple[int, int] | None:
    toks = [t for t in toks if not t.is_punct]
    while toks and toks[0].dep_ == "mark" and toks[0].lower_ in {"that", "whether", "if"}:
        toks = toks[1:]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _content(t):
    """The proposition a report word takes: its ``that``-clause, gerund or infinitive
    complement, or the clause of a proposition noun it takes as object."""
    for c in t.children:
        if c.dep_ == "ccomp":
            return c
    for c in t.children:
        if c.dep_ == "xcomp" and c.tag_ == "VBG":
            return c  # "denied having ..."
        if c.dep_ == "xcomp" and _lemma(c) in {"believe", "think"}:
            return _content(c)  # "we were led to believe that P"
    for c in t.children:
        if c.dep_ in {"dobj", "nsubjpass", "pobj"} and _lemma(c) in PROPOSITION_NOUNS:
            clause = _noun_clause(c)
            if clause is not None:
                return clause
    return None


def _noun_clause(n):
    return next((c for c in n.children if c.dep_ in {"acl", "ccomp", "relcl"}
                 and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)), None)


def _phrase_ref(refs, tok) -> Ref | None:
    ref = refs.resolve_token(tok)
    if ref is not None:
        return ref
    if tok.pos_ == "PRON":
        return None
    words = [t for t in tok.subtree if t.dep_ not in {"det", "punct", "relcl", "acl"} and t.i <= tok.i]
    return Ref(name=" ".join(t.text for t in words) or tok.text)


def _marker(toks, kind: str) -> Marker:
    toks = sorted(toks, key=lambda t: t.i)
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
    doc = toks[0].doc
    return Marker(start, end, doc_text(doc)[start:end], kind)


def _irrealis(t) -> bool:
    """``refused to deny``, ``don't want to be seen``, ``nobody should doubt``, ``would deny``:
    no stance is taken."""
    if t.dep_ in {"xcomp", "advcl"} and t.head.pos_ in _VERBAL \
            and any(c.dep_ in {"aux", "auxpass"} and c.lower_ == "to" for c in t.children):
        return True  # ("was quick to deny" does deny)
    if any(c.tag_ == "MD" for c in t.children):
        return True
    return any(c.dep_ == "nsubj" and c.lower_ in {"nobody", "none", "noone"} for c in t.children)


def _classify(refs, t) -> tuple[Marker, str, Ref | None] | None:
    """The footing a report word gives its content, as (marker, class, holder)."""
    lemma = _lemma(t)
    if lemma not in _CLASSIFIED.get(t.pos_, ()):
        return None  # (most words: what follows would look at their clause for nothing)
    neg = [c for c in t.children if c.dep_ == "neg"]
    subj = _subject(t)
    if _irrealis(t):
        return None
    if t.pos_ == "VERB" and not neg and not _passive(t):
        if lemma in _DENIAL_VERBS:
            return _marker([t], "denied"), "denial", _phrase_ref(refs, subj) if subj is not None else None
        if lemma in _REJECTION_VERBS and any(c.dep_ == "dobj" and _lemma(c) in PROPOSITION_NOUNS for c in t.children):
            return _marker([t], "denied"), "denial", _phrase_ref(refs, subj) if subj is not None else None
        if lemma in _DISPUTE_VERBS and not _asks(t):
            return _marker([t], "disputed"), "dispute", _phrase_ref(refs, subj) if subj is not None else None
    if t.pos_ == "VERB" and neg and lemma in _NEGATED_BELIEF:
        return _marker([*neg, t], "denied"), "denial", _phrase_ref(refs, subj) if subj is not None else None
    if t.pos_ == "NOUN" and lemma in _HEDGE_NOUNS:
        return _marker([t], "hedged"), "adjective", None
    if t.pos_ == "NOUN" and lemma in _HEARSAY_NOUNS and not any(c.dep_ == "poss" for c in t.children) \
            and not any(c.dep_ == "prep" and c.lower_ in {"by", "from"} for c in t.children):
        return _marker([t], "hearsay"), "allegation", None
    if t.pos_ != "VERB" or lemma not in _REPORT_LEMMAS or neg:
        return None
    if _passive(t):
        agent = next((g for c in t.subtree if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if lemma == "quote" or (agent is not None and _media(agent)):
            # "was quoted as saying by the news agency": passed on by someone else.
            return _marker([t], "hearsay"), "media", _phrase_ref(refs, agent) if agent is not None else None
        if agent is not None:
            return None
        if lemma in _TOLD:
            return _marker([t], "hearsay"), "told", None
        if lemma in _IMPERSONAL_REPORT:
            return _marker([t], "hearsay"), "allegation", None
        if lemma in _IMPERSONAL_BELIEF:
            return _marker([t], "hedged"), "allegation", None
        return None
    if subj is None:
        return None
    head = _lemma(subj)
    if head in ANONYMOUS_NOUNS:
        return _marker([subj, t] if subj.i + 1 == t.i else [t], "hearsay"), "anonymous", None
    if _media(subj):
        return _marker([t], "hearsay"), "media", _phrase_ref(refs, subj)
    if head in EVIDENCE_NOUNS and lemma in _EVIDENTIAL:
        return _marker([t], "evidenced"), "source", None
    if lemma in _EVIDENCE_VERBS and not any(c.dep_ == "ccomp" for c in t.children) and _content(t) is None:
        return None
    if lemma in _EVIDENCE_VERBS and (lemma != "find" or not _personal_pronoun(subj)):
        return _marker([t], "evidenced"), "demonstration", None
    return None


def _media(tok) -> bool:
    """A news outlet: ``the local press``, ``the Interfax news agency`` (an agency of the
    state is no outlet)."""
    lemma = _lemma(tok)
    if lemma == "agency":
        return any(c.lower_ in {"news", "press", "wire"} for c in tok.children if c.dep_ == "compound")
    return lemma in MEDIA_NOUNS


def _asks(t) -> bool:
    """``questioned why ...``: the complement is an indirect question."""
    comp = next((c for c in t.children if c.dep_ == "ccomp"), None)
    return comp is not None and any(x.lower_ in _WH for x in comp.subtree if x.i < comp.i)


def _personal_pronoun(tok) -> bool:
    return tok.lower_ in _PERSONAL_PRONOUNS


def _according_to(refs, t) -> tuple[Marker, str] | None:
    """``according to official statistics`` / ``according to sources``."""
    if _lemma(t) != "accord":
        return None
    obj = next((g for c in t.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"), None)
    if obj is None:
        return None
    head = _lemma(obj)
    if head in EVIDENCE_NOUNS:
        return _marker([t], "evidenced"), "source"
    if head in ANONYMOUS_NOUNS:
        return _marker([t], "hearsay"), "anonymous"
    if _media(obj):
        return _marker([t], "hearsay"), "media"
    return None


def _falsity(t) -> tuple[Marker, list[Any]] | None:
    """``the claim that P is false``, ``it is not true that P``: (marker, content tokens)."""
    if _lemma(t) != "be":
        return None
    neg = [c for c in t.children if c.dep_ == "neg"]
    pred = next((c for c in t.children if c.dep_ in {"acomp", "attr"}
                 and (_lemma(c) in _FALSITY or (neg and _lemma(c) in {"true", "case"}))), None)
    if pred is None:
        return None
    subj = _subject(t)
    if not any(c.dep_ in {"nsubj", "nsubjpass"} for c in t.children):
        # No subject of its own (the parser hung "..., was wrong" on another clause): the
        # proposition noun subject nearest before it in the sentence, if any.
        noun = next((x for x in reversed(t.doc[t.sent.start:t.i]) if x.dep_ in {"nsubj", "nsubjpass"}
                     and _lemma(x) in PROPOSITION_NOUNS), None)
        subj = noun if noun is not None else subj
    content = None
    if subj is not None and subj.lower_ == "it":
        content = next((c for c in t.children if c.dep_ == "ccomp"), None)
    elif subj is not None and _lemma(subj) in PROPOSITION_NOUNS:
        content = _noun_clause(subj)
        if content is None and subj.i < t.i:
            # "the widespread belief Mr Smith had left, was wrong": the content stands between
            # the noun and its predicate, without "that" (and often misparsed).
            between = [x for x in t.doc[subj.i + 1:t.i] if not x.is_punct or x.i < t.i - 1]
            if len(between) >= 3 and any(x.pos_ in _VERBAL for x in between):
                return _marker([t, *neg, pred], "denied"), between
    if content is None:
        return None
    return _marker([t, *neg, pred], "denied"), list(content.subtree)


_SAID_OF_KINDS = ("unsupported", "denied", "disputed", "evidenced")


def _said_of(doc, t) -> list[tuple[Marker, str, Any]]:
    """Footing said of a proposition noun that is the subject of its clause (``the report that
    P could not be verified``, ``the allegation that P was confirmed``): the markers of the
    clause outside the noun phrase, with the noun's ``that``-clause."""
    if t.pos_ != "NOUN" or _lemma(t) not in PROPOSITION_NOUNS or t.dep_ not in {"nsubj", "nsubjpass"}:
        return []
    clause = _noun_clause(t)
    if clause is None:
        return []
    verb = t.head
    lo, hi = t.right_edge.i + 1, verb.right_edge.i + 1
    if lo >= hi:
        return []
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    from .markers import LEXICON  # the lexicon, for the words said of the noun

    out = []
    for m, cls in find_markers(doc_text(doc)[start:end], LEXICON, offset=start, kinds=_SAID_OF_KINDS):
        h = _head_of(doc, m)
        if h is not None and (h.i == verb.i or h.head.i == verb.i):
            out.append((m, cls, clause))
    return out


def _heads(t) -> bool:
    """``t`` heads its sentence's statement: the root, a report verb whose content leads to the
    root's, or a report set off after the clause it frames (``P, the minister was quoted as
    saying``)."""
    for _ in range(6):
        if t.dep_ == "ROOT" or t.head.i == t.i:
            return True
        if t.dep_ in {"conj", "parataxis"} and t.i > t.head.i and (t.head.dep_ == "ROOT" or t.head.head.i == t.head.i):
            return True
        if t.dep_ in {"ccomp", "xcomp"} and _lemma(t.head) in _REPORT_LEMMAS:
            t = t.head
            continue
        return False
    return False


def frames(refs) -> list[Frame]:
    """Every footing frame of the document (module docstring), in text order."""
    doc = refs.doc
    out: list[Frame] = []
    seen: set[tuple[int, int, int]] = set()

    def add(si: int, span: tuple[int, int] | None, marker: Marker, cls: str, holder: Ref | None,
            embedded: bool, raised: bool = False) -> None:
        if span is None or span[1] - span[0] < 3 or (marker.start, *span) in seen:
            return
        if span[0] <= marker.start < span[1] and not raised:
            return  # the frame's words inside its own content: a parse gone wrong
        seen.add((marker.start, *span))
        out.append(Frame(si, span[0], span[1], marker, cls, holder, embedded))

    starts = [sent.start for sent in refs.sents]
    # A quote's cue frames the quote's content, whatever the parse makes of direct speech.
    for q in refs.quotes:
        if q.cue is None:
            continue
        cue = _cue_token(doc, q)
        if cue is None:
            continue
        si = bisect.bisect_right(starts, cue.i) - 1
        found = _classify(refs, cue) or _according(refs, cue)
        if found is None and cue.dep_ == "xcomp" and _passive(cue.head):
            found = _classify(refs, cue.head)  # "is alleged to have told him: ..."
        if found is not None and found[0].kind in {"denied", "disputed"} and _content(cue) is None:
            found = None  # "rebuts asylum criticisms": a stance on a noun, no statement denied
        if found is not None:
            # The quote is the claim; the frame only gives it its footing.
            add(si, (q.start, q.end), *found, True)
    for si, sent in enumerate(refs.sents):
        for t in sent:
            fal = _falsity(t)
            if fal is not None:
                # "the claim that P is false": P is a claim of its own.
                add(si, _span(fal[1]), fal[0], "denial", None, True)
                continue
            for marker, cls, clause in _said_of(doc, t):
                # "the report that P could not be verified": what is said of the report is
                # said of P.
                add(si, _span(list(clause.subtree)), marker, cls, None, True)
            found = _classify(refs, t)
            if found is not None:
                embedded = t.pos_ == "NOUN" or not _heads(t)
                content = _noun_clause(t) if t.pos_ == "NOUN" else _content(t)
                if content is None and _passive(t) and found[0].kind in {"hedged", "hearsay"} and (
                        any(c.dep_ in {"xcomp", "oprd"} for c in t.children)
                        or any(c.dep_ == "prep" and c.lower_ == "as" for c in t.children)):
                    # "X is said to be ...", "X has been regarded as ...": the clause as a whole.
                    add(si, _span(list(t.subtree)), *found, embedded, raised=True)
                    continue
                if content is None and t.dep_ in {"conj", "parataxis"} and t.i > t.head.i:
                    # "P, the minister was quoted as saying": the clause before the report.
                    add(si, _span([x for x in t.head.subtree if x.i < t.left_edge.i]), *found, embedded)
                    continue
                if content is not None:
                    add(si, _span(list(content.subtree)), *found, embedded)
                continue
            acc = _according_to(refs, t)
            if acc is not None and t.head.i != t.i:
                add(si, _span([x for x in t.head.subtree if not (t.left_edge.i <= x.i <= t.right_edge.i)]),
                    *acc, None, not _heads(t.head))
    out.sort(key=lambda f: (f.start, f.marker.start))
    return out


def _according(refs, t) -> tuple[Marker, str, Ref | None] | None:
    found = _according_to(refs, t)
    return (*found, None) if found is not None else None


def _cue_token(doc, q: Quote):
    if q.cue is None:
        return None
    toks = list(doc[_token_range(doc, q.cue.start, q.cue.end)])
    verbs = [t for t in toks if t.pos_ in _VERBAL or _lemma(t) == "accord"] or toks
    return verbs[0] if verbs else None

