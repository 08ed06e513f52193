"""When two names are one entity, and which name an entity goes by: the evidence rules.

Pure functions over plain data (names, types, sets of ids), so that whichever layer runs the
library-wide linking can call them.  :mod:`clipfile.linking` makes the keys under which
candidates are found; these rules decide whether a candidate found under a key is the same
entity:

* **People agree on their names.**  A shared surname is not enough: two full names agree only
  when their first names (or initials) agree and, when both give middle names or initials,
  those agree too (``George W. Bush`` is not ``George H.W. Bush``; ``V. Putin`` is ``Vladimir
  Putin``; ``Владимир Путин`` is ``Vladimir Putin``).  Bare first names and surnames constrain
  nothing here: the weak surname link needs context instead.
* **A bare surname needs context.**  A document that names someone only by surname
  (``Кузнецова``, ``Meadows``) joins a library person only when the document also mentions
  other entities that person's documents mention (:func:`context_support`): a novel's character
  shares nothing with a tennis player's reports, while a report on the Kremlin's plans names
  Putin's usual company.
* **A canonical name is a name.**  Not a hyphenated prefix form (``anti-Biden``,
  ``ex-Yukos``), not lower-case, not a person's name mixing alphabets (``Émile Золя``); among
  names, the fuller wins, and among equally full spellings the better attested one
  (``Саакашвили`` over the typo ``Сааакашвили``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .analysis.names import strip_title_words
from .translit import fold, romanize

__all__ = [
    "PersonName", "person_name", "names_agree", "people_agree", "is_name_like",
    "context_support", "CONTEXT_NEEDED", "best_supported", "is_place", "canonical_choice",
    "NAME_PARTICLES",
]

# Lower-case words that begin names ("al-Assad", "de Gaulle", "van der Berg").
NAME_PARTICLES = frozenset(
    "al el ad ash as bin ibn bint abu de del della di da dos du la le van von der den ter".split())

_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|инична)$", re.I)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# "anti-Biden", "ex-Yukos", "pro-Kremlin", "экс-премьер": a lower-case prefix joined by a hyphen.
_PREFIX_FORM = re.compile(r"^[^\W\d_]+-", re.UNICODE)
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class PersonName:
    """A person's name in parts: given names and initials in order (folded), and the surname."""

    given: tuple[str, ...]  # each a folded word, or one letter for an initial
    surname: str  # folded; "" when the name has no word

    @property
    def full(self) -> bool:
        return bool(self.given) and bool(self.surname)


def _initials(word: str) -> list[str] | None:
    """``H.W.`` → ``["h", "w"]``, ``В.`` → ``["v"]``; None when ``word`` is not initials."""
    parts = [p for p in word.split(".") if p]
    if word.endswith(".") or "." in word:
        if parts and all(len(p) == 1 and p.isalpha() for p in parts):
            return [_first_letter(p) for p in parts]
    if len(word) == 1 and word.isalpha() and word.isupper():
        return [_first_letter(word)]
    return None


def _first_letter(word: str) -> str:
    latin = unicodedata.normalize("NFKD", romanize(word))
    letters = [ch for ch in latin if ch.isascii() and ch.isalpha()]
    return letters[0] if letters else word[:1].casefold()


@lru_cache(maxsize=65536)
def person_name(name: str) -> PersonName:
    """Split a person's name as printed (titles dropped; Russian ``Фамилия Имя Отчество``
    order recognised) into :class:`PersonName`."""
    words = [w.strip(",;:()\"«»„“”") for w in name.replace("\u00a0", " ").split()]
    words = [re.sub(r"['\u2019]s$", "", w) for w in words if w]
    words = strip_title_words(words)
    if len(words) >= 3 and _PATRONYMIC.search(words[-1]):
        words = [words[1], words[2], words[0]]  # Путин Владимир Владимирович
    if not words:
        return PersonName((), "")
    *given_words, last = words
    if _initials(last) is not None:
        return PersonName((), "")  # no surname to speak of ("Mr V.")
    given: list[str] = []
    for w in given_words:
        ini = _initials(w)
        given.extend(ini if ini is not None else [fold(w) or w.casefold()])
    return PersonName(tuple(given), "".join(fold(p) for p in last.split("-")) or last.casefold())


def _given_agree(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[:1] == b[:1]
    short, long_ = sorted((a, b), key=len)
    return a == b or (len(short) >= 3 and long_.startswith(short))


def names_agree(a: str, b: str) -> bool:
    """Whether two names of people can name one person.

    Surnames must fold to the same key; a name that is the other less its first words agrees
    (``Peña Nieto`` with ``Enrique Peña Nieto``); otherwise, when both give a first name (or
    initial) those must agree (an initial agrees with a name that starts with it, ``Alex`` with
    ``Alexander``); when both give a middle name or initial (a patronymic is one), the first of
    those must agree too.  A bare name (one word) agrees with any full name whose surname or
    first name it is.
    """
    return _parts_agree(person_name(a), person_name(b))


def _parts_agree(pa: PersonName, pb: PersonName) -> bool:
    if not pa.surname or not pb.surname:
        return True
    if not pa.given or not pb.given:
        bare, other = (pa, pb) if not pa.given else (pb, pa)
        return bare.surname == other.surname or bool(other.given) and _given_agree(bare.surname, other.given[0])
    if pa.surname != pb.surname:
        return False
    # One name is the other less its first names ("Peña Nieto", "Enrique Peña Nieto").
    short, long_ = sorted((pa.given, pb.given), key=len)
    if len(short) < len(long_) and long_[len(long_) - len(short):] == short:
        return True
    if not _given_agree(pa.given[0], pb.given[0]):
        return False
    ma, mb = pa.given[1:], pb.given[1:]
    if ma and mb and not _given_agree(ma[0], mb[0]):
        return False
    return True


def people_agree(names: Iterable[str], other: Iterable[str]) -> bool:
    """Whether every full name of one entity agrees with every full name of the other
    (:func:`names_agree`); bare names take no part."""
    full_a = {p for p in map(person_name, names) if p.full}
    full_b = {p for p in map(person_name, other) if p.full}
    return all(_parts_agree(x, y) for x in full_a for y in full_b)


def is_name_like(name: str, type_: str) -> bool:
    """Whether ``name`` can stand as an entity's canonical name: it starts with a capital letter
    or a digit, is not a hyphenated prefix form (``anti-Biden``), and a person's name does not
    mix the Latin and Cyrillic alphabets."""
    name = name.strip()
    words = name.split()
    while len(words) > 1 and words[0] in NAME_PARTICLES:
        words = words[1:]
    first = words[0] if words else ""
    if first.split("-")[0] in NAME_PARTICLES and "-" in first:
        first = first.split("-", 1)[1]
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return False
    if _PREFIX_FORM.match(first) and first.split("-")[0].islower():
        return False
    if type_ == "PERSON" and _LATIN.search(name) and _CYRILLIC.search(name):
        return False
    return True


def is_place(type_: str) -> bool:
    return type_ in _PLACE_TYPES


# Context a bare surname needs: one shared co-mentioned person or organisation, or two places
# (places are the commonest company of all and say less about who is meant).
CONTEXT_NEEDED = 1.0


def context_support(document: Mapping[int, str], candidate: Mapping[int, str]) -> float:
    """How much a document's other entities (library id → type) overlap the entities that a
    candidate's documents mention: 1 for each shared person or organisation, ½ for each shared
    place.  A bare surname links when this reaches :data:`CONTEXT_NEEDED`."""
    shared = document.keys() & candidate.keys()
    return sum(0.5 if is_place(document[i]) else 1.0 for i in shared)


def best_supported(document: Mapping[int, str], candidates: Mapping[int, Mapping[int, str]]) -> int | None:
    """The candidate (library id → its co-mentioned entities) a bare surname links to: the one
    whose context the document shares most, when that reaches :data:`CONTEXT_NEEDED` and no
    other candidate shares as much; None otherwise (a new entity)."""
    scored = sorted(((context_support({i: t for i, t in document.items() if i != c}, ctx), c)
                     for c, ctx in candidates.items()), reverse=True)
    if not scored or scored[0][0] < CONTEXT_NEEDED:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0]:
        return None
    return scored[0][1]


def _word_count(name: str, type_: str) -> int:
    if type_ == "PERSON":
        p = person_name(name)
        return len(p.given) + bool(p.surname)
    return len(name.split())


def _spelled_out(name: str) -> int:
    """Name words written out, not as initials (``Владимир Громов`` 2, ``В. Громов`` 1)."""
    return sum(1 for w in name.split() if _initials(w) is None)


def _first_written_out(name: str) -> bool:
    words = strip_title_words(name.split())
    return bool(words) and _initials(words[0]) is None


def canonical_choice(names: Sequence[str], type_: str, attestation: Mapping[str, int] | None = None) -> str:
    """The name an entity goes by, from ``names`` in the order they were seen.

    Names that are names (:func:`is_name_like`) first; for a person, then a full name (given
    name and surname) over a bare one, a first name written out over an initial, then the best
    attested full name (``attestation``: how
    many mentions carry the spelling, so a one-off typo or an epithet the tagger took in —
    ``Crooked Hillary Clinton`` — loses to the usual name); then the fullest (most name words,
    then most written out rather than as initials); for other types the fullest, then the best
    attested; then the first seen.
    """
    if not names:
        raise ValueError("canonical_choice needs at least one name")
    counts = attestation or {}
    order = {n: i for i, n in reversed(list(enumerate(names)))}
    if type_ == "PERSON":
        return max(order, key=lambda n: (is_name_like(n, type_), person_name(n).full, _first_written_out(n),
                                         counts.get(n, 0), _word_count(n, type_), _spelled_out(n), -order[n]))
    return max(order, key=lambda n: (is_name_like(n, type_), _word_count(n, type_), _spelled_out(n),
                                     counts.get(n, 0), -order[n]))
