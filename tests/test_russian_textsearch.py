"""Stemmed full-text index terms (clipfile.textsearch) and queries written for FTS5 with them."""
import sqlite3

from clipfile.store.query import parse_query
from clipfile.store.sqlite_fts import fts5_query
from clipfile.textsearch import index_text


def query_terms(text):
    return fts5_query(parse_query(text))


def test_case_forms_share_an_index_term():
    terms = {index_text(w) for w in ["Путин", "Путина", "Путиным", "Путину", "Путине"]}
    assert len(terms) == 1
    assert index_text("Навальным") == index_text("Навального")


def test_other_scripts_lowercased_unchanged():
    assert index_text("Kremlin SAID") == "kremlin said"


def test_query_words_are_stemmed_and_the_syntax_kept():
    q = query_terms('"Путиным заявил" OR Навального* AND NOT Кремле (Moscow)')
    assert q == '"путин заяв" OR (("навальн"* NOT "кремл") AND "moscow")'


def test_fts5_finds_any_case():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    db.execute("INSERT INTO t VALUES (?)", (index_text("Встреча с Путиным прошла в Кремле."),))
    db.execute("INSERT INTO t VALUES (?)", (index_text("The minister met reporters."),))
    for query in ["Путина", "путин", '"Путину прошла"', "Кремль", "Minister"]:
        rows = db.execute("SELECT rowid FROM t WHERE t MATCH ?", (query_terms(query),)).fetchall()
        assert rows, query
    assert not db.execute("SELECT rowid FROM t WHERE t MATCH ?", (query_terms("Навальный"),)).fetchall()


def test_the_index_form_names_what_index_text_gives():
    """A SQLite library's item index is removed from by giving it index_text of an item's text
    again, and rebuilt when the recorded index form differs (clipfile.store.sqlite): so a
    change to index_text's output must bump FORM_VERSION.  This pins its output for version 1 —
    if it fails, index_text changed: bump textsearch.FORM_VERSION and update the expected text."""
    from clipfile.textsearch import FORM_VERSION, index_form

    assert FORM_VERSION == 1 and index_form().startswith("1 unicode ")
    text = "Мэр Анна Орлова заявила Путиным: «Паромы пойдут!» — Ёлки, Café_NO.5 and ﬁnal COSTS 2024½"
    assert index_text(text) == "мэр ан орлов заяв путин паром пойдут елк café_no 5 and ﬁnal costs 2024½"
