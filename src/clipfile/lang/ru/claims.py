"""Russian claim hooks on the natasha parse (:class:`~clipfile.lang.base.ClaimSyntax`).

What the shared claim stage (:mod:`clipfile.analysis.claims`, docs/analysis.md) asks of a
Russian document:

* units are the sentences of each quote's content and the narration sentences no quote
  covers; a unit is a claim when its predicate (found by descending through reporting verbs:
  ``сообщили, что …``) is not a question, an imperative, a future (``будет``, a perfective
  future ``уйдёт``: those are forecasts) or a recommendation (``должен``, ``следует``), and
  it has a subject entity;
* markers come from the Russian lexicon (:mod:`clipfile.lang.ru.markers`) where they govern
  the claim's predicate, and from the frame around it (``По данным следствия, …``,
  ``отрицает, что …``, ``пишут «Ведомости»``): :mod:`clipfile.lang.ru.footing`;
* later sentences reach earlier claims: ``Калугин не представил доказательств этих
  утверждений`` adds its ``unsupported`` marker to Калугин's latest run of claims.
"""
from __future__ import annotations

import re

from ...analysis.markers import find_markers
from ...records import Entity, Marker, Quote, Ref
from ..base import Comment, Frame
from .footing import frames, govern, subclauses
from .lexicon import SPEECH_VERBS
from .markers import LEXICON
from .parse import RuDoc, RuToken
from .referents import SUBJ, RuReferents, is_future

__all__ = ["RussianClaims"]

# Verbs whose clausal complement holds the content: reporting, knowing, proving.
_REPORTING = SPEECH_VERBS | frozenset(
    "знать узнать слышать услышать показать показывать доказать доказывать выяснить выяснять "
    "установить устанавливать обнаружить выявить подтвердить подтверждать опровергать сомневаться "
    "уверять верить решить уверенный убеждённый убежденный".split()
)
# Predicates of recommendation and obligation: advice, not an assertion of fact.
_DEONTIC = frozenset("должный должен следовать нужно надо необходимо обязанный обязан стоить".split())
_COMMENT_KINDS = ("unsupported", "disputed", "denied", "evidenced")
_MAX_GAP_WORDS = 4
_LEAD = "\"'«»„“”([—–-,: \t\n"
_TRAIL = "\"'«»„“”)]—–-,: \t\n"

# "эти утверждения", "его слова", "такие обвинения в коррупции": a later sentence pointing
# back at earlier statements (Russian word order lets it stand before or after the marker).
_ANAPHOR = re.compile(
    r"(?<![\w-])(?P<det>эт(?:и|их|им|ими|от|ого|ому|ой|у|а|о|ом)|так(?:ие|их|им|ое|ого|ой|ую|ая)|"
    r"подобн\w+|данн(?:ые|ых|ым|ое|ого|ой|ую|ая)|его|её|ее|их|сво(?:и|их|им|ё|его|ей|ю|я|ими))\s+"
    r"(?:\w+\s+)?(?P<noun>утверждени\w*|обвинени\w*|заявлени\w*|слух\w*|сведени\w*|информаци\w*|"
    r"верси\w*|сообщени\w*|предположени\w*|слов(?:а|ам|ами|ах)?|рассказ\w*|данн(?:ые|ых|ым|ыми)|"
    r"домысл\w*|инсинуаци\w*|подозрени\w*|теори\w*|публикаци\w*|материал\w*|обвинени\w*)(?![\w-])"
    r"(?:\s+(?:о|об|в|насч[её]т|про)\s+(?P<topic>[^,.;:!?»\"]{1,60}))?",
    re.IGNORECASE,
)
# "опроверг это", "это отрицает": a demonstrative object next to a denial.
_PRONOUN_AFTER = re.compile(r"\s+(?:это|этого|всё\s+это|все\s+это)(?=\s*[,.;:!?»]|\s*$|\s+(?:и|но|как)\s)", re.I)
_PRONOUN_BEFORE = re.compile(r"(?<![\w-])(?:это|этого|всё\s+это|все\s+это)\s+(?:\w+\s+)?$", re.I)




def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _LEAD:
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    # The writer's own performative frame is no part of the claim: "Отметим также, что P",
    # "Следует отметить, что P" (the quote stage does not take them for reports either).
    m = _PERFORMATIVE_FRAME.match(text, start, end)
    if m:
        start = m.end()
    # Indirect speech opens with its complementizer: "что Путин …" → "Путин …".
    m = re.match(r"(?:что|будто)\s+", text[start:end], re.I)
    if m:
        start += m.end()
    return start, end


_PERFORMATIVE_FRAME = re.compile(
    r"(?:(?:отметим|отмечу|напомним|напомню|подчеркнём|подчеркнем|подчеркну|добавим|добавлю|уточним|заметим)"
    r"|(?:следует|стоит|нужно|надо|важно)\s+(?:также\s+|ещё\s+|еще\s+)?(?:отметить|напомнить|подчеркнуть|"
    r"добавить|заметить|уточнить|сказать))(?:\s+(?:также|ещё|еще|и))?\s*,\s*(?=что\b)", re.I)


def _predicate(refs: RuReferents, toks: list[RuToken]) -> RuToken | None:
    """The content predicate of a unit: its root, descending through reporting verbs."""
    inside = {t.i for t in toks}
    # The parser occasionally returns a cycle with no root: then any token may head.
    roots = [t for t in toks if t.head not in inside] or toks
    pred = next((t for t in roots if t.pos in {"VERB", "AUX"}), None)
    if pred is None:
        # A nominal predicate ("Путин — бывший офицер КГБ"): a root with a subject or copula.
        pred = next((t for t in roots if any(c.rel in SUBJ | {"cop"} for c in refs.children(t.i))), None)
    if pred is None:
        return None
    for _ in range(4):
        if pred.lemma not in _REPORTING:
            break
        comp = [c for c in refs.children(pred.i) if c.rel == "ccomp" and c.i in inside]
        if not comp:
            break
        pred = comp[0]
    return pred


def _is_assertion(refs: RuReferents, toks: list[RuToken], pred: RuToken | None) -> bool:
    """A declarative statement of fact: not a question, request, recommendation or forecast."""
    if pred is None or (toks and toks[-1].text == "?") \
            or refs.text[toks[-1].end:toks[-1].end + 2].strip().startswith("?"):
        return False
    if pred.feats.get("Mood") == "Imp":
        return False
    if is_future(refs, pred):
        return False
    for t in [pred, *refs.ancestors(pred.i)[:2]]:
        if t.lemma in _DEONTIC or any(c.lemma in _DEONTIC for c in refs.children(t.i) if c.rel in {"cop", "aux"}):
            return False
        if t.head < 0 or t.rel not in {"xcomp", "csubj"}:
            break
    return True


def _subject(refs: RuReferents, toks: list[RuToken], pred: RuToken) -> Ref | None:
    subj = refs.subject(pred.i)
    if subj is not None:
        ref = refs.resolve(subj.i)
        if ref is not None:
            return ref
    return refs.first_ref([t.i for t in toks])


def _words_between(text: str, a: int, b: int) -> int:
    return len(text[min(a, b):max(a, b)].split())


def _comments(refs: RuReferents) -> list[Comment]:
    """Sentences commenting on earlier claims."""
    text = refs.text
    out = []
    for i, sent in enumerate(refs.doc.sents):
        s_text = text[sent.start:sent.end]
        found = find_markers(s_text, LEXICON, offset=sent.start, kinds=_COMMENT_KINDS)
        for marker, cls in found:
            rel0, rel1 = marker.start - sent.start, marker.end - sent.start
            plural = topic = None
            hit = None
            for m in _ANAPHOR.finditer(s_text):
                if m.start() < rel1 and m.end() > rel0:
                    gap = 0  # "Доказательств этих утверждений … не представил": inside the marker
                elif m.start() >= rel1:
                    gap = _words_between(s_text, rel1, m.start())
                else:
                    gap = _words_between(s_text, m.end(), rel0)
                if gap <= _MAX_GAP_WORDS:
                    hit = m
                    break
            if hit is not None:
                noun_tok = next((t for t in refs.tokens_in(sent.start + hit.start("noun"), sent.end)), None)
                plural = noun_tok is not None and noun_tok.feats.get("Number") == "Plur"
                topic = hit.group("topic")
            elif marker.kind in {"denied", "disputed"} and (
                _PRONOUN_AFTER.match(s_text, rel1) or _PRONOUN_BEFORE.search(s_text[:rel0])
            ):
                plural = False
            else:
                continue
            out.append(Comment(i, marker, cls, *_actor(refs, marker), topic, plural))
    return out


def _actor(refs: RuReferents, marker: Marker) -> tuple[Ref | None, Ref | None]:
    """The subject of the verb carrying the marker ("Калугин не представил доказательств"),
    and the party it speaks for ("пресс-секретарь Орлова" → Орлов), if any."""
    toks = refs.tokens_in(marker.start, marker.end)
    if not toks:
        return None, None
    verb = next((t for t in toks if t.pos in {"VERB", "AUX"} or t.feats.get("Variant") == "Short"), None)
    if verb is None:
        verb = next((a for a in refs.ancestors(toks[0].i)[:3] if a.pos in {"VERB", "AUX"}), None)
    for _ in range(3):
        if verb is None:
            return None, None
        subj = refs.subject(verb.i)
        if subj is not None:
            principal = next((r for c in refs.children(subj.i) if c.rel == "nmod"
                              and (r := refs.resolve(c.i)) is not None), None)
            return refs.resolve(subj.i), principal
        if verb.rel in {"conj", "xcomp", "advcl"} and verb.head >= 0:
            verb = refs.tokens[verb.head]
        else:
            return None, None
    return None, None


class RussianClaims:
    """:class:`~clipfile.lang.base.ClaimSyntax` for one natasha-parsed document."""

    # Five letters are enough to join Russian inflected forms (коррупции / коррупция).
    topic_prefix = 5

    def __init__(self, rudoc: RuDoc, entities: list[Entity], quotes: list[Quote]) -> None:
        self.refs = RuReferents.of(rudoc, entities, quotes)
        self.text = self.refs.text
        self.quotes = self.refs.quotes

    def sentences(self) -> list[tuple[int, int]]:
        return [(sent.start, sent.end) for sent in self.refs.doc.sents]

    def tokens(self, sent: int, start: int, end: int) -> list[RuToken]:
        return [t for t in self.refs.tokens_in(start, end) if t.sent == sent]

    def trim(self, start: int, end: int) -> tuple[int, int]:
        return _trim(self.text, start, end)

    def predicate(self, tokens: list[RuToken]) -> RuToken | None:
        return _predicate(self.refs, tokens)

    def is_assertion(self, tokens: list[RuToken], pred: RuToken | None) -> bool:
        return _is_assertion(self.refs, tokens, pred)

    def subject(self, tokens: list[RuToken], pred: RuToken | None) -> Ref | None:
        assert pred is not None  # is_assertion refuses a unit without a predicate
        return _subject(self.refs, tokens, pred)

    def comments(self) -> list[Comment]:
        return _comments(self.refs)

    def frames(self) -> list[Frame]:
        return frames(self.refs)

    def govern(self, markers: list[tuple[Marker, str]], tokens: list[RuToken],
               pred: RuToken | None) -> list[tuple[Marker, str]]:
        return govern(self.refs, markers, tokens, pred)

    def subclauses(self, markers: list[tuple[Marker, str]], tokens: list[RuToken],
                   pred: RuToken | None) -> list[tuple[int, int]]:
        return subclauses(self.refs, markers, tokens, pred)
