"""Marker lexicons: the words that decide a statement's footing and its certainty.

``MARKERS[lang][kind][cls]`` is a list of regular-expression fragments (matched
case-insensitively, on word boundaries, against the stored text).  ``kind`` is what the marker
signals and becomes :attr:`Marker.kind`:

* claim footing: ``hedged``, ``hearsay``, ``evidenced``, ``unsupported``, ``disputed``,
  ``denied`` (see docs/analysis.md for what each means);
* certainty only: ``booster`` (clearly, of course), ``condition`` (if, unless),
  ``suggestion`` (should, need to), ``precision`` (figures, percentages, intervals),
  ``limitation`` (further research is needed).

``cls`` is a finer class inside a kind (a modal verb is a weaker hedge than an approximator);
the certainty formula in :mod:`clipfile.extract.claims` gives each class its own weight, so
classes are shared across languages while the words are not.

``PROBABILITY_SCALE[lang]`` maps verbal probability terms to Sherman Kent's categories of
estimative probability (``KENT``).

A second language plugs in by adding ``MARKERS["ru"] = {...}`` and
``PROBABILITY_SCALE["ru"] = [...]`` with the same kinds and classes; :func:`find_markers`
compiles whatever is there.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ..records import Marker

__all__ = [
    "MARKERS",
    "KENT",
    "PROBABILITY_SCALE",
    "FOOTING_KINDS",
    "find_markers",
    "probability_terms",
    "register_language",
]

# Kinds that decide a claim's status, weakest footing first (see claims.status_of).
FOOTING_KINDS = ("denied", "disputed", "unsupported", "hearsay", "hedged", "evidenced")

_EN: dict[str, dict[str, list[str]]] = {
    "hedged": {
        # Modal verbs of possibility.
        "modal": [r"may", r"might", r"could", r"may\s+not", r"might\s+not"],
        # "can" is ability more often than possibility: a weaker class of its own.
        "modal_weak": [r"can", r"would"],
        "adverb": [
            r"possibly", r"perhaps", r"maybe", r"probably", r"likely", r"unlikely",
            r"potentially", r"presumably", r"apparently", r"seemingly", r"conceivably",
            r"plausibly", r"arguably", r"supposedly", r"ostensibly", r"in\s+theory",
            r"to\s+some\s+(?:extent|degree)", r"in\s+part", r"partly", r"partially",
        ],
        # Reported-but-unowned: hedges on someone else's word.
        "allegation": [
            r"reportedly", r"allegedly", r"purportedly", r"alleged", r"so-called",
            r"is\s+(?:said|thought|believed|alleged|reported)\s+to",
            r"are\s+(?:said|thought|believed|alleged|reported)\s+to",
            r"was\s+(?:said|thought|believed|alleged|reported)\s+to",
        ],
        "epistemic_verb": [
            r"suggest(?:s|ed|ing)?", r"indicat(?:e|es|ed|ing)", r"impl(?:y|ies|ied)",
            r"appear(?:s|ed)?\s+to", r"seem(?:s|ed)?(?:\s+to)?", r"tend(?:s|ed)?\s+to",
            r"hint(?:s|ed)?", r"point(?:s|ed)?\s+to",
        ],
        "belief": [
            r"(?:I|we)\s+(?:believe|think|suspect|guess|assume|feel|suppose|reckon)",
            r"believ(?:e|es|ed)", r"think(?:s)?", r"suspect(?:s|ed)?",
            r"assum(?:e|es|ed)", r"speculat(?:e|es|ed)", r"hypothesi[sz](?:e|es|ed)",
            r"estimat(?:e|es|ed)", r"in\s+my\s+(?:view|opinion)", r"I\s+(?:doubt|wonder)",
        ],
        "adjective": [
            r"possible", r"plausible", r"uncertain", r"unclear", r"unknown",
            r"not\s+(?:clear|known|certain)", r"preliminary", r"tentative", r"speculative",
            r"questionable", r"may\s+be", r"a\s+chance", r"a\s+possibility",
        ],
        # Extent and frequency hedges (approximators, not-always).
        "approximator": [
            r"(?:about|around|approximately|roughly|nearly|almost|some|up\s+to)(?=\s+\d)",
            r"approximately", r"roughly", r"somewhat", r"sometimes", r"often", r"usually",
            r"generally", r"typically", r"largely", r"mostly", r"relatively", r"in\s+some\s+cases",
            r"certain\s+(?=\w+s\b)",
        ],
    },
    "hearsay": {
        "told": [
            r"I\s+(?:was|have\s+been|had\s+been|am)\s+(?:\w+ly\s+)?(?:told|informed|assured|briefed)",
            r"we\s+(?:were|have\s+been|had\s+been|are)\s+(?:\w+ly\s+)?(?:told|informed|assured|briefed)",
            r"(?:I|we)\s+(?:have\s+|had\s+)?heard(?:\s+that)?",
            r"(?:told|informed)\s+(?:me|us)\s+(?:privately|in\s+confidence|off\s+the\s+record)",
            r"tipped\s+(?:me|us|him|her|them)\s+off",
        ],
        "anonymous": [
            r"(?:sources?|insiders?|people\s+familiar\s+with\s+[\w\s]{0,30}?)\s+(?:say|said|says|claim|claimed|told|suggest)",
            r"according\s+to\s+(?:a\s+|one\s+|two\s+|several\s+|unnamed\s+|anonymous\s+)?(?:sources?|insiders?|people\s+familiar)",
            r"(?:a|one)\s+source\s+(?:close\s+to|familiar\s+with)",
            r"it\s+is\s+(?:said|rumou?red|whispered)", r"rumou?r(?:s|ed)?", r"word\s+is",
            r"hearsay", r"second-?hand", r"the\s+story\s+goes",
        ],
    },
    "evidenced": {
        "demonstration": [
            r"(?:conclusively\s+|clearly\s+)?show(?:s|ed|n)", r"prov(?:e|es|ed|en)",
            r"confirm(?:s|ed)", r"demonstrat(?:e|es|ed)", r"establish(?:es|ed)",
            r"verified", r"corroborated", r"documented",
        ],
        "source": [
            r"according\s+to\s+(?:the\s+|court\s+|official\s+|leaked\s+|internal\s+)?"
            r"(?:documents?|records?|data|figures|filings|tests?|results|analysis|report|footage|statistics)",
            r"(?:tests?|analys[ie]s|records|documents|data|footage|evidence|results|autopsy|investigation|study|studies|research|experiments?)"
            r"\s+(?:found|showed|shows|show|revealed|reveals|confirmed|confirms|established|indicated)",
            r"(?:we|researchers|scientists|investigators|inspectors)\s+(?:found|find|observed|measured|detected)",
            r"evidence\s+(?:that|of|shows|showed)",
        ],
    },
    "unsupported": {
        "no_evidence": [
            r"(?:no|without(?:\s+any)?|little|scant|no\s+hard)\s+(?:evidence|proof|substantiation)",
            r"(?:produced|offered|provided|gave|presented|cited|showed)\s+no\s+(?:evidence|proof|documents?|sources?)",
            r"(?:failed|declined|refused)\s+to\s+(?:provide|produce|offer|give|present|cite)\s+(?:any\s+)?(?:evidence|proof)",
            r"did\s+not\s+(?:provide|produce|offer|give|present|cite)\s+(?:any\s+)?(?:evidence|proof)",
        ],
        "unverified": [
            r"(?:(?:could|can|has|have|had|was|were|is|are)\s+(?:not|never)|cannot|can't|couldn't|hasn't"
            r"|haven't|hadn't|wasn't|weren't|isn't|aren't)\s+(?:yet\s+)?(?:be(?:en)?\s+)?(?:independently\s+)?"
            r"(?:verif(?:y|ied)|confirm(?:ed)?|corroborat(?:e|ed)|substantiat(?:e|ed))",
            r"un(?:verified|confirmed|substantiated|corroborated|proven|sourced)",
            r"baseless", r"groundless", r"no\s+basis",
        ],
    },
    "disputed": {
        "dispute": [
            r"disput(?:e|es|ed|ing)", r"contest(?:s|ed|ing)?", r"challeng(?:e|es|ed|ing)",
            r"question(?:s|ed|ing)\s+(?:the|this|these|that|those|whether)",
            r"reject(?:s|ed|ing)?\s+(?:the|this|these|that|those|such|suggestions?|claims?|allegations?|accusations?)",
            r"dismiss(?:es|ed|ing)?", r"disagree(?:s|d)?", r"cast(?:s|ing)?\s+doubt",
            r"contradict(?:s|ed)?", r"rebut(?:s|ted)?", r"refut(?:e|es|ed)", r"debunk(?:s|ed)?",
            r"call(?:s|ed)?\s+(?:it|them|this|the\s+\w+)\s+(?:misleading|inaccurate|wrong|absurd|nonsense)",
        ],
    },
    "denied": {
        "denial": [
            r"den(?:y|ies|ied|ying)", r"denials?", r"not\s+true", r"untrue", r"categorically\s+reject(?:s|ed)?",
            r"(?:is|was|are|were)\s+(?:false|a\s+lie|fabricated|made\s+up)", r"never\s+happened",
        ],
    },
    "booster": {
        "certain": [
            r"clearly", r"certainly", r"definitely", r"undoubtedly", r"unquestionably",
            r"conclusively", r"of\s+course", r"surely", r"indeed", r"in\s+fact", r"actually",
            r"it\s+is\s+(?:clear|certain|evident|obvious)", r"(?:it's|it\s+is)\s+clear",
            r"without\s+(?:a\s+)?doubt", r"no\s+doubt", r"always", r"never",
            r"(?:I|we)\s+(?:know|am\s+sure|are\s+sure|am\s+certain|are\s+certain|should\s+know)",
        ],
        "finding": [r"f(?:ound|inds?)", r"observed", r"determined", r"revealed", r"reveals", r"identified"],
    },
    "condition": {
        "conditional": [
            r"if", r"unless", r"whether", r"provided\s+that", r"as\s+long\s+as",
            r"in\s+case", r"only\s+when", r"depending\s+on",
        ],
    },
    "suggestion": {
        "deontic": [
            r"should", r"ought\s+to", r"need(?:s)?\s+to", r"must", r"recommend(?:s|ed)?",
            r"advis(?:e|es|ed)", r"it\s+is\s+important\s+to", r"urg(?:e|es|ed)",
        ],
    },
    "precision": {
        "figure": [
            r"\d+(?:[.,]\d+)?\s*(?:%|percent|per\s+cent)", r"p\s*[<=>]\s*\.?\d", r"\d+\s*%\s*CI",
            r"confidence\s+interval", r"\d+\.\d+", r"odds\s+ratio",
        ],
    },
    "limitation": {
        "research": [
            r"(?:further|more|additional|future)\s+(?:research|studies|work|investigation)",
            r"remains?\s+to\s+be", r"limitations?", r"not\s+(?:so\s+)?simple",
        ],
    },
}

MARKERS: dict[str, dict[str, dict[str, list[str]]]] = {"en": _EN}

# Sherman Kent, "Words of Estimative Probability", Studies in Intelligence 8(4), 1964:
# category -> (probability, plus-or-minus).
KENT: dict[str, tuple[float, float]] = {
    "certain": (1.00, 0.0),
    "almost certain": (0.93, 0.06),
    "probable": (0.75, 0.12),
    "chances about even": (0.50, 0.10),
    "probably not": (0.30, 0.10),
    "almost certainly not": (0.07, 0.05),
    "impossible": (0.00, 0.0),
}

# (regex, Kent category), most specific first.  The bare modal "could/may/might" has no
# Kent category (Kent refused to give "possible" a number); Clipfile reads it as the
# even-chance band, and says so in docs/analysis.md.
PROBABILITY_SCALE: dict[str, list[tuple[str, str]]] = {
    "en": [
        (r"(?:is|are|am|was|were|'s|'re|'m)\s+(?:absolutely\s+)?(?:sure|certain|convinced)", "certain"),
        (r"(?:certainly|definitely|undoubtedly|without\s+(?:a\s+)?doubt|inevitabl[ey])", "certain"),
        (r"(?:will|'ll|won't|shall)\s+(?:certainly|definitely|surely)", "certain"),
        (r"(?:highly|very)\s+(?:likely|probable)|almost\s+certain(?:ly)?|all\s+but\s+certain", "almost certain"),
        (r"(?:highly|very)\s+(?:unlikely|improbable)|almost\s+certainly\s+not|little\s+chance|(?:I|we)\s+doubt", "almost certainly not"),
        (r"impossible|cannot|can't|will\s+never", "impossible"),
        (r"unlikely|improbable|probably\s+not|doubtful", "probably not"),
        (r"(?:even|fifty-fifty|50-50)\s+chance|chances\s+(?:are\s+)?about\s+even|toss-up", "chances about even"),
        (r"likely|probabl[ey]|expect(?:s|ed|ing)?|anticipat(?:e|es|ed)|predict(?:s|ed)?|"
         r"forecast(?:s)?|plan(?:s|ned)?\s+to|intend(?:s|ed)?\s+to|aim(?:s|ed)?\s+to|"
         r"(?:I|we)\s+believe|believes?", "probable"),
        (r"will|'ll|won't|shall|(?:is|are|am|was|were|'s|'re|'m)\s+going\s+to|gonna", "almost certain"),
        (r"could|may|might|possibl[ey]|can", "chances about even"),
    ],
}


@functools.lru_cache(maxsize=None)
def _compiled(lang: str) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    if lang not in MARKERS:
        lang = "en"
    out = []
    for kind, classes in MARKERS[lang].items():
        for cls, patterns in classes.items():
            alt = "|".join(f"(?:{p})" for p in patterns)
            out.append((kind, cls, re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _compiled_scale(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    scale = PROBABILITY_SCALE.get(lang) or PROBABILITY_SCALE["en"]
    return tuple(
        (re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE), cat) for p, cat in scale
    )


def register_language(lang: str, markers: dict[str, dict[str, list[str]]],
                      scale: list[tuple[str, str]]) -> None:
    """Plug in another language's lexicons (same kinds and classes as ``MARKERS["en"]``)."""
    MARKERS[lang] = markers
    PROBABILITY_SCALE[lang] = scale
    # Compiled patterns are cached per language: a lookup made before registration fell back
    # to English and must not stick.
    _compiled.cache_clear()
    _compiled_scale.cache_clear()


def find_markers(
    text: str,
    *,
    offset: int = 0,
    lang: str = "en",
    kinds: Iterable[str] | None = None,
) -> list[tuple[Marker, str]]:
    """Find lexicon markers in ``text``; return ``(Marker, class)`` pairs in text order.

    Offsets are shifted by ``offset`` so they point into the document the text came from.
    Where matches overlap, the longest wins (``could not be verified`` beats ``could``).
    """
    wanted = set(kinds) if kinds is not None else None
    found: list[tuple[int, int, str, str]] = []
    for kind, cls, rx in _compiled(lang):
        if wanted is not None and kind not in wanted:
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), kind, cls))
    # Longest first, then leftmost: greedy selection of non-overlapping matches.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, str, str]] = []
    for f in found:
        if all(f[1] <= t[0] or f[0] >= t[1] for t in taken):
            taken.append(f)
    taken.sort()
    return [
        (Marker(start=s + offset, end=e + offset, text=text[s:e], kind=kind), cls)
        for s, e, kind, cls in taken
    ]


def probability_terms(text: str, *, lang: str = "en") -> list[tuple[int, int, str, str]]:
    """Verbal probability terms in ``text``: ``(start, end, term, Kent category)``.

    Overlaps resolve to the earliest scale entry (the most specific), then the longest match.
    """
    found = []
    for rank, (rx, cat) in enumerate(_compiled_scale(lang)):
        for m in rx.finditer(text):
            found.append((rank, -(m.end() - m.start()), m.start(), m.end(), cat))
    found.sort()
    taken: list[tuple[int, int, str, str]] = []
    for _, _, s, e, cat in found:
        if all(e <= t[0] or s >= t[1] for t in taken):
            taken.append((s, e, text[s:e], cat))
    taken.sort()
    return taken
