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


def test_a_quotation_printed_as_one_paragraph_stays_with_its_speaker(nlp):
    # Issue #16: `"A. "B. "C."` - each reopened sentence is a quote, all the speaker's.
    text = ('Ines Dahl, the harbour master, said the ferry would sail. Ms Dahl said: "The pier is safe. '
            '"We checked every beam and I believe the council will pay for the rest. '
            '"Nobody should worry about Monday."\n')
    qs = run(nlp, text)
    for frag in ("The pier is safe", "We checked every beam", "Nobody should worry"):
        q = quote(qs, frag)
        assert q.kind == "direct" and q.speaker is not None and q.speaker.name == "Ines Dahl", (frag, q)


def test_a_percentage_that_says_something_is_poll_respondents(nlp):
    # Issue #16: "61% said" reports what a share of the people polled said; the source is
    # the respondents, not the number "61".
    text = ('A survey for the Coastal Gazette asked 800 residents about the new harbour. '
            'Some 64% said the harbour would bring jobs, while 21 per cent said it was too costly. '
            '58% of the 800 adults questioned by the pollsters said the council had not listened.\n')
    qs = run(nlp, text)
    for frag in ("the harbour would bring jobs", "it was too costly", "the council had not listened"):
        q = quote(qs, frag)
        assert q.speaker is not None and q.speaker.name == "poll respondents", (frag, q.speaker)
    # a share of a group the text names is that group
    text = "A poll for the Gazette was published on Monday. 67 percent of fishermen said the quay was too small.\n"
    q = quote(run(nlp, text), "the quay was too small")
    assert q.speaker is not None and q.speaker.name == "fishermen", q.speaker


def test_the_second_of_two_coordinated_clauses_has_its_own_subject(nlp):
    # Issue #16: the parser reads "... like schoolboys and the Greens claim P" as one clause
    # and "owns Northfield and the council has said P" as a subject "Northfield and the
    # council"; the source of the second report is the second clause's subject.
    text = ('The unions say the two directors are behaving like squabbling schoolboys and '
            'the Green Party claim personal ambition is blocking the harbour plan.\n\n'
            'Harbourside Holdings now owns Northfield and the Ostby Council has said '
            'it will turn the site into a park.\n')
    qs = run(nlp, text)
    q = quote(qs, "personal ambition is blocking")
    assert q.speaker is not None and q.speaker.name and "Green" in q.speaker.name, q.speaker
    q = quote(qs, "it will turn the site into a park")
    assert q.speaker is not None and q.speaker.name and "Council" in q.speaker.name, q.speaker


def test_a_participle_of_saying_after_an_object_is_the_subjects(nlp):
    # Issue #16: "X dismissed the figures insisting that P" - the parser makes "the figures"
    # the subject of "insisting"; figures insist nothing, X does.
    text = ('Harbour master Tomas Lind also dismissed the figures insisting that the '
            '"typical passenger" has been much better off since the new ferry.\n')
    qs = run(nlp, text)
    q = quote(qs, "has been much better off")
    assert q.speaker is not None and q.speaker.name == "Tomas Lind", q.speaker


def test_a_book_speaks_for_the_one_author_the_text_names(nlp):
    # Issue #16: "despite a new book saying P" before the text says whose book it is
    # ("Harbour Lights, by journalist Ada Quill"): the book is its author's.
    text = ('The mayor insisted the ferry would run, despite a new book saying the service had '
            'lost money for a decade.\n\nThe claims were made in Harbour Lights, by Gazette '
            'journalist Ada Quill, which was published on Monday.\n\n'
            'The new book claims the mayor hid the losses from the council.\n')
    qs = run(nlp, text)
    for frag in ("the service had lost money", "the mayor hid the losses"):
        q = quote(qs, frag)
        assert q.speaker is not None and q.speaker.name == "Ada Quill", (frag, q.speaker)


def test_a_name_before_an_aside_in_dashes_is_the_speaker(nlp):
    # Issue #16: "Mr X - keen to reassure investors - had said P": the aside leaves the parse
    # without a subject for "said"; the name before it is the speaker.
    text = ('The harbour sale was confirmed on Monday. A day earlier, Mr Lindqvist - keen to '
            'calm the fishermen - had said only three old piers would be sold.\n')
    qs = run(nlp, text)
    q = quote(qs, "only three old piers would be sold")
    assert q.speaker is not None and q.speaker.name and "Lindqvist" in q.speaker.name, q.speaker


def test_a_name_before_an_aside_the_parser_lost_is_the_speaker(nlp):
    # The parse the small model gives such a sentence in real news: "said" left as the root
    # without a subject, the name hung on the aside.  Built by hand so the test does not hang
    # on the parser's mood; the rule must find the name before the aside.
    from spacy.tokens import Doc

    from clipfile.lang.en.reported import reports

    words = ["A", "day", "earlier", ",", "Mr", "Lindqvist", "-", "keen", "to", "calm", "the",
             "fishermen", "-", "had", "said", "only", "three", "piers", "would", "be", "sold", "."]
    heads = [1, 2, 14, 14, 5, 7, 7, 3, 9, 3, 11, 9, 14, 14, 14, 16, 17, 20, 20, 20, 14, 14]
    deps = ["det", "npadvmod", "advmod", "punct", "compound", "npadvmod", "punct", "prep", "aux",
            "prep", "det", "dobj", "punct", "aux", "ROOT", "advmod", "nummod", "nsubjpass", "aux",
            "auxpass", "ccomp", "punct"]
    tags = ["DT", "NN", "RBR", ",", "NNP", "NNP", "HYPH", "NNP", "TO", "VB", "DT", "NNS", ",",
            "VBD", "VBN", "RB", "CD", "NNS", "MD", "VB", "VBN", "."]
    pos = ["DET", "NOUN", "ADV", "PUNCT", "PROPN", "PROPN", "PUNCT", "PROPN", "PART", "VERB", "DET",
           "NOUN", "PUNCT", "AUX", "VERB", "ADV", "NUM", "NOUN", "AUX", "AUX", "VERB", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[14], lemmas[13], lemmas[20] = "say", "have", "sell"
    spaces = [True] * len(words)
    spaces[2] = spaces[20] = spaces[21] = False
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags, pos=pos,
              lemmas=lemmas, sent_starts=[True] + [False] * (len(words) - 1))
    reps = [r for r in reports(doc) if doc.text[r.cue_start:r.cue_end] == "said"]
    assert reps and reps[0].source is not None and reps[0].source.text == "Lindqvist"


def test_a_headline_quotes_its_subject_without_a_verb(nlp):
    # Issue #16: BBC-style headlines put the subject's words in single marks after it, or
    # end with a dash and the speaker's name.
    text = ("Lindqvist 'ready to sell' the old piers\n\nHarbour master Tomas Lindqvist says the "
            "old piers could be sold by the summer.\n")
    qs = run(nlp, text)
    q = quote(qs, "ready to sell")
    assert q.kind == "direct" and q.text == "ready to sell"
    assert q.speaker is not None and q.speaker.name == "Tomas Lindqvist"
    text = ("Keep the ferry running - Lindqvist\n\nHarbour master Tomas Lindqvist has urged the "
            "council to keep the night ferry.\n")
    qs = run(nlp, text)
    q = quote(qs, "Keep the ferry running")
    assert q.kind == "indirect" and q.speaker.name == "Tomas Lindqvist"
    # a group in plain words, words with an apostrophe inside
    text = "Fishermen 'can't trust the council'\n\nFour in five fishermen say the council broke its word.\n"
    q = quote(run(nlp, text), "trust the council")
    assert q.kind == "direct" and q.text == "can't trust the council" and q.speaker.name == "Fishermen"
    # a headline's scare quotes after a word that is no subject are not quotes
    text = "Ferry 'crisis' deepens as crews quit\n\nThe harbour lost two more crews on Monday.\n"
    assert not [q for q in run(nlp, text) if "crisis" in q.text]


def test_a_pronoun_is_never_the_person_named_in_the_words_it_reports(nlp):
    # Issue #16: "he insisted he still trusted Mr Lind" - whoever "he" is, not Lind.
    text = ("Tomas Lind faces the council on Monday after a week of talk about his rift "
            "with Piet Sonne.\n\nMeanwhile, the deputy mayor is leaving for a tour of the islands. "
            "But before doing so, he insisted he still trusted Mr Lind.\n")
    qs = run(nlp, text)
    q = quote(qs, "he still trusted Mr Lind")
    assert q.speaker is not None and q.speaker.name != "Tomas Lind", q.speaker


def test_a_quotation_before_a_described_speaker_with_an_aside_stays_direct(nlp):
    # The aside rule must not turn "“…,” Harbour delegate X, wearing a cap, said" into a
    # report whose content runs from the quotation over the speaker's name.
    text = ("Not everyone was pleased.\n\n\u201cWe have had better seasons than this one,\u201d harbour "
            "delegate Piet Sonne, wearing a cap and \u201cSave the Pier\u201d badges, said as the rain "
            "fell around him.\n")
    qs = run(nlp, text)
    q = quote(qs, "better seasons")
    assert q.kind == "direct" and q.text == "We have had better seasons than this one,"


def test_a_name_the_parser_hung_in_the_complement_is_not_taken_for_the_aside_subject(nlp):
    # The parse real news gets for such a sentence, built by hand: the name is an adverbial
    # of the quoted clause; the report of "said" must not reach over the quotation to it.
    from spacy.tokens import Doc

    from clipfile.lang.en.reported import reports

    words = ["\u201c", "We", "had", "better", "seasons", ",", "\u201d", "delegate", "Piet", "Sonne",
             ",", "wearing", "a", "cap", ",", "said", "."]
    heads = [2, 2, 15, 4, 2, 2, 5, 9, 9, 2, 2, 2, 13, 11, 15, 15, 15]
    deps = ["punct", "nsubj", "ccomp", "amod", "dobj", "punct", "punct", "compound", "compound",
            "npadvmod", "punct", "advcl", "det", "dobj", "punct", "ROOT", "punct"]
    tags = ["``", "PRP", "VBD", "JJR", "NNS", ",", "''", "NN", "NNP", "NNP", ",", "VBG", "DT", "NN",
            ",", "VBD", "."]
    pos = ["PUNCT", "PRON", "VERB", "ADJ", "NOUN", "PUNCT", "PUNCT", "NOUN", "PROPN", "PROPN", "PUNCT",
           "VERB", "DET", "NOUN", "PUNCT", "VERB", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[2], lemmas[11], lemmas[15] = "have", "wear", "say"
    spaces = [False, True, True, True, False, False, True, True, True, False, True, True, True, False,
              True, False, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags, pos=pos,
              lemmas=lemmas, sent_starts=[True] + [False] * (len(words) - 1))
    for r in reports(doc):
        if doc.text[r.cue_start:r.cue_end] == "said":
            assert "Sonne" not in doc.text[r.start:r.end], doc.text[r.start:r.end]
