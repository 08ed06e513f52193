"""The languages Clipfile analyses, one package each, listed in one explicit registry.

``get_language("ru")`` returns the :class:`~clipfile.lang.base.Language` of
:mod:`clipfile.lang.ru`, importing it on first use (so the CLI does not load spaCy or natasha
to print its help).  A language is registered by adding its code and package to
:data:`REGISTRY`, nowhere else; importing a module registers nothing.  An unknown code is an
:class:`UnknownLanguage` error, never a silent fallback to another language.
"""
from __future__ import annotations

import importlib
from functools import cache

from ..errors import ExtractionError
from .base import Language

__all__ = ["REGISTRY", "Language", "UnknownLanguage", "as_language", "get_language", "languages"]

# code -> package whose LANGUAGE attribute is the Language
REGISTRY: dict[str, str] = {
    "en": "clipfile.lang.en",
    "ru": "clipfile.lang.ru",
}


class UnknownLanguage(ExtractionError):
    """No analysis is registered for a language code."""


def languages() -> tuple[str, ...]:
    """The codes of the registered languages, sorted."""
    return tuple(sorted(REGISTRY))


@cache
def get_language(code: str) -> Language:
    """The registered language for ISO 639-1 ``code``.

    Raises:
        UnknownLanguage: no language is registered under ``code``.
    """
    package = REGISTRY.get(code)
    if package is None:
        raise UnknownLanguage(
            f"no analysis for language {code!r}; registered: {', '.join(languages())}"
            " (a new language is a package under clipfile/lang/ added to REGISTRY)"
        )
    lang = importlib.import_module(package).LANGUAGE
    if not isinstance(lang, Language) or lang.code != code:
        raise ExtractionError(f"{package}.LANGUAGE is not the Language for {code!r}")
    return lang


def as_language(lang: Language | str) -> Language:
    """``lang`` itself, or the registered language of that code."""
    return lang if isinstance(lang, Language) else get_language(lang)
