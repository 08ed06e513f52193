"""Reported speech without marks, or with a quoted fragment (``mixed``): ``X заявил, что …``,
``X признал: …``, ``Q, — говорит X.``, ``A, утверждает X, B``, ``Как сообщил X, …``, ``A, о
чём заявил X``, and a source phrase: ``по словам X, …``, ``по мнению X``, ``по данным X``.
"""
from __future__ import annotations

import re

from ....analysis.problems import isolated
from ....analysis.ranges import strip_range
from ..lexicon import (
    AS_VERBS,
    DIRECTIVE_VERBS,
    NOUN_CONTENT_VERBS,
    PREDICATIVE_VERBS,
    SPEECH_VERBS,
    STANCE_NOUNS,
    STANCE_VERBS,
)
from ..parse import RuToken
from .reader import WORD, Found, Reader, demonstrative_subject, first_person, is_speech_verb, verb_form, verb_lemma

__all__ = ["reported"]

# Opening marks: a marked quote after a colon belongs to the marked pass.
_OPENING_MARKS = "«„‚‹\""


def reported(an: Reader) -> None:
    """Indirect and mixed speech: after a reporting verb, or framing a clause."""
    doc = an.doc
    for sent in doc.sents:
        s_lo, s_hi = sent.start, sent.end
        inside = an.inside_marked(s_hi - 1) if an.inside_marked(s_lo) is None else None
        if inside is not None and an.text.find("\n", s_hi, inside.hi) < 0:
            # the parser ends the sentence at a full stop inside a quotation ("… попросила:
            # «Напишите просто. Не люблю пафос»."): the sentence runs to its closing mark
            s_hi = inside.hi
        if an.covered(s_lo, s_hi) and _fully_direct(an, s_lo, s_hi) and not any(
                t.i in an.used_verbs and _that_then_quote(an, t, s_hi) for t in doc.tokens[sent.first : sent.last]):
            continue
        # the sentence's end without its closing punctuation, and the quotations between marks
        # that reach into it (only those can hold one of its tokens): found once per sentence
        s_end = _trim_end_punct(an.text, s_lo, s_hi)
        marks = [m for m in an.marked if m.depth == 0 and m.lo < s_hi and s_lo < m.close]
        for t in doc.tokens[sent.first : sent.last]:
            if marks and any(m.lo < t.start < m.close for m in marks):  # an.inside_marked(t.start)
                continue
            if an.covered(t.start, t.end):
                # inside an outlet's relay, a characterisation is still its subject's own
                if all(_relayed(an, f) for f in an.found if f.start < t.end and t.start < f.end):
                    with isolated("quote candidate", t.start, t.end):
                        _characterised_as(an, t, s_lo, s_end)
                continue
            with isolated("quote candidate", t.start, t.end):  # a failure skips this verb only
                _one_candidate(an, t, s_lo, s_hi, s_end)
        with isolated("sentence", s_lo, s_hi):
            src = an.source_phrase(s_lo, s_hi)
            if src and not an.covered(src[0][0], src[1][1]):
                _reported_from_source(an, src, s_lo, s_hi)


# Impersonal modals that make the text's own performative: "Следует отметить, что …".
_IMPERSONAL_MODALS = frozenset("следовать стоить нужно надо необходимо важно можно хотеться".split())


def _one_candidate(an: Reader, t, s_lo: int, s_hi: int, s_end: int) -> None:
    """The reported speech one verb (or gerund, stance verb, predication) introduces
    (``s_end``: the sentence's end before its closing punctuation)."""
    if t.i in an.used_verbs and not _that_then_quote(an, t, s_hi):
        return
    if _characterised_as(an, t, s_lo, s_end):
        return
    if is_speech_verb(t):
        if _performative(an, t) or _demonstrative_subject(an, t):
            return
        _reported_from_verb(an, t, s_lo, s_hi)
    elif t.lemma in SPEECH_VERBS and t.feats.get("VerbForm") == "Conv":
        # "…, заявив, что P": the gerund reports for the subject of its clause
        _complement_after(an, t, s_lo, s_end)
    elif t.lemma in STANCE_VERBS and t.pos == "VERB":
        _stance(an, t, s_lo, s_end)
    elif t.lemma in PREDICATIVE_VERBS and t.pos == "VERB" and t.feats.get("VerbForm") == "Fin":
        _predication(an, t, s_lo, s_end)


def _performative(an: Reader, v: RuToken) -> bool:
    """The writer's own act of saying, not a report: a reporting verb in the first person
    present or future (``сообщаю, что``, ``подчеркну``, ``Отметим также, что``), an infinitive
    under one or under a first-person subject (``хочу сказать``, ``Я хотел бы подчеркнуть``),
    or under an impersonal modal (``Следует отметить``, ``Стоит отметить``).  A first-person
    past report (``я говорил, что``) is one."""
    if first_person(v):
        return True
    if v.feats.get("VerbForm") != "Inf" or v.head < 0:
        return False
    h = an.doc.tokens[v.head]
    if h.lemma in _IMPERSONAL_MODALS and not any(c.rel in {"nsubj", "nsubj:pass"} for c in an.doc.children(h.i)):
        return True
    return first_person(h) or any(c.rel == "nsubj" and c.lemma in {"я", "мы"} for c in an.doc.children(h.i))


def _demonstrative_subject(an: Reader, v: RuToken) -> bool:
    """``Это говорит о том, что …``, ``Всё это свидетельствует``: a fact indicates, no one says."""
    return demonstrative_subject(an.doc, v.i)


def _that_then_quote(an: Reader, v: RuToken, s_hi: int) -> bool:
    """``X отметил, что P: «Q»``: the verb cues the quotation after the colon and reports P as
    well."""
    return re.match(r"\s*,\s*что\b[^\n]*?:\s*[«„\"]", an.text[v.end:s_hi]) is not None


def _fully_direct(an: Reader, lo: int, hi: int) -> bool:
    words = sum(len(WORD.findall(an.text[f.start : f.end])) for f in an.found if lo <= f.start < hi)
    return words >= 0.6 * len(WORD.findall(an.text[lo:hi]))


def _reported_from_verb(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> None:
    """The reported clause of reporting verb ``v`` in sentence ``[s_lo, s_hi)``: after it
    (``что …``, ``: …``), or before it (``Q, — говорит X``, ``A, утверждает X, B``, ``Как
    сообщил X, Q``, ``A, о чём заявил X``)."""
    s_hi = _trim_end_punct(an.text, s_lo, s_hi)
    if _complement_after(an, v, s_lo, s_hi):
        return
    if v.lemma in DIRECTIVE_VERBS and _infinitive_after(an, v, s_lo, s_hi):
        return
    if v.lemma in NOUN_CONTENT_VERBS and _noun_after(an, v, s_lo, s_hi):
        return
    left = an.text[s_lo : v.start]
    lm = re.search(r"[,!?…]\s*[—–-]?\s*$", left)
    if lm is None:
        lm = re.search(r"(?<=\w)\s+[—–-]\s*$", left)  # «Q - говорит X» without a comma
    if lm is not None:
        _author_inside(an, v, s_lo, s_hi, s_lo + lm.start())
    elif an.after_kak(v, s_lo):
        _as_said(an, v, s_lo, s_hi)
    elif _THIS.match(left) and not re.search(r"[,;:]", left):
        _about_previous(an, v, s_lo, s_hi)
    else:
        _about_which(an, v, s_lo, s_hi, left)


# Clause breaks that end a reported infinitive or noun phrase: the writer goes on.
_CLAUSE_BREAK = re.compile(r"\s*(?:[;:]|,\s*(?:причём|причем|хотя|однако|но|а|так как|поскольку|потому что|"
                           r"когда|если|после того|тогда как|в то время как|который|которая|которое|которые)\b)")


def _clause_end(an: Reader, lo: int, hi: int, *, strict: bool = True) -> int:
    """Where reported content starting at ``lo`` ends within ``[lo, hi)``: before a gerund
    clause after a comma (``…, полагая, что …`` reports anew), and, ``strict`` (an infinitive or
    a noun, not a clause of its own), before a coordinated or subordinate clause."""
    end = hi
    if strict:
        m = _CLAUSE_BREAK.search(an.text, lo, hi)
        end = m.start() if m else hi
    for t in an.tokens_in(lo, end):
        if t.feats.get("VerbForm") == "Conv" and t.lemma in SPEECH_VERBS and re.search(r",\s*$", an.text[lo:t.start]):
            return an.text.rindex(",", lo, t.start)
    return end


def _infinitive_after(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> bool:
    """``X предложил (западным странам) заморозить активы``, ``призвал``, ``попросил
    губернатора защитить …``: a directive, proposal or promise reports its infinitive (the
    addressee left out)."""
    toks = [t for t in an.doc.tokens[v.i + 1 : an.doc.sents[v.sent].last] if t.end <= s_hi]
    start = None
    for k, t in enumerate(toks[:6]):
        if t.feats.get("VerbForm") == "Inf":
            start = toks[k - 1] if k and toks[k - 1].text.lower() == "не" else t  # "просила не писать"
            break
        if t.pos in {"VERB", "AUX", "SCONJ"} or t.text in {",", ":", ";", "—", "–"} and t.pos == "PUNCT":
            return False  # another clause before any infinitive
    if start is None:
        return False
    c_lo, c_hi = strip_range(an.text, start.start, _clause_end(an, start.start, s_hi))
    if c_hi <= c_lo or an.covered(c_lo, c_hi):
        return False
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)
    return True


def _noun_after(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> bool:
    """``X заявили о планах снять …``, ``объявляют о запуске программы``: a report whose
    content is the noun after ``о`` (a bare topic, ``говорил о поездке``, is not one: only
    verbs of announcing take this)."""
    m = re.match(r"(?:\s+[^\s,.;:!?«»\"]+){0,4}?\s+(?:о|об|обо)\s+", an.text[v.end : s_hi])
    if m is None:
        return False
    c_lo = v.end + m.end()
    first = an.doc.token_at(c_lo)
    if first is None or an.doc.tokens[first].pos not in {"NOUN", "ADJ"}:
        return False  # "о том, что" and "об этом" are other patterns
    c_lo, c_hi = strip_range(an.text, c_lo, _clause_end(an, c_lo, s_hi))
    if c_hi <= c_lo or an.covered(c_lo, c_hi):
        return False
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)
    return True


def _stance(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> None:
    """``X выразил надежду на то, что P`` / ``мнение о необходимости …``, ``X выступает
    против того, чтобы P``: a stated view whose content is the clause (or the noun after
    ``о``) after the stance noun or preposition."""
    right = an.text[v.end : s_hi]
    m = re.match(r"(?:\s+[^\s,.;:!?«»\"]+){0,3}?\s+(\w+)(?:\s+(?:на|в|за|против)\s+(?:то|того|том))?"
                 r"\s*,\s*(?=(?:что|чтобы|будто)\b)", right)
    noun = re.match(r"(?:\s+[^\s,.;:!?«»\"]+){0,3}?\s+(\w+)\s+(?:о|об)\s+(?=\w)", right)
    found = m or noun
    stance_word = found.group(1).lower() if found else ""
    if m and (_lemma(an, v.end + m.start(1)) in STANCE_NOUNS or stance_word in {"того", "то"}):
        c_lo = v.end + m.end()
    elif noun and _lemma(an, v.end + noun.start(1)) in STANCE_NOUNS:
        c_lo = v.end + noun.end()
    else:
        return
    c_lo, c_hi = strip_range(an.text, c_lo, _clause_end(an, c_lo, s_hi, strict=not m))
    if c_hi <= c_lo or an.covered(c_lo, c_hi):
        return
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    if subj is None:
        return
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)


def _predication(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> None:
    """``X назвал санкции единственным способом …``, ``X обвинил Y в Z``: what the verb says of
    its object is the content, object included (``санкции единственным способом …``, ``Y в
    Z``)."""
    objs = [c for c in an.doc.children(v.i) if c.rel == "obj" and c.i > v.i and c.pos in {"NOUN", "PROPN", "PRON"}]
    if not objs:
        return
    first = an.doc.tokens[v.i + 1]
    c_lo, c_hi = strip_range(an.text, first.start, _clause_end(an, first.start, s_hi))
    if c_hi <= c_lo or an.covered(c_lo, c_hi) or len(WORD.findall(an.text[c_lo:c_hi])) < 2:
        return
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    if subj is None:
        return
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)


# "как" that begins an example list, not a characterisation ("такие страны, как …").
_SUCH = re.compile(r"\b(?:такие|такой|такая|такое|таких|такими|таким|так\s+же|также|так)\b", re.I)


def _characterised_as(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> bool:
    """``Свой стиль писатель обозначил как суси-нуар``, ``…, сформулировав его суть как
    покушение на убийство, а не как убийство``: what a verb of characterising
    (:data:`~clipfile.lang.ru.lexicon.AS_VERBS`, finite or a gerund) says something is — the
    object after the verb with ``как Y``, or ``Y`` alone when the object stands before it.  It
    may stand inside another source's report (``X, как пишет газета, …, сформулировав …``)."""
    if v.feats.get("VerbForm") not in {"Fin", "Conv"} and not verb_form(v):
        return False
    lemma = v.lemma if v.lemma in AS_VERBS else verb_lemma(v) if verb_form(v) else ""
    if lemma not in AS_VERBS or v.pos not in {"VERB", "AUX"} and not verb_form(v):
        return False
    m = re.match(r"((?:\s+[^\s,.;:!?«»\"—–]+){0,5}?)\s+как\s+(?=\S)", an.text[v.end : s_hi])
    if m is None or _SUCH.search(m.group(1)):
        return False
    c_lo = v.end + (m.end() if not m.group(1) else len(m.group(1)) - len(m.group(1).lstrip()))
    end = _clause_end(an, c_lo, s_hi)
    while end < s_hi and re.match(r",\s*а\s+не\s+как\b", an.text[end:s_hi]):
        nxt = _CLAUSE_BREAK.search(an.text, end + 1, s_hi)  # "…, а не как убийство" goes on
        end = nxt.start() if nxt else s_hi
    c_lo, c_hi = strip_range(an.text, c_lo, end)
    if c_hi <= c_lo or _overlaps_but_in(an, c_lo, c_hi):
        return False
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    if subj is None or not an.someone(an.doc.tokens[subj[1]]):
        return False
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)
    return True


def _overlaps_but_in(an: Reader, lo: int, hi: int) -> bool:
    """Whether a quote found already overlaps ``[lo, hi)`` other than as a report around it
    whose cue lies outside it (``как пишет «Gzt.Ru»`` around a nested report)."""
    return any(f.start < hi and lo < f.end and not (f.start <= lo and hi <= f.end and f.cue is not None
                                                    and (f.cue[1] <= lo or f.cue[0] >= hi))
               for f in an.found)


def _lemma(an: Reader, pos: int) -> str:
    i = an.doc.token_at(pos)
    return an.doc.tokens[i].lemma if i is not None else ""


def _complement_after(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> bool:
    """``X сказал(, журналистам)?, что …`` / ``о том, что …`` / ``будто …``, or ``X признал:
    …``; True when the verb introduces its content this way (attributed or not)."""
    text = an.text
    right = text[v.end : s_hi]
    m = re.match(r"[^.!?;:«»\"„]{0,60}?(?:,\s*|\s+)(?=(что|будто|якобы|чтобы)\b)", right)
    if m and not re.search(r"\b(?:который|которая|которое|которые)\b", right[: m.end()]):
        _emit_reported(an, v, v.end + m.end(), s_hi, s_lo, s_hi)
        return True
    m = re.match(r"(?:\s+\w+){0,3}\s*:\s*", right)
    if m and m.end() < len(right):
        c_lo = v.end + m.end()
        if text[c_lo] in _OPENING_MARKS and not _words_after_mark(an, c_lo, s_hi):
            return True  # a marked quote after a colon: the direct pass owns it
        # Without a subject ("скажут: ...") it is a saying, not someone's statement.
        if an.subject_of(v.i, s_lo, v.start) is not None:
            _emit_reported(an, v, c_lo, s_hi, s_lo, s_hi, clip=False)
        return True
    return False


def _words_after_mark(an: Reader, lo: int, hi: int) -> bool:
    """Whether the quotation opening at ``lo`` leaves words of the clause after it, before
    ``hi`` (the quoted words only open the reported clause: mixed speech)."""
    m = next((m for m in an.marked if m.depth == 0 and m.lo == lo), None)
    return m is not None and re.match(r"[ \t]+\w", an.text[m.hi : hi]) is not None \
        and an.text[m.start : m.end].rstrip()[-1:] not in ".!?…"


def _author_inside(an: Reader, v: RuToken, s_lo: int, s_hi: int, content_end: int) -> None:
    """``Q, — говорит X.`` and ``A, утверждает X, B.``: the content before the author's words
    and, after a comma, the rest of the sentence."""
    text = an.text
    c_lo, c_hi = strip_range(text, s_lo, content_end)
    c_lo = _skip_dialogue_dash(text, c_lo, c_hi)
    subj = an.subject_of(v.i, v.start, s_hi)
    if c_hi <= c_lo or an.covered(c_lo, c_hi, nesting=True) or subj is None:
        return
    (_sp_lo, sp_hi), _head = subj
    tail = text[sp_hi:s_hi]
    t2 = re.match(r"\s*,\s*", tail)
    an.used_verbs.add(v.i)
    b_lo, b_hi = strip_range(text, sp_hi + t2.end(), s_hi) if t2 and t2.end() < len(tail) else (s_hi, s_hi)
    if b_hi > b_lo and _relay_after(an, b_lo, b_hi):
        b_lo = b_hi  # "A, считает X, пишут «Ведомости»": the outlet's words follow, not X's
    if b_hi > b_lo and _subject_only(an, c_lo, c_hi) and not an.covered(b_lo, b_hi):
        # "[Следственные органы], продолжает X, [должны расследовать …]": one clause the
        # author's words interrupt is one quote, the cue inside it
        _emit_span(an, c_lo, b_hi, v, subj)
        return
    _emit_span(an, c_lo, c_hi, v, subj)
    if b_hi > b_lo and not an.covered(b_lo, b_hi):
        _emit_span(an, b_lo, b_hi, v, subj)


def _relay_after(an: Reader, lo: int, hi: int) -> bool:
    """``…, пишут «Ведомости»``: what follows the author's words is another author's clause."""
    toks = [t for t in an.tokens_in(lo, hi) if t.pos != "PUNCT"]
    return bool(toks) and is_speech_verb(toks[0])


def _subject_only(an: Reader, lo: int, hi: int) -> bool:
    """Whether the piece before an author's interruption is only a noun phrase, the subject of
    the clause it interrupts (no verb form of its own, not just a connective like ``Между
    тем``)."""
    toks = an.tokens_in(lo, hi)
    return any(t.pos in {"NOUN", "PROPN"} for t in toks) and not any(
        (t.pos in {"VERB", "AUX"} or t.feats.get("VerbForm") in {"Fin", "Inf"}) and t.feats.get("VerbForm") != "Part"
        for t in toks)


# "Об этом заявил X", "О том сообщил X", "Это подтвердил X": the sentence points back.
_THIS = re.compile(r"\s*(?:(?:об?|обо)\s+(?:этом|том|всём|всем)|это|этого|такое|то\s+же\s+самое)\b", re.I)


def _about_previous(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> None:
    """``P. Об этом заявил X.``: what X stated is the sentence before (its reported clause
    when that sentence reports with no one saying it: ``Было объявлено, что P``).  Said by
    someone else already (``Как передало радио, P. Об этом сообщил X.``), it is X's as well;
    by X already, nothing is added."""
    subj = an.subject_of(v.i, v.start, s_hi) or an.subject_of(v.i, s_lo, v.start)
    if subj is None:
        return
    prev = _previous_sentence(an, s_lo)
    if prev is None:
        return
    c_lo, c_hi = prev
    who = _referent(an, subj[0])
    said = [f for f in an.found if c_lo <= f.start < c_hi and f.speaker is not None]
    if said:
        # The sentence before reports someone's words already: X repeats those words, unless
        # X is that someone (a pronoun subject, "Об этом он сказал", is taken to be).
        if who is None or any(f.speaker is not None and _referent(an, f.speaker) == who for f in said):
            return
        if all(_relayed(an, f) for f in said):
            # "Как передало радио, P. Об этом сообщил X": X confirms P itself
            c_lo, c_hi = max(said, key=lambda f: f.end - f.start).start, max(f.end for f in said)
        # else "Меркель заявила, что P. Об этом рассказали участники": they report her saying it
    else:
        c_lo = _impersonal_clause(an, c_lo, c_hi)
    c_lo, c_hi = strip_range(an.text, c_lo, _trim_end_punct(an.text, c_lo, c_hi))
    if c_hi <= c_lo or not _has_content(an, c_lo, c_hi):
        return
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)


_RELAY_VERBS = frozenset("передать передавать писать написать сообщать сообщить".split())


def _relayed(an: Reader, f: Found) -> bool:
    """Whether a found report passes on what an outlet or body relays (``Как передало радио,
    P``, ``сообщает агентство``) rather than what a person said."""
    if f.cue is None or f.speaker is None:
        return False
    cue = an.doc.token_at(f.cue[0])
    if cue is None or an.doc.tokens[cue].lemma not in _RELAY_VERBS:
        return False
    toks = an.tokens_in(*f.speaker)
    return not any(an.tok_ent[t.i].type == "PERSON" for t in toks if t.i in an.tok_ent) and not any(
        t.feats.get("Animacy") == "Anim" for t in toks)


def _previous_sentence(an: Reader, s_lo: int) -> tuple[int, int] | None:
    """The sentence before the one starting at ``s_lo``, in this paragraph or the one before."""
    sents = an.doc.sents
    k = next((n for n, s in enumerate(sents) if s.start >= s_lo), len(sents))
    while k > 0:
        k -= 1
        p = sents[k]
        if p.end > s_lo or not WORD.search(an.text[p.start : p.end]):
            continue
        if an.text.count("\n\n", p.end, s_lo) > 0 and an.text.count("\n", p.end, s_lo) > 2:
            return None
        return p.start, p.end
    return None


def _impersonal_clause(an: Reader, lo: int, hi: int) -> int:
    """Where the reported clause of an unattributed report starts (``Было объявлено, что
    P``, ``Сообщается, что P``), else ``lo``."""
    for t in an.tokens_in(lo, hi):
        if t.lemma not in SPEECH_VERBS and t.lemma not in {"известный", "известно"}:
            continue
        if any(c.rel in {"nsubj", "nsubj:pass"} and c.i < t.i for c in an.doc.children(t.i)):
            continue
        m = re.match(r"\s*,\s*(?:что|будто)\s+", an.text[t.end : hi])
        if m:
            return t.end + m.end()
    return lo


def _referent(an: Reader, span: tuple[int, int]) -> object:
    """What a speaker phrase names, to compare two attributions: its entity, else its words
    (None for a personal pronoun, whose referent is not known yet)."""
    toks = an.tokens_in(*span)
    if len(toks) == 1 and toks[0].pos == "PRON":
        return None
    ent = next((an.tok_ent[t.i] for t in toks if t.i in an.tok_ent), None)
    return ent.id if ent is not None else an.text[span[0] : span[1]].casefold()


def _about_which(an: Reader, v: RuToken, s_lo: int, s_hi: int, left: str) -> None:
    """``A, о чём заявил X``: the clause before is what X stated."""
    about = re.search(r",\s*о\s+ч[её]м(?:\s+\w+)?\s*$", left)
    if about is None:
        return
    c_lo, c_hi = strip_range(an.text, s_lo, s_lo + about.start())
    subj = an.subject_of(v.i, v.start, s_hi)
    if c_hi > c_lo and not an.covered(c_lo, c_hi):
        an.used_verbs.add(v.i)
        _emit_span(an, c_lo, c_hi, v, subj)


def _as_said(an: Reader, v: RuToken, s_lo: int, s_hi: int) -> None:
    """Как сообщил X, Q."""
    subj = an.subject_of(v.i, v.start, s_hi)
    if subj is None:
        return
    rest = an.text[subj[0][1] : s_hi]
    m = re.match(r"[^,]*,\s*", rest)
    if not m:
        return
    c_lo, c_hi = strip_range(an.text, subj[0][1] + m.end(), s_hi)
    if c_hi > c_lo and not an.covered(c_lo, c_hi):
        an.used_verbs.add(v.i)
        _emit_span(an, c_lo, c_hi, v, subj)


def _emit_reported(an: Reader, v: RuToken, c_lo: int, c_hi: int, s_lo: int, s_hi: int, *, clip: bool = True) -> None:
    if clip:
        # The reported clause ends where the author concedes (", хотя") or cites another
        # source (", а по расчётам Y").
        cut = re.search(r",\s*(?:хотя\b|а\s+по\s+\w+|тогда\s+как\b|в\s+то\s+время\s+как\b)", an.text[c_lo:c_hi])
        if cut:
            c_hi = c_lo + cut.start()
    # A quotation after a colon is the marked pass's ("отметил, что P: «Q»"), and a trailing
    # author's clause is another report ("что P, пишет газета").
    colon = re.search(r":\s*[«„\"]", an.text[c_lo:c_hi])
    if colon:
        c_hi = c_lo + colon.start()
    for t in an.tokens_in(c_lo, c_hi):
        if t.i == v.i or t.lemma not in SPEECH_VERBS:
            continue
        join = re.search(r",\s*(?:(?:а|и|но)\s+)?(?:(?:также|ещё|еще|затем|потом)\s+)?$", an.text[c_lo:t.start])
        if join is None:
            continue
        relay = is_speech_verb(t) and an.subject_of(t.i, t.end, c_hi) is not None \
            and not re.match(r"\s*,?\s*что\b", an.text[t.end:c_hi])
        # "…, а также добавила, что P2", "…, заявив, что P2": the next report begins
        goes_on = join.group().strip() != "," or t.feats.get("VerbForm") == "Conv" or \
            re.match(r"\s*,?\s*что\b", an.text[t.end:c_hi]) is not None
        if relay or goes_on:
            c_hi = c_lo + join.start()
            break
    c_lo, c_hi = strip_range(an.text, c_lo, c_hi)
    if c_hi <= c_lo or an.covered(c_lo, c_hi):
        return
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)


def _emit_span(an: Reader, c_lo: int, c_hi: int, v: RuToken | None, subj, cue: tuple[int, int] | None = None) -> None:
    cue = cue or ((v.start, v.end) if v is not None else None)
    # Reported content stays in its paragraph (a title line without a full stop runs into the
    # next paragraph as one "sentence").
    brk = an.text.find("\n", c_lo, c_hi)
    if brk >= 0:
        c_lo, c_hi = strip_range(an.text, c_lo, _trim_end_punct(an.text, c_lo, brk))
        if c_hi <= c_lo:
            return
    quoted = an.quoted_person(v.i) if v is not None else None
    if quoted is not None and subj is not None and subj[0][0] <= quoted[0][0] < subj[0][1]:
        # "процитировали её участники": the pronoun is the object, not the subject's possessive
        rest = an.text[quoted[0][1] : subj[0][1]]
        subj = ((quoted[0][1] + len(rest) - len(rest.lstrip()), subj[0][1]), subj[1])
    speaker, head = subj if subj else (None, None)
    # Names and titles in marks do not make reported speech mixed ("в «Tele2 Россия»").
    inner = [m for m in an.marked if m.depth == 0 and c_lo <= m.lo and m.hi <= c_hi + 1 and not an.is_name(m)]
    kind = "mixed" if inner else "indirect"
    n_all = len(WORD.findall(an.text[c_lo:c_hi]))
    for m in inner:
        # Reported speech that is mostly one quotation running to its end: a direct quote.
        ms, me = m.content
        n_q = len(WORD.findall(an.text[ms:me]))
        tail = an.text[m.hi : c_hi].strip()
        if n_all and n_q / n_all >= 0.75 and all(ch in ".!?…,;" for ch in tail):
            ms, me = strip_range(an.text, ms, me)
            c_lo, c_hi, kind = ms, me, "direct"
            break
    if quoted is not None:
        # the words are the quoted person's first, passed on by the subject
        an.add(Found(c_lo, c_hi, kind, cue=cue, speaker=quoted[0], head=quoted[1]))
    an.add(Found(c_lo, c_hi, kind, cue=cue, speaker=speaker, head=head))


def _reported_from_source(an: Reader, src, s_lo: int, s_hi: int) -> None:
    text = an.text
    (cue_lo, cue_hi), (sp_lo, sp_hi), head = src
    s_hi = _trim_end_punct(text, s_lo, s_hi)
    subj = ((sp_lo, sp_hi), head)
    left_lo, left_hi = strip_range(text, s_lo, min(cue_lo, sp_lo))
    left_hi = left_lo + len(text[left_lo:left_hi].rstrip(" ,—–-"))
    left_lo = _skip_dialogue_dash(text, left_lo, left_hi)
    # "Отметим также, что по данным X, P": a frame ending in its complementizer says nothing
    left = left_hi > left_lo and _has_content(an, left_lo, left_hi) and not an.covered(left_lo, left_hi, nesting=True) \
        and not re.search(r"\b(?:что|чтобы|будто)\s*$", text[left_lo:left_hi])
    # "по словам X, …" names the source after the cue; "по его словам, …" inside it.
    src_end = max(sp_hi, cue_hi)
    rest = text[src_end:s_hi]
    m = re.match(r"\s*[,:]\s*", rest)
    r_lo = r_hi = s_hi
    if m and m.end() < len(rest):
        r_lo, r_hi = strip_range(text, src_end + m.end(), s_hi)
        nxt = an.next_open(r_lo, r_hi + 1)
        if nxt is not None and nxt > r_lo and text[nxt - 1 : nxt].isspace() and text[:nxt].rstrip().endswith(":"):
            r_hi = strip_range(text, r_lo, text[:nxt].rstrip().rfind(":"))[1]
    # "По их словам, министр пообещала P": they report her report, which stays hers as well
    right = r_hi > r_lo and not an.covered(r_lo, r_hi, nesting=True)
    if left and right and _subject_only(an, left_lo, left_hi):
        # "[Санкции в отношении олигархов], по словам политика, [будут поддержаны …]": one
        # clause, the source phrase inside it
        _emit_span(an, left_lo, r_hi, None, subj, cue=(cue_lo, cue_hi))
        return
    if left:
        _emit_span(an, left_lo, left_hi, None, subj, cue=(cue_lo, cue_hi))
    if right:
        _emit_span(an, r_lo, r_hi, None, subj, cue=(cue_lo, cue_hi))


def _has_content(an: Reader, lo: int, hi: int) -> bool:
    """Whether ``[lo, hi)`` says something: a noun, verb, adjective, number or a pronoun
    subject, not just a connective (``При этом, по его словам, …``, ``Сейчас, …``)."""
    return any(t.pos in {"NOUN", "PROPN", "VERB", "AUX", "ADJ", "NUM"}
               or t.pos == "PRON" and t.feats.get("Case") == "Nom" and t.lemma != "это"
               for t in an.tokens_in(lo, hi))


def _trim_end_punct(text: str, lo: int, hi: int) -> int:
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in ".!?…;"):
        hi -= 1
    return hi


def _skip_dialogue_dash(text: str, lo: int, hi: int) -> int:
    m = re.match(r"[—–-]\s+", text[lo:hi])
    return lo + m.end() if m else lo
