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
    assert f.forecaster.name == "Сергей Орлов"  # the actor announcing its own plan
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


# -- issue #16: what is a forecast, its statement, its holder, its deadline ---------------------


def test_a_plan_named_by_a_noun_with_its_deadline():
    f = only("Представители компании «Северный порт» заявили о планах построить новый терминал в 2027 году.")
    assert f.text == "планах построить новый терминал в 2027 году"
    assert f.forecaster.name.startswith("Представители компании")
    assert f.deadline.value == "2027"


def test_a_plan_belongs_to_its_owner_and_a_concession_is_not_part_of_the_other_forecast():
    found = run("Правительство не намерено повышать налоги, несмотря на планы министерства закупить новые суда.")
    assert [(f.text, f.forecaster.name) for f in found] == [
        ("Правительство не намерено повышать налоги", "Правительство"),
        ("планы министерства закупить новые суда", "министерства"),
    ]


@pytest.mark.parametrize("text", [
    "Пусть победит сильнейший!",                               # a wish
    "Отметим, что порт работает круглосуточно.",               # the author's own remark
    "Мэр раскритиковал решения, которые ухудшат положение рыбаков.",  # a kind of thing
    "Министр не может комментировать сделку.",                 # cannot
    "Мэр Олег Зимин выразил надежду, что паром начнёт ходить летом.",  # a hope
    "Неизвестно, кто станет новым мэром.",                     # a question
    "27 марта 2013 года банк покупает порт в Мурманске.",      # a historical present
])
def test_what_is_not_a_forecast(text):
    assert run(text) == []


def test_a_relative_clause_on_a_name_predicts_something_of_that_person():
    f = only("Олег Зимин, который возглавит комиссию, выступил на заседании.")
    assert f.text == "который возглавит комиссию" and f.forecaster is None


def test_a_present_fixed_by_a_date_ahead_is_a_schedule():
    f = only("Фестиваль стартует 20 марта в Казани.")
    assert f.text == "Фестиваль стартует 20 марта в Казани"
    assert f.deadline.value == "2021-03-20"


def test_a_perfective_verb_the_tagger_reads_as_present_is_a_future():
    f = only("«Мы позаботимся о наших вкладчиках», — сказал Олег Зимин.")
    assert f.text == "Мы позаботимся о наших вкладчиках"  # without the author's words
    assert f.forecaster.name == "Олег Зимин"


def test_smozhet_is_a_future_not_a_hedge():
    assert only("Компания сможет продавать билеты через интернет.").probability_term == "сможет"


def test_deadlines_govern_the_prediction_point_ahead_and_take_the_texts_year():
    assert only("Впервые с 1917 года выборы пройдут в ноябре 2026 года.").deadline.value == "2026-11"
    assert only("Впервые с 1917 года выборы пройдут в этом городе.").deadline is None
    first, second = run("Турнир пройдёт в 2026 году. Финал состоится 29 января.")
    assert first.deadline.value == "2026" and second.deadline.value == "2026-01-29"


def test_a_statement_does_not_run_over_a_blank_line():
    found = run("Банк купит порт\n\nБанк «Северный» купил порт в Мурманске за два миллиарда рублей.")
    assert [f.text for f in found] == ["Банк купит порт"]


def test_a_thing_is_no_forecaster_but_people_described_are():
    assert only("Доклад предупреждает, что цены вырастут.").forecaster is None
    assert only("Эксперты считают, что цены вырастут.").forecaster.name == "Эксперты"


def test_po_slovam_is_the_attribution_not_the_prediction():
    f = only("По словам министра Олега Зимина, налоги вырастут в 2026 году.")
    assert f.text == "налоги вырастут в 2026 году" and f.deadline.value == "2026"
