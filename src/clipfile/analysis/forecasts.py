"""Forecasts: predictive statements with forecaster, target, event, condition and deadline.

A forecast is a predictive construction in a sentence that is not a question: a future
(``will``, ``будет``, a perfective future), an expectation (``expects X to``, ``ожидает, что``),
an intention (``plans to``, ``намерен``) or a possibility (``could``, ``может``) that is
explicitly forward-looking (it has a condition, sits under a verb of belief or expectation, or
carries a deadline: a bare "may" is a hedge).  Verbs inside a condition clause are the
condition, not the prediction.  The forecaster is the speaker of the quote it stands in, else
the holder of an attitude above it; the probability comes from the language's verbal scale
(Sherman Kent's words of estimative probability, :mod:`clipfile.analysis.markers`).

The stage is the same for every language; the language's
:class:`~clipfile.lang.base.ForecastSyntax` finds the constructions in its parse and answers
the questions only its grammar can (which clause is the event, which one the condition).
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from ..records import Entity, Forecast, Marker, Quote, Span, TimeExpr
from .problems import isolated
from .ranges import strip_range
from .timex import bounds, parse_published

if TYPE_CHECKING:
    from ..lang.base import Language

__all__ = ["forecasts", "is_deadline", "FORECASTER_TYPES"]

# Who can hold a forecast: people and organisations, and states and groups that speak as one
# (spaCy's GPE and NORP, natasha's LOC for countries).  A law, a product, a work, an event or a
# building predicts nothing.
FORECASTER_TYPES = frozenset({"PERSON", "PER", "ORG", "NORP", "GPE", "LOC"})


def forecasts(parsed: Any, entities: list[Entity], quotes: list[Quote], *, lang: Language | str,
              published: str | None = None) -> list[Forecast]:
    """Extract predictive statements.

    Args:
        parsed: the language's parse of the document; offsets refer to its ``text``.
        entities: the document's entities (forecasters and targets are resolved to them).
        quotes: the document's quotes (a forecast in a quote belongs to its speaker).
        lang: the document's language (or its code).
        published: the publication date (ISO 8601) that deadlines are resolved against.
    Returns:
        Forecasts in text order with ids ``f1``, ``f2``...
    """
    from ..lang import as_language

    syn = as_language(lang).forecast_syntax(parsed, entities, quotes, published)
    text = syn.text
    types = {e.id: e.type for e in entities}
    drafts: list[dict[str, Any]] = []
    for sent in syn.sentences():
        if syn.is_question(sent):
            continue  # questions and requests predict nothing
        seen: set[int] = set()
        span = syn.sentence_range(sent)
        for t in syn.triggers(sent):
            with isolated("forecast trigger", *span):  # a failure skips this trigger, not the stage
                if t.pred.i in seen or syn.skip(t):
                    continue
                cond = syn.condition(t)
                forecaster, quote = syn.forecaster(t)
                if forecaster is not None and types.get(forecaster.entity_id or "", "PERSON") not in FORECASTER_TYPES:
                    forecaster = None  # "Russia's competition law", a film: no one predicts through them
                ev_start, ev_end, ev_tokens = syn.event(t, cond, quote)
                # A statement never runs over a blank line (a headline the parser joined to the lead).
                p0, p1 = _paragraph(text, syn.marker(t.trigger, "prediction").start)
                ev_start, ev_end = strip_range(text, max(ev_start, p0), min(ev_end, p1))
                if ev_end <= ev_start:
                    continue
                deadline = syn.deadline(t, ev_start, ev_end)
                if cond is None and deadline is None and syn.needs_support(t) and not syn.attitude_above(t):
                    continue  # a bare possibility that the language reads as a hedge
                seen.add(t.pred.i)
                target = syn.target(t, ev_tokens, forecaster)
                prob, term, markers = syn.probability(t)
                markers.append(syn.marker(t.trigger, "prediction"))
                condition = None
                if cond is not None:
                    found = syn.condition_span(cond)
                    if found is not None:
                        condition, cond_marker = found
                        markers.append(cond_marker)
                # The statement: the predictive clause (the reported content when it is reported).
                s0, s1 = syn.statement(t, cond, quote)
                if s1 <= s0:
                    s0, s1 = syn.sentence_range(sent)
                    if quote is not None:
                        s0, s1 = max(s0, quote.start), min(s1, quote.end)
                s0, s1 = min(s0, ev_start), max(s1, ev_end)
                s0, s1 = max(s0, p0), min(s1, p1)
                s0, s1 = strip_range(text, s0, s1)
                drafts.append(dict(
                    start=s0, end=s1, text=text[s0:s1], event=Span(ev_start, ev_end, text[ev_start:ev_end]),
                    probability=prob, probability_term=term, forecaster=forecaster, target=target,
                    condition=condition, deadline=deadline, markers=_distinct(markers),
                    quote_id=quote.id if quote is not None else None,
                ))
    drafts.sort(key=lambda d: (d["start"], d["event"].start))
    return [Forecast(id=f"f{n}", **d) for n, d in enumerate(_one_per_statement(drafts), 1)]


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    """The stretch between blank lines around ``pos``."""
    start = text.rfind("\n\n", 0, pos)
    end = text.find("\n\n", pos)
    return (0 if start == -1 else start + 2), (len(text) if end == -1 else end)


def _one_per_statement(drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One forecast per statement: two constructions in one clause (``is likely to ... would``,
    ``plans to ... will``) are one prediction, and a prediction inside another one's statement
    by the same forecaster is part of it (``is expected to win over opponents by saying
    offenders would face jail``).  The outer statement is kept."""
    out: list[dict[str, Any]] = []
    for d in sorted(drafts, key=lambda d: (d["start"], -d["end"])):
        host = next((o for o in out if o["start"] <= d["start"] and d["end"] <= o["end"]
                     and _same_holder(o["forecaster"], d["forecaster"])), None)
        if host is None:
            out.append(d)
        elif host["deadline"] is None and d["deadline"] is not None:
            host["deadline"] = d["deadline"]
    return sorted(out, key=lambda d: (d["start"], d["event"].start))


def _same_holder(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    return (a.name or "").casefold() == (b.name or "").casefold()


def is_deadline(time: TimeExpr, *, published: str | None, past_before: re.Pattern[str] | None = None,
                text: str = "") -> bool:
    """Can ``time`` be a forecast's deadline: a placed, forward-pointing expression?

    Vague present and past references are not; neither is an expression anchored in the past
    by the words before it (``past_before``, a language's pattern matched against the text
    just before the expression: ``since 1917``, ``dates back to 1970``), nor a date that ended
    before the publication date, when that is known.
    """
    if time.value is None or time.value in {"PAST_REF", "PRESENT_REF"}:
        return False
    if past_before is not None and text:
        line_start = max(text.rfind("\n", 0, time.start) + 1, time.start - 40)
        if past_before.search(text[line_start:time.start]):
            return False
    pub = parse_published(published)
    span = bounds(time.value)
    if pub is not None and span is not None and span[1] < _start_of(pub.day, pub.grain):
        return False
    return True


def _start_of(day: date, grain: str) -> date:
    return day.replace(month=1, day=1) if grain == "year" else day.replace(day=1) if grain == "month" else day


def _distinct(markers: list[Marker]) -> tuple[Marker, ...]:
    """One marker per (start, end, kind), the last one given, in text order."""
    return tuple(sorted({(m.start, m.end, m.kind): m for m in markers}.values(), key=lambda m: m.start))
