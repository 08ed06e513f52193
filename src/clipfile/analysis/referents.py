"""Who a statement is about and who made it: the language-free part.

Records only (entities, quotes, refs) and character offsets, so it serves every language's
claim, forecast and event stages; each language resolves its own tokens to these refs.
"""
from __future__ import annotations

from ..records import Entity, Quote, Ref
from .turns import own_words

__all__ = ["ref_of", "speaker_ref", "same_ref", "outermost_quote", "stating_quote"]


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
    """The quote of ``quotes`` (sorted by start) whose speaker states what stands at ``pos``:
    the outermost one, except that inside someone's own words (a transcript turn) a report of
    a third person's words is that person's (``Councillor X told me the money will be
    spent``)."""
    outer = outermost_quote(quotes, pos)
    if outer is None or outer.speaker is None or outer.speaker.resolution != "first-person":
        return outer
    inner = [q for q in quotes if q is not outer and q.start <= pos < q.end and q.kind != "direct"
             and not own_words(q.speaker)]
    return min(inner, key=lambda q: q.end - q.start) if inner else outer
