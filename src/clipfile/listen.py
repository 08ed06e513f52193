"""Listening to a live stream: record with ffmpeg in chunks, transcribe each chunk as it closes.

ffmpeg's segment muxer writes the stream into ``chunk_NNNNN.wav`` files and appends one line to
a CSV list each time a chunk is closed; we read that list while ffmpeg keeps recording, so
transcription of chunk *n* overlaps the recording of chunk *n + 1*.  Each chunk becomes a dated
transcript document of the same broadcast.

A live stream has no natural end before ``duration``: when ffmpeg stops early the connection
dropped.  We reconnect after the next delay of ``reconnect_backoff`` (the last one repeats) and
record the lost stretch as a gap, in the report and in the metadata of the next chunk, so the
record never pretends to be continuous.  Broadcast time is counted as recorded audio plus gaps.
"""
from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ClipfileError, IngestError
from .ingest.audio import check_model_language, no_words_reason, transcribe
from .records import Document

__all__ = ["listen", "ListenReport", "ChunkInfo", "Gap", "parse_duration"]

# A stalled connection (no bytes) counts as dropped after this long; ffmpeg wants microseconds.
STALL_SECONDS = 15.0
# How often the segment list is re-read while ffmpeg records.
POLL_SECONDS = 0.2
# Broadcast time left below this is not worth a reconnect.
EPSILON = 0.05


@dataclass(slots=True)
class Gap:
    """A stretch of the broadcast that was not recorded."""

    t_offset: float  # broadcast seconds at which recording stopped
    seconds: float  # how long until recording resumed (or listening ended)
    attempts: int  # connection attempts made during the gap
    error: str | None = None  # ffmpeg's last complaint, if any


@dataclass(slots=True)
class ChunkInfo:
    """One recorded chunk and what became of it."""

    index: int
    path: str
    t_offset: float
    seconds: float
    recorded_at: str
    document_id: str | None = None
    gap_before: float = 0.0
    error: str | None = None  # transcription failed; the audio file is kept
    note: str | None = None  # why a transcribed chunk gave no document (silence, or speech without words)


@dataclass(slots=True)
class ListenReport:
    """What a listening session recorded, handed on, and missed."""

    url: str
    broadcast: str
    started_at: str
    chunks: list[ChunkInfo] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    reconnects: int = 0
    recorded_seconds: float = 0.0

    @property
    def documents(self) -> list[str]:
        return [c.document_id for c in self.chunks if c.document_id]

    @property
    def missed_seconds(self) -> float:
        return round(sum(g.seconds for g in self.gaps), 3)


def parse_duration(value: str | float | int) -> float:
    """``"30m"``, ``"1h30m"``, ``"90s"``, ``"2h"`` or plain seconds to seconds.

    Raises:
        ValueError: not a duration.
    """
    if isinstance(value, (int, float)):
        return float(value)
    text = value.strip().lower().replace(" ", "")
    if text.replace(".", "", 1).isdigit():
        return float(text)
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    total, number = 0.0, ""
    for ch in text:
        if ch.isdigit() or ch == ".":
            number += ch
        elif ch in units and number:
            total += float(number) * units[ch]
            number = ""
        else:
            raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 5m, 1h30m)")
    if number or not text:
        raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 5m, 1h30m)")
    return total


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="seconds")


def _ffmpeg_command(url: str, *, seconds: float, chunk: float, out_dir: Path, first_index: int, listing: Path,
                    max_redirects: int | None = None) -> list[str]:
    web: list[str] = []
    if urlsplit(url).scheme.lower() in ("http", "https"):
        # An http(s) stream stays on the web: no redirect or playlist entry may send ffmpeg
        # to file:, pipe: or other protocols, and redirects stop at the limit asked for.
        web = ["-protocol_whitelist", "http,https,tcp,tls,crypto,httpproxy"]
        if max_redirects is not None:
            web += ["-max_redirects", str(max_redirects)]
    return [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
        "-rw_timeout", str(int(STALL_SECONDS * 1_000_000)),
        *web,
        "-i", url,
        "-t", f"{seconds:.3f}",
        "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
        "-f", "segment", "-segment_time", f"{chunk:.3f}",
        "-segment_start_number", str(first_index),
        "-segment_list", str(listing), "-segment_list_type", "csv",
        "-reset_timestamps", "1",
        str(out_dir / "chunk_%05d.wav"),
    ]


def listen(
    url: str,
    *,
    duration: float,
    chunk: float,
    out_dir: Path,
    on_chunk: Callable[[Document], None],
    model: str | None = None,
    language: str | None = None,
    max_redirects: int | None = None,
    reconnect_backoff: Sequence[float] = (1, 2, 5, 10, 30),
    clock: Any = time,
) -> ListenReport:
    """Record ``url`` for ``duration`` seconds of broadcast, transcribing each ``chunk``.

    Args:
        url: anything ffmpeg reads as a live stream (Icecast/Shoutcast, HLS ``.m3u8``, ...).
        duration: broadcast seconds to cover, gaps included.
        chunk: seconds per chunk; each closed chunk is transcribed and handed on.
        out_dir: where chunk audio (``chunk_NNNNN.wav``) is kept for playback.
        on_chunk: receives each chunk's transcript document (chunks with no speech are not
            handed on; they are listed in the report with no document id).
        model: ASR model name or path (see :func:`clipfile.ingest.audio.transcribe`).
        language: the language of the speech (``ru``); None detects it per chunk.  Checked
            against the model before anything is recorded.
        max_redirects: for http(s) streams, the most redirects ffmpeg follows (its default: 8).
        reconnect_backoff: delays before successive reconnects; the last repeats.
        clock: provides ``time()``, ``monotonic()`` and ``sleep()`` (the ``time`` module).

    Returns:
        A :class:`ListenReport` of chunks, gaps and reconnects.

    Raises:
        ClipfileError: ffmpeg is not installed, the arguments make no sense, or the model
            cannot transcribe ``language`` (an English-only model asked for Russian).
    """
    if shutil.which("ffmpeg") is None:
        raise ClipfileError("ffmpeg is not installed: it is needed to record streams (apt-get install ffmpeg)")
    if duration <= 0 or chunk <= 0:
        raise ClipfileError("listen needs a positive duration and chunk length")
    language = check_model_language(model, language)  # refuse before recording, not per chunk
    if not reconnect_backoff:
        reconnect_backoff = (1,)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    started = clock.time()
    broadcast = "b" + hashlib.sha256(f"{url}\n{started}".encode()).hexdigest()[:16]
    report = ListenReport(url=url, broadcast=broadcast, started_at=_iso(started))
    host = urlsplit(url).netloc or url

    position = 0.0  # broadcast seconds covered: recorded audio plus gaps
    next_index = 0
    failures = 0  # reconnects since audio last came through: picks the backoff delay
    pending_gap: Gap | None = None
    dropped_at: float | None = None  # monotonic time recording stopped
    run = 0

    while duration - position > EPSILON:
        if dropped_at is not None:
            delay = float(reconnect_backoff[min(failures, len(reconnect_backoff) - 1)])
            # Waiting past the end of the listening window is pointless.
            elapsed = clock.monotonic() - dropped_at
            if pending_gap is not None and pending_gap.t_offset + elapsed + delay >= duration:
                clock.sleep(max(0.0, duration - pending_gap.t_offset - elapsed))
                break
            clock.sleep(delay)
            failures += 1
            report.reconnects += 1
            if pending_gap is not None:
                pending_gap.attempts += 1
        run_start_wall = clock.time()
        run_start_mono = clock.monotonic()
        gap_seconds = 0.0
        if pending_gap is not None and dropped_at is not None:
            gap_seconds = round(run_start_mono - dropped_at, 3)
            pending_gap.seconds = gap_seconds
        run_offset = position + gap_seconds
        listing = out_dir / f".segments-{run}.csv"
        log_path = out_dir / f".ffmpeg-{run}.log"
        run += 1
        remaining = duration - run_offset
        if remaining <= EPSILON:
            break
        cmd = _ffmpeg_command(url, seconds=remaining, chunk=chunk, out_dir=out_dir, first_index=next_index,
                              listing=listing, max_redirects=max_redirects)
        run_audio = 0.0
        seen_rows = 0
        first_chunk_of_run = True
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
            try:
                while True:
                    running = proc.poll() is None
                    rows = _read_listing(listing)
                    for name, t0, t1 in rows[seen_rows:]:
                        seen_rows += 1
                        seconds = max(0.0, t1 - t0)
                        run_audio = max(run_audio, t1)
                        info = ChunkInfo(
                            index=next_index,
                            path=str(out_dir / name),
                            t_offset=round(run_offset + t0, 3),
                            seconds=round(seconds, 3),
                            recorded_at=_iso(run_start_wall + t0),
                        )
                        if first_chunk_of_run and pending_gap is not None:
                            info.gap_before = gap_seconds
                            report.gaps.append(pending_gap)
                            pending_gap = None
                        first_chunk_of_run = False
                        next_index += 1
                        _hand_on(info, report, url=url, host=host, model=model, language=language,
                                 on_chunk=on_chunk)
                        report.chunks.append(info)
                    if not running:
                        break
                    time.sleep(POLL_SECONDS)  # real waiting on a real process, whatever the clock
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        report.recorded_seconds = round(report.recorded_seconds + run_audio, 3)
        position = run_offset + run_audio
        if duration - position <= EPSILON:
            break
        # ffmpeg stopped before the end: the connection dropped (or never opened).
        error = _last_error(log_path)
        if run_audio > 0:
            failures = 0
            dropped_at = clock.monotonic()
            pending_gap = Gap(t_offset=round(position, 3), seconds=0.0, attempts=0, error=error)
        else:
            if pending_gap is None:
                dropped_at = clock.monotonic()
                pending_gap = Gap(t_offset=round(position, 3), seconds=0.0, attempts=0, error=error)
            else:
                pending_gap.error = error or pending_gap.error
    if pending_gap is not None:
        # Listening ended while disconnected: the rest of the window is missing.
        pending_gap.seconds = round(max(0.0, duration - pending_gap.t_offset), 3)
        report.gaps.append(pending_gap)
    return report


def _read_listing(listing: Path) -> list[tuple[str, float, float]]:
    """Closed chunks so far, from ffmpeg's CSV segment list."""
    try:
        text = listing.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    rows = []
    for row in csv.reader(text.splitlines()):
        if len(row) >= 3:
            try:
                rows.append((row[0], float(row[1]), float(row[2])))
            except ValueError:
                continue  # a line being written right now
    return rows


def _last_error(log_path: Path) -> str | None:
    try:
        lines = [ln.strip() for ln in log_path.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except FileNotFoundError:
        return None
    return lines[-1][:300] if lines else None


def _hand_on(info: ChunkInfo, report: ListenReport, *, url: str, host: str, model: str | None,
             language: str | None, on_chunk: Callable[[Document], None]) -> None:
    """Transcribe one closed chunk and pass its document to ``on_chunk``."""
    try:
        doc = transcribe(Path(info.path), model=model, language=language)
    except IngestError as exc:
        info.error = str(exc)
        return
    if not doc.text.strip():
        info.note = no_words_reason(doc)  # silence or music, or speech the model missed
        return  # nothing to analyse; the chunk stays listed
    metadata = dict(doc.metadata)
    metadata.update({
        "stream_url": url,
        "broadcast": report.broadcast,
        "broadcast_started": report.started_at,
        "chunk_index": info.index,
        "t_offset": info.t_offset,
        "recorded_at": info.recorded_at,
        "gap_before": info.gap_before,
    })
    doc = doc.replace(
        title=f"{host} {info.recorded_at} (chunk {info.index})",
        source=host,
        url=url,
        published=info.recorded_at,
        published_precision="second",
        fetched=info.recorded_at,
        metadata=metadata,
    )
    info.document_id = doc.id
    on_chunk(doc)
