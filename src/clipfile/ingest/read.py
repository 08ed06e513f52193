"""Bytes of any supported kind to documents: sniff the kind, decode, parse, build records."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Any

from clipfile.errors import IngestError
from clipfile.ingest.decode import Decoded, decode_text
from clipfile.ingest.feed import feed_entries
from clipfile.ingest.html import declared_charset, html_fields
from clipfile.ingest.jsonl import jsonl_records
from clipfile.ingest.result import ReadResult
from clipfile.ingest.text import text_fields
from clipfile.ingest.transcript import looks_like_srt, transcript_fields
from clipfile.language import detect_language
from clipfile.records import Document, replace_surrogates
from clipfile.weburl import http_url

__all__ = ["read_bytes", "sniff_kind", "DEFAULT_MAX_BYTES", "format_size", "too_big", "now_iso"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_EXTENSIONS = {
    ".srt": "srt", ".vtt": "vtt", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rss": "feed", ".atom": "feed",
    ".txt": "text", ".text": "text", ".md": "text",
}
_CONTENT_TYPES = {
    "text/html": "html", "application/xhtml+xml": "html",
    "application/rss+xml": "feed", "application/atom+xml": "feed", "application/rdf+xml": "feed",
    "text/vtt": "vtt", "application/x-subrip": "srt", "text/srt": "srt",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "application/x-jsonlines": "jsonl",
}
# What may come before an XML document's root: the declaration, comments, processing
# instructions and a DOCTYPE (with an internal subset in brackets), in any order.
# Each part can end only one way, so a prolog that never reaches a root fails fast.
_XML_PROLOG = (
    r"\A\s*(?:(?:<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->|<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>)\s*)*"
)
_FEED_START = re.compile(_XML_PROLOG + r"<(?:[\w.-]+:)?(?:rss|feed|RDF)\b", re.S | re.I)
_HTML_START = re.compile(_XML_PROLOG + r"<(?:html|head|body|!doctype\s+html)\b", re.S | re.I)
# How much of the text the content checks look at (a DOCTYPE subset can be long).
_SNIFF_CHARS = 8192
_KIND = {"text": "text", "html": "html", "feed": "feed-entry", "srt": "transcript",
         "vtt": "transcript", "jsonl": "jsonl"}
# Kinds whose bytes are one document: fetched from a URL, that document is the page at the URL
# (a version of it).  Feed entries and JSON Lines records only name URLs.
_ONE_DOCUMENT_KINDS = frozenset({"text", "html", "srt", "vtt"})


def now_iso() -> str:
    """The current UTC time as ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def format_size(size: int) -> str:
    """Bytes as a short human figure (``104.9 MB``)."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def too_big(size: int | None, max_bytes: int, origin: str | None, *, what: str = "file") -> IngestError:
    """The error for input over the size cap, saying both sizes and how to raise the cap."""
    amount = f"is {format_size(size)}" if size is not None else "is larger than that"
    return IngestError(
        f"{what} {amount}, over the {format_size(max_bytes)} limit "
        f"(raise it with --max-bytes, or max_bytes= in Python)",
        origin,
    )


def _media_type(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower() or None, charset


def sniff_kind(head: str, *, name: str | None = None, content_type: str | None = None) -> str:
    """Decide the input kind: ``text``, ``html``, ``feed``, ``srt``, ``vtt`` or ``jsonl``.

    A document whose XML root is ``rss``, ``feed`` (Atom) or ``rdf:RDF`` is a feed whatever its
    name or content type says (servers send feeds as ``application/xml`` or ``text/html``, and
    a DOCTYPE or comments may come first).  Otherwise a file extension decides (except ``.xml``
    and unknown ones), then a specific content type, then the content itself: a ``WEBVTT``
    signature, an SRT cue, an HTML root element.
    """
    head = head.lstrip("\ufeff")
    if head.lstrip().startswith("<") and _FEED_START.match(head):
        return "feed"
    suffix = PurePosixPath(name).suffix.lower() if name else ""
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    media, _ = _media_type(content_type)
    if media in _CONTENT_TYPES:
        return _CONTENT_TYPES[media]
    if head.startswith("WEBVTT"):
        return "vtt"
    if looks_like_srt(head):
        return "srt"
    if _HTML_START.match(head):
        return "html"
    return "text"


def read_bytes(
    data: bytes,
    *,
    name: str | None = None,
    content_type: str | None = None,
    url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    origin: str | None = None,
) -> ReadResult:
    """Read one input held in memory into documents.

    Args:
        data: the raw bytes.
        name: a file name (its extension helps decide the kind).
        content_type: an HTTP ``Content-Type`` (the kind and a declared charset).
        url: the http(s) address the bytes were downloaded from: a page's ``Document.url``
            unless it names its own, its ``fetched_from`` (so that it joins the version chain of
            that address), a feed's metadata and the base for relative entry links.
        max_bytes: refuse input larger than this.
        origin: where the input came from, for ``Document.origin`` and error messages;
            defaults to ``url`` or ``name``.

    Returns:
        A :class:`ReadResult`: the documents, and in ``.errors`` the items that failed.

    Raises:
        IngestError: when nothing could be read (empty, binary, undecodable, too big, broken).
    """
    origin = origin or url or name
    if len(data) > max_bytes:
        raise too_big(len(data), max_bytes, origin)
    if not data:
        raise IngestError("empty file (0 bytes)", origin)
    _, header_charset = _media_type(content_type)
    declared = header_charset or declared_charset(data)
    decoded = decode_text(data, declared=declared, origin=origin)
    text = decoded.text
    if not text.strip():
        raise IngestError("the file holds only whitespace, no text", origin)
    kind = sniff_kind(text[:_SNIFF_CHARS], name=name, content_type=content_type)
    try:
        records, errors = _parse(kind, data, decoded, name=name, url=url, origin=origin)
    except IngestError as exc:
        if exc.origin is None and origin is not None:
            raise IngestError(str(exc), origin) from exc
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers fail in many ways on bad input
        detail = " ".join(str(exc).split())[:160]
        raise IngestError(f"could not parse as {kind} ({type(exc).__name__}: {detail})", origin) from exc
    base: dict[str, Any] = {"origin": origin, "ingested": now_iso()}
    # feedparser decodes feeds itself, so a guess made here says nothing about their entries.
    warnings = [decoded.warning] if decoded.warning and kind != "feed" else []
    documents = []
    fetched_from = http_url(url) if kind in _ONE_DOCUMENT_KINDS else None
    for fields in records:
        # "\ud800" in a JSON string is not a character and cannot be stored (records.check_text)
        fields, lone = replace_surrogates({**base, "kind": _KIND[kind], **fields})
        metadata = fields.setdefault("metadata", {})
        claimed = fields.get("url")
        if claimed is not None:
            fields["url"] = http_url(claimed, base=url)
            if fields["url"] is None:
                metadata["non_http_url"] = claimed  # kept for the record, never a link target
        if url and not fields.get("url"):
            fields["url"] = http_url(url)
        if fetched_from:
            fields["fetched_from"] = fetched_from
        if not fields.get("language"):
            fields["language"] = detect_language(fields["text"])
        own = metadata.get("warnings") or []  # a JSON Lines record may carry anything here
        own = own if isinstance(own, list) else [own]
        if lone:
            own = [*own, f"{lone} lone surrogate code point{'s' if lone > 1 else ''} (not characters) "
                         "replaced with U+FFFD"]
        if warnings or own:
            metadata["warnings"] = [*warnings, *(str(w) for w in own)]
        documents.append(Document(**fields))
    return ReadResult(documents, errors)


def _parse(
    kind: str, data: bytes, decoded: Decoded, *, name: str | None, url: str | None,
    origin: str | None,
) -> tuple[list[dict[str, Any]], list[IngestError]]:
    """Document fields for each item of one input, and the errors of items that failed."""
    text = decoded.text
    records: list[dict[str, Any]]
    errors: list[IngestError] = []
    if kind == "html":
        records = [html_fields(text, url=url, origin=origin)]
        records[0]["metadata"].update(_encoding_metadata(decoded))
    elif kind == "feed":
        records, errors = feed_entries(data, url=url, origin=origin)
    elif kind in ("srt", "vtt"):
        fields = transcript_fields(text, fmt=kind, origin=origin)
        fields["title"] = fields["title"] or (PurePosixPath(name).stem if name else None)
        fields["metadata"].update(_encoding_metadata(decoded))
        records = [fields]
    elif kind == "jsonl":
        records, errors = jsonl_records(text, origin=origin)
    else:
        fields = text_fields(text)
        fields["metadata"] = {**_encoding_metadata(decoded), "bom": decoded.bom}
        records = [fields]
    return records, errors


def _encoding_metadata(decoded: Decoded) -> dict[str, Any]:
    """How the bytes were decoded: the encoding, a guess's confidence, bytes shown as U+FFFD."""
    found: dict[str, Any] = {"encoding": decoded.encoding}
    if decoded.confidence is not None:
        found["encoding_confidence"] = decoded.confidence
    if decoded.replaced:
        found["replaced_bytes"] = decoded.replaced
    return found
