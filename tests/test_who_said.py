"""Who said what across the library: quotes by and about an entity, and one quote in two outlets."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from clipfile.cli import app

COURIER = """Minister warns of winter shortages

Energy minister Ruth Calloway said on Monday that gas reserves were lower than planned.
"We will not let a single school go cold this winter," Calloway said.
"""

LEDGER = """Calloway pledges heating for schools

At a press conference in Port Averill, Ruth Calloway repeated her promise.
"We will not let a single school go cold this winter," she said, adding that the opposition leader Martin Dray had exaggerated the shortfall.
Dray told reporters that Calloway had misled parliament about the reserves.
"""


@pytest.fixture
def library(tmp_path):
    feed = tmp_path / "two.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"title": "Minister warns of winter shortages", "source": "Averill Courier", "published": "2024-10-01",
         "text": COURIER},
        {"title": "Calloway pledges heating for schools", "source": "Coast Ledger", "published": "2024-10-03",
         "text": LEDGER},
    ]) + "\n", encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    r = CliRunner().invoke(app, ["-L", str(lib), "ingest", str(feed)])
    assert r.exit_code == 0, r.output
    return lib


def run(lib, *args):
    r = CliRunner().invoke(app, ["-L", str(lib), *args])
    assert r.exit_code == 0, r.output
    return r.output


def test_who_said_groups_one_quote_from_two_outlets(library):
    [group] = [json.loads(l) for l in run(library, "who-said", "single school go cold", "--json").splitlines()]
    assert {s["source"] for s in group["sources"]} == {"Averill Courier", "Coast Ledger"}
    assert {s["speaker"] for s in group["sources"]} == {"Ruth Calloway"}
    assert {s["resolution"] for s in group["sources"]} == {"named", "pronoun"}


def test_quotes_by_and_about(library):
    by = [json.loads(l) for l in run(library, "quotes", "--speaker", "Calloway", "--json").splitlines()]
    assert len(by) >= 2 and all(q["speaker"]["name"] == "Ruth Calloway" for q in by)
    about = [json.loads(l) for l in run(library, "quotes", "--about", "Calloway", "--json").splitlines()]
    assert any(q["speaker"]["name"] == "Martin Dray" for q in about)
    direct = [json.loads(l) for l in run(library, "quotes", "--kind", "direct", "--json").splitlines()]
    assert direct and all(q["kind"] == "direct" for q in direct)
    flat = " ".join(run(library, "entity", "Ruth Calloway").split())
    assert "Quotes by Ruth Calloway" in flat and "misled parliament" in flat


def test_quotes_by_an_unnamed_speaker(tmp_path):
    doc = tmp_path / "wire.txt"
    doc.write_text("Talks stall over grain corridor\n\n"
                   "A senior Белогорск diplomat, who spoke on condition of anonymity, said the talks had "
                   "stalled. \u201cNobody is in a hurry,\u201d the diplomat said.\n", encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    run(lib, "ingest", str(doc))
    rows = [json.loads(l) for l in run(lib, "quotes", "--speaker", "белогорск DIPLOMAT", "--json").splitlines()]
    assert {q["text"] for q in rows} >= {"Nobody is in a hurry,", "the talks had stalled"}
    assert all(q["speaker"]["entity_id"] is None for q in rows)
    r = CliRunner().invoke(app, ["-L", str(lib), "quotes", "--speaker", "nobody at all"])
    assert r.exit_code != 0 and "no quote by a speaker so described" in r.output
