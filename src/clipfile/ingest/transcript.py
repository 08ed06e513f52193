"""Broadcast captions (SubRip ``.srt``, WebVTT ``.vtt``) to one document of spoken text.

Caption line breaks are layout, so the lines of a cue are joined with spaces, and consecutive
cues of one speaker run on in one paragraph; a speaker change (a label, ``>>``, a dialogue dash)
or a pause of :data:`PAUSE_SECONDS` or more starts a new paragraph.  Speaker labels
(``>> ANCHOR:``, ``SPEAKER 2:``, ``MARIA LOPEZ:``, VTT ``<v Name>``) and markup are removed from
the text and kept as metadata: ``metadata["cues"]`` lists, in order, one entry per stretch of
one speaker within one cue, ``{"start", "end", "t_start", "t_end", "speaker"}``, where
``text[start:end]`` is exactly the words spoken and ``t_*`` are seconds.  Lines that are only a
sound description (``[MUSIC]``, ``(applause)``, ``♪``) are dropped; roll-up captions (a cue of several
lines whose first line is the previous cue's last line) have the repeat dropped.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from clipfile.errors import IngestError

__all__ = ["Caption", "parse_srt", "parse_vtt", "assemble", "PAUSE_SECONDS", "looks_like_srt"]

PAUSE_SECONDS = 2.0

_TS = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TS}\s*-->\s*{_TS}")
_SRT_START = re.compile(r"\A\s*\d+\s*\r?\n\s*" + _TS + r"\s*-->", re.ASCII)

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")
_CHEVRONS = re.compile(r"^\s*>>+\s*")
_DASH = re.compile(r"^\s*[-\u2013\u2014]\s+")
_UPPER = "A-Z\u0410-\u042f\u0401"
# "ANCHOR:", "SPEAKER 2:", "DR. MARIA LOPEZ:", "REP. OWENS (D):"; at least two capital letters.
_CAPS_LABEL = re.compile(
    rf"^\s*([{_UPPER}][{_UPPER}0-9 .'\u2019\-]*[{_UPPER}0-9.](?:\s*\([^)]{{1,30}}\))?)\s*:\s+"
)
_SPEAKER_N = re.compile(r"^\s*((?i:speaker)\s*\d+)\s*:\s+")
# After ">>" a mixed-case name is safe enough to take: ">> Maria Lopez: ...".
_NAME_LABEL = re.compile(
    rf"^\s*([{_UPPER}][\w.'\u2019\-]*(?: [{_UPPER}][\w.'\u2019\-]*){{0,3}})\s*:\s+"
)
_SOUND = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|[\u266a\u266b#\s]+)\s*$")


@dataclass(frozen=True, slots=True)
class Caption:
    """One timed cue as written: times in seconds and its payload lines (markup included)."""

    t_start: float
    t_end: float
    lines: tuple[str, ...]


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return round(int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000, 3)


def _timing(line: str) -> tuple[float, float] | None:
    m = _TIMING.match(line)
    if not m:
        return None
    g = m.groups()
    return _seconds(*g[:4]), _seconds(*g[4:])


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def looks_like_srt(text: str) -> bool:
    """True when ``text`` begins like a SubRip file (a cue number, then a timing line)."""
    return bool(_SRT_START.match(text[:500]))


def parse_srt(text: str) -> list[Caption]:
    """Parse SubRip captions; a block without a timing line continues the previous cue."""
    captions: list[Caption] = []
    for block in _blocks(text):
        at = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        times = _timing(block[at]) if at is not None else None
        if times is None:
            if captions:  # a blank line inside a cue's text
                prev = captions[-1]
                captions[-1] = Caption(prev.t_start, prev.t_end, prev.lines + tuple(block))
            continue
        assert at is not None
        captions.append(Caption(times[0], times[1], tuple(block[at + 1:])))
    return captions


def parse_vtt(text: str) -> tuple[list[Caption], str | None]:
    """Parse WebVTT cues; returns the cues and the header's title text, if any.

    Raises:
        IngestError: when the file does not start with the ``WEBVTT`` signature.
    """
    blocks = _blocks(text)
    if not blocks or not blocks[0][0].lstrip("\ufeff").startswith("WEBVTT"):
        raise IngestError("not a WebVTT file: the first line must be 'WEBVTT'")
    title = blocks[0][0].lstrip("\ufeff")[6:].strip(" \t-") or None
    captions: list[Caption] = []
    header = blocks[0]
    if any("-->" in line for line in header[1:]):
        # No blank line between the signature and the first cue: split the header off.
        cut = next(i for i, line in enumerate(header) if "-->" in line)
        blocks = [header[:cut], header[cut:], *blocks[1:]]
    for block in blocks[1:]:
        head = block[0].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        at = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
        times = _timing(block[at]) if at is not None else None
        if times is None or at is None:
            continue
        captions.append(Caption(times[0], times[1], tuple(block[at + 1:])))
    return captions, title


@dataclass(slots=True)
class _Line:
    words: str
    speaker: str | None
    turn: bool  # the line starts a speaker turn (a label, ">>", a dash)


def _split_label(line: str) -> tuple[str, str | None, bool]:
    """Remove a speaker label or turn marker from a plain caption line."""
    turn = False
    speaker: str | None = None
    m = _CHEVRONS.match(line)
    if m:
        turn = True
        line = line[m.end():]
        label = _SPEAKER_N.match(line) or _CAPS_LABEL.match(line) or _NAME_LABEL.match(line)
    else:
        label = _SPEAKER_N.match(line) or _CAPS_LABEL.match(line)
        if label is None and (d := _DASH.match(line)):
            return line[d.end():], None, True
    if label:
        speaker = " ".join(label.group(1).split())
        line = line[label.end():]
        turn = True
    return line, speaker, turn


def _clean_lines(caption: Caption, current: str | None) -> tuple[list[_Line], str | None]:
    out: list[_Line] = []
    for raw in caption.lines:
        voice = _VOICE.search(raw)
        voice_speaker = None
        if voice and not _TAG.sub("", raw[: voice.start()]).strip():
            voice_speaker = " ".join(html.unescape(voice.group(1)).split())
        plain = html.unescape(_TAG.sub("", raw)).replace("\u200e", "").replace("\u200f", "")
        words, speaker, turn = _split_label(plain)
        if voice_speaker is not None:
            speaker, turn = voice_speaker, True
        if turn:
            if speaker is None or speaker != current or _CHEVRONS.match(plain):
                current = speaker
            else:
                turn = False  # the same label again is not a new turn
        words = " ".join(words.split())
        if not words or _SOUND.match(words):
            continue
        out.append(_Line(words, current, turn))
    return out, current


def assemble(captions: list[Caption], *, pause: float = PAUSE_SECONDS) -> tuple[str, list[dict[str, Any]]]:
    """Join captions into paragraphs of spoken text with cue ranges (see the module docstring)."""
    parts: list[str] = []
    cues: list[dict[str, Any]] = []
    length = 0
    current: str | None = None
    prev_end: float | None = None
    prev_last_line: str | None = None
    for caption in captions:
        lines = caption.lines
        if len(lines) > 1 and prev_last_line is not None and lines[0].strip() == prev_last_line:
            # Roll-up captions show the previous cue's last line again above the new one; a
            # one-line cue that repeats is a real repetition ("No." "No.") and is kept.
            lines = lines[1:]
        if caption.lines:
            prev_last_line = caption.lines[-1].strip()
        cleaned, current = _clean_lines(Caption(caption.t_start, caption.t_end, lines), current)
        paused = prev_end is not None and caption.t_start - prev_end >= pause
        prev_end = caption.t_end
        segment: list[_Line] = []
        groups: list[list[_Line]] = []
        for line in cleaned:
            if line.turn and segment:
                groups.append(segment)
                segment = []
            segment.append(line)
        if segment:
            groups.append(segment)
        for i, group in enumerate(groups):
            words = " ".join(line.words for line in group)
            new_paragraph = group[0].turn or (i == 0 and paused)
            if parts:
                sep = "\n\n" if new_paragraph else " "
                parts.append(sep)
                length += len(sep)
            parts.append(words)
            cues.append({
                "start": length,
                "end": length + len(words),
                "t_start": caption.t_start,
                "t_end": caption.t_end,
                "speaker": group[0].speaker,
            })
            length += len(words)
    return "".join(parts), cues


def transcript_fields(text: str, *, fmt: str, origin: str | None = None) -> dict[str, Any]:
    """Parse caption text of format ``srt`` or ``vtt`` into Document fields.

    Raises:
        IngestError: when no cue or no spoken words are found.
    """
    title = None
    if fmt == "vtt":
        try:
            captions, title = parse_vtt(text)
        except IngestError as exc:
            raise IngestError(str(exc), origin) from exc
    else:
        captions = parse_srt(text)
    if not captions:
        raise IngestError(f"no timed cues found in this {fmt.upper()} file", origin)
    spoken, cues = assemble(captions)
    if not spoken.strip():
        raise IngestError(f"the {fmt.upper()} file has cues but no spoken text", origin)
    speakers: list[str] = []
    for cue in cues:
        if cue["speaker"] and cue["speaker"] not in speakers:
            speakers.append(cue["speaker"])
    return {
        "text": spoken,
        "title": title,
        "metadata": {"format": fmt, "cues": cues, "speakers": speakers},
    }
