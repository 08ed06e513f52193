"""Forecasts on short fictional news text written for these tests."""
from __future__ import annotations

import pytest

from clipfile.analysis.forecasts import forecasts
from clipfile.analysis.markers import KENT
from clipfile.lang.en.parse import english

from _factfix import by_name, make_entities, make_quote

PUBLISHED = "2025-03-01"


@pytest.fixture(scope="module")
def nlp():
    return english()


def check_offsets(text, items):
    for f in items:
        assert text[f.start:f.end] == f.text
        assert text[f.event.start:f.event.end] == f.event.text
        assert f.start <= f.event.start and f.event.end <= f.end
        if f.condition is not None:
            assert text[f.condition.start:f.condition.end] == f.condition.text
        if f.deadline is not None:
            assert text[f.deadline.start:f.deadline.end] == f.deadline.text
        for m in f.markers:
            assert text[m.start:m.end] == m.text


PEOPLE = {"Dana Cole": 1, "Ivo Brandt": 1}


def run(nlp, text, quotes=()):
    doc = nlp(text)
    ents = make_entities(text, PEOPLE)
    qs = [make_quote(text, f"q{i}", content, by_name(ents, who)) for i, (content, who) in enumerate(quotes, 1)]
    found = forecasts(doc, ents, qs, lang="en", published=PUBLISHED)
    check_offsets(text, found)
    return found


def name(ref):
    return ref.name if ref is not None else None


def test_will_with_condition_and_deadline(nlp):
    text = "If the coalition collapses, Governor Ivo Brandt will resign within six months."
    (f,) = run(nlp, text)
    assert f.event.text == "Governor Ivo Brandt will resign within six months"
    assert f.condition.text == "If the coalition collapses"
    assert f.deadline.text == "within six months" and f.deadline.value == "2025-09"
    assert name(f.target) == "Ivo Brandt" and f.forecaster is None
    assert f.probability == KENT["almost certain"][0] and f.probability_term == "will"
    assert {m.kind for m in f.markers} >= {"prediction", "condition", "probability"}


def test_expects_to_with_once_clause(nlp):
    text = "Analyst Dana Cole says she expects Ivo Brandt to dissolve the assembly once the budget vote has failed."
    (f,) = run(nlp, text)
    assert name(f.forecaster) == "Dana Cole" and name(f.target) == "Ivo Brandt"
    assert f.event.text == "Ivo Brandt to dissolve the assembly"
    assert f.condition.text == "once the budget vote has failed"
    assert f.probability_term == "expects" and f.probability == KENT["probable"][0]


def test_is_sure_will(nlp):
    text = "Dana Cole is sure Ivo Brandt will lose the election by 2027."
    (f,) = run(nlp, text)
    assert name(f.forecaster) == "Dana Cole" and name(f.target) == "Ivo Brandt"
    assert f.probability_term == "is sure" and f.probability == 1.0
    assert f.deadline is not None and f.deadline.value == "2027"


def test_going_to_inside_a_quote(nlp):
    text = 'Ivo Brandt spoke first. "He is going to raise taxes by 2026," Dana Cole said.'
    (f,) = run(nlp, text, quotes=[("He is going to raise taxes by 2026,", "Dana Cole")])
    assert f.quote_id == "q1"
    assert name(f.forecaster) == "Dana Cole" and name(f.target) == "Ivo Brandt"
    assert f.event.text == "He is going to raise taxes by 2026"
    assert f.deadline.value == "2026"


def test_plans_to_for_more_years(nlp):
    text = "Dana Cole says Ivo Brandt plans to stay in office for at least ten more years."
    (f,) = run(nlp, text)
    assert name(f.forecaster) == "Dana Cole" and name(f.target) == "Ivo Brandt"
    assert f.event.text == "stay in office for at least ten more years"
    assert f.deadline.text == "for at least ten more years" and f.deadline.value == "2035"
    assert f.probability_term == "plans to"


def test_could_with_unless_under_belief(nlp):
    text = "Dana Cole believes Ivo Brandt could call early elections unless the unions back him."
    (f,) = run(nlp, text)
    assert name(f.forecaster) == "Dana Cole" and name(f.target) == "Ivo Brandt"
    assert f.condition.text == "unless the unions back him"
    assert f.probability == KENT["chances about even"][0] and f.probability_term == "could"


def test_when_clause_and_target_through_possessive(nlp):
    text = ('Ivo Brandt cut the school budget. "When voters see the empty classrooms, this will '
            'end his career," Dana Cole said.')
    (f,) = run(nlp, text, quotes=[("When voters see the empty classrooms, this will end his career,", "Dana Cole")])
    assert f.condition.text == "When voters see the empty classrooms"
    assert f.event.text == "this will end his career"
    assert name(f.target) == "Ivo Brandt" and name(f.forecaster) == "Dana Cole"


def test_hedged_adverb_sets_probability(nlp):
    text = "Ivo Brandt will probably win the vote."
    (f,) = run(nlp, text)
    assert f.probability_term == "probably" and f.probability == KENT["probable"][0]


@pytest.mark.parametrize(
    "text",
    [
        "Will you sign the petition, Ivo Brandt?",              # a request/question
        "Ivo Brandt will often walk to work in summer.",       # habitual
        "Ivo Brandt may be tired after the long session.",     # a hedge, not a forecast
        "Ivo Brandt could have won the vote last year.",       # past possibility
        "In 2019 Ivo Brandt was planning to leave politics.",  # a past intention
        "Ivo Brandt won the vote on Tuesday.",                 # a plain past fact
    ],
)
def test_non_predictive_statements_are_not_forecasts(nlp, text):
    assert run(nlp, text) == []


def test_ids_in_text_order(nlp):
    text = "Ivo Brandt will resign. Dana Cole expects Ivo Brandt to run again in 2030."
    found = run(nlp, text)
    assert [f.id for f in found] == ["f1", "f2"]
    assert found[0].start < found[1].start



def test_seed_article_forecasts(nlp, seed_text):
    quotes_mod = pytest.importorskip("clipfile.lang.en.quotes")
    from clipfile.lang.en.entities import entities

    text = seed_text
    doc = nlp(text)
    ents = entities(doc)
    found = forecasts(doc, ents, quotes_mod.quotes(doc, ents), lang="en", published="2020-09-03")
    check_offsets(text, found)

    def find(fragment):
        hits = [f for f in found if fragment in f.event.text]
        assert hits, f"no forecast with {fragment!r}"
        return hits[0]

    for fragment in ("assassinations", "puppet regime", "ten more years", "rigging elections"):
        f = find(fragment)
        assert f.forecaster is not None and "Kalugin" in f.forecaster.name, fragment
        assert f.target is not None and "Putin" in f.target.name, fragment
    assert find("ten more years").deadline is not None
