"""Item-level isolation (issue #14): a stage that fails on one item skips that item, records it
in the analysis (``problems``), and never costs the document the rest of its analysis.

The failures are injected: a language hook is patched to raise on one item of a text written
for these tests, and the other items must still be found, exactly as without the failure.
"""
from __future__ import annotations

import dataclasses
import importlib
import json

import pytest
from typer.testing import CliRunner

import clipfile.analysis.duplicates as duplicates_module
import clipfile.analysis.timex as timex_module
import clipfile.pipeline as pipeline
from clipfile.analysis.claims import claims as find_claims
from clipfile.cli import app
from clipfile.errors import ExtractionError
from clipfile.lang import get_language
from clipfile.lang.en.claims import EnglishClaims
from clipfile.lang.en.forecasts import EnglishForecasts
from clipfile.lang.en.timex import EnglishTimes
from clipfile.library import Library
from clipfile.pipeline import analyze
from clipfile.records import Document

TEXT = ("Mayor Lena Hardwick said on Monday that the Kessel bridge will reopen in March.\n\n"
        "\u201cWe have fixed the cracks,\u201d she said.\n\n"
        "Councillor Tomas Reyes said the repairs cost the city two million dollars. "
        "\u201cThe zorblat inspection was a farce,\u201d Reyes said.\n\n"
        "Hardwick approved the repair budget in April. Reyes once ran the city engineering office.\n\n"
        "The council expects tolls to rise next year if traffic grows. "
        "The bridge was closed in 2019 after a flood, and it was inspected on 4 May 2021.")

RUSSIAN = ("Министр транспорта Анна Орлова заявила, что мост откроют в марте.\n\n"
           "«Мы устранили трещины», — сказала Орлова.\n\n"
           "«Проверка была фарсом», — заявил депутат Пётр Соколов.")


def _doc(text: str = TEXT, lang: str = "en") -> Document:
    return Document(text=text, language=lang, published="2023-06-01")


def _texts(a, kind: str) -> list[str]:
    return [x.text for x in getattr(a, kind)]


@pytest.fixture(scope="module")
def clean():
    """The analysis of TEXT with nothing injected."""
    a = analyze(_doc())
    assert a.problems == ()
    return a


def _raise_on(monkeypatch, cls, name: str, when) -> None:
    """Patch ``cls.name`` to raise RuntimeError when ``when(*args)`` holds, else run as before."""
    original = getattr(cls, name)

    def patched(self, *args, **kwargs):
        if when(self, *args):
            raise RuntimeError("injected failure")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, patched)
    # Scans of a text's times are cached by text and rules: the patched code must run.
    monkeypatch.setattr(timex_module, "_TIMES_CACHE", type(timex_module._TIMES_CACHE)())


def _check_problem(a, stage: str, item: str, inside: str) -> None:
    assert len(a.problems) == 1, a.problems
    p = a.problems[0]
    assert (p.stage, p.item, p.error) == (stage, item, "RuntimeError: injected failure")
    assert inside in a.document.text[p.start:p.end]
    assert a.to_json()["problems"] == [dataclasses.asdict(p)]


def test_a_failing_quote_is_skipped_and_the_other_quotes_stay(monkeypatch, clean):
    en_quotes = importlib.import_module("clipfile.lang.en.quotes")  # clipfile.lang.en.quotes is a function
    original = en_quotes._direct_cue

    def direct_cue(doc, q, res, quoted, text):
        if "zorblat" in text[q.start:q.end]:
            raise RuntimeError("injected failure")
        return original(doc, q, res, quoted, text)

    monkeypatch.setattr(en_quotes, "_direct_cue", direct_cue)
    a = analyze(_doc())
    _check_problem(a, "quotes", "quote", "zorblat inspection")
    assert _texts(a, "quotes") == [t for t in _texts(clean, "quotes") if "zorblat" not in t]
    # The stages after it ran on what there was (claims read the quotes; events do not).
    assert a.claims and _texts(a, "events") == _texts(clean, "events")


def test_a_failing_claim_unit_is_skipped(monkeypatch, clean):
    _raise_on(monkeypatch, EnglishClaims, "predicate", lambda self, toks: any(t.text == "Reyes" for t in toks))
    a = analyze(_doc())
    assert "Reyes once ran the city engineering office." in _texts(clean, "claims")
    assert "Hardwick approved the repair budget in April." in _texts(a, "claims")
    assert _texts(a, "claims") == [t for t in _texts(clean, "claims") if "Reyes" not in t]
    assert {(p.stage, p.item) for p in a.problems} == {("claims", "claim unit")}
    assert all("Reyes" in TEXT[p.start:p.end] for p in a.problems)
    assert _texts(a, "quotes") == _texts(clean, "quotes")


def test_a_failing_forecast_trigger_is_skipped(monkeypatch, clean):
    _raise_on(monkeypatch, EnglishForecasts, "condition", lambda self, t: t.pred.text == "rise")
    a = analyze(_doc())
    _check_problem(a, "forecasts", "forecast trigger", "tolls to rise")
    assert _texts(a, "forecasts") == [t for t in _texts(clean, "forecasts") if "tolls" not in t]
    assert len(_texts(a, "forecasts")) == len(_texts(clean, "forecasts")) - 1


def test_a_failing_time_expression_is_skipped(monkeypatch, clean):
    _raise_on(monkeypatch, EnglishTimes, "resolve", lambda self, hit, ctx: TEXT[hit.start:hit.end] == "2019")
    a = analyze(_doc())
    # The forecast and the event stages both read the document's times: each skips it.
    assert ("events", "time expression") in {(p.stage, p.item) for p in a.problems}
    assert {p.item for p in a.problems} == {"time expression"}
    assert {TEXT[p.start:p.end] for p in a.problems} == {"2019"}
    assert _texts(a, "events") == [t for t in _texts(clean, "events") if "2019" not in t]
    assert any("4 May 2021" in t for t in _texts(a, "events"))


def test_a_stage_that_fails_outright_leaves_the_others(monkeypatch, clean):
    def broken(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(duplicates_module, "duplicates", broken)
    a = analyze(_doc())
    assert [(p.stage, p.item, p.start, p.end) for p in a.problems] == [("duplicates", "stage", None, None)]
    assert a.duplicates == ()
    for kind in ("entities", "quotes", "claims", "forecasts", "events"):
        assert getattr(a, kind) == getattr(clean, kind)


def test_a_parser_that_fails_keeps_the_language_and_the_version(monkeypatch):
    english = get_language("en")

    def failing_parse(text):
        raise RuntimeError("injected failure")

    broken = dataclasses.replace(english, parse=failing_parse)
    monkeypatch.setattr(pipeline, "get_language", lambda code: broken if code == "en" else get_language(code))
    a = analyze(_doc())
    assert [(p.stage, p.item, p.start, p.end) for p in a.problems] == [("parse", "text", 0, len(TEXT))]
    # Nothing that needs the parse is found, and nothing else fails because of it.
    assert (a.entities, a.quotes, a.claims, a.events) == ((), (), (), ())
    assert a.language == "en" and a.version == pipeline.pipeline_version("en")


def test_a_failing_russian_quote_is_skipped(monkeypatch):
    ru_speakers = importlib.import_module("clipfile.lang.ru.quotes.speakers")
    clean = analyze(_doc(RUSSIAN, "ru"))
    assert any("фарсом" in t for t in _texts(clean, "quotes")) and clean.problems == ()
    original = ru_speakers.speaker

    def speaker(an, f):
        if "фарсом" in an.text[f.start:f.end]:
            raise RuntimeError("injected failure")
        return original(an, f)

    monkeypatch.setattr(ru_speakers, "speaker", speaker)
    a = analyze(_doc(RUSSIAN, "ru"))
    _check_problem(a, "quotes", "quote", "фарсом")
    assert _texts(a, "quotes") == [t for t in _texts(clean, "quotes") if "фарсом" not in t]


def test_outside_the_pipeline_a_failure_is_raised(monkeypatch):
    """Isolation is the pipeline's policy: a stage called on its own shows its bugs."""
    _raise_on(monkeypatch, EnglishClaims, "predicate", lambda self, toks: True)
    a = analyze(_doc())  # the pipeline records them ...
    assert a.problems and a.claims == ()
    english = get_language("en")
    doc = english.parse(TEXT)
    with pytest.raises(RuntimeError, match="injected"):  # ... a direct call raises
        find_claims(doc, list(a.entities), list(a.quotes), lang=english)


def test_an_extraction_error_is_not_an_item_problem(monkeypatch):
    """An ExtractionError says the analysis cannot run at all (no model): it is raised."""
    def no_model(self, *args):
        raise ExtractionError("No English spaCy model is installed")

    monkeypatch.setattr(EnglishClaims, "predicate", no_model)
    with pytest.raises(ExtractionError, match="No English spaCy model"):
        analyze(_doc())


def test_the_library_stores_an_analysis_with_problems_and_reanalyze_leaves_it(monkeypatch, tmp_path):
    _raise_on(monkeypatch, EnglishForecasts, "condition", lambda self, t: t.pred.text == "rise")
    path = tmp_path / "in.txt"
    path.write_text(TEXT, encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    r = CliRunner().invoke(app, ["-L", str(lib), "ingest", str(path)])
    said = " ".join(r.output.split())
    assert r.exit_code == 0, r.output
    assert "1 new" in said and "analysis failed" not in said
    assert "warning: analysis: forecasts skipped the forecast trigger at" in said
    with Library(lib) as library:
        (doc,) = library.store.iter_documents()
        stored = library.store.get_analysis(doc.id)
        assert [(p["stage"], p["item"]) for p in stored["problems"]] == [("forecasts", "forecast trigger")]
        assert stored["quotes"] and stored["events"]
        # The analysis is current: reanalyze has nothing to do, and does not fail on it.
        assert library.pending_analysis() == 0
        report = library.reanalyze()
        assert report.failed == [] and report.outcomes == []
        # Re-run anyway (--all): it is analysed again, the problem recorded again, no failure.
        report = library.reanalyze(everything=True)
        assert report.failed == [] and [o.analyzed for o in report.outcomes] == [True]
        assert report.outcomes[0].warnings and "forecast trigger" in report.outcomes[0].warnings[0]
    r = CliRunner().invoke(app, ["-L", str(lib), "show", doc.id])
    assert r.exit_code == 0 and "forecasts skipped the forecast trigger at" in " ".join(r.output.split())


def test_analyze_prints_a_warning_for_a_skipped_item(monkeypatch):
    _raise_on(monkeypatch, EnglishTimes, "resolve", lambda self, hit, ctx: TEXT[hit.start:hit.end] == "2019")
    r = CliRunner().invoke(app, ["analyze", "-"], input=TEXT.encode("utf-8"))
    assert r.exit_code == 0, r.output
    obj = json.loads(next(line for line in r.stdout.splitlines() if line.startswith("{")))
    assert ("events", "time expression") in [(p["stage"], p["item"]) for p in obj["problems"]]
    assert {p["item"] for p in obj["problems"]} == {"time expression"}
    assert "events skipped the time expression at" in " ".join(r.output.split())


def test_no_problems_no_key():
    """An analysis that met no bug reads as it always did: no ``problems`` key."""
    assert "problems" not in analyze(Document(text="The mayor said the bridge is safe.", language="en")).to_json()
