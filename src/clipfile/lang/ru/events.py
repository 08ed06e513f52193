"""Russian event hooks on the natasha parse (:class:`~clipfile.lang.base.EventSyntax`).

For each expression :func:`clipfile.lang.ru.timex.find_times` finds (``20 августа 2020
года``, ``в 1978 году``, ``спустя полгода``, ``на прошлой неделе``) the shared stage
(:mod:`clipfile.analysis.events`) asks which verb it modifies in the natasha parse, whether
that verb is irrealis (the future: ``уйдёт``, ``будет``; a modal, an intention or an
expectation above it: ``может``, ``намерен``, ``ожидает``; the conditional ``бы``) or the bare
copula (``был молод в 1978 году``), and what its clause is.  A participle or relative clause
keeps the noun it describes (``Литвиненко, отравленный в 2006 году``); a pronoun subject's
person takes part (``20 августа он покинул страну``).
"""
from __future__ import annotations

from ...records import Entity, Ref
from .forecasts import _EXPECT, _INTEND
from .parse import RuDoc, RuToken
from .referents import RuReferents, is_future

__all__ = ["RussianEvents"]
_MODAL = frozenset({"мочь", "смочь", "должный", "должен", "следовать", "нужно", "надо", "хотеть"})
_IRREALIS_HEADS = _MODAL | _EXPECT | _INTEND
# Dependents that make clauses of their own: left out unless they hold the date.
_CLAUSAL = frozenset({"conj", "ccomp", "advcl", "acl", "acl:relcl", "parataxis", "csubj"})


def _governing_verb(refs: RuReferents, time_idx: set[int]) -> RuToken | None:
    """The nearest verb above the time expression's tokens."""
    root = next((refs.tokens[i] for i in sorted(time_idx) if refs.tokens[i].head not in time_idx), None)
    t = root
    for _ in range(30):
        if t is None:
            return None
        if t.i not in time_idx and t.pos in {"VERB", "AUX"}:
            return t
        if t.head < 0:
            return None
        t = refs.tokens[t.head]
    return None


def _is_irrealis(refs: RuReferents, verb: RuToken) -> bool:
    """Future, conditional, modal or intended: not something that happened."""
    if is_future(refs, verb) or verb.feats.get("Mood") in {"Cnd", "Imp"}:
        return True
    if any(c.text.lower() == "бы" for c in refs.children(verb.i)):
        return True
    t = verb
    for _ in range(4):
        if t.rel not in {"xcomp", "ccomp", "conj"} or t.head < 0:
            break
        t = refs.tokens[t.head]
        if t.lemma in _IRREALIS_HEADS or (t.rel != "conj" and is_future(refs, t)):
            return True
    return False


def _clause(refs: RuReferents, verb: RuToken, keep: set[int]) -> list[int]:
    """The verb's subtree minus clausal dependents that do not hold a kept token."""
    excluded: set[int] = set()
    for c in refs.children(verb.i):
        if c.rel in _CLAUSAL:
            sub = set(refs.subtree(c.i))
            if not sub & keep:
                excluded |= sub
        if c.rel == "cc" or (c.rel == "punct" and c.i > max(keep)):
            excluded.add(c.i)
    return [i for i in refs.subtree(verb.i) if i not in excluded]


class RussianEvents:
    """:class:`~clipfile.lang.base.EventSyntax` for one natasha-parsed document."""

    trim_lead = " \t\n\"'«„“([—–-,;:"
    trim_trail = " \t\n\"'»“”)]—–-,;:."

    def __init__(self, rudoc: RuDoc, entities: list[Entity]) -> None:
        self.refs = RuReferents.of(rudoc, entities, [])
        self.text = rudoc.text

    def time_tokens(self, start: int, end: int) -> set[int] | None:
        return {t.i for t in self.refs.tokens_in(start, end)} or None

    def governing_verb(self, time: set[int]) -> RuToken | None:
        return _governing_verb(self.refs, time)

    def is_irrealis(self, verb: RuToken) -> bool:
        return _is_irrealis(self.refs, verb)

    def is_state(self, verb: RuToken) -> bool:
        """The copula alone: "был молод в 1978 году"."""
        return verb.lemma == "быть" and verb.rel != "aux" and not any(
            c.pos == "VERB" for c in self.refs.children(verb.i))

    def lift(self, verb: RuToken) -> RuToken:
        return verb

    def clause(self, verb: RuToken, time: set[int]) -> tuple[int, int]:
        idx = _clause(self.refs, verb, time | {verb.i})
        toks = self.refs.tokens
        return min(toks[i].start for i in idx), max(toks[i].end for i in idx)

    def antecedent(self, verb: RuToken) -> tuple[int, int, int] | None:
        if verb.rel not in {"acl", "acl:relcl"} or verb.head < 0:
            return None
        noun = self.refs.tokens[verb.head]
        return noun.start, noun.start, noun.end

    def sentence_range(self, verb: RuToken) -> tuple[int, int]:
        sent = self.refs.doc.sents[verb.sent]
        return sent.start, sent.end

    def extra_participants(self, verb: RuToken) -> list[Ref]:
        subj = self.refs.subject(verb.i)
        if subj is not None and subj.pos == "PRON":
            who = self.refs.resolve(subj.i)
            if who is not None:
                return [who]
        return []
