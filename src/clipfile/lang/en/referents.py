"""Who an English statement is about and who made it: entity mentions, quotes and pronouns.

Used by the English claim, forecast and event hooks on the spaCy parse; the record-level part
(refs, quotes by offset) is :mod:`clipfile.analysis.referents`.  Entities and quotes may come
from any extractor as long as they point into ``doc.text``.
"""
from __future__ import annotations

import bisect

from ...analysis.referents import outermost_quote, ref_of, same_ref, speaker_ref, stating_quote
from ...records import Entity, Quote, Ref
from .parse import doc_text

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


class Referents:
    """Index of entity mentions and quotes of one document."""

    def __init__(self, doc, entities: list[Entity], quotes: list[Quote]) -> None:
        self.doc = doc
        self.text = doc_text(doc)  # Doc.text is rebuilt from the tokens on every access
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
        """The quote whose speaker states what stands at ``pos`` (:func:`stating_quote`)."""
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
        if low in _FIRST_PERSON:
            # Inside a quote "I" is the speaker; in narration it is the author (None).
            return speaker_ref(self.quote_at(tok.idx))
        if low in _THIRD_PERSON:
            # Inside a quote, "he" is rarely the speaker himself.
            ent = self.antecedent(tok, exclude=speaker_ref(self.quote_at(tok.idx)))
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
