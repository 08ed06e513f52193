"""The read side (clipfile/read/): one answer to each question, whether the CLI, the web or an
alert asks.  A small hand-built library of fictional articles (analyses written by hand, so no
NLP stage is needed): an English and a Russian article about one mayor, and an undated copy."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from clipfile.alerts import AlertRule, match_alerts
from clipfile.cli import app as cli
from clipfile.entitylinks import save_linked
from clipfile.read import items as it
from clipfile.read.documents import document_view, recycled
from clipfile.read.entities import entity_view, mention_volume, one_entity
from clipfile.read.query import TextQuery
from clipfile.read.search import SearchRequest, search
from clipfile.records import Document
from clipfile.store.base import EntityLink
from clipfile.store.sqlite import SQLiteStore

EN = ('Mayor Oleg Varin said the ferry "will run all winter". '
      "The harbour fund was emptied, according to people close to the council. "
      "Varin denied that he had sold the pier. "
      "Critics say Varin misled the council. "
      "The board may ask Varin to resign.")
RU = "Мэр Олег Варин заявил, что паром будет ходить всю зиму. Совет говорил о санкциях против подрядчика."
COPY = 'Oleg Varin spoke at the quay on a cold morning. Mayor Oleg Varin said the ferry "will run all winter".'


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def span(text: str, phrase: str, nth: int = 0, **extra) -> dict:
    s, e = at(text, phrase, nth)
    return {"start": s, "end": e, "text": phrase, **extra}


def person(local: str, name: str, text: str, *forms: tuple[str, int]) -> dict:
    return {"id": local, "name": name, "type": "PERSON", "aliases": sorted({f for f, _ in forms} - {name}),
            "mentions": [span(text, f, n, label="PERSON") for f, n in forms]}


def build(path) -> dict[str, str]:
    store = SQLiteStore(path)
    en = Document(EN, title="Mayor promises winter ferry", source="Harbour Gazette", published="2024-02-10",
                  language="en")
    ru = Document(RU, title="Паром будет ходить зимой", source="Береговой вестник", published="2024-03-05",
                  language="ru")
    copy = Document(COPY, title="At the quay", source="Quay Notes", language="en")  # no publication date
    for d in (en, ru, copy):
        store.add_document(d)
    t = EN
    varin = {"name": "Oleg Varin", "entity_id": "e1"}
    claim = lambda phrase, status, **kw: {"id": f"c{status}", **span(t, phrase), "status": status,  # noqa: E731
                                          "certainty": 0.5, "source": None, "subject": None, **kw}
    save_linked(store, {
        "document": {"id": en.id},
        "entities": [person("e1", "Oleg Varin", t, ("Oleg Varin", 0), ("Varin", 1), ("Varin", 2), ("Varin", 3))],
        "quotes": [{"id": "q1", **span(t, "will run all winter"), "kind": "direct",
                    "speaker": {**varin, **span(t, "Oleg Varin"), "resolution": "named", "confidence": 0.95}}],
        "claims": [
            claim("The harbour fund was emptied", "hearsay"),
            claim("he had sold the pier", "denied", source=varin),
            claim("Varin misled the council", "asserted", source={"name": "Critics"}),  # names him: about
            claim("ask Varin to resign", "hedged", subject=varin),  # about him as its subject
        ],
        "forecasts": [], "events": [], "duplicates": [],
    }, version="test")
    t = RU
    save_linked(store, {
        "document": {"id": ru.id},
        "entities": [person("e1", "Олег Варин", t, ("Олег Варин", 0))],
        "quotes": [{"id": "q1", **span(t, "паром будет ходить всю зиму"), "kind": "indirect",
                    "speaker": {"name": "Олег Варин", "entity_id": "e1", **span(t, "Олег Варин"),
                                "resolution": "named", "confidence": 0.9}}],
        "claims": [{"id": "c1", **span(t, "Совет говорил о санкциях против подрядчика"), "status": "asserted",
                    "certainty": 0.8, "source": None, "subject": None}],
        "forecasts": [], "events": [], "duplicates": [],
    }, version="test")
    t = COPY
    s, e = at(COPY, 'Mayor Oleg Varin said the ferry "will run all winter".')
    o = at(EN, 'Mayor Oleg Varin said the ferry "will run all winter".')
    save_linked(store, {
        "document": {"id": copy.id},
        "entities": [person("e1", "Oleg Varin", t, ("Oleg Varin", 0), ("Oleg Varin", 1))],
        "quotes": [], "claims": [], "forecasts": [],
        "events": [{"id": "v1", **span(t, "Oleg Varin spoke at the quay on a cold morning"),
                    "date": None, "participants": [{"name": "Oleg Varin", "entity_id": "e1"}]}],
        "duplicates": [{"start": s, "end": e, "of": {"document": en.id, "start": o[0], "end": o[1]},
                        "similarity": 1.0, "inconsistencies": []}],
    }, version="test")
    store.close()
    return {"en": en.id, "ru": ru.id, "copy": copy.id}


@pytest.fixture()
def lib(tmp_path):
    path = tmp_path / "lib.sqlite"
    ids = build(path)
    return path, ids


@pytest.fixture()
def store(lib):
    s = SQLiteStore(lib[0])
    yield s
    s.close()


@pytest.fixture()
def client(lib):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from clipfile.web import create_app

    with TestClient(create_app(lib[0])) as c:
        yield c


def run(lib, *args: str):
    r = CliRunner().invoke(cli, ["-L", str(lib[0]), *args])
    assert r.exit_code == 0, r.output
    return r


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


# -- by and about: one definition -----------------------------------------------------------------


def test_both_scripts_are_one_entity(store):
    e = one_entity(store, "Varin")
    assert one_entity(store, "Олег Варин").id == e.id
    assert {"Oleg Varin", "Олег Варин"} <= set(e.aliases) | {e.name}


def test_claims_about_are_subject_or_named_and_not_by(store):
    e = one_entity(store, "Varin")
    by = [c["text"] for c in it.by(store, e.id, "claim")]
    about = [c["text"] for c in it.about(store, e.id, "claim")]
    assert by == ["he had sold the pier"]
    assert sorted(about) == ["Varin misled the council", "ask Varin to resign"]
    # the denial names nobody but is by him: never "about" as well
    assert not set(by) & set(about)


def test_limit_and_filters_are_applied_by_the_store(store):
    e = one_entity(store, "Varin")
    everything = store.items("claim")
    assert len(everything) == 5
    page1 = store.items("claim", limit=2)
    page2 = store.items("claim", limit=2, offset=2)
    assert [c["item_id"] for c in page1 + page2] == [c["item_id"] for c in everything[:4]]
    assert [c["status"] for c in store.items("claim", footing="hearsay")] == ["hearsay"]
    assert [q["kind"] for q in store.items("quote", quote_kind="indirect")] == ["indirect"]
    assert store.items("quote", links=[EntityLink(e.id, ("speaker",)), EntityLink(e.id, ("speaker",), absent=True)]) == []


def test_cli_and_web_agree_on_an_entity(lib, client, store):
    e = one_entity(store, "Varin")
    got = jsonl(run(lib, "entity", "Varin", "--json").output)[0]
    view = entity_view(store, e)
    assert [q["item_id"] for q in got["quotes_by"]] == [q["item_id"] for q in view["quotes_by"]]
    assert [q["item_id"] for q in got["quotes_about"]] == [q["item_id"] for q in view["quotes_about"]]
    assert len(got["quotes_by"]) == 2  # the English and the Russian quote: one speaker
    page = client.get(f"/entity/E{e.id}").text
    assert re.search(r'Statements by Oleg Varin <span class="n">2</span>', page)
    # claims: the web page and the CLI brief list the same claims by and about him
    brief = run(lib, "brief", "Varin").output
    for text in ("he had sold the pier", "Varin misled the council", "ask Varin to resign"):
        assert text in page and text in brief
    assert "harbour fund was emptied" not in page and "harbour fund was emptied" not in brief
    web_brief = client.get(f"/entity/E{e.id}/brief").text
    assert "Varin misled the council" in web_brief and "ask Varin to resign" in web_brief


def test_quotes_about_excludes_his_own(lib, store):
    by = jsonl(run(lib, "quotes", "--speaker", "Varin", "--json").output)
    assert {q["text"] for q in by} == {"will run all winter", "паром будет ходить всю зиму"}
    assert jsonl(run(lib, "quotes", "--speaker", "Varin", "--kind", "direct", "--json").output)[0]["kind"] == "direct"
    assert len(jsonl(run(lib, "quotes", "--speaker", "Varin", "-n", "1", "--json").output)) == 1
    r = CliRunner().invoke(cli, ["-L", str(lib[0]), "quotes", "--kind", "rumour"])
    assert r.exit_code == 2 and "unknown quote kind" in r.output


# -- footing ----------------------------------------------------------------------------------------


def test_claims_listing_filters_by_footing(lib):
    rows = jsonl(run(lib, "claims", "--footing", "hearsay", "--json").output)
    assert [c["text"] for c in rows] == ["The harbour fund was emptied"]
    out = run(lib, "claims", "--by", "Varin").output
    assert "denied" in out and "he had sold the pier" in out and "misled" not in out
    about = jsonl(run(lib, "claims", "--about", "Олег Варин", "--footing", "hedged", "--json").output)
    assert [c["text"] for c in about] == ["ask Varin to resign"]
    r = CliRunner().invoke(cli, ["-L", str(lib[0]), "claims", "--footing", "rumoured"])
    assert r.exit_code == 2 and "unknown footing" in r.output


def test_search_by_footing_shows_the_footing_in_cli_and_web(lib, client):
    out = run(lib, "search", "pier OR fund OR council", "--kind", "claim", "--footing", "denied").output
    assert "denied" in out and "sold the pier" in out and "harbour fund" not in out
    hits = jsonl(run(lib, "search", "fund OR council", "--footing", "hearsay", "--json").output)
    assert [h["item"]["status"] for h in hits] == ["hearsay"]
    page = client.get("/search", params={"q": "council OR pier OR fund", "kind": "claim"}).text
    assert "<h3>Footing</h3>" in page and 'class="status claim-denied"' in page
    assert re.search(r"claim-hearsay\">hearsay</span></a> <span class=\"n\">1</span>", page)
    e = client.get("/entities", params={"q": "Varin"}).text
    eid = re.search(r'href="/entity/(E\d+)"', e).group(1)
    entity_page = client.get(f"/entity/{eid}").text
    link = f"/search?kind=claim&amp;entity={eid}&amp;footing=denied"
    assert link in entity_page  # each footing on the entity page opens its claims in search
    denied = client.get(link.replace("&amp;", "&")).text
    assert "1 denied claim" in denied and "sold the pier" in denied
    only = client.get("/search", params={"q": "council OR pier OR fund", "kind": "claim", "footing": "hearsay"})
    assert "1 hearsay claim match" in only.text and "sold the pier" not in only.text
    assert client.get("/search", params={"q": "pier", "footing": "gossip"}).status_code == 400


# -- one search ---------------------------------------------------------------------------------------


def test_cli_and_web_search_give_the_same_hits(lib, client):
    for query, kind in (("ferry", "document"), ("winter", "quote"), ("council", "claim")):
        cli_hits = jsonl(run(lib, "search", query, "--kind", kind, "--json").output)
        page = client.get("/search", params={"q": query, "kind": kind}).text
        assert cli_hits
        assert f"{len(cli_hits)} {kind}{'' if len(cli_hits) == 1 else 's'} match" in page
        for h in cli_hits:  # the same snippet, marked the same way
            assert h["snippet"].replace("[[", "<b>").replace("]]", "</b>").split("<b>")[1].split("</b>")[0] in page


def test_cli_search_takes_the_web_filters(lib, client):
    assert jsonl(run(lib, "search", "ferry", "--language", "en", "--json").output)
    assert not jsonl(run(lib, "search", "ferry", "--source", "Береговой вестник", "--json").output)
    dated = jsonl(run(lib, "search", "winter", "--from", "2024-02", "--to", "2024-02-28", "--json").output)
    assert {h["doc_id"] for h in dated} == {lib[1]["en"]}  # the undated copy has no date to compare
    r = CliRunner().invoke(cli, ["-L", str(lib[0]), "search", "ferry", "--from", "last week"])
    assert r.exit_code == 1 and "is not a date" in r.output


def test_search_for_a_name_reaches_every_script(lib, store, client):
    page = search(store, SearchRequest("Varin"), facets=False)
    assert lib[1]["ru"] in {h.doc_id for h in page.hits}  # "Олег Варин" in the Russian article
    assert "Олег Варин" in page.widened
    out = CliRunner().invoke(cli, ["-L", str(lib[0]), "search", "Varin"]).output
    assert "Паром будет ходить зимой" in out and "also searching" in out
    assert "Паром будет ходить зимой" in client.get("/search", params={"q": "Varin"}).text
    # a query with operators is taken as written
    assert lib[1]["ru"] not in {h.doc_id for h in search(store, SearchRequest("Varin OR quay")).hits}
    # and the entity filter covers every script too
    ru_only = run(lib, "search", "паром", "--entity", "Oleg Varin").output
    assert "Паром будет ходить зимой" in ru_only


def test_empty_result_says_why(store):
    page = search(store, SearchRequest("lighthouse", kind="claim", footing="denied"))
    assert page.message == "no denied claims match 'lighthouse'; try fewer words, a prefix like word*, or remove a filter"


# -- documents, recycled text, volume --------------------------------------------------------------------


def test_show_lists_every_kind_of_item(lib):
    out = run(lib, "show", lib[1]["copy"], "--no-text").output
    assert "Events (1)" in out and "Oleg Varin spoke at the quay" in out
    assert "Recycled passages (1)" in out and f"repeats {lib[1]['en']}" in out
    out = run(lib, "show", lib[1]["en"], "--no-text").output
    assert "Claims (4)" in out and "hearsay" in out and "The harbour fund was emptied" in out
    assert "Quotes" not in out.split("Claims")[1]  # sections in reading order


def test_recycled_listing(lib, store):
    out = run(lib, "recycled").output
    assert "At the quay" in out and f"repeats {lib[1]['en']}" in out
    [r] = recycled(store)
    assert r["text"] == r["of_text"] == 'Mayor Oleg Varin said the ferry "will run all winter".'
    assert recycled(store, entity=one_entity(store, "Варин").id) == [r]  # the passage names him
    assert document_view(store, lib[1]["copy"])["duplicates"][0]["of_text"] == r["of_text"]
    assert recycled(store, doc_id=lib[1]["en"]) == []


def test_mentions_per_month_use_the_publication_date(store, client):
    e = one_entity(store, "Varin")
    volume = mention_volume(store, e)
    assert volume == {"months": [{"month": "2024-02", "n": 4}, {"month": "2024-03", "n": 1}], "undated": 2}
    page = client.get(f"/entity/E{e.id}").text
    assert "2 mentions in documents with no publication month" in page
    assert "<th>2024-02</th><th>2024-03</th></tr>" in page  # no column for the month it was ingested


# -- alerts read the search syntax --------------------------------------------------------------------


def test_alert_query_matches_like_search(lib, store):
    analysis = store.get_analysis(lib[1]["ru"])
    fired = match_alerts([AlertRule("sanctions", query="санкции")], analysis)
    assert [a.text for a in fired] == ["санкциях"]  # another case of the word
    assert search(store, SearchRequest("санкции")).hits  # search finds the same text
    assert match_alerts([AlertRule("phrase", phrase="санкция против")], analysis)
    with pytest.raises(ValueError, match="cannot understand"):
        AlertRule("bad", query="ferry AND")


QUERIES = ["ferry", "winter ferry", '"will run"', "ferr*", "ferry OR паром", "ferry NOT quay",
           "(quay OR council) AND winter", "зима", "зиму", "санкциях", '"all winter"', "mayor -critics",
           "NEAR(ferry winter)", 'NEAR("oleg varin" quay)', "паром* OR quay*"]


@pytest.mark.parametrize("query", QUERIES)
def test_in_memory_matching_agrees_with_the_index(store, query):
    docs = list(store.iter_documents())
    by_index = {h.doc_id for h in store.search_page(query.replace("-critics", "NOT critics"), limit=50).hits}
    in_memory = {d.id for d in docs if TextQuery.parse(query).matches(d.title + " " + d.text)}
    assert in_memory == by_index


@pytest.mark.parametrize("query, text, found", [
    ("NEAR(ferry winter, 3)", "the ferry will run all winter", (4, 9)),
    ("NEAR(ferry winter, 2)", "the ferry will run all winter", None),
    ("x -y", "x y", None),
    ("NOT rumour", "a fact", (0, 6)),
    ('"next year"*', "not next years", (4, 14)),
])
def test_in_memory_query_forms(query, text, found):
    assert TextQuery.parse(query).find(text) == found


def test_alert_entity_reaches_every_script(lib, store):
    """As a search for a name finds the entity's names in every script, so does an alert rule."""
    fired = match_alerts([AlertRule("mayor", entity="Varin")], store.get_analysis(lib[1]["ru"]))
    assert [(a.item, a.text) for a in fired] == [("mention", "Олег Варин")]
    quote = match_alerts([AlertRule("his words", entity="Oleg Varin", kind="quote-by")],
                         store.get_analysis(lib[1]["ru"]))
    assert [a.text for a in quote] == ["паром будет ходить всю зиму"]
    assert match_alerts([AlertRule("other", entity="Pavel Varin")], store.get_analysis(lib[1]["ru"])) == []
