"""An English and a Russian article about the same people share library entities."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.library import Library

EN = """Port Averill mayor vows to finish dam repairs

Mayor Anna Kessler said on Monday that the repairs to the Kessel dam "will be finished before the spring floods".
Kessler added that the contractor, Viktor Hale, had promised to double his crews.
"""

RU = """Мэр Порт-Эверилла пообещала закончить ремонт плотины

«Ремонт плотины будет закончен до весеннего паводка», — заявила мэр Анна Кесслер.
По словам Кесслер, подрядчик Виктор Хейл обещал удвоить число рабочих.
"""


@pytest.fixture
def library(tmp_path):
    (tmp_path / "en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "ru.txt").write_text(RU, encoding="utf-8")
    path = tmp_path / "lib.sqlite"
    with Library(path) as lib:
        report = lib.ingest([str(tmp_path / "en.txt"), str(tmp_path / "ru.txt")])
        assert report.count("new") == 2 and not report.failed, report.outcomes
    return path


def test_one_entity_across_scripts(library):
    with Library(library) as lib:
        [by_latin] = lib.store.find_entities("Anna Kessler")[:1]
        [by_cyrillic] = lib.store.find_entities("Кесслер")[:1]
        assert by_latin.id == by_cyrillic.id
        assert by_latin.document_count == 2
        names = set(by_latin.aliases)
        assert any("Kessler" in n for n in names) and any("Кесслер" in n for n in names)
        quotes = lib.store.items("quote", entity=by_latin.id, role="speaker")
        langs = {q["document"] for q in quotes}
        assert len(langs) == 2  # she is quoted in both articles


def test_entity_command_in_both_scripts(library):
    runner = CliRunner()
    latin = runner.invoke(app, ["-L", str(library), "entity", "Kessler"])
    cyrillic = runner.invoke(app, ["-L", str(library), "entity", "Кесслер"])
    assert latin.exit_code == 0 and cyrillic.exit_code == 0
    assert latin.output.splitlines()[0] == cyrillic.output.splitlines()[0]
    flat = " ".join(latin.output.split())  # the terminal may wrap lines
    assert "весеннего паводка" in flat and "spring floods" in flat


def test_russian_search_finds_other_cases(library):
    with Library(library) as lib:
        hits = lib.store.search("плотина")  # the text has «плотины»
        assert hits and "[[плотины]]" in hits[0].snippet
