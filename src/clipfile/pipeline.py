"""The analysis pipeline: plain stage functions over one document.

Each stage takes an :class:`Analysis` and returns a new one with its records added; nothing is
mutated.  The stages run in order::

    parse → entities → quotes → claims → forecasts → events → duplicates

``parse`` picks the language pipeline (spaCy for English, natasha for Russian).  Text in other
languages is stored and searchable, and only the language-free stages (duplicates) run on it.
Results carry :data:`PIPELINE_VERSION`; bump it whenever a stage changes what it finds, so that
``clipfile reanalyze`` knows which stored results are stale.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .errors import ExtractionError
from .records import Claim, Document, Duplicate, Entity, Event, Forecast, Quote, to_dict

__all__ = ["Analysis", "PIPELINE_VERSION", "STAGES", "analyze", "analysis_language", "parse"]

PIPELINE_VERSION = "5"

# spaCy's parser needs memory in proportion to the text it sees at once; longer texts are
# parsed in pieces cut at paragraph breaks and joined back into one Doc with identical text.
_PARSE_CHUNK = 100_000


@dataclass(frozen=True)
class Analysis:
    """A document and everything the stages found in it so far."""

    document: Document
    language: str | None = None
    parsed: Any = None  # spaCy Doc (English) or RuDoc (Russian); never serialised
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    forecasts: tuple[Forecast, ...] = ()
    events: tuple[Event, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    version: str = PIPELINE_VERSION

    def replace(self, **changes: Any) -> "Analysis":
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (docs/FORMAT.md): one object per document."""
        return {
            "document": to_dict(self.document),
            "entities": to_dict(list(self.entities)),
            "quotes": to_dict(list(self.quotes)),
            "claims": to_dict(list(self.claims)),
            "forecasts": to_dict(list(self.forecasts)),
            "events": to_dict(list(self.events)),
            "duplicates": to_dict(list(self.duplicates)),
            "pipeline_version": self.version,
        }


def analysis_language(doc: Document) -> str | None:
    """The language pipeline to use: ``en``, ``ru`` or None (no language pipeline)."""
    lang = (doc.language or "").lower()[:2]
    if lang in ("en", "ru"):
        return lang
    if not lang:
        from .language import detect_language

        lang = (detect_language(doc.text) or "")[:2]
        return lang if lang in ("en", "ru") else None
    return None


def _parse_english(text: str):
    from spacy.tokens import Doc

    from .lang.en.parse import english

    nlp = english()
    if len(text) <= _PARSE_CHUNK:
        return nlp(text)
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + _PARSE_CHUNK)
        if end < len(text):
            cut = text.rfind("\n", start + _PARSE_CHUNK // 2, end)
            end = cut + 1 if cut != -1 else end
        pieces.append(text[start:end])
        start = end
    doc = Doc.from_docs(list(nlp.pipe(pieces)), ensure_whitespace=False)
    if doc.text != text:  # offsets must map 1:1 to the stored text
        raise ExtractionError("parsing in pieces changed the text; refusing offsets that would not match")
    return doc


def parse(a: Analysis) -> Analysis:
    """Detect the language pipeline and parse the text with it."""
    lang = analysis_language(a.document)
    if lang == "en":
        return a.replace(language=lang, parsed=_parse_english(a.document.text))
    if lang == "ru":
        from .lang import ru

        return a.replace(language=lang, parsed=ru.parse(a.document.text))
    return a.replace(language=lang)


def entities(a: Analysis) -> Analysis:
    if a.language == "en":
        from .lang.en.entities import entities as find
    elif a.language == "ru":
        from .lang.ru import entities as find
    else:
        return a
    from .analysis.turns import caption_turns, speaker_entities

    ents = find(a.parsed)
    names = [name for _s, _e, name in caption_turns(a.document)]
    return a.replace(entities=tuple(speaker_entities(names, ents) if names else ents))


def quotes(a: Analysis) -> Analysis:
    if a.language == "en":
        from .lang.en.quotes import quotes as find
    elif a.language == "ru":
        from .lang.ru import quotes as find
    else:
        return a
    from .analysis.turns import caption_turns, with_turns

    qs = find(a.parsed, list(a.entities))
    turns = caption_turns(a.document)
    if turns:
        qs = with_turns(qs, turns, a.document.text, list(a.entities))
    return a.replace(quotes=tuple(qs))


def claims(a: Analysis) -> Analysis:
    if a.language == "en":
        from .analysis.claims import claims as find
    elif a.language == "ru":
        from .lang.ru import claims as find
    else:
        return a
    return a.replace(claims=tuple(find(a.parsed, list(a.entities), list(a.quotes))))


def forecasts(a: Analysis) -> Analysis:
    if a.language == "en":
        from .lang.en.forecasts import forecasts as find
    elif a.language == "ru":
        from .lang.ru import forecasts as find
    else:
        return a
    found = find(a.parsed, list(a.entities), list(a.quotes), published=a.document.published)
    return a.replace(forecasts=tuple(found))


def events(a: Analysis) -> Analysis:
    if a.language == "en":
        from .lang.en.events import events as find
    elif a.language == "ru":
        from .lang.ru import events as find
    else:
        return a
    return a.replace(events=tuple(find(a.parsed, list(a.entities), published=a.document.published)))


def duplicates(a: Analysis) -> Analysis:
    from .analysis.duplicates import duplicates as find

    return a.replace(duplicates=tuple(find(a.document.text, document_id=a.document.id)))


Stage = Callable[[Analysis], Analysis]
STAGES: tuple[Stage, ...] = (parse, entities, quotes, claims, forecasts, events, duplicates)


def analyze(document: Document, *, stages: Iterable[Stage] = STAGES) -> Analysis:
    """Run the stages over one document.

    Raises:
        ExtractionError: a stage failed; the message names the stage and the document.
    """
    a = Analysis(document=document)
    for stage in stages:
        try:
            a = stage(a)
        except ExtractionError:
            raise
        except Exception as exc:  # a bug in one stage must not lose the batch: report it
            raise ExtractionError(f"{stage.__name__} failed on document {document.id}: {exc!r}") from exc
    return a
