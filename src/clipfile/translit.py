"""Cross-script match keys for person names (Cyrillic and Latin).

A Russian name reaches an English article through one of several romanisations: BGN/PCGN
(``Navalnyy``, ``Yeltsin``), ICAO 9303 as in passports (``Navalnyi``, ``Iurii``), GOST 7.79
with or without diacritics (``Naval'nyj``, ``Hruŝëv``), and the press's own habits
(``Navalny``, ``Alexei``, ``Gorbachev``).  Rather than pick one, :func:`name_keys` maps every
spelling onto one *folded* key:

1. Cyrillic letters are written in Latin with one base table (BGN-like: ж zh, х kh, ц ts,
   ч ch, ш sh, щ shch, й y, ы y, ю yu, я ya, ё e; ъ and ь dropped; Ukrainian і ї є ґ too).
2. Latin text (the base output or a name as printed) is lower-cased, stripped of diacritics
   and apostrophes, then folded so the variants meet:
   ``shch/shh/sch`` → s, ``tch/ch`` → c, ``sh`` → s, ``zh`` → z, ``kh`` → h, ``ts/tz`` → c,
   ``x`` → ks, ``w`` → v, ``q`` → k; ``j`` and ``y`` → i; ``io`` → e (ё written ``yo``);
   ``ii`` → i (``-yy``, ``-iy``, ``-ij``); an ``i`` glide before a vowel is dropped
   (``ya/ia/ja`` → a, ``yu`` → u, ``ye`` → e); doubled letters collapse.

The folding is lossy on purpose: two different names may share a key (rarely), but one name
in any of these spellings always does.  Keys are ``"sur:<surname>"`` and, when a given name is
present, ``"full:<given> <surname>"``.  Russian order with a patronymic (``Путин Владимир
Владимирович``) is recognised; initials and bare titles are ignored.
"""
from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["name_keys", "fold", "romanize"]

_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}

# Order matters: longer digraphs first, then glides, then clean-up.
_FOLDS = [
    (re.compile(r"shch|shh|sch"), "s"),
    (re.compile(r"tch|ch"), "c"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"zh"), "z"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ts|tz"), "c"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"io"), "e"),
    (re.compile(r"i{2,}"), "i"),
    (re.compile(r"i(?=[aeou])"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
]

_PATRONYMIC = re.compile(r"(?:ович|евич|ьич|овна|евна|ична|инична)$")
# Words that may precede a name in running text but are not part of it.
_TITLES = {
    "mr", "mrs", "ms", "dr", "sir", "president", "minister", "general", "gen", "col",
    "господин", "госпожа", "г-н", "г-жа", "президент", "министр", "генерал",
}


def romanize(text: str) -> str:
    """Write Cyrillic letters of ``text`` in Latin with the base table (lower-case)."""
    return "".join(_BASE.get(ch, ch) for ch in text.lower())


@functools.lru_cache(maxsize=20_000)  # names recur: each word is folded once per process
def fold(word: str) -> str:
    """Fold one name word, in any script, to its cross-romanisation key form."""
    latin = romanize(word)
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(ch for ch in latin if ch.isascii() and ch.isalpha())
    for pattern, repl in _FOLDS:
        latin = pattern.sub(repl, latin)
    return latin


def _words(name: str) -> list[str]:
    words = []
    for raw in re.split(r"[\s\u00a0]+", name.strip()):
        w = raw.strip(".,;:()\"'«»„“”")
        if not w or w.lower() in _TITLES:
            continue
        if len(w.rstrip(".")) <= 1 or (len(w) <= 3 and w.endswith(".")):
            continue  # an initial ("В.", "A.")
        words.append(w)
    return words


def name_keys(name: str) -> set[str]:
    """Return language-neutral match keys for a person name written in any script.

    ``name_keys("Путин") & name_keys("Vladimir Putin") == {"sur:putin"}``; ``Навальный``,
    ``Navalny`` and ``Navalnyy`` give the same surname key.

    Args:
        name: a person's name as printed (nominative for Russian), with or without given name.

    Returns:
        ``{"sur:<key>"}`` plus ``"full:<given> <surname>"`` when a given name is present;
        empty for a name with no usable word.
    """
    words = _words(name)
    # Hyphenated surnames (Римский-Корсаков) keep both halves in one key.
    words = ["".join(fold(p) for p in w.split("-")) if "-" in w else w for w in words]
    if not words:
        return set()
    given: str | None = None
    surname = words[-1]
    if len(words) >= 3 and _PATRONYMIC.search(words[-1].lower()):
        # Official Russian order: Surname Given Patronymic.
        surname, given = words[0], words[1]
    elif len(words) >= 2:
        given = words[0]
    sur_key = fold(surname)
    if not sur_key:
        return set()
    keys = {f"sur:{sur_key}"}
    if given:
        given_key = fold(given)
        if given_key:
            keys.add(f"full:{given_key} {sur_key}")
    return keys
