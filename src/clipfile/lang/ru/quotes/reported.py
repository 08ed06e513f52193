"""Reported speech without marks, or with a quoted fragment (``mixed``): ``X заявил, что …``,
``X признал: …``, ``Q, — говорит X.``, ``A, утверждает X, B``, ``Как сообщил X, …``, ``A, о
чём заявил X``, and a source phrase: ``по словам X, …``, ``по мнению X``, ``по данным X``.
"""
from __future__ import annotations

import re

from ....analysis.problems import isolated
from ....analysis.ranges import strip_range
from ..parse import RuToken
from .reader import WORD, Found, Reader, is_speech_verb

__all__ = ["reported"]

# Opening marks: a marked quote after a colon belongs to the marked pass.
_OPENING_MARKS = "«„‚‹\""


def reported(an: Reader) -> None:
    """Indirect and mixed speech: after a reporting verb, or framing a clause."""
    doc = an.doc
    for sent in doc.sents:
        s_lo, s_hi = sent.start, sent.end
        if an.covered(s_lo, s_hi) and _fully_direct(an, s_lo, s_hi):
            continue
        for t in doc.tokens[sent.first : sent.last]:
            if t.i in an.used_verbs or not is_speech_verb(t):
                continue
            if an.inside_marked(t.start) is not None or an.covered(t.start, t.end):
                continue
            with isolated("quote candidate", t.start, t.end):  # a failure skips this verb only
                _reported_from_verb(an, t, s_lo, s_hi)
        with isolated("sentence", s_lo, s_hi):
            src = an.source_phrase(s_lo, s_hi)
            if src and not an.covered(src[0][0], src[1][1]):
                _reported_from_source(an, src, s_lo, s_hi)


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
    left = an.text[s_lo : v.start]
    lm = re.search(r"[,!?…]\s*[—–-]?\s*$", left)
    if lm is None:
        lm = re.search(r"(?<=\w)\s+[—–-]\s*$", left)  # «Q - говорит X» without a comma
    if lm is not None:
        _author_inside(an, v, s_lo, s_hi, s_lo + lm.start())
    elif an.after_kak(v, s_lo):
        _as_said(an, v, s_lo, s_hi)
    else:
        _about_which(an, v, s_lo, s_hi, left)


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
        if text[c_lo] in _OPENING_MARKS:
            return True  # a marked quote after a colon: the direct pass owns it
        # Without a subject ("скажут: ...") it is a saying, not someone's statement.
        if an.subject_of(v.i, s_lo, v.start) is not None:
            _emit_reported(an, v, c_lo, s_hi, s_lo, s_hi, clip=False)
        return True
    return False


def _author_inside(an: Reader, v: RuToken, s_lo: int, s_hi: int, content_end: int) -> None:
    """``Q, — говорит X.`` and ``A, утверждает X, B.``: the content before the author's words
    and, after a comma, the rest of the sentence."""
    text = an.text
    c_lo, c_hi = strip_range(text, s_lo, content_end)
    c_lo = _skip_dialogue_dash(text, c_lo, c_hi)
    subj = an.subject_of(v.i, v.start, s_hi)
    if c_hi <= c_lo or an.covered(c_lo, c_hi) or subj is None:
        return
    (_sp_lo, sp_hi), _head = subj
    tail = text[sp_hi:s_hi]
    t2 = re.match(r"\s*,\s*", tail)
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)
    if t2 and t2.end() < len(tail):
        b_lo, b_hi = strip_range(text, sp_hi + t2.end(), s_hi)
        if b_hi > b_lo and not an.covered(b_lo, b_hi):
            _emit_span(an, b_lo, b_hi, v, subj)


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
    c_lo, c_hi = strip_range(an.text, c_lo, c_hi)
    if c_hi <= c_lo or an.covered(c_lo, c_hi):
        return
    subj = an.subject_of(v.i, s_lo, v.start) or an.subject_of(v.i, s_lo, s_hi)
    an.used_verbs.add(v.i)
    _emit_span(an, c_lo, c_hi, v, subj)


def _emit_span(an: Reader, c_lo: int, c_hi: int, v: RuToken | None, subj, cue: tuple[int, int] | None = None) -> None:
    cue = cue or ((v.start, v.end) if v is not None else None)
    speaker, head = subj if subj else (None, None)
    inner = [m for m in an.marked if m.depth == 0 and c_lo <= m.lo and m.hi <= c_hi + 1]
    kind = "mixed" if inner else "indirect"
    n_all = len(WORD.findall(an.text[c_lo:c_hi]))
    for m in inner:
        # Reported speech that is mostly one quotation running to its end: a direct quote.
        ms, me = m.content
        n_q = len(WORD.findall(an.text[ms:me]))
        tail = an.text[m.hi : c_hi].strip()
        if n_all and n_q / n_all >= 0.75 and all(ch in ".!?…,;" for ch in tail):
            ms, me = strip_range(an.text, ms, me)
            an.add(Found(ms, me, "direct", cue=cue, speaker=speaker, head=head))
            return
    an.add(Found(c_lo, c_hi, kind, cue=cue, speaker=speaker, head=head))


def _reported_from_source(an: Reader, src, s_lo: int, s_hi: int) -> None:
    text = an.text
    (cue_lo, cue_hi), (sp_lo, sp_hi), head = src
    s_hi = _trim_end_punct(text, s_lo, s_hi)
    subj = ((sp_lo, sp_hi), head)
    left_lo, left_hi = strip_range(text, s_lo, cue_lo)
    left_hi = left_lo + len(text[left_lo:left_hi].rstrip(" ,—–-"))
    left_lo = _skip_dialogue_dash(text, left_lo, left_hi)
    if left_hi > left_lo and WORD.search(text[left_lo:left_hi]):
        if not an.covered(left_lo, left_hi):
            _emit_span(an, left_lo, left_hi, None, subj, cue=(cue_lo, cue_hi))
    rest = text[sp_hi:s_hi]
    m = re.match(r"\s*[,:]\s*", rest)
    if m and m.end() < len(rest):
        r_lo, r_hi = strip_range(text, sp_hi + m.end(), s_hi)
        nxt = an.next_open(r_lo, r_hi + 1)
        if nxt is not None and nxt > r_lo and text[nxt - 1 : nxt].isspace() and text[:nxt].rstrip().endswith(":"):
            r_hi = strip_range(text, r_lo, text[:nxt].rstrip().rfind(":"))[1]
        if r_hi > r_lo and not an.covered(r_lo, r_hi):
            _emit_span(an, r_lo, r_hi, None, subj, cue=(cue_lo, cue_hi))


def _trim_end_punct(text: str, lo: int, hi: int) -> int:
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in ".!?…;"):
        hi -= 1
    return hi


def _skip_dialogue_dash(text: str, lo: int, hi: int) -> int:
    m = re.match(r"[—–-]\s+", text[lo:hi])
    return lo + m.end() if m else lo
