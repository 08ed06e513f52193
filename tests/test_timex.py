"""Temporal expressions: detection, normalisation and the offset invariant, on our own sentences."""
from __future__ import annotations

import pytest

from clipfile.analysis.timex import bounds
from clipfile.lang.en.timex import find_times

PUB = "2021-03-10"


def times(text: str, published: str | None = PUB, **kw):
    found = find_times(text, published=published, **kw)
    for t in found:
        assert text[t.start:t.end] == t.text
    return found


def one(text: str, published: str | None = PUB):
    found = times(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "sentence, expr, value, precision",
    [
        ("The ferry sank on August 20 2020 off the coast.", "August 20 2020", "2020-08-20", "day"),
        ("The ferry sank on August 20, 2020, off the coast.", "August 20, 2020", "2020-08-20", "day"),
        ("The council voted on 20 August 2020.", "20 August 2020", "2020-08-20", "day"),
        ("The council voted on the 3rd of May 2019.", "the 3rd of May 2019", "2019-05-03", "day"),
        ("The report is dated 2019-11-05.", "2019-11-05", "2019-11-05", "day"),
        ("The mill was opened in 1978 by a local family.", "1978", "1978", "year"),
        ("The family sold it in 2006.", "2006", "2006", "year"),
        ("Output fell in August 2019.", "August 2019", "2019-08", "month"),
        ("The strike ended in March.", "March", "2021-03", "month"),
        ("The strike began in November.", "November", "2020-11", "month"),
        ("The road will reopen in June.", "June", "2021-06", "month"),
        ("Prices soared in the 1990s.", "the 1990s", "199", "decade"),
        ("Such bands were common in the eighties.", "the eighties", "198", "decade"),
        ("The mayor resigned yesterday.", "yesterday", "2021-03-09", "day"),
        ("The mayor resigned last week.", "last week", "2021-W09", "approximate"),
        ("The mine closed last year.", "last year", "2020", "year"),
        ("The mine will reopen next year.", "next year", "2022", "year"),
        ("The mayor resigned two days ago.", "two days ago", "2021-03-08", "day"),
        ("The port was built about forty years ago.", "about forty years ago", "1981", "approximate"),
        ("The port was built years ago.", "years ago", "PAST_REF", "approximate"),
        ("The plant will close by 2027.", "by 2027", "2027", "year"),
        ("They hope to sign a treaty within two years.", "within two years", "2023", "year"),
        ("He means to stay in office for at least ten more years.",
         "for at least ten more years", "2031", "year"),
        ("The bridge will be finished in three months' time.", "in three months' time", "2021-06", "month"),
        ("Fewer people fish these days.", "these days", "PRESENT_REF", "approximate"),
        ("Tourism will grow in the coming years.", "in the coming years", "FUTURE_REF", "approximate"),
        ("The union met on Monday.", "Monday", "2021-03-08", "day"),
        ("The union will meet on Friday.", "Friday", "2021-03-12", "day"),
        ("The dam burst on May 4.", "May 4", "2020-05-04", "day"),
    ],
)
def test_expression(sentence, expr, value, precision):
    t = one(sentence)
    assert (t.text, t.value, t.precision) == (expr, value, precision)


def test_relative_to_previous_date_in_text():
    text = "The minister arrived in Oslo on 4 June 2015. The next day she met the king."
    a, b = times(text)
    assert a.value == "2015-06-04"
    assert (b.text, b.value, b.precision) == ("The next day", "2015-06-05", "day")


def test_hedged_relative_is_approximate_and_anchored():
    text = "The fund was set up in 2006. About six months later, it collapsed."
    a, b = times(text)
    assert b.text == "About six months later"
    assert b.precision == "approximate"
    assert b.value == "2006"


def test_relative_counts_years():
    text = "The plant opened in 1998. Two years later it was sold."
    assert [t.value for t in times(text)] == ["1998", "2000"]


def test_unanchored_relative_is_approximate_past():
    t = one("Six months later, unfortunately, the warning came true.")
    assert t.precision == "approximate" and t.value == "PAST_REF"


def test_vague_expression_breaks_the_chain():
    text = ("The ship sank on 2 May 2011.\nThe captain was arrested years later.\n"
            "He was released the next day.")
    found = times(text)
    assert [t.text for t in found] == ["2 May 2011", "years later", "the next day"]
    assert found[2].value == "PAST_REF" and found[2].precision == "approximate"


def test_anchor_does_not_reach_far_paragraphs():
    text = "The vote was on 2 May 2011.\nA.\nB.\nC.\nThe next day was calm."
    assert times(text)[-1].value == "PAST_REF"


@pytest.mark.parametrize(
    "sentence",
    [
        "He won one million two hundred thousand votes.",
        "Police said 1500 troops and 2000 people were there.",
        "The budget rose by 2019 percent, the clerk joked.",  # a silly figure, still not a year
        "Theresa May spoke first.",
        "They may march on the capital.",
        "May I ask a question?",
        "The bill cost $1999 in total.",
        "The population is 2,020 people.",
        "He ran for two years before he quit.",
    ],
)
def test_no_false_positives(sentence):
    assert times(sentence) == []


def test_range_and_offsets_into_whole_text():
    text = "Intro paragraph from 1999.\nThe port reopened on 5 April 2004 after repairs."
    start = text.index("The port")
    found = times(text, start=start)
    assert len(found) == 1
    t = found[0]
    assert t.start > start and text[t.start:t.end] == "5 April 2004"
    assert times(text, end=start)[0].text == "1999"


def test_without_publication_date():
    assert one("The bank failed in 2008.", published=None).value == "2008"
    t = one("The bank failed yesterday.", published=None)
    assert t.value is None and t.precision == "approximate"
    assert one("The dam burst on May 4.", published=None).value == "XXXX-05-04"


def test_published_datetime_is_accepted():
    assert one("The mayor resigned yesterday.", published="2021-03-10T08:30:00+00:00").value == "2021-03-09"


def test_bounds():
    assert str(bounds("1978")[0]) == "1978-01-01"
    assert str(bounds("199")[1]) == "1999-12-31"
    assert str(bounds("2020-02")[1]) == "2020-02-29"
    assert bounds("PAST_REF") is None
