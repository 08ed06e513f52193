"""Who a Russian statement is about and who made it, from the natasha parse.

The Russian counterpart of :mod:`clipfile.lang.en.referents`, used by the claim, forecast
and event stages.  It works on token indices of a :class:`~clipfile.lang.ru.parse.RuDoc` and on
character offsets of entities and quotes, so it accepts records from any extractor that
points into ``rudoc.text``.
"""
from __future__ import annotations

import bisect

from ...analysis.referents import outermost_quote, ref_of, speaker_ref
from ...records import Entity, Quote, Ref
from .parse import RuDoc, RuToken

__all__ = ["RuReferents", "SUBJ", "FUTURE_BE", "is_future"]

SUBJ = frozenset({"nsubj", "nsubj:pass"})
# Future forms of быть: "будет" is the analytic future auxiliary (or "there will be").
FUTURE_BE = frozenset({"буду", "будешь", "будет", "будем", "будете", "будут"})
_THIRD = {"он": "Masc", "она": "Fem"}
_FIRST = frozenset({"я", "мы"})
_POSSESSIVE = frozenset({"его", "её", "ее"})
_PERSON = frozenset({"PERSON", "PER"})
# Dependents of a noun that can hold the name it stands for ("генерал Калугин").
_NAME_RELS = frozenset({"appos", "flat", "flat:name", "flat:foreign", "nmod"})


class RuReferents:
    """Index of entity mentions, quotes and sentences of one parsed Russian document."""

    _mentions: list[tuple[int, int, Entity]]
    _starts: list[int]
    tok_ent: dict[int, Entity]
    gender: dict[str, str | None]
    _title_index: dict[str, tuple[list[int], list[Entity]]] | None

    def __init__(self, rudoc: RuDoc, entities: list[Entity], quotes: list[Quote], *,
                 like: RuReferents | None = None) -> None:
        """``like``: referents of the same document and entities (other quotes), whose index of
        the entities this one shares rather than builds again."""
        self.doc = rudoc
        self.text = rudoc.text
        self.tokens = rudoc.tokens
        self.entities = entities
        self._quotes_given = quotes
        self.quotes = sorted((q for q in quotes if not q.nested_in), key=lambda q: (q.start, -q.end))
        self._memo: dict[tuple[int, Ref | None], Ref | None] = {}
        if like is not None:
            self._mentions, self._starts = like._mentions, like._starts
            self.tok_ent, self.gender = like.tok_ent, like.gender
            self._title_index = like._titles()
            return
        mentions = sorted(((m.start, m.end, e) for e in entities for m in e.mentions),
                          key=lambda x: (x[0], -x[1]))
        self._mentions = mentions
        self._starts = [m[0] for m in mentions]
        self.tok_ent = {}
        for s, e, ent in mentions:
            i = rudoc.token_at(s)
            while i is not None and i < len(self.tokens) and self.tokens[i].start < e:
                self.tok_ent.setdefault(i, ent)
                i += 1
        self.gender = {}
        for ent in entities:
            votes = [self.tokens[i].feats.get("Gender") for i, x in self.tok_ent.items() if x is ent]
            votes = [v for v in votes if v in {"Masc", "Fem"}]
            self.gender[ent.id] = max(set(votes), key=votes.count) if votes else None
        self._title_index = None

    @classmethod
    def of(cls, rudoc: RuDoc, entities: list[Entity], quotes: list[Quote]) -> RuReferents:
        """The referents of ``rudoc`` with these entities and quotes, built once per analysis.

        The claim, forecast and event stages each ask for them: the claims' are the forecasts'
        (the same entities and quotes, and with them what each token was resolved to), and the
        events' (no quotes) share their index of the entities.  Lists hold the same records
        when they hold the very same objects, in order."""
        built: list[RuReferents] = rudoc.shared.setdefault("referents", [])
        like = None
        for refs in built:
            if _same(refs.entities, entities):
                if _same(refs._quotes_given, quotes):
                    return refs
                like = refs
        refs = cls(rudoc, entities, quotes, like=like)
        built.append(refs)
        return refs

    # ---- lookups --------------------------------------------------------------------
    def sent_tokens(self, s: int) -> list[RuToken]:
        sent = self.doc.sents[s]
        return self.tokens[sent.first:sent.last]

    def tokens_in(self, start: int, end: int) -> list[RuToken]:
        i = self.doc.token_at(start)
        out: list[RuToken] = []
        while i is not None and i < len(self.tokens) and self.tokens[i].start < end:
            if self.tokens[i].end <= end:
                out.append(self.tokens[i])
            i += 1
        return out

    def quote_at(self, pos: int) -> Quote | None:
        """The outermost quote whose content holds ``pos``."""
        return outermost_quote(self.quotes, pos)

    def mentions_in(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        lo = bisect.bisect_left(self._starts, start)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self._mentions[lo:hi] if m[1] <= end]

    def children(self, i: int) -> list[RuToken]:
        return self.doc.children(i)

    def subtree(self, i: int) -> list[int]:
        """Token ``i`` and its descendants, sorted.  natasha occasionally returns a cyclic
        parse, so every token is visited once (``RuDoc.subtree`` would loop forever)."""
        seen = {i}
        todo = [i]
        while todo:
            for c in self.doc.children(todo.pop()):
                if c.i not in seen:
                    seen.add(c.i)
                    todo.append(c.i)
        return sorted(seen)

    def subject(self, i: int) -> RuToken | None:
        """The grammatical subject of token ``i`` (a verb, or a nominal predicate)."""
        return next((c for c in self.children(i) if c.rel in SUBJ), None)

    def ancestors(self, i: int) -> list[RuToken]:
        out: list[RuToken] = []
        seen = {i}
        t = self.tokens[i]
        while t.head >= 0 and t.head not in seen:  # a cyclic parse stops where it loops
            t = self.tokens[t.head]
            seen.add(t.i)
            out.append(t)
        return out

    # ---- resolution -----------------------------------------------------------------
    def resolve(self, i: int, *, exclude: Ref | None = None) -> Ref | None:
        """Resolve token ``i`` (a name, a pronoun, a titled noun, a possessed noun) to a Ref."""
        key = (i, exclude)
        if key not in self._memo:
            self._memo[key] = self._resolve(i, exclude, 0)
        return self._memo[key]

    def _resolve(self, i: int, exclude: Ref | None, depth: int) -> Ref | None:
        tok = self.tokens[i]
        ent = self.tok_ent.get(i)
        if ent is not None:
            return ref_of(ent)
        low = tok.text.lower()
        quote = self.quote_at(tok.start)
        speaker = speaker_ref(quote)
        if low in _FIRST and tok.pos == "PRON":
            # Inside a quote "я" is the speaker; in narration it is the author (None).
            return speaker
        if tok.pos == "PRON" and tok.lemma in _THIRD:
            # Inside a quote "он" is rarely the speaker himself.
            ent = self.antecedent(i, _THIRD[tok.lemma], exclude=exclude or speaker)
            return ref_of(ent) if ent is not None else None
        if tok.pos in {"NOUN", "PROPN"} and depth < 3:
            # An apposed name first ("пресс-секретарь Анна Белова"), then a genitive one.
            kids = sorted(self.children(i), key=lambda c: c.rel == "nmod")
            for c in kids:
                if c.rel in _NAME_RELS and c.i in self.tok_ent:
                    return ref_of(self.tok_ent[c.i])
            # "его жена": the possessor is who the phrase is about.
            for c in self.children(i):
                if c.text.lower() in _POSSESSIVE and c.rel in {"det", "nmod"}:
                    return self._resolve(c.i, exclude, depth + 1)
            if tok.pos == "NOUN":
                ent = self.titled(i)
                if ent is not None:
                    return ref_of(ent)
        return None

    def antecedent(self, i: int, gender: str | None, *, exclude: Ref | None = None) -> Entity | None:
        """The person a third-person pronoun most likely refers to.

        Subjects are the most salient antecedents (centering): a subject earlier in the same
        sentence, then the subjects of up to three previous sentences (main clause first),
        then the nearest person mentioned before, always agreeing in gender.
        """
        tok = self.tokens[i]

        def ok(ent: Entity | None) -> bool:
            if ent is None or ent.type not in _PERSON:
                return False
            if exclude is not None and (exclude.entity_id == ent.id or exclude.name == ent.name):
                return False
            g = self.gender.get(ent.id)
            return gender is None or g is None or g == gender

        def subject_entity(t: RuToken) -> Entity | None:
            ent = self.tok_ent.get(t.i)
            if ent is None:
                for c in self.children(t.i):
                    if c.rel in _NAME_RELS and c.i in self.tok_ent:
                        ent = self.tok_ent[c.i]
                        break
            return ent

        # In narration, subjects inside someone's quoted words are less salient than the
        # narrated ones ("«…Орлов проиграет…», — сказал Зимин. Он уверен…" → Зимин).
        narrated = self.quote_at(tok.start) is None

        def quoted(t: RuToken) -> bool:
            return narrated and self.quote_at(t.start) is not None

        here = sorted((t for t in self.sent_tokens(tok.sent) if t.i < i and t.rel in SUBJ), key=quoted)
        for t in here:
            if ok(subject_entity(t)):
                return subject_entity(t)
        for back in range(1, 4):
            if tok.sent - back < 0:
                break
            subs = sorted((t for t in self.sent_tokens(tok.sent - back) if t.rel in SUBJ),
                          key=lambda t: (quoted(t), t.head < 0 or self.tokens[t.head].rel != "root", t.i))
            for t in subs:
                if ok(subject_entity(t)):
                    return subject_entity(t)
        pos = bisect.bisect_left(self._starts, tok.start)
        for s, e, ent in reversed(self._mentions[:pos]):
            if e <= tok.start and ok(ent):
                return ent
        return None

    def titled(self, i: int) -> Entity | None:
        """The last person introduced with the title noun of token ``i`` (генерал … Калугин):
        the last person mentioned before the token with a word of its lemma among the three
        before the mention in its sentence (of mentions starting at one place, the first)."""
        found = self._titles().get(self.tokens[i].lemma)
        if found is None:
            return None
        starts, ents = found
        k = bisect.bisect_left(starts, self.tokens[i].start)
        return ents[k - 1] if k else None

    def _titles(self) -> dict[str, tuple[list[int], list[Entity]]]:
        """Lemma -> the starts of the person mentions with a word of that lemma among the three
        before them in their sentence, and their entities (the first mention of each start), in
        text order: built once, as :meth:`titled` is asked of every noun that names no one."""
        if self._title_index is None:
            index: dict[str, tuple[list[int], list[Entity]]] = {}
            for s, _e, ent in self._mentions:
                if ent.type not in _PERSON:
                    continue
                j = self.doc.token_at(s)
                if j is None:
                    continue
                lo = max(j - 3, self.doc.sents[self.tokens[j].sent].first)
                for lemma in {t.lemma for t in self.tokens[lo:j]}:
                    starts, ents = index.setdefault(lemma, ([], []))
                    if not starts or starts[-1] != s:
                        starts.append(s)
                        ents.append(ent)
            self._title_index = index
        return self._title_index

    def first_ref(self, indices, *, exclude: Ref | None = None) -> Ref | None:
        """The first token among ``indices`` that resolves to someone."""
        for i in indices:
            ref = self.resolve(i, exclude=exclude)
            if ref is not None:
                return ref
        return None


def _same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def is_future(refs: RuReferents, t: RuToken) -> bool:
    """A future predicate: a perfective future, ``будет`` + infinitive, or ``будет`` itself."""
    if t.feats.get("Tense") == "Fut" and t.feats.get("VerbForm") == "Fin":
        return True
    if t.lemma == "быть" and t.text.lower() in FUTURE_BE:
        return True
    return any(c.lemma == "быть" and c.text.lower() in FUTURE_BE and c.rel in {"aux", "cop"}
               for c in refs.children(t.i))
