"""Who a statement is about and who made it: entity mentions, quotes and pronouns.

Shared by the claim and forecast stages.  Everything here works from character offsets, so it
accepts entities and quotes from any extractor as long as they point into ``doc.text``.
"""
from __future__ import annotations

import bisect

from ...records import Entity, Quote, Ref
from ...analysis.turns import own_words

__all__ = ["Referents", "REPORTING_LEMMAS"]

# Verbs whose clausal complement holds the content (the claim is in the complement).
REPORTING_LEMMAS = frozenset(
    """say tell inform report claim believe think know assert insist argue show prove confirm
    find suggest reveal assure hear allege deny add note explain warn admit agree accept learn
    understand feel doubt suspect state write announce acknowledge conclude demonstrate establish
    indicate estimate fear predict expect maintain contend stress emphasize emphasise recall""".split()
)

_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
_THIRD_PERSON = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
_PERSON_TYPES = frozenset({"PERSON", "PER"})


def ref_of(entity: Entity) -> Ref:
    return Ref(name=entity.name, entity_id=entity.id)


def speaker_ref(quote: Quote | None) -> Ref | None:
    """The quote's speaker as a Ref, or None when the quote has no resolved speaker."""
    if quote is None or quote.speaker is None:
        return None
    sp = quote.speaker
    if not sp.name and not sp.entity_id:
        return None
    return Ref(name=sp.name, entity_id=sp.entity_id)


def same_ref(a: Ref | None, b: Ref | None) -> bool:
    if a is None or b is None:
        return False
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    return bool(a.name) and (a.name or "").casefold() == (b.name or "").casefold()



def outermost_quote(quotes: list[Quote], pos: int) -> Quote | None:
    """The longest of ``quotes`` (sorted by start) whose content contains ``pos``."""
    best = None
    for q in quotes:
        if q.start > pos:
            break
        if q.start <= pos < q.end and (best is None or q.end - q.start > best.end - best.start):
            best = q
    return best


def stating_quote(quotes: list[Quote], pos: int) -> Quote | None:
    """:meth:`Referents.stating_quote_at` over ``quotes`` (sorted by start)."""
    outer = outermost_quote(quotes, pos)
    if outer is None or outer.speaker is None or outer.speaker.resolution != "first-person":
        return outer
    inner = [q for q in quotes if q is not outer and q.start <= pos < q.end and q.kind != "direct"
             and not own_words(q.speaker)]
    return min(inner, key=lambda q: q.end - q.start) if inner else outer


class Referents:
    """Index of entity mentions and quotes of one document."""

    def __init__(self, doc, entities: list[Entity], quotes: list[Quote]) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text is rebuilt from the tokens on every access
        mentions = [(m.start, m.end, e) for e in entities for m in e.mentions]
        mentions.sort(key=lambda x: (x[0], -x[1]))
        self._mentions = mentions
        self._starts = [m[0] for m in mentions]
        # Outermost quotes only: a nested quote is part of its host's content.
        self._antecedents: dict = {}
        # Token.sent walks every sentence of the document: look sentences up by index instead.
        self.sents = list(doc.sents)
        self._sent_starts = [sent.start for sent in self.sents]
        self.quotes = sorted((q for q in quotes if not q.nested_in), key=lambda q: (q.start, -q.end))

    def quote_at(self, pos: int) -> Quote | None:
        """The (outermost) quote whose content contains ``pos``."""
        return outermost_quote(self.quotes, pos)

    def stating_quote_at(self, pos: int) -> Quote | None:
        """The quote whose speaker states what stands at ``pos``: the outermost one, except
        that inside someone's own words (a transcript turn) a report of a third person's
        words is that person's (``Councillor X told me the money will be spent``)."""
        return stating_quote(self.quotes, pos)

    def entity_in(self, start: int, end: int) -> Entity | None:
        """The entity with a mention overlapping ``[start, end)`` (the longest such mention)."""
        i = bisect.bisect_left(self._starts, end)
        best = None
        for s, e, ent in self._mentions[max(0, i - 50):i]:
            if s < end and e > start and (best is None or e - s > best[1] - best[0]):
                best = (s, e, ent)
        return best[2] if best else None

    def mentions_in(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        lo = bisect.bisect_left(self._starts, start)
        hi = bisect.bisect_left(self._starts, end)
        return [m for m in self._mentions[lo:hi] if m[1] <= end]

    def previous_person(self, pos: int, *, exclude: Ref | None = None) -> Entity | None:
        """The nearest person mentioned before ``pos`` that is not ``exclude``."""
        i = bisect.bisect_left(self._starts, pos)
        for s, e, ent in reversed(self._mentions[:i]):
            if e > pos or ent.type not in _PERSON_TYPES:
                continue
            if exclude is not None and same_ref(ref_of(ent), exclude):
                continue
            return ent
        return None

    def _person_of(self, tok, exclude: Ref | None, depth: int) -> Entity | None:
        ent = self.entity_in(tok.idx, tok.idx + len(tok))
        if ent is None and tok.lower_ in _THIRD_PERSON and depth < 6:
            ent = self.antecedent(tok, exclude=exclude, depth=depth + 1)
        if ent is None or ent.type not in _PERSON_TYPES:
            return None
        if exclude is not None and same_ref(ref_of(ent), exclude):
            return None
        return ent

    def antecedent(self, tok, *, exclude: Ref | None = None, depth: int = 0) -> Entity | None:
        """The person a third-person pronoun most likely refers to.

        Grammatical subjects are the most salient antecedents (centering): first a subject
        earlier in the same sentence, then the subjects of up to three previous sentences
        (main clause first), and only then the nearest person mentioned before.
        """
        key = (tok.i, exclude)
        if key in self._antecedents:
            return self._antecedents[key]
        found = None
        si = self.sent_index(tok.i)
        sent = self.sents[si]
        subjects = [t for t in sent if t.i < tok.i and t.dep_ in {"nsubj", "nsubjpass"}]
        for cand in subjects:
            found = self._person_of(cand, exclude, depth)
            if found is not None:
                break
        for back in range(1, 4):
            if found is not None or si - back < 0:
                break
            prev = self.sents[si - back]
            subjects = sorted(
                (t for t in prev if t.dep_ in {"nsubj", "nsubjpass"}),
                key=lambda t: (t.head.dep_ != "ROOT", t.i),
            )
            for cand in subjects:
                found = self._person_of(cand, exclude, depth)
                if found is not None:
                    break
        if found is None:
            found = self.previous_person(tok.idx, exclude=exclude)
        self._antecedents[key] = found
        return found

    def sent_index(self, token_i: int) -> int:
        """Index (in ``self.sents``) of the sentence holding token ``token_i``."""
        return bisect.bisect_right(self._sent_starts, token_i) - 1

    def resolve_token(self, tok) -> Ref | None:
        """Resolve a token (a name, a pronoun, or a noun with a possessive) to a Ref."""
        ent = self.entity_in(tok.idx, tok.idx + len(tok))
        if ent is not None:
            return ref_of(ent)
        low = tok.lower_
        quote = self.quote_at(tok.idx)
        speaker = speaker_ref(quote)
        if low in _FIRST_PERSON:
            # Inside a quote "I" is the speaker; in narration it is the author (None).
            return speaker
        if low in _THIRD_PERSON:
            # Inside a quote, "he" is rarely the speaker himself.
            ent = self.antecedent(tok, exclude=speaker)
            return ref_of(ent) if ent is not None else None
        if tok.pos_ in {"NOUN", "PROPN"}:
            # "his wife", "Russia's leader": the possessor is who the phrase is about.
            for child in tok.children:
                if child.dep_ == "poss":
                    return self.resolve_token(child)
            # A compound name whose head the tagger missed ("leader Vladimir Putin").
            for child in tok.children:
                if child.dep_ in {"compound", "appos"}:
                    ent = self.entity_in(child.idx, child.idx + len(child))
                    if ent is not None:
                        return ref_of(ent)
        return None

    def first_ref(self, tokens) -> Ref | None:
        """The first token in ``tokens`` that resolves to someone."""
        for tok in tokens:
            ref = self.resolve_token(tok)
            if ref is not None:
                return ref
        return None
