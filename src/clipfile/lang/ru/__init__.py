"""Russian analysis on natasha: parsing, entities and quotations with the English records.

``parse(text)`` runs natasha once; ``entities(rudoc)``, ``quotes(rudoc, entities)`` and the
analyst stages ``claims``, ``forecasts`` and ``events`` read that parse.  Offsets in every
record refer to the text given to :func:`parse`.
"""
from __future__ import annotations

from .claims import claims
from .entities import entities, normalize_name
from .events import events
from .forecasts import forecasts
from .parse import RuDoc, parse
from .quotes import analyze, quotes

__all__ = ["RuDoc", "parse", "entities", "normalize_name", "quotes", "analyze", "claims", "forecasts", "events"]
