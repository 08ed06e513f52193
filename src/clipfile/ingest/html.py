"""HTML pages to documents (trafilatura), and HTML fragments to plain paragraphs (lxml).

libxml2, under both lxml and trafilatura, stops building the tree 256 elements deep and drops
whatever is nested below.  A page or fragment that goes deeper (a 5 MB pile of ``<div>``) is
therefore read by :func:`flat_text`, a tag stripper with no depth limit: every word is kept, but
the article is no longer told apart from menus and footers, and the document says so in
``metadata["warnings"]`` (``metadata["deep_html"]`` is true).
"""
from __future__ import annotations

import html
import json
import re
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from clipfile.errors import IngestError
from clipfile.ingest.dates import normalize_date

__all__ = ["html_fields", "fragment_text", "flat_text", "declared_charset", "is_truncated"]

# Pages that end before their closing tags keep their text only if this much survives.
MIN_TRUNCATED_WORDS = 20

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header "
    "footer aside figure figcaption dd dt dl hr address main".split()
)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg")
# Elements flat_text drops with their content, and comments.
_HIDDEN_OPEN = re.compile(r"<(script|style|noscript|template|svg|head|title)\b|<!--", re.I)
# A tag cannot contain "<" or ">", so these scan each character once however the page nests.
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(_BLOCK_TAGS)) + r")\b[^<>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<![^<>]*>|<\?[^<>]*>")
_BREAK = "\x00"  # a paragraph break while tags are stripped (decoded text holds no NUL)
DEEP_WARNING = (
    "the page nests its elements deeper than the HTML parser goes (256 levels): its text was read "
    "as plain text, without telling the article from menus and footers"
)
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publishdate", "publish-date", "dc.date", "dc.date.issued", "dcterms.created",
    "dcterms.date", "parsely-pub-date", "sailthru.date",
)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page names in its ``<meta>`` (first 4 KB), if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def is_truncated(markup: str) -> bool:
    """True when an HTML page ends before closing its body and html elements."""
    tail = markup[-2048:].lower()
    return "</html" not in tail and "</body" not in tail


def _published_from_markup(tree: Any) -> tuple[str | None, str | None]:
    """Look for a full publication timestamp in meta tags, JSON-LD and ``<time>``."""
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and meta.get("content"):
            iso, precision = normalize_date(meta.get("content"))
            if iso:
                return iso, precision
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                iso, precision = normalize_date(item["datePublished"])
                if iso:
                    return iso, precision
    for node in tree.iter("time"):
        if node.get("datetime") and (node.get("itemprop") == "datePublished" or node.get("pubdate") is not None):
            iso, precision = normalize_date(node.get("datetime"))
            if iso:
                return iso, precision
    return None, None


def _drop_partial_tag(markup: str) -> str:
    # A page cut mid-tag leaves "<di" at the end, which parsers turn into text.
    last_open, last_close = markup.rfind("<"), markup.rfind(">")
    return markup[:last_open] if last_open > last_close else markup


def html_fields(markup: str, *, url: str | None = None, origin: str | None = None) -> dict[str, Any]:
    """Extract the main text and metadata of an HTML page as Document fields.

    Returns a dict with ``text``, ``title``, ``author``, ``source`` (site name), ``url``,
    ``published``, ``published_precision`` and ``metadata``.

    Raises:
        IngestError: when the page has no readable text (saying so if it looks truncated).
    """
    truncated = is_truncated(markup)
    if truncated:
        markup = _drop_partial_tag(markup)
    if not markup.strip():
        raise IngestError("empty HTML page", origin)
    tree, too_deep = _parse_page(markup)
    try:
        extracted = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, favor_recall=True, include_comments=False,
            include_tables=True,
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura raises assorted parser errors
        raise IngestError(f"HTML could not be parsed ({type(exc).__name__}: {exc})", origin) from exc
    data = extracted.as_dict() if extracted is not None and not isinstance(extracted, dict) else extracted
    text = (data or {}).get("text") or ""
    if too_deep:
        text = flat_text(markup)  # the tree lost what lies below the depth limit
    elif not text.strip():
        text = _fallback_text(markup)
    words = len(text.split())
    if truncated and words < MIN_TRUNCATED_WORDS:
        raise IngestError(
            f"truncated HTML: the page ends before its closing tags and only {words} words of "
            "text survive",
            origin,
        )
    if not words:
        raise IngestError("no readable text in the HTML page", origin)
    data = data or {}
    published, precision = _published_from_markup(tree) if tree is not None else (None, None)
    if published is None and data.get("date"):
        published, precision = normalize_date(data["date"])
    metadata: dict[str, Any] = {}
    for key in ("description", "hostname", "categories", "tags", "language"):
        if data.get(key):
            metadata[key] = data[key]
    if truncated:
        metadata["truncated"] = True
    if too_deep:
        metadata["deep_html"] = True
        metadata["warnings"] = [DEEP_WARNING]
    return {
        "text": text,
        "title": data.get("title") or None,
        "author": data.get("author") or None,
        "source": data.get("sitename") or None,
        "url": data.get("url") or url,
        "published": published,
        "published_precision": precision,
        "metadata": metadata,
    }


def _too_deep(parser: Any) -> bool:
    """Whether libxml2 stopped nesting (it logs "Excessive depth in document") while parsing."""
    return any("depth" in (entry.message or "").lower() for entry in parser.error_log)


def _parse_page(markup: str) -> tuple[Any, bool]:
    """The page's tree (None if lxml cannot build one) and whether it was cut at the depth limit."""
    parser = lxml.html.HTMLParser()
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError, AssertionError):
        tree = None  # the date is optional; trafilatura and the fallbacks still read the text
    return tree, _too_deep(parser)


def flat_text(markup: str) -> str:
    """Plain text of HTML with no tree: block elements become paragraphs, other tags vanish.

    Scripts, styles, the head and comments go with their content.  Used where a tree parser
    would drop text nested beyond its depth limit; the work is linear in the size of the markup.
    """
    kept: list[str] = []
    lower = markup.lower()
    pos = 0
    for m in _HIDDEN_OPEN.finditer(markup):
        if m.start() < pos:
            continue  # inside an element already dropped
        kept.append(markup[pos:m.start()])
        closer = f"</{m.group(1).lower()}" if m.group(1) else "-->"
        end = lower.find(closer, m.end())
        if end < 0:
            pos = len(markup)  # never closed: it runs to the end, as in a browser
            break
        close = markup.find(">", end)
        pos = close + 1 if close >= 0 else len(markup)
    kept.append(markup[pos:])
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub(_BREAK, "".join(kept)))
    paragraphs = (" ".join(html.unescape(part).split()) for part in text.split(_BREAK))
    return "\n\n".join(p for p in paragraphs if p)


def _fallback_text(markup: str) -> str:
    try:
        return fragment_text(markup)
    except IngestError:
        return ""


def fragment_text(markup: str) -> str:
    """Plain text of an HTML fragment: block elements become paragraphs separated by a blank line.

    Raises:
        IngestError: when lxml cannot parse the fragment at all.
    """
    if not markup or not markup.strip():
        return ""
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div", parser=parser)
    except (lxml.etree.ParserError, ValueError, AssertionError) as exc:
        # lxml asserts on documents without a body (a page cut inside <head>).
        raise IngestError(f"HTML could not be parsed: {' '.join(str(exc).split())[:120]}") from exc
    if _too_deep(parser):
        return flat_text(markup)
    for bad in list(root.iter(*_DROP_TAGS)):
        bad.drop_tree()
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        words = " ".join("".join(current).split())
        if words:
            paragraphs.append(words)
        current.clear()

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            flush()
        if node.text and tag:
            current.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return "\n\n".join(paragraphs)
