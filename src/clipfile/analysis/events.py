"""Dated happenings: a clause whose verb carries a temporal expression, with its participants.

For each temporal expression (found with the language's rules, :mod:`.timex`) the parse
gives the verb it modifies; the event is that verb's clause (its subtree without the
subordinate or coordinated clauses that do not hold the date).  A relative or participle
clause keeps the noun it describes (``Litvinenko, who was poisoned ... in 2006``).  Of two dates on one verb the more
precise one anchors the event.

Not events, by general rules: present or future references (``these days``, ``in the coming
years``), dates after publication, clauses in the future, the conditional or under a modal
(``will``, ``could``, ``может``), predictions (``plans to ... for ten more years``), and
states expressed by the copula alone (``he was as ugly years ago``).  Participants are the
entities with a mention inside the event text, plus the noun a relative clause describes.

The stage is the same for every language; the language's
:class:`~clipfile.lang.base.EventSyntax` answers what only its grammar can (which verb a date
modifies, whether it is irrealis or a state, what its clause is).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..records import Entity, Event, Ref, TimeExpr
from .problems import isolated
from .timex import bounds, find_times, parse_published

if TYPE_CHECKING:
    from ..lang.base import Language

__all__ = ["events"]

_NOT_EVENT_VALUES = {"PRESENT_REF", "FUTURE_REF", None}
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "decade": 3, "approximate": 4}
_PARTICIPANT_TYPES = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}


def events(parsed: Any, entities: list[Entity], *, lang: Language | str,
           published: str | None = None) -> list[Event]:
    """Dated happenings in a parsed document.

    Args:
        parsed: the language's parse of the document (offsets refer to its ``text``).
        entities: the document's entities (their mentions give the participants).
        lang: the document's language (or its code).
        published: the publication date relatives are resolved against (ISO) or None.

    Returns:
        Events in text order, ids ``v1``, ``v2``...; each ``text`` is the event clause and
        ``date`` the temporal expression anchoring it.
    """
    from ..lang import as_language

    language = as_language(lang)
    syn = language.event_syntax(parsed, entities)
    text = syn.text
    pub = parse_published(published)
    chosen: dict[int, tuple[TimeExpr, Any, Any]] = {}
    for tx in find_times(text, language.times, published=published):
        with isolated("time expression", tx.start, tx.end):  # a failure skips this date only
            if tx.value in _NOT_EVENT_VALUES:
                continue
            rng = bounds(tx.value)
            if rng and pub and rng[0] > pub.day:
                continue  # a date after publication is a deadline or a plan, not a happening
            time = syn.time_tokens(tx.start, tx.end)
            if time is None:
                continue
            verb = syn.governing_verb(time)
            if verb is None or syn.is_irrealis(verb) or syn.is_state(verb):
                continue
            verb = syn.lift(verb)
            if syn.is_irrealis(verb):
                continue
            prev = chosen.get(verb.i)
            if prev is None or _better(tx, prev[0]):
                chosen[verb.i] = (tx, verb, time)

    out: list[Event] = []
    for tx, verb, time in sorted(chosen.values(), key=lambda p: p[0].start):
        with isolated("event", tx.start, tx.end):
            start, end = syn.clause(verb, time)
            antecedent = syn.antecedent(verb)
            if antecedent is not None:
                start = min(start, antecedent[0])
            # The clause must stay inside its sentence and hold the date.
            s0, s1 = syn.sentence_range(verb)
            start, end = max(start, s0), min(end, s1)
            start, end = min(start, tx.start), max(end, tx.end)
            start, end = _trim(text, start, end, syn.trim_lead, syn.trim_trail)
            if start >= end:
                continue
            parts = _participants(entities, start, end, antecedent[1:] if antecedent else None)
            extra = [r for r in syn.extra_participants(verb) if all(p.entity_id != r.entity_id for p in parts)]
            out.append(Event(id="", start=start, end=end, text=text[start:end], date=tx,
                             participants=(*extra, *parts)))
    return [Event(id=f"v{n}", start=e.start, end=e.end, text=e.text, date=e.date,
                  participants=e.participants) for n, e in enumerate(out, 1)]


def _better(a: TimeExpr, b: TimeExpr) -> bool:
    return _PRECISION_RANK.get(a.precision, 9) < _PRECISION_RANK.get(b.precision, 9)


def _trim(text: str, start: int, end: int, lead: str, trail: str) -> tuple[int, int]:
    """Drop surrounding spaces, quotation marks and trailing punctuation from an event span."""
    while start < end and text[start] in lead:
        start += 1
    while end > start and text[end - 1] in trail:
        end -= 1
    return start, end


def _participants(entities: list[Entity], start: int, end: int,
                  antecedent: tuple[int, int] | None) -> tuple[Ref, ...]:
    """Entities with a mention inside ``[start, end)``, or whose mention holds the described
    noun (``antecedent``, a character range), in order of their first mention there."""
    found: list[tuple[int, Ref]] = []
    for ent in entities:
        if ent.type not in _PARTICIPANT_TYPES:
            continue
        firsts = [m.start for m in ent.mentions if start <= m.start and m.end <= end]
        if antecedent is not None and not firsts:
            a0, a1 = antecedent
            firsts = [m.start for m in ent.mentions if m.start <= a0 and a1 <= m.end]
        if firsts:
            found.append((min(firsts), Ref(ent.name, ent.id)))
    return tuple(r for _, r in sorted(found, key=lambda x: x[0]))
