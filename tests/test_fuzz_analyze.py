"""Fuzzing ``analyze`` in both languages (issue #14): whatever the text, the analysis runs.

The texts (``tests/_fuzztext.py``) mix news-like words of both scripts with quotation marks of
every script, dashes, right-to-left text, combining marks, emoji and astral characters, lone
surrogates, empty and whitespace-only text and line breaks.  For each:

* a text holding a lone surrogate is refused by :class:`~clipfile.records.Document` with an
  :class:`~clipfile.errors.IngestError` (it is not text and cannot be stored); any other is
  accepted;
* ``analyze`` raises nothing and skips nothing (an item a stage had to skip is a bug the
  pipeline survived, recorded in ``problems``: the fuzz wants none);
* every item's offsets point into the text, and ``text[start:end]`` is the item's ``text``.

The examples per language are enough to find each crash the issue reported when its fix is
undone (checked by reverting them one at a time); ``bench/fuzz_analyze.py`` runs thousands.
"""
from __future__ import annotations

import pytest
from _fuzztext import has_surrogate, offset_problems, texts
from hypothesis import HealthCheck, example, given, settings

from clipfile.errors import IngestError
from clipfile.pipeline import analyze
from clipfile.records import Document

_EXAMPLES = {"en": 300, "ru": 200}


def _check(text: str, lang: str) -> None:
    if has_surrogate(text):
        with pytest.raises(IngestError, match="lone surrogate"):
            Document(text=text, language=lang)
        return
    a = analyze(Document(text=text, language=lang))
    assert a.problems == (), [(p.stage, p.item, p.error) for p in a.problems]
    assert offset_problems(a.to_json(), text) == []


# The reproductions of issue #14 run first every time; random texts find them too, most runs
# (measured with each fix undone: bench/fuzz_analyze.py, in the README's figures).
_REPRODUCTIONS = [
    'Last month he said: "We answer this every election campaign, the answer is no," he said."\n',
    "Last month he said: ``We answer this every election campaign, the answer is no,'' he said.''\n",
    "e\u201cs\u201dt he promise\"",
    "сказал он\n\u2039",
    "\U00018783",
    "\n",
    "x\ud800",
]


def _with_reproductions(test):
    for text in _REPRODUCTIONS:
        test = example(text)(test)
    return test


@settings(max_examples=_EXAMPLES["en"], deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
@_with_reproductions
def test_english_analysis_never_fails(text):
    _check(text, "en")


@settings(max_examples=_EXAMPLES["ru"], deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
@_with_reproductions
def test_russian_analysis_never_fails(text):
    _check(text, "ru")


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("text", ["", " ", "\n", "\n\n\t \u3000", "\u200f\u202e", "\U0001f600", "\U00018783"])
def test_nothing_to_analyse_gives_an_empty_analysis(text, lang):
    a = analyze(Document(text=text, language=lang))
    assert a.problems == () and a.quotes == () and a.claims == () and a.forecasts == ()
