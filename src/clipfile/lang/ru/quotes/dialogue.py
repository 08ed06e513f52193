"""Dialogue lines: ``— Q1, — заявил министр. — Q2.``

A line opened by a dash is speech; punctuation and a dash start the author's words (a verb
among them: ``улыбнулся``, ``заявил``), and a full stop or comma and a dash resume the speech.
"""
from __future__ import annotations

import re

from ....analysis.problems import isolated
from ....analysis.ranges import strip_range
from ..lexicon import SPEECH_VERBS
from ..parse import models
from .reader import WORD, Found, Reader, verb_form

__all__ = ["dialogue"]

_DIALOGUE_START = re.compile(r"[ \t]*[—–-][ \t\u00a0]+")
# Punctuation then a dash inside a dialogue line: the author's words follow.
_AUTHOR_BREAK = re.compile(r"(?:[,!?…]|\.\.\.)[ \t\u00a0]*[—–-][ \t\u00a0]+")
# After the author's words: a full stop or comma and a dash resume the speech.
_RESUME = re.compile(r"[.,:][ \t\u00a0]*[—–-][ \t\u00a0]+")


# A replica run into a paragraph after a sentence or a quotation ends: "… загадал: «…» —
# Дополз! — сказал детектив вслух."
_INLINE_START = re.compile(r"(?<=[.!?…»\"])[ \t\u00a0]+[—–][ \t\u00a0]+")


# Inside speech: the end of a sentence, a dash and a capital — the next replica.
_REPLICA = re.compile(r"(?<=[.!?…])[ \t\u00a0]+[—–][ \t\u00a0]+(?=[A-ZА-ЯЁ«])")


def dialogue(an: Reader) -> None:
    pos = 0
    for line in an.text.split("\n"):
        m = _DIALOGUE_START.match(line)
        if m:
            with isolated("dialogue line", pos, pos + len(line)):  # a failure skips this line only
                _dialogue_line(an, pos, pos + len(line), pos + m.end())
        else:
            for im in _INLINE_START.finditer(line):
                if an.inside_marked(pos + im.start()) is None:
                    with isolated("dialogue line", pos, pos + len(line)):
                        _dialogue_line(an, pos, pos + len(line), pos + im.end(), inline=True)
                    break
        pos += len(line) + 1


def _dialogue_line(an: Reader, line_start: int, line_end: int, cs: int, *, inline: bool = False) -> None:
    """The replicas of one dialogue line from ``cs``; ``inline`` (a replica inside a paragraph)
    counts only when the author's words follow the first replica (``— Q, — сказал X``): a dash
    after a sentence is otherwise the writer's own."""
    text = an.text
    first: int | None = None
    last: int | None = None
    search = cs
    seg_start = cs
    while seg_start < line_end:
        brk = None
        for b in _AUTHOR_BREAK.finditer(text, search, line_end):
            if an.inside_marked(b.start()) is None:
                brk = b
                break
        if brk is None:
            if not (inline and first is None and last is None):
                _emit_dialogue_segment(an, seg_start, line_end, first, last)
            return
        author_start = brk.end()
        res = None
        for r in _RESUME.finditer(text, author_start, line_end):
            if an.inside_marked(r.start()) is None:
                res = r
                break
        author_end = res.start() + 1 if res else line_end
        verbs = [t for t in an.tokens_in(author_start, author_end) if t.pos in {"VERB", "AUX"}]
        if not verbs:
            # A dash inside the speech itself, not the author's words.
            search = brk.end()
            continue
        # "… спрашивает X. — Q2. — Q3? — уточняет он.": a sentence, a dash and a capital
        # inside the speech start another replica; the one before goes on with the last author
        split = [r for r in _REPLICA.finditer(text, seg_start, brk.start()) if an.inside_marked(r.start()) is None
                 and first is not None]  # after the line's first author's words only
        for r in split:
            # "— Я пришёл. — Он помолчал. — Но поздно, — сказал X.": a piece that is the
            # author's words (a past verb of a third person) is no replica
            if not _authorial(an, seg_start, r.start()):
                _emit_dialogue_segment(an, seg_start, r.start(), first, last)
            seg_start = r.end()
        content_end = brk.start() + (1 if text[brk.start()] in "!?…" else 0)
        speech = [t for t in verbs if t.lemma in SPEECH_VERBS] or verbs
        v = speech[0]
        subj = an.subject_of(v.i, author_start, author_end)
        f = Found(seg_start, content_end, "direct", cue=(v.start, v.end))
        if subj:
            f.speaker, f.head = subj
        an.used_verbs.add(v.i)
        idx = an.add(f) if _worth(an, seg_start, content_end) else None
        if first is None:
            first = idx
        last = idx if idx is not None else last
        if res is None:
            return
        seg_start = search = res.end()


def _authorial(an: Reader, lo: int, hi: int) -> bool:
    """Whether a short piece between dashes is the author's words (``Он помолчал.``,
    ``Анна кивнула.``): a past-tense verb whose subject opens it in the third person."""
    toks = [t for t in an.tokens_in(lo, hi) if t.pos != "PUNCT"]
    if not toks or len(toks) > 8 or any(t.lemma in {"я", "мы", "ты", "вы"} for t in toks):
        return False
    opener = toks[0]
    third = opener.lemma in {"он", "она", "они"} or opener.pos == "PROPN" or opener.i in an.tok_ent or (
        opener.pos == "NOUN" and opener.feats.get("Animacy") == "Anim" and opener.feats.get("Case") == "Nom")
    return third and any(t.pos == "VERB" and t.feats.get("Tense") == "Past" or verb_form(t) and _past(t) for t in toks)


def _past(t) -> bool:
    """A verb form pymorphy2 reads in the past tense (``помолчал``, which the tagger may call a noun)."""
    return any("past" in p.tag for p in models()["vocab"].parse(t.text.lower()))


def _emit_dialogue_segment(an: Reader, start: int, end: int, first: int | None, last: int | None) -> None:
    """The speech after the line's last author's words: the first speaker goes on, and
    the piece continues the one before it."""
    s, e = strip_range(an.text, start, end)
    if an.text[s:e].endswith(".") and not an.text[s:e].endswith(".."):
        e -= 1  # the full stop ends the author's sentence, not part of the speech
    if not _worth(an, s, e):
        return
    if first is not None:
        an.add(Found(s, e, "direct", continuation=True, extra={"after": first, "follows": last}))
    else:
        an.add(Found(s, e, "direct", continuation=True))


def _worth(an: Reader, s: int, e: int) -> bool:
    return len(WORD.findall(an.text[s:e])) >= 1 and e > s
