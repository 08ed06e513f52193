"""Russian forecasts: each form, conditions, deadlines, probability terms, exclusions.

Sentences are fictional, written for these tests.
"""
from __future__ import annotations

import functools

import pytest

pytest.importorskip("natasha")

from clipfile.analysis.forecasts import forecasts  # noqa: E402
from clipfile.lang.ru.entities import entities  # noqa: E402
from clipfile.lang.ru.forecasts import deadline_spans  # noqa: E402
from clipfile.lang.ru.parse import parse  # noqa: E402
from clipfile.lang.ru.quotes import quotes  # noqa: E402

PUB = "2021-03-10"


@functools.lru_cache(maxsize=None)
def run(text: str):
    doc = parse(text)
    ents = entities(doc)
    out = forecasts(doc, ents, quotes(doc, ents), lang="ru", published=PUB)
    for f in out:
        assert text[f.start:f.end] == f.text
        assert text[f.event.start:f.event.end] == f.event.text
        for part in (f.condition, f.deadline, *f.markers):
            if part is not None:
                assert text[part.start:part.end] == part.text
        assert 0.0 <= f.probability <= 1.0
    return out


def only(text: str):
    found = run(text)
    assert len(found) == 1, found
    return found[0]


def test_future_auxiliary_in_indirect_speech_with_span_deadline():
    f = only("Генерал Олег Зимин заявил, что Сергей Орлов будет цепляться за власть ещё на десять лет.")
    assert f.forecaster.name == "Олег Зимин"
    assert f.target.name == "Сергей Орлов"
    assert f.event.text.startswith("Сергей Орлов будет цепляться")
    assert f.deadline.text == "ещё на десять лет" and f.deadline.value == "2031"
    assert f.probability == pytest.approx(0.93) and f.probability_term == "будет"


def test_perfective_future_in_a_direct_quote_with_condition():
    text = "«Если Запад не вмешается, Сергей Орлов останется у власти до 2030 года», — сказал Олег Зимин."
    f = only(text)
    assert f.forecaster.name == "Олег Зимин"
    assert f.target.name == "Сергей Орлов"
    assert f.condition.text == "Если Запад не вмешается"
    assert "Если Запад" not in f.event.text
    assert f.deadline.value == "2030"
    assert any(m.kind == "condition" and m.text == "Если" for m in f.markers)


def test_expectation_with_deadline_year():
    f = only("Олег Зимин ожидает, что Сергей Орлов покинет пост к 2027 году.")
    assert f.forecaster.name == "Олег Зимин"
    assert f.target.name == "Сергей Орлов"
    assert f.deadline.text == "к 2027 году" and f.deadline.value == "2027"
    assert f.probability == pytest.approx(0.75)
    assert any(m.kind == "prediction" and m.text == "ожидает" for m in f.markers)


@pytest.mark.parametrize("verb", ["намерен", "собирается"])
def test_intention(verb):
    f = only(f"Министр Сергей Орлов {verb} уйти в отставку до конца года.")
    assert f.target.name == "Сергей Орлов"
    assert f.forecaster is None  # the author's narration
    assert f.event.text == "уйти в отставку до конца года"
    assert f.deadline.text == "до конца года" and f.deadline.value == "2021"
    assert f.probability == pytest.approx(0.75) and f.probability_term == verb


def test_within_two_years():
    f = only("Компания «Полярный ветер» намерена построить завод в течение двух лет.")
    assert f.deadline.text == "в течение двух лет" and f.deadline.value == "2023"


def test_sure_that_will_is_certain():
    f = only("Олег Зимин уверен, что Сергей Орлов будет фальсифицировать выборы.")
    assert f.forecaster.name == "Олег Зимин"
    assert f.target.name == "Сергей Орлов"
    assert f.probability == pytest.approx(1.0) and f.probability_term == "уверен"


@pytest.mark.parametrize(
    "text, term, p",
    [
        ("Вероятно, Сергей Орлов проиграет выборы.", "Вероятно", 0.75),
        ("Не исключено, что Сергей Орлов проиграет выборы.", "Не исключено", 0.5),
        ("Сергей Орлов, скорее всего, проиграет выборы.", "скорее всего", 0.75),
    ],
)
def test_adverbs_and_attitudes_set_the_probability(text, term, p):
    f = only(text)
    assert f.probability_term == term
    assert f.probability == pytest.approx(p)
    assert not f.event.text.startswith(("Вероятно", "Не исключено"))


@pytest.mark.parametrize(
    "text, subordinator, condition",
    [
        ("Как только санкции снимут, цены на бензин упадут.", "Как только", "Как только санкции снимут"),
        ("Когда Сергей Орлов уйдёт, ведомство возглавит Анна Белова.", "Когда", "Когда Сергей Орлов уйдёт"),
        ("Сергей Орлов может потерять пост, если не выполнит план.", "если", "если не выполнит план"),
    ],
)
def test_condition_clauses(text, subordinator, condition):
    f = only(text)
    assert f.condition.text == condition
    assert any(m.kind == "condition" and m.text == subordinator for m in f.markers)
    assert condition not in f.event.text


def test_not_forecasts():
    assert run("Сергей Орлов может ошибаться.") == []  # a hedge, not a forecast
    assert run("В прошлом году Сергей Орлов собирался уйти.") == []  # a past intention
    assert run("Когда Сергей Орлов уйдёт в отставку?") == []  # a question
    assert run("Сергей Орлов ушёл в отставку в понедельник.") == []


def test_deadline_spans_resolve_to_their_end():
    text = "до конца следующего года; ещё как минимум на пять лет; в ближайшие два года"
    spans = deadline_spans(text, published=PUB)
    assert [(t.text, t.value) for t in spans] == [
        ("до конца следующего года", "2022"),
        ("ещё как минимум на пять лет", "2026"),
        ("в ближайшие два года", "2023"),
    ]
    for t in spans:
        assert text[t.start:t.end] == t.text
