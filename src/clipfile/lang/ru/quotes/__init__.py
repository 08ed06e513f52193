"""Russian quotations and their speakers, as :class:`Quote` records.

Conventions handled (Russian punctuation rules for direct and reported speech):

* quotation marks: «ёлочки» with „лапки“ (or «ёлочки» again) nested inside, curly “English”
  marks and straight ``"`` marks, paired per paragraph by the shared
  :mod:`clipfile.analysis.marks` with the Russian :data:`MARKS` style;
* the quote first, the author after a dash: ``«Q», — заявил министр.``, ``"Q", - говорит X.``;
* the author first, then a colon: ``Министр заявил: «Q».``; ``Как сказал X, «Q».``;
* dialogue lines opened by a dash, with the author's words between dashes and a continuation:
  ``— Q1, — заявил министр. — Q2.``;
* reported speech: ``X заявил, что …`` / ``будто …``; ``X признал: …`` without marks;
  ``Q, — говорит X.`` and ``Q, говорят эксперты.`` without marks; the author in the middle
  (``A, утверждает X, B``); ``по словам X, …``, ``по мнению X``, ``по данным X``;
  ``как сообщил X, …``.  Reported speech containing quotation marks is ``mixed``.

Speakers are the syntactic subject of the reporting verb (natasha's dependency parse) or the
noun phrase after ``по словам``; the mention as written becomes ``Speaker.start/end``
(:mod:`.speakers` resolves it).  A transcript's speaker labels (``В.Путин: …``) make each
turn that speaker's words (:mod:`clipfile.analysis.turns`, shared with English).  The
passes are :mod:`.dialogue`, :mod:`.marked` and :mod:`.reported`, over one
:class:`~.reader.Reader`; the quote records come from the shared assembly
(:mod:`clipfile.analysis.quotes`).
"""
from __future__ import annotations

from ....analysis.turns import label_turns, with_turns
from ....records import Entity, Quote
from ..entities import entities as find_entities
from ..parse import RuDoc, parse
from .dialogue import dialogue
from .marked import marked_quotes
from .reader import MARKS, Reader
from .reported import reported
from .speakers import resolve

__all__ = ["MARKS", "quotes", "analyze"]


def quotes(rudoc: RuDoc, entities: list[Entity]) -> list[Quote]:
    """Find direct, mixed and indirect quotations in a parsed Russian document.

    Args:
        rudoc: the parse of the document (:func:`clipfile.lang.ru.parse.parse`).
        entities: its entities (:func:`clipfile.lang.ru.entities.entities`), used to name speakers.

    Returns:
        Quotes in text order, ids ``q1``, ``q2``...; direct quotes span their content without
        the marks; every ``text`` equals ``rudoc.text[start:end]``.
    """
    an = Reader(rudoc, entities)
    dialogue(an)
    marked_quotes(an)
    reported(an)
    qs = resolve(an)
    # A transcript's "В.Путин:" labels: each turn is the speaker's own words (shared rule).
    turns = label_turns(rudoc.text, entities)
    return with_turns(qs, turns, rudoc.text, entities) if turns else qs


def analyze(text: str) -> tuple[list[Entity], list[Quote]]:
    """Parse ``text`` and return its entities and quotes (the whole Russian quote path)."""
    doc = parse(text)
    ents = find_entities(doc)
    return ents, quotes(doc, ents)
