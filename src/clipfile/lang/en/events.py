"""English event hooks on the spaCy parse (:class:`~clipfile.lang.base.EventSyntax`).

The shared stage (:mod:`clipfile.analysis.events`) asks which verb a date modifies (the
nearest verb above it in the dependency parse), whether that verb is irrealis (a modal, a
future, under a verb of prediction: ``plans to ... for ten more years``) or a state (the
copula alone), and what its clause is.  A verb that only controls an infinitive (``allowed a
plane to pick up X on 20 August``) is taken with it; a relative clause keeps the noun it
describes (``Litvinenko, who was poisoned ... in 2006``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...records import Entity, Ref
from .parse import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["EnglishEvents"]

_MODALS = {"will", "shall", "would", "could", "should", "might", "may", "must", "can", "'ll", "wo", "ca"}
_PREDICTING = {"plan", "expect", "intend", "hope", "want", "aim", "predict", "promise", "vow",
               "threaten", "forecast", "pledge", "seek", "wish", "prepare", "need", "try"}
# Clauses inside the verb's subtree that stand on their own: left out unless they hold the date.
_CLAUSAL = {"conj", "ccomp", "advcl", "relcl", "parataxis", "csubj", "acl"}


def _governing_verb(tok: "Token", time_tokens: set[int]) -> "Token | None":
    """The nearest verb above the time expression."""
    t = tok
    for _ in range(30):
        if t.i not in time_tokens and t.pos_ in ("VERB", "AUX"):
            return t
        if t.head.i == t.i:
            return t if t.pos_ in ("VERB", "AUX") and t.i not in time_tokens else None
        t = t.head
    return None


def _lift_control(verb: "Token") -> "Token":
    """``allowed X to pick up``: take the controlling verb with the infinitive."""
    while (verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX")
           and verb.head.lemma_.lower() not in _PREDICTING
           and (verb.dep_ == "xcomp"
                or (verb.dep_ == "ccomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)))):
        verb = verb.head
    return verb


def _is_irrealis(verb: "Token") -> bool:
    """Future, modal or predicted: not something that happened."""
    t = verb
    for _ in range(6):
        for child in t.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in _MODALS:
                return True
            if child.dep_ == "aux" and child.lower_ in ("going", "gon"):
                return True
        if t.lemma_.lower() in _PREDICTING and t.i != verb.i:
            return True
        if t.dep_ not in ("xcomp", "ccomp", "conj") or t.head.i == t.i:
            break
        t = t.head
    return False


def _is_copula_state(verb: "Token") -> bool:
    return verb.lemma_.lower() == "be" and not any(
        c.dep_ in ("acomp", "attr") and c.pos_ == "VERB" for c in verb.children) and verb.pos_ == "AUX"


def _clause_tokens(verb: "Token", keep: set[int]) -> list["Token"]:
    """The verb's subtree minus clausal dependents that do not contain a kept token."""
    excluded: set[int] = set()
    for child in verb.children:
        if child.dep_ in _CLAUSAL:
            sub = {t.i for t in child.subtree}
            if not sub & keep:
                excluded |= sub
        if child.dep_ == "cc" or (child.dep_ == "punct" and child.i > max(keep)) or (
                child.tag_ == "WRB" and child.i < verb.i):  # "why the authorities had allowed..."
            excluded.add(child.i)
    return [t for t in verb.subtree if t.i not in excluded]


class EnglishEvents:
    """:class:`~clipfile.lang.base.EventSyntax` for one spaCy-parsed document."""

    trim_lead = " \t\n\"'“‘«([—–-,;:"
    trim_trail = " \t\n\"'”’»)]—–-,;:."

    def __init__(self, doc: "Doc", entities: list[Entity]) -> None:
        self.doc = doc
        self.text = doc_text(doc)

    def time_tokens(self, start: int, end: int) -> "Span | None":
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span if span is not None and len(span) else None

    def governing_verb(self, time: "Span") -> "Token | None":
        return _governing_verb(time.root, {t.i for t in time})

    def is_irrealis(self, verb: "Token") -> bool:
        return _is_irrealis(verb)

    def is_state(self, verb: "Token") -> bool:
        return _is_copula_state(verb)

    def lift(self, verb: "Token") -> "Token":
        return _lift_control(verb)

    def clause(self, verb: "Token", time: "Span") -> tuple[int, int]:
        toks = _clause_tokens(verb, {t.i for t in time} | {verb.i})
        return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)

    def antecedent(self, verb: "Token") -> tuple[int, int, int] | None:
        if verb.dep_ != "relcl" or verb.head.i == verb.i:
            return None
        noun = verb.head
        return min(t.idx for t in [noun, *noun.lefts]), noun.idx, noun.idx + len(noun)

    def sentence_range(self, verb: "Token") -> tuple[int, int]:
        return verb.sent.start_char, verb.sent.end_char

    def extra_participants(self, verb: "Token") -> list[Ref]:
        return []
