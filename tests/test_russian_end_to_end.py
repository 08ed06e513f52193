"""Russian inputs end to end: legacy encodings and captions through ingest, analysis and search."""
from __future__ import annotations

import pytest

from clipfile.library import Library

ARTICLE = """Губернатор пообещал достроить мост

«Мост через Кессель будет открыт к осени», — заявил губернатор Олег Вершинин.
По словам Вершинина, подрядчик уже получил деньги.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
ВЕДУЩИЙ: Добрый вечер. В студии губернатор Олег Вершинин.

2
00:00:04,500 --> 00:00:08,000
ВЕРШИНИН: Мост будет открыт к осени, я в этом уверен.
"""


# KOI8-R has no « » or dash: texts of that era use straight quotes and a hyphen.
KOI8_ARTICLE = ARTICLE.replace("«", '"').replace("»", '"').replace("—", "-")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16"])
def test_legacy_encodings_are_read_and_analysed(tmp_path, encoding):
    text = KOI8_ARTICLE if encoding == "koi8-r" else ARTICLE
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    with Library(tmp_path / "lib.sqlite") as lib:
        report = lib.ingest([str(path)])
        assert report.count("new") == 1 and not report.failed, report.outcomes
        doc_id = report.outcomes[0].doc_id
        assert lib.store.get_document(doc_id).text == text
        assert lib.store.get_document(doc_id).language == "ru"
        quotes = lib.store.items("quote", doc_id=doc_id)
        direct = [q for q in quotes if q["kind"] == "direct"]
        assert direct and direct[0]["text"] == "Мост через Кессель будет открыт к осени"
        assert direct[0]["speaker"]["name"] == "Олег Вершинин"
        assert lib.store.search("мостом")  # another case of «мост»


def test_russian_captions_keep_speakers_and_times(tmp_path):
    path = tmp_path / "vecher.srt"
    path.write_text(SRT, encoding="utf-8")
    with Library(tmp_path / "lib.sqlite") as lib:
        report = lib.ingest([str(path)])
        assert report.count("new") == 1 and not report.failed, report.outcomes
        doc = lib.store.get_document(report.outcomes[0].doc_id)
        assert doc.kind == "transcript" and doc.language == "ru"
        cues = doc.metadata["cues"]
        assert [c["speaker"] for c in cues] == ["ВЕДУЩИЙ", "ВЕРШИНИН"]
        assert doc.text[cues[1]["start"]:cues[1]["end"]].startswith("Мост будет открыт")
        assert cues[1]["t_start"] == pytest.approx(4.5)
        assert lib.store.get_analysis(doc.id) is not None
