"""Boundary variants of reported-speech content and the span-choice ranker
(clipfile.lang.en.span_choice).  Fictional sentences written for these tests."""
from __future__ import annotations

import re

import pytest

from clipfile.lang.en.entities import entities
from clipfile.lang.en.quotes import quotes
from clipfile.lang.en.report_model import ReportModel, load_model
from clipfile.lang.en.reported import Report, reports
from clipfile.lang.en.span_choice import Variant, choose, variants


@pytest.fixture(scope="module")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def para_starts(text):
    return [0] + [m.end() for m in re.finditer("\n", text)]


def report_with_cue(doc, cue):
    return next(r for r in reports(doc) if doc.text[r.cue_start:r.cue_end] == cue)


def test_variants_start_with_the_parse_span_and_never_hold_the_cue(nlp):
    text = "Mayor Lena Hart said the bridge will reopen in May, when the repairs end, and the tolls will stay low.\n"
    doc = nlp(text)
    r = report_with_cue(doc, "said")
    vs = variants(r, doc, text, [], para_starts(text))
    assert (vs[0].name, vs[0].start, vs[0].end) == ("orig", r.start, r.end)
    assert len({(v.start, v.end) for v in vs}) == len(vs)  # no duplicates
    for v in vs:
        assert not v.start <= r.cue_start < v.end
        assert v.feats[0] == v.name
        assert text[v.start:v.end] == text[v.start:v.end].strip()
    ext = [text[v.start:v.end] for v in vs if v.name == "ext_sent"]
    assert ext == ["the bridge will reopen in May, when the repairs end, and the tolls will stay low"]
    # from the whole rest of the sentence, cuts stop before each clause break
    whole = Report(text.index("the bridge"), text.index(" low.") + 4, r.cue_start, r.cue_end, r.source, r.verb,
                   r.family)
    cuts = [text[v.start:v.end] for v in variants(whole, doc, text, [], para_starts(text)) if v.name == "cut"]
    assert "the bridge will reopen in May" in cuts
    assert "the bridge will reopen in May, when the repairs end" in cuts


def test_extension_to_the_sentence_end_stays_in_its_paragraph(nlp):
    text = "Ana Ruiz believes the plan, in its present form, will fail.\nThe council meets on Monday.\n"
    doc = nlp(text)
    r = report_with_cue(doc, "believes")
    # pretend the parse stopped early, at the first comma
    short = Report(text.index("the plan"), text.index(","), r.cue_start, r.cue_end, r.source, r.verb, r.family)
    vs = variants(short, doc, text, [], para_starts(text))
    ext = [v for v in vs if v.name == "ext_sent"]
    assert ext and text[ext[0].start:ext[0].end] == "the plan, in its present form, will fail"
    assert all(v.end <= text.index("\n") for v in vs)  # never into the next paragraph


def test_extension_never_takes_in_the_clause_that_governs_the_cue(nlp):
    text = "Mayor Ruth Olsen spoke at noon. Olsen's criticism of the tunnel plan surprised nobody.\n"
    doc = nlp(text)
    r = report_with_cue(doc, "criticism of")
    assert text[r.start:r.end] == "the tunnel plan"
    assert not [v for v in variants(r, doc, text, [], para_starts(text)) if v.name.startswith("ext")]


def test_variants_never_cut_through_a_quotation(nlp):
    text = 'Olga Brant said the vote was rigged, calling it "a farce from start to finish" on Friday.\n'
    doc = nlp(text)
    r = report_with_cue(doc, "said")
    q = (text.index('"'), text.rindex('"') + 1)
    for v in variants(r, doc, text, [q], para_starts(text)):
        assert not (v.start < q[1] and v.end > q[0]) or (v.start <= q[0] and q[1] <= v.end)


def test_choose_takes_the_highest_score_and_the_parse_span_on_a_tie():
    a = Variant("orig", 0, 10, ("orig",))
    b = Variant("cut", 0, 5, ("cut", "cut|next=VBG"))
    c = Variant("ext_sent", 0, 20, ("ext_sent",))
    assert choose([a, b, c], {}) is a
    assert choose([a, b, c], {"cut|next=VBG": 1.0}) is b
    assert choose([a, b, c], {"cut": 1.0, "ext_sent": 2.0}) is c


def test_quotes_apply_the_ranker_to_kept_reports(nlp):
    text = "Senator Paul Drey said the tax cut will pass, because the budget allows it.\n"
    doc = nlp(text)
    ents = entities(doc)
    base = load_model()
    plain = ReportModel(base.weights, base.bias, base.threshold, base.rule_threshold, {}, {})
    before = next(q for q in quotes(doc, ents, model=plain) if q.cue and q.cue.text == "said")
    assert before.text.startswith("the tax cut will pass")
    # a ranker that always prefers cutting at the first clause break
    cutter = ReportModel(base.weights, base.bias, base.threshold, base.rule_threshold, {}, {"cut": 5.0})
    after = next(q for q in quotes(doc, ents, model=cutter) if q.cue and q.cue.text == "said")
    assert after.text == "the tax cut will pass"
    assert text[after.start:after.end] == after.text
    assert after.speaker.name == "Paul Drey"


def test_span_weights_survive_the_json_round_trip():
    m = ReportModel({"lem=say": 1.0}, -0.5, 0.5, 0.4, {}, {"cut|next=VBG": 0.75, "ext_sent": -0.25})
    again = ReportModel.from_json(m.to_json())
    assert again.span_weights == m.span_weights
    assert ReportModel.from_json(ReportModel({"x": 1.0}, 0.0, 0.5).to_json()).span_weights == {}


def test_cut_variants_stop_before_a_trailing_phrase_and_start_after_a_clause(nlp):
    text = "Senator Ida Holm praised the new ferry timetable in a speech at the harbour on Friday.\n"
    doc = nlp(text)
    r = report_with_cue(doc, "praised")
    vs = variants(r, doc, text, [], para_starts(text))
    cuts = {text[v.start:v.end] for v in vs if v.name == "cut"}
    assert "the new ferry timetable" in cuts
    text = "Voters in the port said the mayor is honest, and most of them said the same of his deputy.\n"
    doc = nlp(text)
    r = report_with_cue(doc, "said")
    whole = Report(text.index("the mayor"), text.index(" deputy.") + 7, r.cue_start, r.cue_end, r.source, r.verb,
                   r.family)
    vs = variants(whole, doc, text, [], para_starts(text))
    cut = [v for v in vs if v.name == "cut" and text[v.start:v.end] == "the mayor is honest"]
    assert cut and "drop_report_verb" in "|".join(cut[0].feats)  # what the cut leaves out holds a report
    assert any(v.name == "cut_start" for v in vs)
