"""Dated happenings: a clause whose verb carries a temporal expression, with its participants.

For each temporal expression (see :mod:`clipfile.extract.timex`) the dependency parse gives the
verb it modifies; the event is that verb's clause (its subtree without the subordinate or
coordinated clauses that do not hold the date).  A verb that only controls an infinitive
(``allowed a plane to pick up X on 20 August``) is taken with it, and a relative clause keeps
the noun it describes (``Litvinenko, who was poisoned ... in 2006``).

Not events, by general rules: present or future references (``these days``, ``in the coming
years``), dates after publication, clauses in the future or under a modal (``will``, ``could``),
predictions (``plans to ... for ten more years``), and states expressed by the copula alone
(``he was as ugly years ago``).  Participants are the entities with a mention inside the event
text, plus the antecedent of a relative clause.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...records import Entity, Event, Ref, TimeExpr
from ...analysis.timex import bounds, find_times, parse_published

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["events"]

_MODALS = {"will", "shall", "would", "could", "should", "might", "may", "must", "can", "'ll", "wo", "ca"}
_PREDICTING = {"plan", "expect", "intend", "hope", "want", "aim", "predict", "promise", "vow",
               "threaten", "forecast", "pledge", "seek", "wish", "prepare", "need", "try"}
_NOT_EVENT_VALUES = {"PRESENT_REF", "FUTURE_REF", None}
# Clauses inside the verb's subtree that stand on their own: left out unless they hold the date.
_CLAUSAL = {"conj", "ccomp", "advcl", "relcl", "parataxis", "csubj", "acl"}
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "decade": 3, "approximate": 4}
_PARTICIPANT_TYPES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}


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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces, quotes and trailing punctuation from an event span."""
    lead = " \t\n\"'“‘«([—–-,;:"
    trail = " \t\n\"'”’»)]—–-,;:."
    while start < end and text[start] in lead:
        start += 1
    while end > start and text[end - 1] in trail:
        end -= 1
    return start, end


def events(doc: "Doc", entities: list[Entity], *, published: str | None) -> list[Event]:
    """Dated happenings in a parsed document.

    Args:
        doc: the spaCy parse of the document text (offsets refer to ``doc.text``).
        entities: the document's entities (their mentions give the participants).
        published: the publication date relatives are resolved against (ISO) or None.

    Returns:
        Events in text order, ids ``v1``, ``v2``...; each ``text`` is the event clause and
        ``date`` the temporal expression anchoring it.
    """
    text = doc.text
    pub = parse_published(published)
    times = find_times(text, published=published)
    chosen: dict[int, tuple[TimeExpr, "Token"]] = {}
    for tx in times:
        if tx.value in _NOT_EVENT_VALUES:
            continue
        rng = bounds(tx.value)
        if rng and pub and rng[0] > pub.day:
            continue  # a date after publication is a deadline or a plan, not a happening
        span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        time_tokens = {t.i for t in span}
        verb = _governing_verb(span.root, time_tokens)
        if verb is None or _is_irrealis(verb):
            continue
        if _is_copula_state(verb):
            continue
        verb = _lift_control(verb)
        if _is_irrealis(verb):
            continue
        prev = chosen.get(verb.i)
        if prev is None or _better(tx, prev[0]):
            chosen[verb.i] = (tx, verb)

    out: list[Event] = []
    for tx, verb in sorted(chosen.values(), key=lambda p: p[0].start):
        span = doc.char_span(tx.start, tx.end, alignment_mode="expand")
        keep = {t.i for t in span} if span is not None else set()
        toks = _clause_tokens(verb, keep | {verb.i})
        start = min(t.idx for t in toks)
        end = max(t.idx + len(t) for t in toks)
        antecedent = None
        if verb.dep_ == "relcl" and verb.head.i != verb.i:
            antecedent = verb.head
            start = min(start, min(t.idx for t in [antecedent, *antecedent.lefts]))
        # The clause must stay inside its sentence and hold the date.
        sent = verb.sent
        start, end = max(start, sent.start_char), min(end, sent.end_char)
        start, end = min(start, tx.start), max(end, tx.end)
        start, end = _trim(text, start, end)
        if start >= end:
            continue
        out.append(Event(id="", start=start, end=end, text=text[start:end], date=tx,
                         participants=_participants(entities, start, end, antecedent)))
    return [Event(id=f"v{i}", start=e.start, end=e.end, text=e.text, date=e.date,
                  participants=e.participants) for i, e in enumerate(out, 1)]


def _better(a: TimeExpr, b: TimeExpr) -> bool:
    return _PRECISION_RANK.get(a.precision, 9) < _PRECISION_RANK.get(b.precision, 9)


def _participants(entities: list[Entity], start: int, end: int, antecedent: "Token | None") -> tuple[Ref, ...]:
    found: list[tuple[int, Ref]] = []
    seen: set[str] = set()
    for ent in entities:
        if ent.type not in _PARTICIPANT_TYPES:
            continue
        firsts = [m.start for m in ent.mentions if start <= m.start and m.end <= end]
        if antecedent is not None and not firsts:
            a0, a1 = antecedent.idx, antecedent.idx + len(antecedent)
            firsts = [m.start for m in ent.mentions if m.start <= a0 and a1 <= m.end]
        if firsts and ent.id not in seen:
            seen.add(ent.id)
            found.append((min(firsts), Ref(ent.name, ent.id)))
    return tuple(r for _, r in sorted(found, key=lambda x: x[0]))
