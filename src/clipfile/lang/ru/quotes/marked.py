"""Quotations between marks and who said them: the author after the quote (``«Q», — сказал
X.``, ``«Q», сказал X.``), before it (``X сказал: «Q».``, ``Как сказал X, «Q».``, ``По словам X,
«Q».``), or nobody named (a quote standing as its own sentence continues the last speaker).
A quote inside a quote needs a cue inside its container.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ....analysis.problems import isolated
from .reader import WORD, Found, Marked, Reader, demonstrative_subject, is_speech_verb, verb_form

__all__ = ["marked_quotes"]

_DASH_AFTER = re.compile(r"\s*[,!?…]*\s*[—–-]+\s*")
_COMMA_AFTER = re.compile(r"\s*,\s*")


def marked_quotes(an: Reader) -> None:
    """Attribute the top-level quotations, then those inside them."""
    for n, m in enumerate(an.marked):
        if m.depth != 0 or an.covered(m.lo, m.hi):
            continue
        with isolated("quote", m.lo, m.hi):  # a failure skips this quotation only
            _attribute_marked(an, n, m, 0, len(an.text), None)
    for n, m in enumerate(an.marked):
        if m.depth == 0 or m.parent is None:
            continue
        parent = next((k for k, f in enumerate(an.found) if f.marked == m.parent), None)
        if parent is None:
            continue
        lo, hi = an.marked[m.parent].content
        with isolated("quote", m.lo, m.hi):
            _attribute_marked(an, n, m, lo, hi, parent, require_cue=True)


def _attribute_marked(an: Reader, n: int, m: Marked, lo: int, hi: int, parent: int | None, *,
                      require_cue: bool = False) -> None:
    """Attribute quotation ``n`` within ``[lo, hi)`` (its container's content when nested)."""
    text = an.text
    cs, ce = m.content
    if ce <= cs:
        return
    n_words = len(WORD.findall(text[cs:ce]))
    s_end = min(an.sent_end(m.hi), hi)
    s_start = max(an.sent_start(m.lo), lo)
    quote = Found(cs, ce, "direct", nested_in=parent, marked=n)
    if _author_after(an, quote, m.hi, s_end):
        return
    before = text[s_start:m.lo].rstrip()
    if before.endswith(":") and re.match(r"[ \t]+\w", text[m.hi : s_end]) and text[cs:ce].rstrip()[-1:] not in ".!?…":
        # "X подметил: «коммерческий панк» изначально фальшив": the quoted words open the
        # reported clause, which the reported pass takes whole (mixed)
        return
    if _author_before(an, quote, s_start, before, require_cue=require_cue, long=n_words >= 3):
        return
    # A quote standing as its own sentence: continues the last speaker.
    if require_cue:
        return
    tail = text[m.hi : s_end].strip()
    if not before.strip(" \t—–-") and all(ch in ".!?…" for ch in tail) and n_words >= 3:
        an.add(Found(cs, ce, "direct", continuation=True, marked=n))


def _with_verb(an: Reader, quote: Found, v, lo: int, hi: int) -> None:
    """Add ``quote`` with reporting verb ``v`` as its cue and the verb's subject in
    ``[lo, hi)`` as its speaker."""
    an.used_verbs.add(v.i)
    quote.cue = (v.start, v.end)
    subj = an.subject_of(v.i, lo, hi)
    quoted = an.quoted_person(v.i)
    if subj and quoted and subj[0][0] <= quoted[0][0] < subj[0][1]:
        rest = an.text[quoted[0][1] : subj[0][1]]  # "— процитировали её участники": the object
        subj = ((quoted[0][1] + len(rest) - len(rest.lstrip()), subj[0][1]), subj[1])
    if quoted:
        # "Он процитировал министра: «Q»": the words are the minister's, passed on by him
        an.add(replace(quote, speaker=quoted[0], head=quoted[1], extra={}))
        if not subj:
            return  # "Хочется процитировать отрывок из его интервью: «Q»": his alone
    if subj:
        quote.speaker, quote.head = subj
    an.add(quote)


def _author_after(an: Reader, quote: Found, q_end: int, s_end: int) -> bool:
    """The author after the quote: «Q», — сказал X.  /  «Q», сказал X."""
    after = an.text[q_end:s_end]
    dm = _DASH_AFTER.match(after)
    has_dash = dm is not None and any(ch in "—–-" for ch in dm.group())
    cm = dm if has_dash else _COMMA_AFTER.match(after)
    if cm is None or cm.end() >= len(after):
        return False
    a_lo = q_end + cm.end()
    a_hi = s_end
    if has_dash and an.covered(a_lo, a_lo + 1):
        return False  # "«…» — Дополз! — сказал детектив": a replica follows, not the author
    nxt = an.next_open(a_lo, a_hi)
    if nxt is not None:
        a_hi = nxt
    toks = [t for t in an.tokens_in(a_lo, a_hi) if t.pos != "PUNCT"]
    if not has_dash and quote.marked is not None and an.is_name(an.marked[quote.marked]):
        return False  # "номинации «Дизайн года», а также …": a name, not words someone said
    speech = [t for t in toks[:6] if is_speech_verb(t)]
    if not speech and has_dash:
        # After a dash the author's words may open with any verb (улыбнулся, кивнул).
        speech = [t for t in toks[:1] if t.pos == "VERB" and t.feats.get("VerbForm") == "Fin"]
    if not speech:
        return False
    _with_verb(an, quote, speech[0], a_lo, a_hi)
    return True


def _author_before(an: Reader, quote: Found, s_start: int, before: str, *, require_cue: bool,
                   long: bool) -> bool:
    """The author before the quote, with a colon or a comma: X сказал: «Q».  Without a verb, a
    source phrase (``По словам X, «Q»``) or, for a long quote, the colon itself is the cue."""
    if not (before.endswith(":") or before.endswith(",")):
        return False
    clause_lo = s_start
    clause_hi = s_start + len(before) - 1
    src = an.source_phrase(clause_lo, clause_hi)
    verbs = [v for v in an.speech_verbs(clause_lo, clause_hi, nested=quote.nested_in is not None)
             if not demonstrative_subject(an.doc, v.i)]
    if before.endswith(","):
        # Only "как сказал X," or "по словам X," may precede a quote after a comma.
        verbs = [v for v in verbs if an.after_kak(v, clause_lo)]
    if verbs and not (src and before.endswith(",") and src[0][0] > verbs[-1].start):
        _with_verb(an, quote, verbs[-1], clause_lo, clause_hi)
        return True
    if src and before.endswith(",") and an.text[max(src[0][1], src[1][1]) : s_start + len(before)].strip(" ,»\""):
        src = None  # "Согласно X, … слов "великая", "прекрасная"": the source phrase is not right before
    if src:
        quote.cue, quote.speaker, quote.head = src
        an.add(quote)
        return True
    if before.endswith(":") and not require_cue and long:
        # "Марлоу загадал: «…»": the subject of the clause before the colon, when a person or
        # a body, says it; "Это аналогия девизу: «…»" is nobody's; "Или: «…»" goes on with
        # the last speaker.
        finite = [t for t in an.tokens_in(clause_lo, clause_hi) if an.inside_marked(t.start) is None
                  and (t.pos in {"VERB", "AUX"} and t.feats.get("VerbForm") in {"Fin", None} or verb_form(t))]
        if not finite:
            if len(WORD.findall(before)) <= 3:  # "Или: «…»", "И дальше: «…»"
                quote.continuation = True
                an.add(quote)
                return True
            return False  # "Это аналогия девизу: «…»"
        # "X адресовал писателю вопрос одной читательницы: «…»": the owner of the words
        owner = an.words_owner(clause_lo, clause_hi)
        subj = owner or an.subject_of(finite[-1].i, clause_lo, clause_hi)
        if subj is None or owner is None and not an.someone(an.doc.tokens[subj[1]]):
            return False
        quote.cue = (clause_hi, clause_hi + 1)
        quote.speaker, quote.head = subj
        an.add(quote)
        return True
    return False

