"""Who said it, in articles about several people (issue #16, items 2 and 6): spokespeople
speak for their principals, pronouns go to the last person who spoke or was the subject and
agree in gender, a person named inside the words attributed is not their speaker, and an
unresolvable pronoun stays unresolved rather than taking a wrong name.  Fictional news
sentences written for these tests."""
from __future__ import annotations

import pytest

from clipfile.lang.en.entities import entities
from clipfile.lang.en.quotes import quotes


@pytest.fixture(scope="module")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def run(nlp, text):
    doc = nlp(text)
    qs = quotes(doc, entities(doc))
    for q in qs:
        assert text[q.start:q.end] == q.text
        s = q.speaker
        if s is not None and s.start is not None:
            assert 0 <= s.start < s.end <= len(text)
    return qs


def quote(qs, fragment):
    hits = [q for q in qs if fragment in q.text]
    assert len(hits) == 1, f"{fragment!r} in {[q.text for q in qs]}"
    return hits[0]


# ----------------------------------------------------------------- item 2: spokespeople
def test_a_spokesman_for_x_named_y_is_y_speaking_for_x(nlp):
    text = "A spokesman for the Harbour Board, Tomas Lind, said the ferry would sail on Monday.\n"
    spk = quote(run(nlp, text), "the ferry would sail").speaker
    assert spk.name == "Tomas Lind" and spk.resolution == "named"
    assert spk.on_behalf_of is not None and spk.on_behalf_of.name == "Harbour Board"
    assert spk.on_behalf_of.entity_id is not None


def test_x_s_spokesman_y_is_y_speaking_for_x(nlp):
    text = "Mayor Ana Ruiz's spokesman Pavel Orlov said the budget was final.\n"
    spk = quote(run(nlp, text), "the budget was final").speaker
    assert spk.name == "Pavel Orlov"
    assert spk.on_behalf_of is not None and spk.on_behalf_of.name == "Ana Ruiz"


def test_a_second_spokesman_is_not_the_first(nlp):
    # "spokesman" describes both men: the name in apposition decides, not the earlier link
    text = (
        "A spokesman for the Harbour Board, Tomas Lind, said the ferry would sail on Monday.\n\n"
        "The port authority's spokesman, Ivo Marek, told reporters the cranes were safe.\n"
    )
    spk = quote(run(nlp, text), "the cranes were safe").speaker
    assert spk.name == "Ivo Marek"
    assert spk.on_behalf_of is not None and spk.on_behalf_of.name.lower().endswith("port authority")


def test_an_unnamed_spokeswoman_is_named_as_written_with_her_principal(nlp):
    text = "Mayor Ana Ruiz opened the quay. A spokeswoman for Mayor Ana Ruiz said the talks had failed.\n"
    spk = quote(run(nlp, text), "the talks had failed").speaker
    assert spk.entity_id is None and spk.name == "A spokeswoman for Mayor Ana Ruiz"
    assert spk.on_behalf_of is not None and spk.on_behalf_of.name == "Ana Ruiz"


def test_a_name_in_apposition_to_a_description_is_the_speaker(nlp):
    text = "One of the bidders, Dutch-based group Norland, said it welcomed the sale.\n"
    spk = quote(run(nlp, text), "it welcomed the sale").speaker
    assert spk.name == "Norland"


# ----------------------------------------------------------------- item 6: pronouns
def test_he_added_after_an_unnamed_spokesman_is_the_spokesman(nlp):
    text = (
        "Prime Minister Lena Varga met the union leaders on Monday.\n\n"
        "A spokesman for the prime minister said the talks had been useful. "
        "\u201cWe expect an agreement by Friday,\u201d he added.\n"
    )
    spk = quote(run(nlp, text), "We expect an agreement").speaker
    assert spk.entity_id is None and spk.name == "A spokesman for the prime minister"
    assert spk.resolution == "pronoun"


def test_a_person_named_inside_the_words_is_not_who_added_them(nlp):
    text = (
        "Councillor Jon Brandt has warned that turnout in the east will be low. "
        "If his voters stay at home, Mayor Ana Ruiz could lose and they could see harbour chief "
        "Olaf Dahl take the mayor's office, he added.\n"
    )
    qs = run(nlp, text)
    added = [q for q in qs if q.cue is not None and q.cue.text == "added"]
    assert added and all(q.speaker.name == "Jon Brandt" for q in added)


def test_the_last_to_speak_is_who_he_means(nlp):
    text = (
        "Jon Aske met Pieter Holm at the quay on Monday. "
        "Mr Holm said the ferry contract would be signed this week. "
        "He confirmed that the price had been agreed.\n"
    )
    spk = quote(run(nlp, text), "the price had been agreed").speaker
    assert spk.name == "Pieter Holm" and spk.resolution == "pronoun"


def test_she_takes_the_woman_a_noun_describes(nlp):
    text = (
        "Pieter Holm runs the ferry company with his wife, Helen. "
        "The firm was founded by his father, Erik Holm, in 1961. "
        "Asked about the winter timetable, she said it would not change.\n"
    )
    spk = quote(run(nlp, text), "it would not change").speaker
    assert spk.name == "Helen"


def test_a_described_subject_is_what_he_refers_to(nlp):
    text = (
        "Mayor Ana Ruiz opened the new harbour wall on Friday.\n\n"
        "Earlier the Archbishop of Ostby wrote to all three parties urging calm. "
        "In an open letter, he said they should talk about the harbour instead.\n"
    )
    spk = quote(run(nlp, text), "they should talk about the harbour").speaker
    assert spk.entity_id is None and spk.name == "the Archbishop of Ostby"


def test_a_pronoun_with_no_person_of_its_gender_stays_unresolved(nlp):
    text = "Mr Jon Aske said the ferry would run on Sunday. \u201cIt will not,\u201d she said.\n"
    spk = quote(run(nlp, text), "It will not").speaker
    assert spk.name is None and spk.entity_id is None
    assert spk.resolution == "unresolved" and spk.confidence <= 0.2


def test_a_later_sentence_reporting_its_own_news_is_not_the_quote_cue(nlp):
    # the quote continues the councillor; Ms Ek's verb reports her own belief
    text = (
        "Councillor Ivo Renn said: \u201cThe harbour board has failed the town. "
        "\u201cIts chairman must go.\u201d "
        "On Sunday, Deputy Mayor Nora Ek told Radio Ostby she believed the chairman would stay.\n"
    )
    spk = quote(run(nlp, text), "Its chairman must go").speaker
    assert spk.name == "Ivo Renn"


# ----------------------------------------------------------------- whose participle, whose cue
def test_adding_after_a_reported_clause_is_the_reporters(nlp):
    text = (
        "Councillor Edda Lunn said the two ministers had a rough ride from the council, "
        "adding: \u201cIt was a meeting like no other.\u201d\n"
    )
    spk = quote(run(nlp, text), "It was a meeting like no other").speaker
    assert spk.name == "Edda Lunn"


def test_a_statement_saying_is_its_issuers(nlp):
    text = "The Harbour Board issued a statement saying the ferry would sail again in May.\n"
    spk = quote(run(nlp, text), "the ferry would sail again").speaker
    assert spk.name == "Harbour Board"


def test_by_saying_is_the_one_who_does_it(nlp):
    text = "Mayor Ana Ruiz is expected to win over the fishermen by saying the quay will stay open.\n"
    spk = quote(run(nlp, text), "the quay will stay open").speaker
    assert spk.name == "Ana Ruiz"


def test_a_name_the_parser_hung_on_the_phrase_before_said_is_the_speaker(nlp):
    text = (
        "In a speech to the harbour council Mr Ivo Renn said of the mayor: "
        "\u201cShe is clever, but she is not wise.\u201d\n"
    )
    spk = quote(run(nlp, text), "She is clever").speaker
    assert spk.name == "Ivo Renn"


# ----------------------------------------------------------------- writings and their authors
def test_a_writing_speaks_for_its_author(nlp):
    text = (
        "The Harbour Audit Office published its findings on Monday.\n\n"
        "The HAO report said the dredging contract had been mismanaged.\n\n"
        "Critics pointed to a new book by journalist Clara Voss. "
        "The new book claims the mayor knew of the losses in 2019.\n"
    )
    qs = run(nlp, text)
    assert quote(qs, "the dredging contract").speaker.name == "Harbour Audit Office"  # HAO = its initials
    assert quote(qs, "the mayor knew of the losses").speaker.name == "Clara Voss"


def test_a_writing_without_author_is_named_without_its_clauses(nlp):
    text = "Most islanders oppose the new bridge, a new poll conducted for the Island Gazette suggests.\n"
    spk = quote(run(nlp, text), "Most islanders oppose").speaker
    assert spk.entity_id is None and spk.name == "a new poll"


def test_quotations_after_a_profile_paragraph_are_its_subjects(nlp):
    # no cue anywhere: the paragraphs read as the profiled person's words, said weakly
    text = (
        "Ingrid Sol in her own words\n\n"
        "Ingrid Sol, who stepped down as harbour master on Friday, built her name on plain talk.\n\n"
        "\u201cI tried for three years to make the new quay work.\u201d\n\n"
        "\u201cI have decided, of my own free will, to ask for an independent review.\u201d\n"
    )
    qs = run(nlp, text)
    for fragment in ("I tried for three years", "I have decided"):
        spk = quote(qs, fragment).speaker
        assert spk.name == "Ingrid Sol" and spk.resolution == "continuation" and spk.confidence <= 0.3


def test_a_name_the_parser_hung_on_the_quotation_is_its_speaker(nlp):
    text = (
        "\u201cWe were wrong not to confront him from the start,\u201d Morales, 58, told the radio "
        "in an interview on Monday.\n"
    )
    spk = quote(run(nlp, text), "We were wrong").speaker
    assert spk is not None and spk.start is not None and text[spk.start:spk.end].startswith("Morales")


def test_verbs_of_manner_of_speaking_are_cues(nlp):
    text = (
        "Senator Ada Quist spoke first. Then the vote came.\n\n"
        "\u201cIf they were serious about the harbour, they would have voted for it,\u201d "
        "Senator Tor Lind fumed on Tuesday.\n"
    )
    q = quote(run(nlp, text), "If they were serious")
    assert q.cue is not None and q.cue.text == "fumed" and q.speaker.name == "Tor Lind"
