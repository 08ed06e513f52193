"""Watchlist rules against analysis JSON, and delivery to terminal, JSONL log and webhook."""
from __future__ import annotations

import io
import json

import httpx
import pytest
from rich.console import Console

from clipfile.alerts import Alert, AlertRule, deliver, format_alert, match_alerts, read_alert_log, rule_from_dict
from clipfile.records import (
    Claim,
    Cue,
    Document,
    Duplicate,
    DuplicateOf,
    Entity,
    Forecast,
    Mention,
    Quote,
    Ref,
    Span,
    Speaker,
    to_dict,
)

TEXT = (
    "Port director Anna Kessler said the new quay will open in June. "
    "\"The cranes arrived last week,\" Kessler told the council. "
    "Union leader Tomas Brandt warned that the strike could spread to the rail depot. "
    "The quay cost more than planned, officials admitted."
)


def span(sub: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(sub)
    return start, start + len(sub)


def analysis() -> dict:
    """An analysis object shaped like the pipeline's JSON, built from the record types."""
    kessler = [Mention(*span("Anna Kessler"), "Anna Kessler", "PERSON"),
               Mention(*span("Kessler told"), "Kessler", "PERSON")]
    kessler[1] = Mention(kessler[1].start, kessler[1].start + 7, "Kessler", "PERSON")
    brandt = [Mention(*span("Tomas Brandt"), "Tomas Brandt", "PERSON")]
    ents = [
        Entity("e1", "Anna Kessler", "PERSON", ("Port director Anna Kessler", "Kessler"), tuple(kessler)),
        Entity("e2", "Tomas Brandt", "PERSON", ("Brandt",), tuple(brandt)),
    ]
    q_text = "The cranes arrived last week,"
    qs, qe = span(q_text)
    quotes = [
        Quote("q1", *span("the new quay will open in June"), "the new quay will open in June", "indirect",
              Cue(*span("said"), "said"), Speaker("Anna Kessler", "e1", 0, 26, "named", 0.9)),
        Quote("q2", qs, qe, q_text, "direct", None, Speaker("Anna Kessler", "e1", None, None, "named", 0.9)),
        Quote("q3", *span("the strike could spread to the rail depot"), "the strike could spread to the rail depot",
              "indirect", None, Speaker("Tomas Brandt", "e2", None, None, "named", 0.9)),
    ]
    c_text = "The quay cost more than planned, officials admitted."
    claims = [Claim("c1", *span(c_text), c_text, "asserted", 0.8, None, Ref("the quay"))]
    f_text = "the strike could spread to the rail depot"
    fs, fe = span(f_text)
    forecasts = [Forecast("f1", fs, fe, f_text, Span(fs, fe, f_text), 0.5, "could", Ref("Tomas Brandt", "e2"))]
    d_start, d_end = span("Union leader Tomas Brandt warned")
    dups = [Duplicate(d_start, d_end, DuplicateOf("dolder0000000001", 10, 42), 0.97)]
    doc = Document(TEXT, title="Quay to open in June", url="https://example.org/quay",
                   metadata={"cues": [{"start": 0, "end": 64, "t_start": 0.0, "t_end": 4.0, "speaker": None},
                                      {"start": 65, "end": len(TEXT), "t_start": 4.5, "t_end": 15.0, "speaker": None}]})
    return {"document": to_dict(doc), "entities": to_dict(ents), "quotes": to_dict(quotes), "claims": to_dict(claims),
            "forecasts": to_dict(forecasts), "events": [], "duplicates": to_dict(dups)}


def check_offsets(alerts: list[Alert], a: dict) -> None:
    for alert in alerts:
        assert alert.document == a["document"]["id"]
        assert a["document"]["text"][alert.start:alert.end].startswith(alert.text.rstrip("…"))


def test_quote_by_entity_matches_surname_and_alias():
    a = analysis()
    alerts = match_alerts([AlertRule("kessler quotes", entity="Kessler", kind="quote-by")], a)
    assert [x.item_id for x in alerts] == ["q1", "q2"]
    assert {x.speaker for x in alerts} == {"Anna Kessler"}
    assert alerts[1].text == "The cranes arrived last week,"
    assert alerts[0].t_start == 0.0 and alerts[1].t_start == 4.5  # playback second from the cues
    assert alerts[0].title == "Quay to open in June" and alerts[0].url == "https://example.org/quay"
    check_offsets(alerts, a)
    # phrase inside the quote narrows it
    narrowed = match_alerts([AlertRule("cranes", entity="Anna Kessler", phrase="cranes", kind="quote-by")], a)
    assert [x.item_id for x in narrowed] == ["q2"]
    # someone else does not match
    assert match_alerts([AlertRule("x", entity="Maria Kessler-Olsen", kind="quote-by")], a) == []


def test_claim_and_forecast_about():
    a = analysis()
    claims = match_alerts([AlertRule("quay claims", phrase="quay", kind="claim-about")], a)
    assert [x.item_id for x in claims] == ["c1"] and claims[0].item == "claim"
    forecasts = match_alerts([AlertRule("depot", phrase="rail depot", kind="forecast-about")], a)
    assert [x.item_id for x in forecasts] == ["f1"] and forecasts[0].speaker == "Tomas Brandt"
    # a forecast BY Brandt is not a forecast ABOUT Brandt
    assert match_alerts([AlertRule("b", entity="Brandt", kind="forecast-about")], a) == []
    # an entity mentioned inside a claim makes it a claim about them
    a["claims"][0]["text"] = a["document"]["text"][a["quotes"][2]["start"] - 40:a["quotes"][2]["end"]]
    a["claims"][0]["start"], a["claims"][0]["end"] = a["quotes"][2]["start"] - 40, a["quotes"][2]["end"]
    assert [x.item_id for x in match_alerts([AlertRule("b", entity="Brandt", kind="claim-about")], a)] == ["c1"]
    check_offsets(claims + forecasts, a)


def test_recycled_passages():
    a = analysis()
    any_dup = match_alerts([AlertRule("copies", kind="recycled")], a)
    assert len(any_dup) == 1 and any_dup[0].item == "duplicate"
    assert "dolder0000000001" in any_dup[0].matched
    assert match_alerts([AlertRule("copies of brandt", entity="Tomas Brandt", kind="recycled")], a)
    assert match_alerts([AlertRule("copies of kessler", entity="Kessler", kind="recycled")], a) == []
    check_offsets(any_dup, a)


def test_plain_entity_phrase_and_query():
    a = analysis()
    ent = match_alerts([AlertRule("kessler", entity="anna kessler")], a)
    assert len(ent) == 1 and ent[0].count == 2 and ent[0].item == "mention"
    assert TEXT[ent[0].start:ent[0].end] == "Anna Kessler"
    phrase = match_alerts([AlertRule("depot", phrase="Rail  Depot")], a)
    assert len(phrase) == 1 and TEXT[phrase[0].start:phrase[0].end] == "rail depot"
    assert match_alerts([AlertRule("partial word", phrase="quays")], a) == []
    q = match_alerts([AlertRule("q", query='strike "rail depot" -airport')], a)
    assert len(q) == 1 and TEXT[q[0].start:q[0].end] == "strike"
    assert match_alerts([AlertRule("q", query="strike -depot")], a) == []
    assert match_alerts([AlertRule("q", query="airport OR cranes")], a)[0].text == "cranes"
    assert match_alerts([AlertRule("q", query="strike NOT cranes")], a) == []
    check_offsets(ent + phrase + q, a)


def test_rule_validation():
    assert rule_from_dict({"entity": "Brandt", "kind": "quote-by"}).name == "Brandt"
    with pytest.raises(ValueError, match="unknown kind"):
        rule_from_dict({"entity": "Brandt", "kind": "quotes"})
    with pytest.raises(ValueError, match="needs an entity"):
        rule_from_dict({"name": "empty"})
    with pytest.raises(ValueError, match="unknown key"):
        rule_from_dict({"entity": "Brandt", "colour": "red"})


def test_rules_on_real_pipeline_output():
    from clipfile import pipeline

    doc = Document(
        "Harbour chief Lena Ortiz said the ferry service will resume in April. "
        "\"We have fixed the engines,\" Ortiz told reporters."
    )
    a = pipeline.analyze(doc).to_json()
    alerts = match_alerts([AlertRule("ortiz", entity="Ortiz", kind="quote-by")], a)
    assert alerts, a["quotes"]
    for alert in alerts:
        assert doc.text[alert.start:alert.end] == alert.text
        assert alert.speaker and "Ortiz" in alert.speaker


def sample_alerts() -> list[Alert]:
    return match_alerts([AlertRule("kessler quotes", entity="Kessler", kind="quote-by")], analysis())


def test_deliver_terminal_and_log(tmp_path):
    out = io.StringIO()
    log = tmp_path / "logs" / "alerts.jsonl"
    report = deliver(sample_alerts(), log_path=log, webhook=None, console=Console(file=out, width=300))
    assert report.printed == 2 and report.logged == 2 and report.failed == []
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "kessler quotes" in lines[0] and "[" in lines[0]
    assert "at 0:00:04" in lines[1]
    deliver(sample_alerts()[:1], log_path=log, webhook=None, console=Console(file=io.StringIO()))
    with open(log, "a", encoding="utf-8") as fh:
        fh.write('{"rule": "half a line')  # a crash mid-write must not break reading
    items = read_alert_log(log)
    assert len(items) == 3 and items[0]["item_id"] == "q1" and items[0]["start"] < items[0]["end"]
    assert read_alert_log(log, rule="nope") == [] and len(read_alert_log(log, limit=1)) == 1
    assert format_alert(items[0]) == format_alert(sample_alerts()[0])


def mock_client(statuses: list[int | Exception], seen: list[dict]) -> httpx.Client:
    queue = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        step = queue.pop(0) if queue else 200
        if isinstance(step, Exception):
            raise step
        return httpx.Response(step)

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_webhook_retries_then_succeeds():
    seen: list[dict] = []
    sleeps: list[float] = []
    client = mock_client([500, httpx.ConnectError("refused"), 200, 200], seen)
    report = deliver(sample_alerts(), log_path=None, webhook="http://hooks.invalid/x", client=client,
                     console=Console(file=io.StringIO()), sleep=sleeps.append)
    assert report.posted == 2 and report.failed == []
    assert len(seen) == 4 and seen[0]["alert"]["item_id"] == "q1" and seen[-1]["alert"]["item_id"] == "q2"
    assert sleeps == [0.5, 1.0]


def test_webhook_gives_up_and_does_not_retry_client_errors():
    seen: list[dict] = []
    client = mock_client([httpx.ReadTimeout("slow")] * 3 + [400], seen)
    report = deliver(sample_alerts(), log_path=None, webhook="http://hooks.invalid/x", client=client,
                     console=Console(file=io.StringIO()), retries=2, sleep=lambda s: None)
    assert report.posted == 0 and len(report.failed) == 2
    assert "timed out" in report.failed[0] and "3 attempts" in report.failed[0]
    assert "HTTP 400" in report.failed[1]
    assert len(seen) == 4  # 3 attempts for the first, one for the refused second
