"""The state of one Russian document being read for quotations, and the phrases around a
reporting verb: its subject (the speaker as written), ``по словам X`` sources.

The passes (:mod:`.dialogue`, :mod:`.marked`, :mod:`.reported`) add what they find to
:attr:`Reader.found`; :mod:`.speakers` resolves the speakers and assembles the quotes.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from ....analysis.marks import MarkStyle, marked_spans
from ....records import Entity
from ..entities import is_common_noun
from ..lexicon import QUOTING_VERBS, SOURCE_FORMS, SPEAKING_BODIES, SPEECH_VERBS, WORDS_NOUNS
from ..parse import RuDoc, RuToken, models

__all__ = ["MARKS", "WORD", "Reader", "Found", "Marked", "is_speech_verb", "first_person", "verb_form",
           "demonstrative_subject", "animate_noun", "verb_lemma"]

# Russian quotation marks: «ёлочки» with „лапки“ (or “…”, or «ёлочки» again, or straight
# marks inside straight marks) inside; „…“ closes with “.
MARKS = MarkStyle(closes={"„": "“"}, inner={"„": "“", "“": "”"}, nests_itself="«\"")
WORD = re.compile(r"\w+")
_TERMINATOR = re.compile(r"(?:[.!?…]+)(?=\s|$)|\n")
_TERMINATOR_CHARS = ".!?…\n"  # a text ending in one of these ends with a terminator
# Dependents that are not part of a speaker's noun phrase.
_NP_SKIP = frozenset({"acl", "acl:relcl", "parataxis", "cc", "conj", "advcl", "ccomp", "csubj", "mark", "obj", "iobj",
                      "obl", "advmod", "xcomp"})
_SUBJ = ("nsubj", "nsubj:pass")


@dataclass
class Marked:
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


def marked(text: str) -> list[Marked]:
    """The quotations between marks, with the nested ones pointing to their container.

    A quotation whose mark went missing (:attr:`MarkedSpan.recovered`: the shared pairing
    guesses where it starts or ends) is left out with what it holds: measured on the Russian
    real-news dev texts, keeping them finds two more quotes but no right speaker for either
    (quote F1 0.647 → 0.663, span-and-speaker F1 0.383 → 0.379, speaker accuracy 0.593 →
    0.571)."""
    out: list[Marked] = []
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
        out.append(Marked(lo, hi, close, m.start, m.end, m.depth, None if m.depth == 0 else last_top,
                           m.continued))
    return out


@dataclass
class Found:
    """A quotation a pass found, before its speaker is resolved."""

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


# Impersonal reports whose source may be the document they are in ("говорится в обращении").
_IMPERSONAL_REPORTS = frozenset({"говориться", "сообщаться"})
_POSSESSIVE = {"его": "Masc", "её": "Fem", "ее": "Fem", "их": "Plur"}
_RELATIVE = frozenset({"что", "который", "кто", "это", "то", "все", "всё"})
_DEMONSTRATIVE = frozenset({"это", "то", "все", "всё"})
PERSONAL = frozenset({"я", "мы", "ты", "вы", "он", "она", "оно", "они"})


def first_person(t: RuToken) -> bool:
    """Whether a finite verb is in the first person (``подчеркну``, ``считаем``); natasha's
    tagger gives no person, pymorphy2's readings of the form do."""
    if t.pos not in {"VERB", "AUX"} or t.feats.get("VerbForm") not in {None, "Fin"}:
        return False
    readings = [p for p in models()["vocab"].parse(t.text.lower()) if "VERB" in p.tag]
    return bool(readings) and all("1per" in p.tag or "incl" in p.tag for p in readings)


def is_speech_verb(t: RuToken) -> bool:
    """A reporting verb that attributes: finite forms and infinitives only (participles,
    ``констатировавший``, and gerunds, ``заявив``, describe rather than attribute)."""
    if t.feats.get("VerbForm") in {"Part", "Conv"}:
        return False
    if t.lemma in SPEECH_VERBS:
        return t.pos in {"VERB", "AUX"} or verb_form(t)
    # A form the tagger misread (``подметил`` as an adverb, its own lemma) is still a
    # reporting verb when pymorphy2 reads it only as one.
    return verb_form(t) and verb_lemma(t) in SPEECH_VERBS


def verb_lemma(t: RuToken) -> str:
    """The infinitive of a verb form from pymorphy2's first verb reading (``подметил`` →
    ``подметить``), for a token whose tagger lemma is the form itself."""
    for p in models()["vocab"].parse(t.text.lower()):
        if "VERB" in p.tag or "INFN" in p.tag:
            return str(p.normal_form)
    return t.lemma


def verb_form(t: RuToken) -> bool:
    """Whether a token the tagger calls something else is a finite verb all the same
    (``…, передаёт NEWSru.com``, ``Марлоу загадал:`` tagged as nouns): pymorphy2 reads the
    form only as a finite verb."""
    if t.pos in {"PUNCT", "PROPN"} or not t.text.isalpha():
        return False
    return _only_verb(t.text.lower())


@functools.lru_cache(maxsize=50_000)  # asked for every token, often for the same word
def _only_verb(word: str) -> bool:
    readings = models()["vocab"].parse(word)
    return bool(readings) and all("VERB" in p.tag for p in readings)


def animate_noun(t: RuToken) -> bool:
    """Whether pymorphy2 reads the form only as an animate noun (``читательницы``, which the
    tagger may call inanimate)."""
    readings = [p for p in models()["vocab"].parse(t.text.lower()) if "NOUN" in p.tag]
    return bool(readings) and all("anim" in p.tag for p in readings)


def _name_like(t: RuToken) -> bool:
    """A capitalised proper noun that is not a common noun opening a sentence (a surname NER
    missed: ``Марлоу загадал``)."""
    return t.pos == "PROPN" and t.text[:1].isupper() and not is_common_noun(t.text)


def _indeclinable(t: RuToken) -> bool:
    """A name with one form for every case (``Марлоу``, ``Шойгу``): the tagger's case for it
    is a guess."""
    return t.pos == "PROPN" and any("Fixd" in p.tag for p in models()["vocab"].parse(t.text.lower()))


def demonstrative_subject(doc: RuDoc, v: int) -> bool:
    """``Это говорит о том, что …``, ``Это напоминает девиз: «…»``: a fact, not a speaker."""
    subj = [c for c in doc.children(v) if c.rel in _SUBJ]
    return bool(subj) and all(c.lemma in _DEMONSTRATIVE for c in subj)


def _opened(run: list[RuToken]) -> bool:
    """Whether ``run`` leaves a quotation mark open (its closing mark belongs to the phrase)."""
    depth = 0
    for t in run:
        if t.text in "«„":
            depth += 1
        elif t.text in "»“" and depth:
            depth -= 1
        elif t.text == '"':
            depth = 0 if depth else 1
    return depth > 0


_NOT_NEWLINE = re.compile(r"[^\n]")


class Reader:
    """One document: its text, parse, entities, quotations between marks, and what the
    passes found so far."""

    def __init__(self, rudoc: RuDoc, ents: list[Entity]):
        self.doc = rudoc
        self.text = rudoc.text
        self.ents = ents
        self.marked = marked(self.text)
        masked = list(self.text)
        for m in self.marked:
            if m.depth == 0:  # every character of the quotation but its line breaks
                masked[m.start:m.end] = _NOT_NEWLINE.sub("x", "".join(masked[m.start:m.end]))
        self.masked = "".join(masked)
        self._terminator_ends: list[int] | None = None
        self.found: list[Found] = []
        self.used_verbs: set[int] = set()
        # token index -> entity, for every token inside a mention
        self.tok_ent: dict[int, Entity] = {}
        for e in ents:
            for mention in e.mentions:
                for t in self.tokens_in(mention.start, mention.end):
                    self.tok_ent[t.i] = e

    def tokens_in(self, start: int, end: int) -> list[RuToken]:
        i = self.doc.token_at(start)
        out: list[RuToken] = []
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
        """Where the sentence holding ``pos`` starts: after the last terminator before ``pos``
        (:data:`_TERMINATOR` in the text up to ``pos``), its spaces skipped."""
        if 0 < pos <= len(self.masked) and self.masked[pos - 1] in _TERMINATOR_CHARS:
            start = pos  # the text cut at pos ends with a terminator
        else:
            # a terminator ending before pos is one in the whole text too (its look-ahead reads
            # a character before pos): the text's terminators are found once
            if self._terminator_ends is None:
                self._terminator_ends = [m.end() for m in _TERMINATOR.finditer(self.masked)]
            k = bisect.bisect_left(self._terminator_ends, pos)
            start = self._terminator_ends[k - 1] if k else 0
        while start < pos and self.text[start].isspace():
            start += 1
        return start

    def inside_marked(self, pos: int) -> Marked | None:
        for m in self.marked:
            if m.depth == 0 and m.lo < pos < m.close:
                return m
        return None

    def someone(self, t: RuToken) -> bool:
        """A subject that can say something: an entity, a person noun, a personal pronoun, a
        body (:data:`~clipfile.lang.ru.lexicon.SPEAKING_BODIES`), a verb in the first person."""
        return (t.i in self.tok_ent or t.feats.get("Animacy") == "Anim" or t.lemma in PERSONAL
                or t.lemma in SPEAKING_BODIES or first_person(t))

    def is_name(self, m: Marked) -> bool:
        """Whether a quotation between marks is a name or a title (``«Tele2 Россия»``,
        ``«Звёздных войн»``, ``«Gzt.Ru»``): a few words opening with a capital, with no verb and
        no sentence punctuation at the end."""
        text = self.text[m.start:m.end].strip()
        words = WORD.findall(text)
        if not words or len(words) > 4 or not text[:1].isupper() or text[-1:] in ".!?…":
            return False
        return not any(t.pos in {"VERB", "AUX"} for t in self.tokens_in(m.start, m.end))

    def covered(self, start: int, end: int, *, nesting: bool = False) -> bool:
        """Whether a quote found already overlaps ``[start, end)``; with ``nesting``, one that
        lies inside it with its cue (``A, считает X, пишут «Ведомости»``: the outlet relays
        the whole of ``A, считает X``) does not count."""
        return any(f.start < end and start < f.end
                   and not (nesting and start <= f.start and f.end <= end and f.cue is not None
                            and start <= f.cue[0] and f.cue[1] <= end)
                   for f in self.found)

    def subject_of(self, v: int, lo: int, hi: int) -> tuple[tuple[int, int], int] | None:
        """The subject phrase of verb ``v`` as (span, head), looking inside [lo, hi).

        A verb in the first person with no ``я``/``мы`` is its own subject (``Подчеркну, что
        …``; a form of address before it, ``Уважаемые друзья, подчеркну``, is no subject);
        ``который`` stands for the noun its clause hangs on; a demonstrative (``Это говорит о
        том, что``) is no one.  Without a subject in the parse, the nearest person, entity or
        personal pronoun after (inverted order) or before the verb in the nominative."""
        doc = self.doc
        verb = doc.tokens[v]
        cands = self._parse_subjects(verb)
        if not cands and verb.feats.get("VerbForm") == "Conv":
            return self._gerund_subject(verb, lo, hi)
        if not cands and verb.lemma in _IMPERSONAL_REPORTS:
            return self._document_source(verb, lo, hi)
        if first_person(verb) and not any(c.lemma in {"я", "мы"} for c in cands):
            return (verb.start, verb.end), v
        if any(c.lemma == "который" for c in cands) and verb.rel == "acl:relcl" and verb.head >= 0:
            span = self.phrase(verb.head, lo, hi)
            if span:
                return span, verb.head
        if cands and all(c.lemma in _DEMONSTRATIVE for c in cands):
            return None
        cands = [c for c in cands if c.lemma not in _RELATIVE]
        # A participle the parser took for a second subject describes the noun
        # ("Осведомлённый в деталях источник сообщил"): the noun first.
        cands.sort(key=lambda c: c.pos not in {"NOUN", "PROPN", "PRON"})
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
            nominative = t.feats.get("Case", "Nom") == "Nom" or _indeclinable(t)
            if nominative and (t.i in self.tok_ent or t.feats.get("Animacy") == "Anim"
                               or t.lemma in PERSONAL or _name_like(t)):
                span = self.phrase(t.i, lo, hi)
                if span:
                    return span, t.i
        return None

    def _parse_subjects(self, verb: RuToken) -> list[RuToken]:
        """The parse's subjects of ``verb``, or of the verb it is coordinated with."""
        doc = self.doc
        outside = self.inside_marked(verb.start) is None
        # a verb outside quotation marks has no subject inside them (a parse across the marks)
        cands = [c for c in doc.children(verb.i) if c.rel in _SUBJ and not (outside and self.inside_marked(c.start))]
        if not cands and verb.rel == "conj" and 0 <= verb.head < verb.i:
            head = doc.tokens[verb.head]
            if verb.lemma in SPEECH_VERBS and head.lemma not in SPEECH_VERBS and head.rel == "ccomp" and head.head >= 0:
                # "напомнила, что P, а также добавила, что …": the parser joins the second
                # report to the verb of the first one's clause; it shares the reporter
                head = doc.tokens[head.head]
            cands = [c for c in doc.children(head.i) if c.rel in _SUBJ]
        opening = self.text[doc.sents[verb.sent].start:verb.start]
        if not cands and re.search(r"(?:\bи|,\s*а|,\s*но)\s+(?:\w+\s+)?$", opening):
            # "актриса … попросила не писать …, и попросила: «…»": a second verb joined by "и"
            # shares the subject of the verb before it (whatever the parser hung it on)
            prev = [t for t in doc.tokens[doc.sents[verb.sent].first:verb.i] if t.pos in {"VERB", "AUX"}
                    and t.feats.get("VerbForm") == "Fin" and self.inside_marked(t.start) is None]
            if prev:
                cands = [c for c in doc.children(prev[-1].i) if c.rel in _SUBJ]
        return cands

    def _document_source(self, verb: RuToken, lo: int, hi: int) -> tuple[tuple[int, int], int] | None:
        """``— говорится в обращении учителей``, ``В докладе говорится, что …``: the document
        or outlet the impersonal report is in (a body, outlet or document of
        :data:`~clipfile.lang.ru.lexicon.SPEAKING_BODIES`), without its preposition; None for
        a bare ``сообщается``."""
        doc = self.doc
        for c in doc.children(verb.i):
            if c.rel != "obl" or c.feats.get("Case") != "Loc" or c.lemma not in SPEAKING_BODIES:
                continue
            if not any(p.rel == "case" and p.lemma in {"в", "на"} for p in doc.children(c.i)):
                continue
            sent = doc.sents[c.sent]
            span = self.phrase(c.i, max(lo, sent.start) if c.start >= lo else sent.start, sent.end)
            if span is None:
                continue
            first = doc.token_at(span[0])
            if first is not None and doc.tokens[first].pos == "ADP":
                span = (doc.tokens[first + 1].start, span[1])
            # the owner in the genitive stays even when a title in marks cut the phrase
            # ("в статье Навального «Как наказать …»")
            inside, j = {c.i}, c.i + 1
            while j < len(doc.tokens) and doc.tokens[j].head in inside and doc.tokens[j].rel in {"nmod", "flat:name",
                                                                                              "appos", "flat"} \
                    and doc.tokens[j].pos in {"NOUN", "PROPN"} and doc.tokens[j].end <= sent.end:
                inside.add(j)
                span = (span[0], max(span[1], doc.tokens[j].end))
                j += 1
            return span, c.i
        return None

    def _gerund_subject(self, verb: RuToken, lo: int, hi: int) -> tuple[tuple[int, int], int] | None:
        """``…, заявив, что P``: a gerund's subject is its clause's — the nearest verb above it
        whose subject can speak (the parser may hang it on a subordinate clause)."""
        doc = self.doc
        seen, h = {verb.i}, verb.head
        chain = []
        while h >= 0 and h not in seen and len(seen) < 6:
            seen.add(h)
            chain.append(h)
            h = doc.tokens[h].head
        # then the finite verbs before it in its sentence, nearest first (a parse in pieces)
        first = doc.sents[verb.sent].first
        chain += [t.i for t in reversed(doc.tokens[first:verb.i]) if t.i not in seen
                  and t.pos in {"VERB", "AUX"} and t.feats.get("VerbForm") == "Fin"]
        for h in chain:
            if doc.tokens[h].pos in {"VERB", "AUX"} and doc.tokens[h].feats.get("VerbForm") != "Conv":
                found = self.subject_of(h, min(lo, doc.tokens[h].start), max(hi, doc.tokens[h].end))
                if found is not None and self.someone(doc.tokens[found[1]]):
                    return found
        return None

    def quoted_person(self, v: int) -> tuple[tuple[int, int], int] | None:
        """Whom a verb of quoting (``процитировали её участники``, ``процитировал министра``)
        quotes: its person object, or a personal pronoun right after it (which the parser may
        hang on the subject as a possessive, ``её участники``)."""
        doc = self.doc
        if doc.tokens[v].lemma not in QUOTING_VERBS:
            return None
        if v + 1 < len(doc.tokens):
            nxt = doc.tokens[v + 1]
            if nxt.pos in {"PRON", "DET"} and nxt.text.lower() in _POSSESSIVE:
                return (nxt.start, nxt.end), nxt.i
        for c in doc.children(v):
            if c.rel == "obj" and (c.i in self.tok_ent or c.feats.get("Animacy") == "Anim"):
                span = self.phrase(c.i, c.start, doc.sents[c.sent].end)
                if span:
                    return span, c.i
        # "процитировать отрывок из его интервью: «…»": the owner of the words quoted
        colon = self.text.find(":", doc.tokens[v].end, doc.sents[doc.tokens[v].sent].end)
        return self.words_owner(doc.tokens[v].end, colon) if colon >= 0 else None

    def words_owner(self, lo: int, hi: int) -> tuple[tuple[int, int], int] | None:
        """The person whose words a noun in ``[lo, hi)`` names (``вопрос одной читательницы``,
        ``из его интервью``, ``слова министра``: :data:`~clipfile.lang.ru.lexicon.WORDS_NOUNS`):
        a possessive pronoun before the noun or a person in the genitive right after it; the
        last such noun wins.  A noun after another preposition than ``из`` (``ответил на письмо
        министра``) is a topic, not the words quoted."""
        toks = [t for t in self.tokens_in(lo, hi) if self.inside_marked(t.start) is None]
        for k in range(len(toks) - 1, -1, -1):
            n = toks[k]
            if n.lemma not in WORDS_NOUNS or n.pos != "NOUN":
                continue
            j = k - 1
            while j >= 0 and toks[j].pos in {"ADJ", "DET"} and toks[j].text.lower() not in _POSSESSIVE:
                j -= 1
            owner = None
            if j >= 0 and toks[j].pos in {"DET", "PRON"} and toks[j].text.lower() in _POSSESSIVE:
                owner = ((toks[j].start, toks[j].end), toks[j].i)
                j -= 1
                while j >= 0 and toks[j].pos in {"ADJ", "DET"}:
                    j -= 1
            if j >= 0 and toks[j].pos == "ADP" and toks[j].text.lower() != "из":
                continue
            if owner is None and k + 1 < len(toks):
                for m, t in enumerate(toks[k + 1 : k + 4], start=k + 1):
                    if t.pos in {"NUM", "ADJ", "DET"}:
                        continue
                    if t.pos in {"NOUN", "PROPN"} and t.feats.get("Case") == "Gen" and (
                            t.i in self.tok_ent or t.feats.get("Animacy") == "Anim" or animate_noun(t)):
                        # the owner with its modifiers and a name after it ("одной читательницы",
                        # "министра Павла Орлова"), not what else hangs on it
                        last = m
                        while last + 1 < len(toks) and toks[last + 1].pos == "PROPN":
                            last += 1
                        owner = (toks[k + 1].start, toks[last].end), t.i
                    break
            if owner is not None:
                return owner
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
        # Quotation marks in the phrase: a name in marks stays (``радиостанция «Маяк»``,
        # ``источник «Прайм»``); other quoted words end the phrase at its head.
        marks = [k for k in range(a, b + 1) if doc.tokens[idx[k]].text in "«»\"„“"]
        if marks and not self._quoted_names(idx, marks):
            b = pos
        run = [doc.tokens[i] for i in idx[a : b + 1]]
        while run and run[0].pos == "PUNCT":
            run.pop(0)
        while run and run[-1].pos == "PUNCT" and not (run[-1].text in "»“\"" and _opened(run[:-1])):
            run.pop()
        if not run:
            return None
        return run[0].start, run[-1].end

    def _quoted_names(self, idx: list[int], marks: list[int]) -> bool:
        """Whether every stretch between the quotation marks at ``marks`` (positions in
        ``idx``) is a name: an entity or capitalised proper nouns."""
        if len(marks) % 2:
            return False
        for k in range(0, len(marks), 2):
            inner = [self.doc.tokens[i] for i in idx[marks[k] + 1 : marks[k + 1]]]
            if not inner or not all(t.i in self.tok_ent or (t.pos == "PROPN" or t.pos == "PUNCT")
                                    and t.text[:1].isupper() or t.pos == "PUNCT" for t in inner):
                return False
        return True

    def source_phrase(self, lo: int, hi: int) -> tuple[tuple[int, int], tuple[int, int], int] | None:
        """``по словам X`` inside [lo, hi): (cue span, speaker span, speaker head)."""
        toks = self.tokens_in(lo, hi)
        for a, b, c in zip(toks, toks[1:], toks[2:] + [None]):
            if a.text.lower() not in {"по", "согласно"}:
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
                    # "согласно информации, опубликованной в «КП», …": the outlet that published it
                    out = self._published_in(rest)
                    if out is not None:
                        return (a.start, b.end), out[0], out[1]
                    continue
                # The source is the first noun ("по словам [пресс-секретаря] Путина Пескова");
                # the speaker resolution follows its appositions from there.
                head = next((t.i for t in np_toks if t.pos in {"NOUN", "PROPN", "PRON"}), np_toks[0].i)
                return (a.start, b.end), (np_toks[0].start, np_toks[-1].end), head
        return None

    def _published_in(self, rest: list[RuToken]) -> tuple[tuple[int, int], int] | None:
        """``, опубликованной в «КП»,`` / ``, распространённой на сайте X`` after a source
        noun: (span, head) of where it was published, up to the next comma."""
        if len(rest) < 4 or rest[0].text != "," or rest[1].feats.get("VerbForm") != "Part" \
                or rest[2].text.lower() not in {"в", "на"}:
            return None
        np_toks = []
        for t in rest[3:]:
            if t.text in {",", ".", ";", ":"} or t.text in "—–" and t.pos == "PUNCT":
                break
            np_toks.append(t)
        head = next((t for t in np_toks if t.pos in {"NOUN", "PROPN"}), None)
        if head is None:
            return None
        return (np_toks[0].start, np_toks[-1].end), head.i

    def speech_verbs(self, lo: int, hi: int, *, nested: bool = False) -> list[RuToken]:
        """Reporting verbs in [lo, hi) outside quotation marks (inside, for a nested quote)."""
        return [
            t
            for t in self.tokens_in(lo, hi)
            if is_speech_verb(t) and (nested or self.inside_marked(t.start) is None)
        ]

    def add(self, f: Found) -> int:
        self.found.append(f)
        return len(self.found) - 1

    def after_kak(self, v: RuToken, lo: int) -> bool:
        """``Как (он) говорит,``: the verb's clause opens with ``как``."""
        clause = self.text[lo : v.start]
        clause = clause[clause.rfind(",") + 1 :]
        words = WORD.findall(clause)
        return bool(words) and words[0].lower() == "как" and len(words) <= 4

    def next_open(self, lo: int, hi: int) -> int | None:
        for m in self.marked:
            if m.depth == 0 and lo <= m.lo < hi:
                return m.lo
        return None
