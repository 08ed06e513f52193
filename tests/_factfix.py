"""Hand-built entities and quotes for the claim and forecast tests.

The claim and forecast stages take entities and quotes from other extractors; these helpers
build them directly from the test's own text, so the tests check claims/forecasts alone.
"""
from __future__ import annotations

import re

from clipfile.records import Entity, Mention, Quote, Speaker


def make_entities(text: str, people: dict[str, str], others: dict[str, str] | None = None) -> list[Entity]:
    """One Entity per name; mentions at every occurrence of the full name or its last word."""
    out = []
    spans_taken: list[tuple[int, int]] = []
    specs = [(name, "PERSON") for name in people] + [(name, typ) for name, typ in (others or {}).items()]
    for n, (name, typ) in enumerate(specs, 1):
        mentions = []
        forms = [name] + ([name.split()[-1]] if " " in name and typ == "PERSON" else [])
        for form in forms:
            for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text):
                if any(a < m.end() and m.start() < b for a, b in spans_taken):
                    continue
                spans_taken.append((m.start(), m.end()))
                mentions.append(Mention(m.start(), m.end(), m.group(0), typ))
        mentions.sort(key=lambda x: x.start)
        out.append(Entity(id=f"e{n}", name=name, type=typ, mentions=tuple(mentions)))
    return out


def make_quote(text: str, qid: str, content: str, speaker: Entity | None, *, kind: str = "direct") -> Quote:
    start = text.index(content)
    sp = None
    if speaker is not None:
        sp = Speaker(name=speaker.name, entity_id=speaker.id, start=None, end=None,
                     resolution="named", confidence=1.0)
    return Quote(id=qid, start=start, end=start + len(content), text=content, kind=kind,
                 cue=None, speaker=sp)


def by_name(entities: list[Entity], name: str) -> Entity:
    return next(e for e in entities if e.name == name)
