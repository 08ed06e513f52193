"""Broadcast captions (SubRip ``.srt``, WebVTT ``.vtt``) to one document of spoken text.

Caption line breaks are layout, so the lines of a cue are joined with spaces, and consecutive
cues of one speaker run on in one paragraph; a speaker change (a label, ``>>``, a dialogue dash)
or a pause of :data:`PAUSE_SECONDS` or more starts a new paragraph.  Speaker labels
(``>> ANCHOR:``, ``SPEAKER 2:``, ``MARIA LOPEZ:``, ``[Alba]``, VTT ``<v Name>``) and markup
(YouTube's word timings ``<00:00:01.000><c> word</c>`` included) are removed from the text and
kept as metadata: ``metadata["cues"]`` lists, in order, one entry per stretch of one speaker
within one cue, ``{"start", "end", "t_start", "t_end", "speaker"}``, where ``text[start:end]`` is
exactly the words spoken and ``t_*`` are seconds.  Lines that are only a sound description
(``[MUSIC]``, ``(applause)``, ``♪``) are dropped, and so is a leading one (``[Laughter] Yes.``).

Rolling captions show each line two or three times: a cue that starts with the last lines of
the previous cue has them dropped, and a one-line cue that only repeats the previous cue's last
line is dropped when it is a display repeat -- a flash of 50 ms or less, or the static copy
YouTube shows after a line whose words were timed -- while a line really said twice (``No.``
``No.``) is kept.  A cue whose timing line is broken (``xx:yy --> zz``) keeps its words, timed
from the end of the cue before to the start of the cue after (``"estimated": true`` in its
metadata), and the document's ``metadata["warnings"]`` counts such lines; a timing line inside
a cue's text (captions with no blank line between cues) starts a new cue.
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
    rf"^\s*([{_UPPER}][\w.'\u2019\-]*(?: [{_UPPER}][\w.'\u2019\-]*){{0,3}})\s*:(?:\s+|$)"
)
# After ">>" a label may stand alone on its line, the words following on the next ones.
_CAPS_LABEL_ALONE = re.compile(_CAPS_LABEL.pattern.removesuffix(r"\s*:\s+") + r"\s*:\s*$")
_SPEAKER_N_ALONE = re.compile(_SPEAKER_N.pattern.removesuffix(r"\s*:\s+") + r"\s*:\s*$")
_SOUND = re.compile(r"^\s*(?:\[[^\]]*\]|\([^)]*\)|[\u266a\u266b#\s]+)\s*$")
# A bracket at the start of a line: a speaker ("[Alba]", "[DR. REYES]") or a sound ("[Music]").
_BRACKET = re.compile(r"^\s*\[([^\[\]]{1,60})\]\s*:?\s*")
_NAMEISH = re.compile(rf"^[{_UPPER}][\w.'\u2019\-]*(?: [{_UPPER}0-9][\w.'\u2019\-]*){{0,3}}$")
# Words that make a bracket a sound description however it is capitalised ("[Crowd Noise]").
_SOUND_WORDS = frozenset("""
    music applause laughter laughing laughs laugh cheering cheers cheer clapping booing boos
    inaudible indistinct unintelligible crosstalk overlapping silence pause noise noises sound
    sounds static bleep beep sigh sighs cough coughs chuckles chuckling gasps groans murmuring
    murmurs whispers whispering screams screaming shouting shouts cries crying sobbing breathing
    foreign speaking speaks singing sings ringing rings phone door knocking footsteps explosion
    gunfire gunshots thunder wind rain siren sirens horn bell bells buzzing chatter background
    audience crowd instrumental jingle theme intro outro continues muffled audio video
    музыка аплодисменты смех шум тишина неразборчиво крики звук голоса пауза
""".split())
_INLINE_TIMESTAMP = re.compile(r"<\d[\d:.]*>")
# A one-line cue this short that repeats the line before is a display flash, not speech.
FLASH_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class Caption:
    """One timed cue as written: times in seconds and its payload lines (markup included).

    ``estimated`` is true when the cue's own timing line was broken and its times were taken
    from its neighbours.
    """

    t_start: float
    t_end: float
    lines: tuple[str, ...]
    estimated: bool = False


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return round(int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000, 3)


def _timing(line: str) -> tuple[float, float] | None:
    m = _TIMING.match(line)
    if not m:
        return None
    g = m.groups()
    return _seconds(*g[:4]), _seconds(*g[4:])


def looks_like_srt(text: str) -> bool:
    """True when ``text`` begins like a SubRip file (a cue number, then a timing line)."""
    return bool(_SRT_START.match(text[:500]))


def parse_srt(text: str) -> list[Caption]:
    """Parse SubRip captions; text after a blank line with no timing line continues the cue."""
    return _parse(text.splitlines(), vtt=False)[0]


def parse_vtt(text: str) -> tuple[list[Caption], str | None]:
    """Parse WebVTT cues; returns the cues and the header's title text, if any.

    Raises:
        IngestError: when the file does not start with the ``WEBVTT`` signature.
    """
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise IngestError("not a WebVTT file: the first line must be 'WEBVTT'")
    title = lines[0].lstrip("\ufeff")[6:].strip(" \t-") or None
    # The header runs to the first blank line (or, without one, to the first timing line).
    end = next((i for i, line in enumerate(lines) if not line.strip() or "-->" in line), len(lines))
    return _parse(lines[end:], vtt=True)[0], title


def _parse(lines: list[str], *, vtt: bool) -> tuple[list[Caption], int]:
    """Cues from caption lines, and the number of broken timing lines among them.

    Any line with ``-->`` starts a cue, even inside another cue's text.  A line just before it
    is the cue's identifier and is dropped: in SubRip a number, in WebVTT any line right after
    a blank one.  Text before the first cue and WebVTT ``NOTE``/``STYLE``/``REGION`` blocks are
    skipped; a cue whose timing line does not parse is kept with times from its neighbours.
    """
    cues: list[list[Any]] = []  # [t_start | None, t_end | None, lines]
    broken = 0
    last_added = -1  # index of the last line taken as payload
    skipping = False
    for i, line in enumerate(lines):
        if "-->" in line:
            if cues and last_added == i - 1 and _is_identifier(lines, i - 1, vtt=vtt):
                cues[-1][2].pop()
            times = _timing(line)
            broken += times is None
            cues.append([*(times or (None, None)), []])
            skipping = False
            continue
        if not line.strip():
            skipping = False
            if cues and line:
                cues[-1][2].append(line)  # a space-only line is payload in WebVTT (YouTube)
            continue
        if skipping:
            continue
        if vtt and (i == 0 or not lines[i - 1].strip()) and line.lstrip().startswith(("NOTE", "STYLE", "REGION")):
            skipping = True
            continue
        if cues:
            cues[-1][2].append(line)
            last_added = i
    return _fill_times(cues), broken


def _is_identifier(lines: list[str], at: int, *, vtt: bool) -> bool:
    """Whether the line before a timing line names that cue rather than ending the last one."""
    if vtt:
        return at == 0 or lines[at - 1] == ""  # WebVTT: an identifier follows a blank line
    return lines[at].strip().isdigit()


def _fill_times(cues: list[list[Any]]) -> list[Caption]:
    """Captions from parsed cues; a cue without times runs from the cue before to the cue after."""
    captions: list[Caption] = []
    for i, (t_start, t_end, lines) in enumerate(cues):
        estimated = t_start is None
        if estimated:
            before = next((c.t_end for c in reversed(captions) if not c.estimated), 0.0)
            after = next((c[0] for c in cues[i + 1:] if c[0] is not None), before)
            t_start, t_end = before, max(before, after)
        captions.append(Caption(t_start, t_end, tuple(lines), estimated))
    return captions


@dataclass(slots=True)
class _Line:
    words: str
    speaker: str | None
    turn: bool  # the line starts a speaker turn (a label, ">>", a dash)


@dataclass(slots=True)
class _Turns:
    """Who is speaking as the cues go by, and a label seen on a line before its words."""

    current: str | None = None
    pending: tuple[str | None, bool] | None = None  # (speaker, from a ">>" line)
    pending_bracket: bool = False  # "[Alba]" alone: good for the rest of its cue only


def _plain(raw: str) -> str:
    """A caption line without markup, entities or direction marks."""
    return html.unescape(_TAG.sub("", raw)).replace("\u200e", "").replace("\u200f", "")


def _is_speaker_tag(inner: str) -> bool:
    """``[Alba]``, ``[DR. REYES]`` are speakers; ``[Music]``, ``[crowd noise]`` are sounds."""
    words = re.split(r"[\s\-]+", inner.lower())
    return bool(_NAMEISH.match(inner)) and not any(w.strip(".") in _SOUND_WORDS for w in words)


def _split_label(line: str) -> tuple[str, str | None, bool, bool]:
    """Remove a speaker label or turn marker from a plain caption line.

    Returns the words, the speaker named, whether a turn starts, and whether the speaker came
    from a bracket tag.  A leading sound description (``[Laughter] Yes.``) is dropped.
    """
    turn = False
    label = None
    m = _CHEVRONS.match(line)
    if m:
        turn = True
        line = line[m.end():]
        label = (_SPEAKER_N.match(line) or _CAPS_LABEL.match(line) or _NAME_LABEL.match(line)
                 or _SPEAKER_N_ALONE.match(line) or _CAPS_LABEL_ALONE.match(line))
    else:
        label = _SPEAKER_N.match(line) or _CAPS_LABEL.match(line)
        if label is None and (d := _DASH.match(line)):
            turn = True
            line = line[d.end():]
    if label:
        return line[label.end():], " ".join(label.group(1).split()), True, False
    bracket = _BRACKET.match(line)
    if bracket:
        inner = " ".join(bracket.group(1).split())
        rest = line[bracket.end():]
        if _is_speaker_tag(inner):
            return rest, inner, True, True
        if rest.strip():
            return rest, None, turn, False
    return line, None, turn, False


def _clean_lines(caption: Caption, turns: _Turns) -> list[_Line]:
    out: list[_Line] = []
    for raw in caption.lines:
        voice = _VOICE.search(raw)
        voice_speaker = None
        if voice and not _TAG.sub("", raw[: voice.start()]).strip():
            voice_speaker = " ".join(html.unescape(voice.group(1)).split())
        plain = _plain(raw)
        words, speaker, turn, bracket = _split_label(plain)
        chevron = bool(_CHEVRONS.match(plain))
        if voice_speaker is not None:
            speaker, turn = voice_speaker, True
        words = " ".join(words.split())
        if not words and turn:
            turns.pending, turns.pending_bracket = (speaker, chevron), bracket  # words come next
            continue
        if not words or _SOUND.match(words):
            continue
        if turns.pending is not None and not turn:
            (speaker, chevron), turn = turns.pending, True
        turns.pending = None
        if turn:
            if speaker is None or speaker != turns.current or chevron:
                turns.current = speaker
            else:
                turn = False  # the same label again is not a new turn
        out.append(_Line(words, turns.current, turn))
    if turns.pending_bracket:
        turns.pending, turns.pending_bracket = None, False  # "[Alba]" with nothing after: a sound
    return out


def _overlap(before: list[str], lines: list[str]) -> int:
    """How many of ``lines``' first lines repeat ``before``'s last lines (roll-up captions)."""
    for k in range(min(len(before), len(lines)), 0, -1):
        if lines[:k] == before[-k:]:
            return k
    return 0


def assemble(captions: list[Caption], *, pause: float = PAUSE_SECONDS) -> tuple[str, list[dict[str, Any]]]:
    """Join captions into paragraphs of spoken text with cue ranges (see the module docstring)."""
    parts: list[str] = []
    cues: list[dict[str, Any]] = []
    length = 0
    turns = _Turns()
    prev_end: float | None = None
    shown_before: list[str] = []  # the previous cue's lines as displayed
    timed_before = False  # the previous cue timed its words (<00:00:01.000>), as YouTube does
    for caption in captions:
        keyed = [(raw, plain) for raw in caption.lines if (plain := " ".join(_plain(raw).split()))]
        shown = [plain for _, plain in keyed]
        repeat = _overlap(shown_before, shown)
        flash = caption.t_end - caption.t_start <= FLASH_SECONDS
        if repeat and (repeat < len(shown) or len(shown) > 1 or flash or timed_before):
            keyed = keyed[repeat:]  # a line really said twice ("No." "No.") stays
        shown_before = shown
        timed_before = any(_INLINE_TIMESTAMP.search(raw) for raw in caption.lines)
        cleaned = _clean_lines(Caption(caption.t_start, caption.t_end, tuple(raw for raw, _ in keyed)), turns)
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
            cue = {
                "start": length,
                "end": length + len(words),
                "t_start": caption.t_start,
                "t_end": caption.t_end,
                "speaker": group[0].speaker,
            }
            if caption.estimated:
                cue["estimated"] = True
            cues.append(cue)
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
    if not captions or all(c.estimated for c in captions):
        raise IngestError(f"no timed cues found in this {fmt.upper()} file", origin)
    spoken, cues = assemble(captions)
    if not spoken.strip():
        raise IngestError(f"the {fmt.upper()} file has cues but no spoken text", origin)
    speakers: list[str] = []
    for cue in cues:
        if cue["speaker"] and cue["speaker"] not in speakers:
            speakers.append(cue["speaker"])
    metadata: dict[str, Any] = {"format": fmt, "cues": cues, "speakers": speakers}
    broken = sum(1 for c in captions if c.estimated)
    if broken:
        lines = "1 broken timing line was" if broken == 1 else f"{broken} broken timing lines were"
        metadata["warnings"] = [
            f"{lines} dropped; the words of those cues are kept, timed between the cues around them"
        ]
    return {"text": spoken, "title": title, "metadata": metadata}
