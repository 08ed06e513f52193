"""Cross-script person-name keys (clipfile.translit)."""
import pytest

from clipfile.translit import fold, name_keys


def test_putin_shares_surname_key_across_scripts():
    assert name_keys("Путин") & name_keys("Vladimir Putin")
    assert name_keys("Владимир Путин") & name_keys("Vladimir Putin") == {
        "sur:putin",
        "full:vladimir putin",
    }


@pytest.mark.parametrize("spelling", ["Navalny", "Navalnyy", "Navalnyi", "Naval'nyj", "Navalniy"])
def test_navalny_variants(spelling):
    assert name_keys(spelling) == name_keys("Навальный")


@pytest.mark.parametrize(
    "cyrillic, latin",
    [
        ("Алексей Навальный", "Alexei Navalny"),
        ("Алексей Навальный", "Aleksey Navalnyy"),
        ("Ельцин", "Yeltsin"),
        ("Хрущёв", "Khrushchev"),
        ("Хрущёв", "Khrushchyov"),
        ("Хрущёв", "Hruŝëv"),  # GOST 7.79 system A
        ("Горбачёв", "Gorbachev"),
        ("Шойгу", "Shoigu"),
        ("Зеленский", "Zelenskyy"),
        ("Зеленский", "Zelensky"),
        ("Юрий Гагарин", "Iurii Gagarin"),  # ICAO passport spelling
        ("Юрий Гагарин", "Yuri Gagarin"),
        ("Мария Захарова", "Maria Zakharova"),
        ("Дмитрий Песков", "Dmitriy Peskov"),
        ("Чайковский", "Tchaikovsky"),
    ],
)
def test_common_romanisations_meet(cyrillic, latin):
    ours, theirs = name_keys(cyrillic), name_keys(latin)
    assert ours == theirs


def test_official_order_with_patronymic():
    assert name_keys("Путин Владимир Владимирович") == name_keys("Vladimir Putin")


def test_initials_are_ignored():
    assert name_keys("В. Путин") == name_keys("Putin")


def test_different_surnames_differ():
    assert not name_keys("Путин") & name_keys("Пескова")
    assert not name_keys("Navalny") & name_keys("Navalnaya")  # a different person's form


def test_empty_name():
    assert name_keys("") == set()
    assert fold("") == ""
