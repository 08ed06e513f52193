"""Temporal expressions: a language's patterns find them, one resolver normalises them.

Each :class:`~clipfile.records.TimeExpr` has

* ``text``: the expression as written.  Signal words that change the meaning of a deadline
  (``by 2027``, ``within two years``, ``до 2027 года``) are kept in the span; a plain locative
  preposition (``in 1978``, ``в 1978 году``) is not.
* ``value``: ISO 8601 truncated to the grain of the expression: ``2020-08-20`` (day),
  ``2020-08`` (month), ``2020`` (year), ``199`` (decade, the TimeML convention for "the 1990s"),
  ``2020-W35`` (a week), or one of TimeML's ``PAST_REF``/``PRESENT_REF``/``FUTURE_REF`` for
  vague references (``years ago``, ``these days``, ``in the coming months``); None when the
  expression cannot be placed (a relative expression with no date to count from).
* ``precision``: ``day``, ``month``, ``year``, ``decade`` or ``approximate`` (hedged
  quantities such as ``about six months later``, weeks, vague references, unanchored
  relatives).

Spans (``within two years``, ``for ten more years``, ``by 2027``) get their END as value.
Relative expressions (``the next day``, ``six months later``, ``спустя полгода``) count from
the last date written in the same or the previous paragraph, and from the publication date
when there is none; a vague expression (``years later``) may break the chain.

What is shared (:func:`find_times`): choosing among overlapping matches, paragraphs, the
chain of anchors, and the calendar (:class:`When`, :func:`shift`, :func:`fmt`,
:func:`bounds`).  What a language gives (:class:`TimexRules`): its patterns and what each
one means, read with the :class:`Context` of the match.
"""
from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol, cast

from dateutil.relativedelta import relativedelta

from ..records import TimeExpr
from .problems import isolated

__all__ = [
    "When", "Hit", "Resolved", "Context", "TimexRules", "UNKNOWN_YEAR",
    "find_times", "parse_published", "bounds", "fmt", "shift",
]

# TimeML writes a date whose year cannot be known with four X characters in place of the year.
UNKNOWN_YEAR = "X" * 4
_GRAINS = ["day", "week", "month", "year", "decade", "century"]


@dataclass(slots=True)
class When:
    """A resolved point: its first day and the coarsest unit it is known to."""

    day: date
    grain: str

    def coarser(self, grain: str) -> str:
        return max(self.grain, grain, key=_GRAINS.index)


def parse_published(published: str | None) -> When | None:
    """Read an ISO date/datetime (``2020-08-20``, ``2020-08-20T10:15Z``, ``2020-08``, ``2020``)."""
    if not published:
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published)
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        if d:
            return When(date(int(y), int(mo), int(d)), "day")
        if mo:
            return When(date(int(y), int(mo), 1), "month")
        return When(date(int(y), 1, 1), "year")
    except ValueError:
        return None


def fmt(when: When, grain: str | None = None) -> str:
    g = grain or when.grain
    d = when.day
    if g == "day":
        return d.isoformat()
    if g == "week":
        iso = d.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if g == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if g == "year":
        return f"{d.year:04d}"
    if g == "decade":
        return f"{d.year // 10:03d}"
    return f"{d.year // 100:02d}"


def bounds(value: str | None) -> tuple[date, date] | None:
    """First and last day covered by a ``TimeExpr.value`` (None for REF values and None).

    Useful to sort a timeline: ``1978`` -> (1978-01-01, 1978-12-31), ``199`` -> the 1990s.
    """
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            d = date.fromisoformat(value)
            return d, d
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            d = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return d, d + timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            d = date(int(m.group(1)), int(m.group(2)), 1)
            return d, d + relativedelta(months=1) - timedelta(days=1)
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1), date(int(value), 12, 31)
        if re.fullmatch(r"\d{3}", value):
            return date(int(value) * 10, 1, 1), date(int(value) * 10 + 9, 12, 31)
        if re.fullmatch(r"\d{2}", value):
            return date(int(value) * 100, 1, 1), date(int(value) * 100 + 99, 12, 31)
    except ValueError:
        return None
    return None


def shift(when: When, n: float, unit: str, sign: int) -> When:
    """Move ``n`` units (n may be a half) forwards or backwards; keep the coarser grain."""
    unit = unit.lower().rstrip("s")
    if unit == "fortnight":
        delta, grain = relativedelta(days=14 * n), "week"
    elif unit == "day":
        delta, grain = relativedelta(days=int(n)), "day"
    elif unit == "week":
        delta, grain = relativedelta(days=int(7 * n)), "week"
    elif unit == "month":
        delta, grain = relativedelta(months=int(n), days=int((n % 1) * 30)), "month"
    elif unit == "year":
        delta, grain = relativedelta(years=int(n), months=int((n % 1) * 12)), "year"
        if n % 1:
            grain = "month"
    elif unit == "decade":
        delta, grain = relativedelta(years=int(10 * n)), "year"
    else:  # century
        delta, grain = relativedelta(years=int(100 * n)), "decade"
    day = when.day + delta if sign > 0 else when.day - delta
    return When(day, when.coarser(grain))


@dataclass(slots=True)
class Hit:
    """One pattern match: the expression's span, the rule's name and the match."""

    start: int
    end: int
    rule: str
    m: re.Match[str]

@dataclass(slots=True)
class Resolved:
    """What a match means: ``value`` and ``precision`` (see the module docstring), the date it
    sets for the relatives after it (``anchor``), whether it breaks their chain (``breaks``)
    and, when the expression starts later than the match, where (``start``)."""

    value: str | None
    precision: str
    anchor: When | None = None
    breaks: bool = False
    start: int | None = None


class Context:
    """What a rule may read when it resolves a match: the text, the publication date and the
    date relatives count from."""

    def __init__(self, text: str, published: When | None) -> None:
        self.text = text
        self.published = published
        self.anchor: When | None = None
        self.anchor_par = -10
        self.par = 0  # the paragraph of the match being resolved

    def ref(self) -> tuple[When | None, bool]:
        """The date relatives count from, and whether it is a date written in the text (in the
        same or the previous paragraph) rather than the publication date."""
        if self.anchor is not None and self.par - self.anchor_par <= 1:
            return self.anchor, True
        return self.published, False


class TimexRules(Protocol):
    """A language's time expressions: named patterns and what each match means.

    It may also have ``needs``: rule name -> an expression every match of that rule contains,
    so that a text without it skips the rule (:func:`_candidates`)."""

    @property
    def rules(self) -> Sequence[tuple[str, re.Pattern[str]]]:
        """Named patterns, most specific first (of two equally long overlapping matches, the
        earlier rule's wins)."""
        ...

    @property
    def paragraph_break(self) -> str:
        """What separates paragraphs, and so how far a written date carries for the relatives
        after it (the same paragraph and the next): "\n" (every line) or "\n\n" (blank lines)."""
        ...

    def span(self, m: re.Match[str]) -> tuple[int, int]:
        """The expression's span within a match."""
        ...

    def resolve(self, hit: Hit, ctx: Context) -> Resolved | None:
        """What ``hit`` means, or None when it is no time expression after all."""
        ...


def _candidates(text: str, rules: TimexRules, start: int, end: int) -> list[Hit]:
    """Non-overlapping matches in text order."""
    hits: list[Hit] = []
    # A language may name, per rule, an expression every match of the rule contains (``needs``:
    # a word such as "ago"); a rule whose word the stretch lacks cannot match and is not run,
    # which spares rules that try many words at every word start their scan of most texts.
    needs = getattr(rules, "needs", None) or {}
    for name, rx in rules.rules:
        need = needs.get(name)
        if need is not None and need.search(text, start, end) is None:
            continue
        for m in rx.finditer(text, start, end):
            s, e = rules.span(m)
            if e > s:
                hits.append(Hit(s, e, name, m))
    # Longest first, then earliest, then by rule order (more specific rules are listed first).
    order = {name: i for i, (name, _) in enumerate(rules.rules)}
    hits.sort(key=lambda h: (-(h.end - h.start), h.start, order[h.rule]))
    chosen: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for h in hits:
        if any(h.start < e and s < h.end for s, e in taken):
            continue
        chosen.append(h)
        taken.append((h.start, h.end))
    chosen.sort(key=lambda h: h.start)
    return chosen


def find_times(text: str, rules: TimexRules, *, published: str | None, start: int = 0,
               end: int | None = None) -> list[TimeExpr]:
    """Temporal expressions in ``text[start:end]``, offsets into ``text``.

    Args:
        text: the document text.
        rules: the language's patterns (``Language.times``).
        published: the publication date (ISO date or datetime) relatives count from, or None.
        start, end: the stretch to search; relatives are anchored only on dates found inside it.

    Returns:
        The expressions in order of appearance, each normalised (see the module docstring).
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    if start >= end:
        return []
    # The forecast and the event stages both read a document's times: scan it once.
    key = (text, cast(Hashable, rules), published, start, end)
    found = _TIMES_CACHE.get(key)
    if found is None:
        found, clean = _find_times(text, rules, published, start, end)
        if clean:  # a scan that skipped an expression is redone, so each stage records the skip
            _TIMES_CACHE[key] = found
            while len(_TIMES_CACHE) > _TIMES_CACHE_SIZE:
                _TIMES_CACHE.popitem(last=False)
    return list(found)


# A few recent scans, keyed by text, the language's rules (by identity), publication date and
# stretch: the forecast and event stages of one analysis read the same times.
_TIMES_CACHE: OrderedDict[tuple, tuple[TimeExpr, ...]] = OrderedDict()
_TIMES_CACHE_SIZE = 8


def _find_times(text: str, rules: TimexRules, published: str | None, start: int,
                end: int) -> tuple[tuple[TimeExpr, ...], bool]:
    """The times in ``text[start:end]``, and whether every expression was read without a failure."""
    ctx = Context(text, parse_published(published))
    breaks = [m.start() for m in re.compile(re.escape(rules.paragraph_break)).finditer(text, start, end)]
    out: list[TimeExpr] = []
    clean = True
    for h in _candidates(text, rules, start, end):
        ctx.par = bisect.bisect_left(breaks, h.start)
        r = None
        with isolated("time expression", h.start, h.end) as item:  # a failure skips this expression only
            r = rules.resolve(h, ctx)
        clean = clean and not item.failed
        if r is None:
            continue
        if r.anchor is not None:
            ctx.anchor, ctx.anchor_par = r.anchor, ctx.par
        elif r.breaks:
            ctx.anchor, ctx.anchor_par = None, -10
        s = h.start if r.start is None else r.start
        out.append(TimeExpr(start=s, end=h.end, text=text[s:h.end], value=r.value, precision=r.precision))
    return tuple(out), clean
