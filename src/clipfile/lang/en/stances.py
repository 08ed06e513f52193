"""Which attributions are stances, not quotations.

The reported-speech finders (:mod:`.reported`) propose everything PolNeAR annotates as an
attribution, and the learned decision keeps what its annotators would mark: that includes the
object of a stance verb (``criticised [the plan]``), an intention (``plans [to cut taxes]``), a
reported question (``asked [why he stayed]``) and a judgement nobody holds (``[the bill] is
expected [to pass]``).  A reader of quotes (and the real-news annotation) counts only
reported propositions and quoted words: what someone said, wrote or believes.  These four are
kept, but as :class:`~clipfile.records.Stance` records in a list of their own, decided here
from the construction and the shape of the content, never from the words of a text.

A report with quoted words in it (``mixed``) is always a quote: the source's own words are
there (``his call for a "pause"``).  So is an object with a predicate (``called him a
disappointment``, ``dismissed the research as rubbish``), an accusation (``accused X of Y``:
the charge is a proposition) and a gerund (``denied [having personal experience]``).
"""
from __future__ import annotations

from .cues import ACCUSATION_CUES, DIRECTIVE_VERBS, QUESTION_CUES, SPEECH_VERBS
from .reported import Report

__all__ = ["stance_kind"]

# Constructions whose content is the object of the cue: a verb's direct object, a
# preposition's object, a relative word or the noun a relative clause hangs on, the subject of
# a passive with its agent (``[X] has been endorsed by Y``).
_OBJECT_FAMILIES = frozenset("dobj any-dobj prep any-prep relative any-relative any-passive".split())
# Constructions whose content is a to-infinitive after a verb, an adjective or a noun.
_INFINITIVE_FAMILIES = frozenset("xcomp xadj any-xcomp any-noun-to".split())
# Judgements with no holder: appearance (``X seems ...``) and the agentless passive.
_JUDGEMENT_FAMILIES = frozenset("appear passive".split())
# Subjects that name no holder: a demonstrative standing for a fact, a negative quantifier.
_NO_ONE = frozenset("this that these those nobody none".split())
_WH = frozenset("what why how whether if who whom whose which when where".split())
_NOUNISH = frozenset("NOUN PROPN PRON NUM DET ADJ X".split())


def stance_kind(r: Report, kind: str, doc) -> str | None:
    """The stance kind of a reported-speech candidate the decision kept (``object``,
    ``intention``, ``question``, ``judgement``), or None when it is a quotation."""
    if kind != "indirect":
        return None  # quoted words: a quote
    fam = r.family
    lemma = r.verb.lemma_.lower()
    if r.source is not None and r.source.lower_ in _NO_ONE and not any(c.dep_ in ("prep", "relcl", "acl")
                                                                       for c in r.source.children):
        return "judgement"  # "That suggests …", "Nobody should doubt …": no one named holds it
    if fam in _JUDGEMENT_FAMILIES or r.source is None:
        # held by no one named ("X is expected to …", "allegations that …", "is seen as …"):
        # an attribution needs a source
        return "judgement" if r.source is None else None
    span = doc.char_span(r.start, r.end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    words = [t for t in span if not (t.is_punct or t.is_space)]
    if not words:
        return None
    first = words[0].lower_
    if lemma in QUESTION_CUES and first in _WH and fam not in ("relative", "any-relative"):
        return "question"  # "asked why ...", "wondered whether ..."
    if fam in _INFINITIVE_FAMILIES:
        if lemma in SPEECH_VERBS:
            return None  # "pledged to clamp down", "urged them to act": speech acts
        if lemma in DIRECTIVE_VERBS and any(c.dep_ in ("dobj", "dative") for c in r.verb.children):
            return None  # "challenged X to deny ...": a directive to someone
        if first == "to" or (first == "not" and len(words) > 1 and words[1].lower_ == "to"):
            return "intention"
        return None
    if fam in _OBJECT_FAMILIES and lemma not in ACCUSATION_CUES and _noun_phrase(span, r.verb):
        return "object"
    return None


def _noun_phrase(span, cue) -> bool:
    """A noun phrase and nothing more: headed by a noun or pronoun, not a gerund (``having
    experience``), with no predicate after ``as`` (``the research as rubbish``), and not a
    noun of saying with its content (``his pledge [not to do deals]``).  A relative clause is
    part of a noun phrase (``the plan which he drew up``), and so is a report inside it, which
    is a quote of its own (``issued [a statement saying [the prince has apologised]]``)."""
    root = span.root
    if root.pos_ not in _NOUNISH:
        return False
    inside = range(span.start, span.end)
    for t in span:
        if t.lower_ == "as" and t.dep_ == "prep" and (t.head.i == root.i or t.head.i == cue.i
                                                      or t.head.i not in inside):
            return False  # "X as Y": a predication
    return not (root.lemma_.lower() in SPEECH_VERBS and any(
        c.dep_ in ("acl", "ccomp") and c.i > root.i for c in root.children))
