"""Russian claim and forecast markers: the lexicon compiles and fires on Russian sentences."""
import re

import pytest

from clipfile.lang.ru.markers import MARKERS_RU, PROBABILITY_SCALE_RU


def kinds_in(text):
    found = set()
    for kind, classes in MARKERS_RU.items():
        for patterns in classes.values():
            alt = "|".join(f"(?:{p})" for p in patterns)
            if re.search(rf"(?<![\w-])(?:{alt})(?![\w-])", text, re.I):
                found.add(kind)
    return found


def category(text):
    for pattern, cat in PROBABILITY_SCALE_RU:
        if re.search(rf"(?<![\w-])(?:{pattern})(?![\w-])", text, re.I):
            return cat
    return None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Министр якобы знал о сделке.", "hearsay"),
        ("Предположительно, пожар начался ночью.", "hedged"),
        ("Не исключено, что выборы перенесут.", "hedged"),
        ("По данным Росстата, цены выросли на 5%.", "evidenced"),
        ("Как стало известно, сделка сорвалась.", "hearsay"),
        ("Пресс-секретарь отрицает эти сведения.", "denied"),
        ("Эти обвинения голословны и не подтверждены.", "unsupported"),
    ],
)
def test_claim_markers(text, kind):
    assert kind in kinds_in(text)


@pytest.mark.parametrize(
    "text, cat",
    [
        ("Цены, вероятно, вырастут.", "probable"),
        ("Компания намерена открыть завод.", "probable"),
        ("Эксперты ожидают, что курс снизится.", "probable"),
        ("Мост будет открыт летом.", "almost certain"),
        ("Не исключено, что встреча сорвётся.", "chances about even"),
        ("Вряд ли решение примут быстро.", "probably not"),
    ],
)
def test_forecast_terms(text, cat):
    assert category(text) == cat


def test_same_shape_as_english():
    from clipfile.analysis.markers import KENT
    from clipfile.lang.en.markers import MARKERS

    assert set(MARKERS_RU) == set(MARKERS)
    for kind, classes in MARKERS_RU.items():
        assert set(classes) <= set(MARKERS[kind])
    assert {c for _p, c in PROBABILITY_SCALE_RU} <= set(KENT)


def _class_by_class(text, lexicon):
    """The markers and probability terms as the engine found them before its one-pass check."""
    from clipfile.analysis import markers

    markers._markers_in.cache_clear()
    lexicon.compiled_any = lexicon.compiled_scale_any = None  # no one-pass check
    try:
        return markers.find_markers(text, lexicon), markers.probability_terms(text, lexicon)
    finally:
        del lexicon.compiled_any, lexicon.compiled_scale_any
        markers._markers_in.cache_clear()


@pytest.mark.parametrize("lang, texts", [
    ("ru", ["Министр якобы знал о сделке, но, вероятно, промолчал.", "Мост откроют в среду.",
            "По данным Росстата, цены, скорее всего, вырастут на 5%.", "", "—", "Почти наверняка"]),
    ("en", ["The minister allegedly knew, and will probably resign.", "The bridge opens on Monday.",
            "According to the census, prices are likely to rise.", "", "It is almost certain."]),
])
def test_one_pass_check_finds_what_the_class_by_class_scan_finds(lang, texts):
    """A stretch without markers is rejected in one pass; one with markers is scanned class by
    class as before: either way the engine finds the same markers and probability terms."""
    from clipfile.analysis.markers import _markers_in, find_markers, probability_terms
    from clipfile.lang import get_language

    lexicon = get_language(lang).lexicon
    assert lexicon.compiled_any is not None and lexicon.compiled_scale_any is not None
    some = 0
    for text in texts:
        _markers_in.cache_clear()
        now = find_markers(text, lexicon), probability_terms(text, lexicon)
        assert now == _class_by_class(text, lexicon)
        some += bool(now[0]) + bool(now[1])
    assert some >= 3  # the texts exercise both the rejection and the scan


def test_fragments_with_a_numbered_back_reference_are_not_joined():
    from clipfile.analysis.markers import Lexicon

    lexicon = Lexicon({"hedged": {"modal": [r"(мо)\1жет", "вероятно"]}}, [("вероятно", "probable")])
    assert lexicon.compiled_any is None and lexicon.compiled_scale_any is not None


@pytest.mark.parametrize("fragment, first", [
    ("думаю", "д"), ("Якобы", "Я"), ("думаю|считаю", None), ("(?:я|мы)\\s+думаю", None),
    ("а?б", None), ("\\d+", None), ("[вк]роде", None),
])
def test_fragments_grouped_by_their_first_letter_only_when_every_match_opens_with_it(fragment, first):
    from clipfile.analysis.markers import _first_literal

    assert _first_literal(fragment) == first


def _samples(lang):
    """The stretches the engine scans in the shipped samples of ``lang`` and, where
    ``../shared`` is beside the project, in the real-news development articles: each
    sentence-sized piece of text (split at sentence ends and line breaks), markup and all."""
    import json
    from pathlib import Path

    import clipfile

    folder = Path(clipfile.__file__).parent / "samples"
    texts = []
    for path in sorted(p for p in folder.iterdir() if p.name.startswith("ru-") == (lang == "ru")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:  # the cp1251 copy of a UTF-8 sample
            continue
    realnews = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "realnews" / f"{lang}-dev.jsonl"
    if realnews.exists():
        texts += [json.loads(line)["text"] for line in realnews.read_text(encoding="utf-8").splitlines() if line]
    return [s for text in texts for s in re.split(r"(?<=[.!?»”\"])\s+|\n+", text) if s.strip()]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_one_pass_check_agrees_with_the_class_by_class_scan_on_every_sample_sentence(lang):
    """Every sentence of the shipped samples and of the real-news articles (news text, with
    and without markers): the same markers and probability terms with the one-pass check as
    without it."""
    from clipfile.analysis.markers import _markers_in, find_markers, probability_terms
    from clipfile.lang import get_language

    lexicon = get_language(lang).lexicon
    stretches = _samples(lang)
    assert len(stretches) > 15
    held = 0
    for text in stretches:
        _markers_in.cache_clear()
        now = find_markers(text, lexicon), probability_terms(text, lexicon)
        assert now == _class_by_class(text, lexicon), text
        held += bool(now[0])
    assert 0 < held < len(stretches)  # both sides of the check are exercised
