"""natasha's models as Clipfile loads them (clipfile.lang.ru.models) tag exactly as natasha's
own constructors do, while building the shared vocabulary once and no similarity tables."""
from __future__ import annotations

import pytest

pytest.importorskip("natasha")

from natasha import Doc, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter  # noqa: E402

from clipfile.lang.ru.models import embedding, load  # noqa: E402

TEXTS = [
    "Губернатор Заречной области Виктор Лапин заявил во вторник, что мост через Вязьму "
    "откроют не раньше осени. «Подрядчик сорвал сроки», — добавил он.",
    "По словам пресс-секретаря компании «Северный поток угля» Анны Гриневой, переговоры "
    "с банком «Восход» продолжатся в Казани 14 марта 2027 года.",
    "Депутаты Госдумы отклонили законопроект о налоге на роскошь; министр финансов "
    "Олег Ракитин назвал решение ошибкой и пообещал внести новый вариант.",
    "   ",
    "В Новосибирске, Томске и Омске синоптики ждут морозов до −35 °C.",
]


def _markup(models: dict, text: str) -> tuple[list, list]:
    doc = Doc(text)
    doc.segment(models["segmenter"])
    doc.sents = [s for s in doc.sents if s.tokens]
    doc.tag_morph(models["morph"])
    doc.parse_syntax(models["syntax"])
    doc.tag_ner(models["ner"])
    tokens = [(t.start, t.stop, t.pos, t.feats, t.head_id, t.rel) for t in doc.tokens]
    return tokens, [(s.start, s.stop, s.type) for s in doc.spans]


@pytest.fixture(scope="module")
def both() -> tuple[dict, dict]:
    emb = NewsEmbedding()
    natasha = {"segmenter": Segmenter(), "morph": NewsMorphTagger(emb),
               "syntax": NewsSyntaxParser(emb), "ner": NewsNERTagger(emb)}
    return natasha, load()


def test_same_tags_parse_and_entities_as_natashas_constructors(both):
    natasha, ours = both
    for text in TEXTS:
        assert _markup(ours, text) == _markup(natasha, text)
    # the texts exercise all three models: a person, a place, an organisation, a parse
    tokens, spans = _markup(ours, " ".join(TEXTS))
    assert {"PER", "LOC", "ORG"} <= {s[2] for s in spans}
    assert any(t[5] == "nsubj" for t in tokens)


def test_one_vocabulary_for_the_three_packs_and_no_similarity_tables(both):
    _natasha, ours = both
    encoders = [ours[name].infer.encoder for name in ("morph", "syntax", "ner")]
    assert len({id(e.words_vocab) for e in encoders}) == 1
    assert len(encoders[0].words_vocab.items) > 100_000
    pq = ours["morph"].infer.model.emb.word
    assert pq.indexes.array.shape[0] == len(encoders[0].words_vocab.items)


def test_the_embedding_holds_what_taggers_inject_and_no_similarity_tables():
    from natasha.data import NEWS_EMBEDDING

    emb = embedding(NEWS_EMBEDDING)
    full = NewsEmbedding()
    assert emb.meta.id == full.meta.id
    assert (emb.pq.indexes == full.pq.indexes).all() and (emb.pq.codes == full.pq.codes).all()
    assert emb.vocab is None and not hasattr(emb.pq, "ab")


# ---- what the parse wrapper and the stages keep instead of recomputing -------------------

def _doc(text: str):
    from clipfile.lang.ru.parse import RuDoc, RuToken

    toks, pos = [], 0
    for word in text.split():
        start = text.index(word, pos)
        pos = start + len(word)
        toks.append(RuToken(len(toks), start, pos, word, word.lower(), "X", {}, -1, "", 0))
    # "Мэр открыл мост": the verb heads both nouns
    toks = [t if t.i == 1 else RuToken(t.i, t.start, t.end, t.text, t.lemma, t.pos, t.feats, 1, "dep", 0)
            for t in toks]
    return RuDoc(text=text, tokens=toks, sents=[], spans=[])


def test_token_at_finds_the_covering_or_next_token():
    doc = _doc("Мэр  открыл мост")
    assert [doc.token_at(k) for k in (0, 2, 3, 4, 5, 11, 12, 15)] == [0, 0, 1, 1, 1, 2, 2, 2]
    assert doc.token_at(16) is None and doc.token_at(100) is None


def test_children_in_text_order_and_none_for_a_leaf():
    doc = _doc("Мэр открыл мост")
    assert [t.text for t in doc.children(1)] == ["Мэр", "мост"]
    assert doc.children(0) == [] and doc.children(2) == []
    assert doc.subtree(1) == [0, 1, 2]


def test_markers_found_again_are_the_same_at_each_offset_and_for_each_kind_filter():
    from clipfile.analysis.markers import find_markers
    from clipfile.lang.ru.markers import LEXICON

    text = "По неподтверждённым данным, министр, возможно, уйдёт в отставку."
    first = find_markers(text, LEXICON)
    assert first and find_markers(text, LEXICON) == first
    shifted = find_markers(text, LEXICON, offset=100)
    assert [(m.start - 100, m.end - 100, m.text, m.kind, c) for m, c in shifted] == \
        [(m.start, m.end, m.text, m.kind, c) for m, c in first]
    kind = first[0][0].kind
    only = find_markers(text, LEXICON, kinds=[kind])
    assert only and all(m.kind == kind for m, _ in only)
    assert find_markers(text, LEXICON, kinds=[]) == []


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_the_embedding_of_a_plain_or_a_compressed_archive(tmp_path, mode):
    """natasha's archive is a plain tar, whose index table is mapped; a compressed one is read."""
    import tarfile

    import numpy as np
    from navec import Navec
    from navec.meta import Meta
    from navec.pq import PQ
    from navec.vocab import Vocab

    rng = np.random.default_rng(7)
    words = ["мост", "река", "город", "вторник", "<unk>", "<pad>"]
    pq = PQ(len(words), 6, 3, 4, rng.integers(0, 4, (len(words), 3)).astype(np.uint8),
            rng.random((3, 4, 2)).astype(np.float32))
    made = Navec(Meta("tiny_test"), Vocab(words, [5, 4, 3, 2, 1, 1]), pq)
    plain = tmp_path / "tiny.tar"
    made.dump(str(plain))
    path = plain
    if mode == "w:gz":
        path = tmp_path / "tiny.tar.gz"
        with tarfile.open(plain) as src, tarfile.open(path, mode) as dst:
            for member in src.getmembers():
                dst.addfile(member, src.extractfile(member))
    full, ours = Navec.load(str(path)), embedding(str(path))
    assert ours.meta.id == "tiny_test"
    assert (ours.pq.indexes == full.pq.indexes).all() and (ours.pq.codes == full.pq.codes).all()
    assert ours.pq.indexes.shape == (len(words), 3) and ours.pq.codes.shape == (3, 4, 2)


def test_natasha_runs_on_one_blas_thread_and_the_process_keeps_its_threads():
    """OpenBLAS's spare threads spin after each of natasha's small multiplications; the parse
    runs natasha on one thread, and numpy outside the parse keeps the threads it had."""
    from threadpoolctl import threadpool_info

    from clipfile.lang.ru.parse import one_blas_thread

    def blas_threads() -> set[int]:
        return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}

    before = blas_threads()
    assert before, "numpy's BLAS is loaded (natasha multiplies with it)"
    with one_blas_thread():
        assert blas_threads() == {1}
    assert blas_threads() == before


def test_name_parts_are_found_when_asked_for_not_with_the_parse():
    """No stage reads a person's name parts: the parse leaves natasha's name grammar unloaded,
    and a span still gives its parts on demand."""
    import importlib

    ru_parse = importlib.import_module("clipfile.lang.ru.parse")
    ru_parse._names.cache_clear()
    ru_parse._name_parts.cache_clear()
    doc = ru_parse.parse("Губернатор Виктор Лапин заявил, что мост через Вязьму откроют осенью.")
    assert ru_parse._names.cache_info().currsize == 0
    person = next(s for s in doc.spans if s.type == "PER")
    assert person.normal == "Виктор Лапин"
    assert person.parts == {"first": "Виктор", "last": "Лапин"}
    place = next(s for s in doc.spans if s.type == "LOC")
    assert place.parts == {}


def test_the_parse_keeps_the_whole_text_and_each_token_its_word():
    from clipfile.lang.ru.parse import parse

    text = "Министр Иван Петров заявил, что мост откроют в среду."
    doc = parse(text)
    assert doc.text == text
    assert [t.text for t in doc.tokens][:4] == ["Министр", "Иван", "Петров", "заявил"]
    assert all(text[t.start:t.end] == t.text for t in doc.tokens)
    assert doc.sents[-1].end == len(text)


def test_overlapping_blocks_hold_one_thread_until_the_last_leaves():
    """Analyses in threads of one process: an early leaver does not lift the limit under the
    others, and the threads come back when the last one leaves."""
    from threadpoolctl import threadpool_info

    from clipfile.lang.ru.parse import one_blas_thread

    def blas_threads() -> set[int]:
        return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}

    before = blas_threads()
    first, second = one_blas_thread(), one_blas_thread()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert blas_threads() == {1}
    second.__exit__(None, None, None)
    assert blas_threads() == before
