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


# -- issue #16: what is a forecast, its statement, its holder, its deadline ---------------------
# Each sentence is fictional, written for these tests; entities and quotes come from the English
# extractors, as in `clipfile analyze`.


def analysed(text, published=PUBLISHED):
    from clipfile.lang import get_language

    lang = get_language("en")
    doc = lang.parse(text)
    ents = lang.entities(doc)
    found = forecasts(doc, ents, lang.quotes(doc, ents), lang="en", published=published)
    check_offsets(text, found)
    return found


def one(text, published=PUBLISHED):
    found = analysed(text, published)
    assert len(found) == 1, [f.text for f in found]
    return found[0]


def test_backshifted_would_under_a_report_is_the_reporters_forecast():
    f = one("Mayor Dana Cole said the new bridge would open to traffic in 2027.")
    assert f.text == "the new bridge would open to traffic in 2027"  # the reported content
    assert name(f.forecaster) == "Dana Cole"
    assert f.deadline is not None and f.deadline.value == "2027"


@pytest.mark.parametrize("text", [
    "Ivo Brandt would have won the vote if the rain had stopped.",  # a counterfactual past
    "It would be rash to cut the budget now, Dana Cole said.",       # a judgement
    "I would rather stay in the city.",                              # a wish
    "If I were mayor, I would close the bridge.",                    # a counterfactual present
    "Dana Cole hopes the ferry will run again.",                     # a hope
    "Nobody knows who will replace the governor.",                   # a reported question
    "Civil servants are expected to stay in a post for four years.", # a norm about a kind
    "Pupils who miss classes are more likely to leave school early.",  # a generic comparison
    "With his party's previous pledge to cut taxes already adopted by the government, he has switched tack.",
    "In 1990 he moved to Paris, where he would later meet his wife.",  # a past told forward
])
def test_what_is_not_a_forecast(text):
    assert analysed(text) == []


def test_a_hedged_possibility_of_an_event_is_a_forecast():
    f = one("Up to forty councillors could oppose the harbour plan during Thursday's debate.")
    assert f.forecaster is None and f.probability_term == "could"


@pytest.mark.parametrize("text", [
    "The harbour board is due to publish its report later this week.",
    "Ivo Brandt faces his first budget vote on Monday.",
    "The film is to open in Tallinn in May.",
])
def test_schedules_are_forecasts_in_the_articles_own_voice(text):
    f = one(text)
    assert f.forecaster is None
    assert f.text == text.rstrip(".")


def test_a_commitment_stands_whatever_its_tense_and_its_aside_is_not_part_of_it():
    f = one("Dana Cole pledged to cut the port tax, which has angered the shipowners.")
    assert f.text == "to cut the port tax"
    assert name(f.forecaster) == "Dana Cole"  # the actor announcing her own plan


def test_a_plan_is_its_actors_and_a_reported_past_plan_is_backshifted():
    assert name(one("Dana Cole plans to stand again.").forecaster) == "Dana Cole"
    f = one("Dana Cole said the council was planning to sell the ferry.")
    assert f.text == "the council was planning to sell the ferry" and name(f.forecaster) == "Dana Cole"


def test_a_plan_named_by_a_noun_belongs_to_its_owner():
    f = one("The Green Party outlined their plans to close the coal plant.")
    assert f.text == "their plans to close the coal plant"
    assert name(f.forecaster) == "Green Party"


@pytest.mark.parametrize("text", ["Ivo Brandt is expected to resign.", "Dana Cole is likely to win the vote."])
def test_an_impersonal_expectation_has_no_holder(text):
    assert one(text).forecaster is None


def test_a_concession_is_not_part_of_the_prediction():
    f = one("Dana Cole insisted the ferry would sail, despite the storm warnings.")
    assert f.text == "the ferry would sail" and name(f.forecaster) == "Dana Cole"


@pytest.mark.parametrize("text", [
    "The talks will resume at 1130 GMT.",                                # a clock time
    "It is the first time since 1917 that the river will freeze.",      # anchored in the past
    "The festival, which dates back to 1970, will return next year.",   # governs another verb
    "The minister said the dam would be finished in 2020.",             # before publication
])
def test_deadlines_are_forward_time_expressions_governing_the_prediction(text):
    f = one(text)
    assert f.deadline is None or f.deadline.value not in {"1130", "1917", "1970", "2020"}


def test_clock_times_are_not_years():
    from clipfile.lang.en.timex import find_times

    assert find_times("The film is shown on BBC2 at 2005 GMT.", published=None) == []


def test_a_thing_is_no_forecaster_but_people_described_are():
    assert one("A previous estimate said the port would shrink by 2030.").forecaster is None
    assert name(one("The police said the march would go ahead on Sunday.").forecaster) == "The police"


def test_according_to_is_the_attribution_not_the_prediction():
    f = one("According to councillor Ruth Abernathy, at least four members are likely to vote against the motion.")
    assert f.text == "at least four members are likely to vote against the motion"
    assert name(f.forecaster) == "Ruth Abernathy"


def test_of_two_subjects_the_name_holds_the_forecast():
    f = one("US oil giant Exxon said it did not plan to take part in a new tender.")
    assert name(f.forecaster) == "Exxon"
