"""Watchlists and alerts: rules matched against one document's analysis, delivered to sinks.

A rule names an ``entity``, a ``phrase`` or a ``query`` (or several: all must hold), optionally
restricted to a ``kind`` of item:

- ``quote-by``: a quotation whose speaker is the entity (phrase/query inside the quote);
- ``claim-about``: a claim whose subject is the entity or that mentions it;
- ``forecast-about``: a forecast whose target is the entity or that mentions it;
- ``recycled``: a passage repeated from earlier text (any, or one mentioning the entity/phrase).

Without a kind, a rule fires once per document on the first mention/occurrence (with a count).
An entity is named as in search: its words in a name, or the same name in another script
(``entity = "Varin"`` fires on "Олег Варин").
A query is written and matched as in ``clipfile search`` (:mod:`clipfile.read.query`): words that
must all occur, ``"quoted phrases"``, ``prefix*``, ``OR`` between alternatives, ``NOT`` (and
``-word``) to exclude, parentheses; Russian words match in any grammatical case, as in search
(``санкции`` fires on "говорил о санкциях").  A ``phrase`` is matched as a quoted search phrase.

Sinks: a terminal line, a JSON Lines log (what ``clipfile alerts`` lists), a webhook (JSON POST
with retries and a timeout).  Each alert carries the document id and the offsets of the item,
and for transcripts the second it was spoken.
"""
from __future__ import annotations

import difflib
import ipaddress
import json
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .errors import QueryError
from .linking import entity_keys, is_weak
from .read.query import TextQuery
from .records import to_dict

__all__ = [
    "ALERT_KINDS",
    "AlertRule",
    "Alert",
    "DeliveryReport",
    "rule_from_dict",
    "rule_problem",
    "webhook_problem",
    "match_alerts",
    "deliver",
    "format_alert",
    "read_alert_log",
]

ALERT_KINDS = ("quote-by", "claim-about", "forecast-about", "recycled")
SNIPPET = 160


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One watchlist rule (see the module docstring)."""

    name: str
    entity: str | None = None
    phrase: str | None = None
    query: str | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        problem = rule_problem(entity=self.entity, phrase=self.phrase, query=self.query, kind=self.kind)
        if problem:
            raise ValueError(f"alert {self.name!r}: {problem}")


def rule_problem(*, entity: str | None, phrase: str | None, query: str | None, kind: str | None) -> str | None:
    """What makes these rule fields unusable, in one line, or None when they make a rule."""
    if kind is not None and kind not in ALERT_KINDS:
        return f"unknown kind {kind!r} (one of {', '.join(ALERT_KINDS)})"
    if not (entity or phrase or query) and kind != "recycled":
        return "needs an entity, a phrase or a query"
    if kind == "quote-by" and not entity:
        return "kind 'quote-by' needs the entity who speaks"
    for label, words in (("query", query), ("phrase", phrase)):
        if words:
            try:
                _phrase_query(words) if label == "phrase" else TextQuery.parse(words)
            except QueryError as exc:
                return f"{label}: {exc}"
    return None


@dataclass(frozen=True, slots=True)
class Alert:
    """A rule that fired on one item of one document."""

    rule: str
    document: str
    start: int
    end: int
    text: str
    item: str  # quote | claim | forecast | duplicate | mention | phrase | query
    matched: str
    item_id: str | None = None
    count: int = 1
    speaker: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    t_start: float | None = None  # for transcripts: the second the item was spoken
    fired: str = ""


@dataclass(slots=True)
class DeliveryReport:
    """What :func:`deliver` managed: counts per sink and the failures."""

    printed: int = 0
    logged: int = 0
    posted: int = 0
    failed: list[str] = field(default_factory=list)


def rule_from_dict(data: Mapping[str, Any], *, index: int = 0) -> AlertRule:
    """Build a rule from a watch-file ``[[alert]]`` table.

    Raises:
        ValueError: unknown keys, unknown kind, or nothing to match.
    """
    known = ("name", "entity", "phrase", "query", "kind")
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join(known)}"
            raise ValueError(f"alert {index + 1}: unknown key {key!r} ({hint})")
    for key in (k for k in known if k in data):
        if not isinstance(data[key], str) or not data[key].strip():
            raise ValueError(f"alert {index + 1}: {key} must be a non-empty string")
    name = data.get("name") or data.get("entity") or data.get("phrase") or data.get("query") or data.get("kind")
    return AlertRule(
        name=str(name or f"alert {index + 1}"),
        entity=data.get("entity"),
        phrase=data.get("phrase"),
        query=data.get("query"),
        kind=data.get("kind"),
    )


# --- matching ---------------------------------------------------------------------------

def _tokens(name: str) -> list[str]:
    return re.findall(r"\w+", name.casefold().replace("ё", "е"))


def _name_matches(rule: str, candidate: str | None, type_: str = "PERSON") -> bool:
    """The rule's words appear, in order and together, in the candidate name, or the two are
    one name in two scripts (``Varin`` and ``Олег Варин``), as search by a name finds both."""
    if not candidate:
        return False
    want, have = _tokens(rule), _tokens(candidate)
    if not want:
        return False
    if any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1)):
        return True
    return _same_name_across_scripts(rule, candidate, type_ or "PERSON")


def _same_name_across_scripts(rule: str, candidate: str, type_: str) -> bool:
    """A full name written in another script (a shared script-neutral key), or, for a rule of
    one word, the surname of a person written in another script."""
    shared = set(entity_keys(rule, type_)) & set(entity_keys(candidate, type_))
    if any(not is_weak(k) for k in shared):
        return True
    return len(_tokens(rule)) == 1 and any(k.startswith(f"last:{type_}:sur:") for k in shared)


def _phrase_query(phrase: str) -> TextQuery:
    """A rule's ``phrase`` as a search phrase: its words in order, in any grammatical case."""
    return TextQuery.parse('"' + phrase.replace('"', " ") + '"')


def _get(item: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(item, Mapping):
            return None
        item = item.get(key)
    return item


def _t_start(cues: list[dict[str, Any]] | None, offset: int) -> float | None:
    for cue in cues or []:
        if cue.get("start", 0) <= offset < cue.get("end", 0) or offset < cue.get("start", 0):
            return cue.get("t_start")
    return None


def match_alerts(rules: Iterable[AlertRule], analysis: Mapping[str, Any]) -> list[Alert]:
    """Fire ``rules`` on one analysis (the ``analyze`` JSON object of one document).

    Args:
        rules: the watchlist.
        analysis: keys ``document`` (its fields, ``text`` and ``id`` at least), ``entities``,
            ``quotes``, ``claims``, ``forecasts``, ``events``, ``duplicates``.

    Returns:
        Alerts in rule order, then text order; each links the document id and item offsets.
    """
    document = analysis.get("document") or {}
    text: str = document.get("text") or ""
    doc_id = document.get("id") or ""
    cues = _get(document, "metadata", "cues")
    fired = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entities = analysis.get("entities") or []
    out: list[Alert] = []

    def make(rule: AlertRule, start: int, end: int, item: str, matched: str, **extra: Any) -> Alert:
        snippet = text[start:end]
        if len(snippet) > SNIPPET:
            snippet = snippet[: SNIPPET - 1].rstrip() + "…"
        return Alert(
            rule=rule.name, document=doc_id, start=start, end=end, text=snippet, item=item, matched=matched,
            title=document.get("title"), url=document.get("url"), published=document.get("published"),
            t_start=_t_start(cues, start), fired=fired, **extra,
        )

    for rule in rules:
        ids: set[str] = set()
        mentions: list[dict[str, Any]] = []
        if rule.entity:
            for ent in entities:
                names = [ent.get("name")] + list(ent.get("aliases") or [])
                if any(_name_matches(rule.entity, n, ent.get("type") or "PERSON") for n in names):
                    ids.add(ent.get("id"))
                    mentions.extend(ent.get("mentions") or [])
            mentions.sort(key=lambda m: m.get("start", 0))
        phrase = _phrase_query(rule.phrase) if rule.phrase else None
        query = TextQuery.parse(rule.query) if rule.query else None

        def mentioned(start: int, end: int) -> bool:
            return any(start <= m.get("start", -1) and m.get("end", -1) <= end for m in mentions)

        def words_hold(start: int, end: int) -> str | None:
            """None when phrase/query fail inside [start, end), else what matched."""
            span = text[start:end]
            if phrase and not phrase.matches(span):
                return None
            if query and not query.matches(span):
                return None
            return rule.phrase or rule.query or ""

        def ref_matches(ref: Any) -> bool:
            if not isinstance(ref, Mapping):
                return False
            return (ref.get("entity_id") in ids and ref.get("entity_id") is not None) or _name_matches(
                rule.entity or "", ref.get("name")
            )

        if rule.kind == "quote-by":
            for q in analysis.get("quotes") or []:
                speaker = q.get("speaker") or {}
                if not ref_matches(speaker):
                    continue
                if words_hold(q["start"], q["end"]) is None:
                    continue
                out.append(make(rule, q["start"], q["end"], "quote", speaker.get("name") or rule.entity or "",
                                item_id=q.get("id"), speaker=speaker.get("name")))
        elif rule.kind in ("claim-about", "forecast-about"):
            key, refs = ("claims", ("subject",)) if rule.kind == "claim-about" else ("forecasts", ("target",))
            for item in analysis.get(key) or []:
                s, e = item["start"], item["end"]
                if rule.entity and not (any(ref_matches(item.get(r)) for r in refs) or mentioned(s, e)):
                    continue
                if words_hold(s, e) is None:
                    continue
                who = _get(item, "source", "name") or _get(item, "forecaster", "name")
                out.append(make(rule, s, e, key[:-1], rule.entity or rule.phrase or rule.query or "",
                                item_id=item.get("id"), speaker=who))
        elif rule.kind == "recycled":
            for dup in analysis.get("duplicates") or []:
                s, e = dup["start"], dup["end"]
                if rule.entity and not mentioned(s, e):
                    continue
                if words_hold(s, e) is None:
                    continue
                of = dup.get("of") or {}
                where = f"{of.get('document')} {of.get('start')}-{of.get('end')}"
                out.append(make(rule, s, e, "duplicate", f"repeats {where}"))
        else:
            # Plain watchlist: once per document, at the first place everything holds.
            if rule.entity:
                if mentions and words_hold(0, len(text)) is not None:
                    m = mentions[0]
                    out.append(make(rule, m["start"], m["end"], "mention", rule.entity, count=len(mentions)))
            elif phrase:
                found = phrase.spans(text) or []
                if found and (query is None or query.matches(text)):
                    out.append(make(rule, found[0][0], found[0][1], "phrase", rule.phrase or "",
                                    count=len(found)))
            elif query:
                hit = query.find(text)
                if hit:
                    out.append(make(rule, hit[0], hit[1], "query", rule.query or ""))
    return out


# --- delivery ---------------------------------------------------------------------------

def format_alert(alert: Alert | Mapping[str, Any]) -> str:
    """One terminal line: rule, what fired, where (document, offsets, second)."""
    a = to_dict(alert) if not isinstance(alert, Mapping) else alert
    where = f"{a['document']} [{a['start']}:{a['end']}]"
    if a.get("t_start") is not None:
        t = int(a["t_start"])
        where += f" at {t // 3600:d}:{t % 3600 // 60:02d}:{t % 60:02d}"
    who = f"{a['speaker']}: " if a.get("speaker") else ""
    count = f" (x{a['count']})" if a.get("count", 1) > 1 else ""
    title = f" — {a['title']}" if a.get("title") else ""
    return f"ALERT {a['rule']} · {a['item']}{count} · {who}“{a['text']}” · {where}{title}"


# Host names that never leave this machine or its network, whatever they resolve to.
_LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".home.arpa")


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literal means (``127.1`` and ``2130706433`` too), or None for a name."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}", host):
            return None
        try:  # the legacy forms inet_aton (and so every HTTP client) accepts
            ip = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def _resolve(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def webhook_problem(url: str, *, allow_private: bool = False,
                    resolve: Callable[[str, int], list[str]] | None = None) -> str | None:
    """Why alerts may not be POSTed to ``url``, in one line, or None when they may.

    Only http(s) is allowed, to any public host and any port.  Unless ``allow_private``, a
    host that is this machine or a private, link-local or otherwise non-public address is
    refused: a watch file someone shared must not make your computer send requests to your
    router, a cloud metadata service (169.254.169.254) or an admin port on localhost, which
    the sharer could not reach themselves.  Names are checked as written (``localhost``,
    ``*.local``, ``*.internal``, IP literals in any notation); with ``resolve`` (host, port
    to addresses, e.g. ``socket.getaddrinfo``) also by what they resolve to.  A name that
    does not resolve is left to fail when posting.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http(s) URL (other schemes are refused)"
    if allow_private:
        return None
    host = parts.hostname.rstrip(".").lower()
    hint = "; pass --allow-private-webhook if alerts should go there"
    if host == _LOCAL_NAMES[0] or host.endswith(_LOCAL_NAMES[1:]):
        return f"{host} is this machine or its local network{hint}"
    ip = _address(host)
    if ip is not None:
        return None if ip.is_global else f"{host} is a loopback, private or reserved address{hint}"
    if resolve is None:
        return None
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        addresses = resolve(host, port)
    except (OSError, ValueError, UnicodeError):
        return None
    for found in addresses:
        ip = _address(str(found).split("%", 1)[0])
        if ip is not None and not ip.is_global:
            return f"{host} resolves to {found}, a loopback, private or reserved address{hint}"
    return None


def deliver(
    alerts: Iterable[Alert],
    *,
    log_path: Path | None,
    webhook: str | None,
    console: Any = None,
    client: httpx.Client | None = None,
    retries: int = 3,
    timeout: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    allow_private: bool = True,
    resolve: Callable[[str, int], list[str]] | None = None,
) -> DeliveryReport:
    """Send alerts to the terminal, the JSON Lines log and the webhook.

    Neither a log that cannot be written nor a webhook that fails raises: each is listed in
    ``DeliveryReport.failed`` and the other sinks still get the alerts.  The webhook is
    retried ``retries`` times on connection errors, timeouts, 429 and 5xx (with growing
    pauses); redirects are not followed (a public hook cannot bounce alerts inward).

    Args:
        console: a ``rich.console.Console``; None prints to standard error.
        client: an ``httpx.Client`` for the webhook; None makes one with ``timeout``.
        allow_private: False checks the webhook with :func:`webhook_problem` (resolving its
            name with ``resolve``, default ``socket.getaddrinfo``) before posting.
    """
    alerts = list(alerts)
    report = DeliveryReport()
    if not alerts:
        return report
    if console is None:
        from rich.console import Console

        console = Console(stderr=True)
    for alert in alerts:
        console.print(format_alert(alert), markup=False, highlight=False, soft_wrap=True)
        report.printed += 1
    if log_path is not None:
        log_path = Path(log_path)
        try:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "a", encoding="utf-8") as fh:
                for alert in alerts:
                    fh.write(json.dumps(to_dict(alert), ensure_ascii=False) + "\n")
                    report.logged += 1
        except OSError as exc:
            report.failed.append(f"log {log_path}: could not write ({exc.strerror or exc}); "
                                 f"{len(alerts) - report.logged} alert(s) not logged")
    if webhook:
        problem = None if allow_private else webhook_problem(webhook, resolve=resolve or _resolve)
        if problem:
            report.failed.append(f"webhook {webhook}: refused: {problem}; {len(alerts)} alert(s) not posted")
            return report
        own = client is None
        http = client or httpx.Client(timeout=timeout, follow_redirects=False)
        try:
            for alert in alerts:
                error = _post(http, webhook, to_dict(alert), retries=retries, timeout=timeout, sleep=sleep)
                if error is None:
                    report.posted += 1
                else:
                    report.failed.append(f"webhook {webhook}: {error} (alert {alert.rule} on {alert.document})")
        finally:
            if own:
                http.close()
    return report


def _post(http: httpx.Client, url: str, payload: dict[str, Any], *, retries: int, timeout: float,
          sleep: Callable[[float], None]) -> str | None:
    """POST with retries; None on success, else the last error."""
    error = "not attempted"
    for attempt in range(max(0, retries) + 1):
        if attempt:
            sleep(min(0.5 * 2 ** (attempt - 1), 10.0))
        try:
            resp = http.post(url, json={"alert": payload}, timeout=timeout)
        except httpx.TimeoutException:
            error = f"timed out after {timeout:g}s"
            continue
        except httpx.TransportError as exc:
            error = f"connection failed ({exc.__class__.__name__}: {exc})"
            continue
        if resp.status_code < 300:
            return None
        error = f"HTTP {resp.status_code}"
        if 300 <= resp.status_code < 400:
            return f"{error}: the webhook redirects, and alerts are not sent on to a redirect"
        if resp.status_code != 429 and resp.status_code < 500:
            return error  # the receiver refuses this payload: retrying will not help
    return f"{error}, gave up after {max(0, retries) + 1} attempts"


def read_alert_log(path: Path, *, rule: str | None = None, since: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
    """Alerts from a JSON Lines log, newest last; filtered by rule name and ISO ``fired`` time.

    Damaged lines (a crash mid-write) are skipped.
    """
    path = Path(path)
    if not path.exists():
        return []
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if rule and item.get("rule") != rule:
                continue
            if since and (item.get("fired") or "") < since:
                continue
            out.append(item)
    return out[-limit:] if limit else out
