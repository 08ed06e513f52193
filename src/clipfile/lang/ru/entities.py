"""Russian named entities: natasha NER spans clustered into :class:`Entity` records.

Person names are put in the nominative word by word with pymorphy2 (bundled with natasha),
keeping the bearer's gender: ``Путина`` → ``Путин``, ``Навальным`` → ``Навальный``,
``Юлией Навальной`` → ``Юлия Навальная``.  Mentions of one person share a surname; a bare
surname joins the person last named with it.  Surname mentions that NER missed (a capitalised
``Навальным`` opening a sentence) are picked up by matching the normalised word against the
known surnames.  Places and organisations cluster on natasha's normal form.  The canonical
name of a person is the best attested full name, else the fullest form.
"""
from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

from ...analysis.problems import isolated
from ...records import Entity, Mention
from ...translit import fold
from .parse import RuDoc, RuSpan, RuToken, models

__all__ = ["entities", "normalize_name", "normalize_word", "is_common_noun"]

_LABELS = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}
_UD_CASE = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
_UD_GENDER = {"Masc": "masc", "Fem": "femn"}
_NAME_GRAMS = {"Surn", "Name", "Patr"}
# Foreign names ending in these vowels are usually indeclinable (Моди, Шойгу, Кличко).
_INDECLINABLE_END = tuple("иоуеэю")
# ...but not an adjectival surname's oblique case (Ланского, Белому).
_ADJ_OBLIQUE = ("ого", "его", "ому", "ему")


def _cap(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))


def normalize_word(word: str, feats: dict[str, str] | None = None) -> str:
    """Put one name word in the nominative singular, keeping its gender.

    ``feats`` are natasha's UD features for the token (``Case``, ``Gender``); they choose among
    pymorphy2's readings.  A word already nominative, or an unknown indeclinable foreign name,
    comes back unchanged.
    """
    feats = feats or {}
    case = feats.get("Case")
    if case == "Nom" or not any("\u0400" <= ch <= "\u04ff" for ch in word):
        return word
    return _nominative(word, case, feats.get("Gender", ""))


@functools.lru_cache(maxsize=20_000)  # a name recurs in a text and across texts in its forms
def _nominative(word: str, case: str | None, gender: str) -> str:
    from pymorphy2.analyzer import Parse

    vocab = models()["vocab"]
    low = word.lower()
    parses = vocab.parse(low)
    if not parses:
        return word
    if low.endswith(_INDECLINABLE_END) and not low.endswith(_ADJ_OBLIQUE) and not vocab.word_is_known(low):
        return word
    oc_case, oc_gender = _UD_CASE.get(case or ""), _UD_GENDER.get(gender)
    def score(p) -> float:
        s = p.score
        if oc_case and oc_case in p.tag:
            s += 1.0
        if _NAME_GRAMS & p.tag.grammemes:
            s += 2.0
        if oc_gender and oc_gender in p.tag:
            s += 0.5
        if "plur" in p.tag:
            s -= 1.0
        return s

    # The likeliest reading that pymorphy2 can inflect (a rare surname's noun reading may
    # have no paradigm to inflect while its adjective reading has: Ланского → Ланский).
    for best in sorted(parses, key=score, reverse=True):
        inflected = Parse.inflect(best, {"nomn", "sing"}) or Parse.inflect(best, {"nomn"})
        if inflected is not None:
            return _cap(inflected.word, word)
    return word


def normalize_name(text: str, tokens: list[RuToken] | None = None) -> str:
    """Nominative form of a person name (``Владимира Путина`` → ``Владимир Путин``).

    With ``tokens`` (the parsed tokens of the name) their morphology guides the choice;
    without, each word is analysed on its own.
    """
    if tokens:
        toks = [t for t in tokens if t.pos != "PUNCT"]
        lead = _given_name_feats(toks)
        # An initial keeps its full stop ("В.Путин" → "В. Путин").
        dotted = {t.i for t, nxt in zip(tokens, tokens[1:]) if len(t.text) == 1 and t.text.isupper()
                  and nxt.text == "."}
        words = [t.text + "." if t.i in dotted else normalize_word(t.text, lead or t.feats) for t in toks]
        return " ".join(words)
    return " ".join(normalize_word(w) for w in text.split())


def _given_name_feats(toks: list[RuToken]) -> dict[str, str] | None:
    """The case and gender of a name that opens with a given name (``Петра Орлова``): the
    surname agrees with it, whatever the tagger guessed for the surname alone (it reads a
    genitive ``Орлова`` as a feminine nominative)."""
    if len(toks) < 2 or not toks[0].feats.get("Case"):
        return None
    vocab = models()["vocab"]
    if not any("Name" in p.tag.grammemes for p in vocab.parse(toks[0].text.lower())):
        return None
    return {k: v for k, v in toks[0].feats.items() if k in {"Case", "Gender"}}


@dataclass
class _Cluster:
    type: str
    names: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    seen: Counter = field(default_factory=Counter)  # mentions per name

    @property
    def canonical(self) -> str:
        # A person's best attested full name (a one-off typo, "Сааакашвили", is not the name),
        # then the fullest form (most words, then most written out: "Владимир Громов" over
        # "В. Громов"), then the most frequent spelling, then the first seen.
        order = {n: i for i, n in enumerate(self.names)}
        words = {n: set(n.casefold().split()) for n in self.names}

        def attested(n: str) -> int:  # mentions whose name carries every word of n
            return sum(self.seen[m] for m in self.names if words[n] <= words[m])

        def person_key(n: str) -> tuple[bool, bool, int]:
            return (len(words[n]) > 1, not _is_initial(n.split()[0]), attested(n))

        return max(self.names, key=lambda n: (person_key(n) if self.type == "PERSON" else (False, False, 0),
                                              len(n.split()), sum(not _is_initial(w) for w in n.split()),
                                              self.seen[n], -order[n]))


def _bounds(span) -> tuple[int, int]:
    return (0, 0) if span is None else (span.start, span.end)


def _one_line(rudoc: RuDoc, span: RuSpan) -> RuSpan | None:
    """``span`` cut at its first line break: NER sometimes runs a name at the end of one
    paragraph into the first word of the next (``Ниной Ветровой⏎⏎Вопрос``)."""
    cut = rudoc.text.find("\n", span.start, span.end)
    if cut < 0:
        return span
    toks = [t for t in rudoc.tokens[span.first:span.last] if t.end <= cut]
    if not toks:
        return None
    text = rudoc.text[span.start:toks[-1].end]
    normal = span.normal if span.type == "PER" else " ".join(span.normal.split()[:len(text.split())])
    return RuSpan(span.start, toks[-1].end, span.type, text, normal, span.first, toks[-1].i + 1)


_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init"})


def _common_noun_opening(rudoc: RuDoc, span: RuSpan) -> bool:
    """A one-word "person" that is a capitalised common noun opening a sentence (``Канцлер
    считает …``, ``Оппозиционер предложил …``): NER takes the capital for a name."""
    if span.last - span.first != 1:
        return False
    tok = rudoc.tokens[span.first]
    sent = rudoc.sents[tok.sent]
    before = rudoc.text[:tok.start].rstrip(" \t\u00a0")
    opening = tok.i == sent.first or not before or before[-1] in ".!?…\n«\"—–-"
    return opening and is_common_noun(tok.text)


def is_common_noun(word: str) -> bool:
    """Whether every pymorphy2 reading of ``word`` is a common noun (no name, surname, place or
    organisation reading): ``Канцлер`` is one, ``Орлов`` is not."""
    vocab = models()["vocab"]
    if not vocab.word_is_known(word.lower()):
        return False  # pymorphy2 guesses a reading for an unknown word ("Марлоу"): a name
    parses = vocab.parse(word.lower())
    return bool(parses) and all("NOUN" in p.tag and not (_NAME_TAGS & p.tag.grammemes) for p in parses)


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word.endswith(".")


def _same_initial(a: str, b: str) -> bool:
    """Whether two given names can be one: an initial and a name it begins (``В.``,
    ``Владимир``)."""
    if _is_initial(a) == _is_initial(b):
        return False
    return a[:1].casefold() == b[:1].casefold()


def _k(word: str) -> str:
    """A name word's clustering key: its cross-script fold (:func:`clipfile.translit.fold`), so
    that spellings differing by a doubled letter or a romanisation habit are one name."""
    return fold(word) or word.lower()


def _person_parts(words: list[str]) -> tuple[str | None, str]:
    if len(words) == 1:
        return None, words[0]
    return words[0], words[-1]


def entities(rudoc: RuDoc) -> list[Entity]:
    """Cluster natasha's PER/LOC/ORG spans of ``rudoc`` into entities.

    Args:
        rudoc: a parsed document (:func:`clipfile.lang.ru.parse.parse`).

    Returns:
        Entities in order of first mention, ids ``e1``, ``e2``...; types ``PERSON``, ``LOC``,
        ``ORG``; person names in the nominative; every mention's ``text`` is
        ``rudoc.text[start:end]``.
    """
    text = rudoc.text
    clusters: list[_Cluster] = []
    by_key: dict[tuple[str, str], _Cluster] = {}
    by_surname: dict[str, list[_Cluster]] = {}
    by_given: dict[str, list[_Cluster]] = {}
    covered: set[int] = set()

    for span in map(lambda sp: _one_line(rudoc, sp), rudoc.spans):
        with isolated("entity mention", *_bounds(span)):  # a failure skips this name only
            label = _LABELS.get(span.type) if span is not None else None
            if span is None or label is None or label == "PERSON" and _common_noun_opening(rudoc, span):
                continue
            covered.update(range(span.first, span.last))
            mention = Mention(span.start, span.end, text[span.start : span.end], label)
            if label != "PERSON":
                key = (label, span.normal.lower())
                cl = by_key.get(key)
                if cl is None:
                    cl = by_key[key] = _Cluster(label)
                    clusters.append(cl)
                if span.normal not in cl.names:
                    cl.names.append(span.normal)
                cl.seen[span.normal] += 1
                cl.mentions.append(mention)
                continue
            name = normalize_name(span.text, rudoc.tokens[span.first : span.last])
            words = name.split()
            if not words:
                continue  # NER tagged punctuation alone (a stray ‹) as a person: no name to keep
            given, surname = _person_parts(words)
            cl = None
            if given is not None:
                cl = by_key.get(("PERSON", f"{_k(given)} {_k(surname)}"))
                if cl is None:
                    # A full name after a bare-surname mention completes that person; an initial
                    # and a given name that agree are one person ("В. Путин", "Владимир Путин").
                    cl = next((c for c in reversed(by_surname.get(_k(surname), []))
                               if c.first is None or _same_initial(c.first, given)), None)
            else:
                cands = by_surname.get(_k(surname)) or by_given.get(_k(surname))
                cl = cands[-1] if cands else None
            if cl is None:
                cl = _Cluster("PERSON")
                clusters.append(cl)
            if given is not None:
                if cl.first is None or _is_initial(cl.first) and not _is_initial(given):
                    cl.first = given
                by_key[("PERSON", f"{_k(given)} {_k(surname)}")] = cl
                if not _is_initial(given):
                    by_given.setdefault(_k(given), []).append(cl)
            if cl.last is None and (given is not None or not by_given.get(_k(surname))):
                cl.last = surname
                by_surname.setdefault(_k(surname), []).append(cl)
            if name not in cl.names:
                cl.names.append(name)
            cl.seen[name] += 1
            cl.mentions.append(mention)

    _add_missed_surnames(rudoc, covered, by_surname)

    out: list[Entity] = []
    # (a name that failed half-way may have left a cluster with no name or mention behind)
    for n, cl in enumerate((c for c in clusters if c.names and c.mentions), 1):
        canonical = cl.canonical
        aliases = tuple(x for x in cl.names if x != canonical)
        mentions = tuple(sorted(cl.mentions, key=lambda m: m.start))
        out.append(Entity(f"e{n}", canonical, cl.type, aliases, mentions))
    return out


def _add_missed_surnames(rudoc: RuDoc, covered: set[int], by_surname: dict[str, list[_Cluster]]) -> None:
    """Add capitalised tokens NER missed whose nominative is a known surname."""
    if not by_surname:
        return
    for tok in rudoc.tokens:
        if tok.i in covered or not tok.text[:1].isupper() or tok.pos not in {"PROPN", "NOUN", "ADJ"}:
            continue
        form = normalize_word(tok.text, tok.feats)
        cands = by_surname.get(_k(form)) or by_surname.get(_k(tok.lemma))
        if cands:
            cands[-1].mentions.append(Mention(tok.start, tok.end, tok.text, "PERSON"))
