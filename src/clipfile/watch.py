"""Keeping watch: poll the sources of a watch file on a schedule, ingest only what is new.

A watch file is TOML::

    [[source]]
    name = "Harbour News"
    url = "https://news.example.org/rss"
    kind = "feed"          # feed | page | stream
    interval = "15m"       # seconds or 90s / 15m / 1h

    [[source]]
    name = "City Radio"
    url = "https://radio.example.org/live.mp3"
    kind = "stream"
    interval = "6h"
    duration = "30m"       # streams: how long to listen each time
    chunk = "5m"

    [[alert]]
    entity = "Anna Kessler"
    kind = "quote-by"

    [delivery]             # optional: where alerts go besides the terminal
    log = "alerts.jsonl"   # relative to the watch file
    webhook = "https://hooks.example.org/clipfile"

Per-source state (a JSON-ready dict the caller persists) holds the validators (ETag,
Last-Modified), the keys of items already ingested, error counts and times.  The validators
are only updated after the new items are ingested and the state is saved right after each poll,
so a restart neither re-ingests nor misses an item.
"""
from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .alerts import Alert, AlertRule, deliver, match_alerts, rule_from_dict
from .errors import ClipfileError
from .listen import listen, parse_duration
from .records import Document

__all__ = [
    "WatchSource",
    "WatchConfig",
    "WatchFileError",
    "PollResult",
    "load_watch_file",
    "poll_source",
    "run_watch",
    "status_table",
    "SOURCE_KINDS",
]

SOURCE_KINDS = ("feed", "page", "stream")
# Remember this many item keys per source: far more than any feed shows at once.
MAX_SEEN = 5000
# Errors back off exponentially from the interval, up to this.
MAX_BACKOFF = 6 * 3600.0


class WatchFileError(ClipfileError):
    """The watch file is missing, not TOML, or describes sources or alerts wrongly."""


@dataclass(frozen=True, slots=True)
class WatchSource:
    """One watched source."""

    name: str
    url: str
    kind: str = "feed"
    interval: float = 900.0
    duration: float | None = None  # streams: seconds to listen per visit
    chunk: float | None = None  # streams: seconds per chunk


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """A parsed watch file."""

    sources: tuple[WatchSource, ...]
    alerts: tuple[AlertRule, ...] = ()
    log: Path | None = None
    webhook: str | None = None
    recordings: Path | None = None  # where stream chunks are kept
    path: Path | None = None


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


def _duration(value: Any, what: str) -> float:
    try:
        seconds = parse_duration(value)
    except (ValueError, TypeError, AttributeError):
        raise WatchFileError(f"{what}: {value!r} is not a duration (use seconds or 90s, 15m, 1h)") from None
    if seconds <= 0:
        raise WatchFileError(f"{what}: must be positive")
    return seconds


def load_watch_file(path: Path) -> WatchConfig:
    """Read a watch file (see the module docstring).

    Raises:
        WatchFileError: with the file name and what is wrong.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WatchFileError(f"{path}: watch file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WatchFileError(f"{path}: not valid TOML ({exc})") from exc
    unknown = set(data) - {"source", "alert", "delivery"}
    if unknown:
        raise WatchFileError(f"{path}: unknown section(s) {', '.join(sorted(unknown))} (use [[source]], [[alert]], [delivery])")
    sources: list[WatchSource] = []
    names: set[str] = set()
    for i, raw in enumerate(data.get("source") or [], start=1):
        where = f"{path}: source {i}"
        if not isinstance(raw, dict):
            raise WatchFileError(f"{where}: must be a [[source]] table")
        extra = set(raw) - {"name", "url", "kind", "interval", "duration", "chunk"}
        if extra:
            raise WatchFileError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        url = raw.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise WatchFileError(f"{where}: needs an http(s) url")
        kind = raw.get("kind", "feed")
        if kind not in SOURCE_KINDS:
            raise WatchFileError(f"{where}: kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        name = str(raw.get("name") or urlsplit(url).netloc)
        if name in names:
            raise WatchFileError(f"{where}: the name {name!r} is used twice (state is kept by name)")
        names.add(name)
        interval = _duration(raw.get("interval", 900), f"{where} interval")
        duration = chunk = None
        if kind == "stream":
            duration = _duration(raw.get("duration", "5m"), f"{where} duration")
            chunk = min(_duration(raw.get("chunk", "5m"), f"{where} chunk"), duration)
        sources.append(WatchSource(name=name, url=url, kind=kind, interval=interval, duration=duration, chunk=chunk))
    if not sources:
        raise WatchFileError(f"{path}: no [[source]] to watch")
    rules = []
    for i, raw in enumerate(data.get("alert") or []):
        try:
            rules.append(rule_from_dict(raw, index=i))
        except (ValueError, TypeError, AttributeError) as exc:
            raise WatchFileError(f"{path}: {exc}") from exc
    delivery = data.get("delivery") or {}
    log = delivery.get("log")
    recordings = delivery.get("recordings")
    return WatchConfig(
        sources=tuple(sources),
        alerts=tuple(rules),
        log=(path.parent / log) if log else None,
        webhook=delivery.get("webhook") or None,
        recordings=(path.parent / recordings) if recordings else None,
        path=path,
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


def _retry_after(resp: httpx.Response | None, now: float) -> float:
    value = resp.headers.get("retry-after") if resp is not None else None
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            return 0.0


def _read(data: bytes, *, name: str, content_type: str | None, url: str) -> list[Document]:
    from .ingest import read_bytes

    return list(read_bytes(data, name=name, content_type=content_type, url=url))


def poll_source(
    src: WatchSource,
    state: dict[str, Any],
    *,
    client: httpx.Client,
    ingest: Callable[[list[Document]], list[str]],
    clock: Any = time,
    recordings: Path | None = None,
    model: str | None = None,
) -> PollResult:
    """Poll one source once and ingest its new items.

    Args:
        src: the source.
        state: the whole watch state; this source's part is ``state["sources"][src.name]``.
        client: the HTTP client (its timeout applies).
        ingest: stores documents, returns their ids.
        clock: ``time()`` source (the ``time`` module).
        recordings, model: streams only: where chunk audio goes, which ASR model.

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
    resp: httpx.Response | None = None
    try:
        resp = client.get(src.url, headers=headers, follow_redirects=True)
        if resp.status_code == 304:
            return _succeeded(src, s, now, PollResult(src.name, "not-modified"))
        if resp.status_code >= 400:
            raise ClipfileError(f"HTTP {resp.status_code} {resp.reason_phrase}".strip())
        name = Path(urlsplit(str(resp.url)).path).name or src.name
        docs = _read(resp.content, name=name, content_type=resp.headers.get("content-type"), url=str(resp.url))
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
    except (httpx.HTTPError, ClipfileError) as exc:
        return _failed(src, s, now, exc, resp)
    s["seen"] = (s["seen"] + keys)[-MAX_SEEN:]
    malformed = any(d.metadata.get("feed_malformed") for d in docs)
    if not malformed:
        # A damaged body may hide entries: keep the old validators so the next poll refetches.
        s["etag"] = resp.headers.get("etag") or None
        s["last_modified"] = resp.headers.get("last-modified") or None
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
                        on_chunk=lambda doc: ids.extend(ingest([doc])), model=model, clock=clock)
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


def _failed(src: WatchSource, s: dict[str, Any], now: float, exc: Exception, resp: httpx.Response | None) -> PollResult:
    s["errors"] = int(s.get("errors", 0)) + 1
    message = str(exc) or exc.__class__.__name__
    s["last_error"] = message
    s["last_error_at"] = now
    delay = min(src.interval * 2 ** s["errors"], max(MAX_BACKOFF, src.interval))
    delay = max(delay, _retry_after(resp, now))
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
    from rich.table import Table

    now = time.time() if now is None else now
    table = Table(title="Clipfile watch", expand=False)
    for column in ("source", "kind", "last success", "last error", "items (last)", "next poll"):
        table.add_column(column)
    for src in config.sources:
        s = (state.get("sources") or {}).get(src.name, {})
        error = s.get("last_error")
        error_cell = f"{_when(s.get('last_error_at'), now)}: {error}" if error else "—"
        if s.get("errors"):
            error_cell = f"[red]{error_cell} (x{s['errors']}, backing off)[/red]"
        nxt = s.get("next_due")
        next_cell = "now" if not nxt or nxt <= now else f"in {int(nxt - now)}s"
        table.add_row(src.name, src.kind, _when(s.get("last_success"), now), error_cell,
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
) -> None:
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
    """
    from rich.console import Console
    from rich.live import Live

    from .ingest import USER_AGENT

    console = console or Console()
    state = state_load() or {}
    own = client is None
    http = client or httpx.Client(timeout=30.0, headers={"User-Agent": USER_AGENT})

    def fire(doc_ids: list[str]) -> None:
        if not (analyze and config.alerts and doc_ids):
            return
        alerts: list[Alert] = []
        for doc_id in doc_ids:
            try:
                alerts.extend(match_alerts(config.alerts, analyze(doc_id)))
            except ClipfileError as exc:
                console.print(f"[yellow]alerts skipped for {doc_id}: {exc}[/yellow]")
        if not alerts:
            return
        if on_alert is not None:
            on_alert(alerts)
        else:
            report = deliver(alerts, log_path=config.log, webhook=config.webhook, console=console)
            for failure in report.failed:
                console.print(f"[red]{failure}[/red]", markup=True)

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
                                             recordings=config.recordings, model=model)
                        state_save(state)
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
