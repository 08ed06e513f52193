"""Russian footing on the natasha parse (UD labels): which marker governs a claim, and the
frames around it.

The Russian counterpart of :mod:`clipfile.lang.en.footing`, with the same two questions:

* :func:`govern`: does a marker found inside a unit govern its predicate?  ``может`` must head
  (or be an auxiliary of) the predicate's clauses, a parenthetical word (``возможно``,
  ``якобы``, ``по некоторым данным``) must hang on them, ``возможн-`` counts as an adjective or
  an adverb, never as the noun ``возможность`` (a chance to act); ``кажется`` hedges only as a
  parenthetical (``это общество кажется огромным`` is a copula); verbs of judging
  (``считает``, ``полагает``) state a footing only impersonally (``считается, что``), and
  with a named judge they report a view (the quote layer attributes it); verbs of proof and
  denial must take the content (``предполагает покупку`` supposes nothing).
* :func:`frames`: the words outside a proposition that decide its footing: a denial by the
  subject of ``отрицает, что P`` / ``опроверг сообщения о том, что P``; a report whose subject
  is an anonymous source (``источники в правительстве рассказали, что P``) or a news outlet
  (``P, пишут «Ведомости»``, ``как передаёт ИТАР-ТАСС``), an impersonal report (``сообщается``,
  ``как было объявлено``, ``говорят``, ``появились сообщения, что P``), and the source phrase
  ``по данным X`` (data → evidenced; unnamed, unofficial or press → hearsay).

Every rule reads UD relations and word classes (lemma lists); none names a person or a phrase
of any text.
"""
from __future__ import annotations

import re

from ...records import Marker, Quote, Ref
from ..base import Frame
from .lexicon import SPEECH_VERBS
from .parse import RuToken
from .referents import SUBJ, RuReferents

__all__ = ["govern", "frames", "subclauses", "MEDIA_NOUNS", "EVIDENCE_NOUNS"]

MEDIA_NOUNS = frozenset("""
газета издание агентство информагентство радиостанция радио телеканал канал журнал сайт портал
сми пресса таблоид телекомпания еженедельник бюллетень интернет-издание медиа
""".split())
ANONYMOUS_NOUNS = frozenset("источник инсайдер собеседник".split())
EVIDENCE_NOUNS = frozenset("""
исследование опрос данные статистика отчёт отчет отчётность отчетность документ анализ проверка
экспертиза расследование доклад результат договор контракт перепись аудит
""".split())
# Nouns that carry a proposition ("сообщения о том, что P") or spread it without an owner.
PROPOSITION_NOUNS = frozenset("""
обвинение утверждение сообщение информация слух версия данные заявление предположение
подозрение домысел сведение
""".split())
_HEARSAY_NOUNS = frozenset("сообщение слух информация сведение".split())
# "по данным X", "по информации X", "согласно X": the source of what follows.
_SOURCE_NOUNS = frozenset("данные информация сведение".split())
_REPORT_NOUNS = _HEARSAY_NOUNS | _SOURCE_NOUNS
_UNOFFICIAL = frozenset("некоторый неофициальный непроверенный неподтверждённый неподтвержденный "
                        "различный разный отдельный имеющийся".split())

_DENIAL_VERBS = frozenset("отрицать опровергнуть опровергать".split())
# A denial only with a proposition as object ("отверг обвинения"), not a proposal.
_REJECTION_VERBS = frozenset("отвергнуть отвергать".split())
_NEGATED_BELIEF = frozenset("верить поверить".split())
_DISPUTE_VERBS = frozenset("оспаривать оспорить".split())
# Verbs of the press: "передаёт X", "пишет X" make X an outlet passing something on.
_WIRE_VERBS = frozenset("передавать передать писать написать публиковать опубликовать".split())
_EVIDENTIAL = frozenset("""
показать показывать свидетельствовать подтвердить подтверждать выявить выяснить установить
доказать доказывать продемонстрировать
""".split())
_BELIEF = frozenset("считать полагать предполагать подозревать думать".split())
_IMPERSONAL_BELIEF = frozenset("считаться полагаться предполагаться".split())
_REPORT = SPEECH_VERBS | _WIRE_VERBS | _DENIAL_VERBS | frozenset(
    "объявить объявлять сообщаться говориться утверждаться отмечаться".split())
_PERSON_PRONOUNS = frozenset("я мы ты вы он она они".split())
_DOMAIN = re.compile(r"\w\.(?:ru|com|net|org|info|ua|рф)$", re.IGNORECASE)

_CLAUSE_DOWN = frozenset({"xcomp", "ccomp", "conj", "csubj", "csubj:pass"})
_IN_CLAUSE = frozenset({
    "nsubj", "nsubj:pass", "obj", "iobj", "obl", "obl:agent", "nmod", "amod", "advmod", "aux",
    "aux:pass", "cop", "case", "det", "discourse", "punct", "flat", "flat:name", "flat:foreign",
    "appos", "nummod", "nummod:gov", "compound", "fixed", "expl", "mark", "parataxis", "cc",
})
_STATUS_KINDS = frozenset({"hedged", "hearsay", "evidenced", "unsupported", "disputed", "denied"})
_CERTAINTY_ONLY = {("hedged", "modal_weak"), ("hedged", "approximator"), ("hedged", "extent")}
_VERBAL = {"VERB", "AUX"}
_EPISTEMIC_ADJ = frozenset("возможный вероятный предполагаемый мнимый якобы".split())


def _negated(refs: RuReferents, t: RuToken, marker: Marker | None = None) -> bool:
    """``не`` on ``t`` (outside ``marker``: ``не верит`` is itself the denial)."""
    return any((c.feats.get("Polarity") == "Neg" or c.text.lower() == "не")
               and (marker is None or not marker.start <= c.start < marker.end) for c in refs.children(t.i))


def _clauses(refs: RuReferents, pred: RuToken, inside: set[int]) -> set[int]:
    out = {pred.i}
    for a in refs.ancestors(pred.i):
        if a.i not in inside:
            break
        out.add(a.i)
    stack = [pred]
    while stack:
        v = stack.pop()
        for c in refs.children(v.i):
            if c.i in inside and c.i not in out and c.rel in _CLAUSE_DOWN:
                out.add(c.i)
                stack.append(c)
    return out


def _reaches(refs: RuReferents, tok: RuToken, clauses: set[int], inside: set[int], limit: int = 8) -> bool:
    t = tok
    seen = set()
    for _ in range(limit):
        if t.i in clauses:
            return True
        if t.rel not in _IN_CLAUSE or t.head < 0 or t.head not in inside or t.i in seen:
            return False
        seen.add(t.i)
        t = refs.tokens[t.head]
    return False


def _head_of(refs: RuReferents, marker: Marker) -> RuToken | None:
    toks = refs.tokens_in(marker.start, marker.end)
    if not toks:
        return None
    ids = {t.i for t in toks}
    tops = [t for t in toks if t.head not in ids]
    return tops[0] if tops else toks[0]


def _personal(refs: RuReferents, tok: RuToken | None) -> bool:
    """A person: a personal pronoun or a person's name (an institution's word is a record)."""
    if tok is None:
        return False
    ent = refs.tok_ent.get(tok.i)
    return tok.lemma in _PERSON_PRONOUNS or (ent is not None and ent.type in {"PERSON", "PER"})


def govern(refs: RuReferents, markers: list[tuple[Marker, str]], tokens: list[RuToken],
           pred: RuToken | None) -> list[tuple[Marker, str]]:
    """Keep the markers that govern the unit's predicate (module docstring)."""
    if pred is None:
        return [(m, c) for m, c in markers if m.kind not in _STATUS_KINDS or (m.kind, c) in _CERTAINTY_ONLY]
    inside = {t.i for t in tokens}
    clauses = _clauses(refs, pred, inside)
    out = []
    for m, cls in markers:
        if m.kind not in _STATUS_KINDS or (m.kind, cls) in _CERTAINTY_ONLY:
            out.append((m, cls))
            continue
        h = _head_of(refs, m)
        if h is None:
            continue
        kept = _govern_one(refs, m, cls, h, clauses, inside, pred)
        if kept is not None:
            out.append(kept)
    return out


# Clauses that state something of their own inside a longer sentence: adverbial and
# coordinated ones, and a relative clause for a rumour ("которые он якобы провёл"); a
# condition or a purpose ("если", "чтобы") states nothing.
_SUBCLAUSE_RELS = frozenset({"advcl", "conj"})
_CONDITIONS = frozenset("если чтобы пока ли когда".split())


def subclauses(refs: RuReferents, markers: list[tuple[Marker, str]], tokens: list[RuToken],
               pred: RuToken | None) -> list[tuple[int, int]]:
    """Clauses inside the unit that a footing word governs while the unit's predicate is out
    of its reach: each is a claim of its own (the Russian counterpart of
    :func:`clipfile.lang.en.footing.subclauses`)."""
    if pred is None:
        return []
    inside = {t.i for t in tokens}
    clauses = _clauses(refs, pred, inside)
    out: list[tuple[int, int]] = []
    for m, cls in markers:
        if m.kind not in _STATUS_KINDS or (m.kind, cls) in _CERTAINTY_ONLY:
            continue
        h = _head_of(refs, m)
        if h is None or _govern_one(refs, m, cls, h, clauses, inside, pred) is not None:
            continue
        rels = _SUBCLAUSE_RELS | ({"acl:relcl"} if m.kind == "hearsay" else set())
        v = h
        for _ in range(8):
            if v.rel in rels and v.pos in _VERBAL | {"ADJ"} or v.head < 0 or v.head not in inside:
                break
            v = refs.tokens[v.head]
        if v.rel not in rels or v.i in clauses or v.i == pred.i:
            continue
        if any(c.rel == "mark" and c.lemma in _CONDITIONS for c in refs.children(v.i)):
            continue
        sub = [i for i in refs.subtree(v.i) if i in inside]
        if _govern_one(refs, m, cls, h, _clauses(refs, v, set(sub)), set(sub), v) is None:
            continue
        keep = [i for i in sub if not (refs.tokens[i].rel in {"mark", "cc"} and i < v.i and refs.tokens[i].head == v.i)]
        span = _span(refs, keep)
        if span is not None and span not in out:
            out.append(span)
    return out


def _govern_one(refs: RuReferents, m: Marker, cls: str, h: RuToken, clauses: set[int],
                inside: set[int], pred: RuToken):
    kind = m.kind
    if h.pos == "NOUN" and h.lemma in _SOURCE_NOUNS:
        # "по данным X": data, or a rumour, depending on X.
        found = _source_phrase(refs, h)
        if found is None or not _reaches(refs, h, clauses, inside):
            return None
        marker, src_cls, _ = found
        return Marker(m.start, m.end, m.text, marker.kind), src_cls
    if kind == "hearsay" and h.pos in _VERBAL and cls != "media":
        subj = refs.subject(h.i)
        if subj is not None and subj.lemma not in ANONYMOUS_NOUNS:
            return None  # "депутаты говорят": a named report; the quote layer has it
    if cls == "adjective" and h.pos == "NOUN":
        return None  # "дает возможность": a chance to act, not doubt
    if cls == "adjective" and h.rel == "amod":
        ok = h.lemma in _EPISTEMIC_ADJ and refs.tokens[h.head].pos in {"NOUN", "PROPN"}
        return (m, cls) if ok and _reaches(refs, refs.tokens[h.head], clauses, inside) else None
    if h.lemma in {"казаться", "представляться", "выглядеть"}:
        if refs.subject(h.i) is not None and not any(c.rel == "ccomp" for c in refs.children(h.i)):
            return None  # "общество кажется огромным": a copula, not a parenthetical hedge
        if any(c.rel in {"iobj", "obl"} and c.lemma in _PERSON_PRONOUNS | {"я", "мы"} for c in refs.children(h.i)):
            return Marker(m.start, m.end, m.text, "opinion"), "belief"  # "мне казалось, что": I thought
    if h.lemma == "мочь" and _negated(refs, h, m):
        return None  # "не может выступать": cannot, not maybe
    if cls == "belief" and h.pos in _VERBAL:
        if not any(c.rel in {"ccomp", "xcomp"} for c in refs.children(h.i)):
            return None  # "сделка предполагает покупку"
        if h.i not in clauses:
            return None
        if h.lemma in _BELIEF and (refs.subject(h.i) is not None or h.feats.get("Voice") == "Act"):
            return (Marker(m.start, m.end, m.text, "opinion"), "belief")  # "считает канцлер": a view with its holder
        return (m, cls)
    if kind in {"evidenced", "denied", "disputed"} and h.pos in _VERBAL:
        if h.i not in clauses or _negated(refs, h, m) or _irrealis(refs, h):
            return None  # "не подтвердил", "отказался опровергнуть"
        takes = h.i != pred.i or any(c.rel in {"ccomp", "csubj"} for c in refs.children(h.i))
        if not takes and h.feats.get("Voice") != "Pass":
            return None  # "установил рекорд": proves nothing
        if kind == "evidenced":
            subj = refs.subject(h.i)
            if subj is not None and subj.lemma in EVIDENCE_NOUNS:
                return (m, "source")
            if _personal(refs, subj) or (subj is not None and _person_like(refs, subj)):
                return None  # "это подтвердил муж актрисы": a person's word, not data
        return (m, cls)
    if kind in {"denied", "disputed"} and h.pos == "NOUN":
        if h.i == pred.i and any(c.rel in {"ccomp", "csubj", "acl"} for c in refs.children(h.i)):
            return (m, cls)  # "неправда, что P"
        return None
    return (m, cls) if _reaches(refs, h, clauses, inside) else None


def _person_like(refs: RuReferents, tok: RuToken) -> bool:
    """A noun with a name in apposition ("муж актрисы Сергей Сенин")."""
    return any(c.rel in {"appos", "flat:name"} and (c.pos == "PROPN" or c.i in refs.tok_ent)
               for c in refs.children(tok.i))


# --- frames ------------------------------------------------------------------------------


def _span(refs: RuReferents, ids: list[int]) -> tuple[int, int] | None:
    toks = [refs.tokens[i] for i in sorted(ids) if refs.tokens[i].pos != "PUNCT"]
    while toks and toks[0].rel == "mark" and toks[0].lemma in {"что", "будто", "чтобы", "как"}:
        toks = toks[1:]
    if not toks:
        return None
    return toks[0].start, toks[-1].end


def _marker(refs: RuReferents, toks: list[RuToken], kind: str) -> Marker:
    toks = sorted(toks, key=lambda t: t.i)
    start, end = toks[0].start, toks[-1].end
    return Marker(start, end, refs.text[start:end], kind)


def _content(refs: RuReferents, t: RuToken) -> RuToken | None:
    """The proposition a report word takes: its ``что``-clause, or the clause of a proposition
    noun it takes as object (``опроверг сообщения о том, что P``)."""
    for c in refs.children(t.i):
        if c.rel == "ccomp":
            return c
    for c in refs.children(t.i):
        if c.rel in {"obj", "nsubj", "nsubj:pass"} and c.lemma in PROPOSITION_NOUNS:
            clause = _noun_clause(refs, c)
            if clause is not None:
                return clause
    return None


def _noun_clause(refs: RuReferents, n: RuToken) -> RuToken | None:
    """``сообщения, что P`` / ``сообщения о том, что P``: the clause a noun carries."""
    for c in refs.children(n.i):
        if c.rel in {"acl", "ccomp", "acl:relcl"} and _opens_with_that(refs, c):
            return c
        if c.rel == "nmod" and c.lemma == "тот":
            inner = next((g for g in refs.children(c.i) if g.rel in {"acl", "ccomp", "acl:relcl"}), None)
            if inner is not None:
                return inner
    return None


def _opens_with_that(refs: RuReferents, c: RuToken) -> bool:
    return any(g.rel == "mark" and g.lemma in {"что", "будто"} for g in refs.children(c.i))


def _phrase_ref(refs: RuReferents, tok: RuToken | None) -> Ref | None:
    if tok is None:
        return None
    ref = refs.resolve(tok.i)
    if ref is not None:
        return ref
    if tok.pos == "PRON":
        return None
    ids = [i for i in refs.subtree(tok.i) if refs.tokens[i].rel not in {"acl", "acl:relcl", "punct"}]
    words = [refs.tokens[i].text for i in ids]
    return Ref(name=" ".join(words) or tok.text)


def _media(refs: RuReferents, tok: RuToken | None, verb: RuToken) -> bool:
    """A news outlet: a press noun (газета, агентство), a web address (NEWSru.com), or, as the
    subject of a verb of the press (передаёт, пишет), any non-person."""
    if tok is None:
        return False
    ids = refs.subtree(tok.i)
    whole = refs.text[refs.tokens[ids[0]].start:refs.tokens[ids[-1]].end]
    if tok.lemma in MEDIA_NOUNS or _DOMAIN.search(tok.text) or _DOMAIN.search(whole):
        return True
    ent = refs.tok_ent.get(tok.i)
    person = ent is not None and ent.type in {"PERSON", "PER"} or tok.lemma in _PERSON_PRONOUNS
    return verb.lemma in _WIRE_VERBS and not person and tok.pos in {"PROPN", "NOUN", "X"}


def _irrealis(refs: RuReferents, t: RuToken) -> bool:
    """``отказался опровергнуть``, ``мог бы подтвердить``: no stance is taken."""
    if t.feats.get("Mood") == "Cnd" or any(c.text.lower() == "бы" for c in refs.children(t.i)):
        return True
    return t.rel == "xcomp" and t.feats.get("VerbForm") == "Inf" and t.head >= 0 \
        and refs.tokens[t.head].pos in _VERBAL


def _classify(refs: RuReferents, t: RuToken) -> tuple[Marker, str, Ref | None] | None:
    """The footing a report word gives its content, as (marker, class, holder)."""
    lemma = t.lemma
    # The tagger reads "передаёт" as a noun now and then: the lemma says what it is.
    report_word = t.pos in _VERBAL or lemma in _WIRE_VERBS or (t.pos == "NOUN" and lemma in _REPORT_NOUNS)
    if not report_word and lemma != "слово":  # every token comes here: most leave at once
        return None
    if _irrealis(refs, t):
        return None
    neg = _negated(refs, t)
    subj = _subject(refs, t)
    if _is_words_of(refs, t):
        return _words_of(refs, t)
    if not report_word:
        return None
    if not neg:
        if lemma in _DENIAL_VERBS:
            return _marker(refs, [t], "denied"), "denial", _phrase_ref(refs, subj)
        if lemma in _REJECTION_VERBS and any(c.rel == "obj" and c.lemma in PROPOSITION_NOUNS
                                             for c in refs.children(t.i)):
            return _marker(refs, [t], "denied"), "denial", _phrase_ref(refs, subj)
        if lemma in _DISPUTE_VERBS:
            return _marker(refs, [t], "disputed"), "dispute", _phrase_ref(refs, subj)
    if neg and lemma in _NEGATED_BELIEF:
        negs = [c for c in refs.children(t.i) if c.text.lower() == "не"]
        return _marker(refs, [*negs, t], "denied"), "denial", _phrase_ref(refs, subj)
    if t.pos == "NOUN" and lemma in _HEARSAY_NOUNS and not _is_source_phrase(refs, t) and not any(
            c.rel == "nmod" and c.lemma != "тот" for c in refs.children(t.i)):
        return _marker(refs, [t], "hearsay"), "allegation", None
    if _is_source_phrase(refs, t):
        return _source_phrase(refs, t)
    if t.pos == "NOUN" and lemma not in _WIRE_VERBS or neg:
        return None
    if lemma in _IMPERSONAL_BELIEF and subj is None:
        return _marker(refs, [t], "hedged"), "allegation", None
    if lemma not in _REPORT:
        if lemma in _EVIDENTIAL and subj is not None and subj.lemma in EVIDENCE_NOUNS:
            return _marker(refs, [t], "evidenced"), "source", None
        return None
    agent = next((c for c in refs.children(t.i) if c.rel == "obl:agent"), None)
    # "в МВД сообщили", "в письме говорится": the place the words come from is their source.
    place = next((c for c in refs.children(t.i) if c.rel == "obl"
                  and any(g.lemma in {"в", "из"} for g in refs.children(c.i))), None)
    if place is not None and subj is None:
        if place.lemma in EVIDENCE_NOUNS:
            return _marker(refs, [t], "evidenced"), "source", None  # "в контракте говорится"
        return None
    if agent is None and subj is None and (t.feats.get("Voice") == "Pass" or lemma.endswith("ся")):
        # "сообщается", "как было объявлено", "говорилось": a report with no owner.
        return _marker(refs, [t], "hearsay"), "allegation", None
    if subj is None:
        if t.feats.get("Number") == "Plur" and t.feats.get("Person", "3") == "3":
            return _marker(refs, [t], "hearsay"), "allegation", None  # "говорят, P"
        return None
    if any(c.rel in SUBJ and c.lemma in ANONYMOUS_NOUNS for c in refs.children(t.i)):
        return _marker(refs, [t], "hearsay"), "anonymous", None  # "осведомлённый источник сообщил"
    if _back_reference(refs, t) is not None:
        return _marker(refs, [t], "hearsay"), "allegation", _phrase_ref(refs, subj)
    if _media(refs, subj, t):
        return _marker(refs, [t], "hearsay"), "media", _phrase_ref(refs, subj)
    if subj.lemma in EVIDENCE_NOUNS and lemma in _EVIDENTIAL:
        return _marker(refs, [t], "evidenced"), "source", None
    if lemma in _EVIDENTIAL and not _personal(refs, subj) and not _person_like(refs, subj):
        # "эксперты подтвердили, что P", "суд установил": a finding, not a person's word
        return _marker(refs, [t], "evidenced"), "demonstration", None
    return None


def _subject(refs: RuReferents, t: RuToken) -> RuToken | None:
    """The subject of ``t``; for a verb of the press the tagger misread, the outlet it names
    (``…, передаёт NEWSru.com``)."""
    subj = refs.subject(t.i)
    if subj is None and t.lemma in _WIRE_VERBS:
        subj = next((c for c in refs.children(t.i) if c.rel in {"iobj", "obj", "nmod", "appos"}
                     and c.pos in {"PROPN", "X", "NOUN"} and c.i > t.i), None)
    return subj


def _previous_report(refs: RuReferents, t: RuToken) -> RuToken | None:
    """The report verb heading the sentence before ``t``'s, with a subject of its own."""
    if t.sent == 0:
        return None
    prev = [x for x in refs.sent_tokens(t.sent - 1) if x.rel == "root" and x.lemma in _REPORT]
    if not prev or refs.subject(prev[0].i) is None:
        return None
    return prev[0]


def _back_reference(refs: RuReferents, t: RuToken) -> RuToken | None:
    """``Об этом рассказали участники заседания`` after ``Меркель заявила, что P``: a report of
    a report, second-hand.  Returns the earlier report verb."""
    if not any(c.lemma == "это" and c.rel == "obl" and any(g.lemma == "о" for g in refs.children(c.i))
               for c in refs.children(t.i)):
        return None
    return _previous_report(refs, t)


def _is_words_of(refs: RuReferents, t: RuToken) -> bool:
    """``По их словам, канцлер напомнила, что P``: someone's account of what another said."""
    if t.lemma != "слово" or t.rel != "parataxis" or t.head < 0:
        return False
    if not any(c.rel == "case" and c.lemma == "по" for c in refs.children(t.i)):
        return False
    host = refs.tokens[t.head]
    subj = refs.subject(host.i)
    return host.lemma in _REPORT and subj is not None and subj.lemma not in _PERSON_PRONOUNS | {"я", "мы"}


def _words_of(refs: RuReferents, t: RuToken) -> tuple[Marker, str, Ref | None]:
    case = [c for c in refs.children(t.i) if c.rel == "case"]
    whose = next((c for c in refs.children(t.i) if c.rel in {"nmod", "det"}), None)
    return _marker(refs, [*case, t], "hearsay"), "allegation", _phrase_ref(refs, whose)


def _is_source_phrase(refs: RuReferents, t: RuToken) -> bool:
    return t.pos == "NOUN" and t.lemma in _SOURCE_NOUNS and any(
        c.rel == "case" and c.lemma in {"по", "согласно"} for c in refs.children(t.i))


def _source_phrase(refs: RuReferents, t: RuToken) -> tuple[Marker, str, Ref | None] | None:
    """``по данным X`` / ``по информации X`` / ``согласно информации, опубликованной в X``."""
    case = [c for c in refs.children(t.i) if c.rel == "case" and c.lemma in {"по", "согласно"}]
    if not case:
        return None
    marker = _marker(refs, [*case, t], "hearsay")
    kids = refs.children(t.i)
    if any(c.lemma in _UNOFFICIAL for c in kids if c.rel in {"amod", "det"}):
        return marker, "allegation", None
    src = next((c for c in kids if c.rel == "nmod"), None)
    if src is None:
        # "согласно информации, опубликованной в «КП»": the outlet that published it.
        pub = next((c for c in kids if c.rel == "acl" and c.lemma in _WIRE_VERBS), None)
        place = next((g for g in refs.children(pub.i) if g.rel == "obl"), None) if pub is not None else None
        if place is not None:
            return marker, "media", _phrase_ref(refs, place)
        return None
    if src.lemma in ANONYMOUS_NOUNS:
        return marker, "anonymous", None
    if _media(refs, src, t):
        return marker, "media", _phrase_ref(refs, src)
    if t.lemma == "данные" or src.lemma in EVIDENCE_NOUNS:
        return Marker(marker.start, marker.end, marker.text, "evidenced"), "source", None
    return None


def frames(refs: RuReferents) -> list[Frame]:
    """Every footing frame of the document (module docstring), in text order."""
    out: list[Frame] = []
    seen: set[tuple[int, int, int]] = set()

    def add(si: int, span: tuple[int, int] | None, marker: Marker, cls: str, holder: Ref | None,
            embedded: bool) -> None:
        if span is None or span[1] - span[0] < 3 or (marker.start, *span) in seen:
            return
        if span[0] <= marker.start < span[1]:
            return
        seen.add((marker.start, *span))
        out.append(Frame(si, span[0], span[1], marker, cls, holder, embedded))

    for q in refs.quotes:
        if q.cue is None:
            continue
        cue = _cue_token(refs, q)
        if cue is None:
            continue
        found = _classify(refs, cue)
        if found is not None:
            # The quote is the claim; the frame only gives it its footing.
            add(cue.sent, (q.start, q.end), *found, True)
    for t in refs.tokens:
        found = _classify(refs, t)
        if found is None:
            continue
        earlier = _back_reference(refs, t)
        if earlier is not None:
            # "Об этом рассказали X": the sentence before, which X passes on.
            add(t.sent, _span(refs, [x.i for x in refs.sent_tokens(t.sent - 1)]), *found, True)
            continue
        if _is_source_phrase(refs, t) or t.rel == "parataxis":
            # A parenthetical frame ("по данным X, P", "P, пишут «Ведомости»", "как передаёт
            # X, P"): the sentence it stands in, without it.
            host = _host(refs, t)
            if host is not None:
                add(t.sent, _around(refs, t), *found, not _heads(refs, host))
            continue
        content = _noun_clause(refs, t) if t.pos == "NOUN" else _content(refs, t)
        embedded = t.pos == "NOUN" or not _heads(refs, t)
        if content is not None:
            add(t.sent, _span(refs, refs.subtree(content.i)), *found, embedded)
        elif t.rel == "root":
            # "P, пишут «Ведомости»" parsed with two roots: the other root of the sentence.
            other = [x for x in refs.sent_tokens(t.sent) if x.rel == "root" and x.i != t.i]
            if other:
                skip = set(refs.subtree(t.i))
                add(t.sent, _span(refs, [i for i in refs.subtree(other[0].i) if i not in skip]), *found, False)
    out.sort(key=lambda f: (f.start, f.marker.start))
    return out


def _around(refs: RuReferents, t: RuToken) -> tuple[int, int] | None:
    """The rest of ``t``'s sentence around a parenthetical phrase headed by ``t``: after it
    when it opens the sentence, before it when it closes it, else the whole sentence."""
    phrase = set(refs.subtree(t.i))
    sent = [x.i for x in refs.sent_tokens(t.sent) if refs.tokens[x.i].pos != "PUNCT"]
    if not sent:
        return None
    lo, hi = min(phrase), max(phrase)
    if lo <= sent[0]:
        return _span(refs, [i for i in sent if i > hi])
    if hi >= sent[-1]:
        return _span(refs, [i for i in sent if i < lo])
    return _span(refs, [i for i in sent if i not in phrase])


def _heads(refs: RuReferents, t: RuToken) -> bool:
    """``t`` heads its sentence's statement: a root, or a report verb whose content leads to
    the root's (``сообщил, что источники рассказали, что P``)."""
    for _ in range(6):
        if t.rel == "root" or t.head < 0:
            return True
        head = refs.tokens[t.head]
        if t.rel in {"ccomp", "xcomp", "parataxis"} and (head.lemma in _REPORT or head.rel == "root"):
            t = head
            continue
        return False
    return False


def _host(refs: RuReferents, t: RuToken) -> RuToken | None:
    if t.head < 0:
        return None
    return refs.tokens[t.head]


def _cue_token(refs: RuReferents, q: Quote) -> RuToken | None:
    if q.cue is None:
        return None
    toks = refs.tokens_in(q.cue.start, q.cue.end)
    for t in toks:
        if t.pos in _VERBAL:
            return t
    for t in toks:
        if t.pos == "NOUN" and t.lemma in _SOURCE_NOUNS:
            return t
    return None
