"""The shared English pipeline: line breaks end sentences, except in hard-wrapped text; lemmas
are spaCy's own, computed once per word form;
the attribute ruler's rules are its own, looked up once per kind of token."""
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


def _attribute_pairs(nlp, text):
    """``text`` parsed up to the attribute ruler, then given to spaCy's own ruler and to the
    pipeline's (each on a copy): the two documents, with a fresh component (its rules worked
    out as it goes) and the pipeline's (most of them from its cache)."""
    from clipfile.lang.en.parse import _Attributes

    ours = nlp.get_pipe("attribute_ruler")
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "attribute_ruler":
            break
        doc = proc(doc)
    return ours.ruler(doc.copy()), [_Attributes(ours.ruler)(doc.copy()), ours(doc.copy())]


def _token_attributes(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def _same_attributes(nlp, text):
    stock, mine = _attribute_pairs(nlp, text)
    for doc in mine:
        assert _token_attributes(doc) == _token_attributes(stock)


def test_attribute_rules_are_spacys_ruler(nlp):
    """The attribute component in the pipeline sets every token's tag, part of speech,
    morphology, lemma and dependency as spaCy's attribute ruler does -- on the shipped samples,
    the test data and text with each of the ruler's patterns of two tokens (gonna, gotta, let's,
    c'mon, y'all, ain't, there is), at the start, the end and across a line break."""
    from pathlib import Path

    from clipfile.lang.en.parse import _Attributes

    assert isinstance(nlp.get_pipe("attribute_ruler"), _Attributes)
    assert nlp.get_pipe("attribute_ruler").exact  # the model's ruler is one it can stand in for
    root = Path(__file__).resolve().parents[1]
    files = sorted(p for folder in (root / "src" / "clipfile" / "samples", root / "tests" / "data")
                   for p in folder.rglob("*") if p.is_file())
    assert len(files) > 10
    for path in files:
        _same_attributes(nlp, path.read_bytes().decode("utf-8", errors="replace"))
    text = ("Gonna say it: we're gon na win, y'all. Y all know it ain't over, and I ain't "
            "leaving.\nLet's go, c'mon! We gotta go; got ta run.\nThere is hope, there's more; "
            "there were dogs and there are cats.  \n\nAin't nobody y'\nall LET 'S gotta")
    stock, _mine = _attribute_pairs(nlp, text)
    lemmas = {t.lower_: t.lemma_ for t in stock}
    assert lemmas["gon"] == "go" and lemmas["ai"] == "be" and lemmas["c'm"] == "come"  # rules of two tokens
    _same_attributes(nlp, text)
    for text in ("", " ", "\n\n", "gon", "na", "Ain't"):  # no token, one, a pattern cut short
        _same_attributes(nlp, text)


_PHRASES = [
    "gon", "na", "got", "ta", "let", "'s", "c'm", "on", "y'", "y", "all", "ai", "n't", "nt",
    "there", "is", "are", "was", "were", "'re", "it", "The minister", "said", "he", "she",
    "told reporters", "would", "could", "not", "doing", "better", "best", "1,200", "3.5%",
    "U.S.", "Ms. Ruiz", "(", ")", "\"", "'", ",", ".", "?", "!", "-", "--", "\u2014", "...",
]


def test_attribute_rules_are_spacys_ruler_on_varied_text(nlp):
    """The same on generated text: words of the ruler's patterns in any case, order and
    spacing, among news words, marks and line breaks."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    word = st.tuples(st.sampled_from(_PHRASES), st.sampled_from([str, str.upper, str.title])).map(
        lambda pair: pair[1](pair[0]))
    spaced = st.tuples(word, st.sampled_from(["", " ", " ", " ", "  ", "\n", "\n\n", "\t"])).map("".join)

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(spaced, min_size=1, max_size=30).map("".join))
    def check(text):
        _same_attributes(nlp, text)

    check()


def test_attribute_rules_travel_with_the_pipeline(nlp):
    """The attribute component pickles (spaCy's ``nlp.pipe(n_process=...)`` sends each
    component to its workers) and sets the same there."""
    import pickle

    text = "Y'all gonna see: there is a way, and it ain't over. Let's go."
    stock, _mine = _attribute_pairs(nlp, text)
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "attribute_ruler":
            break
        doc = proc(doc)
    component, doc = pickle.loads(pickle.dumps((nlp.get_pipe("attribute_ruler"), doc)))
    assert _token_attributes(component(doc)) == _token_attributes(stock)
