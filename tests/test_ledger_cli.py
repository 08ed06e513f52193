"""The forecast ledger, scores, timeline and brief, end to end through the CLI."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clipfile.cli import app

ARTICLE = """Analyst expects port strike to spread

Economist Lina Frey said on March 3 2019 that the dock strike will spread to the rail yards by 2020.
"If the union wins, the ferry crews will walk out within a month," Frey said.
In 1998 Frey advised the harbour board during the last great strike.
She <script>alert(1)</script> was not available for further comment.
"""


@pytest.fixture
def library(tmp_path):
    rec = tmp_path / "a.jsonl"
    rec.write_text(json.dumps({"title": "Analyst expects port strike to spread", "source": "Averill Courier",
                               "published": "2019-03-04", "text": ARTICLE}) + "\n", encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    r = CliRunner().invoke(app, ["-L", str(lib), "ingest", str(rec)])
    assert r.exit_code == 0, r.output
    return lib


def run(lib, *args, code=0):
    r = CliRunner().invoke(app, ["-L", str(lib), *args])
    assert r.exit_code == code, r.output
    return r.output


def test_forecast_ledger_resolve_and_score(library):
    rows = [json.loads(l) for l in run(library, "forecasts", "--by", "Frey", "--json").splitlines()]
    assert len(rows) >= 2
    by_2020 = next(r for r in rows if (r.get("deadline") or {}).get("value") == "2020")
    assert by_2020["status"] == "overdue"  # 2020 is long past and nobody resolved it
    assert by_2020["forecaster"]["name"] == "Lina Frey"
    run(library, "forecast", "resolve", by_2020["id"], "--outcome", "no", "--date", "2020-12-31",
        "--note", "the rail yards kept working")
    after = {json.loads(l)["id"]: json.loads(l) for l in run(library, "forecasts", "--json").splitlines()}
    assert after[by_2020["id"]]["status"] == "resolved-no"
    assert by_2020["id"] not in {json.loads(l)["id"] for l in run(library, "forecasts", "--open", "--json").splitlines()}
    [score] = [s for s in json.loads(run(library, "scores", "--json")) if s["forecaster"] == "Lina Frey"]
    p = by_2020["probability"]
    assert score["resolved"] == 1 and score["brier"] == pytest.approx(p * p)
    run(library, "forecast", "resolve", "Fnothing", "--outcome", "yes", code=1)
    run(library, "forecast", "resolve", by_2020["id"], "--outcome", "maybe", code=2)


def test_timeline_and_brief(library):
    events = [json.loads(l) for l in run(library, "timeline", "Frey", "--json").splitlines()]
    values = [e["date"]["value"] for e in events]
    assert "1998" in values and values == sorted(values)
    md = run(library, "brief", "Lina Frey")
    assert md.startswith("# Brief: Lina Frey") and "## Forecasts" in md and "## Timeline" in md
    html = run(library, "brief", "Lina Frey", "--format", "html")
    assert "<script>alert" not in html  # document text is escaped
    run(library, "brief", "Nobody Atall", code=1)


def test_listings_are_limited_and_say_how_many_more(library):
    everything = run(library, "forecasts", "--limit", "0", "--json").splitlines()
    assert len(everything) >= 2
    out = run(library, "forecasts", "--limit", "1")
    assert f"and {len(everything) - 1} more forecasts" in out
    # Overdue forecasts come first.
    statuses = [json.loads(l)["status"] for l in everything if l.startswith("{")]
    assert statuses == sorted(statuses, key=lambda s: {"overdue": 0, "open": 1}.get(s, 2))
    table = run(library, "scores")
    assert "Lina Frey" in table
