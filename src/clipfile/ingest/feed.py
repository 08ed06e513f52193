"""RSS and Atom feeds: one document per entry (feedparser)."""
from __future__ import annotations

from typing import Any

import feedparser

from clipfile.errors import IngestError
from clipfile.ingest.dates import from_struct_time, normalize_date
from clipfile.ingest.html import fragment_text

__all__ = ["feed_entries"]


def _entry_body(entry: Any) -> str:
    """The richest body an entry offers (full content over summary), as plain paragraphs."""
    candidates: list[tuple[str, str]] = []
    for content in entry.get("content") or []:
        candidates.append((content.get("value") or "", content.get("type") or "text/html"))
    detail = entry.get("summary_detail") or {}
    if entry.get("summary"):
        candidates.append((entry["summary"], detail.get("type") or "text/html"))
    best = ""
    for value, mime in candidates:
        text = fragment_text(value) if "html" in mime else value.strip()
        if len(text) > len(best):
            best = text
    return best


def _entry_date(entry: Any) -> tuple[str | None, str | None]:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return from_struct_time(parsed)
        if entry.get(key):
            iso, precision = normalize_date(entry[key])
            if iso:
                return iso, precision
    return None, None


def _entry_author(entry: Any) -> str | None:
    detail = entry.get("author_detail") or {}
    return detail.get("name") or entry.get("author") or None


def feed_entries(
    data: bytes, *, url: str | None = None, origin: str | None = None
) -> tuple[list[dict[str, Any]], list[IngestError]]:
    """Parse a feed into Document fields, one dict per entry, and the per-entry errors.

    A malformed feed (feedparser's ``bozo``) still yields the entries parsed before the damage;
    the documents then carry ``metadata["feed_malformed"]``.

    Raises:
        IngestError: when the feed is malformed and no entry could be read, or has no entries.
    """
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.bozo:
            reason = parsed.get("bozo_exception")
            raise IngestError(f"malformed feed XML, no entries could be read ({reason})", origin)
        raise IngestError("the feed has no entries", origin)
    feed = parsed.feed
    feed_title = feed.get("title") or None
    feed_meta = {"title": feed_title, "url": url or feed.get("link") or None}
    records: list[dict[str, Any]] = []
    errors: list[IngestError] = []
    for number, entry in enumerate(parsed.entries, start=1):
        title = (entry.get("title") or "").strip() or None
        try:
            body = _entry_body(entry)
        except IngestError as exc:
            errors.append(IngestError(f"feed entry {number}: {exc}", origin))
            continue
        metadata: dict[str, Any] = {"feed": feed_meta, "entry": number}
        if not body:
            if not title:
                errors.append(IngestError(f"feed entry {number} has neither text nor title", origin))
                continue
            body = title  # a headline-only entry: the headline is its content
            metadata["title_only"] = True
        if entry.get("id"):
            metadata["entry_id"] = entry["id"]
        tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
        if tags:
            metadata["tags"] = tags
        if parsed.bozo:
            metadata["feed_malformed"] = True
        published, precision = _entry_date(entry)
        records.append({
            "text": body,
            "title": title,
            "url": entry.get("link") or None,
            "author": _entry_author(entry),
            "source": feed_title,
            "published": published,
            "published_precision": precision,
            "metadata": metadata,
        })
    if not records:
        raise IngestError("no feed entry had any text", origin)
    return records, errors
