"""The Russian parse's and stages' shortcuts give what the plain computations they replace give:
natasha's morphological analyses with each tag's features worked out once, span normal forms
with each word's inflection cached, the title index behind ``RuReferents.titled``, the
terminator index behind ``Reader.sent_start``, ``RuToken``'s own ``__init__``, and natasha's
taggers run by ``clipfile.lang.ru.forward`` (the very floats slovnet's own code computes)."""
from __future__ import annotations

import dataclasses
import importlib
import json
import os
import pickle
import re
from pathlib import Path

import pytest

pytest.importorskip("natasha")

import clipfile  # noqa: E402
from clipfile.pipeline import STAGES, analyze  # noqa: E402
from clipfile.records import Document  # noqa: E402

ru_parse = importlib.import_module("clipfile.lang.ru.parse")

EXTRA = (
    "Министр финансов Олег Ракитин заявил... Что дальше?! «Бюджет примут», — сказал он.\n"
    "Генерал Игорь Калугин и генерал Пётр Волков прибыли в Казань… Генерал сообщил, что "
    "учения начнутся 2 марта.\n\nПресс-секретарь ООО «Северный поток угля» Анна Гринева "
    "опровергла эти сведения.Губернатор Виктор Лапин?"
)


def _texts() -> list[str]:
    """The shipped Russian sample, a text of sentence ends of every kind, the sample's paragraphs
    each as a text of its own (so that, without ``../shared``, there are still texts of many
    lengths, and several texts to batch together), and the real-news development articles when
    ``../shared`` is beside the project (or at ``CLIPFILE_SHARED``)."""
    folder = Path(clipfile.__file__).parent / "samples"
    sample = (folder / "ru-plotina.txt").read_text(encoding="utf-8")
    texts = [sample, EXTRA, *(p for p in sample.split("\n\n") if p.strip())]
    shared = Path(os.environ.get("CLIPFILE_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
    realnews = shared / "bench" / "realnews" / "ru-dev.jsonl"
    if realnews.exists():
        texts += [json.loads(line)["text"] for line in realnews.read_text(encoding="utf-8").splitlines() if line]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


def test_morph_forms_as_natashas(texts):
    """Every analysis of every word: the normal form, part of speech and features natasha's own
    ``MorphForm`` gives it, each analysis with a features dict of its own."""
    from natasha.morph.vocab import MorphForm

    vocab = ru_parse.models()["vocab"]
    words = {w.lower() for text in texts for w in re.findall(r"\w+", text)}
    assert len(words) > 100
    seen_feats = set()
    for word in sorted(words):
        for form in vocab.parse(word):
            plain = MorphForm.__new__(MorphForm, *form)
            assert (form.normal, form.pos, form.feats) == (plain.normal, plain.pos, plain.feats), word
            assert id(form.feats) not in seen_feats
            seen_feats.add(id(form.feats))


def test_span_normal_forms_as_natashas(texts):
    """Each entity span's normal form as natasha's ``DocSpan.normalize`` gives it, persons,
    places and organisations (whose governed words keep their case)."""
    vocab = ru_parse.models()["vocab"]
    types = set()
    for text in texts:
        with ru_parse.one_blas_thread():
            doc = ru_parse.natasha_doc(text)
        for span in doc.spans:
            ours = ru_parse._span_normal(span)
            span.normalize(vocab)
            assert ours == span.normal, span.text
            types.add(span.type)
    assert types == {"PER", "LOC", "ORG"}


def _titled_by_scan(refs, i):
    """``RuReferents.titled`` as it was: every mention before the token scanned."""
    lemma = refs.tokens[i].lemma
    best, best_pos = None, -1
    for (s, _e, ent) in refs._mentions:
        if s >= refs.tokens[i].start:
            break
        if ent.type not in {"PERSON", "PER"} or s <= best_pos:
            continue
        j = refs.doc.token_at(s)
        if j is None:
            continue
        lo = max(j - 3, refs.doc.sents[refs.tokens[j].sent].first)
        if any(t.lemma == lemma for t in refs.tokens[lo:j]):
            best, best_pos = ent, s
    return best


def test_titled_as_the_scan_of_every_mention(texts):
    from clipfile.lang.ru.referents import _PERSON, RuReferents

    assert _PERSON == {"PERSON", "PER"}
    found = 0
    for text in texts:
        a = analyze(Document(text=text, language="ru"), stages=STAGES[:3])
        refs = RuReferents(a.parsed, list(a.entities), list(a.quotes))
        for t in refs.tokens:
            expected = _titled_by_scan(refs, t.i)
            assert refs.titled(t.i) is expected, (t.text, t.start)
            found += expected is not None
    assert found  # some noun names a person introduced with it


def test_titled_takes_the_first_of_the_mentions_starting_at_one_place():
    from clipfile.lang.ru.referents import RuReferents
    from clipfile.records import Entity, Mention

    text = "Генерал Игорь Калугин прибыл в Казань. Генерал сообщил о начале учений."
    s = text.index("Игорь")
    e = s + len("Игорь Калугин")
    ents = [Entity("e1", "Игорь Калугин прибыл", "ORG", mentions=(Mention(s, e + 7, text[s:e + 7], "ORG"),)),
            Entity("e2", "Игорь Калугин", "PERSON", mentions=(Mention(s, e, text[s:e], "PERSON"),)),
            Entity("e3", "Игорь", "PERSON", mentions=(Mention(s, s + 5, "Игорь", "PERSON"),))]
    refs = RuReferents(ru_parse.parse(text), ents, [])
    noun = next(t for t in refs.tokens if t.text == "Генерал" and t.start > s)
    assert refs.titled(noun.i) is _titled_by_scan(refs, noun.i) is ents[1]


def _sent_start_by_scan(reader, pos):
    """``Reader.sent_start`` as it was: the terminators of the text up to ``pos`` scanned."""
    from clipfile.lang.ru.quotes.reader import _TERMINATOR

    start = 0
    for m in _TERMINATOR.finditer(reader.masked, 0, pos):
        start = m.end()
    while start < pos and reader.text[start].isspace():
        start += 1
    return start


def test_sent_start_as_the_scan_at_every_position(texts):
    from clipfile.lang.ru.quotes.reader import Reader

    for text in texts[:2]:  # the sample and the text of sentence ends of every kind
        reader = Reader(ru_parse.parse(text), [])
        for pos in range(len(text) + 1):
            assert reader.sent_start(pos) == _sent_start_by_scan(reader, pos), pos


def test_tokens_stay_frozen_values():
    make = ru_parse.RuToken
    t = make(1, 2, 3, "слово", "слово", "NOUN", {"Case": "Nom"}, 4, "nsubj", 0)
    assert (t.i, t.start, t.end, t.text, t.lemma, t.pos, t.feats, t.head, t.rel, t.sent) == (
        1, 2, 3, "слово", "слово", "NOUN", {"Case": "Nom"}, 4, "nsubj", 0)
    assert t == make(i=1, start=2, end=3, text="слово", lemma="слово", pos="NOUN", feats={"Case": "Nom"},
                     head=4, rel="nsubj", sent=0)
    assert dataclasses.replace(t, head=-1).head == -1 and t.head == 4
    assert pickle.loads(pickle.dumps(t)) == t
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.head = 5  # type: ignore[misc]
    assert not hasattr(t, "__dict__")
    hashable = make(1, 2, 3, "a", "a", "X", {}, -1, "", 0)
    assert dataclasses.replace(hashable, feats=()) in {dataclasses.replace(hashable, feats=())}


def _sentence_words(text: str) -> list[list[str]]:
    from natasha import Doc

    doc = Doc(text)
    doc.segment(ru_parse.models()["segmenter"])
    return [[t.text for t in sent.tokens] for sent in doc.sents if sent.tokens]


def test_taggers_run_here_compute_slovnets_floats(texts):
    """Morphology, syntax and NER: the scores of every batch natasha makes (eight sentences of
    a text; the whole text for NER, alone and with other texts) are slovnet's to the bit, and the
    entity tagger's decoded tags are slovnet's; so are each word's ids."""
    import numpy as np
    from slovnet.exec.infer import text_words

    m, fast = ru_parse.models(), ru_parse._taggers()
    assert all(fast[k].infer.model is not m[k].infer.model for k in fast)
    batches = 0
    with ru_parse.one_blas_thread():
        for text in texts:
            for name in ("morph", "syntax"):
                ours, theirs = fast[name].infer, m[name].infer
                for inp, mine in zip(theirs.encoder(_sentence_words(text)), ours.encoder(_sentence_words(text))):
                    assert all(np.array_equal(a, b) for a, b in zip(inp, mine))
                    a = theirs.model(inp.word_id, inp.shape_id, inp.pad_mask)
                    b = ours.model(inp.word_id, inp.shape_id, inp.pad_mask)
                    pairs = [(a, b)] if name == "morph" else [(a.head_id, b.head_id), (a.rel_id, b.rel_id)]
                    assert all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in pairs), name
                    batches += 1
        ner, ours_ner = m["ner"].infer, fast["ner"].infer
        for group in ([texts[0]], [texts[1]], texts[:2], texts[2:10]):
            for inp in ner.encoder([text_words(t) for t in group]):
                a = ner.model(inp.word_id, inp.shape_id, inp.pad_mask)
                b = ours_ner.model(inp.word_id, inp.shape_id, inp.pad_mask)
                assert a.dtype == b.dtype and np.array_equal(a, b)
                tags_a = ner.model.head.crf.decode(a, ~inp.pad_mask)
                tags_b = ours_ner.model.head.crf.decode(b, ~inp.pad_mask)
                assert [t.tolist() for t in tags_a] == [t.tolist() for t in tags_b]
                assert all(x.dtype == y.dtype for x, y in zip(tags_a, tags_b))
    assert batches > 10


def test_entities_tagged_from_the_segmenters_words_as_from_the_text(texts):
    from clipfile.lang.ru.forward import ner_markups

    fast = ru_parse._taggers()
    group = [t for t in texts[:9] if t.strip()]
    words = [[t.text for t in ru_parse.models()["segmenter"].tokenize(text)] for text in group]
    with ru_parse.one_blas_thread():
        assert ner_markups(fast["ner"], group, words) == list(ru_parse.models()["ner"].map(group))


def test_tagged_doc_as_natashas_own_pipeline(texts):
    """Every token's part of speech, features, id, head id and relation, the sentences and the
    entity spans: what natasha's own ``Doc`` steps set, each token with a features dict of its own."""
    def fields(doc):
        return ([(t.start, t.stop, t.text, t.id, t.head_id, t.rel, t.pos, t.feats) for t in doc.tokens],
                [(s.start, s.stop, len(s.tokens)) for s in doc.sents],
                [(s.start, s.stop, s.type, s.text, [t.id for t in s.tokens]) for s in doc.spans])

    for text in [*texts, "", "  \n", "Да."]:
        with ru_parse.one_blas_thread():
            ours, natashas = ru_parse._tagged(text), ru_parse.natasha_doc(text)
        assert fields(ours) == fields(natashas)
        assert len({id(t.feats) for t in ours.tokens}) == len(ours.tokens)


def test_parse_reads_what_natashas_own_pipeline_gives(texts):
    """The parse on the taggers run here is the parse of natasha's own ``Doc`` pipeline."""
    def fields(rudoc):
        return ([(t.start, t.end, t.text, t.lemma, t.pos, t.feats, t.head, t.rel, t.sent) for t in rudoc.tokens],
                rudoc.sents, rudoc.spans)

    for text in [*texts, "", "  \n", "Да."]:
        with ru_parse.one_blas_thread():
            natashas = ru_parse._rudoc(text, ru_parse.natasha_doc(text))
        assert fields(ru_parse.parse(text)) == fields(natashas)
