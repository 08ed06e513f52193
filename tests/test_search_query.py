"""The search query, read once into a tree (clipfile.store.query) and written for FTS5."""
import pytest

from clipfile.errors import QueryError
from clipfile.store.query import And, Near, Not, Or, Phrase, Query, Term, parse_query
from clipfile.store.sqlite_fts import fts5_query


def test_words_phrases_prefixes_and_implicit_and():
    q = parse_query('harbour "new quay" dredg*')
    assert q.root == And((Term("harbour"), Phrase(("new", "quay")), Term("dredg", prefix=True)))
    assert q.terms() == [("harbour", False), ("new", False), ("quay", False), ("dredg", True)]


def test_not_binds_tightest_then_and_then_or():
    assert parse_query("a OR b c").root == Or((Term("a"), And((Term("b"), Term("c")))))
    assert parse_query("a b NOT c").root == And((Term("a"), Not(Term("b"), Term("c"))))
    assert parse_query("(a OR b) NOT c").root == Not(Or((Term("a"), Term("b"))), Term("c"))
    # "AND NOT" reads as NOT (FTS5 itself would refuse it)
    assert parse_query("a AND NOT c").root == parse_query("a NOT c").root


def test_everyday_punctuation_is_not_syntax():
    assert parse_query("Putin's").root == Phrase(("Putin", "s"))
    assert parse_query("U.S. e-mail*").root == And((Phrase(("U", "S")), Phrase(("e", "mail"), prefix=True)))
    assert parse_query("Smith, John").root == And((Term("Smith"), Term("John")))
    assert parse_query("and or not").root == And((Term("and"), Term("or"), Term("not")))  # lower case: words


def test_near_with_and_without_a_distance():
    assert parse_query("NEAR(quay board)").root == Near((Term("quay"), Term("board")), 10)
    assert parse_query('NEAR("new quay" board, 3)').root == Near((Phrase(("new", "quay")), Term("board")), 3)


@pytest.mark.parametrize("bad, detail", [
    ('"unclosed', "unterminated string"), ("AND OR", 'near "AND"'), ("dredging AND", "ends too early"),
    ("(port", "parenthesis is not closed"), ("NOT port", 'near "NOT"'), ("port )", 'near ")"'),
    ('""', "no words"), ("*", 'near "*"'), ("NEAR(a b, x)", 'near "x"'),
])
def test_bad_queries_get_one_line_that_says_why(bad, detail):
    with pytest.raises(QueryError) as info:
        parse_query(bad)
    msg = str(info.value)
    assert detail in msg and msg.startswith(f"cannot understand the query {bad!r}") and "\n" not in msg


def test_empty_and_built_queries():
    assert parse_query("   ").empty
    assert Query.phrase(["the", "new", "quay"]).root == Phrase(("the", "new", "quay"))
    assert Query.phrase(["quay"]).root == Term("quay")
    assert Query.all_of(["new", "quay's"]).root == And((Term("new"), Term("quay"), Term("s")))
    assert Query.phrase(["—"]).empty


def test_fts5_rendering_quotes_every_word():
    assert fts5_query(parse_query('"Путиным заявил" OR NEAR(Кремле board, 4) NOT x*')) == \
        '"путин заяв" OR (NEAR("кремл" "board", 4) NOT "x"*)'
    assert fts5_query(parse_query("AND_x OR_y")) == '"and_x" AND "or_y"'
    assert fts5_query(parse_query("")) == ""
