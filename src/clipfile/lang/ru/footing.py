"""Russian lexicons for the analyst stages, registered as ``MARKERS["ru"]``.

:mod:`clipfile.russian.markers` holds the base lexicon (``MARKERS_RU``,
``PROBABILITY_SCALE_RU``).  The claim and forecast stages need a few more phrasings, mostly
word orders English does not have (``доказательств не представил``), negated confirmations
that must beat the bare ``подтвердил`` (``не подтвердилось``) and impersonal hedges
(``как утверждается``).  They are added here, by kind and class, so the certainty weights of
:mod:`clipfile.extract.claims` apply unchanged; :func:`register` plugs the result into
:func:`clipfile.extract.markers.find_markers` and ``probability_terms`` under ``"ru"``.
"""
from __future__ import annotations

import copy

from ...analysis.markers import register_language
from .markers import MARKERS_RU, PROBABILITY_SCALE_RU

__all__ = ["LEXICON_RU", "SCALE_RU", "register"]

_PRODUCE = r"(?:прив[её]л\w*|привели|представил\w*|предъявил\w*|предоставил\w*|показал\w*|дал\w*)"
_PROOF = r"(?:доказательств\w*|подтверждени\w+|фактов|улик)"

_EXTRA: dict[str, dict[str, list[str]]] = {
    "hedged": {
        # Impersonal reporting: the writer does not own the statement ("reportedly").
        "allegation": [
            r"как\s+утверждается", r"утверждается", r"по\s+(?:имеющимся\s+|некоторым\s+)?сведениям",
            r"как\s+сообщается", r"по\s+некоторым\s+данным",
        ],
    },
    "hearsay": {
        "told": [
            r"(?:мне|нам)\s+(?:\w+\s+)?(?:сказали|сообщили|рассказали|рассказывали|говорили|передали|шепнули)",
            r"меня\s+(?:\w+\s+)?(?:заверили|проинформировали|уверяли)",
            r"(?:я|мы)\s+(?:\w+\s+)?(?:слышал\w*|узнал\w*\s+от)",
        ],
        "anonymous": [
            r"по\s+(?:неофициальным|непроверенным)\s+(?:данным|сведениям)",
            r"из\s+(?:\w+\s+)?источник\w*", r"источник\w*\s+(?:сообщил\w*|утвержда\w+|говор\w+|рассказал\w*)",
        ],
    },
    "unsupported": {
        "no_evidence": [
            # Both word orders: "не представил доказательств", "доказательств не представил".
            rf"не\s+{_PRODUCE}\s+(?:\w+\s+)?(?:никаких\s+|каких-либо\s+)?{_PROOF}",
            rf"{_PROOF}\s+(?:\w+\s+){{0,3}}?(?:не\s+{_PRODUCE}|нет|не\s+было)",
            r"ничем\s+не\s+подтвер\w+", r"бездоказательн\w+", r"без\s+(?:всяких\s+)?оснований",
        ],
        "unverified": [
            r"не\s+подтверди\w+", r"не\s+подтвержда\w+",
            r"не\s+(?:удалось|удаётся|удается|смогли|смог)\s+(?:независимо\s+)?(?:проверить|подтвердить)",
            r"не\s+проверен\w*", r"непровер(?:енн|яем)\w+",
        ],
    },
    "disputed": {
        "dispute": [r"назвал\w*\s+(?:это|их|эти\s+\w+|его\s+\w+)\s+(?:ложными|абсурдными|чепухой|выдумкой|домыслами)"],
    },
    "denied": {
        "denial": [r"опроверг\w*", r"отверг\w*"],
    },
}

# Extra probability terms, each placed just before the first base entry of its category so
# the base ordering (most specific first) still holds.
_EXTRA_SCALE: list[tuple[str, str]] = [
    (r"не\s+уверен\w*", "probably not"),
    (r"собира\w+|намерева\w+|(?:по)?обеща\w+|рассчитыва\w+|предрека\w+|прогноз\w*", "probable"),
]


# The base ``доказ\w+`` also matches the noun ``доказательств`` ("evidence"), which is as
# often "no evidence" as "evidence": only the verb forms demonstrate.
_REPLACE = {r"доказ\w+": r"доказа(?:л\w*|но|ны|на|ть)|доказыва\w+"}


def _merged() -> dict[str, dict[str, list[str]]]:
    out = copy.deepcopy(MARKERS_RU)
    for classes in out.values():
        for patterns in classes.values():
            patterns[:] = [_REPLACE.get(p, p) for p in patterns]
    for kind, classes in _EXTRA.items():
        for cls, patterns in classes.items():
            out.setdefault(kind, {}).setdefault(cls, []).extend(patterns)
    return out


def _scale() -> list[tuple[str, str]]:
    out = list(PROBABILITY_SCALE_RU)
    for pattern, cat in reversed(_EXTRA_SCALE):
        at = next((i for i, (_, c) in enumerate(out) if c == cat), len(out))
        if cat == "probably not":
            at = 0  # "не уверен" must beat "уверен" (certain), the first entry
        out.insert(at, (pattern, cat))
    return out


LEXICON_RU = _merged()
SCALE_RU = _scale()


def register() -> None:
    """Make ``find_markers(..., lang="ru")`` and ``probability_terms(..., lang="ru")`` Russian."""
    register_language("ru", LEXICON_RU, SCALE_RU)


register()
