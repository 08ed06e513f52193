"""Speaker turns a transcript's captions name, for any language.

A caption file says who speaks (``<v Ines Marlow>`` voice tags, ``LENA PARK:`` labels the
ingest took out of the text); the stored text keeps only the words.  The ingest records each
cue's range and speaker in ``Document.metadata["cues"]``.  Each run of cues by one speaker is
a turn: the speaker's own words, a ``first-person`` quote whose speaker has no offsets (the
name is not in the text).  A named speaker is a person entity, the one the text names if it
does, else a new one with no mentions; role labels (``ANCHOR``, ``SPEAKER 2``) stay names as
written.
"""
from __future__ import annotations

from dataclasses import replace

from ..records import Document, Entity, Quote, Speaker
from .names import is_role_label, normalize_name
from .ranges import strip_range

__all__ = ["caption_turns", "own_words", "speaker_entities", "with_turns"]


def caption_turns(doc: Document) -> list[tuple[int, int, str]]:
    """``(start, end, speaker)`` of each run of cues by one speaker within one paragraph.

    Metadata is whatever the input gave (a JSON Lines record may carry its own ``cues``): a
    cue counts only when it is an object with a speaker name and a character range inside
    the text.
    """
    turns: list[tuple[int, int, str]] = []
    cues = doc.metadata.get("cues")
    for cue in cues if isinstance(cues, list) else ():
        if not _good_cue(cue, len(doc.text)):
            continue
        spk = cue.get("speaker")
        if not spk:
            continue
        if turns and turns[-1][2] == spk and "\n" not in doc.text[turns[-1][1]:cue["start"]]:
            turns[-1] = (turns[-1][0], cue["end"], spk)
        else:
            turns.append((cue["start"], cue["end"], spk))
    return turns


def _good_cue(cue: object, length: int) -> bool:
    if not isinstance(cue, dict):
        return False
    start, end, spk = cue.get("start"), cue.get("end"), cue.get("speaker")
    return (type(start) is int and type(end) is int and 0 <= start <= end <= length
            and (spk is None or isinstance(spk, str)))


def own_words(speaker: Speaker | None) -> bool:
    """Whether a report inside someone's turn is the turn speaker's own words (``I think
    ...``, no source found) rather than a third person's the speaker passes on."""
    return speaker is None or speaker.resolution in ("first-person", "unresolved")


def _people(ents: list[Entity]) -> dict[str, Entity]:
    return {normalize_name(a): e for e in ents if e.type == "PERSON" for a in (e.name, *e.aliases)}


def speaker_entities(names: list[str], ents: list[Entity]) -> list[Entity]:
    """``ents`` and a person for each named speaker the text does not name."""
    out = list(ents)
    known = set(_people(ents))
    for name in names:
        if not name or is_role_label(name) or normalize_name(name) in known:
            continue
        shown = name.title() if name.isupper() else name
        out.append(Entity(id=f"e{len(out) + 1}", name=shown, type="PERSON", aliases=(name,)))
        known.add(normalize_name(name))
    return out


def with_turns(quotes: list[Quote], turns: list[tuple[int, int, str]], text: str,
               ents: list[Entity]) -> list[Quote]:
    """``quotes`` with a quote for each turn.  A report inside a turn with the speaker as its
    source (``I think ...``) repeats the speaker's own words and goes; one with someone else's
    (``Councillor X told me the money will ...``) stays, as do quotation marks inside a turn.
    Ids are renumbered in text order (``nested_in`` and ``continues`` follow)."""
    people = _people(ents)
    added: list[Quote] = []
    for start, end, name in turns:
        s, e = strip_range(text, start, end)
        if e <= s or not name:
            continue
        if any(q.kind == "direct" and q.start <= s < q.end for q in quotes):
            continue  # the turn opens inside a marked quotation
        ent = people.get(normalize_name(name))
        spk = Speaker(ent.name if ent else name, ent.id if ent else None, None, None, "first-person",
                      0.9 if ent else 0.6)
        after = added[-1] if added and added[-1].speaker is not None \
            and added[-1].speaker.name == spk.name and not text[added[-1].end:s].strip() else None
        added.append(Quote(id=f"t{len(added)}", start=s, end=e, text=text[s:e], kind="direct", cue=None,
                           speaker=spk, continues=after.id if after is not None else None))
    if not added:
        return quotes
    def in_turn(q: Quote) -> bool:
        return any(t.start <= q.start and q.end <= t.end for t in added)

    kept = [q for q in quotes if q.kind == "direct" or not own_words(q.speaker) or not in_turn(q)]
    kept_ids = {q.id for q in kept + added}
    merged = sorted(kept + added, key=lambda q: (q.start, -q.end))
    new_id = {id(q): f"q{n}" for n, q in enumerate(merged, 1)}
    by_old = {q.id: new_id[id(q)] for q in kept + added}
    return [replace(q, id=new_id[id(q)],
                    nested_in=by_old.get(q.nested_in) if q.nested_in in kept_ids else None,
                    continues=by_old.get(q.continues) if q.continues in kept_ids else None)
            for q in merged]
