"""Russian quotations: every convention the module claims, on sentences written for the tests."""
import json
import subprocess
import sys

import pytest

pytest.importorskip("natasha")

from clipfile.lang.ru.quotes import analyze  # noqa: E402


def run(text):
    ents, qs = analyze(text)
    for q in qs:
        assert text[q.start : q.end] == q.text
        if q.cue is not None:
            assert text[q.cue.start : q.cue.end] == q.cue.text
        if q.speaker is not None and q.speaker.start is not None:
            assert 0 <= q.speaker.start < q.speaker.end <= len(text)
    return ents, qs


def one(text, quote):
    _ents, qs = run(text)
    match = [q for q in qs if q.text == quote]
    assert match, [q.text for q in qs]
    return match[0], text


def said_by(q, text):
    return text[q.speaker.start : q.speaker.end] if q.speaker.start is not None else None


def test_guillemets_then_dash_attribution():
    q, t = one("«Мы не отступим», — заявил министр Андрей Соколов.", "Мы не отступим")
    assert q.kind == "direct" and q.cue.text == "заявил"
    assert q.speaker.name == "Андрей Соколов" and q.speaker.resolution == "named"


def test_straight_quotes_and_hyphen():
    q, t = one('"Прибыль выросла вдвое", - говорит директор завода.', "Прибыль выросла вдвое")
    assert said_by(q, t) == "директор завода" and q.speaker.resolution == "nominal"


def test_author_first_with_colon():
    q, t = one("Глава комитета Ольга Белова сказала: «Мы ждём поправок к осени».", "Мы ждём поправок к осени")
    assert q.speaker.name == "Ольга Белова" and q.cue.text == "сказала"


def test_nested_lapki_keep_the_outer_quote_whole():
    text = "«Он сказал мне: „Держись до конца“, и я держался», — вспоминает Иван Петров."
    _ents, qs = run(text)
    outer = next(q for q in qs if q.text.startswith("Он сказал"))
    assert outer.text == "Он сказал мне: „Держись до конца“, и я держался"
    assert outer.speaker.name == "Иван Петров"
    inner = [q for q in qs if q.text == "Держись до конца"]
    assert inner and inner[0].nested_in == outer.id


def test_scare_quotes_are_not_speech():
    _ents, qs = run("Компания «Северный ветер» открыла новый завод.")
    assert qs == []


def test_dialogue_dash_with_continuation():
    text = "Министр Андрей Соколов выступил в Думе.\n\n— Мы не отступим, — заявил Соколов. — Бюджет будет сбалансирован."
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["Мы не отступим", "Бюджет будет сбалансирован"]
    assert qs[0].speaker.name == "Андрей Соколов" and qs[0].speaker.resolution == "named"
    assert qs[1].speaker.name == "Андрей Соколов" and qs[1].speaker.resolution == "continuation"


def test_po_slovam():
    q, t = one("По словам Марии Захаровой, переговоры продолжатся в мае.", "переговоры продолжатся в мае")
    assert q.kind == "indirect" and q.cue.text == "По словам"
    assert q.speaker.name == "Мария Захарова"


def test_po_ego_slovam_is_a_pronoun():
    text = "Андрей Соколов выступил в среду. По его словам, «ведомство сократит расходы»."
    q, t = one(text, "ведомство сократит расходы")
    assert q.speaker.resolution == "pronoun" and q.speaker.name == "Андрей Соколов"


def test_kak_soobshil():
    q, t = one("Как сообщил губернатор Пётр Орлов, мост откроют летом.", "мост откроют летом")
    assert q.speaker.name == "Пётр Орлов"


def test_indirect_with_chto_and_pronoun():
    text = "Ольга Белова выступила на форуме. Она добавила, что депутаты готовы работать и в августе."
    q, t = one(text, "что депутаты готовы работать и в августе")
    assert q.kind == "indirect"
    assert q.speaker.resolution == "pronoun" and q.speaker.name == "Ольга Белова"


def test_indirect_stops_at_concession():
    text = "Экономисты отмечают, что рост цен замедлился, хотя данные пока неполные."
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["что рост цен замедлился"]


@pytest.mark.parametrize("verb", ["сказал", "отметил", "подчеркнул", "добавил"])
def test_reporting_verbs_after_quote(verb):
    text = f"«Решение уже принято», — {verb} представитель ведомства."
    q, t = one(text, "Решение уже принято")
    assert q.cue.text == verb and said_by(q, t) == "представитель ведомства"


def test_trailing_attribution_without_marks():
    q, t = one("Рубль к осени окрепнет, говорят аналитики банка.", "Рубль к осени окрепнет")
    assert q.kind == "indirect" and said_by(q, t) == "аналитики банка"


def test_mixed_quote_after_colon():
    text = "Вице-премьер Игорь Кузнецов признал: у регионов нет «настоящих рычагов влияния» на цены."
    q, t = one(text, "у регионов нет «настоящих рычагов влияния» на цены")
    assert q.kind == "mixed" and q.speaker.name == "Игорь Кузнецов"


def test_nominal_resolves_to_titled_person():
    text = "Министр обороны Олег Волков прибыл на учения. «Армия готова», — сказал министр."
    q, t = one(text, "Армия готова")
    assert q.speaker.resolution == "nominal" and q.speaker.name == "Олег Волков"


def test_standalone_quote_continues_last_speaker():
    text = "«Мы ждём поправок», — сказала Ольга Белова. «Это вопрос доверия»."
    q, t = one(text, "Это вопрос доверия")
    assert q.speaker.resolution == "continuation" and q.speaker.name == "Ольга Белова"


def test_first_person():
    q, t = one("«Я этого не обещал», — сказал я.", "Я этого не обещал")
    assert q.speaker.resolution == "first-person"


def test_adaq_dev_direct_quotes_meet_targets(tmp_path, shared):
    gold = shared / "bench/quotes/adaq-ru-dev.jsonl"
    if not gold.exists():
        pytest.skip(f"shared evaluation data not found at {gold}")
    pred = tmp_path / "pred.jsonl"
    with gold.open(encoding="utf-8") as fh, pred.open("w", encoding="utf-8") as w:
        for line in fh:
            d = json.loads(line)
            _e, qs = analyze(d["text"])
            rows = [
                {"start": q.start, "end": q.end, "speaker": d["text"][q.speaker.start : q.speaker.end]
                 if q.speaker and q.speaker.start is not None else (q.speaker.name if q.speaker else None)}
                for q in qs if q.kind == "direct"
            ]
            w.write(json.dumps({"id": d["id"], "quotes": rows}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(gold.parents[1] / "score_quotes.py"), str(gold), str(pred),
                          "--kinds", "direct"], capture_output=True, text=True, check=True).stdout
    res = json.loads(out)
    assert res["overlap50"]["f1"] >= 0.9
    assert res["speaker_accuracy_overlap"]["accuracy"] >= 0.85


def test_dialogue_line_resumed_after_the_author_continues_the_piece_before():
    _ents, qs = run("— Мы не отступим, — заявил министр Андрей Соколов. — Ни на шаг.")
    first, second = qs
    assert (first.text, second.text) == ("Мы не отступим", "Ни на шаг")
    assert second.continues == first.id and second.speaker.name == "Андрей Соколов"


def test_guillemets_inside_guillemets_keep_the_outer_quote_whole():
    q, _t = one("«Компания «Восток» выполнит план до конца года», — заявил директор Пётр Волков.",
                "Компания «Восток» выполнит план до конца года")
    assert q.kind == "direct" and q.speaker.name == "Пётр Волков"


def test_straight_marks_inside_straight_marks():
    q, _t = one('Директор Пётр Волков сказал: "Проект "Северный поток" завершат в срок".',
                'Проект "Северный поток" завершат в срок')
    assert q.cue.text == "сказал"


def test_a_quote_over_two_paragraphs_is_linked():
    text = ("Министр Андрей Соколов выступил в среду.\n«Мы не отступим от плана реформы.\n"
            "«Бюджет будет сбалансирован к осени», — заявил Соколов.")
    _ents, qs = run(text)
    first = next(q for q in qs if q.text.startswith("Мы не отступим"))
    second = next(q for q in qs if q.text.startswith("Бюджет"))
    assert second.continues == first.id and second.speaker.name == "Андрей Соколов"


# ---- issue 16: who said it (spokespeople) and the wire patterns ----------------------------

def test_spokesman_speaks_for_his_principal_not_as_him():
    text = "Губернатор не знал о сделке, сообщил пресс-секретарь Петра Орлова Игорь Ланский."
    q, t = one(text, "Губернатор не знал о сделке")
    assert q.speaker.name == "Игорь Ланский" and q.speaker.resolution == "named"
    assert q.speaker.on_behalf_of is not None and q.speaker.on_behalf_of.name == "Пётр Орлов"
    # the same in a source phrase, where every name is genitive
    q, t = one("По словам пресс-секретаря Петра Орлова Игоря Ланского, мост достроят к маю.",
               "мост достроят к маю")
    assert q.speaker.name == "Игорь Ланский" and q.speaker.on_behalf_of.name == "Пётр Орлов"


def test_a_head_of_is_no_spokesman():
    q, t = one("Глава Минтранса Олег Рябов заявил, что тарифы не вырастут.", "что тарифы не вырастут")
    assert q.speaker.name == "Олег Рябов" and q.speaker.on_behalf_of is None


def test_press_office_speaks_for_its_body():
    q, t = one("Пресс-служба Минтранса сообщила, что паром отменён.", "что паром отменён")
    assert said_by(q, t) == "Пресс-служба Минтранса"
    assert q.speaker.on_behalf_of is not None and q.speaker.on_behalf_of.name == "Минтранс"


def test_ob_etom_zayavil_reports_the_sentence_before():
    text = ("Ведомство сократит расходы на связь вдвое. Об этом в интервью радиостанции «Полдень» "
            "заявил министр связи Олег Рябов.")
    q, t = one(text, "Ведомство сократит расходы на связь вдвое")
    assert q.speaker.name == "Олег Рябов" and q.cue.text == "заявил"


def test_eto_podtverdil_takes_the_clause_of_an_impersonal_report():
    text = "Вчера было объявлено, что завод закроют. Это подтвердил директор завода Пётр Орлов."
    q, t = one(text, "завод закроют")
    assert q.speaker.name == "Пётр Орлов"


def test_ob_etom_by_a_second_source_is_a_second_quote():
    text = ("Как передала радиостанция «Полдень», уголовное дело возбуждено. Об этом сообщил "
            "представитель прокуратуры Игорь Ланский.")
    _ents, qs = run(text)
    said = sorted((q.speaker.name for q in qs if q.text == "уголовное дело возбуждено"))
    assert said == ["Игорь Ланский", "Полдень"]


def test_ob_etom_by_the_same_speaker_adds_nothing():
    text = "Олег Рябов заявил, что паром отменён. Об этом он сказал журналистам в среду."
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["что паром отменён"]


def test_po_ego_slovam_before_the_clause():
    text = "Андрей Соколов выступил в среду. При этом, по его словам, ведомство сократит расходы."
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["ведомство сократит расходы"]  # not the connective "При этом"
    assert qs[0].speaker.name == "Андрей Соколов" and qs[0].speaker.resolution == "pronoun"


def test_source_named_in_marks_keeps_its_name():
    q, t = one("Как передала радиостанция «Полдень», паром отменён.", "паром отменён")
    assert said_by(q, t) == "радиостанция «Полдень»"


def test_the_writers_own_performatives_are_not_quotes():
    text = ("Отметим также, что долг компании вырос. Стоит отметить, что сезон начнётся в марте. "
            "Я хотел бы подчеркнуть, что мы продолжим работу. Я говорил, что мост откроют.")
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["что мост откроют"]  # a past report of one's own words is one
    assert qs[0].speaker.resolution == "first-person"


def test_facts_that_indicate_are_not_speakers():
    text = ("Эти цифры говорят о том, что рост устойчив. Это говорит о том, что спрос падает. "
            "Министерство заявило, что налоги не вырастут.")
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["что налоги не вырастут"]
    assert said_by(qs[0], text) == "Министерство"


def test_a_form_of_address_is_not_the_speaker():
    q, t = one("Уважаемые друзья, подчеркну, что программа продлится до 2030 года. Иван Белов "
               "сказал: «Уважаемые коллеги, мы справимся».", "Уважаемые коллеги, мы справимся")
    assert q.speaker.name == "Иван Белов"
    _ents, qs = run("Уважаемые друзья, напомню, что программа продлится до 2030 года.")
    assert qs == []  # the speaker's own performative, no one reported


def test_initial_and_given_name_are_one_person():
    ents, _qs = run("В.Громов выступил в среду. Владимир Громов сказал, что мост откроют.")
    gromov = [e for e in ents if e.type == "PERSON"]
    assert [e.name for e in gromov] == ["Владимир Громов"]


def test_directives_and_proposals_report_their_infinitive():
    text = ("Депутат Олег Рябов предложил закрыть порт на ремонт и перенести паром в соседний залив. "
            "Жители попросили губернатора сохранить переправу, причём губернатор обещал ответить.")
    _ents, qs = run(text)
    port = next(q for q in qs if q.text.startswith("закрыть порт"))
    assert port.text == "закрыть порт на ремонт и перенести паром в соседний залив"
    assert port.speaker.name == "Олег Рябов"
    keep = next(q for q in qs if q.text.startswith("сохранить"))
    assert keep.text == "сохранить переправу" and said_by(keep, text) == "Жители"


def test_announcing_verbs_report_the_noun_after_o():
    q, t = one("Представители завода заявили о планах закрыть цех в 2026 году.",
               "планах закрыть цех в 2026 году")
    assert said_by(q, t) == "Представители завода"
    _ents, qs = run("Министр долго говорил о поездке.")
    assert qs == []  # a topic is no content


def test_stance_nouns_and_gerunds_report():
    text = ("Олег Рябов выразил надежду на то, что мост откроют к маю. Марина Белова выступила "
            "против того, чтобы паром продали, заявив, что переправа нужна жителям.")
    _ents, qs = run(text)
    by_text = {q.text: q.speaker.name for q in qs}
    assert by_text.get("что мост откроют к маю") == "Олег Рябов"
    assert by_text.get("чтобы паром продали") == "Марина Белова"
    assert by_text.get("что переправа нужна жителям") == "Марина Белова"


def test_an_interrupted_clause_is_one_quote_with_its_cue():
    text = ("Ремонт моста, по словам Олега Рябова, займёт два года. Новые паромы, продолжает "
            "Рябов, выйдут на линию весной. Между тем, утверждает Рябов, денег хватит.")
    _ents, qs = run(text)
    texts = [q.text for q in qs]
    assert "Ремонт моста, по словам Олега Рябова, займёт два года" in texts
    assert "Новые паромы, продолжает Рябов, выйдут на линию весной" in texts
    # a piece with no noun of its own stays a piece of its own (the adaq convention)
    assert "денег хватит" in texts


def test_an_outlet_relays_the_whole_attribution():
    text = "Ремонт займёт два года, считает министр Олег Рябов, пишут «Вечерние вести»."
    _ents, qs = run(text)
    said = {q.text: q.speaker.name for q in qs}
    assert said["Ремонт займёт два года"] == "Олег Рябов"
    assert said["Ремонт займёт два года, считает министр Олег Рябов"] == "Вечерние вести"


def test_a_description_resolves_to_the_person_it_describes():
    text = ("Губернатор считает, что мост откроют весной, пишет газета.\n\n"
            "Об открытии моста заявил губернатор области Пётр Орлов. Пётр Орлов выступил в среду. "
            "Сейчас, по словам политика, денег хватит. Переправу, заметил политик, закроют.\n\n"
            "Муж актрисы Игорь Белов выступил на похоронах. Актриса просила не писать о ней некрологов.")
    _ents, qs = run(text)
    spring = next(q for q in qs if "мост откроют весной" in q.text and q.cue.text == "считает")
    assert spring.speaker.name == "Пётр Орлов"  # named later with that title: the lead's "Губернатор"
    enough = next(q for q in qs if "денег хватит" in q.text)
    assert enough.speaker.name == "Пётр Орлов" and enough.speaker.resolution == "nominal"
    obit = next(q for q in qs if "не писать" in q.text)
    assert obit.speaker.name != "Игорь Белов"  # the husband of the actress is not the actress


def test_a_capitalised_common_noun_opening_a_sentence_is_no_person():
    ents, _qs = run("Канцлер считает, что налоги не вырастут.\n\nМинистр заявил, что денег хватит.")
    assert not [e for e in ents if e.type == "PERSON"]


def test_their_words_go_to_the_group_that_spoke():
    text = ("Министр Ольга Белова выступила на закрытом заседании. Об этом рассказали несколько "
            "участников заседания. По их словам, министр пообещала сократить штат.")
    _ents, qs = run(text)
    cut = next(q for q in qs if q.cue is not None and q.cue.text == "По их словам")
    assert "участников заседания" in cut.speaker.name


def test_names_in_marks_are_not_quotes_nor_make_speech_mixed():
    text = ("Премия включает номинации «Производитель года» и «Дизайн года», а также даёт шанс "
            "заявить о себе студентам. Олег Рябов отметил, что компания «Северный порт» сохранит "
            "штат.")
    _ents, qs = run(text)
    assert [(q.text, q.kind) for q in qs] == [("что компания «Северный порт» сохранит штат", "indirect")]


def test_a_colon_quote_is_said_by_the_subject_before_the_colon():
    text = ("Детектив Олег Рябов загадал: «Доползёт жук до края или нет?» Это напоминает старый "
            "девиз: «Делай что должен, и будь что будет».")
    _ents, qs = run(text)
    assert [q.text for q in qs] == ["Доползёт жук до края или нет?"]
    assert qs[0].speaker.name == "Олег Рябов"


def test_a_coordinated_second_report_is_a_quote_of_its_own():
    text = "Министр Ольга Белова напомнила, что мост строили десять лет, а также добавила, что денег хватит."
    _ents, qs = run(text)
    said = {q.text: q.speaker.name for q in qs}
    assert said == {"что мост строили десять лет": "Ольга Белова", "что денег хватит": "Ольга Белова"}


def test_the_signer_of_a_letter_is_its_first_person():
    text = ("Дорогие коллеги,\n\n"
            "Сегодня важный день для нашей федерации. С начала работы я обещал сохранить единство "
            "турнира.\n\n"
            "Пусть победит сильнейший!\n\n"
            "Олег Рябов, президент федерации\n")
    _ents, qs = run(text)
    promise = next(q for q in qs if q.text.startswith("сохранить"))
    assert promise.speaker.name == "Олег Рябов" and promise.speaker.resolution == "first-person"


def test_replicas_run_into_a_paragraph():
    text = ("Сыщик Олег Рябов долго смотрел на карту. Рябов загадал: «Успеем до полуночи?» — Успеем! — "
            "сказал сыщик вслух. — Что-что?! — удивился начальник. Дождь всё не кончался.")
    _ents, qs = run(text)
    said = {q.text: q.speaker.name for q in qs}
    assert said["Успеем до полуночи?"] == "Олег Рябов"
    assert said["Успеем!"] == "Олег Рябов" and said["Что-что?!"] == "начальник"
    assert not any("Дождь" in q.text for q in qs)
    # a dash after a sentence with no author's words is the writer's own
    _ents, qs = run("Мост открыли в срок. — И это главное.")
    assert qs == []
