"""English claim hooks on the spaCy parse (:class:`~clipfile.lang.base.ClaimSyntax`).

What the shared claim stage (:mod:`clipfile.analysis.claims`) asks of an English document: a
unit's content predicate (descending through reporting verbs: ``said that ...``), whether it
asserts (not a question, request, recommendation or forecast: modal auxiliaries, imperatives),
its subject, the later sentences that comment on earlier claims (``X produced no evidence
to back these claims``), and, through :mod:`clipfile.lang.en.footing`, which footing words
govern a unit and which frames (``X denied that P``) stand around it.
"""
from __future__ import annotations

import re

from ...analysis.markers import find_markers
from ...records import Entity, Marker, Quote, Ref
from ..base import Comment, Frame
from .footing import frames, govern, subclauses
from .markers import LEXICON
from .referents import REPORTING_LEMMAS, Referents

__all__ = ["EnglishClaims"]

_MODAL_SKIP = {"should", "ought", "will", "shall", "'ll", "wo"}

# "these claims", "the allegation of bribery", "the report": a later sentence pointing back.
_ANAPHOR = re.compile(
    r"(?<!\w)(?P<det>these|those|the|this|that|such|his|her|their|its)\s+(?:\w+\s+)?"
    r"(?P<noun>claims?|allegations?|accusations?|reports?|assertions?|statements?|stories|story|"
    r"charges?|suggestions?|rumou?rs?|ideas?|remarks?|comments?|account|version|theory|theories|"
    r"criticisms?|research|findings?|figures|stud(?:y|ies)|surveys?|polls?|views?|beliefs?|"
    r"impressions?|estimates?)"
    r"(?!\w)(?:\s+(?P<link>of|about|that|regarding)\s+(?P<topic>[\w\s'\u2019-]{1,60}?))?"
    r"(?=\s*[,.;:!?\u201d\"]|\s+(?:but|and|which|because|by|from|in|on|as)\b|\s*$)",
    re.IGNORECASE,
)
# "denied it", "disputed that": a pronoun object that ends the clause ("that" opening a
# content clause is not one).
_PRONOUN_OBJECT = re.compile(
    r"\s+(?:it|this|that|them)(?=\s*[,.;:!?\u201d\"]|\s+(?:as|and|but|on|in|at|to|outright|flatly)(?!\w)|\s*$)",
    re.IGNORECASE,
)
_TOPIC_AFTER = re.compile(
    r"\s+(?:of|for)\s+(?:the|his|her|their|its|these|those|this)\s+(?P<topic>[\w\s'\u2019-]{1,60}?)"
    r"(?=\s*[,.;:!?]|\s+(?:but|and)(?!\w)|\s*$)",
    re.IGNORECASE,
)
_COMMENT_KINDS = ("unsupported", "disputed", "denied", "evidenced")
# Back-references that name data ("the research", "these figures"): they point at claims
# that rest on it.
_EVIDENCE_STEMS = frozenset("report research finding figure stud survey poll estimate".split())
_COMPLEMENTIZER = re.compile(r"that\s+(?=\S)", re.IGNORECASE)


def _tokens(sent, start: int, end: int):
    return [t for t in sent if t.idx >= start and t.idx + len(t) <= end]


def _predicate(tokens):
    """The content predicate of a unit: its root, descending through reporting verbs."""
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in roots if t.pos_ in {"VERB", "AUX"}]
    if not verbs:
        # The tagger sometimes reads a passive participle as an adjective ("was informed").
        verbs = [
            t for t in roots
            if any(c.dep_ in {"nsubj", "nsubjpass", "ccomp", "auxpass", "cop"} for c in t.children)
        ]
    if not verbs:
        return None
    pred = verbs[0]
    for _ in range(4):
        if not _is_reporting(pred):
            break
        comp = [c for c in pred.children if c.dep_ == "ccomp" and c.i in inside]
        if not comp:
            # The parser sometimes hangs the "that"-clause on a noun ("told by a colleague
            # that ..."): take the first verb below that is introduced by "that".
            comp = [
                t for t in pred.subtree
                if t.i in inside and t.i > pred.i and t.pos_ in {"VERB", "AUX"}
                and any(c.lower_ == "that" and c.i < t.i for c in t.children)
                and any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ != "that" for c in t.children)
            ]
        if not comp:
            break
        pred = comp[0]
    return pred


def _is_reporting(tok) -> bool:
    low = tok.lower_
    return any(
        form in REPORTING_LEMMAS
        for form in (tok.lemma_.lower(), low, low[:-2], low[:-1], {"told": "tell", "heard": "hear"}.get(low, ""))
    )


def _is_assertion(tokens, pred) -> bool:
    """A declarative statement of fact: not a question, request, recommendation or forecast."""
    text_end = tokens[-1].text if tokens else ""
    if text_end == "?" or pred is None:
        return False
    auxes = [c for c in pred.children if c.dep_ in {"aux", "auxpass"}]
    if any(a.lower_ in _MODAL_SKIP for a in auxes):
        return False
    if any(a.lower_ in {"going", "gon"} for a in auxes) or (
        pred.head.lower_ == "going" and pred.dep_ == "xcomp"
    ):
        return False
    # Imperatives: a bare verb with no subject opening the unit.
    has_subject = any(c.dep_ in {"nsubj", "nsubjpass", "expl", "csubj"} for c in pred.children)
    if not has_subject and pred.tag_ == "VB" and pred.dep_ == "ROOT":
        return False
    # An infinitive with no subject ("to be among the finest ever", left of a report the
    # quote layer split) states nothing on its own.
    if not has_subject and pred.tag_ == "VB" and tokens[0].lower_ == "to":
        return False
    return True


def _subject(refs: Referents, tokens, pred) -> Ref | None:
    if pred is not None:
        for c in pred.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                ref = refs.resolve_token(c)
                if ref is not None:
                    return ref
    return refs.first_ref(tokens)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\"'\u201c\u201d\u2018\u2019([-\u2013\u2014"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\"'\u201c\u201d\u2018\u2019)]-\u2013\u2014"):
        end -= 1
    # Indirect speech opens with its complementizer: "that the port was sold" states "the
    # port was sold".
    m = _COMPLEMENTIZER.match(text, start, end)
    if m:
        start = m.end()
    return start, end


def _comments(refs: Referents) -> list[Comment]:
    """Sentences that comment on earlier claims."""
    out = []
    for i, sent in enumerate(refs.sents):
        text = sent.text
        found = find_markers(text, LEXICON, offset=sent.start_char, kinds=_COMMENT_KINDS)
        if not found:
            continue
        for marker, cls in found:
            rel = marker.start - sent.start_char
            tail = text[rel:rel + 100]
            m = _ANAPHOR.search(tail)
            plural = topic = None
            if m is not None and len(tail[len(marker.text):m.start()].split()) <= 4 and not (
                m.group("det").lower() in {"the", "that"} and (m.group("link") or "").lower() == "that"
            ):
                # "the claim that X": a content clause names its own claim; not a back-reference.
                noun = m.group("noun").lower()
                plural = noun.endswith("s") and not noun.endswith("us") or noun == "stories"
                topic = m.group("topic")
            elif marker.kind == "unsupported" and (about := _TOPIC_AFTER.match(text, rel + len(marker.text))):
                # "offered no proof of the licence sales": the topic names the claims.
                topic = about.group("topic")
                plural = topic.rstrip().lower().endswith("s")
            elif (obj := _PRONOUN_OBJECT.match(text, rel + len(marker.text))) and marker.kind in {"denied", "disputed"}:
                plural = obj.group(0).strip().lower() == "them"
            else:
                continue
            actor = None
            toks = [t for t in sent if marker.start <= t.idx < marker.end]
            verb = next((t for t in toks if t.pos_ in {"VERB", "AUX"}), toks[0] if toks else None)
            while verb is not None and actor is None:
                subj = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
                if subj:
                    actor = refs.resolve_token(subj[0])
                    break
                if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
                    verb = verb.head
                else:
                    break
            evidence = bool(m and m.group("noun").lower().rstrip("s").rstrip("ie") in _EVIDENCE_STEMS)
            out.append(Comment(i, marker, cls, actor, None, topic, plural, evidence))
    return out


class EnglishClaims:
    """:class:`~clipfile.lang.base.ClaimSyntax` for one spaCy-parsed document."""

    # Six letters join English inflections ("allegations" / "alleged" do not, "licences" /
    # "licence" do); a comment's topic shares one such stem with the claims it names.
    topic_prefix = 6

    def __init__(self, doc, entities: list[Entity], quotes: list[Quote]) -> None:
        self.refs = Referents(doc, entities, quotes)
        self.text = self.refs.text
        self.quotes = self.refs.quotes

    def sentences(self) -> list[tuple[int, int]]:
        return [(s.start_char, s.end_char) for s in self.refs.sents]

    def tokens(self, sent: int, start: int, end: int) -> list:
        return _tokens(self.refs.sents[sent], start, end)

    def trim(self, start: int, end: int) -> tuple[int, int]:
        return _trim(self.text, start, end)

    def predicate(self, tokens):
        return _predicate(tokens)

    def is_assertion(self, tokens, pred) -> bool:
        return _is_assertion(tokens, pred)

    def subject(self, tokens, pred) -> Ref | None:
        return _subject(self.refs, tokens, pred)

    def comments(self) -> list[Comment]:
        return _comments(self.refs)

    def frames(self) -> list[Frame]:
        return frames(self.refs)

    def govern(self, markers: list[tuple[Marker, str]], tokens, pred) -> list[tuple[Marker, str]]:
        return govern(self.refs, markers, tokens, pred)

    def subclauses(self, markers: list[tuple[Marker, str]], tokens, pred) -> list[tuple[int, int]]:
        return subclauses(self.refs, markers, tokens, pred)
