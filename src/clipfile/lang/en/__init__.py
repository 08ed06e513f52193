"""English: spaCy's small pipeline, English word lists and the hooks the shared stages call.

``LANGUAGE`` is what :func:`clipfile.lang.get_language` returns for ``"en"``.  Bump its
``version`` whenever something in this package changes what ``analyze`` finds in English text
(and say so in CHANGELOG.md); Russian analyses stay current.
"""
from __future__ import annotations

from ..base import Language
from .claims import EnglishClaims
from .entities import entities
from .events import EnglishEvents
from .forecasts import EnglishForecasts
from .markers import LEXICON
from .parse import parse, parse_many
from .quotes import MARKS, attributions, quotes
from .timex import TIMES

__all__ = ["LANGUAGE"]

LANGUAGE = Language(
    code="en",
    name="English",
    version=8,  # 6: quote targets; 7: entity names (#16 item 7); 8: a description of the last speaker
    parse=parse,
    entities=entities,
    quotes=quotes,
    marks=MARKS,
    lexicon=LEXICON,
    claim_syntax=EnglishClaims,
    forecast_syntax=EnglishForecasts,
    times=TIMES,
    event_syntax=EnglishEvents,
    attributions=attributions,
    parse_many=parse_many,
)
