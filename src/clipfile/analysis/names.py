"""Library-wide name keys: titles, possessives, case and spacing taken out of a name.

These keys link a speaker label to a person (:mod:`.turns`) and a document's entities to the
library's (:mod:`clipfile.linking`) for every language; script-neutral keys across alphabets
come from :mod:`clipfile.translit`.  The title and role words are English: they are how names
and transcript labels arrive in the library from English and transliterated sources, and a
Russian name's own titles are handled by the Russian entity stage.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["TITLES", "TITLE_CORE", "strip_title_words", "normalize_name", "is_role_label"]

# Titles and ranks written before a name; stripped from canonical names
# ("former"/"late" too, since they qualify the title).
TITLES = frozenset("""
mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady
gen gen. general lt lt. lieutenant col col. colonel maj maj. major capt capt. captain
adm adm. admiral sgt sgt. sergeant cmdr cmdr. commander marshal brig brig. brigadier
president vice-president vice pres. premier chancellor minister secretary senator sen sen.
rep rep. representative congressman congresswoman gov gov. governor mayor judge justice
ambassador rev rev. reverend father pope king queen prince princess sheikh ayatollah
chairman chairwoman chief director speaker leader comrade former ex late
councillor councilor councilman councilwoman alderman deputy spokesman spokeswoman
""".split())

_POSSESSIVE = re.compile(r"['\u2019]s?$")
TITLE_CORE = frozenset(t.rstrip(".") for t in TITLES)


def strip_title_words(words: list[str]) -> list[str]:
    """Drop leading titles/ranks (``Gen.``, ``President``) while a name word remains."""
    i = 0
    while i < len(words) - 1 and words[i].casefold().rstrip(".") in TITLE_CORE:
        i += 1
    return words[i:]


def normalize_name(name: str) -> str:
    """Library-wide merge key: titles stripped, possessive removed, whitespace folded, casefolded."""
    name = unicodedata.normalize("NFC", name)
    words = name.split()
    if not words:
        return ""
    words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    if words[0].casefold() == "the" and len(words) > 1:
        words = words[1:]
    words = strip_title_words(words)
    return " ".join(words).casefold()


# Labels that name a role in the programme, not a person (English, and the Russian ones of
# transcripts and interviews: ведущий, вопрос/ответ, голос из зала).
_ROLE_LABELS = frozenset("""
anchor host co-host moderator presenter reporter correspondent interviewer interviewee narrator
announcer voice caller guest panelist q a question answer unidentified male female man woman
crowd audience all both editor note transcript byline update correction
ведущий ведущая соведущий модератор корреспондент журналист интервьюер вопрос ответ голос
реплика зритель слушатель диктор
""".split())


def is_role_label(label: str) -> bool:
    """Whether a transcript's speaker label names a role (``ANCHOR``, ``Q``, ``SPEAKER 2``),
    not a person."""
    words = {w.casefold().strip(".") for w in label.split()}
    return bool(words & _ROLE_LABELS) or bool(re.fullmatch(r"(?i)speaker\s*\d+", label.strip()))
