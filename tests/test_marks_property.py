"""Property tests for the quotation-mark parser: any text, however badly marked, gives spans
inside the text and inside one paragraph, never an exception."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clipfile.analysis.marks import MarkStyle, marked_spans
from clipfile.lang.ru.quotes import MARKS as RUSSIAN

_PIECES = st.sampled_from([
    "He said", " ", " ", "\n", "\n\n", "word", "Two words", ",", ".", "?", "'", "\u2018", "\u2019",
    '"', "\u201c", "\u201d", "``", "''", "\u00ab", "\u00bb", "[", "]", "(", ")", "s'", "'90s", "—",
    "\u201e",
])
_MARKS = set("'\"\u2018\u2019\u201c\u201d\u201e\u201f\u00ab\u00bb\uff02`")


@pytest.mark.parametrize("style", [MarkStyle(), RUSSIAN], ids=["shared", "russian"])
@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_spans_stay_inside_text_and_paragraph(style, text):
    spans = marked_spans(text, style)
    for m in spans:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end].strip() == text[m.start:m.end]
        assert "\n" not in text[m.start:m.end]
        for mark in (m.open_mark, m.close_mark):
            if mark is not None:
                assert text[mark] in _MARKS
        if m.open_mark is not None:
            assert m.open_mark < m.start
        if m.close_mark is not None:
            assert m.end <= m.close_mark
    top = [m for m in spans if m.depth == 0]
    for m in spans:
        if m.depth == 1:
            assert any(t.start <= m.start and m.end <= t.end + 1 for t in top)
    # Top-level quotes, marks included, never run over each other: a quote whose opening mark
    # went missing starts no earlier than the mark that closed the quote before it (issue #14:
    # the overlap crashed the English speakers); at most they share that mark.
    outer = sorted(((m.open_mark if m.open_mark is not None else m.start),
                    (m.close_mark + 1 if m.close_mark is not None else m.end)) for m in top)
    for (_a, b), (c, _d) in zip(outer, outer[1:]):
        assert b <= c or (b == c + 1 and text[c] in _MARKS), (text, outer)


def test_a_stray_closing_mark_after_a_quote_in_its_sentence_opens_nothing():
    # Issue #14: the quote recovered for the stray mark ran back from the start of the sentence
    # over the quote before it, and the overlap crashed the English speaker finder.
    text = 'Last month he said: "We answer this, the answer is no," he said."'
    assert [(text[m.start:m.end], m.recovered) for m in marked_spans(text)] == [
        ("We answer this, the answer is no,", False)]
    # In a sentence of its own, a closing mark still recovers the quote it closes ...
    text = '"We answer this," he said. The answer is no."'
    assert [(text[m.start:m.end], m.recovered) for m in marked_spans(text)] == [
        ("We answer this,", False), ("The answer is no.", True)]
    # ... and where the mark is reopened on each sentence, the quotation printed as one
    # paragraph (issue #16), each sentence is a quote of its own, without the marks.
    text = 'She said: "We answer this. "The answer is no."'
    assert [(text[m.start:m.end], m.recovered) for m in marked_spans(text)] == [
        ("We answer this.", True), ("The answer is no.", False)]


def test_a_quotation_reopened_on_each_sentence_is_split_at_each_opening_mark():
    text = ('Ms Vale said: "The pier is safe. "We checked every beam last spring. "Nothing was '
            'found." Her deputy called it "the "best" pier" in town.')
    got = [text[m.start:m.end] for m in marked_spans(text) if m.depth == 0]
    assert got[:3] == ["The pier is safe.", "We checked every beam last spring.", "Nothing was found."]
    # a closing mark right after the stop still closes, and a mark before a lower-case word
    # inside a quotation is no new sentence
    text = 'He said: "It is over." Then: "we go "home" now."'
    assert [text[m.start:m.end] for m in marked_spans(text) if m.depth == 0][0] == "It is over."


def test_a_language_style_nests_double_marks():
    text = "«Он сказал: „Держись“, и ушёл», — вспоминает Иван. Это «Восток «Один»»."
    shared = [(text[m.start:m.end], m.depth) for m in marked_spans(text)]
    russian = [(text[m.start:m.end], m.depth) for m in marked_spans(text, RUSSIAN)]
    assert russian == [("Он сказал: „Держись“, и ушёл", 0), ("Держись", 1),
                       ("Восток «Один»", 0), ("Один", 1)]
    assert ("Он сказал: „Держись“, и ушёл", 0) not in shared  # the shared reading opens at „


_WORDS = st.sampled_from([
    "The minister", "said", "told reporters", "that", "he", "she", "believes", "according to",
    "Ana Ruiz", "Gen. Petrov", "the general", "will", "resign", ",", ".", " ", " ", "\n\n",
    '"', "\u201c", "\u201d", "'", "\u2018", "\u2019", ":", "PARK:", "—", "(", ")", "[", "]",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=40).map(" ".join))
def test_quotes_never_fail_and_point_into_the_text(nlp, text):
    from clipfile.lang.en.entities import entities
    from clipfile.lang.en.quotes import attributions

    doc = nlp(text)
    qs, stances = attributions(doc, entities(doc))
    ids = {q.id for q in [*qs, *stances]}  # a quote may stand inside a stance, and vice versa
    assert len(ids) == len(qs) + len(stances)
    for q in [*qs, *stances]:
        assert text[q.start:q.end] == q.text and q.start < q.end
        if q.cue is not None:
            assert text[q.cue.start:q.cue.end] == q.cue.text
        if q.speaker is not None and q.speaker.start is not None:
            assert 0 <= q.speaker.start < q.speaker.end <= len(text)
        assert q.nested_in is None or q.nested_in in ids
