"""Russian quotations and their speakers, as :class:`Quote` records.

Conventions handled (Russian punctuation rules for direct and reported speech):

* quotation marks: «ёлочки» with „лапки“ nested inside, curly “English” marks and straight
  ``"`` marks, paired per paragraph with a stack (a straight mark opens after a space or an
  opening bracket/dash/colon and closes otherwise);
* the quote first, the author after a dash: ``«Q», — заявил министр.``, ``"Q", - говорит X.``;
* the author first, then a colon: ``Министр заявил: «Q».``; ``Как сказал X, «Q».``;
* dialogue lines opened by a dash, with the author's words between dashes and a continuation:
  ``— Q1, — заявил министр. — Q2.``;
* reported speech: ``X заявил, что …`` / ``будто …``; ``X признал: …`` without marks;
  ``Q, — говорит X.`` and ``Q, говорят эксперты.`` without marks; the author in the middle
  (``A, утверждает X, B``); ``по словам X, …``, ``по мнению X``, ``по данным X``;
  ``как сообщил X, …``.  Reported speech containing quotation marks is ``mixed``.

Speakers are the syntactic subject of the reporting verb (natasha's dependency parse) or the
noun phrase after ``по словам``; the mention as written becomes ``Speaker.start/end``.  It is
resolved like the English side: ``named`` (the phrase holds a name, or an organisation),
``pronoun`` (он/она/они → the last person of that gender/number), ``first-person``
(я/мы), ``nominal`` (``министр`` → the person earlier introduced with that title, else the
phrase itself), ``continuation`` (an unattributed quote right after an attributed one), or
``unresolved``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...analysis.marks import MarkStyle, marked_spans
from ...analysis.quotes import QuoteDraft, assemble, line_of, line_starts
from ...analysis.ranges import strip_range
from ...records import Cue, Entity, Quote, Speaker
from .entities import entities as find_entities
from .lexicon import FIRST_PERSON, PRONOUNS, SOURCE_FORMS, SPEECH_VERBS
from .parse import RuDoc, RuToken, parse

__all__ = ["quotes", "analyze"]

# Russian quotation marks: «ёлочки» with „лапки“ (or “…”, or «ёлочки» again, or straight
# marks inside straight marks) inside; „…“ closes with “.
MARKS = MarkStyle(closes={"„": "“"}, inner={"„": "“", "“": "”"}, nests_itself="«\"")
_OPENING_MARKS = "«„‚‹\""
_WORD = re.compile(r"\w+")
_TERMINATOR = re.compile(r"(?:[.!?…]+)(?=\s|$)|\n")
_DASH_AFTER = re.compile(r"\s*[,!?…]*\s*[—–-]+\s*")
_COMMA_AFTER = re.compile(r"\s*,\s*")
_DIALOGUE_START = re.compile(r"[ \t]*[—–-][ \t\u00a0]+")
# Punctuation then a dash inside a dialogue line: the author's words follow.
_AUTHOR_BREAK = re.compile(r"(?:[,!?…]|\.\.\.)[ \t\u00a0]*[—–-][ \t\u00a0]+")
# After the author's words: a full stop or comma and a dash resume the speech.
_RESUME = re.compile(r"[.,:][ \t\u00a0]*[—–-][ \t\u00a0]+")
_NP_SKIP = frozenset({"acl", "acl:relcl", "parataxis", "cc", "conj", "advcl", "ccomp", "csubj", "mark", "obj", "iobj", "obl", "advmod", "xcomp"})
_SUBJ = ("nsubj", "nsubj:pass")

_CONFIDENCE = {
    "named": 0.9,
    "first-person": 0.85,
    "pronoun": 0.75,
    "nominal": 0.7,
    "continuation": 0.6,
    "unresolved": 0.2,
}


@dataclass
class _Marked:
    """A quotation between marks (:func:`clipfile.analysis.marks.marked_spans`)."""

    lo: int  # the opening mark (where the content starts when the mark went missing)
    hi: int  # just after the closing mark (where the content ends when it went missing)
    close: int  # the closing mark, or where the content ends
    start: int  # the content, without the marks
    end: int
    depth: int
    parent: int | None  # index of the enclosing quotation
    continued: bool  # the quotation goes on in the next paragraph

    @property
    def content(self) -> tuple[int, int]:
        return self.start, self.end


def _marked(text: str) -> list[_Marked]:
    """The quotations between marks, with the nested ones pointing to their container.

    A quotation whose mark went missing (:attr:`MarkedSpan.recovered`: the shared pairing
    guesses where it starts or ends) is left out with what it holds: measured on the Russian
    real-news dev texts, keeping them finds two more quotes but no right speaker for either
    (quote F1 0.647 → 0.663, span-and-speaker F1 0.383 → 0.379, speaker accuracy 0.593 →
    0.571)."""
    out: list[_Marked] = []
    last_top: int | None = None
    skipping = False
    for m in marked_spans(text, MARKS):
        if m.depth == 0:
            skipping = m.recovered
        if skipping or m.recovered:
            continue
        lo = m.open_mark if m.open_mark is not None else m.start
        close = m.close_mark if m.close_mark is not None else m.end
        hi = close + 1 if m.close_mark is not None else m.end
        if m.depth == 0:
            last_top = len(out)
        out.append(_Marked(lo, hi, close, m.start, m.end, m.depth, None if m.depth == 0 else last_top,
                           m.continued))
    return out


@dataclass
class _Found:
    start: int
    end: int
    kind: str
    cue: tuple[int, int] | None = None
    speaker: tuple[int, int] | None = None  # the mention as written
    head: int | None = None  # token index of the speaker phrase's head
    continuation: bool = False
    nested_in: int | None = None  # index into the found list
    marked: int | None = None  # index into the marked list
    extra: dict = field(default_factory=dict)


class _Analyzer:
    def __init__(self, rudoc: RuDoc, ents: list[Entity]):
        self.doc = rudoc
        self.text = rudoc.text
        self.ents = ents
        self.marked = _marked(self.text)
        masked = list(self.text)
        for m in self.marked:
            if m.depth == 0:
                for k in range(m.start, m.end):
                    if masked[k] != "\n":
                        masked[k] = "x"
        self.masked = "".join(masked)
        self.found: list[_Found] = []
        self.used_verbs: set[int] = set()
        # token index -> entity, for every token inside a mention
        self.tok_ent: dict[int, Entity] = {}
        for e in ents:
            for mention in e.mentions:
                for t in self.tokens_in(mention.start, mention.end):
                    self.tok_ent[t.i] = e

    # ---- text helpers -------------------------------------------------------------
    def tokens_in(self, start: int, end: int) -> list[RuToken]:
        i = self.doc.token_at(start)
        out = []
        if i is None:
            return out
        for t in self.doc.tokens[i:]:
            if t.start >= end:
                break
            if t.start >= start and t.end <= end:
                out.append(t)
        return out

    def sent_end(self, pos: int) -> int:
        m = _TERMINATOR.search(self.masked, pos)
        if m is None:
            return len(self.text)
        return m.end() if m.group() != "\n" else m.start()

    def sent_start(self, pos: int) -> int:
        start = 0
        for m in _TERMINATOR.finditer(self.masked, 0, pos):
            start = m.end()
        while start < pos and self.text[start].isspace():
            start += 1
        return start

    def inside_marked(self, pos: int) -> _Marked | None:
        for m in self.marked:
            if m.depth == 0 and m.lo < pos < m.close:
                return m
        return None

    def covered(self, start: int, end: int) -> bool:
        return any(f.start < end and start < f.end for f in self.found)

    # ---- speakers -----------------------------------------------------------------
    def subject_of(self, v: int, lo: int, hi: int) -> tuple[tuple[int, int], int] | None:
        """The subject phrase of verb ``v`` as (span, head), looking inside [lo, hi)."""
        doc = self.doc
        cands = [c for c in doc.children(v) if c.rel in _SUBJ]
        if not cands and doc.tokens[v].rel == "conj" and doc.tokens[v].head >= 0:
            cands = [c for c in doc.children(doc.tokens[v].head) if c.rel in _SUBJ]
        cands = [c for c in cands if c.lemma not in _RELATIVE]
        for subj in cands:
            span = self.phrase(subj.i, lo, hi)
            if span:
                return span, subj.i
        # No subject in the parse: the nearest noun phrase after (inverted order) or before.
        toks = self.tokens_in(lo, hi)
        nominal = {"NOUN", "PROPN", "PRON"}
        after = [t for t in toks if t.i > v and t.pos in nominal and t.lemma not in _RELATIVE]
        before = [t for t in toks if t.i < v and t.pos in nominal and t.lemma not in _RELATIVE]
        for t in after[:1] + before[-1:]:
            if t.feats.get("Case", "Nom") == "Nom":
                span = self.phrase(t.i, lo, hi)
                if span:
                    return span, t.i
        return None

    def phrase(self, head: int, lo: int, hi: int) -> tuple[int, int] | None:
        """Character span of the noun phrase headed by token ``head`` within [lo, hi)."""
        doc = self.doc
        idx = [i for i in doc.subtree(head, skip=_NP_SKIP) if lo <= doc.tokens[i].start and doc.tokens[i].end <= hi]
        if head not in idx:
            return None
        # Keep the contiguous run around the head (punctuation inside the phrase, as in an
        # apposition between commas, belongs to it).
        pos = idx.index(head)
        a = b = pos
        while a > 0 and idx[a - 1] == idx[a] - 1:
            a -= 1
        while b + 1 < len(idx) and idx[b + 1] == idx[b] + 1:
            b += 1
        # A participle or relative clause cut out of the middle ends the phrase there.
        if any(doc.tokens[i].pos == "PUNCT" and doc.tokens[i].text in "«»\"„“" for i in idx[a : b + 1]):
            b = pos
        run = [doc.tokens[i] for i in idx[a : b + 1]]
        while run and run[-1].pos == "PUNCT":
            run.pop()
        while run and run[0].pos == "PUNCT":
            run.pop(0)
        if not run:
            return None
        return run[0].start, run[-1].end

    def source_phrase(self, lo: int, hi: int) -> tuple[tuple[int, int], tuple[int, int], int] | None:
        """``по словам X`` inside [lo, hi): (cue span, speaker span, speaker head)."""
        toks = self.tokens_in(lo, hi)
        for a, b, c in zip(toks, toks[1:], toks[2:] + [None]):
            if a.text.lower() != "по":
                continue
            if c is not None and b.text.lower() in _POSSESSIVE and c.text.lower() in SOURCE_FORMS:
                # "по его словам": the possessive is the (pronoun) speaker.
                return (a.start, c.end), (b.start, b.end), b.i
            if b.text.lower() in SOURCE_FORMS:
                rest = [t for t in toks if t.i > b.i]
                np_toks = []
                for t in rest:
                    if t.pos == "PUNCT" and t.text not in "-":
                        break
                    np_toks.append(t)
                if not np_toks:
                    continue
                head = next((t.i for t in np_toks if t.i in self.tok_ent), None)
                if head is None:
                    head = next((t.i for t in np_toks if t.pos in {"NOUN", "PROPN", "PRON"}), np_toks[0].i)
                return (a.start, b.end), (np_toks[0].start, np_toks[-1].end), head
        return None

    def speech_verbs(self, lo: int, hi: int, *, nested: bool = False) -> list[RuToken]:
        """Reporting verbs in [lo, hi) outside quotation marks (inside, for a nested quote)."""
        return [
            t
            for t in self.tokens_in(lo, hi)
            if _is_speech_verb(t) and (nested or self.inside_marked(t.start) is None)
        ]

    # ---- passes -------------------------------------------------------------------
    def add(self, f: _Found) -> int:
        self.found.append(f)
        return len(self.found) - 1

    def dialogue(self) -> None:
        pos = 0
        for line in self.text.split("\n"):
            m = _DIALOGUE_START.match(line)
            if m:
                self._dialogue_line(pos, pos + len(line), pos + m.end())
            pos += len(line) + 1

    def _dialogue_line(self, line_start: int, line_end: int, cs: int) -> None:
        text = self.text
        first: int | None = None
        last: int | None = None
        search = cs
        seg_start = cs
        while seg_start < line_end:
            brk = None
            for b in _AUTHOR_BREAK.finditer(text, search, line_end):
                if self.inside_marked(b.start()) is None:
                    brk = b
                    break
            if brk is None:
                self._emit_dialogue_segment(seg_start, line_end, first, last)
                return
            author_start = brk.end()
            res = None
            for r in _RESUME.finditer(text, author_start, line_end):
                if self.inside_marked(r.start()) is None:
                    res = r
                    break
            author_end = res.start() + 1 if res else line_end
            verbs = [t for t in self.tokens_in(author_start, author_end) if t.pos in {"VERB", "AUX"}]
            if not verbs:
                # A dash inside the speech itself, not the author's words.
                search = brk.end()
                continue
            content_end = brk.start() + (1 if text[brk.start()] in "!?…" else 0)
            speech = [t for t in verbs if t.lemma in SPEECH_VERBS] or verbs
            v = speech[0]
            subj = self.subject_of(v.i, author_start, author_end)
            f = _Found(seg_start, content_end, "direct", cue=(v.start, v.end))
            if subj:
                f.speaker, f.head = subj
            self.used_verbs.add(v.i)
            idx = self.add(f) if self._worth(seg_start, content_end) else None
            if first is None:
                first = idx
            last = idx if idx is not None else last
            if res is None:
                return
            seg_start = search = res.end()

    def _emit_dialogue_segment(self, start: int, end: int, first: int | None, last: int | None) -> None:
        """The speech after the line's last author's words: the first speaker goes on, and
        the piece continues the one before it."""
        s, e = strip_range(self.text, start, end)
        if self.text[s:e].endswith(".") and not self.text[s:e].endswith(".."):
            e -= 1  # the full stop ends the author's sentence, not part of the speech
        if not self._worth(s, e):
            return
        if first is not None:
            self.add(_Found(s, e, "direct", continuation=True, extra={"after": first, "follows": last}))
        else:
            self.add(_Found(s, e, "direct", continuation=True))

    def _worth(self, s: int, e: int) -> bool:
        return len(_WORD.findall(self.text[s:e])) >= 1 and e > s

    def marked_quotes(self) -> None:
        for n, m in enumerate(self.marked):
            if m.depth != 0 or self.covered(m.lo, m.hi):
                continue
            self._attribute_marked(n, m, 0, len(self.text), None)
        for n, m in enumerate(self.marked):
            if m.depth == 0 or m.parent is None:
                continue
            parent = next((k for k, f in enumerate(self.found) if f.marked == m.parent), None)
            if parent is None:
                continue
            lo, hi = self.marked[m.parent].content
            self._attribute_marked(n, m, lo, hi, parent, require_cue=True)

    def _attribute_marked(self, n: int, m: _Marked, lo: int, hi: int, parent: int | None, *, require_cue: bool = False) -> None:
        text = self.text
        cs, ce = m.content
        if ce <= cs:
            return
        n_words = len(_WORD.findall(text[cs:ce]))
        s_end = min(self.sent_end(m.hi), hi)
        s_start = max(self.sent_start(m.lo), lo)
        # 1. The author after the quote: «Q», — сказал X.  /  «Q», сказал X.
        after = text[m.hi : s_end]
        dm = _DASH_AFTER.match(after)
        has_dash = dm is not None and any(ch in "—–-" for ch in dm.group())
        cm = dm if has_dash else _COMMA_AFTER.match(after)
        if cm is not None and cm.end() < len(after):
            a_lo = m.hi + cm.end()
            a_hi = s_end
            nxt = self._next_open(a_lo, a_hi)
            if nxt is not None:
                a_hi = nxt
            toks = [t for t in self.tokens_in(a_lo, a_hi) if t.pos != "PUNCT"]
            speech = [t for t in toks[:6] if _is_speech_verb(t)]
            if not speech and has_dash:
                # After a dash the author's words may open with any verb (улыбнулся, кивнул).
                speech = [t for t in toks[:1] if t.pos == "VERB" and t.feats.get("VerbForm") == "Fin"]
            if speech:
                v = speech[0]
                self.used_verbs.add(v.i)
                f = _Found(cs, ce, "direct", cue=(v.start, v.end), nested_in=parent, marked=n)
                subj = self.subject_of(v.i, a_lo, a_hi)
                if subj:
                    f.speaker, f.head = subj
                self.add(f)
                return
        # 2. The author before the quote, with a colon or a comma: X сказал: «Q».
        before_hi = m.lo
        before = text[s_start:before_hi].rstrip()
        if before.endswith(":") or before.endswith(","):
            clause_lo = s_start
            clause_hi = s_start + len(before) - 1
            src = self.source_phrase(clause_lo, clause_hi)
            verbs = self.speech_verbs(clause_lo, clause_hi, nested=parent is not None)
            if before.endswith(","):
                # Only "как сказал X," or "по словам X," may precede a quote after a comma.
                verbs = [v for v in verbs if self._after_kak(v, clause_lo)]
            if verbs and not (src and before.endswith(",") and src[0][0] > verbs[-1].start):
                v = verbs[-1]
                self.used_verbs.add(v.i)
                f = _Found(cs, ce, "direct", cue=(v.start, v.end), nested_in=parent, marked=n)
                subj = self.subject_of(v.i, clause_lo, clause_hi)
                if subj:
                    f.speaker, f.head = subj
                self.add(f)
                return
            if src:
                cue, sp, head = src
                self.add(_Found(cs, ce, "direct", cue=cue, speaker=sp, head=head, nested_in=parent, marked=n))
                return
            if before.endswith(":") and not require_cue and n_words >= 3:
                self.add(_Found(cs, ce, "direct", cue=(clause_hi, clause_hi + 1), nested_in=parent, marked=n))
                return
        # 3. A quote standing as its own sentence: continues the last speaker.
        if require_cue:
            return
        tail = text[m.hi : s_end].strip()
        if not before.strip(" \t—–-") and all(ch in ".!?…" for ch in tail) and n_words >= 3:
            self.add(_Found(cs, ce, "direct", continuation=True, marked=n))

    def _after_kak(self, v: RuToken, lo: int) -> bool:
        """``Как (он) говорит,``: the verb's clause opens with ``как``."""
        clause = self.text[lo : v.start]
        clause = clause[clause.rfind(",") + 1 :]
        words = _WORD.findall(clause)
        return bool(words) and words[0].lower() == "как" and len(words) <= 4

    def _next_open(self, lo: int, hi: int) -> int | None:
        for m in self.marked:
            if m.depth == 0 and lo <= m.lo < hi:
                return m.lo
        return None

    def reported(self) -> None:
        """Indirect and mixed speech: after a reporting verb, or framing a clause."""
        doc = self.doc
        for sent in doc.sents:
            s_lo, s_hi = sent.start, sent.end
            if self.covered(s_lo, s_hi) and self._fully_direct(s_lo, s_hi):
                continue
            for t in doc.tokens[sent.first : sent.last]:
                if t.i in self.used_verbs or not _is_speech_verb(t):
                    continue
                if self.inside_marked(t.start) is not None or self.covered(t.start, t.end):
                    continue
                self._reported_from_verb(t, s_lo, s_hi)
            src = self.source_phrase(s_lo, s_hi)
            if src and not self.covered(src[0][0], src[1][1]):
                self._reported_from_source(src, s_lo, s_hi)

    def _fully_direct(self, lo: int, hi: int) -> bool:
        words = sum(len(_WORD.findall(self.text[f.start : f.end])) for f in self.found if lo <= f.start < hi)
        return words >= 0.6 * len(_WORD.findall(self.text[lo:hi]))

    def _reported_from_verb(self, v: RuToken, s_lo: int, s_hi: int) -> None:
        text = self.text
        s_hi = _trim_end_punct(text, s_lo, s_hi)
        right = text[v.end : s_hi]
        # X сказал(, журналистам)?, что ... / о том, что ... / будто ...
        m = re.match(r"[^.!?;:«»\"„]{0,60}?(?:,\s*|\s+)(?=(что|будто|якобы|чтобы)\b)", right)
        if m and not re.search(r"\b(?:который|которая|которое|которые)\b", right[: m.end()]):
            c_lo = v.end + m.end()
            self._emit_reported(v, c_lo, s_hi, s_lo, s_hi)
            return
        m = re.match(r"(?:\s+\w+){0,3}\s*:\s*", right)
        if m and m.end() < len(right):
            c_lo = v.end + m.end()
            if text[c_lo] in _OPENING_MARKS:
                return  # a marked quote after a colon: the direct pass owns it
            # Without a subject ("скажут: ...") it is a saying, not someone's statement.
            if self.subject_of(v.i, s_lo, v.start) is not None:
                self._emit_reported(v, c_lo, s_hi, s_lo, s_hi, clip=False)
            return
        # Q, — говорит X.   A, утверждает X, B.
        left = text[s_lo : v.start]
        lm = re.search(r"[,!?…]\s*[—–-]?\s*$", left)
        if lm is None:
            lm = re.search(r"(?<=\w)\s+[—–-]\s*$", left)  # «Q - говорит X» without a comma
        if lm is None:
            if self._after_kak(v, s_lo):
                self._as_said(v, s_lo, s_hi)
            elif re.search(r",\s*о\s+ч[её]м(?:\s+\w+)?\s*$", left):
                # "A, о чём заявил X": the clause before is what X stated.
                about = re.search(r",\s*о\s+ч[её]м(?:\s+\w+)?\s*$", left)
                c_lo, c_hi = strip_range(text, s_lo, s_lo + about.start())
                subj = self.subject_of(v.i, v.start, s_hi)
                if c_hi > c_lo and not self.covered(c_lo, c_hi):
                    self.used_verbs.add(v.i)
                    self._emit_span(c_lo, c_hi, v, subj)
            return
        c_lo, c_hi = strip_range(text, s_lo, s_lo + lm.start())
        c_lo = _skip_dialogue_dash(text, c_lo, c_hi)
        subj = self.subject_of(v.i, v.start, s_hi)
        if c_hi <= c_lo or self.covered(c_lo, c_hi):
            return
        if subj is None:
            return
        (sp_lo, sp_hi), head = subj
        tail = text[sp_hi:s_hi]
        t2 = re.match(r"\s*,\s*", tail)
        self.used_verbs.add(v.i)
        self._emit_span(c_lo, c_hi, v, subj)
        if t2 and t2.end() < len(tail):
            b_lo, b_hi = strip_range(text, sp_hi + t2.end(), s_hi)
            if b_hi > b_lo and not self.covered(b_lo, b_hi):
                self._emit_span(b_lo, b_hi, v, subj)

    def _as_said(self, v: RuToken, s_lo: int, s_hi: int) -> None:
        """Как сообщил X, Q."""
        subj = self.subject_of(v.i, v.start, s_hi)
        if subj is None:
            return
        rest = self.text[subj[0][1] : s_hi]
        m = re.match(r"[^,]*,\s*", rest)
        if not m:
            return
        c_lo, c_hi = strip_range(self.text, subj[0][1] + m.end(), s_hi)
        if c_hi > c_lo and not self.covered(c_lo, c_hi):
            self.used_verbs.add(v.i)
            self._emit_span(c_lo, c_hi, v, subj)

    def _emit_reported(self, v: RuToken, c_lo: int, c_hi: int, s_lo: int, s_hi: int, *, clip: bool = True) -> None:
        if clip:
            # The reported clause ends where the author concedes (", хотя") or cites another
            # source (", а по расчётам Y").
            cut = re.search(r",\s*(?:хотя\b|а\s+по\s+\w+|тогда\s+как\b|в\s+то\s+время\s+как\b)", self.text[c_lo:c_hi])
            if cut:
                c_hi = c_lo + cut.start()
        c_lo, c_hi = strip_range(self.text, c_lo, c_hi)
        if c_hi <= c_lo or self.covered(c_lo, c_hi):
            return
        subj = self.subject_of(v.i, s_lo, v.start) or self.subject_of(v.i, s_lo, s_hi)
        self.used_verbs.add(v.i)
        self._emit_span(c_lo, c_hi, v, subj)

    def _emit_span(self, c_lo: int, c_hi: int, v: RuToken | None, subj, cue: tuple[int, int] | None = None) -> None:
        cue = cue or ((v.start, v.end) if v is not None else None)
        speaker, head = subj if subj else (None, None)
        inner = [m for m in self.marked if m.depth == 0 and c_lo <= m.lo and m.hi <= c_hi + 1]
        kind = "mixed" if inner else "indirect"
        n_all = len(_WORD.findall(self.text[c_lo:c_hi]))
        for m in inner:
            # Reported speech that is mostly one quotation running to its end: a direct quote.
            ms, me = m.content
            n_q = len(_WORD.findall(self.text[ms:me]))
            tail = self.text[m.hi : c_hi].strip()
            if n_all and n_q / n_all >= 0.75 and all(ch in ".!?…,;" for ch in tail):
                ms, me = strip_range(self.text, ms, me)
                self.add(_Found(ms, me, "direct", cue=cue, speaker=speaker, head=head))
                return
        self.add(_Found(c_lo, c_hi, kind, cue=cue, speaker=speaker, head=head))

    def _reported_from_source(self, src, s_lo: int, s_hi: int) -> None:
        text = self.text
        (cue_lo, cue_hi), (sp_lo, sp_hi), head = src
        s_hi = _trim_end_punct(text, s_lo, s_hi)
        subj = ((sp_lo, sp_hi), head)
        left_lo, left_hi = strip_range(text, s_lo, cue_lo)
        left_hi = left_lo + len(text[left_lo:left_hi].rstrip(" ,—–-"))
        left_lo = _skip_dialogue_dash(text, left_lo, left_hi)
        if left_hi > left_lo and _WORD.search(text[left_lo:left_hi]):
            if not self.covered(left_lo, left_hi):
                self._emit_span(left_lo, left_hi, None, subj, cue=(cue_lo, cue_hi))
        rest = text[sp_hi:s_hi]
        m = re.match(r"\s*[,:]\s*", rest)
        if m and m.end() < len(rest):
            r_lo, r_hi = strip_range(text, sp_hi + m.end(), s_hi)
            nxt = self._next_open(r_lo, r_hi + 1)
            if nxt is not None and nxt > r_lo and text[nxt - 1 : nxt].isspace() and text[:nxt].rstrip().endswith(":"):
                r_hi = strip_range(text, r_lo, text[:nxt].rstrip().rfind(":"))[1]
            if r_hi > r_lo and not self.covered(r_lo, r_hi):
                self._emit_span(r_lo, r_hi, None, subj, cue=(cue_lo, cue_hi))

    # ---- resolution -----------------------------------------------------------------
    def resolve(self) -> list[Quote]:
        """Speakers in reading order (a continuation takes the speaker before it), then the
        shared assembly (:func:`clipfile.analysis.quotes.assemble`)."""
        order = sorted(range(len(self.found)), key=lambda k: (self.found[k].start, -self.found[k].end))
        resolved: dict[int, Speaker | None] = {}
        drafts: dict[int, QuoteDraft] = {}
        lines = line_starts(self.text)
        last: Speaker | None = None
        last_end = -1
        for k in order:
            f = self.found[k]
            sp: Speaker | None
            if f.continuation:
                prev = resolved.get(f.extra.get("after", -1)) if "after" in f.extra else None
                prev = prev or (last if last is not None and self._near(last_end, f.start) else None)
                sp = (
                    Speaker(prev.name, prev.entity_id, None, None, "continuation", _CONFIDENCE["continuation"])
                    if prev is not None and prev.resolution != "unresolved"
                    else Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
                )
            else:
                sp = self.speaker(f)
            resolved[k] = sp
            if sp is not None and sp.resolution != "unresolved":
                last, last_end = sp, f.end
            cue = Cue(f.cue[0], f.cue[1], self.text[f.cue[0] : f.cue[1]]) if f.cue else None
            continued = f.marked is not None and self.marked[f.marked].continued
            drafts[k] = QuoteDraft(f.start, f.end, f.kind, cue, sp, line_of(lines, f.start), continued)
        for k, d in drafts.items():
            f = self.found[k]
            if f.nested_in is not None:
                d.container = drafts.get(f.nested_in)
            if f.extra.get("follows") is not None:
                d.follows = drafts.get(f.extra["follows"])
        return assemble(list(drafts.values()), self.text)

    def _near(self, prev_end: int, start: int) -> bool:
        # Same or next paragraph.
        return self.text.count("\n\n", prev_end, start) <= 1 and start - prev_end < 1500

    def speaker(self, f: _Found) -> Speaker:
        if f.speaker is None:
            return Speaker(None, None, None, None, "unresolved", _CONFIDENCE["unresolved"])
        s, e = f.speaker
        toks = self.tokens_in(s, e)
        ents = [self.tok_ent[t.i] for t in toks if t.i in self.tok_ent]
        persons = [x for x in ents if x.type == "PERSON"]
        if persons or ents:
            ent = (persons or ents)[0]
            return Speaker(ent.name, ent.id, s, e, "named", _CONFIDENCE["named"])
        head = self.doc.tokens[f.head] if f.head is not None else (toks[0] if toks else None)
        word = head.text.lower() if head else ""
        if word in FIRST_PERSON:
            return Speaker(None, None, s, e, "first-person", _CONFIDENCE["first-person"])
        if word in _PRONOUN_FORMS and len(toks) == 1:
            ent = self._antecedent(s, _PRONOUN_FORMS[word])
            if ent is None:
                return Speaker(None, None, s, e, "unresolved", _CONFIDENCE["unresolved"])
            return Speaker(ent.name, ent.id, s, e, "pronoun", _CONFIDENCE["pronoun"])
        if head is not None and head.pos in {"NOUN", "ADJ", "PRON", "NUM", "DET"}:
            ent = self._titled(s, head.lemma)
            if ent is not None:
                return Speaker(ent.name, ent.id, s, e, "nominal", _CONFIDENCE["nominal"])
        return Speaker(self.text[s:e], None, s, e, "nominal", _CONFIDENCE["nominal"] - 0.2)

    def _antecedent(self, before: int, gender: str) -> Entity | None:
        best, best_pos = None, -1
        for e in self.ents:
            if e.type != "PERSON" or gender in {"Neut"}:
                continue
            for m in e.mentions:
                if m.end <= before and m.start > best_pos:
                    if gender in {"Masc", "Fem"} and _gender(self, m) not in {None, gender}:
                        continue
                    best, best_pos = e, m.start
        return best

    def _titled(self, before: int, lemma: str) -> Entity | None:
        """The last person introduced with the title ``lemma`` (министр ... Шойгу)."""
        best, best_pos = None, -1
        for e in self.ents:
            if e.type != "PERSON":
                continue
            for m in e.mentions:
                if m.end > before or m.start <= best_pos:
                    continue
                toks = self.tokens_in(m.start, m.end)
                if not toks:
                    continue
                window = self.doc.tokens[max(toks[0].i - 4, self.doc.sents[toks[0].sent].first) : toks[0].i]
                if any(t.lemma == lemma for t in window):
                    best, best_pos = e, m.start
        return best


_POSSESSIVE = {"его": "Masc", "её": "Fem", "ее": "Fem", "их": "Plur"}
_PRONOUN_FORMS = {**PRONOUNS, **_POSSESSIVE, "ему": "Masc", "ней": "Fem", "ей": "Fem", "им": "Plur"}
_RELATIVE = frozenset({"что", "который", "кто", "это", "то", "все", "всё"})


def _is_speech_verb(t: RuToken) -> bool:
    # Finite forms and infinitives only: participles (констатировавший) and gerunds
    # (заявив) describe rather than attribute.
    return (
        t.lemma in SPEECH_VERBS
        and t.pos in {"VERB", "AUX"}
        and t.feats.get("VerbForm") not in {"Part", "Conv"}
    )


def _gender(an: _Analyzer, m) -> str | None:
    toks = an.tokens_in(m.start, m.end)
    for t in reversed(toks):
        g = t.feats.get("Gender")
        if g:
            return g
    return None


def _trim_end_punct(text: str, lo: int, hi: int) -> int:
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in ".!?…;"):
        hi -= 1
    return hi


def _skip_dialogue_dash(text: str, lo: int, hi: int) -> int:
    m = re.match(r"[—–-]\s+", text[lo:hi])
    return lo + m.end() if m else lo


def quotes(rudoc: RuDoc, entities: list[Entity]) -> list[Quote]:
    """Find direct, mixed and indirect quotations in a parsed Russian document.

    Args:
        rudoc: the parse of the document (:func:`clipfile.russian.parse`).
        entities: its entities (:func:`clipfile.russian.entities`), used to name speakers.

    Returns:
        Quotes in text order, ids ``q1``, ``q2``...; direct quotes span their content without
        the marks; every ``text`` equals ``rudoc.text[start:end]``.
    """
    an = _Analyzer(rudoc, entities)
    an.dialogue()
    an.marked_quotes()
    an.reported()
    return an.resolve()


def analyze(text: str) -> tuple[list[Entity], list[Quote]]:
    """Parse ``text`` and return its entities and quotes (the whole Russian quote path)."""
    doc = parse(text)
    ents = find_entities(doc)
    return ents, quotes(doc, ents)
