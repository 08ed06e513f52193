"""The language registry and per-language pipeline versions."""
from __future__ import annotations

import dataclasses

import pytest

from clipfile import pipeline
from clipfile.analysis.claims import claims
from clipfile.lang import REGISTRY, UnknownLanguage, as_language, get_language, languages
from clipfile.lang.base import Language
from clipfile.library import Library
from clipfile.pipeline import STAGE_VERSIONS, STAGES, analyze, pipeline_version
from clipfile.records import Document

ENGLISH = (
    "Harbour master Ines Marlow said on Tuesday that the new quay would open in March. "
    "\u201cWe are ready,\u201d she told reporters.\n"
)
RUSSIAN = "Начальник порта Инесса Марлова заявила во вторник, что новый причал откроют в марте.\n"


def test_registered_languages_are_listed_explicitly():
    assert languages() == tuple(sorted(REGISTRY)) == ("en", "ru")
    for code in languages():
        lang = get_language(code)
        assert isinstance(lang, Language) and lang.code == code and lang.version >= 1


def test_unknown_language_is_an_error_that_names_it():
    with pytest.raises(UnknownLanguage) as err:
        get_language("de")
    assert "'de'" in str(err.value) and "en, ru" in str(err.value)
    with pytest.raises(UnknownLanguage):
        claims(None, [], [], lang="de")
    with pytest.raises(UnknownLanguage):
        as_language("xx")


def test_text_in_an_unregistered_language_gets_only_the_language_free_stages():
    doc = Document(text="Der Hafenmeister sagte am Dienstag, der neue Kai werde im März eröffnet.\n",
                   language="de")
    a = analyze(doc)
    assert a.language is None and a.parsed is None
    assert a.entities == a.quotes == a.claims == ()
    assert a.version == pipeline_version(None) and "/" not in a.version


def test_every_stage_has_a_version():
    assert set(STAGE_VERSIONS) == {stage.__name__ for stage in STAGES}
    assert all(isinstance(v, int) and v >= 1 for v in STAGE_VERSIONS.values())


def _bumped(code: str):
    """A get_language whose ``code`` language is one version newer."""
    real = pipeline.get_language

    def fake(c: str) -> Language:
        lang = real(c)
        return dataclasses.replace(lang, version=lang.version + 1) if c == code else lang

    return fake


def test_a_language_change_moves_only_that_languages_version(monkeypatch):
    en, ru, none = pipeline_version("en"), pipeline_version("ru"), pipeline_version(None)
    assert en.endswith(f"/en-{get_language('en').version}") and en.split("/")[0] == none
    monkeypatch.setattr(pipeline, "get_language", _bumped("ru"))
    assert pipeline_version("ru") != ru
    assert pipeline_version("en") == en and pipeline_version(None) == none


def test_a_stage_change_moves_every_version(monkeypatch):
    before = {code: pipeline_version(code) for code in (*languages(), None)}
    monkeypatch.setitem(STAGE_VERSIONS, "claims", STAGE_VERSIONS["claims"] + 1)
    after = {code: pipeline_version(code) for code in (*languages(), None)}
    assert all(before[c] != after[c] for c in before)


def test_reanalyze_refreshes_only_the_language_that_changed(tmp_path, monkeypatch):
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "ru.txt").write_text(RUSSIAN, encoding="utf-8")
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.ingest([str(tmp_path / "en.txt"), str(tmp_path / "ru.txt")])
        assert lib.stale_documents() == []
        ids = {d.language: d.id for d in lib.store.iter_documents()}
        assert lib.store.analysis_version(ids["en"]) == pipeline_version("en")

        monkeypatch.setattr(pipeline, "get_language", _bumped("ru"))
        assert lib.stale_documents() == [ids["ru"]]
        assert lib.pending_analysis() == 1
        report = lib.reanalyze()
        assert [o.doc_id for o in report.outcomes] == [ids["ru"]]
        assert lib.store.analysis_version(ids["ru"]) == pipeline_version("ru")
        assert lib.stale_documents() == []
