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

import functools
import re
from datetime import date

from dateutil.relativedelta import relativedelta

from ...analysis.forecasts import is_deadline
from ...analysis.markers import KENT, probability_terms
from ...analysis.referents import speaker_ref, stating_quote
from ...records import Entity, Marker, Quote, Ref, Span, TimeExpr
from ..base import Trigger
from .lexicon import SOURCE_FORMS, SPEECH_VERBS
from .markers import LEXICON
from .parse import RuDoc, RuSentence, RuToken
from .referents import FUTURE_BE, RuReferents, is_future
from .timex import find_times

__all__ = ["RussianForecasts", "deadline_spans"]

_EXPECT = frozenset("ожидать прогнозировать спрогнозировать предсказывать предсказать предрекать "
                    "предречь предвидеть".split())
_INTEND = frozenset("намерен намеренный намереваться собираться планировать запланировать обещать "
                    "пообещать грозить пригрозить рассчитывать хотеть стремиться решить готовиться "
                    "предполагать".split())
# Hopes and wishes are not forecasts, nor what they govern ("выразил надежду, что ему удастся").
_WISH = frozenset("надеяться надежда желать пожелать мечтать мечта просить попросить призвать "
                  "призывать требовать потребовать".split())
# Nouns naming a plan, with an infinitive: "планы НАТО создать силы", "заявили о планах снять".
_PLAN_NOUNS = frozenset("план намерение решение обещание готовность угроза".split())
# Organisations and bodies that speak and plan (inanimate in the morphology, unlike people).
_BODY_NOUNS = frozenset("""
правительство министерство ведомство компания фирма корпорация банк концерн холдинг группа
партия комитет комиссия совет суд прокуратура полиция администрация мэрия правление
руководство федерация ассоциация союз агентство служба пресс-служба организация университет
театр киностудия студия издание газета журнал редакция кремль парламент дума госдума сенат
армия штаб фонд центр институт управление департамент оператор биржа регулятор
""".split())
# Optative particles: "Пусть победит сильнейший!" wishes, it does not predict.
_OPTATIVE = frozenset({"пусть", "пускай", "да"})
# Interrogative and free-relative subjects: "кто станет", "будь что будет".
_WH_SUBJECT = frozenset({"кто", "что", "какой"})
# Adjuncts that concede are not part of what is predicted (", несмотря на планы НАТО").
_CONCESSIVE = frozenset({"несмотря", "хотя", "невзирая"})
# What anchors a time expression in the past: "с 1917 года", "ещё в декабре 2005 года".
_PAST_BEFORE = re.compile(r"(?:(?<![\w-])(?:начиная\s+)?со?|(?<![\w-])(?:ещё|еще|уже)\s+в|(?<![\w-])с\s+конца)\s+$",
                          re.I)
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


def _triggers(refs: RuReferents, sent_tokens: list[RuToken], scheduled=lambda t: False):
    """(pred, trigger, form) per predictive construction, expectations and intentions first;
    ``scheduled`` tells whether a present-tense verb is fixed by a time ahead (``стартует 2 марта``)."""
    first, later = [], []
    for t in sent_tokens:
        kids = refs.children(t.i)
        if t.lemma in _PLAN_NOUNS and t.pos == "NOUN":
            comp = [c for c in kids if c.rel in {"nmod", "acl", "xcomp"} and c.feats.get("VerbForm") == "Inf"]
            owner = any(_owner(c) for c in kids)
            reported = t.head >= 0 and refs.tokens[t.head].lemma in SPEECH_VERBS
            if comp and (owner or reported):
                first.append((comp[0], t, "plan"))
            continue
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
                # "сможет применять" is a future; "может возглавить" a possibility
                later.append((comp[0], t, "will" if t.feats.get("Tense") == "Fut" else "could"))
        elif t.lemma == "быть" and t.text.lower() in FUTURE_BE:
            if t.rel in {"aux", "cop"} and t.head >= 0:
                later.append((refs.tokens[t.head], t, "will"))
            elif t.pos in {"VERB", "AUX"}:
                later.append((t, t, "will"))
        elif t.pos == "VERB" and (is_future(refs, t) or _perfective_present(t)):
            later.append((t, t, "will"))
        elif t.pos == "VERB" and t.feats.get("Tense") == "Pres" and t.feats.get("VerbForm") == "Fin" \
                and scheduled(t):
            later.append((t, t, "scheduled"))
    return first + later


def _owner(t: RuToken) -> bool:
    """A genitive name or noun on a plan noun: its owner ("планы НАТО", "решение правительства");
    an indeclinable name (НАТО) has no case feature."""
    return t.rel == "nmod" and t.pos in {"PROPN", "NOUN", "X"} and t.feats.get("Case") in {"Gen", None}


def _perfective_present(t: RuToken) -> bool:
    """A perfective verb the tagger read as a present ("позаботимся" tagged Imp/Pres): a
    perfective has no present, so its finite non-past form is a future."""
    if t.feats.get("Tense") != "Pres" or t.feats.get("VerbForm") != "Fin":
        return False
    return _only_perfective(t.text.lower())


@functools.lru_cache(maxsize=4096)
def _only_perfective(word: str) -> bool:
    """Every verb reading pymorphy2 gives ``word`` is perfective, one a future."""
    from .parse import models

    readings = [p for p in models()["vocab"].parse(word) if p.pos == "VERB"]
    return (bool(readings) and all(p.feats.get("Aspect") == "Perf" for p in readings)
            and any(p.feats.get("Tense") == "Fut" for p in readings))


def _span(refs: RuReferents, idx: list[int]) -> tuple[int, int]:
    """The characters from the first to the last word of ``idx`` (punctuation at either end,
    a final stop attached to the verb, and a leading conjunction left out)."""
    toks = refs.tokens
    idx = [i for i in idx if toks[i].pos != "PUNCT"]
    if not idx:
        return 0, 0
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
        self.refs = RuReferents.of(rudoc, entities, quotes)
        self.quotes = quotes
        self.text = self.refs.text
        self.published = published
        self._all_times: list[TimeExpr] | None = None

    def sentences(self) -> list[RuSentence]:
        return self.refs.doc.sents

    def sentence_range(self, sent: RuSentence) -> tuple[int, int]:
        return sent.start, sent.end

    def is_question(self, sent: RuSentence) -> bool:
        return self.text[sent.start:sent.end].rstrip().rstrip("»\"“”").endswith("?")

    def times(self, sent: RuSentence) -> list[TimeExpr]:
        """The sentence's time expressions, resolved in the whole text (a date without a year
        takes the year written before it)."""
        if self._all_times is None:
            found = find_times(self.text, published=self.published)
            found += deadline_spans(self.text, published=self.published)
            self._all_times = sorted(found, key=lambda t: (t.start, -(t.end - t.start)))
        return [t for t in self._all_times if sent.start <= t.start < sent.end]

    def triggers(self, sent: RuSentence) -> list[Trigger]:
        times = [t for t in self.times(sent) if is_deadline(t, published=self.published, past_before=_PAST_BEFORE,
                                                             text=self.text)]

        def scheduled(tok: RuToken) -> bool:
            # A date without a year: "стартует 2 марта"; with one, the present is often
            # historical ("27 марта 2013 года ВТБ покупает ...").
            return any(self._governor(t) == tok.i and not re.search(r"\d{4}", t.text)
                       and (t.precision in {"day", "month"} or t.value is None) for t in times)

        return [Trigger(*t) for t in _triggers(self.refs, self.refs.tokens[sent.first:sent.last], scheduled)]

    def skip(self, t: Trigger) -> bool:
        """Not a prediction: a condition clause; a habit ("обычно выступит"); a wish ("пусть
        победит", "надеется, что"); the author's "отметим"; a question or a free relative ("кто
        станет", "будь что будет"); an inability ("не может"); a future in a relative clause
        about a kind of thing ("действия, которые ухудшат")."""
        refs = self.refs
        pred, trigger, form = t
        if _in_condition(refs, pred) or _in_condition(refs, trigger):
            return True
        kids = refs.children(pred.i) + (refs.children(trigger.i) if trigger.i != pred.i else [])
        if any(c.lemma in _HABITUAL or c.text.lower() in _HABITUAL for c in refs.children(pred.i)):
            return True
        if any(c.text.lower() in _OPTATIVE and c.rel in {"advmod", "discourse", "mark", "aux"} or
               c.text.lower() in _OPTATIVE and c.i < trigger.i for c in kids):
            return True
        if trigger.feats.get("Person") == "1" and trigger.feats.get("Number") == "Plur" \
                and refs.subject(trigger.i) is None and trigger.lemma in SPEECH_VERBS:
            return True  # "Отметим, что ...": the author's own remark
        subj = refs.subject(trigger.i) or refs.subject(pred.i)
        if subj is not None and subj.lemma in _WH_SUBJECT and subj.pos == "PRON":
            return True
        if form == "could" and any(c.text.lower() == "не" for c in refs.children(trigger.i)):
            return True  # "не может": cannot
        if self._relative_about_a_kind(t):
            return True
        return self._wished(t)

    def _relative_about_a_kind(self, t: Trigger) -> bool:
        """A relative clause on a common noun ("действий, которые ухудшат положение"): a
        description of a kind of thing; on a name ("Лукас, который станет консультантом") it
        predicts something of someone."""
        refs = self.refs
        top = self._top(t)
        if top.rel != "acl:relcl" or top.head < 0:
            return False
        head = refs.tokens[top.head]
        return head.pos != "PROPN" and head.i not in refs.tok_ent

    def _wished(self, t: Trigger) -> bool:
        refs = self.refs
        tok = self._top(t)
        for _ in range(4):
            if tok.head < 0 or tok.rel not in {"ccomp", "xcomp", "acl", "nmod", "obl", "csubj"}:
                return False
            tok = refs.tokens[tok.head]
            if tok.lemma in _WISH:
                return True
            if tok.lemma in _ATTITUDE:
                return False
        return False

    def needs_support(self, t: Trigger) -> bool:
        """A bare "может" is a hedge in Russian news ("может быть, он прав")."""
        return t.form == "could"

    def _top(self, t: Trigger) -> RuToken:
        """The head of the predictive clause: the verb whose subtree is the statement."""
        pred, trigger, form = t
        refs = self.refs
        if form in {"intend", "could", "plan"}:
            top = trigger
        elif form == "will" and trigger.rel in {"aux", "aux:pass", "cop"} and trigger.head >= 0:
            top = refs.tokens[trigger.head]
        elif pred.head == trigger.i:
            top = trigger  # "Facebook сможет применять": the clause of "сможет"
        else:
            top = pred
        while top.rel == "conj" and refs.subject(top.i) is None and top.head >= 0 \
                and refs.tokens[top.head].pos in {"VERB", "AUX"} and form != "plan":
            top = refs.tokens[top.head]
        return top

    def statement(self, t: Trigger, cond, quote: Quote | None) -> tuple[int, int]:
        """The clause headed by :meth:`_top` (with the subject and the verb of intention:
        "ВТБ планирует сохранить ..."), without coordinated clauses of their own, asides
        ("— сказал он", ", который ..."), concessions and the conjunction."""
        refs = self.refs
        top = self._top(t)
        sent = refs.doc.sents[top.sent]
        excluded: set[int] = set()
        for c in refs.children(top.i):
            if c.rel == "parataxis" or (c.rel == "conj" and refs.subject(c.i) is not None and c.pos in {"VERB", "AUX"}):
                excluded |= set(refs.subtree(c.i))
        excluded |= self._concessions(top, t.pred)
        if t.form == "plan":
            # "заявили о планах построить": the plan without its preposition
            excluded |= {c.i for c in refs.children(top.i) if c.rel == "case"}
            excluded |= {f.i for c in refs.children(top.i) if c.rel == "case" for f in refs.children(c.i)}
        idx = [i for i in refs.subtree(top.i) + self._orphans(top) if i not in excluded and sent.first <= i < sent.last]
        for i in list(idx):
            tok = refs.tokens[i]
            if tok.rel == "acl:relcl" and i != top.i and i > t.pred.i and self._aside(tok):
                excluded |= set(refs.subtree(i))
        idx = [i for i in idx if i not in excluded]
        s, e = _span(refs, idx)
        return s, e

    def _orphans(self, tok: RuToken) -> list[int]:
        """For a sentence's root: the tokens natasha's parse cut off from it (heads that loop,
        "услугам → обмена → объявлений → обмена"), which belong to the sentence all the same."""
        refs = self.refs
        if tok.rel != "root":
            return []
        sent = refs.doc.sents[tok.sent]
        reached: set[int] = set()
        for t in refs.tokens[sent.first:sent.last]:
            if t.head < 0:
                reached |= set(refs.subtree(t.i))
        return [i for i in range(sent.first, sent.last) if i not in reached]

    def _concessions(self, top: RuToken, pred: RuToken) -> set[int]:
        """Concessive adjuncts of the clause (", несмотря на ...", "хотя ..., ") and the
        attribution ("по словам X"): not part of what is predicted."""
        refs = self.refs
        out: set[int] = set()
        for c in refs.children(top.i) + (refs.children(pred.i) if pred.i != top.i else []):
            if c.rel in {"obl", "advcl"} and (self._aside(c) or c.i < top.i) and any(
                    refs.tokens[i].lemma in _CONCESSIVE for i in refs.subtree(c.i)[:3]):
                out |= set(refs.subtree(c.i))
            elif c.rel in {"obl", "parataxis"} and c.text.lower() in SOURCE_FORMS and any(
                    k.text.lower() == "по" for k in refs.children(c.i)):
                out |= set(refs.subtree(c.i))  # "по словам X": the attribution, not the content
        return out

    def _aside(self, clause: RuToken) -> bool:
        """A clause set off by a comma, a dash or a bracket before it."""
        sub = self.refs.subtree(clause.i)
        first = min(sub)
        marks = {",", "—", "–", "("}
        return self.refs.tokens[first].text in marks or first > 0 and self.refs.tokens[first - 1].text in marks

    def _governor(self, time: TimeExpr) -> int | None:
        """The nearest verb (or predicate) above a time expression."""
        refs = self.refs
        inside = [tok for tok in refs.tokens_in(time.start, time.end)] or refs.tokens_in(time.start, time.end + 1)
        if not inside:
            return None
        ids = {tok.i for tok in inside}
        root = next((tok for tok in inside if tok.head not in ids), inside[0])
        tok = root
        for _ in range(8):
            if tok.head < 0:
                return tok.i if tok.pos in {"VERB", "AUX"} and tok.i not in ids else None
            tok = refs.tokens[tok.head]
            if tok.pos in {"VERB", "AUX"} or tok.feats.get("VerbForm") in {"Part", "Conv"}:
                return tok.i
        return None

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
        excluded |= self._concessions(self._top(t), pred)
        ev = [i for i in refs.subtree(pred.i) + self._orphans(pred) if i not in excluded]
        if form == "will" and trigger.i != pred.i:
            ev.append(trigger.i)
        if form in {"intend", "could"} or (form == "will" and trigger.rel in {"cop", "aux:pass"}):
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
        """Who predicts: the nearest attribution inside the quote it stands in, else the quote's
        speaker; the subject of a verb of saying or believing above it; the actor announcing
        its own plan; a parenthetical sayer; else nobody (the author)."""
        pred, trigger, form = t
        refs = self.refs
        quote = stating_quote(refs.quotes, trigger.start)
        inside = [q for q in self.quotes if q.start <= trigger.start < q.end and speaker_ref(q) is not None]
        if quote is not None and inside:
            quote = min(inside, key=lambda q: q.end - q.start)  # the nearest attribution
        top = self._top(t)
        chain = ([trigger] if form == "expect" else []) + self._governors(top)
        if form == "plan":
            # A plan's owner holds it, wherever it is reported ("планы НАТО создать силы").
            owner = next((c for c in refs.children(trigger.i) if _owner(c)), None)
            if owner is not None and self._holder(owner) is not None:
                return self._holder(owner), quote
        if quote is not None and speaker_ref(quote) is not None:
            # Someone else's words reported inside the quote (a verb of saying with a named
            # subject); a belief or a pronoun ("он считает") stays the speaker's.
            inner = self._attitude_holder([c for c in chain if quote.start <= c.start < quote.end
                                           and c.lemma in SPEECH_VERBS
                                           and getattr(refs.subject(c.i), "pos", "PRON") != "PRON"])
            if inner or self._speaker(quote):
                return inner or self._speaker(quote), quote
        ref = self._attitude_holder(chain)
        if ref is not None:
            return ref, quote
        if form in {"intend", "plan"}:
            # The actor announcing its own plan ("Tele2 намерен выплатить", "планы НАТО").
            if form == "plan":
                owner = next((c for c in refs.children(trigger.i) if _owner(c)), None)
                head = refs.tokens[trigger.head] if trigger.head >= 0 else None
                s = owner or (refs.subject(head.i) if head is not None else None)
            else:
                s = refs.subject(trigger.i)
            if s is not None:
                return self._holder(s), quote
        for tok in refs.sent_tokens(pred.sent):
            if tok.lemma in SPEECH_VERBS | _EXPECT and tok.i != pred.i and tok.rel == "parataxis":
                s = refs.subject(tok.i)
                if s is not None and refs.resolve(s.i) is not None:
                    return refs.resolve(s.i), quote
        return None, quote

    def _speaker(self, quote: Quote) -> Ref | None:
        """The quote's speaker as a forecaster: an entity, or words naming people or a body
        ("эксперты", "пресс-служба"); a thing ("доклад") is none."""
        ref = speaker_ref(quote)
        sp = quote.speaker
        if ref is None or ref.entity_id or sp is None or sp.start is None or sp.end is None:
            return ref
        toks = self.refs.tokens_in(sp.start, sp.end)
        ids = {t.i for t in toks}
        head = next((t for t in toks if t.head not in ids), None)
        if head is None:
            return ref
        if not self._names_people(head):
            return None
        # "Канцлер также заявила": the person introduced with that title, if there is one.
        return self.refs.resolve(head.i) or ref

    @staticmethod
    def _names_people(tok: RuToken) -> bool:
        return tok.pos in {"PROPN", "X"} or tok.pos == "NOUN" and (
            tok.feats.get("Animacy") == "Anim" or tok.lemma in _BODY_NOUNS)

    def _governors(self, tok: RuToken) -> list[RuToken]:
        """The words a clause is the complement of, nearest first; not out of a relative or
        adverbial clause, nor out of a coordinated clause with its own subject."""
        refs = self.refs
        out: list[RuToken] = []
        for _ in range(12):
            if tok.head < 0 or tok.rel in {"acl:relcl", "acl", "advcl", "csubj", "appos"}:
                break
            if tok.rel == "conj" and refs.subject(tok.i) is not None and refs.tokens[tok.head].rel != "ccomp":
                break
            tok = refs.tokens[tok.head]
            out.append(tok)
        return out

    def _attitude_holder(self, chain: list[RuToken]) -> Ref | None:
        for tok in chain:
            if tok.lemma in _ATTITUDE:
                s = self.refs.subject(tok.i)
                if s is not None:
                    return self._holder(s)
        return None

    def _holder(self, tok: RuToken) -> Ref | None:
        """A subject as a holder: an entity or a resolved pronoun; else, for a noun that names
        people (animate: "представители Walt Disney", "эксперты") or a body ("киностудия",
        "правительство"), or a name the tagger did not type, its words.  "Сделка",
        "воспроизводство" hold no forecast."""
        ref = self.refs.resolve(tok.i)
        if ref is not None:
            return ref
        if self._names_people(tok) and tok.feats.get("Case") in {None, "Nom", "Gen"}:
            sub = self.refs.subtree(tok.i)
            drop = {j for i in sub if self.refs.tokens[i].rel in {"acl", "acl:relcl", "parataxis"}
                    for j in self.refs.subtree(i)}
            ids = [i for i in sub if i not in drop] or [tok.i]  # (a parse that hangs the word in its own clause)
            s, e = self.refs.tokens[min(ids)].start, self.refs.tokens[max(ids)].end
            name = self.text[s:e].strip(" ,.;:—–-\n")
            return Ref(name=name) if name else None
        return None

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
        if form != "plan" and (found is None or found[3] in {"almost certain", "chances about even"}):
            for tok in ([trigger] if form == "expect" else []) + self._governors(pred)[:3]:
                above = next((term_at(c) for c in [tok, *refs.children(tok.i)] if term_at(c)), None)
                if above is not None:
                    found = above
                    break
        if found is None:
            if form == "will":
                # A perfective future has no separate word: the verb itself is the plain "will".
                return KENT["almost certain"][0], trigger.text, [self.marker(trigger, "probability")]
            if form in {"intend", "plan"}:
                return KENT["probable"][0], trigger.text, [self.marker(trigger, "probability")]
            return KENT["probable"][0], None, []
        s, e, term, cat = found
        return KENT[cat][0], term, [Marker(s, e, self.text[s:e], "probability")]

    def deadline(self, t: Trigger, lo: int, hi: int) -> TimeExpr | None:
        """The first forward-pointing time expression the predicted verb (or the construction
        that makes it a prediction) governs: not "с 1917 года", not a date before publication."""
        refs = self.refs
        pred, trigger, form = t
        top = self._top(t)
        chain = {pred.i, trigger.i, top.i}
        tok = pred
        for _ in range(8):
            if tok.i == top.i or tok.head < 0:
                break
            tok = refs.tokens[tok.head]
            chain.add(tok.i)
        # Coordinated infinitives share the plan: "планах снять и выпустить в 2015 году".
        chain |= {c.i for c in refs.children(pred.i) if c.rel == "conj"}
        for time in self.times(refs.doc.sents[pred.sent]):
            if not is_deadline(time, published=self.published, past_before=_PAST_BEFORE, text=self.text):
                continue
            if self._governor(time) in chain:
                return time
        return None
