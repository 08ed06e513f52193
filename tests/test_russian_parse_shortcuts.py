"""The Russian parse's shortcuts give what the plain computations they replace give: natasha's
morphological analyses with each tag's features worked out once, span normal forms with each
word's inflection cached, and ``RuToken``'s own ``__init__``."""
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

ru_parse = importlib.import_module("clipfile.lang.ru.parse")

EXTRA = (
    "Министр финансов Олег Ракитин заявил... Что дальше?! «Бюджет примут», — сказал он.\n"
    "Генерал Игорь Калугин и генерал Пётр Волков прибыли в Казань… Генерал сообщил, что "
    "учения начнутся 2 марта.\n\nПресс-секретарь ООО «Северный поток угля» Анна Гринева "
    "опровергла эти сведения.Губернатор Виктор Лапин?"
)


def _texts() -> list[str]:
    """The shipped Russian sample, the real-news development articles when ``../shared`` is
    beside the project (or at ``CLIPFILE_SHARED``), and a text of sentence ends of every kind."""
    folder = Path(clipfile.__file__).parent / "samples"
    texts = [(folder / "ru-plotina.txt").read_text(encoding="utf-8"), EXTRA]
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
