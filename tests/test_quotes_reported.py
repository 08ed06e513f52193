"""Reported speech beyond ``X said that ...``: stances, intentions, appearances, prepositional
content, nested reports, span bounds and titles. Fictional sentences written for these tests."""
from __future__ import annotations

import pytest

from clipfile.lang.en.entities import entities
from clipfile.lang.en.quotes import attributions, quotes
from clipfile.lang.en.reported import reports


@pytest.fixture(scope="module")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def run(nlp, text):
    doc = nlp(text)
    qs = quotes(doc, entities(doc))
    for q in qs:
        assert text[q.start:q.end] == q.text
        if q.cue is not None:
            assert text[q.cue.start:q.cue.end] == q.cue.text
    return qs


def stances(nlp, text):
    """The stances of ``text`` (attributions that are not quotes), offsets checked."""
    doc = nlp(text)
    qs, found = attributions(doc, entities(doc))
    for q in found:
        assert text[q.start:q.end] == q.text and q.id.startswith("s")
        assert not any(x.start == q.start and x.end == q.end for x in qs)
    return found


def only(qs, text_exact):
    hits = [q for q in qs if q.text == text_exact]
    assert len(hits) == 1, f"{text_exact!r} not found once in {[(q.kind, q.text) for q in qs]}"
    return hits[0]


def at(text, fragment):
    i = text.index(fragment)
    return i, i + len(fragment)


def spoken(q, text):
    s = q.speaker
    return text[s.start:s.end] if s is not None and s.start is not None else None


def test_appearance_verb_gives_subject_and_complement_without_source(nlp):
    # a judgement nobody holds: a stance, not a quote
    text = "The harbour master seemed to regret the closure of the northern pier.\n"
    assert run(nlp, text) == []
    qs = stances(nlp, text)
    subj = only(qs, "The harbour master")
    comp = only(qs, "to regret the closure of the northern pier")
    for q in (subj, comp):
        assert q.kind == "judgement" and q.cue.text == "seemed"
        assert q.speaker.resolution == "unresolved" and q.speaker.name is None
    assert (comp.start, comp.end) == at(text, "to regret the closure of the northern pier")


def test_intention_verb_with_infinitive(nlp):
    text = "Councillor Mira Brandt declined to comment on the ferry budget.\n"
    assert run(nlp, text) == []  # an intention, not words said: a stance
    qs = stances(nlp, text)
    q = only(qs, "to comment on the ferry budget")
    assert (q.start, q.end) == at(text, "to comment on the ferry budget")
    assert q.kind == "intention" and q.cue.text == "declined"
    assert q.speaker.name == "Mira Brandt" and spoken(q, text) == "Councillor Mira Brandt"


def test_any_verb_with_a_clausal_complement_reports(nlp):
    text = "A survey by the transit board shows that most commuters prefer the night trams.\n"
    qs = run(nlp, text)
    q = only(qs, "that most commuters prefer the night trams")
    assert q.kind == "indirect" and q.cue.text == "shows"
    assert spoken(q, text) == "A survey by the transit board"


def test_accused_of_takes_the_accused_and_the_charge(nlp):
    text = "Opposition leader Ilse Varga accused the council of wasting public money on banners.\n"
    qs = run(nlp, text)
    q = only(qs, "the council of wasting public money on banners")
    assert q.kind == "indirect" and q.cue.text == "accused the council of"
    assert q.speaker.name == "Ilse Varga"


def test_noun_cue_with_possessive_source(nlp):
    text = "Mayor Ruth Olsen spoke at noon. Olsen's criticism of the tunnel plan surprised nobody.\n"
    qs = stances(nlp, text)  # the object of a criticism: a stance
    q = only(qs, "the tunnel plan")
    assert (q.start, q.end) == at(text, "the tunnel plan")
    assert q.kind == "object" and q.cue.text == "criticism of"
    assert q.speaker.name == "Ruth Olsen" and spoken(q, text).startswith("Olsen")


def test_report_inside_a_report_is_nested(nlp):
    text = "Tomas Rehn said he believes the dockers will strike in May.\n"
    qs = run(nlp, text)
    outer = only(qs, "he believes the dockers will strike in May")
    inner = only(qs, "the dockers will strike in May")
    assert outer.cue.text == "said" and outer.nested_in is None
    assert inner.cue.text == "believes" and inner.nested_in == outer.id
    assert inner.speaker.name == "Tomas Rehn" and inner.speaker.resolution == "pronoun"


def test_according_to_in_mid_sentence_gives_both_sides(nlp):
    text = "The tunnel is far too costly, according to Ilse Varga, because the clay under the river keeps shifting.\n"
    qs = run(nlp, text)
    left = only(qs, "The tunnel is far too costly")
    right = only(qs, "because the clay under the river keeps shifting")
    for q in (left, right):
        assert q.kind == "indirect" and q.cue.text == "according to" and q.speaker.name == "Ilse Varga"


def test_report_stops_where_the_narrative_goes_on(nlp):
    text = "Mayor Ruth Olsen said the budget was balanced, and she left the hall before the vote.\n"
    qs = run(nlp, text)
    q = only(qs, "the budget was balanced")
    assert q.cue.text == "said" and spoken(q, text) == "Mayor Ruth Olsen"


def test_speaker_mention_stays_in_its_paragraph(nlp):
    text = "10:05 a.m.\n\nMayor Ruth Olsen said the trams would run again on Monday.\n"
    qs = run(nlp, text)
    q = only(qs, "the trams would run again on Monday")
    assert spoken(q, text) == "Mayor Ruth Olsen"


def test_programme_titles_and_markup_are_not_quotes(nlp):
    text = (
        "Olsen told the \u201cMorning Harbour Hour\u201d on Sunday that the depot would stay open.\n"
        '<a id="item-2231" href="x">Depot news</a>\n'
    )
    qs = run(nlp, text)
    assert not [q for q in qs if q.kind == "direct"]
    q = only(qs, "that the depot would stay open")
    assert q.cue.text == "told"


def test_quote_right_after_its_cue_is_direct_even_in_lower_case(nlp):
    text = "Asked about the fares, Olsen said, \u201cas long as the ferries run on time, nobody will complain.\u201d\n"
    qs = run(nlp, text)
    q = only(qs, "as long as the ferries run on time, nobody will complain.")
    assert q.kind == "direct" and q.cue.text == "said" and q.speaker.name == "Olsen"


def _relative(nlp, text):
    return [r for r in reports(nlp(text)) if r.family == "relative"]


def test_relative_word_is_the_content_of_a_report_in_its_clause(nlp):
    text = "The senator attacked the pipeline plan, which he said was a gift to polluters.\n"
    (r,) = _relative(nlp, text)
    assert text[r.start:r.end] == "which" and text[r.cue_start:r.cue_end] == "said"
    assert r.source.text == "he"
    text = "He mocked the harbour governor, whom he dubbed the little mayor.\n"
    (r,) = _relative(nlp, text)
    assert text[r.start:r.end] == "whom" and r.source.text == "he"
    text = "The council met after what the chairman called a deliberate leak.\n"
    (r,) = _relative(nlp, text)
    assert text[r.start:r.end] == "what" and r.source.text == "chairman"


def test_relative_clause_without_relative_word_reports_its_noun_phrase(nlp):
    text = "He is the kind of judge many fear the president would choose.\n"
    (r,) = _relative(nlp, text)
    assert text[r.start:r.end] == "the kind of judge" and text[r.cue_start:r.cue_end] == "fear"


def test_relative_clause_of_a_plain_verb_is_no_report(nlp):
    assert _relative(nlp, "The stories that will be talked about today are long.\n") == []
    assert _relative(nlp, "The company sold the plant that it built in 1990.\n") == []


def test_parenthetical_cue_splits_the_sentence_into_two_spans(nlp):
    text = "The governor is so careless, the senator said, that the budget will collapse by spring.\n"
    qs = run(nlp, text)
    left = only(qs, "The governor is so careless")
    right = only(qs, "that the budget will collapse by spring")
    for q in (left, right):
        assert q.kind == "indirect" and q.cue.text == "said" and spoken(q, text) == "the senator"
    text = "To understand the real harbour, the mayor said, one should visit the old docks.\n"
    qs = run(nlp, text)
    only(qs, "To understand the real harbour")
    only(qs, "one should visit the old docks")


def test_relative_word_parsed_as_a_second_subject_still_reports(nlp):
    text = "Voters turned to Senator Ada Kell and Mayor Ivo Rand, who many feel need a strong night.\n"
    (r,) = _relative(nlp, text)
    assert text[r.start:r.end] == "who" and r.source.text == "many" and text[r.cue_start:r.cue_end] == "feel"


def test_a_question_is_no_relative_report(nlp):
    assert _relative(nlp, "So what do you call a harbour without ships?\n") == []


def _reports(nlp, text):
    doc = nlp(text)
    return [(text[r.start:r.end], text[r.cue_start:r.cue_end], r.family) for r in reports(doc)]


def test_parenthetical_cue_before_a_reporting_verb_still_splits(nlp):
    # the host clause reports something itself ("has come to believe"); the cue between
    # commas is still a parenthesis with content on both sides
    text = "He moved to the port in 2010. Lately, he said, he has come to believe that the town is changing.\n"
    got = _reports(nlp, text)
    assert ("Lately", "said", "paren") in got
    assert ("he has come to believe that the town is changing", "said", "paren") in got


def test_parenthetical_cue_with_its_hearer_splits(nlp):
    text = 'Sooner or later, the governor told reporters, "the new ferry will pay for itself."\n'
    got = _reports(nlp, text)
    assert ("Sooner or later", "told", "paren") in got


def test_asked_about_is_not_a_parenthesis(nlp):
    text = "Asked about the vote, Olsen said he expected to lose.\n"
    assert not [g for g in _reports(nlp, text) if g[2] == "paren"]


def test_conditional_clause_with_its_own_object_is_not_a_parenthesis(nlp):
    # the verb takes an object of its own, or opens with "if": a clause, not an aside
    for text in ("Had the inspectors found the cracks in March, the bridge would still be open.\n",
                 "If the council believes the figures, the ferry will run until May.\n"):
        assert not [g for g in _reports(nlp, text) if g[2] == "paren"], text


def test_participle_backing_someone_reports_with_the_noun_as_source(nlp):
    from clipfile.lang.en.reported import broad_candidates

    text = "Harbour First, a committee backing the mayor, bought advertising on the radio.\n"
    doc = nlp(text)
    got = [(text[r.start:r.end], r.source.text if r.source is not None else None, r.family)
           for r in broad_candidates(doc, known=reports(doc))]
    assert ("the mayor", "committee", "any-dobj") in got


def test_complement_clause_is_no_parenthesis(nlp):
    text = "The paradox of the plan, says Ada Kell, a historian at the city library, is that nobody wanted it.\n"
    got = _reports(nlp, text)
    assert ("The paradox of the plan", "says", "paren") in got
    assert all(cue == "says" for _c, cue, fam in got if fam == "paren")


def test_relative_clause_of_any_verb_is_a_broad_candidate(nlp):
    from clipfile.lang.en.reported import broad_candidates

    text = "It is the kind of ferry the islanders actually like.\n"
    doc = nlp(text)
    got = [(text[r.start:r.end], text[r.cue_start:r.cue_end], r.family)
           for r in broad_candidates(doc, known=reports(doc))]
    assert ("the kind of ferry", "like", "any-relative") in got


def test_sentence_closed_by_records_show_reports_the_sentence(nlp):
    # whether the parser reads "records show" as a clause or as a noun compound
    for text in ("In all, the harbour committee raised $57 million, election records show.\n",
                 "The ferry company gave $5,000 to the fund on June 27, campaign finance records show.\n"):
        content = text[:text.index(", ", text.index("million" if "million" in text else "June"))]
        assert (content, "show") in [(c, cue) for c, cue, _f in _reports(nlp, text)]
    assert [g for g in _reports(nlp, "She went to the show.\n") if g[1] == "show"] == []


def test_that_clause_hung_on_a_noun_is_the_complement_of_told(nlp):
    # the parser makes the that-clause a relative clause of "port"; it has its own subject
    # and "that" opens it as a conjunction, so it is what the surgeon told the hall
    text = ("Retired surgeon Ivo Rand told a crowded banquet hall at a hotel in the port that he "
            "is not giving up, despite trailing behind all the other candidates.\n")
    assert ("that he is not giving up", "told", "ccomp") in _reports(nlp, text)
    text = "She told reporters about the plan that the council approved.\n"
    assert [g for g in _reports(nlp, text) if g[1] == "told" and g[0].startswith("that")] == []


def test_it_as_the_subject_of_a_verb_of_saying_is_a_source(nlp):
    text = "The Harbour Gazette reported the news on Monday. It said that the mayor had resigned.\n"
    assert ("that the mayor had resigned", "said", "ccomp") in _reports(nlp, text)
    assert [g for g in _reports(nlp, "It seems that the ferry is late.\n") if g[1] == "seems" and g[2] == "ccomp"] == []


def test_it_said_resolves_to_the_organisation(nlp):
    text = "The Harbour Gazette reported the news on Monday. It said that the mayor had resigned.\n"
    q = only(run(nlp, text), "that the mayor had resigned")
    assert spoken(q, text) == "It"
    assert q.speaker.name == "Harbour Gazette" and q.speaker.resolution == "pronoun"


def test_noun_with_an_infinitive_is_a_broad_candidate(nlp):
    from clipfile.lang.en.reported import broad_candidates

    text = "The governor defended her plan to close the old ferry terminal by spring.\n"
    doc = nlp(text)
    got = [(text[r.start:r.end], text[r.cue_start:r.cue_end], r.source.text if r.source is not None else None,
            r.family) for r in broad_candidates(doc, known=reports(doc))]
    assert ("to close the old ferry terminal by spring", "plan", "her", "any-noun-to") in got


def test_an_emotion_about_a_clause_is_attributed(nlp):
    # Issue #16: the real-news guidelines count "are angry that P" as the holder's report.
    text = ("Ferry crews are also angry they will have only two days to study the new rota "
            "before it starts.\n")
    qs = run(nlp, text)
    q = next(q for q in qs if q.text.startswith("they will have only two days"))
    assert spoken(q, text) == "Ferry crews"


def test_accused_of_with_the_of_hung_on_a_description_of_the_accused(nlp):
    # Issue #16: "has accused its predecessor, led by X, of corruption" - the parser hangs
    # "of" on X; the accused and the charge are still one content.
    text = ("Mayor Ilse Varga's administration has accused its predecessor, led by former mayor "
            "Piet Sonne, of corruption.\n")
    qs = run(nlp, text)
    q = next(q for q in qs if q.text.endswith("of corruption"))
    assert q.text.startswith("its predecessor")
    assert "administration" in spoken(q, text)


def test_a_participle_of_saying_on_a_place_name_is_the_clause_subjects(nlp):
    # Issue #16: the parser hangs "accusing" on the name in "opposite the Town Hall"; the
    # accusation is the subject's.  The parse real news gets, built by hand (the parser reads
    # a sentence written for the test its own way).
    from spacy.tokens import Doc

    words = ["And", "the", "Harbour", "Party", "unveiled", "a", "banner", "opposite", "the", "Town",
             "Hall", "accusing", "the", "council", "of", "hiding", "losses", "."]
    heads = [4, 3, 3, 4, 4, 6, 4, 4, 10, 10, 7, 10, 13, 11, 11, 14, 15, 4]
    deps = ["cc", "det", "compound", "nsubj", "ROOT", "det", "dobj", "prep", "det", "compound",
            "pobj", "acl", "det", "dobj", "prep", "pcomp", "dobj", "punct"]
    tags = ["CC", "DT", "NNP", "NNP", "VBD", "DT", "NN", "IN", "DT", "NNP", "NNP", "VBG", "DT", "NN",
            "IN", "VBG", "NNS", "."]
    pos = ["CCONJ", "DET", "PROPN", "PROPN", "VERB", "DET", "NOUN", "ADP", "DET", "PROPN", "PROPN",
           "VERB", "DET", "NOUN", "ADP", "VERB", "NOUN", "PUNCT"]
    lemmas = [w.lower() for w in words]
    lemmas[4], lemmas[11], lemmas[15], lemmas[16] = "unveil", "accuse", "hide", "loss"
    spaces = [True] * len(words)
    spaces[16] = spaces[17] = False
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, tags=tags, pos=pos,
              lemmas=lemmas, sent_starts=[True] + [False] * (len(words) - 1))
    reps = [r for r in reports(doc) if doc.text[r.start:r.end].startswith("the council of hiding")]
    assert reps and reps[0].source is not None and reps[0].source.text == "Party"


def test_quoted_as_saying_closes_the_clause_before_it(nlp):
    # Issue #16: "P, minister X was quoted as saying by Y." reports P, X's words; "according
    # to the law" in P is no attribution (a norm, not a source).
    text = ("The harbour dispute will be settled according to the port's own rules, transport "
            "minister Ilse Varga was quoted as saying by the Coastal Gazette.\n")
    qs = run(nlp, text)
    q = next(q for q in qs if q.text.startswith("The harbour dispute"))
    assert q.text == "The harbour dispute will be settled according to the port's own rules"
    assert q.speaker.name == "Ilse Varga" and q.cue.text == "quoted as saying"
    assert not [q for q in qs if q.cue is not None and q.cue.text == "according to"]


def test_a_complement_whose_subject_the_parser_made_the_object_is_one_content(nlp):
    # Issue #16: 'suggested the "cosy deal" between the board, the unions and the council had
    # cost the town' - the parse makes 'the "cosy deal" between the board' the object of
    # "suggested" and the rest the complement; the content is the whole clause.
    text = ('She said she did not feel her own party could be trusted, but suggested the '
            '"three-sided bargain" between the board, the unions and the council had a hand in '
            'the losses.\n')
    qs = run(nlp, text)
    q = next(q for q in qs if "had a hand in the losses" in q.text)
    assert q.text.startswith('the "three-sided bargain" between the board'), q.text
    assert q.kind == "mixed"
