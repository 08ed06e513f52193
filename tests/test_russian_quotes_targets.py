"""Russian attribution patterns added for issue #16's quote targets, on sentences written for
the tests (fiction in news style)."""
import pytest

pytest.importorskip("natasha")

from clipfile.lang.ru.quotes import analyze  # noqa: E402


def run(text):
    _ents, qs = analyze(text)
    for q in qs:
        assert text[q.start : q.end] == q.text
    return qs


def said_by(q, text):
    return text[q.speaker.start : q.speaker.end] if q.speaker is not None and q.speaker.start is not None else None


def test_quoted_words_opening_the_clause_after_a_colon_are_mixed_speech():
    # "подметил" is read by the tagger as an adverb: pymorphy2 knows it only as a verb
    text = "Игорь Смирнов сразу подметил: «новый налог» никому не поможет."
    qs = run(text)
    assert [(q.text, q.kind) for q in qs] == [("«новый налог» никому не поможет", "mixed")]
    assert qs[0].speaker.name == "Игорь Смирнов"


def test_a_whole_quotation_after_a_colon_stays_direct():
    text = "Марина Котова подметила: «Налог никому не поможет». Потом она ушла."
    qs = run(text)
    assert [(q.text, q.kind) for q in qs] == [("Налог никому не поможет", "direct")]


def test_characterised_as_object_after_the_verb():
    text = "Министр финансов Ольга Петрова охарактеризовала бюджет как осторожный и честный."
    qs = run(text)
    assert [q.text for q in qs] == ["бюджет как осторожный и честный"]
    assert qs[0].speaker.name == "Ольга Петрова"


def test_characterised_as_object_before_the_verb_gives_what_it_is_said_to_be():
    text = "Критик Андрей Лесков давно хвалит молодых поэтов. Свой метод критик обозначил как медленное чтение."
    qs = run(text)
    assert [q.text for q in qs] == ["медленное чтение"]
    assert said_by(qs[0], text) == "критик"


def test_characterisation_by_a_gerund_inside_an_outlets_relay_is_the_subjects_own():
    text = ("Окружной суд, как пишет «Северный вестник», вернул дело следователям, оценив его "
            "как сфабрикованное, а не как ошибочное.")
    qs = run(text)
    texts = {q.text: q for q in qs}
    own = texts["его как сфабрикованное, а не как ошибочное"]
    assert said_by(own, text) == "Окружной суд"
    relay = next(q for q in qs if q.text.startswith("вернул дело"))
    assert relay.speaker.name == "Северный вестник"


def test_examples_after_kak_are_no_characterisation():
    assert run("Аналитик описал такие рынки как Чили и Перу.") == []
    assert run("Инженер подробно описал, как работает насос.") == []


def test_quoting_verb_gives_the_words_to_the_quoted_person_and_to_who_passes_them_on():
    text = ("Ольга Сергеева заявила на совещании, что налоги вырастут. Бюджет нужно урезать, "
            "процитировали ее участники встречи.")
    qs = [q for q in run(text) if q.text == "Бюджет нужно урезать"]
    assert [said_by(q, text) for q in qs] == ["ее", "участники встречи"]
    assert qs[0].speaker.name == "Ольга Сергеева"


def test_quoting_verb_with_a_marked_quotation():
    text = "Депутат Игорь Ветров процитировал министра Павла Орлова: «Всё будет хорошо»."
    qs = run(text)
    assert [q.speaker.name for q in qs] == ["Павел Орлов", "Игорь Ветров"]
    assert {q.text for q in qs} == {"Всё будет хорошо"}


def test_owner_of_the_words_named_before_a_colon_said_them():
    text = "Игорь Ветров адресовал писателю вопрос одной читательницы на вечную тему: «Почему вы бросили писать стихи?»"
    (q,) = run(text)
    assert said_by(q, text) == "одной читательницы"


def test_quoting_an_excerpt_of_someones_interview_gives_it_to_them_alone():
    text = ("Режиссёр Анна Зимина редко даёт интервью. Хочется процитировать напоследок отрывок из её "
            "интервью: «Зритель всё так же тоскует по простым историям».")
    (q,) = run(text)
    assert q.text == "Зритель всё так же тоскует по простым историям"
    assert q.speaker.name == "Анна Зимина" and said_by(q, text) == "её"


def test_quoting_someones_words_with_a_named_owner():
    text = "Олег Рябов процитировал слова министра Павла Орлова о налогах: «Денег хватит на всех»."
    assert [q.speaker.name for q in run(text)] == ["Павел Орлов", "Олег Рябов"]


def test_words_after_another_preposition_are_a_topic_not_the_quotation():
    text = "Министр Павел Орлов получил много писем. Он ответил на письмо министра: «Мы согласны с каждым пунктом»."
    (q,) = run(text)
    assert q.speaker.name == "Павел Орлов" and said_by(q, text) == "Он"


def test_soglasno_a_source_noun_and_where_it_was_published():
    text = ("Согласно информации, опубликованной в «Северном вестнике», министр подал в отставку. "
            "Согласно заявлению губернатора Ильи Мохова, дорога откроется в мае.")
    qs = run(text)
    assert [(q.text, q.speaker.name) for q in qs] == [
        ("министр подал в отставку", "Северный вестник"), ("дорога откроется в мае", "Илья Мохов")]


def test_a_source_phrase_far_before_quoted_words_does_not_own_them():
    text = ('Согласно информации, опубликованной в «Северном вестнике», певица попросила не называть её '
            'словами "великая", "несравненная" и попросила: «Пишите просто. Не люблю я весь этот пафос».')
    qs = run(text)
    assert not any(q.text in {"великая", "несравненная"} for q in qs)
    outlet = [q for q in qs if q.speaker.name == "Северный вестник"]
    # the outlet relays the whole sentence, up to the closing mark of the quotation that ends it
    assert len(outlet) == 1 and outlet[0].kind == "mixed"
    assert outlet[0].text.startswith("певица попросила") and outlet[0].text.endswith("этот пафос»")


def test_first_paragraphs_of_a_quotation_take_the_speaker_named_in_a_later_one():
    text = ("Министр Павел Орлов выступил на форуме.\n\n«Мы прошли трудный путь. Экономика выросла.\n\n"
            "«Бюджет выполнен. Долги погашены.\n\n«Теперь нужно думать о людях. Это главное», — сказал Орлов.\n")
    qs = run(text)
    assert [q.speaker.name for q in qs] == ["Павел Орлов"] * 3
    assert [q.speaker.resolution for q in qs] == ["continuation", "continuation", "named"]


def test_a_dash_after_a_sentence_inside_a_dialogue_line_starts_another_replica():
    text = ("Мы долго шли по городу.\n\n— Это что, театр? — интересуется Анна Белова. — Нет, это библиотека. "
            "Там, говорят, много старых книг. — Ага. Значит, можно зайти? — уточняет она.\n")
    qs = run(text)
    assert [q.text for q in qs] == ["Это что, театр?", "Нет, это библиотека. Там, говорят, много старых книг",
                                    "Ага. Значит, можно зайти?"]
    assert said_by(qs[2], text) == "она" and qs[1].speaker.resolution == "continuation"


def test_authors_of_a_document_are_who_the_text_says_sent_it():
    text = ("Саратовские учителя физики обратились с открытым письмом к министру. "
            "Авторы письма попросили министра вернуть часы астрономии.")
    (q,) = run(text)
    assert q.speaker.name == "Саратовские учителя физики" and said_by(q, text) == "Авторы письма"


def test_authors_of_a_document_nobody_is_said_to_send_stay_as_written():
    text = "Министр получил письмо. Авторы доклада попросили министра вернуть часы астрономии."
    (q,) = run(text)
    assert q.speaker.name == "Авторы доклада"


def test_an_impersonal_report_names_the_document_it_is_in():
    text = "«Мы требуем вернуть уроки», — говорится в обращении учителей. В докладе говорится, что цены выросли."
    qs = run(text)
    assert [(q.speaker.name, said_by(q, text)) for q in qs] == [
        ("обращение учителей", "обращении учителей"), ("доклад", "докладе")]


def test_a_document_named_as_the_source_is_its_senders_words():
    text = ("Саратовские учителя физики направили письмо министру. «Верните астрономию в школы», — "
            "говорится в письме.")
    (q,) = run(text)
    assert q.speaker.name == "Саратовские учителя физики"


def test_about_this_in_a_persons_article_adds_nothing_to_their_own_report():
    text = ("Депутат Игорь Ветров предложил закрыть старый мост. Об этом говорится в статье Ветрова "
            "«Как спасти город».")
    qs = run(text)
    assert [(q.text, q.speaker.name) for q in qs] == [("закрыть старый мост", "Игорь Ветров")]


def test_a_bare_impersonal_report_names_no_one():
    (q,) = run("Сообщается, что цены выросли.")
    assert q.speaker.resolution == "unresolved"


def test_the_authors_words_between_dashes_are_no_replica():
    text = ("Мы шли.\n\n— Анна, ты где? — спросил Олег Рябов. — Я пришёл вовремя. — Олег помолчал. — "
            "Но было поздно, — сказал Олег Рябов.\n")
    qs = run(text)
    assert [q.text for q in qs] == ["Анна, ты где?", "Я пришёл вовремя", "Но было поздно"]
    assert {q.speaker.name for q in qs} == {"Олег Рябов"}


def test_a_line_with_no_authors_words_yet_is_not_split():
    text = "Мы шли.\n\n— Я пришёл вовремя. — Но было поздно, — сказал Олег Рябов.\n"
    (q,) = run(text)
    assert q.text == "Я пришёл вовремя. — Но было поздно" and q.speaker.name == "Олег Рябов"
