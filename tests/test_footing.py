"""Footing from the parse (issue #16, items 1 and 5), English and Russian.

A denial is the denier's ``denied`` footing of the denied content, which nobody asserts; a
footing word counts only where it governs the claim (a negated report verb, an anonymous source
as the subject of the report), not wherever it occurs.  Sentences are fictional news, written
for these tests.
"""
from __future__ import annotations

import functools

import pytest

from clipfile.analysis.claims import claims
from clipfile.pipeline import analyze
from clipfile.records import Document


def _check(text, found):
    for c in found:
        assert text[c.start:c.end] == c.text
        for m in c.markers:
            assert text[m.start:m.end] == m.text


@functools.lru_cache(maxsize=None)
def en_claims(text: str):
    """Claims of an English text with no quotes given: the claim stage's own reading."""
    from clipfile.lang.en.entities import entities
    from clipfile.lang.en.parse import english

    doc = english()(text)
    found = claims(doc, entities(doc), [], lang="en")
    _check(text, found)
    return found


@functools.lru_cache(maxsize=None)
def pipeline_claims(text: str):
    """Claims as ``clipfile analyze`` gives them (quotes found by the quote layer)."""
    found = analyze(Document(text=text)).claims
    _check(text, found)
    return found


def covering(found, fragment):
    return [c for c in found if fragment in c.text]


def statuses(found, fragment):
    return {c.status for c in covering(found, fragment)}


# --- item 1: a denial is the denier's footing of the content -----------------------------

@pytest.mark.parametrize("reader", [en_claims, pipeline_claims])
@pytest.mark.parametrize(
    "text, content, denier",
    [
        ("Harbour minister Petra Vale denied she had sold the ferry licences to her brother.",
         "she had sold the ferry licences to her brother", "Petra Vale"),
        ("The Vostok Shipping Company rejected claims that its captains had dumped oil off the coast.",
         "its captains had dumped oil off the coast", "Vostok Shipping Company"),
        ("Councillor Ivo Brandt did not believe the mayor had hidden the ledgers.",
         "the mayor had hidden the ledgers", "Ivo Brandt"),
        ("Mayor Lena Ostrova denies that she took a bribe from the ferry company.",
         "she took a bribe from the ferry company", "Lena Ostrova"),
    ],
)
def test_denial_is_the_deniers_footing_of_the_content(reader, text, content, denier):
    found = reader(text)
    hits = covering(found, content)
    assert hits, f"no claim on {content!r}: {[c.text for c in found]}"
    assert all(c.status == "denied" for c in hits), [(c.status, c.text) for c in hits]
    c = min(hits, key=lambda c: len(c.text))
    assert c.text == content
    assert c.source is not None and denier in (c.source.name or "")
    assert any(m.kind == "denied" for m in c.markers)
    assert c.certainty < 0.5


def test_content_said_to_be_false_is_denied_by_nobody():
    found = en_claims("The claim that Mayor Lena Ostrova sold the harbour bridge is false.")
    c = covering(found, "Mayor Lena Ostrova sold the harbour bridge")[0]
    assert c.status == "denied" and c.source is None


@pytest.mark.parametrize(
    "text, fragment",
    [
        # Rejecting a proposal is no denial.
        ("The harbour board rejected calls to close the port before the election.", "close the port"),
        # A passive "denied" takes something away; it denies no statement.
        ("The defector Ivo Brandt has been denied asylum status by the court.", "asylum status"),
        # A denial not made: refused, asked for, negated.
        ("Harbour minister Petra Vale refused to deny that she had sold the licences.", "sold the licences"),
        ("Harbour minister Petra Vale did not deny that she had sold the licences.", "sold the licences"),
    ],
)
def test_what_is_not_a_denial(text, fragment):
    assert "denied" not in statuses(en_claims(text), fragment)
    assert "denied" not in statuses(pipeline_claims(text), fragment)


# --- item 5: a footing word counts only where it governs the claim -----------------------

@pytest.mark.parametrize(
    "text, fragment",
    [
        ("The challenges faced by Mayor Lena Ostrova are growing every week.", "challenges faced"),
        ("The contest is between Mayor Lena Ostrova and her deputy Ivo Brandt.", "contest"),
        ("Output estimates for the Brandt shipyard were revised on Monday.", "Output estimates"),
        ("Terror suspects were held at the Ostrova prison for a week.", "Terror suspects"),
        ("Mayor Lena Ostrova, who may run again, closed the harbour bridge on Monday.", "closed the harbour"),
        ("Mayor Lena Ostrova wants the harbour bridge closed as soon as possible.", "as soon as possible"),
        ("Mayor Lena Ostrova courted controversy with her seemingly generous port budget.", "port budget"),
        ("Ivo Brandt believes Mayor Lena Ostrova took the money from the port fund.", "took the money"),
        ("Mayor Lena Ostrova established the harbour museum in 1998.", "harbour museum"),
    ],
)
def test_a_word_that_does_not_govern_the_claim_decides_nothing(text, fragment):
    found = en_claims(text)
    assert covering(found, fragment), [c.text for c in found]
    assert statuses(found, fragment) == {"asserted"}


@pytest.mark.parametrize(
    "text, fragment, status",
    [
        # The anonymous source is the subject of the report, words apart from it.
        ("Sources in the harbour ministry said Mayor Lena Ostrova had resigned.", "had resigned", "hearsay"),
        ("Local newspapers reported that Mayor Lena Ostrova had sold the harbour bridge.", "sold the", "hearsay"),
        ("It is believed that Mayor Lena Ostrova took the money from the port fund.", "took the money", "hedged"),
        ("Mayor Lena Ostrova faces a possible rebellion over the harbour bridge.", "possible rebellion", "hedged"),
        ("Mayor Lena Ostrova may have closed the harbour bridge.", "closed the harbour", "hedged"),
        ("A survey of dock workers shows that Mayor Lena Ostrova lost their support.", "lost their support",
         "evidenced"),
    ],
)
def test_a_word_that_governs_the_claim_decides_its_footing(text, fragment, status):
    assert statuses(en_claims(text), fragment) == {status}


def test_opinion_is_no_footing_but_moves_certainty():
    c = covering(en_claims("Ivo Brandt believes Mayor Lena Ostrova took the money."), "took the money")[0]
    assert c.status == "asserted"
    assert [m.kind for m in c.markers] == ["opinion"]
    assert c.certainty < 0.8


# --- Russian -------------------------------------------------------------------------------

natasha = pytest.importorskip("natasha")


@functools.lru_cache(maxsize=None)
def ru_claims(text: str):
    from clipfile.lang.ru.entities import entities
    from clipfile.lang.ru.parse import parse
    from clipfile.lang.ru.quotes import quotes

    doc = parse(text)
    ents = entities(doc)
    found = claims(doc, ents, quotes(doc, ents), lang="ru")
    _check(text, found)
    return found


@pytest.mark.parametrize(
    "text, content, denier",
    [
        ("Пресс-секретарь Анна Белова отрицает, что Сергей Орлов получал деньги от подрядчика.",
         "Сергей Орлов получал деньги от подрядчика", "Анна Белова"),
        ("Депутат Олег Зимин не верит, что Сергей Орлов получал деньги от подрядчика.",
         "Сергей Орлов получал деньги от подрядчика", "Олег Зимин"),
    ],
)
def test_russian_denial_is_the_deniers_footing_of_the_content(text, content, denier):
    hits = covering(ru_claims(text), content)
    assert hits and all(c.status == "denied" for c in hits)
    c = min(hits, key=lambda c: len(c.text))
    assert c.text == content
    assert c.source is not None and denier in (c.source.name or "")


def test_russian_refused_denial_is_no_denial():
    found = ru_claims("Сергей Орлов отказался опровергнуть, что получал деньги от подрядчика.")
    assert "denied" not in {c.status for c in found}


@pytest.mark.parametrize(
    "text, fragment, status",
    [
        # The anonymous source is the subject, words apart from the report verb.
        ("Источники в правительстве рассказали, что министр Сергей Орлов подал в отставку.",
         "подал в отставку", "hearsay"),
        # A news outlet passing the report on.
        ("Министр Сергей Орлов подал в отставку, пишет газета «Вечерний курьер».", "подал в отставку", "hearsay"),
        ("Как передаёт агентство «Северные новости», министр Сергей Орлов подал в отставку.",
         "подал в отставку", "hearsay"),
        ("Говорят, Сергей Орлов купил виллу в Испании.", "купил виллу", "hearsay"),
        ("Считается, что Сергей Орлов знал о сделке.", "знал о сделке", "hedged"),
        ("Эксперты подтвердили, что Ирину Белову отравили.", "отравили", "evidenced"),
    ],
)
def test_russian_frame_decides_the_footing(text, fragment, status):
    assert statuses(ru_claims(text), fragment) == {status}


@pytest.mark.parametrize(
    "text, fragment",
    [
        # "возможность" is a chance to act, "предполагает" with a noun supposes nothing,
        # "кажется" with a subject is a copula, "считает" with a holder is an opinion, and a
        # person confirming is a report, not data.
        ("Партнерство дает возможность министру Сергею Орлову укрепить связи с регионами.", "укрепить"),
        ("Сделка Сергея Орлова предполагает покупку акций компании.", "покупку"),
        ("Это новое министерство кажется Сергею Орлову огромным.", "огромным"),
        ("Это подтвердил муж актрисы Сергей Сенин.", "подтвердил"),
    ],
)
def test_russian_word_that_does_not_govern_decides_nothing(text, fragment):
    found = ru_claims(text)
    assert covering(found, fragment), [c.text for c in found]
    assert statuses(found, fragment) == {"asserted"}


def test_russian_opinion_with_its_holder_is_no_hedge():
    # The quote layer attributes the view to Орлов; no claim makes it hedged.
    found = ru_claims("Сергей Орлов считает, что его сделка выгодна для региона.")
    assert statuses(found, "выгодна") <= {"asserted"}
    assert statuses(ru_claims("Считается, что сделка Сергея Орлова выгодна для региона."), "выгодна") == {"hedged"}


def test_a_hedge_inside_a_longer_sentence_marks_only_its_clause():
    text = ("Mayor Lena Ostrova said she was ready as the harbour council meets to vote on the "
            "bridge, possibly within weeks.")
    found = en_claims(text)
    clause = [c for c in found if c.text.startswith("the harbour council meets")]
    assert clause and clause[0].status == "hedged"
    assert any(m.text == "possibly" for m in clause[0].markers)
    # The sentence's own statement is not hedged by its clause.
    assert all(c.status == "asserted" for c in found if c.text.startswith("Mayor Lena Ostrova"))


def test_a_condition_is_no_clause_of_its_own():
    found = en_claims("Mayor Lena Ostrova closed the bridge, and if the ferries could sail she would reopen it.")
    assert not any(c.text.startswith("the ferries could") for c in found)


def test_russian_report_of_a_report_is_second_hand():
    text = ("Губернатор Сергей Орлов заявил на закрытом совещании, что бюджет области исчерпан. "
            "Об этом рассказали несколько участников совещания.")
    hits = covering(ru_claims(text), "бюджет области исчерпан")
    assert hits and {c.status for c in hits} == {"hearsay"}
