"""Russian temporal expressions, normalised like the English ones (:mod:`clipfile.extract.timex`).

Same output convention: ``value`` is ISO 8601 truncated to the grain (``2020-08-20``,
``2020-08``, ``1978``, ``199`` for the 1990s, ``2020-W33`` for a week) or TimeML's
``PAST_REF``/``PRESENT_REF``/``FUTURE_REF``; ``precision`` is ``day``, ``month``, ``year``,
``decade`` or ``approximate``.  A plain locative preposition (``в 1978 году``) is left out of
the span; deadline words (``до 2027 года``, ``к 2030 году``, ``в течение двух лет``) stay in,
and such spans take their end as value.  Relatives (``спустя полгода``, ``через два года``)
count from the last date written in the same or previous paragraph, else from the
publication date; ``назад`` and deictic words (``вчера``, ``на прошлой неделе``) count from
the publication date.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ...records import TimeExpr

__all__ = ["find_times"]

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


def _published(published: str | None) -> tuple[date, str] | None:
    if not published:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published)
    if not m:
        return None
    try:
        if m.group(3):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day"
        if m.group(2):
            return date(int(m.group(1)), int(m.group(2)), 1), "month"
        return date(int(m.group(1)), 1, 1), "year"
    except ValueError:
        return None


def _fmt(d: date, grain: str) -> str:
    if grain == "day":
        return d.isoformat()
    if grain == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if grain == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _shift(d: date, n: float, unit: str, sign: int) -> date:
    if unit == "day":
        return d + timedelta(days=sign * n)
    if unit == "week":
        return d + timedelta(days=sign * 7 * n)
    months = round(n * (12 if unit == "year" else 1))
    return d + relativedelta(months=sign * months)


def _unit_of(word: str) -> str:
    for pattern, unit in _UNITS:
        if re.fullmatch(pattern, word, re.I):
            return unit
    return "day"


def _count(word: str | None) -> tuple[float, bool]:
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


def find_times(text: str, *, published: str | None, start: int = 0, end: int | None = None,
               lang: str = "ru") -> list[TimeExpr]:
    """Russian temporal expressions in ``text[start:end]``, offsets into ``text``.

    Args:
        text: the document text.
        published: publication date (ISO) deictic and relative words count from, or None.
        start, end: the stretch to search.
        lang: accepted for the shared signature; always Russian here.

    Returns:
        The expressions in order of appearance.
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    if start >= end:
        return []
    hits: list[tuple[int, int, str, re.Match[str]]] = []
    for name, rx in _RULES:
        for m in rx.finditer(text, start, end):
            if all(m.end() <= h[0] or m.start() >= h[1] for h in hits):
                hits.append((m.start(), m.end(), name, m))
    hits.sort()
    pub = _published(published)
    anchor: tuple[date, str] | None = None
    anchor_par = -10
    out: list[TimeExpr] = []
    for s, e, rule, m in hits:
        par = text.count("\n\n", 0, s)
        ref = anchor if anchor is not None and par - anchor_par <= 1 else pub
        sent_lo = max(text.rfind(".", 0, s), text.rfind("\n", 0, s)) + 1
        sent_hi = text.find(".", e)
        future = bool(_FUTURE.search(text[sent_lo : sent_hi if sent_hi >= 0 else len(text)]))
        sentence = text[sent_lo : sent_hi if sent_hi >= 0 else len(text)]
        past = bool(_PAST.search(sentence))
        value, precision, new_anchor, s2 = _resolve(rule, m, ref, pub, future, past)
        if precision == "skip":
            continue
        s = s2 if s2 is not None else s
        if new_anchor is not None:
            anchor, anchor_par = new_anchor, par
        out.append(TimeExpr(start=s, end=e, text=text[s:e], value=value, precision=precision))
    return out


def _resolve(rule: str, m: re.Match[str], ref, pub, future: bool, past: bool = False):
    """(value, precision, new anchor or None, adjusted start or None) for one match."""
    g = m.groups()
    if rule in {"numeric"}:
        d = _safe_date(int(g[2]), int(g[1]), int(g[0]))
        return (d.isoformat(), "day", (d, "day"), None) if d else (None, "skip", None, None)
    if rule in {"full", "deadline_date"}:
        mo = _month_no(g[1])
        d = _safe_date(int(g[2]), mo or 0, int(g[0])) if mo else None
        return (d.isoformat(), "day", (d, "day"), None) if d else (None, "skip", None, None)
    if rule == "deadline_year":
        y = int(g[0])
        return f"{y:04d}", "year", (date(y, 1, 1), "year"), None
    if rule == "year":
        y = int(g[0])
        return f"{y:04d}", "year", (date(y, 1, 1), "year"), None
    if rule == "decade":
        return g[0], "decade", None, None
    if rule == "month_year":
        mo = _month_no(g[0])
        y = int(g[1])
        return f"{y:04d}-{mo:02d}", "month", (date(y, mo, 1), "month"), m.start(1)
    if rule == "day_month":
        mo = _month_no(g[1])
        base = ref or pub
        if base is None or mo is None:
            return None, "approximate", None, None
        y = base[0].year
        if future and (mo, int(g[0])) < (base[0].month, base[0].day):
            y += 1
        d = _safe_date(y, mo, int(g[0]))
        return (d.isoformat(), "day", (d, "day"), None) if d else (None, "skip", None, None)
    if rule == "month":
        mo = _month_no(g[0])
        base = ref or pub
        if base is None or mo is None:
            return None, "approximate", None, m.start(1)
        y = base[0].year + (1 if future and mo < base[0].month else 0)
        return f"{y:04d}-{mo:02d}", "month", (date(y, mo, 1), "month"), m.start(1)
    if rule == "deictic":
        if pub is None:
            return None, "approximate", None, None
        shift = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}[g[0].lower()]
        d = pub[0] + timedelta(days=shift)
        return d.isoformat(), ("day" if pub[1] == "day" else "approximate"), None, None
    if rule == "this_unit":
        if pub is None:
            return None, "approximate", None, None
        which, unit_word = g[0].lower(), g[1].lower()
        unit = {"неделе": "week", "месяце": "month", "году": "year"}[unit_word]
        sign = -1 if which.startswith("прошл") else (1 if which.startswith(("следующ", "будущ")) else 0)
        d = _shift(pub[0], 1, unit, sign) if sign else pub[0]
        precision = "approximate" if unit == "week" else unit
        return _fmt(d, unit), precision, None, None
    if rule == "weekday":
        if pub is None or pub[1] != "day":
            return None, "approximate", None, None
        wd = _WEEKDAYS[g[0].lower()]
        delta = (wd - pub[0].weekday()) % 7 if future else -((pub[0].weekday() - wd) % 7)
        d = pub[0] + timedelta(days=delta)
        return d.isoformat(), "day", (d, "day"), None
    if rule in {"half_year", "half_ago"}:
        word = (g[1] if rule == "half_year" else g[0]).lower()
        months = 6 if word.startswith("полгода") else 18
        after = (g[0].lower() in {"спустя", "через"}) if rule == "half_year" else g[1].lower() == "спустя"
        base = (ref if after and rule == "half_year" and g[0].lower() == "спустя" else pub) if after else pub
        base = base or pub
        if base is None:
            return None, "approximate", None, None
        d = base[0] + relativedelta(months=months if after else -months)
        return _fmt(d, "month"), "month", (d, "month"), None
    if rule in {"after", "ago", "within"}:
        if rule == "after":
            word, hedge, num, unit_w = g[0].lower(), g[1], g[2], g[3]
            # "спустя" counts from the story's last date; "через" from it only in a past
            # narrative ("через год он вернулся"), else from publication.
            base = ref if word == "спустя" or (past and not future) else pub
            sign = 1
        elif rule == "ago":
            hedge, num, unit_w, word = g[0], g[1], g[2], g[3].lower()
            base = ref if word == "спустя" else pub
            sign = 1 if word == "спустя" else -1
        else:
            hedge, num, unit_w = None, g[0], g[1]
            base, sign = pub, 1
        n, vague = _count(num)
        unit = _unit_of(unit_w)
        if base is None:
            return None, "approximate", None, None
        d = _shift(base[0], n, unit, sign)
        grain = {"day": "day", "week": "day", "month": "month", "year": "year"}[unit]
        precision = "approximate" if (hedge or vague) else grain
        return _fmt(d, grain), precision, (None if vague or hedge else (d, grain)), None
    if rule == "future_vague":
        return "FUTURE_REF", "approximate", None, None
    if rule == "past_vague":
        return "PAST_REF", "approximate", None, None
    if rule == "present":
        return "PRESENT_REF", "approximate", None, None
    return None, "skip", None, None
