"""Russian named entities: natasha NER spans clustered into :class:`Entity` records.

Person names are put in the nominative word by word with pymorphy2 (bundled with natasha),
keeping the bearer's gender: ``Путина`` → ``Путин``, ``Навальным`` → ``Навальный``,
``Юлией Навальной`` → ``Юлия Навальная``.  Mentions of one person share a surname; a bare
surname joins the person last named with it.  Surname mentions that NER missed (a capitalised
``Навальным`` opening a sentence) are picked up by matching the normalised word against the
known surnames.  Places and organisations cluster on natasha's normal form.  The canonical
name is the fullest form, and among equally full spellings the most frequent one.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...records import Entity, Mention
from ...translit import fold
from .parse import RuDoc, RuToken, models

__all__ = ["entities", "normalize_name", "normalize_word"]

_LABELS = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}
_UD_CASE = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
_UD_GENDER = {"Masc": "masc", "Fem": "femn"}
_NAME_GRAMS = {"Surn", "Name", "Patr"}
# Foreign names ending in these vowels are usually indeclinable (Моди, Шойгу, Кличко).
_INDECLINABLE_END = tuple("иоуеэю")


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
    from pymorphy2.analyzer import Parse

    feats = feats or {}
    case = feats.get("Case")
    if case == "Nom" or not any("\u0400" <= ch <= "\u04ff" for ch in word):
        return word
    vocab = models()["vocab"]
    low = word.lower()
    parses = vocab.parse(low)
    if not parses:
        return word
    if low.endswith(_INDECLINABLE_END) and not vocab.word_is_known(low):
        return word
    oc_case, oc_gender = _UD_CASE.get(case or ""), _UD_GENDER.get(feats.get("Gender", ""))
    best, best_score = None, float("-inf")
    for p in parses:
        score = p.score
        if oc_case and oc_case in p.tag:
            score += 1.0
        if _NAME_GRAMS & p.tag.grammemes:
            score += 2.0
        if oc_gender and oc_gender in p.tag:
            score += 0.5
        if "plur" in p.tag:
            score -= 1.0
        if score > best_score:
            best, best_score = p, score
    inflected = Parse.inflect(best, {"nomn", "sing"}) or Parse.inflect(best, {"nomn"})
    if inflected is None:
        return word
    return _cap(inflected.word, word)


def normalize_name(text: str, tokens: list[RuToken] | None = None) -> str:
    """Nominative form of a person name (``Владимира Путина`` → ``Владимир Путин``).

    With ``tokens`` (the parsed tokens of the name) their morphology guides the choice;
    without, each word is analysed on its own.
    """
    if tokens:
        words = [normalize_word(t.text, t.feats) for t in tokens if t.pos != "PUNCT"]
        return " ".join(words)
    return " ".join(normalize_word(w) for w in text.split())


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
        # The fullest form (most words); among equally full ones the most frequent spelling, so a
        # one-off typo ("Сааакашвили") does not name the person; then the first seen.
        order = {n: i for i, n in enumerate(self.names)}
        return max(self.names, key=lambda n: (len(n.split()), self.seen[n], -order[n]))


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

    for span in rudoc.spans:
        label = _LABELS.get(span.type)
        if label is None:
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
        given, surname = _person_parts(words)
        cl = None
        if given is not None:
            cl = by_key.get(("PERSON", f"{_k(given)} {_k(surname)}"))
            if cl is None:
                # A full name after a bare-surname mention completes that person.
                cl = next((c for c in reversed(by_surname.get(_k(surname), [])) if c.first is None), None)
        else:
            cands = by_surname.get(_k(surname)) or by_given.get(_k(surname))
            cl = cands[-1] if cands else None
        if cl is None:
            cl = _Cluster("PERSON")
            clusters.append(cl)
        if given is not None:
            cl.first = cl.first or given
            by_key[("PERSON", f"{_k(given)} {_k(surname)}")] = cl
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
    for n, cl in enumerate(clusters, 1):
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
