"""Resolving a speaker mention (``Gen. Kalugin``, ``he``, ``the general``) to an entity.

The resolver is built once per document from its entities and the parse.  Pronouns take the
most salient earlier person outside quotation marks (subjects and recent speakers preferred);
nominal mentions (``the general``, ``the former head of ...``) use description links found in
the same document (apposition ``X, the former head of ...``, a role noun before a name
``strategist Jane Roe``, a title ``Gen. X`` for ``the general``) and fall back to salience
with a lower confidence.
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ...records import Entity, Speaker
from .cues import PERSON_NOUNS, TITLE_NOUNS
from .reported import doc_text

__all__ = ["Resolver", "speaker_np"]

_PRONOUNS_PERSON = {"he", "she", "him", "her", "his", "hers"}
_PRONOUNS_GROUP = {"they", "them", "their"}
_PRONOUNS_BODY = {"it", "its"}  # "The agency said ... It said that ...": an organisation or a state
_RELATIVE = {"who", "which", "that", "whom", "whose"}
_FIRST = {"i", "we", "me", "us"}
_FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "dame", "lady", "queen", "princess"}
_MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince"}


@dataclass(frozen=True, slots=True)
class _Ref:
    start: int
    end: int
    entity: Entity
    is_subject: bool


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
        self._descriptions = self._description_links()
        self._gender = self._genders()

    # ----------------------------------------------------------------- helpers
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
        """Gender evidence per person entity from titles and the pronouns that follow it."""
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
        return {k: v.most_common(1)[0][0] for k, v in votes.items() if v}

    def _description_links(self) -> dict[str, list[tuple[int, Entity]]]:
        """Role nouns linked to people in this document: apposition and pre-name modifiers."""
        links: dict[str, list[tuple[int, Entity]]] = defaultdict(list)
        for r in self.refs:
            if r.entity.type != "PERSON":
                continue
            span = self.doc.char_span(r.start, r.end, alignment_mode="expand")
            if span is None:
                continue
            head = span.root
            for child in head.children:
                if child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN"):
                    for t in child.subtree:
                        if t.pos_ == "NOUN":
                            links[t.lemma_.lower()].append((r.start, r.entity))
                if child.dep_ in ("compound", "amod") and child.pos_ == "NOUN" and child.i < span.start:
                    links[child.lemma_.lower()].append((r.start, r.entity))
            # "the general, Kalugin," / "former spy X": the name is the apposition of a noun
            if head.dep_ == "appos" and head.head.pos_ == "NOUN":
                for t in head.head.subtree:
                    if t.pos_ == "NOUN" and not (span.start <= t.i < span.end):
                        links[t.lemma_.lower()].append((r.start, r.entity))
            # "X was deputy head of ..." / "X, who was the boss of ...": copular descriptions
            verb = head.head if head.dep_ == "nsubj" else None
            rel = [c for c in head.children if c.dep_ == "relcl"]
            for v in ([verb] if verb is not None else []) + rel:
                if v.lemma_ == "be":
                    for c in v.children:
                        if c.dep_ == "attr" and c.pos_ == "NOUN":
                            for t in c.subtree:
                                if t.pos_ == "NOUN":
                                    links[t.lemma_.lower()].append((r.start, r.entity))
            for t in span:
                low = t.lower_.rstrip(".")
                for noun, forms in TITLE_NOUNS.items():
                    if t.lower_ in forms or low in forms:
                        links[noun].append((r.start, r.entity))
        return links

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
                   body: bool = False) -> tuple[Entity | None, float]:
        """The entity a pronoun refers to, with a confidence (``group``: an organisation, a
        nationality or a place; ``body``: ``it``, an organisation or a place only).

        A pronoun inside a quotation may refer to people named inside it, but never to the
        person speaking (who would say "I"): pass that person's id in ``exclude``.
        """
        pos = tok.idx
        inside = self._in_quote(pos)
        low = tok.lower_
        i = bisect.bisect_left(self.ref_starts, pos)
        want_gender = "m" if low in ("he", "him", "his") else "f" if low in ("she", "her", "hers") else None
        scores: dict[str, float] = {}
        rank = 0
        seen = 0
        j = i - 1
        sent_start = tok.sent.start_char
        while j >= 0 and seen < 12:
            r = self.refs[j]
            j -= 1
            if pos - r.start > 1500:
                break
            if self._in_quote(r.start) and not inside:
                continue
            e = r.entity
            if e.id in exclude:
                continue
            if group:
                if e.type not in (("ORG", "GPE") if body else ("ORG", "NORP", "GPE")):
                    continue
            elif e.type != "PERSON":
                continue
            g = self._gender.get(e.id)
            if want_gender and g and g != want_gender:
                continue
            seen += 1
            s = 10.0 - rank
            rank += 1
            if r.is_subject:
                s += 2.0
            if r.start >= sent_start:
                s += 1.0
            if not inside and self.last_speaker is not None and e.id == self.last_speaker.id:
                s += 3.0
            scores[e.id] = max(scores.get(e.id, -99.0), s)
        if not scores:
            if not group and not inside and self.last_speaker is not None:
                return self.last_speaker, 0.4
            return None, 0.0
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        best = ranked[0]
        margin = best[1] - ranked[1][1] if len(ranked) > 1 else 5.0
        conf = 0.9 if margin >= 3 else 0.75 if margin >= 1 else 0.55
        return self.by_id[best[0]], conf

    def nominal(self, tok) -> tuple[Entity | None, float]:
        """The person a definite description (``the general``) stands for here."""
        nouns = [t.lemma_.lower() for t in tok.subtree if t.pos_ == "NOUN"]
        head = tok.lemma_.lower()
        order = [head] + [n for n in nouns if n != head]
        for n in order:
            cands = self._descriptions.get(n)
            if cands:
                before = [c for c in cands if c[0] < tok.idx]
                pool = before or cands
                counts = Counter(e.id for _, e in pool)
                # Prefer the most recent speaker among the linked people, then the most linked.
                if self.last_speaker is not None and self.last_speaker.id in counts:
                    return self.last_speaker, 0.85
                return self.by_id[counts.most_common(1)[0][0]], 0.75 if len(counts) == 1 else 0.6
        if (head in PERSON_NOUNS or any(n in PERSON_NOUNS for n in nouns)) and head not in TITLE_NOUNS:
            # "the official": most likely the person quoted most.  Not an office ("the prime
            # minister" nobody was described as is somebody else than the last speaker).
            e = self._salient_person(tok.idx)
            if e is not None:
                return e, 0.5
        return None, 0.0

    # -------------------------------------------------------------------- main
    def resolve(self, head, span: tuple[int, int], *, exclude: AbstractSet[str] = frozenset()) -> Speaker:
        """A :class:`Speaker` for the mention ``span`` whose syntactic head is ``head``.

        ``exclude``: entity ids the mention cannot stand for (the speaker of an enclosing
        quotation, for a pronoun inside it).
        """
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
                return Speaker(inner.name, inner.entity_id, start, end, inner.resolution, inner.confidence * 0.95)
        e = self.entity_at(start, end, head=head.idx)
        if e is not None and head.pos_ == "NOUN" and not self._mention_has(e, head.idx):
            e = None  # "the former head of the KGB": the KGB is not the speaker
        if e is not None and low not in _PRONOUNS_PERSON | _PRONOUNS_GROUP | _PRONOUNS_BODY | _FIRST:
            return self._speaker(e, start, end, "named", 0.95)
        if low in _FIRST:
            return Speaker(None, None, start, end, "first-person", 0.6)
        if low in _PRONOUNS_PERSON or low in _PRONOUNS_GROUP or low in _PRONOUNS_BODY:
            ent, conf = self.antecedent(head, group=low in _PRONOUNS_GROUP or low in _PRONOUNS_BODY,
                                        exclude=exclude, body=low in _PRONOUNS_BODY)
            if ent is not None:
                return self._speaker(ent, start, end, "pronoun", conf)
            return Speaker(None, None, start, end, "unresolved", 0.2)
        if head.pos_ == "NOUN":
            if not any(c.dep_ == "appos" for c in head.children) and (
                    head.tag_ in ("NNS", "NNPS") or _has_det(head, _INDEFINITE)):
                # a group described in common nouns ("German scientists"), or someone new to
                # the story ("a colleague told him"): named as written (without its relative
                # clause), it is nobody named before
                return Speaker(_np_name(head), None, start, end, "nominal", 0.5)
            earlier = self._introduced_unnamed(head) if _has_det(head, _DEFINITE) else None
            if earlier is not None:
                # "A senior diplomat said … 'We have seen this film,' the diplomat said":
                # the description takes up the unnamed person it introduced
                return Speaker(_np_name(earlier), None, start, end, "nominal", 0.6)
            ent, conf = self.nominal(head)
            if ent is not None:
                return self._speaker(ent, start, end, "nominal", conf)
            return Speaker(_np_name(head), None, start, end, "nominal", 0.4)
        name = " ".join(doc_text(self.doc)[start:end].split())
        return Speaker(name, None, start, end, "unresolved" if head.pos_ in ("PRON", "DET") else "named", 0.5)

    def _introduced_unnamed(self, head):
        """The last earlier indefinite noun phrase with ``head``'s noun (``a senior diplomat``)
        when no named person was described by that noun before it, else None."""
        lemma = head.lemma_.lower()
        links = [pos for pos, _e in self._descriptions.get(lemma, ())]
        for tok in reversed(self.doc[max(0, head.i - 400):head.i]):
            if tok.pos_ == "NOUN" and tok.lemma_.lower() == lemma:
                if _has_det(tok, _INDEFINITE) and not any(c.dep_ == "appos" for c in tok.children) \
                        and not any(tok.idx - 200 <= p <= tok.idx + 200 for p in links):
                    return tok
                if not _has_det(tok, _DEFINITE):
                    return None
        return None

    def _mention_has(self, e: Entity, pos: int) -> bool:
        return any(m.start <= pos < m.end for m in e.mentions)

    def _speaker(self, e: Entity, start, end, resolution: str, conf: float) -> Speaker:
        return Speaker(e.name, e.id, start, end, resolution, round(conf, 2))

    def note_speaker(self, speaker: Speaker | None) -> None:
        """Remember who spoke last (it is the salient person for what follows)."""
        if speaker is not None and speaker.entity_id is not None:
            e = self.by_id.get(speaker.entity_id)
            if e is not None and e.type == "PERSON":
                self.last_speaker = e
                self.speaker_counts[e.id] += 1


def _np_name(head) -> str:
    """A description as a name: its noun phrase without relative clauses, appositions and
    what follows a comma (``people briefed on the talks``, ``a spokeswoman for the ministry``)."""
    drop = {t.i for c in head.children if c.dep_ in ("relcl", "appos", "advcl", "parataxis", "punct", "cc", "conj")
            and c.i > head.i for t in c.subtree}
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
