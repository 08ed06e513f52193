"""SRT and WebVTT captions: spoken text, speaker labels as metadata, cue ranges with exact offsets."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from clipfile.errors import IngestError
from clipfile.ingest import read_bytes, samples_dir
from clipfile.ingest.transcript import PAUSE_SECONDS, _overlap, assemble, parse_srt, parse_vtt


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


# --- captions that fight back (issue #14) ---------------------------------------------------

# YouTube's automatic captions: each line is first shown word by word (<time><c> word</c>),
# then repeated for 10 ms, then shown again above the next line.  A space-only line is payload.
ROLLING_VTT = """WEBVTT
Kind: captions
Language: en

00:00:00.080 --> 00:00:02.869 align:start position:0%
 
the<00:00:00.480><c> harbour</c><00:00:00.960><c> board</c><00:00:01.440><c> met</c><00:00:01.800><c> today</c>

00:00:02.869 --> 00:00:02.879 align:start position:0%
the harbour board met today
 

00:00:02.879 --> 00:00:05.510 align:start position:0%
the harbour board met today
and<00:00:03.120><c> voted</c><00:00:03.600><c> to</c><00:00:04.000><c> dredge</c>

00:00:05.510 --> 00:00:05.520 align:start position:0%
and voted to dredge
 

00:00:05.520 --> 00:00:08.000 align:start position:0%
and voted to dredge
the<00:00:06.000><c> channel</c><00:00:06.500><c> by</c><00:00:07.000><c> spring</c>
"""

# youtube-dl's older output: colour classes, a style header, and no blank line between two cues.
NO_BLANK_VTT = """WEBVTT
Kind: captions
Language: en
Style:
::cue(c.colorCCCCCC) { color: rgb(204,204,204);
 }
##


00:01:10.000 --> 00:01:10.400 align:start position:0%
right


00:01:10.400 --> 00:01:12.000 align:start position:0%
right
<c.colorCCCCCC>the ferry is late</c>
00:01:12.000 --> 00:01:13.000 align:start position:0%
again<00:01:12.300><c> this</c><c.colorE5E5E5><00:01:12.600><c> week</c></c>

00:01:13.000 --> 00:01:13.300 align:start position:0%
again this<c.colorE5E5E5> week</c><c.colorCCCCCC>
 </c>
"""


@pytest.mark.parametrize(
    ("vtt", "expected"),
    [
        (ROLLING_VTT, ["the harbour board met today", "and voted to dredge", "the channel by spring"]),
        (NO_BLANK_VTT, ["right", "the ferry is late", "again this week"]),
    ],
)
def test_rolling_captions_say_each_line_once(vtt: str, expected: list[str]) -> None:
    (doc,) = read_bytes(vtt.encode(), name="captions.vtt")
    assert doc.text == " ".join(expected)
    assert "-->" not in doc.text and "<" not in doc.text and "align:" not in doc.text
    cues = doc.metadata["cues"]
    _check_cues(doc.text, cues)
    assert [doc.text[c["start"]:c["end"]] for c in cues] == expected
    assert "warnings" not in doc.metadata


def test_rolling_cue_times_are_the_cues_that_carry_the_words() -> None:
    (doc,) = read_bytes(ROLLING_VTT.encode(), name="captions.vtt")
    assert [(c["t_start"], c["t_end"]) for c in doc.metadata["cues"]] == [
        (0.08, 2.869), (2.879, 5.51), (5.52, 8.0)]


BROKEN_SRT = """1
00:00:01,000 --> 00:00:03,000
The water reached the second step.

2
00:00:03,100 --> 00:00:05,000
We saw it from the pier.

3 xx:yy --> zz
It kept rising all night.

4
xx:yy --> zz
Nobody slept.

5
00:00:09,000 --> 00:00:10,000
By morning the quay was dry.
"""


def test_broken_timing_lines_are_dropped_and_counted(tmp_path) -> None:
    from _ingestcli import ingest_cli, stored

    (tmp_path / "night.srt").write_text(BROKEN_SRT, encoding="utf-8")
    r = ingest_cli(tmp_path / "lib.sqlite", str(tmp_path / "night.srt"))
    assert r.exit_code == 0 and "1 new" in r.said, r.output
    assert "warning: 2 broken timing lines were dropped" in r.said
    (doc,) = stored(tmp_path / "lib.sqlite")
    assert doc.text == ("The water reached the second step. We saw it from the pier. "
                        "It kept rising all night. Nobody slept. By morning the quay was dry.")
    cues = doc.metadata["cues"]
    _check_cues(doc.text, cues)
    kept = [c for c in cues if c.get("estimated")]
    assert [doc.text[c["start"]:c["end"]] for c in kept] == ["It kept rising all night.", "Nobody slept."]
    assert all((c["t_start"], c["t_end"]) == (5.0, 9.0) for c in kept)  # between cues 2 and 5
    assert len(doc.metadata["warnings"]) == 1


def test_bracket_and_chevron_speaker_tags_become_speakers() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\n[Alba] The water reached the second step.\n\n"
        "2\n00:00:03,100 --> 00:00:05,000\n>> ORRIN:\nWe saw it from the pier.\n\n"
        "3\n00:00:05,100 --> 00:00:06,000\n[Applause] Thank you all.\n\n"
        "4\n00:00:06,100 --> 00:00:07,000\n[Alba]\nThank you.\n\n"
        "5\n00:00:07,100 --> 00:00:08,000\n[CROWD NOISE]\n\n"
        "6\n00:00:08,100 --> 00:00:09,000\n- [Dr. Ines Paz] The levee is sound.\n"
    )
    (doc,) = read_bytes(srt.encode(), name="tags.srt")
    cues = doc.metadata["cues"]
    _check_cues(doc.text, cues)
    assert [(c["speaker"], doc.text[c["start"]:c["end"]]) for c in cues] == [
        ("Alba", "The water reached the second step."),
        ("ORRIN", "We saw it from the pier."),
        ("ORRIN", "Thank you all."),  # a sound, not a speaker: the turn stays with Orrin
        ("Alba", "Thank you."),
        ("Dr. Ines Paz", "The levee is sound."),
    ]
    assert "[" not in doc.text and ">>" not in doc.text and "ORRIN" not in doc.text
    assert doc.metadata["speakers"] == ["Alba", "ORRIN", "Dr. Ines Paz"]


def test_a_lone_name_tag_at_the_end_of_a_cue_is_not_a_speaker() -> None:
    srt = ("1\n00:00:01,000 --> 00:00:02,000\n>> ORRIN: The pier held.\n\n"
           "2\n00:00:02,100 --> 00:00:03,000\n[Thunder]\n\n"
           "3\n00:00:03,100 --> 00:00:04,000\nIt held all night.\n")
    (doc,) = read_bytes(srt.encode(), name="t.srt")
    assert doc.text == "The pier held. It held all night."
    assert [c["speaker"] for c in doc.metadata["cues"]] == ["ORRIN", "ORRIN"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"1\nthis is not a timing line\nhello\n", "a.srt", "no timed cues"),
        (b"WEBVTT\n\nNOTE nothing here\n", "a.vtt", "no timed cues"),
        (b"Not a caption file\n", "a.vtt", "not a WebVTT file"),
        (b"1\n00:00:01,000 --> 00:00:02,000\n[MUSIC]\n", "a.srt", "no spoken text"),
        (b"1\nxx:yy --> zz\nhello\n", "a.srt", "no timed cues"),
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
    # Roll-up de-duplication would (correctly) drop such lines; keep generated cues clear of it.
    # A one-line cue that repeats the line before is speech said twice and stays.
    for prev, cur in zip(cues, cues[1:]):
        assume(_overlap(list(prev[1]), list(cur[1])) == 0 or len(cur[1]) == 1)
    source, expected = _build(cues, fmt)
    (doc,) = read_bytes(source.encode(), name=f"gen.{fmt}")
    got = doc.metadata["cues"]
    _check_cues(doc.text, got)
    assert len(got) == len(expected)
    for cue, (words, t_start, t_end, speaker) in zip(got, expected):
        assert doc.text[cue["start"]:cue["end"]] == words
        assert cue["t_start"] == pytest.approx(t_start) and cue["t_end"] == pytest.approx(t_end)
        assert cue["speaker"] == speaker
