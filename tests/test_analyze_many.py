"""``analyze_many``: documents parsed in batches give exactly what ``analyze`` gives one at a time,
and a document that fails inside a batch fails alone."""
from __future__ import annotations

import dataclasses
import json

import pytest

from clipfile import pipeline
from clipfile.errors import ExtractionError
from clipfile.lang import get_language
from clipfile.parallel import Inline, Job, analyze_documents
from clipfile.pipeline import analyze, analyze_many
from clipfile.records import Document

# Fiction in news style, written for these tests.
ENGLISH = [
    "Harbour board delays dredging vote\n\n"
    "The Saltmere harbour board put off its vote on the dredging contract on Tuesday. "
    "\u201cWe will not sign a contract we cannot pay for,\u201d said Mara Lindqvist, who chairs the board. "
    "Fishermen told reporters the delay could cost them the spring season.\n",
    "Ferry fares to rise in March\n\n"
    "Fares on the Gull Island ferry will rise by eight percent in March, the operator said on Friday. "
    "Its chief executive, Owen Castell, said fuel had become too dear to hold prices. "
    "Councillors expect the island's shops to feel it first, according to a council memo.\n",
    "Flood drill at Kessel Falls\n\n"
    "About two hundred residents of Kessel Falls took part in a flood drill on Sunday. "
    "The fire service said the sirens had worked. "
    "\u201cNext year we will run it at night,\u201d said Halima Yusuf, the town's emergency planner.\n",
    "Short note.",
]
RUSSIAN = [
    "Совет Приморска отложил решение о пароме\n\n"
    "Городской совет Приморска во вторник отложил голосование о контракте на паромную переправу. "
    "«Мы не подпишем контракт, за который не сможем заплатить», — заявил председатель совета Игорь Ветров. "
    "По словам рыбаков, задержка может стоить им весеннего сезона.\n",
    "Тарифы на воду вырастут в марте\n\n"
    "Тарифы на воду в Заречье вырастут в марте на восемь процентов, сообщила в пятницу компания «Водоканал». "
    "Её директор Анна Соколова сказала, что ремонт сетей обходится слишком дорого. "
    "Депутаты ожидают, что жители почувствуют рост уже весной.\n",
    "Учения в Каменке прошли успешно, считают спасатели.",
]


def _documents() -> list[Document]:
    docs = [Document(text=t, language="en", source="Test Courier", published="2025-02-11") for t in ENGLISH]
    docs += [Document(text=t, language="ru", source="Тестовый вестник", published="2025-02-11") for t in RUSSIAN]
    # interleaved, with a text no language analyses and one whose language is detected
    mixed = [d for pair in zip(docs, reversed(docs)) for d in pair][: len(docs)]
    return mixed + [Document(text="12 34 56", language=None), Document(text=ENGLISH[2])]


def _json(found) -> str:
    return json.dumps(found.to_json(), ensure_ascii=False, sort_keys=True)


def test_analyze_many_gives_what_analyze_gives_one_at_a_time():
    docs = _documents()
    one_by_one = [_json(analyze(d)) for d in docs]
    for batch in (1, 3, 16):
        assert [_json(a) for a in analyze_many(docs, batch=batch)] == one_by_one
    assert any(json.loads(j)["quotes"] for j in one_by_one)  # the texts do hold findings
    assert {json.loads(j)["pipeline_version"].split("/")[-1][:2] for j in one_by_one} >= {"en", "ru"}


def test_analyze_many_parses_a_language_in_one_batch(monkeypatch):
    """The documents of one language reach the language's batch parser together."""
    seen: list[int] = []
    real = pipeline.get_language

    def spying(code):
        lang = real(code)
        many = lang.parse_many

        def parse_many(texts):
            seen.append(len(texts))
            return many(texts)

        return dataclasses.replace(lang, parse_many=parse_many)

    monkeypatch.setattr(pipeline, "get_language", spying)
    docs = [Document(text=t, language="en") for t in ENGLISH]
    list(analyze_many(docs))
    assert seen == [len(ENGLISH)]


BAD = "[the parser breaks on this text]"


def _breaking(monkeypatch, exc: type[Exception]) -> None:
    """English whose parser raises ``exc`` on a text holding BAD, alone or in a batch."""
    real = pipeline.get_language

    def breaking(code):
        lang = real(code)
        if code != "en":
            return lang

        def parse(text):
            if BAD in text:
                raise exc("the parser met something it cannot read")
            return lang.parse(text)

        def parse_many(texts):
            if any(BAD in t for t in texts):
                raise exc("the parser met something it cannot read")
            return lang.parse_many(texts)

        return dataclasses.replace(lang, parse=parse, parse_many=parse_many)

    monkeypatch.setattr(pipeline, "get_language", breaking)


def test_a_document_the_parser_fails_on_fails_alone(monkeypatch):
    docs = [Document(text=t, language="en") for t in ENGLISH[:3]]
    expected = [_json(analyze(d)) for d in docs]
    bad = Document(text=ENGLISH[3] + "\n" + BAD, language="en")
    _breaking(monkeypatch, ValueError)
    alone = analyze(bad)
    found = list(analyze_many([docs[0], bad, docs[1], docs[2]]))
    assert [_json(a) for a in (found[0], found[2], found[3])] == expected
    assert _json(found[1]) == _json(alone)
    assert [p.stage for p in found[1].problems] == ["parse"]  # recorded as analyze records it


def test_a_document_that_cannot_be_analysed_is_an_error_in_its_place(monkeypatch):
    docs = [Document(text=t, language="en") for t in ENGLISH[:2]]
    expected = [_json(analyze(d)) for d in docs]
    bad = Document(text=ENGLISH[2] + BAD, language="en")
    _breaking(monkeypatch, ExtractionError)
    with pytest.raises(ExtractionError):
        analyze(bad)
    found = list(analyze_many([docs[0], bad, docs[1]]))
    assert isinstance(found[1], ExtractionError)
    assert [_json(found[0]), _json(found[2])] == expected
    outcomes = analyze_documents([docs[0], bad, docs[1]])
    assert [o[1] is None for o in outcomes] == [True, False, True]
    assert "cannot read" in (outcomes[1][1] or "")
    done = list(Inline(batch=2).run(Job(k, d) for k, d in enumerate([docs[0], bad, docs[1]])))
    assert [d.job.key for d in done] == [0, 1, 2]
    assert [d.error is None for d in done] == [True, False, True]
    assert json.dumps(done[2].result, sort_keys=True, ensure_ascii=False) == expected[1]


def test_the_russian_batch_parser_parses_each_text_as_parse_does():
    lang = get_language("ru")
    texts = RUSSIAN + ["   \n  ", "Коротко."]
    assert lang.parse_many is not None
    together_all = lang.parse_many(texts)
    assert any(doc.spans for doc in together_all)  # the texts do name people and places
    for alone, together in zip(map(lang.parse, texts), together_all):
        assert together.tokens == alone.tokens and together.sents == alone.sents
        assert together.spans == alone.spans


def test_russian_entities_are_tagged_in_batches_of_like_length_each_as_alone(monkeypatch):
    """Texts of about one length share an entity batch, a much longer one gets its own; each
    text's entities are those it gets alone."""
    import importlib

    ru_parse = importlib.import_module("clipfile.lang.ru.parse")
    forward = importlib.import_module("clipfile.lang.ru.forward")
    ner_markups = forward.ner_markups
    batches: list[int] = []

    def counting(tagger, items, words):
        batches.append(len(items))
        return ner_markups(tagger, items, words)

    short = ["Мэр Казани Ильдар Гараев открыл мост.", "Губернатор Омска Павел Рябов уехал в Томск."]
    long = " ".join(RUSSIAN) * 2
    texts = short + [long]
    alone = [ru_parse.parse(t) for t in texts]
    monkeypatch.setattr(forward, "ner_markups", counting)
    together = ru_parse.parse_many(texts)
    assert sorted(batches) == [1, 2]
    assert [d.spans for d in together] == [d.spans for d in alone]
    assert any(d.spans for d in together)
