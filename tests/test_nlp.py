"""The shared English pipeline: line breaks end sentences, except in hard-wrapped text; lemmas
are spaCy's own, computed once per word form."""
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


def test_cached_lemmas_are_spacys(nlp):
    """The lemma component in the pipeline gives what spaCy's own pipeline gives, for a word
    seen before as much as for a new one, and leaves a lemma set before it."""
    import importlib.util

    import spacy

    from clipfile.lang.en.parse import _ENGLISH_PACKAGES

    name = next(n for n in _ENGLISH_PACKAGES if importlib.util.find_spec(n) is not None)
    plain = spacy.load(name, exclude=["ner"])
    plain.add_pipe("clipfile_paragraphs", before="parser")
    text = (
        "The ministers were meeting again on Friday, and the meeting ran late.\n"
        "She said the dogs had been barking at the postmen; he says they barked louder.\n"
        "Better roads were promised, the best ones by 2030, officials were told.\n"
    )
    expected = [t.lemma_ for t in plain(text)]
    assert [t.lemma_ for t in nlp(text)] == expected
    assert [t.lemma_ for t in nlp(text)] == expected  # now every lemma comes from the cache
    doc = nlp.make_doc("The dogs barked")
    doc[1].lemma_ = "set-before"
    for pipe_name, proc in nlp.pipeline:
        doc = proc(doc)
    assert doc[1].lemma_ == "set-before"


def test_cached_lemmas_travel_with_the_pipeline(nlp, tmp_path):
    """The lemma component carries spaCy's lemmatizer itself, so a pipeline pickled into a
    fresh process (spaCy's ``nlp.pipe(n_process=2)`` spawns its workers on macOS, and they
    unpickle each component) lemmatizes there as here; it once read a module global that only
    the loading process had set."""
    import os
    import pickle
    import subprocess
    import sys

    text = "The ministers were meeting again; she said the dogs had barked at the postmen."
    expected = [t.lemma_ for t in nlp(text)]
    with nlp.select_pipes(disable=["lemmatizer"]):
        doc = nlp(text)
    assert [t.lemma_ for t in doc] != expected  # words left for the lemmatizer
    packed = tmp_path / "pipe.pickle"
    packed.write_bytes(pickle.dumps((nlp.get_pipe("lemmatizer"), doc)))
    run = subprocess.run(
        [sys.executable, "-c", "import pickle, sys\n"
         "component, doc = pickle.loads(open(sys.argv[1], 'rb').read())\n"
         "print(' '.join(t.lemma_ for t in component(doc)))", str(packed)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.split() == expected
