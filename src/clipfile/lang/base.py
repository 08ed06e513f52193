"""The interface a language implements: its parser, its data, and hooks into the shared stages.

A :class:`Language` is plain data plus callables, the way spaCy keeps ``lang/en/`` as data and
plugs hooks into shared algorithms.  The shared stages (:mod:`clipfile.analysis`) decide what a
claim, a forecast or an event is; a language answers the questions only its grammar can
answer (what is the predicate of this clause, is it in the future tense, which verb does this
date modify) through the per-document *syntax* objects below.  Their tokens are the
language's own (spaCy tokens, natasha-based :class:`~clipfile.lang.ru.parse.RuToken`); the
shared code reads only a token's index ``i`` and otherwise passes tokens back.

The parsed document of every language exposes ``text`` (what every offset refers to,
:class:`Parsed`); the rest of its surface is what the language's own hooks use.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from ..analysis.markers import Lexicon
from ..analysis.marks import MarkStyle
from ..analysis.timex import TimexRules
from ..records import Entity, Marker, Quote, Ref, Span, Stance, TimeExpr

__all__ = [
    "Language",
    "Parsed",
    "ClaimSyntax",
    "Comment",
    "Frame",
    "ForecastSyntax",
    "Trigger",
    "EventSyntax",
]

# A language's token (spaCy Token, RuToken...): opaque to the shared stages.
# Tokens of every language have ``i``, their index in the document.
Token = Any


class Parsed(Protocol):
    """What every language's parsed document offers the shared stages."""

    @property
    def text(self) -> str: ...


class Comment(NamedTuple):
    """A later sentence that comments on earlier claims (``X produced no evidence for these
    claims``): its marker, who made the comment (``actor``) or whom it speaks for
    (``principal``), the topic it names, whether it points back at several claims, and
    whether what it points at is data (``the research``, ``these figures``: the claims that
    rest on data)."""

    sent: int
    marker: Marker
    cls: str
    actor: Ref | None
    principal: Ref | None
    topic: str | None
    plural: bool | None
    evidence: bool = False


class Frame(NamedTuple):
    """Words outside a proposition that decide its footing: ``X denied that P``, ``sources
    said P``, ``it is thought that P``, ``P, пишут «Ведомости»``.

    ``start``/``end`` are the proposition's range (the content of the frame), ``marker`` the
    framing words (the denial verb with its negation, the report verb whose subject is an
    anonymous source...) and ``cls`` its marker class.  ``holder`` is who takes the stance the
    frame states (the denier, the outlet that passes the report on); None for an impersonal
    frame (``it is thought``) or an anonymous one (``sources said``).  ``embedded`` is True
    when the frame stands inside a larger statement instead of heading its sentence (``an
    inquiry into allegations that P``, ``the claim that P is false``): its content is then a
    claim of its own, not the sentence's."""

    sent: int
    start: int
    end: int
    marker: Marker
    cls: str
    holder: Ref | None
    embedded: bool = False


class ClaimSyntax(Protocol):
    """The claim stage's questions about one parsed document (:mod:`clipfile.analysis.claims`)."""

    text: str
    quotes: list[Quote]  # outermost quotes, sorted by start
    topic_prefix: int  # letters of a word that name its topic (inflection-dependent)

    def sentences(self) -> list[tuple[int, int]]: ...
    def tokens(self, sent: int, start: int, end: int) -> list[Token]: ...
    def trim(self, start: int, end: int) -> tuple[int, int]: ...
    def predicate(self, tokens: list[Token]) -> Token | None: ...
    def is_assertion(self, tokens: list[Token], pred: Token | None) -> bool: ...
    def subject(self, tokens: list[Token], pred: Token | None) -> Ref | None: ...
    def comments(self) -> list[Comment]: ...
    def frames(self) -> list[Frame]:
        """Every footing frame of the document, in text order."""
    def govern(self, markers: list[tuple[Marker, str]], tokens: list[Token],
               pred: Token | None) -> list[tuple[Marker, str]]:
        """The lexicon's markers found in a unit that bear on its claim: a footing marker counts
        only where it governs the unit's predicate in the parse (a modal on it, an adverb on
        its clause, the report verb above it); markers that only move certainty pass."""
    def subclauses(self, markers: list[tuple[Marker, str]], tokens: list[Token],
                   pred: Token | None) -> list[tuple[int, int]]:
        """Ranges of clauses inside the unit (adverbial, relative, coordinated) that a footing
        word of ``markers`` governs while the unit's predicate is out of its reach: each is a
        claim of its own."""


class Trigger(NamedTuple):
    """A predictive construction: the predicted verb, the word that makes it a prediction and
    its form (``will``, ``could``, ``expect``, ``intend``, ``going to``)."""

    pred: Token
    trigger: Token
    form: str


class ForecastSyntax(Protocol):
    """The forecast stage's questions about one parsed document
    (:mod:`clipfile.analysis.forecasts`)."""

    text: str

    def sentences(self) -> Sequence[Any]: ...
    def sentence_range(self, sent: Any) -> tuple[int, int]: ...
    def is_question(self, sent: Any) -> bool: ...
    def triggers(self, sent: Any) -> list[Trigger]: ...
    def skip(self, t: Trigger) -> bool: ...
    def condition(self, t: Trigger) -> Any | None: ...
    def forecaster(self, t: Trigger) -> tuple[Ref | None, Quote | None]: ...
    def event(self, t: Trigger, condition: Any | None, quote: Quote | None) -> tuple[int, int, list[Any]]: ...
    def statement(self, t: Trigger, condition: Any | None, quote: Quote | None) -> tuple[int, int]:
        """The predictive statement: the reported content when the forecast is reported, else
        its clause; (0, 0) for the sentence."""
    def deadline(self, t: Trigger, start: int, end: int) -> TimeExpr | None:
        """A forward-pointing time expression governing the predicted event (``start``/``end``)."""
    def needs_support(self, t: Trigger) -> bool:
        """A construction that predicts only with a condition, a deadline or an attitude above
        it (a bare possibility that reads as a hedge in this language)."""
    def attitude_above(self, t: Trigger) -> bool: ...
    def target(self, t: Trigger, event: list[Any], forecaster: Ref | None) -> Ref | None: ...
    def probability(self, t: Trigger) -> tuple[float, str | None, list[Marker]]: ...
    def condition_span(self, condition: Any) -> tuple[Span, Marker] | None: ...
    def marker(self, tok: Token, kind: str) -> Marker: ...


class EventSyntax(Protocol):
    """The event stage's questions about one parsed document (:mod:`clipfile.analysis.events`)."""

    text: str
    trim_lead: str  # characters trimmed off an event's start (quotation marks, dashes...)
    trim_trail: str

    def time_tokens(self, start: int, end: int) -> Any | None: ...
    def governing_verb(self, time: Any) -> Token | None: ...
    def is_irrealis(self, verb: Token) -> bool: ...
    def is_state(self, verb: Token) -> bool: ...
    def lift(self, verb: Token) -> Token: ...
    def clause(self, verb: Token, time: Any) -> tuple[int, int]: ...
    def antecedent(self, verb: Token) -> tuple[int, int, int] | None:
        """For a relative clause: where the event starts to take in the noun it describes,
        and that noun's character range."""
    def sentence_range(self, verb: Token) -> tuple[int, int]: ...
    def extra_participants(self, verb: Token) -> list[Ref]: ...


@dataclass(frozen=True)
class Language:
    """One language: its parser, entity and quote finders, data and hooks.

    ``version`` counts changes to what this language's parts find; it is part of the pipeline
    version of every analysis in the language (:func:`clipfile.pipeline.pipeline_version`), so
    a change here marks only this language's analyses stale.
    """

    code: str  # ISO 639-1
    name: str
    version: int
    parse: Callable[[str], Parsed]
    entities: Callable[[Any], list[Entity]]
    quotes: Callable[[Any, list[Entity]], list[Quote]]
    marks: MarkStyle  # the quotation-mark conventions its quotes are paired with
    lexicon: Lexicon
    claim_syntax: Callable[[Any, list[Entity], list[Quote]], ClaimSyntax]
    forecast_syntax: Callable[[Any, list[Entity], list[Quote], str | None], ForecastSyntax]
    event_syntax: Callable[[Any, list[Entity]], EventSyntax]
    times: TimexRules
    # A language that tells stances (``criticised [the plan]``, ``plans [to cut taxes]``) from
    # quotes gives both in one pass here; the pipeline then calls it instead of ``quotes``.
    attributions: Callable[[Any, list[Entity]], tuple[list[Quote], list[Stance]]] | None = None
    # Several texts parsed at once, each exactly as ``parse`` parses it alone (a parser fed a
    # batch spends less per text): :func:`clipfile.pipeline.analyze_many` uses it when given.
    parse_many: Callable[[list[str]], Sequence[Parsed]] | None = None
