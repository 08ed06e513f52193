"""HTML pages, RSS/Atom feeds and JSON Lines: fields, partial failures, clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from clipfile.errors import IngestError
from clipfile.ingest import Source, read_bytes, read_source, samples_dir
from clipfile.ingest.dates import normalize_date
from clipfile.ingest.html import flat_text, fragment_text
from clipfile.ingest.jsonl import MAX_DEPTH

from _ingestcli import ingest_cli, stored

DATA = Path(__file__).parent / "data" / "ingest"


def _read(path: Path):
    return read_source(Source("path", str(path), path))


# --- HTML ------------------------------------------------------------------------------------

def test_sample_html_page() -> None:
    (doc,) = _read(samples_dir() / "coastline-ferry.html")
    assert doc.kind == "html"
    assert doc.title == "Gull Island ferry to resume after storm repairs"
    assert doc.author == "Nadia Brook"
    assert doc.source == "Coastline Daily"
    assert doc.published == "2024-11-29T07:45:00+00:00" and doc.published_precision == "second"
    assert doc.url == "https://coastline-daily.example/news/gull-island-ferry-resumes"
    assert "Captain Ilse Marr" in doc.text
    # Boilerplate around the article is not text.
    assert "Most read" not in doc.text and "All rights reserved" not in doc.text
    assert doc.language == "en"


def test_truncated_html_keeps_surviving_text() -> None:
    (doc,) = _read(DATA / "truncated-page.html")
    assert doc.metadata["truncated"] is True
    assert "harbour festival will not take place" in doc.text
    assert doc.source == "Coastline Daily"


def test_html_cut_before_the_article_is_a_clear_error() -> None:
    with pytest.raises(IngestError, match="truncated HTML"):
        _read(DATA / "cut-early.html")


def test_html_without_text() -> None:
    with pytest.raises(IngestError, match="no readable text"):
        read_bytes(b"<html><head><title>x</title></head><body><script>var a=1;</script></body></html>",
                   name="empty.html")


def test_html_charset_from_meta() -> None:
    page = (
        '<html><head><meta charset="windows-1251"><title>Мост</title></head><body><article>'
        "<p>Мост через Кессель закроют на ремонт в октябре, сообщили в мэрии города во вторник.</p>"
        "<p>По словам инженеров, работы займут не меньше трёх недель и обойдутся недорого.</p>"
        "</article></body></html>"
    )
    (doc,) = read_bytes(page.encode("cp1251"), name="most.html")
    assert "Мост через Кессель" in doc.text
    assert doc.language == "ru"


def _nested_page(size: int) -> str:
    """A page of about ``size`` characters: a headline, then text inside ever deeper <div>s."""
    head = "<!doctype html><html><head><title>Sea wall vote</title></head><body><h1>Sea wall vote</h1>"
    paragraphs = ("<p>The harbour council voted on Tuesday to rebuild the sea wall before winter.</p>"
                  "<p>Work on the &ldquo;north section&rdquo; starts in March, the engineer said.</p>")
    depth = (size - len(head) - len(paragraphs)) // len("<div></div>")
    return head + "<div>" * depth + paragraphs + "</div>" * depth + "</body></html>"


def test_deeply_nested_page_is_read_not_refused(tmp_path: Path) -> None:
    page = _nested_page(5 * 1024 * 1024)
    assert len(page) > 5_000_000
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    r = ingest_cli(tmp_path / "lib.sqlite", str(tmp_path / "deep.html"))
    assert r.exit_code == 0 and "1 new" in r.said, r.output
    assert "warning: the page nests its elements deeper than the HTML parser goes" in r.said
    (doc,) = stored(tmp_path / "lib.sqlite")
    assert doc.text == ("Sea wall vote\n\n"  # every word of the page, the headline included
                        "The harbour council voted on Tuesday to rebuild the sea wall before winter.\n\n"
                        "Work on the \u201cnorth section\u201d starts in March, the engineer said.")
    assert doc.title == "Sea wall vote" and doc.metadata["deep_html"] is True


def test_a_page_just_past_the_depth_limit_keeps_its_deep_text() -> None:
    (doc,) = read_bytes(_nested_page(4000).encode(), name="deep.html")  # about 300 levels
    assert "rebuild the sea wall" in doc.text and "north section" in doc.text
    (shallow,) = read_bytes((samples_dir() / "coastline-ferry.html").read_bytes(), name="ferry.html")
    assert "deep_html" not in shallow.metadata and "warnings" not in shallow.metadata


def test_flat_text_drops_scripts_and_comments_and_keeps_paragraphs() -> None:
    markup = ("<div>One <b>bold</b> move.<!-- hidden <p>no</p> --></div><script>var x = '<p>';</script>"
              "<p>Two &amp; three<br>four</p><style>p {}</style>tail <!-- never closed")
    assert flat_text(markup) == "One bold move.\n\nTwo & three\n\nfour\n\ntail"


def test_deep_fragment_in_a_feed_entry_keeps_its_text() -> None:
    fragment = "<div>" * 400 + "<p>The ferry runs again from Monday.</p>" + "</div>" * 400
    assert fragment_text(fragment) == "The ferry runs again from Monday."


def test_fragment_text_paragraphs() -> None:
    text = fragment_text("<p>One <b>bold</b> move.</p><div>Two<script>x()</script></div>tail")
    assert text == "One bold move.\n\nTwo\n\ntail"


# --- feeds -----------------------------------------------------------------------------------

def test_sample_rss_feed_three_entries() -> None:
    docs = _read(samples_dir() / "averill-courier-feed.xml")
    assert len(docs) == 3 and not docs.errors
    assert {d.kind for d in docs} == {"feed-entry"}
    first = docs[0]
    assert first.title == "Library reopens after two-year renovation"
    assert first.url == "https://averill-courier.example/news/library-reopens"
    assert first.author == "Mara Quill"
    assert first.source == "The Averill Courier"
    assert first.published == "2024-12-07T09:30:00+00:00" and first.published_precision == "second"
    assert first.metadata["feed"] == {"title": "The Averill Courier", "url": "https://averill-courier.example/"}
    assert first.text.startswith("Port Averill's central library reopened")
    assert "<p>" not in first.text and "\n\n" in first.text
    assert docs[1].metadata["tags"] == ["Kessel dam"]


def test_atom_feed_and_headline_only_entry() -> None:
    docs = _read(DATA / "valley-atom.xml")
    assert [d.title for d in docs] == ["Orchard harvest starts early", "Headline only"]
    assert docs[0].author == "Edda Voss"
    assert docs[0].published == "2024-09-04T08:00:00+00:00"
    assert docs[0].text.endswith('"The warm spring did it," said grower Ruben Kask.')
    assert docs[1].text == "Headline only" and docs[1].metadata["title_only"] is True


def test_malformed_feed_keeps_parsed_entries() -> None:
    docs = _read(DATA / "malformed-with-entries.xml")
    assert docs[0].title == "Bridge repainting begins"
    assert docs[0].text == "Crews began repainting the Millbrook bridge on Monday. The work will take six weeks."
    assert all(d.metadata["feed_malformed"] for d in docs)


def test_malformed_feed_without_entries_is_an_error() -> None:
    with pytest.raises(IngestError, match="malformed feed XML"):
        _read(DATA / "malformed-no-entries.xml")


def test_only_a_page_read_from_a_url_is_fetched_from_it() -> None:
    # What `watch` and `ingest URL` hand over: the bytes and the address they came from.
    page = (samples_dir() / "coastline-ferry.html").read_bytes()
    (doc,) = read_bytes(page, name="ferry", url="https://coastline-daily.example/ferry?from=rss")
    assert doc.fetched_from == "https://coastline-daily.example/ferry?from=rss"
    assert doc.url == "https://coastline-daily.example/news/gull-island-ferry-resumes"  # its canonical link
    assert read_bytes(page, name="ferry.html")[0].fetched_from is None  # a file was fetched from nowhere
    rss = (samples_dir() / "averill-courier-feed.xml").read_bytes()
    entries = read_bytes(rss, url="https://averill-courier.example/rss")
    assert {d.fetched_from for d in entries} == {None}
    line = b'{"text": "The quay reopened.", "url": "https://a.example/q", "fetched_from": "https://a.example/q"}'
    (record,) = read_bytes(line, name="x.jsonl", url="https://a.example/dump.jsonl")
    assert record.fetched_from is None and "fetched_from" not in record.metadata


def test_feed_kind_from_content_type() -> None:
    rss = (samples_dir() / "averill-courier-feed.xml").read_bytes()
    docs = read_bytes(rss, content_type="application/rss+xml", url="https://averill-courier.example/rss")
    assert len(docs) == 3
    assert docs[0].metadata["feed"]["url"] == "https://averill-courier.example/rss"


DOCTYPE_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<!-- generated by a very old CMS -->
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Valley Wire</title><link>https://valley.example/</link>
<item><title>Bridge reopens</title><link>https://valley.example/bridge</link>
<description>The Millbrook bridge reopened on Tuesday after six weeks of repairs.</description></item>
<item><title>Dam holds</title><link>https://valley.example/dam</link>
<description>The Kessel dam held through the weekend flood, engineers said.</description></item>
</channel></rss>
"""


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("wire.xml", None), ("wire", None), (None, "application/xml"), (None, "text/html; charset=utf-8"),
     ("wire.txt", "text/plain")],
)
def test_feed_is_sniffed_from_its_root_despite_doctype_name_or_type(name, content_type) -> None:
    docs = read_bytes(DOCTYPE_RSS, name=name, content_type=content_type)
    assert [d.kind for d in docs] == ["feed-entry", "feed-entry"]
    assert [d.title for d in docs] == ["Bridge reopens", "Dam holds"]
    assert docs[0].text == "The Millbrook bridge reopened on Tuesday after six weeks of repairs."
    assert "<rss" not in docs[0].text and docs[0].source == "Valley Wire"


def test_doctype_feed_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "wire.xml").write_bytes(DOCTYPE_RSS)
    r = ingest_cli(tmp_path / "lib.sqlite", str(tmp_path / "wire.xml"))
    assert r.exit_code == 0 and "2 new" in r.said, r.output
    assert [d.kind for d in stored(tmp_path / "lib.sqlite")] == ["feed-entry", "feed-entry"]


def test_other_xml_stays_plain_text() -> None:
    catalog = b'<?xml version="1.0"?>\n<!DOCTYPE catalog>\n<catalog><book>River Tales</book></catalog>\n'
    (doc,) = read_bytes(catalog, name="books.xml", content_type="application/xml")
    assert doc.kind == "text" and doc.text == catalog.decode()


def test_many_comments_before_no_root_do_not_hang_the_sniffer() -> None:
    # Each prolog part can end only one way, so this fails fast instead of backtracking.
    (doc,) = read_bytes(b"<!-- -->" * 3000 + b"\nA note after many comments.", name="odd")
    assert doc.kind == "text"


# --- JSON Lines ------------------------------------------------------------------------------

def test_jsonl_good_lines_come_through_bad_lines_reported() -> None:
    docs = _read(DATA / "batch.jsonl")
    assert [d.text[:15] for d in docs] == ["The Millbrook b", "Councillors app", "Мост через Кесс"]
    bakery, bus, bridge = docs
    assert (bakery.title, bakery.url, bakery.source, bakery.author) == (
        "Bakery to close", "https://valley.example/bakery", "Valley Bulletin", "Edda Voss")
    assert (bakery.published, bakery.published_precision, bakery.kind) == ("2024-09-02", "day", "jsonl")
    assert (bus.published, bus.published_precision, bus.kind) == ("2024-09-03T14:30:00+00:00", "second", "article")
    assert bus.metadata["section"] == "transport"
    assert bridge.language == "ru"
    messages = [str(e) for e in docs.errors]
    assert len(messages) == 3
    assert "line 3: invalid JSON" in messages[0]
    assert "line 5: expected a JSON object" in messages[1]
    assert 'line 6: no "text" string' in messages[2]


def test_jsonl_with_nothing_good_is_an_error() -> None:
    with pytest.raises(IngestError, match=r"no line could be read \(2 bad; first: line 1"):
        read_bytes(b'{"text": 5}\nnot json\n', name="x.jsonl")


def test_jsonl_accepts_analyze_output() -> None:
    line = b'{"document": {"text": "A short note about the ferry timetable.", "title": "Ferry"}, "quotes": []}'
    (doc,) = read_bytes(line, name="out.jsonl")
    assert doc.title == "Ferry" and doc.text == "A short note about the ferry timetable."


def test_deeply_nested_record_fails_alone(tmp_path: Path) -> None:
    # {"text":"x","k": [[[...]]]} nested 100000 deep: the JSON parser's recursion gives up.
    lines = [
        json.dumps({"text": "The ferry to Gull Island runs again from Monday.", "title": "Ferry"}),
        '{"text": "x", "k": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"text": "y", "k": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}",  # parses, still refused
        json.dumps({"text": "The harbour wall held through the storm.", "meta": {"a": [[1]]}}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = ingest_cli(tmp_path / "lib.sqlite", str(path))
    assert r.exit_code == 1, r.output
    assert "line 2: the record nests more than 64 levels deep" in r.said
    assert "line 3: the record nests more than 64 levels deep" in r.said
    assert "2 new, 2 failed" in r.said
    assert [d.title for d in stored(tmp_path / "lib.sqlite")] == ["Ferry", None]


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019", ("2019", "year")),
        ("2019-03", ("2019-03", "month")),
        ("March 2019", ("2019-03", "month")),
        ("2019-03-03", ("2019-03-03", "day")),
        ("March 3, 2019", ("2019-03-03", "day")),
        ("3 March 2019", ("2019-03-03", "day")),
        ("Sun, 03 Mar 2019 10:15:00 GMT", ("2019-03-03T10:15:00+00:00", "second")),
        ("2019-03-03T10:15:00+02:00", ("2019-03-03T10:15:00+02:00", "second")),
        ("Tuesday", (None, None)),
        ("not a date", (None, None)),
        ("2019-02-30", (None, None)),
    ],
)
def test_normalize_date(value: str, expected: tuple) -> None:
    assert normalize_date(value) == expected
