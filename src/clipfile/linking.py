"""Keys that link entity names across documents and scripts.

A within-document entity (``Entity``) is linked to a library-wide entity when they share a key of
the same type.  Keys, strongest first:

* ``full:<type>:<normalised name>`` — titles, possessives, case and spacing removed
  (``Gen. Oleg Kalugin's`` → ``oleg kalugin``);
* ``xs:<type>:<key>`` — script-neutral keys from :func:`clipfile.translit.name_keys`, so that
  ``Путин`` and ``Vladimir Putin`` meet;
* ``full:NAME:<normalised name>`` and ``xs:NAME:<folded name>`` — organisations, places and
  groups (ORG, GPE, LOC, FAC, NORP) under one type class, as written and folded across scripts
  (``Газпром`` and ``Gazprom`` meet at ``xs:NAME:gazprom``): the taggers of the two languages
  disagree on these types (natasha has no GPE; spaCy calls a company GPE now and then), and one
  spelling rarely names two different things;
* ``last:<type>:...`` — weak keys: a person's surname alone, as written and script-neutral
  (``last:PERSON:kessler``, ``last:PERSON:sur:kesler``).  They are used only when a document
  names the person by surname alone, and then only with context
  (:func:`clipfile.entity_evidence.context_support`); two people who share a surname never
  merge through them.

A person's name of one word (``Clarke``, ``Mr Clarke``) has only weak keys: a bare surname is no
strong evidence of who is meant.  A key finds candidates; :mod:`clipfile.entity_evidence` decides
whether a candidate is the same entity (first names and initials agree).
"""
from __future__ import annotations

import re

from .analysis.names import normalize_name
from .entity_evidence import NAME_PARTICLES
from .translit import fold, name_keys

__all__ = ["name_key", "entity_keys", "surname_key", "weak_keys", "is_weak", "link_class", "is_bare_person"]

# Types linked as one class across documents and scripts (see the module docstring).
_NAME_CLASS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP"})

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


# A lower-case prefix joined to a name by a hyphen: "anti-Biden", "ex-Yukos", "экс-Газпром".
_PREFIX = re.compile(r"^[^\W\d_A-ZА-ЯЁ]+[-\u2013](?=[^\W\d_])", re.UNICODE)


def name_key(name: str) -> str:
    """Normalised form of a name (titles, possessives, a lower-case prefix such as ``anti-``,
    case and spacing removed)."""
    stripped = name.strip()
    if (prefix := _PREFIX.match(stripped)) and stripped[prefix.end()].isupper() \
            and stripped[:prefix.end() - 1] not in NAME_PARTICLES:
        stripped = stripped[prefix.end():]
    return normalize_name(stripped) or _normalize_fallback(stripped)


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


def link_class(type_: str) -> str:
    """The class a type links in across documents: ``NAME`` for organisations, places and
    groups, the type itself otherwise."""
    return "NAME" if type_ in _NAME_CLASS else type_


def is_bare_person(name: str, type_: str) -> bool:
    """A person named by one word only (titles aside): ``Clarke``, ``Mr Clarke``, ``Путин``."""
    return type_ == "PERSON" and len(name_key(name).split()) <= 1


def _folded_name(name: str) -> str:
    return " ".join(f for f in (fold(w) for w in name_key(name).split()) if f)


def entity_keys(name: str, type_: str) -> list[str]:
    """Keys of a name, strong ones first, then the weak surname keys (see the module docstring)."""
    norm = name_key(name)
    if not norm:
        return []
    if is_bare_person(name, type_):
        return weak_keys(name, type_)
    keys = [f"full:{type_}:{norm}"]
    keys += sorted(f"xs:{type_}:{k}" for k in _script_keys(name) if not k.startswith("sur:"))
    if link_class(type_) != type_:
        keys.append(f"full:NAME:{norm}")
        folded = _folded_name(name)
        if len(folded.replace(" ", "")) >= 4:
            keys.append(f"xs:NAME:{folded}")
    return keys + weak_keys(name, type_)
