"""Russian events: dated clauses with participants, and an end-to-end article.

Texts are fictional, written for these tests.
"""
from __future__ import annotations

import functools

import pytest

pytest.importorskip("natasha")

from clipfile.analysis.claims import claims  # noqa: E402
from clipfile.analysis.events import events  # noqa: E402
from clipfile.analysis.forecasts import forecasts  # noqa: E402
from clipfile.lang.ru.entities import entities  # noqa: E402
from clipfile.lang.ru.parse import parse  # noqa: E402
from clipfile.lang.ru.quotes import quotes  # noqa: E402

PUB = "2021-03-10"


@functools.lru_cache(maxsize=None)
def run(text: str, published: str = PUB):
    doc = parse(text)
    out = events(doc, entities(doc), lang="ru", published=published)
    for v in out:
        assert text[v.start:v.end] == v.text
        assert text[v.date.start:v.date.end] == v.date.text
        assert v.date.start >= v.start and v.date.end <= v.end
    return out


def only(text: str):
    found = run(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, when, value, precision, names",
    [
        ("Ирина Белова почувствовала себя плохо 20 августа 2020 года на борту самолёта.",
         "20 августа 2020 года", "2020-08-20", "day", ["Ирина Белова"]),
        ("Олег Зимин поступил на службу в разведку в 1978 году в Ленинграде.",
         "1978 году", "1978", "year", ["Олег Зимин", "Ленинград"]),
        ("На прошлой неделе министр Сергей Орлов подал в отставку.",
         "На прошлой неделе", "2021-W09", "approximate", ["Сергей Орлов"]),
        ("В августе 2019 года Сергей Орлов посетил Казань.",
         "августе 2019 года", "2019-08", "month", ["Сергей Орлов", "Казань"]),
        ("Три года назад Сергей Орлов продал завод.",
         "Три года назад", "2018", "year", ["Сергей Орлов"]),
    ],
)
def test_dated_clause(text, when, value, precision, names):
    v = only(text)
    assert v.date.text == when
    assert v.date.value == value and v.date.precision == precision
    assert [p.name for p in v.participants] == names


def test_later_is_counted_from_the_story_date():
    text = ("Ирина Белова была задержана 20 августа 2020 года.\n\n"
            "Спустя полгода Белова вернулась в Россию.")
    found = run(text)
    assert [v.date.value for v in found] == ["2020-08-20", "2021-02"]
    assert found[1].date.text == "Спустя полгода"
    assert found[1].text.startswith("Спустя полгода Белова вернулась")


def test_participle_keeps_the_noun_it_describes():
    v = only("Олег Зимин, арестованный в 2006 году, умер в Лондоне.")
    assert v.date.value == "2006"
    assert [p.name for p in v.participants] == ["Олег Зимин"]
    assert "Лондоне" not in v.text  # the main clause is another happening, undated


def test_not_events():
    assert run("В 2030 году Сергей Орлов уйдёт на пенсию.") == []  # after publication
    assert run("Сейчас Сергей Орлов работает в министерстве.") == []  # present reference
    assert run("В 2019 году Сергей Орлов мог бы уйти.") == []  # conditional
    assert run("В 1978 году Олег Зимин был молод.") == []  # a state


ARTICLE = (
    "Бывший генерал Олег Зимин заявил, что губернатор Сергей Орлов якобы тайно владеет "
    "виллой в Испании. Зимин также сказал, что Орлов переводил деньги в офшоры.\n\n"
    "Доказательств этих утверждений Зимин не представил. Пресс-секретарь губернатора "
    "Анна Белова опровергла эти сведения.\n\n"
    "Зимин поступил на службу в разведку в 1978 году. 20 августа 2020 года он покинул "
    "страну.\n\n"
    "«Если выборы пройдут честно, Орлов проиграет их», — сказал Зимин. Он уверен, что "
    "Орлов будет удерживать пост ещё на десять лет.\n\n"
    "По данным прокуратуры, Орлов подписал контракт с подрядчиком в 2015 году."
)


def test_article_end_to_end():
    text = ARTICLE
    doc = parse(text)
    ents = entities(doc)
    qs = quotes(doc, ents)
    cl = claims(doc, ents, qs, lang="ru")
    fc = forecasts(doc, ents, qs, lang="ru", published=PUB)
    ev = events(doc, ents, lang="ru", published=PUB)
    for item in [*cl, *fc, *ev]:
        assert text[item.start:item.end] == item.text

    assert [c.id for c in cl] == [f"c{n}" for n in range(1, len(cl) + 1)]
    villa = next(c for c in cl if "виллой" in c.text)
    assert villa.source.name == "Олег Зимин" and villa.subject.name == "Сергей Орлов"
    assert villa.status == "denied"
    offshore = next(c for c in cl if "офшоры" in c.text)
    assert offshore.source.name == "Олег Зимин" and offshore.status == "denied"
    assert {"hearsay", "unsupported", "denied"} <= {m.kind for m in villa.markers}  # якобы: hearsay
    contract = next(c for c in cl if "контракт" in c.text)
    assert contract.status == "evidenced"

    assert len(fc) == 2
    lose, hold = fc
    assert lose.forecaster.name == "Олег Зимин" and lose.target.name == "Сергей Орлов"
    assert lose.condition.text == "Если выборы пройдут честно"
    assert hold.forecaster.name == "Олег Зимин" and hold.target.name == "Сергей Орлов"
    assert hold.probability == pytest.approx(1.0)
    assert hold.deadline.value == "2031"

    dates = [v.date.value for v in ev]
    assert dates == ["1978", "2020-08-20", "2015"]
    assert [p.name for p in ev[1].participants] == ["Олег Зимин"]  # "он" resolved
    assert ev[0].participants[0].name == "Олег Зимин"


def test_cyclic_parse_terminates():
    # natasha parses this sentence into a head cycle with no root; every stage must still end.
    text = "Сообщение о том, что Сергей Орлов покинул страну в 2019 году, не подтвердилось."
    doc = parse(text)
    ents = entities(doc)
    qs = quotes(doc, ents)
    for item in [*claims(doc, ents, qs, lang="ru"), *forecasts(doc, ents, qs, lang="ru", published=PUB),
                 *events(doc, ents, lang="ru", published=PUB)]:
        assert text[item.start:item.end] == item.text
