"""Within-document entities: named mentions clustered into referents.

Mentions come from the parser's named-entity layer.  Titles and ranks (``Gen.``, ``President``,
``Mr.``) are kept in the mention as written but stripped from the name; a surname joins the
full name it belongs to; a name the tagger mislabelled (``Kalugin`` as ORG) is corrected when
the same name is a person elsewhere in the text; a person the tagger missed altogether is
added when a personal title precedes the name (``Mayor Ana Ruiz``) or a first name and surname
say something (``Ana Ruiz said``); and a person's bare surname that the tagger missed is added
as a mention.  A lower-case prefix is not part of a name (``anti-Biden`` mentions Biden), and a
nationality used as an adjective (``Scottish voters``) is no entity.  The canonical name of a
person is the best attested full name, else (and for other types) the fullest form.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ...analysis.names import TITLE_CORE, is_role_label
from ...analysis.problems import isolated
from ...entity_evidence import NAME_PARTICLES
from ...records import Entity, Mention
from ...translit import fold
from .cues import SPEECH_VERBS
from .parse import doc_text

__all__ = ["entities"]

_KEEP_LABELS = {"PERSON", "PER", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
_POSSESSIVE = re.compile(r"['\u2019]s?$")


@dataclass
class _M:
    start: int  # as written, title included
    end: int
    core_start: int  # the name itself
    core_end: int
    words: list[str]
    label: str


@dataclass
class _Cluster:
    label: str
    mentions: list[_M] = field(default_factory=list)

    @property
    def full(self) -> list[str]:
        return max((m.words for m in self.mentions), key=lambda w: (len(w), sum(map(len, w))))


def _is_title(tok) -> bool:
    return tok.lower_.rstrip(".") in TITLE_CORE and (tok.is_title or tok.text.endswith("."))


# Parts of speech a person's name does not start with (a sentence-initial word the tagger took in).
_NOT_NAME_POS = frozenset({"VERB", "AUX", "ADP", "ADV", "SCONJ", "CCONJ", "DET", "PRON", "PART", "INTJ", "ADJ"})
# Words that end the name of an institution, not of a person ("the Clinton Foundation").
_INSTITUTION_END = frozenset("""
foundation institute institution university college committee commission council ministry
department agency corporation company party campaign administration association
""".split())


def _mention(doc, start_tok: int, end_tok: int, label: str) -> _M | None:
    toks = list(doc[start_tok:end_tok])
    # Trim possessive ending and punctuation.
    while toks and (toks[-1].lower_ in ("'s", "\u2019s", "'", "\u2019") or toks[-1].is_punct):
        toks.pop()
    while toks and (toks[0].is_punct or toks[0].lower_ == "the"):
        toks.pop(0)
    # A lower-case prefix joined by a hyphen is not part of the name ("anti-Biden", "ex-Yukos"),
    # nor is a lower-case word before it ("a White House", "federal Securities and Exchange
    # Commission"), unless it is a name particle ("al-Assad", "de Gaulle").
    while len(toks) > 1 and toks[0].is_lower and toks[0].lower_ not in NAME_PARTICLES:
        hyphen = len(toks) > 2 and toks[1].text in ("-", "\u2013") and toks[1].idx == toks[0].idx + len(toks[0]) \
            and toks[2].idx == toks[1].idx + 1
        toks = toks[2:] if hyphen else toks[1:]
    if label in ("PERSON", "PER"):
        # A person's name ends at a possessive or a number ("Cruz's Iowa", "Trump - 60 percent")
        # and does not start with a verb, preposition or adjective that opened the sentence or
        # an epithet ("Telling Jeb Bush", "Without Bloomberg", "Crooked Hillary Clinton").
        cut = next((k for k, t in enumerate(toks) if k and (t.lower_ in ("'s", "\u2019s") or t.like_num
                                                            or (t.is_punct and t.whitespace_ and t.text != "."))),
                   len(toks))
        toks = toks[:cut]
        while len(toks) > 1 and toks[0].pos_ in _NOT_NAME_POS and not _is_title(toks[0]):
            toks.pop(0)
    if not toks or not any(t.text[:1].isupper() for t in toks):
        return None  # no capitalised word: no name ("n't")
    core = toks
    # Titles inside the entity span move out of the core.
    while len(core) > 1 and _is_title(core[0]):
        core = core[1:]
    first = toks[0].i
    # Titles just before the span belong to the mention as written (``Gen. Kalugin``).
    while first > 0 and _is_title(doc[first - 1]):
        first -= 1
    # Words as written: a hyphenated name is one word ("Douglas-Westwood" is not a
    # Westwood, so "Mr Westwood" does not join it).
    written = doc[core[0].i:core[-1].i + 1].text
    words = [_POSSESSIVE.sub("", w) or w for w in written.split()]
    return _M(doc[first].idx, toks[-1].idx + len(toks[-1]), core[0].idx,
              core[-1].idx + len(core[-1]), words, "PERSON" if label == "PER" else label)


# Capitalised words that head institutions and places, not people ("Justice Department",
# "Mayor's Office"): a title before them does not make a person.
_NOT_NAMES = frozenset("""
department ministry committee party court house council office agency university college school
street bank board commission church army navy force forces service services hospital institute
foundation company corporation group union administration government city county state republic
square avenue road bridge hall centre center station airport club team senate assembly parliament
news journal journalism times post press media network radio television tv magazine executive officer
staff way monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december
""".split())


def _name_run(doc, i: int, covered: set[int]) -> int:
    """End (exclusive) of the run of capitalised proper nouns starting at token ``i``."""
    j = i
    while j < len(doc) and j - i < 3 and doc[j].pos_ == "PROPN" and doc[j].is_title \
            and doc[j].idx not in covered and doc[j].lower_ not in _NOT_NAMES and not _is_title(doc[j]):
        j += 1
    return j


def _line_at(text: str, pos: int) -> str:
    hi = text.find("\n", pos)
    return text[text.rfind("\n", 0, pos) + 1:hi if hi >= 0 else len(text)]


def _headline(text: str, pos: int) -> bool:
    """Whether the line holding ``pos`` is set in title case (a headline capitalises every word)."""
    words = [w for w in _line_at(text, pos).split() if w[:1].isalpha()]
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _line_share(text: str, m: _M) -> float:
    """Share of its line's words that mention ``m`` covers."""
    return len(text[m.start:m.end].split()) / max(len(_line_at(text, m.start).split()), 1)


def _untagged_people(doc, text: str, raw: list[_M]) -> list[_M]:
    """People the tagger missed: a name after a personal title (``Mayor Ana Ruiz``), and a
    first name and surname that say something (``Ana Ruiz said``)."""
    covered = {c for m in raw for c in range(m.start, m.end)}
    out: list[_M] = []
    for tok in doc:
        if tok.idx in covered:
            continue
        lo = hi = None
        if _is_title(tok) and tok.i + 1 < len(doc):
            lo, hi = tok.i + 1, _name_run(doc, tok.i + 1, covered)
            if hi < len(doc) and doc[hi].pos_ == "PROPN" and doc[hi].is_title:
                continue  # the run goes on ("General Motors Company"): not a person's name
        elif (tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and tok.is_title
              and tok.head.lemma_.lower() in SPEECH_VERBS):
            first = tok.left_edge.i
            if _name_run(doc, first, covered) == tok.i + 1 and tok.i - first == 1 \
                    and not _is_title(doc[first]):
                lo, hi = first, tok.i + 1
        if lo is None or hi is None or hi <= lo or hi - lo > 3 or _headline(text, tok.idx):
            continue
        m = _mention(doc, lo, hi, "PERSON")
        if m is not None:
            out.append(m)
            covered.update(range(m.start, m.end))
    return out


# "NAME: words" at the start of a line, two or more in a text: the speakers of a transcript.
_TURN = re.compile(r"^[ \t]*([A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,3})(?:[ \t]*\([^()\n]{1,40}\))?:[ \t]+\S",
                   re.M)
def _turn_labels(doc, text: str, raw: list[_M]) -> list[_M]:
    """The people speaking in a transcript's capitalised turn labels (``LENA PARK:``,
    ``PARK:``); role labels (``ANCHOR:``, ``Q:``) are no one's name."""
    turns = list(_TURN.finditer(text))
    if len(turns) < 2:
        return []
    found = [m for m in turns if not is_role_label(m.group(1))]
    covered = {c for m in raw for c in range(m.start, m.end)}
    out = []
    for m in found:
        if m.start(1) in covered:
            continue
        span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if span is None:
            continue
        mm = _mention(doc, span.start, span.end, "PERSON")
        if mm is not None:
            out.append(mm)
    return out


_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_ACRONYM_SKIP = frozenset("of for and the & on in".split())


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.casefold() not in _ACRONYM_SKIP and w[:1].isalpha()).upper()


def _merge_acronyms(clusters: list[_Cluster]) -> list[_Cluster]:
    """An organisation written as its initials joins the one it abbreviates (``the IFS`` is the
    Institute of Fiscal Studies, ``NAO`` the National Audit Office)."""
    long_by_initials: dict[str, _Cluster] = {}
    for c in clusters:
        full = c.full
        named = all(w[:1].isupper() or w.casefold() in _ACRONYM_SKIP for w in full)
        if c.label != "PERSON" and len(full) >= 2 and named:
            long_by_initials.setdefault(_initials(full), c)
    out = []
    for c in clusters:
        full = c.full
        target = long_by_initials.get(full[0]) if len(full) == 1 and _ACRONYM.match(full[0]) else None
        if target is not None and target is not c and c.label != "PERSON":
            target.mentions.extend(c.mentions)
        else:
            out.append(c)
    return out


def _folded(words: list[str]) -> list[str]:
    return [fold(w) or w.casefold() for w in words]


def _key(words: list[str]) -> str:
    return " ".join(w.casefold() for w in words)


def entities(doc) -> list[Entity]:
    """Cluster the named mentions of ``doc`` into within-document entities (``e1``, ``e2``...).

    Args:
        doc: a spaCy ``Doc`` of the whole stored text.
    Returns:
        Entities in order of first mention, each with its canonical (fullest) name, type,
        aliases (distinct forms as written) and mentions (offsets into the text).
    """
    text = doc_text(doc)  # spaCy rebuilds Doc.text on every access
    raw: list[_M] = []
    for ent in doc.ents:
        with isolated("entity mention", ent.start_char, ent.end_char):  # a failure skips this name only
            if ent.label_ not in _KEEP_LABELS:
                continue
            # A headline in title case can come back as one name ("Kremlin Denies Troop Build-Up"):
            # a name stops before a finite verb and at a line break.
            end = next((t.i for t in ent if t.i > ent.start and (t.tag_ in ("VBZ", "VBD", "VBP", "MD")
                                                                or (t.is_space and "\n" in t.text))), ent.end)
            m = _mention(doc, ent.start, end, ent.label_)
            if m is None or not any(ch.isalpha() for ch in "".join(m.words)):
                continue
            if m.label == "PERSON" and len(m.words) > 1 and m.words[-1].casefold() in _INSTITUTION_END:
                m.label = "ORG"  # "the Clinton Foundation": named after a person, not one
            if len(m.words) >= 4 and _headline(text, m.start) and _line_share(text, m) >= 0.8:
                continue  # the whole headline taken for a name
            if m.label == "NORP" and all(t.tag_ in ("JJ", "JJR", "JJS") or t.dep_ == "amod" for t in ent
                                         if m.core_start <= t.idx < m.core_end):
                continue  # a nationality or creed as an adjective ("Scottish voters"): no one's name
            raw.append(m)

    raw.extend(_untagged_people(doc, text, raw))
    raw.extend(_turn_labels(doc, text, raw))

    # Correct obvious tagger errors: a name that is a PERSON elsewhere is a person here.
    person_keys: set[str] = set()
    surnames: set[str] = set()
    for m in raw:
        if m.label == "PERSON":
            person_keys.add(_key(m.words))
            if len(m.words) > 1:
                surnames.add(m.words[-1].casefold())
    label_votes: dict[str, Counter] = defaultdict(Counter)
    for m in raw:
        label_votes[_key(m.words)][m.label] += 1
    single = {pk for pk in person_keys if " " not in pk} | surnames
    for m in raw:
        k = _key(m.words)
        if m.label != "PERSON" and (
            k in person_keys
            or (len(m.words) == 1 and k in surnames)
            # "Alexei Navalny" tagged ORG while "Navalny" is a person: a short all-capitalised
            # name ending in a person's surname is that person.
            or (2 <= len(m.words) <= 3 and m.words[-1].casefold() in single
                and m.words[-1].casefold() not in _NOT_NAMES  # "White House" after a "House"
                and all(w[:1].isupper() for w in m.words))
        ):
            m.label = "PERSON"
        elif m.label != "PERSON":
            # Majority label for the same string (NER flips between ORG and GPE).
            m.label = label_votes[k].most_common(1)[0][0]

    # Bare surnames of known people that the tagger missed.
    covered: set[int] = set()
    for m in raw:
        covered.update(range(m.start, m.end))
    if surnames:
        for tok in doc:
            if tok.idx in covered or not tok.is_title or tok.lower_ not in surnames:
                continue
            if tok.i + 1 < len(doc) and doc[tok.i + 1].is_title and doc[tok.i + 1].pos_ == "PROPN":
                continue  # part of another name (``Kalugin Street``)
            m = _mention(doc, tok.i, tok.i + 1, "PERSON")
            if m is not None:
                raw.append(m)
                covered.update(range(m.start, m.end))
    raw.sort(key=lambda m: m.start)

    clusters: list[_Cluster] = []
    by_key: dict[tuple[str, str], _Cluster] = {}
    # People: longest names first so surnames find their full name.
    persons = sorted((m for m in raw if m.label == "PERSON"), key=lambda m: (-len(m.words), m.start))
    person_clusters: list[_Cluster] = []
    for m in persons:
        target = None
        k = _key(m.words)
        candidates = []
        for c in person_clusters:
            # Compared folded (clipfile.translit.fold): a doubled letter or a romanisation habit
            # ("Osstrova", "Alexei"/"Aleksei") does not make another person.
            full = _folded(c.full)
            mw = _folded(m.words)
            if full == mw or (len(mw) < len(full) and full[-len(mw):] == mw) or (
                len(mw) == 1 and full[0] == mw[0] and len(full) > 1
            ):
                candidates.append(c)
        if len(candidates) == 1:
            target = candidates[0]
        elif candidates:
            # Two people share a surname: the nearest earlier full mention wins.
            at = m.start

            def last_before(c: _Cluster) -> int:
                return max((x.start for x in c.mentions if x.start <= at), default=-1)
            target = max(candidates, key=lambda c: (last_before(c), len(c.mentions)))
        if target is None:
            target = _Cluster("PERSON")
            person_clusters.append(target)
            by_key[("PERSON", k)] = target
        target.mentions.append(m)
    clusters.extend(person_clusters)
    for m in raw:
        if m.label == "PERSON":
            continue
        key = (m.label, _key(m.words))
        cluster = by_key.get(key)
        if cluster is None:
            cluster = _Cluster(m.label)
            by_key[key] = cluster
            clusters.append(cluster)
        cluster.mentions.append(m)

    clusters = _merge_acronyms(clusters)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    clusters.sort(key=lambda c: c.mentions[0].start)
    out = []
    for n, c in enumerate(clusters, 1):
        full = c.full
        # The canonical name as written in one mention (keeps the text's spacing): for a person
        # the best attested full name (a one-off typo or an epithet the tagger took in, "Crooked
        # Hillary Clinton", is not the name), then the fullest (most words, then most written
        # out rather than as initials).
        said = [{w.casefold() for w in m.words} for m in c.mentions]

        def attested(m: _M) -> int:  # mentions that carry every word of m's name
            words = {w.casefold() for w in m.words}
            return sum(words <= s for s in said)

        best = max(c.mentions, key=lambda m: (
            (len(m.words) > 1, len(m.words[0].rstrip(".")) > 1, attested(m)) if c.label == "PERSON" else (0, 0, 0),
            len(m.words), sum(len(w.rstrip(".")) > 1 for w in m.words), attested(m), m.core_end - m.core_start))
        name = text[best.core_start:best.core_end]
        name = " ".join(_POSSESSIVE.sub("", w) or w for w in name.split()) if len(full) else name
        if name.isupper() and len(name) > 4 and c.label == "PERSON":
            name = name.title()  # a transcript's label "LENA PARK" names Lena Park
        aliases = []
        for m in c.mentions:
            form = " ".join(text[m.start:m.end].split())
            if form not in aliases:
                aliases.append(form)
        mentions = tuple(Mention(m.start, m.end, text[m.start:m.end], c.label) for m in c.mentions)
        out.append(Entity(id=f"e{n}", name=name, type=c.label, aliases=tuple(aliases), mentions=mentions))
    return out
