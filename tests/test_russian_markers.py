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
