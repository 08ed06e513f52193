"""Speaker turns of a transcript, for any language: caption speakers and ``NAME:`` labels.

A caption file says who speaks (``<v Ines Marlow>`` voice tags, ``LENA PARK:`` labels the
ingest took out of the text); the stored text keeps only the words.  The ingest records each
cue's range and speaker in ``Document.metadata["cues"]``.  Each run of cues by one speaker is
a turn (:func:`caption_turns`): the speaker's own words, a ``first-person`` quote whose speaker
has no offsets (the name is not in the text).  A named speaker is a person entity, the one the
text names if it does, else a new one with no mentions; role labels (``ANCHOR``, ``SPEAKER 2``)
stay names as written.

A plain-text transcript writes its labels in the text (:func:`label_turns`): ``В.Путин:
Уважаемые …``, ``PUTIN: Good evening …``, ``LENA PARK (Foreign Minister): …``, ``Q:``/``A:``.
A label carries to the text that follows until the next label — a speech printed under one
label is that speaker's from the first paragraph to the last — and each paragraph of a turn is
one quote, linked to the one before by ``continues``.  A label is a speaker only when it is one:
a role (``Q``, ``ANCHOR``, ``Ведущий``), a person named by the entity stage, a name written
with initials (``В.Путин``), or, in capitals, a name in a transcript (two capitalised labels,
or a label opening the text with a sentence after it); a heading (``UPDATE:``, ``Справка:``),
a place (``MOSCOW:``) or a capitalised common noun is none.  ``A:`` is the person the
introduction names, when it names one.

Inside a turn (:func:`with_turns`), a report whose source is the speaker (``I think …``,
``Убеждён, что …``) repeats the turn's words and goes; one that passes on a third person's words
(``Councillor X told me the money will …``) stays with that person, and so does a forecast in it.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from ..records import Cue, Document, Entity, Mention, Quote, Speaker, Stance
from .names import is_role_label, normalize_name
from .ranges import strip_range

__all__ = ["Turn", "caption_turns", "label_turns", "label_entities", "own_words", "speaker_entities",
           "turns_with_stances", "with_turns"]


class Turn(NamedTuple):
    """One speaker's words: ``[start, end)`` of the text, the speaker's name, and where the
    label naming them stands in the text (None for a caption speaker) and their entity."""

    start: int
    end: int
    speaker: str
    label_start: int | None = None
    label_end: int | None = None
    entity_id: str | None = None


def caption_turns(doc: Document) -> list[Turn]:
    """A :class:`Turn` for each run of cues by one speaker within one paragraph.

    Metadata is whatever the input gave (a JSON Lines record may carry its own ``cues``): a
    cue counts only when it is an object with a speaker name and a character range inside
    the text.
    """
    turns: list[Turn] = []
    cues = doc.metadata.get("cues")
    for cue in cues if isinstance(cues, list) else ():
        if not _good_cue(cue, len(doc.text)):
            continue
        spk = cue.get("speaker")
        if not spk:
            continue
        if turns and turns[-1].speaker == spk and "\n" not in doc.text[turns[-1].end:cue["start"]]:
            turns[-1] = turns[-1]._replace(end=cue["end"])
        else:
            turns.append(Turn(cue["start"], cue["end"], spk))
    return turns


def _good_cue(cue: object, length: int) -> bool:
    if not isinstance(cue, dict):
        return False
    start, end, spk = cue.get("start"), cue.get("end"), cue.get("speaker")
    return (type(start) is int and type(end) is int and 0 <= start <= end <= length
            and (spk is None or isinstance(spk, str)))


# "NAME: words" at the start of a line: up to four capitalised words, initials written before a
# surname ("В.Путин", "В. В. Путин", "J. Smith"), a role in brackets ("LENA PARK (Foreign
# Minister):"), then a colon and the words on the same line.
_LABEL = re.compile(
    r"^[ \t]*(?P<label>(?:[^\W\d_]{1,2}\.[ \t]?){0,3}[^\W\d_][\w'\u2019-]*(?:[ \t]+[^\W\d_][\w'\u2019.-]*){0,3})"
    r"(?:[ \t]*\([^()\n]{1,40}\))?[ \t]*:[ \t]+(?=\S)", re.M)
_INITIALS = re.compile(r"(?:[^\W\d_]{1,2}\.[ \t]?)+[^\W\d_][\w'\u2019-]+")
# Lines that label what follows without anyone saying it.
_HEADINGS = frozenset("""
update byline editor editor's note correction transcript source photo photos video read also
see related tags summary background
справка источник фото видео примечание обновлено обновление внимание итог итоги читайте также
тема теги комментарий подробности цитата
""".split())
# The interviewer's and the interviewee's labels of the question-and-answer form.
_ANSWER = frozenset({"a", "answer", "ответ"})
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u00bb)]*\s*$")
_STAGE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*")


class _Label(NamedTuple):
    start: int  # of the label
    end: int
    words: int  # where the words after the colon start
    line_end: int
    text: str
    kind: str  # role, person, initials, caps


def _person_at(ents: list[Entity], start: int, end: int) -> Entity | None:
    for e in ents:
        if e.type == "PERSON" and any(m.start < end and start < m.end for m in e.mentions):
            return e
    return None


def _other_at(ents: list[Entity], start: int, end: int) -> bool:
    return any(e.type != "PERSON" and any(m.start < end and start < m.end for m in e.mentions) for e in ents)


def _candidates(text: str, ents: list[Entity]) -> list[_Label]:
    out = []
    for m in _LABEL.finditer(text):
        label = m.group("label").rstrip(".")
        words = label.replace(".", ". ").split()
        low = {w.casefold().strip(".'\u2019") for w in words}
        if len(label) > 40 or low & _HEADINGS:
            continue
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        s, e = m.start("label"), m.start("label") + len(label)
        if not all(w[:1].isupper() for w in words):
            continue  # "A reminder:", "Here's a hunch:" open a sentence
        if is_role_label(label):
            kind = "role"
        elif _person_at(ents, s, e) is not None:
            kind = "person"
        elif _other_at(ents, s, e):
            continue  # a dateline, an organisation
        elif _INITIALS.fullmatch(label):
            kind = "initials"
        elif label.isupper() and len(label) >= 2:
            kind = "caps"
        else:
            continue
        out.append(_Label(s, e, m.end(), line_end, label, kind))
    return out


def _opens_text(text: str, lab: _Label) -> bool:
    """Whether the label opens the body: only a few short heading lines before it, and a
    sentence after it (``Putin: no deal`` is a headline, not a speech)."""
    before = [ln for ln in text[:lab.start].splitlines() if ln.strip()]
    if len(before) > 3 or any(len(ln.split()) > 20 for ln in before):
        return False
    words = text[lab.words:lab.line_end].split()
    if len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words):
        return False  # "BUSTED: Emails Reveal Aide ...": a title-case headline
    return bool(_SENTENCE_END.search(text[lab.words:lab.line_end]))


def _accepted(text: str, ents: list[Entity]) -> tuple[list[_Label], bool]:
    """The labels that are speakers, and whether the text is a transcript (labels carry over
    the paragraphs that follow them)."""
    cands = _candidates(text, ents)
    caps = [c for c in cands if c.kind == "caps"]
    surnames = {normalize_name(e.name).split()[-1] for e in ents if e.type == "PERSON" and e.name.split()}
    keep = []
    for c in cands:
        if c.kind == "caps" and len(caps) < 2 and c.text.split()[-1].casefold() not in surnames \
                and not (c is cands[0] and _opens_text(text, c)):
            continue  # "BYLINE:", a one-off capitalised heading
        keep.append(c)
    transcript = len(keep) >= 2 or (len(keep) == 1 and keep[0] is cands[0] and _opens_text(text, keep[0]))
    return keep, transcript


def _shown_name(label: str) -> str:
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in label.split())


def _interviewee(text: str, ents: list[Entity], first: int) -> Entity | None:
    """The person the introduction before the first label names (the one named most, then first)."""
    named = [(e, sum(1 for m in e.mentions if m.end <= first)) for e in ents if e.type == "PERSON"]
    named = [(e, n) for e, n in named if n]
    if not named:
        return None
    return max(named, key=lambda x: (x[1], -min(m.start for m in x[0].mentions)))[0]


_WORD = re.compile(r"[^\W\d_]")
_BOILERPLATE = re.compile(r"https?://|www\.|(?<!\w)@\w")


def _writers(text: str, s: int, e: int, ent: Entity | None, label: str, ents: list[Entity]) -> bool:
    """Whether a paragraph after a turn's first one is the writer's, not the speaker's: it names
    the speaker in the third person (``Why won't Hillary debate?`` after ``CLINTON: …``) or is
    boilerplate with a link or a handle (``Follow X on Twitter @x``)."""
    if _BOILERPLATE.search(text[s:e]):
        return True
    if ent is not None and any(s <= m.start and m.end <= e for m in ent.mentions):
        return True
    if ent is not None:
        return False
    surname = _shown_name(label).split()[-1]
    return re.search(rf"\b{re.escape(surname)}\b", text[s:e]) is not None


def label_turns(text: str, ents: list[Entity]) -> list[Turn]:
    """The turns a plain-text transcript's ``NAME:`` labels give, one per paragraph.

    In a transcript (two labels or more, or one opening the text) a label's turn runs to the
    next label; elsewhere a label covers its own paragraph.  Paragraphs that are stage
    directions (``(Аплодисменты.)``) are nobody's words."""
    labels, transcript = _accepted(text, ents)
    if not labels:
        return []
    interviewee = _interviewee(text, ents, labels[0].start)
    out: list[Turn] = []
    for n, lab in enumerate(labels):
        if transcript:
            nxt = labels[n + 1].start if n + 1 < len(labels) else len(text)
            end = text.rfind("\n", 0, nxt) if n + 1 < len(labels) else nxt
            end = max(end, lab.line_end)
        else:
            end = lab.line_end
        ent = _person_at(ents, lab.start, lab.end)
        if ent is None and lab.text.casefold() in _ANSWER and interviewee is not None:
            ent = interviewee
        name = ent.name if ent is not None else lab.text if lab.kind == "role" else _shown_name(lab.text)
        for k, para in enumerate(re.finditer(r"[^\n]+", text[lab.words:end])):
            s, e = strip_range(text, lab.words + para.start(), lab.words + para.end())
            if e <= s or _STAGE.fullmatch(text[s:e]) or not _WORD.search(text[s:e]):
                continue
            if k and _writers(text, s, e, ent, lab.text, ents):
                break  # the writer speaks again: the turn is over
            out.append(Turn(s, e, name, lab.start, lab.end, ent.id if ent is not None else None))
    return out


def label_entities(text: str, ents: list[Entity]) -> list[Entity]:
    """``ents`` and a person for each label speaker the entity stage did not find (a single
    ``PUTIN:`` opening a transcript, ``В.Путин:`` written with an initial), with the label as
    its mention."""
    labels, _transcript = _accepted(text, ents)
    out = list(ents)
    known = {normalize_name(a): e for e in ents if e.type == "PERSON" for a in (e.name, *e.aliases)}
    for lab in labels:
        if lab.kind not in {"caps", "initials"} or _person_at(out, lab.start, lab.end) is not None:
            continue
        name = _shown_name(lab.text)
        mention = Mention(lab.start, lab.end, text[lab.start:lab.end], "PERSON")
        ent = known.get(normalize_name(name))
        if ent is not None:
            k = out.index(ent)
            out[k] = replace(ent, mentions=tuple(sorted((*ent.mentions, mention), key=lambda m: m.start)))
            continue
        ent = Entity(id=f"e{len(out) + 1}", name=name, type="PERSON", aliases=(lab.text,), mentions=(mention,))
        out.append(ent)
        known[normalize_name(name)] = ent
    return out


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


def turns_with_stances(quotes: list[Quote], stances: list[Stance], turns: list[Turn], text: str,
                       ents: list[Entity]) -> tuple[list[Quote], list[Stance]]:
    """:func:`with_turns`, and the stances with ``nested_in`` following their quote to its new
    id (None when the turn took the quote's place)."""
    before = {q.id: (q.start, q.end, q.kind) for q in quotes}
    quotes = with_turns(quotes, turns, text, ents)
    after = {(q.start, q.end, q.kind): q.id for q in quotes}
    stances = [replace(s, nested_in=after.get(before[s.nested_in])) if s.nested_in in before else s
               for s in stances]
    return quotes, stances


def with_turns(quotes: list[Quote], turns: list[Turn], text: str, ents: list[Entity]) -> list[Quote]:
    """``quotes`` with a quote for each turn.  A report inside a turn with the speaker as its
    source (``I think ...``) repeats the speaker's own words and goes; one with someone else's
    (``Councillor X told me the money will ...``) stays, as do quotation marks with their own
    cue; words in marks with no cue of their own are the turn speaker's, already in the turn.
    Ids are renumbered in text order (``nested_in`` and ``continues`` follow)."""
    people = _people(ents)
    by_id = {e.id: e for e in ents}
    added: list[Quote] = []
    for turn in turns:
        s, e = strip_range(text, turn.start, turn.end)
        if e <= s or not turn.speaker:
            continue
        if any(q.kind == "direct" and q.start <= s < q.end for q in quotes):
            continue  # the turn opens inside a marked quotation
        ent = by_id.get(turn.entity_id) if turn.entity_id else people.get(normalize_name(turn.speaker))
        labelled = turn.label_start is not None
        spk = Speaker(ent.name if ent else turn.speaker, ent.id if ent else None, turn.label_start,
                      turn.label_end, "first-person", (0.8 if labelled else 0.9) if ent else 0.6)
        after = added[-1] if added and added[-1].speaker is not None \
            and added[-1].speaker.name == spk.name and not _STAGE.sub("", text[added[-1].end:s]).strip() else None
        cue = None
        if labelled and after is None:
            colon = text.rfind(":", turn.label_end, s)
            cue = Cue(colon, colon + 1, ":") if colon >= 0 else None
        added.append(Quote(id=f"t{len(added)}", start=s, end=e, text=text[s:e], kind="direct", cue=cue,
                           speaker=spk, continues=after.id if after is not None else None))
    if not added:
        return quotes

    def in_turn(q: Quote) -> bool:
        return any(t.start <= q.start and q.end <= t.end for t in added)

    def kept(q: Quote) -> bool:
        if not in_turn(q):
            return True
        if q.kind == "direct":
            return q.cue is not None or q.nested_in is not None
        return not own_words(q.speaker)

    keep = [q for q in quotes if kept(q)]
    kept_ids = {q.id for q in keep + added}
    merged = sorted(keep + added, key=lambda q: (q.start, -q.end))
    new_id = {id(q): f"q{n}" for n, q in enumerate(merged, 1)}
    by_old = {q.id: new_id[id(q)] for q in keep + added}
    return [replace(q, id=new_id[id(q)],
                    nested_in=by_old.get(q.nested_in) if q.nested_in in kept_ids else None,
                    continues=by_old.get(q.continues) if q.continues in kept_ids else None)
            for q in merged]
