"""The analysis crashes of issue #14, one regression test each, run the way the issue ran them.

Each of these small inputs failed the whole analysis (the document stayed unanalysed and
``reanalyze`` failed on it every time); now each gives the right result and no problem.
"""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.errors import IngestError
from clipfile.library import Library
from clipfile.pipeline import analyze
from clipfile.records import Document


def _analyze_stdin(text: str) -> dict:
    """``echo TEXT | clipfile analyze -``: the one JSON object it prints."""
    r = CliRunner().invoke(app, ["analyze", "-"], input=text.encode("utf-8"))
    assert r.exit_code == 0, r.output
    (line,) = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    obj = json.loads(line)
    assert "problems" not in obj, obj["problems"]
    return obj


def _quotes(obj: dict) -> list[tuple[str, str | None]]:
    return [(q["text"], (q["speaker"] or {}).get("name")) for q in obj["quotes"]]


def test_a_stray_closing_mark_after_the_attribution():
    # IndexError in speakers.speaker_np: the quote recovered for the last mark overlapped the first.
    obj = _analyze_stdin('Last month he said: "We answer this every election campaign, the answer is no," he said."\n')
    assert [q["text"] for q in obj["quotes"]] == ["We answer this every election campaign, the answer is no,"]
    assert obj["quotes"][0]["speaker"]["start"] is not None  # "he", as written
    obj = _analyze_stdin('Senator Ana Ruiz spoke in Lisbon. Last month she said: "We answer this every '
                         'election campaign, the answer is no," she said."\n')
    assert _quotes(obj) == [("We answer this every election campaign, the answer is no,", "Ana Ruiz")]


def test_a_stray_closing_mark_in_typewriter_quotes():
    # The same crash with ``...'' marks (older wire copy, TimeBank).
    obj = _analyze_stdin("Senator Ana Ruiz spoke in Lisbon. Last month she said: ``We answer this every "
                         "election campaign, the answer is no,'' she said.''\n")
    assert _quotes(obj) == [("We answer this every election campaign, the answer is no,", "Ana Ruiz")]


def test_ingest_a_quote_closed_inside_a_word(tmp_path):
    # printf 'e\xe2\x80\x9cs\xe2\x80\x9dt he promise"' > q.txt; clipfile ingest q.txt
    path = tmp_path / "q.txt"
    path.write_bytes(b'e\xe2\x80\x9cs\xe2\x80\x9dt he promise"')
    lib = tmp_path / "lib.sqlite"
    r = CliRunner().invoke(app, ["-L", str(lib), "ingest", str(path)])
    said = " ".join(r.output.split())
    assert r.exit_code == 0 and "1 new" in said and "failed" not in said, r.output
    with Library(lib) as library:
        (doc,) = library.store.iter_documents()
        assert doc.text == "e\u201cs\u201dt he promise\""
        stored = library.store.get_analysis(doc.id)
        assert stored is not None and "problems" not in stored
        assert library.pending_analysis() == 0


@pytest.mark.parametrize("text", ["сказал он\n\u2039", "сказал он \u2018", "Министр заявил\n\u203a"])
def test_russian_a_stray_mark_is_no_person(text):
    # IndexError in the Russian entities: natasha's NER tagged the mark alone as a person.
    a = analyze(Document(text=text, language="ru"))
    assert a.problems == () and a.entities == ()


def test_russian_a_letter_without_a_unicode_name():
    # ValueError('no such name') from pymorphy2 in the parse: Tangut letters have no name in
    # Python's Unicode database.
    a = analyze(Document(text="\U00018783", language="ru"))
    assert a.problems == ()
    text = "«Мы построим \U00018783 мост к весне», — заявил министр Олег Ветров."
    a = analyze(Document(text=text, language="ru"))
    assert a.problems == ()
    assert [(q.text, q.speaker.name if q.speaker else None) for q in a.quotes] == [
        ("Мы построим \U00018783 мост к весне", "Олег Ветров")]


@pytest.mark.parametrize("text", ["\n", " ", "\n\n\t\u3000 "])
def test_russian_whitespace_only(text):
    # ValueError (zero-size array) in the parse: natasha's syntax parser on a sentence without tokens.
    a = analyze(Document(text=text, language="ru"))
    assert a.problems == () and a.parsed is not None and a.parsed.tokens == []


def test_a_lone_surrogate_is_refused_by_the_document():
    with pytest.raises(IngestError, match=r"lone surrogate \(U\+D800\) at offset 1"):
        Document(text="x\ud800")
    assert Document(text="x\ufffd").text == "x\ufffd"


def test_a_json_lines_record_with_an_escaped_surrogate_is_stored_with_a_replacement(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "Bad \\ud800 byte, the mayor said.", "title": "T\\udfff"}\n'
                    '{"text": "A good record, the mayor said."}\n', encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    r = CliRunner().invoke(app, ["-L", str(lib), "ingest", str(path)])
    said = " ".join(r.output.split())
    assert r.exit_code == 0 and "2 new" in said, r.output
    assert "2 lone surrogate code points (not characters) replaced with U+FFFD" in said
    with Library(lib) as library:
        docs = {d.text: d for d in library.store.iter_documents()}
    bad = docs["Bad \ufffd byte, the mayor said."]  # one code point for one: offsets hold
    assert bad.title == "T\ufffd"
    assert "A good record, the mayor said." in docs


def test_a_file_name_that_is_not_utf8(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    try:
        (folder / "n\udcffx.txt").write_text("The mayor said the bridge is safe.", encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    lib = tmp_path / "lib.sqlite"
    r = CliRunner().invoke(app, ["-L", str(lib), "ingest", str(folder)])
    assert r.exit_code == 0 and "1 new" in " ".join(r.output.split()), r.output
    with Library(lib) as library:
        (doc,) = library.store.iter_documents()
    assert doc.origin is not None and doc.origin.endswith("n\ufffdx.txt")


def test_caption_cues_a_record_invents_are_ignored():
    bad = [{"speaker": "ANA", "start": "x", "end": 5}, {"speaker": ["A"], "start": 0, "end": 9},
           {"speaker": "ANA", "start": 0, "end": 10_000}, "cue", 7]
    text = "The mayor said on Tuesday that the bridge is safe."
    for cues in (bad, 5, "cues", {"start": 0}):
        a = analyze(Document(text=text, language="en", metadata={"cues": cues}))
        assert a.problems == ()
        assert a.quotes == analyze(Document(text=text, language="en")).quotes


def test_russian_forecast_holder_the_parse_hangs_in_its_own_clause():
    # ValueError (min of an empty list) in the Russian forecast holder, found by the fuzz: a
    # holder word the parser made part of its own relative clause left no words to name.
    text = '"The minister", заявил министр заявилпереговоры сорвутсяcould '
    a = analyze(Document(text=text, language="ru"))
    assert a.problems == ()
