"""Language identification: a quick script count for Cyrillic, py3langid for the rest."""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

__all__ = ["detect_language", "MIN_LETTERS"]

# Fewer letters than this is too little evidence for any guess.
MIN_LETTERS = 12

# Letters that occur in Ukrainian but not in Russian.
_UKRAINIAN = frozenset("іїєґІЇЄҐ")
_SAMPLE_CHARS = 5000


@lru_cache(maxsize=1)
def _classify() -> Callable[[str], tuple[str, float]]:
    # Importing py3langid loads its model; do it once, and only when non-Cyrillic text needs it.
    import py3langid

    return py3langid.classify


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or None when there is too little text.

    Cyrillic-dominated text is Russian unless it uses letters only Ukrainian has; other text is
    classified by py3langid on its first few thousand characters.
    """
    sample = text[:_SAMPLE_CHARS]
    letters = cyrillic = ukrainian = 0
    for char in sample:
        if char.isalpha():
            letters += 1
            if "\u0400" <= char <= "\u04ff":
                cyrillic += 1
                ukrainian += char in _UKRAINIAN
    if letters < MIN_LETTERS:
        return None
    if cyrillic > 0.5 * letters:
        # A handful of Ukrainian-only letters is a stronger signal than any letter frequency.
        return "uk" if ukrainian >= max(2, cyrillic // 200) else "ru"
    lang, _prob = _classify()(sample)
    return str(lang)
