"""Direct-quote boundaries and filters added in round 3, on fictional sentences written for these tests."""
from __future__ import annotations

from clipfile.lang.en.entities import entities
from clipfile.lang.en.quotes import attributions, quotes


def run(nlp, text, **kw):
    doc = nlp(text)
    qs = quotes(doc, entities(doc), **kw)
    for q in qs:
        assert text[q.start:q.end] == q.text
        if q.cue is not None:
            assert text[q.cue.start:q.cue.end] == q.cue.text
    return qs


def stances(nlp, text):
    doc = nlp(text)
    found = attributions(doc, entities(doc))[1]
    for q in found:
        assert text[q.start:q.end] == q.text
    return found


def top_direct(qs):
    return [q for q in qs if q.kind == "direct" and q.nested_in is None]


def test_headlines_and_excerpts_of_a_link_roundup_are_not_quotes(nlp):
    text = (
        "HARBOUR NOTES\n\n"
        "FERRIES\u2014\"Night ferry to stop running after the spring storms,\" by The Gazette's Mara Quill: "
        "\"The night ferry between Ostby and the islands will be withdrawn for good in April.\"\n\n"
        "\u201cWe will keep the morning boats running,\u201d the port director said.\n"
    )
    qs = top_direct(run(nlp, text))
    assert [q.text for q in qs] == ["We will keep the morning boats running,"]
    assert qs[0].cue.text == "said"


def test_paragraphs_copied_after_from_x_writing_at_y_are_not_quotes(nlp):
    text = (
        "The debate over the bridge tolls went national this week.\n\n"
        "From Jonas Brell writing at The Coastal Herald:\n\n"
        "\"The toll was meant to pay for repairs that were finished a decade ago.\n\n"
        "\"Drivers have been paying for a bridge that has long since paid for itself.\"\n\n"
        "Mayor Edda Lunn disagreed. \u201cThe money goes to the next bridge,\u201d she said.\n"
    )
    qs = top_direct(run(nlp, text))
    assert [q.text for q in qs] == ["The money goes to the next bridge,"]


def test_one_off_capitalised_heading_is_not_an_interview_turn(nlp):
    text = (
        "UPDATE: The council vote has been moved to Thursday evening.\n"
        "Councillor Ivo Renn said the delay was regrettable.\n"
    )
    qs = run(nlp, text)
    assert not [q for q in qs if q.cue is not None and q.cue.text == ":"]


def test_programme_title_after_possessive_is_not_a_quote(nlp):
    text = "\u201cWe are not selling the port,\u201d Lunn said on Channel Four's \u201cMorning Watch With Ada Pryce.\u201d\n"
    qs = top_direct(run(nlp, text))
    assert [q.text for q in qs] == ["We are not selling the port,"]


def test_words_quoted_right_after_a_naming_verb(nlp):
    text = "The harbour board, which Renn once dubbed \u201cthe sleepiest committee in the north,\u201d meets on Fridays.\n"
    qs = top_direct(run(nlp, text))
    q = next(q for q in qs if "sleepiest" in q.text)
    assert q.text == "the sleepiest committee in the north,"
    assert text[q.start - 1] == "\u201c"


def test_lower_case_rest_of_a_cued_sentence(nlp):
    text = "Sooner or later, the mayor told reporters, \u201cthe ferries will pay for themselves.\u201d\n"
    qs = top_direct(run(nlp, text))
    q = next(q for q in qs if "ferries" in q.text)
    assert q.text == "the ferries will pay for themselves."
    assert q.cue.text == "told"
    assert text[q.speaker.start:q.speaker.end] == "the mayor"


def test_lower_case_words_right_after_said_to_the_end_of_the_sentence(nlp):
    # Issue #16: 'The board said "the harbour is ready …".' quotes the whole complement; it is
    # no scare-quoted fragment for being in lower case.
    text = ('The ferry will not run in May. The Harbour Board said "the port is ready to take '
            'the larger ships from June". Its rivals said nothing.\n')
    qs = top_direct(run(nlp, text))
    q = next(q for q in qs if "larger ships" in q.text)
    assert q.text == "the port is ready to take the larger ships from June"
    assert q.cue.text == "said" and "Harbour Board" in q.speaker.name


def test_quoted_words_that_are_all_a_report_holds_are_a_quote(nlp):
    # Issue #16: 'According to Mr Lind, Harbourside "were not planning to bid again".' - the
    # quoted words are the whole report, not a scare-quoted fragment in mid-sentence.
    text = ('Company spokesman Tomas Lind said the deal still stood. According to Mr Lind, '
            'Harbourside "were not planning to bid at the new auction anyway". Nobody else spoke.\n')
    qs = top_direct(run(nlp, text))
    q = next(q for q in qs if "planning to bid" in q.text)
    assert q.text == "were not planning to bid at the new auction anyway"
    assert q.speaker is not None and q.speaker.name == "Tomas Lind"


def test_one_word_answer_with_its_cue(nlp):
    text = (
        "Lunn was asked whether the ferry would return next year.\n"
        "\u201cCertainly,\u201d she said after the meeting.\n"
    )
    qs = top_direct(run(nlp, text))
    q = next(q for q in qs if q.text == "Certainly,")
    assert q.cue.text == "said"
    assert text[q.speaker.start:q.speaker.end] == "she"


def test_report_content_never_holds_its_own_cue(nlp):
    text = "\u201cThe tolls are fair,\u201d she said, but the drivers\u2019 union called them \u201ca tax on work.\u201d\n"
    qs = run(nlp, text)
    for q in qs:
        if q.cue is not None:
            assert not (q.start <= q.cue.start < q.end), (q.kind, q.text, q.cue.text)


def _only(qs, exact):
    hits = [q for q in qs if q.text == exact]
    assert len(hits) == 1, f"{exact!r} not found once in {[(q.kind, q.text) for q in qs]}"
    return hits[0]


def test_passive_judgement_gives_subject_and_complement_without_source(nlp):
    text = "The ferry operator is expected to raise fares in the spring.\n"
    assert run(nlp, text) == []  # nobody holds the expectation: a stance, not a quote
    qs = stances(nlp, text)
    subj = _only(qs, "The ferry operator")
    comp = _only(qs, "to raise fares in the spring")
    assert comp.continues == subj.id
    for q in (subj, comp):
        assert q.kind == "judgement"
        assert q.cue.text == "expected"
        assert q.speaker.resolution == "unresolved"


def test_trailing_participle_and_relative_clause_are_the_writers(nlp):
    text = (
        "Councillor Ivo Renn said the harbour board ignored the fishermen, "
        "tapping a deep anger along the coast.\n"
        "The port authority announced that it hired a new harbour master, who starts in May.\n"
    )
    qs = run(nlp, text)
    a = _only(qs, "the harbour board ignored the fishermen")
    assert a.cue.text == "said" and text[a.speaker.start:a.speaker.end] == "Councillor Ivo Renn"
    # the hand rules cut the writer's relative clause; the learned span choice may give it
    # back when annotators would (they often keep a trailing relative clause), so check the rules
    b = _only(run(nlp, text, model=None), "that it hired a new harbour master")
    assert b.cue.text == "announced"
    with_model = [q for q in qs if q.cue is not None and q.cue.text == "announced"]
    assert with_model and with_model[0].text.startswith("that it hired a new harbour master")


def test_report_content_is_taken_from_the_cue_paragraph(nlp):
    text = (
        "\u201cWe were never told about the closure,\u201d said Mira Olsen, a ferry pilot.\n\n"
        "The operator said that the closure was announced in March and that pilots were informed.\n"
    )
    qs = run(nlp, text)
    q = _only(qs, "that the closure was announced in March and that pilots were informed")
    assert q.kind == "indirect" and q.cue.text == "said"
    assert text[q.speaker.start:q.speaker.end] == "The operator"


def test_one_clause_split_in_two_complements_is_one_content(nlp):
    text = "Mayor Edda Lunn said the ferries bought by the city last year were in some cases older than the pier.\n"
    qs = run(nlp, text)
    q = next(q for q in qs if q.cue is not None and q.cue.text == "said")
    assert q.text == "the ferries bought by the city last year were in some cases older than the pier"
    assert text[q.speaker.start:q.speaker.end] == "Mayor Edda Lunn"


def test_new_lexicon_stance_objects(nlp):
    text = "Councillor Ivo Renn thanked the volunteers who cleared the beach after the storm.\n"
    qs = stances(nlp, text)
    q = _only(qs, "the volunteers who cleared the beach after the storm")
    assert q.cue.text == "thanked" and q.kind == "object"
    assert text[q.speaker.start:q.speaker.end] == "Councillor Ivo Renn"


def test_paragraph_opening_noun_phrase_is_the_fallback_source(nlp):
    from clipfile.lang.en.reported import _paragraph_subject

    text = "\u201cSo we\u2019ll see how it works.\u201d\n\nSen. Mara Quill, facing a tough race in the north, said she would welcome the bill.\n"
    doc = nlp(text)
    said = next(t for t in doc if t.text == "said")
    assert _paragraph_subject(said).text == "Quill"
    # a verb with its own clause before it has no paragraph-opening source
    doc2 = nlp("The ferry left early and the crew said nothing.\n")
    said2 = next(t for t in doc2 if t.text == "said")
    assert _paragraph_subject(said2) is None
