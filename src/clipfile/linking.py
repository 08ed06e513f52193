"""Keys that link entity names across documents and scripts.

A within-document entity (``Entity``) is linked to a library-wide entity when they share a key of
the same type.  Keys, strongest first:

* ``full:<type>:<normalised name>`` — titles, possessives, case and spacing removed
  (``Gen. Oleg Kalugin's`` → ``oleg kalugin``);
* ``xs:<type>:<key>`` — script-neutral keys from :func:`clipfile.translit.name_keys`, so that
  ``Путин`` and ``Vladimir Putin`` meet;
* ``last:<type>:...`` — weak keys: a person's surname alone, as written and script-neutral
  (``last:PERSON:kessler``, ``last:PERSON:sur:kesler``).  They are used only when a document
  names the person by surname alone, and only when exactly one library person carries it;
  two people who share a surname never merge through them.
"""
from __future__ import annotations

import re

from .analysis.names import normalize_name
from .translit import name_keys

__all__ = ["name_key", "entity_keys", "surname_key", "weak_keys", "is_weak"]

_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "gen", "general", "lt", "lieutenant", "col", "colonel", "maj", "major", "capt", "captain",
    "adm", "admiral", "sgt", "sergeant", "cmdr", "commander", "president", "vice", "prime",
    "minister", "senator", "sen", "rep", "representative", "gov", "governor", "mayor",
    "judge", "justice", "rev", "reverend", "father", "pope", "king", "queen", "prince",
    "princess", "chancellor", "secretary", "ambassador", "comrade", "marshal", "chairman",
    "господин", "госпожа", "генерал", "президент", "премьер", "министр", "мэр",
}
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)


def _normalize_fallback(name: str) -> str:
    words = [w.casefold() for w in _WORD.findall(name)]
    words = [re.sub(r"['’]s$", "", w) for w in words]
    while len(words) > 1 and words[0].rstrip(".") in _TITLES:
        words.pop(0)
    return " ".join(words)


def name_key(name: str) -> str:
    """Normalised form of a name (titles, possessives, case and spacing removed)."""
    return normalize_name(name) or _normalize_fallback(name)


def _script_keys(name: str) -> set[str]:
    return set(name_keys(name))


def surname_key(name: str, type_: str) -> str | None:
    """The surname-only key of a person's name, or None for other types."""
    norm = name_key(name)
    if type_ != "PERSON" or not norm:
        return None
    return f"last:{type_}:{norm.split()[-1]}"


def is_weak(key: str) -> bool:
    return key.startswith("last:")


def weak_keys(name: str, type_: str) -> list[str]:
    """Surname keys of a name (as written and script-neutral); empty for non-persons."""
    last = surname_key(name, type_)
    if not last:
        return []
    return [last] + sorted(f"last:{type_}:{k}" for k in _script_keys(name) if k.startswith("sur:"))


def entity_keys(name: str, type_: str) -> list[str]:
    """Keys of a name, strong ones first, then the weak surname keys (see the module docstring)."""
    norm = name_key(name)
    if not norm:
        return []
    keys = [f"full:{type_}:{norm}"]
    keys += sorted(f"xs:{type_}:{k}" for k in _script_keys(name) if not k.startswith("sur:"))
    return keys + weak_keys(name, type_)
