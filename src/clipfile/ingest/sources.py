"""What the user named on the command line: files, folders, URLs, or standard input."""
from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from clipfile.errors import IngestError
from clipfile.ingest.fetch import read_url
from clipfile.ingest.read import DEFAULT_MAX_BYTES, read_bytes, too_big
from clipfile.ingest.result import ReadResult

__all__ = ["Source", "expand_sources", "read_source"]

_URL = re.compile(r"^https?://", re.I)
# Audio and video go to speech recognition (ingest/audio.py); the byte cap does not apply
# because audio is decoded in windows, never held whole.  Kept in step with AUDIO_EXTENSIONS
# there, which is not imported here because it pulls in numpy for every text ingest.
_AUDIO_SUFFIXES = frozenset({".mp3", ".wav", ".ogg", ".m4a", ".mp4", ".webm", ".flac", ".opus", ".mkv"})


@dataclass(frozen=True, slots=True)
class Source:
    """One input: ``kind`` is ``path``, ``url``, ``stdin`` or ``error``; ``ref`` is what to show.

    An ``error`` source stands for part of a folder that could not be listed (``problem`` says
    why): reading it raises, so the batch reports it as a failed item instead of skipping the
    files silently.
    """

    kind: str
    ref: str
    path: Path | None = None
    problem: str | None = None


def _hidden(name: str) -> bool:
    return name.startswith(".")


def expand_sources(targets: Iterable[str], *, recursive: bool = True) -> Iterator[Source]:
    """Turn command-line targets into sources, in a stable (sorted) order.

    A folder yields its files (descending into subfolders when ``recursive``), skipping hidden
    files and folders; ``-`` is standard input; ``http(s)://`` is a URL.  A path that does not
    exist is still yielded, so that reading it reports the problem for that item alone, and a
    folder that cannot be listed yields an ``error`` source for the same reason.  Links to
    folders are not followed inside a folder (as ``grep -r`` does), so a link loop cannot make
    the walk endless; a link to a file is read like the file.
    """
    for target in targets:
        if target == "-":
            yield Source("stdin", "-")
        elif _URL.match(target):
            yield Source("url", target)
        else:
            path = Path(target).expanduser()
            if path.is_dir():
                yield from _walk(path, recursive=recursive)
            else:
                yield Source("path", target, path)


def _walk(folder: Path, *, recursive: bool) -> Iterator[Source]:
    problems: list[OSError] = []  # os.walk reports a folder it cannot list here, then skips it
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        yield from _unlisted(problems, folder)
        dirs[:] = sorted(d for d in dirs if not _hidden(d)) if recursive else []
        for name in sorted(files):
            if not _hidden(name):
                path = Path(root) / name
                yield Source("path", str(path), path)
    yield from _unlisted(problems, folder)


def _unlisted(problems: list[OSError], folder: Path) -> Iterator[Source]:
    while problems:
        exc = problems.pop(0)
        where = Path(exc.filename) if exc.filename else folder
        why = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
        yield Source("error", str(where), where, f"cannot list this folder ({why}); its files were not read")


def read_source(
    src: Source,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    client: httpx.Client | None = None,
    stdin: BinaryIO | None = None,
    language: str | None = None,
) -> ReadResult:
    """Read one source into documents.

    Args:
        language: the language of the speech in audio and video (a code such as ``ru``);
            None detects it.  Other inputs ignore it.

    Returns:
        A :class:`ReadResult` (a list of documents with ``.errors`` for items that failed,
        e.g. bad JSON Lines records).

    Raises:
        IngestError: when nothing could be read from the source; the message is one line.
    """
    if src.kind == "url":
        return read_url(src.ref, client=client, max_bytes=max_bytes)
    if src.kind == "stdin":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_big(None, max_bytes, "<stdin>", what="input")
        return read_bytes(data, max_bytes=max_bytes, origin="<stdin>")
    if src.kind == "error":
        raise IngestError(src.problem or "could not be read", src.ref)
    if src.kind != "path":
        raise IngestError(f"unknown source kind {src.kind!r}", src.ref)
    path = src.path or Path(src.ref)
    try:
        origin = str(path.resolve())
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        origin = os.path.abspath(path)  # reading it below gives the one-line reason
    if path.suffix.lower() in _AUDIO_SUFFIXES and path.is_file():
        return _read_audio(path, origin, language=language)
    try:
        if path.is_dir():
            raise IngestError("is a folder; name it as a target to read the files inside", src.ref)
        size = path.stat().st_size
        if size > max_bytes:
            raise too_big(size, max_bytes, src.ref)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError("no such file", src.ref) from exc
    except PermissionError as exc:
        raise IngestError("permission denied", src.ref) from exc
    except IsADirectoryError as exc:
        raise IngestError("is a folder", src.ref) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError("symlink loop: the link leads back to itself, no file to read", src.ref) from exc
        raise IngestError(f"could not read the file: {exc.strerror or exc}", src.ref) from exc
    return read_bytes(data, name=path.name, max_bytes=max_bytes, origin=origin)


def _read_audio(path: Path, origin: str, *, language: str | None = None) -> ReadResult:
    from clipfile.ingest.audio import no_words_reason, transcribe
    from clipfile.ingest.read import now_iso

    doc = transcribe(path, language=language)
    if not doc.text.strip():
        raise IngestError(no_words_reason(doc), origin)
    return ReadResult([doc.replace(origin=origin, ingested=doc.ingested or now_iso())])
