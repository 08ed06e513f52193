"""Resolving a speaker mention (``Gen. Kalugin``, ``he``, ``the general``) to an entity.

The resolver is built once per document from its entities and the parse.  Pronouns take the
most salient earlier person outside quotation marks: the last one to speak, then the subject
of a main clause, then the most recent (counted in people, not in mentions), agreeing in
gender (titles, and nouns such as ``spokeswoman`` or ``his wife, X``); a person described but
never named (``the Archbishop of Canterbury wrote … he said``) is a candidate too, and a
person named inside the very words attributed is not (``… they could see X win, he added``).
Nominal mentions (``the general``, ``the former head of ...``) use description links found in
the same document (apposition ``X, the former head of ...``, a role noun before a name
``strategist Jane Roe``, a title ``Gen. X`` for ``the general``), whose words must agree (``the
prime minister`` is not ``Deputy Prime Minister X``), and fall back to salience with a lower
confidence.
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from ...analysis.names import TITLES
from ...records import Entity, Ref, Speaker
from .cues import (
    DOCUMENT_NOUNS,
    FEMALE_NOUNS,
    MALE_NOUNS,
    PERSON_NOUNS,
    REPORTING_VERBS,
    SPOKESPERSON_NOUNS,
    TITLE_NOUNS,
)
from .reported import doc_text

__all__ = ["Resolver", "speaker_np"]

_PRONOUNS_PERSON = {"he", "she", "him", "her", "his", "hers"}
_PRONOUNS_GROUP = {"they", "them", "their"}
_PRONOUNS_BODY = {"it", "its"}  # "The agency said ... It said that ...": an organisation or a state
_RELATIVE = {"who", "which", "that", "whom", "whose"}
_FIRST = {"i", "we", "me", "us"}
_FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "dame", "lady", "queen", "princess"}
_MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince"}
_ALL_TITLES = frozenset(t.rstrip(".") for t in TITLES)


@dataclass(frozen=True, slots=True)
class _Ref:
    start: int
    end: int
    entity: Entity
    is_subject: bool


@dataclass(frozen=True, slots=True)
class _Cand:
    """Someone a pronoun may stand for: a named entity's mention, or a person described but
    not named (``the Archbishop of Canterbury``, ``a spokeswoman for the ministry``)."""

    start: int
    entity: Entity | None
    name: str
    subject: int  # 2: subject of a main clause or of a reporting verb; 1: another subject; 0: none
    gender: str | None  # "f"/"m" from the description's noun; entities use the resolver's table

    @property
    def key(self) -> str:
        return self.entity.id if self.entity is not None else "~" + self.name.casefold()


# Words that make an office another one: "the prime minister" is not "Deputy Prime Minister
# X", "the foreign secretary" is not "shadow foreign secretary Y".
_RANK_QUALIFIERS = frozenset("""
deputy vice shadow former ex assistant acting junior associate under co interim outgoing
""".split())


def speaker_np(tok, *, stop: tuple[int, int] | None = None) -> tuple[int, int]:
    """Character span of the noun phrase headed by ``tok`` as written (trimmed of punctuation).

    ``stop`` is a character range (a quotation) the phrase must not run into.
    """
    text = doc_text(tok.doc)
    # The parser may run a sentence over a paragraph break ("9:05 p.m.\n\nX said"): a
    # mention never does.
    ps = text.rfind("\n", 0, tok.idx) + 1
    pe = text.find("\n", tok.idx)
    pe = len(text) if pe == -1 else pe
    toks = [t for t in tok.subtree if ps <= t.idx < pe]
    if stop is not None:
        toks = [t for t in toks if not (stop[0] <= t.idx < stop[1])]
        # keep the contiguous run around the head
        i = toks.index(tok) if tok in toks else 0
        lo = hi = i
        while lo > 0 and toks[lo - 1].i == toks[lo].i - 1:
            lo -= 1
        while hi + 1 < len(toks) and toks[hi + 1].i == toks[hi].i + 1:
            hi += 1
        toks = toks[lo:hi + 1]
    while len(toks) > 1 and (toks[-1].is_punct or toks[-1].is_space):
        toks.pop()
    while len(toks) > 1 and (toks[0].is_punct or toks[0].is_space):
        toks.pop(0)
    return toks[0].idx, toks[-1].idx + len(toks[-1])


_INDEFINITE = frozenset({"a", "an", "another", "one", "some", "several"})
_DEFINITE = frozenset({"the", "that", "this"})


def _has_det(tok, dets: frozenset) -> bool:
    return any(c.dep_ == "det" and c.lower_ in dets for c in tok.children)


def _opens_indefinite(tok) -> bool:
    """``A Department for Education source``: the parser gave the article to another word of
    the phrase, but the phrase opens with it."""
    edge = tok.left_edge
    return edge.i < tok.i and edge.dep_ == "det" and edge.lower_ in ("a", "an", "another", "one")


class Resolver:
    """Maps mentions in one parsed document to its entities."""

    def __init__(self, doc, entities: list[Entity], *, quoted: Sequence[tuple[int, int]] = ()):
        self.doc = doc
        self.entities = entities
        self.by_id = {e.id: e for e in entities}
        refs: list[_Ref] = []
        for e in entities:
            for m in e.mentions:
                span = doc.char_span(m.start, m.end, alignment_mode="expand")
                subj = bool(span) and any(t.dep_ in ("nsubj", "nsubjpass") for t in span)
                refs.append(_Ref(m.start, m.end, e, subj))
        refs.sort(key=lambda r: r.start)
        self.refs = refs
        self.ref_starts = [r.start for r in refs]
        self.quoted = sorted(quoted)
        self.quoted_starts = [q[0] for q in self.quoted]
        self.speaker_counts: Counter[str] = Counter()
        self.last_speaker: Entity | None = None
        self._last_key: str | None = None  # the last speaker, named or only described
        self._reported: list[tuple[int, int]] = []
        self._sent_chars: list[int] | None = None
        self._nouns: dict[str, list[int]] | None = None  # lower-cased lemma: its nouns' indices
        self._reported_starts: list[int] = []
        self._descriptions = self._description_links()
        self._gender = self._genders()
        self._doubtful = self._doubtful_people()
        cands = [_Cand(r.start, r.entity, r.entity.name, _subject_level(doc, r.start, r.end) if r.is_subject else 0,
                       None) for r in refs]
        cands.extend(self._described_people())
        cands.sort(key=lambda c: c.start)
        self._cands = cands
        self._cand_starts = [c.start for c in cands]

    def set_reported(self, ranges: Sequence[tuple[int, int]]) -> None:
        """The contents of reported speech in the document: people named inside someone's
        reported words are not the narrative's subjects."""
        self._reported = sorted(ranges)
        self._reported_starts = [r[0] for r in self._reported]

    # ----------------------------------------------------------------- helpers
    def subject_before(self, pos: int, since: int) -> Entity | None:
        """The person who is the subject of the main clauses between ``since`` and ``pos``,
        outside quotation marks, when it is one person; else None."""
        subjects = {c.entity.id: c.entity for c in self._cands if since <= c.start < pos and c.entity is not None
                    and c.entity.type == "PERSON" and c.subject == 2 and not self._in_quote(c.start)}
        return next(iter(subjects.values())) if len(subjects) == 1 else None

    def _sent_of(self, pos: int) -> int:
        if self._sent_chars is None:
            self._sent_chars = [sent.start_char for sent in self.doc.sents]
        return bisect.bisect_right(self._sent_chars, pos) - 1

    def _reported_at(self, pos: int) -> tuple[int, int] | None:
        """The innermost reported content holding ``pos``, if any."""
        i = bisect.bisect_right(self._reported_starts, pos) - 1
        found = None
        while i >= 0 and i > len(self._reported) - 400:
            a, b = self._reported[i]
            if a <= pos < b and (found is None or b - a < found[1] - found[0]):
                found = (a, b)
            if pos - a > 3000:
                break
            i -= 1
        return found

    def _in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quoted_starts, pos) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def entity_at(self, start: int, end: int, *, head: int | None = None) -> Entity | None:
        """The entity with a mention inside [start, end) (the one holding ``head`` first)."""
        i = bisect.bisect_left(self.ref_starts, start)
        best = None
        while i < len(self.refs) and self.refs[i].start < end:
            r = self.refs[i]
            if r.end <= end:
                if head is not None and r.start <= head < r.end:
                    return r.entity
                if best is None:
                    best = r.entity
            i += 1
        # A mention may start before the span (title outside): check the one just before.
        j = bisect.bisect_right(self.ref_starts, start) - 1
        if best is None and j >= 0 and self.refs[j].end > start:
            best = self.refs[j].entity
        return best

    def _genders(self) -> dict[str, str]:
        """Gender evidence per person entity: titles (``Mrs``, ``Sir``) and gendered nouns
        describing them (``his wife, X``, ``spokeswoman X``)."""
        votes: dict[str, Counter] = defaultdict(Counter)
        text = doc_text(self.doc)
        for e in self.entities:
            if e.type != "PERSON":
                continue
            for m in e.mentions:
                w = text[m.start:m.end].split()[0].casefold()
                if w in _FEMALE_TITLES:
                    votes[e.id]["f"] += 3
                elif w in _MALE_TITLES:
                    votes[e.id]["m"] += 3
        for noun, links in self._descriptions.items():
            sex = "f" if noun in FEMALE_NOUNS else "m" if noun in MALE_NOUNS else None
            if sex is not None:
                for _pos, e, _words in links:
                    if e.type == "PERSON":
                        votes[e.id][sex] += 2
        return {k: v.most_common(1)[0][0] for k, v in votes.items() if v}

    def _description_links(self) -> dict[str, list[tuple[int, Entity, frozenset[str]]]]:
        """Role nouns linked to people in this document: apposition and pre-name modifiers.

        Each link keeps the words of its role (``{deputy, prime, minister}``) so that a
        description takes up only a compatible one (:func:`_compatible`)."""
        links: dict[str, list[tuple[int, Entity, frozenset[str]]]] = defaultdict(list)

        def add(t, r: _Ref, words: frozenset[str] | None = None) -> None:
            links[t.lemma_.lower()].append((r.start, r.entity, words if words is not None else _role_words(t)))

        for r in self.refs:
            if r.entity.type != "PERSON":
                continue
            span = self.doc.char_span(r.start, r.end, alignment_mode="expand")
            if span is None:
                continue
            head = span.root
            for child in head.children:
                if child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN"):
                    for t in _role_nouns(child):
                        add(t, r)
                if child.dep_ in ("compound", "amod") and child.pos_ == "NOUN" and child.i < span.start:
                    add(child, r, _left_words(head, r, span))
            # "the general, Kalugin," / "former spy X": the name is the apposition of a noun
            if head.dep_ == "appos" and head.head.pos_ in ("NOUN", "PROPN"):
                for t in _role_nouns(head.head, own=True):
                    if not (span.start <= t.i < span.end):
                        add(t, r)
            # "X was deputy head of ..." / "X, who was the boss of ...": copular descriptions
            verb = head.head if head.dep_ == "nsubj" else None
            rel = [c for c in head.children if c.dep_ == "relcl"]
            for v in ([verb] if verb is not None else []) + rel:
                if v.lemma_ == "be":
                    for c in v.children:
                        if c.dep_ == "attr" and c.pos_ == "NOUN":
                            for t in _role_nouns(c):
                                add(t, r)
            for t in span:
                low = t.lower_.rstrip(".")
                for noun, forms in TITLE_NOUNS.items():
                    if t.lower_ in forms or low in forms:
                        links[noun].append((r.start, r.entity, _left_words(head, r, span) | {noun}))
        return links

    def _doubtful_people(self) -> set[str]:
        """People the tagger may have made up: one word, never with a title or a first name,
        never described as anyone (``Labour`` tagged as a person).  A pronoun does not take
        them; a mention that names them still does."""
        described = {e.id for links in self._descriptions.values() for _p, e, _w in links}
        text = doc_text(self.doc)
        out = set()
        for e in self.entities:
            if e.type != "PERSON" or e.id in described or len(e.name.split()) > 1:
                continue
            titled = any(m.start < m.end and text[m.start:m.end].split()[0].casefold().rstrip(".") in _ALL_TITLES
                         for m in e.mentions)
            if not titled:
                out.add(e.id)
        return out

    def _link_of(self, tok) -> Entity | None:
        """The person ``tok``'s description was linked to most recently before it (explicit
        links only: apposition, a role before a name, a copula, a title)."""
        words = _role_words(tok)
        found = [(pos, e) for pos, e, w in self._descriptions.get(tok.lemma_.lower(), ())
                 if pos < tok.idx and _compatible(words, w)]
        return max(found, key=lambda x: x[0])[1] if found else None

    def _described_people(self) -> list[_Cand]:
        """People described but not named, as subjects (``the Archbishop of Canterbury
        wrote``, ``A spokeswoman confirmed``): a pronoun after them may mean them.  A description
        linked to a named person stands for that person."""
        out: list[_Cand] = []
        for tok in self.doc:
            if tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ not in ("NOUN", "PROPN") \
                    or tok.tag_ not in ("NN", "NNP"):
                continue
            lemma = tok.lemma_.lower()
            last = tok.right_edge
            if lemma not in PERSON_NOUNS and lemma not in TITLE_NOUNS:
                # "A Department for Work and Pensions spokeswoman" parsed with "Department" as
                # the head: the phrase's last word says who it is
                if not (last.pos_ == "NOUN" and last.tag_ == "NN" and last.lemma_.lower() in PERSON_NOUNS
                        and _has_det(tok, _INDEFINITE)):
                    continue
                lemma = last.lemma_.lower()
            if self._in_quote(tok.idx) or self._mention_at(tok.idx) is not None:
                continue  # a name's own head ("Gen. X"), or words inside a quotation
            if not any(c.dep_ in ("det", "poss", "nummod") for c in tok.children):
                continue
            level = _subject_level(self.doc, tok.idx, tok.idx + len(tok))
            named = next((self._mention_at(c.idx) for c in tok.children if c.dep_ == "appos"
                          and self._mention_at(c.idx) is not None), None)
            linked = named or self._link_of(tok)
            if linked is not None:
                out.append(_Cand(tok.idx, linked, linked.name, level, None))
            elif _has_det(tok, _INDEFINITE) or _has_det(tok, frozenset({"the"})) and _named_complement(tok) \
                    and lemma not in TITLE_NOUNS:
                # Someone new ("a spokeswoman", "one analyst"), or an unnamed holder of a
                # unique role ("the Archbishop of Canterbury").  Other definite descriptions
                # ("the prime minister", "the CSA chief") point back at someone the text named
                # without saying whom: they are no candidate of their own.
                sex = "f" if lemma in FEMALE_NOUNS else "m" if lemma in MALE_NOUNS else None
                out.append(_Cand(tok.idx, None, _np_name(tok), level, sex))
        return out

    def _mention_at(self, pos: int) -> Entity | None:
        i = bisect.bisect_right(self.ref_starts, pos) - 1
        while i >= 0 and pos - self.refs[i].start < 200:
            if self.refs[i].start <= pos < self.refs[i].end:
                return self.refs[i].entity
            i -= 1
        return None

    def _salient_person(self, pos: int, *, exclude: AbstractSet[str] = frozenset()) -> Entity | None:
        # The person quoted most so far is the one a bare description most likely means.
        for eid, _n in self.speaker_counts.most_common():
            if eid not in exclude:
                return self.by_id[eid]
        counts: Counter[str] = Counter()
        for r in self.refs:
            if r.start < pos and r.entity.type == "PERSON" and r.entity.id not in exclude:
                counts[r.entity.id] += 1
        if not counts:
            return None
        return self.by_id[counts.most_common(1)[0][0]]

    def antecedent(self, tok, *, group: bool = False, exclude: AbstractSet[str] = frozenset(),
                   body: bool = False, content: tuple[int, int] | None = None) -> tuple[Entity | None, float]:
        """The entity a pronoun refers to, with a confidence (``group``: an organisation, a
        nationality or a place; ``body``: ``it``, an organisation or a place only).

        A pronoun inside a quotation may refer to people named inside it, but never to the
        person speaking (who would say "I"): pass that person's id in ``exclude``.
        ``content``: the words the pronoun's clause attributes; nobody named inside them is
        their speaker.
        """
        cand, conf = self._antecedent(tok, group=group, exclude=exclude, body=body, content=content)
        return (cand.entity if cand is not None else None), conf

    def _antecedent(self, tok, *, group: bool, exclude: AbstractSet[str], body: bool,
                    content: tuple[int, int] | None) -> tuple[_Cand | None, float]:
        pos = tok.idx
        inside = self._in_quote(pos)
        low = tok.lower_
        want_gender = "m" if low in ("he", "him", "his") else "f" if low in ("she", "her", "hers") else None
        best: dict[str, tuple[float, _Cand]] = {}
        order: list[str] = []  # distinct candidates, the most recent first
        sent_start = tok.sent.start_char
        sent_no = self._sent_of(pos)
        own = self._reported_at(pos)
        # "He insisted he still trusted Mr X": a name in the words a pronoun reports is never
        # the pronoun's referent (a speaker does not name himself where "he" would do)
        # (a possessive is no such name: "he notes there was an issue with X's microphone" is
        # how news paraphrases X's own complaint)
        text = doc_text(self.doc)
        named_inside = {r.entity.id for r in self.refs if content is not None and content[0] <= r.start < content[1]
                        and not text.startswith(("'s", "\u2019s"), r.end)}
        j = bisect.bisect_left(self._cand_starts, pos) - 1
        while j >= 0 and len(order) < 8:
            c = self._cands[j]
            j -= 1
            if pos - c.start > 1500:
                break
            if self._in_quote(c.start) and not inside:
                continue
            if content is not None and content[0] <= c.start < content[1]:
                continue  # "… they could see X win, he added": X is not who added it
            e = c.entity
            if e is not None and (e.id in exclude or e.id in named_inside):
                continue
            if group:
                if e is None or e.type not in (("ORG", "GPE") if body else ("ORG", "NORP", "GPE")):
                    continue
            elif e is not None and (e.type != "PERSON" or e.id in self._doubtful):
                continue
            g = c.gender if e is None else self._gender.get(e.id)
            if want_gender and g and g != want_gender:
                continue
            # recency: how many other people were mentioned since this mention
            rank = len(order) - (1 if c.key in order else 0)
            if c.key not in order:
                order.append(c.key)
            inner = self._reported_at(c.start)
            # a subject inside someone's reported words is not the story's subject
            sc = 10.0 - 1.5 * rank + (c.subject if inner is None or inner == own else 0)
            if c.start >= sent_start:
                sc += 1.0
            if want_gender and g == want_gender:
                sc += 1.0  # agreement known, not just not contradicted
            if c.subject == 2 and 0 <= sent_no - self._sent_of(c.start) <= 1 and (inner is None or inner == own):
                sc += 1.5  # the subject of this or the previous sentence: who the text is about
            if not inside and self._last_key is not None and c.key == self._last_key:
                sc += 3.0
            if c.key not in best or sc > best[c.key][0]:
                best[c.key] = (sc, c)
        if not best:
            if not group and not inside and self.last_speaker is not None and self.last_speaker.id not in named_inside:
                g = self._gender.get(self.last_speaker.id)
                if not (want_gender and g and g != want_gender):
                    return _Cand(pos, self.last_speaker, self.last_speaker.name, 0, None), 0.4
            return None, 0.0
        ranked = sorted(best.values(), key=lambda sc_c: -sc_c[0])
        top = ranked[0]
        margin = top[0] - ranked[1][0] if len(ranked) > 1 else 5.0
        conf = 0.9 if margin >= 3 else 0.75 if margin >= 1 else 0.55
        return top[1], conf

    def nominal(self, tok) -> tuple[Entity | None, float]:
        """The person a definite description (``the general``) stands for here."""
        heads = [tok] + [t for t in tok.subtree if t.pos_ == "NOUN" and t.i != tok.i]
        for t in heads:
            words = _role_words(t)
            cands = [(pos, e) for pos, e, w in self._descriptions.get(t.lemma_.lower(), ()) if _compatible(words, w)]
            if cands:
                before = [c for c in cands if c[0] < tok.idx]
                pool = before or cands
                counts = Counter(e.id for _, e in pool)
                # Prefer the most recent speaker among the linked people, then the most linked.
                if self.last_speaker is not None and self.last_speaker.id in counts:
                    return self.last_speaker, 0.85
                return self.by_id[counts.most_common(1)[0][0]], 0.75 if len(counts) == 1 else 0.6
        head = tok.lemma_.lower()
        nouns = [t.lemma_.lower() for t in heads]
        if (head in PERSON_NOUNS or any(n in PERSON_NOUNS for n in nouns)) and head not in TITLE_NOUNS:
            # "the official": most likely the person quoted most.  Not an office ("the prime
            # minister" nobody was described as is somebody else than the last speaker).
            e = self._salient_person(tok.idx)
            if e is not None:
                return e, 0.5
        return None, 0.0

    # -------------------------------------------------------------------- main
    def resolve(self, head, span: tuple[int, int], *, exclude: AbstractSet[str] = frozenset(),
                content: tuple[int, int] | None = None) -> Speaker:
        """A :class:`Speaker` for the mention ``span`` whose syntactic head is ``head``.

        ``exclude``: entity ids the mention cannot stand for (the speaker of an enclosing
        quotation, for a pronoun inside it).  ``content``: the words attributed to the
        mention (a pronoun never stands for someone named inside them).  A spokesperson's
        principal (``a spokesman for X``) is the speaker's ``on_behalf_of``.
        """
        spk = self._resolve(head, span, exclude=exclude, content=content)
        principal = self._principal(head, span)
        if principal is not None and principal.entity_id != spk.entity_id:
            spk = replace(spk, on_behalf_of=principal)
        return spk

    def _principal(self, head, span: tuple[int, int]) -> Ref | None:
        """Whom the mention speaks for when it names a spokesperson: the possessor (``X's
        spokesman``), the object of ``for`` (``a spokesman for X``) or a name or organisation
        compounded before the noun (``Kremlin spokesman Y``, ``a Treasury spokeswoman``)."""
        start, end = span
        text = doc_text(self.doc)
        for t in head.subtree:
            if not (start <= t.idx < end) or t.lemma_.lower() not in SPOKESPERSON_NOUNS:
                continue
            for c in t.children:
                target = None
                if c.dep_ == "poss":
                    target = c
                elif c.dep_ == "prep" and c.lower_ == "for":
                    target = next((g for g in c.children if g.dep_ == "pobj"), None)
                elif c.dep_ in ("compound", "nmod", "amod") and c.i < t.i and c.pos_ == "PROPN":
                    target = c
                if target is None:
                    continue
                named = self._mention_at(target.idx)
                if named is not None:
                    return Ref(named.name, named.id)
                if c.dep_ == "poss":
                    lo, hi = target.left_edge.idx, target.idx + len(target)
                else:
                    lo, hi = speaker_np_head(target)
                words = " ".join(text[lo:hi].split())
                words = words[:-2] if words.endswith(("'s", "\u2019s")) else words
                if words:
                    return Ref(words, None)
            # "Kremlin spokesman Dmitry Peskov": organisation words before the noun
            for x in self.doc[max(head.left_edge.i, t.i - 6):t.i]:
                named = self._mention_at(x.idx)
                if named is not None and named.type in ("ORG", "GPE", "NORP", "PERSON") and start <= x.idx:
                    return Ref(named.name, named.id)
        return None

    def _resolve(self, head, span: tuple[int, int], *, exclude: AbstractSet[str],
                 content: tuple[int, int] | None) -> Speaker:
        start, end = span
        low = head.lower_
        if low in _RELATIVE and head.head is not None and head.dep_.startswith("nsubj"):
            # "X, who said ..." -> X (the noun the relative clause hangs on)
            anchor = head.head
            while anchor.dep_ in ("relcl", "conj") and anchor.head.i != anchor.i:
                anchor = anchor.head
                if anchor.pos_ in ("NOUN", "PROPN", "PRON"):
                    break
            if anchor.pos_ in ("NOUN", "PROPN", "PRON") and anchor.i != head.i:
                inner = self.resolve(anchor, speaker_np_head(anchor))
                return Speaker(inner.name, inner.entity_id, start, end, inner.resolution, inner.confidence * 0.95,
                               inner.on_behalf_of)
        e = self._named_in(head, start, end)
        if e is not None and low not in _PRONOUNS_PERSON | _PRONOUNS_GROUP | _PRONOUNS_BODY | _FIRST:
            return self._speaker(e, start, end, "named", 0.95)
        if low in _FIRST:
            return Speaker(None, None, start, end, "first-person", 0.6)
        if low in _PRONOUNS_PERSON or low in _PRONOUNS_GROUP or low in _PRONOUNS_BODY:
            cand, conf = self._antecedent(head, group=low in _PRONOUNS_GROUP or low in _PRONOUNS_BODY,
                                          exclude=exclude, body=low in _PRONOUNS_BODY, content=content)
            if cand is not None and cand.entity is not None:
                return self._speaker(cand.entity, start, end, "pronoun", conf)
            if cand is not None:
                # someone described but never named ("the Archbishop of Canterbury")
                return Speaker(cand.name, None, start, end, "pronoun", round(min(conf, 0.75), 2))
            return Speaker(None, None, start, end, "unresolved", 0.2)
        if head.pos_ == "NOUN" and head.lemma_.lower() in DOCUMENT_NOUNS:
            return self._document(head, start, end)
        if _is_share(head):
            # "61% said", "Some 87% of the adults quizzed said": a share of the people a poll
            # asked, who are the source (as the guidelines name them), not the number; a share
            # of a named group is that group ("67 percent of voters" -> voters)
            return Speaker(_share_of(head) or RESPONDENTS, None, start, end, "nominal", 0.6)
        if head.pos_ == "NOUN" or (e is None and _common_head(head) and _has_det(head, _DEFINITE)):
            # (a capitalised office, "The Foreign Secretary", is a description too)
            if not any(c.dep_ == "appos" for c in head.children) and (
                    head.tag_ in ("NNS", "NNPS") or _has_det(head, _INDEFINITE) or _opens_indefinite(head)):
                # a group described in common nouns ("German scientists"), or someone new to
                # the story ("a colleague told him"): named as written (without its relative
                # clause), it is nobody named before
                return Speaker(_np_name(head), None, start, end, "nominal", 0.5)
            earlier = self._introduced_unnamed(head) if _has_det(head, _DEFINITE) else None
            if earlier is not None:
                # "A senior diplomat said … 'We have seen this film,' the diplomat said":
                # the description takes up the unnamed person it introduced
                return Speaker(_np_name(earlier), None, start, end, "nominal", 0.6)
            if _named_complement(head) and self._link_of(head) is None:
                ent, conf = self.nominal(head)
                if ent is not None and ent is self.last_speaker and self._last_key == ent.id:
                    # "…," said the former head of X: the one who has just been speaking,
                    # described again (the news habit of varying how a speaker is named)
                    return self._speaker(ent, start, end, "nominal", min(conf, 0.6))
                # "the Archbishop of Ostby": a unique role nobody in the text was named as
                return Speaker(_np_name(head), None, start, end, "nominal", 0.5)
            ent, conf = self.nominal(head)
            if ent is not None:
                return self._speaker(ent, start, end, "nominal", conf)
            return Speaker(_np_name(head), None, start, end, "nominal", 0.4)
        name = " ".join(doc_text(self.doc)[start:end].split())
        return Speaker(name, None, start, end, "unresolved" if head.pos_ in ("PRON", "DET") else "named", 0.5)

    def _document(self, head, start: int, end: int) -> Speaker:
        """A writing as the source (``The NAO report said``, ``a new book by X claims``, ``the
        new book`` after ``a new book by X``): its author or publisher when the text names one
        (the convention of naming the source), else the writing as written without the clauses
        that describe it (``a new poll``, not ``a new poll conducted for the BBC``)."""
        author = self._author_of(head)
        if author is None and _has_det(head, _DEFINITE):
            lemma = head.lemma_.lower()
            for tok in reversed(self.doc[max(0, head.i - 600):head.i]):
                if tok.pos_ == "NOUN" and tok.lemma_.lower() == lemma:
                    author = self._author_of(tok)
                    if author is not None:
                        break
        if author is None and head.lemma_.lower() in _AUTHORED_WORKS:
            author = self._sole_author()
        if isinstance(author, Entity):
            return self._speaker(author, start, end, "nominal", 0.7)
        if author is not None:
            return Speaker(author, None, start, end, "nominal", 0.5)
        return Speaker(_np_name(head, clauses=True), None, start, end, "nominal", 0.5)

    def _sole_author(self) -> Entity | None:
        """The one person the text names as an author (``X's new book``, a title ``…, by
        journalist X``), when it names exactly one: ``a new book saying …`` in a story about a
        book is that book, whether its author is named before or after."""
        found: dict[str, Entity] = {}
        for tok in self.doc:
            named: Entity | str | None = None
            if tok.pos_ == "NOUN" and tok.lemma_.lower() in _AUTHORED_WORKS:
                named = self._author_of(tok)
            elif tok.lower_ == "by" and tok.i > 1 and self.doc[tok.i - 1].text == "," \
                    and self.doc[tok.i - 2].pos_ == "PROPN":
                # "Brown's Britain, by Sunday Telegraph journalist X": a title and its author
                obj = next((g for g in tok.children if g.dep_ == "pobj"), None)
                named = self._mention_at(obj.idx) if obj is not None else None
            if isinstance(named, Entity) and named.type == "PERSON":
                found[named.id] = named
        return next(iter(found.values())) if len(found) == 1 else None

    def _author_of(self, doc_tok) -> Entity | str | None:
        """Who wrote or published the writing ``doc_tok`` heads: a name compounded with it or
        its possessor (``the NAO report``, ``Peston's book``), ``by X`` on it or on the passive
        verb it is the subject of (``a report by X``, ``a report was published by X``)."""
        for c in doc_tok.children:
            if c.dep_ in ("compound", "poss", "nmod") and c.i < doc_tok.i:
                named = self._mention_at(c.idx)
                if named is not None and named.type in ("ORG", "PERSON", "GPE", "NORP"):
                    return named
        agents = [g for c in doc_tok.children if c.dep_ in ("prep", "agent") and c.lower_ == "by"
                  for g in c.children if g.dep_ == "pobj"]
        if doc_tok.dep_ == "nsubjpass":
            agents += [g for c in doc_tok.head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        for a in agents:
            named = self._mention_at(a.idx)
            if named is None:
                named = next((self._mention_at(x.idx) for x in a.subtree
                              if x.dep_ in ("appos", "compound") and self._mention_at(x.idx) is not None), None)
            if named is not None:
                return named
            return _np_name(a)
        return None

    def _introduced_unnamed(self, head):
        """The last earlier indefinite noun phrase with ``head``'s noun (``a senior diplomat``)
        when no named person was described by that noun before it, else None."""
        lemma = head.lemma_.lower()
        links = [pos for pos, _e, _w in self._descriptions.get(lemma, ())]
        if self._nouns is None:  # the document's nouns by lemma, once (this looks back 400 words)
            self._nouns = {}
            for tok in self.doc:
                if tok.pos_ == "NOUN":
                    self._nouns.setdefault(tok.lemma_.lower(), []).append(tok.i)
        nouns = self._nouns.get(lemma, [])
        for i in reversed(nouns[bisect.bisect_left(nouns, head.i - 400):bisect.bisect_left(nouns, head.i)]):
            tok = self.doc[i]
            if _has_det(tok, _INDEFINITE) and not any(c.dep_ == "appos" for c in tok.children) \
                    and not any(tok.idx - 200 <= p <= tok.idx + 200 for p in links):
                return tok
            if not _has_det(tok, _DEFINITE):
                return None
        return None

    def _mention_has(self, e: Entity, pos: int) -> bool:
        return any(m.start <= pos < m.end for m in e.mentions)

    def _named_in(self, head, start: int, end: int) -> Entity | None:
        """The entity a speaker mention names: the one at its head, or the name in apposition
        to its head (``India's biggest firm, Oil & Natural Gas Corp``, ``One of the bidders,
        Netherlands-based group LNM``); not a name that only modifies a common noun (``the
        former head of the KGB``, ``Netherlands-based``)."""
        e = self.entity_at(start, end, head=head.idx)
        if e is None or self._mention_has(e, head.idx) or not _common_head(head):
            return e
        hosts = [head] + [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ == "pobj"]
        for host in hosts:
            for ap in (c for c in host.children if c.dep_ == "appos" and start <= c.idx < end):
                for t in [ap] + [c for c in ap.children if c.dep_ in ("appos", "compound") and c.i > ap.i]:
                    named = self._mention_at(t.idx)
                    # (a parenthesis inside the host's own name is no apposition: "the head of
                    # the First Directorate (Counter-Intelligence)")
                    if named is not None and not self._mention_has(named, host.idx):
                        return named
        return None

    def _speaker(self, e: Entity, start, end, resolution: str, conf: float) -> Speaker:
        return Speaker(e.name, e.id, start, end, resolution, round(conf, 2))

    def note_speaker(self, speaker: Speaker | None) -> None:
        """Remember who spoke last (it is the salient person for what follows)."""
        if speaker is not None and speaker.entity_id is not None:
            e = self.by_id.get(speaker.entity_id)
            if e is not None and e.type == "PERSON":
                self.last_speaker = e
                self._last_key = e.id
                self.speaker_counts[e.id] += 1
        elif speaker is not None and speaker.name and speaker.resolution in ("nominal", "pronoun"):
            self._last_key = "~" + speaker.name.casefold()  # someone described, not named


RESPONDENTS = "poll respondents"
# Writings a person signs (a report or a poll is an organisation's).
_AUTHORED_WORKS = frozenset("book memoir biography autobiography novel diary".split())
_SHARE_NOUNS = frozenset({"%", "percent", "cent", "pc"})


def _is_share(head) -> bool:
    """A percentage as a subject (``61%``, ``40 per cent``, ``87% of the adults asked``):
    the head is the percent sign or word and a number counts it."""
    return head.lower_ in _SHARE_NOUNS and any(c.dep_ == "nummod" or c.like_num for c in head.children)


def _share_of(head) -> str | None:
    """The group a percentage is a share of (``of Democrats``, ``of likely voters``), unless it
    only says people were asked (``of the 1,000 adults quizzed``, ``of respondents``)."""
    of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    group = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
    if group is None or group.tag_ not in ("NNS", "NNPS") or group.lemma_.lower() in _ANYONE_ASKED:
        return None
    lo, hi = speaker_np_head(group)
    words = [w for w in doc_text(head.doc)[lo:hi].split() if w.lower() not in ("the", "those", "these", "all")
             and not any(ch.isdigit() for ch in w)]
    return " ".join(words) or None


_ANYONE_ASKED = frozenset("people adult person respondent those one individual participant".split())


def _np_name(head, *, clauses: bool = False) -> str:
    """A description as a name: its noun phrase without relative clauses, appositions and
    what follows a comma (``people briefed on the talks``, ``a spokeswoman for the ministry``);
    with ``clauses``, without participial clauses either (``a new poll [conducted for X]``)."""
    deps = {"relcl", "appos", "advcl", "parataxis", "punct", "cc", "conj"} | ({"acl", "prep"} if clauses else set())
    drop = {t.i for c in head.children if c.dep_ in deps and c.i > head.i for t in c.subtree}
    toks = [t for t in head.subtree if t.i not in drop]
    keep = [toks[0]]
    for t in toks[1:]:
        if t.i != keep[-1].i + 1:
            break
        keep.append(t)
    while len(keep) > 1 and (keep[-1].is_punct or keep[-1].is_space):
        keep.pop()
    text = doc_text(head.doc)
    return " ".join(text[keep[0].idx:keep[-1].idx + len(keep[-1])].split())


def speaker_np_head(tok) -> tuple[int, int]:
    """Span of the head noun with its compounds/titles (``Gen. Oleg Kalugin``), no clauses."""
    toks = [t for t in tok.lefts if t.dep_ in ("compound", "det", "amod", "poss", "nmod")] + [tok]
    toks.sort(key=lambda t: t.i)
    lo = min(t.left_edge.i if t.i != tok.i else t.i for t in toks)
    return tok.doc[lo].idx, tok.idx + len(tok)


def _role_nouns(tok, *, own: bool = False) -> list:
    """The nouns of a description that say what the person is: its head and the nouns
    compounded or coordinated with it (``spokesman``, ``deputy head``, ``lawyer and
    activist``), not those of its complements (``a friend of [the Tory leader]``).  ``own``:
    the head itself even when it is a proper noun (``President`` in ``the new President, X``)."""
    out = []
    stack = [tok]
    while stack:
        t = stack.pop()
        if t.pos_ == "NOUN" or (own and t.i == tok.i and t.pos_ == "PROPN"):
            out.append(t)
        stack.extend(c for c in t.children if c.dep_ in ("compound", "conj", "appos") and c.pos_ in ("NOUN", "PROPN"))
    return out


def _common_head(tok) -> bool:
    """A common noun heads the phrase, or a role noun written with a capital (``the
    Archbishop of Ostby``, ``The Foreign Secretary``)."""
    low = tok.lemma_.lower()
    return tok.pos_ in ("NOUN", "NUM") or (tok.pos_ == "PROPN" and (low in PERSON_NOUNS or low in TITLE_NOUNS))


def _named_complement(tok) -> bool:
    """``the Archbishop of Canterbury``, ``the head of the Audit Office``: a role of a named
    place or body."""
    return any(c.dep_ == "prep" and c.lower_ == "of" and any(
        g.dep_ == "pobj" and g.pos_ == "PROPN" for g in c.children) for c in tok.children)


def _subject_level(doc, start: int, end: int) -> int:
    """How salient a subject in ``[start, end)`` is: 2 for the subject of a main clause or of
    a reporting verb, 1 for another subject, 0 when no subject is there."""
    span = doc.char_span(start, end, alignment_mode="expand")
    best = 0
    for t in span if span is not None else ():
        if t.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = t.head
        while verb.dep_ == "conj" and verb.head.i != verb.i:
            verb = verb.head
        main = verb.dep_ == "ROOT" or verb.lemma_.lower() in REPORTING_VERBS
        best = max(best, 2 if main else 1)
    return best


def _role_words(tok) -> frozenset[str]:
    """The words of a role noun that tell one office from another: the noun, the nouns
    compounded with it and its rank or capitalised modifiers (``shadow foreign secretary``)."""
    words = {tok.lemma_.lower()}
    for c in tok.children:
        if c.i < tok.i and (c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN", "ADJ")
                            or c.dep_ == "amod" and (c.lower_ in _RANK_QUALIFIERS or c.text[:1].isupper())):
            words.add(c.lemma_.lower())
            words.update(g.lemma_.lower() for g in c.children if g.dep_ in ("compound", "amod") and g.i < c.i)
    return frozenset(words)


def _left_words(head, ref: _Ref, span) -> frozenset[str]:
    """The role words written before a name (``Deputy Prime Minister John Prescott`` →
    deputy, prime, minister): the name's noun phrase left of its core, titles included."""
    core = {t.i for t in span if not _is_title_word(t)}
    first = min(core) if core else span.start
    words = set()
    for t in head.subtree:
        if t.i >= first or t.dep_ in ("det", "poss", "case", "punct", "prep", "pobj") or t.is_punct:
            continue
        if t.pos_ in ("NOUN", "PROPN", "ADJ"):
            words.add(t.lemma_.lower().rstrip("."))
    return frozenset(words)


def _is_title_word(t) -> bool:
    low = t.lower_.rstrip(".")
    return any(low in forms or t.lower_ in forms for forms in TITLE_NOUNS.values()) or low in _RANK_QUALIFIERS


def _compatible(mention: frozenset[str], link: frozenset[str]) -> bool:
    """A description takes up a linked role when its words are among the role's and the role
    adds no rank (``the minister`` for ``Foreign Minister X``; ``the prime minister`` is not
    ``Deputy Prime Minister Y``)."""
    return mention <= link and not ((link - mention) & _RANK_QUALIFIERS)
