"""Russian claims: each status, frame markers, later sentences reaching earlier claims.

Sentences are fictional, written for these tests.
"""
from __future__ import annotations

import functools

import pytest

pytest.importorskip("natasha")

from clipfile.analysis.claims import claims  # noqa: E402
from clipfile.lang.ru.entities import entities  # noqa: E402
from clipfile.lang.ru.parse import parse  # noqa: E402
from clipfile.lang.ru.quotes import quotes  # noqa: E402


@functools.lru_cache(maxsize=None)
def run(text: str):
    doc = parse(text)
    ents = entities(doc)
    qs = quotes(doc, ents)
    out = claims(doc, ents, qs, lang="ru")
    for c in out:
        assert text[c.start:c.end] == c.text
        for m in c.markers:
            assert text[m.start:m.end] == m.text
        assert 0.0 <= c.certainty <= 1.0
    return out


def only(text: str):
    found = run(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, status, marker",
    [
        ("Министр Сергей Орлов подписал указ о новых пошлинах.", "asserted", None),
        ("Министр Сергей Орлов якобы владеет виллой в Испании.", "hearsay", "якобы"),
        ("Предположительно, Сергей Орлов вылетел в Дубай.", "hedged", "Предположительно"),
        ("Вероятно, Сергей Орлов знал о сделке.", "hedged", "Вероятно"),
        ("Возможно, Сергей Орлов знал о сделке.", "hedged", "Возможно"),
        ("Как утверждается, Сергей Орлов получил крупный откат.", "hearsay", "Как утверждается"),
        ("По сведениям газеты, Сергей Орлов продал акции.", "hearsay", "По сведениям"),
        ("Не исключено, что Сергей Орлов знал о сделке.", "hedged", "Не исключено"),
        ("По данным Росстата, Сергей Орлов завысил расходы ведомства.", "evidenced", "По данным"),
        ("Аудиторы доказали, что Сергей Орлов завысил расходы.", "evidenced", "доказали"),
        ("Эксперты подтвердили, что Ирину Белову отравили.", "evidenced", "подтвердили"),
        ("Пресс-секретарь Анна Белова отрицает, что Сергей Орлов получал деньги.", "denied", "отрицает"),
    ],
)
def test_status_from_markers(text, status, marker):
    c = only(text)
    assert c.status == status
    if marker is None:
        assert c.markers == () and c.certainty == pytest.approx(0.8)
    else:
        assert any(m.text.startswith(marker) for m in c.markers)
        assert c.certainty < 0.8 or status == "evidenced"


def test_hearsay_inside_a_quote_belongs_to_the_speaker():
    text = "«Мне сообщили, что Сергей Орлов получил деньги от подрядчика», — сказал депутат Олег Зимин."
    c = only(text)
    assert c.status == "hearsay"
    assert c.source.name == "Олег Зимин"
    assert c.subject.name == "Сергей Орлов"
    assert c.quote_id is not None


def test_unconfirmed_is_unsupported():
    c = only("Сообщение о том, что Сергей Орлов покинул страну, не подтвердилось.")
    assert c.status == "unsupported"


def test_evidence_frame_outside_the_quote_counts():
    c = only("По данным следствия, Ирина Белова была отравлена в Омске.")
    assert c.status == "evidenced"
    assert c.certainty > 0.8


def test_later_sentence_makes_earlier_claims_unsupported():
    text = (
        "Депутат Олег Зимин заявил, что министр Сергей Орлов тайно владеет виллой в Испании. "
        "По словам Зимина, Орлов переводил деньги в офшоры. "
        "Погода в столице испортилась. "
        "Доказательств этих утверждений Зимин не представил."
    )
    found = run(text)
    by_zimin = [c for c in found if c.source and c.source.name == "Олег Зимин"]
    assert len(by_zimin) == 2
    for c in by_zimin:
        assert c.status == "unsupported"
        m = next(m for m in c.markers if m.kind == "unsupported")
        assert m.start > c.end  # the marker sits in the later sentence
    # The comment is not a claim of its own.
    assert not any("Доказательств" in c.text for c in found)


def test_denial_of_these_reports_reaches_claims_about_the_principal():
    text = (
        "Газета сообщила, что министр Сергей Орлов купил яхту за счёт бюджета. "
        "Пресс-секретарь Орлова Анна Белова опровергла эти сведения."
    )
    c = next(c for c in run(text) if c.subject and c.subject.name == "Сергей Орлов")
    assert c.status == "denied"
    assert any(m.text == "опровергла" for m in c.markers)


def test_questions_forecasts_and_advice_are_not_claims():
    assert run("Знал ли Сергей Орлов о сделке?") == []
    assert run("Сергей Орлов уйдёт в отставку.") == []
    assert run("Сергей Орлов будет баллотироваться в губернаторы.") == []
    assert run("Сергей Орлов должен уйти в отставку.") == []


def test_several_facets_keep_the_weakest_and_all_markers():
    text = (
        "«Мне сообщили, что Сергей Орлов якобы брал взятки», — сказал депутат Олег Зимин. "
        "Эта информация не подтвердилась."
    )
    c = only(text)
    kinds = {m.kind for m in c.markers}
    assert {"hearsay", "unsupported"} <= kinds
    assert {m.text for m in c.markers} >= {"Мне сообщили", "якобы"}
    assert c.status == "unsupported"


def test_the_writers_performative_frame_is_no_part_of_the_claim():
    c = only("Отметим также, что согласно отчётности долг Олега Рябова перед банком составлял "
             "три миллиона рублей.")
    assert c.text.startswith("согласно отчётности") and c.status == "evidenced"
