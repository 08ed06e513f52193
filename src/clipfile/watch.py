"""Keeping watch: poll the sources of a watch file on a schedule, ingest only what is new.

A watch file is TOML::

    [[source]]
    name = "Harbour News"
    url = "https://news.example.org/rss"
    kind = "feed"          # feed | page | stream
    interval = "15m"       # seconds or 90s / 15m / 1h; at least MIN_INTERVAL (60 s)
    max_redirects = 5      # redirects followed for this source (0-20; default 5)

    [[source]]
    name = "City Radio"
    url = "https://radio.example.org/live.mp3"
    kind = "stream"
    interval = "6h"
    duration = "30m"       # streams: how long to listen each time
    chunk = "5m"
    language = "ru"        # streams: the language of the speech (default: detect)

    [[alert]]
    entity = "Anna Kessler"
    kind = "quote-by"

    [delivery]             # optional: where alerts go besides the terminal
    log = "alerts.jsonl"   # relative to the watch file, and inside its folder
    webhook = "https://hooks.example.org/clipfile"
    recordings = "recordings"  # stream audio; relative to the watch file, inside its folder

A watch file is configuration people share, so it is read as untrusted: every table and key
is checked against :data:`SCHEMA` (an unknown key is refused with the nearest valid one
named), URLs must be http(s), a webhook may not point at this machine or its private network
unless the user allows it (``allow_private_webhook``), and ``log``/``recordings`` may not
leave the watch file's folder unless the user allows it (``allow_outside_paths``).  Every
error is one line naming the file, the table and the key.

Per-source state (a JSON-ready dict the caller persists) holds the validators (ETag,
Last-Modified), the keys of items already ingested, error counts and times.  The validators
are only updated after the new items are ingested and the state is saved right after each poll,
so a restart neither re-ingests nor misses an item.
"""
from __future__ import annotations

import difflib
import math
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .alerts import (
    ALERT_KINDS,
    Alert,
    AlertRule,
    deliver,
    match_alerts,
    rule_from_dict,
    rule_problem,
    webhook_problem,
)
from .errors import ClipfileError
from .ingest.fetch import StatusError, fetch_response
from .ingest.read import DEFAULT_MAX_BYTES
from .listen import listen, parse_duration
from .records import Document

__all__ = [
    "WatchSource",
    "WatchConfig",
    "WatchFileError",
    "WatchReport",
    "PollResult",
    "load_watch_file",
    "poll_source",
    "run_watch",
    "status_table",
    "SOURCE_KINDS",
    "SCHEMA",
    "MIN_INTERVAL",
    "MIN_CHUNK",
    "MAX_REDIRECTS",
]

SOURCE_KINDS = ("feed", "page", "stream")
# Polling a news source more often than once a minute finds nothing new and looks like abuse
# to its server; a shared file asking for 0.001 s is refused rather than obeyed.
MIN_INTERVAL = 60.0
# Stream chunks (and listening sessions) shorter than this are mostly start-up and silence,
# and a tiny value would make ffmpeg write thousands of files.
MIN_CHUNK = 10.0
# Redirects a source may ask for at most (httpx's own ceiling); the default is 5.
MAX_REDIRECTS = 20
DEFAULT_REDIRECTS = 5
# Remember this many item keys per source: far more than any feed shows at once.
MAX_SEEN = 5000
# Errors back off exponentially from the interval, up to this.
MAX_BACKOFF = 6 * 3600.0

# Every table and key a watch file may hold, with what each takes (said in error messages).
SCHEMA: dict[str, dict[str, str]] = {
    "source": {
        "name": "a non-empty string (state is kept by name)",
        "url": "an http(s) URL",
        "kind": "one of " + ", ".join(SOURCE_KINDS),
        "interval": f"a duration of at least {MIN_INTERVAL:g} s (seconds, or 90s / 15m / 1h)",
        "max_redirects": f"a whole number from 0 to {MAX_REDIRECTS}",
        "duration": f"streams only: a duration of at least {MIN_CHUNK:g} s",
        "chunk": f"streams only: a duration of at least {MIN_CHUNK:g} s",
        "language": "streams only: the language of the speech, a code such as en or ru",
    },
    "alert": {
        "name": "a non-empty string",
        "entity": "a non-empty string",
        "phrase": "a non-empty string",
        "query": "a non-empty string",
        "kind": "one of quote-by, claim-about, forecast-about, recycled",
    },
    "delivery": {
        "log": "a path relative to the watch file (JSON Lines)",
        "webhook": "an http(s) URL",
        "recordings": "a folder relative to the watch file",
    },
}
_TABLES = {"source": "[[source]]", "alert": "[[alert]]", "delivery": "[delivery]"}


class WatchFileError(ClipfileError):
    """The watch file is missing, not TOML, or describes sources, alerts or delivery wrongly."""


@dataclass(frozen=True, slots=True)
class WatchSource:
    """One watched source."""

    name: str
    url: str
    kind: str = "feed"
    interval: float = 900.0
    duration: float | None = None  # streams: seconds to listen per visit
    chunk: float | None = None  # streams: seconds per chunk
    max_redirects: int = DEFAULT_REDIRECTS
    language: str | None = None  # streams: the language of the speech; None detects it

    def __post_init__(self) -> None:
        # The same floor as the watch file's, for sources built in Python.
        if self.kind not in SOURCE_KINDS:
            raise ValueError(f"source {self.name!r}: kind {self.kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        if not self.interval >= MIN_INTERVAL:
            raise ValueError(f"source {self.name!r}: interval {self.interval!r} is below the minimum of"
                             f" {MIN_INTERVAL:g} s")
        if not 0 <= self.max_redirects <= MAX_REDIRECTS:
            raise ValueError(f"source {self.name!r}: max_redirects must be 0 to {MAX_REDIRECTS}")


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """A parsed watch file."""

    sources: tuple[WatchSource, ...]
    alerts: tuple[AlertRule, ...] = ()
    log: Path | None = None
    webhook: str | None = None
    recordings: Path | None = None  # where stream chunks are kept
    path: Path | None = None
    allow_private_webhook: bool = False  # the user's choice, not the file's


@dataclass(slots=True)
class PollResult:
    """What one poll of one source did."""

    source: str
    status: str  # new | unchanged | not-modified | error
    fetched: int = 0  # items in the response
    new: int = 0
    doc_ids: list[str] = field(default_factory=list)
    error: str | None = None
    next_due: float = 0.0


@dataclass(slots=True)
class WatchReport:
    """What a :func:`run_watch` run did, for the caller's summary and exit code."""

    polls: int = 0
    new: int = 0
    alerts: int = 0
    errors: list[str] = field(default_factory=list)  # "source: why", one per failed poll
    delivery_failures: list[str] = field(default_factory=list)


class _Checker:
    """Reads one table of a watch file against :data:`SCHEMA`; errors name file, table and key."""

    def __init__(self, path: Path, table: str, raw: Any, index: int | None = None) -> None:
        self.path, self.table = path, table
        label = _TABLES[table] + (f" {index}" if index is not None else "")
        name = raw.get("name") if isinstance(raw, dict) else None
        if isinstance(name, str) and name.strip():
            label += f" ({name.strip()!r})"
        self.where = f"{path}: {label}"
        if not isinstance(raw, dict):
            raise WatchFileError(f"{self.where}: must be a table of keys (write {_TABLES[table]})")
        self.raw = raw
        for key in raw:
            if key not in SCHEMA[table]:
                raise WatchFileError(f"{self.where}: unknown key {key!r}{_suggest(key, SCHEMA[table])}")

    def fail(self, key: str, why: str) -> WatchFileError:
        return WatchFileError(f"{self.where}, {key}: {why}")

    def string(self, key: str, *, default: str | None = None) -> str | None:
        value = self.raw.get(key, default)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"{_shown(value)} is not {SCHEMA[self.table][key]}")
        return value.strip()

    def duration(self, key: str, default: float | str, minimum: float) -> float:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.fail(key, f"{_shown(value)} is not {SCHEMA[self.table][key]}")
        try:
            seconds = parse_duration(value)
        except ValueError:
            raise self.fail(key, f"{_shown(value)} is not a duration (use seconds, or 90s, 15m, 1h)") from None
        if not math.isfinite(seconds) or seconds < minimum:
            raise self.fail(key, f"{_shown(value)} is below the minimum of {minimum:g} s")
        return seconds

    def whole(self, key: str, default: int, lo: int, hi: int) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise self.fail(key, f"{_shown(value)} is not {SCHEMA[self.table][key]}")
        return value

    def path_inside(self, key: str, *, allow_outside: bool) -> Path | None:
        value = self.string(key)
        if not value:
            return None
        folder = self.path.parent.resolve()
        target = (folder / Path(value).expanduser()).resolve()
        if not allow_outside and not target.is_relative_to(folder):
            raise self.fail(key, f"{value!r} is outside the watch file's folder {folder} "
                                 "(pass --allow-outside-paths to write there)")
        return target


def _shown(value: Any) -> str:
    kind = {bool: "a true/false", int: "a number", float: "a number", str: "the text", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} {value!r}" if isinstance(value, (bool, int, float, str)) else kind


def _suggest(key: str, known: Iterable[str]) -> str:
    """`` (did you mean 'webhook'?)`` for a near miss, else the valid names."""
    names = list(known)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (valid: {', '.join(names)})"


def _http_url(check: _Checker, key: str) -> str:
    url = check.string(key)
    if not url:
        raise check.fail(key, f"missing: needs {SCHEMA[check.table][key]}")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise check.fail(key, f"{url!r} is not an http(s) URL (other schemes are refused)")
    return url


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WatchFileError(f"{path}: watch file not found") from None
    except IsADirectoryError:
        raise WatchFileError(f"{path}: is a folder, not a watch file") from None
    except UnicodeDecodeError:
        raise WatchFileError(f"{path}: not UTF-8 text (a watch file is TOML)") from None
    except OSError as exc:
        raise WatchFileError(f"{path}: could not read the watch file ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WatchFileError(f"{path}: not valid TOML: {exc}") from None


def load_watch_file(path: Path, *, allow_outside_paths: bool = False,
                    allow_private_webhook: bool = False) -> WatchConfig:
    """Read and check a watch file (see the module docstring).

    Args:
        allow_outside_paths: let ``[delivery] log`` and ``recordings`` point outside the
            watch file's folder (absolute paths, ``..``).  The user's choice: a file someone
            shared must not write wherever it likes.
        allow_private_webhook: let the webhook be this machine or a private-network address.

    Raises:
        WatchFileError: one line with the file name, the table, the key and what is wrong.
    """
    path = Path(path)
    data = _read_toml(path)
    for table in data:
        if table not in _TABLES:
            raise WatchFileError(f"{path}: unknown table [{table}]{_suggest(table, _TABLES)} "
                                 "(use [[source]], [[alert]], [delivery])")
    for table in ("source", "alert"):
        if table in data and not isinstance(data[table], list):
            raise WatchFileError(f"{path}: write [[{table}]] (an array of tables), not [{table}] or a key")
    sources: list[WatchSource] = []
    names: set[str] = set()
    for i, raw in enumerate(data.get("source") or [], start=1):
        check = _Checker(path, "source", raw, i)
        url = _http_url(check, "url")
        kind = check.string("kind", default="feed")
        if kind not in SOURCE_KINDS:
            raise check.fail("kind", f"{kind!r} is not {SCHEMA['source']['kind']}{_suggest(kind, SOURCE_KINDS)}")
        name = check.string("name") or urlsplit(url).netloc
        if not name:
            raise check.fail("name", f"is empty: needs {SCHEMA['source']['name']}")
        if name in names:
            raise check.fail("name", f"{name!r} is used twice (state is kept by name)")
        names.add(name)
        interval = check.duration("interval", 900, MIN_INTERVAL)
        max_redirects = check.whole("max_redirects", DEFAULT_REDIRECTS, 0, MAX_REDIRECTS)
        duration = chunk = None
        language = None
        if kind == "stream":
            duration = check.duration("duration", "5m", MIN_CHUNK)
            chunk = min(check.duration("chunk", "5m", MIN_CHUNK), duration)
            language = check.string("language")
            if language:
                from .ingest.audio import check_language

                try:
                    language = check_language(language)
                except ClipfileError as exc:
                    raise check.fail("language", str(exc)) from None
        else:
            for key in ("duration", "chunk", "language"):
                if key in raw:
                    raise check.fail(key, f"only stream sources take {key} (this one is a {kind})")
        sources.append(WatchSource(name=name, url=url, kind=kind, interval=interval, duration=duration,
                                   chunk=chunk, max_redirects=max_redirects, language=language or None))
    if not sources:
        raise WatchFileError(f"{path}: no [[source]] to watch")
    rules = []
    for i, raw in enumerate(data.get("alert") or [], start=1):
        check = _Checker(path, "alert", raw, i)
        fields = {key: check.string(key) for key in SCHEMA["alert"]}
        for key, value in fields.items():
            if key in raw and not value:
                raise check.fail(key, f"is empty: needs {SCHEMA['alert'][key]}")
        if fields["kind"] and fields["kind"] not in ALERT_KINDS:
            raise check.fail("kind", f"{fields['kind']!r} is not {SCHEMA['alert']['kind']}"
                                     f"{_suggest(fields['kind'], ALERT_KINDS)}")
        problem = rule_problem(entity=fields["entity"], phrase=fields["phrase"], query=fields["query"],
                               kind=fields["kind"])
        if problem:
            raise WatchFileError(f"{check.where}: {problem}")
        rules.append(rule_from_dict(raw, index=i - 1))
    check = _Checker(path, "delivery", data.get("delivery", {}))
    webhook = check.string("webhook") or None
    if webhook:
        webhook = _http_url(check, "webhook")
        problem = webhook_problem(webhook, allow_private=allow_private_webhook)
        if problem:
            raise check.fail("webhook", problem)
    return WatchConfig(
        sources=tuple(sources),
        alerts=tuple(rules),
        log=check.path_inside("log", allow_outside=allow_outside_paths),
        webhook=webhook,
        recordings=check.path_inside("recordings", allow_outside=allow_outside_paths),
        path=path,
        allow_private_webhook=allow_private_webhook,
    )


def _source_state(state: dict[str, Any], src: WatchSource) -> dict[str, Any]:
    entry = state.setdefault("sources", {}).setdefault(src.name, {})
    entry.setdefault("seen", [])
    entry.setdefault("errors", 0)
    entry.setdefault("items", 0)
    return entry


def _item_key(doc: Document, kind: str) -> str:
    """What makes an item the same item next time: the entry id or link; for pages the content."""
    if kind == "feed":
        return str(doc.metadata.get("entry_id") or doc.url or doc.id)
    return doc.id


def _retry_after(value: str | None, now: float) -> float:
    """Seconds a ``Retry-After`` header asks us to wait (a number or an HTTP date)."""
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return 0.0


def _read(data: bytes, *, name: str, content_type: str | None, url: str, max_bytes: int) -> list[Document]:
    from .ingest import read_bytes

    return list(read_bytes(data, name=name, content_type=content_type, url=url, max_bytes=max_bytes))


def poll_source(
    src: WatchSource,
    state: dict[str, Any],
    *,
    client: httpx.Client,
    ingest: Callable[[list[Document]], list[str]],
    clock: Any = time,
    recordings: Path | None = None,
    model: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 30.0,
) -> PollResult:
    """Poll one source once and ingest its new items.

    Pages and feeds are fetched by :func:`clipfile.ingest.fetch.fetch_response`, the fetch
    ``clipfile ingest URL`` uses: the body is unpacked under ``max_bytes`` as it streams in,
    and at most ``src.max_redirects`` redirects are followed, to http(s) only.

    Args:
        src: the source.
        state: the whole watch state; this source's part is ``state["sources"][src.name]``.
        client: the HTTP client.
        ingest: stores documents, returns their ids.
        clock: ``time()`` source (the ``time`` module).
        recordings, model: streams only: where chunk audio goes, which ASR model.
        max_bytes: the most a page or feed may hold, unpacked.
        timeout: seconds per network read (the whole body gets ten times this).

    Returns:
        A :class:`PollResult`; errors are reported in it (and in the state), not raised.
    """
    s = _source_state(state, src)
    now = clock.time()
    s["last_poll"] = now
    if src.kind == "stream":
        return _poll_stream(src, s, ingest=ingest, clock=clock, recordings=recordings, model=model)
    headers = {}
    if s.get("etag"):
        headers["If-None-Match"] = s["etag"]
    if s.get("last_modified"):
        headers["If-Modified-Since"] = s["last_modified"]
    try:
        got = fetch_response(src.url, client=client, timeout=timeout, max_bytes=max_bytes,
                             max_redirects=src.max_redirects, headers=headers)
        if got.status == 304:
            return _succeeded(src, s, now, PollResult(src.name, "not-modified"))
        name = Path(urlsplit(got.url).path).name or src.name
        docs = _read(got.body, name=name, content_type=got.content_type, url=got.url, max_bytes=max_bytes)
        seen = set(s["seen"])
        fresh: list[Document] = []
        keys: list[str] = []
        for doc in docs:
            key = _item_key(doc, src.kind)
            if key in seen or key in keys:
                continue
            fresh.append(doc)
            keys.append(key)
        ids = ingest(fresh) if fresh else []
    except StatusError as exc:
        return _failed(src, s, now, ClipfileError(exc.args[0]), exc.retry_after)  # "HTTP 503 ...": the URL is known
    except ClipfileError as exc:
        return _failed(src, s, now, exc, None)
    s["seen"] = (s["seen"] + keys)[-MAX_SEEN:]
    malformed = any(d.metadata.get("feed_malformed") for d in docs)
    if not malformed:
        # A damaged body may hide entries: keep the old validators so the next poll refetches.
        s["etag"] = got.headers.get("etag") or None
        s["last_modified"] = got.headers.get("last-modified") or None
    result = PollResult(src.name, "new" if fresh else "unchanged", fetched=len(docs), new=len(fresh), doc_ids=list(ids))
    if malformed:
        s["last_error"] = "malformed body: read what could be read, will fetch again"
        s["last_error_at"] = now
    s["items"] += len(fresh)
    s["last_new"] = len(fresh)
    return _succeeded(src, s, now, result)


def _poll_stream(src: WatchSource, s: dict[str, Any], *, ingest: Callable[[list[Document]], list[str]], clock: Any,
                 recordings: Path | None, model: str | None) -> PollResult:
    now = clock.time()
    out_dir = (recordings or Path("recordings")) / "".join(c if c.isalnum() else "-" for c in src.name)
    ids: list[str] = []
    try:
        report = listen(src.url, duration=src.duration or 300.0, chunk=src.chunk or 300.0, out_dir=out_dir,
                        on_chunk=lambda doc: ids.extend(ingest([doc])), model=model, clock=clock,
                        language=src.language, max_redirects=src.max_redirects)
    except ClipfileError as exc:
        return _failed(src, s, now, exc, None)
    if not report.chunks:
        error = report.gaps[0].error if report.gaps else "nothing recorded"
        return _failed(src, s, now, ClipfileError(f"stream unreachable: {error}"), None)
    s["items"] += len(ids)
    s["last_new"] = len(ids)
    result = PollResult(src.name, "new" if ids else "unchanged", fetched=len(report.chunks), new=len(ids), doc_ids=ids)
    if report.gaps:
        s["last_error"] = f"{len(report.gaps)} gap(s), {report.missed_seconds:g}s missed"
        s["last_error_at"] = clock.time()
    return _succeeded(src, s, clock.time(), result)


def _succeeded(src: WatchSource, s: dict[str, Any], now: float, result: PollResult) -> PollResult:
    s["last_success"] = now
    s["errors"] = 0
    s["next_due"] = now + src.interval
    result.next_due = s["next_due"]
    return result


def _failed(src: WatchSource, s: dict[str, Any], now: float, exc: Exception, retry_after: str | None) -> PollResult:
    s["errors"] = int(s.get("errors", 0)) + 1
    message = str(exc) or exc.__class__.__name__
    s["last_error"] = message
    s["last_error_at"] = now
    delay = min(src.interval * 2 ** s["errors"], max(MAX_BACKOFF, src.interval))
    delay = max(delay, _retry_after(retry_after, now))
    s["next_due"] = now + delay
    return PollResult(src.name, "error", error=message, next_due=s["next_due"])


def _when(epoch: float | None, now: float) -> str:
    if not epoch:
        return "—"
    ago = now - epoch
    stamp = datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if 0 <= ago < 86400:
        return f"{stamp} ({int(ago // 60)}m ago)" if ago >= 60 else f"{stamp} (just now)"
    return stamp


def status_table(config: WatchConfig, state: dict[str, Any], *, now: float | None = None) -> Any:
    """A Rich table: per source, last success, last error, items, next poll."""
    from rich.markup import escape
    from rich.table import Table

    now = time.time() if now is None else now
    table = Table(title="Clipfile watch", expand=False)
    for column in ("source", "kind", "last success", "last error", "items (last)", "next poll"):
        table.add_column(column)
    for src in config.sources:
        s = (state.get("sources") or {}).get(src.name, {})
        error = s.get("last_error")
        # Error texts come from servers and the watch file: never let them be read as markup.
        error_cell = f"{_when(s.get('last_error_at'), now)}: {escape(error)}" if error else "—"
        if s.get("errors"):
            error_cell = f"[red]{error_cell} (x{s['errors']}, backing off)[/red]"
        nxt = s.get("next_due")
        next_cell = "now" if not nxt or nxt <= now else f"in {int(nxt - now)}s"
        table.add_row(escape(src.name), src.kind, _when(s.get("last_success"), now), error_cell,
                      f"{s.get('items', 0)} ({s.get('last_new', 0)})", next_cell)
    return table


def run_watch(
    config: WatchConfig,
    *,
    state_load: Callable[[], dict[str, Any]],
    state_save: Callable[[dict[str, Any]], None],
    ingest: Callable[[list[Document]], list[str]],
    on_alert: Callable[[list[Alert]], None] | None = None,
    analyze: Callable[[str], dict[str, Any]] | None = None,
    until: float | None = None,
    once: bool = False,
    client: httpx.Client | None = None,
    console: Any = None,
    clock: Any = time,
    model: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> WatchReport:
    """Run the watch: poll due sources, ingest new items, fire alerts, show a status table.

    Args:
        config: the parsed watch file.
        state_load, state_save: read and write the JSON-ready state (saved after every poll).
        ingest: stores documents, returns their ids.
        on_alert: receives the alerts fired by new documents; default: :func:`deliver` to the
            terminal and the watch file's log and webhook.
        analyze: document id to its analysis JSON; without it no alert rules are checked.
        until: stop once ``clock.time()`` reaches this (epoch seconds); None runs until interrupted.
        once: poll every source not in error backoff once, then return (for cron).
        client: the HTTP client; default one with Clipfile's user agent and a 30 s timeout.
        console: a ``rich.console.Console`` for the status table.
        model: ASR model for stream sources.
        max_bytes: the most a page or feed may hold, unpacked.

    Returns:
        A :class:`WatchReport`: polls, new items, alerts, and every failed poll and delivery,
        so that a ``--once`` run can exit non-zero when something did not go through.
    """
    from rich.console import Console
    from rich.live import Live
    from rich.markup import escape

    from .ingest import USER_AGENT

    console = console or Console()
    state = state_load() or {}
    own = client is None
    http = client or httpx.Client(timeout=30.0, headers={"User-Agent": USER_AGENT})
    recordings = config.recordings or (config.path.parent.resolve() / "recordings" if config.path else None)
    summary = WatchReport()

    def fire(doc_ids: list[str]) -> None:
        if not (analyze and config.alerts and doc_ids):
            return
        alerts: list[Alert] = []
        for doc_id in doc_ids:
            try:
                alerts.extend(match_alerts(config.alerts, analyze(doc_id)))
            except ClipfileError as exc:
                console.print(f"[yellow]alerts skipped for {doc_id}: {escape(str(exc))}[/yellow]")
        if not alerts:
            return
        summary.alerts += len(alerts)
        if on_alert is not None:
            on_alert(alerts)
        else:
            report = deliver(alerts, log_path=config.log, webhook=config.webhook, console=console,
                             allow_private=config.allow_private_webhook)
            summary.delivery_failures.extend(report.failed)
            for failure in report.failed:
                console.print(f"[red]delivery failed: {escape(failure)}[/red]", soft_wrap=True)

    try:
        with Live(status_table(config, state, now=clock.time()), console=console, auto_refresh=False) as live:
            while True:
                now = clock.time()
                for src in config.sources:
                    s = _source_state(state, src)
                    due = s.get("next_due") or 0.0
                    in_backoff = s.get("errors", 0) > 0 and due > now
                    if (once and not in_backoff) or (not once and due <= now):
                        result = poll_source(src, state, client=http, ingest=ingest, clock=clock,
                                             recordings=recordings, model=model, max_bytes=max_bytes)
                        state_save(state)
                        summary.polls += 1
                        summary.new += result.new
                        if result.status == "error":
                            summary.errors.append(f"{src.name}: {result.error}")
                        fire(result.doc_ids)
                        live.update(status_table(config, state, now=clock.time()), refresh=True)
                if once:
                    break
                now = clock.time()
                if until is not None and now >= until:
                    break
                wake = min(_source_state(state, s).get("next_due") or now for s in config.sources)
                if until is not None:
                    wake = min(wake, until)
                live.update(status_table(config, state, now=now), refresh=True)
                clock.sleep(max(0.0, wake - now))
    finally:
        if own:
            http.close()
    return summary
