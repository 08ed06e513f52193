"""Events: dated clauses with participants, on short fictional news text."""
from __future__ import annotations

import pytest

from clipfile.analysis.events import events
from clipfile.records import Entity, Mention


@pytest.fixture(scope="module")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def _entities(doc) -> list[Entity]:
    """Entities straight from the tagger (one per distinct name), so these tests do not depend
    on the clustering stage."""
    by_name: dict[str, list[Mention]] = {}
    labels: dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"):
            continue
        by_name.setdefault(ent.text, []).append(Mention(ent.start_char, ent.end_char, ent.text, ent.label_))
        labels.setdefault(ent.text, ent.label_)
    return [Entity(id=f"e{i}", name=name, type=labels[name], mentions=tuple(ms))
            for i, (name, ms) in enumerate(by_name.items(), 1)]


def run(nlp, text: str, published: str | None = "2021-06-01"):
    doc = nlp(text)
    found = events(doc, _entities(doc), lang="en", published=published)
    for e in found:
        assert text[e.start:e.end] == e.text
        assert e.start <= e.date.start and e.date.end <= e.end
    return found


def test_dated_event_with_participants(nlp):
    text = "The mining company Orvex closed its smelter in Tarnow in 2006, the union said."
    (ev,) = run(nlp, text)
    assert ev.id == "v1"
    assert ev.date.value == "2006" and ev.date.precision == "year"
    assert "closed its smelter in Tarnow in 2006" in ev.text
    names = {p.name for p in ev.participants}
    assert {"Orvex", "Tarnow"} <= names
    assert all(p.entity_id for p in ev.participants)


def test_day_date_and_relative_clause_antecedent(nlp):
    text = ("Investigators interviewed Maria Kowalska, who was detained in Gdansk on 14 March 2019. "
            "She was released the next day.")
    found = run(nlp, text)
    first = found[0]
    assert first.date.value == "2019-03-14" and first.date.precision == "day"
    assert first.text.startswith("Maria Kowalska")
    assert "Maria Kowalska" in {p.name for p in first.participants}
    assert found[1].date.value == "2019-03-15"


def test_future_and_present_are_not_events(nlp):
    text = ("The minister will visit Lagos in 2027. The council plans to rebuild the bridge by 2025. "
            "These days the old harbour is quiet. The mayor could resign next year.")
    assert run(nlp, text) == []


def test_copula_state_is_not_an_event(nlp):
    assert run(nlp, "The square was as crowded now as it was years ago.") == []


def test_two_events_in_order_with_ids(nlp):
    text = ("The factory in Lodz opened in 1978. The owners sold it to a German group in 2006. "
            "Workers went on strike last week.")
    found = run(nlp, text)
    assert [e.id for e in found] == ["v1", "v2", "v3"]
    assert [e.date.value for e in found] == ["1978", "2006", "2021-W21"]


def test_one_event_per_clause_keeps_precise_date(nlp):
    text = "The ship sank in May 2010, on 12 May 2010 to be exact."
    found = run(nlp, text)
    assert len({(e.start, e.end) for e in found}) == len(found)



def test_seed_events(nlp, seed_text):
    text = seed_text
    found = run(nlp, text, published=None)
    values = {e.date.value for e in found}
    assert {"1978", "2006", "2020-08-20"} <= values
