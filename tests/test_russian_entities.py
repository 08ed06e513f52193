"""Russian entities: natasha NER, nominative person names, clustering."""
import pytest

pytest.importorskip("natasha")

from clipfile.lang.ru.entities import entities, normalize_name  # noqa: E402
from clipfile.lang.ru.parse import parse  # noqa: E402

TEXT = (
    "Алексей Навальный вернулся в Москву. Навальным заинтересовались следователи. "
    "Встреча Алексея Навального с Юлией Навальной прошла без журналистов. "
    "Владимира Путина видели в Кремле. Путин промолчал. "
    "По словам Марии Захаровой, МИД не видит проблем. Захаровой никто не возразил."
)


@pytest.fixture(scope="module")
def ents():
    return entities(parse(TEXT))


def by_name(ents, name):
    return next(e for e in ents if e.name == name)


def test_offsets_and_ids(ents):
    assert [e.id for e in ents] == [f"e{n}" for n in range(1, len(ents) + 1)]
    for e in ents:
        for m in e.mentions:
            assert TEXT[m.start : m.end] == m.text


def test_names_in_nominative(ents):
    names = {e.name for e in ents if e.type == "PERSON"}
    assert {"Алексей Навальный", "Юлия Навальная", "Владимир Путин", "Мария Захарова"} <= names


def test_case_forms_cluster_with_the_full_name(ents):
    navalny = by_name(ents, "Алексей Навальный")
    texts = [m.text for m in navalny.mentions]
    assert "Навальным" in texts and "Алексея Навального" in texts
    putin = by_name(ents, "Владимир Путин")
    assert {m.text for m in putin.mentions} == {"Владимира Путина", "Путин"}
    assert "Путин" in putin.aliases


def test_wife_is_a_different_person(ents):
    assert by_name(ents, "Юлия Навальная").id != by_name(ents, "Алексей Навальный").id


def test_places_and_organisations(ents):
    types = {e.name: e.type for e in ents}
    assert types.get("Москва") == "LOC"
    assert types.get("Кремль") == "LOC"
    assert types.get("МИД") == "ORG"


@pytest.mark.parametrize(
    "oblique, nominative",
    [("Путина", "Путин"), ("Навальным", "Навальный"), ("Сергею Лаврову", "Сергей Лавров"),
     ("Эльвиры Набиуллиной", "Эльвира Набиуллина"), ("Римского-Корсакова", "Римский-Корсаков")],
)
def test_normalize_name(oblique, nominative):
    assert normalize_name(oblique) == nominative


def test_a_misspelt_surname_is_the_same_person_under_the_usual_spelling():
    text = ("Губернатор Нико Гвараамиа прибыл в Белмору. Нико Гварамиа заявил, что мост откроют "
            "весной. По словам Нико Гварамиа, денег хватит. Гварамиа уехал вечером.")
    found = [e for e in entities(parse(text)) if e.type == "PERSON"]
    assert [e.name for e in found] == ["Нико Гварамиа"]
    assert "Нико Гвараамиа" in found[0].aliases
