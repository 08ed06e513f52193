"""Russian temporal expressions (clipfile.lang.ru.timex)."""
import pytest

from clipfile.lang.ru.timex import find_times


def times(text, published="2021-03-10"):
    out = find_times(text, published=published)
    for t in out:
        assert text[t.start : t.end] == t.text
    return [(t.text, t.value, t.precision) for t in out]


def test_full_date_and_relative_half_year():
    got = times("Журналист был задержан 20 августа 2020 года. Спустя полгода его отпустили.")
    assert got == [("20 августа 2020 года", "2020-08-20", "day"), ("Спустя полгода", "2021-02", "month")]


def test_year_without_preposition_in_span():
    assert times("Завод построили в 1978 году.") == [("1978 году", "1978", "year")]


def test_decade():
    assert times("В 1990-х годах завод закрыли.") == [("1990-х годах", "199", "decade")]


@pytest.mark.parametrize(
    "text, value, precision",
    [
        ("Вчера министр выступил в Думе.", "2021-03-09", "day"),
        ("Сегодня прошло заседание.", "2021-03-10", "day"),
        ("На прошлой неделе прошли переговоры.", "2021-W09", "approximate"),
        ("В прошлом году урожай был низким.", "2020", "year"),
        ("Пять лет назад здесь был пустырь.", "2016", "year"),
        ("В августе 2019 года цены выросли.", "2019-08", "month"),
    ],
)
def test_deictic_and_relative(text, value, precision):
    (got,) = times(text)
    assert got[1:] == (value, precision)


def test_deadline_keeps_signal_word():
    assert times("Решение примут до 2027 года.") == [("до 2027 года", "2027", "year")]


def test_weekday_in_future_sentence():
    (got,) = times("В понедельник совет будет голосовать.")  # 2021-03-10 is a Wednesday
    assert got[1] == "2021-03-15"


def test_vague_references():
    got = times("Сейчас рынок спокоен, но в ближайшие годы будет рост.")
    assert [v for _t, v, _p in got] == ["PRESENT_REF", "FUTURE_REF"]


def test_no_date_to_count_from():
    (got,) = times("Вчера шёл дождь.", published=None)
    assert got[1] is None


def test_rules_skipped_for_a_missing_word_find_what_running_every_rule_finds():
    """A rule whose word (``назад``, ``спустя``, ``через``, ``течение``) a text lacks is not
    run: the expressions found are those every rule run over the text finds."""
    from clipfile.analysis.timex import _TIMES_CACHE
    from clipfile.lang.ru.timex import TIMES

    texts = [
        "Три года назад завод закрыли. Через два месяца его откроют; в течение недели решат.",
        "Спустя полгода, 14 марта 2027 года, суд вынес решение. ПОЛТОРА ГОДА НАЗАД всё началось.",
        "Министр выступил в среду. Решение примут в ближайшие месяцы.",
    ]
    for text in texts:
        _TIMES_CACHE.clear()
        skipping = [(t.start, t.end, t.value) for t in find_times(text, published="2026-05-01")]
        _TIMES_CACHE.clear()
        TIMES.needs = {}  # every rule run
        try:
            every = [(t.start, t.end, t.value) for t in find_times(text, published="2026-05-01")]
        finally:
            del TIMES.needs  # the class's again
            _TIMES_CACHE.clear()
        assert skipping == every and every
    assert TIMES.needs["ago"].search("назад") and not TIMES.needs["ago"].search("Министр выступил")
