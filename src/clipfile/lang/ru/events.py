"""Russian dated happenings: a clause whose verb carries a time expression, with participants.

The Russian counterpart of :mod:`clipfile.extract.events`.  For each expression found by
:func:`clipfile.russian.timex.find_times` (``20 августа 2020 года``, ``в 1978 году``,
``спустя полгода``, ``на прошлой неделе``) the natasha parse gives the verb it modifies; the
event is that verb's clause, without coordinated or subordinate clauses that do not hold the
date.  A participle or relative clause keeps the noun it describes (``Литвиненко,
отравленный в 2006 году``).

Not events, by general rules: present and future references (``сейчас``, ``в ближайшие
годы``), dates after publication, verbs in the future (``уйдёт``, ``будет``), under a modal,
an intention or an expectation (``может``, ``намерен``, ``ожидает``), in the conditional
(``бы``), and the bare copula (``был молод в 1978 году``).  Participants are the entities
with a mention inside the event, plus the noun a participle or relative clause describes.
"""
from __future__ import annotations

from ...analysis.timex import bounds, parse_published
from ...records import Entity, Event, Ref, TimeExpr
from .referents import is_future
from .forecasts import _EXPECT, _INTEND
from .parse import RuDoc, RuToken
from .referents import RuReferents
from .timex import find_times

__all__ = ["events"]

_NOT_EVENT_VALUES = {"PRESENT_REF", "FUTURE_REF", None}
_MODAL = frozenset({"мочь", "смочь", "должный", "должен", "следовать", "нужно", "надо", "хотеть"})
_IRREALIS_HEADS = _MODAL | _EXPECT | _INTEND
# Dependents that make clauses of their own: left out unless they hold the date.
_CLAUSAL = frozenset({"conj", "ccomp", "advcl", "acl", "acl:relcl", "parataxis", "csubj"})
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "decade": 3, "approximate": 4}
_PARTICIPANT_TYPES = frozenset({"PERSON", "PER", "ORG", "LOC", "GPE", "NORP", "FAC", "EVENT"})
_LEAD = " \t\n\"'«„“([—–-,;:"
_TRAIL = " \t\n\"'»“”)]—–-,;:."


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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _LEAD:
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    return start, end


def _better(a: TimeExpr, b: TimeExpr) -> bool:
    return _PRECISION_RANK.get(a.precision, 9) < _PRECISION_RANK.get(b.precision, 9)


def events(rudoc: RuDoc, entities: list[Entity], *, published: str | None = None) -> list[Event]:
    """Dated happenings in a parsed Russian document.

    Args:
        rudoc: the natasha parse (:func:`clipfile.russian.parse`); offsets refer to its text.
        entities: the document's entities (their mentions give the participants).
        published: the publication date (ISO) relative expressions resolve against, or None.
    Returns:
        Events in text order, ids ``v1``, ``v2``...; each ``text`` is the event clause and
        ``date`` the time expression anchoring it.
    """
    refs = RuReferents(rudoc, entities, [])
    text = rudoc.text
    pub = parse_published(published)
    chosen: dict[int, tuple[TimeExpr, RuToken, set[int]]] = {}
    for tx in find_times(text, published=published):
        if tx.value in _NOT_EVENT_VALUES:
            continue
        rng = bounds(tx.value)
        if rng and pub and rng[0] > pub.day:
            continue  # after publication: a deadline or a plan, not a happening
        time_idx = {t.i for t in refs.tokens_in(tx.start, tx.end)}
        if not time_idx:
            continue
        verb = _governing_verb(refs, time_idx)
        if verb is None or _is_irrealis(refs, verb):
            continue
        if verb.lemma == "быть" and verb.rel != "aux" and not any(
                c.pos == "VERB" for c in refs.children(verb.i)):
            continue  # "был молод в 1978 году": a state
        prev = chosen.get(verb.i)
        if prev is None or _better(tx, prev[0]):
            chosen[verb.i] = (tx, verb, time_idx)

    out: list[Event] = []
    for tx, verb, time_idx in sorted(chosen.values(), key=lambda p: p[0].start):
        idx = _clause(refs, verb, time_idx | {verb.i})
        start = min(refs.tokens[i].start for i in idx)
        end = max(refs.tokens[i].end for i in idx)
        antecedent = None
        if verb.rel in {"acl", "acl:relcl"} and verb.head >= 0:
            # "Литвиненко, отравленный в 2006 году": the described noun takes part.
            antecedent = refs.tokens[verb.head]
            start = min(start, antecedent.start)
        sent = rudoc.sents[verb.sent]
        start, end = max(start, sent.start), min(end, sent.end)
        start, end = min(start, tx.start), max(end, tx.end)
        start, end = _trim(text, start, end)
        if start >= end:
            continue
        parts = _participants(refs, entities, start, end, antecedent)
        subj = refs.subject(verb.i)
        if subj is not None and subj.pos == "PRON":
            # "20 августа он покинул страну": the pronoun's person takes part too.
            who = refs.resolve(subj.i)
            if who is not None and all(p.entity_id != who.entity_id for p in parts):
                parts = (who, *parts)
        out.append(Event(id="", start=start, end=end, text=text[start:end], date=tx,
                         participants=parts))
    return [Event(id=f"v{n}", start=e.start, end=e.end, text=e.text, date=e.date,
                  participants=e.participants) for n, e in enumerate(out, 1)]


def _participants(refs: RuReferents, entities: list[Entity], start: int, end: int,
                  antecedent: RuToken | None) -> tuple[Ref, ...]:
    found: list[tuple[int, Ref]] = []
    for ent in entities:
        if ent.type not in _PARTICIPANT_TYPES:
            continue
        firsts = [m.start for m in ent.mentions if start <= m.start and m.end <= end]
        if not firsts and antecedent is not None:
            firsts = [m.start for m in ent.mentions if m.start <= antecedent.start < m.end]
        if firsts:
            found.append((min(firsts), Ref(ent.name, ent.id)))
    return tuple(r for _, r in sorted(found, key=lambda x: x[0]))
