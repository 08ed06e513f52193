"""Russian time expressions: the patterns and what each one means.

The shared resolver (:mod:`clipfile.analysis.timex`) normalises them with the same
conventions as every language.  A plain locative preposition (``в 1978 году``) is left out of
the span; deadline words (``до 2027 года``, ``к 2030 году``, ``в течение двух лет``) stay in,
and such spans take their end as value.  Relatives (``спустя полгода``, ``через два года``)
count from the last date written in the same or previous paragraph (paragraphs are separated
by blank lines), else from the publication date; ``назад`` and deictic words (``вчера``, ``на
прошлой неделе``) count from the publication date.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ...analysis.timex import Context, Hit, Resolved, When, fmt, shift
from ...analysis.timex import find_times as _find_times
from ...records import TimeExpr

__all__ = ["TIMES", "RussianTimes", "find_times"]

_MONTH_STEMS = [
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма[йяюе]", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
]
_MONTH = "(?:" + "|".join(f"{s}[ьяеюй]?" if not s.startswith("ма") else s for s, _ in _MONTH_STEMS) + r"|мая|маю|мае|май|марта|марте|августа|августе)"


def _month_no(word: str) -> int | None:
    w = word.lower()
    for stem, n in _MONTH_STEMS:
        if re.match(stem, w):
            return n
    return None


_NUMBERS = {
    "один": 1, "одну": 1, "одна": 1, "одного": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трёх": 3,
    "трех": 3, "четыре": 4, "четырёх": 4, "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6,
    "шести": 6, "семь": 7, "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9,
    "десять": 10, "десяти": 10, "пару": 2, "пара": 2, "пары": 2, "двадцать": 20, "тридцать": 30,
}
_VAGUE = {"несколько": 3, "нескольких": 3}
_NUM = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r"|несколько|нескольких)"
_UNITS = [
    (r"дн(?:я|ей|ям|и)|день|сутки|суток", "day"),
    (r"недел(?:ю|и|ь|е|ям)", "week"),
    (r"месяц(?:а|ев|ы)?", "month"),
    (r"год(?:а|у)?|лет", "year"),
]
_UNIT = "(?:" + "|".join(u for u, _ in _UNITS) + ")"
_HEDGE = r"(?:около|почти|примерно|более|больше|менее|меньше|свыше|порядка|приблизительно)"

_WEEKDAYS = {"понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4,
             "пятница": 4, "субботу": 5, "суббота": 5, "воскресенье": 6}

_FUTURE = re.compile(r"\b(?:будет|будут|буд[уе]м|намерен\w*|планиру\w+|собира\w+|ожида\w+|пройд[её]т|состоится|начн[её]тся)\b", re.I)

# Past-tense verb forms (вернулся, заявила, прошли): a narrative sentence.
_PAST = re.compile(r"\b\w{2,}(?:л|ла|ло|ли|лся|лась|лись)\b", re.I)

_B = r"(?<![\w-])"
_E = r"(?![\w-])"

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("numeric", re.compile(_B + r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _E)),
    ("deadline_date", re.compile(_B + r"(?:до|к|по)\s+(\d{1,2})\s+(" + _MONTH + r")\s+(\d{4})(?:\s+(?:года|г\.))?", re.I)),
    ("full", re.compile(_B + r"(\d{1,2})(?:-?го)?\s+(" + _MONTH + r")\s+(\d{4})(?:\s+(?:года|г\.)(?!\w))?", re.I)),
    ("deadline_year", re.compile(_B + r"(?:до|к|по)\s+(\d{4})\s*(?:года|году|г\.)(?!\w)", re.I)),
    ("decade", re.compile(_B + r"(\d{3})0-(?:[ехи]|ых|ые|е)(?:\s+(?:годы|годах|годов|гг\.))?(?!\w)", re.I)),
    ("month_year", re.compile(_B + r"(" + _MONTH + r")\s+(\d{4})(?:\s+(?:года|г\.)(?!\w))?", re.I)),
    ("day_month", re.compile(_B + r"(\d{1,2})\s+(" + _MONTH + r")" + _E, re.I)),
    ("year", re.compile(_B + r"(\d{4})\s*(?:году|года|год|г\.)(?!\w)", re.I)),
    ("within", re.compile(_B + r"в\s+течение\s+(?:(" + _NUM + r")\s+)?(" + _UNIT + r")" + _E, re.I)),
    ("half_year", re.compile(_B + r"(спустя|через)\s+(?:" + _HEDGE + r"\s+)?(полгода|полтора\s+года|полгода)" + _E, re.I)),
    ("half_ago", re.compile(_B + r"(?:" + _HEDGE + r"\s+)?(полгода|полтора\s+года)\s+(назад|спустя)" + _E, re.I)),
    ("after", re.compile(_B + r"(спустя|через)\s+(" + _HEDGE + r"\s+)?(?:(" + _NUM + r")\s+)?(" + _UNIT + r")" + _E, re.I)),
    ("ago", re.compile(_B + r"(" + _HEDGE + r"\s+)?(?:(" + _NUM + r")\s+)?(" + _UNIT + r")\s+(назад|тому\s+назад|спустя)" + _E, re.I)),
    ("deictic", re.compile(_B + r"(позавчера|вчера|сегодня|завтра|послезавтра)" + _E, re.I)),
    ("this_unit", re.compile(_B + r"(?:на|в)\s+(прошлой|этой|следующей|будущей|текущей|прошлом|этом|следующем|будущем|текущем)\s+(неделе|месяце|году)" + _E, re.I)),
    ("weekday", re.compile(_B + r"(?:в|во)\s+(" + "|".join(_WEEKDAYS) + r")" + _E, re.I)),
    ("month", re.compile(_B + r"(?:в|во)\s+(" + _MONTH + r")" + _E, re.I)),
    ("future_vague", re.compile(_B + r"в\s+(?:ближайшие|ближайшее|будущем|скором\s+времени|предстоящие)(?:\s+(?:годы|месяцы|недели|дни|время))?" + _E, re.I)),
    ("past_vague", re.compile(_B + r"(?:недавно|в\s+последние\s+(?:годы|месяцы|недели|дни)|много\s+лет\s+назад|когда-то)" + _E, re.I)),
    ("present", re.compile(_B + r"(?:сейчас|в\s+настоящее\s+время|на\s+сегодняшний\s+день|в\s+наши\s+дни)" + _E, re.I)),
]


def _unit_of(word: str) -> str:
    for pattern, unit in _UNITS:
        if re.fullmatch(pattern, word, re.I):
            return unit
    return "day"


def _count_of(word: str | None) -> tuple[float, bool]:
    if not word:
        return 1, False
    w = word.lower()
    if w.isdigit():
        return int(w), False
    if w in _VAGUE:
        return _VAGUE[w], True
    return _NUMBERS.get(w, 1), False


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# (value, precision, anchor, adjusted start); precision "skip": not an expression.
_Result = tuple[str | None, str, When | None, int | None]
_SKIP: _Result = (None, "skip", None, None)


def _day(d: date | None) -> _Result:
    return (d.isoformat(), "day", When(d, "day"), None) if d else _SKIP


def _numeric(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``20.08.2020``."""
    g = h.m.groups()
    return _day(_safe_date(int(g[2]), int(g[1]), int(g[0])))


def _full(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``20 августа 2020 года``, ``до 20 августа 2020 года``."""
    g = h.m.groups()
    mo = _month_no(g[1])
    return _day(_safe_date(int(g[2]), mo or 0, int(g[0])) if mo else None)


def _year(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``в 1978 году``, ``до 2027 года``."""
    g = h.m.groups()
    y = int(g[0])
    return f"{y:04d}", "year", When(date(y, 1, 1), "year"), None


def _decade(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``в 1990-е годы``."""
    g = h.m.groups()
    return g[0], "decade", None, None


def _month_year(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``в августе 2020 года`` (the span starts at the month)."""
    m, g = h.m, h.m.groups()
    mo = _month_no(g[0])
    assert mo is not None  # the pattern matched a month name
    y = int(g[1])
    return f"{y:04d}-{mo:02d}", "month", When(date(y, mo, 1), "month"), m.start(1)


def _day_month(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``20 августа``: the year of the date relatives count from (the next one in a sentence
    about the future)."""
    g = h.m.groups()
    mo = _month_no(g[1])
    base = ref or pub
    if base is None or mo is None:
        return None, "approximate", None, None
    y = base.day.year
    if future and (mo, int(g[0])) < (base.day.month, base.day.day):
        y += 1
    return _day(_safe_date(y, mo, int(g[0])))


def _month(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``в марте`` (the span starts at the month)."""
    m, g = h.m, h.m.groups()
    mo = _month_no(g[0])
    base = ref or pub
    if base is None or mo is None:
        return None, "approximate", None, m.start(1)
    y = base.day.year + (1 if future and mo < base.day.month else 0)
    return f"{y:04d}-{mo:02d}", "month", When(date(y, mo, 1), "month"), m.start(1)


def _deictic(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``вчера``, ``послезавтра``."""
    g = h.m.groups()
    if pub is None:
        return None, "approximate", None, None
    days = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}[g[0].lower()]
    d = pub.day + timedelta(days=days)
    return d.isoformat(), ("day" if pub.grain == "day" else "approximate"), None, None


def _this_unit(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``на прошлой неделе``, ``в следующем году``."""
    g = h.m.groups()
    if pub is None:
        return None, "approximate", None, None
    which, unit_word = g[0].lower(), g[1].lower()
    unit = {"неделе": "week", "месяце": "month", "году": "year"}[unit_word]
    sign = -1 if which.startswith("прошл") else (1 if which.startswith(("следующ", "будущ")) else 0)
    d = shift(pub, 1, unit, sign).day if sign else pub.day
    precision = "approximate" if unit == "week" else unit
    return fmt(When(d, unit)), precision, None, None


def _weekday(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``в пятницу``: counted from the publication day."""
    g = h.m.groups()
    if pub is None or pub.grain != "day":
        return None, "approximate", None, None
    wd = _WEEKDAYS[g[0].lower()]
    delta = (wd - pub.day.weekday()) % 7 if future else -((pub.day.weekday() - wd) % 7)
    d = pub.day + timedelta(days=delta)
    return d.isoformat(), "day", When(d, "day"), None


def _half_year(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``спустя полгода``, ``полтора года назад``."""
    g = h.m.groups()
    half_first = h.rule == "half_year"
    word = (g[1] if half_first else g[0]).lower()
    months = 6 if word.startswith("полгода") else 18
    after = (g[0].lower() in {"спустя", "через"}) if half_first else g[1].lower() == "спустя"
    base = (ref if after and half_first and g[0].lower() == "спустя" else pub) if after else pub
    base = base or pub
    if base is None:
        return None, "approximate", None, None
    d = base.day + relativedelta(months=months if after else -months)
    return fmt(When(d, "month")), "month", When(d, "month"), None


def _count(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    """``через два года``, ``три года назад``, ``в течение двух лет``."""
    g = h.m.groups()
    base: When | None
    if h.rule == "after":
        word, hedge, num, unit_w = g[0].lower(), g[1], g[2], g[3]
        # "спустя" counts from the story's last date; "через" from it only in a past
        # narrative ("через год он вернулся"), else from publication.
        base = ref if word == "спустя" or (past and not future) else pub
        sign = 1
    elif h.rule == "ago":
        hedge, num, unit_w, word = g[0], g[1], g[2], g[3].lower()
        base = ref if word == "спустя" else pub
        sign = 1 if word == "спустя" else -1
    else:
        hedge, num, unit_w = None, g[0], g[1]
        base, sign = pub, 1
    n, vague = _count_of(num)
    unit = _unit_of(unit_w)
    if base is None:
        return None, "approximate", None, None
    d = shift(base, n, unit, sign).day
    grain = {"day": "day", "week": "day", "month": "month", "year": "year"}[unit]
    precision = "approximate" if (hedge or vague) else grain
    return fmt(When(d, grain)), precision, (None if vague or hedge else When(d, grain)), None


def _future_vague(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    return "FUTURE_REF", "approximate", None, None


def _past_vague(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    return "PAST_REF", "approximate", None, None


def _present(h: Hit, ref: When | None, pub: When | None, future: bool, past: bool) -> _Result:
    return "PRESENT_REF", "approximate", None, None


_RESOLVE = {
    "numeric": _numeric, "deadline_date": _full, "full": _full, "deadline_year": _year,
    "decade": _decade, "month_year": _month_year, "day_month": _day_month, "year": _year,
    "within": _count, "half_year": _half_year, "half_ago": _half_year, "after": _count,
    "ago": _count, "deictic": _deictic, "this_unit": _this_unit, "weekday": _weekday,
    "month": _month, "future_vague": _future_vague, "past_vague": _past_vague, "present": _present,
}


# Per rule, a word each of its matches holds (the same case-insensitive match): a text without
# it skips the rule.  The relative rules open with optional hedges and numbers, dozens of
# words tried at every word start, and most texts hold no "назад", "спустя" or "через".
_AGO = re.compile(r"назад|спустя", re.I)
_AFTER = re.compile(r"спустя|через", re.I)
_NEEDS: dict[str, re.Pattern[str]] = {
    "within": re.compile(r"течение", re.I),
    "half_year": _AFTER,
    "half_ago": _AGO,
    "after": _AFTER,
    "ago": _AGO,
}


class RussianTimes:
    """:class:`~clipfile.analysis.timex.TimexRules` for Russian."""

    rules = _RULES
    needs = _NEEDS
    # Blank-line paragraphs: a date carries further than in English.  Measured on the Russian
    # real-news and adaq texts, every line a paragraph resolves 7 of 130 dates differently
    # (4 to no date at all).
    paragraph_break = "\n\n"

    def span(self, m: re.Match[str]) -> tuple[int, int]:
        return m.span()

    def resolve(self, hit: Hit, ctx: Context) -> Resolved | None:
        text, s, e = ctx.text, hit.start, hit.end
        # The sentence around the match says whether it is about the future or a past story.
        sent_lo = max(text.rfind(".", 0, s), text.rfind("\n", 0, s)) + 1
        sent_hi = text.find(".", e)
        sentence = text[sent_lo: sent_hi if sent_hi >= 0 else len(text)]
        future, past = bool(_FUTURE.search(sentence)), bool(_PAST.search(sentence))
        ref, _ = ctx.ref()
        value, precision, anchor, start = _RESOLVE[hit.rule](hit, ref, ctx.published, future, past)
        if precision == "skip":
            return None
        return Resolved(value, precision, anchor, start=start)


TIMES = RussianTimes()


def find_times(text: str, *, published: str | None, start: int = 0, end: int | None = None) -> list[TimeExpr]:
    """Russian temporal expressions in ``text[start:end]`` (:func:`clipfile.analysis.timex.find_times`)."""
    return _find_times(text, TIMES, published=published, start=start, end=end)
