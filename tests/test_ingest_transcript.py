"""SRT and WebVTT captions: spoken text, speaker labels as metadata, cue ranges with exact offsets."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from clipfile.errors import IngestError
from clipfile.ingest import read_bytes, samples_dir
from clipfile.ingest.transcript import PAUSE_SECONDS, assemble, parse_srt, parse_vtt


def _check_cues(doc_text: str, cues: list[dict]) -> None:
    last_end = 0
    for cue in cues:
        assert last_end <= cue["start"] < cue["end"] <= len(doc_text)
        piece = doc_text[cue["start"]:cue["end"]]
        assert piece == piece.strip() and piece
        assert doc_text[last_end:cue["start"]] in ("", " ", "\n\n")
        last_end = cue["end"]
    assert last_end == len(doc_text)


def test_sample_srt_speakers_and_ranges() -> None:
    data = (samples_dir() / "evening-bulletin.srt").read_bytes()
    (doc,) = read_bytes(data, name="evening-bulletin.srt")
    assert doc.kind == "transcript"
    cues = doc.metadata["cues"]
    _check_cues(doc.text, cues)
    # Labels are metadata, not text.
    assert "ANCHOR" not in doc.text and ">>" not in doc.text and "SPEAKER 2" not in doc.text
    assert "[CROWD NOISE]" not in doc.text
    assert doc.metadata["speakers"] == ["ANCHOR", "DANA FROST", "SPEAKER 2"]
    first = cues[0]
    assert doc.text[first["start"]:first["end"]] == "Good evening. Our top story tonight: the Kessel dam."
    assert (first["t_start"], first["t_end"], first["speaker"]) == (0.5, 3.2, "ANCHOR")
    proof = next(c for c in cues if c["speaker"] == "SPEAKER 2")
    assert doc.text[proof["start"]:proof["end"]] == "We were told the gates were safe in 2019. I want proof this time."
    # A cue without a label continues the current speaker.
    third = cues[2]
    assert third["speaker"] == "ANCHOR" and doc.text[third["start"]:third["end"]].startswith("Our reporter")
    # Speaker change and a long pause both start paragraphs; same-speaker cues run on.
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0].startswith("Good evening.") and paragraphs[0].endswith("is at city hall.")
    assert paragraphs[2] == "But some members say the province has still not promised its share."


def test_sample_vtt_voices() -> None:
    data = (samples_dir() / "council-hearing.vtt").read_bytes()
    (doc,) = read_bytes(data, name="council-hearing.vtt")
    assert doc.title == "Port Averill council hearing on the Kessel dam"
    cues = doc.metadata["cues"]
    _check_cues(doc.text, cues)
    assert [c["speaker"] for c in cues] == [
        "Ade Okonkwo", "Ade Okonkwo", "Lina Osei", "Lina Osei", "Elena Varga", "Ade Okonkwo",
    ]
    assert "<v" not in doc.text and "<i>" not in doc.text and "Recorded at" not in doc.text
    last = cues[-1]
    assert doc.text[last["start"]:last["end"]] == "Thank you, Madam Mayor."


def test_label_forms_and_dialogue_dashes() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\n>> Good evening.\n\n"
        "2\n00:00:02,100 --> 00:00:03,000\n>> Maria Lopez: Thank you.\n\n"
        "3\n00:00:03,100 --> 00:00:05,000\nDR. OWEN PRICE (GUEST): The river rose\nfast at 10:30.\n\n"
        "4\n00:00:05,100 --> 00:00:06,000\n- Was it safe?\n- Nobody knows.\n\n"
        "5\n00:00:06,100 --> 00:00:07,000\nSpeaker 3: Next question.\n"
    )
    text, cues = assemble(parse_srt(srt))
    _check_cues(text, cues)
    assert [(c["speaker"], text[c["start"]:c["end"]]) for c in cues] == [
        (None, "Good evening."),
        ("Maria Lopez", "Thank you."),
        ("DR. OWEN PRICE (GUEST)", "The river rose fast at 10:30."),
        (None, "Was it safe?"),
        (None, "Nobody knows."),
        ("Speaker 3", "Next question."),
    ]


def test_rollup_repeat_dropped_but_single_line_repeat_kept() -> None:
    vtt = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nthe water is rising\n\n"
        "00:02.000 --> 00:03.000\nthe water is rising\nalong the quay\n\n"
        "00:03.000 --> 00:04.000\nNo.\n\n00:04.000 --> 00:05.000\nNo.\n"
    )
    captions, title = parse_vtt(vtt)
    assert title is None
    text, cues = assemble(captions)
    assert text == "the water is rising along the quay No. No."
    _check_cues(text, cues)


def test_pause_starts_paragraph() -> None:
    assert PAUSE_SECONDS == 2.0
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nOne.\n\n"
        "2\n00:00:02,500 --> 00:00:03,000\nTwo.\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\nThree.\n"
    )
    text, _ = assemble(parse_srt(srt))
    assert text == "One. Two.\n\nThree."


def test_vtt_entities_tags_and_no_blank_after_header() -> None:
    vtt = (
        "WEBVTT\n00:00:01.000 --> 00:00:03.000 align:start position:10%\n"
        "<v.loud Chief Osei><c.yellow>Salt &amp; silt</c> are <00:00:02.000>both real.</v>\n"
    )
    captions, _ = parse_vtt(vtt)
    text, cues = assemble(captions)
    assert text == "Salt & silt are both real."
    assert cues[0]["speaker"] == "Chief Osei"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"1\nthis is not a timing line\nhello\n", "a.srt", "no timed cues"),
        (b"WEBVTT\n\nNOTE nothing here\n", "a.vtt", "no timed cues"),
        (b"Not a caption file\n", "a.vtt", "not a WebVTT file"),
        (b"1\n00:00:01,000 --> 00:00:02,000\n[MUSIC]\n", "a.srt", "no spoken text"),
    ],
)
def test_bad_captions(data: bytes, name: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        read_bytes(data, name=name)


def test_caption_kind_sniffed_without_extension() -> None:
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nHello from the studio.\n"
    assert read_bytes(srt)[0].kind == "transcript"
    assert read_bytes(b"WEBVTT\n\n00:01.000 --> 00:02.000\nHello.\n")[0].metadata["format"] == "vtt"


# --- generated captions round-trip -----------------------------------------------------------

_word = st.from_regex(r"[a-z]{1,8}[,.?!]?", fullmatch=True) | st.from_regex(r"[A-Z][a-z]{1,7}", fullmatch=True)
_line = st.lists(_word, min_size=1, max_size=6).map(" ".join)
_speaker = st.none() | st.sampled_from(["ANCHOR", "SPEAKER 2", "DANA FROST", "REP. LOWE"])
_cue = st.tuples(
    _speaker,
    st.lists(_line, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=4000),  # gap before, ms
    st.integers(min_value=100, max_value=6000),  # duration, ms
)


def _stamp(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _build(cues: list, fmt: str) -> tuple[str, list[tuple[str, float, float, str | None]]]:
    out = ["WEBVTT", ""] if fmt == "vtt" else []
    expected = []
    clock = 0
    current = None
    for n, (speaker, lines, gap, duration) in enumerate(cues, 1):
        start, end = clock + gap, clock + gap + duration
        clock = end
        body = list(lines)
        if speaker:
            body[0] = (f"<v {speaker}>" if fmt == "vtt" else f">> {speaker}: ") + body[0]
            current = speaker
        sep = "." if fmt == "vtt" else ","
        out += [str(n), f"{_stamp(start, sep)} --> {_stamp(end, sep)}", *body, ""]
        expected.append((" ".join(lines), start / 1000, end / 1000, current))
    return "\n".join(out), expected


@settings(max_examples=60, deadline=None)
@given(cues=st.lists(_cue, min_size=1, max_size=12), fmt=st.sampled_from(["srt", "vtt"]))
def test_generated_captions_round_trip(cues: list, fmt: str) -> None:
    # Roll-up de-duplication would (correctly) drop such a line; keep generated cues clear of it.
    for prev, cur in zip(cues, cues[1:]):
        assume(not (len(cur[1]) > 1 and cur[1][0] == prev[1][-1]))
    source, expected = _build(cues, fmt)
    (doc,) = read_bytes(source.encode(), name=f"gen.{fmt}")
    got = doc.metadata["cues"]
    _check_cues(doc.text, got)
    assert len(got) == len(expected)
    for cue, (words, t_start, t_end, speaker) in zip(got, expected):
        assert doc.text[cue["start"]:cue["end"]] == words
        assert cue["t_start"] == pytest.approx(t_start) and cue["t_end"] == pytest.approx(t_end)
        assert cue["speaker"] == speaker
