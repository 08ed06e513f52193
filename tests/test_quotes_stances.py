"""What someone said versus what they opposed, planned or were judged to do (issue #16): stance
objects, intentions, reported questions and judgements nobody holds are Stance records in
their own list; reported propositions and quoted words stay quotes.  Fictional news sentences
written for these tests."""
from __future__ import annotations

import json

import pytest

from clipfile.lang.en.entities import entities
from clipfile.lang.en.quotes import attributions
from clipfile.pipeline import analyze
from clipfile.records import Document


@pytest.fixture(scope="module")
def nlp():
    from clipfile.lang.en.parse import english

    return english()


def run(nlp, text):
    doc = nlp(text)
    qs, stances = attributions(doc, entities(doc))
    for q in [*qs, *stances]:
        assert text[q.start:q.end] == q.text
        if q.cue is not None:
            assert text[q.cue.start:q.cue.end] == q.cue.text
    return qs, stances


def texts(items):
    return [q.text for q in items]


@pytest.mark.parametrize("sentence, content, kind", [
    ("Up to thirty councillors could oppose the harbour scheme.\n", "the harbour scheme", "object"),
    ("Councillor Ivo Renn criticised the plan for the northern quay.\n", "the plan for the northern quay", "object"),
    ("Mayor Ana Ruiz plans to cut the ferry fares in spring.\n", "to cut the ferry fares in spring", "intention"),
    ("The Greens are keen to highlight the cost of the bridge.\n", "to highlight the cost of the bridge", "intention"),
    ("Mayor Ana Ruiz asked why the dredging had stopped.\n", "why the dredging had stopped", "question"),
    ("The ferry operator is expected to raise fares in the spring.\n", "to raise fares in the spring", "judgement"),
])
def test_stances_are_not_quotes(nlp, sentence, content, kind):
    qs, stances = run(nlp, sentence)
    assert content not in texts(qs)
    found = [s for s in stances if s.text == content]
    assert found and found[0].kind == kind and found[0].id.startswith("s")


@pytest.mark.parametrize("sentence, content", [
    # a reported proposition
    ("Councillor Ivo Renn said the harbour scheme would fail.\n", "the harbour scheme would fail"),
    # quoted words inside a noun phrase: the source's own words
    ("Councillor Ivo Renn repeated his call for a \u201cpause\u201d in the dredging.\n", "a \u201cpause\u201d"),
    # an accusation is a proposition
    ("Councillor Ivo Renn accused the board of wasting money on banners.\n", "the board of wasting money on banners"),
    # what something is said to be
    ("The treasurer dismissed the audit as complete nonsense.\n", "the audit as complete nonsense"),
    # a speech act with an infinitive
    ("Mayor Ana Ruiz pledged to clamp down on speeding ferries.\n", "to clamp down on speeding ferries"),
    # a directive to someone
    ("Councillor Ivo Renn urged the board to resign.\n", "the board to resign"),
])
def test_propositions_and_quoted_words_stay_quotes(nlp, sentence, content):
    qs, stances = run(nlp, sentence)
    assert any(content in q.text for q in qs), (texts(qs), texts(stances))


def test_a_report_nobody_makes_is_a_judgement(nlp):
    qs, stances = run(nlp, "There were allegations that the harbour master had taken bribes.\n")
    assert not qs
    assert [s.kind for s in stances if "the harbour master had taken bribes" in s.text] == ["judgement"]
    assert all(s.speaker is None or s.speaker.name is None for s in stances if s.kind == "judgement")


@pytest.mark.parametrize("text, content", [
    # Issue #16: a demonstrative standing for a fact, or nobody, holds no report
    ("The mayor hinted at a deal. That suggests the ferry will run all winter.\n", "the ferry will run all winter"),
    ("Nobody should doubt that the harbour needs a new quay, he argued.\n", "the harbour needs a new quay"),
])
def test_a_report_whose_subject_names_no_one_is_no_quote(nlp, text, content):
    qs, stances = run(nlp, text)
    assert not [q for q in qs if content in q.text and q.speaker is not None
                and q.speaker.name in ("That", "Nobody")], texts(qs)


def test_a_report_stops_before_another_source_reports(nlp):
    text = "The mayor insisted she had made no deals over the harbour while Councillor Ivo Renn says he will not let gossip distract him.\n"
    qs, _ = run(nlp, text)
    outer = [q for q in qs if q.cue is not None and q.cue.text == "insisted"]
    assert outer and "Renn" not in outer[0].text and outer[0].text.startswith("she had made no deals")


def test_analyze_json_lists_stances_apart_and_quotes_only_as_quotes():
    text = (
        "Councillor Ivo Renn criticised the plan for the northern quay. "
        "He said the harbour board had ignored the fishermen.\n"
    )
    out = analyze(Document(text=text, language="en")).to_json()
    assert [q["text"] for q in out["quotes"]] == ["the harbour board had ignored the fishermen"]
    stance = next(s for s in out["stances"] if s["text"] == "the plan for the northern quay")
    assert stance["kind"] == "object" and stance["id"].startswith("s")
    assert stance["speaker"]["name"] == "Ivo Renn" and stance["cue"]["text"] == "criticised"
    assert set(stance) >= {"id", "start", "end", "text", "kind", "cue", "speaker", "nested_in", "continues"}
    assert text[stance["start"]:stance["end"]] == stance["text"]
    assert all(q["id"].startswith("q") for q in out["quotes"])


def test_show_lists_stances_apart_from_quotes(tmp_path):
    from typer.testing import CliRunner

    from clipfile.cli import app

    src = tmp_path / "quay.txt"
    src.write_text("Councillor Ivo Renn criticised the plan for the northern quay. "
                   "He said the harbour board had ignored the fishermen.\n", encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    runner = CliRunner()
    r = runner.invoke(app, ["--library", str(lib), "ingest", "--jobs", "1", str(src)])
    assert r.exit_code == 0, r.output
    doc_id = json.loads(runner.invoke(app, ["--library", str(lib), "search", "--json", "quay"]).output.splitlines()[0])["doc_id"]
    r = runner.invoke(app, ["--library", str(lib), "show", doc_id])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "1 quotes," in out
    quotes_part, stances_part = out.split("Stances (not quotes)")
    assert "the harbour board had ignored the fishermen" in quotes_part
    assert "the plan for the northern quay" in stances_part and "object" in stances_part
    shown = json.loads(runner.invoke(app, ["--library", str(lib), "show", "--json", doc_id]).output)
    plan = next(s for s in shown["stances"] if s["text"] == "the plan for the northern quay")
    assert plan["speaker"]["entity_id"].startswith("E")  # library ids, like quotes
