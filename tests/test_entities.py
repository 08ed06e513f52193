"""Within-document entity clustering on short texts written for these tests."""
from __future__ import annotations

from clipfile.extract.entities import entities, normalize_name

TEXT = (
    "Gen. Marta Quillon addressed the defence committee on Tuesday. "
    "General Quillon said the border was quiet. Quillon's staff later confirmed the figures.\n"
    "Mr. Tobias Renwick, the committee chairman, disagreed. Renwick said the army needed more money. "
    "Quillon replied that it did not."
)


def _by_name(ents, surname):
    return [e for e in ents if e.name.endswith(surname)]


def test_titles_and_surnames_cluster(nlp):
    doc = nlp(TEXT)
    ents = entities(doc)
    quillon = _by_name(ents, "Quillon")
    assert len(quillon) == 1, [e.name for e in ents]
    e = quillon[0]
    assert e.type == "PERSON"
    assert e.name == "Marta Quillon"
    assert len(e.mentions) >= 4
    for m in e.mentions:
        assert TEXT[m.start:m.end] == m.text
    assert any(a.startswith("Gen.") for a in e.aliases)
    renwick = _by_name(ents, "Renwick")
    assert len(renwick) == 1 and renwick[0].name == "Tobias Renwick"
    assert [e.id for e in ents] == [f"e{i}" for i in range(1, len(ents) + 1)]


def test_mislabelled_name_follows_person(nlp):
    text = "Oleg Brandt spoke. Brandt said it was late. Brandt, Ukraine and Poland signed."
    doc = nlp(text)
    assert any(e.label_ != "PERSON" and e.text == "Brandt" for e in doc.ents)  # the tagger's slip
    ents = entities(doc)
    brandt = _by_name(ents, "Brandt")
    assert len(brandt) == 1
    assert brandt[0].type == "PERSON" and len(brandt[0].mentions) == 3
    assert {m.label for m in brandt[0].mentions} == {"PERSON"}


def test_normalize_name():
    assert normalize_name("Gen. Marta  Quillon’s") == "marta quillon"
    assert normalize_name("President Tobias Renwick") == "tobias renwick"
    assert normalize_name("Dr. Ada Lint's") == "ada lint"
    assert normalize_name("the General Quillon") == "quillon"
