"""Input readers: files, folders, URLs and standard input to :class:`~clipfile.records.Document`.

Supported kinds (``Document.kind``): plain ``text`` in UTF-8/UTF-16/cp1251/koi8-r/...,
``html`` pages (trafilatura), RSS/Atom ``feed-entry`` (one per entry), ``transcript`` from
``.srt``/``.vtt`` captions (cue times and speakers in ``metadata["cues"]``), and JSON Lines
records (``kind`` from the record, else ``jsonl``).  Every document gets ``origin`` (absolute
path, URL asked for, or ``<stdin>``), ``ingested`` (UTC ISO) and ``language``; a page read from
a URL also gets ``fetched_from`` (what makes it a version of that page), while ``url`` is only
ever an http(s) address the input names.

Warnings: what a reader had to decide rather than read (a guessed encoding and its confidence,
bytes shown as U+FFFD, dropped caption timing lines, a page too deeply nested for the HTML
parser) goes into the document's ``metadata["warnings"]``; the item is still read.

Errors: one source can hold many items.  :func:`read_source`, :func:`read_bytes` and
:func:`read_url` return a :class:`ReadResult` -- a ``list`` of documents with an ``errors``
attribute listing an :class:`~clipfile.errors.IngestError` per item that failed (a bad JSONL
line, a feed entry without text) -- and raise ``IngestError`` only when nothing could be read
from the source.  Every message is one line and names the input (``str(err)`` is
``"origin: why"``).  A batch caller therefore does::

    for src in expand_sources(targets):
        try:
            docs = read_source(src)
        except IngestError as err:
            report(err); continue
        store(docs)
        for err in docs.errors:
            report(err)
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from clipfile.ingest.fetch import USER_AGENT, read_url
from clipfile.ingest.read import DEFAULT_MAX_BYTES, read_bytes, sniff_kind
from clipfile.ingest.result import ReadResult
from clipfile.ingest.sources import Source, expand_sources, read_source

__all__ = [
    "DEFAULT_MAX_BYTES",
    "USER_AGENT",
    "ReadResult",
    "Source",
    "expand_sources",
    "read_bytes",
    "read_source",
    "read_url",
    "samples_dir",
    "sniff_kind",
]


def samples_dir() -> Path:
    """The folder of bundled sample inputs (fictional news) used by ``make demo`` and tests."""
    return Path(str(files("clipfile") / "samples"))
