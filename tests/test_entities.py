"""Within-document entity clustering on short texts written for these tests."""
from __future__ import annotations

from clipfile.analysis.names import normalize_name
from clipfile.lang.en.entities import entities

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


MISSED = (
    "Mayor Ana Ruiz spoke to reporters on Monday.\n\n"
    "\u201cWe will rebuild the bridge,\u201d Ruiz said.\n\n"
    "Lately, she said, she has come to believe that the council was misled."
)


def test_person_the_tagger_missed(nlp):
    doc = nlp(MISSED)
    ents = entities(doc)
    ruiz = _by_name(ents, "Ruiz")
    assert len(ruiz) == 1, [(e.name, e.type) for e in ents]
    assert ruiz[0].type == "PERSON" and ruiz[0].name == "Ana Ruiz"
    assert {m.text for m in ruiz[0].mentions} == {"Mayor Ana Ruiz", "Ruiz"}


def test_title_before_an_institution_is_no_person(nlp):
    text = ("The Justice Department declined to comment. Chief Executive Lena Obi said the "
            "bank would appeal.\n\nMayor Says Bridge Will Open Before Winter")
    names = {e.name for e in entities(nlp(text)) if e.type == "PERSON"}
    assert not names & {"Department", "Executive", "Says Bridge"}, names


def test_missed_person_is_the_speaker_and_the_antecedent(nlp):
    from clipfile.lang.en.quotes import quotes

    doc = nlp(MISSED)
    qs = quotes(doc, entities(doc))
    direct = [q for q in qs if q.kind == "direct"]
    assert direct and direct[0].speaker.name == "Ana Ruiz" and direct[0].speaker.resolution == "named"
    lately = [q for q in qs if q.kind == "indirect" and "come to believe" in q.text]
    assert lately and lately[0].speaker.name == "Ana Ruiz"
    assert lately[0].speaker.resolution == "pronoun"


def test_prefix_forms_and_nationality_adjectives_are_not_names(nlp):
    """``anti-Kemble`` mentions Kemble; ``Scottish voters`` names no entity (issue #16, item 7)."""
    text = ("Senator Arthur Kemble told Scottish voters on Monday that the anti-Kemble campaign "
            "was paid for by Belmoran donors. Kemble said British officials agreed.")
    ents = entities(nlp(text))
    names = [e.name for e in ents]
    assert not any(n[:1].islower() for n in names), names
    assert not {"Scottish", "British"} & set(names), names
    kemble = [e for e in ents if e.name == "Arthur Kemble"]
    assert len(kemble) == 1
    assert any(text[m.start:m.end] == "Kemble" and text[m.start - 5:m.start] == "anti-" for m in kemble[0].mentions)
    for e in ents:
        for m in e.mentions:
            assert text[m.start:m.end] == m.text


def test_canonical_name_is_the_usual_spelling(nlp):
    text = ("Mayor Lena Ostrova opened the bridge. Lena Ostrova said it cost less than planned. "
            "Critics said Lena Osstrova had hidden the bill. Lena Ostrova denied it.")
    ents = entities(nlp(text))
    assert "Lena Ostrova" in [e.name for e in ents]
    assert "Lena Osstrova" not in [e.name for e in ents]


def test_words_the_tagger_took_into_a_name_are_left_out(nlp):
    """A sentence-opening verb or preposition, an article, a possessive's noun and a number are
    no part of a person's name; a person-named institution is an organisation."""
    text = ("Telling Arthur Kemble to resign, Mr. Ostrander - 60 percent in one poll - laughed. "
            "Without Kemble, a White House aide said, the Kemble Foundation would close. "
            "Kemble's Belmora office stayed open, said Charles de Varenne.")
    ents = entities(nlp(text))
    by_name = {e.name: e for e in ents}
    assert "Arthur Kemble" in by_name and by_name["Arthur Kemble"].type == "PERSON"
    assert not any(n.startswith(("Telling", "Without", "a ")) for n in by_name), list(by_name)
    assert not any(ch.isdigit() for n in by_name for ch in n), list(by_name)
    assert all(not (e.type == "PERSON" and e.name.endswith("Foundation")) for e in ents)
    assert all(e.name[:1].isupper() for e in ents if e.type == "PERSON")
    for e in ents:
        for m in e.mentions:
            assert text[m.start:m.end] == m.text
