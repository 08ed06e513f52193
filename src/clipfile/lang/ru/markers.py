"""Russian claim and forecast markers, with the kinds and classes every language shares.

``MARKERS_RU[kind][cls]`` holds regular-expression fragments matched case-insensitively on
word boundaries (:mod:`clipfile.analysis.markers`), so the certainty weights of
:mod:`clipfile.analysis.claims` apply unchanged.  Inflected words carry their endings as
``\\w*`` (``намерен\\w*`` covers намерен, намерена, намерены).

The claim and forecast stages need a few more phrasings than the base lexicon, mostly word
orders English does not have (``доказательств не представил``), negated confirmations that
must beat the bare ``подтвердил`` (``не подтвердилось``) and impersonal hedges (``как
утверждается``); :data:`LEXICON` is the base lexicon with those added, by kind and class.
"""
from __future__ import annotations

import copy

from ...analysis.markers import Lexicon

__all__ = ["MARKERS_RU", "PROBABILITY_SCALE_RU", "LEXICON"]

MARKERS_RU: dict[str, dict[str, list[str]]] = {
    "hedged": {
        "modal": [r"мож(?:ет|ут)", r"мог(?:ли|ло|ла)?", r"может\s+быть", r"могло\s+бы", r"мог\s+бы"],
        "modal_weak": [r"бы"],
        "adverb": [
            r"вероятно", r"возможно", r"наверное", r"пожалуй", r"видимо", r"по-видимому",
            r"предположительно", r"скорее\s+всего", r"по\s+всей\s+видимости", r"отчасти",
            r"частично", r"в\s+какой-то\s+(?:мере|степени)", r"теоретически", r"вряд\s+ли",
        ],
        "allegation": [r"так\s+называем\w+", r"предполагаем\w+"],
        "epistemic_verb": [
            r"свидетельству\w+\s+о\s+том", r"указыва\w+\s+на", r"кажется", r"казалось",
            r"похоже(?:,)?", r"представляется", r"выгляд\w+\s+так",
        ],
        "belief": [
            r"(?:я|мы)\s+(?:думаю|думаем|считаю|считаем|полагаю|полагаем|подозреваю|предполагаю)",
            r"счита\w+", r"полага\w+", r"предполага\w+", r"подозрева\w+",
            r"по\s+(?:моему|нашему)\s+мнению", r"на\s+мой\s+взгляд",
        ],
        "adjective": [
            r"не\s+исключено", r"неясно", r"непонятно", r"неизвестно", r"возможн\w+",
            r"предварительн\w+", r"не\s+(?:ясно|известно|очевидно)",
        ],
        "approximator": [
            r"(?:около|примерно|почти|порядка|приблизительно|до)(?=\s+\d)", r"примерно",
            r"приблизительно", r"иногда", r"часто", r"обычно", r"как\s+правило", r"в\s+основном",
            r"в\s+целом", r"относительно",
        ],
    },
    "hearsay": {
        # Someone else's word, passed on without an owner ("якобы", "по некоторым данным").
        "allegation": [
            r"якобы", r"будто\s+бы", r"мол", r"дескать", r"по\s+неподтвержд[её]нн\w+\s+данным",
        ],
        "told": [
            r"(?:мне|нам)\s+(?:сказали|сообщили|рассказали|передали)",
            r"(?:я|мы)\s+слышал\w*", r"ходят\s+слухи",
        ],
        "anonymous": [
            r"(?:источник\w*|инсайдер\w*)\s+(?:в|из|близк\w+\s+к)\s+\w+",
            r"по\s+(?:данным|информации|сведениям|словам)\s+(?:источник\w*|собеседник\w*|осведомл[её]нн\w+)",
            r"как\s+стало\s+известно", r"по\s+слухам", r"слух\w*", r"говорят",
            r"сообщается", r"как\s+сообщают",
        ],
    },
    "evidenced": {
        "demonstration": [
            r"доказ\w+", r"подтвер(?:дил\w*|ждает|ждают|жд[её]н\w*)", r"продемонстрирова\w+",
            r"установ(?:ил\w*|лено)", r"задокументирова\w+",
        ],
        "source": [
            r"по\s+данным\s+(?:\w+\s+)?(?:статистики|исследовани\w+|опрос\w+|документ\w+|Росстата|экспертиз\w+|анализ\w+)",
            r"по\s+данным", r"согласно\s+(?:документ\w+|данным|отч[её]т\w+|материал\w+|результат\w+)",
            r"(?:анализ|экспертиза|проверка|исследование|расследование|документы)\s+(?:показал\w*|выявил\w*|подтвердил\w*)",
        ],
    },
    "unsupported": {
        "no_evidence": [
            r"(?:без|нет|не\s+привели?|не\s+представил\w*)\s+(?:каких-либо\s+|никаких\s+)?(?:доказательств|подтверждени\w+)",
        ],
        "unverified": [
            r"не\s+удалось\s+(?:проверить|подтвердить)", r"не\s+подтвержд[её]н\w*",
            r"неподтвержд[её]нн\w+", r"голословн\w+", r"безосновательн\w+",
        ],
    },
    "disputed": {
        "dispute": [
            r"оспарива\w+", r"оспорил\w*", r"ставит\w*\s+под\s+сомнение", r"постави\w+\s+под\s+сомнение",
            r"не\s+соглас\w+", r"возража\w+", r"опроверга\w+", r"усомнил\w+",
        ],
    },
    "denied": {
        "denial": [
            r"отрица\w+", r"опроверг\w*", r"не\s+соответствует\s+действительности", r"неправда",
            r"ложь", r"фейк\w*", r"вымысел",
        ],
    },
    "booster": {
        "certain": [
            r"безусловно", r"несомненно", r"конечно", r"очевидно", r"разумеется", r"точно",
            r"абсолютно", r"явно", r"без\s+сомнения", r"на\s+самом\s+деле", r"всегда", r"никогда",
            r"(?:я|мы)\s+(?:уверен\w*|знаю|знаем)",
        ],
        "finding": [r"выяснил\w*", r"обнаружил\w*", r"выявил\w*"],
    },
    "condition": {
        "conditional": [r"если", r"если\s+только", r"при\s+условии", r"в\s+случае", r"только\s+когда",
                        r"в\s+зависимости\s+от"],
    },
    "suggestion": {
        "deontic": [r"должн\w+", r"следует", r"нужно", r"необходимо", r"надо", r"рекоменду\w+", r"призыва\w+"],
    },
    "precision": {
        "figure": [r"\d+(?:[.,]\d+)?\s*(?:%|процент\w*)", r"\d+[.,]\d+"],
    },
    "limitation": {
        "research": [r"(?:дальнейш\w+|дополнительн\w+)\s+(?:исследовани\w+|проверк\w+)", r"ещ[её]\s+предстоит"],
    },
}

# (regex, Kent category), most specific first: mirrors PROBABILITY_SCALE["en"].
PROBABILITY_SCALE_RU: list[tuple[str, str]] = [
    (r"(?:абсолютно\s+)?уверен\w*|убежд[её]н\w*", "certain"),
    (r"безусловно|несомненно|неизбежно|обязательно|непременно", "certain"),
    (r"почти\s+наверняка|с\s+высокой\s+вероятностью|весьма\s+вероятно|наверняка", "almost certain"),
    (r"крайне\s+маловероятно|практически\s+исключено|(?:я|мы)\s+сомнева\w+", "almost certainly not"),
    (r"маловероятно|вряд\s+ли|едва\s+ли|сомнительно", "probably not"),
    (r"(?:пятьдесят\s+на\s+пятьдесят|50\s+на\s+50)", "chances about even"),
    (r"вероятно|скорее\s+всего|ожида\w+(?:,\s*что)?|прогнозиру\w+|предсказыва\w+|"
     r"намерен\w*|планиру\w+|собира\w+(?=\s+\w+ть)|рассчитыва\w+", "probable"),
    (r"будет|будут|буд[еу]м|будешь|станет|станут", "almost certain"),
    (r"может|могут|мог\s+бы|возможно|не\s+исключено", "chances about even"),
    (r"невозможно|никогда\s+не|не\s+будет|не\s+станет", "impossible"),
]

_PRODUCE = r"(?:прив[её]л\w*|привели|представил\w*|предъявил\w*|предоставил\w*|показал\w*|дал\w*)"
_PROOF = r"(?:доказательств\w*|подтверждени\w+|фактов|улик)"

_EXTRA: dict[str, dict[str, list[str]]] = {
    "hearsay": {
        # Impersonal reporting: the writer does not own the statement ("reportedly").
        "allegation": [
            r"как\s+утверждается", r"утверждается", r"по\s+(?:имеющимся\s+|некоторым\s+)?сведениям",
            r"как\s+сообщается", r"по\s+некоторым\s+данным",
            r"по\s+(?:неофициальн|непроверенн)\w+\s+(?:данным|сведениям|информации)",
            r"как\s+(?:было\s+)?(?:объявлено|сообщено)", r"появил\w+\s+сообщени\w+",
        ],
        "told": [
            r"(?:мне|нам)\s+(?:\w+\s+)?(?:сказали|сообщили|рассказали|рассказывали|говорили|передали|шепнули)",
            r"меня\s+(?:\w+\s+)?(?:заверили|проинформировали|уверяли)",
            r"(?:я|мы)\s+(?:\w+\s+)?(?:слышал\w*|узнал\w*\s+от)",
        ],
        "anonymous": [
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


LEXICON = Lexicon(_merged(), _scale())
