"""English marker lexicon: the words that decide a statement's footing and its certainty.

``MARKERS[kind][cls]`` holds regular-expression fragments matched case-insensitively on word
boundaries (see :mod:`clipfile.analysis.markers` for the kinds and classes, which every
language shares); ``PROBABILITY_SCALE`` maps verbal probability terms to Sherman Kent's
categories, most specific first.
"""
from __future__ import annotations

from ...analysis.markers import Lexicon

__all__ = ["MARKERS", "PROBABILITY_SCALE", "LEXICON"]

MARKERS: dict[str, dict[str, list[str]]] = {
    "hedged": {
        # Modal verbs of possibility.
        "modal": [r"may", r"might", r"could", r"may\s+not", r"might\s+not"],
        # "can" is ability more often than possibility: a weaker class of its own.
        "modal_weak": [r"can", r"would"],
        "adverb": [
            r"possibly", r"perhaps", r"maybe", r"probably", r"likely", r"unlikely",
            r"potentially", r"presumably", r"apparently", r"seemingly", r"conceivably",
            r"plausibly", r"arguably", r"supposedly", r"ostensibly", r"in\s+theory",
        ],
        # How much of it holds, not whether it does: lowers certainty, decides no footing.
        "extent": [r"to\s+some\s+(?:extent|degree)", r"in\s+part", r"partly", r"partially"],
        # Impersonal belief: a view with no holder ("is thought to"); ``so-called`` keeps its
        # distance from a name.
        "allegation": [
            r"so-called",
            r"(?:is|are|was|were)\s+(?:widely\s+)?(?:thought|believed|considered)\s+to",
        ],
        "epistemic_verb": [
            r"suggest(?:s|ed|ing)?", r"indicat(?:e|es|ed|ing)", r"impl(?:y|ies|ied)",
            r"appear(?:s|ed)?(?:\s+to)?", r"seem(?:s|ed)?(?:\s+to)?", r"tend(?:s|ed)?\s+to",
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
            r"(?:little|slim|small|remote)\s+(?:chance|possibility|likelihood)",
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
        # Reported-but-unowned: someone else's word, passed on ("reportedly", "is said to").
        "allegation": [
            r"reportedly", r"allegedly", r"purportedly", r"alleged",
            r"(?:is|are|was|were)\s+(?:widely\s+)?(?:said|alleged|reported|rumou?red)\s+to",
            r"(?:it\s+is|it\s+was|it's)\s+(?:widely\s+)?(?:reported|mooted|understood|claimed)",
            r"widely\s+reported",
        ],
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
        # A news outlet passing a report on ("local press reported", "quoted by the agency"):
        # found from the parse (lang/en/footing.py), not from words alone.
        "media": [],
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
            # "dismissed the research as complete rubbish": calling a statement false.
            r"(?:dismiss|brand|describ|denounc)(?:e|es|ed|ing|s)?\s+(?:[\w'\u2019-]+\s+){1,5}?as\s+"
            r"[\"\u201c\u2018']?(?:[\w-]+\s+)?(?:rubbish|nonsense|untrue|false|lies|a\s+lie|"
            r"fabrications?|fiction|fantasy|a\s+myth)",
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


# (regex, Kent category), most specific first.  The bare modal "could/may/might" has no
# Kent category (Kent refused to give "possible" a number); Clipfile reads it as the
# even-chance band, and says so in docs/analysis.md.
PROBABILITY_SCALE: list[tuple[str, str]] = [
    (r"(?:is|are|am|was|were|'s|'re|'m)\s+(?:absolutely\s+)?(?:sure|certain|convinced)", "certain"),
    (r"(?:certainly|definitely|undoubtedly|without\s+(?:a\s+)?doubt|inevitabl[ey])", "certain"),
    (r"(?:will|'ll|won't|shall)\s+(?:certainly|definitely|surely)", "certain"),
    (r"(?:highly|very)\s+(?:likely|probable)|almost\s+certain(?:ly)?|all\s+but\s+certain", "almost certain"),
    (r"(?:highly|very)\s+(?:unlikely|improbable)|almost\s+certainly\s+not|little\s+chance|(?:I|we)\s+doubt",
     "almost certainly not"),
    (r"impossible|cannot|can't|will\s+never", "impossible"),
    (r"unlikely|improbable|probably\s+not|doubtful", "probably not"),
    (r"(?:even|fifty-fifty|50-50)\s+chance|chances\s+(?:are\s+)?about\s+even|toss-up", "chances about even"),
    (r"likely|probabl[ey]|expect(?:s|ed|ing)?|anticipat(?:e|es|ed)|predict(?:s|ed)?|"
     r"forecast(?:s)?|plan(?:s|ned)?\s+to|intend(?:s|ed)?\s+to|aim(?:s|ed)?\s+to|"
     r"(?:I|we)\s+believe|believes?", "probable"),
    (r"will|'ll|won't|shall|(?:is|are|am|was|were|'s|'re|'m)\s+going\s+to|gonna", "almost certain"),
    (r"could|may|might|possibl[ey]|can", "chances about even"),
]

LEXICON = Lexicon(MARKERS, PROBABILITY_SCALE)
