"""Audio and video ingest: speech to a transcript document with faster-whisper.

The transcript is shaped like an ``.srt`` one: ``Document(kind="transcript")`` whose text is
the recognised segments laid out like caption transcripts (segments run on with a space, a
pause of :data:`PAUSE_SECONDS` starts a paragraph, ``[Music]``-style notes are dropped), and
``metadata["cues"]`` maps each segment to its
character range (``start``/``end``) and its seconds (``t_start``/``t_end``), so every item
extracted later can be played back from its second.

Language: ``language=`` (the CLI's ``--language``) names the language of the speech; without
it a multilingual model detects it from the first 30 s.  An English-only model (``tiny.en``
and the like: faster-whisper reports it) is refused for any other language before anything is
transcribed, because it would write English-sounding words for Russian speech.  The detected
language and its probability go into ``metadata["asr"]``; a detection below
:data:`LANGUAGE_MIN_PROBABILITY`, or one that differs from the language asked for, is flagged
there and in ``metadata["warnings"]`` (which ``clipfile ingest`` prints on the item's line).

Audio is decoded with PyAV (the FFmpeg libraries faster-whisper already depends on) in
windows of a few minutes; each window goes through faster-whisper's lazy segment generator
before the next is decoded, so a three-hour broadcast never sits in memory as one array.
"""
from __future__ import annotations

import functools
import gc
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IngestError
from ..records import Document

__all__ = [
    "AUDIO_EXTENSIONS",
    "ASR_MODEL_ENV",
    "LANGUAGE_MIN_PROBABILITY",
    "transcribe",
    "resolve_model",
    "probe",
    "check_language",
    "check_model_language",
    "language_flag",
    "no_words_reason",
    "speech_seconds",
]

AUDIO_EXTENSIONS = {".mp3", ".wav", ".ogg", ".m4a", ".mp4", ".webm", ".flac", ".opus", ".mkv"}

ASR_MODEL_ENV = "CLIPFILE_ASR_MODEL"
SAMPLE_RATE = 16000
# Whisper reads 30 s at a time; a window of several minutes keeps its context useful while
# bounding memory (16 kHz float32 = 64 kB per second: 5 min is under 20 MB).
WINDOW_SECONDS = 300.0
# Cut windows at the quietest moment of their last seconds so words are rarely split.
CUT_SEARCH_SECONDS = 5.0
# A pause this long starts a new paragraph, as in caption transcripts (ingest/transcript.py).
PAUSE_SECONDS = 2.0
# Whisper's language detection gives a probability per language; below one half the language
# it picked is more likely wrong than right, so the transcript is flagged.  (Clean speech in a
# language Whisper knows well is detected at 0.9 and above.)
LANGUAGE_MIN_PROBABILITY = 0.5
# Speech the voice detector hears but the model turns into no words: worth explaining when it
# adds up to at least this much (shorter stretches are coughs and clicks).
UNHEARD_SPEECH_SECONDS = 1.0
# Whisper's non-speech annotations: "[Music]", "(applause)", "♪".
_SOUND = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|[\u266a\u266b#*\s]+)\s*$")

_MODEL_HELP = (
    "no speech-recognition model configured: pass --asr-model NAME|PATH, set the environment "
    f"variable {ASR_MODEL_ENV}, or set asr_model in the configuration (a faster-whisper model "
    "directory works offline; a name such as 'small' is fetched into faster-whisper's cache "
    "when the machine is online)"
)


def resolve_model(model: str | os.PathLike[str] | None = None) -> str:
    """Return the model to load: the argument, else ``$CLIPFILE_ASR_MODEL``.

    Raises:
        IngestError: no model is configured, or a path-like value names no directory.
    """
    spec = str(model) if model else os.environ.get(ASR_MODEL_ENV, "").strip()
    if not spec:
        raise IngestError(_MODEL_HELP)
    looks_like_path = os.sep in spec or spec.startswith((".", "~"))
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "model.bin").exists():
            raise IngestError(f"ASR model directory {path} has no model.bin (not a CTranslate2 Whisper model)")
        return str(path.resolve())
    if looks_like_path:
        raise IngestError(f"ASR model directory not found: {path}")
    return spec


@functools.lru_cache(maxsize=2)
def _load_model(spec: str) -> Any:
    """Load (once per process) a faster-whisper model by directory or name."""
    from faster_whisper import WhisperModel

    try:
        # int8 on CPU: about twice as fast as float32 with no measurable loss on speech.
        return WhisperModel(spec, device="cpu", compute_type="int8")
    except Exception as exc:  # faster-whisper raises plain exceptions for missing/broken models
        raise IngestError(f"could not load ASR model {spec!r}: {exc}") from exc


def _whisper_languages() -> tuple[str, ...]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES  # the codes Whisper's tokenizer knows

    return tuple(_LANGUAGE_CODES)


def check_language(code: str) -> str:
    """Normalise a language code (``"RU"`` to ``"ru"``) and check that Whisper knows it.

    Raises:
        IngestError: not a code Whisper knows; the message gives examples.
    """
    norm = str(code).strip().lower()
    if norm not in _whisper_languages():
        raise IngestError(f"unknown language {code!r}: use a code speech recognition knows, such as en, ru, uk, de")
    return norm


def _multilingual(whisper: Any) -> bool:
    return bool(whisper.model.is_multilingual)


def _english_only(spec: str, language: str) -> str:
    return (f"ASR model {spec} is English-only, so it cannot transcribe speech in {language!r} "
            "(it would write English-sounding words instead): use a multilingual model "
            "(e.g. --asr-model small, or a directory of one), or leave out --language for English")


def check_model_language(model: str | os.PathLike[str] | None, language: str | None) -> str | None:
    """Check, before any recording or transcribing, that ``model`` can do ``language``.

    Returns:
        The normalised language code (None when none was asked for).

    Raises:
        IngestError: unknown language code, no or broken model, or an English-only model
            asked for another language.
    """
    if not language:
        return None
    code = check_language(language)
    spec = resolve_model(model)
    if code != "en" and not _multilingual(_load_model(spec)):
        raise IngestError(_english_only(spec, code))
    return code


def language_flag(asr: dict[str, Any]) -> tuple[str, str] | None:
    """``(flag, one-line message)`` for a transcript whose language is doubtful, or None.

    Doubtful means: detected as another language than the one asked for (``mismatch``; the
    transcript uses the language asked for, as told), or, with no language asked for,
    detected with a probability below :data:`LANGUAGE_MIN_PROBABILITY` (``low-probability``).
    An English-only model detects nothing, so nothing is flagged: its transcripts say
    ``language_detected: None``.
    """
    detected, probability = asr.get("language_detected"), asr.get("language_probability")
    asked = asr.get("language_asked")
    if detected is None or probability is None:
        return None
    if asked and detected != asked:
        asked_p = asr.get("language_asked_probability")
        of_asked = f", {asked!r} {asked_p:.2f}" if asked_p is not None else ""
        return "mismatch", (f"language mismatch: asked for {asked!r}, but the speech sounds like {detected!r} "
                            f"(probability {probability:.2f}{of_asked}); transcribed as {asked!r}")
    if not asked and probability < LANGUAGE_MIN_PROBABILITY:
        return "low-probability", (f"language uncertain: detected {detected!r} with probability {probability:.2f} "
                                   f"(below {LANGUAGE_MIN_PROBABILITY:g}); if you know the language, pass --language")
    return None


def speech_seconds(samples: np.ndarray) -> float:
    """Seconds of voice in 16 kHz mono samples, by the Silero voice detector faster-whisper ships."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    spans = get_speech_timestamps(samples, VadOptions(speech_pad_ms=0, min_speech_duration_ms=250))
    return round(sum(s["end"] - s["start"] for s in spans) / SAMPLE_RATE, 3)


def no_words_reason(doc: Document) -> str:
    """Why a transcript has no words, in one line: silence, or speech the model did not understand.

    "No speech" is said only when the voice detector heard none; heard speech without words
    is put down to what is known: an English-only model, a doubtful language, or else an
    unclear recording or a language the model does not know.
    """
    asr = doc.metadata.get("asr") or {}
    heard = float(asr.get("speech_without_words") or 0.0)
    if heard < UNHEARD_SPEECH_SECONDS:
        return "no speech recognised in the recording (silence, music or noise)"
    said = f"heard {heard:.0f} s of speech but recognised no words"
    if asr.get("multilingual") is False:
        return (f"{said}: the ASR model is English-only, so speech in another language is not "
                "recognised; use a multilingual model (and --language if you know the language)")
    flagged = language_flag(asr)
    if flagged:
        return f"{said}; {flagged[1]}"
    return f"{said}: the speech may be unclear, or in a language the model does not know (try --language)"


def probe(path: Path) -> float | None:
    """Check that ``path`` is a readable container with an audio track; return its duration.

    Raises:
        IngestError: missing, empty, unknown container, or no audio track.
    """
    import av

    origin = str(path)
    if not path.exists():
        raise IngestError("file not found", origin)
    if path.stat().st_size == 0:
        raise IngestError("empty file (0 bytes): nothing to transcribe", origin)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            audio = [s for s in container.streams if s.type == "audio"]
            if not audio:
                kinds = sorted({s.type for s in container.streams}) or ["no streams"]
                raise IngestError(
                    f"no audio track (the file holds {', '.join(kinds)}): nothing to transcribe", origin
                )
            stream = audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / 1_000_000  # av.time_base is microseconds
            return None
    except IngestError:
        raise
    except (av.error.InvalidDataError, EOFError) as exc:
        raise IngestError(
            f"not a readable audio or video file ({path.suffix or 'no extension'}): "
            "unknown container or corrupt data",
            origin,
        ) from exc
    except av.error.FFmpegError as exc:
        raise IngestError(f"cannot open media: {exc}", origin) from exc


def _decode_windows(path: Path, *, window: float = WINDOW_SECONDS) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(offset_seconds, mono 16 kHz float32 samples)`` windows of at most ``window`` s.

    Raises:
        IngestError: the audio track cannot be decoded at all (corrupt data).
    """
    import av

    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    limit = int(window * SAMPLE_RATE)
    search = int(min(CUT_SEARCH_SECONDS, window / 4) * SAMPLE_RATE)
    parts: list[np.ndarray] = []
    held = 0
    offset = 0  # samples already yielded
    bad_frames = 0
    decoded_any = False

    def frames(container: Any) -> Iterator[Any]:
        nonlocal bad_frames
        it = container.decode(audio=0)
        while True:
            try:
                frame = next(it)
            except StopIteration:
                return
            except av.error.InvalidDataError:
                bad_frames += 1  # a damaged packet: skip it, as players do
                if bad_frames > 1000:
                    raise
                continue
            frame.pts = None
            yield frame

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            for frame in _chain_flush(frames(container)):
                for out in resampler.resample(frame):
                    arr = out.to_ndarray().reshape(-1)
                    if arr.size == 0:
                        continue
                    decoded_any = True
                    parts.append(arr)
                    held += arr.size
                    while held >= limit + search:
                        buf = np.concatenate(parts)
                        cut = _quiet_cut(buf, limit, search)
                        yield offset / SAMPLE_RATE, buf[:cut].astype(np.float32) / 32768.0
                        offset += cut
                        parts, held = [buf[cut:]], buf.size - cut
    except IngestError:
        raise
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        if not decoded_any:
            raise IngestError(f"corrupt or undecodable audio: {exc}", str(path)) from exc
        # Damage after good audio: keep what decoded, as a player would.
    finally:
        del resampler
        gc.collect()  # PyAV resamplers leak until collected (faster-whisper issue 390)
    if not decoded_any:
        raise IngestError("corrupt or undecodable audio: no audio samples could be decoded", str(path))
    if held:
        buf = np.concatenate(parts)
        yield offset / SAMPLE_RATE, buf.astype(np.float32) / 32768.0


def _chain_flush(frames: Iterator[Any]) -> Iterator[Any]:
    yield from frames
    yield None  # flushes the resampler


def _quiet_cut(buf: np.ndarray, limit: int, search: int) -> int:
    """Index near ``limit`` where the signal is quietest (20 ms frames), to cut between words."""
    hop = SAMPLE_RATE // 50
    lo = max(limit - search, hop)
    seg = buf[lo : limit + search].astype(np.float32)
    n = seg.size // hop
    if n == 0:
        return limit
    energy = np.square(seg[: n * hop].reshape(n, hop)).mean(axis=1)
    return lo + int(np.argmin(energy)) * hop


def transcribe(
    path: Path,
    *,
    model: str | None = None,
    language: str | None = None,
    progress: Callable[[float, float], None] | None = None,
) -> Document:
    """Transcribe an audio or video file into a transcript document.

    Args:
        path: any container FFmpeg reads (see ``AUDIO_EXTENSIONS``; the content decides).
        model: faster-whisper model directory or name; default ``$CLIPFILE_ASR_MODEL``.
        language: the language of the speech (a code such as ``ru``); it is used for the
            transcript, and still checked against what a multilingual model detects.  None
            detects it from the first 30 s.
        progress: called as ``progress(audio_seconds_done, total_seconds)`` as segments arrive.

    Returns:
        ``Document(kind="transcript")`` with ``metadata["cues"]`` (``start``, ``end``,
        ``t_start``, ``t_end``, ``speaker``), ``metadata["asr"]`` (``model``,
        ``multilingual``, ``language`` (the one used), ``language_asked``,
        ``language_detected`` and ``language_probability`` (None for an English-only model,
        which detects nothing), ``language_asked_probability``, ``language_flag``
        (None, ``low-probability`` or ``mismatch``), ``duration``, ``speech_without_words``
        (seconds of voice in stretches that gave no words)), and, when the language is
        doubtful, ``metadata["warnings"]``.  Silence gives a document with empty text and no
        cues (:func:`no_words_reason` says why).

    Raises:
        IngestError: no model configured, unknown language, an English-only model asked for
            another language, empty file, unknown container, no audio track, corrupt audio.
    """
    path = Path(path)
    spec = resolve_model(model)
    asked = check_language(language) if language else None
    total = probe(path) or 0.0
    whisper = _load_model(spec)
    multilingual = _multilingual(whisper)
    if asked and asked != "en" and not multilingual:
        raise IngestError(_english_only(spec, asked), str(path))

    parts: list[str] = []
    cues: list[dict[str, Any]] = []
    pos = 0
    # What the model is told: the language asked for, English for an English-only model, or
    # None until the first window has been detected.
    use = asked or (None if multilingual else "en")
    detected: str | None = None
    probability: float | None = None
    asked_probability: float | None = None
    unheard = 0.0
    duration = 0.0
    for offset, samples in _decode_windows(path, window=WINDOW_SECONDS):
        window_len = samples.size / SAMPLE_RATE
        duration = offset + window_len
        total = max(total, duration)
        try:
            if multilingual and asked and detected is None:
                # Told the language: still listen for it, so a wrong --language is caught.
                detected, p, ranked = whisper.detect_language(samples)
                probability = float(p)
                asked_probability = next((float(q) for code, q in ranked if code == asked), None)
            segments, info = whisper.transcribe(
                samples,
                language=use,
                beam_size=5,
                # Conditioning on earlier text is what sends Whisper into repetition loops
                # on long broadcasts; each 30 s decoded on its own is the safer trade.
                condition_on_previous_text=False,
            )
        except Exception as exc:
            raise IngestError(f"speech recognition failed: {exc}", str(path)) from exc
        if use is None:  # detected on the first window, kept for the rest of the file
            use = detected = info.language
            probability = float(info.language_probability)
        last_end = offset
        window_cues = len(cues)
        for seg in segments:  # lazy: decoding happens as we iterate
            text = " ".join(seg.text.split())
            t_start = round(min(offset + max(seg.start, 0.0), duration), 3)
            t_end = round(min(offset + max(seg.end, seg.start), duration), 3)
            # Whisper occasionally restarts a timestamp a little early; keep cues ordered.
            t_start = max(t_start, cues[-1]["t_start"]) if cues else t_start
            t_end = max(t_end, t_start)
            last_end = max(last_end, t_end)  # progress never runs backwards
            if progress is not None:
                progress(min(last_end, total), total)
            if not text or _SOUND.match(text):
                continue
            if cues and text == parts[-1]:
                continue  # a hallucinated repeat of the previous segment
            if cues:
                # Same layout as caption transcripts: segments run on, a pause starts a paragraph.
                sep = "\n\n" if t_start - cues[-1]["t_end"] >= PAUSE_SECONDS else " "
                parts.append(sep)
                pos += len(sep)
            cues.append({"start": pos, "end": pos + len(text), "t_start": t_start, "t_end": t_end, "speaker": None})
            parts.append(text)
            pos += len(text)
        if len(cues) == window_cues:
            # No words from this window: measure whether anyone spoke, so that an empty
            # transcript is never called silence when it was speech the model missed.
            unheard += speech_seconds(samples)
        if progress is not None and last_end < duration:
            progress(duration, total)
        del samples

    text = "".join(parts)
    asr: dict[str, Any] = {
        "model": spec,
        "multilingual": multilingual,
        "language": use,
        "language_asked": asked,
        "language_detected": detected,
        "language_probability": probability,
        "language_asked_probability": asked_probability,
        "duration": round(duration, 3),
        "speech_without_words": round(unheard, 3),
    }
    flagged = language_flag(asr)
    asr["language_flag"] = flagged[0] if flagged else None
    metadata: dict[str, Any] = {"cues": cues, "asr": asr, "media": str(path)}
    if flagged:
        metadata["warnings"] = [flagged[1]]
    return Document(
        text=text,
        title=path.stem,
        origin=str(path),
        language=use,
        kind="transcript",
        metadata=metadata,
    )
