"""The shared English pipeline: line breaks end sentences, except in hard-wrapped text."""
from __future__ import annotations


def test_headline_without_full_stop_is_its_own_sentence(nlp):
    doc = nlp("Storm closes ferry link\nThe harbour master said sailings would resume on Friday.\n")
    first, second = list(doc.sents)[:2]
    assert first.text.strip() == "Storm closes ferry link"
    assert second.text.startswith("The harbour master said")


def test_hard_wrapped_lines_do_not_break_sentences(nlp):
    text = (
        "The council met on Tuesday evening to discuss the budget for the coming\n"
        "year, and after a long debate about the new library the members agreed\n"
        "to postpone the vote until the auditors had reported on the costs of the\n"
        "renovation, which had already doubled since the plans were first drawn.\n"
        "\n"
        "A second meeting is planned.\n"
    )
    sents = [s.text.strip() for s in nlp(text).sents if s.text.strip()]
    assert sents[0].startswith("The council met") and sents[0].endswith("first drawn.")
    assert sents[1] == "A second meeting is planned."
