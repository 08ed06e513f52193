"""English time expressions: the patterns and what each one means.

Detection is pattern-based (dateparser's ``search_dates`` is slow and fires on ordinary words);
normalisation is plain calendar arithmetic in the shared resolver
(:mod:`clipfile.analysis.timex`, which documents the value and precision conventions).  Month
and weekday names count only when capitalised (lower-case "may"/"march" are verbs); every
line is a paragraph for the chain of relatives.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from ...analysis.timex import (
    UNKNOWN_YEAR,
    Context,
    Hit,
    Resolved,
    When,
    fmt,
    shift,
)
from ...analysis.timex import find_times as _find_times
from ...records import TimeExpr

__all__ = ["TIMES", "EnglishTimes", "find_times"]

# ---------------------------------------------------------------- vocabulary

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Month names only when capitalised (lower-case "may"/"march" are a verb, not a month).
_FULL_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR_MONTH = r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_MONTH = rf"(?:{_FULL_MONTH}|{_ABBR_MONTH})"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "half a": 0.5,
    "a couple of": 2, "a couple": 2, "couple of": 2,
}
# Quantities that are not numbers: counted as a rough figure and marked approximate.
_VAGUE_NUMBERS = {"a few": 3, "few": 3, "several": 3, "some": 3}
_NUM = (
    r"(?:\d{1,3}(?:\.\d+)?|half an?|a couple(?: of)?|a few|several|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|an?)"
)
_UNIT = r"(?:day|week|fortnight|month|year|decade|century)"
# Words that make a quantity a rough one ("about six months later").
_HEDGE = r"(?:about|around|some|nearly|almost|roughly|approximately|more than|over|less than|under|barely|just over|just under|only|just|at least|at most|up to)"
_HEDGE_APPROX = {"about", "around", "some", "nearly", "almost", "roughly", "approximately",
                 "more than", "over", "less than", "under", "barely", "just over", "just under"}

_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

# A sentence that talks about the future makes "in March" or "on Monday" the next one.
_FUTURE_RE = re.compile(
    r"\b(?:will|won't|shall|'ll|going to|plans? to|planning to|expects?|expected to|intends? to|"
    r"is to|are to|scheduled|due to|upcoming)\b", re.I)

_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
# A 4-digit number is not a year when it is money, a percentage, part of a larger number or
# counts something ("1500 troops", "2000 people").
_NOT_YEAR_AFTER = r"(?![\d,.]\d|\s*%|\s*(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|MSK|Z\b|hrs\b|hours\b|h\b|local time)|\s*per ?cent|\s*[a-z]+s\b|\s*(?:people|men|women|children|police|staff|metres|meters|km|miles|feet|pounds|dollars|euros|roubles|rubles|votes)\b|-\d{2,}[a-z])"
_NOT_YEAR_BEFORE = r"(?<![$£€#\d,.\-/])(?<!No\. )(?<!no\. )"


def _number(word: str) -> tuple[float, bool]:
    """A spelled or written quantity and whether it is vague."""
    w = word.lower().strip()
    if w in _VAGUE_NUMBERS:
        return _VAGUE_NUMBERS[w], True
    if w in _NUMBER_WORDS:
        return _NUMBER_WORDS[w], False
    if re.fullmatch(r"\d+(?:\.\d+)?", w):
        return float(w), False
    parts = re.split(r"[- ]", w)
    if len(parts) == 2 and parts[0] in _NUMBER_WORDS and parts[1] in _NUMBER_WORDS:
        return _NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]], False
    return 1, True


def _future_context(text: str, pos: int) -> bool:
    """Is the sentence around ``pos`` about the future?"""
    left = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos), text.rfind("?", 0, pos),
               text.rfind("!", 0, pos))
    right_candidates = [i for i in (text.find(".", pos), text.find("\n", pos)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return bool(_FUTURE_RE.search(text, left + 1, right))


def _month_in_year(month: int, ref: When, future: bool) -> int:
    """The year of a month named without one: the nearest such month before (or after) ``ref``."""
    if ref.grain == "year":
        return ref.day.year
    if future:
        return ref.day.year if month >= ref.day.month else ref.day.year + 1
    return ref.day.year if month <= ref.day.month else ref.day.year - 1


# ---------------------------------------------------------------- the patterns
#
# Each rule: (name, compiled regex).  The span of a match is group "t" when present, else the
# whole match.  Overlaps are settled longest-first.

def _rx(p: str) -> re.Pattern[str]:
    """Compile a rule: case-insensitive unless it names months or weekdays.

    Rules with month names wrap their ordinary words in ``(?i:...)`` themselves, so that
    "In March" matches but "may" (the verb) and "march" (the verb) do not.
    """
    if _MONTH in p or _WEEKDAY in p or _FULL_MONTH in p:
        return re.compile(p)
    return re.compile(p, re.I)


_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("iso", _rx(r"(?<![\d-])(?P<t>(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2}))(?![\d-])")),
    ("mdy", _rx(rf"\b(?P<t>(?:{_WEEKDAY},? )?(?P<mon>{_MONTH}) (?P<d>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y>\d{{4}}))(?!\d)")),
    ("dmy", _rx(rf"\b(?P<t>(?:{_WEEKDAY},? )?(?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? (?P<mon>{_MONTH}),? (?P<y>\d{{4}}))(?!\d)")),
    ("md", _rx(rf"\b(?P<t>(?:{_WEEKDAY},? )?(?P<mon>{_MONTH}) (?P<d>\d{{1,2}})(?:st|nd|rd|th)?)(?![\d,:]|\.\d)")),
    ("dm", _rx(rf"\b(?P<t>(?:{_WEEKDAY},? )?(?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? (?P<mon>{_MONTH}))\b")),
    ("my", _rx(rf"\b(?P<t>(?:(?P<part>(?i:early|mid|late))[- ])?(?P<mon>{_MONTH}),? (?:of )?(?P<y>\d{{4}}))(?!\d)")),
    ("by_year", _rx(rf"\b(?P<t>(?:by|before|until|till|no later than)(?: the end of)? (?P<y>{_YEAR}))\b{_NOT_YEAR_AFTER}")),
    ("part_year", _rx(rf"\b(?P<t>(?:the )?(?P<part>early|mid|late|end of|beginning of|start of|middle of|first half of|second half of|spring|summer|autumn|fall|winter)(?:[- ]| of )(?:the year )?(?P<y>{_YEAR}))\b{_NOT_YEAR_AFTER}")),
    ("prep_year", _rx(rf"\b(?:in|since|during|from|through|throughout|of|circa|around|between|and|to|after|in the year|the year|as of) (?P<t>(?P<y>{_YEAR}))\b{_NOT_YEAR_AFTER}")),
    ("year", _rx(rf"{_NOT_YEAR_BEFORE}\b(?P<t>(?P<y>(?:19|20)\d{{2}}))\b(?:'s)?{_NOT_YEAR_AFTER}")),
    ("decade", _rx(r"\b(?P<t>(?:the )?(?:(?P<part>early|mid|late)[- ])?(?:(?P<c>1[0-9]|20)(?P<dd>\d)0|'(?P<short>\d)0)s)\b")),
    ("decade_word", _rx(r"\b(?P<t>the (?:(?P<part>early|mid|late)[- ])?(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b")),
    ("by_month", _rx(rf"\b(?P<t>(?i:by|before|until|till)(?i: the end of)? (?P<mon>{_FULL_MONTH}))\b(?! \d)")),
    ("prep_month", _rx(rf"\b(?i:in|since|during|from|through|until|till|of|between|and|to|after|before|early|late|mid-|throughout) (?P<t>(?:(?P<part>(?i:early|mid|late))[- ])?(?P<mon>{_FULL_MONTH}))\b(?! \d)")),
    ("rel_month", _rx(rf"\b(?P<t>(?P<rel>(?i:last|next|this|this past|past|coming)) (?P<mon>{_FULL_MONTH}))\b(?! \d)")),
    ("weekday", _rx(rf"\b(?P<t>(?:(?P<rel>(?i:last|next|this|this past|coming|by)) )?(?P<wd>{_WEEKDAY})(?: (?i:morning|afternoon|evening|night))?)\b(?!,? (?:\d|{_MONTH}))")),
    ("deictic", _rx(r"\b(?P<t>(?:the day before yesterday|the day after tomorrow|(?P<word>yesterday|today|tomorrow|tonight)(?: (?:morning|afternoon|evening|night))?|(?:this|last) (?:morning|afternoon|evening|night)))\b")),
    ("this_unit", _rx(r"\b(?P<t>(?:(?P<edge>earlier|later|by the end of|by the end|until the end of|at the end of|at the start of|at the beginning of|since the start of|since the beginning of|by|until|since|before|in|over|during|throughout) )?(?:the )?(?P<rel>this|last|next|past|previous|coming|current|present) (?P<unit>week|weekend|month|year|decade|century|spring|summer|autumn|fall|winter))\b(?!\s+(?:alone|or so))")),
    ("the_year", _rx(r"\b(?P<t>by the end of the (?P<unit>year|month|week|decade)|by year-end|by the year's end|by the end of the century)\b")),
    ("ago", _rx(rf"\b(?P<t>(?:(?P<hedge>{_HEDGE}) )?(?:(?P<n>{_NUM}) )?(?P<unit>{_UNIT}|days|weeks|months|years|decades|centuries)(?:['’]s)? ago)\b")),
    ("vague_ago", _rx(r"\b(?P<t>(?:long|not long|some time|a while|a long time|many years|many months|years|months|weeks|decades|days) ago)\b")),
    ("later", _rx(rf"\b(?P<t>(?:(?P<hedge>{_HEDGE}) )?(?P<n>{_NUM}) (?P<unit>{_UNIT}|days|weeks|months|years|decades|centuries) (?P<dir>later|earlier|afterwards?|previously|before(?=[,.;:\"”)]|$)|after(?=[,.;:\"”)]|$)|on(?=[,.;:\"”)]|$)))")),
    ("vague_later", _rx(r"\b(?P<t>(?:many |several |a few |some )?(?:years|months|weeks|decades|days) (?:later|earlier|afterwards))\b")),
    ("next_unit", _rx(r"\b(?P<t>the (?P<dir>next|following|previous|preceding|same) (?P<unit>day|morning|afternoon|evening|night|week|weekend|month|year))\b")),
    ("day_before", _rx(r"\b(?P<t>the (?P<unit>day|week|month|year|night) (?P<dir>before|after)(?=[,.;:\"”)]|$))")),
    ("that_unit", _rx(r"\b(?P<t>(?:(?P<edge>earlier|later) )?that (?P<unit>day|morning|afternoon|evening|night|week|month|year|summer|spring|autumn|winter))\b")),
    ("within", _rx(rf"\b(?P<t>(?P<prep>within|in|over|during|for|inside|in less than|in under|in about) (?:(?P<hedge>at least|about|around|another|up to|roughly|nearly|some) )?(?:the )?(?:(?P<rel>next|coming|following|past|last|previous) )?(?P<n>{_NUM}) (?:(?P<more>more|further|additional) )?(?P<unit>{_UNIT}|days|weeks|months|years|decades|centuries)(?P<time>['’]s? time)?(?: (?P<tail>from now|to come|ahead))?)\b")),
    ("future_vague", _rx(r"\b(?P<t>in the (?:coming|next few|next|following) (?:days|weeks|months|years|decades)|in the (?:near |foreseeable |distant )?future|in the years to come|soon)\b")),
    ("present", _rx(r"\b(?P<t>these days|nowadays|currently|at present|at the moment|right now|at this time)\b")),
    ("past_vague", _rx(r"\b(?P<t>recently|lately|in recent (?:days|weeks|months|years|decades)|in the past|in the past few (?:days|weeks|months|years|decades))\b")),
]

# A word every match of a rule holds (``TimexRules.needs``): a text without it skips the rule.
# Only where the rule's scan costs more than the search for its word (measured on the PolNeAR
# dev texts: "ago" is in about 3 in 10 of them, and its rule tries numbers and units at every
# word).
_AGO = re.compile(r"ago\b", re.I)
_NEEDS = {"ago": _AGO, "vague_ago": _AGO}

# (value, precision, anchor, whether the chain breaks); precision "skip": not an expression.
_Result = tuple[str | None, str, When | None, bool]


def _full_date(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``2020-08-20``, ``August 20, 2020``, ``20 August 2020``."""
    rule = h.rule
    mon = int(g["m"]) if rule == "iso" else _MONTHS[g["mon"].lower().rstrip(".")]
    try:
        w = When(date(int(g["y"]), mon, int(g["d"])), "day")
    except ValueError:
        return None, "day", None, False
    return fmt(w), "day", w, False


def _day_month(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``August 20``: the year of the date relatives count from (the next one in a sentence about the future)."""
    mon = _MONTHS[g["mon"].lower().rstrip(".")]
    ref, _ = ctx.ref()
    if ref is None:
        return f"{UNKNOWN_YEAR}-{mon:02d}-{int(g['d']):02d}", "day", None, False
    y = _month_in_year(mon, ref, future)
    try:
        w = When(date(y, mon, int(g["d"])), "day")
    except ValueError:
        return None, "day", None, False
    return fmt(w), "day", w, False


def _month_year(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``August 2020``."""
    w = When(date(int(g["y"]), _MONTHS[g["mon"].lower().rstrip(".")], 1), "month")
    return fmt(w), "month", w, False


def _year(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``in 1978``, ``by 2027``, ``early 2020``."""
    rule = h.rule
    w = When(date(int(g["y"]), 1, 1), "year")
    # "by 2027" is a deadline, not a date something happened on: do not anchor on it.
    return fmt(w), "year", (None if rule == "by_year" else w), False


def _decade(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``the 1990s``, ``the '90s``."""
    if g.get("short"):
        y = 1900 + int(g["short"]) * 10
    else:
        y = int(g["c"]) * 100 + int(g["dd"]) * 10
    w = When(date(y, 1, 1), "decade")
    return fmt(w), "decade", None, False


def _decade_word(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``the nineties``."""
    w = When(date(1900 + _DECADE_WORDS[g["w"]] * 10, 1, 1), "decade")
    return fmt(w), "decade", None, False


def _month(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``in March``, ``by March``, ``last March``."""
    rule = h.rule
    mon = _MONTHS[g["mon"].lower()]
    ref, _ = ctx.ref()
    if ref is None:
        return f"{UNKNOWN_YEAR}-{mon:02d}", "month", None, False
    rel = (g.get("rel") or "").lower()
    fut = future or rule == "by_month" or rel in ("next", "coming")
    if rel in ("last", "past", "this past"):
        fut = False
    y = _month_in_year(mon, ref, fut)
    if rel == "next" and ref.grain != "year" and y == ref.day.year and mon <= ref.day.month:
        y += 1
    w = When(date(y, mon, 1), "month")
    return fmt(w), "month", (None if rule == "by_month" else w), False


def _weekday(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``on Friday``, ``next Monday``: counted from the publication day."""
    pub = ctx.published
    rel = (g.get("rel") or "").lower()
    wd = _WEEKDAYS.index(g["wd"].lower())
    # A bare weekday that starts a sentence or follows a name is usually fine; one
    # preceded by nothing but a capitalised word ("Black Friday") is a name.
    before = ctx.text[max(0, h.start - 12):h.start]
    if not rel and re.search(r"[A-Z][a-z]+ $", before):
        return None, "skip", None, False
    if pub is None or pub.grain != "day":
        return None, "approximate", None, False
    fut = rel in ("next", "coming", "by") or (rel in ("", "on", "this") and future)
    days = (wd - pub.day.weekday()) % 7
    if fut:
        # "next Friday": the coming one (the commoner reading in news).
        d = pub.day + timedelta(days=days or 7)
    else:
        back = (pub.day.weekday() - wd) % 7
        d = pub.day - timedelta(days=back or (7 if rel in ("last", "this past") else 0))
    w = When(d, "day")
    return fmt(w), "day", w, False


def _deictic(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``yesterday``, ``tonight``, ``the day after tomorrow``."""
    pub = ctx.published
    t = h.m.group("t").lower()
    if pub is None:
        return None, "approximate", None, False
    off = -2 if "before yesterday" in t else 2 if "after tomorrow" in t else \
        -1 if t.startswith("yesterday") or t.startswith("last") else \
        1 if t.startswith("tomorrow") else 0
    w = When(pub.day + timedelta(days=off), pub.coarser("day"))
    return fmt(w), w.grain if w.grain != "week" else "approximate", w, False


def _this_unit(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``this week``, ``last year``, ``by the end of this month``, ``next summer``."""
    pub = ctx.published
    unit, rel = g["unit"].lower(), g["rel"].lower()
    edge = (g.get("edge") or "").lower()
    if pub is None:
        return None, "approximate", None, False
    step = {"this": 0, "current": 0, "present": 0, "last": -1, "past": -1, "previous": -1,
            "next": 1, "coming": 1}[rel]
    if unit in _SEASONS:
        month = _SEASONS[unit]
        y = pub.day.year + (step if step else 0)
        if rel in ("last", "past", "previous") and month < pub.day.month:
            y = pub.day.year
        if rel in ("next", "coming") and month > pub.day.month:
            y = pub.day.year
        # A season straddles months (and winter straddles years): keep the year only.
        return f"{y:04d}", "approximate", None, False
    u = {"weekend": "week"}.get(unit, unit)
    w = shift(pub, abs(step), u, 1 if step >= 0 else -1) if step else When(pub.day, pub.coarser(u))
    grain = w.coarser(u if u != "century" else "century")
    w = When(w.day, grain)
    # "the past year"/"over the past decade" is a span ending now; give its start.
    precision = "approximate" if grain in ("week", "century") or edge in ("earlier", "later") else grain
    if edge.startswith("by") or edge.startswith("until"):
        precision = grain if grain not in ("week", "century") else "approximate"
    return fmt(w), precision, None, False


def _end_of_unit(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``by the end of the year``, ``by year-end``."""
    pub = ctx.published
    if pub is None:
        return None, "approximate", None, False
    unit = (g.get("unit") or "year").lower()
    if "century" in h.m.group("t"):
        unit = "century"
    w = When(pub.day, pub.coarser(unit))
    return fmt(w), unit if unit in ("month", "year", "decade") else "approximate", None, False


def _count(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``two years ago``, ``six months later``, ``within two years``, ``for ten more years``."""
    rule = h.rule
    pub = ctx.published
    unit = g["unit"].lower()
    raw_n = g.get("n")
    if raw_n is None:
        return "PAST_REF", "approximate", None, True
    n, vague = _number(raw_n)
    hedge = (g.get("hedge") or "").lower()
    approx = vague or hedge in _HEDGE_APPROX or (unit.endswith("s") and raw_n is None)
    base_unit = unit.rstrip("s") if unit != "centuries" else "century"
    if rule == "ago":
        ref, anchored = pub, False
        sign = -1
    elif rule == "later":
        ref, anchored = ctx.ref()
        d = g["dir"].lower()
        sign = -1 if d in ("earlier", "before", "previously") else 1
    else:
        prep = g["prep"].lower()
        more = g.get("more") or (hedge == "another") or g.get("tail") or g.get("time")
        rel = (g.get("rel") or "").lower()
        if prep == "for" and not (more or rel in ("next", "coming", "following")):
            return None, "skip", None, False  # a plain duration ("for two years")
        if prep in ("in", "over", "during") and not (more or rel or future or g.get("time")):
            return None, "skip", None, False  # "in two years he rose..." is a duration
        if rel in ("past", "last", "previous"):
            ref, anchored, sign = pub, False, -1
        else:
            ref, anchored, sign = pub, False, 1
    if ref is None:
        return (None, "approximate", None, rule == "later")
    w = shift(ref, n, base_unit, sign)
    grain = w.grain
    if rule == "later" and not anchored:
        # Counting from publication would be a guess: keep the side of it only.
        return ("FUTURE_REF" if future else "PAST_REF"), "approximate", None, True
    precision = "approximate" if approx or grain in ("week", "century") else grain
    return fmt(w), precision, (w if rule in ("ago", "later") else None), False


def _vague_ago(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``years ago``: the past, and the chain of relatives breaks."""
    return "PAST_REF", "approximate", None, True


def _vague_later(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``years later``: a side of publication only; the chain breaks."""
    return ("FUTURE_REF" if future else "PAST_REF"), "approximate", None, True


def _next_unit(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``the next day``, ``the week before``, ``that year``: from the last date written."""
    unit = g["unit"].lower()
    ref, anchored = ctx.ref()
    if ref is None:
        return None, "approximate", None, False
    d = (g.get("dir") or "").lower()
    if unit in ("morning", "afternoon", "evening", "night"):
        unit = "day"
    if unit in ("summer", "spring", "autumn", "winter"):
        unit = "year"
    unit = "week" if unit == "weekend" else unit
    if d in ("next", "following", "after"):
        w = shift(ref, 1, unit, 1)
    elif d in ("previous", "preceding", "before"):
        w = shift(ref, 1, unit, -1)
    else:  # "the same day", "that year"
        w = When(ref.day, ref.coarser(unit))
    if not anchored:
        # No date written before it: "the next day" after what?  Only the side of
        # the publication date it falls on is known.
        return ("FUTURE_REF" if future else "PAST_REF"), "approximate", None, False
    precision = "approximate" if w.grain == "week" else w.grain
    return fmt(w), precision, w, False


def _future_vague(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``in the coming years``, ``soon``."""
    return "FUTURE_REF", "approximate", None, False


def _present(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``these days``, ``currently``."""
    return "PRESENT_REF", "approximate", None, False


def _past_vague(h: Hit, g: dict[str, Any], ctx: Context, future: bool) -> _Result:
    """``recently``, ``in the past``."""
    return "PAST_REF", "approximate", None, False


_RESOLVE = {
    "iso": _full_date,
    "mdy": _full_date,
    "dmy": _full_date,
    "md": _day_month,
    "dm": _day_month,
    "my": _month_year,
    "by_year": _year,
    "prep_year": _year,
    "year": _year,
    "part_year": _year,
    "decade": _decade,
    "decade_word": _decade_word,
    "by_month": _month,
    "prep_month": _month,
    "rel_month": _month,
    "weekday": _weekday,
    "deictic": _deictic,
    "this_unit": _this_unit,
    "the_year": _end_of_unit,
    "ago": _count,
    "later": _count,
    "within": _count,
    "vague_ago": _vague_ago,
    "vague_later": _vague_later,
    "next_unit": _next_unit,
    "day_before": _next_unit,
    "that_unit": _next_unit,
    "future_vague": _future_vague,
    "present": _present,
    "past_vague": _past_vague,
}


class EnglishTimes:
    """:class:`~clipfile.analysis.timex.TimexRules` for English."""

    rules = _RULES
    needs = _NEEDS
    paragraph_break = "\n"  # news puts every paragraph on its own line

    def span(self, m: re.Match[str]) -> tuple[int, int]:
        return m.span("t")

    def resolve(self, hit: Hit, ctx: Context) -> Resolved | None:
        future = _future_context(ctx.text, hit.start)
        value, precision, anchor, breaks = _RESOLVE[hit.rule](hit, hit.m.groupdict(), ctx, future)
        if precision == "skip":
            return None
        return Resolved(value, precision, anchor, breaks)


TIMES = EnglishTimes()


def find_times(text: str, *, published: str | None, start: int = 0, end: int | None = None) -> list[TimeExpr]:
    """English temporal expressions in ``text[start:end]`` (:func:`clipfile.analysis.timex.find_times`)."""
    return _find_times(text, TIMES, published=published, start=start, end=end)
