"""Russian forecast hooks on the natasha parse (:class:`~clipfile.lang.base.ForecastSyntax`).

The forms the shared stage (:mod:`clipfile.analysis.forecasts`, docs/analysis.md) finds in
the natasha parse:

* future: ``будет`` + infinitive, ``будет``/``будут`` as a verb (``налогов не будет``), or a
  perfective verb in the future tense (``уйдёт``, ``останется``, ``станет``);
* expectation: ``ожидает/прогнозирует/предсказывает, что …``;
* intention: ``намерен``, ``собирается``, ``планирует``, ``обещает`` + infinitive (not in the
  past: ``собирался`` is history);
* possibility: ``может``/``могут`` + infinitive, only with a condition, under a verb of belief
  or expectation, or with a deadline (a bare ``может`` is a hedge);
* condition clauses ``если``, ``если … не``, ``когда``, ``как только``, ``пока`` are recorded as
  the ``condition``; verbs inside them are not predictions.

Deadlines come from :func:`clipfile.lang.ru.timex.find_times`, plus the span forms a forecast
needs and that module leaves out (``до конца года``, ``ещё на десять лет``, ``в ближайшие два
года``), which resolve to their end.
"""
from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from ...analysis.markers import KENT, probability_terms
from ...analysis.referents import speaker_ref, stating_quote
from ...records import Entity, Marker, Quote, Ref, Span, TimeExpr
from ..base import Trigger
from .lexicon import SPEECH_VERBS
from .markers import LEXICON
from .parse import RuDoc, RuSentence, RuToken
from .referents import FUTURE_BE, RuReferents, is_future
from .timex import find_times

__all__ = ["RussianForecasts", "deadline_spans"]

_EXPECT = frozenset("ожидать прогнозировать спрогнозировать предсказывать предсказать предрекать "
                    "предречь предвидеть".split())
_INTEND = frozenset("намерен намеренный намереваться собираться планировать запланировать обещать "
                    "пообещать грозить пригрозить рассчитывать надеяться хотеть стремиться "
                    "решить".split())
_ATTITUDE = SPEECH_VERBS | _EXPECT | frozenset(
    "уверенный уверен убеждённый убежденный убеждён считать полагать думать бояться опасаться "
    "сомневаться верить исключить исключать".split())
_POSSIBLE = frozenset({"мочь", "смочь"})
_HABITUAL = frozenset("обычно часто всегда иногда регулярно как правило постоянно".split())
_CONDITION = frozenset({"если", "когда", "как", "пока", "коли", "раз"})
_PUNCT_EDGE = "\"'«»„“”()[]—–-,.;:!?… \t\n"

_NUMBERS = {"один": 1, "одну": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трёх": 3, "трех": 3,
            "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
            "пятнадцать": 15, "двадцать": 20, "тридцать": 30, "пару": 2, "несколько": 3}
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>лет|год(?:а|у)?|месяц(?:а|ев)?|недел(?:ю|и|ь)|дн(?:я|ей)|день)"
_MIN = r"(?:(?:как\s+)?минимум\s+|по\s+меньшей\s+мере\s+|хотя\s+бы\s+)?"
_SPANS = [
    ("end_of", re.compile(r"(?<![\w-])до\s+конца\s+(?:(?P<which>этого|текущего|следующего|будущего)\s+)?"
                          r"(?P<unit>года|месяца|недели)(?![\w-])", re.I)),
    ("more", re.compile(r"(?<![\w-])(?:ещ[её]\s+)" + _MIN + r"на\s+" + _NUM + r"\s+" + _UNIT
                        + r"(?:\s+вперёд|\s+вперед)?(?![\w-])", re.I)),
    ("ahead", re.compile(r"(?<![\w-])на\s+" + _NUM + r"\s+" + _UNIT + r"\s+впер[её]д(?![\w-])", re.I)),
    ("next", re.compile(r"(?<![\w-])в\s+(?:ближайшие|следующие)\s+" + _NUM + r"\s+" + _UNIT + r"(?![\w-])", re.I)),
]


def _published(published: str | None) -> date | None:
    m = re.match(r"\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def deadline_spans(text: str, *, published: str | None, start: int = 0, end: int | None = None) -> list[TimeExpr]:
    """Deadline spans the timex module leaves out, resolved to their end.

    ``до конца года`` → the publication year; ``ещё на десять лет`` → ten years after
    publication; ``на два года вперёд`` and ``в ближайшие два года`` likewise.
    """
    end = len(text) if end is None else end
    pub = _published(published)
    out = []
    for rule, rx in _SPANS:
        for m in rx.finditer(text, start, end):
            unit_word = m.group("unit").lower()
            unit = ("year" if unit_word.startswith(("год", "лет")) else
                    "month" if unit_word.startswith("месяц") else
                    "week" if unit_word.startswith("недел") else "day")
            value, precision = None, "approximate"
            if pub is not None and rule == "end_of":
                shift = 1 if (m.group("which") or "").lower() in {"следующего", "будущего"} else 0
                d = pub + (relativedelta(years=shift) if unit == "year" else
                           relativedelta(months=shift) if unit == "month" else relativedelta(weeks=shift))
                value, precision = {
                    "year": (f"{d.year:04d}", "year"),
                    "month": (f"{d.year:04d}-{d.month:02d}", "month"),
                    "week": (f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}", "approximate"),
                }[unit]
            elif pub is not None:
                word = m.group("n").lower()
                n = int(word) if word.isdigit() else _NUMBERS.get(word, 1)
                d = pub + {"year": relativedelta(years=n), "month": relativedelta(months=n),
                           "week": relativedelta(weeks=n), "day": relativedelta(days=n)}[unit]
                grain = "day" if unit in {"week", "day"} else unit
                value = (d.isoformat() if grain == "day" else f"{d.year:04d}" if grain == "year"
                         else f"{d.year:04d}-{d.month:02d}")
                precision = "approximate" if word == "несколько" else grain
            out.append(TimeExpr(m.start(), m.end(), text[m.start():m.end()], value, precision))
    return sorted(out, key=lambda t: t.start)


def _cond_marker(refs: RuReferents, clause: RuToken) -> list[RuToken] | None:
    """The subordinator of a condition clause (``если``, ``как только``), if it is one."""
    for c in refs.children(clause.i):
        if c.rel == "mark" and c.lemma in _CONDITION and c.i < clause.i:
            if c.lemma == "как" and not any(f.text.lower() == "только" for f in refs.children(c.i)):
                continue  # "как" alone compares; "как только" conditions
            return [c, *[f for f in refs.children(c.i) if f.rel == "fixed"]]
    return None


def _condition_of(refs: RuReferents, tok: RuToken):
    for c in refs.children(tok.i):
        if c.rel == "advcl":
            mark = _cond_marker(refs, c)
            if mark is not None:
                return c, mark
    return None


def _in_condition(refs: RuReferents, tok: RuToken) -> bool:
    t = tok
    for _ in range(20):
        if t.rel == "advcl" and _cond_marker(refs, t) is not None:
            return True
        if t.head < 0 or t.rel in {"acl", "acl:relcl"}:
            return False
        t = refs.tokens[t.head]
    return False


def _triggers(refs: RuReferents, sent_tokens: list[RuToken]):
    """(pred, trigger, form) per predictive construction, expectations and intentions first."""
    first, later = [], []
    for t in sent_tokens:
        kids = refs.children(t.i)
        if t.lemma in _EXPECT and t.pos == "VERB" and t.feats.get("Tense") != "Past":
            comp = [c for c in kids if c.rel in {"ccomp", "xcomp"} and c.pos in {"VERB", "AUX", "ADJ"}]
            if comp:
                first.append((comp[0], t, "expect"))
        elif t.lemma in _INTEND:
            past = t.feats.get("Tense") == "Past" or any(
                c.rel in {"cop", "aux"} and c.feats.get("Tense") == "Past" for c in kids)
            comp = [c for c in kids if c.rel == "xcomp" and c.feats.get("VerbForm") == "Inf"]
            if comp and not past:
                first.append((comp[0], t, "intend"))
        elif t.lemma in _POSSIBLE and t.feats.get("Tense") != "Past":
            comp = [c for c in kids if c.rel == "xcomp" and c.feats.get("VerbForm") == "Inf"]
            if comp:
                later.append((comp[0], t, "could"))
        elif t.lemma == "быть" and t.text.lower() in FUTURE_BE:
            if t.rel in {"aux", "cop"} and t.head >= 0:
                later.append((refs.tokens[t.head], t, "will"))
            elif t.pos in {"VERB", "AUX"}:
                later.append((t, t, "will"))
        elif t.pos == "VERB" and is_future(refs, t):
            later.append((t, t, "will"))
    return first + later


def _span(refs: RuReferents, idx: list[int]) -> tuple[int, int]:
    if not idx:
        return 0, 0
    toks = refs.tokens
    s, e = toks[min(idx)].start, toks[max(idx)].end
    text = refs.text
    while s < e and text[s] in _PUNCT_EDGE:
        s += 1
    while e > s and text[e - 1] in _PUNCT_EDGE:
        e -= 1
    m = re.match(r"(?:что|чтобы|и|а|но|то)\s+", text[s:e], re.I)
    if m:
        s += m.end()
    return s, e



class RussianForecasts:
    """:class:`~clipfile.lang.base.ForecastSyntax` for one natasha-parsed document."""

    def __init__(self, rudoc: RuDoc, entities: list[Entity], quotes: list[Quote], published: str | None) -> None:
        self.refs = RuReferents(rudoc, entities, quotes)
        self.text = self.refs.text
        self.published = published

    def sentences(self) -> list[RuSentence]:
        return self.refs.doc.sents

    def sentence_range(self, sent: RuSentence) -> tuple[int, int]:
        return sent.start, sent.end

    def is_question(self, sent: RuSentence) -> bool:
        return self.text[sent.start:sent.end].rstrip().rstrip("»\"“”").endswith("?")

    def triggers(self, sent: RuSentence) -> list[Trigger]:
        return [Trigger(*t) for t in _triggers(self.refs, self.refs.tokens[sent.first:sent.last])]

    def skip(self, t: Trigger) -> bool:
        """Inside a condition clause, or habitual: "обычно выступит" describes, not predicts."""
        refs = self.refs
        if _in_condition(refs, t.pred) or _in_condition(refs, t.trigger):
            return True
        return any(c.lemma in _HABITUAL or c.text.lower() in _HABITUAL for c in refs.children(t.pred.i))

    def condition(self, t: Trigger):
        refs = self.refs
        cond = _condition_of(refs, t.pred)
        if cond is None:
            for anc in [t.trigger, *refs.ancestors(t.pred.i)[:2]]:
                cond = _condition_of(refs, anc)
                if cond is not None:
                    break
        return cond

    def event(self, t: Trigger, cond, quote: Quote | None) -> tuple[int, int, list[int]]:
        """The predicted clause without its condition, a clause of its own (``— сказал он``)
        or a parenthetical (``вероятно,``), inside the quote it stands in."""
        pred, trigger, form = t
        refs = self.refs
        excluded: set[int] = set()
        if cond is not None:
            excluded |= set(refs.subtree(cond[0].i))
        for c in refs.children(pred.i):
            if c.rel == "parataxis" or (c.rel == "conj" and refs.subject(c.i) is not None):
                excluded |= set(refs.subtree(c.i))
            if c.rel == "mark":
                excluded.add(c.i)
        ev = [i for i in refs.subtree(pred.i) if i not in excluded]
        if form == "will" and trigger.i != pred.i:
            ev.append(trigger.i)
        if form in {"intend", "could"} or (form == "will" and trigger.rel == "cop"):
            s = refs.subject(trigger.i)
            if s is not None and form == "will":
                ev += refs.subtree(s.i)
        if quote is not None:
            ev = [i for i in ev if quote.start <= refs.tokens[i].start < quote.end]
        ev_start, ev_end = _span(refs, ev)
        return ev_start, ev_end, ev

    def attitude_above(self, t: Trigger) -> bool:
        return any(a.lemma in _ATTITUDE for a in self.refs.ancestors(t.trigger.i))

    def condition_span(self, cond) -> tuple[Span, Marker] | None:
        clause, mark = cond
        cs, ce = _span(self.refs, self.refs.subtree(clause.i))
        # Keep the subordinator: "если Запад не вмешается".
        cs = min(cs, mark[0].start)
        if ce <= cs:
            return None
        ms, me = mark[0].start, max(t.end for t in mark)
        return Span(cs, ce, self.text[cs:ce]), Marker(ms, me, self.text[ms:me], "condition")

    def marker(self, tok: RuToken, kind: str) -> Marker:
        return Marker(tok.start, tok.end, tok.text, kind)

    def forecaster(self, t: Trigger) -> tuple[Ref | None, Quote | None]:
        """The quote's speaker, else the subject of an attitude verb above, else a sayer."""
        pred, trigger, form = t
        refs = self.refs
        quote = stating_quote(refs.quotes, trigger.start)
        if speaker_ref(quote) is not None:
            return speaker_ref(quote), quote
        chain = ([trigger] if form == "expect" else []) + refs.ancestors(pred.i)
        for tok in chain:
            if tok.lemma in _ATTITUDE and tok.i != pred.i:
                s = refs.subject(tok.i)
                if s is not None:
                    ref = refs.resolve(s.i)
                    if ref is not None:
                        return ref, quote
        for tok in refs.sent_tokens(pred.sent):
            if tok.lemma in SPEECH_VERBS | _EXPECT and tok.i != pred.i:
                s = refs.subject(tok.i)
                if s is not None and refs.resolve(s.i) is not None:
                    return refs.resolve(s.i), quote
        return None, quote

    def target(self, t: Trigger, ev: list[int], forecaster: Ref | None) -> Ref | None:
        pred, trigger, form = t
        refs = self.refs
        subj = refs.subject(pred.i)
        if subj is None and form in {"intend", "could"}:
            subj = refs.subject(trigger.i)
        if subj is None and form == "will" and trigger.i != pred.i:
            subj = refs.subject(trigger.i)
        if subj is not None:
            ref = refs.resolve(subj.i)
            if ref is not None:
                return ref
        return refs.first_ref(ev)

    def probability(self, t: Trigger) -> tuple[float, str | None, list[Marker]]:
        pred, trigger, form = t
        refs = self.refs
        sent = refs.doc.sents[pred.sent]
        terms = [(s + sent.start, e + sent.start, term, cat)
                 for s, e, term, cat in probability_terms(self.text[sent.start:sent.end], LEXICON)]

        def term_at(tok: RuToken):
            return next((t for t in terms if t[0] <= tok.start < t[1]), None)

        found = term_at(trigger)
        # An adverb on the predicted verb ("вероятно", "наверняка") is more specific.
        for c in refs.children(pred.i):
            if c.rel in {"advmod", "parataxis", "discourse"}:
                found = term_at(c) or found
        # An attitude above the prediction ("уверен, что …", "не исключено, что …").
        if found is None or found[3] in {"almost certain", "chances about even"}:
            for tok in ([trigger] if form == "expect" else []) + refs.ancestors(pred.i)[:3]:
                above = next((term_at(c) for c in [tok, *refs.children(tok.i)] if term_at(c)), None)
                if above is not None:
                    found = above
                    break
        if found is None:
            if form == "will":
                # A perfective future has no separate word: the verb itself is the plain "will".
                return KENT["almost certain"][0], trigger.text, [self.marker(trigger, "probability")]
            if form == "intend":
                return KENT["probable"][0], trigger.text, [self.marker(trigger, "probability")]
            return KENT["probable"][0], None, []
        s, e, term, cat = found
        return KENT[cat][0], term, [Marker(s, e, self.text[s:e], "probability")]

    def deadline(self, sent, lo: int, hi: int) -> TimeExpr | None:
        times = find_times(self.text, published=self.published, start=sent.start, end=sent.end)
        times += deadline_spans(self.text, published=self.published, start=sent.start, end=sent.end)
        for t in sorted(times, key=lambda t: (t.start, -(t.end - t.start))):
            if lo <= t.start and t.end <= hi and t.value not in {"PAST_REF", "PRESENT_REF"}:
                return t
        return None
