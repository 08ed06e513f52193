"""The library API and the CLI end to end, on small texts written for these tests."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.library import Library

ARTICLE = """Harbour chief warns of silting

Port Averill's harbour master, Captain Rhea Solberg, said on Tuesday that the main channel "will be too shallow for container ships by next winter" unless dredging starts soon.

"We have warned the council three times," Solberg said. "Nobody listens until a ship runs aground."
"""

SECOND = """Council delays dredging vote

The town council postponed its vote on dredging the main channel, councillor Tomas Erlund said.
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sub" / "council.txt").write_text(SECOND, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blob.bin").write_bytes(bytes(range(256)) * 20)
    return folder


def run(lib, *args, input=None):
    return CliRunner().invoke(app, ["-L", str(lib), *args], input=input)


def test_ingest_folder_reports_failures_and_keeps_the_rest(tmp_path, corpus):
    lib = tmp_path / "lib.sqlite"
    r = run(lib, "ingest", "--no-analyze", str(corpus))
    assert r.exit_code == 1, r.output  # the empty and binary files failed ...
    assert "2 new" in r.output and "2 failed" in r.output
    assert "empty" in r.output.lower() and "binary" in r.output.lower()
    # ... and the good ones are stored, once, however often they are ingested.
    r2 = run(lib, "ingest", "--no-analyze", str(corpus / "harbour.txt"), str(corpus / "sub"))
    assert r2.exit_code == 0 and "2 duplicate" in r2.output
    with Library(lib) as library:
        assert library.store.stats()["documents"] == 2


def test_plain_text_is_stored_unchanged(tmp_path):
    raw = "Line one\r\n\r\n\ufeffLine two with  spaces \n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw.encode("utf-8"))
    lib = tmp_path / "lib.sqlite"
    assert run(lib, "ingest", "--no-analyze", str(path)).exit_code == 0
    with Library(lib) as library:
        [summary] = library.store.list_documents()
        assert library.store.get_document(summary.id).text == raw


def test_search_list_show_export_stats(tmp_path, corpus):
    lib = tmp_path / "lib.sqlite"
    run(lib, "ingest", "--no-analyze", str(corpus / "harbour.txt"), str(corpus / "sub"))
    r = run(lib, "search", "dredging")
    assert r.exit_code == 0 and "Harbour chief warns of silting" in r.output and "Council delays" in r.output
    r = run(lib, "search", '"unclosed')
    assert r.exit_code == 1 and "Traceback" not in r.output and "cannot understand the query" in r.output
    r = run(lib, "search", "--json", "aground")
    hit = json.loads(r.output.strip().splitlines()[0])
    assert "[[aground]]" in hit["snippet"]
    assert "Council delays" in run(lib, "list").output
    doc_id = hit["doc_id"]
    r = run(lib, "show", doc_id[:9])
    assert r.exit_code == 0 and "Captain Rhea Solberg" in r.output
    assert run(lib, "show", "dnothing").exit_code == 1
    out = tmp_path / "export.jsonl"
    assert run(lib, "export", "--format", "jsonl", "-o", str(out)).exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["document"]["id"] for r in rows} >= {doc_id}
    stats = json.loads(run(lib, "stats", "--json").output)
    assert stats["documents"] == 2


def test_stdin_ingest(tmp_path):
    lib = tmp_path / "lib.sqlite"
    r = run(lib, "ingest", "--no-analyze", "-", input="A short note from standard input about the harbour.\n")
    assert r.exit_code == 0, r.output
    assert "1 new" in r.output


def test_analyze_json_is_stateless_and_offsets_hold(tmp_path, corpus):
    r = CliRunner().invoke(app, ["analyze", "--json", str(corpus / "harbour.txt")])
    assert r.exit_code == 0, r.output
    [line] = [l for l in r.stdout.splitlines() if l.startswith("{")]
    obj = json.loads(line)
    assert set(obj) >= {"document", "entities", "quotes", "claims", "forecasts", "events", "duplicates"}
    text = obj["document"]["text"]
    assert text == ARTICLE
    for key in ("quotes", "claims", "forecasts", "events"):
        for item in obj[key]:
            assert text[item["start"]:item["end"]] == item["text"]
    for ent in obj["entities"]:
        for m in ent["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    assert any("Solberg" in e["name"] for e in obj["entities"])


def test_interrupted_analysis_is_finished_by_the_next_run(tmp_path, corpus):
    lib = tmp_path / "lib.sqlite"
    with Library(lib) as library:
        report = library.ingest([str(corpus / "harbour.txt")], analyze_documents=False)
        assert report.count("new") == 1
        assert library.pending_analysis() == 1
        again = library.ingest([str(corpus / "harbour.txt")])
        assert again.count("duplicate") == 1 and again.outcomes[0].analyzed
        assert library.pending_analysis() == 0
        assert library.stale_documents() == []


def test_killed_ingest_leaves_a_consistent_library(tmp_path):
    src = tmp_path / "many"
    src.mkdir()
    for i in range(400):
        (src / f"{i:04d}.txt").write_text(
            f"Bulletin {i}. The river authority measured the water level at station {i} "
            f"and reported {i * 7 % 97} centimetres above normal.\n", encoding="utf-8")
    lib = tmp_path / "lib.sqlite"
    cmd = [sys.executable, "-m", "clipfile", "-L", str(lib), "ingest", "--no-analyze", "-q", str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(lib, timeout=1) as db:
                stored = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            continue
        if stored >= 20:
            break
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(lib) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        indexed = db.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
        assert docs == indexed  # the document and its index entry commit together
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with Library(lib) as library:
        assert library.store.stats()["documents"] == 400


def test_the_library_is_named_by_a_url_or_given_as_a_store(tmp_path, corpus, monkeypatch):
    from clipfile.errors import StoreError
    from clipfile.store import open_store

    url = f"sqlite:///{tmp_path}/by-url.sqlite"
    r = run(url, "ingest", "--no-analyze", str(corpus / "harbour.txt"))
    assert r.exit_code == 0 and "1 new" in r.output, r.output
    assert (tmp_path / "by-url.sqlite").exists()  # the URL's file, not a file named like the URL
    monkeypatch.setenv("CLIPFILE_LIBRARY", url)
    r = CliRunner().invoke(app, ["search", "dredging"])
    assert r.exit_code == 0 and "Harbour chief warns of silting" in r.output
    r = run("mysql://db/clips", "stats")
    assert r.exit_code == 1 and "unknown library scheme 'mysql'" in r.output and "Traceback" not in r.output
    with Library(open_store(tmp_path / "by-url.sqlite")) as library:
        assert library.path == tmp_path / "by-url.sqlite" and library.store.document_count() == 1
    with Library("sqlite:///:memory:") as library:
        assert library.path is None and library.store.document_count() == 0
    with pytest.raises(StoreError):
        Library("postgresql://db/clips")


def test_a_postgresql_library_end_to_end(postgres_url, corpus):
    """Ingest with analysis, search, quotes and entities through the CLI on a PostgreSQL library
    (the contract tests cover the store; this covers the library and the CLI over it)."""
    r = run(postgres_url, "ingest", str(corpus / "harbour.txt"), str(corpus / "sub"))
    assert "2 new" in r.output, r.output
    r = run(postgres_url, "search", "dredging")
    assert r.exit_code == 0 and "Harbour chief warns of silting" in r.output and "Council delays" in r.output
    r = run(postgres_url, "search", "--json", "--kind", "quote", "aground")
    assert r.exit_code == 0 and "[[aground]]" in r.output
    r = run(postgres_url, "quotes", "--speaker", "Solberg")
    assert r.exit_code == 0 and "too shallow" in r.output
    assert run(postgres_url, "search", '"unclosed').exit_code == 1
    r = run(postgres_url, "reanalyze", "--all")
    assert r.exit_code == 0, r.output
    with Library(postgres_url) as library:
        assert library.path is None and library.store.stats()["documents"] == 2
        assert library.stale_documents() == []
        assert "secret" not in library.store.path
