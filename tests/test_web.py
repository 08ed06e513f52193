"""HTTP-level tests of the web workbench: pages, escaping, auth, CSRF and bad parameters."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="the web workbench needs fastapi (pip install fastapi jinja2 python-multipart)")
from fastapi.testclient import TestClient  # noqa: E402

from clipfile.forecast_fields import due_date  # noqa: E402
from clipfile.read.entities import script_of  # noqa: E402
from clipfile.records import Document  # noqa: E402
from clipfile.store import open_store  # noqa: E402
from clipfile.web import create_app  # noqa: E402
from clipfile.web.app import _json_for_script  # noqa: E402
from clipfile.web.highlight import Mark, highlight  # noqa: E402
from clipfile.web.security import is_loopback, origin_matches  # noqa: E402

from _webfix import ARTICLE_2, build_library  # noqa: E402


@pytest.fixture(params=["sqlite", "postgresql"])
def lib(request, tmp_path):
    """The hand-built library, in an SQLite file and on PostgreSQL (skipped where no server can
    be started): the pages must read the same from either."""
    path = tmp_path / "lib.sqlite" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    ids = build_library(path)
    return path, ids


@pytest.fixture()
def client(lib):
    with TestClient(create_app(lib[0])) as c:
        yield c


def csrf_of(page_html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', page_html)
    assert m, "page has no CSRF field"
    return m.group(1)


def doctext(page_html: str) -> str:
    start = page_html.index('id="doctext">')
    return page_html[start: page_html.index("</div>", start)]


# -- search -------------------------------------------------------------------------------------


def test_search_snippets_facets_and_filters(client, lib):
    r = client.get("/search", params={"q": "terminal"})
    assert r.status_code == 200
    assert "2 documents match" in r.text
    assert "<b>terminal</b>" in r.text  # the match is marked, the rest escaped
    assert "Harbour Gazette" in r.text and "Coast Courier" in r.text  # source facet
    r = client.get("/search", params={"q": "terminal", "source": "Coast Courier"})
    assert "1 document match" in r.text and lib[1]["d2"] in r.text and lib[1]["d1"] not in r.text
    r = client.get("/search", params={"q": "terminal", "date_to": "2020-03-03"})
    assert lib[1]["d1"] in r.text and lib[1]["d2"] not in r.text
    r = client.get("/search", params={"language": "ru"})
    assert lib[1]["d3"] in r.text and "1 document" in r.text
    r = client.get("/search", params={"q": "evidence", "entity": "E3"})
    assert lib[1]["d2"] in r.text and lib[1]["d1"] not in r.text


def test_search_item_kinds(client, lib):
    r = client.get("/search", params={"q": "underbid", "kind": "claim"})
    assert r.status_code == 200 and "1 claim match" in r.text
    assert f"/doc/{lib[1]['d1']}?hl=" in r.text  # item hits link to their passage
    r = client.get("/search", params={"q": "winter", "kind": "quote"})
    assert "1 quote match" in r.text


def test_search_pagination(tmp_path):
    store = open_store(tmp_path / "many.sqlite")
    for i in range(25):
        store.add_document(Document(f"Bulletin number {i}: the lighthouse keeper reported calm seas.",
                                    title=f"Bulletin {i}", source="Lighthouse Log", published=f"2021-01-{i + 1:02d}"))
    store.close()
    with TestClient(create_app(tmp_path / "many.sqlite")) as c:
        first = c.get("/search", params={"q": "lighthouse"})
        assert "25 documents match" in first.text and "page 1 of 2" in first.text
        assert first.text.count('class="hit"') == 20 and 'rel="next"' in first.text
        second = c.get("/search", params={"q": "lighthouse", "page": 2})
        assert second.text.count('class="hit"') == 5 and 'rel="prev"' in second.text


def test_malformed_query_gives_readable_message(client):
    r = client.get("/search", params={"q": '"unclosed phrase'})
    assert r.status_code == 400
    assert "cannot understand the query" in html.unescape(r.text)
    assert "Traceback" not in r.text


@pytest.mark.parametrize("params, words", [
    ({"page": "0"}, "page must be"),
    ({"page": "x"}, "page"),
    ({"kind": "rumour"}, "unknown kind"),
    ({"date_from": "2020-13-01"}, "is not a date"),
    ({"date_to": "yesterday"}, "is not a date"),
    ({"entity": "<b>"}, "not an entity id"),
])
def test_bad_search_parameters(client, params, words):
    r = client.get("/search", params=params)
    assert r.status_code == 400
    assert words in html.unescape(r.text)


# -- documents ------------------------------------------------------------------------------------


def test_document_text_is_escaped(client, lib):
    r = client.get(f"/doc/{lib[1]['d2']}")
    assert r.status_code == 200
    body = doctext(r.text)
    assert "<script>" not in r.text.split('<script src="/static/app.js">')[0]
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in body
    assert "<img" not in body and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in body
    assert "<b>terminal</b>" not in r.text and "&lt;b&gt;terminal&lt;/b&gt;" in r.text  # the title too
    # The visible text is exactly the stored text.
    assert html.unescape(re.sub(r"<[^>]+>", "", body.split(">", 1)[1])) == ARTICLE_2


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "java\tscript:alert(1)",
     "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x"],
)
def test_only_http_urls_become_the_original_link(lib, url):
    # As a library written before ingest refused such URLs may hold them.
    with open_store(lib[0]) as store:
        bad = Document("The ferry timetable changes on Monday, the harbour office said.", url=url)
        good = Document("The bridge toll rises in May, the council said.", url="https://valley.example/toll")
        store.add_document(bad)
        store.add_document(good)
    with TestClient(create_app(lib[0])) as c:
        page = c.get(f"/doc/{bad.id}").text
        assert ">original</a>" not in page
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert not [h for h in hrefs if not h.startswith(("/", "#", "http://", "https://"))], hrefs
        assert not [h for h in hrefs if h.startswith("//")], hrefs
        assert 'href="https://valley.example/toll"' in c.get(f"/doc/{good.id}").text


def test_document_highlights_quote_speaker_and_links(client, lib):
    r = client.get(f"/doc/{lib[1]['d2']}")
    body = doctext(r.text)
    assert 'class="hl hl-quote quote-direct" id="quote-q1"' in body
    assert 'data-tip="Speaker: Pavel Dunmore — resolved as named (90%)"' in body
    assert re.search(r'<a class="hl hl-speaker" href="/entity/E\d+"[^>]*>Dunmore</a>', body)
    assert "claim-disputed" in body and 'class="hl hl-dup"' in body
    assert f"/doc/{lib[1]['d1']}?hl=" in r.text  # the recycled passage links to its original


def test_document_passage_target_and_bad_passage(client, lib):
    r = client.get(f"/doc/{lib[1]['d1']}", params={"hl": "0-19"})
    assert '<mark class="hl hl-target" id="passage">Harbour board chair</mark>' in r.text
    assert client.get(f"/doc/{lib[1]['d1']}", params={"hl": "9-2"}).status_code == 400
    assert client.get(f"/doc/{lib[1]['d1']}", params={"hl": "0-999999"}).status_code == 400


@pytest.mark.parametrize("url", ["/doc/dnothere00000000", "/doc/%3Cscript%3E", "/entity/E999",
                                 "/entity/someone", "/entity/E999/brief", "/no/such/page"])
def test_unknown_ids_are_404(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "<script>" not in r.text.split('<script src=')[0]


# -- entities, ledger, brief ----------------------------------------------------------------------


def test_entity_page(client):
    r = client.get("/entity/E1")
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "Lena Osk" in text and "Лена Оск" in text
    assert "<dt>Latin</dt>" in text and "<dt>Cyrillic</dt>" in text
    assert "will open before the winter storms" in text  # statement by
    assert "has no evidence for her timetable" in text  # statement about
    assert 'class="status claim-evidenced"' in text and 'class="status claim-disputed"' in text
    # A claim keeps its own source (its speaker), not the document's source.
    assert re.search(r'has no evidence for her timetable\s*<span class="meta">— <a class="entref" '
                     r'href="/entity/E3">Pavel Dunmore</a>', text)
    assert 'id="volume-data"' in text and '"month": "2020-03"' in text
    assert 'id="timeline-data"' in text and '"date": "2019"' in text
    assert "Pavel Dunmore" in text and "Brannoch Works" in text  # co-mentioned
    assert client.get("/entity/e1", follow_redirects=False).status_code == 307


def test_entity_page_lists_are_the_newest_and_say_when_there_are_more(client, lib, monkeypatch):
    """Each list on an entity's page is its newest items, newest first; a list cut at the limit
    shows "N+" and says the newest are shown, where the rest are; an uncut one its count."""
    from clipfile.entitylinks import save_linked
    from clipfile.read import entities
    from clipfile.read import items as it
    from clipfile.records import Document
    from clipfile.store import open_store

    with open_store(str(lib[0])) as store:  # one more statement of hers, in a later report
        d = Document("Lena Osk said the ferry timetable is settled.", published="2031-05-01", language="en")
        store.add_document(d)
        q = d.text.index("the ferry")
        save_linked(store, {"document": {"id": d.id}, "entities": [
            {"id": "e1", "name": "Lena Osk", "type": "PERSON", "aliases": [],
             "mentions": [{"start": 0, "end": 8, "text": "Lena Osk", "label": "PERSON"}]}],
            "quotes": [{"id": "q1", "start": q, "end": len(d.text) - 1, "text": d.text[q:-1], "kind": "indirect",
                        "speaker": {"name": "Lena Osk", "entity_id": "e1"}}]}, version="t")
        said = it.by(store, 1, "quote", newest=True)
        about = it.about(store, 1, "quote", newest=True)
    assert len(said) >= 2 and said[0]["document"] == d.id and 1 <= len(about) < 10
    monkeypatch.setattr(entities, "LIST_LIMIT", 1)
    text = html.unescape(client.get("/entity/E1").text)
    assert 'Statements by Lena Osk <span class="n">1+</span>' in text
    assert "The newest 1, newest first" in text and "/search?kind=quote&entity=E1" in text
    shown = text.split("Statements by Lena Osk")[1].split("Statements about")[0]
    assert said[0]["text"][:30] in shown and said[1]["text"][:30] not in shown
    monkeypatch.setattr(entities, "LIST_LIMIT", 10)
    text = html.unescape(client.get("/entity/E1").text)
    assert f'Statements about Lena Osk <span class="n">{len(about)}</span>' in text and "The newest 10" not in text



def test_entity_page_says_when_its_co_mentions_are_estimates(client, lib, monkeypatch):
    """Co-mentioned entities are counted over the entity's newest documents: when it is in more,
    the page says the shared documents are estimated, from how many."""
    from clipfile.read import entities
    from clipfile.store import open_store

    with open_store(str(lib[0])) as store:
        n = store.get_entity(1).document_count
    assert n > 1
    text = html.unescape(client.get("/entity/E1").text)
    assert "estimated from its newest" not in text and "Pavel Dunmore" in text
    monkeypatch.setattr(entities, "ENTITY_SAMPLE", n - 1)
    text = html.unescape(client.get("/entity/E1").text)
    shown = text.split("Mentioned together with")[1].split("</section>")[0]
    assert f"Shared documents estimated from its newest {n - 1} documents." in shown
    assert re.search(r"· about \d+ shared document", shown)

def test_ledger_overdue_resolve_and_brier(client, lib):
    page = client.get("/forecasts")
    assert page.status_code == 200
    overdue = page.text.split('class="ledger-overdue"')[1].split("</section>")[0]
    assert "approve the second pier" in overdue  # deadline 2021 has passed
    key = f"{lib[1]['d1']}:" + re.search(rf'value="{lib[1]["d1"]}:(\d+-\d+)"', page.text).group(1)
    r = client.post("/forecasts/resolve", data={"csrf": csrf_of(page.text), "key": key, "outcome": "yes",
                                                "date": "2021-06-30", "note": "approved in June"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/forecasts")
    resolved = page.text.split('class="ledger-resolved"')[1].split("</section>")[0]
    assert "approve the second pier" in resolved and "came true" in resolved
    assert re.search(r'Lena Osk</a></td><td>1</td><td class="brier">0\.040</td>', page.text)
    assert 'data-chart="calibration"' in page.text


def test_resolve_rejects_bad_input(client, lib):
    page = client.get("/forecasts")
    token = csrf_of(page.text)
    for data, code in [({"key": "nonsense", "outcome": "yes"}, 400),
                       ({"key": f"{lib[1]['d1']}:1-2", "outcome": "yes"}, 404),
                       ({"key": f"{lib[1]['d2']}:0-5", "outcome": "maybe"}, 404)]:
        assert client.post("/forecasts/resolve", data={"csrf": token, **data}).status_code == code


def test_merge_entities_by_post(client):
    page = client.get("/entity/E1")
    r = client.post("/entity/E1/merge", data={"csrf": csrf_of(page.text), "other": "Brannoch Works"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/entity/E1")
    assert client.get("/entity/E2", follow_redirects=False).headers["location"] == "/entity/E1"


def test_brief_lines_link_to_passages(client, lib):
    r = client.get("/entity/E1/brief")
    assert r.status_code == 200
    links = re.findall(r'href="http://testserver/doc/(\w+)\?hl=(\d+)-(\d+)#passage"', r.text)
    assert len(links) >= 4
    store = open_store(lib[0])
    for doc_id, s, e in links:  # every link points at a real passage of a stored document
        assert 0 <= int(s) < int(e) <= len(store.get_document(doc_id).text)
    store.close()
    d = client.get("/entity/E1/brief", params={"download": 1})
    assert d.headers["content-disposition"].startswith('attachment; filename="brief-E1-Lena-Osk.html"')


# -- security -------------------------------------------------------------------------------------


def test_security_headers(client):
    r = client.get("/search")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_csrf_required_for_writes(client, lib):
    page = client.get("/forecasts")
    token = csrf_of(page.text)
    key = re.search(r'name="key" value="([^"]+)"', page.text).group(1)
    form = {"key": key, "outcome": "no"}
    assert client.post("/forecasts/resolve", data=form).status_code == 403
    assert client.post("/forecasts/resolve", data={**form, "csrf": "forged"}).status_code == 403
    assert client.post("/entity/E1/merge", data={"other": "E2"}).status_code == 403
    r = client.post("/forecasts/resolve", data={**form, "csrf": token}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    # A browser without the cookie (another site's form) cannot pass, even with a copied field.
    fresh = TestClient(client.app)
    assert fresh.post("/forecasts/resolve", data={**form, "csrf": token}).status_code == 403
    with open_store(lib[0]) as store:
        assert store.forecast_resolutions() == {}
    ok = client.post("/forecasts/resolve", data={**form, "csrf": token}, follow_redirects=False)
    assert ok.status_code == 303


def test_token_required_when_configured(lib):
    app = create_app(lib[0], token="s3cret-token")
    with TestClient(app) as c:
        r = c.get("/search")
        assert r.status_code == 401 and "Access token required" in r.text
        assert c.get("/search", headers={"X-Clipfile-Token": "wrong"}).status_code == 401
        assert c.get("/search", headers={"X-Clipfile-Token": "s3cret-token"}).status_code == 200
        assert c.get("/search", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/static/chart.js").status_code == 401
        r = c.get("/search", params={"q": "terminal", "token": "s3cret-token"}, follow_redirects=False)
        assert r.status_code == 303 and "token" not in r.headers["location"]
        assert "clipfile_token" in r.headers["set-cookie"]
        assert c.get("/search").status_code == 200  # the cookie now carries it


def test_trusted_hosts_refuse_rebinding(lib):
    with TestClient(create_app(lib[0], trusted_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1") as c:
        assert c.get("/search").status_code == 200
        assert c.get("/search", headers={"host": "attacker.example"}).status_code == 400


def test_loopback_and_origin_helpers():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")
    assert origin_matches(None, "127.0.0.1:8000")
    assert origin_matches("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not origin_matches("http://evil.example", "127.0.0.1:8000")


# -- building blocks ------------------------------------------------------------------------------


class _Checker(HTMLParser):
    """Checks that tags nest and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> does not close {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_overlapping_spans_split_and_nest():
    text = "alpha beta gamma delta"
    out = highlight(text, [Mark(0, 10, ("a",), id="one"), Mark(6, 16, ("b",), id="two")])
    assert out == ('<mark class="a" id="one">alpha <mark class="b" id="two">beta</mark></mark>'
                   '<mark class="b"> gamma</mark> delta')


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab<>&\"' é\n", min_size=1, max_size=40), st.data())
def test_highlight_keeps_text_and_nests(text, data):
    n = len(text)
    spans = data.draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n), st.booleans()), max_size=8))
    marks = [Mark(min(a, b), max(a, b), ("x",), tip="<tip>", href="/e" if link else None)
             for a, b, link in spans]
    out = highlight(text, marks)
    checker = _Checker()
    checker.feed(str(out))
    checker.close()
    assert checker.stack == []
    assert "".join(checker.text) == text


def test_json_for_script_cannot_close_the_element():
    out = str(_json_for_script([{"label": "</script><script>alert(1)</script>"}]))
    assert "</script" not in out and "<" not in out


def test_due_date_and_scripts():
    assert due_date("2021", None) == "2021-12-31"
    assert due_date("2020-02", None) == "2020-02-29"
    assert due_date("2020-08-20", "2020-01-01") == "2020-08-20"
    assert due_date("197X", None) is None and due_date(None, None) is None
    assert script_of("Лена") == "Cyrillic" and script_of("Lena") == "Latin"


def test_run_asks_for_a_token_beyond_loopback(monkeypatch, tmp_path, capsys):
    import uvicorn

    from clipfile.web import run

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **kw: calls.append(
        {"app": self.config.app, "host": self.config.host, "port": self.config.port}))
    run(tmp_path / "lib.sqlite", host="0.0.0.0", port=8123)
    err = capsys.readouterr().err
    token = calls[-1]["app"].state.token
    assert token and f"token: {token}" in err and "other machines" in err
    run(tmp_path / "lib.sqlite", host="127.0.0.1", port=8123)
    assert calls[-1]["app"].state.token is None
    assert "no token needed" in capsys.readouterr().err
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8123


def test_serve_command_is_listed():
    from typer.testing import CliRunner

    from clipfile.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output


def test_the_app_takes_an_open_store_or_a_url(lib):
    url = str(lib[0]) if "://" in str(lib[0]) else f"sqlite:///{lib[0]}"
    for library in (open_store(lib[0]), url):
        with TestClient(create_app(library)) as c:
            r = c.get("/search", params={"q": "terminal"})
            assert r.status_code == 200 and "Ferry terminal to open before winter" in r.text
