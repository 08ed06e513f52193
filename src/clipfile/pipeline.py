"""The analysis pipeline: plain stage functions over one document.

Each stage takes an :class:`Analysis` and returns a new one with its records added; nothing is
mutated.  The stages run in order::

    parse → entities → quotes → claims → forecasts → events → duplicates

``parse`` picks the document's language from the registry (:mod:`clipfile.lang`); every later
stage calls the shared algorithms (:mod:`clipfile.analysis`) with that
:class:`~clipfile.lang.base.Language`.  Text in a language nobody registered is stored and
searchable, and only the language-free stage (duplicates) runs on it.

Isolation: a stage that fails on one item (a quote candidate, a sentence, a claim unit, a
time expression...) skips that item and goes on (:mod:`clipfile.analysis.problems`); a stage
that fails outright leaves its records out and the later stages run on what there is.  Either
way the analysis records a :class:`~clipfile.records.Problem` for what was skipped (its
``problems``), so one bad item never costs the document its analysis.

Versions: each stage carries its own number (:data:`STAGE_VERSIONS`, for what the shared code
finds) and each language its own (``Language.version``).  An analysis records
:func:`pipeline_version` of its language, ``"<stages>/<language>-<version>"`` such as
``"7/en-1"`` (``<stages>`` is the sum of the stage numbers, so it grows by one with every
stage change), or just ``"<stages>"`` when no language analysed the text.  ``clipfile
reanalyze`` refreshes the analyses whose version is not the current one for their language,
so a change to one language leaves the others current.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from .analysis.claims import claims as find_claims
from .analysis.events import events as find_events
from .analysis.forecasts import forecasts as find_forecasts
from .analysis.problems import describe, isolated, recording
from .analysis.problems import stage as stage_named
from .errors import ExtractionError
from .lang import get_language, languages
from .records import Claim, Document, Duplicate, Entity, Event, Forecast, Problem, Quote, Stance, to_dict

__all__ = [
    "Analysis",
    "STAGES",
    "STAGE_VERSIONS",
    "analyze",
    "analyze_many",
    "analysis_language",
    "parse",
    "pipeline_version",
]

# Bump a stage's number when the stage's shared code changes what it finds in every language
# (a change in one language's package bumps that Language's version instead).
STAGE_VERSIONS: dict[str, int] = {
    "parse": 1,
    "entities": 2,  # 2: a transcript label's speaker is a person (``PUTIN:``, ``В.Путин:``)
    "quotes": 3,  # 3: a quotation reopened on each sentence of one paragraph is split (analysis/marks.py)
    "claims": 2,  # 2: footing from the parse (issue #16)
    "forecasts": 2,  # 2: forecasts per the real-news guidelines (issue #16 item 8)
    "events": 1,
    "duplicates": 1,
}


def pipeline_version(language: str | None) -> str:
    """The version an analysis of a document in ``language`` (None: no language) records."""
    stages = str(sum(STAGE_VERSIONS.values()))
    if language is None:
        return stages
    return f"{stages}/{language}-{get_language(language).version}"


@dataclass(frozen=True)
class Analysis:
    """A document and everything the stages found in it so far."""

    document: Document
    language: str | None = None
    parsed: Any = None  # the language's parse (spaCy Doc, RuDoc...); never serialised
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    stances: tuple[Stance, ...] = ()
    claims: tuple[Claim, ...] = ()
    forecasts: tuple[Forecast, ...] = ()
    events: tuple[Event, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    problems: tuple[Problem, ...] = ()  # items the stages skipped because they failed on them

    @property
    def version(self) -> str:
        """The pipeline version this analysis records (:func:`pipeline_version`)."""
        return pipeline_version(self.language)

    def replace(self, **changes: Any) -> "Analysis":
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (docs/FORMAT.md): one object per document.

        ``problems`` is there only when a stage skipped something, so an analysis that met no
        bug reads as it always did.
        """
        out = {
            "document": to_dict(self.document),
            "entities": to_dict(list(self.entities)),
            "quotes": to_dict(list(self.quotes)),
            "stances": to_dict(list(self.stances)),
            "claims": to_dict(list(self.claims)),
            "forecasts": to_dict(list(self.forecasts)),
            "events": to_dict(list(self.events)),
            "duplicates": to_dict(list(self.duplicates)),
        }
        if self.problems:
            out["problems"] = to_dict(list(self.problems))
        out["pipeline_version"] = self.version
        return out


def analysis_language(doc: Document) -> str | None:
    """The registered language to analyse ``doc`` in, or None when there is none.

    The document's own ``language`` decides when it has one; otherwise the text's language is
    identified.
    """
    code = (doc.language or "").lower()[:2]
    if not code:
        from .language import detect_language

        code = (detect_language(doc.text) or "")[:2]
    return code if code in languages() else None


def parse(a: Analysis) -> Analysis:
    """Pick the document's language and parse the text with it.

    When the parser fails on the text, the language stays the document's (its analysis is
    current, not retried on every ``reanalyze``) and the stages that read the parse find none.
    """
    code = analysis_language(a.document)
    if code is None:
        return a.replace(language=None)
    text = a.document.text
    with isolated("text", 0, len(text)):
        return a.replace(language=code, parsed=get_language(code).parse(text))
    return a.replace(language=code)


def entities(a: Analysis) -> Analysis:
    """The language's entities, and a person for each speaker the captions or the text's
    transcript labels name (``PUTIN:``, ``В.Путин:``) that the language's entities lack."""
    if a.parsed is None:
        return a
    from .analysis.turns import caption_turns, label_entities, speaker_entities

    ents = get_language(a.language).entities(a.parsed)
    names = [t.speaker for t in caption_turns(a.document)]
    ents = speaker_entities(names, ents) if names else label_entities(a.document.text, ents)
    return a.replace(entities=tuple(ents))


def quotes(a: Analysis) -> Analysis:
    """The language's quotes (and stances, where it tells them apart), with a transcript's
    caption turns as their speakers' words."""
    if a.parsed is None:
        return a
    from .analysis.turns import caption_turns, turns_with_stances

    lang = get_language(a.language)
    stances: list[Stance] = []
    if lang.attributions is not None:
        qs, stances = lang.attributions(a.parsed, list(a.entities))
    else:
        qs = lang.quotes(a.parsed, list(a.entities))
    turns = caption_turns(a.document)
    if turns:
        qs, stances = turns_with_stances(qs, stances, turns, a.document.text, list(a.entities))
    return a.replace(quotes=tuple(qs), stances=tuple(stances))


def claims(a: Analysis) -> Analysis:
    if a.parsed is None:
        return a
    found = find_claims(a.parsed, list(a.entities), list(a.quotes), lang=get_language(a.language))
    return a.replace(claims=tuple(found))


def forecasts(a: Analysis) -> Analysis:
    if a.parsed is None:
        return a
    found = find_forecasts(a.parsed, list(a.entities), list(a.quotes), lang=get_language(a.language),
                           published=a.document.published)
    return a.replace(forecasts=tuple(found))


def events(a: Analysis) -> Analysis:
    if a.parsed is None:
        return a
    found = find_events(a.parsed, list(a.entities), lang=get_language(a.language), published=a.document.published)
    return a.replace(events=tuple(found))


def duplicates(a: Analysis) -> Analysis:
    from .analysis.duplicates import duplicates as find

    return a.replace(duplicates=tuple(find(a.document.text, document_id=a.document.id)))


Stage = Callable[[Analysis], Analysis]
STAGES: tuple[Stage, ...] = (parse, entities, quotes, claims, forecasts, events, duplicates)


def analyze(document: Document, *, stages: Iterable[Stage] = STAGES) -> Analysis:
    """Run the stages over one document.

    A failure on one item skips that item, and a stage that fails outright leaves its records
    out; both are recorded in the analysis (``problems``) and the other stages still run.

    Raises:
        ExtractionError: the analysis cannot run at all (no model for the language installed).
    """
    return _run(Analysis(document=document), tuple(stages))


def _run(a: Analysis, stages: tuple[Stage, ...]) -> Analysis:
    """Run ``stages`` over ``a`` (the body of :func:`analyze`, which starts from nothing)."""
    found: list[Problem] = []
    with recording(found):
        for stage in stages:
            with stage_named(stage.__name__):
                try:
                    a = stage(a)
                except ExtractionError:
                    raise
                except Exception as exc:  # a bug in one stage must not cost the document the others
                    found.append(Problem(stage.__name__, "stage", None, None, describe(exc)))
    return a.replace(problems=tuple(found)) if found else a


# Documents parsed together at most, and their characters at most: a batch's parses are all held
# in memory until each document's later stages have run.
BATCH_DOCUMENTS = 16
BATCH_CHARS = 200_000


def analyze_many(
    documents: Iterable[Document], *, stages: Iterable[Stage] = STAGES, batch: int = BATCH_DOCUMENTS
) -> Iterator[Analysis | ExtractionError]:
    """Analyse documents as :func:`analyze` does one at a time, parsing them in batches.

    Yields, in the order of ``documents`` and one per document, its :class:`Analysis` -- the
    very one :func:`analyze` gives -- or the :class:`~clipfile.errors.ExtractionError`
    :func:`analyze` would raise for it, so that the rest of the batch goes on.

    Why: a parser fed several texts at once spends less per text than fed one at a time
    (spaCy's ``nlp.pipe`` runs its networks over a batch: about a tenth of the parse saved on
    news articles; natasha's entity tagger decodes a batch of texts in one pass).  Only the
    parse is batched, and only where the language offers ``parse_many``; every later stage runs
    per document, as in :func:`analyze`.  When a batch's parse fails, its documents are parsed
    again one at a time, so a document the parser fails on fails alone, recorded as it would be
    by :func:`analyze`.  At most ``batch`` documents (and :data:`BATCH_CHARS` characters, a
    longer document alone) are read ahead and held parsed at once.
    """
    stages = tuple(stages)
    batched = bool(stages) and stages[0] is parse
    for chunk in _chunks(iter(documents), max(1, batch)):
        parsed = _parse_together(chunk) if batched and len(chunk) > 1 else [None] * len(chunk)
        for doc, pre in zip(chunk, parsed):
            try:
                yield _run(pre, stages[1:]) if pre is not None else _run(Analysis(document=doc), stages)
            except ExtractionError as exc:
                yield exc


def _chunks(documents: Iterator[Document], size: int) -> Iterator[list[Document]]:
    """Consecutive runs of at most ``size`` documents and about :data:`BATCH_CHARS` characters."""
    chunk: list[Document] = []
    chars = 0
    for doc in documents:
        if chunk and chars + len(doc.text) > BATCH_CHARS:
            yield chunk
            chunk, chars = [], 0
        chunk.append(doc)
        chars += len(doc.text)
        if len(chunk) >= size:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _parse_together(docs: list[Document]) -> list[Analysis | None]:
    """The parse stage's result for each document parsed in a batch with the others of its
    language, or None for one left to the parse stage (no batch parser for its language, the
    only one of its language, or a batch whose parse failed)."""
    out: list[Analysis | None] = [None] * len(docs)
    groups: dict[str, list[int]] = {}
    for k, doc in enumerate(docs):
        try:
            code = analysis_language(doc)
        except Exception:  # noqa: S112 - the document's own parse stage meets it and records it
            continue
        if code is not None:
            groups.setdefault(code, []).append(k)
    for code, ks in groups.items():
        batch_parse = get_language(code).parse_many
        if batch_parse is None or len(ks) < 2:
            continue
        try:
            found = batch_parse([docs[k].text for k in ks])
        except Exception:  # noqa: S112 - parsed one at a time, the failing document fails alone
            continue
        if len(found) != len(ks):
            continue
        for k, parsed in zip(ks, found):
            out[k] = Analysis(document=docs[k], language=code, parsed=parsed)
    return out
