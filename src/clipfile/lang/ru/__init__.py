"""Russian: natasha's parse, Russian word lists and conventions, and the hooks the shared
stages call.

``LANGUAGE`` is what :func:`clipfile.lang.get_language` returns for ``"ru"``.  Bump its
``version`` whenever something in this package changes what ``analyze`` finds in Russian text
(and say so in CHANGELOG.md); English analyses stay current.
"""
from __future__ import annotations

from ..base import Language
from .claims import RussianClaims
from .entities import entities
from .events import RussianEvents
from .forecasts import RussianForecasts
from .markers import LEXICON
from .parse import parse, parse_many
from .quotes import MARKS, quotes
from .timex import TIMES

__all__ = ["LANGUAGE"]

LANGUAGE = Language(
    code="ru",
    name="Russian",
    # 2: footing from the parse; 3: who said it (wire patterns, spokespeople, labels); 4: #16 quote targets;
    # 5: entity names (spellings that fold alike are one person, the usual spelling names them)
    version=5,
    parse=parse,
    entities=entities,
    quotes=quotes,
    marks=MARKS,
    lexicon=LEXICON,
    claim_syntax=RussianClaims,
    forecast_syntax=RussianForecasts,
    times=TIMES,
    event_syntax=RussianEvents,
    parse_many=parse_many,
)
