"""`clipfile watch` against a local feed: new items stored once, state kept in the library, alerts logged."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.library import Library
from test_watch import FeedServer  # the local feed server of the watch tests


def test_watch_once_twice_stores_each_item_once(tmp_path):
    srv = FeedServer()
    try:
        watch_file = tmp_path / "watch.toml"
        watch_file.write_text(f'''
[[source]]
name = "Harbour Gazette"
url = "{srv.url}/feed"
kind = "feed"
interval = "1s"

[[alert]]
phrase = "ferry"

[delivery]
log = "alerts.jsonl"
''', encoding="utf-8")
        lib = tmp_path / "lib.sqlite"
        runner = CliRunner()
        r = runner.invoke(app, ["-L", str(lib), "watch", str(watch_file), "--once"])
        assert r.exit_code == 0, r.output
        with Library(lib) as library:
            assert library.store.stats()["documents"] == 2
            assert library.store.get_state(f"watch:{watch_file.resolve()}")  # state kept in the library
        srv.keys = ["a", "b", "c"]  # one new item appears
        srv.etag = '"v2"'
        r = runner.invoke(app, ["-L", str(lib), "watch", str(watch_file), "--once"])
        assert r.exit_code == 0, r.output
        with Library(lib) as library:
            assert library.store.stats()["documents"] == 3
        fired = runner.invoke(app, ["alerts", str(tmp_path / "alerts.jsonl"), "--json"])
        alerts = [json.loads(line) for line in fired.output.splitlines() if line.startswith("{")]
        assert alerts and all("ferry" in json.dumps(a).lower() for a in alerts)
    finally:
        srv.server.shutdown()
        srv.server.server_close()
