"""A watch file is configuration people share: every table and key is checked, and every error
is one line naming the file, the table and the key."""
from __future__ import annotations

import io
import json

import httpx
import pytest
from rich.console import Console

from clipfile.alerts import AlertRule, deliver, match_alerts, webhook_problem
from clipfile.records import Document, to_dict
from clipfile.watch import MIN_INTERVAL, SCHEMA, WatchFileError, load_watch_file

FEED = '[[source]]\nname = "gazette"\nurl = "https://news.example.org/rss"\n'
STREAM = '[[source]]\nname = "radio"\nurl = "https://radio.example.org/live"\nkind = "stream"\n'


def load(tmp_path, text: str, **options):
    path = tmp_path / "watch.toml"
    path.write_text(text, encoding="utf-8")
    return load_watch_file(path, **options)


def refused(tmp_path, text: str, **options) -> str:
    with pytest.raises(WatchFileError) as info:
        load(tmp_path, text, **options)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "watch.toml"))
    return message


@pytest.mark.parametrize("text,expected", [
    # unknown keys and tables, with the nearest valid name
    (FEED + '[delivery]\nwebhok = "https://hooks.example.org/x"\n', "[delivery]: unknown key 'webhok' (did you mean 'webhook'?)"),
    (FEED.replace("url", "ur1"), "[[source]] 1 ('gazette'): unknown key 'ur1' (did you mean 'url'?)"),
    (FEED + 'intervall = "5m"\n', "unknown key 'intervall' (did you mean 'interval'?)"),
    (FEED + '[[alert]]\nentiy = "Anna Kessler"\n', "[[alert]] 1: unknown key 'entiy' (did you mean 'entity'?)"),
    (FEED + '[[alerts]]\nphrase = "ferry"\n', "unknown table [alerts] (did you mean 'alert'?)"),
    (FEED + 'kind = "fed"\n', "kind: 'fed' is not one of feed, page, stream (did you mean 'feed'?)"),
    (FEED + '[[alert]]\nentity = "Kessler"\nkind = "quote_by"\n', "kind: 'quote_by' is not one of quote-by"),
    # types and ranges
    (FEED + '[delivery]\nwebhook = 5\n', "[delivery], webhook: a number 5 is not an http(s) URL"),
    (FEED + "interval = 0.001\n", f"interval: a number 0.001 is below the minimum of {MIN_INTERVAL:g} s"),
    (FEED + 'interval = "1s"\n', "below the minimum of 60 s"),
    (FEED + "interval = true\n", "interval: a true/false True is not a duration"),
    (FEED + "interval = nan\n", "below the minimum"),
    (FEED + 'interval = "soon"\n', "interval: the text 'soon' is not a duration"),
    (FEED + "max_redirects = 50\n", "max_redirects: a number 50 is not a whole number from 0 to 20"),
    (FEED + 'max_redirects = "3"\n', "max_redirects: the text '3' is not a whole number"),
    ('[[source]]\nname = 7\nurl = "https://x.example.org"\n', "name: a number 7 is not a non-empty string"),
    (FEED + 'duration = "10m"\n', "duration: only stream sources take duration (this one is a feed)"),
    (FEED + 'language = "ru"\n', "only stream sources take language"),
    (STREAM + 'chunk = "1s"\n', "chunk: the text '1s' is below the minimum of 10 s"),
    (STREAM + 'language = "klingon"\n', "language: unknown language 'klingon'"),
    (FEED + '[[alert]]\nkind = "quote-by"\n', "[[alert]] 1: needs an entity, a phrase or a query"),
    (FEED + '[[alert]]\nphrase = "ferry"\nkind = "quote-by"\n', "[[alert]] 1: kind 'quote-by' needs the entity who speaks"),
    (FEED + '[[alert]]\nphrase = 3\n', "[[alert]] 1, phrase: a number 3 is not a non-empty string"),
    ('[source]\nurl = "https://x.example.org"\n', "write [[source]] (an array of tables)"),
    ("", "no [[source]] to watch"),
    # schemes: sources and webhooks are http(s) only
    ('[[source]]\nurl = "ftp://x.example.org/feed"\n', "url: 'ftp://x.example.org/feed' is not an http(s) URL"),
    (FEED + '[delivery]\nwebhook = "file:///tmp/hook"\n', "webhook: 'file:///tmp/hook' is not an http(s) URL"),
    (FEED + '[delivery]\nwebhook = "gopher://hooks.example.org:70/"\n', "is not an http(s) URL"),
    # syntax
    ("[[source]\nurl = 'x'\n", "not valid TOML: "),
    (FEED + 'name = "twice"\n', "not valid TOML"),
])
def test_refused_with_file_table_and_key(tmp_path, text, expected):
    assert expected in refused(tmp_path, text)


@pytest.mark.parametrize("host", [
    "127.0.0.1:9", "localhost:8080", "[::1]", "10.0.0.5", "192.168.1.1", "169.254.169.254",
    "2130706433", "127.1", "0x7f.0.0.1", "[::ffff:127.0.0.1]", "metadata.google.internal", "printer.local",
])
def test_private_webhooks_need_the_users_consent(tmp_path, host):
    text = FEED + f'[delivery]\nwebhook = "http://{host}/hook"\n'
    assert "--allow-private-webhook" in refused(tmp_path, text)
    assert load(tmp_path, text, allow_private_webhook=True).webhook == f"http://{host}/hook"


def test_public_webhook_any_port(tmp_path):
    config = load(tmp_path, FEED + '[delivery]\nwebhook = "https://hooks.example.org:8443/clipfile"\n')
    assert config.webhook == "https://hooks.example.org:8443/clipfile"
    assert webhook_problem("https://hooks.example.org/x") is None
    assert webhook_problem("https://hooks.example.org/x", resolve=lambda host, port: ["10.9.8.7"])
    assert webhook_problem("https://hooks.example.org/x", resolve=lambda host, port: ["8.8.8.8"]) is None


@pytest.mark.parametrize("key,value", [("log", "/tmp/alerts.jsonl"), ("log", "../../x.jsonl"),
                                       ("recordings", "../recordings"), ("log", "logs/../../x.jsonl")])
def test_paths_stay_in_the_watch_files_folder(tmp_path, key, value):
    text = FEED + f'[delivery]\n{key} = "{value}"\n'
    message = refused(tmp_path, text)
    assert f"[delivery], {key}:" in message and "outside the watch file's folder" in message
    assert "--allow-outside-paths" in message
    config = load(tmp_path, text, allow_outside_paths=True)
    assert getattr(config, key) == (tmp_path / value).resolve()


def test_good_file_with_every_key(tmp_path):
    config = load(tmp_path, '''
[[source]]
name = "gazette"
url = "https://news.example.org/rss"
kind = "feed"
interval = "15m"
max_redirects = 0

[[source]]
name = "radio"
url = "https://radio.example.org/live"
kind = "stream"
interval = "6h"
duration = "30m"
chunk = "5m"
language = "RU"
max_redirects = 3

[[alert]]
name = "kessler"
entity = "Anna Kessler"
kind = "quote-by"

[delivery]
log = "logs/alerts.jsonl"
webhook = "https://hooks.example.org/clipfile"
recordings = "audio"
''')
    feed, radio = config.sources
    assert (feed.interval, feed.max_redirects, feed.language) == (900, 0, None)
    assert (radio.duration, radio.chunk, radio.language, radio.max_redirects) == (1800, 300, "ru", 3)
    assert config.log == (tmp_path / "logs" / "alerts.jsonl").resolve()
    assert config.recordings == (tmp_path / "audio").resolve()
    assert [r.name for r in config.alerts] == ["kessler"]
    # the schema names every key the loader reads
    assert set(SCHEMA) == {"source", "alert", "delivery"}


def sample_alerts() -> list:
    doc = Document("The ferry to the island will run twice a day from May, the operator said.")
    analysis = {"document": to_dict(doc), "entities": [], "quotes": [], "claims": [], "forecasts": [],
                "events": [], "duplicates": []}
    return match_alerts([AlertRule("ferry", phrase="ferry")], analysis)


def test_deliver_refuses_a_webhook_that_resolves_inward_and_reports_log_failures(tmp_path):
    posted: list = []
    client = httpx.Client(transport=httpx.MockTransport(lambda r: posted.append(r) or httpx.Response(200)))
    alerts = sample_alerts()
    report = deliver(alerts, log_path=tmp_path, webhook="https://hooks.example.org/x", client=client,
                     console=Console(file=io.StringIO()), allow_private=False, resolve=lambda host, port: ["10.1.2.3"])
    assert posted == [] and report.posted == 0
    assert any("could not write" in f for f in report.failed)  # the log path is a folder
    assert any("refused" in f and "10.1.2.3" in f for f in report.failed)
    report = deliver(alerts, log_path=tmp_path / "a.jsonl", webhook="https://hooks.example.org/x", client=client,
                     console=Console(file=io.StringIO()), allow_private=False, resolve=lambda host, port: ["8.8.8.8"])
    assert report.failed == [] and report.posted == 1 and len(posted) == 1
    assert json.loads(posted[0].content)["alert"]["rule"] == "ferry"


def test_sources_built_in_python_have_the_same_floor():
    from clipfile.watch import WatchSource

    with pytest.raises(ValueError, match="below the minimum of 60 s"):
        WatchSource("fast", "https://news.example.org/rss", interval=0.001)
    with pytest.raises(ValueError, match="max_redirects"):
        WatchSource("hops", "https://news.example.org/rss", interval=600, max_redirects=99)
