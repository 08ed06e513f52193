"""Speaker labels of plain-text transcripts (``В.Громов:``, ``PUTIN:``, ``Q:``/``A:``): a label
carries to the text that follows until the next label, in both languages
(:mod:`clipfile.analysis.turns`).  Texts written for the tests."""
from __future__ import annotations

import pytest

from clipfile.analysis.turns import label_turns
from clipfile.pipeline import analyze
from clipfile.records import Document

ADDRESS = (
    "Послание президента Федеральному собранию\n\n"
    "А.Громов: Уважаемые члены Совета Федерации! Уважаемые депутаты! Уважаемые граждане!\n\n"
    "Послание этого года посвящено задачам, которые нам предстоит решить. Убеждён, что мы справимся.\n\n"
    "Мы увеличим расходы на дороги вдвое, и к 2028 году все региональные трассы будут отремонтированы. "
    "Такие кредиты получат семьи с детьми.\n\n"
    "Министр финансов Олег Рябов заверил меня, что бюджет выдержит новые расходы.\n\n"
    "(Аплодисменты.)\n\n"
    "Вопросы обеспечения жильём остаются острыми. Подчеркну, что программа продлится до 2030 года.\n"
)


def _analyze(text: str, language: str):
    return analyze(Document(text=text, language=language))


def test_one_label_opening_a_russian_speech_carries_to_the_end():
    pytest.importorskip("natasha")
    a = _analyze(ADDRESS, "ru")
    gromov = [e for e in a.entities if e.type == "PERSON" and e.name.endswith("Громов")]
    assert len(gromov) == 1
    turns = [q for q in a.quotes if q.speaker and q.speaker.entity_id == gromov[0].id]
    # one quote per paragraph, each linked to the one before; the stage direction is no one's
    assert [q.text.split()[0] for q in turns] == ["Уважаемые", "Послание", "Мы", "Министр", "Вопросы"]
    assert all(q.speaker.resolution == "first-person" for q in turns)
    assert all(ADDRESS[q.speaker.start:q.speaker.end] == "А.Громов" for q in turns)
    assert [q.continues for q in turns[1:4]] == [q.id for q in turns[:3]]
    assert not any("Аплодисменты" in q.text for q in a.quotes)
    # every forecast of the speech is the speaker's, a report of a third person stays his
    by_text = {f.text: f for f in a.forecasts}
    roads = next(f for t, f in by_text.items() if "дороги" in t)
    assert roads.forecaster is not None and roads.forecaster.entity_id == gromov[0].id
    budget = next(q for q in a.quotes if q.kind == "indirect" and "бюджет выдержит" in q.text)
    assert budget.speaker.name == "Олег Рябов"
    # nothing in the speech that is not a person becomes a speaker
    names = {q.speaker.name for q in a.quotes if q.speaker and q.speaker.name}
    assert names <= {gromov[0].name, "Олег Рябов"}, names


def test_english_capitals_label_opening_a_speech():
    text = ("Address to the nation\n\n"
            "HALVORSEN: Good evening. Tonight I want to speak about the harbour.\n\n"
            "We will rebuild the quay by 2027, and the ferries will run again in the spring.\n\n"
            "The governor assured me that the funds are in place.\n")
    a = _analyze(text, "en")
    quay = next(q for q in a.quotes if "rebuild the quay" in q.text)
    assert quay.speaker.name == "Halvorsen" and quay.speaker.resolution == "first-person"
    assert text[quay.speaker.start:quay.speaker.end] == "HALVORSEN"
    assert any(e.name == "Halvorsen" and e.type == "PERSON" for e in a.entities)
    funds = next(q for q in a.quotes if q.kind == "indirect" and "funds are in place" in q.text)
    assert funds.speaker.name != "Halvorsen"
    [f] = [f for f in a.forecasts if "2027" in f.text][:1]
    assert f.forecaster is not None and f.forecaster.name == "Halvorsen"


def test_question_and_answer_labels_name_the_interviewee():
    text = ("Interview with Harbour Minister Lena Voss\n\n"
            "Q: Will the new quay be finished on time?\n\n"
            "A: I expect the quay to open in April. The money is there.\n\n"
            "We have also hired more engineers.\n\n"
            "Q: Your critics say the project is over budget.\n\n"
            "A: They are wrong.\n")
    a = _analyze(text, "en")
    april = next(q for q in a.quotes if "open in April" in q.text)
    assert april.speaker.name == "Lena Voss" and april.speaker.resolution == "first-person"
    engineers = next(q for q in a.quotes if "engineers" in q.text)
    assert engineers.speaker.name == "Lena Voss" and engineers.continues == april.id
    on_time = next(q for q in a.quotes if "on time" in q.text)
    assert on_time.speaker.name == "Q"
    wrong = next(q for q in a.quotes if q.text == "They are wrong.")
    assert wrong.speaker.name == "Lena Voss"


def test_russian_question_and_answer():
    pytest.importorskip("natasha")
    text = ("Интервью с главой порта Ниной Ветровой\n\n"
            "Вопрос: Когда откроется новый причал?\n\n"
            "Ответ: Причал откроется в апреле. Деньги на него есть.\n")
    a = _analyze(text, "ru")
    pier = next(q for q in a.quotes if "в апреле" in q.text)
    assert pier.speaker.name == "Нина Ветрова"
    assert next(q for q in a.quotes if "Когда" in q.text).speaker.name == "Вопрос"


def test_headings_places_and_headlines_are_not_speakers():
    text = ("BREAKING: Council Votes To Close The Harbour Road.\n\n"
            "Ferries will stop on Monday.\n\n"
            "Справка: мост построен в 1961 году.\n")
    assert label_turns(text, []) == []
    dateline = "PORTOVIK: The council voted on Monday to close the harbour road for a year.\n"
    a = _analyze(dateline, "en")
    assert not any(q.cue is not None and q.cue.text == ":" for q in a.quotes) or \
        any(e.type == "PERSON" for e in a.entities)


def test_a_turn_ends_where_the_writer_speaks_of_the_speaker():
    text = ("Partial transcript:\n\n"
            "DANA FROST: Will you debate your rival?\n\n"
            "MARTA OLSEN: I will debate anyone, anywhere, at any time.\n\n"
            "Why will Olsen not name a date? Follow our coverage at www.example.org.\n")
    a = _analyze(text, "en")
    assert not any("name a date" in q.text for q in a.quotes if q.speaker and q.speaker.name == "Marta Olsen")
    assert next(q for q in a.quotes if "debate anyone" in q.text).speaker.name == "Marta Olsen"
