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

from typing import TYPE_CHECKING, Any

from ..records import Entity, Forecast, Marker, Quote, Span
from .problems import isolated
from .ranges import strip_range

if TYPE_CHECKING:
    from ..lang.base import Language

__all__ = ["forecasts"]


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
                ev_start, ev_end, ev_tokens = syn.event(t, cond, quote)
                if ev_end <= ev_start:
                    continue
                deadline = syn.deadline(sent, ev_start, ev_end)
                if t.form == "could" and cond is None and deadline is None and not syn.attitude_above(t):
                    continue  # a bare "may"/"could" is a hedge, not a forecast
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
                # The statement: the sentence, clipped to the quote it sits in.
                s0, s1 = syn.sentence_range(sent)
                if quote is not None:
                    s0, s1 = max(s0, quote.start), min(s1, quote.end)
                s0, s1 = strip_range(text, min(s0, ev_start), max(s1, ev_end))
                drafts.append(dict(
                    start=s0, end=s1, text=text[s0:s1], event=Span(ev_start, ev_end, text[ev_start:ev_end]),
                    probability=prob, probability_term=term, forecaster=forecaster, target=target,
                    condition=condition, deadline=deadline, markers=_distinct(markers),
                    quote_id=quote.id if quote is not None else None,
                ))
    drafts.sort(key=lambda d: (d["start"], d["event"].start))
    return [Forecast(id=f"f{n}", **d) for n, d in enumerate(drafts, 1)]


def _distinct(markers: list[Marker]) -> tuple[Marker, ...]:
    """One marker per (start, end, kind), the last one given, in text order."""
    return tuple(sorted({(m.start, m.end, m.kind): m for m in markers}.values(), key=lambda m: m.start))
